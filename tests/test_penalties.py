"""The GNMT penalties by hand, on the inputs both callers give them: CPU
tensors from the torch search, numpy arrays from forced alignment."""

import math

import numpy
import pytest
import torch

from spacy_seq2seq.penalties import coverage_penalty, length_penalty


@pytest.mark.parametrize("as_array", [numpy.asarray, torch.tensor])
def test_coverage_penalty_by_hand(as_array):
    assert coverage_penalty(as_array([[0.5, 0.5], [0.5, 0.5]]), 1.0) == 0.0  # all covered
    # the first position got 1.25 (capped at 1), the second 0.75 -> log(0.75)
    assert coverage_penalty(as_array([[1.0, 0.0], [0.25, 0.75]]), 0.5) == pytest.approx(0.5 * math.log(0.75))
    assert coverage_penalty(as_array([[1.0, 1.0]]), 0.0) == 0.0


def test_coverage_penalty_without_attention_is_zero():
    assert coverage_penalty(None, 1.0) == 0.0


def test_length_penalty_by_hand():
    assert length_penalty(7, 0.0) == 1.0
    assert length_penalty(1, 1.0) == 1.0  # (5 + 1) / 6
    assert length_penalty(7, 0.5) == pytest.approx(math.sqrt(2.0))  # (5 + 7) / 6 = 2
