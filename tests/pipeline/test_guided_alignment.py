"""Guided alignment: supplied gold links steer the attention."""

from dataclasses import replace

import numpy
import pytest
import spacy
import torch
from spacy.tokens import Doc
from spacy.training import Example
from toy_data import (
    overridden,
    reversal_pairs,
    reversal_pipeline,
    reversed_links,
    train_on,
)

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


def linked_examples(nlp, links_of=None, pairs=None):
    """Reversal examples, with the gold links `links_of(n_words)` if given."""
    examples = []
    for src, tgt in pairs or reversal_pairs():
        reference = Doc(nlp.vocab, words=src.split())
        reference._.translation = tgt
        if links_of is not None:
            reference._.translation_alignment = links_of(len(src.split()))
        examples.append(Example(Doc(nlp.vocab, words=src.split()), reference))
    return examples


def train_guided(weight: float, links_of, n_steps: int = 150, model=None):
    nlp = reversal_pipeline({"guided_alignment_weight": weight}, model=model)
    return train_on(nlp, linked_examples(nlp, links_of), n_steps)


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


@pytest.fixture(scope="module")
def head_guided_monotone():
    """Reversal data, monotone gold links, and a model with an alignment head."""
    def monotone(n):
        return [(i, i) for i in range(n)]

    return train_guided(1.0, monotone, model={"alignment_head": True}), monotone


def test_an_alignment_head_takes_the_guide_and_leaves_the_attention_free(head_guided_monotone):
    """With a head, the gold links train the head: the head methods give
    the (monotone) gold links, while the generating attention still follows
    the reversal the data implies."""
    nlp, monotone = head_guided_monotone
    pipe = nlp.get_pipe("seq2seq_attn")
    counts = {"head": 0, "head_threshold": 0, "argmax": 0}
    pairs = reversal_pairs()[:20]
    for src, tgt in pairs:
        n = len(src.split())
        for method in counts:
            doc = pipe.align([Doc(nlp.vocab, words=src.split())], [tgt.split()], method=method)[0]
            wanted = reversed_links(n) if method == "argmax" else monotone(n)
            counts[method] += doc._.translation_alignment == wanted
    assert min(counts.values()) >= 18, counts


def test_decoded_outputs_get_head_links_equal_to_forced_alignment(head_guided_monotone):
    nlp, _ = head_guided_monotone
    pipe = nlp.get_pipe("seq2seq_attn")
    with overridden(pipe, alignment_method="head"):
        sources = [src for src, _ in reversal_pairs()[:10]]
        decoded = [nlp(Doc(nlp.vocab, words=src.split())) for src in sources]
        for src, doc in zip(sources, decoded):
            forced = pipe.align([Doc(nlp.vocab, words=src.split())], [doc._.translation_tokens])[0]
            assert doc._.translation_alignment == forced._.translation_alignment
            assert doc._.translation_alignment  # the head gave links
            # The attention shown is still the generating one (search and the
            # teacher-forced pass differ only in float rounding).
            numpy.testing.assert_allclose(doc._.translation_attention, forced._.translation_attention, atol=1e-5)


@pytest.mark.parametrize("method", ["head", "head_threshold"])
def test_head_methods_without_a_head_are_a_clear_error(method):
    nlp = reversal_pipeline()
    train_on(nlp, linked_examples(nlp, pairs=reversal_pairs()[:4]), 1)
    pipe = nlp.get_pipe("seq2seq_attn")
    src, tgt = reversal_pairs()[0]
    with pytest.raises(ValueError, match="alignment_head = true"):
        pipe.align([Doc(nlp.vocab, words=src.split())], [tgt.split()], method=method)


def test_a_saved_head_loads_to_identical_head_links(head_guided_monotone, tmp_path):
    nlp, _ = head_guided_monotone
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    loaded_pipe = loaded.get_pipe("seq2seq_attn")
    loaded_pipe.settings = replace(loaded_pipe.settings, alignment_method="head_threshold")
    with overridden(nlp.get_pipe("seq2seq_attn"), alignment_method="head_threshold"):
        sources = [src for src, _ in reversal_pairs()[20:30]] + ["huit un deux"]
        for src in sources:
            original = nlp(Doc(nlp.vocab, words=src.split()))
            reloaded = loaded(Doc(loaded.vocab, words=src.split()))
            assert reloaded._.translation_tokens == original._.translation_tokens
            assert reloaded._.translation_alignment == original._.translation_alignment
            assert reloaded._.translation_attention == original._.translation_attention


def decoded(nlp, sources):
    return [(doc._.translation_tokens, doc._.translation_attention)
            for doc in (nlp(Doc(nlp.vocab, words=src.split())) for src in sources)]


def test_a_detached_head_leaves_translation_as_without_it():
    """detach_alignment_head = true (the default): the guided loss trains the
    head alone, so outputs and attention are those of the same training
    without a head; a head that is not detached changes them."""
    sources = [src for src, _ in reversal_pairs()[:12]]
    plain = decoded(train_guided(0.0, reversed_links, n_steps=40), sources)
    detached = decoded(train_guided(2.0, reversed_links, n_steps=40, model={"alignment_head": True}), sources)
    shared = decoded(train_guided(
        2.0, reversed_links, n_steps=40, model={"alignment_head": True, "detach_alignment_head": False},
    ), sources)
    for (plain_tokens, plain_attention), (tokens, attention) in zip(plain, detached):
        assert tokens == plain_tokens
        numpy.testing.assert_allclose(attention, plain_attention, atol=1e-5)
    assert any(
        numpy.shape(attention) != numpy.shape(plain_attention)
        or not numpy.allclose(attention, plain_attention, atol=1e-5)
        for (_, plain_attention), (_, attention) in zip(plain, shared)
    )


def test_guided_training_without_any_links_warns_W035():
    nlp = reversal_pipeline({"guided_alignment_weight": 1.0}, model={"alignment_head": True})
    with pytest.warns(UserWarning, match=r"\[W035\].*none of the 4 training examples"):
        nlp.initialize(lambda: linked_examples(nlp, pairs=reversal_pairs()[:4]))
