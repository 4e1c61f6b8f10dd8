"""Reading parallel corpora for training (importing registers the reader and
the batch length function)."""

from .batching import make_pair_length
from .corpus_stats import CorpusStats
from .docbin import convert_to_docbin
from .readers import ParallelCorpus, create_parallel_corpus_reader

__all__ = [
    "make_pair_length",
    "CorpusStats",
    "ParallelCorpus",
    "convert_to_docbin",
    "create_parallel_corpus_reader",
]
