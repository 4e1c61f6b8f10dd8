"""From a parsed tree to what is translated: segments and the raw source
around them.

A segment is a run of inline content (text and inline elements) between
block boundaries: a paragraph, a heading, a list item, a table cell. Its
text goes to the model as one input; its inline elements are remembered as
character ranges of that text, to be put back around the output words
aligned to the words they wrapped (`placement.py`). Everything else (block
tags, comments between blocks, untranslated elements, the whitespace
between blocks) is kept as raw source.

Each format says what its elements are (`Classify`): "block" (a boundary:
its tags are kept, its content is segmented), "inline" (inside a segment,
placed by the alignment), "atomic" (inside a segment but never translated:
kept whole, put where the alignment says the words around it went: `<br>`,
`<img>`, inline `<code>`, a comment) or "raw" (a block never translated:
`<script>`, `<style>`, `<pre>`).
"""

import re
from dataclasses import dataclass, field
from typing import Callable, List, Literal, Union

from .tree import Element, Node, Opaque, Text

Kind = Literal["block", "inline", "atomic", "raw"]
Classify = Callable[[Element], Kind]
# HTML's whitespace (a no-break space is not: it binds two words).
_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_LEADING = re.compile(r"^[ \t\n\r\f]*")
_TRAILING = re.compile(r"[ \t\n\r\f]*$")


@dataclass
class Inline:
    """An inline element inside a segment.

    name (str): Its name.
    open (str): Its start tag as in the source.
    close (str): Its end tag ("" for a self-closed one).
    start (int): Where its text starts in the segment's text.
    end (int): Where it ends (start == end: it wraps no text).
    parent (int): Index of the inline element holding it, -1 for none.
    atomic (bool): Kept whole (`open` is then the whole element's source).
    where (str): Its start tag and line, for messages.
    """

    name: str
    open: str
    close: str
    start: int
    end: int
    parent: int
    atomic: bool
    where: str


@dataclass
class Segment:
    """One input to the model and the inline markup it carries.

    text (str): What the model reads (whitespace runs collapsed).
    elements (List[Inline]): Its inline elements, in source order (parents
        before their children).
    lead (str): Whitespace before it, kept as in the source.
    trail (str): Whitespace after it, kept as in the source.
    """

    text: str
    elements: List[Inline] = field(default_factory=list)
    lead: str = ""
    trail: str = ""


Part = Union[str, Segment]


def segment_tree(nodes: List[Node], classify: Classify) -> List[Part]:
    """The document as raw source and segments, in order.

    nodes (List[Node]): The parsed document.
    classify (Classify): What each element is (see the module docstring).
    RETURNS (List[Part]): Strings to write as they are, and segments to translate.
    """
    parts: List[Part] = []
    run: List[Node] = []
    for node in nodes:
        kind = _kind(node, classify)
        if kind in ("inline", "atomic"):
            run.append(node)
            continue
        parts.extend(segment_run(run, classify))
        run = []
        if kind == "raw":
            parts.append(node.raw)
        else:  # a block: its tags as they are, its content segmented
            assert isinstance(node, Element)
            parts.append(node.open)
            parts.extend(segment_tree(node.children, classify))
            parts.append(node.close)
    parts.extend(segment_run(run, classify))
    return parts


def _kind(node: Node, classify: Classify) -> Kind:
    if isinstance(node, Text):
        return "inline"
    if isinstance(node, Opaque):
        return "atomic"
    return classify(node)


def segment_run(run: List[Node], classify: Classify) -> List[Part]:
    """A run of inline nodes as a segment, or as raw source when it holds
    nothing to translate (no letter or digit)."""
    if not run:
        return []
    builder = _Builder(classify)
    for node in run:
        builder.add(node, parent=-1)
    text = "".join(builder.pieces)
    if not any(char.isalnum() for char in text):
        return ["".join(node.raw for node in run)]
    # A run with a letter in it is never all whitespace, so lead and trail
    # cannot overlap even when the run is a single text.
    lead = _LEADING.match(run[0].raw).group() if isinstance(run[0], Text) else ""
    trail = _TRAILING.search(run[-1].raw).group() if isinstance(run[-1], Text) else ""
    return [_stripped(Segment(text=text, elements=builder.elements, lead=lead, trail=trail))]


def _stripped(segment: Segment) -> Segment:
    """The segment with the spaces at its ends taken off its text (the raw
    whitespace around it is in lead and trail) and its elements' ranges
    shifted to match."""
    text = segment.text
    left = len(text) - len(text.lstrip(" "))
    kept = len(text.strip(" "))
    for element in segment.elements:
        element.start = min(max(element.start - left, 0), kept)
        element.end = min(max(element.end - left, element.start), kept)
    segment.text = text.strip(" ")
    return segment


class _Builder:
    """Collects a run's text (whitespace collapsed as HTML shows it) and
    the character range of each inline element."""

    def __init__(self, classify: Classify) -> None:
        self.classify = classify
        self.pieces: List[str] = []
        self.length = 0
        self.elements: List[Inline] = []

    def add(self, node: Node, parent: int) -> None:
        if isinstance(node, Text):
            self._text(node.value)
        elif isinstance(node, Opaque):
            self._atomic(node.raw, "comment", node.raw[:40], parent)
        elif self.classify(node) == "atomic":
            self._atomic(node.raw, node.name, node.describe(), parent)
        else:
            index = len(self.elements)
            self.elements.append(Inline(
                name=node.name, open=node.open, close=node.close, start=self.length,
                end=self.length, parent=parent, atomic=False, where=node.describe(),
            ))
            for child in node.children:
                self.add(child, parent=index)
            self.elements[index].end = self.length

    def _text(self, value: str) -> None:
        value = _SPACE_RUN.sub(" ", value.replace("\xa0", " "))
        if value.startswith(" ") and self.pieces and self.pieces[-1].endswith(" "):
            value = value[1:]
        self.pieces.append(value)
        self.length += len(value)

    def _atomic(self, raw: str, name: str, where: str, parent: int) -> None:
        self.elements.append(Inline(
            name=name, open=raw, close="", start=self.length, end=self.length,
            parent=parent, atomic=True, where=where,
        ))
        if name == "br":  # a line break separates the words around it
            self._text(" ")
