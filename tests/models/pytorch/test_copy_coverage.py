"""Copy attention (pointer-generator) and coverage in the torch network."""

import pytest
import torch
from builders import (
    BOS,
    EOS,
    TGT_VOCAB,
    make_model,
    pad_rows,
    random_sources,
    random_targets,
    up_to,
)

from spacy_seq2seq.models.pytorch import Seq2SeqConfig, greedy_search

ATTENTIONS = ["dot", "general", "additive"]


def copy_model(seed: int = 0, **overrides) -> torch.nn.Module:
    """Copying needs one vocabulary for both sides."""
    settings = dict(src_vocab_size=TGT_VOCAB, copy_attention=True)
    settings.update(overrides)
    return make_model(seed=seed, **settings)


@pytest.mark.parametrize("coverage", [False, True])
@pytest.mark.parametrize("input_feeding", [False, True])
@pytest.mark.parametrize("attention", ATTENTIONS)
def test_copy_output_is_a_distribution_with_a_gate(attention, input_feeding, coverage):
    model = copy_model(attention=attention, input_feeding=input_feeding, coverage=coverage)
    src_ids, src_lengths = pad_rows(random_sources([5, 3, 4]))
    out = model(src_ids, src_lengths, random_targets(3, 6))
    assert out.logits.shape == (3, 6, TGT_VOCAB)
    torch.testing.assert_close(out.logits.exp().sum(-1), torch.ones(3, 6), atol=1e-5, rtol=0)
    assert out.copy_gate.shape == (3, 6)
    assert ((out.copy_gate > 0) & (out.copy_gate < 1)).all()


def test_a_closed_gate_copies_exactly_the_attention():
    model = copy_model()
    with torch.no_grad():  # p_gen = sigmoid(-50): all mass goes to copying
        model.decoder.copy_gate.weight.zero_()
        model.decoder.copy_gate.bias.fill_(-50.0)
    src_ids, src_lengths = pad_rows([[5, 6, 5, 9, EOS]])
    with torch.no_grad():
        out = model(src_ids, src_lengths, random_targets(1, 4))
    probs = out.logits.exp()[0]
    weights = out.attention[0]
    # Piece 5 sits at positions 0 and 2: it gets both positions' weight.
    torch.testing.assert_close(probs[:, 5], weights[:, 0] + weights[:, 2], atol=1e-6, rtol=0)
    torch.testing.assert_close(probs[:, 9], weights[:, 3], atol=1e-6, rtol=0)
    torch.testing.assert_close(probs[:, EOS], weights[:, 4], atol=1e-6, rtol=0)
    assert float(probs[:, 7].max()) < 1e-9  # not in the source: nothing to copy


def test_an_open_gate_only_generates():
    model = copy_model()
    plain = make_model(src_vocab_size=TGT_VOCAB)
    plain.load_state_dict({k: v for k, v in model.state_dict().items() if "copy_gate" not in k})
    with torch.no_grad():
        model.decoder.copy_gate.weight.zero_()
        model.decoder.copy_gate.bias.fill_(50.0)
    src_ids, src_lengths = pad_rows(random_sources([5]))
    tgt_in = random_targets(1, 4)
    with torch.no_grad():
        copied = model(src_ids, src_lengths, tgt_in).logits
        generated = torch.log_softmax(plain(src_ids, src_lengths, tgt_in).logits, dim=-1)
    torch.testing.assert_close(copied, generated, atol=1e-5, rtol=0)


@pytest.mark.parametrize("copy_attention", [False, True])
@pytest.mark.parametrize("input_feeding", [False, True])
@pytest.mark.parametrize("attention", ATTENTIONS)
def test_coverage_steps_equal_the_unroll_and_sum_the_attention(attention, input_feeding, copy_attention):
    model = copy_model(attention=attention, input_feeding=input_feeding, coverage=True, copy_attention=copy_attention)
    src_ids, src_lengths = pad_rows(random_sources([5, 3, 4]))
    tgt_in = random_targets(3, 6)
    with torch.no_grad():
        full = model(src_ids, src_lengths, tgt_in)
        memory, state = model.encode(src_ids, src_lengths)
        steps = []
        for step in range(tgt_in.shape[1]):
            out = model.decoder(tgt_in[:, step : step + 1], memory, state)
            state = out.state
            steps.append(out)
    torch.testing.assert_close(torch.cat([s.logits for s in steps], 1), full.logits, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(torch.cat([s.attention for s in steps], 1), full.attention, atol=1e-5, rtol=1e-5)
    # The state's coverage is the sum of every step's attention so far.
    torch.testing.assert_close(state.coverage, full.attention.sum(dim=1), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("attention", ATTENTIONS)
def test_coverage_changes_the_scores(attention):
    """Guard for the test above: a different coverage vector must move the
    attention (dot and general learn their scale from 0, so set it)."""
    model = copy_model(attention=attention, coverage=True, copy_attention=False)
    if model.decoder.attention.coverage_scale is not None:
        with torch.no_grad():
            model.decoder.attention.coverage_scale.fill_(-3.0)
    src_ids, src_lengths = pad_rows(random_sources([5]))
    with torch.no_grad():
        memory, state = model.encode(src_ids, src_lengths)
        fresh = model.decoder(torch.tensor([[BOS]]), memory, state).attention
        state.coverage = torch.tensor([[2.0, 0.0, 0.0, 0.0, 0.0]])
        covered = model.decoder(torch.tensor([[BOS]]), memory, state).attention
    assert not torch.allclose(fresh, covered, atol=1e-4)


def test_copy_and_coverage_decode_batch_invariantly():
    model = copy_model(seed=3, coverage=True)
    sources = random_sources([6, 2, 5, 3, 7], seed=4)
    limits = torch.tensor([8, 3, 6, 4, 9])
    together = greedy_search(model, *pad_rows(sources), constraints=up_to(limits))
    for row, source in enumerate(sources):
        alone = greedy_search(model, *pad_rows([source]), constraints=up_to(limits[row : row + 1]))[0]
        assert alone.ids == together[row].ids
        assert alone.score == together[row].score
        assert torch.equal(alone.attention, together[row].attention)


def test_settings_that_cannot_work_are_refused():
    base = dict(src_vocab_size=13, tgt_vocab_size=13, pad_id=0, bos_id=2, eos_id=3)
    with pytest.raises(ValueError, match=r'\[E013\] copy_attention must be false with attention = "none"'):
        Seq2SeqConfig(**base, attention="none", copy_attention=True)
    with pytest.raises(ValueError, match=r'\[E013\] coverage must be false with attention = "none"'):
        Seq2SeqConfig(**base, attention="none", coverage=True)
    with pytest.raises(ValueError, match=r"\[E100\] copy_attention = true .* sizes 11 and 13"):
        Seq2SeqConfig(**{**base, "src_vocab_size": 11}, copy_attention=True)


def test_coverage_loss_counts_attention_paid_twice():
    from spacy_seq2seq.models.pytorch.loss import coverage_loss

    tgt_out = torch.tensor([[5, 6, EOS, 0]])  # 3 real steps, then padding
    moving = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]])
    loss, n_steps = coverage_loss(moving, tgt_out, pad_id=0)
    assert n_steps == 3 and float(loss) == 0.0  # the padded step's repeat is not counted
    stuck = torch.tensor([[[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 0.0]]])
    # step 2: min(1, 1) = 1; step 3: min(0.5, 2) + min(0.5, 0) = 0.5
    assert float(coverage_loss(stuck, tgt_out, pad_id=0)[0]) == pytest.approx(1.5)


def test_beam_scores_carry_the_coverage_penalty():
    from spacy_seq2seq.models.pytorch import beam_search
    from spacy_seq2seq.penalties import coverage_penalty

    model = copy_model(seed=2, coverage=True)
    sources = random_sources([6, 4, 5], seed=7)
    limits = torch.tensor([7, 5, 6])
    plain = beam_search(model, *pad_rows(sources), constraints=up_to(limits), beam_size=4, n_best=4)
    covered = beam_search(model, *pad_rows(sources), constraints=up_to(limits), beam_size=4, n_best=4, coverage_penalty=0.7)
    matched = 0
    for plain_nbest, covered_nbest in zip(plain, covered):
        scores = [h.score for h in covered_nbest]
        assert scores == sorted(scores, reverse=True)
        by_ids = {tuple(h.ids): h.score for h in plain_nbest}
        for hypothesis in covered_nbest:
            if tuple(hypothesis.ids) in by_ids:
                expected = by_ids[tuple(hypothesis.ids)] + coverage_penalty(hypothesis.attention, 0.7)
                assert hypothesis.score == pytest.approx(expected, abs=1e-6)
                matched += 1
    assert matched >= 3


def teacher_forced_shares(model, source, ids):
    """Copy shares recomputed from a teacher-forced pass over BOS + ids (+ EOS)."""
    src_ids, src_lengths = pad_rows([source])
    tgt_in = torch.tensor([[BOS] + ids])
    with torch.no_grad():
        out = model(src_ids, src_lengths, tgt_in)
    chosen = torch.tensor(ids + [EOS])
    same = (src_ids[0].unsqueeze(0) == chosen.unsqueeze(1)).float()
    copied = (out.attention[0] * same).sum(-1) * (1 - out.copy_gate[0])
    return copied / out.logits[0].gather(1, chosen.unsqueeze(1)).squeeze(1).exp()


@pytest.mark.parametrize("beam_size", [1, 3])
def test_searches_report_each_pieces_copy_share(beam_size):
    from spacy_seq2seq.models.pytorch import beam_search

    model = copy_model(seed=4, coverage=True)
    sources = random_sources([6, 4, 5], seed=8)
    limits = torch.tensor([7, 5, 6])
    if beam_size == 1:
        results = [[h] for h in greedy_search(model, *pad_rows(sources), constraints=up_to(limits))]
    else:
        results = beam_search(model, *pad_rows(sources), constraints=up_to(limits), beam_size=3, n_best=3)
    for source, nbest in zip(sources, results):
        for hypothesis in nbest:
            assert hypothesis.copy_share.shape == (len(hypothesis.ids) + 1,)
            expected = teacher_forced_shares(model, source, hypothesis.ids)
            torch.testing.assert_close(hypothesis.copy_share, expected.clamp(0, 1), atol=1e-4, rtol=1e-4)


def test_shares_follow_the_gate():
    model = copy_model(seed=1)
    sources = random_sources([5, 6], seed=9)
    limits = torch.tensor([5, 5])
    for bias, low, high in ((-50.0, 0.999, 1.0), (50.0, 0.0, 1e-6)):
        with torch.no_grad():
            model.decoder.copy_gate.weight.zero_()
            model.decoder.copy_gate.bias.fill_(bias)
        for hypothesis in greedy_search(model, *pad_rows(sources), constraints=up_to(limits)):
            assert ((hypothesis.copy_share >= low) & (hypothesis.copy_share <= high)).all()
    plain = make_model(src_vocab_size=TGT_VOCAB)
    assert greedy_search(plain, *pad_rows(sources), constraints=up_to(limits))[0].copy_share is None


def test_int8_decoding_works_with_copy_and_coverage():
    from spacy_seq2seq.models.quantization import quantize_int8

    model = copy_model(seed=5, coverage=True)
    quantized = quantize_int8(model)
    sources = random_sources([6, 4], seed=3)
    limits = torch.tensor([6, 5])
    fp32 = greedy_search(model, *pad_rows(sources), constraints=up_to(limits))
    int8 = greedy_search(quantized, *pad_rows(sources), constraints=up_to(limits))
    # The gate and coverage layers stay fp32, so int8 decoding runs and
    # reports shares and attention for every step.
    assert [tuple(h.copy_share.shape) for h in int8] == [(len(h.ids) + 1,) for h in int8]
    assert all(torch.isfinite(h.attention).all() and torch.isfinite(h.copy_share).all() for h in int8)
    assert len(fp32) == len(int8) == 2
