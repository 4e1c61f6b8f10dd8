"""The bridge: the encoder's final state becomes the decoder's initial state.

The encoder may be bidirectional (two half-width directions per layer) while
the decoder runs one direction at full width, so the directions are joined
per layer before a learned map (rather than passing the final state through
unchanged, which would tie the two RNNs' widths and layouts together).
"""

from typing import Optional

import torch
from torch import Tensor, nn

from .config import Seq2SeqConfig
from .encoder import RNNState


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
