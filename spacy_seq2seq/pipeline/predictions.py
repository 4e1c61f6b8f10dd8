"""What a prediction is, and how decoded pieces become one: the output text,
its target words, the word alignment and the word attention the Doc
extensions hold. (Sources become pieces in `source_encoding.py`.)"""

from dataclasses import dataclass, field, replace
from typing import Callable, List, Optional, Sequence, Tuple

import numpy
import spacy
from spacy.tokens import Doc

from ..alignment import (
    HEAD_METHODS,
    copied_from,
    pool_attention,
    spans_to_words,
    step_rows,
    word_links,
)
from ..alignment.attention_blocks import AttentionBlocks
from ..models.types import Decoded
from ..terms import TermOutcome
from ..vocab import PieceVocab
from .source_encoding import EncodedSource
from .term_pieces import PartTerms, term_outcomes, tie_alignment


@dataclass
class Seq2SeqPrediction:
    """Everything `set_annotations` writes for one Doc.

    text (str): The output text.
    tokens (List[str]): Target words.
    alignment (List[Tuple[int, int]]): (source_token_i, target_word_j) links.
    attention (Optional[AttentionBlocks]): Word-level attention
        (len(tokens) x len(doc)), held as one block per decoded part (it
        reads as the dense rows); None when not stored or without attention.
    score (float): Log-probability of the output pieces (divided by the
        length penalty when there is one).
    nbest (List[Seq2SeqPrediction]): The n-best outputs, best first; empty
        means this prediction is the only one.
    decoded (bool): False for a Doc with nothing to decode (empty or
        whitespace only); it then has no n-best entries at all.
    copied (Optional[List[int]]): With copy attention, per target word the
        source token it was copied from, -1 for a generated word; else None.
    terms_used (List[TermOutcome]): What became of each term (target word
        indices in this output).
    """

    text: str
    tokens: List[str]
    alignment: List[Tuple[int, int]]
    attention: Optional[AttentionBlocks]
    score: float
    nbest: List["Seq2SeqPrediction"] = field(default_factory=list)
    decoded: bool = True
    copied: Optional[List[int]] = None
    terms_used: List[TermOutcome] = field(default_factory=list)

    @property
    def candidates(self) -> List["Seq2SeqPrediction"]:
        """The n-best list (this prediction alone if there is no list; none
        for a Doc with nothing to decode)."""
        if not self.decoded:
            return []
        return self.nbest or [self]

    @classmethod
    def empty(cls, store_attention: bool) -> "Seq2SeqPrediction":
        """What an empty or whitespace-only Doc gets."""
        attention = AttentionBlocks.zeros(0, 0) if store_attention else None
        return cls("", [], [], attention, 0.0, decoded=False)


class TargetWords:
    """Splits output text into target words with spans; the tokenizer of
    `spacy.blank(lang)` is built on first use (it costs ~0.1-1 s)."""

    def __init__(self, lang: str):
        self.lang = lang
        self._tokenizer: Optional[Callable[[str], Doc]] = None

    def __call__(self, text: str) -> Tuple[List[str], List[Tuple[int, int]]]:
        if self._tokenizer is None:
            self._tokenizer = spacy.blank(self.lang).tokenizer
        words, spans = [], []
        for token in self._tokenizer(text):
            if not token.is_space:
                words.append(token.text)
                spans.append((token.idx, token.idx + len(token.text)))
        return words, spans


@dataclass(frozen=True)
class AlignmentSettings:
    """How attention becomes word links (see `alignment.links`).

    method (str): One of `alignment.ALIGNMENT_METHODS`: "argmax", "shift",
        "threshold", "shift_threshold", or (models with an alignment head)
        "head", "head_threshold".
    threshold (float): Least attention for a link, threshold methods only.
    """

    method: str = "argmax"
    threshold: float = 0.5


def word_alignment(
    doc: Doc,
    source: EncodedSource,
    piece_attention: numpy.ndarray,
    pieces_per_word: Sequence[Sequence[int]],
    alignment: AlignmentSettings,
    head: Optional[numpy.ndarray] = None,
) -> Tuple[List[Tuple[int, int]], AttentionBlocks]:
    """Piece attention (one row per decoder step, EOS step last) -> word
    links by the configured method, and the word-level attention of the
    steps that output each word (what the Doc stores and shows).

    Both are computed over the source's own tokens (`source.token_span`),
    not the whole Doc: a part of a long Doc costs what its own size costs.
    The attention is one block at the part's columns of a len(doc)-wide
    matrix; the links carry Doc token indices.

    head (Optional[numpy.ndarray]): The alignment head's weights, same shape
        as `piece_attention`; the head methods read them.
    """
    linked, word_attention = linking_weights(
        source, piece_attention, pieces_per_word, alignment.method, head
    )
    start = source.token_span[0]
    links = [(i + start, j) for i, j in word_links(linked, alignment.method, alignment.threshold)]
    return links, AttentionBlocks.single(word_attention, len(doc), start)


def linking_weights(
    source: EncodedSource,
    piece_attention: numpy.ndarray,
    pieces_per_word: Sequence[Sequence[int]],
    method: str,
    head: Optional[numpy.ndarray] = None,
) -> Tuple[numpy.ndarray, numpy.ndarray]:
    """The word-level weights `method` links from (target words x the
    source's tokens, `source.token_span`: column 0 is its first token), and
    the word-level attention of the steps that output each word. The two
    are the same matrix for "argmax" and "threshold"."""
    start, end = source.token_span
    # Owners relative to the span; EOS stays -1 (no token).
    owners = [owner - start if owner >= 0 else -1 for owner in source.owners]
    n_pieces = piece_attention.shape[0] - 1
    word_attention = pool_attention(piece_attention[:n_pieces], owners, end - start, pieces_per_word)
    if method in ("argmax", "threshold"):
        return word_attention, word_attention
    if method in HEAD_METHODS and head is None:
        raise ValueError(f"alignment_method {method!r} needs the alignment head's weights.")
    rows = step_rows(head if method in HEAD_METHODS else piece_attention, method)
    return pool_attention(rows, owners, end - start, pieces_per_word), word_attention


def to_prediction(
    doc: Doc,
    source: EncodedSource,
    outputs: Sequence[Decoded],
    *,
    tgt_pieces: PieceVocab,
    target_words: TargetWords,
    store_attention: bool,
    alignment: AlignmentSettings,
    part_terms: Optional[PartTerms] = None,
) -> Seq2SeqPrediction:
    """The n-best outputs of one source (best first) -> the best prediction,
    carrying all of them in `nbest`. With terms, each output says what
    became of them, and their words link to their source spans."""
    candidates = [
        _to_candidate(
            doc, source, output, tgt_pieces=tgt_pieces, target_words=target_words,
            store_attention=store_attention, alignment=alignment, part_terms=part_terms,
        )
        for output in outputs
    ]
    if len(candidates) == 1:
        return candidates[0]
    return replace(candidates[0], nbest=candidates)


def _to_candidate(
    doc: Doc,
    source: EncodedSource,
    output: Decoded,
    *,
    tgt_pieces: PieceVocab,
    target_words: TargetWords,
    store_attention: bool,
    alignment: AlignmentSettings,
    part_terms: Optional[PartTerms] = None,
) -> Seq2SeqPrediction:
    """Decoded pieces -> text, words, word alignment and word attention."""
    text, piece_spans = tgt_pieces.decode(output.ids)
    words, word_spans = target_words(text)
    pieces_per_word = spans_to_words(piece_spans, word_spans)
    outcomes = [] if part_terms is None else term_outcomes(
        part_terms, text, output.term_ends, pieces_per_word
    )
    if output.attention is None:
        return Seq2SeqPrediction(text, words, [], None, output.score, terms_used=outcomes)
    links, word_attention = word_alignment(
        doc, source, output.attention, pieces_per_word, alignment, head=output.alignment
    )
    links = tie_alignment(links, outcomes)
    attention = word_attention if store_attention else None
    copied = None
    if output.copy_share is not None:
        copied = copied_from(
            output.ids, source.ids, source.owners, output.attention, output.copy_share, pieces_per_word
        )
    return Seq2SeqPrediction(text, words, links, attention, output.score, copied=copied, terms_used=outcomes)
