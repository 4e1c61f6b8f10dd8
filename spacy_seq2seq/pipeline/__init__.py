"""The spaCy side: the `seq2seq_attn` factory, its component, its settings and Doc extensions."""

from .extensions import extension_names, install_extensions
from .factory import make_seq2seq_attn
from .predictions import Seq2SeqPrediction
from .seq2seq_attn import Seq2SeqAttn
from .settings import Seq2SeqSettings

__all__ = [
    "Seq2SeqAttn",
    "Seq2SeqPrediction",
    "Seq2SeqSettings",
    "extension_names",
    "install_extensions",
    "make_seq2seq_attn",
]
