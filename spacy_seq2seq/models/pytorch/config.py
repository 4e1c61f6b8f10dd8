"""The hyperparameters of the network, in one frozen dataclass."""

from dataclasses import dataclass
from typing import Literal, get_args

CellType = Literal["gru", "lstm"]
AttentionType = Literal["dot", "general", "additive", "none"]

CELL_TYPES = get_args(CellType)
ATTENTION_TYPES = get_args(AttentionType)


@dataclass(frozen=True)
class Seq2SeqConfig:
    """Everything needed to rebuild the network before its weights are loaded.

    src_vocab_size (int): Number of source pieces, specials included.
    tgt_vocab_size (int): Number of target pieces, specials included.
    pad_id (int): Padding id, shared by both vocabularies.
    bos_id (int): Id fed to the decoder at its first step.
    eos_id (int): Id that ends a sequence (appended to the source as well).
    cell (str): "gru" or "lstm", for encoder and decoder.
    bidirectional (bool): Bidirectional encoder. Each direction then gets
        hidden_width / 2 units, so encoder states and decoder states have the
        same width and every attention type (dot included) applies.
    n_layers (int): Stacked RNN layers, encoder and decoder alike.
    embed_width (int): Width of source and target piece embeddings.
    hidden_width (int): Width of encoder states and of the decoder RNN.
    attention (str): "dot" and "general" (Luong et al. 2015), "additive"
        (Bahdanau et al. 2015), or "none": the decoder then sees only the
        final encoder state (the fixed-vector bottleneck baseline).
    input_feeding (bool): Feed the previous attentional vector into the
        decoder RNN together with the previous target embedding (Luong).
    dropout_prob (float): Dropout on embeddings, between RNN layers and on
        the attentional vector.
    tie_embeddings (bool): Share the target embedding matrix with the output
        layer (Press & Wolf 2017).
    copy_attention (bool): Pointer-generator output (See et al. 2017): a
        learned gate mixes the generated distribution with copying source
        pieces through the attention. Source ids must be target ids (one
        shared vocabulary), and attention must not be "none".
    coverage (bool): Feed the sum of past attention (the coverage vector)
        into the attention scores (Tu et al. 2016; See et al. 2017), so the
        model can learn not to attend to the same source again. Needs
        attention; the decoder then runs step by step.
    alignment_head (bool): A second attention, used only for word alignment
        (see alignment_head.py): it attends from the decoder step that READS
        a target piece, so it knows the piece, and the guided-alignment loss
        trains it instead of the attention that generates. Needs attention
        (a model without it stores no attention to show beside the links).
    detach_alignment_head (bool): Feed the alignment head detached copies of
        the decoder outputs, target embeddings and encoder states, so that
        its loss trains the head alone and translation is left as it would
        be without it (true, the default). False lets the alignment loss
        shape the shared layers too, which aligners that need no
        translation can afford (a guided loss of weight 2.0 on such a
        model cut an en-fr model's dev BLEU from 24.8 to 2.7).
    """

    src_vocab_size: int
    tgt_vocab_size: int
    pad_id: int
    bos_id: int
    eos_id: int
    cell: CellType = "gru"
    bidirectional: bool = True
    n_layers: int = 1
    embed_width: int = 256
    hidden_width: int = 512
    attention: AttentionType = "additive"
    input_feeding: bool = True
    dropout_prob: float = 0.3
    tie_embeddings: bool = False
    copy_attention: bool = False
    coverage: bool = False
    alignment_head: bool = False
    detach_alignment_head: bool = True

    def __post_init__(self) -> None:
        if self.cell not in CELL_TYPES:
            raise ValueError(
                f"Invalid value for 'cell': {self.cell!r}. "
                f"Valid options: {', '.join(CELL_TYPES)}."
            )
        if self.attention not in ATTENTION_TYPES:
            raise ValueError(
                f"Invalid value for 'attention': {self.attention!r}. "
                f"Valid options: {', '.join(ATTENTION_TYPES)}."
            )
        if self.bidirectional and self.hidden_width % 2 != 0:
            raise ValueError(
                "hidden_width must be even for a bidirectional encoder "
                f"(hidden_width / 2 units per direction); got {self.hidden_width}."
            )
        for name in ("src_vocab_size", "tgt_vocab_size", "n_layers",
                     "embed_width", "hidden_width"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1; got {getattr(self, name)}.")
        for name in ("copy_attention", "coverage", "alignment_head"):
            if getattr(self, name) and self.attention == "none":
                raise ValueError(f'{name} = true needs attention; got attention = "none".')
        if self.copy_attention and self.src_vocab_size != self.tgt_vocab_size:
            raise ValueError(
                "copy_attention = true copies source piece ids into the output, so "
                "source and target must share one vocabulary; got sizes "
                f"{self.src_vocab_size} and {self.tgt_vocab_size}."
            )
        if not 0.0 <= self.dropout_prob < 1.0:
            raise ValueError(f"dropout_prob must be in [0, 1); got {self.dropout_prob}.")
