"""Loading a saved pipeline for a command, with its decoding settings
overridden from the command line."""

from pathlib import Path
from typing import Any, Tuple

import typer

from ..errors import Errors


def load_pipeline(model: Path, component: str, **overrides: Any) -> Tuple[Any, str]:
    """The pipeline at `model` and the name of its seq2seq_attn component
    (`component`, or the first one). Settings in `overrides` that are not
    None replace the saved ones through the config, so the component
    validates them as it would any config value.

    RETURNS (Tuple[Language, str]): The pipeline and the component's name.
    """
    import spacy
    from spacy.util import load_config

    from ..pipeline.components import seq2seq_component_names

    names = seq2seq_component_names(load_config(model / "config.cfg"))
    if not names:
        raise typer.BadParameter(Errors.E115.format(model=model))
    name = component or names[0]
    settings = {key: value for key, value in overrides.items() if value is not None}
    nlp = spacy.load(model, config={"components": {name: settings}} if settings else {})
    return nlp, name
