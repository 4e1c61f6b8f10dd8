"""Guided alignment: supplied gold links steer the attention."""

import numpy
import pytest
import torch
from spacy.tokens import Doc
from spacy.training import Example
from toy_data import reversal_pairs, reversal_pipeline, reversed_links, train_on

from spacy_seq2seq.models.pytorch.loss import guided_alignment_ce
from spacy_seq2seq.pipeline.targets import guide_matrix


def test_guide_matrix_spreads_links_over_pieces():
    # Source: token 0 -> pieces 0, 1; token 1 -> piece 2; EOS.
    # Target: word 0 -> piece 0; word 1 -> pieces 1, 2; word 2 (unlinked) -> piece 3.
    guide = guide_matrix([(0, 1), (1, 1), (1, 0)], [0, 0, 1, -1], [[0], [1, 2], [3]], 4)
    expected = numpy.array([
        [0, 0, 1, 0],
        [1 / 3, 1 / 3, 1 / 3, 0],
        [1 / 3, 1 / 3, 1 / 3, 0],
        [0, 0, 0, 0],  # unlinked word: not guided
        [0, 0, 0, 0],  # EOS step: not guided
    ], dtype=numpy.float32)
    numpy.testing.assert_allclose(guide, expected, atol=1e-6)


def test_guided_alignment_ce_is_the_cross_entropy_of_guided_steps():
    attention = torch.tensor([[[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]]])
    guide = torch.tensor([[[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]])
    total, n = guided_alignment_ce(attention, guide)
    assert n == 2
    assert float(total) == pytest.approx(-(numpy.log(0.5) + numpy.log(0.8)), rel=1e-5)
    zero, none = guided_alignment_ce(attention, torch.zeros_like(guide))
    assert (float(zero), none) == (0.0, 0)


def train_guided(weight: float, links_of, n_steps: int = 150):
    nlp = reversal_pipeline({"guided_alignment_weight": weight})
    examples = []
    for src, tgt in reversal_pairs():
        reference = Doc(nlp.vocab, words=src.split())
        reference._.translation = tgt
        reference._.translation_alignment = links_of(len(src.split()))
        examples.append(Example(Doc(nlp.vocab, words=src.split()), reference))
    return train_on(nlp, examples, n_steps)


def test_gold_links_steer_the_attention():
    """Reversal data, but gold links that say 'monotone' (i-i): with the
    guided loss the attention follows the links instead of the reversal the
    data implies; without it (weight 0) the links are ignored."""
    def monotone(n):
        return [(i, i) for i in range(n)]

    guided = train_guided(1.0, monotone)
    unguided = train_guided(0.0, monotone)
    for nlp, expected in ((guided, monotone), (unguided, reversed_links)):
        pipe = nlp.get_pipe("seq2seq_attn")
        hits = 0
        pairs = reversal_pairs()[:20]
        for src, tgt in pairs:
            doc = pipe.align([Doc(nlp.vocab, words=src.split())], [tgt.split()])[0]
            hits += doc._.translation_alignment == expected(len(src.split()))
        assert hits >= 18, (expected.__name__, hits)
