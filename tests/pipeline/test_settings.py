"""The settings object: the public config it generates, its checks, how a
component takes and saves it, and the docs generated from it."""

import inspect
import re
import typing
from dataclasses import replace
from pathlib import Path

import pytest
import spacy
import srsly
from confection import ConfigValidationError
from spacy.language import Language
from spacy.tokens import Doc

from spacy_seq2seq.pipeline.seq2seq_attn import Seq2SeqAttn
from spacy_seq2seq.pipeline.settings import (
    DECODING_SETTINGS,
    LONG_SRC_OPTIONS,
    QUANTIZE_OPTIONS,
    Seq2SeqSettings,
    setting_fields,
)

ROOT = Path(__file__).resolve().parents[2]

# The public contract, written out by hand on purpose: every config key of
# the component, in order, with its default (before the settings object,
# these were the factory's hand-written default_config).
EXPECTED_DEFAULTS = {
    "field": "translation",
    "tgt_lang": "en",
    "src_vocab_size": 8000,
    "tgt_vocab_size": 8000,
    "joint_vocab": False,
    "character_coverage": 1.0,
    "src_line_break": None,
    "label_smoothing": 0.1,
    "guided_alignment_weight": 0.0,
    "coverage_loss_weight": 0.0,
    "beam_size": 5,
    "n_best": 1,
    "length_alpha": 0.6,
    "coverage_penalty": 0.0,
    "min_output_length": 1,
    "min_output_ratio": 0.0,
    "max_output_length": 128,
    "max_output_ratio": 2.0,
    "no_repeat_ngram_size": 0,
    "max_src_length": 128,
    "long_src": "split",
    "max_batch_items": 4096,
    "quantize": "none",
    "store_attention": True,
    "alignment_method": "argmax",
    "alignment_threshold": 0.5,
    "glossary_match": "lower",
    "entity_ids_as_terms": False,
    "verbatim_labels": [],
    "verbatim_numbers": False,
    "metrics": ["bleu", "chrf"],
}
EXPECTED_DECODING = {
    "beam_size", "n_best", "length_alpha", "coverage_penalty", "min_output_length", "min_output_ratio",
    "max_output_length", "max_output_ratio", "no_repeat_ngram_size", "max_src_length", "long_src",
    "max_batch_items", "quantize", "store_attention", "alignment_method", "alignment_threshold", "metrics",
    "glossary_match", "entity_ids_as_terms", "verbatim_labels", "verbatim_numbers",
}


def _items(mapping):
    """Keys in order with values and their types (1 == 1.0 == True in Python)."""
    return [(key, value, type(value)) for key, value in mapping.items()]


# -- the public config ----------------------------------------------------------


def test_factory_default_config_is_unchanged():
    default = dict(Language.get_factory_meta("seq2seq_attn").default_config)
    assert default.pop("model")["@architectures"] == "spacy-seq2seq.RNNAttnSeq2Seq.v1"
    assert _items(default) == _items(EXPECTED_DEFAULTS)


def test_a_new_component_has_the_default_settings():
    nlp = spacy.blank("fr")
    pipe = nlp.add_pipe("seq2seq_attn")
    assert _items(pipe.cfg) == _items(EXPECTED_DEFAULTS)
    config = dict(nlp.config["components"]["seq2seq_attn"])
    assert config.pop("factory") == "seq2seq_attn"
    assert config.pop("model")["@architectures"] == "spacy-seq2seq.RNNAttnSeq2Seq.v1"
    assert _items(config) == _items(EXPECTED_DEFAULTS)


def test_factory_takes_each_setting_by_name_and_refuses_others():
    parameters = list(inspect.signature(spacy.registry.factories.get("seq2seq_attn")).parameters)
    assert parameters == ["nlp", "name", "model", *EXPECTED_DEFAULTS]
    nlp = spacy.blank("fr")
    pipe = nlp.add_pipe("seq2seq_attn", config={"beam_size": 3, "n_best": 2, "metrics": ["rouge"]})
    assert (pipe.settings.beam_size, pipe.settings.n_best, pipe.settings.metrics) == (3, 2, ("rouge",))
    with pytest.raises(ConfigValidationError, match="beam_sise"):
        spacy.blank("fr").add_pipe("seq2seq_attn", config={"beam_sise": 3})


def test_decoding_settings_come_from_the_declarations():
    assert DECODING_SETTINGS == EXPECTED_DECODING
    from spacy_seq2seq.pipeline.seq2seq_attn import DECODING_SETTINGS as reexported

    assert reexported is DECODING_SETTINGS


def test_choice_settings_are_literal_types():
    types = Seq2SeqSettings.types()
    for name, options in [("long_src", LONG_SRC_OPTIONS), ("quantize", QUANTIZE_OPTIONS)]:
        assert typing.get_origin(types[name]) is typing.Literal and typing.get_args(types[name]) == options
    assert typing.get_args(types["alignment_method"]) == (
        "argmax", "shift", "threshold", "shift_threshold", "head", "head_threshold",
    )
    assert QUANTIZE_OPTIONS == ("none", "int8")
    assert LONG_SRC_OPTIONS == ("split", "truncate", "truncate_left")


def test_every_setting_has_a_one_line_doc():
    for spec in setting_fields():
        doc = spec.metadata["doc"]
        assert doc and "\n" not in doc and doc.endswith("."), spec.name
        assert isinstance(spec.metadata["decoding"], bool), spec.name


# -- checks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, pattern",
    [
        ({"field": "my-field"}, r"\[E006\].*'my-field'.*'mine'"),
        ({"tgt_lang": "zz"}, r"\[E007\] Component 'mine'.*'zz'"),
        ({"label_smoothing": 1.0}, r"\[E013\] label_smoothing must be in \[0, 1\)"),
        ({"character_coverage": 0.4}, r"\[E013\] character_coverage must be in \[0.5, 1\]"),
        ({"src_line_break": " | "}, r"\[E013\] src_line_break must be null, or a string"),
        ({"coverage_loss_weight": -1.0}, r"\[E013\] coverage_loss_weight must be a number >= 0"),
        ({"beam_size": 0}, r"\[E013\] beam_size must be a positive integer; got 0"),
        ({"beam_size": 2, "n_best": 3}, r"\[E013\] n_best must be at most beam_size \(2\); got 3"),
        ({"no_repeat_ngram_size": -1}, r"\[E013\] no_repeat_ngram_size must be an integer >= 0"),
        ({"max_src_length": 1}, r"\[E013\] max_src_length must be an integer >= 2"),
        ({"coverage_penalty": -0.5}, r"\[E013\] coverage_penalty must be >= 0"),
        ({"max_output_ratio": 0.0}, r"\[E013\] max_output_ratio must be > 0"),
        ({"min_output_length": 9, "max_output_length": 8}, r"\[E013\] min_output_length must be at most max_output_length \(8\)"),
        ({"quantize": "fp16"}, r"\[E003\].*'quantize'.*none, int8"),
        ({"long_src": "middle"}, r"\[E003\].*'long_src'.*split, truncate, truncate_left"),
        ({"alignment_method": "diagonal"}, r"\[E003\].*'alignment_method'"),
        ({"alignment_threshold": 1.5}, r"\[E013\] alignment_threshold must be in \[0, 1\]"),
        ({"metrics": "bleu"}, r"\[E013\] metrics must be a non-empty list"),
        ({"metrics": ["bleu", "bleu"]}, r"\[E013\] metrics must be a non-empty list of distinct"),
        ({"metrics": ["meteor"]}, r"\[E003\].*'metrics'.*bleu, chrf, rouge"),
        ({"src_vocab_size": 0}, r"\[E013\] src_vocab_size must be a positive integer"),
        ({"joint_vocab": True, "tgt_vocab_size": 100}, r"\[E013\] With joint_vocab = true"),
    ],
)
def test_validate_names_the_bad_setting(changes, pattern):
    settings = replace(Seq2SeqSettings(), **changes)
    with pytest.raises(ValueError, match=pattern):
        settings.validate("mine")


def test_the_defaults_are_valid():
    Seq2SeqSettings().validate("mine")


def test_settings_are_frozen():
    settings = Seq2SeqSettings()
    with pytest.raises(AttributeError):
        settings.beam_size = 1  # type: ignore[misc]
    assert replace(settings, metrics=["rouge"]).metrics == ("rouge",)


# -- a component's settings --------------------------------------------------------


def test_a_component_takes_changed_settings_only_when_valid():
    pipe = spacy.blank("fr").add_pipe("seq2seq_attn", name="mine")
    before = pipe.settings
    with pytest.raises(ValueError, match=r"\[E013\] beam_size"):
        pipe.settings = replace(before, beam_size=0)
    assert pipe.settings is before
    pipe.settings = replace(before, beam_size=2, quantize="int8")
    assert (pipe.cfg["beam_size"], pipe.cfg["quantize"]) == (2, "int8")


def test_cfg_is_a_read_only_view_that_names_the_way():
    pipe = spacy.blank("fr").add_pipe("seq2seq_attn", name="mine")
    with pytest.raises(TypeError, match=r"\[E050\] Component 'mine'.*replace\(pipe.settings, beam_size=\.\.\.\)"):
        pipe.cfg["beam_size"] = 1
    with pytest.raises(TypeError, match=r"\[E050\].*quantize"):
        pipe.cfg.update({"quantize": "int8"})
    assert pipe.settings.beam_size == 5
    assert dict(pipe.cfg) == EXPECTED_DEFAULTS


def test_a_component_takes_its_settings_one_way():
    nlp = spacy.blank("fr")
    model = nlp.add_pipe("seq2seq_attn").model
    pipe = Seq2SeqAttn(nlp.vocab, model, "other", settings=replace(Seq2SeqSettings(), beam_size=3, n_best=2))
    assert (pipe.settings.beam_size, pipe.settings.n_best) == (3, 2)
    with pytest.raises(ValueError, match=r"\[E013\] n_best"):
        Seq2SeqAttn(nlp.vocab, model, "other", settings=replace(Seq2SeqSettings(), beam_size=1, n_best=2))
    with pytest.raises(TypeError, match="beam_size"):  # a settings object, not keywords
        Seq2SeqAttn(nlp.vocab, model, "other", beam_size=1)


def test_copy_attention_needs_a_joint_vocabulary_whenever_settings_change():
    nlp = spacy.blank("fr")
    pipe = nlp.add_pipe(
        "seq2seq_attn",
        config={"joint_vocab": True, "model": {"copy_attention": True, "tie_embeddings": True}},
    )
    with pytest.raises(ValueError, match=r"\[E020\]"):
        pipe.settings = replace(pipe.settings, joint_vocab=False)


def test_changing_field_or_language_installs_what_they_need():
    pipe = spacy.blank("fr").add_pipe("seq2seq_attn")
    pipe.settings = replace(pipe.settings, field="gloss", tgt_lang="de")
    assert pipe._target_words.lang == "de"
    assert all(Doc.has_extension(name) for name in ("gloss", "gloss_tokens", "gloss_alignment"))


# -- saving ------------------------------------------------------------------------


def test_saved_cfg_keeps_its_format():
    """The bytes a pipeline saves as the component's cfg, as they were."""
    pipe = spacy.blank("fr").add_pipe("seq2seq_attn")
    assert srsly.msgpack_loads(pipe.to_bytes())["cfg"].decode("utf8") == (
        '{"field":"translation","tgt_lang":"en","src_vocab_size":8000,"tgt_vocab_size":8000,'
        '"joint_vocab":false,"character_coverage":1.0,"src_line_break":null,'
        '"label_smoothing":0.1,"guided_alignment_weight":0.0,"coverage_loss_weight":0.0,'
        '"beam_size":5,"n_best":1,"length_alpha":0.6,"coverage_penalty":0.0,'
        '"min_output_length":1,"min_output_ratio":0.0,"max_output_length":128,'
        '"max_output_ratio":2.0,"no_repeat_ngram_size":0,"max_src_length":128,'
        '"long_src":"split","max_batch_items":4096,"quantize":"none",'
        '"store_attention":true,"alignment_method":"argmax","alignment_threshold":0.5,'
        '"glossary_match":"lower","entity_ids_as_terms":false,"verbatim_labels":[],'
        '"verbatim_numbers":false,"metrics":["bleu","chrf"]}'
    )


def test_a_cfg_saved_before_the_settings_object_loads():
    """A component saved by an earlier version: the flat dict as it was
    written (this text), plus a key no setting has any more."""
    old_cfg = (
        '{"field":"summary","tgt_lang":"de","src_vocab_size":300,"tgt_vocab_size":300,'
        '"joint_vocab":true,"character_coverage":0.9995,"src_line_break":"|",'
        '"label_smoothing":0.2,"guided_alignment_weight":0.5,"coverage_loss_weight":1.0,'
        '"beam_size":2,"n_best":2,"length_alpha":1.0,"coverage_penalty":0.4,'
        '"min_output_length":3,"min_output_ratio":0.1,"max_output_length":40,'
        '"max_output_ratio":1.5,"no_repeat_ngram_size":3,"max_src_length":64,'
        '"long_src":"truncate","max_batch_items":512,"quantize":"int8",'
        '"store_attention":false,"alignment_method":"shift","alignment_threshold":0.3,'
        '"metrics":["rouge"],"retired_setting":1}'
    )
    pipe = spacy.blank("fr").add_pipe("seq2seq_attn", config={"beam_size": 4})
    pipe.from_bytes(srsly.msgpack_dumps({"cfg": old_cfg.encode("utf8")}))
    restored = srsly.json_loads(old_cfg)
    expected = dict(EXPECTED_DEFAULTS, beam_size=4)
    expected.update({key: restored[key] for key in EXPECTED_DEFAULTS if key not in EXPECTED_DECODING})
    assert _items(pipe.cfg) == _items(expected)
    assert pipe._target_words.lang == "de" and Doc.has_extension("summary_tokens")


# -- docs generated from the settings ------------------------------------------------


def test_settings_docstring_lists_every_setting_and_the_component_none():
    doc = Seq2SeqSettings.__doc__
    for spec in setting_fields():
        assert re.search(rf"^{spec.name} \([^)]*\)?.*: ", doc, flags=re.M), spec.name
    # The component's docstring points to the settings instead of a second copy.
    listed = set(re.findall(r"^\s+(\w+) \(", Seq2SeqAttn.__doc__, flags=re.M))
    assert listed == {"vocab", "model", "name", "settings"}
    assert "Seq2SeqSettings" in Seq2SeqAttn.__doc__
