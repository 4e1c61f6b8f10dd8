"""Settings that depend on the network's device are checked when the
pipeline is built or loaded, and a forked worker refuses a GPU network
with a coded error, instead of failing inside the search or the worker.

No GPU here: thinc's shim is told the network is on cuda:0 (the checks read
`shim.device`; nothing is decoded while it pretends)."""

import os

import pytest
import spacy
import torch
from gpu_support import DRY_RUN, GPU, TRAINING_TOLERANCE, ieee_float32, thinc_on_gpu
from thinc.api import SGD, Adam
from thinc.shims.pytorch import PyTorchShim
from toy_data import TOY_CONFIG, make_examples

from spacy_seq2seq.pipeline import device as device_checks

CUDA = torch.device("cuda", 0)


def pretend_gpu(monkeypatch):
    monkeypatch.setattr(PyTorchShim, "device", property(lambda shim: CUDA))


def toy_pipeline(**settings):
    nlp = spacy.blank("fr")
    nlp.add_pipe("seq2seq_attn", config={**TOY_CONFIG, **settings})
    return nlp


def test_int8_on_a_gpu_is_refused_at_initialize(monkeypatch):
    nlp = toy_pipeline(quantize="int8")
    pretend_gpu(monkeypatch)
    with pytest.raises(ValueError, match=r"\[E060\].*cuda:0.*quantize = \"none\""):
        nlp.initialize(lambda: make_examples(nlp))


def test_int8_on_a_gpu_is_refused_when_a_saved_pipeline_is_loaded(monkeypatch, tmp_path, trained_toy):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path)
    int8 = {"components": {"seq2seq_attn": {"quantize": "int8"}}}
    assert spacy.load(tmp_path, config=int8)("le chat")._.translation  # fine on the CPU
    pretend_gpu(monkeypatch)
    spacy.load(tmp_path)  # fp32 on the GPU: fine
    with pytest.raises(ValueError, match=r"\[E060\]"):
        spacy.load(tmp_path, config=int8)


def test_a_gpu_network_in_a_forked_process_is_refused(monkeypatch, trained_toy):
    nlp, _ = trained_toy
    monkeypatch.setattr(device_checks, "cuda_forbidden", lambda: True)
    assert nlp("le chat")._.translation  # on the CPU a fork is fine
    pretend_gpu(monkeypatch)
    with pytest.raises(RuntimeError, match=r"\[E061\].*n_process=1"):
        nlp("le chat")


def test_nlp_pipe_with_workers_reports_the_refusal_in_the_parent(monkeypatch, trained_toy):
    """The whole path: spaCy forks, the worker's first batch refuses, and
    the parent gets spaCy's E871 carrying our E061 before any output."""
    nlp, _ = trained_toy
    parent = os.getpid()
    # In the worker, CUDA is what the fork broke; in the parent it is fine.
    monkeypatch.setattr(device_checks, "cuda_forbidden", lambda: os.getpid() != parent)
    pretend_gpu(monkeypatch)
    with pytest.raises(ValueError, match=r"E871[\s\S]*\[E061\]"):
        list(nlp.pipe(["le chat", "un chien"], n_process=2, batch_size=1))


# -- On a real GPU (pytest --gpu, or a dry run: tests/gpu_support.py) -------


def component_copy(nlp):
    """A new pipeline with the same weights, on thinc's current device."""
    copy = toy_pipeline()
    copy.get_pipe("seq2seq_attn").from_bytes(nlp.get_pipe("seq2seq_attn").to_bytes())
    return copy


def parameters(nlp):
    return dict(nlp.get_pipe("seq2seq_attn").model.shims[0]._model.named_parameters())


def one_update(nlp, optimizer):
    """Loss, and every parameter's change, of one nlp.update."""
    before = {name: p.detach().cpu().clone() for name, p in parameters(nlp).items()}
    losses = {}
    nlp.update(make_examples(nlp), sgd=optimizer, losses=losses)
    changes = {name: p.detach().cpu() - before[name] for name, p in parameters(nlp).items()}
    return losses["seq2seq_attn"], changes


@pytest.mark.gpu
def test_an_update_on_the_gpu_changes_the_weights_as_on_the_cpu(trained_toy):
    """Plain SGD, so each change is -learn_rate x gradient and the two
    devices' changes can be compared closely: with TF32 off (training's
    default on recent cards), to TRAINING_TOLERANCE of the largest."""
    nlp, _ = trained_toy
    loss, changes = one_update(component_copy(nlp), SGD(0.1, L2=0.0, grad_clip=0.0))
    with thinc_on_gpu(), ieee_float32():
        on_gpu = component_copy(nlp)
        assert all(p.device.type == GPU.type for p in parameters(on_gpu).values())
        gpu_loss, gpu_changes = one_update(on_gpu, SGD(0.1, L2=0.0, grad_clip=0.0))
    assert gpu_loss == pytest.approx(loss, rel=TRAINING_TOLERANCE)
    assert sum(bool(change.any()) for change in changes.values()) > 5
    for name, change in changes.items():
        scale = float(change.abs().max()) or 1.0
        torch.testing.assert_close(gpu_changes[name], change, rtol=0, atol=TRAINING_TOLERANCE * scale, msg=name)


@pytest.mark.gpu
def test_the_optimizer_updates_the_gpu_parameters_in_place(trained_toy):
    """apply_optimizer hands thinc's Adam CuPy views of the torch memory: the
    parameters change where they are, no new tensors (which would leak a
    chain of views at every step, see models/optimizer.py)."""
    nlp, _ = trained_toy
    with thinc_on_gpu():
        on_gpu = component_copy(nlp)
        optimizer = Adam(0.01)
        places = {name: p.data_ptr() for name, p in parameters(on_gpu).items()}
        _, first = one_update(on_gpu, optimizer)
        _, second = one_update(on_gpu, optimizer)
        assert {name: p.data_ptr() for name, p in parameters(on_gpu).items()} == places
    assert sum(bool(change.any()) for change in second.values()) > 5
    assert any(not torch.equal(first[name], second[name]) for name in first)


@pytest.mark.gpu
def test_nlp_pipe_with_workers_on_the_gpu_is_refused_with_the_fix(monkeypatch, trained_toy):
    """spaCy warns (W114) before it forks a GPU pipeline; the tests turn
    warnings into errors, so the warning is expected here, and the worker's
    refusal still reaches the parent. A dry run pretends the GPU and the
    fork's broken CUDA, as the CPU tests above do, to check the test itself."""
    nlp, _ = trained_toy
    with thinc_on_gpu():
        on_gpu = component_copy(nlp)
        assert on_gpu("le chat")._.translation  # CUDA is initialised in the parent
        if DRY_RUN:
            parent = os.getpid()
            monkeypatch.setattr(device_checks, "cuda_forbidden", lambda: os.getpid() != parent)
            monkeypatch.setattr(spacy.Language, "_has_gpu_model", lambda self, disable: True)
            pretend_gpu(monkeypatch)
        with pytest.warns(UserWarning, match=r"\[W114\]"):
            with pytest.raises(ValueError, match=r"E871[\s\S]*\[E061\]"):
                list(on_gpu.pipe(["le chat", "un chien"], n_process=2, batch_size=1))
