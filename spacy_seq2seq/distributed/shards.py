"""The output folder: shards written atomically, one report per finished
shard, and the job's manifest.

Exactly once: a shard is written to a temporary name and renamed into
place (a rename is atomic on one file system), then its report in `_done/`
the same way. A shard counts as finished only when its report exists, so a
worker that dies at any moment leaves either nothing or a whole shard; a
retried partition rewrites the same bytes under the same name. A re-run
with the same arguments keeps every finished shard and computes the rest.

The manifest (`_JOB.json`) records what made the shards (model, input
checksums, settings): a re-run with other arguments is refused instead of
mixing two jobs' shards in one folder.
"""

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..errors import Errors

OUTPUT_FORMATS = ("jsonl", "parquet")
MANIFEST = "_JOB.json"
SUMMARY = "_SUMMARY.json"
DONE_DIR = "_done"


@dataclass
class ShardReport:
    """What one shard's partition gave: records read and written, and each
    skipped record as [id, reason, detail]."""

    partition: int
    first_id: int
    read: int
    written: int
    skipped: List[List[Any]] = field(default_factory=list)
    seconds: float = 0.0
    pid: int = 0
    # The worker process's peak resident memory when the shard was done.
    peak_rss_mib: float = 0.0
    # When the worker started and finished the shard (seconds since the
    # epoch): the decoding window of a job, its start-up left out.
    started: float = 0.0
    finished: float = 0.0


def write_atomically(path: Path, write) -> None:
    """Call `write(temporary_path)`, then rename the file to `path`."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf8"))


def write_shard(output_dir: Path, name: str, records: List[Dict[str, Any]], output_format: str, report: ShardReport) -> None:
    """The shard's records (by id), then its report, each atomically."""
    if output_format == "parquet":
        import pyarrow
        import pyarrow.parquet as pq

        table = pyarrow.Table.from_pylist(records)
        write_atomically(output_dir / f"{name}.parquet", lambda temporary: pq.write_table(table, temporary))
    else:
        # json writes floats with repr, which reads back as the same float.
        text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        write_text_atomically(output_dir / f"{name}.jsonl", text)
    (output_dir / DONE_DIR).mkdir(exist_ok=True)
    write_text_atomically(output_dir / DONE_DIR / f"{name}.json", json.dumps(asdict(report)))


def read_report(output_dir: Path, name: str, output_format: str) -> Optional[ShardReport]:
    """The report of a finished shard, or None when the shard is not (or not
    completely) there."""
    done = output_dir / DONE_DIR / f"{name}.json"
    if not done.exists() or not (output_dir / f"{name}.{output_format}").exists():
        return None
    try:
        return ShardReport(**json.loads(done.read_text(encoding="utf8")))
    except (ValueError, TypeError):
        return None  # unreadable: computed again


def check_output_dir(output_dir: Path) -> None:
    """Refuse a folder that holds shards but no manifest (another tool's,
    or a job from before manifests): nothing can tell whose they are."""
    if output_dir.exists() and not output_dir.is_dir():
        raise ValueError(Errors.E074.format(path=output_dir, what="a file, not a folder"))
    if output_dir.is_dir() and not (output_dir / MANIFEST).exists():
        shards = [p.name for p in output_dir.iterdir() if p.name.startswith("part-")]
        if shards:
            raise ValueError(Errors.E074.format(path=output_dir, what=f"{len(shards)} shard file(s) (e.g. {shards[0]}) but no {MANIFEST}"))


def claim_output_dir(output_dir: Path, manifest: Dict[str, Any]) -> bool:
    """Write the manifest into a new (or shard-free) folder, or check that
    the one there describes this same job. RETURNS whether it was there."""
    check_output_dir(output_dir)
    path = output_dir / MANIFEST
    if path.exists():
        existing = json.loads(path.read_text(encoding="utf8"))
        if existing != manifest:
            differing = sorted(k for k in set(existing) | set(manifest) if existing.get(k) != manifest.get(k))
            raise ValueError(Errors.E074.format(
                path=output_dir, what=f"the shards of another job (its {MANIFEST} differs in: {', '.join(differing)})"
            ))
        return True
    output_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, json.dumps(manifest, indent=1, ensure_ascii=False))
    return False
