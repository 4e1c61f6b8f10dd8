"""CPU int8: a dynamically quantized copy of the network for decoding.

Weights stay fp32 in the pipeline (training, saving and loading never see
int8); the component builds this copy when `quantize = "int8"` and decodes
with it. Dynamic quantization stores int8 weights for the RNNs and linear
layers and quantizes activations on the fly, which makes CPU decoding faster
at a small cost in quality (measured by benchmarks/decode_speed.py).

Limits: CPU only; not batch-invariant (activations are quantized with one
scale per tensor, so a row's result depends on the other rows in its
batch); `torch.ao.quantization` is deprecated in torch >= 2.10 (it still
works in 2.13; its warning is silenced here, once, on purpose).
"""

import copy
import warnings

from thinc.api import PyTorchShim
from torch import nn

from .pytorch import RNNAttnSeq2Seq

# Layers whose weights the network reads directly, which a quantized layer no
# longer has: the attention energy and the copy gate (width -> 1 products,
# computed elementwise for batch invariance, see pytorch/invariance.py) and
# the coverage projection (1 -> width). All three are tiny anyway.
_KEEP_FP32 = ("attention.energy", "copy_gate", "attention.coverage_projection")


def quantize_int8(module: RNNAttnSeq2Seq) -> RNNAttnSeq2Seq:
    """A dynamically quantized (int8) copy for CPU decoding; `module` is unchanged."""
    from torch.ao.quantization import (
        default_dynamic_qconfig,
        per_channel_dynamic_qconfig,
        quantize_dynamic,
    )

    quantized = copy.deepcopy(module).cpu().eval()
    # Linear weights get one scale per output row: on the Tatoeba fr->en
    # model (beam 5, 1,000 test pairs) that kept BLEU at -0.02 instead of
    # -0.25 with one scale per matrix, for 1.40x instead of 1.47x speed.
    # RNN weights are quantized per matrix (all torch offers for them).
    spec = {}
    for name, layer in quantized.named_modules():
        if name.endswith(_KEEP_FP32):
            continue
        if isinstance(layer, nn.Linear):
            spec[name] = per_channel_dynamic_qconfig
        elif isinstance(layer, (nn.GRU, nn.LSTM)):
            spec[name] = default_dynamic_qconfig
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        quantize_dynamic(quantized, qconfig_spec=spec, inplace=True)
    return quantized


_CACHE_ATTR = "_spacy_seq2seq_int8_copy"


def int8_copy(shim: PyTorchShim) -> RNNAttnSeq2Seq:
    """The shim's int8 copy, on the CPU wherever the network is, built on
    first use and kept until the weights change (`forget_int8_copy`). The
    component refuses int8 for a network on a GPU (E060,
    pipeline/device.py: decoding it on the CPU would be a surprise)."""
    cached = getattr(shim, _CACHE_ATTR, None)
    if cached is None:
        cached = quantize_int8(shim._model)
        setattr(shim, _CACHE_ATTR, cached)
    return cached


def forget_int8_copy(shim: PyTorchShim) -> None:
    """Drop the int8 copy: call whenever the fp32 weights change."""
    setattr(shim, _CACHE_ATTR, None)
