"""Registered thinc architectures wrapping the torch encoder-decoder.

The torch module cannot exist before `initialize()`: its embedding and output
sizes come from the SentencePiece vocabularies learned there. So the thinc
model starts without a shim; its `init` builds the module (from the
hyperparameters here plus the `src_vocab_size` / `tgt_vocab_size` dims and
the special ids the pipe sets) and attaches a PyTorchShim.

One model, two kinds of input (dispatch on the input type, not a mode string):
- `TrainBatch`  -> `TeacherForced` (logits for the loss; differentiable when
  is_train is True),
- `DecodeBatch` -> `List[List[Decoded]]` (n-best per document from greedy
  or beam search, no gradients; see `decoding.py`),
- `ForcedBatch` -> `List[Forced]` (attention and scores over given outputs,
  for forced alignment; see `forced.py`).
"""

from typing import Any, Callable, Tuple

import numpy
import srsly
import torch
from spacy.util import registry
from thinc.api import ArgsKwargs, Model, PyTorchShim

from ..declarations import (
    defaults,
    give_signature,
    keyword_parameters,
    settings_docstring,
    values,
)
from ..errors import Errors
from .converters import pad_ids
from .decoding import decode
from .forced import force
from .pytorch import NetworkSettings, RNNAttnSeq2Seq, Seq2SeqConfig
from .quantization import forget_int8_copy
from .serialization import load_module_bytes, module_to_bytes
from .types import (
    DecodeBatch,
    ForcedBatch,
    LossGradient,
    Seq2SeqInT,
    Seq2SeqModelT,
    TeacherForced,
    TrainBatch,
)

MODEL_NAME = "rnn_attn_seq2seq"


ARCHITECTURE = "spacy-seq2seq.RNNAttnSeq2Seq.v1"


def build_rnn_attn_seq2seq_v1(**settings: Any) -> Seq2SeqModelT:
    """An RNN encoder-decoder with attention. Takes one keyword per setting
    of `NetworkSettings` (models/pytorch/config.py), which declares and
    checks them; the signature and the list below are generated from it.

    RETURNS (Model[Seq2SeqInT, Seq2SeqOutT]): The model; initialize it after
        setting the dims `src_vocab_size`, `tgt_vocab_size` and the attr
        `special_ids` (pad_id, bos_id, eos_id).
    """
    network = NetworkSettings(**settings)
    return Model(
        MODEL_NAME,
        forward,
        init=init,
        dims={"src_vocab_size": None, "tgt_vocab_size": None},
        # A plain dict in declaration order: thinc saves model attrs.
        attrs={"hyperparams": values(network), "special_ids": None},
    )


give_signature(
    build_rnn_attn_seq2seq_v1, leading=(), settings=keyword_parameters(NetworkSettings),
    returns=Seq2SeqModelT,
)
build_rnn_attn_seq2seq_v1.__doc__ = settings_docstring(
    NetworkSettings, build_rnn_attn_seq2seq_v1.__doc__, marks=False
)
registry.architectures(ARCHITECTURE)(build_rnn_attn_seq2seq_v1)


def default_model_config() -> str:
    """The `[model]` block with every network setting at its default: the
    factory's default model config."""
    lines = ["[model]", f"@architectures = {srsly.json_dumps(ARCHITECTURE)}"]
    lines += [f"{name} = {srsly.json_dumps(value)}" for name, value in defaults(NetworkSettings).items()]
    return "\n" + "\n".join(lines) + "\n"


def init(model: Seq2SeqModelT, X: Any = None, Y: Any = None) -> None:
    """Build the torch module now that the vocabulary sizes are known."""
    special_ids = model.attrs["special_ids"]
    if special_ids is None or not model.has_dim("src_vocab_size") or not model.has_dim("tgt_vocab_size"):
        raise ValueError(Errors.E101.format())
    config = Seq2SeqConfig(
        src_vocab_size=model.get_dim("src_vocab_size"),
        tgt_vocab_size=model.get_dim("tgt_vocab_size"),
        **special_ids,
        **model.attrs["hyperparams"],
    )
    shim = PyTorchShim(
        RNNAttnSeq2Seq(config),
        serialize_model=module_to_bytes,
        deserialize_model=lambda module, data, device: load_module_bytes(module, data),
    )
    forget_int8_copy(shim)
    # Replace rather than append, so initializing twice leaves one network.
    model.shims[:] = [shim]


def get_torch_module(model: Seq2SeqModelT) -> RNNAttnSeq2Seq:
    """The wrapped torch module (after initialize)."""
    if not model.shims:
        raise ValueError(Errors.E102.format())
    return model.shims[0]._model


def is_initialized(model: Seq2SeqModelT) -> bool:
    return bool(model.shims)


def forward(model: Seq2SeqModelT, batch: Seq2SeqInT, is_train: bool) -> Tuple[Any, Callable]:
    if isinstance(batch, TrainBatch):
        return _teacher_forced(model, batch, is_train)
    if isinstance(batch, DecodeBatch):
        if is_train:
            raise ValueError(Errors.E105.format(kind="DecodeBatch"))
        return decode(model.shims[0], batch), _no_backprop
    if isinstance(batch, ForcedBatch):
        if is_train:
            raise ValueError(Errors.E105.format(kind="ForcedBatch"))
        return force(model.shims[0], batch), _no_backprop
    raise TypeError(Errors.E106.format(type=type(batch).__name__))


def _no_backprop(d_output: Any) -> None:
    raise ValueError(Errors.E107.format(problem="decoding has no gradient"))


def _teacher_forced(
    model: Seq2SeqModelT, batch: TrainBatch, is_train: bool
) -> Tuple[TeacherForced, Callable[[LossGradient], TrainBatch]]:
    shim = model.shims[0]
    config: Seq2SeqConfig = shim._model.config
    device = shim.device
    src_ids, src_lengths = pad_ids(batch.src, pad_id=config.pad_id, device=device)
    tgt_in, tgt_lengths = pad_ids(batch.tgt, pad_id=config.pad_id, prefix=(config.bos_id,), device=device)
    tgt_out, _ = pad_ids(batch.tgt, pad_id=config.pad_id, suffix=(config.eos_id,), device=device)
    # With the target lengths the decoder skips padding (packed steps).
    inputs = ArgsKwargs(args=(src_ids, src_lengths, tgt_in, tgt_lengths), kwargs={})
    if is_train:
        forget_int8_copy(shim)  # the weights are about to change
        result, torch_backprop = shim.begin_update(inputs)
    else:
        result, torch_backprop = shim.predict(inputs), None
    output = TeacherForced(
        logits=result.logits, tgt_out=tgt_out, attention=result.attention, alignment=result.alignment,
        steps=result.steps, pad_id=config.pad_id, guide=_pad_guide(batch, tgt_out.shape[1], src_ids.shape[1], device),
    )

    def backprop(d_output: LossGradient) -> TrainBatch:
        if torch_backprop is None:
            raise ValueError(Errors.E107.format(problem="this pass ran with is_train=False"))
        loss = d_output.loss
        torch_backprop(ArgsKwargs(args=(loss,), kwargs={"grad_tensors": torch.ones_like(loss)}))
        return batch

    return output, backprop


def _pad_guide(batch: TrainBatch, tgt_len: int, src_len: int, device) -> Any:
    """Guided-alignment targets as one zero-padded tensor, or None."""
    if batch.guide is None or all(g is None for g in batch.guide):
        return None
    guide = numpy.zeros((len(batch.tgt), tgt_len, src_len), dtype=numpy.float32)
    for row, matrix in enumerate(batch.guide):
        if matrix is not None:
            guide[row, : matrix.shape[0], : matrix.shape[1]] = matrix
    return torch.as_tensor(guide, device=device)
