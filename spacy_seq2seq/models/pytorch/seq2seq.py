"""The whole encoder-decoder as one torch module."""

from typing import NamedTuple, Optional, Tuple

import torch
from torch import Tensor, nn

from .config import Seq2SeqConfig
from .decoder import AttentionDecoder
from .decoder_state import DecoderState, Memory
from .encoder import RNNEncoder
from .steps import DecoderSteps


class Seq2SeqOutput(NamedTuple):
    """Teacher-forced output.

    logits (Tensor): Unnormalised scores. Shape: (batch, tgt_len, tgt_vocab_size),
        or (n_real, tgt_vocab_size) for the real positions only when the
        target lengths were given (`steps.pack(tgt_out)` is the matching gold).
    attention (Optional[Tensor]): Weights over source pieces, None without
        attention. Shape: (batch, tgt_len, src_len).
    copy_gate (Optional[Tensor]): p_gen per step with copy attention, else
        None. Shape: (batch, tgt_len).
    alignment (Optional[Tensor]): The alignment head's weights (rows as in
        `attention`; the EOS rows mean nothing, see alignment_head.py), None
        without a head.
        Shape: (batch, tgt_len, src_len).
    steps (Optional[DecoderSteps]): Which rows each decoder step read, and
        so the layout of `logits` (see steps.py).
    """

    logits: Tensor
    attention: Optional[Tensor]
    copy_gate: Optional[Tensor] = None
    alignment: Optional[Tensor] = None
    steps: Optional[DecoderSteps] = None


class RNNAttnSeq2Seq(nn.Module):
    """RNN encoder-decoder with attention. Outputs logits (no softmax inside),
    or normalised log-probabilities with copy attention.

    config (Seq2SeqConfig): The hyperparameters.
    device (Optional[torch.device]): Where to create the parameters.
    """

    def __init__(self, config: Seq2SeqConfig, *, device: Optional[torch.device] = None):
        super().__init__()
        self.config = config
        self.encoder = RNNEncoder(config, device=device)
        self.decoder = AttentionDecoder(config, device=device)
        self._init_embeddings()

    def _init_embeddings(self) -> None:
        # torch's N(0, 1) default is large next to the RNN's uniform(+-1/sqrt(H))
        # weights; a smaller scale trains faster early on (JoeyNMT uses 0.1).
        for embedding in (self.encoder.embedding, self.decoder.embedding):
            nn.init.normal_(embedding.weight, std=0.1)
            with torch.no_grad():
                embedding.weight[self.config.pad_id].zero_()

    def encode(self, src_ids: Tensor, src_lengths: Tensor) -> Tuple[Memory, DecoderState]:
        """Encode the source and prepare the decoder.

        src_ids (Tensor): Source piece ids, EOS-terminated, padded.
            Shape: (batch, src_len).
        src_lengths (Tensor): Real lengths (>= 1). Shape: (batch,).
        RETURNS (Tuple[Memory, DecoderState]): The decoder's memory and first state.
        """
        return self.decoder.start(self.encoder(src_ids, src_lengths), src_ids)

    def forward(
        self, src_ids: Tensor, src_lengths: Tensor, tgt_in: Tensor, tgt_lengths: Optional[Tensor] = None
    ) -> Seq2SeqOutput:
        """Teacher-forced pass.

        src_ids (Tensor): Source piece ids. Shape: (batch, src_len).
        src_lengths (Tensor): Real lengths. Shape: (batch,).
        tgt_in (Tensor): Decoder inputs: BOS then the gold pieces, padded.
            Shape: (batch, tgt_len).
        tgt_lengths (Optional[Tensor]): Real lengths of `tgt_in` (BOS
            included). Given, the decoder skips the padding (packed steps,
            steps.py): the same numbers at the real positions for much less
            work; training passes them. Shape: (batch,).
        RETURNS (Seq2SeqOutput): Logits for the next piece at every position,
            and the attention weights.
        """
        memory, state = self.encode(src_ids, src_lengths)
        output = self.decoder(tgt_in, memory, state, with_alignment=True, tgt_lengths=tgt_lengths)
        return Seq2SeqOutput(
            logits=output.logits, attention=output.attention, copy_gate=output.copy_gate,
            alignment=output.alignment, steps=output.steps,
        )
