"""A Doc decoded in parts stores its attention per part (block-diagonal):
the values read back are the dense matrix the parts add up to, the
visualiser still shows it, DocBin and to_bytes keep it, and what is stored
grows with the parts' sizes, not with (all target words x all tokens)."""

import numpy
import pytest
import srsly
from spacy.tokens import Doc, DocBin
from toy_data import copy_of

from spacy_seq2seq import displacy
from spacy_seq2seq.displacy.view import view_from_doc
from spacy_seq2seq.pipeline.segments import encode_parts

SENTENCES = [
    "le chat noir dort .", "un chien blanc mange .", "le chat mange .", "un chien dort .",
    "le chien blanc mange .", "un chat blanc dort .",
]


@pytest.fixture(scope="module")
def split_and_whole(trained_toy):
    """(pipeline that splits at every sentence, pipeline that never splits)."""
    nlp, _ = trained_toy
    pieces = nlp.get_pipe("seq2seq_attn").src_pieces
    longest = max(len(encode_parts(nlp.make_doc(s), pieces, 1000)[0].ids) for s in SENTENCES)
    return copy_of(nlp, max_src_length=longest, beam_size=1), copy_of(nlp, beam_size=1)


@pytest.fixture(scope="module")
def long_doc(split_and_whole):
    split, _ = split_and_whole
    return split(" ".join(SENTENCES))


def dense_from_parts(whole, sentences):
    """The matrix the dense code stored: each sentence decoded alone, its
    attention placed at its own rows and columns, zeros elsewhere."""
    alone = [whole(sentence) for sentence in sentences]
    n_rows = sum(len(doc._.translation_tokens) for doc in alone)
    n_cols = sum(len(doc) for doc in alone)
    dense = numpy.zeros((n_rows, n_cols), dtype=numpy.float64)
    row = col = 0
    for doc in alone:
        block = numpy.asarray(doc._.translation_attention, dtype=numpy.float64).reshape(-1, len(doc))
        dense[row : row + block.shape[0], col : col + len(doc)] = block
        row, col = row + block.shape[0], col + len(doc)
    return dense, alone


def test_split_doc_attention_is_the_dense_matrix_of_its_parts(split_and_whole, long_doc):
    _, whole = split_and_whole
    expected, alone = dense_from_parts(whole, SENTENCES)
    attention = long_doc._.translation_attention
    assert isinstance(attention, list) and all(isinstance(row, list) for row in attention)
    assert (len(attention), len(attention[0])) == expected.shape == (len(long_doc._.translation_tokens), len(long_doc))
    numpy.testing.assert_allclose(attention, expected, rtol=0, atol=1e-6)
    # The stored blocks read the same, row by row, without the dense matrix.
    blocks = long_doc._.translation_attention_blocks
    assert len(blocks.blocks) == len(SENTENCES)
    numpy.testing.assert_allclose(blocks.to_dense(), expected, rtol=0, atol=1e-6)
    assert blocks[3] == attention[3]
    # With n_best = 1 the n-best attention is the same matrix.
    assert long_doc._.translation_nbest_attention == [attention]


def test_links_of_a_split_doc_are_argmax_links_of_the_dense_matrix(long_doc):
    attention = numpy.asarray(long_doc._.translation_attention)
    expected = sorted(
        (int(numpy.argmax(row)), j) for j, row in enumerate(attention) if row.max() > 0.0
    )
    assert sorted(long_doc._.translation_alignment) == expected


def test_stored_attention_grows_with_the_parts_not_the_square(split_and_whole, long_doc):
    _, whole = split_and_whole
    _, alone = dense_from_parts(whole, SENTENCES)
    # Count the weights in the raw user data (what DocBin writes): one
    # 4-byte float per (part word x part token), nothing between parts.
    stored = long_doc.user_data[("._.", "translation_attention", None, None)]
    n_stored = sum(len(block["weights"]) for block in stored["blocks"]) // 4
    per_part = sum(len(doc._.translation_tokens) * len(doc) for doc in alone)
    dense = len(long_doc._.translation_tokens) * len(long_doc)
    assert n_stored == per_part == long_doc._.translation_attention_blocks.n_stored
    assert n_stored * len(SENTENCES) <= dense * 1.5  # about 1/len(SENTENCES) of the dense matrix


def test_one_part_doc_is_one_full_width_block(split_and_whole):
    _, whole = split_and_whole
    doc = whole("le chat noir dort .")
    blocks = doc._.translation_attention_blocks
    assert [(block.row, block.col, block.weights.shape) for block in blocks.blocks] == [
        (0, 0, (len(doc._.translation_tokens), len(doc)))
    ]


def test_visualiser_renders_a_split_doc(split_and_whole, long_doc):
    _, whole = split_and_whole
    expected, _ = dense_from_parts(whole, SENTENCES)
    view = view_from_doc(long_doc, "translation")
    numpy.testing.assert_allclose(view.attention, expected, rtol=0, atol=1e-6)
    html = displacy.render(long_doc, jupyter=False)
    assert html.count('<td class="s2s-cell') == expected.size
    # Values under a field no extension is registered for are read raw from
    # user_data (a DocBin opened where the component never ran): the stored
    # blocks render the same.
    raw = Doc(long_doc.vocab).from_bytes(long_doc.to_bytes())
    for (prefix, name, start, end), value in list(raw.user_data.items()):
        if name.startswith("translation"):
            raw.user_data[(prefix, "unregistered" + name[len("translation"):], start, end)] = value
    assert not Doc.has_extension("unregistered_attention")
    assert isinstance(raw.user_data[("._.", "unregistered_attention", None, None)], dict)
    assert displacy.render(raw, field="unregistered", jupyter=False) == html


@pytest.mark.parametrize("how", ["docbin", "to_bytes"])
def test_round_trip_keeps_every_value(long_doc, how):
    if how == "docbin":
        data = DocBin(store_user_data=True, docs=[long_doc]).to_bytes()
        (restored,) = DocBin().from_bytes(data).get_docs(long_doc.vocab)
    else:
        restored = Doc(long_doc.vocab).from_bytes(long_doc.to_bytes())
    for name in ("translation", "translation_tokens", "translation_alignment", "translation_attention",
                 "translation_nbest", "translation_nbest_attention"):
        assert restored._.get(name) == long_doc._.get(name), name
    assert restored._.translation_attention_blocks == long_doc._.translation_attention_blocks


def test_user_data_is_plain_msgpack(long_doc):
    # No numpy arrays or classes of this package: msgpack without extra hooks.
    import msgpack

    attention = long_doc.user_data[("._.", "translation_attention", None, None)]
    assert msgpack.unpackb(msgpack.packb(attention), raw=False) == attention
    srsly.msgpack_dumps(long_doc.user_data)


def test_docs_written_with_dense_rows_still_read(long_doc):
    """A Doc from before the blocks holds rows of floats under the same key."""
    doc = Doc(long_doc.vocab, words=["le", "chat"])
    rows = [[0.25, 0.5], [0.125, 0.75], [0.0, 1.0]]
    doc.user_data[("._.", "translation_attention", None, None)] = rows
    assert doc._.translation_attention == rows
    assert doc._.translation_attention_blocks.n_stored == 6
    # Setting dense rows by hand stores them as one block, exactly.
    doc._.translation_attention = rows
    assert isinstance(doc.user_data[("._.", "translation_attention", None, None)], dict)
    assert Doc(doc.vocab).from_bytes(doc.to_bytes())._.translation_attention == rows


def test_no_attention_stored_stays_none(split_and_whole):
    split, _ = split_and_whole
    no_attention = copy_of(split, max_src_length=split.get_pipe("seq2seq_attn").settings.max_src_length,
                           beam_size=1, store_attention=False)
    doc = no_attention(" ".join(SENTENCES[:3]))
    assert doc._.translation_attention is None and doc._.translation_attention_blocks is None
    assert len(doc._.translation_alignment) > 0
