"""The encoder: piece embeddings read by a (bi)directional GRU or LSTM."""

from dataclasses import dataclass
from typing import Optional, Tuple, Union

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .config import Seq2SeqConfig

# GRU state: h (n_layers * n_directions, batch, width); LSTM state: (h, c).
RNNState = Union[Tensor, Tuple[Tensor, Tensor]]


@dataclass
class EncoderOutput:
    """What the decoder needs from the source.

    states (Tensor): Top-layer states. Shape: (batch, src_len, hidden_width).
    mask (Tensor): True at real (non-padding) positions. Shape: (batch, src_len).
    final (RNNState): Final states of every layer and direction, as returned
        by torch's RNN. Shape (each tensor): (n_layers * n_directions, batch,
        hidden_width / n_directions).
    """

    states: Tensor
    mask: Tensor
    final: RNNState


def make_rnn(
    cell: str, *, input_width: int, hidden_width: int, n_layers: int,
    dropout_prob: float, bidirectional: bool = False,
    device: Optional[torch.device] = None,
) -> nn.Module:
    rnn_class = nn.GRU if cell == "gru" else nn.LSTM
    return rnn_class(
        input_width,
        hidden_width,
        num_layers=n_layers,
        batch_first=True,
        # torch warns when inter-layer dropout is set on a single layer.
        dropout=dropout_prob if n_layers > 1 else 0.0,
        bidirectional=bidirectional,
        device=device,
    )


class RNNEncoder(nn.Module):
    """Embedding -> dropout -> packed (bi)RNN over the source pieces."""

    def __init__(self, config: Seq2SeqConfig, *, device: Optional[torch.device] = None):
        super().__init__()
        self.n_directions = 2 if config.bidirectional else 1
        self.embedding = nn.Embedding(
            config.src_vocab_size, config.embed_width,
            padding_idx=config.pad_id, device=device,
        )
        self.dropout = nn.Dropout(config.dropout_prob)
        self.rnn = make_rnn(
            config.cell,
            input_width=config.embed_width,
            hidden_width=config.hidden_width // self.n_directions,
            n_layers=config.n_layers,
            dropout_prob=config.dropout_prob,
            bidirectional=config.bidirectional,
            device=device,
        )

    def forward(self, src_ids: Tensor, src_lengths: Tensor) -> EncoderOutput:
        """Encode a padded batch of source pieces.

        src_ids (Tensor): Piece ids, padded. Shape: (batch, src_len).
        src_lengths (Tensor): Real length of each row (>= 1). Shape: (batch,).
        RETURNS (EncoderOutput): States, mask and final RNN states.
        """
        src_len = src_ids.shape[1]
        embedded = self.dropout(self.embedding(src_ids))
        # Packing keeps padding out of the recurrence, so a row's states do
        # not depend on how much padding its batch needs.
        packed = pack_padded_sequence(
            embedded, src_lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        packed_states, final = self.rnn(packed)
        states, _ = pad_packed_sequence(
            packed_states, batch_first=True, total_length=src_len
        )
        positions = torch.arange(src_len, device=src_ids.device)
        mask = positions.unsqueeze(0) < src_lengths.to(src_ids.device).unsqueeze(1)
        return EncoderOutput(states=states, mask=mask, final=final)
