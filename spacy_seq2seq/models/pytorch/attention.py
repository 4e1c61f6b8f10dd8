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

With coverage (Tu et al. 2016; See et al. 2017), the scores also see how
much attention each source position has had so far, c = sum of past
weights: additive attention adds w_c * c inside its tanh (See et al.'s
form), dot and general attention add a learned scale times c to the score.
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
    """Base class: score queries against keys, then average the states.

    coverage (bool): Take the coverage vector into account (see the module
    docstring); `forward` then needs it, one query step at a time.
    """

    # Dot and general attention: score + scale * coverage. The scale starts
    # at 0, so coverage changes nothing until training finds it useful.
    scales_coverage = True

    def __init__(self, coverage: bool = False, *, device: Optional[torch.device] = None):
        super().__init__()
        self.uses_coverage = coverage
        self.coverage_scale = (
            nn.Parameter(torch.zeros(1, device=device)) if coverage and self.scales_coverage else None
        )

    def project_keys(self, states: Tensor) -> Tensor:
        """Source-side part of the score, computed once per batch.

        states (Tensor): Encoder states. Shape: (batch, src_len, width).
        RETURNS (Tensor): Keys. Shape: (batch, src_len, width).
        """
        return states

    def score(self, queries: Tensor, keys: Tensor, coverage: Optional[Tensor] = None) -> Tensor:
        """Unnormalised scores. queries: (batch, steps, width);
        keys: (batch, src_len, width); coverage: (batch, src_len) or None.
        RETURNS: (batch, steps, src_len)."""
        scores = dot_scores(queries, keys)
        if coverage is not None and self.coverage_scale is not None:
            scores = scores + self.coverage_scale * coverage.unsqueeze(1)
        return scores

    def forward(
        self, queries: Tensor, keys: Tensor, states: Tensor, mask: Tensor,
        coverage: Optional[Tensor] = None, *, exact_states: Optional[Tensor] = None,
    ) -> Tuple[Tensor, Tensor]:
        """Attend from decoder queries to the encoder states.

        queries (Tensor): Decoder states. Shape: (batch, steps, width).
        keys (Tensor): Output of `project_keys`. Shape: (batch, src_len, width).
        states (Tensor): Encoder states. Shape: (batch, src_len, width).
        mask (Tensor): True at real positions. Shape: (batch, src_len).
        coverage (Optional[Tensor]): Attention so far, for a coverage model
            (one step at a time). Shape: (batch, src_len).
        exact_states (Optional[Tensor]): `states` in float64, for decoding
            steps; made once per decode by the caller, or here if not given.
        RETURNS (Tuple[Tensor, Tensor]): The context vectors, shape
            (batch, steps, width), and the weights, shape (batch, steps, src_len).
        """
        if self.uses_coverage and (coverage is None or queries.shape[1] != 1):
            raise ValueError("A coverage attention attends one step at a time, with the coverage so far.")
        weights = masked_softmax(self.score(queries, keys, coverage), mask)
        if invariant_step(queries):
            # Decoding: bmm sums over the padded source length in blocks
            # that depend on it, so a row's context could change in the last
            # bit with its batch's longest source (seen on a trained toy
            # model: padding weights are exactly 0, the sum order is not).
            # Summed in float64 and rounded back, as the softmax above.
            if exact_states is None:
                exact_states = states.double()
            context = torch.bmm(weights.double(), exact_states).to(states.dtype)
        else:
            context = torch.bmm(weights, states)
        return context, weights


class DotAttention(Attention):
    """score(h, s) = h . s (Luong et al. 2015, "dot")."""


class GeneralAttention(Attention):
    """score(h, s) = h . W s (Luong et al. 2015, "general")."""

    def __init__(self, width: int, coverage: bool = False, *, device: Optional[torch.device] = None):
        super().__init__(coverage, device=device)
        self.key_projection = nn.Linear(width, width, bias=False, device=device)

    def project_keys(self, states: Tensor) -> Tensor:
        return self.key_projection(states)


class AdditiveAttention(Attention):
    """score(h, s) = v . tanh(W_q h + W_k s [+ w_c c]) (Bahdanau et al. 2015;
    the coverage term as in See et al. 2017)."""

    scales_coverage = False  # coverage enters inside the tanh instead

    def __init__(self, width: int, coverage: bool = False, *, device: Optional[torch.device] = None):
        super().__init__(coverage, device=device)
        self.key_projection = nn.Linear(width, width, bias=False, device=device)
        self.query_projection = nn.Linear(width, width, bias=False, device=device)
        self.energy = nn.Linear(width, 1, bias=False, device=device)
        self.coverage_projection = nn.Linear(1, width, bias=False, device=device) if coverage else None

    def project_keys(self, states: Tensor) -> Tensor:
        return self.key_projection(states)

    def score(self, queries: Tensor, keys: Tensor, coverage: Optional[Tensor] = None) -> Tensor:
        projected = self.query_projection(queries)
        # (batch, steps, 1, width) + (batch, 1, src_len, width)
        inside = projected.unsqueeze(2) + keys.unsqueeze(1)
        if coverage is not None and self.coverage_projection is not None:
            # Linear(1, width) written as a broadcast product: the same
            # numbers, and elementwise, so batch-invariant when decoding.
            w_c = self.coverage_projection.weight[:, 0]
            inside = inside + (coverage.unsqueeze(-1) * w_c).unsqueeze(1)
        hidden = torch.tanh(inside)
        if invariant_step(queries):
            return matrix_vector(hidden, self.energy.weight[0])
        return self.energy(hidden).squeeze(-1)


def build_attention(
    kind: str, width: int, coverage: bool = False, *, device: Optional[torch.device] = None
) -> Optional[Attention]:
    """The attention module for a config's `attention` value (None for "none")."""
    if kind == "dot":
        return DotAttention(coverage, device=device)
    if kind == "general":
        return GeneralAttention(width, coverage, device=device)
    if kind == "none":
        return None
    # The one check of the choice is NetworkSettings' (config.py, E003).
    assert kind == "additive", kind
    return AdditiveAttention(width, coverage, device=device)
