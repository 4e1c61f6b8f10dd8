"""Beam search: exactness on a space small enough to enumerate, agreement
with greedy search and with teacher forcing, constraints, batch invariance."""

import itertools
import random

import pytest
import torch
from builders import (
    BOS,
    EOS,
    FIRST_REAL,
    PAD,
    SEARCH_LIMITS,
    SEARCH_SOURCES,
    assert_attention_of,
    biased_model,
    make_model,
    pad_rows,
    random_sources,
    teacher_forced_check,
    up_to,
)

from spacy_seq2seq.models.pytorch import (
    ATTENTION_TYPES,
    CELL_TYPES,
    Constraints,
    beam_search,
    greedy_search,
)
from spacy_seq2seq.penalties import length_penalty

UNK = 1  # a possible output like any real piece


def teacher_forced_score(model, src_row, ids, alpha=0.0):
    """log P(ids + EOS | src) / length penalty, PAD and BOS excluded as in search."""
    logits, _ = teacher_forced_check(model, src_row, ids)
    logits[:, [PAD, BOS]] = float("-inf")
    gold = torch.tensor(ids + [EOS])
    total = torch.log_softmax(logits, -1).gather(1, gold.unsqueeze(1)).sum()
    return float(total) / length_penalty(len(ids) + 1, alpha)


def same_hypotheses(a, b):
    """Exactly equal n-best lists (ids, scores and attention, bit for bit)."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.ids == y.ids
        assert x.score == y.score
        assert (x.attention is None and y.attention is None) or torch.equal(x.attention, y.attention)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_a_wide_beam_finds_every_output_in_order(alpha):
    """UNK and 3 real pieces, outputs of at most 3: 85 possible outputs. A
    beam of 85 keeps every prefix, so it must return all of them, ranked
    exactly as teacher forcing scores them."""
    model = make_model(seed=3, tgt_vocab_size=FIRST_REAL + 3)
    (src_row,) = random_sources([5])
    src_ids, src_lengths = pad_rows([src_row])
    (nbest,) = beam_search(
        model, src_ids, src_lengths, constraints=up_to(torch.tensor([3])),
        beam_size=85, n_best=85, length_alpha=alpha,
    )
    real = [UNK, *range(FIRST_REAL, FIRST_REAL + 3)]
    every_output = [list(ids) for n in range(4) for ids in itertools.product(real, repeat=n)]
    assert sorted(h.ids for h in nbest) == sorted(every_output)
    expected = {tuple(ids): teacher_forced_score(model, src_row, ids, alpha) for ids in every_output}
    for hypothesis in nbest:
        assert hypothesis.score == pytest.approx(expected[tuple(hypothesis.ids)], abs=1e-4)
    scores = [h.score for h in nbest]
    assert scores == sorted(scores, reverse=True)
    assert nbest[0].ids == list(max(expected, key=expected.get))


@pytest.mark.parametrize("input_feeding", [True, False])
@pytest.mark.parametrize("attention", ATTENTION_TYPES)
@pytest.mark.parametrize("cell", CELL_TYPES)
def test_beam_of_one_is_greedy_search(cell, attention, input_feeding):
    model = biased_model(attention, cell, input_feeding)
    src_ids, src_lengths = pad_rows(SEARCH_SOURCES)
    constraints = up_to(torch.tensor(SEARCH_LIMITS))
    greedy = greedy_search(model, src_ids, src_lengths, constraints=constraints, length_alpha=0.6)
    beam = beam_search(
        model, src_ids, src_lengths, constraints=constraints, beam_size=1, length_alpha=0.6
    )
    assert len({len(h.ids) for h in greedy}) > 2
    same_hypotheses(greedy, [nbest[0] for nbest in beam])


@pytest.mark.parametrize("attention", ["additive", "dot", "none"])
@pytest.mark.parametrize("cell", CELL_TYPES)
def test_every_nbest_hypothesis_agrees_with_teacher_forcing(cell, attention):
    """Scores and attention are kept per hypothesis through beam reordering."""
    model = biased_model(attention, cell, True)
    src_ids, src_lengths = pad_rows(SEARCH_SOURCES)
    results = beam_search(
        model, src_ids, src_lengths, constraints=up_to(torch.tensor(SEARCH_LIMITS)),
        beam_size=4, n_best=3, length_alpha=0.5,
    )
    n_checked = 0
    for src_row, limit, nbest in zip(SEARCH_SOURCES, SEARCH_LIMITS, results):
        assert 1 <= len(nbest) <= 3
        assert len({tuple(h.ids) for h in nbest}) == len(nbest)  # distinct outputs
        for hypothesis in nbest:
            assert len(hypothesis.ids) <= limit
            assert not {EOS, PAD, BOS} & set(hypothesis.ids)
            expected = teacher_forced_score(model, src_row, hypothesis.ids, 0.5)
            assert hypothesis.score == pytest.approx(expected, abs=1e-4)
            _, weights = teacher_forced_check(model, src_row, hypothesis.ids)
            assert_attention_of(hypothesis, weights, src_row, attention)
            n_checked += 1
        scores = [h.score for h in nbest]
        assert scores == sorted(scores, reverse=True)
    assert n_checked > len(SEARCH_SOURCES)  # some sentences have several


def test_beam_scores_at_least_as_well_as_greedy_on_most_rows():
    model = biased_model("additive", "gru", True)
    src_ids, src_lengths = pad_rows(SEARCH_SOURCES)
    constraints = up_to(torch.tensor(SEARCH_LIMITS))
    greedy = greedy_search(model, src_ids, src_lengths, constraints=constraints)
    beam = beam_search(model, src_ids, src_lengths, constraints=constraints, beam_size=5)
    better_or_equal = [b[0].score >= g.score - 1e-6 for g, b in zip(greedy, beam)]
    assert sum(better_or_equal) >= len(greedy) - 1
    assert any(b[0].score > g.score + 1e-4 for g, b in zip(greedy, beam))


@pytest.mark.parametrize("search", ["greedy", "beam"])
@pytest.mark.parametrize("cell", CELL_TYPES)
def test_decoding_is_batch_invariant(search, cell):
    """Alone, in a batch of 7, of 64, shuffled: bit-identical results."""
    model = make_model(seed=6, cell=cell, embed_width=16, hidden_width=32)
    lengths = [random.Random(i).randrange(2, 12) for i in range(64)]
    sources = random_sources(lengths, seed=9)
    limits = torch.tensor([random.Random(100 + i).randrange(1, 10) for i in range(64)])

    def run(rows):
        src_ids, src_lengths = pad_rows([sources[i] for i in rows])
        constraints = Constraints(
            min_lengths=torch.zeros(len(rows), dtype=torch.long),
            max_lengths=limits[list(rows)], no_repeat_ngram_size=2,
        )
        if search == "greedy":
            return [[h] for h in greedy_search(model, src_ids, src_lengths, constraints=constraints)]
        return beam_search(
            model, src_ids, src_lengths, constraints=constraints, beam_size=3, n_best=2,
            length_alpha=0.6,
        )

    together = run(range(64))
    order = list(range(64))
    random.Random(0).shuffle(order)
    shuffled = dict(zip(order, run(order)))
    first7 = run(range(7))
    for i in range(64):
        same_hypotheses(shuffled[i], together[i])
        if i < 7:
            same_hypotheses(first7[i], together[i])
        if i % 8 == 0:
            same_hypotheses(run([i])[0], together[i])


def test_min_length_is_respected():
    model = biased_model("additive", "gru", True)
    src_ids, src_lengths = pad_rows(SEARCH_SOURCES)
    max_lengths = torch.tensor(SEARCH_LIMITS)
    free = greedy_search(model, src_ids, src_lengths, constraints=up_to(max_lengths))
    minimums = torch.minimum(torch.full_like(max_lengths, 4), max_lengths)
    assert any(len(h.ids) < m for h, m in zip(free, minimums.tolist()))  # it binds
    constraints = Constraints(min_lengths=minimums, max_lengths=max_lengths)
    for hypotheses in (
        greedy_search(model, src_ids, src_lengths, constraints=constraints),
        [b[0] for b in beam_search(model, src_ids, src_lengths, constraints=constraints, beam_size=3)],
    ):
        assert [len(h.ids) >= m for h, m in zip(hypotheses, minimums.tolist())] == [True] * len(hypotheses)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_no_repeat_ngram_blocks_repeats(n):
    model = make_model(seed=4)
    with torch.no_grad():  # every step would pick the same piece
        model.decoder.output.bias[FIRST_REAL + 1] += 20.0
    sources = random_sources([3, 5, 2])
    src_ids, src_lengths = pad_rows(sources)
    limits = torch.tensor([8, 8, 8])
    repeated = greedy_search(model, src_ids, src_lengths, constraints=up_to(limits))
    assert all(h.ids == [FIRST_REAL + 1] * 8 for h in repeated)
    blocked = greedy_search(model, src_ids, src_lengths, constraints=up_to(limits, n))
    beam = beam_search(model, src_ids, src_lengths, constraints=up_to(limits, n), beam_size=3, n_best=3)
    for hypothesis in blocked + [h for nbest in beam for h in nbest]:
        grams = [tuple(hypothesis.ids[i : i + n]) for i in range(len(hypothesis.ids) - n + 1)]
        assert len(grams) == len(set(grams)), hypothesis.ids
    assert all(len(h.ids) > n for h in blocked)  # blocking did not just stop the output
