"""The markup formats: how each is parsed into raw source and segments,
and how an output word is written in it."""

from dataclasses import dataclass
from typing import Callable, Dict, List, Tuple

from ..errors import Errors
from .html import classify_html, parse_html
from .segments import Part, segment_tree
from .xml import parse_xml


@dataclass(frozen=True)
class Format:
    """One markup format.

    parse (Callable[[str], Tuple[List[Part], List[str]]]): The document as
        raw source and segments, and the notes on what was repaired.
    escape (Callable[[str], str]): An output word, written safely.
    writes_empty (bool): Whether an element can be written with nothing
        inside (`<b></b>`); Markdown cannot (`****` is not empty bold), so
        there an element with no words is left out, and reported.
    """

    parse: Callable[[str], Tuple[List[Part], List[str]]]
    escape: Callable[[str], str]
    writes_empty: bool = True


def _parse_html(source: str) -> Tuple[List[Part], List[str]]:
    nodes, repairs = parse_html(source)
    return segment_tree(nodes, classify_html), repairs.notes


def _parse_xml(source: str) -> Tuple[List[Part], List[str]]:
    nodes, classify = parse_xml(source)
    classify.mark(nodes)
    return segment_tree(nodes, classify), []


def escape_html(word: str) -> str:
    """&, < and > as entities, and a no-break space as `&nbsp;`."""
    return escape_xml(word).replace("\xa0", "&nbsp;")


def escape_xml(word: str) -> str:
    return word.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _parse_markdown(source: str) -> Tuple[List[Part], List[str]]:
    from .markdown import parse_markdown

    return parse_markdown(source)


def _escape_markdown(word: str) -> str:
    from .markdown import escape_markdown

    return escape_markdown(word)


FORMATS: Dict[str, Format] = {
    "html": Format(_parse_html, escape_html),
    "xml": Format(_parse_xml, escape_xml),
    "markdown": Format(_parse_markdown, _escape_markdown, writes_empty=False),
}


def get_format(name: str) -> Format:
    """The format called `name`, or a coded error listing the valid ones."""
    if name not in FORMATS:
        raise ValueError(Errors.E171.format(format=name, formats=", ".join(FORMATS)))
    return FORMATS[name]
