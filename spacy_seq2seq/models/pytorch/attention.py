"""Attention scores over encoder states: dot, general and additive.

Each module is stateless across calls: keys that depend only on the source
are computed once by `project_keys` and passed back in at every decoder step,
instead of being cached on `self` (which breaks re-entrancy).

All modules accept queries for several decoder steps at once, so the same
code serves the step-by-step loop (steps = 1) and the batched path used when
input feeding is off.

Decoding (one step, no gradients) uses batch-invariant forms of three
operations (see invariance.py); training keeps the faster usual kernels,
where a last-bit difference between batch sizes does not matter.
"""

from typing import Optional, Tuple

import torch
from torch import Tensor, nn

from .invariance import matrix_vector


def invariant_step(queries: Tensor) -> bool:
    """Whether this is a decoding step, which must be batch-invariant: one
    query step, no gradients (search and forced alignment run without)."""
    return queries.shape[1] == 1 and not torch.is_grad_enabled()


def masked_softmax(scores: Tensor, mask: Tensor) -> Tensor:
    """Softmax over source positions; padded positions get exactly zero.

    scores (Tensor): Shape: (batch, steps, src_len).
    mask (Tensor): True at real positions. Shape: (batch, src_len).
    RETURNS (Tensor): Weights, each row summing to 1. Shape: (batch, steps, src_len).
    """
    # exp(-inf) == 0, so padding gets no weight at all rather than a tiny one.
    scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
    if invariant_step(scores):
        # Decoding: softmax's vectorised sum groups its terms by the padded
        # length, so a row's float32 weights would change in the last bit
        # with the batch it is in. Summed in float64 and rounded back, they
        # do not (see invariance.py). One step's tensor is tiny.
        return torch.softmax(scores, dim=-1, dtype=torch.float64).to(scores.dtype)
    return torch.softmax(scores, dim=-1)


def dot_scores(queries: Tensor, keys: Tensor) -> Tensor:
    """queries (batch, steps, width) . keys (batch, src_len, width) -> (batch, steps, src_len)."""
    if invariant_step(queries):
        # Decoding: bmm's result for a column depends on the padded source
        # length (see invariance.py); this form is the same for any length.
        return matrix_vector(keys, queries).unsqueeze(1)
    return torch.bmm(queries, keys.transpose(1, 2))


class Attention(nn.Module):
    """Base class: score queries against keys, then average the states."""

    def project_keys(self, states: Tensor) -> Tensor:
        """Source-side part of the score, computed once per batch.

        states (Tensor): Encoder states. Shape: (batch, src_len, width).
        RETURNS (Tensor): Keys. Shape: (batch, src_len, width).
        """
        return states

    def score(self, queries: Tensor, keys: Tensor) -> Tensor:
        """Unnormalised scores. queries: (batch, steps, width);
        keys: (batch, src_len, width). RETURNS: (batch, steps, src_len)."""
        raise NotImplementedError

    def forward(
        self, queries: Tensor, keys: Tensor, states: Tensor, mask: Tensor
    ) -> Tuple[Tensor, Tensor]:
        """Attend from decoder queries to the encoder states.

        queries (Tensor): Decoder states. Shape: (batch, steps, width).
        keys (Tensor): Output of `project_keys`. Shape: (batch, src_len, width).
        states (Tensor): Encoder states. Shape: (batch, src_len, width).
        mask (Tensor): True at real positions. Shape: (batch, src_len).
        RETURNS (Tuple[Tensor, Tensor]): The context vectors, shape
            (batch, steps, width), and the weights, shape (batch, steps, src_len).
        """
        weights = masked_softmax(self.score(queries, keys), mask)
        context = torch.bmm(weights, states)
        return context, weights


class DotAttention(Attention):
    """score(h, s) = h . s (Luong et al. 2015, "dot")."""

    def score(self, queries: Tensor, keys: Tensor) -> Tensor:
        return dot_scores(queries, keys)


class GeneralAttention(Attention):
    """score(h, s) = h . W s (Luong et al. 2015, "general")."""

    def __init__(self, width: int, *, device: Optional[torch.device] = None):
        super().__init__()
        self.key_projection = nn.Linear(width, width, bias=False, device=device)

    def project_keys(self, states: Tensor) -> Tensor:
        return self.key_projection(states)

    def score(self, queries: Tensor, keys: Tensor) -> Tensor:
        return dot_scores(queries, keys)


class AdditiveAttention(Attention):
    """score(h, s) = v . tanh(W_q h + W_k s) (Bahdanau et al. 2015)."""

    def __init__(self, width: int, *, device: Optional[torch.device] = None):
        super().__init__()
        self.key_projection = nn.Linear(width, width, bias=False, device=device)
        self.query_projection = nn.Linear(width, width, bias=False, device=device)
        self.energy = nn.Linear(width, 1, bias=False, device=device)

    def project_keys(self, states: Tensor) -> Tensor:
        return self.key_projection(states)

    def score(self, queries: Tensor, keys: Tensor) -> Tensor:
        projected = self.query_projection(queries)
        # (batch, steps, 1, width) + (batch, 1, src_len, width)
        hidden = torch.tanh(projected.unsqueeze(2) + keys.unsqueeze(1))
        if invariant_step(queries):
            return matrix_vector(hidden, self.energy.weight[0])
        return self.energy(hidden).squeeze(-1)


def build_attention(
    kind: str, width: int, *, device: Optional[torch.device] = None
) -> Optional[Attention]:
    """The attention module for a config's `attention` value (None for "none")."""
    if kind == "dot":
        return DotAttention()
    if kind == "general":
        return GeneralAttention(width, device=device)
    if kind == "additive":
        return AdditiveAttention(width, device=device)
    if kind == "none":
        return None
    raise ValueError(
        f"Invalid value for 'attention': {kind!r}. "
        "Valid options: dot, general, additive, none."
    )
