"""Progress bars for long runs (`translate`, `align`, `evaluate`, `render`
over a file): records done, records/s and, when the count is known, the ETA.

The bar is tqdm's, which spaCy itself depends on (nothing new to install).
It goes to stderr, so the outputs on stdout are the same with or without
it. It is shown when stderr is a terminal and `--quiet` is not given, so a
redirected or piped run (a log file, CI, `2> err.txt`) stays clean.
SPACY_SEQ2SEQ_PROGRESS=1 forces it on (e.g. to see it in a log), 0 off.
"""

import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, TypeVar, Union

import typer

from ..errors import Errors

T = TypeVar("T")

PROGRESS_ENV = "SPACY_SEQ2SEQ_PROGRESS"
_FORCED = {"1": True, "0": False}


def progress_wanted(quiet: bool) -> bool:
    """Whether to show a bar: never with --quiet, else as SPACY_SEQ2SEQ_PROGRESS
    says, else when stderr is a terminal."""
    if quiet:
        return False
    forced = os.environ.get(PROGRESS_ENV, "").strip()
    if forced:
        if forced not in _FORCED:
            raise typer.BadParameter(Errors.E090.format(env=PROGRESS_ENV, value=forced))
        return _FORCED[forced]
    return sys.stderr.isatty()


def count_lines(path: Path) -> int:
    """Lines in a text file, exactly as `for line in file` will count them
    (universal newlines), read as a stream (the file is never held whole):
    the total behind the ETA, and how `align` checks two files pair up
    before it loads a model. Undecodable bytes are left for the real read
    to report."""
    with path.open(encoding="utf8", errors="replace") as stream:
        return sum(1 for _ in stream)


def input_total(texts: Optional[List[str]], input_file: Optional[Path]) -> Union[int, Callable[[], int], None]:
    """The `total` of a command reading `stream_texts(texts, input_file)`:
    the texts given, the lines of the file (counted only if the bar is
    shown), or unknown for stdin."""
    if texts:
        return len(texts)
    if input_file is not None:
        return lambda: count_lines(input_file)
    return None


class Progress:
    """A bar over records as they are done, or nothing when not wanted.

        with Progress(quiet, total=n, what="translations") as progress:
            for doc in progress.track(nlp.pipe(texts)):
                progress.echo(...)

    quiet (bool): --quiet: no bar whatever the terminal.
    total (Union[int, Callable[[], int], None]): How many records, for the
        ETA: a number, a function called only when the bar is shown (counting
        a file's lines costs a pass over it), or None (rate only, e.g. stdin).
    what (str): What a record is, in the rate ("texts/s").
    """

    def __init__(
        self, quiet: bool, total: Union[int, Callable[[], int], None] = None, what: str = "records"
    ) -> None:
        self.shown = progress_wanted(quiet)
        self._bar = None
        if self.shown:
            from tqdm import tqdm

            if callable(total):
                total = total()

            # unit names the rate ("12.3 translations/s"); mininterval keeps
            # a fast run from spending its time redrawing the bar.
            self._bar = tqdm(
                total=total, unit=f" {what}", file=sys.stderr, dynamic_ncols=True,
                mininterval=0.2, smoothing=0.1, leave=True,
            )
        # Lines printed to the terminal the bar is on must clear it first,
        # or they land in the middle of it; to a file or pipe, print plainly.
        self._share_terminal = self.shown and sys.stdout.isatty()

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield `items`, counting each one done."""
        for item in items:
            yield item
            self.advance(1)

    def track_total(self, items: Iterable[T], total: int) -> Iterator[T]:
        """`track`, with the number of records learnt only now (e.g. once a
        corpus is read and before it is decoded)."""
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()
        return self.track(items)

    def advance(self, n: int) -> None:
        """Count `n` more records done."""
        if self._bar is not None:
            self._bar.update(n)

    def echo(self, text: str) -> None:
        """Print a line of output to stdout without breaking the bar."""
        if self._share_terminal:
            from tqdm import tqdm

            tqdm.write(text, file=sys.stdout)
        else:
            typer.echo(text)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
