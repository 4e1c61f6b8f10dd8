"""What a term is: a target phrase the output must (or must not) contain,
tied to the source tokens it translates when it has them.

Plain data, no torch and no spaCy pipeline: terms are read from the Doc
(`doc._.{field}_terms`), from a glossary, from entities and numbers
(`finding.py`), and written back as `doc._.{field}_terms_used`.
"""

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ..errors import Errors

# Where a term came from, in order of precedence when two cover the same tokens.
ORIGINS: Tuple[str, ...] = ("doc", "entity", "glossary", "verbatim")


@dataclass(frozen=True)
class Term:
    """One term of one Doc.

    target (str): The target phrase, as text (encoded with the target
        vocabulary at decoding time).
    start, end (Optional[int]): The source tokens it translates (Doc token
        indices, end exclusive); None for a term not tied to source tokens.
    negative (bool): The phrase must not appear (instead of must).
    origin (str): Where it came from: "doc" (set on the Doc), "entity",
        "glossary" or "verbatim" (an entity or number kept as it is).
    """

    target: str
    start: Optional[int] = None
    end: Optional[int] = None
    negative: bool = False
    origin: str = "doc"

    @property
    def span(self) -> Optional[Tuple[int, int]]:
        return None if self.start is None or self.end is None else (self.start, self.end)

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def coerce(cls, value: Any, *, name: str = "seq2seq_attn") -> "Term":
        """A Term from what a user may set on the Doc: a Term, a dict with
        the Term's keys, or a plain string (a positive term, no source span)."""
        if isinstance(value, Term):
            return value
        if isinstance(value, str):
            return cls(target=value)
        if isinstance(value, dict) and isinstance(value.get("target"), str):
            unknown = set(value) - {"target", "start", "end", "negative", "origin"}
            if not unknown:
                start, end = value.get("start"), value.get("end")
                return cls(
                    target=value["target"], start=None if start is None else int(start),
                    end=None if end is None else int(end), negative=bool(value.get("negative", False)),
                    origin=str(value.get("origin", "doc")),
                )
        raise TypeError(Errors.E190.format(name=name, value=repr(value)[:80]))


@dataclass
class TermOutcome:
    """A term as applied to one Doc's output (`doc._.{field}_terms_used`).

    term (Term): The term.
    met (Optional[bool]): For a positive term, whether the output contains
        it; for a negative one, whether the output is free of it; None when
        the term was skipped.
    target_words (List[int]): The output words it became (positive terms).
    skipped (Optional[str]): Why it was not applied (see the W055 warning),
        None when it was.
    """

    term: Term
    met: Optional[bool] = None
    target_words: List[int] = field(default_factory=list)
    skipped: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        return {**self.term.to_dict(), "met": self.met, "target_words": list(self.target_words),
                "skipped": self.skipped}


def normalize_terms(value: Any) -> Optional[List[Dict[str, Any]]]:
    """The stored form of `{field}_terms` / `{field}_terms_used`: a list of
    plain dicts (what DocBin and Doc.to_bytes round-trip)."""
    if value is None:
        return None
    items = []
    for item in value:
        if isinstance(item, (Term, TermOutcome)):
            items.append(item.to_dict())
        elif isinstance(item, str):
            items.append(Term(target=item).to_dict())
        elif isinstance(item, dict):
            items.append({key: list(v) if isinstance(v, tuple) else v for key, v in item.items()})
        else:
            raise TypeError(Errors.E190.format(name="seq2seq_attn", value=repr(item)[:80]))
    return items
