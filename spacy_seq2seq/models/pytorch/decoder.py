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

With copy attention the output is a mixture of generating and copying a
source piece, weighed by the copy gate (copy_gate.py), and the decoder then
returns log-probabilities instead of logits.

With coverage, the attention also reads the coverage vector (the sum of
all earlier steps' weights), carried in the decoder state.

Training gives the target lengths, and each row then stops at its own end
(packed steps, steps.py): the output layer and the loss see real pieces
only, where a padded batch of Tatoeba spent most of its work on padding.

The first state comes from the encoder's final state through the bridge
(bridge.py); what the decoder carries between steps is in decoder_state.py.
"""

from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .alignment_head import AlignmentHead
from .attention import build_attention, invariant_step
from .bridge import Bridge
from .config import Seq2SeqConfig
from .copy_gate import CopyGate
from .decoder_state import DecoderOutput, DecoderState, Memory
from .encoder import EncoderOutput, RNNState, make_rnn
from .steps import DecoderSteps


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
        self.copy_gate = (
            CopyGate(width, config.embed_width, device=device) if config.copy_attention else None
        )
        self.combine = (
            nn.Linear(2 * width, width, bias=False, device=device)
            if self.attention is not None
            else None
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
        # Its initial weights come from a forked random state, so every other
        # layer draws the same initial weights with or without it: a detached
        # head then leaves the translation exactly as it was.
        self.alignment_head = None
        if config.alignment_head:
            on_gpu = device is not None and torch.device(device).type == "cuda"
            with torch.random.fork_rng(devices=[torch.device(device)] if on_gpu else []):
                self.alignment_head = AlignmentHead(width, config.embed_width, device=device)
        self.detach_alignment_head = config.detach_alignment_head

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
            head_inputs = (steps.to_padded(joined["rnn_out"]), embedded, memory.states)
            if self.detach_alignment_head:
                # The alignment loss then trains the head alone: what
                # translation computes is not pulled towards alignment.
                head_inputs = tuple(tensor.detach() for tensor in head_inputs)
            alignment = head(*head_inputs, memory.mask)
        logits = self.project(joined["attentional"])
        if self.copy_gate is None or joined["weights"] is None:
            return DecoderOutput(logits, weights, None, final, alignment, steps)
        log_probs, gate = self.copy_gate.mix(
            logits, joined["weights"], joined["context"], joined["rnn_out"], steps.pack(embedded),
            steps.repeat_rows(memory.src_ids),
        )
        return DecoderOutput(log_probs, weights, steps.to_padded(gate), final, alignment, steps)

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
