"""Word alignment links from attention, by one of six methods.

Three questions make the method:

- Which decoder step speaks for a target piece? The step that *outputs* it
  (plain attention, "argmax" and "threshold"), or the next step, where the
  piece is the decoder's *input* ("shift", Chen et al. 2020, "Accurate word
  alignment induction from neural machine translation"): when a decoder
  predicts a word it often already looks at the source of the next one, so
  the step after it lines up better with the word itself.
- Which attention? The one that generates, or a separate alignment head
  ("head", "head_threshold"; see models/pytorch/alignment_head.py), which
  models trained with one have. The head already attends from the step
  that reads each piece, so its rows are taken as "argmax" takes them.
- Which source tokens get a link? The one with most attention ("argmax"),
  or every token with at least `threshold` of it ("threshold"): a target
  word can then link to several source words, or to none.
"""

from typing import List, Literal, Tuple, get_args

import numpy

from ..errors import check_choice

AlignmentMethod = Literal["argmax", "shift", "threshold", "shift_threshold", "head", "head_threshold"]
ALIGNMENT_METHODS: Tuple[str, ...] = get_args(AlignmentMethod)
# The methods that read the alignment head instead of the attention.
HEAD_METHODS = ("head", "head_threshold")
Link = Tuple[int, int]


def step_rows(piece_attention: numpy.ndarray, method: str) -> numpy.ndarray:
    """The attention row that speaks for each output piece.

    piece_attention (numpy.ndarray): One row per decoder step, the EOS step
        last. Shape: (n_pieces + 1, n_src_pieces).
    method (str): One of ALIGNMENT_METHODS.
    RETURNS (numpy.ndarray): Shape: (n_pieces, n_src_pieces): rows 0..n-1,
        or rows 1..n for the shift methods.
    """
    _check_method(method)
    if method.startswith("shift"):
        return piece_attention[1:]
    return piece_attention[:-1]


def word_links(word_attention: numpy.ndarray, method: str, threshold: float = 0.5) -> List[Link]:
    """Links between source tokens and target words.

    word_attention (numpy.ndarray): Shape: (n_tgt_words, n_src_tokens), from
        `pool_attention` over the rows of `step_rows` (of the alignment
        head's weights for the head methods).
    method (str): One of ALIGNMENT_METHODS.
    threshold (float): For the threshold methods: the least attention a
        token needs to be linked.
    RETURNS (List[Tuple[int, int]]): Sorted (source_i, target_j) pairs.
    """
    _check_method(method)
    if method.endswith("threshold"):
        targets, sources = numpy.nonzero(word_attention >= threshold)
        return sorted((int(i), int(j)) for j, i in zip(targets.tolist(), sources.tolist()))
    return argmax_alignment(word_attention)


def argmax_alignment(word_attention: numpy.ndarray) -> List[Link]:
    """Link each target word to the source token it attends to most.

    word_attention (numpy.ndarray): Shape: (n_tgt_words, n_src_tokens).
    RETURNS (List[Tuple[int, int]]): (source_i, target_j) pairs, sorted;
        target words with no attention on any token get no link.
    """
    links: List[Link] = []
    if word_attention.size == 0:
        return links
    best = word_attention.argmax(axis=1)
    for target_j, source_i in enumerate(best.tolist()):
        if word_attention[target_j, source_i] > 0.0:
            links.append((int(source_i), target_j))
    return sorted(links)


def _check_method(method: str) -> None:
    check_choice("alignment_method", method, ALIGNMENT_METHODS)
