"""A glossary: source terms and their agreed translations, matched on the
source Doc with spaCy's PhraseMatcher.

The file format is TSV, one entry per line: `source term<TAB>target term`;
empty lines and lines starting with `#` are skipped. Source terms are split
into words once, when the glossary is read (with the pipeline's tokenizer),
so a saved glossary needs no tokenizer to load.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import (
    Callable,
    Dict,
    Iterable,
    List,
    Literal,
    Sequence,
    Tuple,
    Union,
    get_args,
)

import srsly
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans
from spacy.vocab import Vocab

from ..errors import Errors
from .term import Term

# How source terms match the Doc: exactly, ignoring case, or by lemma (the
# glossary's words as lemmas, as glossaries list base forms: "chat" matches
# "chats"; needs a lemmatizer before the component).
GlossaryMatch = Literal["exact", "lower", "lemma"]
GLOSSARY_MATCHES: Tuple[str, ...] = get_args(GlossaryMatch)
_ATTRS = {"exact": "ORTH", "lower": "LOWER", "lemma": "LEMMA"}


@dataclass(frozen=True)
class GlossaryEntry:
    """source (Tuple[str, ...]): The source term's words. target (str): Its translation."""

    source: Tuple[str, ...]
    target: str


class Glossary:
    """Entries and, per vocabulary and match mode, the PhraseMatcher built
    from them (built on first use).

    entries (Sequence[GlossaryEntry]): One per source term; a later entry
        for the same source words replaces an earlier one.
    """

    def __init__(self, entries: Sequence[GlossaryEntry]):
        by_source: Dict[Tuple[str, ...], GlossaryEntry] = {}
        for entry in entries:
            by_source[entry.source] = entry
        self.entries: List[GlossaryEntry] = list(by_source.values())
        self._matchers: Dict[Tuple[int, str], Tuple[PhraseMatcher, Dict[str, str]]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glossary) and self.entries == other.entries

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[Tuple[str, str]], tokenize: Callable[[str], Doc]
    ) -> "Glossary":
        """From (source text, target text) pairs; `tokenize` is the
        pipeline's tokenizer (`nlp.tokenizer` or `nlp.make_doc`)."""
        entries = []
        for source, target in pairs:
            words = tuple(token.text for token in tokenize(source) if not token.is_space)
            entries.append(GlossaryEntry(source=words, target=target.strip()))
        return cls(entries)

    @classmethod
    def read_tsv(cls, path: Union[str, Path], tokenize: Callable[[str], Doc]) -> "Glossary":
        """Read a TSV glossary. A line without a tab, or with an empty side,
        is an error (E191) that names the line."""
        return cls.parse_tsv(read_tsv_text(path), tokenize, where=str(path))

    @classmethod
    def parse_tsv(cls, text: str, tokenize: Callable[[str], Doc], where: str = "<text>") -> "Glossary":
        """A glossary from the text of a TSV file (`where` names it in errors)."""
        pairs = []
        path = where
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            columns = line.split("\t")
            if len(columns) != 2:
                problem = f"expected 2 tab-separated columns, found {len(columns)}: {line[:60]!r}"
                raise ValueError(Errors.E191.format(path=path, line=number, problem=problem))
            source, target = (column.strip() for column in columns)
            if not source or not target:
                problem = f"an empty {'source' if not source else 'target'} term: {line[:60]!r}"
                raise ValueError(Errors.E191.format(path=path, line=number, problem=problem))
            pairs.append((source, target))
        return cls.from_pairs(pairs, tokenize)

    def to_bytes(self) -> bytes:
        return srsly.json_dumps({"entries": [[list(e.source), e.target] for e in self.entries]}).encode("utf8")

    @classmethod
    def from_bytes(cls, data: bytes) -> "Glossary":
        loaded = srsly.json_loads(data)
        return cls([GlossaryEntry(source=tuple(source), target=target) for source, target in loaded["entries"]])

    def find(self, doc: Doc, match: str) -> List[Term]:
        """The glossary's terms in the Doc: the longest matches, never two
        on the same tokens, in Doc order.

        match (str): "exact", "lower" or "lemma" (see `GlossaryMatch`).
        """
        if not self.entries:
            return []
        if match == "lemma" and not doc.has_annotation("LEMMA"):
            raise ValueError(Errors.E192.format())
        matcher, targets = self._matcher(doc.vocab, match)
        spans = [doc[start:end] for key, start, end in matcher(doc)]
        found = []
        for span in sorted(filter_spans(spans), key=lambda span: span.start):
            key = _key(span, match)
            if key in targets:
                found.append(Term(target=targets[key], start=span.start, end=span.end, origin="glossary"))
        return found

    def _matcher(self, vocab: Vocab, match: str) -> Tuple[PhraseMatcher, Dict[str, str]]:
        cached = self._matchers.get((id(vocab), match))
        if cached is not None:
            return cached
        matcher = PhraseMatcher(vocab, attr=_ATTRS[match])
        targets: Dict[str, str] = {}
        patterns = []
        for entry in self.entries:
            words = list(entry.source)
            variants = [words, [w.lower() for w in words]] if match == "lemma" else [words]
            for variant in variants:
                pattern = Doc(vocab, words=variant, lemmas=variant)
                patterns.append(pattern)
                targets.setdefault(_key(pattern[:], match), entry.target)
        matcher.add("GLOSSARY", patterns)
        self._matchers[(id(vocab), match)] = (matcher, targets)
        return matcher, targets


def read_tsv_text(path: Union[str, Path]) -> str:
    """The text of a glossary file, or E191 naming why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(Errors.E191.format(path=path, line=0, problem=str(error))) from None


def _key(span, match: str) -> str:
    """What identifies a matched span's entry under the match mode."""
    if match == "exact":
        return " ".join(token.text for token in span)
    if match == "lower":
        return " ".join(token.lower_ for token in span)
    return " ".join(token.lemma_ for token in span)
