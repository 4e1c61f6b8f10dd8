"""Given outputs for forced alignment: text, words and pieces per word.

A target comes as a string (split into words by the target language's
tokenizer), a list of words (kept exactly: word j is the j-th entry), or a
Doc (its non-space tokens). Pieces are made as in training, where the
target text is encoded as running text: each run of words with no
whitespace between them ("mat." is "mat" + ".") is encoded together, and
its pieces are shared out to the words by character position.
"""

from dataclasses import dataclass
from typing import List, Sequence, Tuple, Union

import numpy
from spacy.tokens import Doc

from ..alignment import spans_to_words
from ..errors import Errors
from ..vocab import PieceVocab
from .predictions import TargetWords

Target = Union[str, Sequence[str], Doc]


@dataclass
class ForcedTarget:
    """A target ready for the forced pass.

    text (str): The target text.
    words (List[str]): Target words.
    ids (numpy.ndarray): Target piece ids (no BOS/EOS).
    pieces_per_word (List[List[int]]): Piece indices of each word.
    """

    text: str
    words: List[str]
    ids: numpy.ndarray
    pieces_per_word: List[List[int]]


def forced_target(target: Target, pieces: PieceVocab, target_words: TargetWords) -> ForcedTarget:
    """Words, text and pieces of one given target.

    RETURNS (ForcedTarget): The target, encoded.
    """
    words, spaces = _words_and_spaces(target, target_words)
    text = "".join(word + (" " if space else "") for word, space in zip(words, spaces)).rstrip(" ")
    ids: List[int] = []
    pieces_per_word: List[List[int]] = [[] for _ in words]
    start = 0
    while start < len(words):
        end = start + 1
        while end < len(words) and not spaces[end - 1]:
            end += 1
        _encode_run(words, start, end, pieces, ids, pieces_per_word)
        start = end
    return ForcedTarget(
        text=text, words=words, ids=numpy.asarray(ids, dtype=numpy.int64),
        pieces_per_word=pieces_per_word,
    )


def _words_and_spaces(target: Target, target_words: TargetWords) -> Tuple[List[str], List[bool]]:
    """Words, and whether whitespace follows each."""
    if isinstance(target, Doc):
        words: List[str] = []
        spaces: List[bool] = []
        for token in target:
            if token.is_space:  # a space token separates its neighbours
                if spaces:
                    spaces[-1] = True
                continue
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
        return words, spaces
    if isinstance(target, str):
        words, spans = target_words(target)
        return words, [end < len(target) and target[end].isspace() for _, end in spans]
    words = [str(word) for word in target]
    for index, word in enumerate(words):
        if not word or any(char.isspace() for char in word):
            raise ValueError(Errors.E108.format(index=index, word=word))
    return words, [True] * len(words)


def _encode_run(
    words: List[str], start: int, end: int, pieces: PieceVocab,
    ids: List[int], pieces_per_word: List[List[int]],
) -> None:
    """Encode words[start:end] (no whitespace between them) as one chunk and
    share its pieces out by character position, as decoding does
    (`spans_to_words`)."""
    chunk = "".join(words[start:end])
    chunk_ids = pieces.encode_token(chunk)
    offset = len(ids)
    ids.extend(chunk_ids)
    decoded, piece_spans = pieces.decode(chunk_ids)
    word_spans, position = [], 0
    for word in words[start:end]:
        word_spans.append((position, position + len(word)))
        position += len(word)
    if decoded != chunk:
        # Normalisation changed the characters (rare: NFKC, unknown
        # characters), so positions do not line up: every word of the run
        # shares all its pieces rather than guessing.
        for word_index in range(start, end):
            pieces_per_word[word_index].extend(range(offset, offset + len(chunk_ids)))
        return
    for word_index, owned in zip(range(start, end), spans_to_words(piece_spans, word_spans)):
        pieces_per_word[word_index].extend(offset + piece for piece in owned)


def guide_matrix(
    links: Sequence[Tuple[int, int]], src_owners: Sequence[int],
    pieces_per_word: Sequence[Sequence[int]], n_pieces: int,
) -> numpy.ndarray:
    """Where each decoder step should attend, from gold word links.

    The step that outputs a piece of target word j should attend to the
    pieces of the source tokens linked to j, evenly; steps of unlinked words
    and the EOS step are not guided (all-zero rows).

    links (Sequence[Tuple[int, int]]): (source_i, target_j) gold links.
    src_owners (Sequence[int]): Source token of each source piece (-1: EOS).
    pieces_per_word (Sequence[Sequence[int]]): Target pieces of each word.
    n_pieces (int): Target pieces in all.
    RETURNS (numpy.ndarray): Shape: (n_target_pieces + 1, len(src_owners)).
    """
    owners = numpy.asarray(src_owners)
    guide = numpy.zeros((n_pieces + 1, len(owners)), dtype=numpy.float32)
    for i, j in links:
        if j < len(pieces_per_word):
            for piece in pieces_per_word[j]:
                guide[piece] += owners == i
    totals = guide.sum(axis=1, keepdims=True)
    return numpy.divide(guide, totals, out=numpy.zeros_like(guide), where=totals > 0)
