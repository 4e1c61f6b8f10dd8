"""Training losses: label-smoothed cross-entropy over target pieces (padding
ignored), and the guided-alignment cross-entropy on attention."""

from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def label_smoothed_nll(
    logits: Tensor, tgt_out: Tensor, *, pad_id: int, label_smoothing: float
) -> Tuple[Tensor, int]:
    """Summed loss and the number of real target pieces.

    logits (Tensor): Shape: (batch, tgt_len, tgt_vocab_size), or (n, tgt_vocab_size).
    tgt_out (Tensor): Gold next pieces (EOS last), padded with pad_id.
        Shape: (batch, tgt_len), or (n,) laid out as the logits.
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


def guided_alignment_ce(attention: Tensor, guide: Tensor) -> Tuple[Tensor, int]:
    """Cross-entropy of the attention against gold alignment distributions
    (Garg et al. 2019; Marian's guided alignment "ce" cost).

    attention (Tensor): Attention weights. Shape: (batch, tgt_len, src_len).
    guide (Tensor): Target distributions, rows summing to 1 where a step is
        guided and all zeros where not. Same shape.
    RETURNS (Tuple[Tensor, int]): The loss summed over guided steps, and how
        many steps were guided.
    """
    guided = guide.sum(dim=-1) > 0
    n_guided = int(guided.sum())
    if n_guided == 0:
        return attention.sum() * 0.0, 0
    log_attention = torch.log(attention.clamp_min(1e-9))
    per_step = -(guide * log_attention).sum(dim=-1)
    return per_step[guided].sum(), n_guided


def coverage_loss(attention: Tensor, tgt_out: Tensor, *, pad_id: int) -> Tuple[Tensor, int]:
    """The coverage loss of See et al. (2017): at each step, the overlap
    sum_i min(a_ti, c_ti) between the attention and the coverage so far
    (c_t = the sum of the earlier steps' attention). Attending again to what
    was already covered costs; attending to something new does not.

    attention (Tensor): Attention weights. Shape: (batch, tgt_len, src_len).
    tgt_out (Tensor): Gold next pieces, padded with pad_id; padded steps add
        nothing. Shape: (batch, tgt_len).
    pad_id (int): Padding id.
    RETURNS (Tuple[Tensor, int]): The loss summed over real steps, and how
        many real steps there were.
    """
    coverage = attention.cumsum(dim=1) - attention
    overlap = torch.minimum(attention, coverage).sum(dim=-1)
    real = tgt_out != pad_id
    return overlap[real].sum(), int(real.sum())
