"""What the markup tests check in every output: structure read back with
the package's own parsers."""

from typing import List, Tuple

from spacy_seq2seq.markup.html import parse_html
from spacy_seq2seq.markup.tree import Element, Node


def elements(nodes: List[Node], path: Tuple[str, ...] = ()) -> List[Tuple[str, ...]]:
    """Every element as the start tags from the root down to it (its own
    last), sorted: the nesting, whatever order a translation gives siblings."""
    found = []
    for node in nodes:
        if isinstance(node, Element):
            found.append(path + (node.open,))
            found.extend(elements(node.children, path + (node.open,)))
    return sorted(found)


def html_structure(markup: str) -> List[Tuple[str, ...]]:
    """The elements of an HTML document, checking that it needed no repair."""
    nodes, repairs = parse_html(markup)
    assert repairs.notes == [], f"the output is not well formed: {repairs.notes}"
    return elements(nodes)
