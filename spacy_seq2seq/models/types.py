"""What goes in and out of the thinc model (plain numpy on the outside)."""

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Union

import numpy
from thinc.api import Model


@dataclass
class TrainBatch:
    """Teacher-forcing input.

    src (Sequence[numpy.ndarray]): Source piece ids per example, EOS-terminated.
    tgt (Sequence[numpy.ndarray]): Gold target piece ids per example, without
        BOS/EOS (the model adds them).
    guide (Optional[Sequence[Optional[numpy.ndarray]]]): For guided
        alignment: per example, the attention each decoder step should have
        (rows summing to 1; all-zero rows are not guided), or None for an
        example without gold links. Shape: (len(tgt) + 1, len(src)).
    n_truncated (int): Sources that were cut to the length limit.
    """

    src: Sequence[numpy.ndarray]
    tgt: Sequence[numpy.ndarray]
    guide: Optional[Sequence[Optional[numpy.ndarray]]] = None
    n_truncated: int = 0


@dataclass(frozen=True)
class SearchSettings:
    """How to decode. The names are the component's config keys (see
    `pipeline/settings.py` for what each one means).

    beam_size (int): Hypotheses kept per document (1 = greedy search).
    n_best (int): Hypotheses returned per document (<= beam_size).
    length_alpha (float): GNMT length penalty exponent (0 = none).
    coverage_penalty (float): GNMT coverage penalty weight beta (0 = none).
    min_output_length (int): Fewest output pieces per document.
    min_output_ratio (float): Fewest output pieces per source piece.
    max_output_length (int): Most output pieces per document.
    max_output_ratio (float): Most output pieces per source piece.
    no_repeat_ngram_size (int): Never repeat an n-gram of output pieces
        (0 = allowed).
    quantize (str): "none", or "int8" to decode with a dynamically
        quantized copy of the network (CPU only).
    """

    beam_size: int = 1
    n_best: int = 1
    length_alpha: float = 0.0
    coverage_penalty: float = 0.0
    min_output_length: int = 1
    min_output_ratio: float = 0.0
    max_output_length: int = 128
    max_output_ratio: float = 2.0
    no_repeat_ngram_size: int = 0
    quantize: str = "none"


@dataclass(frozen=True)
class PieceTerms:
    """One document's terms as target piece ids (see
    `models/pytorch/terms.py`): phrases its output must contain, and
    phrases it must not. Every phrase has at least one piece.

    positive (Sequence[Sequence[int]]): Phrases that must appear, each once.
    negative (Sequence[Sequence[int]]): Phrases that must not appear.
    """

    positive: Sequence[Sequence[int]] = ()
    negative: Sequence[Sequence[int]] = ()

    def __bool__(self) -> bool:
        return bool(self.positive) or bool(self.negative)


@dataclass
class DecodeBatch:
    """Decoding input.

    src (Sequence[numpy.ndarray]): Source piece ids per document, EOS-terminated.
    search (SearchSettings): How to decode.
    max_batch_items (int): Budget of padded source pieces per sub-batch
        (times beam_size in beam search); documents are sorted by length and
        decoded in sub-batches under it.
    terms (Optional[Sequence[PieceTerms]]): Per document, its terms (empty
        PieceTerms for none); None when no document has any. They need beam
        search: with beam_size 1, documents with terms are searched with a
        beam of one and bank allocation, the others greedily.
    glued_ids (Sequence[int]): Target piece ids that continue the word
        before them; none may follow a completed term.
    """

    src: Sequence[numpy.ndarray]
    search: SearchSettings
    max_batch_items: int
    terms: Optional[Sequence[PieceTerms]] = None
    glued_ids: Sequence[int] = ()


@dataclass
class Decoded:
    """One decoded document.

    ids (List[int]): Output piece ids, EOS excluded.
    score (float): Log-probability of the output (EOS included), divided by
        the length penalty when there is one.
    attention (Optional[numpy.ndarray]): Weights over the source pieces at
        each decoder step, the EOS step last (row t outputs piece t; see
        `alignment.links` for how rows become links).
        Shape: (len(ids) + 1, len(src)); None without attention.
    at_length_limit (bool): The output reached its most allowed pieces, so
        it may have been cut off.
    copy_share (Optional[numpy.ndarray]): With copy attention, the share of
        each step's chosen piece that was copied. Shape: (len(ids) + 1,).
    alignment (Optional[numpy.ndarray]): The alignment head's weights over
        this output, when the component asked for them (a forced pass after
        the search; see `Forced.alignment`). Shape: as `attention`.
    unmet_terms (int): Positive terms the output misses (only when the
        length limit ended it first).
    term_ends (Optional[List[int]]): Per positive term, the index in `ids`
        of its last piece (-1 if missed); None without positive terms.
    """

    ids: List[int]
    score: float
    attention: Optional[numpy.ndarray]
    at_length_limit: bool = False
    copy_share: Optional[numpy.ndarray] = None
    alignment: Optional[numpy.ndarray] = None
    unmet_terms: int = 0
    term_ends: Optional[List[int]] = None


@dataclass
class ForcedBatch:
    """Forced alignment input: score and attend over GIVEN outputs.

    src (Sequence[numpy.ndarray]): Source piece ids per pair, EOS-terminated.
    tgt (Sequence[numpy.ndarray]): Target piece ids per pair, without BOS/EOS.
    max_batch_items (int): Budget of padded pieces per sub-batch.
    """

    src: Sequence[numpy.ndarray]
    tgt: Sequence[numpy.ndarray]
    max_batch_items: int


@dataclass
class Forced:
    """One forced pair.

    log_probs (numpy.ndarray): Log-probability of each target piece and of
        the final EOS (PAD and BOS excluded from the softmax, as in search).
        Shape: (len(tgt) + 1,).
    attention (Optional[numpy.ndarray]): As `Decoded.attention`.
        Shape: (len(tgt) + 1, len(src)); None without attention.
    alignment (Optional[numpy.ndarray]): The alignment head's weights, rows
        as in `attention` (the EOS row zero); None without a head.
        Shape: (len(tgt) + 1, len(src)).
    """

    log_probs: numpy.ndarray
    attention: Optional[numpy.ndarray]
    alignment: Optional[numpy.ndarray] = None


@dataclass
class TeacherForced:
    """Teacher-forced output. The torch tensors stay inside, opaque to spaCy;
    `models.loss.teacher_forced_loss` turns them into a loss.

    logits (Any): torch tensor. Shape: (batch, tgt_len, tgt_vocab_size), or
        (n_real, tgt_vocab_size) for the real positions only when `steps`
        packed them.
    tgt_out (Any): torch tensor of gold next pieces, padded. Shape: (batch, tgt_len).
    attention (Any): torch tensor or None. Shape: (batch, tgt_len, src_len).
    pad_id (int): The padding id in `tgt_out`.
    guide (Any): torch tensor of guided-alignment targets (zeros where not
        guided) or None. Shape: (batch, tgt_len, src_len).
    alignment (Any): torch tensor of the alignment head's weights, or None
        without a head; the guide then trains it instead of `attention`.
        Shape: (batch, tgt_len, src_len).
    steps (Any): The decoder's DecoderSteps (models/pytorch/steps.py): with
        packed steps, `steps.pack(tgt_out)` is the gold for `logits`.
    """

    logits: Any
    tgt_out: Any
    attention: Any
    pad_id: int
    guide: Any = None
    alignment: Any = None
    steps: Any = None

    def gold_for_logits(self) -> Any:
        """The gold next pieces laid out as `logits` (padding included when
        the logits are padded: the loss ignores pad ids)."""
        return self.tgt_out if self.steps is None else self.steps.pack(self.tgt_out)


@dataclass
class LossGradient:
    """What `backprop` of a teacher-forced pass takes: the loss to differentiate.

    loss (Any): torch scalar connected to the network's graph.
    """

    loss: Any


Seq2SeqInT = Union[TrainBatch, DecodeBatch, ForcedBatch]
# Decoding gives, per document, its n-best outputs (best first).
# Forced alignment gives one Forced per pair.
Seq2SeqOutT = Union[TeacherForced, List[List[Decoded]], List[Forced]]
Seq2SeqModelT = Model[Seq2SeqInT, Seq2SeqOutT]
