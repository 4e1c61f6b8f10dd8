"""Every setting of a `seq2seq_attn` component, declared once.

`Seq2SeqSettings` holds each setting's name (the config key), type, default,
one-line doc and whether it is a decoding setting (see `declarations.py`
for how a setting is declared); `validate` holds the checks, each failing
with a coded error that names the setting, what it must be, and the value
it got. It is made of three parts, in config order:

- `LearnedSettings` (here): what the model is trained with, restored from a
  saved pipeline;
- `SearchSettings` (`models/types.py`): how the model searches, declared
  where the model takes them, so the component passes its own settings to
  the model and there is no second copy with other defaults;
- the rest of the decoding settings (here): long sources, batching,
  quantization, attention, alignment, metrics.

Everything else is derived from it: the factory's default config and
signature (`factory.py`), the settings a saved pipeline restores
(`DECODING_SETTINGS`, `saved_parts.py`), the command-line decoding flags
(`cli/options.py`) and `docs/configuration.md` (`configuration_doc.py`).

The network's own settings (`[components.<name>.model]`) are declared in
`models/pytorch/config.py` (`NetworkSettings`).

This module needs no torch: from `models/` it imports only the plain data
types of `models/types.py`.
"""

from dataclasses import Field, dataclass
from typing import (
    Any,
    Dict,
    Iterator,
    Literal,
    Mapping,
    Optional,
    Tuple,
    get_args,
)

from spacy import util

from ..alignment import ALIGNMENT_METHODS, AlignmentMethod
from ..declarations import (
    check_at_least,
    check_integer,
    check_range,
    config_type,
    declared_fields,
    declared_types,
    default_of,
    defaults,
    setting,
    settings_docstring,
    values,
)
from ..errors import Errors, check_choice
from ..models.types import SearchSettings
from ..terms import GLOSSARY_MATCHES, GlossaryMatch
from .scoring import METRICS, Metric

# How Docs longer than max_src_length are read (see `long_src`).
LongSrc = Literal["split", "truncate", "truncate_left"]
LONG_SRC_OPTIONS: Tuple[str, ...] = get_args(LongSrc)
# The cutting settings and which pieces each keeps: "truncate" keeps a long
# source's first pieces, "truncate_left" its last (a reply depends most on
# the latest turn of its context).
TRUNCATING = {"truncate": "first", "truncate_left": "last"}
# How the network is applied when decoding (see models/quantization.py).
Quantize = Literal["none", "int8"]
QUANTIZE_OPTIONS: Tuple[str, ...] = get_args(Quantize)


@dataclass(frozen=True)
class LearnedSettings:
    """The settings a model is trained with (a saved pipeline restores them)."""

    field: str = setting(
        "translation",
        "Names the Doc extensions (`doc._.{field}`, `{field}_tokens`, `{field}_alignment`, "
        "`{field}_attention`, ...); the gold output is read from `example.reference._.{field}`.",
    )
    tgt_lang: str = setting(
        "en", "Language code of the output: target words come from `spacy.blank(tgt_lang)`'s tokenizer."
    )
    src_vocab_size: int = setting(
        8000, "Source SentencePiece vocabulary size (a soft limit: small corpora get fewer pieces)."
    )
    tgt_vocab_size: int = setting(8000, "Target SentencePiece vocabulary size.")
    joint_vocab: bool = setting(
        False, "One SentencePiece model for both sides (both sizes must then be equal; copy attention needs it)."
    )
    character_coverage: float = setting(
        1.0, "SentencePiece character coverage, in [0.5, 1] (~0.9995 for CJK)."
    )
    src_line_break: Optional[str] = setting(
        None,
        "Encode each source line break (a whitespace token holding \"\\n\") as this string, e.g. "
        "`\"|\"` between the turns of a dialogue; pick one the text does not otherwise use. "
        "`null` drops line breaks like any whitespace.",
    )
    label_smoothing: float = setting(0.1, "Label smoothing of the training loss, in [0, 1).")
    guided_alignment_weight: float = setting(
        0.0,
        "Weight of the guided-alignment loss, which pulls the attention towards gold word links "
        "where the training data has them (`reference._.{field}_alignment`, e.g. from the "
        "reader's `alignment_path` or its `alignment_teacher`); 0 turns it off. With "
        "`alignment_head = true` it trains the head instead (on detached inputs by default, "
        "so translation is unchanged; docs/alignment.md).",
    )
    coverage_loss_weight: float = setting(
        0.0,
        "Weight of the coverage loss (See et al. 2017), which penalises attending again to source "
        "already covered; for models with `coverage = true` (and helpful with attention alone); "
        "0 turns it off.",
    )


@dataclass(frozen=True)
class Seq2SeqSettings(SearchSettings, LearnedSettings):
    """The settings of a `seq2seq_attn` component (all but its `model`), one
    field per config key: `LearnedSettings`, then `SearchSettings`, then the
    ones below. Frozen: change settings with `dataclasses.replace`, e.g.
    `pipe.settings = replace(pipe.settings, beam_size=1)`; a component
    checks (`validate`, which needs the component's name) every settings
    object it takes.
    """

    max_src_length: int = setting(
        128,
        "Most source pieces decoded at once; what happens to a longer Doc is `long_src`.",
        decoding=True,
    )
    long_src: LongSrc = setting(
        "split",
        "What to do with a Doc longer than `max_src_length`: `\"split\"` decodes it in parts "
        "(sentences, then windows) and joins the outputs, right for translation; `\"truncate\"` "
        "reads only its first `max_src_length` pieces (with a W005 warning counting such Docs), "
        "right for summaries, which need one output for the whole input; `\"truncate_left\"` "
        "reads only its last pieces, right for replies, where the latest turn matters most. "
        "Training cuts sources the same way as decoding reads them.",
        decoding=True,
    )
    max_batch_items: int = setting(
        4096, "Padded source pieces (times `beam_size`) per decoding sub-batch.", decoding=True
    )
    quantize: Quantize = setting(
        "none",
        "`\"int8\"` decodes on CPU with a dynamically quantized copy of the network (faster; "
        "weights stay fp32 on disk).",
        decoding=True,
    )
    store_attention: bool = setting(
        True, "Keep the word-level attention matrices on the Doc.", decoding=True
    )
    alignment_method: AlignmentMethod = setting(
        "argmax",
        "How attention becomes word links (see `alignment/links.py`); the head methods need a "
        "model with `alignment_head = true`.",
        decoding=True,
    )
    alignment_threshold: float = setting(
        0.5, "Least attention for a link, for the threshold methods; in [0, 1].", decoding=True
    )
    glossary_match: GlossaryMatch = setting(
        "lower",
        "How the glossary's source terms match the source Doc (spaCy's PhraseMatcher): "
        "`\"exact\"` (as written), `\"lower\"` (ignoring case), `\"lemma\"` (the glossary's "
        "words against the Doc's lemmas; needs a lemmatizer before the component). See "
        "docs/terminology.md.",
        decoding=True,
    )
    entity_ids_as_terms: bool = setting(
        False,
        "An entity's `ent_id_` (an EntityRuler pattern's `id`) is its translation: the output "
        "must contain it (`span._.{field}_term` on an entity always is one).",
        decoding=True,
    )
    verbatim_labels: Tuple[str, ...] = setting(
        (),
        "Entity labels (e.g. `[\"PER\", \"LOC\"]`) whose entities the output must contain as "
        "written in the source.",
        decoding=True,
    )
    verbatim_numbers: bool = setting(
        False,
        "Numbers written with digits (`like_num` tokens holding a digit, e.g. \"2010\") must "
        "appear in the output as written.",
        decoding=True,
    )
    metrics: Tuple[Metric, ...] = setting(
        ("bleu", "chrf"),
        "What `score()` reports, as `{field}_<name>`: `\"bleu\"` and `\"chrf\"` (sacreBLEU), "
        "`\"rouge\"` (`{field}_rouge1`, `_rouge2`, `_rougeL`, `_rougeLsum`: F1 with stemming). "
        "`[training.score_weights]` picks which of them keeps the best model.",
        decoding=True,
    )

    def __post_init__(self) -> None:
        # Not SearchSettings' check on creation: the component checks its
        # settings with `validate`, whose messages name it.
        # A config gives a list; kept as a tuple, the frozen object stays
        # unchanged. A string is left as it is for `validate` to refuse.
        for name in ("metrics", "verbatim_labels"):
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))

    # -- the flat config ---------------------------------------------------

    def to_cfg(self) -> Dict[str, Any]:
        """The settings as the flat config dict (lists for tuples): what the
        component saves as its `cfg` and the factory's default config."""
        return values(self)

    @classmethod
    def default_config(cls) -> Dict[str, Any]:
        """Every setting with its default, as config values."""
        return defaults(cls)

    @classmethod
    def config_annotations(cls) -> Dict[str, Any]:
        """Each setting's type as the config layer checks it (see
        `declarations.config_type`)."""
        return {name: config_type(hint) for name, hint in cls.types().items()}

    @classmethod
    def types(cls) -> Dict[str, Any]:
        """Each setting's declared type, by name."""
        return declared_types(cls)

    # -- checks -----------------------------------------------------------

    def validate(self, name: str) -> None:
        """Check every setting.

        name (str): The component's name, for messages.
        RAISES (ValueError): A coded error (E003, E006, E007 or E013) naming
            the first bad setting and what it must be.
        """
        if not isinstance(self.field, str) or not self.field.isidentifier():
            raise ValueError(Errors.E006.format(field=self.field, name=name))
        try:
            util.get_lang_class(self.tgt_lang)
        except Exception as error:  # spaCy raises ImportError for unknown codes
            raise ValueError(Errors.E007.format(name=name, lang=self.tgt_lang, error=error)) from None
        check_range("label_smoothing", self.label_smoothing, 0.0, 1.0, "in [0, 1)")
        check_range("character_coverage", self.character_coverage, 0.5, 1.0 + 1e-9, "in [0.5, 1]")
        line_break = self.src_line_break
        if line_break is not None and (
            not isinstance(line_break, str) or not line_break.strip() or line_break != line_break.strip()
        ):
            raise ValueError(Errors.E013.format(
                setting="src_line_break",
                constraint='null, or a string with no surrounding whitespace such as "|"',
                value=line_break,
            ))
        for setting_name in ("guided_alignment_weight", "coverage_loss_weight"):
            check_at_least(setting_name, getattr(self, setting_name), 0, "a number >= 0")
        self._check_decoding()
        check_choice("quantize", self.quantize, QUANTIZE_OPTIONS)
        check_choice("long_src", self.long_src, LONG_SRC_OPTIONS)
        check_alignment(self.alignment_method, self.alignment_threshold)
        check_metrics(self.metrics)
        check_choice("glossary_match", self.glossary_match, GLOSSARY_MATCHES)
        if isinstance(self.verbatim_labels, str) or not all(
            isinstance(label, str) and label for label in self.verbatim_labels
        ):
            raise ValueError(Errors.E013.format(
                setting="verbatim_labels", constraint="a list of entity labels (non-empty strings)",
                value=self.verbatim_labels,
            ))
        self._check_vocab_sizes()

    def _check_decoding(self) -> None:
        self.check_search()
        check_integer("max_batch_items", self.max_batch_items, 1, "a positive integer")
        check_integer("max_src_length", self.max_src_length, 2, "an integer >= 2 (one piece plus EOS)")

    def _check_vocab_sizes(self) -> None:
        for setting_name in ("src_vocab_size", "tgt_vocab_size"):
            check_integer(setting_name, getattr(self, setting_name), 1, "a positive integer")
        if self.joint_vocab and self.src_vocab_size != self.tgt_vocab_size:
            raise ValueError(Errors.E013.format(
                setting="With joint_vocab = true, src_vocab_size and tgt_vocab_size",
                constraint="equal (one vocabulary serves both sides)",
                value=(self.src_vocab_size, self.tgt_vocab_size),
            ))


def setting_fields() -> Tuple[Field, ...]:
    """The declared settings, in config order, each with its `metadata`
    ("doc", "decoding")."""
    return declared_fields(Seq2SeqSettings)


def setting_default(spec: Field) -> Any:
    """A setting's default, as a config value."""
    return default_of(spec)


# Settings that say how to apply the model, not what it learned: a saved
# pipeline does not restore them (see saved_parts.py).
DECODING_SETTINGS = frozenset(spec.name for spec in setting_fields() if spec.metadata["decoding"])

Seq2SeqSettings.__doc__ = settings_docstring(Seq2SeqSettings)


class ConfigView(Mapping[str, Any]):
    """A component's settings as flat config values (`pipe.cfg`), read-only:
    writing into it would bypass the checks, so it raises E050, which names
    the way to change a setting (`pipe.settings = replace(...)`)."""

    def __init__(self, name: str, settings: Seq2SeqSettings) -> None:
        self._name = name
        self._values = settings.to_cfg()

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"ConfigView({self._values!r})"

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError(Errors.E050.format(name=self._name, key=key))

    def update(self, *args: Any, **kwargs: Any) -> None:
        key = next(iter(dict(*args, **kwargs)), "beam_size")
        raise TypeError(Errors.E050.format(name=self._name, key=key))


def check_metrics(metrics: Any) -> None:
    """A non-empty list of known metric names, each once."""
    if isinstance(metrics, str) or not metrics or len(set(metrics)) != len(metrics):
        raise ValueError(Errors.E013.format(
            setting="metrics", constraint=f"a non-empty list of distinct names from {list(METRICS)}",
            value=list(metrics) if isinstance(metrics, tuple) else metrics,
        ))
    for metric in metrics:
        check_choice("metrics", metric, METRICS)


def check_alignment(method: str, threshold: float) -> None:
    """An alignment method and threshold, from the config or an `align` call."""
    check_choice("alignment_method", method, ALIGNMENT_METHODS)
    check_range("alignment_threshold", threshold, 0.0, 1.0 + 1e-9, "in [0, 1]")
