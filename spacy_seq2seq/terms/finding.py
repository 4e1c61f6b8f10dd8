"""Which terms apply to a Doc: those set on it, and those the component
finds itself (entities carrying a target term, glossary matches, entities
and numbers kept verbatim).

A found term applies only where its source matches, and two terms never
claim the same source tokens: terms set on the Doc come first, then
entities' own terms, then the glossary, then verbatim entities and numbers.
"""

from dataclasses import dataclass
from typing import List, Optional, Set, Tuple

from spacy.tokens import Doc, Span

from ..errors import Errors
from ..names import FieldNames
from .glossary import Glossary
from .term import Term


@dataclass(frozen=True)
class TermOptions:
    """How the component finds terms (its settings of the same names).

    glossary_match (str): "exact", "lower" or "lemma".
    entity_ids_as_terms (bool): An entity's `ent_id_` (an EntityRuler
        pattern's `id`) is its target term.
    verbatim_labels (Tuple[str, ...]): Entities with these labels are kept
        as they are written.
    verbatim_numbers (bool): Tokens that look like numbers and contain a
        digit ("2010", "3,5") are kept as they are written.
    """

    glossary_match: str = "lower"
    entity_ids_as_terms: bool = False
    verbatim_labels: Tuple[str, ...] = ()
    verbatim_numbers: bool = False


def install_span_term(field: str) -> None:
    """`span._.{field}_term`: a target term set on an entity (or any span
    in `doc.ents`) by an earlier component or by hand."""
    name = span_term_name(field)
    if not Span.has_extension(name):
        Span.set_extension(name, default=None)


def span_term_name(field: str) -> str:
    return FieldNames(field).span_term


def find_terms(
    doc: Doc, *, field: str, glossary: Optional[Glossary], options: TermOptions, name: str = "seq2seq_attn"
) -> List[Term]:
    """Every term of the Doc, in order of precedence (see the module docstring).

    RAISES (ValueError): E193 for a term set on the Doc whose source span is
        outside the Doc or empty.
    """
    names = FieldNames(field)
    terms = [Term.coerce(value, name=name) for value in (doc._.get(names.terms) or [])]
    for term in terms:
        if (term.start is None) != (term.end is None) or (
            term.span is not None and not 0 <= term.start < term.end <= len(doc)  # type: ignore[operator]
        ):
            raise ValueError(Errors.E193.format(name=name, target=term.target, start=term.start,
                                                end=term.end, n_tokens=len(doc)))
    taken: Set[int] = set()
    for term in terms:
        if term.span is not None and not term.negative:
            taken.update(range(*term.span))
    candidates: List[Term] = []
    candidates.extend(_entity_terms(doc, field, options))
    if glossary is not None:
        candidates.extend(glossary.find(doc, options.glossary_match))
    candidates.extend(_verbatim_terms(doc, options))
    for term in candidates:
        assert term.span is not None
        tokens = set(range(*term.span))
        if tokens & taken:
            continue
        taken.update(tokens)
        terms.append(term)
    return terms


def _entity_terms(doc: Doc, field: str, options: TermOptions) -> List[Term]:
    attribute = span_term_name(field)
    found = []
    for ent in doc.ents:
        target = ent._.get(attribute) if Span.has_extension(attribute) else None
        if not target and options.entity_ids_as_terms:
            target = ent.ent_id_
        if target:
            found.append(Term(target=str(target), start=ent.start, end=ent.end, origin="entity"))
    return found


def _verbatim_terms(doc: Doc, options: TermOptions) -> List[Term]:
    found = []
    if options.verbatim_labels:
        labels = set(options.verbatim_labels)
        for ent in doc.ents:
            if ent.label_ in labels and ent.text.strip():
                found.append(Term(target=ent.text, start=ent.start, end=ent.end, origin="verbatim"))
    if options.verbatim_numbers:
        for token in doc:
            # like_num alone would keep number words ("deux") untranslated.
            if token.like_num and any(char.isdigit() for char in token.text):
                found.append(Term(target=token.text, start=token.i, end=token.i + 1, origin="verbatim"))
    return found
