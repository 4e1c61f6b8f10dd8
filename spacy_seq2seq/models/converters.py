"""Ragged id lists -> padded torch tensors (and back to numpy)."""

from typing import Sequence, Tuple

import numpy
import torch


def pad_ids(
    sequences: Sequence[Sequence[int]], *, pad_id: int, prefix: Sequence[int] = (),
    suffix: Sequence[int] = (), device: torch.device
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Pad id sequences into one (batch, length) int64 tensor.

    sequences (Sequence[Sequence[int]]): Ids per row.
    pad_id (int): Filler after each row's end.
    prefix, suffix (Sequence[int]): Ids added around every row (BOS, EOS).
    device (torch.device): Where the ids go (the network's device).
    RETURNS (Tuple[Tensor, Tensor]): Ids (batch, max_length) on `device`,
        and lengths (batch,) on the CPU: packing needs them there, and the
        searches read them as Python numbers. A consumer that needs them on
        the device (a mask, an index) copies them once per batch.
    """
    lengths = numpy.fromiter(
        (len(prefix) + len(row) + len(suffix) for row in sequences),
        dtype=numpy.int64,
        count=len(sequences),
    )
    width = int(lengths.max()) if len(lengths) else 0
    ids = numpy.full((len(sequences), width), pad_id, dtype=numpy.int64)
    for row_index, row in enumerate(sequences):
        values = numpy.concatenate(
            [numpy.asarray(prefix, dtype=numpy.int64),
             numpy.asarray(row, dtype=numpy.int64),
             numpy.asarray(suffix, dtype=numpy.int64)]
        )
        ids[row_index, : len(values)] = values
    # Integer ids never need gradients: build plain tensors here instead of
    # thinc's xp2torch, which would ask for requires_grad in training mode.
    return torch.as_tensor(ids, device=device), torch.as_tensor(lengths)


def tensor_to_numpy(tensor: torch.Tensor) -> numpy.ndarray:
    return tensor.detach().cpu().float().numpy()
