"""Word alignment: from piece attention to word links, symmetrization of two
directions, AER scoring, projection of spans (no torch needed)."""

from .aer import (
    AlignmentScores,
    format_pharaoh,
    read_gold,
    read_pharaoh,
    score_alignments,
)
from .copying import copied_from
from .eflomal import run_eflomal
from .links import (
    ALIGNMENT_METHODS,
    HEAD_METHODS,
    AlignmentMethod,
    argmax_alignment,
    step_rows,
    word_links,
)
from .symmetrize import SYMMETRIZATIONS, agreement, flip, symmetrize
from .words import pool_attention, spans_to_words

__all__ = [
    "ALIGNMENT_METHODS", "HEAD_METHODS", "AlignmentMethod", "AlignmentScores", "SYMMETRIZATIONS", "agreement", "argmax_alignment", "copied_from",
    "flip", "format_pharaoh", "pool_attention", "read_gold", "read_pharaoh", "run_eflomal",
    "score_alignments", "spans_to_words", "step_rows", "symmetrize", "word_links",
]
