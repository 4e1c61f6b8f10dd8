"""The in-place optimizer step gives thinc's results without re-wrapping
the parameters (thinc's re-wrapping leaked memory every step), and the
optimizer's averaged weights can be swapped in and out; the arrays the
optimizer works on are the tensors' own memory, on the CPU and on the GPU."""

import copy

import numpy
import pytest
import torch
from gpu_support import GPU, TRAINING_TOLERANCE, ieee_float32
from thinc.api import SGD, Adam, PyTorchShim

from spacy_seq2seq.models import optimizer as optimizer_module
from spacy_seq2seq.models.optimizer import (
    apply_optimizer,
    averaged_weights,
    tensor_as_array,
)
from spacy_seq2seq.models.pytorch import RNNAttnSeq2Seq, Seq2SeqConfig


def make_shim() -> PyTorchShim:
    torch.manual_seed(0)
    config = Seq2SeqConfig(src_vocab_size=30, tgt_vocab_size=30, pad_id=0, bos_id=2, eos_id=3,
                           embed_width=8, hidden_width=16, dropout_prob=0.0)
    return PyTorchShim(RNNAttnSeq2Seq(config))


def backward(module) -> None:
    torch.manual_seed(1)
    src = torch.randint(4, 30, (3, 5))
    tgt = torch.randint(4, 30, (3, 4))
    device = next(module.parameters()).device  # the lengths stay on the host
    module(src.to(device), torch.tensor([5, 4, 2]), tgt.to(device)).logits.sum().backward()


def test_in_place_step_matches_thinc_and_keeps_the_tensors():
    theirs = make_shim()
    ours = copy.deepcopy(theirs)
    ours.id = theirs.id  # same optimizer keys
    their_optimizer, our_optimizer = Adam(0.01, grad_clip=1.0), Adam(0.01, grad_clip=1.0)
    pointers = [p.data_ptr() for p in ours._model.parameters()]
    for _ in range(3):
        backward(theirs._model)
        backward(ours._model)
        theirs.finish_update(their_optimizer)
        apply_optimizer(ours, our_optimizer)
    for (name, mine), (_, reference) in zip(ours._model.named_parameters(), theirs._model.named_parameters()):
        torch.testing.assert_close(mine, reference, rtol=0, atol=0, msg=name)
        assert not torch.equal(mine, make_shim()._model.get_parameter(name)), name  # it did change
        assert mine.grad is not None and not mine.grad.any()
    # Updated where they are: the same storage as before the first step.
    assert [p.data_ptr() for p in ours._model.parameters()] == pointers


def trained_with_averages(n_steps: int = 4):
    shim = make_shim()
    optimizer = Adam(0.01, use_averages=True)
    for _ in range(n_steps):
        backward(shim._model)
        apply_optimizer(shim, optimizer)
    return shim, optimizer


def test_averaged_weights_are_used_inside_and_the_trained_ones_restored():
    shim, optimizer = trained_with_averages()
    trained = {name: p.detach().clone() for name, p in shim._model.named_parameters()}
    assert set(optimizer.averages) == {(shim.id, name) for name in trained}
    with averaged_weights(shim, optimizer.averages):
        assert torch.is_grad_enabled()  # the block keeps the caller's grad mode
        for name, param in shim._model.named_parameters():
            average = torch.from_numpy(optimizer.averages[(shim.id, name)])
            torch.testing.assert_close(param.detach(), average, rtol=0, atol=0, msg=name)
            # An average of several steps is not the last step's weights.
            assert not torch.equal(param.detach(), trained[name]), name
    for name, param in shim._model.named_parameters():
        torch.testing.assert_close(param.detach(), trained[name], rtol=0, atol=0, msg=name)


def test_averaged_weights_restore_after_an_error_and_ignore_other_keys():
    shim, optimizer = trained_with_averages()
    trained = {name: p.detach().clone() for name, p in shim._model.named_parameters()}
    with pytest.raises(RuntimeError):
        with averaged_weights(shim, optimizer.averages):
            raise RuntimeError("evaluation failed")
    for name, param in shim._model.named_parameters():
        assert torch.equal(param.detach(), trained[name]), name
    others = {(shim.id + 1, name): value for (_, name), value in optimizer.averages.items()}
    with averaged_weights(shim, others):
        for name, param in shim._model.named_parameters():
            assert torch.equal(param.detach(), trained[name]), name


def test_averages_of_another_model_are_refused_by_shape():
    shim, optimizer = trained_with_averages()
    name = next(name for name, _ in shim._model.named_parameters())
    wrong = dict(optimizer.averages)
    wrong[(shim.id, name)] = wrong[(shim.id, name)][:1]
    with pytest.raises(ValueError, match="another model"):
        with averaged_weights(shim, wrong):
            pass


def test_averages_start_at_the_starting_weights_not_at_zero():
    # A fine-tuning run starts from trained weights: with a learning rate of
    # 0 its average must be those weights (thinc's own start at zero would
    # give 9/11 of them after the first step).
    shim = make_shim()
    start = {name: p.detach().clone() for name, p in shim._model.named_parameters()}
    optimizer = Adam(0.0, use_averages=True)
    backward(shim._model)
    apply_optimizer(shim, optimizer)
    for name, value in start.items():
        average = torch.from_numpy(optimizer.averages[(shim.id, name)])
        torch.testing.assert_close(average, value, rtol=0, atol=1e-7, msg=name)


# -- The hand-off between torch and the optimizer's arrays ------------------


def address(array) -> int:
    """Where a NumPy or CuPy array's data starts."""
    return array.ctypes.data if isinstance(array, numpy.ndarray) else array.data.ptr


def assert_hand_off_shares_memory(tensor: torch.Tensor) -> None:
    array = tensor_as_array(tensor)
    assert address(array) == tensor.data_ptr() and array.shape == tuple(tensor.shape)
    array += 1  # the optimizer updates in place: the tensor sees it
    torch.testing.assert_close(tensor.detach().cpu(), torch.arange(6.0).reshape(2, 3) + 1, rtol=0, atol=0)
    back = torch.from_dlpack(array)  # and back: still the same memory
    assert back.data_ptr() == tensor.data_ptr() and back.device == tensor.device


def test_the_hand_off_to_numpy_is_the_tensors_memory():
    parameter = torch.nn.Parameter(torch.arange(6.0).reshape(2, 3))  # requires grad
    assert_hand_off_shares_memory(parameter)
    assert isinstance(tensor_as_array(parameter), numpy.ndarray)


def test_a_read_only_dlpack_import_falls_back_to_a_writable_view(monkeypatch):
    # NumPy < 2.1 marks every array it imports through DLPack read-only.
    def read_only_from_dlpack(tensor):
        array = tensor.numpy().view()
        array.flags.writeable = False
        return array

    monkeypatch.setattr(optimizer_module.numpy, "from_dlpack", read_only_from_dlpack)
    assert_hand_off_shares_memory(torch.arange(6.0).reshape(2, 3))


def test_a_network_on_another_device_is_a_coded_error():
    with pytest.raises(ValueError, match=r"\[E140\].*meta.*CPU or a CUDA GPU"):
        tensor_as_array(torch.zeros(2, device="meta"))


class HalfGradientStep:
    """An optimizer that returns new memory instead of updating in place."""

    averages = None

    def __call__(self, key, weights, gradient):
        return weights - 0.5 * gradient, gradient


def test_an_optimizer_returning_new_memory_is_copied_back_exactly():
    shim = make_shim()
    backward(shim._model)
    expected = {name: (p.detach() - 0.5 * p.grad).clone() for name, p in shim._model.named_parameters()}
    pointers = [p.data_ptr() for p in shim._model.parameters()]
    apply_optimizer(shim, HalfGradientStep())
    for name, param in shim._model.named_parameters():
        torch.testing.assert_close(param.detach(), expected[name], rtol=0, atol=0, msg=name)
    assert [p.data_ptr() for p in shim._model.parameters()] == pointers


@pytest.mark.gpu
def test_the_hand_off_on_the_gpu_is_the_tensors_memory():
    """cupy.from_dlpack(tensor) and torch.from_dlpack(array): no copy either
    way, and no deprecation warning (the tests turn warnings into errors)."""
    assert_hand_off_shares_memory(torch.arange(6.0, device=GPU).reshape(2, 3))


@pytest.mark.gpu
def test_steps_with_averages_on_the_gpu_give_the_cpu_weights():
    """Three SGD steps with averages, then the averages swapped in: on the
    GPU as on the CPU, to float32 rounding (TF32 off), the GPU parameters
    updated in place. (SGD, not Adam: Adam's first steps are about the sign
    of each gradient, so a gradient near zero could flip either way.)"""
    cpu, gpu = make_shim(), make_shim()
    gpu._model.to(GPU)
    gpu.id = cpu.id
    optimizers = {shim: SGD(0.1, L2=0.0, grad_clip=0.0, use_averages=True) for shim in (cpu, gpu)}
    pointers = [p.data_ptr() for p in gpu._model.parameters()]
    with ieee_float32():
        for _ in range(3):
            for shim in (cpu, gpu):
                backward(shim._model)
                apply_optimizer(shim, optimizers[shim])
    assert [p.data_ptr() for p in gpu._model.parameters()] == pointers
    assert all(p.device.type == GPU.type for p in gpu._model.parameters())
    assert_same_weights(gpu, cpu)
    trained = {name: p.detach().clone() for name, p in gpu._model.named_parameters()}
    with averaged_weights(cpu, optimizers[cpu].averages), averaged_weights(gpu, optimizers[gpu].averages):
        assert_same_weights(gpu, cpu)
        assert any(not torch.equal(p.detach(), trained[name]) for name, p in gpu._model.named_parameters())
    for name, param in gpu._model.named_parameters():
        assert torch.equal(param.detach(), trained[name]), name


def assert_same_weights(gpu: PyTorchShim, cpu: PyTorchShim) -> None:
    for (name, mine), (_, reference) in zip(gpu._model.named_parameters(), cpu._model.named_parameters(), strict=True):
        scale = float(reference.detach().abs().max())
        torch.testing.assert_close(
            mine.detach().cpu(), reference.detach(), rtol=0, atol=TRAINING_TOLERANCE * scale, msg=name
        )
