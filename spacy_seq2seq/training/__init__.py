"""Reading parallel corpora for training (importing registers the reader)."""

from .readers import (
    CorpusStats,
    ParallelCorpus,
    convert_to_docbin,
    create_parallel_corpus_reader,
)

__all__ = [
    "CorpusStats",
    "ParallelCorpus",
    "convert_to_docbin",
    "create_parallel_corpus_reader",
]
