"""SentencePiece vocabularies, learned in `initialize()` and stored in the pipeline.

The source side is encoded one spaCy token at a time, so every source piece
belongs to exactly one token and source-side word alignment is a lookup.
The target side is encoded as running text; the pieces' surface strings give
their character offsets in the decoded text, which maps them onto target
words.
"""

import io
import os
from typing import Dict, Iterable, List, Sequence, Tuple

import sentencepiece

# Fixed for every vocabulary this package trains, so the network can rely on them.
PAD_ID = 0
UNK_ID = 1
BOS_ID = 2
EOS_ID = 3
N_SPECIALS = 4

_WORD_BOUNDARY = "\u2581"  # SentencePiece's "▁": a space before the piece
# Per-vocabulary cache of token -> ids; tokens repeat a lot (Zipf), and the
# cache is bounded so a stream of unique strings cannot grow it forever.
_CACHE_LIMIT = 200_000


class PieceVocab:
    """A trained SentencePiece model plus the lookups the component needs.

    model_proto (bytes): The serialized SentencePiece model.
    """

    def __init__(self, model_proto: bytes):
        self._proto = bytes(model_proto)
        self._processor = sentencepiece.SentencePieceProcessor(model_proto=self._proto)
        self._token_cache: Dict[str, List[int]] = {}
        self._surfaces = [self._surface(i) for i in range(len(self))]

    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        *,
        vocab_size: int,
        character_coverage: float = 1.0,
        model_type: str = "unigram",
    ) -> "PieceVocab":
        """Learn a vocabulary from raw sentences.

        texts (Iterable[str]): Training sentences (source tokens joined by
            spaces, or target texts).
        vocab_size (int): Wanted size, specials included. It is a soft limit: a
            corpus too small for it gets fewer pieces instead of an error.
        character_coverage (float): Share of characters covered by pieces;
            1.0 for alphabetic scripts, ~0.9995 for CJK.
        model_type (str): "unigram" or "bpe".
        RETURNS (PieceVocab): The trained vocabulary.
        """
        writer = io.BytesIO()
        sentencepiece.SentencePieceTrainer.train(
            sentence_iterator=iter(texts),
            model_writer=writer,
            vocab_size=vocab_size,
            hard_vocab_limit=False,
            model_type=model_type,
            character_coverage=character_coverage,
            pad_id=PAD_ID,
            unk_id=UNK_ID,
            bos_id=BOS_ID,
            eos_id=EOS_ID,
            # Long sentences are kept (the default drops those over 4192 bytes).
            max_sentence_length=1 << 16,
            num_threads=max(1, min(4, os.cpu_count() or 1)),
            minloglevel=2,
        )
        return cls(writer.getvalue())

    def __len__(self) -> int:
        return self._processor.get_piece_size()

    def _surface(self, piece_id: int) -> str:
        if piece_id == UNK_ID:
            return " \u2047 "  # how SentencePiece itself renders <unk>
        if self._processor.is_control(piece_id):
            return ""
        return self._processor.id_to_piece(piece_id).replace(_WORD_BOUNDARY, " ")

    def word_continuations(self) -> List[int]:
        """Ids of the pieces that continue the word before them: no word
        boundary, and a letter or digit first (punctuation may follow a
        word directly)."""
        return [
            i for i, surface in enumerate(self._surfaces)
            if surface and not surface.startswith(" ") and surface[0].isalnum()
        ]

    def encode_token(self, text: str) -> List[int]:
        """Pieces of one source token (empty for whitespace)."""
        ids = self._token_cache.get(text)
        if ids is None:
            ids = self._processor.encode(text)
            if len(self._token_cache) < _CACHE_LIMIT:
                self._token_cache[text] = ids
        return ids

    def encode_text(self, text: str) -> List[int]:
        """Pieces of a running text (target side)."""
        return self._processor.encode(text)

    def pieces(self, ids: Sequence[int]) -> List[str]:
        """The piece strings, for display and debugging."""
        return [self._processor.id_to_piece(int(i)) for i in ids]

    def decode(self, ids: Sequence[int]) -> Tuple[str, List[Tuple[int, int]]]:
        """Text of the pieces and each piece's character span in that text.

        ids (Sequence[int]): Piece ids (no BOS/EOS needed; control ids vanish).
        RETURNS (Tuple[str, List[Tuple[int, int]]]): The text, without leading
            or trailing spaces, and one (start, end) span per piece, covering
            the piece's characters without its leading space (empty spans for
            pieces that produce no characters).
        """
        spans = []
        parts = []
        offset = 0
        for piece_id in ids:
            surface = self._surfaces[int(piece_id)]
            parts.append(surface)
            stripped = surface.lstrip(" ")
            start = offset + len(surface) - len(stripped)
            end = start + len(stripped.rstrip(" "))
            spans.append((start, end))
            offset += len(surface)
        raw = "".join(parts)
        text = raw.strip(" ")
        shift = len(raw) - len(raw.lstrip(" "))
        # Only the leading space (the first piece's word boundary) is cut, so
        # every span moves left by the same amount.
        return text, [(max(0, s - shift), max(0, e - shift)) for s, e in spans]

    def to_bytes(self) -> bytes:
        return self._proto

    @classmethod
    def from_bytes(cls, data: bytes) -> "PieceVocab":
        return cls(data)
