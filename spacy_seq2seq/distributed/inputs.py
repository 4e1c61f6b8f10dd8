"""Finding and indexing the input files: which files, in which order, how
many records each holds, and where given records start.

Record numbers (`id`) run 0, 1, 2, ... over the files in sorted path order,
so they are the same on every run and every machine. To know them without
ever holding a file in memory, the driver reads each text file once as a
stream (8 MiB at a time, about as fast as the disk) and keeps only the byte
offsets of the records where partitions start; a Parquet file needs only its
footer. The same pass computes a checksum, which tells a resumed job whether
its input is still the one its finished shards were made from.
"""

import glob
import itertools
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import numpy

from ..errors import Errors
from .formats import detect_format, resolve_column

CHUNK_BYTES = 8 * 1024 * 1024
# Parquet files are identified by their footer (schema, row groups,
# statistics), not by reading all of them.
PARQUET_TAIL_BYTES = 64 * 1024


# Given the id of a file's first record, the file-relative record numbers
# whose start offsets are wanted, ascending (may run past the file's end).
StartsAt = Callable[[int], Iterator[int]]


@dataclass(frozen=True)
class InputFile:
    """One input file: its path, record count and content checksum."""

    path: str
    records: int
    size: int
    checksum: int


@dataclass(frozen=True)
class CorpusInput:
    """The files of one input (sorted), their format and text column."""

    files: Tuple[InputFile, ...]
    format: str
    column: Optional[str]

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def file_starts(self) -> List[int]:
        """The id of each file's first record."""
        return list(itertools.accumulate((f.records for f in self.files), initial=0))[:-1]


def expand_input(pattern: str) -> List[str]:
    """The files INPUT names: one file, every file in a folder, or a glob's
    matches; sorted, so record numbers never depend on the file system."""
    path = Path(pattern)
    if path.is_dir():
        files = sorted(str(p) for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    elif path.is_file():
        files = [pattern]
    else:
        files = sorted(p for p in glob.glob(pattern) if os.path.isfile(p))
    if not files:
        raise ValueError(Errors.E072.format(path=pattern, problem="no such file, and no file matches it as a glob"))
    for name in files:
        if not os.access(name, os.R_OK):
            raise ValueError(Errors.E072.format(path=name, problem="the file cannot be read (permissions)"))
    return files


def check_input(pattern: str, requested_format: str = "auto", column: Optional[str] = None) -> Tuple[List[str], str, Optional[str]]:
    """(files, format, column) of an input, checked without reading its
    records: one format for all files, a valid column, and for Parquet a
    column the schema has."""
    files = expand_input(pattern)
    input_format = detect_format(files[0], requested_format)
    if requested_format == "auto":
        formats = {detect_format(name) for name in files}
        if len(formats) > 1:
            raise ValueError(Errors.E073.format(
                problem=f"INPUT {pattern} mixes formats ({', '.join(sorted(formats))}); give files of one format, or name it with --format"
            ))
    column = resolve_column(input_format, column)
    if input_format == "parquet":
        import pyarrow.parquet as pq

        for name in files:
            try:
                schema = pq.read_schema(name)
            except Exception as error:  # pyarrow raises several types for a bad file
                raise ValueError(Errors.E072.format(path=name, problem=f"not a Parquet file ({error})")) from None
            if column not in schema.names:
                raise ValueError(Errors.E073.format(
                    problem=f"{name} has no column {column!r} (its columns: {', '.join(schema.names)}); name the text column with --column"
                ))
    return files, input_format, column


def index_input(
    files: Sequence[str], input_format: str, column: Optional[str], starts_at: StartsAt
) -> Tuple[CorpusInput, Dict[int, Tuple[int, int]]]:
    """Count the records of every file and find where the wanted records
    start.

    starts_at (StartsAt): Which records' starts to find, per file.
    RETURNS: The input, and {id: (file number, offset)} of the wanted
        records (offset: a byte offset, or for Parquet a row number).
    """
    indexed: List[InputFile] = []
    offsets: Dict[int, Tuple[int, int]] = {}
    first_id = 0
    for number, name in enumerate(files):
        wanted = starts_at(first_id)
        if input_format == "parquet":
            records, size, checksum, found = _index_parquet(name, wanted)
        else:
            records, size, checksum, found = _index_text(name, wanted)
        indexed.append(InputFile(path=os.path.abspath(name), records=records, size=size, checksum=checksum))
        offsets.update({first_id + record: (number, offset) for record, offset in found.items()})
        first_id += records
    return CorpusInput(files=tuple(indexed), format=input_format, column=column), offsets


def every(step: int) -> StartsAt:
    """Every `step`-th record of each file, from its first: where the
    source's partitions start (a partition never spans two files)."""
    return lambda first_id: itertools.count(0, step)


def at_ids(ids: Iterable[int]) -> StartsAt:
    """The given ids, wherever they fall: where a target input must be read
    from for the source's partitions."""
    ordered = sorted(ids)
    return lambda first_id: iter([i - first_id for i in ordered if i >= first_id])


def _index_text(name: str, wanted: Iterator[int]) -> Tuple[int, int, int, Dict[int, int]]:
    """(records, size, checksum, {record: byte offset}) of a text file, read
    once as a stream. Record r starts after the (r-1)-th newline; a last line
    without a newline is a record too."""
    found: Dict[int, int] = {}
    next_wanted = next(wanted, None)
    newlines = crc = size = 0
    last_byte = b""
    with open(name, "rb") as stream:
        while True:
            chunk = stream.read(CHUNK_BYTES)
            if not chunk:
                break
            crc = zlib.crc32(chunk, crc)
            positions = numpy.flatnonzero(numpy.frombuffer(chunk, dtype=numpy.uint8) == 10)
            while next_wanted is not None and next_wanted - 1 < newlines + len(positions):
                found[next_wanted] = 0 if next_wanted == 0 else size + int(positions[next_wanted - 1 - newlines]) + 1
                next_wanted = next(wanted, None)
            newlines += len(positions)
            size += len(chunk)
            last_byte = chunk[-1:]
    records = newlines + (1 if size and last_byte != b"\n" else 0)
    return records, size, crc, {r: offset for r, offset in found.items() if r < records}


def _index_parquet(name: str, wanted: Iterator[int]) -> Tuple[int, int, int, Dict[int, int]]:
    """(rows, size, footer checksum, {row: row}) of a Parquet file."""
    import pyarrow.parquet as pq

    records = pq.ParquetFile(name).metadata.num_rows
    size = os.path.getsize(name)
    with open(name, "rb") as stream:
        stream.seek(max(0, size - PARQUET_TAIL_BYTES))
        checksum = zlib.crc32(stream.read())
    found: Dict[int, int] = {}
    for record in wanted:
        if record >= records:
            break
        found[record] = record
    return records, size, checksum, found
