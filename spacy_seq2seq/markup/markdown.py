"""Markdown in: markdown-it-py finds the blocks and the inline markup; the
source around them is kept byte for byte.

Why markdown-it-py: it follows CommonMark exactly (emphasis and links are
easy to get wrong by hand), it is the parser of MyST and mdformat, and it
is already installed with this package (typer's `rich` depends on it; the
dependency is now declared). It gives each block's lines and each inline
token's markup, but not the inline tokens' offsets, so the exact source of
each inline mark (`**` or `__`, a link's destination and title) is read
back from the block's text in order.

Each paragraph, heading and table cell is a segment. Emphasis, strong,
strikethrough and links are inline elements (put back by the alignment);
inline code, images, autolinks, inline HTML and hard breaks are kept whole.
Code blocks, fences, HTML blocks and everything outside the inline text
(`#`, list markers, `>`, table pipes, blank lines) are kept as they are.
A paragraph over several lines becomes one line (its other lines are
removed, prefixes and all), since its words are translated together.
"""

import re
from typing import List, Optional, Tuple

from .segments import Kind, Part, Segment, segment_run
from .tree import Element, Node, Text

_INLINE = {"strong", "em", "s", "link", "html"}
# Inline HTML: a start tag and its end tag in one paragraph wrap words like
# emphasis does; a lone tag is kept whole.
_HTML_OPEN = re.compile(r"^<([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(?<!/)>$")
_HTML_CLOSE = re.compile(r"^</([A-Za-z][A-Za-z0-9-]*)\s*>$")
# Characters that would turn a translated word into markup.
_SPECIAL = "\\`*_[]<"


def escape_markdown(word: str) -> str:
    """Backslash before each character Markdown would read as markup."""
    return "".join("\\" + char if char in _SPECIAL else char for char in word)


def _classify(element: Element) -> Kind:
    return "inline" if element.name in _INLINE else "atomic"


def _parser():
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.disable("text_join")  # keep escapes and entities as their own tokens, with their source
    return parser


def parse_markdown(source: str) -> Tuple[List[Part], List[str]]:
    """The document as raw source and segments, in order, and a note for
    each block kept untranslated because its inline markup could not be
    matched to its source (never silently)."""
    notes: List[str] = []
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    parts: List[Part] = []
    cursor = 0
    column_of_line = {}  # table rows hold several cells: where the last one ended
    for token in _parser().parse(source):
        if token.type != "inline" or token.map is None or not token.children:
            continue
        located = _locate(token.content, lines, starts, token.map[0], column_of_line)
        nodes = None
        if located is not None and located[0][0] >= cursor:
            nodes = _inline_nodes(token.content, token.children, token.map[0] + 1)
        if nodes is None:
            notes.append(f"the text at line {token.map[0] + 1} ({token.content[:40]!r}) was kept untranslated: its inline markup could not be matched to its source")
            continue
        (first_start, first_end), rest = located
        run = segment_run(nodes, _classify)
        parts.append(source[cursor:first_start])
        if isinstance(run[0], Segment):
            parts.extend(run)
            cursor = first_end
            for line_start, line_end in rest:  # the paragraph's other lines go
                parts.append(source[cursor:line_start])
                cursor = line_end
        else:
            cursor = first_start
    parts.append(source[cursor:])
    return [part for part in parts if part != ""], notes


def _locate(content, lines, starts, first_line, column_of_line) -> Optional[Tuple[Tuple[int, int], List[Tuple[int, int]]]]:
    """Where the inline text's first line is in the source (start, end), and
    the whole source lines (with their line breaks) of its other lines."""
    rest = []
    first = None
    for k, content_line in enumerate(content.split("\n")):
        number = first_line + k
        if number >= len(lines):
            return None
        column = lines[number].find(content_line, column_of_line.get(number, 0))
        if column < 0:
            return None
        if k == 0:
            first = (starts[number] + column, starts[number] + column + len(content_line))
            column_of_line[number] = column + len(content_line)
        else:
            rest.append((starts[number], starts[number + 1]))
    return first, rest


def _inline_nodes(content: str, children, line: int) -> Optional[List[Node]]:
    """The inline tokens as a small tree whose raw texts are the content's
    source, in order; None when the source cannot be matched."""
    root = Element(name="#inline", open="")
    stack = [root]
    cursor = 0
    in_autolink = False

    def take(raw_start: int, raw_end: int) -> str:
        nonlocal cursor
        cursor = raw_end
        return content[raw_start:raw_end]

    for child in children:
        kind = child.type
        here = stack[-1].children
        if in_autolink:  # its text and close are inside the `<...>` taken whole
            in_autolink = kind != "link_close"
            continue
        if kind in ("text", "text_special"):
            raw = child.markup if kind == "text_special" else child.content
            start = content.find(raw, cursor)
            if start < 0:
                return None
            if start > cursor:  # markup-it left out (spaces at a line's end)
                here.append(Text(content[cursor:start], content[cursor:start]))
            here.append(Text(take(start, start + len(raw)), child.content))
        elif kind == "softbreak":
            start = content.find("\n", cursor)
            if start < 0:
                return None
            here.append(Text(take(cursor, start + 1), " "))
        elif kind == "html_inline" and _HTML_OPEN.match(child.content):
            start = content.find(child.content, cursor)
            if start < 0:
                return None
            element = Element(name="html", open=take(start, start + len(child.content)), line=line)
            element.attrs["tag"] = _HTML_OPEN.match(child.content).group(1).lower()
            here.append(element)
            stack.append(element)
        elif (
            kind == "html_inline" and _HTML_CLOSE.match(child.content) and len(stack) > 1
            and stack[-1].name == "html" and stack[-1].attrs["tag"] == _HTML_CLOSE.match(child.content).group(1).lower()
        ):
            start = content.find(child.content, cursor)
            if start < 0:
                return None
            stack.pop().close = take(cursor, start + len(child.content))
        elif kind.endswith("_open") and kind[:-5] in _INLINE and child.markup != "autolink":
            name = kind[:-5]
            mark = "[" if name == "link" else child.markup
            start = content.find(mark, cursor)
            if start < 0:
                return None
            element = Element(name=name, open=take(start, start + len(mark)), line=line)
            here.append(element)
            stack.append(element)
        elif kind.endswith("_close") and kind[:-6] in _INLINE and len(stack) > 1 and stack[-1].name == kind[:-6]:
            element = stack.pop()
            if element.name == "link":
                end = _link_end(content, cursor)
            else:
                start = content.find(child.markup, cursor)
                end = -1 if start < 0 else start + len(child.markup)
            if end < 0:
                return None
            element.close = take(cursor, end)
        else:  # code, image, autolink, inline HTML, hard break: kept whole
            end = _atomic_end(content, cursor, child)
            if end is None:
                return None
            start = cursor
            here.append(Element(name=kind, open=take(start, end), line=line))
            in_autolink = child.markup == "autolink"
    while len(stack) > 1 and stack[-1].name == "html":  # a start tag never closed: kept whole
        element = stack.pop()
        parent = stack[-1].children
        parent.remove(element)
        parent.append(Element(name="html_inline", open=element.open, line=line))
        parent.extend(element.children)
    if len(stack) > 1:
        return None
    if cursor < len(content):
        root.children.append(Text(content[cursor:], content[cursor:]))
    return root.children


def _link_end(content: str, cursor: int) -> int:
    """The end of a link's closing source: `]`, then `(destination "title")`
    or `[label]` when there is one."""
    close = content.find("]", cursor)
    if close < 0:
        return -1
    after = close + 1
    if content.startswith("(", after):
        return _balanced(content, after, "(", ")")
    if content.startswith("[", after):
        end = content.find("]", after)
        return -1 if end < 0 else end + 1
    return after


def _balanced(content: str, start: int, opening: str, closing: str) -> int:
    """The end of a bracketed run starting at `start` (nesting, quotes and
    backslash escapes respected), or -1."""
    depth, index, quote = 0, start, None
    while index < len(content):
        char = content[index]
        if char == "\\":
            index += 2
            continue
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'" and depth == 1 and content[index - 1] in " \t\n":
            quote = char
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def _atomic_end(content: str, cursor: int, child) -> Optional[int]:
    kind = child.type
    if kind == "code_inline":
        start = content.find(child.markup, cursor)
        end = content.find(child.markup, start + len(child.markup)) if start >= 0 else -1
        return None if end < 0 else end + len(child.markup)
    if kind == "image":
        start = content.find("![", cursor)
        if start < 0:
            return None
        label_end = _balanced(content, start + 1, "[", "]")
        end = _link_end(content, label_end - 1) if label_end > 0 else -1
        return None if end < 0 else end
    if kind == "link_open":  # an autolink: <...>
        end = content.find(">", cursor)
        return None if end < 0 else end + 1
    if kind == "html_inline":
        start = content.find(child.content, cursor)
        return None if start < 0 else start + len(child.content)
    if kind == "hardbreak":
        end = content.find("\n", cursor)
        return None if end < 0 else end + 1
    return None
