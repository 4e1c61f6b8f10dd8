"""Packed teacher forcing (models/pytorch/steps.py): each decoder step reads
only the rows still inside their target, and the output layer and the loss
see only real positions. It must give the padded pass's numbers at every
real position, for every architecture, and do less work."""

import itertools

import pytest
import torch

from spacy_seq2seq.models.pytorch import RNNAttnSeq2Seq, Seq2SeqConfig
from spacy_seq2seq.models.pytorch.loss import coverage_loss, label_smoothed_nll
from spacy_seq2seq.models.pytorch.steps import DecoderSteps

PAD, BOS, EOS = 0, 2, 3
VOCAB = 17


# 1. The layout ------------------------------------------------------------


def test_sizes_count_the_rows_alive_at_each_step():
    steps = DecoderSteps(4, 5, torch.tensor([3, 1, 5, 3]))
    assert steps.packed
    assert steps.sizes == [4, 3, 3, 1, 1]
    # Longest first; equal lengths keep their batch order.
    assert steps.order.tolist() == [2, 0, 3, 1]


def test_steps_no_row_reaches_are_left_out():
    steps = DecoderSteps(2, 6, torch.tensor([2, 3]))
    assert steps.sizes == [2, 2, 1]


def test_pack_and_to_padded_round_trip_with_zeros_at_padding():
    lengths = torch.tensor([2, 4, 1])
    steps = DecoderSteps(3, 4, lengths)
    padded = torch.arange(1, 13, dtype=torch.float32).view(3, 4)
    packed = steps.pack(padded)
    # Step by step, rows longest first: step 0 reads rows 1, 0, 2, ...
    assert packed.tolist() == [5, 1, 9, 6, 2, 7, 8]
    back = steps.to_padded(packed)
    real = torch.arange(4).unsqueeze(0) < lengths.unsqueeze(1)
    assert torch.equal(back, torch.where(real, padded, torch.zeros_like(padded)))


def test_split_join_and_repeat_rows_agree_with_pack():
    steps = DecoderSteps(3, 4, torch.tensor([2, 4, 1]))
    padded = torch.randn(3, 4, 5)
    pieces = steps.split(padded)
    assert [piece.shape[0] for piece in pieces] == steps.sizes
    assert torch.equal(steps.join(pieces), steps.pack(padded))
    per_row = torch.tensor([[10, 11], [20, 21], [30, 31]])
    repeated = steps.repeat_rows(per_row)
    assert torch.equal(repeated, steps.pack(per_row.unsqueeze(1).expand(-1, 4, -1)))


def test_padded_steps_keep_the_padded_layout():
    steps = DecoderSteps(2, 3)
    padded = torch.randn(2, 3, 4)
    assert not steps.packed and steps.sizes == [2, 2, 2]
    assert steps.pack(padded) is padded and steps.to_padded(padded) is padded
    assert torch.equal(steps.join(steps.split(padded)), padded)
    assert steps.repeat_rows(torch.tensor([[1], [2]])).shape == (2, 3, 1)


@pytest.mark.parametrize("lengths", [[0, 2], [2, 4], [1]])
def test_bad_lengths_are_an_error(lengths):
    with pytest.raises(ValueError, match=r"lengths must be 2 values in \[1, 3\]"):
        DecoderSteps(2, 3, torch.tensor(lengths))


# 2. The same numbers as the padded pass ---------------------------------


def make_model(**settings) -> RNNAttnSeq2Seq:
    torch.manual_seed(0)
    config = Seq2SeqConfig(
        src_vocab_size=VOCAB, tgt_vocab_size=VOCAB, pad_id=PAD, bos_id=BOS, eos_id=EOS,
        embed_width=8, hidden_width=12, dropout_prob=0.0, **settings,
    )
    model = RNNAttnSeq2Seq(config)
    with torch.no_grad():  # large weights, so that differences would show
        for parameter in model.parameters():
            parameter.uniform_(-1.0, 1.0)
    return model


def batch(seed: int = 1):
    """Sources and targets of very different lengths (as corpus-order
    batches are), the longest target not in the first row."""
    generator = torch.Generator().manual_seed(seed)
    src_lengths = torch.tensor([3, 7, 1, 5, 2])
    tgt_pieces = [2, 6, 1, 0, 3]  # target pieces per row; BOS/EOS added
    src_ids = torch.full((5, 7), PAD)
    tgt_in = torch.full((5, 7), PAD)
    tgt_out = torch.full((5, 7), PAD)
    for row, (n_src, n_tgt) in enumerate(zip(src_lengths.tolist(), tgt_pieces)):
        src_ids[row, : n_src - 1] = torch.randint(4, VOCAB, (n_src - 1,), generator=generator)
        src_ids[row, n_src - 1] = EOS
        pieces = torch.randint(4, VOCAB, (n_tgt,), generator=generator)
        tgt_in[row, 0], tgt_in[row, 1 : n_tgt + 1] = BOS, pieces
        tgt_out[row, :n_tgt], tgt_out[row, n_tgt] = pieces, EOS
    tgt_lengths = torch.tensor(tgt_pieces) + 1
    return src_ids, src_lengths, tgt_in, tgt_out, tgt_lengths


ARCHITECTURES = [
    dict(cell=cell, attention=attention, input_feeding=feeding)
    for cell, attention, feeding in itertools.product(("gru", "lstm"), ("dot", "general", "additive", "none"), (True, False))
] + [
    dict(attention="additive", copy_attention=True, coverage=True),
    dict(attention="dot", copy_attention=True, input_feeding=False),
    dict(attention="general", coverage=True, input_feeding=False, cell="lstm"),
    dict(attention="additive", alignment_head=True, n_layers=2),
    dict(attention="additive", tie_embeddings=True, bidirectional=False),
]


def run(model, packed: bool):
    src_ids, src_lengths, tgt_in, tgt_out, tgt_lengths = batch()
    model.zero_grad()
    output = model(src_ids, src_lengths, tgt_in, tgt_lengths if packed else None)
    gold = tgt_out if output.steps is None else output.steps.pack(tgt_out)
    loss, n_tokens = label_smoothed_nll(output.logits, gold, pad_id=PAD, label_smoothing=0.1)
    if output.attention is not None:
        loss = loss + coverage_loss(output.attention, tgt_out, pad_id=PAD)[0]
    if output.alignment is not None:
        loss = loss + output.alignment.sum()
    loss.backward()
    grads = {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}
    return float(loss.detach()), n_tokens, output, grads


@pytest.mark.parametrize("settings", ARCHITECTURES, ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_packed_pass_equals_the_padded_pass_at_real_positions(settings):
    model = make_model(**settings)
    padded_loss, padded_n, padded, padded_grads = run(model, packed=False)
    packed_loss, packed_n, packed, packed_grads = run(model, packed=True)
    _, _, _, tgt_out, _ = batch()
    real = tgt_out != PAD
    assert packed_n == padded_n == int(real.sum())
    assert packed.logits.shape == (int(real.sum()), VOCAB)
    # Real positions step by step (the packed order), from the padded pass:
    assert torch.allclose(packed.logits, packed.steps.pack(padded.logits), atol=1e-5)
    assert packed_loss == pytest.approx(padded_loss, rel=1e-5)
    assert padded_grads.keys() == packed_grads.keys()
    for name, grad in padded_grads.items():
        assert torch.allclose(packed_grads[name], grad, atol=1e-4), name
    if padded.attention is not None:
        assert torch.allclose(packed.attention[real], padded.attention[real], atol=1e-6)
        assert float(packed.attention.detach()[~real].abs().sum()) == 0.0
    if padded.copy_gate is not None:
        assert torch.allclose(packed.copy_gate[real], padded.copy_gate[real], atol=1e-6)
    if padded.alignment is not None:
        piece_rows = real & (tgt_out != EOS)  # the EOS rows mean nothing
        assert torch.allclose(packed.alignment[piece_rows], padded.alignment[piece_rows], atol=1e-6)


# 3. Less work --------------------------------------------------------------


@pytest.mark.parametrize("feeding", [True, False])
def test_packed_steps_skip_padding_in_the_output_layer_and_the_loop(feeding):
    model = make_model(attention="additive", input_feeding=feeding)
    rows_read = []
    model.decoder.rnn.register_forward_hook(
        lambda module, inputs, output: rows_read.append(inputs[0].shape[0] * inputs[0].shape[1])
    )
    projected = []
    model.decoder.output.register_forward_hook(lambda module, inputs, output: projected.append(output.shape[:-1].numel()))
    _, _, _, tgt_out, _ = batch()
    n_real, n_padded = int((tgt_out != PAD).sum()), tgt_out.numel()
    run(model, packed=True)
    assert projected == [n_real]
    if feeding:  # the step loop reads only the rows alive at each step
        assert sum(rows_read) == n_real
    rows_read.clear(), projected.clear()
    run(model, packed=False)
    assert projected == [n_padded] and sum(rows_read) == n_padded
