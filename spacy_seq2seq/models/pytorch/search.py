"""Decoding, part 1: what greedy and beam search share, and greedy search.

Both searches keep a row's computation independent of the rest of the
batch: finished rows leave the batch, every step runs on at least
`MIN_ROWS` rows (see `invariance.py`), and all constraints are per row.
So a document gets the same output, score and attention whatever it is
batched with (cf. OpenNMT-py #490, BLEU changing with the batch size).
"""

from dataclasses import dataclass
from typing import List, Optional, Tuple

import torch
from torch import Tensor

from ... import penalties
from .decoder_state import DecoderState, Memory
from .invariance import encoder_rows, invariant_kernels, topped_up_rows
from .seq2seq import RNNAttnSeq2Seq


@dataclass
class Hypothesis:
    """One decoded sequence.

    ids (List[int]): Output piece ids, EOS excluded.
    score (float): Ranking score: the sum of the log-probabilities of the
        pieces and of EOS, divided by the length penalty (1 without one).
    attention (Optional[Tensor]): Weights over the source pieces (EOS column
        included) at each decoder step, the EOS step last: row t is the step
        that output piece t, so its input was piece t - 1 (BOS for t = 0).
        Word alignment reads rows 0..n-1 ("argmax") or, shifted, rows 1..n
        (the step where piece t is the input). None without attention.
        Shape: (len(ids) + 1, src_length).
    copy_share (Optional[Tensor]): With copy attention, per step, the share
        of the chosen piece's probability that came from copying it out of
        the source: (1 - p_gen) * its attention / its probability. None
        without copy attention. Shape: (len(ids) + 1,).
    unmet_terms (int): Positive terms (see `terms.py`) the output misses:
        0 unless the length limit ended it first.
    term_ends (Optional[List[int]]): Per positive term, the position in
        `ids` of its last piece (-1 if missed); None without positive terms.
    """

    ids: List[int]
    score: float
    attention: Optional[Tensor]
    copy_share: Optional[Tensor] = None
    unmet_terms: int = 0
    term_ends: Optional[List[int]] = None


@dataclass(frozen=True)
class Constraints:
    """Per-row limits every search applies at every step.

    min_lengths (Tensor): Fewest output pieces (EOS excluded) per row.
    max_lengths (Tensor): Most output pieces per row; a row that reaches it
        is ended.
    no_repeat_ngram_size (int): Never output an n-gram of pieces twice
        (0 = no limit).
    """

    min_lengths: Tensor
    max_lengths: Tensor
    no_repeat_ngram_size: int = 0

    def to(self, device: torch.device) -> "Constraints":
        """The same limits on `device`, where the search's log-probabilities
        are: built from the source lengths, they start on the CPU. Copied
        once per search, not at every step."""
        return Constraints(
            min_lengths=self.min_lengths.to(device), max_lengths=self.max_lengths.to(device),
            no_repeat_ngram_size=self.no_repeat_ngram_size,
        )


def output_length_limits(
    src_lengths: Tensor, *, max_output_length: int, max_output_ratio: float
) -> Tensor:
    """Most output pieces allowed per row: min(max_output_length, ratio * src_length).

    src_lengths (Tensor): Source lengths (EOS included). Shape: (batch,).
    RETURNS (Tensor): Limits (>= 1). Shape: (batch,).
    """
    by_ratio = torch.ceil(src_lengths.float() * max_output_ratio).long()
    return by_ratio.clamp(min=1, max=max_output_length)


def output_length_minimums(
    src_lengths: Tensor, *, min_output_length: int, min_output_ratio: float, max_lengths: Tensor
) -> Tensor:
    """Fewest output pieces per row: max(min_output_length, ratio * src_length),
    never above the row's maximum."""
    by_ratio = torch.ceil(src_lengths.float() * min_output_ratio).long()
    return torch.minimum(by_ratio.clamp(min=min_output_length), max_lengths)


def encode(model: RNNAttnSeq2Seq, src_ids: Tensor, src_lengths: Tensor) -> Tuple[Memory, DecoderState]:
    """`model.encode`, with the batch topped up so that it is batch-invariant.

    src_ids (Tensor): On the network's device. Shape: (batch, src_len).
    src_lengths (Tensor): On the CPU, where packing needs them (see
        converters.pad_ids). Shape: (batch,).
    """
    rows, n_real = encoder_rows(src_lengths)
    memory, state = model.encode(
        src_ids.index_select(0, rows.to(src_ids.device)), src_lengths.index_select(0, rows)
    )
    real = torch.arange(n_real, device=src_ids.device)
    memory, state = memory.index_select(real), state.index_select(real)
    if model.decoder.attention is not None:
        memory.exact_states()  # once per search: every step's context reads it
    return memory, state


def decode_step(
    model: RNNAttnSeq2Seq, previous: Tensor, memory: Memory, state: DecoderState
) -> Tuple[Tensor, Optional[Tensor], Optional[Tensor], DecoderState]:
    """One decoder step on at least MIN_ROWS rows (extra rows are copies,
    dropped again). RETURNS: logits (rows, vocab), attention (rows, src_len)
    or None, the copy gate p_gen (rows,) or None, and the new state."""
    n_rows = previous.shape[0]
    index = topped_up_rows(n_rows, previous.device)
    if index.shape[0] != n_rows:
        previous, memory, state = (
            previous.index_select(0, index), memory.index_select(index), state.index_select(index)
        )
    output = model.decoder(previous.unsqueeze(1), memory, state)
    logits, weights, gate, state = output.logits, output.attention, output.copy_gate, output.state
    if index.shape[0] != n_rows:
        real = index[:n_rows]
        logits = logits[:n_rows]
        weights = None if weights is None else weights[:n_rows]
        gate = None if gate is None else gate[:n_rows]
        state = state.index_select(real)
    return (
        logits[:, 0], None if weights is None else weights[:, 0],
        None if gate is None else gate[:, 0], state,
    )


def copy_shares(
    log_probs: Tensor, weights: Tensor, gate: Tensor, src_ids: Tensor, tokens: Tensor
) -> Tensor:
    """How much of each candidate piece's probability is copying.

    log_probs (Tensor): The copy decoder's log-probabilities (before any
        constraint). Shape: (rows, vocab).
    weights (Tensor): Attention. Shape: (rows, src_len).
    gate (Tensor): p_gen. Shape: (rows,).
    src_ids (Tensor): Source ids. Shape: (rows, src_len).
    tokens (Tensor): Candidate pieces, k per row. Shape: (rows, k).
    RETURNS (Tensor): (1 - p_gen) * attention on the piece / P(piece), in
        [0, 1]. Shape: (rows, k).
    """
    same = src_ids.unsqueeze(1) == tokens.unsqueeze(2)  # (rows, k, src_len)
    copied = (weights.float().unsqueeze(1) * same).sum(dim=-1) * (1.0 - gate.float()).unsqueeze(1)
    probability = log_probs.float().gather(1, tokens).exp()
    return (copied / probability.clamp_min(1e-12)).clamp(0.0, 1.0)


def step_log_probs(
    logits: Tensor,
    *,
    step: int,
    rows: Tensor,
    history: Optional[Tensor],
    constraints: Constraints,
    banned: Tensor,
    eos_id: int,
) -> Tensor:
    """Log-probabilities for the next piece, with every constraint applied.

    logits (Tensor): Shape: (rows, vocab).
    step (int): Pieces output so far.
    rows (Tensor): The original batch row (sentence) of each row, to look up
        its limits. Shape: (rows,).
    history (Optional[Tensor]): Pieces output so far. Shape: (rows, step).
    constraints (Constraints): Length limits and n-gram blocking.
    banned (Tensor): Ids that are never outputs (PAD, BOS).
    eos_id (int): The end id.
    RETURNS (Tensor): Shape: (rows, vocab); -inf where not allowed.
    """
    # PAD and BOS are no outputs at all: the distribution is over the rest.
    # The other constraints only forbid choices; scores stay the model's
    # log-probabilities of what was chosen.
    log_probs = torch.log_softmax(logits.float().index_fill(1, banned, float("-inf")), dim=-1)
    too_short = constraints.min_lengths.index_select(0, rows) > step
    log_probs[:, eos_id].masked_fill_(too_short, float("-inf"))
    n = constraints.no_repeat_ngram_size
    if n > 0 and history is not None and history.shape[1] >= n:
        _block_repeated_ngrams(log_probs, history, n)
    at_limit = constraints.max_lengths.index_select(0, rows) <= step
    if bool(at_limit.any()):
        # Only EOS may follow; its own log-probability still counts.
        eos = log_probs[:, eos_id].clone()
        log_probs.masked_fill_(at_limit.unsqueeze(1), float("-inf"))
        log_probs[:, eos_id] = eos
    return log_probs


def _block_repeated_ngrams(log_probs: Tensor, history: Tensor, n: int) -> None:
    """Set -inf on every piece that would complete an n-gram already output.

    history (Tensor): Shape: (rows, t), t >= n.
    """
    grams = history.unfold(1, n, 1)  # (rows, t - n + 1, n)
    last = history[:, history.shape[1] - (n - 1):]  # the n - 1 newest pieces
    repeats = (grams[:, :, : n - 1] == last.unsqueeze(1)).all(dim=-1)
    rows, positions = repeats.nonzero(as_tuple=True)
    log_probs[rows, grams[rows, positions, n - 1]] = float("-inf")


def banned_ids(model: RNNAttnSeq2Seq, device: torch.device) -> Tensor:
    """PAD and BOS are inputs only; they must never be chosen as outputs."""
    return torch.tensor([model.config.pad_id, model.config.bos_id], device=device)


@torch.no_grad()
def greedy_search(
    model: RNNAttnSeq2Seq,
    src_ids: Tensor,
    src_lengths: Tensor,
    *,
    constraints: Constraints,
    length_alpha: float = 0.0,
    coverage_penalty: float = 0.0,
) -> List[Hypothesis]:
    """Pick the most probable allowed piece at every step.

    model (RNNAttnSeq2Seq): The network (put it in eval mode first).
    src_ids (Tensor): Source ids, EOS-terminated, padded. Shape: (batch, src_len).
    src_lengths (Tensor): Real lengths. Shape: (batch,).
    constraints (Constraints): Length limits and n-gram blocking per row.
    length_alpha (float): Length penalty exponent; it only rescales the
        reported score, as in beam search with beam_size 1.
    coverage_penalty (float): Coverage penalty weight; it only shifts the
        reported score, as in beam search with beam_size 1.
    RETURNS (List[Hypothesis]): One per row, in input order.
    """
    with invariant_kernels():
        return _greedy_search(
            model, src_ids, src_lengths, constraints.to(src_ids.device), length_alpha, coverage_penalty
        )


def _greedy_search(
    model: RNNAttnSeq2Seq, src_ids: Tensor, src_lengths: Tensor,
    constraints: Constraints, length_alpha: float, coverage_penalty: float,
) -> List[Hypothesis]:
    eos_id = model.config.eos_id
    device = src_ids.device
    batch, src_len = src_ids.shape
    memory, state = encode(model, src_ids, src_lengths)
    live = torch.arange(batch, device=device)  # original row of each live row
    previous = torch.full((batch,), model.config.bos_id, dtype=torch.long, device=device)
    history = torch.empty((batch, 0), dtype=torch.long, device=device)
    scores = torch.zeros(batch, device=device)
    banned = banned_ids(model, device)
    steps = []  # (live rows, chosen ids, attention weights, copy shares) per step
    for step in range(int(constraints.max_lengths.max()) + 1):
        logits, weights, gate, state = decode_step(model, previous, memory, state)
        log_probs = step_log_probs(
            logits, step=step, rows=live, history=history,
            constraints=constraints, banned=banned, eos_id=eos_id,
        )
        chosen = log_probs.argmax(dim=-1)
        scores.index_add_(0, live, log_probs.gather(1, chosen.unsqueeze(1)).squeeze(1))
        shares = None
        if gate is not None and weights is not None:
            shares = copy_shares(logits, weights, gate, memory.src_ids, chosen.unsqueeze(1))[:, 0]
        steps.append((live, chosen, weights, shares))
        going_on = chosen != eos_id
        n_going_on = int(going_on.sum())
        if n_going_on == 0:
            break
        previous = chosen
        if n_going_on < going_on.shape[0]:  # rows that ended leave the batch
            keep = going_on.nonzero().squeeze(1)
            live, previous, history = (t.index_select(0, keep) for t in (live, chosen, history))
            memory, state = memory.index_select(keep), state.index_select(keep)
        history = torch.cat([history, previous.unsqueeze(1)], dim=1)
    return _collect(steps, batch, src_len, src_lengths, scores, eos_id, length_alpha, coverage_penalty)


def _collect(
    steps: list, batch: int, src_len: int, src_lengths: Tensor, scores: Tensor,
    eos_id: int, length_alpha: float, coverage_penalty: float,
) -> List[Hypothesis]:
    """Turn per-step (rows, ids, weights, shares) records into one Hypothesis per row."""
    n_steps = len(steps)
    device = scores.device
    ids = torch.full((batch, n_steps), eos_id, dtype=torch.long, device=device)
    has_attention = steps[0][2] is not None
    weights = torch.zeros(batch, n_steps, src_len, device=device) if has_attention else None
    shares = torch.zeros(batch, n_steps, device=device) if steps[0][3] is not None else None
    for step, (rows, chosen, step_weights, step_shares) in enumerate(steps):
        ids[rows, step] = chosen
        if weights is not None:
            weights[rows, step] = step_weights.float()
        if shares is not None:
            shares[rows, step] = step_shares
    ids_cpu = ids.cpu()
    lengths = (ids_cpu != eos_id).long().cumprod(dim=1).sum(dim=1).tolist()
    weights_cpu = weights.cpu() if weights is not None else None
    shares_cpu = shares.cpu() if shares is not None else None
    src_lengths_list = src_lengths.tolist()
    scores_list = scores.tolist()
    hypotheses = []
    for row in range(batch):
        n = lengths[row]
        # Row n is the EOS step (always taken: EOS is forced at the limit).
        attention = (
            weights_cpu[row, : n + 1, : src_lengths_list[row]] if weights_cpu is not None else None
        )
        score = scores_list[row] / penalties.length_penalty(n + 1, length_alpha) + penalties.coverage_penalty(
            attention, coverage_penalty
        )
        hypotheses.append(Hypothesis(
            ids=ids_cpu[row, :n].tolist(), score=score, attention=attention,
            copy_share=None if shares_cpu is None else shares_cpu[row, : n + 1],
        ))
    return hypotheses
