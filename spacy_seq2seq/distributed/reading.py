"""Reading one stretch of an input file: `count` records from an offset,
parsed (see formats.py). Workers read only the stretch of the partition
they are decoding, so no process ever holds a whole input."""

from typing import Iterator

from ..errors import Errors
from .formats import Parsed, check_value, parse_line
from .inputs import CorpusInput


def read_segment(corpus: CorpusInput, file: int, offset: int, count: int) -> Iterator[Parsed]:
    """The parsed records `offset` (bytes; Parquet: rows) .. + `count` of
    file number `file` of `corpus`."""
    path = corpus.files[file].path
    if corpus.format == "parquet":
        yield from _read_parquet(path, corpus.column, offset, count)
        return
    with open(path, "rb") as stream:
        stream.seek(offset)
        for _ in range(count):
            raw = stream.readline()
            if not raw:
                # The plan counted more records: the file changed under the job.
                raise RuntimeError(Errors.E116.format(path=path))
            yield parse_line(raw.rstrip(b"\n").rstrip(b"\r"), corpus.format, corpus.column)


def _read_parquet(path: str, column, first_row: int, count: int) -> Iterator[Parsed]:
    """Rows first_row .. + count of one column, reading only the row groups
    that hold them."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    group_start = 0
    end = first_row + count
    for group in range(parquet.metadata.num_row_groups):
        group_rows = parquet.metadata.row_group(group).num_rows
        group_end = group_start + group_rows
        if group_end > first_row and group_start < end:
            values = parquet.read_row_group(group, columns=[column]).column(0).to_pylist()
            for value in values[max(0, first_row - group_start) : min(group_rows, end - group_start)]:
                yield check_value(value, column)
        group_start = group_end
        if group_start >= end:
            break
