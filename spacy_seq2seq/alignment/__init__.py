"""Word-level alignment from piece-level attention (no torch needed)."""

from .words import argmax_alignment, pool_attention, spans_to_words

__all__ = ["argmax_alignment", "pool_attention", "spans_to_words"]
