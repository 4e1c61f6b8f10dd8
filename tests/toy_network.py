"""A small initialised network of the registered architecture and random
source ids for it, shared by the device tests and the GPU smoke check
(scripts/gpu/smoke_check.py), which must build the same thing."""

import numpy
import torch
from spacy.util import registry

PAD, BOS, EOS = 0, 2, 3
ARCH = "spacy-seq2seq.RNNAttnSeq2Seq.v1"


def build(seed: int = 0, **settings):
    """A small initialised thinc model with large random weights (so that
    outputs differ between rows and any mix-up shows)."""
    hyperparams = dict(embed_width=8, hidden_width=12, dropout_prob=0.0)
    hyperparams.update(settings)
    model = registry.architectures.get(ARCH)(**hyperparams)
    model.set_dim("src_vocab_size", 14)
    model.set_dim("tgt_vocab_size", 14)
    model.attrs["special_ids"] = {"pad_id": PAD, "bos_id": BOS, "eos_id": EOS}
    torch.manual_seed(seed)
    model.initialize()
    with torch.no_grad():
        for parameter in model.shims[0]._model.parameters():
            parameter.uniform_(-1.0, 1.0)
    return model


def sources(lengths, seed=1):
    """EOS-terminated random source ids, one array per length."""
    rng = numpy.random.default_rng(seed)
    return [numpy.append(rng.integers(4, 14, n), EOS).astype(numpy.int64) for n in lengths]
