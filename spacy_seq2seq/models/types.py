"""What goes in and out of the thinc model (plain numpy on the outside)."""

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Union

import numpy
from thinc.api import Model

from ..declarations import check_at_least, check_integer, setting, settings_docstring
from ..errors import Errors


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
    """How to search for outputs: declared here once, as the model takes
    them; the component's settings (`Seq2SeqSettings`, pipeline/settings.py)
    extend this class, so a component passes its own settings and the
    defaults are the component's.
    """

    beam_size: int = setting(5, "Beam width (1 = greedy search).", decoding=True)
    n_best: int = setting(
        1, "Outputs kept per Doc in `doc._.{field}_nbest` (at most `beam_size`).", decoding=True
    )
    length_alpha: float = setting(
        0.6,
        "GNMT length penalty exponent for ranking outputs (0 = plain log-probability; larger "
        "favours longer outputs).",
        decoding=True,
    )
    coverage_penalty: float = setting(
        0.0,
        "GNMT coverage penalty weight beta (Wu et al. 2016) for ranking outputs: beta * sum over "
        "source pieces of log(min(attention received, 1)); 0 = none; for summaries, ~0.2-1.0 "
        "discourages outputs that ignore part of the input.",
        decoding=True,
    )
    min_output_length: int = setting(1, "Fewest output pieces per Doc.", decoding=True)
    min_output_ratio: float = setting(0.0, "Fewest output pieces per source piece.", decoding=True)
    max_output_length: int = setting(128, "Most output pieces per Doc (part).", decoding=True)
    max_output_ratio: float = setting(2.0, "Most output pieces per source piece.", decoding=True)
    no_repeat_ngram_size: int = setting(
        0, "Never output the same n-gram of pieces twice (0 = no limit).", decoding=True
    )

    def __post_init__(self) -> None:
        self.check_search()

    def check_search(self) -> None:
        """Check the search settings.

        RAISES (ValueError): A coded error (E013) naming the first bad
            setting and what it must be.
        """
        for name in ("beam_size", "n_best", "max_output_length"):
            check_integer(name, getattr(self, name), 1, "a positive integer")
        for name in ("min_output_length", "no_repeat_ngram_size"):
            check_integer(name, getattr(self, name), 0, "an integer >= 0")
        if self.n_best > self.beam_size:
            raise ValueError(Errors.E013.format(
                setting="n_best", constraint=f"at most beam_size ({self.beam_size})", value=self.n_best,
            ))
        for name in ("length_alpha", "coverage_penalty", "min_output_ratio"):
            check_at_least(name, getattr(self, name), 0, ">= 0")
        if not isinstance(self.max_output_ratio, (int, float)) or self.max_output_ratio <= 0:
            raise ValueError(Errors.E013.format(
                setting="max_output_ratio", constraint="> 0", value=self.max_output_ratio
            ))
        if self.min_output_length > self.max_output_length:
            raise ValueError(Errors.E013.format(
                setting="min_output_length",
                constraint=f"at most max_output_length ({self.max_output_length})",
                value=self.min_output_length,
            ))


SearchSettings.__doc__ = settings_docstring(SearchSettings, marks=False)


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
    search (SearchSettings): How to search (a component passes its settings).
    max_batch_items (int): Budget of padded source pieces per sub-batch
        (times beam_size in beam search); documents are sorted by length and
        decoded in sub-batches under it.
    quantize (str): "none", or "int8" to decode with a dynamically
        quantized CPU copy of the network (see quantization.py).
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
    quantize: str
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
