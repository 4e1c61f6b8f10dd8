"""The attention decoder (Luong et al. 2015 layout, with input feeding).

At each step t the RNN reads the previous target piece (and, with input
feeding, the previous attentional vector), then attends from its new top
state h_t over the encoder states:

    weights_t = softmax(score(h_t, states))       padded positions -> 0
    context_t = weights_t @ states
    att_t     = tanh(W_c [context_t; h_t])         the "attentional vector"
    logits_t  = W_out att_t

With attention "none" there is no context: att_t = h_t, and the only thing
the decoder knows about the source is the bridged final encoder state.

With copy attention (pointer-generator, See et al. 2017) the output is a
mixture: p_gen = sigmoid(w [context_t; h_t; input embedding] + b) and

    P(w) = p_gen * softmax(logits_t)(w) + (1 - p_gen) * sum of weights_t over
           the source positions holding piece w

so the decoder then returns log P instead of logits (both feed a log-softmax
or a cross-entropy unchanged, since log P is already normalised).

With coverage, the attention also reads the coverage vector (the sum of
all earlier steps' weights), carried in the decoder state.

Training gives the target lengths, and each row then stops at its own end
(packed steps, steps.py): the output layer and the loss see real pieces
only, where a padded batch of Tatoeba spent most of its work on padding.
"""

from dataclasses import dataclass
from typing import Dict, NamedTuple, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .alignment_head import AlignmentHead
from .attention import build_attention, invariant_step
from .config import Seq2SeqConfig
from .encoder import EncoderOutput, RNNState, make_rnn
from .invariance import deterministic_scatter, matrix_vector
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


class Bridge(nn.Module):
    """Maps the encoder's final states to the decoder's initial states.

    Directions are concatenated per layer, then tanh(W x) per state tensor
    (h, and c for an LSTM).
    """

    def __init__(self, config: Seq2SeqConfig, *, device: Optional[torch.device] = None):
        super().__init__()
        self.n_layers = config.n_layers
        self.n_directions = 2 if config.bidirectional else 1
        width = config.hidden_width
        n_state_tensors = 2 if config.cell == "lstm" else 1
        self.layers = nn.ModuleList(
            nn.Linear(width, width, device=device) for _ in range(n_state_tensors)
        )

    def _merge_directions(self, final: Tensor) -> Tensor:
        # (n_layers * n_dirs, batch, width / n_dirs) -> (n_layers, batch, width)
        _, batch, dir_width = final.shape
        final = final.view(self.n_layers, self.n_directions, batch, dir_width)
        return final.permute(0, 2, 1, 3).reshape(
            self.n_layers, batch, self.n_directions * dir_width
        )

    def forward(self, final: RNNState) -> RNNState:
        tensors = final if isinstance(final, tuple) else (final,)
        bridged = tuple(
            torch.tanh(layer(self._merge_directions(t)))
            for layer, t in zip(self.layers, tensors)
        )
        return bridged if isinstance(final, tuple) else bridged[0]  # type: ignore[return-value]


class AttentionDecoder(nn.Module):
    """Target embedding -> RNN -> attention -> attentional vector -> logits."""

    def __init__(self, config: Seq2SeqConfig, *, device: Optional[torch.device] = None):
        super().__init__()
        width = config.hidden_width
        self.input_feeding = config.input_feeding
        self.embedding = nn.Embedding(
            config.tgt_vocab_size, config.embed_width,
            padding_idx=config.pad_id, device=device,
        )
        self.dropout = nn.Dropout(config.dropout_prob)
        rnn_input_width = config.embed_width + (width if config.input_feeding else 0)
        self.rnn = make_rnn(
            config.cell,
            input_width=rnn_input_width,
            hidden_width=width,
            n_layers=config.n_layers,
            dropout_prob=config.dropout_prob,
            device=device,
        )
        self.bridge = Bridge(config, device=device)
        self.attention = build_attention(config.attention, width, config.coverage, device=device)
        self.coverage = config.coverage
        # p_gen from the context, the RNN state and the input embedding.
        self.copy_gate = (
            nn.Linear(2 * width + config.embed_width, 1, device=device) if config.copy_attention else None
        )
        self.combine = (
            nn.Linear(2 * width, width, bias=False, device=device)
            if self.attention is not None
            else None
        )
        self.alignment_head = (
            AlignmentHead(width, config.embed_width, device=device) if config.alignment_head else None
        )
        self.tie_embeddings = config.tie_embeddings
        if config.tie_embeddings:
            # Tying reuses the embedding matrix as the output matrix, so no
            # second parameter exists (and none is saved twice).
            self.pre_output = (
                nn.Linear(width, config.embed_width, device=device)
                if width != config.embed_width
                else None
            )
            self.output_bias = nn.Parameter(
                torch.zeros(config.tgt_vocab_size, device=device)
            )
        else:
            self.output = nn.Linear(width, config.tgt_vocab_size, device=device)

    def start(self, encoded: EncoderOutput, src_ids: Tensor) -> Tuple[Memory, DecoderState]:
        """Prepare the fixed memory and the first decoder state.

        encoded (EncoderOutput): The encoder's output.
        src_ids (Tensor): The source piece ids. Shape: (batch, src_len).
        RETURNS (Tuple[Memory, DecoderState]): Memory for every step, and the
            state before the first step.
        """
        keys = (
            self.attention.project_keys(encoded.states)
            if self.attention is not None
            else encoded.states
        )
        memory = Memory(states=encoded.states, keys=keys, mask=encoded.mask, src_ids=src_ids)
        batch, src_len = encoded.mask.shape
        attentional = encoded.states.new_zeros(batch, self._width)
        coverage = encoded.states.new_zeros(batch, src_len) if self.coverage else None
        return memory, DecoderState(rnn=self.bridge(encoded.final), attentional=attentional, coverage=coverage)

    @property
    def _width(self) -> int:
        return self.rnn.hidden_size

    def forward(
        self, tgt_in: Tensor, memory: Memory, state: DecoderState, *, with_alignment: bool = False,
        tgt_lengths: Optional[Tensor] = None,
    ) -> DecoderOutput:
        """Run the decoder over given input pieces (teacher forcing, or one step).

        tgt_in (Tensor): Input piece ids (BOS first). Shape: (batch, steps).
        memory (Memory): From `start`.
        state (DecoderState): The state before the first of these steps.
        with_alignment (bool): Also run the alignment head, if there is one
            (only meaningful over a whole given target: BOS + all its pieces).
        tgt_lengths (Optional[Tensor]): Real length of each row of `tgt_in`.
            Given, each row stops at its own end and the logits come packed
            (see steps.py); training passes them. Shape: (batch,).
        RETURNS (DecoderOutput): Next-piece scores, attention and copy gate
            for every step, and the state after the last one (padded steps).
        """
        steps = DecoderSteps(tgt_in.shape[0], tgt_in.shape[1], tgt_lengths, device=tgt_in.device)
        embedded = self.dropout(self.embedding(tgt_in))
        head = self.alignment_head if with_alignment else None
        if self.input_feeding or self.coverage:
            joined, final = self._run_stepwise(embedded, memory, state, steps, keep_rnn_out=head is not None)
        else:
            joined, final = self._run_parallel(embedded, memory, state, steps)
        weights = None if joined["weights"] is None else steps.to_padded(joined["weights"])
        alignment = None
        if head is not None:
            alignment = head(steps.to_padded(joined["rnn_out"]), embedded, memory.states, memory.mask)
        logits = self.project(joined["attentional"])
        if self.copy_gate is None or joined["weights"] is None:
            return DecoderOutput(logits, weights, None, final, alignment, steps)
        log_probs, gate = self._mix_in_copying(
            logits, joined["weights"], joined["context"], joined["rnn_out"], steps.pack(embedded),
            steps.repeat_rows(memory.src_ids),
        )
        return DecoderOutput(log_probs, weights, steps.to_padded(gate), final, alignment, steps)

    def _mix_in_copying(
        self, logits: Tensor, weights: Tensor, context: Tensor, rnn_out: Tensor,
        embedded: Tensor, src_ids: Tensor,
    ) -> Tuple[Tensor, Tensor]:
        """log(p_gen * P_vocab + (1 - p_gen) * copy distribution), and p_gen.
        All in the joined layout of steps.py: logits (..., vocab); weights
        and the source ids of each position's row (..., src_len)."""
        assert self.copy_gate is not None
        features = torch.cat([context, rnn_out, embedded], dim=-1)
        if invariant_step(rnn_out):
            # One output column: a row-count-dependent product on CPU (see
            # invariance.py); decoding uses the batch-invariant form.
            gate_logit = matrix_vector(features, self.copy_gate.weight[0]).unsqueeze(-1) + self.copy_gate.bias
        else:
            gate_logit = self.copy_gate(features)
        gate = torch.sigmoid(gate_logit)
        generated = torch.softmax(logits, dim=-1) * gate
        # Padding has weight 0, so it adds nothing to the pad id.
        if invariant_step(rnn_out):
            with deterministic_scatter(generated):
                mixed = generated.scatter_add(-1, src_ids, weights * (1.0 - gate))
        else:
            mixed = generated.scatter_add(-1, src_ids, weights * (1.0 - gate))
        return torch.log(mixed.clamp_min(1e-12)), gate.squeeze(-1)

    def project(self, attentional: Tensor) -> Tensor:
        """Attentional vectors (..., hidden_width) -> logits (..., tgt_vocab_size)."""
        if not self.tie_embeddings:
            return self.output(attentional)
        if self.pre_output is not None:
            attentional = self.pre_output(attentional)
        return F.linear(attentional, self.embedding.weight, self.output_bias)

    def _attend(
        self, rnn_out: Tensor, memory: Memory, coverage: Optional[Tensor] = None
    ) -> Tuple[Tensor, Optional[Tensor], Optional[Tensor]]:
        """rnn_out: (batch, steps, width) -> attentional vectors, context
        vectors and weights (the last two None without attention)."""
        if self.attention is None or self.combine is None:
            return self.dropout(rnn_out), None, None
        exact_states = memory.exact_states() if invariant_step(rnn_out) else None
        context, weights = self.attention(
            rnn_out, memory.keys, memory.states, memory.mask, coverage, exact_states=exact_states
        )
        attentional = torch.tanh(self.combine(torch.cat([context, rnn_out], dim=-1)))
        return self.dropout(attentional), context, weights

    def _run_parallel(
        self, embedded: Tensor, memory: Memory, state: DecoderState, steps: DecoderSteps
    ) -> Tuple[Dict[str, Optional[Tensor]], Optional[DecoderState]]:
        """Attentional vectors, RNN outputs, contexts and weights of all
        steps in the joined layout of `steps`, and the final state."""
        # Without input feeding (and coverage) the recurrence does not depend
        # on attention, so the RNN and the attention each run once over all
        # steps: much faster on CPU than a Python loop over steps. Packed
        # steps then only keep the real positions for the output layer.
        rnn_out, rnn_state = self.rnn(embedded, state.rnn)
        attentional, context, weights = self._attend(rnn_out, memory)
        outputs = {"attentional": attentional, "rnn_out": rnn_out, "context": context, "weights": weights}
        joined = {name: None if value is None else steps.pack(value) for name, value in outputs.items()}
        final = None if steps.packed else DecoderState(rnn=rnn_state, attentional=attentional[:, -1])
        return joined, final

    def _run_stepwise(
        self, embedded: Tensor, memory: Memory, state: DecoderState, steps: DecoderSteps,
        *, keep_rnn_out: bool = False,
    ) -> Tuple[Dict[str, Optional[Tensor]], Optional[DecoderState]]:
        """The same, one step at a time: input feeding and coverage both carry
        something from each step's attention into the next step. Each step
        reads only the rows `steps` gives it (the first n_t, rows sorted
        longest first when packed)."""
        memory, state = memory.in_step_order(steps), state.in_step_order(steps)
        rnn_state, previous, coverage = state.rnn, state.attentional, state.coverage
        # RNN outputs and contexts are kept only for the copy gate and the
        # alignment head: training runs this loop, and keeping them
        # otherwise is work for nothing.
        kept = ("attentional", "weights") + (("rnn_out", "context") if self.copy_gate is not None else ())
        if keep_rnn_out and "rnn_out" not in kept:
            kept += ("rnn_out",)
        outputs: Dict[str, list] = {name: [] for name in kept}
        for rnn_input, n_rows in zip(steps.split(embedded), steps.sizes):
            if n_rows < previous.shape[0]:  # rows whose target has ended drop out
                rnn_state = _first_rows(rnn_state, n_rows)
                previous = previous[:n_rows]
                coverage = None if coverage is None else coverage[:n_rows]
                memory = memory.first_rows(n_rows)
            if self.input_feeding:
                rnn_input = torch.cat([rnn_input, previous], dim=-1)
            rnn_out, rnn_state = self.rnn(rnn_input.unsqueeze(1), rnn_state)
            attentional, context, weights = self._attend(rnn_out, memory, coverage)
            if coverage is not None and weights is not None:
                coverage = coverage + weights[:, 0]
            previous = attentional.squeeze(1)
            step_values = {"attentional": attentional, "weights": weights, "rnn_out": rnn_out, "context": context}
            for name in kept:
                outputs[name].append(step_values[name])
        joined = {
            name: steps.join([value.squeeze(1) for value in values]) if values[0] is not None else None
            for name, values in outputs.items()
        }
        joined.setdefault("rnn_out", None)
        joined.setdefault("context", None)
        final = None if steps.packed else DecoderState(rnn=rnn_state, attentional=previous, coverage=coverage)
        return joined, final


def _first_rows(rnn_state: RNNState, n_rows: int) -> RNNState:
    """The first n_rows rows of an RNN state (a tensor, or an LSTM's pair;
    shape (n_layers, batch, width))."""
    if isinstance(rnn_state, tuple):
        return tuple(t[:, :n_rows] for t in rnn_state)  # type: ignore[return-value]
    return rnn_state[:, :n_rows]
