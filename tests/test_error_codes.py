"""Errors are coded (spacy_seq2seq/errors.py): every message a user can meet
has a code, every code is raised somewhere, and the messages coded for
issue 27 say what they should."""

import ast
import re
from pathlib import Path

import numpy
import pytest
import spacy

from spacy_seq2seq.alignment.aer import (
    AlignmentFileError,
    parse_pharaoh_line,
    score_alignments,
)
from spacy_seq2seq.alignment.symmetrize import agreement
from spacy_seq2seq.errors import Errors, Warnings
from spacy_seq2seq.pipeline.extensions import install_extensions
from spacy_seq2seq.pipeline.predictions import TargetWords
from spacy_seq2seq.pipeline.rouge import rouge_scores
from spacy_seq2seq.pipeline.targets import _words_and_spaces

PACKAGE = Path(__file__).resolve().parents[1] / "spacy_seq2seq"

# Raises with a plain message on purpose: internal consistency checks a user
# cannot reach through the public API (or modules other work owns now).
# (file, first words of the message) -> why it stays uncoded.
INTERNAL = {
    ("alignment/attention_blocks.py", "row "): "IndexError of a matrix-like object",
    ("alignment/attention_blocks.py", "dtype "): "stored blocks written by this package",
    ("alignment/attention_blocks.py", "a block of shape"): "stored blocks written by this package",
    ("models/optimizer.py", "The average of"): "spaCy's optimizer averages, shapes set by this package",
    ("models/pytorch/attention.py", "A coverage attention"): "how the decoder calls the attention",
    ("models/pytorch/steps.py", "Decoder input lengths"): "how the model calls the decoder",
    ("models/pytorch/terms.py", "positive and negative need one entry per"): "how the model calls the term tracker",
    ("models/pytorch/terms.py", "sentence : term  has no pieces"): "W055 skips empty terms on the pipeline side first",
    ("models/serialization.py", "missing "): "wrapped into E010 by the component",
    ("pipeline/predictions.py", "alignment_method "): "E021 refuses the setting first",
    ("pipeline/segments.py", "keep must be"): "TRUNCATING gives only 'first' or 'last'",
}


def uncoded_raises():
    """(file, first words) of every raise whose message is a literal or an
    f-string instead of a coded Errors message."""
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf8")
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            message = node.exc.args[0]
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                text = message.value
            elif isinstance(message, ast.JoinedStr):
                text = "".join(part.value for part in message.values if isinstance(part, ast.Constant)) or "{}"
            else:
                continue
            relative = path.relative_to(PACKAGE).as_posix()
            prefix = next((start for file, start in INTERNAL if file == relative and text.startswith(start)), text[:40])
            found.add((relative, prefix))
    return found


def test_every_message_a_user_can_meet_is_coded():
    uncoded = uncoded_raises()
    new = sorted(uncoded - set(INTERNAL))
    assert not new, f"code these messages in errors.py (or list them in INTERNAL, saying why): {new}"
    assert set(INTERNAL) <= uncoded, "an INTERNAL entry no longer matches a raise: remove it"


def test_every_code_is_used_and_defined_once():
    source = (PACKAGE / "errors.py").read_text(encoding="utf8")
    defined = re.findall(r"^    ([EW]\d{3}) = ", source, flags=re.M)
    assert len(defined) == len(set(defined))
    package = "\n".join(
        path.read_text(encoding="utf8") for path in PACKAGE.rglob("*.py") if path.name != "errors.py"
    )
    unused = [code for code in defined if f".{code}" not in package]
    assert not unused
    assert all(getattr(Errors if code[0] == "E" else Warnings, code) for code in defined)


def test_the_messages_coded_for_issue_27():
    with pytest.raises(ValueError, match=r"\[E108\] Target word 1 \('a b'\)"):
        _words_and_spaces(["x", "a b"], TargetWords("en"))
    with pytest.raises(ValueError, match=r"\[E110\] ROUGE got 2 outputs but 1 references"):
        rouge_scores(["a", "b"], ["a"])
    with pytest.raises(ValueError, match=r"\[E111\] agreement .* not \(3, 3\)"):
        agreement(numpy.zeros((2, 3)), numpy.zeros((3, 3)), min_product=0.5)
    with pytest.raises(ValueError, match=r"\[E013\] min_product must be in \(0, 1\]; got 0.0"):
        agreement(numpy.zeros((2, 3)), numpy.zeros((3, 2)), min_product=0.0)
    with pytest.raises(AlignmentFileError, match=r"\[E112\] .*'0:1' is not a 0-based pharaoh link"):
        parse_pharaoh_line("0-0 0:1")
    with pytest.raises(AlignmentFileError, match=r"\[E113\] 2 predicted alignments for 0 gold"):
        score_alignments([set(), set()], [])
    install_extensions("translation")
    doc = spacy.blank("en")("a cat")
    with pytest.raises(TypeError, match=r"\[E109\] .* not a int"):
        doc._.translation = 5
