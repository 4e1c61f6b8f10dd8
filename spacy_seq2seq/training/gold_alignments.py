"""Supplied word alignments for guided-alignment training.

A pharaoh file (0-based `i-j` links, i = source word, j = target word, words
being the whitespace tokens of each side) with one line per corpus record:
line N belongs to record N (line N of the corpus files, or JSON item N).
"""

from pathlib import Path
from typing import Iterator, List, Optional, Tuple

from ..alignment.aer import AlignmentFileError, parse_pharaoh_line
from ..errors import Errors
from .formats import decoded_lines, open_binary

Link = Tuple[int, int]


class AlignmentLines:
    """Line N of an alignment file on demand, reading forward only (the
    corpus asks for records in increasing order).

    Lines are split and decoded as the corpus files are (`decoded_lines`), so
    line N here is line N there, and a line that is not UTF-8 is named in a
    coded error instead of surfacing as a bare UnicodeDecodeError.
    """

    def __init__(self, path: Path):
        self.path = path
        self._file = open_binary(path)
        self._lines: Iterator[Tuple[str, Optional[str]]] = decoded_lines(self._file)
        self._number = 0

    def line(self, number: int) -> Optional[str]:
        """The text of line `number` (1-based), None past the end."""
        decoded: Optional[Tuple[str, Optional[str]]] = None
        while self._number < number:
            decoded = next(self._lines, None)
            if decoded is None:
                return None
            self._number += 1
        if decoded is None:
            return None
        text, problem = decoded
        if problem is not None:
            # Unlike a bad link, an undecodable line means the wrong file or
            # the wrong encoding, so the lines after it are suspect too: raise.
            raise ValueError(Errors.E032.format(number=number, path=self.path, problem=problem))
        return text

    def close(self) -> None:
        self._file.close()


def parse_links(line: Optional[str], n_src: int, n_tgt: int) -> Tuple[Optional[List[Link]], Optional[str]]:
    """(links, None), or (None, what is wrong) for a missing or bad line.

    n_src, n_tgt (int): Whitespace words on each side, to check the indices.
    """
    if line is None:
        return None, "the alignment file has no line for it (it must have one line per record)"
    try:
        links = sorted(parse_pharaoh_line(line))
    except AlignmentFileError as error:
        return None, str(error)
    for i, j in links:
        if i >= n_src or j >= n_tgt:
            return None, (
                f"alignment link '{i}-{j}' is out of range: the pair has {n_src} source and "
                f"{n_tgt} target words (0-based indices, whitespace tokens)"
            )
    return links, None
