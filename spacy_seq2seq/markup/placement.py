"""Putting a segment's inline elements back around the translated words.

Each element wrapped some source words; it is put around the output words
that belong to them by the projection rule of `alignment/projection.py`
(words linked only into the element's words, backed by the attention;
the smallest contiguous run covering them), read from the public links
`doc._.<field>_alignment`, so it works with every alignment method.

The output must nest as the input did, so an element is kept inside its
parent's output words (its range is clipped to them) and off its earlier
siblings' (an overlap is cut off). An element left with no word (nothing
aligned, or everything claimed by a sibling) is still written, empty, at
the place its neighbours' words point to, and reported: no element is
dropped. Atomic elements (`<br>`, `<img>`, inline code, comments) and
elements that wrapped no words are put at such a place too.
"""

from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from spacy.tokens import Doc

from ..alignment.projection import Projector, word_spaces
from ..names import FieldNames
from .segments import Inline, Segment


@dataclass
class Unplaced:
    """An element that had no output word to wrap, and where it was put."""

    where: str
    wrapped: str
    put: str

    def __str__(self) -> str:
        return f"{self.where} around {self.wrapped!r}: {self.put}"


@dataclass
class _Placed:
    """Where an element ended up: output words start..end-1, or (start == end
    and zero_width) an empty place before word `start`."""

    start: int
    end: int
    zero_width: bool


def place_segment(
    segment: Segment, doc: Doc, field: str, escape: Callable[[str], str], writes_empty: bool = True,
) -> Tuple[str, List[Unplaced], int]:
    """The segment's output as markup.

    segment (Segment): The segment (its text is `doc`'s text).
    doc (Doc): The translated Doc.
    field (str): The component's field.
    escape (Callable[[str], str]): Makes a word safe in the output format.
    writes_empty (bool): Whether an element with no words is written empty
        (else it is left out: Markdown has no empty emphasis).
    RETURNS (Tuple[str, List[Unplaced], int]): The markup, the elements put
        empty, and how many element ranges were cut to keep the nesting.
    """
    names = FieldNames(field)
    words = doc._.get(names.tokens) or []
    spaces = word_spaces(doc._.get(names.text) or "", words)
    placer = _Placer(segment, doc, Projector.for_doc(doc, field), len(words), writes_empty)
    places = placer.place_all()
    rendered = _render(segment.elements, places, [escape(word) for word in words], spaces, writes_empty)
    return rendered, placer.unplaced, placer.n_clipped


class _Placer:
    def __init__(self, segment: Segment, doc: Doc, projector: Projector, n_words: int, writes_empty: bool) -> None:
        self.segment = segment
        self.writes_empty = writes_empty
        self.projector = projector
        self.n_words = n_words
        # Source tokens (not spaces) and their character ranges.
        self.tokens = [(t.i, t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]
        self.unplaced: List[Unplaced] = []
        self.n_clipped = 0

    def place_all(self) -> List[_Placed]:
        places: List[_Placed] = []
        for element in self.segment.elements:
            places.append(self._place(element, places))
        return places

    def _bounds(self, element: Inline, places: List[_Placed]) -> Tuple[int, int]:
        if element.parent < 0:
            return 0, self.n_words
        parent = places[element.parent]
        return parent.start, parent.end

    def _place(self, element: Inline, places: List[_Placed]) -> _Placed:
        low, high = self._bounds(element, places)
        siblings = [
            places[k] for k, other in enumerate(self.segment.elements[: len(places)])
            if other.parent == element.parent and not places[k].zero_width
        ]
        tokens = self._token_range(element.start, element.end)
        found = None if element.atomic or tokens is None else self.projector.project(*tokens)
        if found is not None:
            start, end = max(found[0], low), min(found[1], high)
            for other in siblings:  # cut off what an earlier sibling holds
                if other.start < end and start < other.end:
                    if other.start <= start:
                        start = other.end
                    else:
                        end = other.start
            if (start, end) != found:
                self.n_clipped += 1
            if start < end:
                return _Placed(start, end, zero_width=False)
        position = self._position(element.start, low, high, siblings)
        if not element.atomic and tokens is not None:
            self.unplaced.append(Unplaced(
                where=element.where, wrapped=self.segment.text[element.start : element.end],
                put=self._describe(position),
            ))
        return _Placed(position, position, zero_width=True)

    def _token_range(self, start: int, end: int) -> Optional[Tuple[int, int]]:
        inside = [i for i, token_start, token_end in self.tokens if token_start < end and start < token_end]
        return (inside[0], inside[-1] + 1) if inside else None

    def _position(self, char: int, low: int, high: int, siblings: List[_Placed]) -> int:
        """Where a zero-width element goes: after the output words of the
        nearest source token before it that has any, else before those of
        the nearest one after it; inside its parent, outside its siblings."""
        before = [i for i, _, end in self.tokens if end <= char]
        after = [i for i, start, _ in self.tokens if start >= char]
        position = None
        for i in reversed(before):
            found = self.projector.project(i, i + 1)
            if found is not None:
                position = found[1]
                break
        if position is None:
            for i in after:
                found = self.projector.project(i, i + 1)
                if found is not None:
                    position = found[0]
                    break
        position = min(max(low, low if position is None else position), high)
        for other in siblings:
            if other.start < position < other.end:
                position = other.end
        return position

    def _describe(self, position: int) -> str:
        done = "put empty" if self.writes_empty else "left out (this format cannot write it empty), its place"
        if self.n_words == 0:
            return f"{done} (the output has no words)"
        if position == 0:
            return f"{done} at the start of the output"
        return f"{done} after output word {position - 1}"


def _render(
    elements: List[Inline], places: List[_Placed], words: List[str], spaces: List[bool], writes_empty: bool,
) -> str:
    children: List[List[int]] = [[] for _ in range(len(elements) + 1)]
    for index, element in enumerate(elements):
        children[element.parent + 1].append(index)
    out: List[str] = []

    def emit_words(start: int, end: int, space_after_last: bool) -> None:
        for j in range(start, end):
            out.append(words[j])
            if spaces[j] and (j + 1 < end or space_after_last):
                out.append(" ")

    def render(parent: int, low: int, high: int) -> None:
        order = sorted(children[parent + 1], key=lambda k: (places[k].start, not places[k].zero_width, k))
        cursor = low
        for index in order:
            place, element = places[index], elements[index]
            emit_words(cursor, place.start, True)
            cursor = max(cursor, place.start)
            if place.zero_width and element.atomic:
                out.append(element.open)
                if place.start < high and len(out) > 1 and out[-2].endswith(" "):
                    out.append(" ")  # it stood between two words: keep them apart
                continue
            if place.zero_width:  # written empty, with its own (empty) children
                out.append(element.open if writes_empty else "")
                render(index, place.start, place.start)
                out.append(element.close if writes_empty else "")
                continue
            out.append(element.open)
            render(index, place.start, place.end)
            out.append(element.close)
            if spaces[place.end - 1] and place.end < high:
                out.append(" ")
            cursor = place.end
        emit_words(cursor, high, False)

    render(-1, 0, len(words))
    return "".join(out)
