"""Batch by padded size, measuring a pair by its longer side.

spaCy's `spacy.batch_by_words.v1` fills batches in corpus order, so a batch
is padded to its longest sentence: on Multi30k that is about 2.1x the real
length on both sides, and the RNNs and the output layer pay for every padded
position. `spacy.batch_by_padded.v1` sorts a window of examples by length
first; with this length function (the longer of source tokens and target
words, rather than the source alone) both sides stay short of padding.
"""

import itertools
import random
from typing import Any, Callable, Iterable, Iterator, List, Optional

from spacy.training import Example
from spacy.util import registry

from ..errors import Errors


@registry.misc("spacy-seq2seq.pair_length.v1")
def make_pair_length(field: str = "translation") -> Callable[[Example], int]:
    """The length of an example for batching: max(source tokens, target words).

    field (str): The extension holding the target text.
    """

    def pair_length(example: Example) -> int:
        target = example.reference._.get(field) if example.reference.has_extension(field) else None
        return max(len(example.x), len(target.split()) if isinstance(target, str) else 0)

    return pair_length


@registry.batchers("spacy-seq2seq.batch_by_padded_shuffled.v1")
def configure_batch_by_padded_shuffled(
    size: int,
    buffer: int,
    get_length: Optional[Callable[[Any], int]] = None,
    seed: int = 0,
) -> Callable[[Iterable[Any]], Iterator[List[Any]]]:
    """Length-bucketed batches in random order, as NMT toolkits batch.

    spaCy's `batch_by_padded.v1` sorts each window of `buffer` examples and
    yields its batches from the longest to the shortest. With a window close
    to one batch, as its default, every window ends in a small remainder
    batch of the longest pairs: on Tatoeba half the steps were such
    remainders, and training learned less per step than with
    `batch_by_words`. Here the window holds many batches (`buffer` examples),
    and the batches of each window are shuffled, so the order of lengths
    carries no pattern from step to step. Every example is yielded once: a
    pair longer than `size` on its own gets a batch of its own.

    size (int): Most padded positions per batch: longest pair x pairs.
    buffer (int): Examples sorted together; several times the pairs per batch.
    get_length (Optional[Callable]): Length of an example (default: `len`);
        `spacy-seq2seq.pair_length.v1` measures the longer side.
    seed (int): Seed of the batch order (one stream per pass over the data).
    """
    for setting, value in (("size", size), ("buffer", buffer)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(Errors.E013.format(setting=setting, constraint="a positive integer", value=value))
    length_of = get_length or len
    passes = itertools.count()

    def batcher(items: Iterable[Any]) -> Iterator[List[Any]]:
        rng = random.Random(seed + next(passes))  # spaCy calls this once per epoch
        window: List[Any] = []
        for item in items:
            window.append(item)
            if len(window) == buffer:
                yield from _shuffled_batches(window, size, length_of, rng)
                window = []
        if window:
            yield from _shuffled_batches(window, size, length_of, rng)

    return batcher


def _shuffled_batches(
    window: List[Any], size: int, length_of: Callable[[Any], int], rng: random.Random
) -> List[List[Any]]:
    """Sort by length, fill batches up to `size` padded positions, shuffle them."""
    order = sorted(range(len(window)), key=lambda i: length_of(window[i]))
    batches: List[List[Any]] = []
    batch: List[Any] = []
    longest = 0
    for index in order:
        length = max(1, length_of(window[index]))
        if batch and max(longest, length) * (len(batch) + 1) > size:
            batches.append(batch)
            batch, longest = [], 0
        batch.append(window[index])
        longest = max(longest, length)
    if batch:
        batches.append(batch)
    rng.shuffle(batches)
    return batches
