"""The parsed document: a tree of elements, text and opaque pieces, each
holding the exact source text it came from.

Every parser (HTML, XML) cuts the source into consecutive pieces, so the
raw texts of a tree's nodes, in order, are the source itself: what is not
translated is written back byte for byte. Only a repaired document differs,
and only where it was repaired (a close tag the source left out is
written as `</name>`).
"""

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union


@dataclass
class Text:
    """A run of character data.

    raw (str): As in the source (entities and all).
    value (str): What it says (entities decoded).
    """

    raw: str
    value: str


@dataclass
class Opaque:
    """Source kept as it is wherever it stands: a comment, a declaration, a
    processing instruction, a CDATA section."""

    raw: str


@dataclass
class Element:
    """An element and what it holds.

    name (str): Its name (lower case for HTML).
    open (str): Its start tag exactly as in the source.
    close (str): Its end tag as in the source; `</name>` where the source
        left it out (repaired); "" for void and self-closed elements.
    attrs (Dict[str, Optional[str]]): Its attributes, for classification only.
    children (List[Node]): What it holds, in order.
    line (int): The line of its start tag (1-based), for messages.
    """

    name: str
    open: str
    close: str = ""
    attrs: Dict[str, Optional[str]] = field(default_factory=dict)
    children: List["Node"] = field(default_factory=list)
    line: int = 1

    @property
    def raw(self) -> str:
        """The whole element as written back untouched."""
        return self.open + "".join(node.raw for node in self.children) + self.close

    def describe(self) -> str:
        """How messages name it: its start tag and line."""
        tag = self.open if len(self.open) <= 60 else self.open[:57] + "..."
        return f"{tag} (line {self.line})"


Node = Union[Text, Opaque, Element]


def raw_text(nodes: List[Node]) -> str:
    """The source text of a list of nodes."""
    return "".join(node.raw for node in nodes)


def count_elements(nodes: List[Node]) -> int:
    """Elements in a forest, nested ones included."""
    return sum(1 + count_elements(node.children) for node in nodes if isinstance(node, Element))
