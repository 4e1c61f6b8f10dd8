"""A pretend CUDA device on the CPU, to catch mixed-device bugs without a GPU.

On a GPU, an operation that mixes a CUDA tensor with a CPU tensor (other
than a 0-dim scalar) fails: `ids.index_select(0, cpu_rows)` raises
"Expected all tensors to be on the same device". On a CPU-only machine every
tensor is on the CPU, so such bugs hide until someone has a GPU.

`EmulatedCuda` is a torch function mode that keeps two kinds of CPU tensors
apart: those "on the device" (the network's parameters, anything created
with `device=` the device, moved there with `.to(...)`, or computed from
device tensors) and plain host tensors. It reports `cuda:0` as the device of
device tensors, so code that asks `tensor.device` and creates tensors there
runs as it would on a GPU, and it raises `MixedDeviceError` wherever CUDA
would refuse the mix. The numbers are computed on the CPU exactly as without
the mode, so outputs can be compared bit for bit.

What CUDA allows and the mode allows too: 0-dim host tensors as scalars,
host index tensors in `tensor[index]`, host lengths in packing and host
batch sizes of a PackedSequence (which CUDA even requires on the host).
Moving data off the device (`.cpu()`, `.tolist()`, `.item()`, `bool()`)
works; `.numpy()` of a device tensor fails, as on CUDA.
"""

from typing import Any, Iterable, List

import torch
from torch.overrides import TorchFunctionMode

DEVICE = torch.device("cuda", 0)


class MixedDeviceError(RuntimeError):
    """An operation mixed device and host tensors, which CUDA refuses."""


class _OnDevice(torch.Tensor):
    """Marks a CPU tensor as living on the pretend device."""

    # The mode decides what is on the device; the subclass itself stays inert.
    __torch_function__ = torch._C._disabled_torch_function_impl


def _tensors(obj: Any, found: List[torch.Tensor]) -> List[torch.Tensor]:
    if isinstance(obj, torch.Tensor):
        found.append(obj)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            _tensors(item, found)
    elif isinstance(obj, dict):
        for item in obj.values():
            _tensors(item, found)
    return found


def _is_cuda(device: Any) -> bool:
    if device is None or isinstance(device, torch.Tensor):
        return False
    if isinstance(device, int):
        return True  # a bare index means a CUDA device in torch
    return torch.device(device).type == "cuda"


def _host_device(device: Any) -> Any:
    return torch.device("cpu") if _is_cuda(device) else device


# Functions whose listed positional arguments are host tensors by design.
_HOST_ARGUMENTS = {
    "_pack_padded_sequence": (1,),  # lengths
    "_pad_packed_sequence": (1,),  # batch sizes
}
# The RNN functions take a packed input's batch sizes (int64, on the host)
# as argument 1; unpacked, argument 1 is the hidden state (on the device).
_RNN_FUNCTIONS = {"gru", "lstm", "rnn_tanh", "rnn_relu"}
# Functions whose listed results stay on the host, as CUDA returns them.
_HOST_RESULTS = {
    "_pack_padded_sequence": (1,),  # batch sizes
    "_pad_packed_sequence": (1,),  # lengths
}
_FACTORIES = {
    "arange", "full", "zeros", "ones", "empty", "tensor", "as_tensor", "randn",
    "rand", "randint", "linspace", "eye", "zeros_like", "ones_like", "full_like",
    "empty_like", "rand_like", "randn_like", "new_zeros", "new_ones", "new_full",
    "new_empty", "new_tensor",
}
_TO_HOST = {"cpu", "numpy", "tolist", "item", "__bool__", "__int__", "__float__", "__index__"}


class EmulatedCuda(TorchFunctionMode):
    """Treat `module`'s parameters (and what comes from them) as CUDA tensors.

    module (torch.nn.Module): The network "on the GPU".
    """

    def __init__(self, module: torch.nn.Module):
        super().__init__()
        self._parameters = {id(tensor) for tensor in module.parameters()}
        self._parameters.update(id(tensor) for tensor in module.buffers())
        self.n_checked = 0  # operations seen with a device tensor, for tests
        # Copies of host data onto the device (`.to`, `.cuda`, tensor
        # factories given data and the device): each is a synchronising
        # transfer on a real GPU.
        self.n_host_to_device = 0

    def on_device(self, tensor: torch.Tensor) -> bool:
        return isinstance(tensor, _OnDevice) or id(tensor) in self._parameters

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        name = getattr(func, "__name__", "")
        if name == "__get__":
            return self._attribute(func, args)
        if name in ("to", "cuda"):
            return self._move(func, name, args, kwargs)
        tensors = _tensors(list(args), []) + _tensors(kwargs, [])
        on_device = [t for t in tensors if self.on_device(t)]
        if name in _TO_HOST:
            if name == "numpy" and on_device:
                raise TypeError("can't convert cuda:0 device type tensor to numpy (emulated)")
            return _plain(func(*args, **kwargs))
        creates_on_device = "device" in kwargs and _is_cuda(kwargs["device"])
        if creates_on_device and name in ("tensor", "as_tensor"):
            self.n_host_to_device += 1
        if "device" in kwargs:
            kwargs["device"] = _host_device(kwargs["device"])
        if on_device:
            self.n_checked += 1
            self._check_mix(name, args, kwargs, tensors)
        result = func(*args, **kwargs)
        if on_device and name in _FACTORIES and "device" in kwargs and not creates_on_device:
            return result  # new_zeros(..., device="cpu") of a device tensor
        if on_device or creates_on_device:
            host_results = _HOST_RESULTS.get(name, ())
            if host_results:
                return tuple(
                    _plain(item) if position in host_results else _marked(item)
                    for position, item in enumerate(result)
                )
            return _marked(result)
        return result

    def _attribute(self, func, args):
        tensor = args[0]
        value = func(*args)
        if not self.on_device(tensor):
            return value
        owner = getattr(func, "__self__", None) or getattr(func, "__objclass__", None)
        if func is torch.Tensor.device.__get__ or owner is torch.Tensor.device:
            return DEVICE
        if func is torch.Tensor.is_cuda.__get__ or owner is torch.Tensor.is_cuda:
            return True
        if func is torch.Tensor.is_cpu.__get__ or owner is torch.Tensor.is_cpu:
            return False
        return value

    def _move(self, func, name, args, kwargs):
        tensor = args[0]
        if name == "cuda":
            self.n_host_to_device += not self.on_device(tensor)
            return _marked(func(_plain(tensor)))
        target = kwargs.get("device")
        for arg in args[1:]:
            if isinstance(arg, (str, torch.device, int)) and not isinstance(arg, bool):
                target = arg
            elif isinstance(arg, torch.Tensor):
                target = DEVICE if self.on_device(arg) else torch.device("cpu")
        host_args = tuple(_host_device(a) if isinstance(a, (str, torch.device)) else a for a in args)
        if "device" in kwargs:
            kwargs["device"] = _host_device(kwargs["device"])
        result = func(*host_args, **kwargs)
        if target is None:  # a dtype change only: stays where it was
            return _marked(result) if self.on_device(tensor) else result
        if not _is_cuda(target):
            return _plain(result)
        self.n_host_to_device += not self.on_device(tensor)
        return _marked(result)

    def _check_mix(self, name: str, args, kwargs, tensors: Iterable[torch.Tensor]) -> None:
        host_positions = _HOST_ARGUMENTS.get(name, ())
        if name in _RNN_FUNCTIONS and isinstance(args[1], torch.Tensor) and args[1].dtype == torch.int64:
            host_positions = (1,)
        allowed = {id(args[i]) for i in host_positions if i < len(args) and isinstance(args[i], torch.Tensor)}
        for position in host_positions:
            if position < len(args) and isinstance(args[position], torch.Tensor) and self.on_device(args[position]):
                raise MixedDeviceError(f"{name}: argument {position} must be a CPU tensor, got one on cuda:0")
        if name == "__getitem__":
            allowed.update(id(t) for t in _tensors(list(args[1:]), []))  # host indices are fine
        if name == "__setitem__":
            allowed.update(id(t) for t in _tensors(args[1], []))
        for tensor in tensors:
            if id(tensor) in allowed or self.on_device(tensor) or tensor.dim() == 0:
                continue
            raise MixedDeviceError(
                f"{name}: expected all tensors to be on the same device, but found "
                f"cuda:0 and a CPU tensor of shape {tuple(tensor.shape)} (emulated)"
            )


def _marked(result: Any) -> Any:
    if isinstance(result, _OnDevice):
        return result
    if isinstance(result, torch.nn.Parameter):
        return result
    if isinstance(result, torch.Tensor):
        return result.as_subclass(_OnDevice)
    if type(result) is tuple:
        return tuple(_marked(item) for item in result)
    if isinstance(result, tuple) and hasattr(result, "n_fields"):  # torch.return_types
        return type(result)([_marked(item) for item in result])
    if isinstance(result, list):
        return [_marked(item) for item in result]
    return result


def _plain(result: Any) -> Any:
    if isinstance(result, _OnDevice):
        return result.as_subclass(torch.Tensor)
    return result
