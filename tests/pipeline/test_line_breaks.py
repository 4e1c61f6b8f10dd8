"""src_line_break: line breaks in the source (the turns of a dialogue) are
encoded as a chosen string, in training, vocabulary and decoding alike."""

import numpy
import pytest
import spacy
from toy_data import TOY_CONFIG, make_examples

from spacy_seq2seq.pipeline.predictions import encode_source
from spacy_seq2seq.pipeline.segments import encode_parts
from spacy_seq2seq.vocab import UNK_ID

DIALOGUES = [
    ("Amanda: hi !\nJerry: hello .", "Amanda greets Jerry ."),
    ("Jerry: cookies ?\r\nAmanda: yes !\nJerry: great .", "Amanda has cookies for Jerry ."),
    ("Amanda: bye .\n\nJerry: bye !", "They say goodbye ."),
]


@pytest.fixture(scope="module")
def dialogue_pipe():
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("seq2seq_attn", config={**TOY_CONFIG, "src_line_break": "|", "field": "summary"})
    examples = make_examples(nlp, DIALOGUES, field="summary")
    nlp.initialize(lambda: examples)
    return nlp, pipe


def test_each_line_break_becomes_the_separator_pieces(dialogue_pipe):
    nlp, pipe = dialogue_pipe
    doc = nlp.make_doc(DIALOGUES[1][0])
    breaks = [token.i for token in doc if "\n" in token.text]
    assert len(breaks) == 2  # "\r\n" and "\n"
    source = encode_source(doc, pipe.src_pieces, "|")
    owners = numpy.asarray(source.owners)
    separator = pipe.src_pieces.encode_token("|")
    # The vocabulary was trained with the separator in the text: no <unk>.
    assert "".join(pipe.src_pieces.pieces(separator)) == "\u2581|" and UNK_ID not in separator
    for i in breaks:
        assert source.ids[owners == i].tolist() == separator
    # Without the setting, line breaks are dropped like spaces.
    assert not set(breaks) & set(encode_source(doc, pipe.src_pieces).owners)
    # Decoding encodes the same way.
    [part] = encode_parts(doc, pipe.src_pieces, 128, "|")
    assert part.ids.tolist() == source.ids.tolist()


def test_decoding_a_dialogue_works_and_the_setting_is_checked(dialogue_pipe):
    nlp, _ = dialogue_pipe
    with pytest.warns(UserWarning, match="W004"):  # untrained: runs to the length limit
        doc = nlp("Amanda: hi !\nJerry: bye .")
    assert isinstance(doc._.summary, str) and doc._.summary
    with pytest.raises(ValueError, match="src_line_break"):
        spacy.blank("en").add_pipe("seq2seq_attn", config={"src_line_break": " "})
