"""Word attention held as blocks (spacy_seq2seq.alignment.attention_blocks):
it reads as the dense matrix it stands for, and its stored form survives
msgpack exactly."""

import numpy
import pytest
import srsly

from spacy_seq2seq.alignment.attention_blocks import (
    AttentionBlock,
    AttentionBlocks,
    attention_rows,
)


def two_parts():
    """A 5 x 7 matrix: rows 0-1 attend to columns 1-3, rows 2-4 to 4-6."""
    first = numpy.arange(1, 7, dtype=numpy.float32).reshape(2, 3) / 10
    second = numpy.arange(1, 10, dtype=numpy.float32).reshape(3, 3) / 100
    return AttentionBlocks.stack([
        AttentionBlocks.single(first, n_cols=7, col=1),
        AttentionBlocks.single(second, n_cols=7, col=4),
    ]), first, second


def expected_dense(first, second):
    dense = numpy.zeros((5, 7), dtype=numpy.float32)
    dense[0:2, 1:4] = first
    dense[2:5, 4:7] = second
    return dense


def test_blocks_read_as_the_dense_matrix():
    blocks, first, second = two_parts()
    dense = expected_dense(first, second)
    assert blocks.shape == (5, 7) and len(blocks) == 5
    numpy.testing.assert_array_equal(blocks.to_dense(), dense)
    numpy.testing.assert_array_equal(numpy.asarray(blocks), dense)
    assert blocks.to_lists() == dense.tolist()
    assert blocks[3] == dense[3].tolist() and blocks[-1] == dense[4].tolist()
    assert blocks[1:3] == dense[1:3].tolist()
    assert list(blocks) == dense.tolist()
    assert blocks == dense.tolist() and blocks != (dense * 2).tolist()
    with pytest.raises(IndexError):
        blocks[5]


def test_only_the_blocks_are_stored():
    blocks, first, second = two_parts()
    assert blocks.n_stored == first.size + second.size == 15
    stored = blocks.to_storage()
    assert sum(len(block["weights"]) for block in stored["blocks"]) == 15 * 4  # float32 bytes


@pytest.mark.parametrize("use_list", [True, False])
def test_storage_survives_msgpack_exactly(use_list):
    blocks, first, second = two_parts()
    packed = srsly.msgpack_dumps({"attention": blocks.to_storage()})
    # DocBin reads user data with use_list=False (lists become tuples).
    restored = AttentionBlocks.from_value(srsly.msgpack_loads(packed, use_list=use_list)["attention"])
    assert restored == blocks
    assert restored.to_lists() == expected_dense(first, second).tolist()


def test_dense_rows_set_by_hand_keep_their_exact_values():
    rows = [[0.1, 0.7000000000000001, 0.0], [1 / 3, 0.0, 0.25]]
    blocks = AttentionBlocks.from_value(rows)
    again = AttentionBlocks.from_value(srsly.msgpack_loads(srsly.msgpack_dumps(blocks.to_storage())))
    assert again.to_lists() == rows
    assert attention_rows(rows) == rows and attention_rows(None) is None
    assert AttentionBlocks.from_value([]).to_lists() == []


def test_zero_matrix_stores_nothing():
    zeros = AttentionBlocks.zeros(3, 4)
    assert zeros.n_stored == 0 and zeros.to_lists() == [[0.0] * 4] * 3


@pytest.mark.parametrize(
    "value, problem",
    [
        ([[0.1, 0.2], [0.3]], "rows of different lengths"),
        ({"shape": [2, 2]}, "missing or mistyped"),
        ({"shape": [2, 2], "dtype": "<f2", "blocks": []}, "dtype"),
        ({"shape": [2, 2], "blocks": [{"row": 0, "col": 0, "shape": [2, 2], "weights": b"\0" * 12}]},
         "holds 3 weights"),
        ({"shape": [2, 2], "blocks": [{"row": 1, "col": 1, "shape": [2, 2], "weights": b"\0" * 16}]},
         "outside the 2 x 2 matrix"),
    ],
)
def test_malformed_values_are_a_coded_error(value, problem):
    with pytest.raises(ValueError, match=r"\[E080\].*" + problem):
        AttentionBlocks.from_value(value)


def test_overlapping_rows_are_refused():
    block = AttentionBlock(0, 0, numpy.ones((2, 2), dtype=numpy.float32))
    with pytest.raises(ValueError, match=r"\[E080\].*block 1"):
        AttentionBlocks(3, 4, [block, AttentionBlock(1, 2, numpy.ones((2, 2), dtype=numpy.float32))])


def test_parts_of_different_widths_do_not_stack():
    with pytest.raises(ValueError, match=r"\[E081\]"):
        AttentionBlocks.stack([AttentionBlocks.zeros(1, 3), AttentionBlocks.zeros(1, 4)])
