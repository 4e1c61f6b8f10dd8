"""XML in: expat (the standard library's XML parser), which refuses what
is not well formed, as XML requires: a coded error names the line, the
column and what is wrong, instead of a guess at a repair.

Expat reports where each event starts, so every node keeps its exact
source text (attributes, entities, CDATA, comments, the XML declaration).
XML has no fixed list of inline elements, so they are found the way
XLIFF-style tools find them: an element that stands in mixed content (its
parent holds text that is not just whitespace) is inline, and so is
everything inside it; the others are blocks. `translate="no"` or
`its:translate="no"` (the W3C ITS attribute) keeps an element untranslated.
"""

from typing import Dict, List, Optional, Set, Tuple
from xml.parsers import expat

from ..errors import Errors
from .segments import Kind
from .tree import Element, Node, Opaque, Text

RAW_NAMES = frozenset(("script", "style", "pre", "code"))


def parse_xml(source: str) -> Tuple[List[Node], "XmlClassifier"]:
    """The document's tree and its classifier; a coded ValueError when the
    source is not well-formed XML."""
    data = source.encode("utf8")
    events: List[Tuple[str, str, int, Dict[str, str]]] = []
    parser = expat.ParserCreate()
    parser.buffer_text = False

    def add(kind: str, value: str = "", attrs: Optional[Dict[str, str]] = None) -> None:
        events.append((kind, value, parser.CurrentByteIndex, attrs or {}))

    parser.StartElementHandler = lambda name, attrs: add("start", name, attrs)
    parser.EndElementHandler = lambda name: add("end", name)
    parser.CharacterDataHandler = lambda text: add("text", text)
    parser.CommentHandler = lambda text: add("opaque")
    parser.ProcessingInstructionHandler = lambda target, text: add("opaque")
    parser.StartCdataSectionHandler = lambda: add("opaque")
    parser.EndCdataSectionHandler = lambda: add("cdata_end")
    parser.DefaultHandler = lambda text: add("opaque")
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ValueError(Errors.E170.format(
            line=error.lineno, column=error.offset + 1, problem=expat.ErrorString(error.code),
        )) from None
    return _build(data, events), XmlClassifier()


def _build(data: bytes, events) -> List[Node]:
    root = Element(name="#document", open="")
    stack = [root]
    ends = [event[2] for event in events[1:]] + [len(data)]
    in_cdata = False
    for (kind, value, start, attrs), end in zip(events, ends):
        raw = data[start:end].decode("utf8")
        line = data.count(b"\n", 0, start) + 1
        children = stack[-1].children
        if kind == "cdata_end":
            in_cdata = False
            children[-1].raw += raw  # "]]>" belongs to the CDATA section
        elif in_cdata or kind == "opaque":
            if in_cdata and children and isinstance(children[-1], Opaque):
                children[-1].raw += raw
            else:
                children.append(Opaque(raw))
            in_cdata = in_cdata or raw.startswith("<![CDATA[")
        elif kind == "text":
            if children and isinstance(children[-1], Text):
                children[-1].raw += raw
                children[-1].value += value
            else:
                children.append(Text(raw, value))
        elif kind == "start":
            element = Element(name=value, open=raw, attrs=dict(attrs), line=line)
            children.append(element)
            stack.append(element)
        else:  # end; a self-closed element's end has no text of its own
            stack.pop().close = raw
    return root.children


class XmlClassifier:
    """Inline = in mixed content (see the module docstring)."""

    def __init__(self) -> None:
        self._inline: Set[int] = set()

    def mark(self, nodes: List[Node], inside_inline: bool = False) -> None:
        """Find the inline elements of a tree (call once, on the whole tree)."""
        mixed = any(isinstance(node, Text) and node.value.strip() for node in nodes)
        for node in nodes:
            if isinstance(node, Element):
                inline = inside_inline or mixed
                if inline:
                    self._inline.add(id(node))
                self.mark(node.children, inline)

    def __call__(self, element: Element) -> Kind:
        translate = element.attrs.get("translate") or element.attrs.get("its:translate") or ""
        inline = id(element) in self._inline
        if translate.strip().lower() == "no" or element.name.lower() in RAW_NAMES:
            return "atomic" if inline else "raw"
        if inline:
            return "atomic" if not element.children else "inline"
        return "block"
