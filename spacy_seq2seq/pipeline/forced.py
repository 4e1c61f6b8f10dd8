"""Forced alignment of (Doc, given target) pairs into predictions."""

from typing import List, Optional, Sequence

import numpy
from spacy.tokens import Doc

from ..models import ForcedBatch
from ..models.pytorch.search import coverage_penalty, length_penalty
from ..vocab import PieceVocab
from .predictions import (
    AlignmentSettings,
    Seq2SeqPrediction,
    TargetWords,
    encode_source,
    word_alignment,
)
from .targets import Target, forced_target


def forced_predictions(
    model,
    docs: Sequence[Doc],
    targets: Sequence[Target],
    *,
    src_pieces: PieceVocab,
    tgt_pieces: PieceVocab,
    target_words: TargetWords,
    alignment: AlignmentSettings,
    store_attention: bool,
    length_alpha: float,
    max_batch_items: int,
    coverage_beta: float = 0.0,
    line_break: Optional[str] = None,
) -> List[Seq2SeqPrediction]:
    """One prediction per pair, carrying the given target, its links,
    attention and score. A Doc with nothing to encode (empty, whitespace)
    keeps its target words with no links, no score and zero attention."""
    given = [forced_target(target, tgt_pieces, target_words) for target in targets]
    sources = [encode_source(doc, src_pieces, line_break) for doc in docs]
    to_run = [k for k, source in enumerate(sources) if source is not None]
    results = model.predict(ForcedBatch(
        src=[sources[k].ids for k in to_run],  # type: ignore[union-attr]
        tgt=[given[k].ids for k in to_run],
        max_batch_items=max_batch_items,
    )) if to_run else []
    forced = dict(zip(to_run, results))
    predictions = []
    for k, (doc, target, source) in enumerate(zip(docs, given, sources)):
        if source is None:
            zeros = [[0.0] * len(doc) for _ in target.words] if store_attention else None
            predictions.append(Seq2SeqPrediction(target.text, target.words, [], zeros, 0.0, decoded=False))
            continue
        result = forced[k]
        score = float(numpy.sum(result.log_probs, dtype=numpy.float64)) / length_penalty(
            len(target.ids) + 1, length_alpha
        )
        if result.attention is not None:
            score += coverage_penalty(result.attention, coverage_beta)
        if result.attention is None:
            predictions.append(Seq2SeqPrediction(target.text, target.words, [], None, score))
            continue
        links, word_attention = word_alignment(
            doc, source, result.attention, target.pieces_per_word, alignment, head=result.alignment
        )
        attention = word_attention.tolist() if store_attention else None
        predictions.append(Seq2SeqPrediction(target.text, target.words, links, attention, score))
    return predictions


def align_word_lists(
    pipe,
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    *,
    method=None,
    threshold=None,
    batch_size: int = 256,
) -> List[List[tuple]]:
    """Links for pre-tokenised pairs: word i of the source, word j of the
    target, exactly as given (no re-tokenisation on either side).

    pipe (Seq2SeqAttn): A trained component.
    sources, targets (Sequence[Sequence[str]]): Words per pair.
    RETURNS (List[List[Tuple[int, int]]]): (source_i, target_j) links per pair.
    """
    links: List[List[tuple]] = []
    name = pipe.extension_names["alignment"]
    for start in range(0, len(sources), batch_size):
        docs = [Doc(pipe.vocab, words=list(words)) for words in sources[start : start + batch_size]]
        aligned = pipe.align(docs, targets[start : start + batch_size], method=method, threshold=threshold)
        links.extend(doc._.get(name) for doc in aligned)
    return links
