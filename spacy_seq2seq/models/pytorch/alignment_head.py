"""An attention used only for word alignment, never for generating.

The generating attention at step t must guess where the NEXT target piece
comes from before the decoder has seen it; as word alignment that is a
guess (Chen et al. 2020 read the following step instead: "shift"). Guiding
that attention towards given links (Marian's guided alignment) also pulls
it away from what helps translation, so a strong pull costs BLEU.

This head instead attends from the step that READS target piece t: its
query is the decoder RNN's output after that piece was fed in, together
with the piece's own embedding. So it sees the whole target prefix up to
and including the word it aligns, and it only feeds the guided-alignment
loss, not the output (the separate alignment attention of Garg et al.
2019, here on an RNN):

    query_t   = W_q [h_(t+1); embed(y_t)]
    scores_ti = v . tanh(query_t + W_k s_i)
    align_t   = softmax_i(scores_t)            padded positions -> 0

Rows are laid out as the generating attention's (row t = the step that
outputs piece t, the EOS step last), so the same methods turn both into
links. The EOS row has no piece to read: zeros for the longest target of
a batch, whatever a padding step gives for the others; nothing reads it
(the guide leaves it out, and links come from the piece rows).
"""

from typing import Optional

import torch
from torch import Tensor, nn

from .attention import masked_softmax


class AlignmentHead(nn.Module):
    """width (int): Encoder state and decoder RNN width.
    embed_width (int): Target piece embedding width.
    """

    def __init__(self, width: int, embed_width: int, *, device: Optional[torch.device] = None):
        super().__init__()
        self.query_projection = nn.Linear(width + embed_width, width, bias=False, device=device)
        self.key_projection = nn.Linear(width, width, bias=False, device=device)
        self.energy = nn.Linear(width, 1, bias=False, device=device)

    def forward(self, rnn_out: Tensor, embedded: Tensor, states: Tensor, mask: Tensor) -> Tensor:
        """Alignment weights for every output row of a teacher-forced pass.

        rnn_out (Tensor): Decoder RNN outputs of all steps (step 0 read BOS).
            Shape: (batch, steps, width).
        embedded (Tensor): The embeddings each step read. Shape: (batch, steps, embed_width).
        states (Tensor): Encoder states. Shape: (batch, src_len, width).
        mask (Tensor): True at real source positions. Shape: (batch, src_len).
        RETURNS (Tensor): Weights; the EOS rows mean nothing (see above).
            Shape: (batch, steps, src_len).
        """
        # Output row t is the piece that step t + 1 reads.
        readers = torch.cat([rnn_out[:, 1:], embedded[:, 1:]], dim=-1)
        queries = self.query_projection(readers)
        inside = queries.unsqueeze(2) + self.key_projection(states).unsqueeze(1)
        weights = masked_softmax(self.energy(torch.tanh(inside)).squeeze(-1), mask)
        eos_row = weights.new_zeros(weights.shape[0], 1, weights.shape[2])
        return torch.cat([weights, eos_row], dim=1)
