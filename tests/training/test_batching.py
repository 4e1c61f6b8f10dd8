"""The batch length of a pair is its longer side, so length-sorted batches
stay short of padding on both sides."""

import random

import pytest
import spacy
from spacy.training import Example
from spacy.util import registry
from thinc.api import Config

from spacy_seq2seq import install_extensions

install_extensions("translation")

CONFIG = """
[batcher]
@batchers = "spacy.batch_by_padded.v1"
size = 12
buffer = 8
discard_oversize = false

[batcher.get_length]
@misc = "spacy-seq2seq.pair_length.v1"
field = "translation"
"""


def example(nlp, source: str, target: str) -> Example:
    reference = nlp.make_doc(source)
    reference._.translation = target
    return Example(nlp.make_doc(source), reference)


def test_pair_length_is_the_longer_side():
    nlp = spacy.blank("fr")
    pair_length = registry.misc.get("spacy-seq2seq.pair_length.v1")()
    assert pair_length(example(nlp, "un chat", "a black cat sat here")) == 5
    assert pair_length(example(nlp, "le chat noir dort ici", "cat")) == 5


def test_padded_batches_group_pairs_by_their_longer_side():
    nlp = spacy.blank("fr")
    batcher = registry.resolve(Config().from_str(CONFIG))["batcher"]
    # Short sources, but two of them with long targets: those two must be
    # batched together, not with the short pairs.
    examples = [
        example(nlp, "un", "one"), example(nlp, "deux", "two"),
        example(nlp, "trois", "three and three and three"), example(nlp, "quatre", "four"),
        example(nlp, "cinq", "five and five and five"), example(nlp, "six", "six"),
    ]
    batches = [[eg.x.text for eg in batch] for batch in batcher(examples)]
    assert sorted(len(b) for b in batches) == [2, 4]
    assert sorted(next(b for b in batches if len(b) == 2)) == ["cinq", "trois"]


SHUFFLED = """
[batcher]
@batchers = "spacy-seq2seq.batch_by_padded_shuffled.v1"
size = {size}
buffer = {buffer}
seed = 0

[batcher.get_length]
@misc = "spacy-seq2seq.pair_length.v1"
field = "translation"
"""


def shuffled_batcher(size: int, buffer: int):
    return registry.resolve(Config().from_str(SHUFFLED.format(size=size, buffer=buffer)))["batcher"]


def test_shuffled_batches_are_length_bucketed_complete_and_shuffled():
    nlp = spacy.blank("fr")
    rng = random.Random(1)
    examples = []
    for i in range(300):
        n = rng.randint(1, 12)
        examples.append(example(nlp, " ".join(["mot"] * n), " ".join(["word"] * rng.randint(1, 12)) + f" {i}"))
    pair_length = registry.misc.get("spacy-seq2seq.pair_length.v1")()
    batcher = shuffled_batcher(size=40, buffer=100)
    batches = list(batcher(examples))
    # Every example exactly once, and no batch over the padded size.
    assert sorted(id(eg) for batch in batches for eg in batch) == sorted(id(eg) for eg in examples)
    for batch in batches:
        assert max(pair_length(eg) for eg in batch) * len(batch) <= 40
    # Within a window, lengths are bucketed: a batch spans a narrow range.
    assert sum(max(map(pair_length, b)) - min(map(pair_length, b)) for b in batches) / len(batches) <= 2
    # Batch order is shuffled: lengths do not simply fall or rise within a window.
    first_window = batches[: len(list(shuffled_batcher(40, 100)(examples[:100])))]
    longest = [max(map(pair_length, b)) for b in first_window]
    assert longest != sorted(longest) and longest != sorted(longest, reverse=True)
    # Each pass (epoch) gets another order; the same seed gives the same passes.
    second = [[id(eg) for eg in b] for b in batcher(examples)]
    assert second != [[id(eg) for eg in b] for b in batches]
    again = shuffled_batcher(size=40, buffer=100)
    assert [[id(eg) for eg in b] for b in again(examples)] == [[id(eg) for eg in b] for b in batches]


def test_a_pair_longer_than_the_batch_gets_its_own_batch():
    nlp = spacy.blank("fr")
    examples = [example(nlp, "un", "one"), example(nlp, " ".join(["long"] * 50), "x"), example(nlp, "deux", "two")]
    batches = list(shuffled_batcher(size=10, buffer=8)(examples))
    assert sorted(len(b) for b in batches) == [1, 2]


def test_shuffled_batcher_settings_are_checked():
    with pytest.raises(ValueError, match="buffer"):
        shuffled_batcher(size=10, buffer=0)
