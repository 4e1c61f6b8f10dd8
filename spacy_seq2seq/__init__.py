"""spacy-seq2seq: a trainable RNN attention encoder-decoder component for spaCy.

Importing the package registers the `seq2seq_attn` factory and the
`spacy-seq2seq.*` architectures; spaCy also finds them through entry points,
so `nlp.add_pipe("seq2seq_attn")` works without importing anything.
"""

from .models import build_rnn_attn_seq2seq_v1
from .pipeline import (
    Seq2SeqAttn,
    Seq2SeqPrediction,
    Seq2SeqSettings,
    install_extensions,
    make_seq2seq_attn,
)

__version__ = "0.1.0"

__all__ = [
    "Seq2SeqAttn",
    "Seq2SeqPrediction",
    "Seq2SeqSettings",
    "build_rnn_attn_seq2seq_v1",
    "install_extensions",
    "make_seq2seq_attn",
    "__version__",
]
