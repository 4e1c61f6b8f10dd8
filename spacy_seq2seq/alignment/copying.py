"""Which output words a pointer-generator copied, and from which source token.

Search reports, for every output piece, the share of its probability that
came from copying (see `models.pytorch.search.copy_shares`). A target word
counts as copied when its pieces' mean share is over one half; it was copied
from the source token holding the same piece where the attention on that
piece was highest.
"""

from typing import List, Sequence

import numpy

# A word is copied when more than this share of its probability was copying.
COPIED = 0.5


def copied_from(
    output_ids: Sequence[int],
    src_ids: Sequence[int],
    src_owners: Sequence[int],
    piece_attention: numpy.ndarray,
    copy_share: numpy.ndarray,
    pieces_per_word: Sequence[Sequence[int]],
) -> List[int]:
    """Per target word: the source token it was copied from, or -1.

    output_ids (Sequence[int]): Output piece ids (EOS excluded).
    src_ids (Sequence[int]): Source piece ids (EOS last).
    src_owners (Sequence[int]): Source token of each piece, -1 for EOS.
    piece_attention (numpy.ndarray): Attention per decoder step, EOS step
        last. Shape: (len(output_ids) + 1, len(src_ids)).
    copy_share (numpy.ndarray): Copy share per decoder step. Shape:
        (len(output_ids) + 1,).
    pieces_per_word (Sequence[Sequence[int]]): Output pieces of each target
        word (`words.spans_to_words`).
    RETURNS (List[int]): One entry per target word; -1 for a generated word.
    """
    src = numpy.asarray(src_ids)
    sources: List[int] = []
    for pieces in pieces_per_word:
        if not pieces or float(numpy.mean([copy_share[p] for p in pieces])) <= COPIED:
            sources.append(-1)
            continue
        # The word's most-copied piece, and where in the source it came from.
        piece = max(pieces, key=lambda p: copy_share[p])
        positions = numpy.flatnonzero(src == output_ids[piece])
        if positions.size == 0:
            sources.append(-1)
            continue
        position = positions[numpy.argmax(piece_attention[piece, positions])]
        sources.append(int(src_owners[position]))
    return sources
