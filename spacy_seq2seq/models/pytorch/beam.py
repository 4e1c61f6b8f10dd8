"""Decoding, part 2: batched beam search that keeps attention.

All sentences of a batch search together: each holds `beam_size` rows, one
decoder step serves every row, and a sentence leaves the batch as soon as it
is done, so its result does not depend on the other sentences.

Per step and sentence (as in fairseq): the 2K best continuations are taken;
those that end with EOS among the K best become finished hypotheses, and the
K best that do not end go on. Finished hypotheses are ranked by
log-probability / GNMT length penalty ((5 + length) / 6) ** alpha (Wu et al.
2016), length counting EOS.

A sentence is done when it reaches its length limit, or when its n_best
best finished hypotheses all score at least as well as the best hypothesis
that goes on would if it ended now. Log-probabilities only fall as outputs
grow, so without a length penalty nothing that goes on could still win
(with one, this is the usual heuristic). Stopping after K finished
hypotheses instead (fairseq) can end a search before its best hypothesis
finishes: poor early EOS candidates fill the K slots while the good output
is still growing; the toy model in the tests did exactly that.

Unlike peers that drop attention in beam search (JoeyNMT returns none), each
row carries the attention of its own history, reordered with the beam, so
every n-best hypothesis comes back with its own attention.
"""

from typing import List, Optional, Tuple

import torch
from torch import Tensor

from ... import penalties
from .invariance import invariant_kernels
from .search import (
    Constraints,
    Hypothesis,
    banned_ids,
    copy_shares,
    decode_step,
    encode,
    step_log_probs,
)
from .seq2seq import RNNAttnSeq2Seq


@torch.no_grad()
def beam_search(
    model: RNNAttnSeq2Seq,
    src_ids: Tensor,
    src_lengths: Tensor,
    *,
    constraints: Constraints,
    beam_size: int,
    length_alpha: float = 0.0,
    n_best: int = 1,
    coverage_penalty: float = 0.0,
) -> List[List[Hypothesis]]:
    """Keep the `beam_size` best partial outputs per sentence at every step.

    model (RNNAttnSeq2Seq): The network (put it in eval mode first).
    src_ids (Tensor): Source ids, EOS-terminated, padded. Shape: (batch, src_len).
    src_lengths (Tensor): Real lengths. Shape: (batch,).
    constraints (Constraints): Length limits and n-gram blocking per sentence.
    beam_size (int): Hypotheses kept per sentence (K).
    length_alpha (float): GNMT length penalty exponent (0 = none).
    n_best (int): Hypotheses returned per sentence (<= beam_size).
    coverage_penalty (float): GNMT coverage penalty weight, added to the score
        of each finished hypothesis (0 = none). The penalty is never
        positive, so the stopping bound for unfinished ones stays valid.
    RETURNS (List[List[Hypothesis]]): Per sentence, in input order, the
        n_best best hypotheses, best first.
    """
    if not 1 <= n_best <= beam_size:
        raise ValueError(f"n_best must be between 1 and beam_size ({beam_size}); got {n_best}.")
    with invariant_kernels():
        return _beam_search(
            model, src_ids, src_lengths, constraints.to(src_ids.device), beam_size, length_alpha,
            n_best, coverage_penalty,
        )


def _beam_search(
    model: RNNAttnSeq2Seq, src_ids: Tensor, src_lengths: Tensor, constraints: Constraints,
    beam_size: int, length_alpha: float, n_best: int, coverage_penalty: float,
) -> List[List[Hypothesis]]:
    K = beam_size
    eos_id = model.config.eos_id
    device = src_ids.device
    batch, src_len = src_ids.shape
    memory, state = encode(model, src_ids, src_lengths)
    rows = torch.arange(batch, device=device).repeat_interleave(K)
    memory, state = memory.index_select(rows), state.index_select(rows)
    live = torch.arange(batch, device=device)  # original sentence of each live sentence
    # Only the first of a sentence's K identical start rows may expand.
    scores = torch.full((batch, K), float("-inf"), device=device)
    scores[:, 0] = 0.0
    previous = torch.full((batch * K,), model.config.bos_id, dtype=torch.long, device=device)
    history = torch.empty((batch * K, 0), dtype=torch.long, device=device)
    attention: Optional[Tensor] = None  # (rows, steps, src_len) once known
    shares: Optional[Tensor] = None  # (rows, steps) copy shares, with copy attention
    banned = banned_ids(model, device)
    finished: List[List[Tuple[float, int, Hypothesis]]] = [[] for _ in range(batch)]
    max_lengths = constraints.max_lengths.tolist()
    for step in range(max(max_lengths) + 1):
        logits, weights, gate, state = decode_step(model, previous, memory, state)
        if weights is not None:
            weights = weights.float()
            attention = weights.new_zeros(weights.shape[0], 0, src_len) if attention is None else attention
        if gate is not None and shares is None:
            shares = logits.new_zeros(logits.shape[0], 0, dtype=torch.float32)
        log_probs = step_log_probs(
            logits, step=step, rows=live.repeat_interleave(K), history=history,
            constraints=constraints, banned=banned, eos_id=eos_id,
        )
        n_live, vocab = live.shape[0], log_probs.shape[1]
        candidates = (scores.view(-1, 1) + log_probs).view(n_live, K * vocab)
        top_scores, top_index = candidates.topk(min(2 * K, K * vocab), dim=1)
        top_beams = torch.div(top_index, vocab, rounding_mode="floor")
        top_tokens = top_index % vocab
        is_eos = top_tokens == eos_id
        # Candidate rows (sentence-major) that each candidate extends.
        sentence_offsets = torch.arange(n_live, device=device).unsqueeze(1) * K
        source_rows = sentence_offsets + top_beams
        top_shares = None
        if gate is not None and weights is not None:
            # Per candidate: rows are (sentence, rank); look up its beam row.
            flat_rows = source_rows.reshape(-1)
            top_shares = copy_shares(
                logits.index_select(0, flat_rows), weights.index_select(0, flat_rows),
                gate.index_select(0, flat_rows), memory.src_ids.index_select(0, flat_rows),
                top_tokens.reshape(-1, 1),
            ).view_as(top_scores)

        ranks = torch.arange(top_scores.shape[1], device=device)
        to_finish = is_eos & (ranks < K) & torch.isfinite(top_scores)
        _finish(
            finished, to_finish, top_scores, source_rows, live, history, attention,
            weights, src_lengths, step, length_alpha, coverage_penalty, shares, top_shares,
        )

        # The best candidate that goes on, as if it ended now.
        best_going_on = torch.where(is_eos, float("-inf"), top_scores).max(dim=1).values
        bounds = (best_going_on / penalties.length_penalty(step + 1, length_alpha)).tolist()
        done = [
            step >= max_lengths[sentence]
            or bound == float("-inf")
            or _beats(finished[sentence], n_best, bound)
            for sentence, bound in zip(live.tolist(), bounds)
        ]
        if all(done):
            break
        # The K best candidates that go on: non-EOS first, in rank order.
        order_key = torch.where(is_eos, ranks + top_scores.shape[1], ranks)
        going_on = order_key.argsort(dim=1)[:, :K]
        chosen_rows = source_rows.gather(1, going_on)
        chosen_tokens = top_tokens.gather(1, going_on)
        scores = top_scores.gather(1, going_on)

        kept = None
        if any(done):  # sentences that are done leave the batch
            kept = torch.tensor([not d for d in done], device=device).nonzero().squeeze(1)
            chosen_rows, chosen_tokens, scores, live, going_on = (
                t.index_select(0, kept) for t in (chosen_rows, chosen_tokens, scores, live, going_on)
            )
            if top_shares is not None:
                top_shares = top_shares.index_select(0, kept)
        chosen_rows = chosen_rows.reshape(-1)
        previous = chosen_tokens.reshape(-1)
        history = torch.cat([history.index_select(0, chosen_rows), previous.unsqueeze(1)], dim=1)
        if attention is not None and weights is not None:
            attention = torch.cat(
                [attention.index_select(0, chosen_rows), weights.index_select(0, chosen_rows).unsqueeze(1)],
                dim=1,
            )
        if shares is not None and top_shares is not None:
            chosen_shares = top_shares.gather(1, going_on).reshape(-1)
            shares = torch.cat([shares.index_select(0, chosen_rows), chosen_shares.unsqueeze(1)], dim=1)
        if kept is not None:
            # Sentences that leave take their K rows with them. The memory
            # is the same for a sentence's K rows: it only changes here.
            memory_rows = (kept.unsqueeze(1) * K + torch.arange(K, device=device)).reshape(-1)
            memory = memory.index_select(memory_rows)
        state = state.index_select(chosen_rows)
    return [_best(hypotheses, n_best) for hypotheses in finished]


def _finish(
    finished: List[List[Tuple[float, int, Hypothesis]]],
    to_finish: Tensor,
    top_scores: Tensor,
    source_rows: Tensor,
    live: Tensor,
    history: Tensor,
    attention: Optional[Tensor],
    weights: Optional[Tensor],
    src_lengths: Tensor,
    step: int,
    length_alpha: float,
    coverage_penalty: float,
    shares: Optional[Tensor] = None,
    top_shares: Optional[Tensor] = None,
) -> None:
    """Store the candidates that end with EOS as finished hypotheses, with
    the attention (and copy shares) of their history plus this (the EOS) step."""
    positions = to_finish.nonzero().tolist()
    if not positions:
        return
    penalty = penalties.length_penalty(step + 1, length_alpha)
    live_list = live.tolist()
    for sentence_index, rank in positions:
        sentence = live_list[sentence_index]
        row = int(source_rows[sentence_index, rank])
        score = float(top_scores[sentence_index, rank]) / penalty
        row_attention = None
        if attention is not None and weights is not None:
            src_length = int(src_lengths[sentence])
            row_attention = torch.cat(
                [attention[row, :, :src_length], weights[row, :src_length].unsqueeze(0)]
            ).cpu()
            score += penalties.coverage_penalty(row_attention, coverage_penalty)
        row_shares = None
        if shares is not None and top_shares is not None:
            row_shares = torch.cat([shares[row], top_shares[sentence_index, rank].view(1)]).cpu()
        hypothesis = Hypothesis(
            ids=history[row].tolist(), score=score, attention=row_attention, copy_share=row_shares,
        )
        # The count breaks ties: earlier (higher-ranked) finishes first.
        finished[sentence].append((score, len(finished[sentence]), hypothesis))


def _beats(hypotheses: List[Tuple[float, int, Hypothesis]], n_best: int, bound: float) -> bool:
    """Whether n_best finished hypotheses all score at least `bound`."""
    if len(hypotheses) < n_best:
        return False
    return sorted(score for score, _, _ in hypotheses)[-n_best] >= bound


def _best(hypotheses: List[Tuple[float, int, Hypothesis]], n_best: int) -> List[Hypothesis]:
    ranked = sorted(hypotheses, key=lambda item: (-item[0], item[1]))
    if not ranked:
        # Only if every continuation was forbidden from the start (n-gram
        # blocking with a tiny vocabulary): an empty output, scored -inf.
        return [Hypothesis(ids=[], score=float("-inf"), attention=None)]
    return [hypothesis for _, _, hypothesis in ranked[:n_best]]
