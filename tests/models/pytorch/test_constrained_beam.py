"""Lexically constrained beam search (terms.py): positive terms are met,
negative ones never appear, and a sentence's result depends neither on its
batch nor on the other sentences' terms."""

import random

import pytest
import torch
from builders import (
    FIRST_REAL,
    TGT_VOCAB,
    make_model,
    pad_rows,
    random_sources,
    teacher_forced_check,
    up_to,
)
from test_beam import same_hypotheses

from spacy_seq2seq.models.pytorch import Constraints, Terms, beam_search


def contains(ids, phrase):
    n = len(phrase)
    return any(ids[i: i + n] == list(phrase) for i in range(len(ids) - n + 1))


def random_phrases(n_sentences, seed, most=3):
    rng = random.Random(seed)
    return [
        [[rng.randrange(FIRST_REAL, TGT_VOCAB) for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(1, most))]
        for _ in range(n_sentences)
    ]


MODEL = dict(seed=6, embed_width=16, hidden_width=32)


def search(model, sources, limits, positive=None, negative=None, **options):
    src_ids, src_lengths = pad_rows(sources)
    n = len(sources)
    terms = Terms.from_lists(positive or [[] for _ in range(n)], negative or [[] for _ in range(n)])
    options.setdefault("beam_size", 4)
    return beam_search(
        model, src_ids, src_lengths, constraints=up_to(torch.tensor(limits)), terms=terms, **options,
    )


def test_no_terms_at_all_means_none():
    assert Terms.from_lists([[], []], [[], []]) is None
    with pytest.raises(ValueError, match="no pieces"):
        Terms.from_lists([[[]]], [[]])


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_every_positive_term_is_met(cell):
    """The best output meets every term; lower n-best entries meet them
    when the beam found enough such outputs, else they are ranked after
    the complete ones and their misses are counted."""
    model = make_model(cell=cell, **MODEL)
    sources = random_sources([random.Random(i).randrange(3, 9) for i in range(12)], seed=4)
    positive = random_phrases(12, seed=1)
    found = search(model, sources, [16] * 12, positive, beam_size=5, n_best=3, length_alpha=0.6)
    n_complete = 0
    for hypotheses, phrases in zip(found, positive):
        assert len(hypotheses) == 3
        assert hypotheses[0].unmet_terms == 0
        assert [h.unmet_terms for h in hypotheses] == sorted(h.unmet_terms for h in hypotheses)
        for hypothesis in hypotheses:
            missed = [phrase for phrase in phrases if not contains(hypothesis.ids, phrase)]
            # Never claims a term it lacks.
            assert hypothesis.unmet_terms >= len(missed)
            n_complete += hypothesis.unmet_terms == 0
            # Each term met ends where the search says it does.
            for phrase, end in zip(phrases, hypothesis.term_ends):
                assert end == -1 or hypothesis.ids[end - len(phrase) + 1: end + 1] == phrase
            assert sum(end == -1 for end in hypothesis.term_ends) == hypothesis.unmet_terms
    assert n_complete >= 16  # of 36: the 12 best and most of the others


def test_constrained_outputs_keep_their_attention_and_score():
    """The attention and score of a constrained output are those teacher
    forcing gives the same output: terms only choose, never rescore."""
    model = make_model(**MODEL)
    sources = random_sources([5, 7, 4], seed=2)
    positive = random_phrases(3, seed=3)
    found = search(model, sources, [8] * 3, positive, beam_size=4, n_best=2)
    for source, hypotheses in zip(sources, found):
        for hypothesis in hypotheses:
            logits, weights = teacher_forced_check(model, source, hypothesis.ids)
            # This random network drifts from teacher forcing in long outputs: kept short.
            torch.testing.assert_close(
                hypothesis.attention, weights[: len(hypothesis.ids) + 1], atol=1e-4, rtol=1e-4
            )
            gold = torch.tensor(hypothesis.ids + [3])
            logits[:, [0, 2]] = float("-inf")
            expected = torch.log_softmax(logits, -1).gather(1, gold.unsqueeze(1)).sum()
            assert hypothesis.score == pytest.approx(float(expected), rel=1e-4)


def test_negative_terms_never_appear():
    model = make_model(**MODEL)
    sources = random_sources([random.Random(i).randrange(3, 9) for i in range(10)], seed=7)
    free = search(model, sources, [12] * 10)
    # Forbid what each sentence said freely: one piece and one pair.
    negative = []
    for hypotheses in free:
        ids = hypotheses[0].ids
        negative.append([ids[:1], ids[1:3]] if len(ids) >= 3 else [ids[:1]] if ids else [])
    avoided = search(model, sources, [12] * 10, negative=negative)
    changed = 0
    for hypotheses, phrases, before in zip(avoided, negative, free):
        assert not any(contains(hypotheses[0].ids, phrase) for phrase in phrases if phrase)
        if phrases:  # the free output had them, so it must change
            assert hypotheses[0].ids != before[0].ids
            changed += 1
    assert changed >= 3


def test_a_sentence_without_terms_is_decoded_as_without_the_feature():
    """Bit-identical to the plain search, alone or beside constrained sentences."""
    model = make_model(**MODEL)
    sources = random_sources([random.Random(i).randrange(2, 10) for i in range(16)], seed=9)
    limits = [random.Random(50 + i).randrange(2, 12) for i in range(16)]
    positive = random_phrases(16, seed=5)
    for i in range(0, 16, 3):
        positive[i] = []
    plain = search(model, sources, limits, beam_size=3, n_best=2, length_alpha=0.6)
    mixed = search(model, sources, limits, positive, beam_size=3, n_best=2, length_alpha=0.6)
    for i in range(0, 16, 3):
        same_hypotheses(mixed[i], plain[i])


def test_terms_are_batch_invariant():
    model = make_model(**MODEL)
    n = 24
    sources = random_sources([random.Random(i).randrange(2, 10) for i in range(n)], seed=11)
    limits = [random.Random(80 + i).randrange(4, 14) for i in range(n)]
    positive = random_phrases(n, seed=12)
    negative = [[[random.Random(i).randrange(FIRST_REAL, TGT_VOCAB)]] if i % 2 else [] for i in range(n)]
    for i in range(0, n, 4):
        positive[i] = []

    def run(rows):
        return search(
            model, [sources[i] for i in rows], [limits[i] for i in rows],
            [positive[i] for i in rows], [negative[i] for i in rows],
            beam_size=3, n_best=2, length_alpha=0.6,
        )

    together = run(range(n))
    order = list(range(n))
    random.Random(0).shuffle(order)
    shuffled = dict(zip(order, run(order)))
    for i in range(n):
        same_hypotheses(shuffled[i], together[i])
        if i % 5 == 0:
            alone = run([i])[0]
            same_hypotheses(alone, together[i])
            assert [h.term_ends for h in alone] == [h.term_ends for h in together[i]]


def test_the_length_limit_still_ends_the_search_and_counts_what_is_missed():
    model = make_model(**MODEL)
    sources = random_sources([6, 6], seed=3)
    too_long = [[FIRST_REAL, FIRST_REAL + 1, FIRST_REAL + 2, FIRST_REAL + 3, FIRST_REAL + 4]]
    found = search(model, sources, [3, 12], [too_long, too_long], n_best=2)
    cut, fits = found
    assert all(len(h.ids) <= 3 and h.unmet_terms == 1 and h.term_ends == [-1] for h in cut)
    assert fits[0].unmet_terms == 0 and contains(fits[0].ids, too_long[0])


def test_contradictory_terms_end_at_the_limit_without_crashing():
    """A phrase both required and forbidden cannot be met: the search ends
    at the length limit and says the term is missed."""
    model = make_model(**MODEL)
    sources = random_sources([5], seed=1)
    phrase = [FIRST_REAL + 1, FIRST_REAL + 2]
    (hypotheses,) = search(model, sources, [7], [[phrase]], [[phrase]])
    assert hypotheses[0].unmet_terms == 1 and len(hypotheses[0].ids) <= 7
    assert not contains(hypotheses[0].ids, phrase)


def test_plain_constraints_still_apply_with_terms():
    model = make_model(**MODEL)
    sources = random_sources([4, 6], seed=8)
    src_ids, src_lengths = pad_rows(sources)
    constraints = Constraints(
        min_lengths=torch.tensor([6, 6]), max_lengths=torch.tensor([10, 10]), no_repeat_ngram_size=2,
    )
    terms = Terms.from_lists([[[FIRST_REAL]], [[FIRST_REAL + 2, FIRST_REAL + 3]]], [[], []])
    found = beam_search(model, src_ids, src_lengths, constraints=constraints, beam_size=4, terms=terms)
    for (hypothesis,) in found:
        assert len(hypothesis.ids) >= 6 and hypothesis.unmet_terms == 0
        pairs = list(zip(hypothesis.ids, hypothesis.ids[1:]))
        assert len(pairs) == len(set(pairs))


def test_no_piece_is_glued_onto_a_completed_term():
    """`glued` pieces (those continuing a word) never follow a term's last
    piece: "Macron" cannot come out as "Macronsss"."""
    model = make_model(**MODEL)
    n = 10
    sources = random_sources([random.Random(i).randrange(3, 9) for i in range(n)], seed=31)
    positive = random_phrases(n, seed=32)
    glued = list(range(FIRST_REAL + 2, TGT_VOCAB))
    src_ids, src_lengths = pad_rows(sources)
    terms = Terms.from_lists(positive, [[] for _ in range(n)], glued=glued)
    found = beam_search(model, src_ids, src_lengths, constraints=up_to(torch.tensor([16] * n)), beam_size=4, terms=terms)
    free = search(model, sources, [16] * n, positive)
    followers = []
    for (hypothesis,), (loose,) in zip(found, free):
        assert hypothesis.unmet_terms == 0
        for end in hypothesis.term_ends:
            assert end + 1 == len(hypothesis.ids) or hypothesis.ids[end + 1] not in glued
        followers += [loose.ids[end + 1] for end in loose.term_ends if end + 1 < len(loose.ids)]
    assert any(piece in glued for piece in followers)  # without the check they do follow
