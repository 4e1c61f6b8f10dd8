"""How a setting is declared, once: a field of a frozen dataclass holding its
name, type, default and one-line doc. Everything else a setting needs is
derived from the fields here: keyword parameters (registered functions'
signatures), docstrings in spaCy's style, the type as the docs write it,
and the common checks, each failing with a coded error.

The settings objects built this way: `Seq2SeqSettings` (the component,
pipeline/settings.py), `NetworkSettings` (the network,
models/pytorch/config.py), `SearchSettings` (decoding,
search_settings.py) and `ReaderSettings` (the corpus reader,
training/reader_settings.py). docs/configuration.md lists them all.

Imports nothing from the package but `errors`, so every layer (the torch
one included) can use it.
"""

import dataclasses
import inspect
import textwrap
from dataclasses import MISSING, Field, fields
from typing import (
    Any,
    Dict,
    Iterable,
    List,
    Literal,
    Optional,
    Tuple,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from .errors import Errors


def setting(default: Any, doc: str, *, decoding: bool = False) -> Any:
    """Declare one setting.

    default (Any): Its default (immutable: a tuple for a list setting).
    doc (str): What it does, in one line (Markdown).
    decoding (bool): It says how to apply a model, not what the model
        learned, so a saved pipeline does not restore it.
    """
    return dataclasses.field(default=default, metadata={"doc": doc, "decoding": decoding})


def declared_fields(cls: type) -> Tuple[Field, ...]:
    """The settings a class declares with `setting`, in order (fields without
    a doc, such as a network's vocabulary sizes, are not settings)."""
    return tuple(spec for spec in fields(cls) if "doc" in spec.metadata)


def declared_types(cls: type) -> Dict[str, Any]:
    """Each declared setting's type, by name."""
    hints = get_type_hints(cls)
    return {spec.name: hints[spec.name] for spec in declared_fields(cls)}


def default_of(spec: Field) -> Any:
    """A setting's default, as a config value (a list for a tuple)."""
    assert spec.default is not MISSING, spec.name
    return config_value(spec.default)


def defaults(cls: type) -> Dict[str, Any]:
    """Every declared setting's default, as config values, in order."""
    return {spec.name: default_of(spec) for spec in declared_fields(cls)}


def values(settings: Any) -> Dict[str, Any]:
    """The declared settings of an object, as config values, in order."""
    return {spec.name: config_value(getattr(settings, spec.name)) for spec in declared_fields(type(settings))}


def config_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def config_type(hint: Any) -> Any:
    """A setting's type as the config layer checks it: a choice is a `str`
    there, so that a bad choice reaches the coded error listing the
    options; a tuple is a list."""
    if get_origin(hint) is Literal:
        return str
    if get_origin(hint) is tuple:
        return List[config_type(get_args(hint)[0])]  # type: ignore[misc]
    return hint


def keyword_parameters(cls: type, *, with_defaults: bool = True) -> List[inspect.Parameter]:
    """One keyword-only parameter per declared setting, typed as the config
    layer checks it: what a registered function (factory, architecture,
    reader) needs for spaCy to resolve its config block, since a config key
    that the signature does not name is refused."""
    return [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, annotation=config_type(hint),
            default=default_of(spec) if with_defaults else inspect.Parameter.empty,
        )
        for spec, (name, hint) in zip(declared_fields(cls), declared_types(cls).items())
    ]


def give_signature(function: Any, leading: Iterable[inspect.Parameter], settings: Iterable[inspect.Parameter],
                   returns: Any) -> None:
    """Set `function`'s signature and annotations (it takes `**settings`)."""
    parameters = [*leading, *settings]
    function.__signature__ = inspect.Signature(parameters, return_annotation=returns)
    function.__annotations__ = {
        **{parameter.name: parameter.annotation for parameter in parameters}, "return": returns,
    }


def type_name(hint: Any) -> str:
    """A setting's type as the docs write it: `int`, `Optional[str]`,
    `"split" | "truncate"`, `List["bleu" | "chrf"]`."""
    if get_origin(hint) is Literal:
        return " | ".join(f'"{option}"' for option in get_args(hint))
    if get_origin(hint) is tuple:
        return f"List[{type_name(get_args(hint)[0])}]"
    if get_origin(hint) is Union:
        return "Optional[" + " | ".join(type_name(arg) for arg in get_args(hint) if arg is not type(None)) + "]"
    return hint.__name__


def settings_docstring(cls: type, intro: Optional[str] = None, *, marks: bool = True) -> str:
    """`intro` (default: the class's docstring) followed by every declared
    setting, spaCy style (`name (type): doc`), so that `help()` shows them
    without a second copy of the docs to keep in step."""
    lines = [inspect.cleandoc(intro if intro is not None else cls.__doc__ or ""), ""]
    for spec, (name, hint) in zip(declared_fields(cls), declared_types(cls).items()):
        entry = f"{name} ({type_name(hint)}): {spec.metadata['doc']}"
        if marks and spec.metadata["decoding"]:
            entry += " Decoding setting."
        lines.extend(textwrap.wrap(entry, width=76, subsequent_indent="    "))
    return "\n".join(lines) + "\n"


# -- checks, each with a coded error ------------------------------------------


def check_range(setting_name: str, value: Any, low: float, high: float, constraint: str) -> None:
    """low <= value < high."""
    if not isinstance(value, (int, float)) or not low <= value < high:
        raise ValueError(Errors.E013.format(setting=setting_name, constraint=constraint, value=value))


def check_integer(setting_name: str, value: Any, least: int, constraint: str) -> None:
    """An integer (not a bool) >= least."""
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(Errors.E013.format(setting=setting_name, constraint=constraint, value=value))


def check_at_least(setting_name: str, value: Any, least: float, constraint: str) -> None:
    """A number >= least."""
    if not isinstance(value, (int, float)) or value < least:
        raise ValueError(Errors.E013.format(setting=setting_name, constraint=constraint, value=value))
