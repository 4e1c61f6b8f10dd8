"""Which components of a pipeline are `seq2seq_attn` components.

Read from the pipeline's config, so the same answer is available before a
saved pipeline is loaded (the CLI overrides decoding settings through the
config at load time) and after (`nlp.config`).
"""

from typing import Any, List, Mapping

from ..errors import Errors

FACTORY = "seq2seq_attn"


def seq2seq_component_names(config: Mapping[str, Any]) -> List[str]:
    """The names of the components made by the `seq2seq_attn` factory, in
    the order of the config's [components] block.

    config (Mapping[str, Any]): A pipeline config (`nlp.config`, or
        `spacy.util.load_config(path / "config.cfg")`).
    """
    return [
        name for name, settings in config.get("components", {}).items()
        if settings.get("factory") == FACTORY
    ]


def seq2seq_component_name(config: Mapping[str, Any], name: str = "") -> str:
    """`name` if it is a `seq2seq_attn` component of the pipeline, else (when
    `name` is empty) the first one; a coded error if there is none.

    config (Mapping[str, Any]): A pipeline config.
    name (str): A component name, or "" for the first seq2seq_attn one.
    """
    names = seq2seq_component_names(config)
    if not names:
        raise ValueError(Errors.E040.format(components=", ".join(config.get("components", {})) or "none"))
    if name and name not in names:
        raise ValueError(Errors.E041.format(name=name, names=", ".join(names)))
    return name or names[0]
