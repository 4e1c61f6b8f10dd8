"""Combining two directions, on cases worked out by hand."""

import numpy
import pytest

from spacy_seq2seq.alignment import agreement, flip, symmetrize


def test_flip():
    assert flip([(0, 2), (1, 0)]) == [(0, 1), (2, 0)]


def test_intersection_and_union():
    forward, reverse = [(0, 0), (1, 1), (2, 1)], [(0, 0), (1, 1), (1, 2)]
    assert symmetrize(forward, reverse, "intersection") == [(0, 0), (1, 1)]
    assert symmetrize(forward, reverse, "union") == [(0, 0), (1, 1), (1, 2), (2, 1)]


def test_grow_diag_adds_neighbours_that_cover_unaligned_words():
    forward, reverse = [(0, 0), (1, 1), (2, 1)], [(0, 0), (1, 1), (1, 2)]
    # (2, 1) covers source 2, (1, 2) covers target 2: both grow from (1, 1).
    assert symmetrize(forward, reverse, "grow-diag-final-and") == [(0, 0), (1, 1), (1, 2), (2, 1)]


def test_grow_diag_keeps_neighbours_between_aligned_words_out():
    forward, reverse = [(0, 0), (1, 1), (0, 1)], [(0, 0), (1, 1)]
    # (0, 1) neighbours (0, 0) but both its words are already aligned.
    assert symmetrize(forward, reverse, "grow-diag-final-and") == [(0, 0), (1, 1)]


def test_grow_diag_grows_chains_and_diagonals():
    forward, reverse = [(0, 0), (1, 1), (2, 2)], [(0, 0)]
    # Each diagonal step covers two unaligned words in turn.
    assert symmetrize(forward, reverse, "grow-diag-final-and") == [(0, 0), (1, 1), (2, 2)]


def test_final_and_needs_both_words_unaligned():
    # (3, 3) is far from the intersection but both words are free: added.
    assert symmetrize([(0, 0), (3, 3)], [(0, 0)], "grow-diag-final-and") == [(0, 0), (3, 3)]
    # (0, 3) is far too, but source 0 is aligned: left out.
    assert symmetrize([(0, 0), (0, 3)], [(0, 0)], "grow-diag-final-and") == [(0, 0)]


def test_empty_and_unknown():
    assert symmetrize([], [], "grow-diag-final-and") == []
    with pytest.raises(ValueError, match="symmetrize"):
        symmetrize([], [], "grow-diag")


def test_agreement_links_where_the_product_of_both_directions_is_high_enough():
    # 2 target words x 3 source words (forward), 3 x 2 (reverse).
    forward = numpy.array([[0.8, 0.1, 0.1],
                           [0.0, 0.5, 0.5]])
    reverse = numpy.array([[0.9, 0.1],
                           [0.2, 0.8],
                           [0.6, 0.4]])
    # Products (source i, target j): (0,0) .72, (1,1) .40, (2,1) .20, (2,0) .06, (1,0) .02.
    assert agreement(forward, reverse, 0.3) == [(0, 0), (1, 1)]
    assert agreement(forward, reverse, 0.2) == [(0, 0), (1, 1), (2, 1)]
    assert agreement(forward, reverse, 0.05) == [(0, 0), (1, 1), (2, 0), (2, 1)]


def test_agreement_checks_shapes_and_threshold():
    with pytest.raises(ValueError, match=r"must be \(3, 2\)"):
        agreement(numpy.ones((2, 3)), numpy.ones((2, 3)), 0.1)
    with pytest.raises(ValueError, match="min_product"):
        agreement(numpy.ones((2, 3)), numpy.ones((3, 2)), 0.0)
