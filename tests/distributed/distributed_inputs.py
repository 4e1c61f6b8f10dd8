"""Small corpus files in every input format, for the distributed tests."""

import json
from pathlib import Path
from typing import List, Optional

from toy_data import TOY_PAIRS

# The toy sources and a few unseen mixes, repeated: enough records for
# several shards, with an empty line among them.
TEXTS: List[str] = [source for source, _ in TOY_PAIRS] + [
    "le chien noir dort .", "un chat mange .", "", "le chat blanc mange .",
]


def write_lines(path: Path, texts: List[str]) -> Path:
    path.write_text("".join(text + "\n" for text in texts), encoding="utf8")
    return path


def write_tsv(path: Path, texts: List[str], column: int = 1) -> Path:
    rows = [["x"] * column + [text] for text in texts]
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf8")
    return path


def write_jsonl(path: Path, texts: List[Optional[str]], key: str = "text") -> Path:
    path.write_text("".join(json.dumps({key: text}) + "\n" for text in texts), encoding="utf8")
    return path


def write_parquet(path: Path, texts: List[Optional[str]], column: str = "text", row_group_size: int = 3) -> Path:
    import pyarrow
    import pyarrow.parquet as pq

    pq.write_table(pyarrow.table({column: texts}), path, row_group_size=row_group_size)
    return path


def read_jsonl_shards(folder: Path) -> List[dict]:
    """Every record of a job's JSONL shards, in shard order."""
    return [json.loads(line) for shard in sorted(folder.glob("part-*.jsonl")) for line in shard.read_text(encoding="utf8").splitlines()]
