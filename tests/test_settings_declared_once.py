"""Every setting is declared once (a field of one settings object) and every
other place that names it is derived from that declaration: these tests
fail when a copy reappears (a hand-written default config, signature, CLI
flag, search-settings class or docs page)."""

import inspect
from pathlib import Path

import pytest
import spacy
import typer
from spacy.language import Language
from thinc.api import Config

from spacy_seq2seq.cli import app
from spacy_seq2seq.cli.options import DECODING_FLAGS, flag_name
from spacy_seq2seq.configuration_doc import configuration_markdown
from spacy_seq2seq.declarations import declared_fields, defaults
from spacy_seq2seq.distributed.job_settings import JobSettings
from spacy_seq2seq.evaluation import REPORTED_DECODING_SETTINGS
from spacy_seq2seq.models import NetworkSettings, SearchSettings
from spacy_seq2seq.models.pytorch import Seq2SeqConfig
from spacy_seq2seq.pipeline.settings import (
    DECODING_SETTINGS,
    LearnedSettings,
    Seq2SeqSettings,
)
from spacy_seq2seq.training.mixing import MixingSettings
from spacy_seq2seq.training.reader_settings import ReaderSettings

ROOT = Path(__file__).resolve().parents[1]
ALL_SETTINGS = (Seq2SeqSettings, NetworkSettings, ReaderSettings, MixingSettings, JobSettings)
DECODING_COMMANDS = ("translate", "evaluate", "render", "serve", "translate-corpus")


def parameters(function):
    return {
        name: parameter.default for name, parameter in inspect.signature(function).parameters.items()
    }


def command(name):
    return next(info.callback for info in app.registered_commands if (info.name or info.callback.__name__) == name)


# -- the network ----------------------------------------------------------------------------


def test_the_default_model_config_is_the_network_settings_defaults():
    model = dict(Language.get_factory_meta("seq2seq_attn").default_config["model"])
    assert model.pop("@architectures") == "spacy-seq2seq.RNNAttnSeq2Seq.v1"
    assert list(model.items()) == list(defaults(NetworkSettings).items())
    assert spacy.blank("fr").add_pipe("seq2seq_attn").model.attrs["hyperparams"] == defaults(NetworkSettings)


def test_the_architecture_takes_the_network_settings_and_nothing_else():
    architecture = spacy.registry.architectures.get("spacy-seq2seq.RNNAttnSeq2Seq.v1")
    assert parameters(architecture) == defaults(NetworkSettings)
    for spec in declared_fields(NetworkSettings):
        assert f"{spec.name} (" in architecture.__doc__
    with pytest.raises(TypeError, match="hidden_size"):
        architecture(hidden_size=4)


def test_the_torch_config_is_the_network_settings_plus_what_initialize_learns():
    assert issubclass(Seq2SeqConfig, NetworkSettings)
    own = set(Seq2SeqConfig.__annotations__)
    assert own == {"src_vocab_size", "tgt_vocab_size", "pad_id", "bos_id", "eos_id"}


# -- the component and its search --------------------------------------------------------


def test_the_component_settings_extend_the_search_settings_without_redeclaring_them():
    assert issubclass(Seq2SeqSettings, SearchSettings) and issubclass(Seq2SeqSettings, LearnedSettings)
    search = {spec.name for spec in declared_fields(SearchSettings)}
    assert search and not search & set(Seq2SeqSettings.__annotations__)
    assert not search & set(LearnedSettings.__annotations__)
    # Same defaults: the model searches as the component does by default.
    component = defaults(Seq2SeqSettings)
    assert defaults(SearchSettings) == {name: component[name] for name in search}
    assert search <= DECODING_SETTINGS


def test_the_evaluation_report_records_every_decoding_setting():
    assert set(REPORTED_DECODING_SETTINGS) == DECODING_SETTINGS


# -- the reader ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,settings,leading",
    [("spacy-seq2seq.ParallelCorpus.v1", ReaderSettings, {}), ("spacy-seq2seq.MixedCorpus.v1", MixingSettings, {"new": inspect.Parameter.empty})],
)
def test_the_readers_take_their_settings_and_nothing_else(name, settings, leading):
    reader = spacy.registry.readers.get(name)
    assert parameters(reader) == {**leading, **defaults(settings)}
    for spec in declared_fields(settings):
        assert f"{spec.name} (" in reader.__doc__


# -- the command line --------------------------------------------------------------------


@pytest.mark.parametrize("name", DECODING_COMMANDS)
def test_every_decoding_command_takes_the_decoding_flags_from_the_declarations(name):
    taken = inspect.signature(command(name)).parameters
    docs = {spec.name: spec.metadata["doc"].replace("`", "") for spec in declared_fields(Seq2SeqSettings)}
    for setting in DECODING_FLAGS:
        option = taken[setting].default
        assert isinstance(option, typer.models.OptionInfo)
        assert option.default is None and flag_name(setting) in option.param_decls
        assert option.help.startswith(docs[setting])


def test_the_decoding_flags_are_the_search_settings_and_quantize():
    assert DECODING_FLAGS == (*[spec.name for spec in declared_fields(SearchSettings)], "quantize")


def test_translate_corpus_flags_are_the_job_settings():
    taken = inspect.signature(command("translate-corpus")).parameters
    for spec in declared_fields(JobSettings):
        if spec.name == "progress":  # --quiet says it
            assert spec.name not in taken and "quiet" in taken
            continue
        option = taken[spec.name].default
        assert option.default == spec.default and option.help == spec.metadata["doc"].replace("`", "")


# -- every settings object ---------------------------------------------------------------


@pytest.mark.parametrize("settings", ALL_SETTINGS, ids=lambda cls: cls.__name__)
def test_every_setting_has_a_one_line_doc_and_its_defaults_pass_the_checks(settings):
    for spec in declared_fields(settings):
        doc = spec.metadata["doc"]
        assert doc and "\n" not in doc and doc.endswith("."), spec.name
    if settings is ReaderSettings:
        settings(path="corpus.tsv")  # the one setting without a usable default
    elif settings is Seq2SeqSettings:
        settings().validate("seq2seq_attn")
    else:
        settings()


def test_the_configuration_page_is_current_and_lists_every_setting():
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf8")
    assert page == configuration_markdown(), "run: python scripts/write_configuration_doc.py"
    for settings in ALL_SETTINGS:
        assert f"`{settings.__name__}.validate`" in page
        for spec in declared_fields(settings):
            assert f"| `{spec.name}` |" in page
    # The default config block reads back as the factory's default config.
    block = page.split("```ini\n", 1)[1].split("```", 1)[0]
    config = Config().from_str("[components]\n" + block)["components"]["seq2seq_attn"]
    factory = Language.get_factory_meta("seq2seq_attn").default_config
    assert {key: value for key, value in config.items() if key != "factory"} == factory
