"""What one rendered document shows: source tokens, target words, the
word-level attention between them and the alignment links.

The values are read from the Doc extensions the component writes
(`doc._.{field}_tokens`, `_attention`, `_alignment`). They are read through
the same user_data keys the extensions store them under, so a Doc loaded from
a DocBin renders even where the component was never added to a pipeline.
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ..alignment.attention_blocks import attention_rows
from ..errors import Errors
from ..names import FieldNames


@dataclass(frozen=True)
class AttentionView:
    """One source/target pair, ready to render.

    source (List[str]): Source token texts.
    source_spaces (List[bool]): Whether each source token is followed by a space.
    target (List[str]): Target word texts.
    attention (Optional[List[List[float]]]): One row per target word, one
        column per source token; None when the model stored no attention.
    alignment (List[Tuple[int, int]]): (source_i, target_j) links, 0-based.
    title (str): A caption for the pair (the output text by default).
    """

    source: List[str]
    source_spaces: List[bool]
    target: List[str]
    attention: Optional[List[List[float]]]
    alignment: List[Tuple[int, int]]
    title: str = ""

    @property
    def weights(self) -> List[List[float]]:
        """The attention, or the alignment links as 0/1 weights when there is no
        attention (`store_attention = false`), so hovering still shows links."""
        if self.attention is not None:
            return self.attention
        weights = [[0.0] * len(self.source) for _ in self.target]
        for source_i, target_j in self.alignment:
            weights[target_j][source_i] = 1.0
        return weights


def _stored(doc: Doc, name: str) -> Any:
    """The raw value of `doc._.{name}`, whether or not the extension exists here."""
    if Doc.has_extension(name):
        return doc._.get(name)
    return doc.user_data.get(("._.", name, None, None))


def view_from_doc(doc: Doc, field: str) -> AttentionView:
    """Read a Doc the seq2seq_attn component (with this `field`) has processed.

    doc (Doc): The source Doc.
    field (str): The component's `field` setting, e.g. "translation".
    RETURNS (AttentionView): What to render.
    """
    names = FieldNames(field)
    target = _stored(doc, names.tokens)
    if target is None:
        raise ValueError(Errors.E015.format(field=field, text=doc.text[:40]))
    attention = _stored(doc, names.attention)
    alignment = _stored(doc, names.alignment) or []
    text = _stored(doc, names.text) or ""
    return _checked(AttentionView(
        source=[token.text for token in doc],
        source_spaces=[bool(token.whitespace_) for token in doc],
        target=[str(word) for word in target],
        # Stored as blocks (or dense rows, in Docs written before them): the
        # page shows the whole matrix, so it is built here.
        attention=attention_rows(attention),
        alignment=[(int(i), int(j)) for i, j in alignment],
        title=str(text),
    ))


def view_from_dict(data: Mapping[str, Any]) -> AttentionView:
    """A pair given by hand (`manual=True`), e.g. from another aligner.

    data (Mapping[str, Any]): "source" and "target" (lists of words), and
        "attention" (target rows x source columns) and/or "alignment"
        ((source_i, target_j) pairs); optional "title".
    RETURNS (AttentionView): What to render.
    """
    missing = [key for key in ("source", "target") if key not in data]
    if missing or ("attention" not in data and "alignment" not in data):
        raise ValueError(Errors.E016.format(keys=sorted(data)))
    source = [str(word) for word in data["source"]]
    attention = data.get("attention")
    return _checked(AttentionView(
        source=source,
        source_spaces=[True] * len(source),
        target=[str(word) for word in data["target"]],
        attention=None if attention is None else [[float(w) for w in row] for row in attention],
        alignment=[(int(i), int(j)) for i, j in data.get("alignment") or []],
        title=str(data.get("title", "")),
    ))


def _checked(view: AttentionView) -> AttentionView:
    """Shapes must agree, or the page would highlight the wrong words."""
    n_source, n_target = len(view.source), len(view.target)
    if view.attention is not None:
        widths = sorted({len(row) for row in view.attention})
        if len(view.attention) != n_target or any(width != n_source for width in widths):
            raise ValueError(Errors.E017.format(
                rows=len(view.attention), columns=widths, n_target=n_target, n_source=n_source,
            ))
    for source_i, target_j in view.alignment:
        if not (0 <= source_i < n_source and 0 <= target_j < n_target):
            raise ValueError(Errors.E018.format(
                link=(source_i, target_j), n_source=n_source, n_target=n_target,
            ))
    return view


def views_from(docs: Any, field: str, manual: bool) -> List[AttentionView]:
    """One view per Doc (or dict, with manual=True); a single item is a list of one."""
    items: Sequence[Any] = [docs] if isinstance(docs, (Doc, Mapping)) else list(docs)
    if manual:
        return [view_from_dict(item) for item in items]
    wrong = [type(item).__name__ for item in items if not isinstance(item, Doc)]
    if wrong:
        raise TypeError(Errors.E019.format(type=wrong[0]))
    return [view_from_doc(doc, field) for doc in items]


# Decimal places of the weights the page's script receives (a small page).
PAGE_WEIGHT_DIGITS = 4


def view_payload(view: AttentionView) -> Dict[str, Any]:
    """The JSON the page's script reads: weights rounded for a small page."""
    return {
        "weights": [[round(w, PAGE_WEIGHT_DIGITS) for w in row] for row in view.weights],
        "links": [list(link) for link in view.alignment],
    }
