"""Reading a command's input texts: arguments, a file, or stdin.

Inputs are streamed, one line at a time, so a corpus of millions of lines
is never held whole: the commands decode as they read.
"""

import sys
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, TypeVar

T = TypeVar("T")


def stream_texts(texts: Optional[List[str]], input_file: Optional[Path]) -> Iterator[str]:
    """The texts given as arguments, else the lines of --input, else stdin,
    one at a time (the file is opened when the first text is asked for)."""
    if texts:
        yield from texts
        return
    if input_file is None:
        for line in sys.stdin:
            yield line.rstrip("\n")
        return
    with input_file.open(encoding="utf8") as stream:
        for line in stream:
            yield line.rstrip("\n")


def read_texts(texts: Optional[List[str]], input_file: Optional[Path]) -> List[str]:
    """All of `stream_texts` in a list, for callers that need them at once."""
    return list(stream_texts(texts, input_file))


def stream_word_lists(path: Path) -> Iterator[List[str]]:
    """One list of whitespace-separated words per line (pre-tokenised text),
    one line at a time."""
    with path.open(encoding="utf8") as stream:
        for line in stream:
            yield line.split()


def read_word_lists(path: Path) -> List[List[str]]:
    """All of `stream_word_lists` in a list."""
    return list(stream_word_lists(path))


def chunks(items: Iterable[T], size: int) -> Iterator[List[T]]:
    """Consecutive lists of at most `size` items, read lazily."""
    iterator = iter(items)
    while True:
        chunk = list(islice(iterator, size))
        if not chunk:
            return
        yield chunk
