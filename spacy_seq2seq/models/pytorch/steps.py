"""Which rows of a batch each teacher-forced decoder step reads.

A padded batch makes every row take as many decoder steps as its longest
target. In corpus-order Tatoeba batches that is about 2.2 times the real
number of target pieces, and the step loop, the output layer and the loss
all paid for the padding: most of a training step's work.

Packed steps (torch's PackedSequence layout) skip it. The rows are sorted by
target length, longest first, so at step t the rows still inside their
target are the first n_t; each step runs on those rows only, and the
per-step outputs, concatenated, are the real positions of the batch, step
by step: (n_real, ...) instead of (batch, steps, ...). The output layer and
the loss then see real pieces only (`pack` lays the gold out the same way),
and `to_padded` turns what else is needed (attention, the copy gate) back
into the usual padded shape and row order, with zeros at padding.

Padded steps keep the old behaviour for decoding and forced alignment,
where every row runs every step: there the joined layout is the padded one.
"""

from typing import List, Optional, Sequence, Tuple

import torch
from torch import Tensor
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence


class DecoderSteps:
    """The rows each step reads, and the layout of the joined step outputs.

    n_rows (int): Rows of the batch.
    n_steps (int): Steps (the padded target length).
    lengths (Optional[Tensor]): Real length of each row's decoder input
        (BOS + pieces; >= 1): packed steps. None: padded steps, every row
        at every step. Shape: (n_rows,).
    device (Optional[torch.device]): Where the tensors it reorders live
        (the network's device). The row orders are copied there once, here:
        on a GPU every copy from the host is a synchronising transfer, and
        a training step reorders half a dozen tensors. Default: the CPU.
    """

    def __init__(
        self, n_rows: int, n_steps: int, lengths: Optional[Tensor] = None,
        device: Optional[torch.device] = None,
    ):
        self.n_rows, self.n_steps = n_rows, n_steps
        self.packed = lengths is not None
        if lengths is None:
            self.sizes: List[int] = [n_rows] * n_steps
            self.order: Optional[Tensor] = None
            return
        lengths = lengths.detach().to("cpu", torch.int64)
        if lengths.shape != (n_rows,) or int(lengths.min()) < 1 or int(lengths.max()) > n_steps:
            raise ValueError(
                f"Decoder input lengths must be {n_rows} values in [1, {n_steps}], got {lengths.tolist()}."
            )
        # One sort for every tensor packed here, so all of them agree.
        self._sorted_lengths, order = torch.sort(lengths, descending=True, stable=True)
        self._unsorted = torch.empty_like(order)
        self._unsorted[order] = torch.arange(n_rows)
        # Rows alive at step t: those longer than t (steps no row reaches
        # are left out).
        steps = torch.arange(n_steps)
        sizes = (self._sorted_lengths.unsqueeze(0) > steps.unsqueeze(1)).sum(dim=1).tolist()
        self.sizes = [size for size in sizes if size > 0]
        # The orders on the device; the packing functions want the sorted
        # lengths and the step sizes on the host, where they stay.
        self.order = order.to(device) if device is not None else order
        self._unsorted = self._unsorted.to(self.order.device)

    def sort_rows(self, tensor: Tensor) -> Tensor:
        """Rows (dim 0) in step order, longest target first; as given when padded."""
        if self.order is None:
            return tensor
        return tensor.index_select(0, self.order)

    def pack(self, padded: Tensor) -> Tensor:
        """A (batch, steps, ...) tensor in the joined layout: itself when
        padded; its real positions, step by step, when packed (n_real, ...)."""
        if self.order is None:
            return padded
        return pack_padded_sequence(
            self.sort_rows(padded), self._sorted_lengths, batch_first=True, enforce_sorted=True
        ).data

    def split(self, padded: Tensor) -> Tuple[Tensor, ...]:
        """Each step's rows of a (batch, steps, ...) tensor: (n_t, ...) each."""
        if self.order is None:
            return padded.unbind(1)
        # One split of one packed copy: slicing the padded tensor per step
        # would give each slice a zero-filled full-size gradient.
        return torch.split(self.pack(padded), self.sizes)

    def join(self, per_step: Sequence[Tensor]) -> Tensor:
        """Per-step outputs (n_t, ...) -> the joined layout: (batch, steps,
        ...) when padded, (n_real, ...) when packed."""
        if self.order is None:
            return torch.stack(list(per_step), dim=1)
        return torch.cat(list(per_step), dim=0)

    def repeat_rows(self, per_row: Tensor) -> Tensor:
        """A (batch, ...) tensor, each row repeated at every step it takes
        part in, in the joined layout."""
        if self.order is None:
            return per_row.unsqueeze(1).expand(-1, self.n_steps, *per_row.shape[1:])
        in_order = self.sort_rows(per_row)
        return torch.cat([in_order[:n_rows] for n_rows in self.sizes], dim=0)

    def to_padded(self, joined: Tensor) -> Tensor:
        """The joined layout -> (batch, steps, ...) in the batch's own row
        order, zeros at padding when packed."""
        if self.order is None:
            return joined
        sequence = PackedSequence(
            joined, torch.as_tensor(self.sizes, dtype=torch.int64), self.order, self._unsorted,
        )
        padded, _ = pad_packed_sequence(sequence, batch_first=True, total_length=self.n_steps)
        return padded
