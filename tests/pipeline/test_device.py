"""Settings that depend on the network's device are checked when the
pipeline is built or loaded, and a forked worker refuses a GPU network
with a coded error, instead of failing inside the search or the worker.

No GPU here: thinc's shim is told the network is on cuda:0 (the checks read
`shim.device`; nothing is decoded while it pretends)."""

import os

import pytest
import spacy
import torch
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
