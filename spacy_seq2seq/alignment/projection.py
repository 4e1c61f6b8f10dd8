"""spaCy objects on the target side: a target Doc, aligned tokens, and source
spans projected onto the output through the word alignment.

Everything here is computed from the plain values the component stores on
the source Doc (`{field}`, `{field}_tokens`, `{field}_alignment`), so it
works the same on a Doc fresh from the pipeline and on one read back from a
DocBin.
"""

from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

import spacy
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from ..names import FieldNames

Link = Tuple[int, int]


@lru_cache(maxsize=None)
def _target_vocab(lang: str) -> Vocab:
    return spacy.blank(lang).vocab


def target_doc(doc: Doc, field: str, lang: str) -> Optional[Doc]:
    """The output as a Doc of `lang`: the stored target words, with the
    spacing of the output text. None when the Doc has no output yet.

    A new Doc on every call: keep it if you need the same object twice.
    """
    names = FieldNames(field)
    text = doc._.get(names.text)
    words = doc._.get(names.tokens)
    if text is None or words is None:
        return None
    return Doc(_target_vocab(lang), words=words, spaces=_spaces(text, words))


def _spaces(text: str, words: List[str]) -> List[bool]:
    """Whether whitespace follows each word in `text` (the words are cut
    from it in order, so each is found after the one before)."""
    starts, ends = [], []
    cursor = 0
    for word in words:
        start = text.find(word, cursor)
        start = cursor if start < 0 else start
        starts.append(start)
        cursor = start + len(word)
        ends.append(cursor)
    return [j + 1 < len(words) and starts[j + 1] > ends[j] for j in range(len(words))]


def aligned_targets(token: Token, field: str) -> List[int]:
    """Target word indices linked to a source token, sorted."""
    links = token.doc._.get(FieldNames(field).alignment) or []
    return sorted({j for i, j in links if i == token.i})


def project_span(span: Span, field: str, target: Doc) -> Optional[Span]:
    """The target-side span covering every word linked to a token of `span`
    (the smallest contiguous span holding them), with the span's label;
    None when no token of the span is linked.

    span (Span): A span of the source Doc.
    field (str): The component's field.
    target (Doc): The source Doc's target Doc (`target_doc`).
    """
    links = span.doc._.get(FieldNames(field).alignment) or []
    linked = [j for i, j in links if span.start <= i < span.end]
    return _covering_span(span, linked, target)


def _covering_span(span: Span, linked: List[int], target: Doc) -> Optional[Span]:
    if not linked:
        return None
    return Span(target, min(linked), max(linked) + 1, label=span.label_)


def _links_by_token(doc: Doc, field: str) -> Dict[int, List[int]]:
    """Target words per source token, from one read of the links."""
    by_token: Dict[int, List[int]] = {}
    for i, j in doc._.get(FieldNames(field).alignment) or []:
        by_token.setdefault(i, []).append(j)
    return by_token


def project_spans(
    doc: Doc, spans: Iterable[Span], field: str, lang: str
) -> Tuple[Optional[Doc], List[Optional[Span]]]:
    """Project source spans onto one target Doc.

    RETURNS (Tuple[Optional[Doc], List[Optional[Span]]]): The target Doc and,
        per input span, its projection (None where nothing is linked).
    """
    spans = list(spans)
    target = target_doc(doc, field, lang)
    if target is None:
        return None, [None for _ in spans]
    # The links are read (and indexed by token) once, not once per span:
    # a long Doc's entities would otherwise cost spans x links.
    by_token = _links_by_token(doc, field)
    return target, [
        _covering_span(span, [j for i in range(span.start, span.end) for j in by_token.get(i, ())], target)
        for span in spans
    ]


def project_entities(doc: Doc, field: str, lang: str) -> Tuple[Optional[Doc], Dict[str, int]]:
    """The target Doc with `doc.ents` projected onto it as its entities.

    Entities whose words link to nothing are left out, and where two
    projections overlap the longer is kept (`spacy.util.filter_spans`); the
    counts say how many of each, so nothing goes missing silently.

    RETURNS (Tuple[Optional[Doc], Dict[str, int]]): The target Doc (None when
        there is no output) and {"projected", "unaligned", "overlapping"}.
    """
    target, projected = project_spans(doc, doc.ents, field, lang)
    found = [span for span in projected if span is not None]
    kept = filter_spans(found)
    if target is not None:
        target.ents = kept
    counts = {
        "projected": len(kept),
        "unaligned": len(projected) - len(found),
        "overlapping": len(found) - len(kept),
    }
    return target, counts
