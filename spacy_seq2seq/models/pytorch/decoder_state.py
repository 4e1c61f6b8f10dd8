"""What the decoder carries: the fixed encoder side (`Memory`), what changes
from step to step (`DecoderState`), and what a run of steps returns
(`DecoderOutput`).

Beam search reorders and repeats rows of the first two (`index_select`), and
packed training steps drop rows whose target has ended (`first_rows`,
`in_step_order`), so both know how to select rows of every tensor they hold.
"""

from dataclasses import dataclass
from typing import NamedTuple, Optional

from torch import Tensor

from .encoder import RNNState
from .steps import DecoderSteps


@dataclass
class Memory:
    """The encoder side, fixed for a whole decode.

    states (Tensor): Encoder states. Shape: (batch, src_len, hidden_width).
    keys (Tensor): Attention keys from `project_keys`. Same shape.
    mask (Tensor): True at real positions. Shape: (batch, src_len).
    src_ids (Tensor): Source piece ids, for copy attention. Shape: (batch, src_len).
    float64_states (Optional[Tensor]): The states in float64, made by the
        first decoding step that asks (`exact_states`) and kept for every
        later one, instead of a fresh copy at each step. Same shape.
    """

    states: Tensor
    keys: Tensor
    mask: Tensor
    src_ids: Tensor
    float64_states: Optional[Tensor] = None

    def exact_states(self) -> Tensor:
        """The states in float64, for batch-invariant decoding steps (see attention.py)."""
        if self.float64_states is None:
            self.float64_states = self.states.double()
        return self.float64_states

    def index_select(self, index: Tensor) -> "Memory":
        """Reorder or repeat rows (beam search). index: (new_batch,)."""
        return Memory(
            states=self.states.index_select(0, index),
            keys=self.keys.index_select(0, index),
            mask=self.mask.index_select(0, index),
            src_ids=self.src_ids.index_select(0, index),
            float64_states=None if self.float64_states is None else self.float64_states.index_select(0, index),
        )

    def in_step_order(self, steps: DecoderSteps) -> "Memory":
        """Rows in the order `steps` reads them (as they are when padded)."""
        return self if steps.order is None else self.index_select(steps.order)

    def first_rows(self, n_rows: int) -> "Memory":
        """The first n_rows rows (views, no copy)."""
        return Memory(
            states=self.states[:n_rows], keys=self.keys[:n_rows],
            mask=self.mask[:n_rows], src_ids=self.src_ids[:n_rows],
            float64_states=None if self.float64_states is None else self.float64_states[:n_rows],
        )


@dataclass
class DecoderState:
    """What changes from step to step.

    rnn (RNNState): RNN state. Shape (each tensor): (n_layers, batch, hidden_width).
    attentional (Tensor): Previous attentional vector, fed back with input
        feeding. Shape: (batch, hidden_width).
    coverage (Optional[Tensor]): Sum of the attention weights of all steps
        so far, with coverage; else None. Shape: (batch, src_len).
    """

    rnn: RNNState
    attentional: Tensor
    coverage: Optional[Tensor] = None

    def index_select(self, index: Tensor) -> "DecoderState":
        """Reorder or repeat rows (beam search). index: (new_batch,)."""
        if isinstance(self.rnn, tuple):
            rnn: RNNState = tuple(t.index_select(1, index) for t in self.rnn)  # type: ignore[assignment]
        else:
            rnn = self.rnn.index_select(1, index)
        return DecoderState(
            rnn=rnn,
            attentional=self.attentional.index_select(0, index),
            coverage=None if self.coverage is None else self.coverage.index_select(0, index),
        )

    def in_step_order(self, steps: DecoderSteps) -> "DecoderState":
        """Rows in the order `steps` reads them (as they are when padded)."""
        return self if steps.order is None else self.index_select(steps.order)


class DecoderOutput(NamedTuple):
    """What the decoder returns for some steps.

    logits (Tensor): Next-piece scores: logits, or log-probabilities with
        copy attention (either way, log_softmax gives the log-probabilities).
        Shape: (batch, steps, tgt_vocab_size); with packed steps the real
        positions only, (n_real, tgt_vocab_size): `steps.pack` lays out the
        gold to match.
    attention (Optional[Tensor]): Weights over source pieces, None without
        attention. Shape: (batch, steps, src_len).
    copy_gate (Optional[Tensor]): p_gen, the share of generating (1 - p_gen
        is copying), with copy attention; else None. Shape: (batch, steps).
    state (Optional[DecoderState]): The state after the last step; None
        with packed steps (rows end at different steps).
    alignment (Optional[Tensor]): The alignment head's weights, when asked
        for and the model has one (see alignment_head.py). Shape: (batch, steps, src_len).
    steps (Optional[DecoderSteps]): Which rows each step read, and so the
        layout of `logits`.
    """

    logits: Tensor
    attention: Optional[Tensor]
    copy_gate: Optional[Tensor]
    state: Optional[DecoderState]
    alignment: Optional[Tensor] = None
    steps: Optional[DecoderSteps] = None
