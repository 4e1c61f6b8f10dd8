"""Training losses: label-smoothed cross-entropy over target pieces (padding
ignored), and the guided-alignment cross-entropy on attention."""

from typing import Tuple

import torch
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
    vocab_size = logits.shape[-1]
    flat_logits, gold = logits.reshape(-1, vocab_size), tgt_out.reshape(-1)
    real = gold != pad_id
    n_tokens = int(real.sum())
    if n_tokens < gold.numel():  # padded positions: score the real ones only
        flat_logits, gold = flat_logits[real], gold[real]
    return _SmoothedCrossEntropy.apply(flat_logits, gold, label_smoothing), n_tokens


class _SmoothedCrossEntropy(torch.autograd.Function):
    """sum over rows of -(1 - eps) log p(gold) - eps / V sum_w log p(w)
    (F.cross_entropy's label_smoothing), as lse - (1 - eps) x_gold - eps mean(x),
    with the gradient in one pass: softmax - (1 - eps) onehot - eps / V.

    torch's own version (log_softmax, then the NLL and the smoothing sum,
    each with its backward) goes over the whole (pieces, vocabulary) matrix
    several times more; this makes a Tatoeba training step 1.03x faster
    (benchmarks/archive/train_step_padding.py).
    """

    @staticmethod
    def forward(ctx, logits: Tensor, gold: Tensor, eps: float) -> Tensor:  # type: ignore[override]
        log_normalizer = torch.logsumexp(logits, dim=-1)
        gold_scores = logits.gather(1, gold.unsqueeze(1)).squeeze(1)
        losses = log_normalizer - (1.0 - eps) * gold_scores
        if eps:
            losses = losses - eps * logits.mean(dim=-1)
        ctx.save_for_backward(logits, gold, log_normalizer)
        ctx.eps = eps
        return losses.sum()

    @staticmethod
    def backward(ctx, grad_loss: Tensor) -> Tuple[Tensor, None, None]:  # type: ignore[override]
        logits, gold, log_normalizer = ctx.saved_tensors
        eps = ctx.eps
        grad = torch.exp(logits - log_normalizer.unsqueeze(1))
        if eps:
            grad -= eps / logits.shape[1]
        grad.scatter_add_(1, gold.unsqueeze(1), grad.new_full((gold.shape[0], 1), eps - 1.0))
        grad *= grad_loss
        return grad, None, None


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
