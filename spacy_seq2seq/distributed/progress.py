"""One line of progress for a running job: records done, records/s, ETA."""

import sys
import time
from typing import Optional, TextIO


class Progress:
    """Counts finished records and prints, at most every `every` seconds,
    e.g. `12000/20000 records (60.0%)  153.2 records/s  ETA 0:00:52`.

    total (int): Records this run computes (reused shards not included).
    stream (Optional[TextIO]): Where to print; None prints nothing.
    """

    def __init__(self, total: int, stream: Optional[TextIO] = sys.stderr, every: float = 2.0) -> None:
        self.total, self.stream, self.every = total, stream, every
        self.done = 0
        self.started = time.perf_counter()
        self._printed = 0.0

    @property
    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        rate = self.rate
        share = 100.0 * self.done / self.total if self.total else 100.0
        eta = (self.total - self.done) / rate if rate > 0 else None
        return (
            f"{self.done}/{self.total} records ({share:.1f}%)  {rate:.1f} records/s  "
            f"ETA {_clock(eta) if eta is not None else '?'}"
        )

    def add(self, records: int) -> None:
        self.done += records
        now = time.perf_counter()
        if self.stream is not None and (now - self._printed >= self.every or self.done >= self.total):
            self._printed = now
            print(self.line(), file=self.stream, flush=True)


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
