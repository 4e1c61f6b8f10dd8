"""Teacher links for guided alignment, made from the training corpus itself.

The alignment head learns word alignment from another aligner's links
(docs/alignment.md). With `alignment_teacher = "eflomal"` the corpus reader
makes them on its first pass, with no links file to prepare:

- the words are those the model aligns: the source Doc's tokens (spaces
  left out) and the target split by the target language's tokenizer (the
  words decoding links to), or whitespace tokens on both sides with
  `pretokenized = true`;
- eflomal aligns each distinct pair once in both directions, and the two
  directions are symmetrized with grow-diag-final-and (the best eflomal
  combination on the RWTH gold, benchmarks/results/alignment_aer.md);
- the links are cached in `cache_dir`, in a file named by a checksum of
  the corpus text, the tokenizers and these settings: a second run on the
  same corpus reads them (no eflomal run), a changed corpus gets new ones.

eflomal has no seed, so links computed twice differ a little; the cache
also keeps a rerun's teacher the same.
"""

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from wasabi import msg

from ..alignment.aer import AlignmentFileError, parse_pharaoh_line
from ..alignment.eflomal import (
    MAX_EFLOMAL_WORDS,
    import_eflomal,
    run_eflomal_on_distinct_pairs,
)
from ..alignment.symmetrize import symmetrize
from ..errors import Errors
from ..pipeline.predictions import TargetWords

Link = Tuple[int, int]
SYMMETRIZATION = "grow-diag-final-and"
# Bump when the way links are made changes, so old cache files are not reused.
CACHE_VERSION = 1


def default_cache_dir() -> Path:
    """$SPACY_SEQ2SEQ_CACHE/teacher, else ~/.cache/spacy_seq2seq/teacher."""
    root = os.environ.get("SPACY_SEQ2SEQ_CACHE") or Path.home() / ".cache" / "spacy_seq2seq"
    return Path(root) / "teacher"


@dataclass
class TeacherPair:
    """One usable corpus record, split into the words the teacher aligns.

    number (int): The record's number in the corpus (as in `Record.number`).
    src_words, tgt_words (List[str]): The words of each side.
    src_tokens (List[int]): Doc token index of each source word (spaces
        are Doc tokens but not words).
    """

    number: int
    src_words: List[str]
    tgt_words: List[str]
    src_tokens: List[int]


@dataclass
class TeacherLinks:
    """Links per record number (pharaoh text, parsed on use), and counts."""

    lines: Dict[int, str]
    n_pairs: int
    n_unlinked: int
    n_too_long: int
    seconds: float
    cached: bool

    def links(self, number: int) -> Optional[List[Link]]:
        """The links of record `number`, None if the teacher did not see it."""
        line = self.lines.get(number)
        if line is None:
            return None
        return sorted(parse_pharaoh_line(line))


def source_words(doc: Doc) -> Tuple[List[str], List[int]]:
    """The non-space tokens of a Doc, and their token indices."""
    kept = [token for token in doc if not token.is_space and token.text.strip()]
    return [token.text for token in kept], [token.i for token in kept]


def target_splitter(nlp: Language, field: str, pretokenized: bool) -> Tuple[Callable[[str], List[str]], str]:
    """How targets become words, and a name for it (part of the cache key)."""
    if pretokenized:
        return str.split, "whitespace"
    for name, component in nlp.pipeline:
        settings = getattr(component, "settings", None)
        if getattr(component, "field", None) == field and hasattr(settings, "tgt_lang"):
            words = TargetWords(settings.tgt_lang)
            return (lambda text: words(text)[0]), f"spacy {spacy.__version__} blank {settings.tgt_lang}"
    raise ValueError(Errors.E154.format(field=field, names=", ".join(nlp.pipe_names) or "none"))


def corpus_checksum(texts: Iterable[Tuple[int, str, str]], settings: Sequence[str]) -> str:
    """sha256 over the settings and each (number, source, target) record."""
    digest = hashlib.sha256()
    for setting in settings:
        digest.update(setting.encode("utf8", "surrogatepass") + b"\x00")
    for number, src, tgt in texts:
        digest.update(f"{number}\t{src}\t{tgt}\n".encode("utf8", "surrogatepass"))
    return digest.hexdigest()


def tokenizer_fingerprint(nlp: Language, pretokenized: bool) -> str:
    """What the source words depend on: the tokenizer's rules, unless the
    source is pretokenized."""
    if pretokenized:
        return "whitespace"
    return hashlib.sha256(nlp.tokenizer.to_bytes(exclude=["vocab"])).hexdigest()


def teach(pairs: Sequence[TeacherPair]) -> Tuple[Dict[int, str], int, int]:
    """eflomal links for the pairs, symmetrized, in Doc token indices.

    RETURNS (Tuple[Dict[int, str], int, int]): Pharaoh text per record
        number, the pairs left without links, and those among them that
        were too long for eflomal.
    """
    import_eflomal()  # the coded error before any work
    too_long = {
        index for index, pair in enumerate(pairs)
        if len(pair.src_words) > MAX_EFLOMAL_WORDS or len(pair.tgt_words) > MAX_EFLOMAL_WORDS
    }
    aligned = [pair for index, pair in enumerate(pairs) if index not in too_long]
    forward, reverse, line_to_pair = run_eflomal_on_distinct_pairs(
        [" ".join(pair.src_words) for pair in aligned], [" ".join(pair.tgt_words) for pair in aligned],
    )
    symmetric = [symmetrize(f, r, SYMMETRIZATION) for f, r in zip(forward, reverse)]
    lines: Dict[int, str] = {pair.number: "" for pair in pairs}
    for pair, distinct in zip(aligned, line_to_pair):
        links = sorted((pair.src_tokens[i], j) for i, j in symmetric[distinct])
        lines[pair.number] = " ".join(f"{i}-{j}" for i, j in links)
    n_unlinked = sum(1 for line in lines.values() if not line)
    return lines, n_unlinked, len(too_long)


def read_cache(path: Path) -> TeacherLinks:
    try:
        data = json.loads(path.read_text(encoding="utf8"))
        lines = {int(number): str(line) for number, line in data["lines"].items()}
        for line in lines.values():
            parse_pharaoh_line(line)
        return TeacherLinks(
            lines=lines, n_pairs=int(data["n_pairs"]), n_unlinked=int(data["n_unlinked"]),
            n_too_long=int(data["n_too_long"]), seconds=float(data["seconds"]), cached=True,
        )
    except (ValueError, KeyError, TypeError, AlignmentFileError, UnicodeDecodeError) as error:
        raise ValueError(Errors.E155.format(path=path, problem=error)) from error


def write_cache(path: Path, links: TeacherLinks) -> None:
    """Write through a temporary file, so a killed run leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "lines": {str(number): line for number, line in links.lines.items()},
        "n_pairs": links.n_pairs, "n_unlinked": links.n_unlinked,
        "n_too_long": links.n_too_long, "seconds": links.seconds,
    }
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(data), encoding="utf8")
    partial.replace(path)


def teacher_links(
    texts: Sequence[Tuple[int, str, str]],
    split_pair: Callable[[int, str, str], TeacherPair],
    *,
    cache_dir: Path,
    settings: Sequence[str],
) -> TeacherLinks:
    """The teacher's links for a corpus, from the cache or made now.

    texts (Sequence[Tuple[int, str, str]]): (record number, source, target)
        of every usable record.
    split_pair (Callable): Makes a record's TeacherPair (its words).
    cache_dir (Path): Where cache files live.
    settings (Sequence[str]): Everything besides the text that the links
        depend on (tokenizers, teacher, symmetrization).
    RETURNS (TeacherLinks): The links and counts.
    """
    checksum = corpus_checksum(texts, [f"teacher cache v{CACHE_VERSION}", SYMMETRIZATION, *settings])
    path = Path(cache_dir) / f"eflomal-{checksum[:24]}.json"
    if path.is_file():
        links = read_cache(path)
        msg.info(f"Alignment teacher: links of {links.n_pairs} pairs read from the cache {path}")
        return links
    start = time.perf_counter()
    msg.info(f"Alignment teacher: aligning {len(texts)} training pairs with eflomal ({SYMMETRIZATION})")
    pairs = [split_pair(*record) for record in texts]
    lines, n_unlinked, n_too_long = teach(pairs)
    seconds = time.perf_counter() - start
    links = TeacherLinks(
        lines=lines, n_pairs=len(pairs), n_unlinked=n_unlinked, n_too_long=n_too_long,
        seconds=seconds, cached=False,
    )
    write_cache(path, links)
    msg.info(f"Alignment teacher: {len(pairs)} pairs aligned in {seconds:.1f} s; links cached in {path}")
    return links
