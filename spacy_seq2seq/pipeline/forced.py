"""Forced alignment of (Doc, given target) pairs into predictions."""

from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy
from spacy.tokens import Doc

from .. import penalties
from ..alignment.attention_blocks import AttentionBlocks
from ..errors import Errors
from ..models.types import Forced, ForcedBatch
from ..vocab import PieceVocab
from .predictions import (
    AlignmentSettings,
    Seq2SeqPrediction,
    TargetWords,
    linking_weights,
    word_alignment,
)
from .source_encoding import EncodedSource, encode_source
from .targets import ForcedTarget, Target, forced_target


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
    coverage_penalty: float = 0.0,
    line_break: Optional[str] = None,
) -> List[Seq2SeqPrediction]:
    """One prediction per pair, carrying the given target, its links,
    attention and score. A Doc with nothing to encode (empty, whitespace)
    keeps its target words with no links, no score and zero attention."""
    given, sources, forced = _force(
        model, docs, targets, src_pieces=src_pieces, tgt_pieces=tgt_pieces,
        target_words=target_words, max_batch_items=max_batch_items, line_break=line_break,
    )
    predictions = []
    for k, (doc, target, source) in enumerate(zip(docs, given, sources)):
        if source is None:
            zeros = AttentionBlocks.zeros(len(target.words), len(doc)) if store_attention else None
            predictions.append(Seq2SeqPrediction(target.text, target.words, [], zeros, 0.0, decoded=False))
            continue
        result = forced[k]
        score = float(numpy.sum(result.log_probs, dtype=numpy.float64)) / penalties.length_penalty(
            len(target.ids) + 1, length_alpha
        )
        if result.attention is not None:
            score += penalties.coverage_penalty(result.attention, coverage_penalty)
        if result.attention is None:
            predictions.append(Seq2SeqPrediction(target.text, target.words, [], None, score))
            continue
        links, word_attention = word_alignment(
            doc, source, result.attention, target.pieces_per_word, alignment, head=result.alignment
        )
        attention = word_attention if store_attention else None
        predictions.append(Seq2SeqPrediction(target.text, target.words, links, attention, score))
    return predictions


def _force(
    model, docs: Sequence[Doc], targets: Sequence[Target], *, src_pieces: PieceVocab,
    tgt_pieces: PieceVocab, target_words: TargetWords, max_batch_items: int, line_break: Optional[str],
) -> Tuple[List[ForcedTarget], List[Optional[EncodedSource]], Dict[int, Forced]]:
    """Encode both sides and run one forced pass over the pairs with
    something to encode: (targets, sources (None: nothing to encode),
    results by pair index)."""
    given = [forced_target(target, tgt_pieces, target_words) for target in targets]
    sources = [encode_source(doc, src_pieces, line_break) for doc in docs]
    to_run = [k for k, source in enumerate(sources) if source is not None]
    results = model.predict(ForcedBatch(
        src=[sources[k].ids for k in to_run],  # type: ignore[union-attr]
        tgt=[given[k].ids for k in to_run],
        max_batch_items=max_batch_items,
    )) if to_run else []
    return given, sources, dict(zip(to_run, results))


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
    for docs, batch_targets in _word_list_batches(pipe, sources, targets, batch_size):
        aligned = pipe.align(docs, batch_targets, method=method, threshold=threshold)
        links.extend(doc._.get(name) for doc in aligned)
    return links


def _word_list_batches(
    pipe, sources: Sequence[Sequence[str]], targets: Sequence[Sequence[str]], batch_size: int
) -> Iterator[Tuple[List[Doc], List[List[str]]]]:
    """Pre-tokenised pairs in batches: source Docs with exactly the given
    words, and the target word lists beside them. Unequal counts are an
    error (E014), never a silently shortened run."""
    if len(sources) != len(targets):
        raise ValueError(Errors.E014.format(name=pipe.name, n_docs=len(sources), n_targets=len(targets)))
    for start in range(0, len(sources), batch_size):
        docs = [Doc(pipe.vocab, words=list(words)) for words in sources[start : start + batch_size]]
        yield docs, [list(words) for words in targets[start : start + batch_size]]


def linking_weights_for_word_lists(
    pipe,
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    *,
    method=None,
    batch_size: int = 256,
) -> List[numpy.ndarray]:
    """Per pre-tokenised pair, the word weights its links come from by
    `method` (target words x source words; zeros for a pair with nothing
    to encode): what `alignment.agreement` combines across two directions.

    pipe (Seq2SeqAttn): A trained component.
    sources, targets (Sequence[Sequence[str]]): Words per pair.
    method (Optional[str]): Overrides the component's `alignment_method`.
    RETURNS (List[numpy.ndarray]): One (len(target), len(source)) matrix per pair.
    """
    pipe._require_initialized()
    method = pipe._alignment_settings(method).method
    weights: List[numpy.ndarray] = []
    for docs, batch_targets in _word_list_batches(pipe, sources, targets, batch_size):
        given, encoded, forced = _force(
            pipe.model, docs, batch_targets,
            src_pieces=pipe.src_pieces, tgt_pieces=pipe.tgt_pieces, target_words=pipe._target_words,
            max_batch_items=pipe.settings.max_batch_items, line_break=pipe.settings.src_line_break,
        )
        for k, (doc, target, source) in enumerate(zip(docs, given, encoded)):
            result = forced.get(k)
            if source is None or result is None or result.attention is None:
                weights.append(numpy.zeros((len(target.words), len(doc)), dtype=numpy.float32))
                continue
            linked, _ = linking_weights(source, result.attention, target.pieces_per_word, method, result.alignment)
            weights.append(AttentionBlocks.single(linked, len(doc), source.token_span[0]).to_dense())
    return weights
