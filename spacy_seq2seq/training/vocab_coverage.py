"""How well a trained component's vocabularies cover a new corpus.

A fine-tuned pipeline keeps the SentencePiece vocabularies it was trained
with (learning new ones would throw the weights away). Text of a new domain
is still encoded, but characters the old vocabularies never saw become the
unknown piece, and the model can neither read nor write them. That must not
happen silently: `measure_vocab_coverage` counts, for each side, the pieces
and words that map to unknown, with the commonest such words as examples,
and the `spacy-seq2seq.vocab_coverage_report.v1` callback (for
`[initialize.after_init]` of a fine-tuning config) logs the report before
training starts and warns (W017) when anything maps to unknown.

Pieces per word is reported next to it: a new domain's words that the old
vocabulary only covers in many small pieces are harder to learn, though not
unknown.
"""

import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from spacy.language import Language
from spacy.training import Example
from spacy.util import logger, registry, resolve_dot_names

from ..errors import Errors, Warnings
from ..pipeline.source_encoding import source_text
from ..pipeline.train_batch import gold_target
from ..vocab import UNK_ID, PieceVocab


@dataclass
class SideCoverage:
    """Counts for one side (source or target) of a corpus."""

    side: str
    n_words: int = 0
    n_pieces: int = 0
    n_unknown_pieces: int = 0
    n_unknown_words: int = 0
    # Words with at least one unknown piece, by frequency.
    unknown_words: Counter = field(default_factory=Counter)

    @property
    def unknown_piece_rate(self) -> float:
        return self.n_unknown_pieces / self.n_pieces if self.n_pieces else 0.0

    @property
    def unknown_word_rate(self) -> float:
        return self.n_unknown_words / self.n_words if self.n_words else 0.0

    @property
    def pieces_per_word(self) -> float:
        return self.n_pieces / self.n_words if self.n_words else 0.0

    def examples(self, n: int) -> List[Tuple[str, int]]:
        """The n commonest words with unknown pieces, with their counts."""
        return self.unknown_words.most_common(n)

    def add_word(self, word: str, ids: List[int]) -> None:
        n_unknown = sum(1 for i in ids if i == UNK_ID)
        self.n_words += 1
        self.n_pieces += len(ids)
        if n_unknown:
            self.n_unknown_pieces += n_unknown
            self.n_unknown_words += 1
            self.unknown_words[word] += 1

    def summary(self, n_examples: int) -> str:
        text = (
            f"{self.side}: {self.n_unknown_pieces:,} of {self.n_pieces:,} pieces "
            f"({100 * self.unknown_piece_rate:.3f}%) are unknown, in "
            f"{self.n_unknown_words:,} of {self.n_words:,} words "
            f"({100 * self.unknown_word_rate:.3f}%; {len(self.unknown_words):,} distinct); "
            f"{self.pieces_per_word:.2f} pieces per word"
        )
        if self.unknown_words:
            shown = ", ".join(f"{word!r} x{count}" for word, count in self.examples(n_examples))
            text += f"; e.g. {shown}"
        return text

    def to_dict(self, n_examples: int) -> Dict:
        return {
            "words": self.n_words, "pieces": self.n_pieces,
            "unknown_pieces": self.n_unknown_pieces, "unknown_words": self.n_unknown_words,
            "distinct_unknown_words": len(self.unknown_words),
            "unknown_piece_rate": self.unknown_piece_rate,
            "unknown_word_rate": self.unknown_word_rate,
            "pieces_per_word": self.pieces_per_word,
            "examples": [[word, count] for word, count in self.examples(n_examples)],
        }


@dataclass
class VocabCoverage:
    """Both sides of a corpus, against one component's vocabularies."""

    component: str
    n_examples: int
    source: SideCoverage
    target: SideCoverage

    @property
    def has_unknown(self) -> bool:
        return bool(self.source.n_unknown_pieces or self.target.n_unknown_pieces)

    def summary(self, n_examples: int = 10) -> str:
        return (
            f"Vocabulary coverage of '{self.component}' on {self.n_examples:,} examples: "
            f"{self.source.summary(n_examples)}. {self.target.summary(n_examples)}."
        )

    def to_dict(self, n_examples: int = 10) -> Dict:
        return {
            "component": self.component, "examples": self.n_examples,
            "source": self.source.to_dict(n_examples), "target": self.target.to_dict(n_examples),
        }


def measure_vocab_coverage(
    pipe, examples: Iterable[Example], *, limit: Optional[int] = None
) -> VocabCoverage:
    """Count the pieces and words of the examples that the component's
    vocabularies map to unknown, encoded as the component encodes them
    (source: token by token; target: the gold text, word by word).

    pipe (Seq2SeqAttn): An initialised component.
    examples (Iterable[Example]): Pairs with the gold output in
        `example.reference._.{field}`.
    limit (Optional[int]): Read at most this many examples.
    RETURNS (VocabCoverage): The counts.
    """
    if not pipe.is_initialized:
        raise ValueError(Errors.E087.format(name=pipe.name))
    src_pieces: PieceVocab = pipe.src_pieces
    tgt_pieces: PieceVocab = pipe.tgt_pieces
    line_break = pipe.settings.src_line_break
    source, target = SideCoverage("source"), SideCoverage("target")
    # Words repeat a lot (Zipf): encode each distinct target word once.
    target_ids: Dict[str, List[int]] = {}
    n_examples = 0
    for index, example in enumerate(examples):
        if limit is not None and n_examples >= limit:
            break
        n_examples += 1
        for token in example.x:
            text = source_text(token, line_break)
            if text is not None:
                source.add_word(text, src_pieces.encode_token(text))
        for word in gold_target(example, index, field=pipe.field, name=pipe.name).split():
            ids = target_ids.get(word)
            if ids is None:
                ids = target_ids[word] = tgt_pieces.encode_text(word)
            target.add_word(word, ids)
    return VocabCoverage(pipe.name, n_examples, source, target)


def report_vocab_coverage(coverage: VocabCoverage, n_examples: int = 10) -> None:
    """Log the report (spaCy's logger, shown by `spacy train`); warn (W017)
    when anything maps to unknown."""
    logger.info(coverage.summary(n_examples))
    if coverage.has_unknown:
        warnings.warn(Warnings.W017.format(
            name=coverage.component, summary=coverage.summary(n_examples),
        ))


@registry.callbacks("spacy-seq2seq.vocab_coverage_report.v1")
def create_vocab_coverage_report(
    component: str = "seq2seq_attn",
    corpus: str = "corpora.train",
    limit: Optional[int] = None,
    n_examples: int = 10,
) -> Callable[[Language], Language]:
    """An `[initialize.after_init]` callback: before training, report how
    well the (sourced) component's vocabularies cover the training corpus.

    component (str): The component's name in the pipeline.
    corpus (str): The dot name of the reader in the config; a mixing reader
        (spacy-seq2seq.MixedCorpus.v1) is measured on its new corpus only.
    limit (Optional[int]): Read at most this many examples (null: all).
    n_examples (int): How many unknown words to quote per side.
    RETURNS (Callable[[Language], Language]): The callback.
    """

    def vocab_coverage_report(nlp: Language) -> Language:
        if component not in nlp.component_names:
            raise ValueError(Errors.E088.format(name=component, names=", ".join(nlp.component_names)))
        pipe = nlp.get_pipe(component)  # disabled while spaCy initializes the others
        (reader,) = resolve_dot_names(nlp.config.interpolate(), [corpus])
        reader = getattr(reader, "new", reader)
        coverage = measure_vocab_coverage(pipe, reader(nlp), limit=limit)
        report_vocab_coverage(coverage, n_examples)
        return nlp

    return vocab_coverage_report
