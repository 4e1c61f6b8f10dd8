"""What one pass of a parallel corpus did: how many examples it yielded,
which records it skipped and why, and the one-line report logged at the end
of the pass (bad input is counted and reported, never dropped silently)."""

import logging
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, Dict, List, Literal, Optional

logger = logging.getLogger("spacy_seq2seq")

# Only the first few line numbers per reason are kept: enough to find the
# problem in an editor, and bounded when a whole file is in the wrong format.
MAX_RECORDED_LINES = 10

SkipReason = Literal["malformed", "empty"]


@dataclass
class CorpusStats:
    """What one pass of a ParallelCorpus over its file(s) did.

    path (str): The source file.
    format (str): The format that was read (after "auto" was resolved).
    yielded (int): Examples yielded.
    malformed (int): Records skipped because they could not be parsed.
    empty (int): Records skipped because the source or target is empty.
    too_long (int): Pairs skipped by the `max_length` filter.
    malformed_lines (List[int]): First 1-based line (or JSON item) numbers of
        malformed records.
    empty_lines (List[int]): First 1-based line (or JSON item) numbers of empty
        pairs.
    first_malformed_reason (Optional[str]): What was wrong with the first
        malformed record.
    complete (bool): Whether the pass ran to the end of the file or to `limit`
        (False while a pass is in progress or after it was abandoned).
    stopped_at_limit (bool): Whether the pass stopped early because of `limit`.
    """

    path: str
    format: str
    yielded: int = 0
    malformed: int = 0
    empty: int = 0
    too_long: int = 0
    malformed_lines: List[int] = dataclass_field(default_factory=list)
    empty_lines: List[int] = dataclass_field(default_factory=list)
    first_malformed_reason: Optional[str] = None
    complete: bool = False
    stopped_at_limit: bool = False

    @property
    def skipped(self) -> int:
        """RETURNS (int): All records that were read but not yielded."""
        return self.malformed + self.empty + self.too_long

    @property
    def unit(self) -> str:
        """RETURNS (str): What a record number counts: "item" for a JSON
        list, "line" for every other format."""
        return "item" if self.format == "json" else "line"

    def count_skipped(
        self, reason: SkipReason, number: int, file_name: str, problem: str
    ) -> None:
        """Count a record that was skipped as malformed or empty.

        reason (str): "malformed" or "empty".
        number (int): The record's 1-based line (or JSON item) number.
        file_name (str): The file to blame, for the first malformed reason.
        problem (str): What is wrong with the record.
        """
        if reason == "malformed":
            self.malformed += 1
            lines = self.malformed_lines
            if self.first_malformed_reason is None:
                self.first_malformed_reason = (
                    f"'{file_name}' {self.unit} {number}: {problem}"
                )
        else:
            self.empty += 1
            lines = self.empty_lines
        if len(lines) < MAX_RECORDED_LINES:
            lines.append(number)

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The counts as a plain dict (JSON-safe)."""
        data = asdict(self)
        data["skipped"] = self.skipped
        return data

    def summary(self) -> str:
        """A one-line, human-readable summary of the pass, for the log.

        RETURNS (str): E.g. "ParallelCorpus train.tsv: yielded 998, skipped 2
            (1 malformed at line 17, 1 empty at line 40), 0 too long".
        """
        unit = self.unit
        parts = []
        for count, lines, what in (
            (self.malformed, self.malformed_lines, "malformed"),
            (self.empty, self.empty_lines, "empty"),
        ):
            if count:
                shown = ", ".join(str(i) for i in lines)
                more = ", ..." if count > len(lines) else ""
                plural = "s" if count > 1 else ""
                parts.append(f"{count} {what} at {unit}{plural} {shown}{more}")
        detail = f" ({'; '.join(parts)})" if parts else ""
        text = (
            f"ParallelCorpus {Path(self.path).name}: yielded {self.yielded}, "
            f"skipped {self.malformed + self.empty}{detail}, "
            f"{self.too_long} too long"
        )
        if self.first_malformed_reason:
            text += f". First malformed {unit}: {self.first_malformed_reason}"
        if self.stopped_at_limit:
            text += " (stopped early at `limit`)"
        return text

    def log_summary(self) -> None:
        """Log the summary: as a warning when records were skipped as bad
        input or nothing was yielded (both need a look), else as info."""
        if self.malformed or self.empty or not self.yielded:
            logger.warning(self.summary())
        else:
            logger.info(self.summary())
