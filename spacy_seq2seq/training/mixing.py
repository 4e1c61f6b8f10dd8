"""A training corpus that mixes a share of old data into a new one.

Fine-tuning a trained pipeline on a new domain makes it forget the old one.
The usual remedy is to keep showing it some of the old data: this reader
yields every example of the new corpus once per pass and, spread evenly
between them, as many examples drawn from the old corpus as make up
`old_share` of the pass (`old_share = 0.2`: one old example in five).

The old examples are a seeded random sample of the old corpus (reservoir
sampling, so the old file is streamed, not loaded); a later pass draws
another sample. An old corpus smaller than the sample needed is repeated.
Each pass holds the new corpus and the old sample in memory, as
`spacy train` does anyway with `max_epochs = 0` (it reads the training
corpus once, into a list, and shuffles that list every epoch: then the old
sample is drawn once for the whole run).
"""

import inspect
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, List, Optional, Tuple

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import logger

from ..declarations import (
    give_signature,
    keyword_parameters,
    setting,
    settings_docstring,
)
from ..errors import Errors
from .readers import ParallelCorpus

Reader = Callable[[Language], Iterable[Example]]


@dataclass(frozen=True)
class MixingSettings:
    """How `MixedCorpus` mixes an old corpus into a new one. Checked on
    creation; the old corpus is read by `ParallelCorpus`, which checks
    `field` and `max_length`."""

    old_path: Optional[Path] = setting(
        None,
        "The old corpus: a TSV/JSONL/JSON file, or the source file of line-aligned plain text; "
        "needed when `old_share` > 0.",
    )
    old_tgt_path: Optional[Path] = setting(None, "The old corpus' target file, for plain-text pairs.")
    old_share: float = setting(
        0.0, "Share of every pass drawn from the old corpus, in [0, 1): 0 reads the new corpus only."
    )
    field: str = setting("translation", "The old targets go to `reference._.{field}`.")
    max_length: Optional[int] = setting(None, "Skip old pairs with more words than this on a side.")
    seed: int = setting(0, "Seeds the old samples (pass n uses seed + n).")

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """RAISES (ValueError): E085 or E086."""
        if not isinstance(self.old_share, (int, float)) or not 0.0 <= self.old_share < 1.0:
            raise ValueError(Errors.E085.format(value=self.old_share))
        if self.old_share > 0 and self.old_path is None:
            raise ValueError(Errors.E086.format(share=self.old_share))


MixingSettings.__doc__ = settings_docstring(MixingSettings, marks=False)


class MixedCorpus:
    """Every new example once per pass, with a share of old examples mixed in.

    new (Callable[[Language], Iterable[Example]]): The new-domain reader.
    **settings: The settings of `MixingSettings`, by name.
    """

    def __init__(self, new: Reader, **settings: Any) -> None:
        self.settings = MixingSettings(**settings)
        self.new = new
        self.old_share = float(self.settings.old_share)
        self.old: Optional[ParallelCorpus] = None
        if self.settings.old_path is not None:
            self.old = ParallelCorpus(
                self.settings.old_path, tgt_path=self.settings.old_tgt_path, field=self.settings.field,
                max_length=self.settings.max_length, on_malformed="skip",
            )
        self.seed = self.settings.seed
        self.n_passes = 0
        # (new, old) examples yielded by the most recent complete pass.
        self.last_counts: Optional[Tuple[int, int]] = None

    def __call__(self, nlp: Language) -> Iterator[Example]:
        """One pass: the new examples in their order, old ones spread between them."""
        new_examples = list(self.new(nlp))
        n_old = self.n_old_for(len(new_examples))
        old_examples: List[Example] = []
        if n_old:
            assert self.old is not None
            rng = random.Random(self.seed + self.n_passes)
            old_examples = sample_examples(self.old(nlp), n_old, rng)
        self.n_passes += 1
        yield from interleave(new_examples, old_examples)
        self.last_counts = (len(new_examples), len(old_examples))
        logger.info(
            "Mixed corpus, pass %d: %d new and %d old examples (old_share %.3f)",
            self.n_passes, len(new_examples), len(old_examples), self.old_share,
        )

    def n_old_for(self, n_new: int) -> int:
        """Old examples that make up `old_share` of a pass with n_new new ones."""
        if self.old is None or self.old_share == 0.0:
            return 0
        return round(n_new * self.old_share / (1.0 - self.old_share))


def sample_examples(examples: Iterable[Example], k: int, rng: random.Random) -> List[Example]:
    """k examples drawn at random without replacement (reservoir sampling:
    one pass, k held), in random order; a stream of m < k examples is
    repeated (each example k // m or k // m + 1 times)."""
    reservoir: List[Example] = []
    seen = 0
    for example in examples:
        seen += 1
        if len(reservoir) < k:
            reservoir.append(example)
        else:
            slot = rng.randrange(seen)
            if slot < k:
                reservoir[slot] = example
    if reservoir and len(reservoir) < k:
        copies = k // len(reservoir) + 1
        reservoir = (reservoir * copies)[:k]
    rng.shuffle(reservoir)
    return reservoir


def interleave(new: List[Example], old: List[Example]) -> Iterator[Example]:
    """All of `new` in order, with `old` spread evenly between them (after
    new example j, old examples up to round(j * len(old) / len(new)))."""
    if not new:
        yield from old
        return
    emitted = 0
    for j, example in enumerate(new, 1):
        yield example
        due = round(j * len(old) / len(new))
        while emitted < due:
            yield old[emitted]
            emitted += 1


def create_mixed_corpus_reader(new: Reader, **settings: Any) -> MixedCorpus:
    """Create a training reader that mixes a share of an old corpus into a
    new one, to limit forgetting when fine-tuning (docs/finetune.md). Takes
    `new`, the new-domain reader (a nested block, e.g. `[corpora.train.new]`
    with `@readers = "spacy-seq2seq.ParallelCorpus.v1"`), and one keyword
    per setting of `MixingSettings`, which declares and checks them; the
    signature and the list below are generated from it.

    RETURNS (MixedCorpus): A callable `(nlp) -> Iterator[Example]`; its
        `.last_counts` are the (new, old) examples of the last pass.
    """
    return MixedCorpus(new, **settings)


give_signature(
    create_mixed_corpus_reader,
    leading=[inspect.Parameter("new", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Reader)],
    settings=keyword_parameters(MixingSettings), returns=MixedCorpus,
)
create_mixed_corpus_reader.__doc__ = settings_docstring(
    MixingSettings, create_mixed_corpus_reader.__doc__, marks=False
)
spacy.registry.readers("spacy-seq2seq.MixedCorpus.v1")(create_mixed_corpus_reader)
