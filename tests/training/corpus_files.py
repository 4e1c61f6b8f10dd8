"""Small parallel corpora written to disk, shared by the corpus reader's
tests (reader, format detection, statistics, DocBin)."""

from pathlib import Path
from typing import List, Tuple

from spacy.training import Example

PAIRS = [
    ("Bonjour le monde.", "Hello world."),
    ("Il fait beau aujourd'hui.", "The weather is nice today."),
    ("Je suis fatigué.", "I am tired."),
]


def write(path: Path, text: str) -> Path:
    """Write `text` as UTF-8 bytes (no newline translation) and return the path."""
    path.write_bytes(text.encode("utf-8"))
    return path


def tsv(pairs: List[Tuple[str, str]]) -> str:
    """One `source<TAB>target` line per pair."""
    return "".join(f"{src}\t{tgt}\n" for src, tgt in pairs)


def pairs_of(examples: List[Example]) -> List[Tuple[str, str]]:
    """(source text, target translation) of each Example."""
    return [(eg.reference.text, eg.reference._.translation) for eg in examples]
