"""thinc glue: registered architectures and Docs-free converters around the torch network."""

from .architectures import build_rnn_attn_seq2seq_v1, get_torch_module, is_initialized
from .pytorch import NetworkSettings
from .types import (
    DecodeBatch,
    Decoded,
    Forced,
    ForcedBatch,
    PieceTerms,
    SearchSettings,
    TeacherForced,
    TrainBatch,
)

__all__ = [
    "DecodeBatch",
    "Decoded",
    "Forced",
    "ForcedBatch",
    "NetworkSettings",
    "PieceTerms",
    "SearchSettings",
    "TeacherForced",
    "TrainBatch",
    "build_rnn_attn_seq2seq_v1",
    "get_torch_module",
    "is_initialized",
]
