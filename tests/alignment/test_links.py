"""Attention -> word links: which rows, which tokens (hand-made matrices)."""

import numpy
import pytest

from spacy_seq2seq.alignment import spans_to_words, step_rows, word_links

# 3 output pieces + the EOS step, over 3 source columns.
PIECE_ATTENTION = numpy.array([
    [0.7, 0.2, 0.1],   # step 0 outputs piece 0
    [0.1, 0.6, 0.3],   # step 1 outputs piece 1 (input: piece 0)
    [0.2, 0.2, 0.6],   # step 2 outputs piece 2 (input: piece 1)
    [0.0, 0.1, 0.9],   # EOS step (input: piece 2)
])


def test_step_rows_plain_and_shifted():
    numpy.testing.assert_array_equal(step_rows(PIECE_ATTENTION, "argmax"), PIECE_ATTENTION[:3])
    numpy.testing.assert_array_equal(step_rows(PIECE_ATTENTION, "threshold"), PIECE_ATTENTION[:3])
    numpy.testing.assert_array_equal(step_rows(PIECE_ATTENTION, "shift"), PIECE_ATTENTION[1:])
    numpy.testing.assert_array_equal(step_rows(PIECE_ATTENTION, "shift_threshold"), PIECE_ATTENTION[1:])


def test_argmax_and_threshold_links():
    words = numpy.array([[0.7, 0.2, 0.1], [0.1, 0.45, 0.45], [0.0, 0.0, 0.0]])
    # Ties go to the first token; a word with no attention gets no link.
    assert word_links(words, "argmax") == [(0, 0), (1, 1)]
    assert word_links(words, "threshold", 0.4) == [(0, 0), (1, 1), (2, 1)]
    assert word_links(words, "shift_threshold", 0.5) == [(0, 0)]
    assert word_links(words, "threshold", 0.0) == sorted((i, j) for i in range(3) for j in range(3))


def test_unknown_method_is_named():
    with pytest.raises(ValueError, match="E003.*alignment_method.*shift"):
        word_links(numpy.zeros((1, 1)), "diagonal")


def test_word_boundary_piece_opens_the_next_word():
    # "the cat." as pieces "▁", "the", "▁cat", ".": spans from PieceVocab.decode
    piece_spans = [(0, 0), (0, 3), (4, 7), (7, 8)]
    word_spans = [(0, 3), (4, 7), (7, 8)]
    assert spans_to_words(piece_spans, word_spans) == [[0, 1], [2], [3]]
    # A piece over two words belongs to both.
    assert spans_to_words([(0, 8)], word_spans) == [[0], [0], [0]]
