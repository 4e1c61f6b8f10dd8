"""Options that several commands share, declared once so that their flags
and help read the same everywhere.

The decoding flags are not written here either: `decoding_flags` gives a
command one flag per decoding setting in `DECODING_FLAGS`, named, typed and
documented from the setting's declaration (pipeline/settings.py). The
commands that decode (translate, evaluate, render, serve, translate-corpus)
take them."""

import functools
import inspect
from typing import Any, Callable, Dict, Literal, Optional, get_args, get_origin

import typer

from ..declarations import config_type, declared_fields
from ..models.types import SearchSettings
from ..pipeline.settings import Seq2SeqSettings

# The settings a decoding command takes as flags: how to search, and whether
# to decode with the int8 copy of the network.
DECODING_FLAGS = tuple(spec.name for spec in declared_fields(SearchSettings)) + ("quantize",)
# The few flags with a one-letter form as well.
SHORT_FLAGS = {"beam_size": "-b"}

BATCH_SIZE = typer.Option(1000, "--batch-size", help="Docs per nlp.pipe batch.")

COMPONENT = typer.Option("", help="Component name (default: the first seq2seq_attn).")

# Long runs over a file show a progress bar on a terminal (cli/progress.py).
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar (it shows only when stderr is a terminal; SPACY_SEQ2SEQ_PROGRESS=1 forces it).")


def flag_name(setting_name: str) -> str:
    """`beam_size` -> `--beam-size`."""
    return "--" + setting_name.replace("_", "-")


def decoding_option(setting_name: str) -> Any:
    """The flag of one decoding setting; None (not given) keeps the pipeline's value."""
    doc = {spec.name: spec.metadata["doc"] for spec in declared_fields(Seq2SeqSettings)}[setting_name]
    hint = Seq2SeqSettings.types()[setting_name]
    choices = f" One of: {', '.join(get_args(hint))}." if get_origin(hint) is Literal else ""
    flags = (flag_name(setting_name), *([SHORT_FLAGS[setting_name]] if setting_name in SHORT_FLAGS else []))
    help_text = f"{doc}{choices} Default: the pipeline's {setting_name}.".replace("`", "")
    return typer.Option(None, *flags, help=help_text)


def decoding_flags(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` the decoding flags in place of its `decoding`
    parameter, and call it with `decoding`: the flags given, by setting name
    (for `load_pipeline`, which passes them to the component through the
    config, so they are checked as any config value is)."""
    signature = inspect.signature(command)
    types = Seq2SeqSettings.types()
    flags = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=decoding_option(name),
            annotation=Optional[config_type(types[name])],
        )
        for name in DECODING_FLAGS
    ]
    parameters = []
    for parameter in signature.parameters.values():
        if parameter.name == "decoding":
            parameters.extend(flags)
        else:
            parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))
    assert len(parameters) == len(signature.parameters) - 1 + len(flags), "the command takes no `decoding`"

    @functools.wraps(command)
    def with_flags(**arguments: Any) -> None:
        given = {name: arguments.pop(name) for name in DECODING_FLAGS}
        decoding: Dict[str, Any] = {name: value for name, value in given.items() if value is not None}
        command(**arguments, decoding=decoding)

    with_flags.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    with_flags.__annotations__ = {
        **{parameter.name: parameter.annotation for parameter in parameters},
        "return": signature.return_annotation,
    }
    return with_flags
