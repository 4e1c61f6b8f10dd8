"""Source Docs as piece ids: which text each token is encoded as, and the
token that owns each piece (so attention on pieces maps back to tokens)."""

from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy
from spacy.tokens import Doc, Token

from ..vocab import EOS_ID, PieceVocab


@dataclass
class EncodedSource:
    """A Doc as source pieces.

    ids (numpy.ndarray): Piece ids, EOS last.
    owners (List[int]): The token index of each piece, -1 for EOS.
    token_span (Tuple[int, int]): The Doc tokens this source stands for,
        (start, end): the whole Doc, or one part of a split Doc (the parts'
        spans tile the Doc). Its word attention covers these columns only.
    """

    ids: numpy.ndarray
    owners: List[int]
    token_span: Tuple[int, int]


def source_text(token: Token, line_break: Optional[str] = None) -> Optional[str]:
    """What a source token is encoded as: its own text, or for a whitespace
    token nothing, except `line_break` for one that breaks a line when a
    line-break string is set (turns of a dialogue stay apart)."""
    if not token.is_space:
        return token.text
    if line_break and ("\n" in token.text or "\r" in token.text):
        return line_break
    return None


def encode_source(doc: Doc, pieces: PieceVocab, line_break: Optional[str] = None) -> Optional[EncodedSource]:
    """Each non-space token on its own, so every piece belongs to one token.

    line_break (Optional[str]): See `source_text`.
    RETURNS (Optional[EncodedSource]): None when the Doc yields no piece.
    """
    ids: List[int] = []
    owners: List[int] = []
    for token in doc:
        text = source_text(token, line_break)
        if text is None:
            continue
        token_ids = pieces.encode_token(text)
        ids.extend(token_ids)
        owners.extend([token.i] * len(token_ids))
    if not ids:
        return None
    ids.append(EOS_ID)
    owners.append(-1)
    return EncodedSource(ids=numpy.asarray(ids, dtype=numpy.int64), owners=owners, token_span=(0, len(doc)))
