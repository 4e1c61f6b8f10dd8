"""Word attention stored as blocks: what `doc._.<field>_attention` holds.

A Doc longer than `max_src_length` is decoded part by part
(pipeline/segments.py), and a part's target words only attend to that
part's source tokens. The Doc's word attention (target words x source
tokens) is therefore block-diagonal: one block per part, zeros elsewhere.
Stored dense, it grows with (all target words x all source tokens), the
square of the document's length (a 10,000-token Doc took 6.6 GiB); stored
as blocks, it grows with the sum of (part words x part tokens), linearly.
A Doc decoded in one piece is one block covering every token, so it stores
what the dense matrix held.

The stored form is plain msgpack (DocBin and `Doc.to_bytes` keep it as is),
readable without this package:

    {"shape": [n_rows, n_cols], "dtype": "<f4",
     "blocks": [{"row": r, "col": c, "shape": [h, w], "weights": b"..."}, ...]}

Block k covers rows r..r+h-1 and columns c..c+w-1; its weights are the
h x w values, row-major, as little-endian floats of `dtype` ("<f4" for what
the component writes, "<f8" for a matrix of Python floats set by hand, so
setting and getting give back the same numbers). Cells no block covers are 0.
"""

from dataclasses import dataclass
from typing import Any, Iterator, List, Mapping, Optional, Sequence, Union, overload

import numpy

from ..errors import Errors

# The byte order is fixed so a DocBin written on one machine reads on any.
FLOAT32 = "<f4"
FLOAT64 = "<f8"
_DTYPES = (FLOAT32, FLOAT64)


@dataclass(frozen=True)
class AttentionBlock:
    """One part's word attention and where it sits in the Doc's matrix.

    row (int): The part's first target word in the Doc's output.
    col (int): The part's first source token in the Doc.
    weights (numpy.ndarray): Shape: (part words, part tokens).
    """

    row: int
    col: int
    weights: numpy.ndarray


class AttentionBlocks(Sequence[List[float]]):
    """A target words x source tokens attention matrix held as blocks.

    It reads as the dense matrix it stands for, one row at a time:
    `len(blocks)` is the number of target words, `blocks[j]` the dense row
    of word j (a list of floats, built on demand), `to_dense()` the whole
    matrix (n_rows x n_cols floats: for a long Doc, read rows or blocks
    instead). Equal to another AttentionBlocks or a list of rows with the
    same dense values.

    n_rows (int): Target words.
    n_cols (int): Source tokens.
    blocks (Sequence[AttentionBlock]): Non-overlapping blocks inside the
        matrix, in row order.
    dtype (str): How `to_storage` writes the weights (FLOAT32 or FLOAT64).
    """

    def __init__(
        self, n_rows: int, n_cols: int, blocks: Sequence[AttentionBlock] = (), dtype: str = FLOAT32
    ) -> None:
        self.n_rows = n_rows
        self.n_cols = n_cols
        self.blocks = list(blocks)
        self.dtype = dtype
        _check(self)
        # The block holding each row (None: an all-zero row), for row reads.
        self._row_block: List[Optional[AttentionBlock]] = [None] * n_rows
        for block in self.blocks:
            for j in range(block.row, block.row + block.weights.shape[0]):
                self._row_block[j] = block

    # -- building ---------------------------------------------------------

    @classmethod
    def single(cls, weights: numpy.ndarray, n_cols: int, col: int = 0) -> "AttentionBlocks":
        """One block: `weights` (rows x its columns) placed at column `col`
        of a matrix `n_cols` wide (what one decoded part gives)."""
        weights = numpy.asarray(weights, dtype=numpy.float32)
        return cls(weights.shape[0], n_cols, [AttentionBlock(0, col, weights)])

    @classmethod
    def zeros(cls, n_rows: int, n_cols: int) -> "AttentionBlocks":
        """An all-zero matrix: nothing stored."""
        return cls(n_rows, n_cols, [])

    @classmethod
    def stack(cls, parts: Sequence["AttentionBlocks"]) -> "AttentionBlocks":
        """The parts' matrices one under the other (a split Doc's parts, in
        order: each part's rows follow the rows of the parts before it).
        All parts must be equally wide."""
        widths = {part.n_cols for part in parts}
        if len(widths) > 1:
            raise ValueError(Errors.E081.format(widths=sorted(widths)))
        blocks: List[AttentionBlock] = []
        offset = 0
        for part in parts:
            blocks.extend(AttentionBlock(b.row + offset, b.col, b.weights) for b in part.blocks)
            offset += part.n_rows
        dtype = FLOAT64 if any(part.dtype == FLOAT64 for part in parts) else FLOAT32
        return cls(offset, widths.pop() if widths else 0, blocks, dtype)

    @classmethod
    def from_value(cls, value: Any) -> Optional["AttentionBlocks"]:
        """What the `_attention` extension accepts: None, an AttentionBlocks,
        the stored form (see the module docstring), or a dense matrix as rows
        of floats (how Docs written before the blocks stored it; a matrix set
        by hand). RETURNS None for None."""
        if value is None or isinstance(value, AttentionBlocks):
            return value
        if isinstance(value, Mapping):
            return cls.from_storage(value)
        rows = [list(row) for row in value]
        widths = {len(row) for row in rows}
        if len(widths) > 1:
            raise ValueError(Errors.E080.format(problem=f"rows of different lengths {sorted(widths)[:5]}"))
        n_cols = widths.pop() if widths else 0
        weights = numpy.asarray(rows, dtype=numpy.float64).reshape(len(rows), n_cols)
        return cls(len(rows), n_cols, [AttentionBlock(0, 0, weights)] if rows else [], FLOAT64)

    # -- storing ----------------------------------------------------------

    def to_storage(self) -> dict:
        """The plain msgpack form (module docstring)."""
        return {
            "shape": [self.n_rows, self.n_cols],
            "dtype": self.dtype,
            "blocks": [
                {
                    "row": block.row,
                    "col": block.col,
                    "shape": list(block.weights.shape),
                    "weights": numpy.ascontiguousarray(block.weights, dtype=self.dtype).tobytes(),
                }
                for block in self.blocks
            ],
        }

    @classmethod
    def from_storage(cls, stored: Mapping[str, Any]) -> "AttentionBlocks":
        """Back from `to_storage` (after msgpack, which may turn its lists
        into tuples). A malformed value is an E080 naming what is wrong."""
        try:
            n_rows, n_cols = (int(n) for n in stored["shape"])
            dtype = str(stored.get("dtype", FLOAT32))
            if dtype not in _DTYPES:
                raise ValueError(f"dtype {dtype!r} (expected one of {_DTYPES})")
            blocks = []
            for block in stored["blocks"]:
                height, width = (int(n) for n in block["shape"])
                weights = numpy.frombuffer(block["weights"], dtype=dtype)
                if weights.size != height * width:
                    raise ValueError(
                        f"a block of shape {height} x {width} holds {weights.size} weights"
                    )
                blocks.append(AttentionBlock(int(block["row"]), int(block["col"]), weights.reshape(height, width)))
        except (KeyError, TypeError) as error:
            raise ValueError(Errors.E080.format(problem=f"missing or mistyped {error}")) from None
        except ValueError as error:
            if str(error).startswith("[E08"):
                raise
            raise ValueError(Errors.E080.format(problem=str(error))) from None
        return cls(n_rows, n_cols, blocks, dtype)

    # -- reading ----------------------------------------------------------

    @property
    def shape(self) -> tuple:
        """(target words, source tokens) of the dense matrix."""
        return (self.n_rows, self.n_cols)

    @property
    def n_stored(self) -> int:
        """How many weights the blocks hold (the dense matrix would hold
        n_rows x n_cols)."""
        return sum(block.weights.size for block in self.blocks)

    def row_array(self, j: int) -> numpy.ndarray:
        """The dense row of target word j as a numpy array (n_cols floats)."""
        if not -self.n_rows <= j < self.n_rows:
            raise IndexError(f"row {j} of an attention matrix with {self.n_rows} rows")
        j %= self.n_rows
        row = numpy.zeros(self.n_cols, dtype=self.dtype)
        block = self._row_block[j]
        if block is not None:
            row[block.col : block.col + block.weights.shape[1]] = block.weights[j - block.row]
        return row

    def to_dense(self) -> numpy.ndarray:
        """The whole matrix (n_rows x n_cols): quadratic in a long Doc's size."""
        dense = numpy.zeros((self.n_rows, self.n_cols), dtype=self.dtype)
        for block in self.blocks:
            height, width = block.weights.shape
            dense[block.row : block.row + height, block.col : block.col + width] = block.weights
        return dense

    def to_lists(self) -> List[List[float]]:
        """The dense matrix as rows of Python floats (what the `_attention`
        extension returns)."""
        return [self[j] for j in range(self.n_rows)]

    def __len__(self) -> int:
        return self.n_rows

    @overload
    def __getitem__(self, index: int) -> List[float]: ...

    @overload
    def __getitem__(self, index: slice) -> List[List[float]]: ...

    def __getitem__(self, index: Union[int, slice]) -> Any:
        if isinstance(index, slice):
            return [self[j] for j in range(*index.indices(self.n_rows))]
        return self.row_array(index).tolist()

    def __iter__(self) -> Iterator[List[float]]:
        return (self[j] for j in range(self.n_rows))

    def __array__(self, dtype: Any = None, copy: Any = None) -> numpy.ndarray:
        dense = self.to_dense()
        return dense if dtype is None else dense.astype(dtype)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AttentionBlocks):
            if self.shape != other.shape:
                return False
            return all(numpy.array_equal(self.row_array(j), other.row_array(j)) for j in range(self.n_rows))
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            if len(other) != self.n_rows:
                return False
            return all(self[j] == list(row) for j, row in enumerate(other))
        return NotImplemented

    def __repr__(self) -> str:
        return (
            f"AttentionBlocks({self.n_rows} x {self.n_cols}, {len(self.blocks)} blocks, "
            f"{self.n_stored} weights stored)"
        )


def _check(matrix: AttentionBlocks) -> None:
    """Blocks inside the matrix, in row order, not sharing rows: anything
    else would make rows read back wrong. E080 names the first bad block."""
    if matrix.dtype not in _DTYPES:
        raise ValueError(Errors.E080.format(problem=f"dtype {matrix.dtype!r} (expected one of {_DTYPES})"))
    next_free_row = 0
    for k, block in enumerate(matrix.blocks):
        if block.weights.ndim != 2:
            raise ValueError(Errors.E080.format(problem=f"block {k} is not 2-D"))
        height, width = block.weights.shape
        inside = (
            block.row >= next_free_row and block.col >= 0
            and block.row + height <= matrix.n_rows and block.col + width <= matrix.n_cols
        )
        if not inside:
            raise ValueError(Errors.E080.format(problem=(
                f"block {k} (rows {block.row}-{block.row + height}, columns {block.col}-{block.col + width}) "
                f"is outside the {matrix.n_rows} x {matrix.n_cols} matrix or overlaps the block before it"
            )))
        next_free_row = block.row + height


def attention_rows(value: Any) -> Optional[List[List[float]]]:
    """Any form `from_value` takes -> dense rows of floats (None for None):
    how readers that need the full matrix (the visualiser) take a stored
    value, whichever form it was written in."""
    blocks = AttentionBlocks.from_value(value)
    return None if blocks is None else blocks.to_lists()
