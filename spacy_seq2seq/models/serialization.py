"""Weights in and out as safetensors: no pickle is ever loaded.

The network is rebuilt from the config first; the file then only fills its
tensors, strictly (every key present, every shape equal). Tensors are saved as
fp32 on the CPU and copied onto whatever device the rebuilt network lives on,
so a GPU-trained pipeline loads on a CPU-only machine.
"""

from typing import Dict

import torch
from safetensors import SafetensorError
from safetensors.torch import load as safetensors_load
from safetensors.torch import save as safetensors_save
from torch import nn

WEIGHTS_FORMAT = "safetensors-fp32-v1"


class WeightsFormatError(ValueError):
    """The bytes are not a safetensors file (a pickle, say): refused."""


class WeightsMismatchError(ValueError):
    """The file's tensors do not fit the network built from the config."""


def module_to_bytes(module: nn.Module) -> bytes:
    """Serialize a module's state as safetensors bytes (fp32, CPU)."""
    state = {
        name: tensor.detach().to("cpu", torch.float32).contiguous()
        if tensor.is_floating_point()
        else tensor.detach().cpu().contiguous()
        for name, tensor in module.state_dict().items()
    }
    return safetensors_save(state, metadata={"format": WEIGHTS_FORMAT})


def load_module_bytes(module: nn.Module, data: bytes) -> nn.Module:
    """Fill an already built module from `module_to_bytes` output.

    module (nn.Module): The network, built with the right shapes.
    data (bytes): safetensors bytes.
    RETURNS (nn.Module): The same module, weights loaded on its own device.
    """
    try:
        state: Dict[str, torch.Tensor] = safetensors_load(bytes(data))
    except (SafetensorError, ValueError, OverflowError) as error:
        raise WeightsFormatError(str(error)) from None
    expected = module.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    # Shapes and dtypes must match exactly: a silent cast would hide a file
    # written by something else.
    wrong_shape = sorted(
        name for name in set(expected) & set(state)
        if tuple(expected[name].shape) != tuple(state[name].shape)
        or expected[name].dtype != state[name].dtype
    )
    if missing or unexpected or wrong_shape:
        raise WeightsMismatchError(
            f"missing {missing[:5]}, unexpected {unexpected[:5]}, "
            f"wrong shape or dtype {wrong_shape[:5]}"
        )
    # load_state_dict copies into the existing parameters, so they keep the
    # module's device and dtype: this is the map_location step.
    module.load_state_dict(state, strict=True)
    return module
