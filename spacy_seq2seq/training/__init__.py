"""Reading parallel corpora for training (importing registers the readers,
the batch length function and the vocabulary coverage callback)."""

from .batching import make_pair_length
from .corpus_stats import CorpusStats
from .docbin import convert_to_docbin
from .mixing import MixedCorpus, create_mixed_corpus_reader
from .reader_settings import ReaderSettings
from .readers import ParallelCorpus, create_parallel_corpus_reader
from .vocab_coverage import (
    VocabCoverage,
    create_vocab_coverage_report,
    measure_vocab_coverage,
)

__all__ = [
    "make_pair_length",
    "CorpusStats",
    "MixedCorpus",
    "ParallelCorpus",
    "ReaderSettings",
    "VocabCoverage",
    "convert_to_docbin",
    "create_mixed_corpus_reader",
    "create_parallel_corpus_reader",
    "create_vocab_coverage_report",
    "measure_vocab_coverage",
]
