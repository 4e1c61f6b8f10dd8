"""Input formats: how one input record becomes a text, or a skip reason.

A record is one line of a text file (plain lines, TSV, JSONL) or one row of
a Parquet file. Parsing never raises for bad data: a record that holds no
usable text comes back with the reason it is skipped, so the job counts it
instead of failing (or silently dropping it).

This module imports neither Ray nor torch: the driver uses it to check the
arguments before any worker starts.
"""

import json
from pathlib import Path
from typing import Any, Optional, Tuple, Union

from ..errors import Errors

FORMATS = ("lines", "tsv", "jsonl", "parquet")
# What the record's text is called when --column is not given.
DEFAULT_COLUMNS = {"lines": None, "tsv": "0", "jsonl": "text", "parquet": "text"}
_EXTENSIONS = {".tsv": "tsv", ".jsonl": "jsonl", ".json": "jsonl", ".parquet": "parquet"}

# Why a record is not decoded (the keys of the summary's "skipped" counts).
EMPTY, MALFORMED, UNDECODABLE = "empty", "malformed", "undecodable"
SKIP_REASONS = (EMPTY, MALFORMED, UNDECODABLE)

# (text, None) for a usable record; (None, (reason, detail)) for a skipped one.
Parsed = Tuple[Optional[str], Optional[Tuple[str, str]]]


def detect_format(path: Union[str, Path], requested: str = "auto") -> str:
    """The input format: `requested`, or with "auto" the one the file's
    extension names (plain lines for any other extension)."""
    if requested != "auto":
        if requested not in FORMATS:
            raise ValueError(Errors.E073.format(problem=f"Unknown --format {requested!r}"))
        return requested
    return _EXTENSIONS.get(Path(path).suffix.lower(), "lines")


def resolve_column(input_format: str, column: Optional[str]) -> Optional[str]:
    """The column (TSV: a number; JSONL, Parquet: a name) holding the text,
    checked before anything is read."""
    if input_format == "lines":
        if column is not None:
            raise ValueError(Errors.E073.format(problem="--column has no meaning for --format lines (each line is one text)"))
        return None
    column = DEFAULT_COLUMNS[input_format] if column is None else column
    if input_format == "tsv" and not (column.isdigit()):
        raise ValueError(Errors.E073.format(problem=f"--column for TSV input must be a 0-based column number; got {column!r}"))
    return column


def parse_line(raw: bytes, input_format: str, column: Optional[str]) -> Parsed:
    """The text of one line of a lines, TSV or JSONL file (the line ending
    already removed)."""
    try:
        line = raw.decode("utf8")
    except UnicodeDecodeError as error:
        return None, (MALFORMED, f"not UTF-8 ({error.reason} at byte {error.start})")
    if input_format == "lines":
        return check_text(line)
    if input_format == "tsv":
        cells = line.split("\t")
        index = int(column)  # type: ignore[arg-type]
        if index >= len(cells):
            return None, (MALFORMED, f"{len(cells)} TSV column(s), no column {index}")
        return check_text(cells[index])
    try:
        value = json.loads(line)
    except ValueError as error:
        return None, (MALFORMED, f"not JSON ({error})")
    if not isinstance(value, dict) or column not in value:
        return None, (MALFORMED, f"no key {column!r}")
    return check_value(value[column], column)


def check_value(value: Any, column: Optional[str]) -> Parsed:
    """A JSON or Parquet value as a text: strings only (a number or a null
    is malformed, not silently turned into text)."""
    if not isinstance(value, str):
        return None, (MALFORMED, f"{column!r} is {type(value).__name__}, not a string")
    return check_text(value)


def check_text(text: str) -> Parsed:
    """A text with something to decode, or the `empty` skip."""
    if not text.strip():
        return None, (EMPTY, "")
    return text, None
