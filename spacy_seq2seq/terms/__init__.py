"""Terminology: terms the output must or must not contain, set on the Doc
or found from a glossary, entities and numbers (pure data on the pipeline
side; the search that meets them is `models/pytorch/terms.py`)."""

from .finding import TermOptions, find_terms, install_span_term, span_term_name
from .glossary import GLOSSARY_MATCHES, Glossary, GlossaryEntry, GlossaryMatch
from .term import Term, TermOutcome, normalize_terms

__all__ = [
    "GLOSSARY_MATCHES",
    "Glossary",
    "GlossaryEntry",
    "GlossaryMatch",
    "Term",
    "TermOptions",
    "TermOutcome",
    "find_terms",
    "install_span_term",
    "normalize_terms",
    "span_term_name",
]
