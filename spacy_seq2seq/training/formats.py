"""The file formats of parallel corpora: each reader turns a file (or two)
into numbered records, one per pair, or a record saying what is wrong with
that line (never dropped here: the corpus decides to raise or to count)."""

import gzip
import itertools
import json
from pathlib import Path
from typing import IO, Any, Iterator, NamedTuple, Optional, Tuple, Union

from ..errors import Errors

BOM = b"\xef\xbb\xbf"


class Record(NamedTuple):
    """One raw pair, or the reason it could not be read."""

    file: Path  # the file to blame in messages
    number: int  # 1-based line (or JSON item) number
    src: Optional[str]
    tgt: Optional[str]
    problem: Optional[str]  # set when the record is malformed


def records_lines(src_path: Path, tgt_path: Path) -> Iterator[Record]:
    """Line-aligned source and target files."""
    with open_binary(src_path) as src_file, open_binary(tgt_path) as tgt_file:
        pairs = itertools.zip_longest(
            decoded_lines(src_file), decoded_lines(tgt_file)
        )
        for number, (src_line, tgt_line) in enumerate(pairs, start=1):
            if src_line is None or tgt_line is None:
                longer, shorter = (
                    (tgt_path, src_path)
                    if src_line is None
                    else (src_path, tgt_path)
                )
                yield Record(
                    longer,
                    number,
                    None,
                    None,
                    f"'{longer.name}' has more lines than '{shorter.name}' "
                    f"(which ends at line {number - 1}); source and target files "
                    f"must have the same number of lines. If a line is missing "
                    f"in the middle, every pair after it is misaligned",
                )
                continue
            src_text, src_problem = src_line
            tgt_text, tgt_problem = tgt_line
            if src_problem or tgt_problem:
                blamed = src_path if src_problem else tgt_path
                yield Record(
                    blamed, number, None, None, src_problem or tgt_problem
                )
                continue
            yield Record(src_path, number, src_text, tgt_text, None)


def records_tsv(path: Path, src_column: int, tgt_column: int) -> Iterator[Record]:
    """One pair per line, in two tab-separated columns."""
    needed = max(src_column, tgt_column) + 1
    # Every line must have as many columns as the first one: extra columns
    # (e.g. Tatoeba's attribution) are fine, but a stray tab inside one
    # sentence would otherwise shift or truncate that pair unnoticed.
    expected: Optional[int] = None
    for item in _text_lines(path):
        if isinstance(item, Record):
            yield item
            continue
        number, text = item
        columns = text.split("\t")
        if len(columns) < needed:
            yield Record(
                path,
                number,
                None,
                None,
                f"expected at least {needed} tab-separated columns "
                f"(src_column={src_column}, tgt_column={tgt_column}),"
                f" found {len(columns)}",
            )
            continue
        if expected is None:
            expected = len(columns)
        elif len(columns) != expected:
            yield Record(
                path,
                number,
                None,
                None,
                f"found {len(columns)} tab-separated columns, but the first "
                f"line has {expected} (a tab inside a sentence?)",
            )
            continue
        yield Record(
            path,
            number,
            columns[src_column],
            columns[tgt_column],
            None,
        )


def records_jsonl(path: Path, src_key: str, tgt_key: str) -> Iterator[Record]:
    """One JSON object per line."""
    for item in _text_lines(path):
        if isinstance(item, Record):
            yield item
            continue
        number, text = item
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            yield Record(
                path, number, None, None, f"invalid JSON ({err})"
            )
            continue
        yield record_from_obj(path, number, obj, src_key, tgt_key)


def records_json(path: Path, src_key: str, tgt_key: str) -> Iterator[Record]:
    """One JSON list of objects (read whole)."""
    # A JSON list can't be parsed line by line with the standard library,
    # so this format reads the whole file; JSONL is the streaming option.
    with open_binary(path) as file_:
        raw = file_.read()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        # A file-level error: no record can be trusted, so always raise.
        raise ValueError(Errors.E030.format(path=path, error=err)) from err
    if not isinstance(data, list):
        example = f'{{"{src_key}": "...", "{tgt_key}": "..."}}'
        raise ValueError(
            Errors.E031.format(path=path, type=type(data).__name__, example=example)
        )
    for number, obj in enumerate(data, start=1):
        yield record_from_obj(path, number, obj, src_key, tgt_key)


def record_from_obj(path: Path, number: int, obj: Any, src_key: str, tgt_key: str) -> Record:
    if not isinstance(obj, dict):
        return Record(
            path,
            number,
            None,
            None,
            f"expected a JSON object with keys {src_key!r} and "
            f"{tgt_key!r}, got a {type(obj).__name__}",
        )
    missing = [key for key in (src_key, tgt_key) if key not in obj]
    if missing:
        return Record(
            path,
            number,
            None,
            None,
            f"missing key(s) {', '.join(repr(k) for k in missing)} (found "
            f"{', '.join(repr(k) for k in obj) or 'no keys'}); set src_key/"
            f"tgt_key to the names your file uses",
        )
    src, tgt = obj[src_key], obj[tgt_key]
    if src is None:
        src = ""
    if tgt is None:
        tgt = ""
    if not isinstance(src, str) or not isinstance(tgt, str):
        return Record(
            path,
            number,
            None,
            None,
            f"values of {src_key!r} and {tgt_key!r} must be strings",
        )
    return Record(path, number, src, tgt, None)


def _text_lines(path: Path) -> Iterator[Union[Record, Tuple[int, str]]]:
    """(number, text) for each line with text; an undecodable line comes as
    a malformed record and a blank one as an empty record."""
    with open_binary(path) as file_:
        for number, (text, problem) in enumerate(decoded_lines(file_), start=1):
            if problem is not None:
                yield Record(path, number, None, None, problem)
            elif not text.strip():
                yield Record(path, number, "", "", None)
            else:
                yield number, text


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing it if it ends with .gz."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def decoded_lines(file_: IO[bytes]) -> Iterator[Tuple[str, Optional[str]]]:
    """Yield (text, problem) per line: text without BOM and line ending.

    Decoding line by line (rather than opening in text mode) keeps one bad byte
    from aborting the whole file and lets the error name its line. Splitting on
    b"\\n" only means a stray "\\r" or U+2028 inside a sentence does not start a
    new line, which text mode's universal newlines would do.
    """
    for index, raw in enumerate(file_):
        if index == 0 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            yield raw.decode("utf-8"), None
        except UnicodeDecodeError as err:
            yield "", (
                f"not valid UTF-8 ({err.reason} at byte {err.start}); re-encode the "
                f"file as UTF-8"
            )
