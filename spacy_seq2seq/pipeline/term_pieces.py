"""Terms as target pieces, per decoded part, and what became of them.

A Doc's terms (`terms/`) are encoded with the target vocabulary and handed
to the part of the Doc whose tokens they translate (a term with no source
span: a positive one to the first part, a negative one to every part).
Terms the search cannot take are skipped and reported (W055), never
dropped silently: an empty target, a target the vocabulary cannot write
(unknown pieces), one longer than the part's output limit, and a phrase
that is both required and forbidden.

After decoding, each applied term gets its outcome: met or not, and the
target words it became, whose alignment is tied to the term's source span.
"""

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..models.types import PieceTerms
from ..terms import Term, TermOutcome
from ..vocab import UNK_ID, PieceVocab
from .source_encoding import EncodedSource

# Why a term was skipped (the `skipped` value in `{field}_terms_used`).
EMPTY = "empty target"
UNKNOWN = "target has characters the target vocabulary cannot write"
TOO_LONG = "target longer than the output length limit"
CONTRADICTED = "the same phrase is both required and forbidden"


@dataclass
class PartTerms:
    """The terms of one decoded part.

    pieces (PieceTerms): What the search takes.
    positive, negative (List[Term]): The terms, in the order of `pieces`.
    """

    pieces: PieceTerms = field(default_factory=PieceTerms)
    positive: List[Term] = field(default_factory=list)
    negative: List[Term] = field(default_factory=list)


def output_limit(n_src_pieces: int, max_output_length: int, max_output_ratio: float) -> int:
    """The most output pieces of a part, as `search.output_length_limits` computes it."""
    return max(1, min(max_output_length, math.ceil(n_src_pieces * max_output_ratio)))


def encode_terms(
    terms: Sequence[Term], parts: Sequence[EncodedSource], tgt_pieces: PieceVocab, limits: Sequence[int]
) -> Tuple[List[PartTerms], List[TermOutcome]]:
    """Each part's terms, and the outcomes of the terms that were skipped.

    terms (Sequence[Term]): The Doc's terms (`terms.find_terms`).
    parts (Sequence[EncodedSource]): The Doc's parts, in order.
    limits (Sequence[int]): Each part's output limit (`output_limit`).
    """
    per_part = [PartTerms() for _ in parts]
    skipped: List[TermOutcome] = []
    if not parts:
        return per_part, [TermOutcome(term, skipped="nothing to translate") for term in terms]
    encoded: Dict[str, List[int]] = {}
    polarity: Dict[str, set] = {}
    for term in terms:
        key = term.target.strip()
        polarity.setdefault(key, set()).add(term.negative)
    positive_pieces = [0] * len(parts)
    for term in terms:
        key = term.target.strip()
        reason = None
        if not key:
            reason = EMPTY
        elif len(polarity[key]) > 1:
            reason = CONTRADICTED
        else:
            ids = encoded.setdefault(key, tgt_pieces.encode_text(key))
            if not ids or UNK_ID in ids:
                reason = UNKNOWN
        if reason is not None:
            skipped.append(TermOutcome(term, skipped=reason))
            continue
        ids = encoded[key]
        if term.negative:
            for index in _parts_of(term, parts, every=True):
                per_part[index].negative.append(term)
            continue
        (index,) = _parts_of(term, parts, every=False)
        if positive_pieces[index] + len(ids) > limits[index]:
            skipped.append(TermOutcome(term, skipped=TOO_LONG))
            continue
        positive_pieces[index] += len(ids)
        per_part[index].positive.append(term)
    for part in per_part:
        part.pieces = PieceTerms(
            positive=[encoded[t.target.strip()] for t in part.positive],
            negative=[encoded[t.target.strip()] for t in part.negative],
        )
    return per_part, skipped


def _parts_of(term: Term, parts: Sequence[EncodedSource], every: bool) -> List[int]:
    """The parts a term applies to: the one holding its first source token;
    without a span, every part (negative) or the first (positive)."""
    if term.start is None:
        return list(range(len(parts))) if every else [0]
    for index, part in enumerate(parts):
        start, end = part.token_span
        if start <= term.start < end:
            return [index]
    return [len(parts) - 1]  # a span in trailing whitespace: the last part


def term_outcomes(
    part_terms: PartTerms, text: str, term_ends: Optional[Sequence[int]],
    pieces_per_word: Sequence[Sequence[int]],
) -> List[TermOutcome]:
    """What became of a part's terms in one output: met or not, and for a
    met positive term the output words holding its pieces. A negative term
    is met when the output text does not hold it as whole words, in any
    segmentation into pieces (the search blocks only the one segmentation
    the vocabulary gives the term; see docs/terminology.md)."""
    outcomes = []
    ends = list(term_ends or [-1] * len(part_terms.positive))
    for term, phrase, end in zip(part_terms.positive, part_terms.pieces.positive, ends):
        words: List[int] = []
        if end >= 0:
            pieces = set(range(end - len(phrase) + 1, end + 1))
            words = [j for j, word_pieces in enumerate(pieces_per_word) if pieces & set(word_pieces)]
        # Met: placed by the search, and whole words in the text.
        met = end >= 0 and contains_words(text, term.target)
        outcomes.append(TermOutcome(term, met=met, target_words=words if met else []))
    for term in part_terms.negative:
        outcomes.append(TermOutcome(term, met=not contains_words(text, term.target)))
    return outcomes


def tie_alignment(links: List[Tuple[int, int]], outcomes: Sequence[TermOutcome]) -> List[Tuple[int, int]]:
    """Links where each met positive term's words link to its source span
    (and to nothing else), the other links as they were."""
    tied = [o for o in outcomes if o.met and not o.term.negative and o.term.span and o.target_words]
    if not tied:
        return links
    words = {j for outcome in tied for j in outcome.target_words}
    kept = [(i, j) for i, j in links if j not in words]
    for outcome in tied:
        start, end = outcome.term.span  # type: ignore[misc]
        kept.extend((i, j) for j in outcome.target_words for i in range(start, end))
    return sorted(set(kept))


def contains_words(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` with no letter or digit glued to
    either end (so "cat" is not found in "cats")."""
    phrase = phrase.strip()
    start = text.find(phrase)
    while start >= 0 and phrase:
        end = start + len(phrase)
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = text.find(phrase, start + 1)
    return False
