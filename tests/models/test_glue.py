"""Tests for the thinc glue: architecture, converters, loss and serialization."""

import io
import pathlib
import pickle
import random

import numpy
import pytest
import torch
from spacy.util import registry
from thinc.api import Adam

from spacy_seq2seq.models import (
    DecodeBatch,
    SearchSettings,
    TrainBatch,
    get_torch_module,
    is_initialized,
)
from spacy_seq2seq.models.converters import pad_ids
from spacy_seq2seq.models.decoding import length_buckets
from spacy_seq2seq.models.loss import teacher_forced_loss
from spacy_seq2seq.models.pytorch import RNNAttnSeq2Seq, Seq2SeqConfig
from spacy_seq2seq.models.serialization import (
    WeightsFormatError,
    WeightsMismatchError,
    load_module_bytes,
    module_to_bytes,
)

SPECIAL_IDS = {"pad_id": 0, "bos_id": 2, "eos_id": 3}
PAD, BOS, EOS = 0, 2, 3
FIRST_REAL = 4
ARCH = "spacy-seq2seq.RNNAttnSeq2Seq.v1"


def build(src_vocab: int = 10, tgt_vocab: int = 12, seed: int = 0, **settings):
    hyperparams = dict(embed_width=8, hidden_width=12, dropout_prob=0.0)
    hyperparams.update(settings)
    model = registry.architectures.get(ARCH)(**hyperparams)
    model.set_dim("src_vocab_size", src_vocab)
    model.set_dim("tgt_vocab_size", tgt_vocab)
    model.attrs["special_ids"] = dict(SPECIAL_IDS)
    torch.manual_seed(seed)
    model.initialize()
    return model


def ids(*values: int) -> numpy.ndarray:
    return numpy.asarray(values, dtype=numpy.int64)


TRAIN_BATCH = TrainBatch(
    src=[ids(4, 5, 6, 7, EOS), ids(8, 9, EOS), ids(5, EOS)],
    tgt=[ids(4, 5, 6, 7), ids(8, 9, 10, 11, 4), ids(6)],
)


# 1. Gradients and updates ------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"attention": "dot"},
        {"attention": "general", "cell": "lstm"},
        {"attention": "additive", "n_layers": 2},
        {"attention": "none"},
        {"attention": "additive", "tie_embeddings": True},
        {"attention": "dot", "tie_embeddings": True, "embed_width": 12},
        {"attention": "general", "input_feeding": False, "bidirectional": False},
        {"attention": "none", "cell": "lstm", "tie_embeddings": True, "input_feeding": False},
    ],
    ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()),
)
def test_every_parameter_gets_a_gradient_and_is_updated(settings):
    model = build(**settings)
    assert is_initialized(model)
    module = get_torch_module(model)
    names = {name for name, _ in module.named_parameters()}
    has_attention_params = settings["attention"] in ("general", "additive")
    assert any(".attention." in name for name in names) == has_attention_params
    assert ("decoder.output.weight" in names) == (not settings.get("tie_embeddings", False))

    output, backprop = model.begin_update(TRAIN_BATCH)
    # Training skips padding: logits for the 13 real positions only (each
    # target's pieces + EOS), with the gold laid out to match.
    assert output.logits.shape == (4 + 1 + 5 + 1 + 1 + 1, 12)
    assert output.tgt_out[1].tolist() == [8, 9, 10, 11, 4, EOS]
    assert output.tgt_out[2].tolist() == [6, EOS, PAD, PAD, PAD, PAD]
    assert sorted(output.gold_for_logits().tolist()) == sorted([4, 5, 6, 7, 8, 9, 10, 11, 4, 6] + [EOS] * 3)
    loss, n_tokens, d_loss = teacher_forced_loss(output, label_smoothing=0.1)
    assert n_tokens == 4 + 1 + 5 + 1 + 1 + 1
    assert loss > 0.0
    assert backprop(d_loss) is TRAIN_BATCH

    before = {}
    for name, parameter in module.named_parameters():
        assert parameter.grad is not None, name
        assert bool(parameter.grad.abs().sum() > 0), name
        before[name] = parameter.detach().clone()

    model.finish_update(Adam(0.01))
    for name, parameter in module.named_parameters():
        assert not torch.equal(parameter.detach(), before[name]), name
        assert parameter.grad is None or bool((parameter.grad == 0).all()), name


def test_predict_on_train_batch_has_no_backprop():
    model = build()
    output = model.predict(TRAIN_BATCH)
    assert not output.logits.requires_grad
    _, backprop = model(TRAIN_BATCH, is_train=False)
    with pytest.raises(ValueError):
        backprop(None)


@pytest.mark.parametrize(
    "settings,message",
    [
        ({"beam_size": 2, "n_best": 3}, r"\[E013\] n_best must be at most beam_size \(2\); got 3"),
        ({"beam_size": 0}, r"\[E013\] beam_size must be a positive integer; got 0"),
        ({"length_alpha": -0.1}, r"\[E013\] length_alpha must be >= 0; got -0.1"),
        ({"max_output_ratio": 0.0}, r"\[E013\] max_output_ratio must be > 0"),
        ({"min_output_length": 9, "max_output_length": 8}, r"\[E013\] min_output_length must be at most"),
    ],
)
def test_search_settings_are_checked_where_they_are_declared(settings, message):
    """The one check of each search rule (the torch search trusts them)."""
    with pytest.raises(ValueError, match=message):
        SearchSettings(**settings)


def test_decode_batch_cannot_be_trained_on():
    model = build()
    batch = DecodeBatch(src=[ids(4, EOS)], search=SearchSettings(max_output_length=3), max_batch_items=10, quantize="none")
    with pytest.raises(ValueError, match=r"\[E105\] A DecodeBatch can only be predicted"):
        model.begin_update(batch)
    with pytest.raises(TypeError, match=r"\[E106\] .* got list"):
        model.predict([ids(4, EOS)])
    _, backprop = model(TRAIN_BATCH, is_train=False)
    with pytest.raises(ValueError, match=r"\[E107\] No gradient to propagate: this pass ran with is_train=False"):
        backprop(None)


def test_initialize_without_sizes_raises():
    model = registry.architectures.get(ARCH)(embed_width=8, hidden_width=12)
    with pytest.raises(ValueError, match=r"\[E101\] .*src_vocab_size"):
        model.initialize()
    assert not is_initialized(model)
    with pytest.raises(ValueError, match=r"\[E102\]"):
        get_torch_module(model)


@pytest.mark.parametrize("weight,code", [("guided_alignment_weight", "E103"), ("coverage_loss_weight", "E104")])
def test_a_loss_term_that_needs_attention_is_refused_without_it(weight, code):
    model = build(attention="none")
    output, _ = model.begin_update(TrainBatch(
        src=TRAIN_BATCH.src, tgt=TRAIN_BATCH.tgt,
        guide=[numpy.full((len(t) + 1, len(s)), 1.0 / len(s), dtype=numpy.float32)
               for s, t in zip(TRAIN_BATCH.src, TRAIN_BATCH.tgt)],
    ))
    with pytest.raises(ValueError, match=rf"\[{code}\] {weight} > 0 needs a model with attention"):
        teacher_forced_loss(output, label_smoothing=0.0, **{weight: 1.0})


# 2. It learns ------------------------------------------------------------


def test_learns_a_reversal_task():
    rng = random.Random(0)
    pairs = []
    for length in (2, 3, 4, 5, 3, 4, 2, 5):
        tgt = [rng.randrange(FIRST_REAL, 10) for _ in range(length)]
        pairs.append((list(reversed(tgt)) + [EOS], tgt))
    batch = TrainBatch(src=[ids(*s) for s, _ in pairs], tgt=[ids(*t) for _, t in pairs])
    model = build(
        src_vocab=10, tgt_vocab=10, seed=1, embed_width=16, hidden_width=32,
        attention="general",
    )
    optimizer = Adam(0.01)
    losses = []
    for _ in range(100):
        output, backprop = model.begin_update(batch)
        loss, _, d_loss = teacher_forced_loss(output, label_smoothing=0.0)
        backprop(d_loss)
        model.finish_update(optimizer)
        losses.append(loss)
    assert losses[-1] < 0.25 * losses[0]
    decoded = [
        nbest[0] for nbest in model.predict(
            DecodeBatch(src=batch.src, search=SearchSettings(beam_size=1, length_alpha=0.0, max_output_length=20), max_batch_items=12, quantize="none")
        )
    ]
    assert [d.ids for d in decoded] == [t for _, t in pairs]
    for (src, tgt), result in zip(pairs, decoded):
        assert result.attention.shape == (len(tgt) + 1, len(src))  # + the EOS step
        assert result.score < 0.0
    # Decoding put the module back in training mode.
    assert get_torch_module(model).training


# 3. Invalid choices ------------------------------------------------------


@pytest.mark.parametrize(
    "settings,parts",
    [
        ({"cell": "rnn"}, ["[E003]", "'cell'", "'rnn'", "gru, lstm"]),
        ({"attention": "mlp"}, ["[E003]", "'attention'", "'mlp'", "dot, general, additive, none"]),
        ({"bidirectional": True, "hidden_width": 7}, ["[E009]", "7", "8"]),
    ],
)
def test_invalid_architecture_choices(settings, parts):
    with pytest.raises(ValueError) as info:
        registry.architectures.get(ARCH)(**settings)
    for part in parts:
        assert part in str(info.value)


def test_odd_width_is_fine_without_bidirectional():
    model = build(bidirectional=False, hidden_width=7)
    assert get_torch_module(model).decoder.rnn.hidden_size == 7


# 4. Serialization --------------------------------------------------------


def make_module(seed: int, tgt_vocab: int = 12, **settings) -> RNNAttnSeq2Seq:
    torch.manual_seed(seed)
    config = Seq2SeqConfig(
        src_vocab_size=10, tgt_vocab_size=tgt_vocab, embed_width=8, hidden_width=12,
        dropout_prob=0.0, **SPECIAL_IDS, **settings,
    )
    return RNNAttnSeq2Seq(config).eval()


def module_inputs():
    src_ids, src_lengths = pad_ids(TRAIN_BATCH.src, pad_id=PAD, device=torch.device("cpu"))
    tgt_in, _ = pad_ids(TRAIN_BATCH.tgt, pad_id=PAD, prefix=(BOS,), device=torch.device("cpu"))
    return src_ids, src_lengths, tgt_in


@pytest.mark.parametrize("settings", [{}, {"cell": "lstm", "tie_embeddings": True}])
def test_weights_round_trip(settings):
    source, target = make_module(0, **settings), make_module(1, **settings)
    inputs = module_inputs()
    with torch.no_grad():
        expected = source(*inputs).logits
        assert not torch.equal(target(*inputs).logits, expected)
        assert load_module_bytes(target, module_to_bytes(source)) is target
        assert torch.equal(target(*inputs).logits, expected)


def test_thinc_model_bytes_round_trip():
    trained, fresh = build(seed=0), build(seed=1)
    with torch.no_grad():
        expected = trained.predict(TRAIN_BATCH).logits
        assert not torch.equal(fresh.predict(TRAIN_BATCH).logits, expected)
        fresh.from_bytes(trained.to_bytes())
        assert torch.equal(fresh.predict(TRAIN_BATCH).logits, expected)


class _Payload:
    """Unpickling this object runs `Path(marker).touch()`."""

    def __init__(self, marker: pathlib.Path):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path(self.marker).touch, ())


def _pickle_bytes(marker: pathlib.Path) -> bytes:
    return pickle.dumps({"encoder.embedding.weight": _Payload(marker)})


def _torch_save_bytes(marker: pathlib.Path) -> bytes:
    buffer = io.BytesIO()
    torch.save({"encoder.embedding.weight": _Payload(marker)}, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("make_payload", [_pickle_bytes, _torch_save_bytes])
def test_pickled_weights_are_refused_and_not_executed(tmp_path, make_payload):
    # The payload is live: unpickling a copy of it does create its marker.
    probe = tmp_path / "probe"
    if make_payload is _pickle_bytes:
        pickle.loads(make_payload(probe))
    else:
        torch.load(io.BytesIO(make_payload(probe)), weights_only=False)
    assert probe.exists()

    marker = tmp_path / "pwned"
    module = make_module(0)
    before = module_to_bytes(module)
    with pytest.raises(WeightsFormatError):
        load_module_bytes(module, make_payload(marker))
    assert not marker.exists()
    assert module_to_bytes(module) == before


@pytest.mark.parametrize("data", [b"", b"not weights", b"\x08\x00\x00\x00\x00\x00\x00\x00[1, 2]  "])
def test_garbage_weights_are_refused(data):
    with pytest.raises(WeightsFormatError):
        load_module_bytes(make_module(0), data)


def test_vocab_size_mismatch_is_refused():
    module = make_module(0, tgt_vocab=12)
    before = module_to_bytes(module)
    with pytest.raises(WeightsMismatchError, match="decoder"):
        load_module_bytes(module, module_to_bytes(make_module(1, tgt_vocab=13)))
    assert module_to_bytes(module) == before


def test_architecture_mismatch_is_refused():
    with pytest.raises(WeightsMismatchError, match="missing|unexpected"):
        load_module_bytes(make_module(0, cell="lstm"), module_to_bytes(make_module(0, cell="gru")))


# 5. length_buckets -------------------------------------------------------


@pytest.mark.parametrize("budget", [1, 5, 12, 40, 1000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_length_buckets(seed, budget):
    rng = random.Random(seed)
    lengths = [rng.randint(1, 15) for _ in range(rng.randint(1, 40))]
    buckets = list(length_buckets(lengths, budget))
    flat = [index for bucket in buckets for index in bucket]
    assert sorted(flat) == list(range(len(lengths)))
    assert all(bucket for bucket in buckets)
    for bucket in buckets:
        if len(bucket) > 1:
            assert len(bucket) * max(lengths[i] for i in bucket) <= budget
    in_order = [lengths[i] for i in flat]
    assert in_order == sorted(in_order)
    # Greedy filling: adding the next row would have broken the budget.
    for bucket, following in zip(buckets, buckets[1:]):
        assert (len(bucket) + 1) * lengths[following[0]] > budget


def test_length_buckets_examples():
    assert list(length_buckets([], 10)) == []
    assert list(length_buckets([3, 1, 2], 100)) == [[1, 2, 0]]
    assert list(length_buckets([30, 1], 10)) == [[1], [0]]
    assert list(length_buckets([2, 2, 2, 2, 2], 4)) == [[0, 1], [2, 3], [4]]


# 6. pad_ids --------------------------------------------------------------


def test_pad_ids_with_prefix_and_suffix():
    rows = [ids(5, 6, 7), ids(), [8]]
    padded, lengths = pad_ids(rows, pad_id=0, prefix=(2,), suffix=(3,), device=torch.device("cpu"))
    assert padded.dtype == torch.int64 and lengths.dtype == torch.int64
    assert padded.tolist() == [[2, 5, 6, 7, 3], [2, 3, 0, 0, 0], [2, 8, 3, 0, 0]]
    assert lengths.tolist() == [5, 2, 3]
    assert not padded.requires_grad


def test_pad_ids_plain():
    padded, lengths = pad_ids([[4], [5, 6]], pad_id=1, device=torch.device("cpu"))
    assert padded.tolist() == [[4, 1], [5, 6]]
    assert lengths.tolist() == [1, 2]
    padded, lengths = pad_ids([], pad_id=0, device=torch.device("cpu"))
    assert padded.shape == (0, 0) and lengths.tolist() == []
