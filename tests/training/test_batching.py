"""The batch length of a pair is its longer side, so length-sorted batches
stay short of padding on both sides."""

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
