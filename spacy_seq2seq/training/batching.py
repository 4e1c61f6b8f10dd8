"""Batch by padded size, measuring a pair by its longer side.

spaCy's `spacy.batch_by_words.v1` fills batches in corpus order, so a batch
is padded to its longest sentence: on Multi30k that is about 2.1x the real
length on both sides, and the RNNs and the output layer pay for every padded
position. `spacy.batch_by_padded.v1` sorts a window of examples by length
first; with this length function (the longer of source tokens and target
words, rather than the source alone) both sides stay short of padding.
"""

from typing import Callable

from spacy.training import Example
from spacy.util import registry


@registry.misc("spacy-seq2seq.pair_length.v1")
def make_pair_length(field: str = "translation") -> Callable[[Example], int]:
    """The length of an example for batching: max(source tokens, target words).

    field (str): The extension holding the target text.
    """

    def pair_length(example: Example) -> int:
        target = example.reference._.get(field) if example.reference.has_extension(field) else None
        return max(len(example.x), len(target.split()) if isinstance(target, str) else 0)

    return pair_length
