"""src_line_break: line breaks in the source (the turns of a dialogue) are
encoded as a chosen string, in training, vocabulary and decoding alike."""

import numpy
import pytest
import spacy
from toy_data import TOY_CONFIG, make_examples, overridden

from spacy_seq2seq.pipeline.segments import encode_parts, truncated
from spacy_seq2seq.pipeline.source_encoding import encode_source
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
    nlp, pipe = dialogue_pipe
    with pytest.warns(UserWarning, match="W004"):  # untrained: runs to the length limit
        doc = nlp("Amanda: hi !\nJerry: bye .")
    # The line break is decoded as the separator: the same source pieces as
    # the separator written out, so the same summary.
    with pytest.warns(UserWarning, match="W004"):
        written_out = nlp("Amanda: hi ! | Jerry: bye .")
    [part] = encode_parts(doc, pipe.src_pieces, 128, "|")
    [written_part] = encode_parts(written_out, pipe.src_pieces, 128, "|")
    assert part.ids.tolist() == written_part.ids.tolist()
    assert doc._.summary and doc._.summary == written_out._.summary
    assert doc._.summary_nbest == written_out._.summary_nbest
    with pytest.raises(ValueError, match="src_line_break"):
        spacy.blank("en").add_pipe("seq2seq_attn", config={"src_line_break": " "})


def test_truncate_reads_long_docs_in_one_part_and_counts_them(dialogue_pipe):
    nlp, pipe = dialogue_pipe
    long_text = "Amanda: hi ! " * 30 + "\nJerry: bye ."
    with overridden(pipe, long_src="truncate", max_src_length=12, max_output_length=4):
        docs = [nlp.make_doc(long_text), nlp.make_doc("Jerry: hi .")]
        with pytest.warns(UserWarning) as record:
            predictions = pipe.predict(docs)
        messages = [str(w.message) for w in record if "W005" in str(w.message)]
        assert len(messages) == 1 and "1 of 2 source Docs (doc 0)" in messages[0]
        # One output for the whole Doc, read from its first 11 pieces only.
        assert len(predictions[0].attention) == len(predictions[0].tokens)
        attended = {i for row in predictions[0].attention for i, w in enumerate(row) if w > 0}
        kept_tokens = encode_source(docs[0], pipe.src_pieces, "|").owners[:11]
        assert attended and max(attended) <= max(kept_tokens) < len(docs[0]) - 5


def test_truncated_keeps_first_or_last_pieces_with_their_owners(dialogue_pipe):
    nlp, pipe = dialogue_pipe
    source = encode_source(nlp.make_doc("Amanda: hi !\nJerry: bye ."), pipe.src_pieces, "|")
    n = len(source.ids)
    first, last = truncated(source, 4), truncated(source, 4, "last")
    assert first.ids.tolist() == [*source.ids[:3], 3] and first.owners == [*source.owners[:3], -1]
    assert last.ids.tolist() == [*source.ids[n - 4 : n - 1], 3] and last.owners == [*source.owners[n - 4 : n - 1], -1]
    assert truncated(source, n, "last") is source
    with pytest.raises(ValueError, match="keep"):
        truncated(source, 4, "middle")


def test_truncate_left_reads_the_latest_turns_in_decoding_and_training(dialogue_pipe):
    nlp, pipe = dialogue_pipe
    long_text = "Amanda: hi ! " * 30 + "\nJerry: bye ."
    with overridden(pipe, long_src="truncate_left", max_src_length=12, max_output_length=4):
        doc = nlp.make_doc(long_text)
        with pytest.warns(UserWarning) as record:
            [prediction] = pipe.predict([doc])
        messages = " ".join(str(w.message) for w in record)
        assert 'W005' in messages and 'cut to their last 11 pieces (long_src = "truncate_left")' in messages
        # The length warning quotes the part that was read, not the Doc's start.
        assert "W004" in messages and "Jerry: bye" in messages  # untrained: runs to 4 pieces
        attended = {i for row in prediction.attention for i, w in enumerate(row) if w > 0}
        kept_tokens = encode_source(doc, pipe.src_pieces, "|").owners[-12:-1]
        # Only the end of the Doc was read: Jerry's "bye ." is in, the start is not.
        assert attended and min(attended) >= min(kept_tokens) > 5 and len(doc) - 1 in kept_tokens
        examples = make_examples(nlp, [(long_text, "long")], field="summary")
        batch = pipe._make_train_batch(examples)
        full = encode_source(examples[0].x, pipe.src_pieces, "|").ids
        assert batch.n_truncated == 1 and batch.src[0].tolist() == [*full[-12:-1], 3]


def test_update_with_truncate_left_warns_that_it_kept_the_last_pieces():
    nlp = spacy.blank("en")
    nlp.add_pipe("seq2seq_attn", config={
        **TOY_CONFIG, "src_line_break": "|", "field": "summary", "long_src": "truncate_left", "max_src_length": 8,
    })
    examples = make_examples(nlp, DIALOGUES, field="summary")
    nlp.initialize(lambda: examples)
    with pytest.warns(UserWarning, match=r"W006.*their last pieces \(long_src = \"truncate_left\"\)"):
        nlp.update(examples)


def test_training_cuts_long_sources_once_warned_then_counted(dialogue_pipe):
    from spacy_seq2seq.pipeline.train_batch import make_train_batch

    nlp, pipe = dialogue_pipe
    examples = make_examples(nlp, [("Amanda: hi ! " * 30, "long"), ("Jerry: hi .", "short")], field="summary")
    short = len(encode_source(examples[1].x, pipe.src_pieces, "|").ids)
    batch = make_train_batch(
        examples, name="s", field="summary", src_pieces=pipe.src_pieces, tgt_pieces=pipe.tgt_pieces,
        target_words=pipe._target_words, guided=False, line_break="|", truncate_to=short,
    )
    assert batch.n_truncated == 1
    assert [len(ids) for ids in batch.src] == [short, short] and batch.src[0][-1] == 3  # EOS kept last
    untouched = make_train_batch(
        examples, name="s", field="summary", src_pieces=pipe.src_pieces, tgt_pieces=pipe.tgt_pieces,
        target_words=pipe._target_words, guided=False, line_break="|",
    )
    assert untouched.n_truncated == 0 and len(untouched.src[0]) > short


def test_update_warns_once_about_cut_sources_then_counts():
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("seq2seq_attn", config={
        **TOY_CONFIG, "src_line_break": "|", "field": "summary", "long_src": "truncate", "max_src_length": 8,
    })
    examples = make_examples(nlp, DIALOGUES, field="summary")
    nlp.initialize(lambda: examples)
    with pytest.warns(UserWarning, match=r"W006.*3 of 3 training sources") as record:
        nlp.update(examples)
        nlp.update(examples)
    assert sum("W006" in str(w.message) for w in record) == 1
    assert pipe.n_truncated_in_training == 6
