"""Forced alignment: one teacher-forced pass over given outputs, no search.

The decoder reads BOS + the given target pieces, exactly as in training,
and reports at each step the attention over the source and the
log-probability of the next given piece (EOS last). That is all alignment
needs, and costs about one training forward pass: far less than decoding.
"""

from typing import List, Optional

import torch
from thinc.api import PyTorchShim

from .converters import pad_ids, tensor_to_numpy
from .decoding import eval_mode, length_buckets
from .pytorch.search import banned_ids
from .types import Forced, ForcedBatch


def force(shim: PyTorchShim, batch: ForcedBatch) -> List[Forced]:
    """Attention and piece log-probabilities for every (source, target) pair.

    Pairs are sorted by length into sub-batches of at most
    `max_batch_items` padded pieces (counting the longer side).

    RETURNS (List[Forced]): One result per pair, in input order.
    """
    module, device = shim._model, shim.device
    config = module.config
    results: List[Optional[Forced]] = [None] * len(batch.src)
    lengths = [max(len(src), len(tgt) + 1) for src, tgt in zip(batch.src, batch.tgt)]
    with eval_mode(module):
        for rows in length_buckets(lengths, batch.max_batch_items):
            src_ids, src_lengths = pad_ids([batch.src[i] for i in rows], pad_id=config.pad_id, device=device)
            targets = [batch.tgt[i] for i in rows]
            tgt_in, _ = pad_ids(targets, pad_id=config.pad_id, prefix=(config.bos_id,), device=device)
            tgt_out, _ = pad_ids(targets, pad_id=config.pad_id, suffix=(config.eos_id,), device=device)
            with torch.no_grad():
                output = module(src_ids, src_lengths, tgt_in)
                # The ids search never outputs are left out of the softmax
                # here too, so forced and decoded scores compare.
                logits = output.logits.float().index_fill(2, banned_ids(module, device), float("-inf"))
                log_probs = torch.log_softmax(logits, dim=-1).gather(2, tgt_out.unsqueeze(-1)).squeeze(-1)
            log_probs_np = tensor_to_numpy(log_probs)
            attention_np = None if output.attention is None else tensor_to_numpy(output.attention)
            alignment_np = None if output.alignment is None else tensor_to_numpy(output.alignment)
            for k, row in enumerate(rows):
                n_steps, n_src = len(batch.tgt[row]) + 1, len(batch.src[row])
                results[row] = Forced(
                    log_probs=log_probs_np[k, :n_steps].copy(),
                    attention=None if attention_np is None else attention_np[k, :n_steps, :n_src].copy(),
                    alignment=None if alignment_np is None else _without_eos_row(alignment_np[k, :n_steps, :n_src]),
                )
    return results  # type: ignore[return-value]


def _without_eos_row(alignment):
    """A copy with the EOS row zeroed: the head has no piece to read there,
    and in a padded batch that row read padding."""
    alignment = alignment.copy()
    alignment[-1] = 0.0
    return alignment
