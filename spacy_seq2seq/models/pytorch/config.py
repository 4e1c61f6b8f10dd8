"""The network's settings, declared once, and the config it is rebuilt from.

`NetworkSettings` declares each setting of the network (the keys of a
component's `[components.<name>.model]` block): its type, default, one-line
doc and checks. The registered architecture's signature and docstring and
the factory's default model config are derived from it
(models/architectures.py); docs/configuration.md lists it.

`Seq2SeqConfig` adds what `initialize()` learns (vocabulary sizes and
special ids): everything needed to rebuild the network before its weights
are loaded.

Torch-free (it imports only `declarations` and `errors`, which import
nothing else), so the settings can be read and checked without the network.
"""

from dataclasses import dataclass
from typing import Literal, get_args

from ...declarations import check_integer, check_range, setting, settings_docstring
from ...errors import Errors, check_choice

CellType = Literal["gru", "lstm"]
AttentionType = Literal["dot", "general", "additive", "none"]

CELL_TYPES = get_args(CellType)
ATTENTION_TYPES = get_args(AttentionType)
# The settings that work through the attention.
NEEDS_ATTENTION = ("copy_attention", "coverage", "alignment_head")


@dataclass(frozen=True, kw_only=True)
class NetworkSettings:
    """The network's settings, one per key of the `[model]` block of the
    `spacy-seq2seq.RNNAttnSeq2Seq.v1` architecture. Checked on creation."""

    cell: CellType = setting("gru", '`"gru"` or `"lstm"`, for encoder and decoder.')
    bidirectional: bool = setting(
        True,
        "Bidirectional encoder: each direction gets `hidden_width / 2` units (so `hidden_width` must be "
        "even), so encoder and decoder states have the same width and every attention type applies.",
    )
    n_layers: int = setting(1, "Stacked RNN layers, encoder and decoder alike.")
    embed_width: int = setting(256, "Width of the source and target piece embeddings.")
    hidden_width: int = setting(512, "Width of the encoder states and of the decoder RNN.")
    attention: AttentionType = setting(
        "additive",
        '`"dot"` and `"general"` (Luong et al. 2015), `"additive"` (Bahdanau et al. 2015), or `"none"`: '
        "the decoder then sees only the final encoder state (the fixed-vector bottleneck baseline).",
    )
    input_feeding: bool = setting(
        True, "Feed the previous attentional vector into the decoder RNN with the previous piece (Luong)."
    )
    dropout_prob: float = setting(
        0.3, "Dropout on embeddings, between RNN layers and on the attentional vector; in [0, 1)."
    )
    tie_embeddings: bool = setting(
        False, "Share the target embedding matrix with the output layer (Press & Wolf 2017)."
    )
    copy_attention: bool = setting(
        False,
        "Pointer-generator output (See et al. 2017): a learned gate mixes generating with copying "
        "source pieces through the attention; needs attention and the component's `joint_vocab = true`.",
    )
    coverage: bool = setting(
        False,
        "Feed the sum of past attention into the attention scores (Tu et al. 2016), so the model can "
        "learn not to attend twice; needs attention, pair it with `coverage_loss_weight`.",
    )
    alignment_head: bool = setting(
        False,
        "A second attention used only for word alignment, from the step that reads each target piece, "
        "trained by the guided-alignment loss (`guided_alignment_weight`); needs attention.",
    )
    detach_alignment_head: bool = setting(
        True,
        "Feed the alignment head detached copies of the decoder outputs, target embeddings and encoder "
        "states, so its loss trains the head alone and translation stays as it would be without it; "
        "false lets the alignment loss shape the shared layers too (aligners only: a guided loss of "
        "weight 2.0 cut an en-fr model's dev BLEU from 24.8 to 2.7).",
    )

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check every setting.

        RAISES (ValueError): A coded error (E003, E009 or E013) naming the
            first bad setting and what it must be.
        """
        check_choice("cell", self.cell, CELL_TYPES)
        check_choice("attention", self.attention, ATTENTION_TYPES)
        for name in NEEDS_ATTENTION:
            if getattr(self, name) and self.attention == "none":
                raise ValueError(Errors.E013.format(
                    setting=name, constraint='false with attention = "none" (it works through the attention)',
                    value=getattr(self, name),
                ))
        for name in ("n_layers", "embed_width", "hidden_width"):
            check_integer(name, getattr(self, name), 1, "a positive integer")
        if self.bidirectional and self.hidden_width % 2:
            raise ValueError(Errors.E009.format(hidden_width=self.hidden_width, suggestion=self.hidden_width + 1))
        check_range("dropout_prob", self.dropout_prob, 0.0, 1.0, "in [0, 1)")


NetworkSettings.__doc__ = settings_docstring(NetworkSettings)


@dataclass(frozen=True, kw_only=True)
class Seq2SeqConfig(NetworkSettings):
    """Everything needed to rebuild the network before its weights are
    loaded: its settings (`NetworkSettings`, each documented there) and
    what `initialize()` learns.

    src_vocab_size (int): Number of source pieces, specials included.
    tgt_vocab_size (int): Number of target pieces, specials included.
    pad_id (int): Padding id, shared by both vocabularies.
    bos_id (int): Id fed to the decoder at its first step.
    eos_id (int): Id that ends a sequence (appended to the source as well).
    """

    src_vocab_size: int
    tgt_vocab_size: int
    pad_id: int
    bos_id: int
    eos_id: int

    def validate(self) -> None:
        super().validate()
        for name in ("src_vocab_size", "tgt_vocab_size"):
            check_integer(name, getattr(self, name), 1, "a positive integer")
        if self.copy_attention and self.src_vocab_size != self.tgt_vocab_size:
            raise ValueError(Errors.E100.format(src=self.src_vocab_size, tgt=self.tgt_vocab_size))
