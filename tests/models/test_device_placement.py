"""Every tensor decoding, forced alignment and a training step make is on
the network's device: checked without a GPU, on a pretend CUDA device
(tests/emulated_device.py) that refuses host/device mixes as CUDA does.

Each run is also compared with the same run without the emulation: the mode
only moves nothing and checks, so the outputs must be bit-identical.
"""

import numpy
import pytest
import torch
from emulated_device import EmulatedCuda, MixedDeviceError
from gpu_support import CPU_TOLERANCE, GPU, TRAINING_TOLERANCE, ieee_float32
from toy_network import PAD, build, sources

from spacy_seq2seq.models import DecodeBatch, SearchSettings, TrainBatch
from spacy_seq2seq.models.converters import pad_ids
from spacy_seq2seq.models.decoding import decode
from spacy_seq2seq.models.forced import force
from spacy_seq2seq.models.loss import teacher_forced_loss
from spacy_seq2seq.models.types import ForcedBatch

VARIANTS = {
    "gru-additive": dict(cell="gru", attention="additive"),
    "lstm-general": dict(cell="lstm", attention="general", n_layers=2),
    "gru-dot-no-feeding": dict(cell="gru", attention="dot", input_feeding=False),
    "copy-coverage": dict(cell="gru", attention="additive", copy_attention=True, coverage=True),
    "alignment-head": dict(cell="lstm", attention="additive", alignment_head=True),
}


SOURCES = sources([5, 2, 9, 3, 7])
TARGETS = [numpy.asarray(t, dtype=numpy.int64) for t in ([4, 5, 6], [7], [8, 9, 10, 11, 12], [13, 4], [5, 6])]


def network(model):
    return model.shims[0]._model


def test_the_emulated_device_refuses_what_cuda_refuses():
    """The negative control: without it, a quiet mode would pass everything."""
    module = torch.nn.Linear(3, 2)
    swapped = module.weight.detach()[[1, 0]]
    with EmulatedCuda(module):
        weights = module.weight * 1.0
        assert weights.device == torch.device("cuda", 0)
        assert module.weight.is_cuda
        with pytest.raises(MixedDeviceError):
            weights.index_select(0, torch.tensor([1, 0]))
        with pytest.raises(MixedDeviceError):
            weights + torch.ones(2, 3)
        with pytest.raises(TypeError, match="numpy"):
            weights.numpy()
        moved = torch.tensor([1, 0]).to(weights.device)
        assert moved.is_cuda
        assert torch.equal(weights.index_select(0, moved).cpu(), swapped)
        ids, lengths = pad_ids([[4, 5], [6]], pad_id=PAD, device=weights.device)
        assert ids.is_cuda and not lengths.is_cuda  # packing needs the lengths on the host


@pytest.mark.parametrize("beam_size", [1, 3])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_decoding_keeps_every_tensor_on_the_device(variant, beam_size):
    model = build(**VARIANTS[variant])
    settings = SearchSettings(
        beam_size=beam_size, n_best=beam_size, length_alpha=0.6, min_output_length=2,
        max_output_length=6, no_repeat_ngram_size=2, coverage_penalty=0.2,
    )
    batch = DecodeBatch(src=SOURCES, search=settings, max_batch_items=4096, quantize="none")
    expected = decode(model.shims[0], batch)
    mode = EmulatedCuda(network(model))
    with mode:
        found = decode(model.shims[0], batch)
    assert mode.n_checked > 100  # the search really ran on "device" tensors
    for want, got in zip(expected, found):
        for a, b in zip(want, got):
            assert a.ids == b.ids and a.score == b.score
            numpy.testing.assert_array_equal(a.attention, b.attention)
            if a.copy_share is not None:
                numpy.testing.assert_array_equal(a.copy_share, b.copy_share)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_forced_alignment_keeps_every_tensor_on_the_device(variant):
    model = build(**VARIANTS[variant])
    batch = ForcedBatch(src=SOURCES, tgt=TARGETS, max_batch_items=4096)
    expected = force(model.shims[0], batch)
    with EmulatedCuda(network(model)):
        found = force(model.shims[0], batch)
    for want, got in zip(expected, found):
        numpy.testing.assert_array_equal(want.log_probs, got.log_probs)
        numpy.testing.assert_array_equal(want.attention, got.attention)
        if want.alignment is not None:
            numpy.testing.assert_array_equal(want.alignment, got.alignment)


def training_gradients(model, batch, emulated: bool):
    """Loss and gradients of one teacher-forced step (the optimizer is thinc's
    and goes through CuPy: not emulated)."""
    module = network(model)
    module.zero_grad()
    mode = EmulatedCuda(module) if emulated else None
    if mode is not None:
        mode.__enter__()
    try:
        output, backprop = model.begin_update(batch)
        loss, _, gradient = teacher_forced_loss(
            output, label_smoothing=0.1, guided_alignment_weight=0.5, coverage_loss_weight=0.5,
        )
        backprop(gradient)
    finally:
        if mode is not None:
            mode.__exit__(None, None, None)
    if mode is not None:
        assert mode.n_checked > 100  # the step really ran on "device" tensors
    return loss, {name: p.grad.clone() for name, p in module.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_training_step_keeps_every_tensor_on_the_device(variant):
    model = build(**VARIANTS[variant])
    guide = [None, numpy.eye(2, 3, dtype=numpy.float32)] + [None] * 3
    batch = TrainBatch(src=SOURCES, tgt=TARGETS, guide=guide)
    loss, gradients = training_gradients(model, batch, emulated=False)
    emulated_loss, emulated_gradients = training_gradients(model, batch, emulated=True)
    assert emulated_loss == loss
    assert gradients.keys() == emulated_gradients.keys() and len(gradients) > 5
    for name, gradient in gradients.items():
        assert torch.equal(gradient, emulated_gradients[name]), name


def host_to_device_copies(run, model):
    mode = EmulatedCuda(network(model))
    with mode:
        run()
    return mode.n_host_to_device


@pytest.mark.parametrize("beam_size", [1, 3])
def test_decoding_copies_to_the_device_per_batch_not_per_step(beam_size):
    """Every host-to-device copy stalls a GPU until it is done: a search
    makes a fixed number per batch, however many steps it takes."""
    model = build(**VARIANTS["copy-coverage"])

    def copies(n_steps):
        # min = max length: every sentence takes exactly n_steps + 1 steps.
        settings = SearchSettings(beam_size=beam_size, length_alpha=0.0, min_output_length=n_steps, max_output_length=n_steps, max_output_ratio=9.0)
        batch = DecodeBatch(src=SOURCES, search=settings, max_batch_items=4096, quantize="none")
        return host_to_device_copies(lambda: decode(model.shims[0], batch), model)

    assert 0 < copies(2) == copies(12)


def test_a_training_step_copies_each_index_to_the_device_once():
    """The three id tensors, the source lengths (for the mask), torch's
    own row order when it packs the source, and the two row orders of the
    packed decoder steps: 7 (it was 14 when every reordering copied its row
    order again), whatever the target length."""
    model = build(**VARIANTS["copy-coverage"])

    def copies(target_length):
        targets = [numpy.arange(4, 4 + target_length) % 10 + 4 for _ in SOURCES]
        batch = TrainBatch(src=SOURCES, tgt=targets)
        return host_to_device_copies(lambda: model.begin_update(batch)[0], model)

    assert copies(2) == copies(9) <= 7


def test_searches_run_deterministic_ieee_kernels_and_restore_the_settings():
    """cuDNN's RNNs default to TF32 on recent cards: decoding turns it off
    (and cuDNN's nondeterministic kernels) for its duration only, so a
    training loop keeps its own settings."""
    from spacy_seq2seq.models.pytorch.invariance import invariant_kernels

    cudnn = torch.backends.cudnn
    before = (cudnn.deterministic, cudnn.rnn.fp32_precision, torch.backends.cuda.matmul.fp32_precision)
    cudnn.rnn.fp32_precision = "tf32"
    try:
        with invariant_kernels():
            assert cudnn.deterministic
            assert cudnn.rnn.fp32_precision == "ieee"
            assert torch.backends.cuda.matmul.fp32_precision == "ieee"
        assert cudnn.rnn.fp32_precision == "tf32" and cudnn.deterministic == before[0]
    finally:
        cudnn.deterministic, cudnn.rnn.fp32_precision, torch.backends.cuda.matmul.fp32_precision = before


def test_copy_attention_scatters_deterministically_on_the_device_only():
    from spacy_seq2seq.models.pytorch import decoder

    seen = []
    real_scatter_add = torch.Tensor.scatter_add

    def recording_scatter_add(self, *args, **kwargs):
        seen.append(torch.are_deterministic_algorithms_enabled())
        return real_scatter_add(self, *args, **kwargs)

    model = build(**VARIANTS["copy-coverage"])
    batch = DecodeBatch(src=SOURCES, search=SearchSettings(beam_size=1, length_alpha=0.0, max_output_length=3), max_batch_items=4096, quantize="none")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decoder.torch.Tensor, "scatter_add", recording_scatter_add)
        decode(model.shims[0], batch)
        assert seen and not any(seen)  # CPU: already deterministic, left alone
        seen.clear()
        with EmulatedCuda(network(model)):
            decode(model.shims[0], batch)
        assert seen and all(seen)
    assert not torch.are_deterministic_algorithms_enabled()


# -- On a real GPU (pytest --gpu, or a dry run: tests/gpu_support.py) -------


def on_gpu(variant):
    """The network `build` makes for `variant`, moved to the GPU."""
    model = build(**VARIANTS[variant])
    network(model).to(GPU)
    assert model.shims[0].device.type == GPU.type
    return model


def assert_close_to_cpu(cpu_arrays, gpu_arrays):
    for cpu, gpu in zip(cpu_arrays, gpu_arrays):
        assert (cpu is None) == (gpu is None)
        if cpu is not None:
            numpy.testing.assert_allclose(gpu, cpu, rtol=0, atol=CPU_TOLERANCE)


def assert_bit_identical(first, second):
    for a, b in zip(first, second):
        assert (a is None) == (b is None)
        if a is not None:
            numpy.testing.assert_array_equal(a, b)


@pytest.mark.gpu
@pytest.mark.parametrize("beam_size", [1, 3])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_decoding_on_the_gpu_gives_the_cpu_outputs(variant, beam_size):
    """Same ids, scores and weights within CPU_TOLERANCE; and the same run
    twice on the card is bit-identical (decoding is deterministic there)."""
    settings = SearchSettings(
        beam_size=beam_size, n_best=beam_size, length_alpha=0.6, min_output_length=2,
        max_output_length=8, no_repeat_ngram_size=2, coverage_penalty=0.2,
    )
    batch = DecodeBatch(src=SOURCES, search=settings, max_batch_items=4096, quantize="none")
    expected = decode(build(**VARIANTS[variant]).shims[0], batch)
    model = on_gpu(variant)
    found, again = decode(model.shims[0], batch), decode(model.shims[0], batch)
    assert [len(hypotheses) for hypotheses in found] == [len(hypotheses) for hypotheses in expected]
    for cpu_hypotheses, gpu_hypotheses, gpu_again in zip(expected, found, again):
        for cpu, gpu, repeat in zip(cpu_hypotheses, gpu_hypotheses, gpu_again):
            assert gpu.ids == cpu.ids
            assert gpu.score == pytest.approx(cpu.score, rel=0, abs=CPU_TOLERANCE)
            assert gpu.at_length_limit == cpu.at_length_limit
            assert_close_to_cpu([cpu.attention, cpu.copy_share, cpu.alignment], [gpu.attention, gpu.copy_share, gpu.alignment])
            assert (repeat.ids, repeat.score) == (gpu.ids, gpu.score)
            assert_bit_identical([gpu.attention, gpu.copy_share, gpu.alignment], [repeat.attention, repeat.copy_share, repeat.alignment])


@pytest.mark.gpu
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_forced_alignment_on_the_gpu_gives_the_cpu_outputs(variant):
    batch = ForcedBatch(src=SOURCES, tgt=TARGETS, max_batch_items=4096)
    expected = force(build(**VARIANTS[variant]).shims[0], batch)
    found = force(on_gpu(variant).shims[0], batch)
    for cpu, gpu in zip(expected, found, strict=True):
        assert_close_to_cpu([cpu.log_probs, cpu.attention, cpu.alignment], [gpu.log_probs, gpu.attention, gpu.alignment])


@pytest.mark.gpu
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_training_step_on_the_gpu_gives_the_cpu_gradients(variant):
    """Gradients match the CPU's to TRAINING_TOLERANCE of the largest, with
    TF32 off (training's default on recent cards rounds to 10 bits)."""
    guide = [None, numpy.eye(2, 3, dtype=numpy.float32)] + [None] * 3
    batch = TrainBatch(src=SOURCES, tgt=TARGETS, guide=guide)
    loss, gradients = training_gradients(build(**VARIANTS[variant]), batch, emulated=False)
    with ieee_float32():
        gpu_loss, gpu_gradients = training_gradients(on_gpu(variant), batch, emulated=False)
    assert gpu_loss == pytest.approx(loss, rel=TRAINING_TOLERANCE)
    assert gpu_gradients.keys() == gradients.keys() and len(gradients) > 5
    for name, gradient in gradients.items():
        scale = float(gradient.abs().max()) or 1.0
        numpy.testing.assert_allclose(
            gpu_gradients[name].cpu().numpy(), gradient.numpy(), rtol=0, atol=TRAINING_TOLERANCE * scale, err_msg=name
        )
