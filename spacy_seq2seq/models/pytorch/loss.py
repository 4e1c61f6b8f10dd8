"""Label-smoothed cross-entropy over target pieces, padding ignored."""

from typing import Tuple

import torch.nn.functional as F
from torch import Tensor


def label_smoothed_nll(
    logits: Tensor, tgt_out: Tensor, *, pad_id: int, label_smoothing: float
) -> Tuple[Tensor, int]:
    """Summed loss and the number of real target pieces.

    logits (Tensor): Shape: (batch, tgt_len, tgt_vocab_size).
    tgt_out (Tensor): Gold next pieces (EOS last), padded with pad_id.
        Shape: (batch, tgt_len).
    pad_id (int): Padding id; those positions add nothing.
    label_smoothing (float): Mass spread uniformly over the vocabulary.
    RETURNS (Tuple[Tensor, int]): The loss summed over real pieces (a scalar
        that requires grad) and how many real pieces there were.
    """
    n_tokens = int((tgt_out != pad_id).sum())
    loss = F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]),
        tgt_out.reshape(-1),
        ignore_index=pad_id,
        label_smoothing=label_smoothing,
        reduction="sum",
    )
    return loss, n_tokens
