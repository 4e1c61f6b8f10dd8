"""pipeline.bidirectional.align_word_pairs: the work behind `align`, from
Python: one direction, or two combined, on the reversal models whose links
are known."""

import pytest
from spacy.tokens import Doc
from toy_data import reversal_pairs, reversed_links

from spacy_seq2seq.alignment import agreement, flip, symmetrize
from spacy_seq2seq.pipeline.bidirectional import (
    SYMMETRIZE_OPTIONS,
    align_word_pairs,
    translate_symmetric,
)
from spacy_seq2seq.pipeline.forced import (
    align_word_lists,
    linking_weights_for_word_lists,
)

PAIRS = reversal_pairs()[:10]
SOURCES = [s.split() for s, _ in PAIRS]
TARGETS = [t.split() for _, t in PAIRS]
EXPECTED = [reversed_links(len(words)) for words in SOURCES]


@pytest.fixture(scope="module")
def pipes(reversal_model, reversal_backward):
    return reversal_model.get_pipe("seq2seq_attn"), reversal_backward.get_pipe("seq2seq_attn")


def test_one_direction_is_the_forced_alignment(pipes):
    forward, _ = pipes
    links = align_word_pairs(forward, SOURCES, TARGETS, batch_size=3)
    assert links == align_word_lists(forward, SOURCES, TARGETS)
    assert [sorted(pair) for pair in links] == EXPECTED


@pytest.mark.parametrize("how", ["intersection", "union", "grow-diag-final-and"])
def test_two_directions_are_symmetrized(pipes, how):
    forward, backward = pipes
    links = align_word_pairs(forward, SOURCES, TARGETS, reverse_pipe=backward, symmetrize=how)
    reverse = align_word_lists(backward, TARGETS, SOURCES)
    forward_links = align_word_lists(forward, SOURCES, TARGETS)
    assert links == [symmetrize(f, flip(r), how) for f, r in zip(forward_links, reverse)]
    assert [sorted(pair) for pair in links] == EXPECTED


def test_agreement_multiplies_the_two_directions_weights(pipes):
    forward, backward = pipes
    links = align_word_pairs(forward, SOURCES, TARGETS, reverse_pipe=backward, symmetrize="agreement", min_product=0.25)
    weights = zip(
        linking_weights_for_word_lists(forward, SOURCES, TARGETS),
        linking_weights_for_word_lists(backward, TARGETS, SOURCES),
    )
    assert links == [agreement(f, r, 0.25) for f, r in weights]
    assert [sorted(pair) for pair in links] == EXPECTED


def test_an_unknown_symmetrization_is_refused_before_any_work(pipes):
    forward, backward = pipes
    assert "agreement" in SYMMETRIZE_OPTIONS
    with pytest.raises(ValueError, match=r"\[E003\].*'symmetrize'.*'average'.*agreement"):
        align_word_pairs(forward, SOURCES, TARGETS, reverse_pipe=backward, symmetrize="average")


@pytest.mark.parametrize("how", ["grow-diag-final-and", "agreement"])
def test_translate_symmetric_decodes_and_links_with_both_directions(reversal_model, pipes, how):
    forward, backward = pipes
    sources = [" ".join(words) for words in SOURCES]
    docs = translate_symmetric(reversal_model, backward, sources, symmetrize=how, min_product=0.25)
    outputs = [doc._.translation_tokens for doc in docs]
    expected = align_word_pairs(forward, SOURCES, outputs, reverse_pipe=backward, symmetrize=how, min_product=0.25)
    assert [doc._.translation_alignment for doc in docs] == expected
    # The reversal model translates these right, so the links are the reversal.
    assert outputs == TARGETS
    assert [doc._.translation_alignment for doc in docs] == EXPECTED
    assert docs[0][0]._.translation_aligned == [len(SOURCES[0]) - 1]


def test_translate_symmetric_links_past_space_tokens(reversal_model, pipes):
    _, backward = pipes
    words = SOURCES[0]
    doc = Doc(reversal_model.vocab, words=[words[0], " ", *words[1:]], spaces=[True, False] + [True] * (len(words) - 1))
    (plain,) = translate_symmetric(reversal_model, backward, [" ".join(words)])
    (spaced,) = translate_symmetric(reversal_model, backward, [doc])
    assert spaced._.translation_tokens == plain._.translation_tokens
    shifted = [(i if i == 0 else i + 1, j) for i, j in plain._.translation_alignment]
    assert spaced._.translation_alignment == shifted
