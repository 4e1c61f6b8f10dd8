"""The copy gate of copy attention (pointer-generator, See et al. 2017).

The output becomes a mixture of generating a piece from the target
vocabulary and copying one out of the source:

    p_gen = sigmoid(w [context_t; h_t; input embedding] + b)
    P(w)  = p_gen * softmax(logits_t)(w) + (1 - p_gen) * sum of weights_t over
            the source positions holding piece w

so the decoder then returns log P instead of logits (both feed a log-softmax
or a cross-entropy unchanged, since log P is already normalised).

The gate is a `nn.Linear` itself (not a module holding one), so its
parameters keep the names `copy_gate.weight` and `copy_gate.bias` that saved
pipelines and the int8 copy (quantization.py keeps it in fp32) refer to.
"""

from typing import Optional, Tuple

import torch
from torch import Tensor, nn

from .attention import invariant_step
from .invariance import deterministic_scatter, matrix_vector


class CopyGate(nn.Linear):
    """p_gen from the context, the RNN output and the input embedding, and
    the mixture of generating and copying it weighs."""

    def __init__(self, hidden_width: int, embed_width: int, *, device: Optional[torch.device] = None):
        super().__init__(2 * hidden_width + embed_width, 1, device=device)

    def mix(
        self, logits: Tensor, weights: Tensor, context: Tensor, rnn_out: Tensor,
        embedded: Tensor, src_ids: Tensor,
    ) -> Tuple[Tensor, Tensor]:
        """log(p_gen * P_vocab + (1 - p_gen) * copy distribution), and p_gen.
        All in the joined layout of steps.py: logits (..., vocab); weights
        and the source ids of each position's row (..., src_len)."""
        features = torch.cat([context, rnn_out, embedded], dim=-1)
        if invariant_step(rnn_out):
            # One output column: a row-count-dependent product on CPU (see
            # invariance.py); decoding uses the batch-invariant form.
            gate_logit = matrix_vector(features, self.weight[0]).unsqueeze(-1) + self.bias
        else:
            gate_logit = self(features)
        gate = torch.sigmoid(gate_logit)
        generated = torch.softmax(logits, dim=-1) * gate
        # Padding has weight 0, so it adds nothing to the pad id.
        if invariant_step(rnn_out):
            with deterministic_scatter(generated):
                mixed = generated.scatter_add(-1, src_ids, weights * (1.0 - gate))
        else:
            mixed = generated.scatter_add(-1, src_ids, weights * (1.0 - gate))
        return torch.log(mixed.clamp_min(1e-12)), gate.squeeze(-1)
