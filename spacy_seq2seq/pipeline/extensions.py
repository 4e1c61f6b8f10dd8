"""The Doc extensions a seq2seq component writes, one set per `field`.

For ``field = "translation"``:

- ``doc._.translation`` (str): the output text.
- ``doc._.translation_tokens`` (List[str]): the output split into target words.
- ``doc._.translation_alignment`` (List[Tuple[int, int]]): word alignment as
  ``(source_token_i, target_word_j)`` pairs, 0-based.
- ``doc._.translation_attention`` (Optional[List[List[float]]]): word-level
  attention, one row per target word, one column per source token. Stored
  as one block per decoded part (a long Doc's parts only attend to their
  own tokens; see `alignment/attention_blocks.py`), and built as dense rows
  on each read: for a long Doc read ``translation_attention_blocks``.
- ``doc._.translation_nbest`` (List[Tuple[str, float]]): the n-best outputs
  with their scores, best first (one entry unless ``n_best`` > 1).
- ``doc._.translation_nbest_tokens``, ``..._nbest_alignment``,
  ``..._nbest_attention``: the same three values for every n-best entry.
- ``doc._.translation_copied`` (Optional[List[int]]): with copy attention,
  per target word the source token it was copied from, -1 for a generated
  word; None for models without copy attention.
- ``doc._.translation_terms`` (Optional[List[dict]]): input, set before the
  component runs: terms the output must (not) contain (docs/terminology.md).
- ``doc._.translation_terms_used`` (List[dict]): every term applied, with
  whether it was met and the target words it became.
- ``span._.translation_term`` (input, default None): an entity's own target term.

Computed from those values (getters, nothing stored; see
`alignment/projection.py`):

- ``doc._.translation_attention_blocks`` (Optional[AttentionBlocks]): the
  attention as it is stored, one block per decoded part: it reads like the
  dense rows (``len``, ``[j]``, ``to_dense()``) without building them all.
- ``doc._.translation_doc`` (Optional[Doc]): the output as a Doc of the
  target language (a new Doc per access), carrying the source Doc's
  entities and ``doc.spans`` groups projected through the alignment.
- ``doc._.translation_projection_report`` (Optional[Dict]): how many of
  those annotations were projected, and how many could not be placed
  (unaligned, overlapping).
- ``token._.translation_aligned`` (List[int]): target word indices linked to
  this source token.
- ``span._.translation_projection`` (Optional[Span]): the target-side span
  covering the words linked to this source span (on a new target Doc; use
  `project_spans` to put many spans on one).

Why getters and setters instead of plain ``default=None`` extensions: values
must survive ``DocBin(store_user_data=True)`` and ``Doc.to_bytes`` unchanged, but
msgpack turns tuples into lists (``Doc.to_bytes``) or lists into tuples
(``DocBin``, which loads with ``use_list=False``). So the setter stores plain
lists, and the getter hands back one canonical shape whatever the storage went
through. The storage key is the one spaCy uses for plain extensions, so a Doc
written by this component and read where the package is not imported still
carries the raw values (the attention in the block form described in
`alignment/attention_blocks.py`).
"""

from typing import Any, Callable, Dict, List, Optional, Tuple

from spacy.tokens import Doc, Span, Token

from ..alignment.attention_blocks import AttentionBlocks, attention_rows
from ..alignment.projection import (
    aligned_targets,
    annotated_target_doc,
    project_span,
    projection_report,
    target_doc,
)
from ..errors import Errors
from ..names import STORED_SUFFIXES, FieldNames
from ..terms import install_span_term, normalize_terms

# The target language of each field, for the target Doc getters; set by the
# component that writes the field.
_TARGET_LANGS: Dict[str, str] = {}


def _storage_key(name: str) -> Tuple[str, str, None, None]:
    return ("._.", name, None, None)


def _normalize_text(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(Errors.E109.format(type=type(value).__name__))
    return value


def _normalize_tokens(value: Any) -> Optional[List[str]]:
    if value is None:
        return None
    tokens = [str(token) for token in value]
    return tokens


def _normalize_alignment(value: Any) -> Optional[List[Tuple[int, int]]]:
    if value is None:
        return None
    pairs = []
    for pair in value:
        source_i, target_j = pair
        pairs.append((int(source_i), int(target_j)))
    return pairs


def _normalize_attention(value: Any) -> Optional[List[List[float]]]:
    """Dense rows from any stored or given form (blocks, or rows written
    before attention was stored as blocks)."""
    return attention_rows(value)


def _store_attention(value: Any) -> Optional[dict]:
    """The block form (plain msgpack), whatever form the value came in."""
    blocks = AttentionBlocks.from_value(value)
    return None if blocks is None else blocks.to_storage()


def _normalize_copied(value: Any) -> Optional[List[int]]:
    if value is None:
        return None
    return [int(i) for i in value]


def _normalize_nbest(value: Any) -> Optional[List[Tuple[str, float]]]:
    if value is None:
        return None
    return [(str(text), float(score)) for text, score in value]


def _each(normalize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A normalizer for a list of values, one per n-best entry."""

    def normalize_each(value: Any) -> Any:
        return None if value is None else [normalize(item) for item in value]

    return normalize_each


# How each stored role's value is normalised (keyed by role, see names.py).
_NORMALIZERS: Dict[str, Callable[[Any], Any]] = {
    "text": _normalize_text,
    "tokens": _normalize_tokens,
    "alignment": _normalize_alignment,
    "attention": _normalize_attention,
    "nbest": _normalize_nbest,
    "nbest_tokens": _each(_normalize_tokens),
    "nbest_alignment": _each(_normalize_alignment),
    "nbest_attention": _each(_normalize_attention),
    "copied": _normalize_copied,
    "terms": normalize_terms,
    "terms_used": normalize_terms,
}
assert set(_NORMALIZERS) == set(STORED_SUFFIXES), "every stored role needs a normalizer"
# Roles whose stored form is not their normalised value: the attention is
# read as dense rows but stored as blocks (linear in a long Doc's length).
_STORERS: Dict[str, Callable[[Any], Any]] = {
    "attention": _store_attention,
    "nbest_attention": _each(_store_attention),
}


def _to_storage(value: Any) -> Any:
    """Plain lists all the way down (tuples become lists) for msgpack."""
    if isinstance(value, (list, tuple)):
        return [_to_storage(item) for item in value]
    return value


def _make_getter(name: str, normalize: Callable[[Any], Any]) -> Callable[[Doc], Any]:
    key = _storage_key(name)

    def getter(doc: Doc) -> Any:
        return normalize(doc.user_data.get(key))

    return getter


def _make_setter(
    name: str, normalize: Callable[[Any], Any]
) -> Callable[[Doc, Any], None]:
    key = _storage_key(name)

    def setter(doc: Doc, value: Any) -> None:
        doc.user_data[key] = _to_storage(normalize(value))

    return setter


def _get_attention_blocks(name: str) -> Callable[[Doc], Optional[AttentionBlocks]]:
    """The getter of `{field}_attention_blocks`: the stored attention, no dense rows."""
    key = _storage_key(name)

    def getter(doc: Doc) -> Optional[AttentionBlocks]:
        return AttentionBlocks.from_value(doc.user_data.get(key))

    return getter


def extension_names(field: str) -> Dict[str, str]:
    """The stored extension names for a field, keyed by role.

    field (str): The component's `field` setting, e.g. "translation".
    RETURNS (Dict[str, str]): {"text", "tokens", "alignment", "attention",
        "nbest", "nbest_tokens", "nbest_alignment", "nbest_attention",
        "copied"} -> name (see `names.FieldNames`).
    """
    return FieldNames(field).stored()


def install_extensions(field: str, tgt_lang: Optional[str] = None) -> None:
    """Register the Doc extensions for `field`; safe to call many times.

    An extension that already exists (e.g. `doc._.translation` from spacy-llm,
    a plain `default=None` extension) is left alone: it stores its value under
    the same user_data key, so both read and write the same data.

    field (str): The component's `field` setting.
    tgt_lang (Optional[str]): The output language; given, the target-side
        getters (`{field}_doc`, `{field}_projection_report`, `token._.{field}_aligned`,
        `span._.{field}_projection`) are registered too.
    """
    names = FieldNames(field)
    for role, name in names.stored().items():
        if not Doc.has_extension(name):
            Doc.set_extension(
                name,
                getter=_make_getter(name, _NORMALIZERS[role]),
                setter=_make_setter(name, _STORERS.get(role, _NORMALIZERS[role])),
            )
    install_span_term(field)
    if not Doc.has_extension(names.attention_blocks):
        Doc.set_extension(names.attention_blocks, getter=_get_attention_blocks(names.attention))
    if tgt_lang is None:
        return
    _TARGET_LANGS[field] = tgt_lang

    def get_target_doc(doc: Doc) -> Optional[Doc]:
        return annotated_target_doc(doc, field, _TARGET_LANGS[field])

    def get_report(doc: Doc) -> Optional[Dict[str, Dict[str, int]]]:
        return projection_report(doc, field, _TARGET_LANGS[field])

    def get_projection(span: Span) -> Optional[Span]:
        target = target_doc(span.doc, field, _TARGET_LANGS[field])
        return None if target is None else project_span(span, field, target)

    if not Doc.has_extension(names.doc):
        Doc.set_extension(names.doc, getter=get_target_doc)
    if not Doc.has_extension(names.projection_report):
        Doc.set_extension(names.projection_report, getter=get_report)
    if not Token.has_extension(names.aligned):
        Token.set_extension(names.aligned, getter=lambda token: aligned_targets(token, field))
    if not Span.has_extension(names.projection):
        Span.set_extension(names.projection, getter=get_projection)
