"""Pure PyTorch: the RNN attention encoder-decoder and its search.

Nothing here imports spaCy or thinc, so it can be used and tested on its own.
"""

from .beam import beam_search
from .config import ATTENTION_TYPES, CELL_TYPES, NetworkSettings, Seq2SeqConfig
from .search import (
    Constraints,
    Hypothesis,
    greedy_search,
    output_length_limits,
    output_length_minimums,
)
from .seq2seq import RNNAttnSeq2Seq, Seq2SeqOutput
from .terms import Terms

__all__ = [
    "ATTENTION_TYPES",
    "CELL_TYPES",
    "Constraints",
    "Hypothesis",
    "NetworkSettings",
    "RNNAttnSeq2Seq",
    "Seq2SeqConfig",
    "Seq2SeqOutput",
    "Terms",
    "beam_search",
    "greedy_search",
    "output_length_limits",
    "output_length_minimums",
]
