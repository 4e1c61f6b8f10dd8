"""spaCy objects on the target side: a target Doc, aligned tokens, and source
spans projected onto the output through the word alignment.

Everything here is computed from the plain values the component stores on
the source Doc (`{field}`, `{field}_tokens`, `{field}_alignment` and, when
stored, `{field}_attention`), so it works the same on a Doc fresh from the
pipeline and on one read back from a DocBin.

Which target words a source span gets (the projection rule). A target word
belongs to the span's projection when

1. it is linked to at least one token of the span and to no token outside
   it (a word that also translates a neighbour is not the span's alone),
   and
2. where the stored attention backs its link (the word's strongest source
   token is one of the tokens it is linked to, as with `argmax` links), the
   span holds at least half of its attention: a word that merely looks
   ahead at the span while translating something else ("to" before
   "London" in "à Londres") spreads its attention and is left out.

The projection is the smallest contiguous target span covering the words
that qualify (the words between them come along, so "New York" stays one
span even if "York" alone was linked); a span no word qualifies for has no
projection (None), and is counted as unaligned. Only the public links
(`doc._.{field}_alignment`) and the attention stored on the Doc are read,
so the rule works with every alignment method; where the links come from
another attention (the alignment head) or from symmetrization, rule 2
applies only to the words the stored attention agrees with.
"""

from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import spacy
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from ..names import FieldNames
from .attention_blocks import AttentionBlocks

Link = Tuple[int, int]
# The share of a word's attention a span must hold (rule 2 above).
MAJORITY = 0.5


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
    return Doc(_target_vocab(lang), words=words, spaces=word_spaces(text, words))


def word_spaces(text: str, words: List[str]) -> List[bool]:
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


class Projector:
    """Projects source token ranges onto target word ranges by the rule in
    the module docstring. The links (and the attention, when stored) are
    read and indexed once, so projecting every entity of a long Doc costs
    one pass over the links, not one per span.

    links (Iterable[Tuple[int, int]]): (source_i, target_j) links.
    attention (Optional[AttentionBlocks]): The stored word attention, or None.
    """

    def __init__(self, links: Iterable[Link], attention: Optional[AttentionBlocks] = None):
        self.sources_of: Dict[int, List[int]] = {}
        self.targets_of: Dict[int, List[int]] = {}
        for i, j in links:
            self.sources_of.setdefault(j, []).append(i)
            self.targets_of.setdefault(i, []).append(j)
        self.attention = attention
        self._rows: Dict[int, Optional[Any]] = {}

    @classmethod
    def for_doc(cls, doc: Doc, field: str) -> "Projector":
        """The projector of a Doc the component with this field processed."""
        names = FieldNames(field)
        blocks = None
        if Doc.has_extension(names.attention_blocks):
            blocks = doc._.get(names.attention_blocks)
        return cls(doc._.get(names.alignment) or [], blocks)

    def target_words(self, start: int, end: int) -> List[int]:
        """The target words that belong to source tokens start..end-1, sorted."""
        candidates = {j for i in range(start, end) for j in self.targets_of.get(i, ())}
        return sorted(
            j for j in candidates
            if all(start <= i < end for i in self.sources_of[j]) and self._attends(j, start, end)
        )

    def project(self, start: int, end: int) -> Optional[Tuple[int, int]]:
        """The target word range (start, end) of source tokens start..end-1,
        or None when no target word belongs to them."""
        words = self.target_words(start, end)
        if not words:
            return None
        return words[0], words[-1] + 1

    def _attends(self, j: int, start: int, end: int) -> bool:
        """Rule 2: where the stored attention backs word j's links, the
        span holds at least half of the word's attention."""
        row = self._row(j)
        if row is None:
            return True
        total = float(row.sum())
        if total <= 0.0 or int(row.argmax()) not in self.sources_of[j]:
            return True  # the links come from somewhere else: the attention has no say
        return float(row[start:end].sum()) >= MAJORITY * total

    def _row(self, j: int) -> Optional[Any]:
        if self.attention is None or j >= len(self.attention):
            return None
        if j not in self._rows:
            self._rows[j] = self.attention.row_array(j)
        return self._rows[j]


def project_span(span: Span, field: str, target: Doc) -> Optional[Span]:
    """The target-side span of `span` (the rule in the module docstring),
    with the span's label, kb_id and id; None when no target word belongs to it.

    span (Span): A span of the source Doc.
    field (str): The component's field.
    target (Doc): The source Doc's target Doc (`target_doc`).
    """
    return _target_span(span, Projector.for_doc(span.doc, field), target)


def _target_span(span: Span, projector: Projector, target: Doc) -> Optional[Span]:
    found = projector.project(span.start, span.end)
    if found is None or found[1] > len(target):
        return None
    return Span(target, found[0], found[1], label=span.label_, kb_id=span.kb_id_, span_id=span.id_)


def project_spans(
    doc: Doc, spans: Iterable[Span], field: str, lang: str
) -> Tuple[Optional[Doc], List[Optional[Span]]]:
    """Project source spans onto one target Doc.

    RETURNS (Tuple[Optional[Doc], List[Optional[Span]]]): The target Doc and,
        per input span, its projection (None where no target word belongs to it).
    """
    spans = list(spans)
    target = target_doc(doc, field, lang)
    if target is None:
        return None, [None for _ in spans]
    projector = Projector.for_doc(doc, field)
    return target, [_target_span(span, projector, target) for span in spans]


def _project_onto(
    spans: Sequence[Span], projector: Projector, target: Doc
) -> Tuple[List[Span], int]:
    """The projections of `spans` that exist, and how many had none."""
    projected = [_target_span(span, projector, target) for span in spans]
    found = [span for span in projected if span is not None]
    return found, len(projected) - len(found)


def project_entities(doc: Doc, field: str, lang: str) -> Tuple[Optional[Doc], Dict[str, int]]:
    """The target Doc with `doc.ents` projected onto it as its entities.

    Entities with no target word are left out, and where two projections
    overlap the longer is kept (`spacy.util.filter_spans`); the counts say
    how many of each, so nothing goes missing silently.

    RETURNS (Tuple[Optional[Doc], Dict[str, int]]): The target Doc (None when
        there is no output) and {"projected", "unaligned", "overlapping"}.
    """
    target = target_doc(doc, field, lang)
    if target is None:
        return None, {"projected": 0, "unaligned": 0, "overlapping": 0}
    counts = _annotate(doc, target, Projector.for_doc(doc, field), groups=False)
    return target, counts["ents"]


def annotated_target_doc(doc: Doc, field: str, lang: str) -> Optional[Doc]:
    """The target Doc with the source Doc's entities and every `doc.spans`
    group projected onto it (labels and kb_ids kept), and what could not be
    placed counted in `target.user_data["projection_report"]` (see
    `projection_report`). None when the Doc has no output yet."""
    target = target_doc(doc, field, lang)
    if target is None:
        return None
    report = _annotate(doc, target, Projector.for_doc(doc, field), groups=True)
    target.user_data[REPORT_KEY] = report
    return target


# Where the annotated target Doc keeps its projection report.
REPORT_KEY = "projection_report"


def projection_report(doc: Doc, field: str, lang: str) -> Optional[Dict[str, Dict[str, int]]]:
    """What projecting the Doc's annotations onto its output did:
    {"ents": {"projected", "unaligned", "overlapping"}, "spans:<group>":
    {"projected", "unaligned"}, ...}. Entities that overlap a longer
    projection are left out of the target's `ents` (which cannot overlap);
    span groups keep overlapping spans. None when there is no output."""
    target = annotated_target_doc(doc, field, lang)
    return None if target is None else target.user_data[REPORT_KEY]


def _annotate(doc: Doc, target: Doc, projector: Projector, *, groups: bool) -> Dict[str, Dict[str, int]]:
    found, unaligned = _project_onto(doc.ents, projector, target)
    kept = filter_spans(found)
    target.ents = kept
    report = {"ents": {"projected": len(kept), "unaligned": unaligned, "overlapping": len(found) - len(kept)}}
    if not groups:
        return report
    for name, group in doc.spans.items():
        found, unaligned = _project_onto(list(group), projector, target)
        target.spans[name] = found
        report[f"spans:{name}"] = {"projected": len(found), "unaligned": unaligned}
    return report
