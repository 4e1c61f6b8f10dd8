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
"""

from dataclasses import dataclass
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .attention import build_attention
from .config import Seq2SeqConfig
from .encoder import EncoderOutput, RNNState, make_rnn


@dataclass
class Memory:
    """The encoder side, fixed for a whole decode.

    states (Tensor): Encoder states. Shape: (batch, src_len, hidden_width).
    keys (Tensor): Attention keys from `project_keys`. Same shape.
    mask (Tensor): True at real positions. Shape: (batch, src_len).
    """

    states: Tensor
    keys: Tensor
    mask: Tensor

    def index_select(self, index: Tensor) -> "Memory":
        """Reorder or repeat rows (beam search). index: (new_batch,)."""
        return Memory(
            states=self.states.index_select(0, index),
            keys=self.keys.index_select(0, index),
            mask=self.mask.index_select(0, index),
        )


@dataclass
class DecoderState:
    """What changes from step to step.

    rnn (RNNState): RNN state. Shape (each tensor): (n_layers, batch, hidden_width).
    attentional (Tensor): Previous attentional vector, fed back with input
        feeding. Shape: (batch, hidden_width).
    """

    rnn: RNNState
    attentional: Tensor

    def index_select(self, index: Tensor) -> "DecoderState":
        """Reorder or repeat rows (beam search). index: (new_batch,)."""
        if isinstance(self.rnn, tuple):
            rnn: RNNState = tuple(t.index_select(1, index) for t in self.rnn)  # type: ignore[assignment]
        else:
            rnn = self.rnn.index_select(1, index)
        return DecoderState(rnn=rnn, attentional=self.attentional.index_select(0, index))


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
        self.attention = build_attention(config.attention, width, device=device)
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

    def start(self, encoded: EncoderOutput) -> Tuple[Memory, DecoderState]:
        """Prepare the fixed memory and the first decoder state.

        encoded (EncoderOutput): The encoder's output.
        RETURNS (Tuple[Memory, DecoderState]): Memory for every step, and the
            state before the first step.
        """
        keys = (
            self.attention.project_keys(encoded.states)
            if self.attention is not None
            else encoded.states
        )
        memory = Memory(states=encoded.states, keys=keys, mask=encoded.mask)
        batch = encoded.states.shape[0]
        attentional = encoded.states.new_zeros(batch, self._width)
        return memory, DecoderState(rnn=self.bridge(encoded.final), attentional=attentional)

    @property
    def _width(self) -> int:
        return self.rnn.hidden_size

    def forward(
        self, tgt_in: Tensor, memory: Memory, state: DecoderState
    ) -> Tuple[Tensor, Optional[Tensor], DecoderState]:
        """Run the decoder over given input pieces (teacher forcing, or one step).

        tgt_in (Tensor): Input piece ids (BOS first). Shape: (batch, steps).
        memory (Memory): From `start`.
        state (DecoderState): The state before the first of these steps.
        RETURNS (Tuple[Tensor, Optional[Tensor], DecoderState]): Logits, shape
            (batch, steps, tgt_vocab_size); attention weights, shape
            (batch, steps, src_len), or None without attention; the state after
            the last step.
        """
        embedded = self.dropout(self.embedding(tgt_in))
        if self.input_feeding:
            attentional, weights, state = self._run_fed(embedded, memory, state)
        else:
            attentional, weights, state = self._run_parallel(embedded, memory, state)
        return self.project(attentional), weights, state

    def project(self, attentional: Tensor) -> Tensor:
        """Attentional vectors (..., hidden_width) -> logits (..., tgt_vocab_size)."""
        if not self.tie_embeddings:
            return self.output(attentional)
        if self.pre_output is not None:
            attentional = self.pre_output(attentional)
        return F.linear(attentional, self.embedding.weight, self.output_bias)

    def _attend(
        self, rnn_out: Tensor, memory: Memory
    ) -> Tuple[Tensor, Optional[Tensor]]:
        """rnn_out: (batch, steps, width) -> attentional vectors and weights."""
        if self.attention is None or self.combine is None:
            return self.dropout(rnn_out), None
        context, weights = self.attention(rnn_out, memory.keys, memory.states, memory.mask)
        attentional = torch.tanh(self.combine(torch.cat([context, rnn_out], dim=-1)))
        return self.dropout(attentional), weights

    def _run_parallel(
        self, embedded: Tensor, memory: Memory, state: DecoderState
    ) -> Tuple[Tensor, Optional[Tensor], DecoderState]:
        # Without input feeding the recurrence does not depend on attention,
        # so the RNN and the attention each run once over all steps: much
        # faster on CPU than a Python loop over steps.
        rnn_out, rnn_state = self.rnn(embedded, state.rnn)
        attentional, weights = self._attend(rnn_out, memory)
        return attentional, weights, DecoderState(rnn=rnn_state, attentional=attentional[:, -1])

    def _run_fed(
        self, embedded: Tensor, memory: Memory, state: DecoderState
    ) -> Tuple[Tensor, Optional[Tensor], DecoderState]:
        rnn_state, previous = state.rnn, state.attentional
        all_attentional, all_weights = [], []
        for step in range(embedded.shape[1]):
            rnn_input = torch.cat([embedded[:, step], previous], dim=-1).unsqueeze(1)
            rnn_out, rnn_state = self.rnn(rnn_input, rnn_state)
            attentional, weights = self._attend(rnn_out, memory)
            previous = attentional.squeeze(1)
            all_attentional.append(attentional)
            all_weights.append(weights)
        stacked_weights = (
            torch.cat(all_weights, dim=1) if self.attention is not None else None  # type: ignore[arg-type]
        )
        return (
            torch.cat(all_attentional, dim=1),
            stacked_weights,
            DecoderState(rnn=rnn_state, attentional=previous),
        )
