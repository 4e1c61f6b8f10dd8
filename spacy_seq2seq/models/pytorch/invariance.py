"""Batch-invariant decoding: a row's result must not depend on its batch.

Mathematically a row of `x @ W` depends only on that row of x. In floats it
can also depend on how many rows there are: on CPU (MKL, measured with torch
2.13 on this project's 2-core machine) matrix products with fewer than about
12 rows take other kernels that sum in another order, so a sentence decoded
alone gets last-bit different scores and attention than the same sentence
decoded among 63 others; with larger products every row is computed the
same way. (`matrix_vector` below covers the one product that stays
row-dependent at every size.) Beam search amplifies such bits into different
outputs, which is how batch size changes BLEU in some toolkits (OpenNMT-py
#490).

So decoding never runs a step on fewer than `MIN_ROWS` rows: small batches
are topped up with copies of a real row, whose results are thrown away. The
extra rows cost little, since small products are memory-bound anyway.
oneDNN's LSTM kernel (torch's CPU default for LSTMs) also gives a row
batch-dependent results, so searches run with oneDNN off
(`invariant_kernels`); GRUs never use it.

The guarantee is tested on CPU; GPU libraries choose kernels by shape in
other ways and are not covered.

On CUDA, decoding asks for the next weaker promise: the same batch on the
same card gives bit-identical results run after run. `invariant_kernels`
also turns on cuDNN's deterministic mode and IEEE float32 (no TF32: cuDNN's
RNNs use TF32 by default on Ampere and newer cards, which rounds inputs to
10 bits of mantissa), and `deterministic_scatter` gives copy attention a
`scatter_add` without atomics. Against the CPU, outputs then agree to within
float32 rounding: the GPU tests compare ids exactly and scores to 1e-4
(see docs/gpu.md).
"""

from contextlib import contextmanager
from typing import Iterator, Tuple

import torch
from torch import Tensor

# Row count from which CPU matrix products no longer depend on it
# (measured: 12 with 2 threads, 4 with 1), with a margin.
MIN_ROWS = 16


def topped_up_rows(n_rows: int, device: torch.device) -> Tensor:
    """Index that repeats row 0 until there are MIN_ROWS rows (or n_rows when
    that is already enough). The first n_rows entries are 0..n_rows-1."""
    index = torch.arange(max(n_rows, MIN_ROWS), device=device)
    index[n_rows:] = 0
    return index


def encoder_rows(lengths: Tensor) -> Tuple[Tensor, int]:
    """Rows to run the (packed) encoder on, so every time step has enough rows.

    A packed RNN step only processes the rows still running, so its last
    steps run on the few longest rows. Copies of a longest row keep at
    least MIN_ROWS rows alive at every step.

    lengths (Tensor): Source lengths. Shape: (batch,).
    RETURNS (Tuple[Tensor, int]): Row index (the real rows first), and the
        number of real rows.
    """
    n_rows = lengths.shape[0]
    longest = int(lengths.argmax())
    n_longest = int((lengths == lengths[longest]).sum())
    n_copies = max(0, MIN_ROWS - n_longest)
    copies = torch.full((n_copies,), longest, dtype=torch.long, device=lengths.device)
    return torch.cat([torch.arange(n_rows, device=lengths.device), copies]), n_rows


def matrix_vector(matrix: Tensor, vector: Tensor) -> Tensor:
    """`matrix @ vector` over the last dim, the same for every row count.

    A product with one output column (N = 1) takes a row-count-dependent
    path in every size tried; an elementwise product and a last-dim sum
    treat every row alike.
    """
    return (matrix * vector).sum(dim=-1)


@contextmanager
def invariant_kernels() -> Iterator[None]:
    """For the duration: oneDNN off (its LSTM is not batch-invariant), and
    deterministic IEEE float32 kernels on CUDA (see the module docstring).

    `torch.backends.mkldnn.flags` would turn oneDNN off too but also resets
    TF32 settings, with a warning on every call; this touches the one flag.
    Everything is restored afterwards, so a training loop that evaluates
    keeps its own settings (TF32 included) for its training steps.
    """
    was_enabled = torch._C._get_mkldnn_enabled()
    torch._C._set_mkldnn_enabled(False)
    try:
        with ieee_cuda_kernels():
            yield
    finally:
        torch._C._set_mkldnn_enabled(was_enabled)


@contextmanager
def ieee_cuda_kernels() -> Iterator[None]:
    """cuDNN deterministic, RNNs and matrix products in IEEE float32, for
    the duration (decoding; and the GPU tests that compare training with the
    CPU, since cuDNN's RNNs train in TF32 by default).

    Read and set through the `fp32_precision` settings (torch >= 2.9):
    mixing them with the older `allow_tf32` flags in one process raises.
    """
    cudnn, matmul = torch.backends.cudnn, torch.backends.cuda.matmul
    rnn = getattr(cudnn, "rnn", None)
    if rnn is None or not hasattr(rnn, "fp32_precision"):  # torch < 2.9
        rnn, matmul, field, ieee = cudnn, matmul, "allow_tf32", False
    else:
        field, ieee = "fp32_precision", "ieee"
    saved = (cudnn.deterministic, getattr(rnn, field), getattr(matmul, field))
    cudnn.deterministic = True
    setattr(rnn, field, ieee)
    setattr(matmul, field, ieee)
    try:
        yield
    finally:
        cudnn.deterministic = saved[0]
        setattr(rnn, field, saved[1])
        setattr(matmul, field, saved[2])


@contextmanager
def deterministic_scatter(tensor: Tensor) -> Iterator[None]:
    """Deterministic algorithms while scattering into `tensor`, on CUDA only.

    CUDA's `scatter_add` sums with atomics, in whatever order threads
    arrive: copy attention's mixture could change in the last bit from run
    to run. Torch's deterministic mode gives it an ordered kernel. Only the
    one call runs under it: the mode makes other CUDA operations raise or
    slow down. On the CPU scatter_add is already deterministic.
    """
    if tensor.device.type != "cuda" or torch.are_deterministic_algorithms_enabled():
        yield
        return
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(False)
