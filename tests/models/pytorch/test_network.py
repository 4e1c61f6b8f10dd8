"""Tests for the pure-torch encoder-decoder, its search and its loss."""

import math
from typing import List

import pytest
import torch
from builders import (
    BOS,
    EOS,
    FIRST_REAL,
    PAD,
    SEARCH_LIMITS,
    SEARCH_SOURCES,
    TGT_VOCAB,
    assert_attention_of,
    biased_model,
    make_config,
    make_model,
    pad_rows,
    random_sources,
    random_targets,
    teacher_forced_check,
    up_to,
)

from spacy_seq2seq.models.pytorch import (
    ATTENTION_TYPES,
    CELL_TYPES,
    greedy_search,
    output_length_limits,
)
from spacy_seq2seq.models.pytorch.attention import build_attention
from spacy_seq2seq.models.pytorch.loss import label_smoothed_nll

# 1. Shapes ---------------------------------------------------------------


@pytest.mark.parametrize("n_layers", [1, 2])
@pytest.mark.parametrize("input_feeding", [True, False])
@pytest.mark.parametrize("attention", ATTENTION_TYPES)
@pytest.mark.parametrize("bidirectional", [True, False])
@pytest.mark.parametrize("cell", CELL_TYPES)
def test_output_shapes(cell, bidirectional, attention, input_feeding, n_layers):
    model = make_model(
        cell=cell, bidirectional=bidirectional, attention=attention,
        input_feeding=input_feeding, n_layers=n_layers,
    )
    src_ids, src_lengths = pad_rows(random_sources([5, 3, 4]))
    tgt_in = random_targets(3, 6)
    logits, weights, *_ = model(src_ids, src_lengths, tgt_in)
    assert logits.shape == (3, 6, TGT_VOCAB)
    assert torch.isfinite(logits).all()
    if attention == "none":
        assert weights is None
    else:
        assert weights is not None
        assert weights.shape == (3, 6, 5)


@pytest.mark.parametrize("attention", ATTENTION_TYPES)
@pytest.mark.parametrize("tie_embeddings", [True, False])
def test_tie_embeddings_shapes_and_sharing(tie_embeddings, attention):
    model = make_model(
        tie_embeddings=tie_embeddings, attention=attention, embed_width=6, hidden_width=10,
    )
    decoder = model.decoder
    src_ids, src_lengths = pad_rows(random_sources([4, 2]))
    logits, _, *_ = model(src_ids, src_lengths, random_targets(2, 3))
    assert logits.shape == (2, 3, TGT_VOCAB)
    names = {name for name, _ in model.named_parameters()}
    if tie_embeddings:
        assert not hasattr(decoder, "output")
        assert "decoder.pre_output.weight" in names
        # The output layer really is the embedding matrix: changing the
        # embedding of one piece changes only that piece's logits.
        with torch.no_grad():
            decoder.embedding.weight[FIRST_REAL] += 1.0
        changed, _, *_ = model(src_ids, src_lengths, random_targets(2, 3))
        # Only the first step, whose input is BOS (not the edited piece),
        # has an unchanged recurrence.
        differs = (changed[:, 0] != logits[:, 0]).any(dim=0)
        assert differs.nonzero().flatten().tolist() == [FIRST_REAL]
    else:
        assert "decoder.output.weight" in names
        assert decoder.output.weight.shape == (TGT_VOCAB, 10)


def test_tie_embeddings_same_width_has_no_pre_output():
    model = make_model(tie_embeddings=True, embed_width=12, hidden_width=12)
    assert model.decoder.pre_output is None
    src_ids, src_lengths = pad_rows(random_sources([3]))
    logits, _, *_ = model(src_ids, src_lengths, random_targets(1, 2))
    assert logits.shape == (1, 2, TGT_VOCAB)


# 2. Masking --------------------------------------------------------------


@pytest.mark.parametrize("input_feeding", [True, False])
@pytest.mark.parametrize("attention", ["dot", "general", "additive"])
def test_padded_source_positions_get_exactly_zero_attention(attention, input_feeding):
    model = make_model(attention=attention, input_feeding=input_feeding)
    lengths = [6, 2, 4, 1]
    src_ids, src_lengths = pad_rows(random_sources(lengths))
    _, weights, *_ = model(src_ids, src_lengths, random_targets(4, 5))
    for row, n in enumerate(lengths):
        assert (weights[row, :, n:] == 0.0).all()
        assert (weights[row, :, :n] > 0.0).all()
    torch.testing.assert_close(weights.sum(-1), torch.ones(4, 5))


# 3. Padding invariance ---------------------------------------------------


@pytest.mark.parametrize("input_feeding", [True, False])
@pytest.mark.parametrize("attention", ATTENTION_TYPES)
@pytest.mark.parametrize("cell", CELL_TYPES)
def test_row_logits_do_not_depend_on_batch_padding(cell, attention, input_feeding):
    model = make_model(
        cell=cell, attention=attention, input_feeding=input_feeding,
        bidirectional=True, n_layers=2,
    )
    short, long_ = random_sources([3, 7])
    tgt_in = random_targets(2, 4)
    alone_ids, alone_lengths = pad_rows([short])
    alone_logits, alone_weights, *_ = model(alone_ids, alone_lengths, tgt_in[:1])
    batch_ids, batch_lengths = pad_rows([short, long_])
    assert batch_ids.shape[1] > alone_ids.shape[1]
    batch_logits, batch_weights, *_ = model(batch_ids, batch_lengths, tgt_in)
    torch.testing.assert_close(batch_logits[0], alone_logits[0], atol=1e-5, rtol=0)
    if attention != "none":
        torch.testing.assert_close(
            batch_weights[0, :, :3], alone_weights[0], atol=1e-5, rtol=0
        )


# 4. Step by step == full unroll -------------------------------------------


@pytest.mark.parametrize("attention", ATTENTION_TYPES)
@pytest.mark.parametrize("input_feeding", [True, False])
@pytest.mark.parametrize("cell", CELL_TYPES)
def test_stepwise_decoding_equals_teacher_forced_unroll(cell, input_feeding, attention):
    model = make_model(
        cell=cell, input_feeding=input_feeding, attention=attention, n_layers=2,
    )
    src_ids, src_lengths = pad_rows(random_sources([5, 3, 4]))
    tgt_in = random_targets(3, 6)
    with torch.no_grad():
        full_logits, full_weights, *_ = model(src_ids, src_lengths, tgt_in)
        memory, state = model.encode(src_ids, src_lengths)
        step_logits, step_weights = [], []
        for step in range(tgt_in.shape[1]):
            logits, weights, _, state, *_ = model.decoder(tgt_in[:, step : step + 1], memory, state)
            assert logits.shape == (3, 1, TGT_VOCAB)
            step_logits.append(logits)
            step_weights.append(weights)
    torch.testing.assert_close(torch.cat(step_logits, 1), full_logits, atol=1e-5, rtol=1e-5)
    if attention == "none":
        assert full_weights is None and all(w is None for w in step_weights)
    else:
        torch.testing.assert_close(
            torch.cat(step_weights, 1), full_weights, atol=1e-5, rtol=1e-5
        )


def test_input_feeding_changes_the_computation():
    """Guard for the test above: with input feeding the previous attentional
    vector must matter, i.e. a wrong carried state changes the logits."""
    model = make_model(input_feeding=True)
    src_ids, src_lengths = pad_rows(random_sources([4]))
    tgt_in = random_targets(1, 3)
    with torch.no_grad():
        memory, state = model.encode(src_ids, src_lengths)
        _, _, _, state, *_ = model.decoder(tgt_in[:, :1], memory, state)
        right, *_ = model.decoder(tgt_in[:, 1:2], memory, state)
        state.attentional = torch.zeros_like(state.attentional)
        wrong, *_ = model.decoder(tgt_in[:, 1:2], memory, state)
    assert not torch.allclose(right, wrong, atol=1e-5)


# 5. Greedy search --------------------------------------------------------


@pytest.mark.parametrize("input_feeding", [True, False])
@pytest.mark.parametrize("attention", ATTENTION_TYPES)
@pytest.mark.parametrize("cell", CELL_TYPES)
def test_greedy_search(cell, attention, input_feeding):
    model = biased_model(attention, cell, input_feeding)
    src_ids, src_lengths = pad_rows(SEARCH_SOURCES)
    max_lengths = torch.tensor(SEARCH_LIMITS)
    hypotheses = greedy_search(model, src_ids, src_lengths, constraints=up_to(max_lengths))
    assert len(hypotheses) == len(SEARCH_SOURCES)
    ended_by_eos = 0
    for row, (src_row, limit, hyp) in enumerate(zip(SEARCH_SOURCES, SEARCH_LIMITS, hypotheses)):
        # (b) the limit holds; EOS never appears inside the output.
        assert len(hyp.ids) <= limit
        assert EOS not in hyp.ids
        logits, weights = teacher_forced_check(model, src_row, hyp.ids)
        # PAD and BOS are never outputs: search renormalises without them.
        logits[:, [PAD, BOS]] = float("-inf")
        # (a) consistency with a teacher-forced pass over its own output.
        argmax = logits.argmax(-1).tolist()
        assert argmax[: len(hyp.ids)] == hyp.ids
        if len(hyp.ids) < limit:
            assert argmax[len(hyp.ids)] == EOS
            ended_by_eos += 1
        # (c) the score is the log-probability of ids + EOS.
        gold = torch.tensor(hyp.ids + [EOS])
        expected = torch.log_softmax(logits, -1).gather(1, gold.unsqueeze(1)).sum()
        assert hyp.score == pytest.approx(float(expected), abs=1e-4)
        assert hyp.score < 0.0
        # (e) attention: as a teacher-forced pass over ids + EOS gives it.
        assert_attention_of(hyp, weights, src_row, attention)
    # The setup exercises both ways of ending, so (a) and (b) are not vacuous.
    assert 0 < ended_by_eos
    assert any(len(h.ids) == limit > 0 for h, limit in zip(hypotheses, SEARCH_LIMITS))
    assert len(hypotheses[3].ids) == 0  # limit 0: EOS straight away


@pytest.mark.parametrize("input_feeding", [True, False])
@pytest.mark.parametrize("attention", ["additive", "none"])
@pytest.mark.parametrize("cell", CELL_TYPES)
def test_greedy_search_is_batch_invariant(cell, attention, input_feeding):
    model = biased_model(attention, cell, input_feeding)
    src_ids, src_lengths = pad_rows(SEARCH_SOURCES)
    max_lengths = torch.tensor(SEARCH_LIMITS)
    together = greedy_search(model, src_ids, src_lengths, constraints=up_to(max_lengths))
    assert len({len(h.ids) for h in together}) > 2  # rows leave at different steps
    for row, src_row in enumerate(SEARCH_SOURCES):
        alone_ids, alone_lengths = pad_rows([src_row])
        (alone,) = greedy_search(
            model, alone_ids, alone_lengths, constraints=up_to(max_lengths[row : row + 1])
        )
        # Exactly equal, not close: see models/pytorch/invariance.py.
        assert alone.ids == together[row].ids
        assert alone.score == together[row].score
        if attention != "none":
            assert torch.equal(alone.attention, together[row].attention)


@pytest.mark.parametrize("kind", ["dot", "general", "additive"])
def test_a_decoding_steps_attention_does_not_depend_on_the_padded_source_length(kind):
    """A row's weights and context, bit for bit, whatever its batch's longest
    source: padding adds exact zeros, but a product summed over the padded
    length in length-dependent blocks still changed the last bit (a trained
    toy model showed it)."""
    torch.manual_seed(0)
    attention = build_attention(kind, 64)
    n_real, rows = 18, 48
    states = torch.randn(rows, n_real, 64)
    queries = torch.randn(rows, 1, 64)
    results = []
    with torch.no_grad():
        for width in (n_real, 24, 37, 64):
            padded = torch.cat([states, states.new_zeros(rows, width - n_real, 64)], dim=1)
            mask = torch.arange(width).unsqueeze(0) < n_real
            context, weights = attention(queries, attention.project_keys(padded), padded, mask.expand(rows, -1))
            results.append((context, weights[:, :, :n_real]))
    for context, weights in results[1:]:
        assert torch.equal(context, results[0][0])
        assert torch.equal(weights, results[0][1])


def test_greedy_search_leaves_no_grad_and_uses_limits_per_row():
    model = make_model(seed=4)
    # Push every step to the same non-EOS piece: every row runs to its limit.
    with torch.no_grad():
        model.decoder.output.bias[FIRST_REAL + 1] += 100.0
    sources = random_sources([3, 5, 2])
    src_ids, src_lengths = pad_rows(sources)
    limits = torch.tensor([4, 1, 6])
    hypotheses = greedy_search(model, src_ids, src_lengths, constraints=up_to(limits))
    assert [h.ids for h in hypotheses] == [[FIRST_REAL + 1] * n for n in (4, 1, 6)]
    assert all(h.attention is not None and not h.attention.requires_grad for h in hypotheses)


def test_output_length_limits():
    limits = output_length_limits(torch.tensor([1, 4, 10, 100]), max_output_length=20, max_output_ratio=1.5)
    assert limits.tolist() == [2, 6, 15, 20]
    assert output_length_limits(torch.tensor([1]), max_output_length=5, max_output_ratio=0.1).tolist() == [1]


# 6. Config validation ----------------------------------------------------


@pytest.mark.parametrize(
    "overrides,expected",
    [
        ({"cell": "rnn"}, ["[E003]", "'cell'", "'rnn'", "gru", "lstm"]),
        ({"attention": "bilinear"}, ["[E003]", "'attention'", "'bilinear'", "dot", "general", "additive", "none"]),
        ({"bidirectional": True, "hidden_width": 13}, ["[E009]", "hidden_width", "even", "13"]),
        ({"n_layers": 0}, ["[E013]", "n_layers", "0"]),
        ({"embed_width": 2.5}, ["[E013]", "embed_width", "2.5"]),
        ({"src_vocab_size": 0}, ["[E013]", "src_vocab_size", "0"]),
        ({"dropout_prob": 1.0}, ["[E013]", "dropout_prob", "1.0"]),
        ({"alignment_head": True, "attention": "none"}, ["[E013]", "alignment_head", 'attention = "none"']),
    ],
)
def test_config_rejects_bad_choices(overrides, expected):
    with pytest.raises(ValueError) as info:
        make_config(**overrides)
    for part in expected:
        assert part in str(info.value)


def test_config_accepts_odd_width_without_bidirectional():
    assert make_config(bidirectional=False, hidden_width=13).hidden_width == 13


# 7. Loss -----------------------------------------------------------------


def hand_loss(logits: List[List[List[float]]], gold: List[List[int]], eps: float) -> float:
    total = 0.0
    for row_logits, row_gold in zip(logits, gold):
        for scores, y in zip(row_logits, row_gold):
            if y == PAD:
                continue
            log_z = math.log(sum(math.exp(s) for s in scores))
            log_probs = [s - log_z for s in scores]
            total += -(1 - eps) * log_probs[y] - eps / len(scores) * sum(log_probs)
    return total


@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_label_smoothed_nll_matches_hand_computation(eps):
    logits = [
        [[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, -2.0, 0.3], [3.0, 0.1, 0.2, -0.5]],
        [[0.0, 0.7, -0.3, 1.2], [-1.5, 2.2, 0.4, 0.9], [0.6, 0.6, 0.6, 0.6]],
    ]
    gold = [[2, 1, PAD], [3, 1, 2]]
    loss, n_tokens = label_smoothed_nll(
        torch.tensor(logits), torch.tensor(gold), pad_id=PAD, label_smoothing=eps
    )
    assert n_tokens == 5
    assert float(loss) == pytest.approx(hand_loss(logits, gold, eps), abs=1e-5)


@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_label_smoothed_nll_ignores_padding(eps):
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 7, requires_grad=True)
    gold = torch.tensor([[4, 5, 6], [1, 2, PAD]])
    loss, n_tokens = label_smoothed_nll(logits, gold, pad_id=PAD, label_smoothing=eps)
    # Two more positions per row, all padding, with arbitrary large logits.
    extra = torch.randn(2, 2, 7) * 50
    longer_logits = torch.cat([logits.detach(), extra], dim=1)
    longer_gold = torch.cat([gold, torch.full((2, 2), PAD)], dim=1)
    # And the padded position of row 1 gets different logits too.
    longer_logits[1, 2] = torch.randn(7) * 50
    longer_loss, longer_n = label_smoothed_nll(
        longer_logits, longer_gold, pad_id=PAD, label_smoothing=eps
    )
    assert (longer_n, n_tokens) == (5, 5)
    torch.testing.assert_close(longer_loss, loss.detach())
    loss.backward()
    assert (logits.grad[1, 2] == 0).all()
    assert (logits.grad[0, 2] != 0).any()


@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_label_smoothed_nll_and_its_gradient_equal_torchs_cross_entropy(eps):
    """The one-pass loss gives F.cross_entropy's value and gradient."""
    torch.manual_seed(0)
    logits = (torch.randn(9, 4, 11) * 3).requires_grad_()
    gold = torch.randint(1, 11, (9, 4))
    gold[2, 1:] = PAD
    loss, n_tokens = label_smoothed_nll(logits, gold, pad_id=PAD, label_smoothing=eps)
    (grad,) = torch.autograd.grad(loss * 0.5, logits)
    reference_logits = logits.detach().clone().requires_grad_()
    reference = torch.nn.functional.cross_entropy(
        reference_logits.reshape(-1, 11), gold.reshape(-1), ignore_index=PAD,
        label_smoothing=eps, reduction="sum",
    )
    (reference * 0.5).backward()
    assert n_tokens == 9 * 4 - 3
    torch.testing.assert_close(loss.detach(), reference.detach())
    torch.testing.assert_close(grad, reference_logits.grad)
    double = torch.randn(5, 6, dtype=torch.float64, requires_grad=True)
    targets = torch.tensor([1, 2, 3, 4, 5])
    assert torch.autograd.gradcheck(
        lambda x: label_smoothed_nll(x, targets, pad_id=PAD, label_smoothing=eps)[0], (double,)
    )


def test_greedy_never_emits_pad_or_bos():
    # Bias the output layer so PAD and BOS would win every argmax.
    model = biased_model("additive", "gru", True)
    with torch.no_grad():
        model.decoder.output.bias[PAD] += 1e4
        model.decoder.output.bias[BOS] += 1e4
    src_ids, src_lengths = pad_rows(SEARCH_SOURCES)
    hypotheses = greedy_search(model, src_ids, src_lengths, constraints=up_to(torch.tensor(SEARCH_LIMITS)))
    assert any(hyp.ids for hyp in hypotheses)
    assert all(PAD not in hyp.ids and BOS not in hyp.ids for hyp in hypotheses)
