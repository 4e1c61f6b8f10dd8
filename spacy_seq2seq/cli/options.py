"""Options that several commands share, declared once so that their flags
and help read the same everywhere.

Flags that stand for settings are not written here either: they are named,
typed and documented from the settings' declarations. `decoding_flags`
gives a command one flag per decoding setting in `DECODING_FLAGS` (the
commands that decode take them: translate, evaluate, render, serve,
translate-corpus); `settings_flags` one flag per setting of a settings
object (translate-corpus: `JobSettings`)."""

import functools
import inspect
from typing import (
    Any,
    Callable,
    Dict,
    List,
    Literal,
    Optional,
    Sequence,
    Tuple,
    get_args,
    get_origin,
)

import typer

from ..declarations import config_type, declared_fields, declared_types, default_of
from ..models.types import SearchSettings
from ..pipeline.settings import Seq2SeqSettings

# The settings a decoding command takes as flags: how to search, and whether
# to decode with the int8 copy of the network.
DECODING_FLAGS = tuple(spec.name for spec in declared_fields(SearchSettings)) + ("quantize",)
# The few flags with a one-letter form as well.
SHORT_FLAGS = {"beam_size": "-b"}

BATCH_SIZE = typer.Option(1000, "--batch-size", help="Docs per nlp.pipe batch.")

GLOSSARY = typer.Option(
    None, "--glossary", help="TSV glossary (source term<TAB>target term per line) whose terms the outputs must contain; replaces the pipeline's own (docs/terminology.md).",
)

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
    types = Seq2SeqSettings.types()
    flags = {name: (Optional[config_type(types[name])], decoding_option(name)) for name in DECODING_FLAGS}
    return _flags_for("decoding", flags, keep_unset=False)(command)


def settings_flags(
    parameter: str, settings_class: type, *, names: Dict[str, Sequence[str]], exclude: Sequence[str] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command one flag per setting of `settings_class` (but
    `exclude`), with its default and doc, in place of its `parameter`, and
    call it with `parameter`: every setting's value, by name.

    names (Dict[str, Sequence[str]]): Flag names for the settings whose flags
        are not `flag_name(setting)` alone (a short form, an older name).
    """
    types = declared_types(settings_class)
    flags = {
        spec.name: (
            config_type(types[spec.name]),
            typer.Option(
                default_of(spec), *names.get(spec.name, [flag_name(spec.name)]),
                help=spec.metadata["doc"].replace("`", ""),
            ),
        )
        for spec in declared_fields(settings_class) if spec.name not in exclude
    }
    return _flags_for(parameter, flags, keep_unset=True)


def _flags_for(
    parameter: str, flags: Dict[str, Tuple[Any, Any]], *, keep_unset: bool
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Replace the command's `parameter` by the `flags` (name -> annotation,
    typer option) and pass it their values as one dict (without those not
    given, unless `keep_unset`)."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command)
        assert parameter in signature.parameters, f"{command.__name__} takes no {parameter}"
        new = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
            for name, (annotation, option) in flags.items()
        ]
        parameters: List[inspect.Parameter] = []
        for old in signature.parameters.values():
            # Keyword-only throughout: typer passes every value by name.
            parameters.extend(new if old.name == parameter else [old.replace(kind=inspect.Parameter.KEYWORD_ONLY)])

        @functools.wraps(command)
        def with_flags(**arguments: Any) -> None:
            given = {name: arguments.pop(name) for name in flags}
            arguments[parameter] = {
                name: value for name, value in given.items() if keep_unset or value is not None
            }
            command(**arguments)

        with_flags.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        with_flags.__annotations__ = {
            **{p.name: p.annotation for p in parameters}, "return": signature.return_annotation,
        }
        return with_flags

    return decorate
# translate and render: what the input is. "text": one text per line; a
# markup format: each FILE (or stdin) is one document (spacy_seq2seq.markup).
MARKUP_FORMAT = typer.Option("text", "--format", help="text | html | xml | markdown: markup formats read each FILE (or stdin) as one document and keep its markup.")
