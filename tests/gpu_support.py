"""Where the `gpu` tests run: CUDA device 0 with thinc on CuPy (`pytest --gpu`
on a machine with CUDA and CuPy; see conftest.why_no_gpu).

SPACY_SEQ2SEQ_GPU_DRY_RUN=1 runs the same tests with the "GPU" side on the
CPU, so the test code itself can be checked on a machine without a GPU
before a lent GPU's minutes are spent on it: every comparison then holds
trivially, so a dry run proves the tests run, not that the GPU path works.
"""

import os
from contextlib import contextmanager
from typing import Iterator

import torch

DRY_RUN = os.environ.get("SPACY_SEQ2SEQ_GPU_DRY_RUN") == "1"
GPU = torch.device("cpu") if DRY_RUN else torch.device("cuda", 0)

# What "the same output" means between a GPU and the CPU (docs/gpu.md): the
# same piece ids, and scores and weights to this absolute tolerance (float32
# sums in another order; decoding runs without TF32, see invariance.py).
CPU_TOLERANCE = 1e-4
# The same for training compared with the CPU under `ieee_float32` (no TF32),
# relative to the largest value compared: float32 rounding is ~6e-8, sums in
# another order over a toy model's few hundred terms stay far below this.
# (With TF32, 10 bits of mantissa, it would take ~1e-2.)
TRAINING_TOLERANCE = 1e-4


@contextmanager
def ieee_float32() -> Iterator[None]:
    """Inside the block, cuDNN's RNNs and CUDA's matrix products compute in
    IEEE float32, deterministically (training defaults to TF32 on recent
    cards), so a GPU result can be compared closely with the CPU's; torch's
    settings are restored afterwards. No effect on the CPU."""
    from spacy_seq2seq.models.pytorch.invariance import ieee_cuda_kernels

    with ieee_cuda_kernels():
        yield


@contextmanager
def thinc_on_gpu() -> Iterator[None]:
    """Inside the block, new thinc models and loaded pipelines live on the
    GPU (what `spacy.require_gpu()` does); the CPU again afterwards."""
    if DRY_RUN:
        yield
        return
    from thinc.api import require_cpu, require_gpu

    require_gpu(0)
    try:
        yield
    finally:
        require_cpu()

