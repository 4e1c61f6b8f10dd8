"""Reading a command's input texts: arguments, a file, or stdin."""

import sys
from pathlib import Path
from typing import List, Optional


def read_texts(texts: Optional[List[str]], input_file: Optional[Path]) -> List[str]:
    """The texts given as arguments, else the lines of --input, else stdin."""
    if texts:
        return list(texts)
    if input_file is None:
        return [line.rstrip("\n") for line in sys.stdin]
    with input_file.open(encoding="utf8") as stream:
        return [line.rstrip("\n") for line in stream]


def read_word_lists(path: Path) -> List[List[str]]:
    """One list of whitespace-separated words per line (pre-tokenised text)."""
    return [line.split() for line in path.read_text(encoding="utf8").splitlines()]
