"""The `seq2seq_attn` factory: its default config (every setting, no hidden
defaults) and the function spaCy calls to build the component. Registered
through the `spacy_factories` entry point, so `nlp.add_pipe("seq2seq_attn")`
works without importing the package."""

from typing import Any, List, Optional

from spacy.language import Language
from thinc.api import Config

from .extensions import extension_names
from .seq2seq_attn import Seq2SeqAttn

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
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]


@Language.factory(
    "seq2seq_attn",
    assigns=[f"doc._.{name}" for name in extension_names("translation").values()],
    default_config={
        "model": DEFAULT_MODEL,
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
        "metrics": ["bleu", "chrf"],
    },
    # Keep the best model by BLEU; chrF is reported alongside.
    default_score_weights={"translation_bleu": 1.0, "translation_chrf": 0.0},
)
def make_seq2seq_attn(
    nlp: Language,
    name: str,
    model: Any,
    field: str,
    tgt_lang: str,
    src_vocab_size: int,
    tgt_vocab_size: int,
    joint_vocab: bool,
    character_coverage: float,
    src_line_break: Optional[str],
    label_smoothing: float,
    guided_alignment_weight: float,
    coverage_loss_weight: float,
    beam_size: int,
    n_best: int,
    length_alpha: float,
    coverage_penalty: float,
    min_output_length: int,
    min_output_ratio: float,
    max_output_length: int,
    max_output_ratio: float,
    no_repeat_ngram_size: int,
    max_src_length: int,
    long_src: str,
    max_batch_items: int,
    quantize: str,
    store_attention: bool,
    alignment_method: str,
    alignment_threshold: float,
    metrics: List[str],
) -> "Seq2SeqAttn":
    """Create a `seq2seq_attn` component. Settings are documented on `Seq2SeqAttn`."""
    return Seq2SeqAttn(
        nlp.vocab,
        model,
        name=name,
        field=field,
        tgt_lang=tgt_lang,
        src_vocab_size=src_vocab_size,
        tgt_vocab_size=tgt_vocab_size,
        joint_vocab=joint_vocab,
        character_coverage=character_coverage,
        src_line_break=src_line_break,
        label_smoothing=label_smoothing,
        guided_alignment_weight=guided_alignment_weight,
        coverage_loss_weight=coverage_loss_weight,
        beam_size=beam_size,
        n_best=n_best,
        length_alpha=length_alpha,
        coverage_penalty=coverage_penalty,
        min_output_length=min_output_length,
        min_output_ratio=min_output_ratio,
        max_output_length=max_output_length,
        max_output_ratio=max_output_ratio,
        no_repeat_ngram_size=no_repeat_ngram_size,
        max_src_length=max_src_length,
        long_src=long_src,
        max_batch_items=max_batch_items,
        quantize=quantize,
        store_attention=store_attention,
        alignment_method=alignment_method,
        alignment_threshold=alignment_threshold,
        metrics=metrics,
    )
