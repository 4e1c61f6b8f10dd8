"""From piece-level attention to word-level attention and alignment.

Source side: each piece belongs to one spaCy token, so a token's weight is the
sum of its pieces' weights (the EOS column is dropped: attention there means
"no source word").
Target side: a word made of several pieces gets the mean of its pieces' rows,
so every row stays a share of attention in [0, 1] over the source tokens.
"""

from typing import List, Sequence, Tuple

import numpy

Span = Tuple[int, int]


def spans_to_words(piece_spans: Sequence[Span], word_spans: Sequence[Span]) -> List[List[int]]:
    """For each target word, the pieces whose characters overlap it.

    piece_spans (Sequence[Tuple[int, int]]): (start, end) character span per piece.
    word_spans (Sequence[Tuple[int, int]]): (start, end) character span per word.
    RETURNS (List[List[int]]): Piece indices per word. A piece spanning two
        words, like "▁cat." split into "cat" and ".", belongs to both; a
        bare word-boundary piece ("▁", no characters of its own) belongs to
        the word that starts where it ends, since it opens that word.
    """
    pieces_per_word: List[List[int]] = [[] for _ in word_spans]
    for piece_index, (p_start, p_end) in enumerate(piece_spans):
        for word_index, (w_start, w_end) in enumerate(word_spans):
            overlaps = p_start < w_end and w_start < p_end
            opens = p_end <= p_start and w_start == p_start
            if overlaps or opens:
                pieces_per_word[word_index].append(piece_index)
    return pieces_per_word


def pool_attention(
    piece_attention: numpy.ndarray,
    src_piece_tokens: Sequence[int],
    n_src_tokens: int,
    pieces_per_word: Sequence[Sequence[int]],
) -> numpy.ndarray:
    """Word-level attention from piece-level attention.

    piece_attention (numpy.ndarray): Shape: (n_tgt_pieces, n_src_pieces).
    src_piece_tokens (Sequence[int]): The source token of each source piece,
        -1 for pieces that belong to no token (EOS).
    n_src_tokens (int): Number of source tokens (columns of the result).
    pieces_per_word (Sequence[Sequence[int]]): From `spans_to_words`.
    RETURNS (numpy.ndarray): Shape: (n_tgt_words, n_src_tokens).
    """
    owners = numpy.asarray(src_piece_tokens, dtype=numpy.int64)
    keep = owners >= 0
    by_token = numpy.zeros((piece_attention.shape[0], n_src_tokens), dtype=numpy.float32)
    if keep.any():
        # Sum the columns of each token's pieces: scatter-add over columns.
        numpy.add.at(by_token.T, owners[keep], piece_attention[:, keep].T)
    words = numpy.zeros((len(pieces_per_word), n_src_tokens), dtype=numpy.float32)
    for word_index, pieces in enumerate(pieces_per_word):
        if pieces:
            words[word_index] = by_token[list(pieces)].mean(axis=0)
    return words

