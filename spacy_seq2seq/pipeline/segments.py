"""Long documents: split into parts the model can take, stitch the outputs.

An RNN encoder-decoder is trained on sentences; a whole article as one input
is slow and translates badly. So a Doc whose source pieces exceed
`max_src_length` is decoded part by part:

1. by sentence: `doc.sents` when the Doc has sentence boundaries (a parser,
   senter or sentencizer ran), otherwise spaCy's rule-based sentencizer
   rules, applied without touching the Doc;
2. a sentence that is still too long is cut into consecutive token windows
   (a warning names the tokens); a single token with more pieces than the
   limit keeps only its first pieces (a warning says so).

Nothing is dropped silently. Each part remembers the Doc's token indices, so
alignments of the stitched output stay relative to the original Doc.
"""

import warnings
from dataclasses import replace
from typing import List, Optional, Sequence, Tuple

import numpy
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span

from ..alignment.attention_blocks import AttentionBlocks
from ..errors import Warnings
from ..vocab import EOS_ID, PieceVocab
from .predictions import Seq2SeqPrediction
from .settings import TRUNCATING
from .source_encoding import EncodedSource, encode_source, source_text

_SENTENCIZER = Sentencizer()


def encode_parts(
    doc: Doc, pieces: PieceVocab, max_src_length: int, line_break: Optional[str] = None
) -> List[EncodedSource]:
    """The Doc as one or more encoded parts of at most `max_src_length`
    pieces each (EOS included). An empty Doc gives no part.

    doc (Doc): The source document.
    pieces (PieceVocab): The source vocabulary.
    max_src_length (int): Most source pieces per part.
    line_break (Optional[str]): What line breaks are encoded as (see
        `source_encoding.source_text`); None drops them like other whitespace.
    RETURNS (List[EncodedSource]): The parts, in document order.
    """
    texts = [source_text(token, line_break) for token in doc]
    token_ids = [None if text is None else pieces.encode_token(text) for text in texts]
    whole = _encode_range(token_ids, 0, len(doc))
    if whole is None or len(whole.ids) <= max_src_length:
        return [] if whole is None else [whole]
    parts: List[EncodedSource] = []
    for sentence in _sentences(doc):
        part = _encode_range(token_ids, sentence.start, sentence.end)
        if part is None:
            continue
        if len(part.ids) <= max_src_length:
            parts.append(part)
        else:
            parts.extend(_windows(doc, token_ids, sentence, max_src_length))
    return parts


def encode_truncated(
    docs: Sequence[Doc], pieces: PieceVocab, max_src_length: int, line_break: Optional[str], *, name: str,
    long_src: str = "truncate",
) -> List[List[EncodedSource]]:
    """Each Doc as one part, cut to max_src_length pieces (EOS included) when
    longer, with one W005 warning per call that counts the Docs that were cut
    (the reading for summaries and replies).

    long_src (str): "truncate" keeps the first pieces, "truncate_left" the last.

    RETURNS (List[List[EncodedSource]]): Per Doc, [] (nothing to encode) or
        one part.
    """
    parts: List[List[EncodedSource]] = []
    cut: List[Tuple[int, int]] = []  # (doc index, pieces before cutting)
    for i, doc in enumerate(docs):
        source = encode_source(doc, pieces, line_break)
        if source is not None and len(source.ids) > max_src_length:
            cut.append((i, len(source.ids)))
            source = truncated(source, max_src_length, TRUNCATING[long_src])
        parts.append([] if source is None else [source])
    if cut:
        where = ", ".join(f"doc {i}" for i, _ in cut[:5]) + (f" and {len(cut) - 5} more" if len(cut) > 5 else "")
        warnings.warn(Warnings.W005.format(
            name=name, n_cut=len(cut), n_total=len(docs), where=f"({where})", limit=max_src_length,
            kept=max_src_length - 1, which=TRUNCATING[long_src], setting=long_src,
            longest=f"; the longest had {max(n for _, n in cut)}",
        ))
    return parts


def truncated(source: EncodedSource, max_src_length: int, keep: str = "first") -> EncodedSource:
    """max_src_length - 1 pieces and EOS (as is when short enough): the
    first pieces (keep "first") or the last (keep "last"). The pieces keep
    their owners, so attention still points at the right tokens."""
    if len(source.ids) <= max_src_length:
        return source
    if keep not in ("first", "last"):
        raise ValueError(f"keep must be 'first' or 'last', not {keep!r}")
    n_kept, end = max_src_length - 1, len(source.ids) - 1  # source.ids[end] is EOS
    body = slice(0, n_kept) if keep == "first" else slice(end - n_kept, end)
    return EncodedSource(
        ids=numpy.concatenate([source.ids[body], [EOS_ID]]).astype(numpy.int64),
        owners=[*source.owners[body], -1],
        token_span=source.token_span,
    )


def _sentences(doc: Doc) -> List[Span]:
    if doc.has_annotation("SENT_START"):
        return list(doc.sents)
    (starts,) = _SENTENCIZER.predict([doc])
    boundaries = [i for i, is_start in enumerate(starts) if is_start and i > 0]
    edges = [0, *boundaries, len(doc)]
    return [doc[start:end] for start, end in zip(edges, edges[1:])]


def _encode_range(
    token_ids: Sequence[Optional[List[int]]], start: int, end: int
) -> Optional[EncodedSource]:
    ids: List[int] = []
    owners: List[int] = []
    for i in range(start, end):
        if token_ids[i]:
            ids.extend(token_ids[i])  # type: ignore[arg-type]
            owners.extend([i] * len(token_ids[i]))  # type: ignore[arg-type]
    if not ids:
        return None
    ids.append(EOS_ID)
    owners.append(-1)
    return EncodedSource(ids=numpy.asarray(ids, dtype=numpy.int64), owners=owners, token_span=(start, end))


def _windows(
    doc: Doc, token_ids: Sequence[Optional[List[int]]], sentence: Span, max_src_length: int
) -> List[EncodedSource]:
    """Cut a too-long sentence into consecutive token windows."""
    budget = max_src_length - 1  # room for EOS
    copied = False  # tokens cut below stay whole in the caller's list
    windows: List[EncodedSource] = []
    start, used = sentence.start, 0
    for i in range(sentence.start, sentence.end):
        n = len(token_ids[i] or ())
        if n > budget:
            warnings.warn(Warnings.W003.format(
                token=doc[i].text[:40], i=i, n_pieces=n, limit=max_src_length, kept=budget,
            ))
            if not copied:  # copy only when a token is cut: a copy per sentence is quadratic
                token_ids, copied = list(token_ids), True
            token_ids[i] = token_ids[i][:budget]  # type: ignore[index]
            n = budget
        if used + n > budget and used > 0:
            windows.append(_encode_range(token_ids, start, i))  # type: ignore[arg-type]
            start, used = i, 0
        used += n
    last = _encode_range(token_ids, start, sentence.end)
    if last is not None:
        windows.append(last)
    cuts = [int(window.owners[0]) for window in windows[1:]]
    warnings.warn(Warnings.W002.format(
        start=sentence.start, end=sentence.end, limit=max_src_length,
        n_windows=len(windows), cuts=", ".join(map(str, cuts)),
        text=sentence.text[:60],
    ))
    return windows


def stitch(parts: Sequence[Seq2SeqPrediction], store_attention: bool) -> Seq2SeqPrediction:
    """One prediction from the predictions of a Doc's parts, in order.

    Texts are joined with a space; target word indices are shifted by the
    words before them; the parts' attention blocks are stacked (each part's
    words attend to its own tokens only, so nothing is stored between
    parts: see alignment/attention_blocks.py); scores (log-probabilities)
    add up. N-best lists of the parts are not combined: the stitched output
    is the only entry.
    """
    if len(parts) == 1:
        return parts[0]
    text = " ".join(part.text for part in parts if part.text)
    tokens: List[str] = []
    alignment = []
    terms_used = []
    for part in parts:
        offset = len(tokens)
        alignment.extend((i, j + offset) for i, j in part.alignment)
        terms_used.extend(
            replace(outcome, target_words=[j + offset for j in outcome.target_words])
            for outcome in part.terms_used
        )
        tokens.extend(part.tokens)
    attention = None
    if store_attention:
        attention = AttentionBlocks.stack([part.attention for part in parts if part.attention is not None])
    score = sum(part.score for part in parts)
    copied = None
    if all(part.copied is not None for part in parts):
        # Source token indices are the Doc's already; only concatenate.
        copied = [i for part in parts for i in part.copied]  # type: ignore[union-attr]
    return Seq2SeqPrediction(text, tokens, alignment, attention, score, copied=copied, terms_used=terms_used)
