"""The one naming scheme for what a component with a given `field` writes.

A component with `field = "translation"` writes `doc._.translation`,
`doc._.translation_tokens`, ...; records written outside a Doc (corpus-scale
output, `translate --json`) use the same names as keys. Every place that needs
one of these names asks `FieldNames` instead of building `f"{field}_tokens"`
by hand, so a new role is added here once.

This module imports nothing else from the package: the CLI, readers,
alignment and the visualiser can all use it without pulling in torch.
"""

from dataclasses import dataclass
from typing import Dict

# Roles stored on the Doc (plain values that DocBin round-trips), and the
# suffix each adds to the field.
STORED_SUFFIXES: Dict[str, str] = {
    "text": "",
    "tokens": "_tokens",
    "alignment": "_alignment",
    "attention": "_attention",
    "nbest": "_nbest",
    "nbest_tokens": "_nbest_tokens",
    "nbest_alignment": "_nbest_alignment",
    "nbest_attention": "_nbest_attention",
    "copied": "_copied",
    "terms": "_terms",  # input: terms set on the Doc before the component runs
    "terms_used": "_terms_used",  # output: every term applied, and whether it was met
}
# Roles computed from the stored values (getters; nothing more is stored).
COMPUTED_SUFFIXES: Dict[str, str] = {
    "doc": "_doc",  # Doc extension: the output as a target-language Doc
    "attention_blocks": "_attention_blocks",  # Doc extension: the attention as stored blocks
    "aligned": "_aligned",  # Token extension: linked target word indices
    "projection": "_projection",  # Span extension: the projected target span
    "projection_report": "_projection_report",  # Doc extension: what the target Doc's annotations left out
}
# Keys that exist only in records written outside a Doc.
RECORD_SUFFIXES: Dict[str, str] = {"score": "_score"}
# Inputs set on spans by earlier components or by hand.
SPAN_INPUT_SUFFIXES: Dict[str, str] = {"span_term": "_term"}  # Span extension: an entity's target term

ALL_SUFFIXES: Dict[str, str] = {
    **STORED_SUFFIXES, **COMPUTED_SUFFIXES, **RECORD_SUFFIXES, **SPAN_INPUT_SUFFIXES,
}


@dataclass(frozen=True)
class FieldNames:
    """Every name a component with this field writes or computes.

    field (str): The component's `field` setting, e.g. "translation".
    """

    field: str

    @property
    def text(self) -> str:
        """The output text (the field itself)."""
        return self._name("text")

    @property
    def tokens(self) -> str:
        """Target words."""
        return self._name("tokens")

    @property
    def alignment(self) -> str:
        """(source token, target word) links."""
        return self._name("alignment")

    @property
    def attention(self) -> str:
        """Word-level attention rows."""
        return self._name("attention")

    @property
    def nbest(self) -> str:
        """(text, score) of each n-best output."""
        return self._name("nbest")

    @property
    def nbest_tokens(self) -> str:
        """Target words of each n-best output."""
        return self._name("nbest_tokens")

    @property
    def nbest_alignment(self) -> str:
        """Links of each n-best output."""
        return self._name("nbest_alignment")

    @property
    def nbest_attention(self) -> str:
        """Attention of each n-best output."""
        return self._name("nbest_attention")

    @property
    def copied(self) -> str:
        """Per target word, the source token it was copied from."""
        return self._name("copied")

    @property
    def terms(self) -> str:
        """Input: the terms the output must (not) contain, set before decoding."""
        return self._name("terms")

    @property
    def terms_used(self) -> str:
        """Every term applied (set, from the glossary, entities, numbers) and its outcome."""
        return self._name("terms_used")

    @property
    def span_term(self) -> str:
        """Span input: the target term of an entity (`span._.{field}_term`)."""
        return self._name("span_term")

    @property
    def doc(self) -> str:
        """Getter: the output as a target-language Doc."""
        return self._name("doc")

    @property
    def attention_blocks(self) -> str:
        """Getter: the word attention as its stored blocks (no dense matrix)."""
        return self._name("attention_blocks")

    @property
    def aligned(self) -> str:
        """Token getter: linked target word indices."""
        return self._name("aligned")

    @property
    def projection(self) -> str:
        """Span getter: the projected target span."""
        return self._name("projection")

    @property
    def projection_report(self) -> str:
        """Getter: counts of the annotations projected onto the output and
        of those that could not be placed."""
        return self._name("projection_report")

    @property
    def score(self) -> str:
        """Record key: the output's score."""
        return self._name("score")

    def _name(self, role: str) -> str:
        return self.field + ALL_SUFFIXES[role]

    def stored(self) -> Dict[str, str]:
        """The Doc extensions that hold values, keyed by role ("text",
        "tokens", "alignment", ...), in a fixed order."""
        return {role: self.field + suffix for role, suffix in STORED_SUFFIXES.items()}
