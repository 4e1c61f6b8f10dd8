"""Decoding: batched greedy search (beam search builds on the same pieces).

Finished rows leave the batch as soon as they emit EOS, so later steps only
pay for live rows, and a row's result does not depend on what else is in the
batch (no finished hypotheses kept alive in the batch; cf. OpenNMT-py #490).
"""

from dataclasses import dataclass
from typing import List, Optional

import torch
from torch import Tensor

from .seq2seq import RNNAttnSeq2Seq


@dataclass
class Hypothesis:
    """One decoded sequence.

    ids (List[int]): Output piece ids, EOS excluded.
    score (float): Sum of the log-probabilities of the pieces and of EOS.
    attention (Optional[Tensor]): Weights over the source pieces (EOS column
        included) for each output piece; None without attention.
        Shape: (len(ids), src_length).
    """

    ids: List[int]
    score: float
    attention: Optional[Tensor]


def output_length_limits(
    src_lengths: Tensor, *, max_length: int, max_length_ratio: float
) -> Tensor:
    """Most output pieces allowed per row: min(max_length, ratio * src_length).

    src_lengths (Tensor): Source lengths (EOS included). Shape: (batch,).
    RETURNS (Tensor): Limits (>= 1). Shape: (batch,).
    """
    by_ratio = torch.ceil(src_lengths.float() * max_length_ratio).long()
    return by_ratio.clamp(min=1, max=max_length)


@torch.no_grad()
def greedy_search(
    model: RNNAttnSeq2Seq, src_ids: Tensor, src_lengths: Tensor, *, max_lengths: Tensor
) -> List[Hypothesis]:
    """Pick the most probable piece at every step.

    model (RNNAttnSeq2Seq): The network (put it in eval mode first).
    src_ids (Tensor): Source ids, EOS-terminated, padded. Shape: (batch, src_len).
    src_lengths (Tensor): Real lengths. Shape: (batch,).
    max_lengths (Tensor): Most output pieces per row, EOS excluded; a row that
        reaches its limit is ended. Shape: (batch,).
    RETURNS (List[Hypothesis]): One per row, in input order.
    """
    config = model.config
    device = src_ids.device
    batch, src_len = src_ids.shape
    memory, state = model.encode(src_ids, src_lengths)
    max_lengths = max_lengths.to(device)
    live = torch.arange(batch, device=device)  # original row of each live row
    previous = torch.full((batch,), config.bos_id, dtype=torch.long, device=device)
    scores = torch.zeros(batch, device=device)
    # PAD and BOS are inputs only; they must never be chosen as outputs.
    banned = torch.tensor([config.pad_id, config.bos_id], device=device)
    steps = []  # (live rows, chosen ids, attention weights) per step
    for step in range(int(max_lengths.max()) + 1):
        logits, weights, state = model.decoder(previous.unsqueeze(1), memory, state)
        step_logits = logits[:, 0].float().index_fill(1, banned, float("-inf"))
        log_probs = torch.log_softmax(step_logits, dim=-1)
        chosen = log_probs.argmax(dim=-1)
        at_limit = max_lengths.index_select(0, live) <= step
        chosen = torch.where(at_limit, torch.full_like(chosen, config.eos_id), chosen)
        scores.index_add_(0, live, log_probs.gather(1, chosen.unsqueeze(1)).squeeze(1))
        steps.append((live, chosen, None if weights is None else weights[:, 0]))
        going_on = chosen != config.eos_id
        if not bool(going_on.any()):
            break
        keep = going_on.nonzero().squeeze(1)
        live = live.index_select(0, keep)
        previous = chosen.index_select(0, keep)
        memory = memory.index_select(keep)
        state = state.index_select(keep)
    return _collect(steps, batch, src_len, src_lengths, scores, config.eos_id)


def _collect(
    steps: list, batch: int, src_len: int, src_lengths: Tensor, scores: Tensor, eos_id: int
) -> List[Hypothesis]:
    """Turn per-step (rows, ids, weights) records into one Hypothesis per row."""
    n_steps = len(steps)
    device = scores.device
    ids = torch.full((batch, n_steps), eos_id, dtype=torch.long, device=device)
    has_attention = steps[0][2] is not None
    weights = torch.zeros(batch, n_steps, src_len, device=device) if has_attention else None
    for step, (rows, chosen, step_weights) in enumerate(steps):
        ids[rows, step] = chosen
        if weights is not None:
            weights[rows, step] = step_weights.float()
    ids_cpu = ids.cpu()
    lengths = (ids_cpu != eos_id).long().cumprod(dim=1).sum(dim=1).tolist()
    weights_cpu = weights.cpu() if weights is not None else None
    src_lengths_list = src_lengths.tolist()
    scores_list = scores.tolist()
    hypotheses = []
    for row in range(batch):
        n = lengths[row]
        attention = (
            weights_cpu[row, :n, : src_lengths_list[row]] if weights_cpu is not None else None
        )
        hypotheses.append(Hypothesis(ids=ids_cpu[row, :n].tolist(), score=scores_list[row], attention=attention))
    return hypotheses
