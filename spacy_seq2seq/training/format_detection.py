"""Which format a parallel corpus is in, when the config says "auto": from
the presence of a target file, the file suffix, or (for anything else) a tab
on the first non-blank line."""

from pathlib import Path
from typing import Literal, Optional, Tuple, get_args

from ..errors import Errors
from .formats import open_binary

FormatType = Literal["auto", "lines", "tsv", "jsonl", "json"]
FORMATS: Tuple[str, ...] = get_args(FormatType)

# Suffixes that name their format outright (after a ".gz" is removed).
SUFFIX_FORMATS = {".jsonl": "jsonl", ".json": "json", ".tsv": "tsv"}


def detect_format(path: Path, tgt_path: Optional[Path] = None) -> str:
    """The format of a corpus whose config says format = "auto".

    path (Path): The source file, or the single file holding both sides.
    tgt_path (Optional[Path]): The target file, for line-aligned files.
    RETURNS (str): "lines", "tsv", "jsonl" or "json".
    """
    if tgt_path is not None:
        return "lines"
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[: -len(".gz")]
    suffix_format = SUFFIX_FORMATS.get(Path(name).suffix)
    if suffix_format is not None:
        return suffix_format
    # Anything else (.txt, Tatoeba/Anki exports, ...) is TSV if its first
    # non-blank line has a tab; guessing further would be unsafe.
    if _first_line_has_tab(path):
        return "tsv"
    raise ValueError(Errors.E027.format(path=path, formats=", ".join(FORMATS[1:])))


def _first_line_has_tab(path: Path) -> bool:
    with open_binary(path) as file_:
        for raw in file_:
            line = raw.strip()
            if line:
                return b"\t" in line
    return False
