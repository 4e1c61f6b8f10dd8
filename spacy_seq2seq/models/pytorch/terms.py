"""Lexically constrained beam search: terms that must or must not appear.

Positive terms (target phrases, as piece ids, that the output must contain)
are met by dynamic beam allocation (Post and Vilar 2018), vectorized over
the batch as in Hu et al. 2019: every row carries a small tracking state
as tensors (which phrases it has met, which phrase it is inside and how
far), and at every step each sentence's candidates are

- the 2K best continuations over all its rows (as without terms),
- the best continuation of each row, and
- for each row, the next piece of every phrase it can take next (the next
  piece of the phrase it is inside, or else the first piece of each phrase
  it has not met),

and the K that go on are dealt round-robin over banks, a bank being the
candidates that have met the same number of term pieces: the best of each
bank first (banks with more pieces met before the others), then the second
best of each, and so on. So hypotheses that have started to place their
terms are not crowded out by cheaper ones that have not. An output may end
only once it has met every phrase, except at its length limit, where it
must end and the phrases it missed are counted (`Hypothesis.unmet_terms`).

Negative terms (phrases that must not appear) are blocked: a row whose last
pieces equal all but the last piece of such a phrase cannot take its last.

A sentence without terms in a batch with terms gets exactly what it gets
without: its extra candidates are all invalid, it has one bank, and the
round-robin order is then the plain rank order. A batch without any terms
never comes here (`beam.py` keeps its plain path), so terms cost nothing
where they are not used.
"""

from dataclasses import dataclass
from typing import List, Optional, Sequence

import torch
from torch import Tensor

NO_PHRASE = -1


@dataclass(frozen=True)
class Terms:
    """The terms of each sentence of a batch, padded into tensors.

    phrases (Tensor): Positive phrases as piece ids, padded with 0.
        Shape: (batch, n_phrases, phrase_length).
    lengths (Tensor): Pieces of each phrase; 0 marks padding.
        Shape: (batch, n_phrases).
    avoid (Tensor): Negative phrases, padded with 0. Shape: (batch, n_avoid,
        avoid_length).
    avoid_lengths (Tensor): Pieces of each negative phrase; 0 marks padding.
        Shape: (batch, n_avoid).
    glued (Optional[Tensor]): Piece ids that continue the word before them
        (no word boundary): none may follow a completed phrase, so "Macron"
        cannot come out as "Macronsss". None: no such check. Shape: (n,).
    """

    phrases: Tensor
    lengths: Tensor
    avoid: Tensor
    avoid_lengths: Tensor
    glued: Optional[Tensor] = None

    @property
    def has_positive(self) -> bool:
        """Whether any sentence has a positive phrase (else no tracking,
        no widening: only blocking)."""
        return bool((self.lengths > 0).any())

    @classmethod
    def from_lists(
        cls,
        positive: Sequence[Sequence[Sequence[int]]],
        negative: Sequence[Sequence[Sequence[int]]],
        device: Optional[torch.device] = None,
        glued: Sequence[int] = (),
    ) -> Optional["Terms"]:
        """Per sentence, its positive and negative phrases (lists of piece
        ids; empty phrases are not allowed). None when no sentence has any,
        so that such a batch takes the plain search.

        positive, negative (Sequence[Sequence[Sequence[int]]]): One list of
            phrases per sentence, in batch order.
        glued (Sequence[int]): Piece ids that continue a word (see `glued`).
        """
        if len(positive) != len(negative):
            raise ValueError("positive and negative need one entry per sentence each")
        if not any(positive) and not any(negative):
            return None
        phrases, lengths = _padded(positive, device)
        avoid, avoid_lengths = _padded(negative, device)
        glued_ids = torch.tensor(list(glued), dtype=torch.long, device=device) if glued else None
        return cls(phrases=phrases, lengths=lengths, avoid=avoid, avoid_lengths=avoid_lengths, glued=glued_ids)

    def to(self, device: torch.device) -> "Terms":
        return Terms(
            phrases=self.phrases.to(device), lengths=self.lengths.to(device),
            avoid=self.avoid.to(device), avoid_lengths=self.avoid_lengths.to(device),
            glued=None if self.glued is None else self.glued.to(device),
        )

    def select(self, sentences: Tensor) -> "Terms":
        """The terms of these sentences (batch indices), in that order."""
        return Terms(
            phrases=self.phrases.index_select(0, sentences), lengths=self.lengths.index_select(0, sentences),
            avoid=self.avoid.index_select(0, sentences),
            avoid_lengths=self.avoid_lengths.index_select(0, sentences), glued=self.glued,
        )

    @property
    def total_pieces(self) -> Tensor:
        """Positive term pieces per sentence (its number of banks minus 1).
        Shape: (batch,)."""
        return self.lengths.sum(dim=1)


def _padded(phrases_per_sentence: Sequence[Sequence[Sequence[int]]], device) -> tuple:
    n_phrases = max([len(phrases) for phrases in phrases_per_sentence] + [1])
    width = max([len(phrase) for phrases in phrases_per_sentence for phrase in phrases] + [1])
    ids = torch.zeros((len(phrases_per_sentence), n_phrases, width), dtype=torch.long)
    lengths = torch.zeros((len(phrases_per_sentence), n_phrases), dtype=torch.long)
    for s, phrases in enumerate(phrases_per_sentence):
        for p, phrase in enumerate(phrases):
            if not phrase:
                raise ValueError(f"sentence {s}: term {p} has no pieces")
            ids[s, p, : len(phrase)] = torch.tensor(list(phrase), dtype=torch.long)
            lengths[s, p] = len(phrase)
    return ids.to(device), lengths.to(device)


@dataclass(frozen=True)
class TermState:
    """Each row's progress on its sentence's positive phrases.

    met (Tensor): Phrases fully output. Shape: (rows, n_phrases), bool.
    current (Tensor): The phrase the row is inside (NO_PHRASE if none).
        Shape: (rows,).
    progress (Tensor): Pieces of `current` output so far (0 if none).
        Shape: (rows,).
    ends (Tensor): Per phrase, the output position of its last piece
        (-1 while not met). Shape: (rows, n_phrases).
    """

    met: Tensor
    current: Tensor
    progress: Tensor
    ends: Tensor

    @classmethod
    def start(cls, n_rows: int, n_phrases: int, device: torch.device) -> "TermState":
        return cls(
            met=torch.zeros((n_rows, n_phrases), dtype=torch.bool, device=device),
            current=torch.full((n_rows,), NO_PHRASE, dtype=torch.long, device=device),
            progress=torch.zeros((n_rows,), dtype=torch.long, device=device),
            ends=torch.full((n_rows, n_phrases), -1, dtype=torch.long, device=device),
        )

    def index_select(self, rows: Tensor) -> "TermState":
        return TermState(
            met=self.met.index_select(0, rows), current=self.current.index_select(0, rows),
            progress=self.progress.index_select(0, rows), ends=self.ends.index_select(0, rows),
        )

    def pieces_met(self, lengths: Tensor) -> Tensor:
        """Term pieces output so far per row (its bank). lengths: (rows, n_phrases)."""
        return (lengths * self.met).sum(dim=1) + self.progress

    def unmet(self, lengths: Tensor) -> Tensor:
        """Positive phrases not (yet) output per row. Shape: (rows,)."""
        return ((lengths > 0) & ~self.met).sum(dim=1)


def restrict_log_probs(
    log_probs: Tensor, terms: Terms, state: Optional[TermState], *, history: Tensor, at_limit: Tensor,
    eos_id: int,
) -> None:
    """In place: no row ends before it met all its phrases (unless it is at
    its length limit, where it must end), no row glues a piece onto a
    phrase it has just completed, and no row completes a negative phrase.

    log_probs (Tensor): Shape: (rows, vocab). terms (Terms): Per row (already
        selected by each row's sentence). history (Tensor): Output so far.
        Shape: (rows, step). at_limit (Tensor): Rows at their length limit.
        Shape: (rows,), bool. state (Optional[TermState]): None when no
        sentence has positive terms.
    """
    if state is not None:
        unfinished = (state.unmet(terms.lengths) > 0) & ~at_limit
        log_probs[:, eos_id].masked_fill_(unfinished, float("-inf"))
        if terms.glued is not None and history.shape[1] > 0:
            just_met = (state.ends == history.shape[1] - 1).any(dim=1).nonzero().squeeze(1)
            if just_met.numel():
                log_probs[just_met.unsqueeze(1), terms.glued.unsqueeze(0)] = float("-inf")
    _block_avoided(log_probs, terms, history)


def _block_avoided(log_probs: Tensor, terms: Terms, history: Tensor) -> None:
    """-inf on the last piece of every negative phrase whose other pieces
    are the row's newest output pieces."""
    step = history.shape[1]
    for n in range(1, terms.avoid.shape[2] + 1):
        if n - 1 > step:
            break
        hit = terms.avoid_lengths == n  # (rows, n_avoid)
        if n > 1:
            newest = history[:, step - (n - 1):].unsqueeze(1)  # (rows, 1, n - 1)
            hit = hit & (terms.avoid[:, :, : n - 1] == newest).all(dim=-1)
        rows, phrases = hit.nonzero(as_tuple=True)
        if rows.numel():
            log_probs[rows, terms.avoid[rows, phrases, n - 1]] = float("-inf")


def next_pieces(terms: Terms, state: TermState) -> tuple:
    """The piece of each phrase that each row may take next: inside a
    phrase, only its next piece (in that phrase's column); else the first
    piece of every phrase not met.

    terms (Terms): Per row. RETURNS (Tuple[Tensor, Tensor]): piece ids and
        whether each is a candidate. Shapes: (rows, n_phrases).
    """
    inside = state.current >= 0
    current = state.current.clamp(min=0)
    rows = torch.arange(current.shape[0], device=current.device)
    following = terms.phrases[rows, current, state.progress.clamp(max=terms.phrases.shape[2] - 1)]
    own_column = torch.nn.functional.one_hot(current, terms.phrases.shape[1]).bool() & inside.unsqueeze(1)
    starts = ~state.met & (terms.lengths > 0) & ~inside.unsqueeze(1)
    pieces = torch.where(own_column, following.unsqueeze(1), terms.phrases[:, :, 0])
    return pieces, starts | own_column


def advance(terms: Terms, state: TermState, tokens: Tensor, step: int) -> TermState:
    """The state after each row outputs `tokens` at position `step`.

    terms (Terms), state (TermState): Per row. tokens (Tensor): Shape: (rows,).
    A row inside a phrase moves on if the piece is the phrase's next one;
    otherwise it leaves the phrase (Post and Vilar's unwinding) and, if the
    piece starts a phrase it has not met, enters that phrase (the first
    such one).
    """
    rows = torch.arange(tokens.shape[0], device=tokens.device)
    inside = state.current >= 0
    current = state.current.clamp(min=0)
    width = terms.phrases.shape[2]
    expected = terms.phrases[rows, current, state.progress.clamp(max=width - 1)]
    goes_on = inside & (tokens == expected)
    goes_on_length = terms.lengths[rows, current]
    completes = goes_on & (state.progress + 1 == goes_on_length)
    can_start = (
        ~goes_on.unsqueeze(1) & ~state.met & (terms.lengths > 0)
        & (terms.phrases[:, :, 0] == tokens.unsqueeze(1))
    )
    starts = can_start.any(dim=1)
    started = can_start.long().argmax(dim=1)  # the first such phrase
    started_whole = starts & (terms.lengths[rows, started] == 1)
    stays_inside = goes_on & ~completes
    enters = starts & ~started_whole
    new_current = torch.where(
        stays_inside, state.current, torch.where(enters, started, torch.full_like(started, NO_PHRASE))
    )
    new_progress = torch.where(
        stays_inside, state.progress + 1, enters.long()
    )
    finished = torch.where(completes, current, torch.where(started_whole, started, torch.full_like(started, -1)))
    just_met = (
        torch.nn.functional.one_hot(finished.clamp(min=0), terms.phrases.shape[1]).bool()
        & (finished >= 0).unsqueeze(1)
    )
    return TermState(
        met=state.met | just_met, current=new_current, progress=new_progress,
        ends=torch.where(just_met, torch.full_like(state.ends, step), state.ends),
    )


@dataclass(frozen=True)
class Widened:
    """A step's candidates with terms, per live sentence, best score first.
    Shapes: (n_live, n_candidates).

    scores, tokens, rows, is_eos (Tensor): As `beam._Candidates`; invalid
        candidates (duplicates, forbidden pieces, sentences without terms'
        extra columns) score -inf.
    bank_ranks (Tensor): Rank of each valid candidate among the valid ones
        of its bank (EOS included); what retires a finished hypothesis.
    going_on_order (Tensor): Column order in which candidates go on: the
        round-robin over banks of the non-EOS ones, then the rest.
    states (TermState): The term state after each candidate, flattened
        (n_live * n_candidates rows).
    """

    scores: Tensor
    tokens: Tensor
    rows: Tensor
    is_eos: Tensor
    bank_ranks: Tensor
    going_on_order: Tensor
    states: TermState


def widen_candidates(
    *,
    top_scores: Tensor,
    top_tokens: Tensor,
    top_rows: Tensor,
    row_scores: Tensor,
    log_probs: Tensor,
    terms: Terms,
    state: TermState,
    step: int,
    eos_id: int,
) -> Widened:
    """Add each row's best piece and its phrases' next pieces to the 2K
    best candidates of each sentence, and order them for beam allocation.

    top_scores, top_tokens, top_rows (Tensor): The 2K best candidates per
        live sentence, best first. Shape: (n_live, 2K).
    row_scores (Tensor): Each row's score so far. Shape: (n_live, K).
    log_probs (Tensor): This step's, restricted. Shape: (rows, vocab).
    terms, state: Per row (rows = n_live * K, sentence-major).
    """
    n_live, K = row_scores.shape
    vocab = log_probs.shape[1]
    device = log_probs.device
    has_terms = (terms.lengths > 0).any(dim=1)  # per row
    forced, forced_valid = next_pieces(terms, state)
    extra_tokens = torch.cat([log_probs.argmax(dim=1, keepdim=True), forced], dim=1)  # (rows, 1 + P)
    extra_valid = torch.cat([has_terms.unsqueeze(1), forced_valid & has_terms.unsqueeze(1)], dim=1)
    extra_scores = row_scores.reshape(-1, 1) + log_probs.gather(1, extra_tokens)
    extra_scores = extra_scores.masked_fill(~extra_valid, float("-inf"))
    n_extra = extra_tokens.shape[1]
    extra_rows = torch.arange(n_live * K, device=device).unsqueeze(1).expand(-1, n_extra)
    scores = torch.cat([top_scores, extra_scores.reshape(n_live, K * n_extra)], dim=1)
    tokens = torch.cat([top_tokens, extra_tokens.reshape(n_live, K * n_extra)], dim=1)
    rows = torch.cat([top_rows, extra_rows.reshape(n_live, K * n_extra)], dim=1)
    scores = scores.masked_fill(_repeats(rows * vocab + tokens, torch.isfinite(scores)), float("-inf"))
    # Best first; stable, so a sentence without terms keeps its 2K in rank order.
    order = scores.argsort(dim=1, descending=True, stable=True)
    scores, tokens, rows = scores.gather(1, order), tokens.gather(1, order), rows.gather(1, order)
    flat_rows, flat_tokens = rows.reshape(-1), tokens.reshape(-1)
    states = advance(terms.select(flat_rows), state.index_select(flat_rows), flat_tokens, step)
    sentence_terms = terms.lengths.index_select(0, flat_rows)
    banks = (sentence_terms.sum(dim=1) - states.pieces_met(sentence_terms)).view(n_live, -1)
    is_eos = tokens == eos_id
    valid = torch.isfinite(scores)
    return Widened(
        scores=scores, tokens=tokens, rows=rows, is_eos=is_eos,
        bank_ranks=_ranks_in_bank(banks, valid),
        going_on_order=_round_robin(banks, valid & ~is_eos, is_eos),
        states=states,
    )


def _repeats(keys: Tensor, valid: Tensor) -> Tensor:
    """Whether an earlier valid column of the same sentence has the same
    key (an invalid one must not hide a valid copy). keys, valid:
    (n_live, n_candidates)."""
    n = keys.shape[1]
    earlier = torch.ones((n, n), dtype=torch.bool, device=keys.device).tril(diagonal=-1)
    return ((keys.unsqueeze(2) == keys.unsqueeze(1)) & valid.unsqueeze(1) & earlier).any(dim=2)


def _ranks_in_bank(banks: Tensor, valid: Tensor) -> Tensor:
    """Per column, how many valid columns before it (best first) share its
    bank. Shape: (n_live, n_candidates)."""
    n = banks.shape[1]
    earlier = torch.ones((n, n), dtype=torch.bool, device=banks.device).tril(diagonal=-1)
    same = (banks.unsqueeze(2) == banks.unsqueeze(1)) & valid.unsqueeze(1) & earlier
    return same.sum(dim=2)


def _round_robin(banks: Tensor, going_on: Tensor, is_eos: Tensor) -> Tensor:
    """Columns in the order they go on: valid non-EOS candidates by their
    rank in their bank, banks with more term pieces met (lower `banks`)
    first at equal rank; then the invalid non-EOS ones, then EOS, each in
    column order (as the plain search orders them)."""
    n = banks.shape[1]
    columns = torch.arange(n, device=banks.device).expand_as(banks)
    ranks = _ranks_in_bank(banks, going_on)
    n_banks = int(banks.max()) + 1 if banks.numel() else 1
    big = (n + 1) * (n_banks + 1)  # above every valid key
    key = torch.where(
        going_on, ranks * n_banks + banks.clamp(min=0),
        torch.where(is_eos, 2 * big + columns, big + columns),
    )
    return key.argsort(dim=1, stable=True)


def term_ends(terms_lengths: Tensor, state: TermState) -> List[List[int]]:
    """Per row, per real phrase, the output position of its last piece (-1
    if not met). terms_lengths: (rows, n_phrases)."""
    ends = state.ends.tolist()
    counts = (terms_lengths > 0).sum(dim=1).tolist()
    return [row[:count] for row, count in zip(ends, counts)]
