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
import torch
from spacy.util import registry
from thinc.api import ArgsKwargs, Model, PyTorchShim

from ..errors import Errors, check_choice
from .converters import pad_ids
from .decoding import decode
from .forced import force
from .pytorch import ATTENTION_TYPES, CELL_TYPES, RNNAttnSeq2Seq, Seq2SeqConfig
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


@registry.architectures("spacy-seq2seq.RNNAttnSeq2Seq.v1")
def build_rnn_attn_seq2seq_v1(
    *,
    cell: str = "gru",
    bidirectional: bool = True,
    n_layers: int = 1,
    embed_width: int = 256,
    hidden_width: int = 512,
    attention: str = "additive",
    input_feeding: bool = True,
    dropout_prob: float = 0.3,
    tie_embeddings: bool = False,
    copy_attention: bool = False,
    coverage: bool = False,
    alignment_head: bool = False,
    detach_alignment_head: bool = True,
) -> Seq2SeqModelT:
    """An RNN encoder-decoder with attention (see `Seq2SeqConfig` for each setting).

    cell (str): "gru" or "lstm".
    bidirectional (bool): Bidirectional encoder (hidden_width / 2 per direction).
    n_layers (int): RNN layers in encoder and decoder.
    embed_width (int): Piece embedding width.
    hidden_width (int): Encoder output and decoder RNN width.
    attention (str): "dot", "general", "additive" or "none".
    input_feeding (bool): Feed the previous attentional vector to the decoder.
    dropout_prob (float): Dropout probability inside the network.
    tie_embeddings (bool): Share target embeddings with the output layer.
    copy_attention (bool): Pointer-generator output: copy source pieces
        through the attention (needs joint_vocab = true on the component).
    coverage (bool): Feed the coverage vector (attention so far) into the
        attention; pair it with the component's coverage_loss_weight.
    alignment_head (bool): A second attention for word alignment only,
        trained by the guided-alignment loss (guided_alignment_weight and
        gold links); links are then read from it.
    detach_alignment_head (bool): Train the head on detached inputs, so the
        alignment loss leaves translation untouched (default); false lets
        it shape the shared layers too (aligners only: it costs BLEU).
    RETURNS (Model[Seq2SeqInT, Seq2SeqOutT]): The model; initialize it after
        setting the dims `src_vocab_size`, `tgt_vocab_size` and the attr
        `special_ids` (pad_id, bos_id, eos_id).
    """
    check_choice("cell", cell, CELL_TYPES)
    check_choice("attention", attention, ATTENTION_TYPES)
    for name, wanted in (("copy_attention", copy_attention), ("coverage", coverage), ("alignment_head", alignment_head)):
        if wanted and attention == "none":
            raise ValueError(Errors.E013.format(
                setting=name, constraint='false with attention = "none" (it works through the attention)',
                value=wanted,
            ))
    if bidirectional and hidden_width % 2:
        raise ValueError(
            Errors.E009.format(hidden_width=hidden_width, suggestion=hidden_width + 1)
        )
    hyperparams = dict(
        cell=cell, bidirectional=bidirectional, n_layers=n_layers,
        embed_width=embed_width, hidden_width=hidden_width, attention=attention,
        input_feeding=input_feeding, dropout_prob=dropout_prob,
        tie_embeddings=tie_embeddings, copy_attention=copy_attention, coverage=coverage,
        alignment_head=alignment_head, detach_alignment_head=detach_alignment_head,
    )
    return Model(
        MODEL_NAME,
        forward,
        init=init,
        dims={"src_vocab_size": None, "tgt_vocab_size": None},
        attrs={"hyperparams": hyperparams, "special_ids": None},
    )


def init(model: Seq2SeqModelT, X: Any = None, Y: Any = None) -> None:
    """Build the torch module now that the vocabulary sizes are known."""
    special_ids = model.attrs["special_ids"]
    if special_ids is None or not model.has_dim("src_vocab_size") or not model.has_dim("tgt_vocab_size"):
        raise ValueError(
            "The seq2seq model needs the dims 'src_vocab_size' and 'tgt_vocab_size' "
            "and the attr 'special_ids' before initialize(); the seq2seq_attn "
            "component sets them from its vocabularies."
        )
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
        raise ValueError("The seq2seq model has not been initialized yet.")
    return model.shims[0]._model


def is_initialized(model: Seq2SeqModelT) -> bool:
    return bool(model.shims)


def forward(model: Seq2SeqModelT, batch: Seq2SeqInT, is_train: bool) -> Tuple[Any, Callable]:
    if isinstance(batch, TrainBatch):
        return _teacher_forced(model, batch, is_train)
    if isinstance(batch, DecodeBatch):
        if is_train:
            raise ValueError("A DecodeBatch can only be predicted, not trained on.")
        return decode(model.shims[0], batch), _no_backprop
    if isinstance(batch, ForcedBatch):
        if is_train:
            raise ValueError("A ForcedBatch can only be predicted, not trained on.")
        return force(model.shims[0], batch), _no_backprop
    raise TypeError(f"Expected a TrainBatch, DecodeBatch or ForcedBatch, got {type(batch).__name__}.")


def _no_backprop(d_output: Any) -> None:
    raise ValueError("Decoding has no gradient.")


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
            raise ValueError("Backprop needs a pass with is_train=True.")
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
