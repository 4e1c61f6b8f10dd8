"""The `seq2seq_attn` factory: its default config (every setting, no hidden
defaults) and the function spaCy calls to build the component. Registered
through the `spacy_factories` entry point, so `nlp.add_pipe("seq2seq_attn")`
works without importing the package.

The settings are declared in `settings.py` (`Seq2SeqSettings`); the default
config and the factory's parameters are generated from there.
"""

import inspect
from typing import Any

from spacy.language import Language
from thinc.api import Config

from .extensions import extension_names
from .seq2seq_attn import Seq2SeqAttn
from .settings import Seq2SeqSettings

DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "spacy-seq2seq.RNNAttnSeq2Seq.v1"
cell = "gru"
bidirectional = true
n_layers = 1
embed_width = 256
hidden_width = 512
attention = "additive"
input_feeding = true
dropout_prob = 0.3
tie_embeddings = false
copy_attention = false
coverage = false
alignment_head = false
detach_alignment_head = true
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]


def make_seq2seq_attn(nlp: Language, name: str, model: Any, **settings: Any) -> Seq2SeqAttn:
    """Create a `seq2seq_attn` component. Each keyword is one setting of
    `Seq2SeqSettings` (see docs/configuration.md)."""
    return Seq2SeqAttn(nlp.vocab, model, name=name, settings=Seq2SeqSettings(**settings))


def _settings_as_parameters() -> None:
    """Give the factory one keyword parameter per setting, typed as the
    config layer checks it: spaCy resolves a component's config against
    its factory's signature and refuses keys the signature does not name
    (`**settings` would accept none)."""
    annotations = Seq2SeqSettings.config_annotations()
    leading = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
        for name, annotation in (("nlp", Language), ("name", str), ("model", Any))
    ]
    settings = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
        for name, annotation in annotations.items()
    ]
    make_seq2seq_attn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        leading + settings, return_annotation=Seq2SeqAttn
    )
    make_seq2seq_attn.__annotations__ = {
        **{parameter.name: parameter.annotation for parameter in leading},
        **annotations,
        "return": Seq2SeqAttn,
    }


_settings_as_parameters()
Language.factory(
    "seq2seq_attn",
    assigns=[f"doc._.{name}" for name in extension_names("translation").values()],
    default_config={"model": DEFAULT_MODEL, **Seq2SeqSettings.default_config()},
    # Keep the best model by BLEU; chrF is reported alongside.
    default_score_weights={"translation_bleu": 1.0, "translation_chrf": 0.0},
)(make_seq2seq_attn)
