"""Examples -> the network's training input: source and target piece ids,
and (for guided alignment) where each decoder step should attend."""

import warnings
from typing import List, Optional

import numpy
from spacy.training import Example

from ..errors import Errors, Warnings
from ..models.types import TrainBatch
from ..vocab import PieceVocab
from .extensions import extension_names
from .predictions import TargetWords
from .segments import truncated
from .source_encoding import encode_source
from .targets import forced_target, guide_matrix

# Set by training/teacher.py on reference Docs (a plain string, so that
# pipeline/ needs nothing from training/).
TARGET_WORDS_KEY = "spacy_seq2seq.teacher_target_words"


def gold_target(example: Example, index: int, *, field: str, name: str) -> str:
    """The gold output of an example, or a coded error naming the field."""
    value = example.reference._.get(field) if example.reference.has_extension(field) else None
    if not isinstance(value, str):
        raise ValueError(Errors.E002.format(name=name, index=index, field=field, value=value))
    return value


def make_train_batch(
    examples: List[Example],
    *,
    name: str,
    field: str,
    src_pieces: PieceVocab,
    tgt_pieces: PieceVocab,
    target_words: TargetWords,
    guided: bool,
    line_break: Optional[str] = None,
    truncate_to: Optional[int] = None,
    truncate_keep: str = "first",
) -> TrainBatch:
    """Encode a batch; examples with an empty source are skipped, with a
    warning that counts them (W001).

    guided (bool): Build guided-alignment targets for examples whose
        reference carries gold links (`{field}_alignment`).
    line_break (Optional[str]): What source line breaks are encoded as.
    truncate_to (Optional[int]): Cut longer sources to this many pieces
        (EOS included), as decoding does with long_src = "truncate" or
        "truncate_left"; the number cut is in the batch's `n_truncated`.
    truncate_keep (str): "first" keeps the first pieces, "last" the last.
    """
    alignment_name = extension_names(field)["alignment"]
    sources, targets, guides = [], [], []
    n_truncated = 0
    for index, example in enumerate(examples):
        target = gold_target(example, index, field=field, name=name)
        source = encode_source(example.x, src_pieces, line_break)
        if source is None:
            continue
        if truncate_to is not None and len(source.ids) > truncate_to:
            source = truncated(source, truncate_to, truncate_keep)
            n_truncated += 1
        links = example.reference._.get(alignment_name) if guided else None
        if links is None:
            target_ids = numpy.asarray(tgt_pieces.encode_text(target), dtype=numpy.int64)
            guides.append(None)
        else:
            # Links index whitespace words (a links file), or the target
            # tokenizer's words (a teacher on untokenised text, which marks
            # the Doc): split the target into the same words.
            by_tokenizer = example.reference.user_data.get(TARGET_WORDS_KEY) == "tokenizer"
            given = forced_target(target if by_tokenizer else target.split(), tgt_pieces, target_words)
            target_ids = given.ids
            guides.append(guide_matrix(links, source.owners, given.pieces_per_word, len(target_ids)))
        sources.append(source.ids)
        targets.append(target_ids)
    n_skipped = len(examples) - len(sources)
    if n_skipped:
        warnings.warn(Warnings.W001.format(name=name, n_skipped=n_skipped, n_total=len(examples)))
    return TrainBatch(
        src=sources, tgt=targets, guide=guides if any(g is not None for g in guides) else None,
        n_truncated=n_truncated,
    )
