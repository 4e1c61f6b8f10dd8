"""Applying spaCy's (thinc's) optimizer to the torch parameters, in place.

thinc's `PyTorchShim.finish_update` hands each parameter to the optimizer as
an array view and then re-wraps the result as a new tensor
(`param.data = xp2torch(...)`). Every step adds a link to a chain of views
that keeps memory alive: measured on the Tatoeba config, resident memory
grew by about 3 MB per step (12.7 GiB after a 45-minute Multi30k run),
while the same training with the update below stayed flat. The optimizer
updates the arrays in place, so the views are enough: nothing is re-wrapped,
and the result is copied back only if an optimizer ever returns new memory.

With `use_averages = true` the optimizer also keeps a running average of
every parameter under the same keys. thinc's `PyTorchShim.use_params` looks
for string keys ("pytorch_<id>_<name>") that its own optimizer never writes,
so it silently keeps the raw weights; `averaged_weights` below swaps the
averages in by the optimizer's real keys.

thinc starts each average at zero, and its first update keeps 9/11 of the
new weights: the first evaluation of a run (spaCy's step 0) and any early
checkpoint would use shrunken weights. For a fine-tuning run that starts
from a trained model, that is a damaged model at step 0. `apply_optimizer`
starts each average at the weights the run starts from instead, so the
average is one of trained weights from the first step (the difference
fades within ~20 steps: the start's share after t steps is
prod((1 + s) / (10 + s)) for s = 1..t).

The hand-off between torch and the optimizer's arrays goes through DLPack on
the objects themselves (`cupy.from_dlpack(tensor)`, `numpy.from_dlpack`,
`torch.from_dlpack(array)`), not thinc's `torch2xp`/`xp2torch`: those pass
CuPy a raw capsule and call CuPy's `toDlpack()`, deprecated since CuPy 13.4
and warned on every call (every evaluation with averages).
"""

import contextlib
from typing import Any, Dict, Iterator, Tuple

import numpy
import torch
from thinc.api import Optimizer, PyTorchShim

from ..errors import Errors


def apply_optimizer(shim: PyTorchShim, optimizer: Optimizer) -> None:
    """One optimizer step on every parameter with a gradient, then zero the
    gradients. Uses thinc's keys ((shim.id, name)), so the optimizer's state
    is the same as with `shim.finish_update`, except that the averages start
    at the starting weights, not at zero."""
    averages = optimizer.averages
    for name, param in shim._model.named_parameters():
        if param.grad is None:
            continue
        weights = tensor_as_array(param.data)
        key = (shim.id, name)
        if averages is not None and key not in averages:
            averages[key] = weights.copy()  # see the module docstring
        updated, _ = optimizer(key, weights, tensor_as_array(param.grad))
        if not _same_memory(updated, weights):
            param.data.copy_(torch.from_dlpack(updated))
        param.grad.zero_()


@contextlib.contextmanager
def averaged_weights(shim: PyTorchShim, params: Dict[Tuple[int, str], Any]) -> Iterator[None]:
    """Use the optimizer's averaged weights (`optimizer.averages`) inside the
    block, and restore the trained weights exactly afterwards. Parameters
    without an average (none, or never updated) keep their weights. Only the
    copies run without autograd: the block keeps the caller's grad mode."""
    swapped = []
    try:
        with torch.no_grad():
            for name, param in shim._model.named_parameters():
                average = params.get((shim.id, name))
                if average is None:
                    continue
                if tuple(average.shape) != tuple(param.shape):
                    raise ValueError(
                        f"The average of '{name}' has shape {tuple(average.shape)}, "
                        f"the parameter {tuple(param.shape)}: the averages belong to "
                        "another model."
                    )
                swapped.append((param, param.detach().clone()))
                param.copy_(torch.from_dlpack(average))  # copy_ moves it across devices
        yield
    finally:
        with torch.no_grad():
            for param, trained in swapped:
                param.copy_(trained)


def tensor_as_array(tensor: torch.Tensor) -> Any:
    """The tensor's memory as the array thinc's optimizer works on: a NumPy
    array for a CPU tensor, a CuPy array for a CUDA tensor. No copy, so an
    update of the array in place is an update of the tensor."""
    data = tensor.detach()  # DLPack refuses tensors that require gradients
    if data.device.type == "cuda":
        import cupy

        return cupy.from_dlpack(data)
    if data.device.type != "cpu":
        raise ValueError(Errors.E140.format(device=data.device))
    array = numpy.from_dlpack(data)
    # NumPy < 2.1 marks every array it takes through DLPack read-only; the
    # optimizer must write into it, and `Tensor.numpy` shares the memory too.
    return array if array.flags.writeable else data.numpy()


def _same_memory(a: Any, b: Any) -> bool:
    if isinstance(a, numpy.ndarray) and isinstance(b, numpy.ndarray):
        return numpy.shares_memory(a, b)
    pointer = getattr(getattr(a, "data", None), "ptr", None)  # cupy
    return pointer is not None and pointer == getattr(getattr(b, "data", None), "ptr", None)
