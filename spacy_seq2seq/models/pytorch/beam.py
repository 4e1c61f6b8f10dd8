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

With terms (`terms.py`), candidates are widened and the beam is allocated
over banks (Post and Vilar 2018); a batch without terms takes the plain
path below unchanged.
"""

from dataclasses import dataclass
from typing import Callable, List, NamedTuple, Optional, Tuple

import torch
from torch import Tensor

from ... import penalties
from .decoder_state import DecoderState, Memory
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
from .terms import Terms, TermState, restrict_log_probs, term_ends, widen_candidates


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
    terms: Optional[Terms] = None,
) -> List[List[Hypothesis]]:
    """Keep the `beam_size` best partial outputs per sentence at every step.

    model (RNNAttnSeq2Seq): The network (put it in eval mode first).
    src_ids (Tensor): Source ids, EOS-terminated, padded. Shape: (batch, src_len).
    src_lengths (Tensor): Real lengths. Shape: (batch,).
    constraints (Constraints): Length limits and n-gram blocking per sentence.
    beam_size (int): Hypotheses kept per sentence (K).
    length_alpha (float): GNMT length penalty exponent (0 = none).
    n_best (int): Hypotheses returned per sentence, 1 to beam_size (the one
        check of that rule is SearchSettings', models/types.py).
    coverage_penalty (float): GNMT coverage penalty weight, added to the score
        of each finished hypothesis (0 = none). The penalty is never
        positive, so the stopping bound for unfinished ones stays valid.
    terms (Optional[Terms]): Target phrases each sentence must or must not
        output (see `terms.py`); None for none.
    RETURNS (List[List[Hypothesis]]): Per sentence, in input order, the
        n_best best hypotheses, best first.
    """
    with invariant_kernels():
        return _beam_search(
            model, src_ids, src_lengths, constraints.to(src_ids.device), beam_size, length_alpha,
            n_best, coverage_penalty, None if terms is None else terms.to(src_ids.device),
        )


@dataclass
class _Beams:
    """The sentences still searching, K rows each (sentence-major: rows
    s*K .. s*K+K-1 are live sentence s's hypotheses).

    live (Tensor): The input index of each live sentence. Shape: (n_live,).
    scores (Tensor): Sum of the log-probabilities of each row's output so
        far. Shape: (n_live, K).
    previous (Tensor): Each row's last output piece (BOS at first). Shape: (rows,).
    history (Tensor): Each row's output so far. Shape: (rows, step).
    memory (Memory), state (DecoderState): The decoder's, per row.
    attention (Optional[Tensor]): Each row's attention so far, with
        attention. Shape: (rows, step, src_len).
    shares (Optional[Tensor]): Each row's copy shares so far, with copy
        attention. Shape: (rows, step).
    term_state (Optional[TermState]): Each row's progress on its terms,
        with terms.
    """

    live: Tensor
    scores: Tensor
    previous: Tensor
    history: Tensor
    memory: Memory
    state: DecoderState
    attention: Optional[Tensor] = None
    shares: Optional[Tensor] = None
    term_state: Optional[TermState] = None


class _Candidates(NamedTuple):
    """One decoder step over every live row, and the 2K best continuations
    of each live sentence, best first.

    scores (Tensor): Output score so far plus the piece's log-probability.
        Shape: (n_live, 2K).
    tokens (Tensor): The piece of each candidate. Shape: (n_live, 2K).
    rows (Tensor): The row (sentence-major, as in `_Beams`) each candidate
        extends. Shape: (n_live, 2K).
    is_eos (Tensor): Whether the candidate ends its output. Shape: (n_live, 2K).
    shares (Optional[Tensor]): Each candidate piece's copy share, with copy
        attention. Shape: (n_live, 2K).
    weights (Optional[Tensor]): This step's attention per row (float32).
        Shape: (rows, src_len).
    state (DecoderState): The decoder state after this step, per row.
    bank_ranks, going_on_order, term_states: With terms, as
        `terms.Widened` (the candidates then number more than 2K).
    """

    scores: Tensor
    tokens: Tensor
    rows: Tensor
    is_eos: Tensor
    shares: Optional[Tensor]
    weights: Optional[Tensor]
    state: DecoderState
    bank_ranks: Optional[Tensor] = None
    going_on_order: Optional[Tensor] = None
    term_states: Optional[TermState] = None


class _Chosen(NamedTuple):
    """The K candidates of each live sentence that go on. Shapes: (n_live, K).

    rows (Tensor): The row each extends. tokens (Tensor): Its new piece.
    scores (Tensor): Its score. shares (Optional[Tensor]): Its copy share.
    term_states (Optional[TermState]): Its term state (n_live * K rows).
    """

    rows: Tensor
    tokens: Tensor
    scores: Tensor
    shares: Optional[Tensor]
    term_states: Optional[TermState] = None


def _beam_search(
    model: RNNAttnSeq2Seq, src_ids: Tensor, src_lengths: Tensor, constraints: Constraints,
    beam_size: int, length_alpha: float, n_best: int, coverage_penalty: float, terms: Optional[Terms],
) -> List[List[Hypothesis]]:
    """The search loop, one output piece per step: expand every live row,
    retire the candidates that end, stop the sentences that are done, and
    go on with each other sentence's K best candidates. `constraints` are
    already on the device (`beam_search` copies them once per search)."""
    K = beam_size
    beams = _start(model, src_ids, src_lengths, K)
    if terms is not None and terms.has_positive:
        # Only positive terms need tracking: negative ones are blocked by
        # looking at each row's history.
        beams.term_state = TermState.start(beams.previous.shape[0], terms.lengths.shape[1], src_ids.device)
    banned = banned_ids(model, src_ids.device)
    finished: List[List[Tuple[float, int, Hypothesis]]] = [[] for _ in range(src_ids.shape[0])]
    max_lengths = constraints.max_lengths.tolist()
    for step in range(max(max_lengths) + 1):
        candidates = _expand(model, beams, step, constraints, banned, K, terms)
        _retire_finished(
            finished, candidates, beams, src_lengths, step, K, length_alpha, coverage_penalty, terms,
        )
        done = _done_sentences(finished, candidates, beams.live, step, max_lengths, length_alpha, n_best)
        if all(done):
            break
        chosen, live, kept = _leave(_choose_going_on(candidates, K), beams.live, done)
        beams = _extend(beams, candidates, chosen, live, kept, K)
    return [_best(hypotheses, n_best) for hypotheses in finished]


def _start(model: RNNAttnSeq2Seq, src_ids: Tensor, src_lengths: Tensor, K: int) -> _Beams:
    """Encode once, then give each sentence K identical rows. Only the first
    may expand (the others score -inf), or the first step would fill the
    beam with K copies of the same continuation."""
    device = src_ids.device
    batch = src_ids.shape[0]
    memory, state = encode(model, src_ids, src_lengths)
    rows = torch.arange(batch, device=device).repeat_interleave(K)
    scores = torch.full((batch, K), float("-inf"), device=device)
    scores[:, 0] = 0.0
    return _Beams(
        live=torch.arange(batch, device=device),
        scores=scores,
        previous=torch.full((batch * K,), model.config.bos_id, dtype=torch.long, device=device),
        history=torch.empty((batch * K, 0), dtype=torch.long, device=device),
        memory=memory.index_select(rows),
        state=state.index_select(rows),
    )


def _expand(
    model: RNNAttnSeq2Seq, beams: _Beams, step: int, constraints: Constraints, banned: Tensor, K: int,
    terms: Optional[Terms] = None,
) -> _Candidates:
    """One decoder step for every live row, then each sentence's 2K best
    continuations over all its rows: 2K, so that K remain to go on even if
    K of them end with EOS (as in fairseq). Opens the attention and copy
    share records of `beams` at the first step, where it shows whether the
    model has them."""
    logits, weights, gate, state = decode_step(model, beams.previous, beams.memory, beams.state)
    if weights is not None:
        weights = weights.float()
        if beams.attention is None:
            beams.attention = weights.new_zeros(weights.shape[0], 0, beams.memory.src_ids.shape[1])
    if gate is not None and beams.shares is None:
        beams.shares = logits.new_zeros(logits.shape[0], 0, dtype=torch.float32)
    sentences = beams.live.repeat_interleave(K)
    log_probs = step_log_probs(
        logits, step=step, rows=sentences, history=beams.history,
        constraints=constraints, banned=banned, eos_id=model.config.eos_id,
    )
    row_terms = None
    if terms is not None:
        row_terms = terms.select(sentences)
        restrict_log_probs(
            log_probs, row_terms, beams.term_state, history=beams.history,
            at_limit=constraints.max_lengths.index_select(0, sentences) <= step, eos_id=model.config.eos_id,
        )
    n_live, vocab = beams.live.shape[0], log_probs.shape[1]
    candidates = (beams.scores.view(-1, 1) + log_probs).view(n_live, K * vocab)
    top_scores, top_index = candidates.topk(min(2 * K, K * vocab), dim=1)
    top_beams = torch.div(top_index, vocab, rounding_mode="floor")
    top_tokens = top_index % vocab
    # Candidate rows (sentence-major) that each candidate extends.
    sentence_offsets = torch.arange(n_live, device=log_probs.device).unsqueeze(1) * K
    source_rows = sentence_offsets + top_beams
    widened = None
    if row_terms is not None and beams.term_state is not None:
        widened = widen_candidates(
            top_scores=top_scores, top_tokens=top_tokens, top_rows=source_rows, row_scores=beams.scores,
            log_probs=log_probs, terms=row_terms, state=beams.term_state, step=step,
            eos_id=model.config.eos_id,
        )
        top_scores, top_tokens, source_rows = widened.scores, widened.tokens, widened.rows
    top_shares = None
    if gate is not None and weights is not None:
        # Per candidate: rows are (sentence, rank); look up its beam row.
        flat_rows = source_rows.reshape(-1)
        top_shares = copy_shares(
            logits.index_select(0, flat_rows), weights.index_select(0, flat_rows),
            gate.index_select(0, flat_rows), beams.memory.src_ids.index_select(0, flat_rows),
            top_tokens.reshape(-1, 1),
        ).view_as(top_scores)
    return _Candidates(
        scores=top_scores, tokens=top_tokens, rows=source_rows, is_eos=top_tokens == model.config.eos_id,
        shares=top_shares, weights=weights, state=state,
        bank_ranks=None if widened is None else widened.bank_ranks,
        going_on_order=None if widened is None else widened.going_on_order,
        term_states=None if widened is None else widened.states,
    )


def _retire_finished(
    finished: List[List[Tuple[float, int, Hypothesis]]], candidates: _Candidates, beams: _Beams,
    src_lengths: Tensor, step: int, K: int, length_alpha: float, coverage_penalty: float,
    terms: Optional[Terms] = None,
) -> None:
    """Candidates among the K best that end with EOS become finished
    hypotheses. Only the K best: a finish ranked below them would not have
    been kept by a beam of K either. -inf candidates are forbidden ones
    (constraints), never outputs. With terms, the K best of their bank
    (all terms met, or at the length limit any bank: EOS is allowed
    nowhere else)."""
    if candidates.bank_ranks is None:
        ranks = torch.arange(candidates.scores.shape[1], device=candidates.scores.device)
    else:
        ranks = candidates.bank_ranks
    to_finish = candidates.is_eos & (ranks < K) & torch.isfinite(candidates.scores)
    _finish(
        finished, to_finish, candidates.scores, candidates.rows, beams.live, beams.history,
        beams.attention, candidates.weights, src_lengths, step, length_alpha, coverage_penalty,
        beams.shares, candidates.shares, lambda: _term_records(terms, beams),
    )


def _term_records(terms: Optional[Terms], beams: _Beams) -> Optional[Tuple[List[int], List[List[int]]]]:
    """Per row: how many positive terms it misses, and where each of its
    terms ends (None without terms). Read once per step, on the host."""
    if terms is None or beams.term_state is None:
        return None
    K = beams.previous.shape[0] // beams.live.shape[0]
    lengths = terms.lengths.index_select(0, beams.live.repeat_interleave(K))
    return beams.term_state.unmet(lengths).tolist(), term_ends(lengths, beams.term_state)


def _done_sentences(
    finished: List[List[Tuple[float, int, Hypothesis]]], candidates: _Candidates, live: Tensor,
    step: int, max_lengths: List[int], length_alpha: float, n_best: int,
) -> List[bool]:
    """Per live sentence, whether its search is over: it reached its length
    limit, nothing can go on, or its n_best finished hypotheses all beat
    the best one that goes on as if it ended now (see the module docstring
    for why this bound, not a count of finished hypotheses)."""
    best_going_on = torch.where(candidates.is_eos, float("-inf"), candidates.scores).max(dim=1).values
    bounds = (best_going_on / penalties.length_penalty(step + 1, length_alpha)).tolist()
    return [
        step >= max_lengths[sentence]
        or bound == float("-inf")
        or _beats(finished[sentence], n_best, bound)
        for sentence, bound in zip(live.tolist(), bounds)
    ]


def _choose_going_on(candidates: _Candidates, K: int) -> _Chosen:
    """The K best candidates of each sentence that do not end: EOS
    candidates are moved behind all others, the rest keep their rank order.
    With terms, the first K of the round-robin over banks."""
    n_candidates = candidates.scores.shape[1]
    if candidates.going_on_order is None:
        ranks = torch.arange(n_candidates, device=candidates.scores.device)
        order_key = torch.where(candidates.is_eos, ranks + n_candidates, ranks)
        going_on = order_key.argsort(dim=1)[:, :K]
    else:
        going_on = candidates.going_on_order[:, :K]
    term_states = None
    if candidates.term_states is not None:
        offsets = torch.arange(going_on.shape[0], device=going_on.device).unsqueeze(1) * n_candidates
        term_states = candidates.term_states.index_select((offsets + going_on).reshape(-1))
    return _Chosen(
        rows=candidates.rows.gather(1, going_on),
        tokens=candidates.tokens.gather(1, going_on),
        scores=candidates.scores.gather(1, going_on),
        shares=None if candidates.shares is None else candidates.shares.gather(1, going_on),
        term_states=term_states,
    )


def _leave(chosen: _Chosen, live: Tensor, done: List[bool]) -> Tuple[_Chosen, Tensor, Optional[Tensor]]:
    """Sentences that are done leave the batch, so later steps cost nothing
    for them and a sentence's result does not depend on its batch.
    RETURNS: the chosen candidates and the live sentences that stay, and the
    index of those that stay among the live ones (None when all stay). The
    index is built on the host and copied to the device only when some
    sentence leaves: on a GPU every such copy waits for the device."""
    if not any(done):
        return chosen, live, None
    kept = torch.tensor([not d for d in done], device=live.device).nonzero().squeeze(1)
    term_states = chosen.term_states
    if term_states is not None:
        K = chosen.rows.shape[1]
        term_states = term_states.index_select(
            (kept.unsqueeze(1) * K + torch.arange(K, device=kept.device)).reshape(-1)
        )
    chosen = _Chosen(
        rows=chosen.rows.index_select(0, kept), tokens=chosen.tokens.index_select(0, kept),
        scores=chosen.scores.index_select(0, kept),
        shares=None if chosen.shares is None else chosen.shares.index_select(0, kept),
        term_states=term_states,
    )
    return chosen, live.index_select(0, kept), kept


def _extend(
    beams: _Beams, candidates: _Candidates, chosen: _Chosen, live: Tensor, kept: Optional[Tensor], K: int,
) -> _Beams:
    """The rows of the next step: each chosen candidate's row, its history,
    attention and copy shares grown by this step, and its decoder state.
    The memory is the same for a sentence's K rows, so it is reselected only
    when sentences leave (`kept`), not at every step."""
    rows = chosen.rows.reshape(-1)
    previous = chosen.tokens.reshape(-1)
    history = torch.cat([beams.history.index_select(0, rows), previous.unsqueeze(1)], dim=1)
    attention = beams.attention
    if attention is not None and candidates.weights is not None:
        attention = torch.cat(
            [attention.index_select(0, rows), candidates.weights.index_select(0, rows).unsqueeze(1)],
            dim=1,
        )
    shares = beams.shares
    if shares is not None and chosen.shares is not None:
        shares = torch.cat([shares.index_select(0, rows), chosen.shares.reshape(-1).unsqueeze(1)], dim=1)
    memory = beams.memory
    if kept is not None:
        # Sentences that leave take their K rows with them.
        memory_rows = (kept.unsqueeze(1) * K + torch.arange(K, device=kept.device)).reshape(-1)
        memory = memory.index_select(memory_rows)
    return _Beams(
        live=live, scores=chosen.scores, previous=previous, history=history, memory=memory,
        state=candidates.state.index_select(rows), attention=attention, shares=shares,
        term_state=chosen.term_states,
    )


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
    term_records: Optional[Callable[[], Optional[Tuple[List[int], List[List[int]]]]]] = None,
) -> None:
    """Store the candidates that end with EOS as finished hypotheses, with
    the attention (and copy shares) of their history plus this (the EOS)
    step, and with terms, what their row met (`_term_records`)."""
    positions = to_finish.nonzero().tolist()
    if not positions:
        return
    penalty = penalties.length_penalty(step + 1, length_alpha)
    live_list = live.tolist()
    records = None if term_records is None else term_records()
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
        if records is not None:
            # A sentence without positive terms reads as without the feature.
            hypothesis.unmet_terms, hypothesis.term_ends = records[0][row], records[1][row] or None
        # The count breaks ties: earlier (higher-ranked) finishes first.
        finished[sentence].append((score, len(finished[sentence]), hypothesis))


def _beats(hypotheses: List[Tuple[float, int, Hypothesis]], n_best: int, bound: float) -> bool:
    """Whether n_best finished hypotheses all score at least `bound`."""
    if len(hypotheses) < n_best:
        return False
    return sorted(score for score, _, _ in hypotheses)[-n_best] >= bound


def _best(hypotheses: List[Tuple[float, int, Hypothesis]], n_best: int) -> List[Hypothesis]:
    # Fewest missed terms first: only outputs cut by the length limit miss any.
    ranked = sorted(hypotheses, key=lambda item: (item[2].unmet_terms, -item[0], item[1]))
    if not ranked:
        # Only if every continuation was forbidden from the start (n-gram
        # blocking with a tiny vocabulary): an empty output, scored -inf.
        return [Hypothesis(ids=[], score=float("-inf"), attention=None)]
    return [hypothesis for _, _, hypothesis in ranked[:n_best]]
