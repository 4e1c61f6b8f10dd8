"""HTML in: the standard library's tokenizer, a tree built and repaired as
browsers do, and what each element is for translation.

Why `html.parser`: it is in the standard library (no dependency), it never
raises on bad input (a stray `<` is text, as in a browser), and it hands
over each start tag's exact source text (`get_starttag_text`) and where
every token starts, so attributes, entities, comments and the whitespace
between blocks are written back byte for byte. lxml and html5lib build a
tree and serialise it again, which rewrites attributes and entities.

`html.parser` only tokenizes; the tree is built here, and repaired where
the source is malformed, following the HTML standard's simplest rules:
an end tag closes the elements opened inside its element that are still
open (`<b><i>x</b>` is `<b><i>x</i></b>`), a block start tag closes an
open `<p>`, a new `<li>`/`<dt>`/`<dd>`/`<tr>`/`<td>`/`<th>`/`<option>`
closes the open one, an end tag with nothing open to close is dropped,
and what is still open at the end is closed there. Every repair is
reported (`Repairs`), never done silently.
"""

import re
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple

from .segments import Kind
from .tree import Element, Node, Opaque, Text

VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
# Elements that sit inside a line of text (phrasing content).
INLINE = frozenset(
    "a abbr b bdi bdo big cite data del dfn em font i ins label mark q s small "
    "span strike strong sub sup time tt u".split()
)
# Kept whole inside a line of text, never translated.
ATOMIC = frozenset("br img wbr input code kbd samp var button select svg math audio video object iframe canvas".split())
# Never translated, wherever they stand.
RAW = frozenset("script style pre textarea template code svg math noscript head".split())
_TAG_NAME = re.compile(r"^[a-z][a-z0-9._:-]*$")
# Elements whose end tag HTML allows to leave out: closing them is no repair.
OPTIONAL_END = frozenset(
    "html head body p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rt rp".split()
)
# A start tag of one of these closes an open <p> (HTML's "close a p element").
CLOSES_P = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul".split()
)
# A start tag of the key closes an open element of the names it maps to.
CLOSES_SIBLING: Dict[str, Tuple[str, ...]] = {
    "li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "tr": ("tr", "td", "th"),
    "td": ("td", "th"), "th": ("td", "th"), "option": ("option",),
}


def classify_html(element: Element) -> Kind:
    """What an HTML element is for translation (see segments.py)."""
    if _no_translate(element):
        return "atomic" if element.name in INLINE or element.name in ATOMIC else "raw"
    if element.name in ATOMIC or element.name in VOID:
        return "atomic" if element.name in ATOMIC else "raw"
    if element.name in RAW:
        return "raw"
    if element.name in INLINE and not _holds_block(element):
        return "inline"
    return "block"


def _no_translate(element: Element) -> bool:
    """`translate="no"` (HTML's own switch) or class `notranslate` (the one
    Google Translate and others read)."""
    if (element.attrs.get("translate") or "").strip().lower() == "no":
        return True
    return "notranslate" in (element.attrs.get("class") or "").split()


def _holds_block(element: Element) -> bool:
    """An inline element holding a block (`<a><div>..</div></a>`) is a
    block boundary itself: its content is segmented like a block's."""
    for child in element.children:
        if isinstance(child, Element):
            if child.name not in INLINE and child.name not in ATOMIC and child.name not in VOID:
                return True
            if _holds_block(child):
                return True
    return False


class Repairs:
    """What was repaired in a malformed document, one note per repair."""

    def __init__(self) -> None:
        self.notes: List[str] = []

    def add(self, note: str) -> None:
        self.notes.append(note)


def parse_html(source: str) -> Tuple[List[Node], Repairs]:
    """The document's tree (repaired where needed) and the repairs made.

    RETURNS (Tuple[List[Node], Repairs]): Top-level nodes, and the repairs.
    """
    tokenizer = _Tokenizer(source)
    tokenizer.feed(source)
    tokenizer.close()
    return _build(source, tokenizer.events)


# An event: (kind, name or text, start offset, attributes, line).
Event = Tuple[str, str, int, Dict[str, Optional[str]], int]


class _Tokenizer(HTMLParser):
    """Records each token and the offset where it starts; the source text
    between two starts is the first token's exact source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: List[Event] = []
        self._line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self._line_starts.append(index + 1)

    def _add(self, kind: str, value: str, attrs=()) -> None:
        line, column = self.getpos()
        self.events.append((kind, value, self._line_starts[line - 1] + column, dict(attrs), line))

    def handle_starttag(self, tag, attrs):
        self._add("start", tag, attrs)
        self._add_leftover()

    def handle_startendtag(self, tag, attrs):
        self._add("empty", tag, attrs)
        self._add_leftover()

    def _add_leftover(self) -> None:
        """Where the text after a start tag may never be reported (an
        unclosed `<script>` at the end), it starts as text right after the
        tag; a reported token after it simply ends it."""
        kind, value, start, attrs, line = self.events[-1]
        self.events.append(("leftover", "", start + len(self.get_starttag_text() or ""), {}, line))

    def handle_endtag(self, tag):
        self._add("end", tag)

    def handle_data(self, data):
        self._add("text", data)

    def handle_comment(self, data):
        self._add("opaque", data)

    def handle_decl(self, decl):
        self._add("opaque", decl)

    def handle_pi(self, data):
        self._add("opaque", data)

    def unknown_decl(self, data):
        self._add("opaque", data)


def _build(source: str, events: List[Event]) -> Tuple[List[Node], Repairs]:
    repairs = Repairs()
    root = Element(name="#document", open="")
    stack: List[Element] = [root]
    starts = [event[2] for event in events] + [len(source)]
    for (kind, value, start, attrs, line), end in zip(events, starts[1:]):
        raw = source[start:end]
        if kind == "leftover":
            if raw:
                _append_text(stack[-1], raw, raw)
        elif kind == "text":
            _append_text(stack[-1], raw, value)
        elif kind == "opaque":
            stack[-1].children.append(Opaque(raw))
        elif kind == "end":
            _close(stack, value, raw, line, repairs)
        elif not _TAG_NAME.match(value):
            # `<span</ul>`: a browser makes an element of that, but no end
            # tag could close it again; it is kept as the text it looks like.
            _append_text(stack[-1], raw.replace("&", "&amp;"), raw)
            repairs.add(f"{raw[:40]!r} (line {line}) is not a tag a document can close: kept as text")
        else:
            _open(stack, Element(name=value, open=raw, attrs=attrs, line=line), kind == "empty", repairs)
    while len(stack) > 1:
        element = stack.pop()
        element.close = f"</{element.name}>"
        if element.name not in OPTIONAL_END:
            repairs.add(f"{element.describe()} was not closed: closed at the end")
    return root.children, repairs


def _append_text(parent: Element, raw: str, value: str) -> None:
    """Text, merged with the text before it (the tokenizer may cut a run
    of text in several pieces, e.g. at a stray `<`).

    A `<` the tokenizer left as text (`a < b`, or `<span` cut off at the
    end) is written `&lt;`, as a browser serialises it: written back as it
    was, it could start a tag or comment with what follows it in the
    output (a close tag the repair adds). Inside `<script>` and `<style>`
    text is not markup, and stays as it is.
    """
    if "<" in raw and parent.name not in ("script", "style"):
        raw = raw.replace("<", "&lt;")
    if parent.children and isinstance(parent.children[-1], Text):
        previous = parent.children[-1]
        previous.raw += raw
        previous.value += value
        return
    parent.children.append(Text(raw, value))


def _open(stack: List[Element], element: Element, self_closed: bool, repairs: Repairs) -> None:
    name = element.name
    closes = ("p",) if name in CLOSES_P else CLOSES_SIBLING.get(name, ())
    outermost = None  # within the current block: a <tr> closes the open <td> and <tr>
    for index in range(len(stack) - 1, 0, -1):
        if stack[index].name in closes:
            outermost = index
        elif stack[index].name not in INLINE:
            break
    if outermost is not None:
        for implied in stack[outermost:]:
            implied.close = f"</{implied.name}>"
            if implied.name not in OPTIONAL_END:
                repairs.add(f"{implied.describe()} was not closed: closed before <{name}> (line {element.line})")
        del stack[outermost:]
    stack[-1].children.append(element)
    if name not in VOID and not self_closed:
        stack.append(element)


def _close(stack: List[Element], name: str, raw: str, line: int, repairs: Repairs) -> None:
    for index in range(len(stack) - 1, 0, -1):
        if stack[index].name == name:
            for implied in stack[index + 1 :]:
                implied.close = f"</{implied.name}>"
                repairs.add(f"{implied.describe()} was not closed: closed before </{name}> (line {line})")
            stack[index].close = raw
            del stack[index:]
            return
    repairs.add(f"</{name}> (line {line}) closes nothing that is open: dropped")
