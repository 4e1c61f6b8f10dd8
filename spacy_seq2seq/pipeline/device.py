"""Checks that the component's settings suit the device its network is on.

They run when the network is built (initialize, or loading a saved
pipeline) and before each batch is decoded, so a pipeline that cannot work
on its device says so at once, naming the fix, instead of failing inside
the search or inside a worker process.
"""

from typing import Any

from ..errors import Errors
from ..forking import cuda_forbidden


def check_quantize_device(name: str, quantize: str, device: Any) -> None:
    """int8 decoding is a CPU feature (torch's dynamic quantization).

    device (torch.device): Where the network is.
    """
    if quantize == "int8" and device.type != "cpu":
        raise ValueError(Errors.E060.format(name=name, device=device))


def check_usable_device(name: str, device: Any) -> None:
    """A network on CUDA in a process forked after CUDA was initialised
    (`nlp.pipe(n_process > 1)` on a GPU) cannot run: refuse, naming the fix."""
    if device.type == "cuda" and cuda_forbidden():
        raise RuntimeError(Errors.E061.format(name=name, device=device))
