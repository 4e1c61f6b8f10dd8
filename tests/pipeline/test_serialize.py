"""Every way of saving and loading gives identical outputs; pickles are refused."""

import json
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import spacy
import torch
from spacy.tokens import Doc, DocBin
from toy_data import TOY_CONFIG, TOY_PAIRS, outputs, train_toy

from spacy_seq2seq.pipeline.seq2seq_attn import DECODING_SETTINGS

# Seen and unseen inputs, so the comparison covers more than memorised rows.
PROBES = [source for source, _ in TOY_PAIRS] + ["le chien noir dort .", "un chat ."]


def _all_outputs(nlp):
    return [outputs(doc) for doc in nlp.pipe(PROBES)]


def test_nlp_to_disk_and_spacy_load(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert _all_outputs(loaded) == _all_outputs(nlp)


def test_nlp_to_bytes_and_from_bytes(trained_toy):
    nlp, _ = trained_toy
    fresh = spacy.blank("fr")
    fresh.add_pipe("seq2seq_attn", config=TOY_CONFIG)
    fresh.from_bytes(nlp.to_bytes())
    assert _all_outputs(fresh) == _all_outputs(nlp)


def test_component_to_bytes_and_to_disk(trained_toy, tmp_path):
    nlp, _ = trained_toy
    s2s = nlp.get_pipe("seq2seq_attn")
    via_bytes = spacy.blank("fr")
    via_bytes.add_pipe("seq2seq_attn", config=TOY_CONFIG).from_bytes(s2s.to_bytes())
    s2s.to_disk(tmp_path / "component")
    via_disk = spacy.blank("fr")
    via_disk.add_pipe("seq2seq_attn", config=TOY_CONFIG).from_disk(tmp_path / "component")
    expected = _all_outputs(nlp)
    assert _all_outputs(via_bytes) == expected
    assert _all_outputs(via_disk) == expected
    assert sorted(p.name for p in (tmp_path / "component").iterdir()) == [
        "cfg", "model.safetensors", "src_pieces.model", "tgt_pieces.model", "vocab",
    ]


def test_uninitialized_pipeline_round_trips(tmp_path):
    nlp = spacy.blank("fr")
    nlp.add_pipe("seq2seq_attn", config=TOY_CONFIG)
    nlp.to_disk(tmp_path / "blank")
    loaded = spacy.load(tmp_path / "blank")
    assert not loaded.get_pipe("seq2seq_attn").is_initialized
    with pytest.raises(ValueError, match=r"\[E005\]"):
        loaded("le chat")


def test_loaded_pipeline_keeps_training(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    from thinc.api import Adam
    from toy_data import make_examples

    losses = loaded.update(make_examples(loaded), sgd=Adam(0.001))
    assert 0 < losses["seq2seq_attn"] < 2.0


class _Payload:
    """Unpickling this runs `marker.touch()`: the attack we must not allow."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("writer", ["pickle", "torch.save"])
def test_planted_pickle_is_refused_not_executed(trained_toy, tmp_path, writer):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    marker = tmp_path / "pwned"
    weights = tmp_path / "model" / "seq2seq_attn" / "model.safetensors"
    if writer == "pickle":
        weights.write_bytes(pickle.dumps(_Payload(marker)))
    else:
        torch.save({"encoder.embedding.weight": _Payload(marker)}, weights)
    with pytest.raises(ValueError, match=r"\[E008\].*Refusing"):
        spacy.load(tmp_path / "model")
    assert not marker.exists()
    # The payload is live: unpickling it for real would have run it.
    pickle.loads(pickle.dumps(_Payload(tmp_path / "control")))
    assert (tmp_path / "control").exists()


def test_weights_from_another_config_are_a_clear_error(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    bigger = spacy.blank("fr")
    bigger.add_pipe("seq2seq_attn", config={**TOY_CONFIG, "model": {**TOY_CONFIG["model"], "hidden_width": 32}})
    with pytest.raises(ValueError, match=r"\[E010\]"):
        bigger.get_pipe("seq2seq_attn").from_disk(tmp_path / "model" / "seq2seq_attn")


def test_docbin_round_trip_is_exact(trained_toy):
    nlp, _ = trained_toy
    docs = list(nlp.pipe(PROBES + [""]))
    doc_bin = DocBin(store_user_data=True, docs=docs)
    restored = list(DocBin().from_bytes(doc_bin.to_bytes()).get_docs(nlp.vocab))
    assert [outputs(doc) for doc in restored] == [outputs(doc) for doc in docs]
    # And the types are the documented ones after msgpack, not tuples-for-lists.
    alignment = restored[0]._.translation_alignment
    assert isinstance(alignment, list) and isinstance(alignment[0], tuple)
    assert isinstance(restored[0]._.translation_tokens, list)


def test_doc_to_bytes_round_trip_is_exact(trained_toy):
    nlp, _ = trained_toy
    doc = nlp("le chat noir dort .")
    restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert outputs(restored) == outputs(doc)


def test_weights_load_onto_the_cpu(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    module = loaded.get_pipe("seq2seq_attn").model.shims[0]._model
    assert {p.device.type for p in module.parameters()} == {"cpu"}


def _run_fresh(code: str, *args: str) -> str:
    """Run code in a new interpreter (no spacy_seq2seq imported by us)."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_factory_resolves_without_importing_the_package():
    code = (
        "import sys, spacy\n"
        "assert 'spacy_seq2seq' not in sys.modules\n"
        "nlp = spacy.blank('fr')\n"
        "nlp.add_pipe('seq2seq_attn', config={'tgt_lang': 'en'})\n"
        "print(nlp.pipe_names, 'spacy_seq2seq' in sys.modules)\n"
    )
    assert _run_fresh(code).split() == ["['seq2seq_attn']", "True"]


def test_spacy_load_in_a_fresh_interpreter(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    code = (
        "import json, sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "doc = nlp('le chat noir dort .')\n"
        "print(json.dumps([doc._.translation, doc._.translation_tokens,"
        " doc._.translation_alignment, doc._.translation_attention]))\n"
    )
    text, tokens, alignment, attention = json.loads(_run_fresh(code, str(tmp_path / "model")))
    expected = nlp("le chat noir dort .")
    assert text == expected._.translation
    assert tokens == expected._.translation_tokens
    assert [tuple(link) for link in alignment] == expected._.translation_alignment
    assert attention == expected._.translation_attention


@pytest.mark.gpu
def test_gpu_trained_pipeline_loads_on_cpu(tmp_path):
    from gpu_support import GPU, thinc_on_gpu

    with thinc_on_gpu():
        nlp, _ = train_toy(n_steps=120)
        module = nlp.get_pipe("seq2seq_attn").model.shims[0]._model
        assert next(module.parameters()).device.type == GPU.type
        gpu_outputs = _all_outputs(nlp)
        nlp.to_disk(tmp_path / "model")
    code = (
        "import json, sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "print(json.dumps([doc._.translation for doc in nlp.pipe(sys.argv[2:])]))\n"
    )
    cpu_texts = json.loads(_run_fresh(code, str(tmp_path / "model"), *PROBES))
    assert cpu_texts == [output[0] for output in gpu_outputs]


def test_loading_restores_learned_settings_and_keeps_decoding_settings(trained_toy):
    nlp, _ = trained_toy
    saved = nlp.get_pipe("seq2seq_attn")
    other = spacy.blank("fr").add_pipe(
        "seq2seq_attn",
        config={**TOY_CONFIG, "tgt_lang": "de", "store_attention": False, "beam_size": 2},
    )
    other.from_bytes(saved.to_bytes())
    # What the model learned with comes from the saved component...
    for key in set(saved.cfg) - DECODING_SETTINGS:
        assert other.cfg[key] == saved.cfg[key], key
    # ...how to decode stays as the receiving component was configured.
    assert (other.cfg["store_attention"], other.cfg["beam_size"]) == (False, 2)
    assert (saved.cfg["store_attention"], saved.cfg["beam_size"]) == (True, 5)
    # The target words come from the saved language's tokenizer again.
    assert other._target_words.lang == saved.cfg["tgt_lang"] == "en"
    other.settings = replace(other.settings, **{key: saved.cfg[key] for key in DECODING_SETTINGS})
    doc = nlp.make_doc("le chat noir dort .")
    other_doc = nlp.make_doc("le chat noir dort .")
    saved.set_annotations([doc], saved.predict([doc]))
    other.set_annotations([other_doc], other.predict([other_doc]))
    assert outputs(other_doc) == outputs(doc)


def test_decoding_settings_can_be_overridden_at_load_time(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path)
    loaded = spacy.load(tmp_path, config={"components": {"seq2seq_attn": {"beam_size": 1, "n_best": 1}}})
    assert loaded.get_pipe("seq2seq_attn").cfg["beam_size"] == 1
    assert spacy.load(tmp_path).get_pipe("seq2seq_attn").cfg["beam_size"] == 5
