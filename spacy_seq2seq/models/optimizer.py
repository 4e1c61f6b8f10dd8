"""Applying spaCy's (thinc's) optimizer to the torch parameters, in place.

thinc's `PyTorchShim.finish_update` hands each parameter to the optimizer as
an array view and then re-wraps the result as a new tensor
(`param.data = xp2torch(...)`). Every step adds a link to a chain of views
that keeps memory alive: measured on the Tatoeba config, resident memory
grew by about 3 MB per step (12.7 GiB after a 45-minute Multi30k run),
while the same training with the update below stayed flat. The optimizer
updates the arrays in place, so the views are enough: nothing is re-wrapped,
and the result is copied back only if an optimizer ever returns new memory.
"""

from typing import Any

import numpy
from thinc.api import Optimizer, PyTorchShim
from thinc.util import torch2xp, xp2torch


def apply_optimizer(shim: PyTorchShim, optimizer: Optimizer) -> None:
    """One optimizer step on every parameter with a gradient, then zero the
    gradients. Uses thinc's keys ((shim.id, name)), so the optimizer's state
    is the same as with `shim.finish_update`."""
    for name, param in shim._model.named_parameters():
        if param.grad is None:
            continue
        weights = torch2xp(param.data)
        updated, _ = optimizer((shim.id, name), weights, torch2xp(param.grad))
        if not _same_memory(updated, weights):
            param.data.copy_(xp2torch(updated, device=param.device))
        param.grad.zero_()


def _same_memory(a: Any, b: Any) -> bool:
    if isinstance(a, numpy.ndarray) and isinstance(b, numpy.ndarray):
        return numpy.shares_memory(a, b)
    pointer = getattr(getattr(a, "data", None), "ptr", None)  # cupy
    return pointer is not None and pointer == getattr(getattr(b, "data", None), "ptr", None)
