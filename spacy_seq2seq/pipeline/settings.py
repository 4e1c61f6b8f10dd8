"""Checks of the component's settings, each failing with a coded error that
names the setting, what it must be, and the value it got."""

from typing import Any, Dict

from spacy import util

from ..alignment import ALIGNMENT_METHODS
from ..errors import Errors, check_choice
from ..models.quantization import QUANTIZE_OPTIONS
from .scoring import METRICS

# How Docs longer than max_src_length are read (see Seq2SeqAttn).
# "truncate" keeps a long source's first pieces, "truncate_left" its last
# (a reply depends most on the latest turn of its context).
LONG_SRC_OPTIONS = ("split", "truncate", "truncate_left")
# The cutting settings and which pieces each keeps.
TRUNCATING = {"truncate": "first", "truncate_left": "last"}


def validate_settings(name: str, cfg: Dict[str, Any]) -> None:
    """Check every setting of a `seq2seq_attn` component.

    name (str): The component's name, for messages.
    cfg (Dict[str, Any]): Its settings (the component's `cfg`).
    """
    if not isinstance(cfg["field"], str) or not cfg["field"].isidentifier():
        raise ValueError(Errors.E006.format(field=cfg["field"], name=name))
    try:
        util.get_lang_class(cfg["tgt_lang"])
    except Exception as error:  # spaCy raises ImportError for unknown codes
        raise ValueError(Errors.E007.format(name=name, lang=cfg["tgt_lang"], error=error)) from None
    check_range("label_smoothing", cfg["label_smoothing"], 0.0, 1.0, "in [0, 1)")
    check_range("character_coverage", cfg["character_coverage"], 0.5, 1.0 + 1e-9, "in [0.5, 1]")
    line_break = cfg["src_line_break"]
    if line_break is not None and (not isinstance(line_break, str) or not line_break.strip() or line_break != line_break.strip()):
        raise ValueError(Errors.E013.format(
            setting="src_line_break", constraint='null, or a string with no surrounding whitespace such as "|"',
            value=line_break,
        ))
    for setting in ("guided_alignment_weight", "coverage_loss_weight"):
        weight = cfg[setting]
        if not isinstance(weight, (int, float)) or weight < 0:
            raise ValueError(Errors.E013.format(setting=setting, constraint="a number >= 0", value=weight))
    check_decoding(cfg)
    check_choice("quantize", cfg["quantize"], QUANTIZE_OPTIONS)
    check_choice("long_src", cfg["long_src"], LONG_SRC_OPTIONS)
    check_alignment(cfg["alignment_method"], cfg["alignment_threshold"])
    check_metrics(cfg["metrics"])
    for setting in ("src_vocab_size", "tgt_vocab_size"):
        value = cfg[setting]
        if not isinstance(value, int) or value < 1:
            raise ValueError(Errors.E013.format(setting=setting, constraint="a positive integer", value=value))
    if cfg["joint_vocab"] and cfg["src_vocab_size"] != cfg["tgt_vocab_size"]:
        raise ValueError(Errors.E013.format(
            setting="With joint_vocab = true, src_vocab_size and tgt_vocab_size",
            constraint="equal (one vocabulary serves both sides)",
            value=(cfg["src_vocab_size"], cfg["tgt_vocab_size"]),
        ))


def check_decoding(settings: Dict[str, Any]) -> None:
    """Validate the decoding settings, each with a coded error naming it."""
    for setting in ("beam_size", "n_best", "max_output_length", "max_batch_items"):
        value = settings[setting]
        if not isinstance(value, int) or value < 1:
            raise ValueError(Errors.E013.format(setting=setting, constraint="a positive integer", value=value))
    for setting in ("min_output_length", "no_repeat_ngram_size"):
        value = settings[setting]
        if not isinstance(value, int) or value < 0:
            raise ValueError(Errors.E013.format(setting=setting, constraint="an integer >= 0", value=value))
    if not isinstance(settings["max_src_length"], int) or settings["max_src_length"] < 2:
        raise ValueError(Errors.E013.format(
            setting="max_src_length", constraint="an integer >= 2 (one piece plus EOS)",
            value=settings["max_src_length"],
        ))
    if settings["n_best"] > settings["beam_size"]:
        raise ValueError(Errors.E013.format(
            setting="n_best", constraint=f"at most beam_size ({settings['beam_size']})",
            value=settings["n_best"],
        ))
    for setting in ("length_alpha", "coverage_penalty", "min_output_ratio"):
        if settings[setting] < 0:
            raise ValueError(Errors.E013.format(setting=setting, constraint=">= 0", value=settings[setting]))
    if settings["max_output_ratio"] <= 0:
        raise ValueError(Errors.E013.format(
            setting="max_output_ratio", constraint="> 0", value=settings["max_output_ratio"]
        ))
    if settings["min_output_length"] > settings["max_output_length"]:
        raise ValueError(Errors.E013.format(
            setting="min_output_length",
            constraint=f"at most max_output_length ({settings['max_output_length']})",
            value=settings["min_output_length"],
        ))


def check_metrics(metrics: Any) -> None:
    """A non-empty list of known metric names, each once."""
    if isinstance(metrics, str) or not metrics or len(set(metrics)) != len(metrics):
        raise ValueError(Errors.E013.format(
            setting="metrics", constraint=f"a non-empty list of distinct names from {list(METRICS)}",
            value=metrics,
        ))
    for metric in metrics:
        check_choice("metrics", metric, METRICS)


def check_alignment(method: str, threshold: float) -> None:
    """An alignment method and threshold, from the config or an `align` call."""
    check_choice("alignment_method", method, ALIGNMENT_METHODS)
    check_range("alignment_threshold", threshold, 0.0, 1.0 + 1e-9, "in [0, 1]")


def check_range(setting: str, value: float, low: float, high: float, constraint: str) -> None:
    if not low <= value < high:
        raise ValueError(Errors.E013.format(setting=setting, constraint=constraint, value=value))
