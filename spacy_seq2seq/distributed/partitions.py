"""The job's deterministic partition of its input: which records each
output shard holds, and where to read them.

A partition is a run of consecutive ids inside one source file (at most
`shard_size` of them); it becomes exactly one output shard, named by its
number. The same input and shard size always give the same partitions, so
a re-run finds the shards it already wrote by name and computes only the
rest. With `--align`, each partition also knows where its targets (the
records with the same ids in the target input) are, which may span files.
"""

from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple

from ..errors import Errors
from .formats import Parsed
from .inputs import CorpusInput, at_ids, every, index_input
from .reading import read_segment


@dataclass(frozen=True)
class Segment:
    """`count` records of file number `file`, from `offset` (a byte offset,
    or a row number for Parquet)."""

    file: int
    offset: int
    count: int


@dataclass(frozen=True)
class Partition:
    """Records first_id .. first_id + count - 1, read from `source` (and
    from `target` with --align)."""

    index: int
    first_id: int
    count: int
    source: Tuple[Segment, ...]
    target: Tuple[Segment, ...] = ()

    @property
    def name(self) -> str:
        """The shard's file name, without the extension."""
        return f"part-{self.index:06d}"


@dataclass(frozen=True)
class Plan:
    """The inputs and their partitions."""

    source: CorpusInput
    target: Optional[CorpusInput]
    partitions: Tuple[Partition, ...]
    shard_size: int

    @property
    def records(self) -> int:
        return self.source.records


def make_plan(
    source_files: List[str], source_format: str, source_column: Optional[str], shard_size: int,
    target: Optional[Tuple[List[str], str, Optional[str]]] = None,
) -> Plan:
    """Index the inputs (one streamed pass each) and cut the source into
    partitions of at most `shard_size` records.

    target: (files, format, column) of the --align targets, or None.
    """
    source, offsets = index_input(source_files, source_format, source_column, every(shard_size))
    partitions = []
    for first_id, start in zip(source.file_starts, range(len(source.files))):
        records = source.files[start].records
        for relative in range(0, records, shard_size):
            file, offset = offsets[first_id + relative]
            count = min(shard_size, records - relative)
            partitions.append(Partition(
                index=len(partitions), first_id=first_id + relative, count=count,
                source=(Segment(file, offset, count),),
            ))
    target_input = None
    if target is not None:
        target_files, target_format, target_column = target
        target_input, target_offsets = index_input(
            target_files, target_format, target_column, at_ids(p.first_id for p in partitions)
        )
        if target_input.records != source.records:
            raise ValueError(Errors.E075.format(n_targets=target_input.records, n_sources=source.records))
        partitions = [
            Partition(p.index, p.first_id, p.count, p.source, _spanning(target_input, target_offsets, p))
            for p in partitions
        ]
    return Plan(source=source, target=target_input, partitions=tuple(partitions), shard_size=shard_size)


def _spanning(corpus: CorpusInput, offsets: Dict[int, Tuple[int, int]], partition: Partition) -> Tuple[Segment, ...]:
    """The segments holding a partition's ids in an input whose files are
    cut differently: from the partition's first id on, through as many
    files as it takes (later files from their first record)."""
    file, offset = offsets[partition.first_id]
    left = partition.count
    first_in_file = partition.first_id - corpus.file_starts[file]
    segments = []
    while left:
        count = min(left, corpus.files[file].records - first_in_file)
        if count:
            segments.append(Segment(file, offset, count))
        left -= count
        file, offset, first_in_file = file + 1, 0, 0
    return tuple(segments)


def read_partition(plan: Plan, partition: Partition) -> Iterator[Tuple[int, Parsed, Optional[Parsed]]]:
    """(id, parsed source, parsed target or None) for each record of the
    partition, in id order, reading only its own byte ranges."""
    sources = _read_segments(plan.source, partition.source)
    targets = _read_segments(plan.target, partition.target) if plan.target is not None else None
    for k, parsed in enumerate(sources):
        yield partition.first_id + k, parsed, next(targets) if targets is not None else None


def _read_segments(corpus: CorpusInput, segments: Tuple[Segment, ...]) -> Iterator[Parsed]:
    for segment in segments:
        yield from read_segment(corpus, segment.file, segment.offset, segment.count)
