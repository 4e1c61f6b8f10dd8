"""Alignment error rate against gold links (Och & Ney 2003).

Gold files use the `.talp` format: one line per sentence pair, links as
1-based `i-j` (sure) or `ipj` (possible), i on the source side. Predictions
use 0-based pharaoh `i-j`, what `python -m spacy_seq2seq align` prints.
Sure links count as possible too (S is a subset of P), and, summed over the
corpus:

    precision = |A & P| / |A|      recall = |A & S| / |S|
    AER       = 1 - (|A & S| + |A & P|) / (|A| + |S|)
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Set, Tuple

from ..errors import Errors

Link = Tuple[int, int]
_GOLD_LINK = re.compile(r"^(\d+)([-p])(\d+)$")
_PREDICTED_LINK = re.compile(r"^(\d+)-(\d+)$")


class AlignmentFileError(ValueError):
    """A malformed alignment file; the message names the file, line and token."""


@dataclass(frozen=True)
class GoldAlignment:
    """One sentence pair's gold links, 0-based. `possible` includes `sure`."""

    sure: Set[Link]
    possible: Set[Link]


@dataclass(frozen=True)
class AlignmentScores:
    aer: float
    precision: float
    recall: float
    n_sentences: int
    n_predicted: int
    n_sure: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def parse_gold_line(line: str, *, where: str = "") -> GoldAlignment:
    """One `.talp` line (1-based `i-j` sure, `ipj` possible) -> 0-based links."""
    sure: Set[Link] = set()
    possible: Set[Link] = set()
    for token in line.split():
        match = _GOLD_LINK.match(token)
        if match is None or int(match.group(1)) < 1 or int(match.group(3)) < 1:
            raise AlignmentFileError(Errors.E112.format(
                where=_at(where), token=token,
                what="a gold link: expected 1-based 'i-j' (sure) or 'ipj' (possible), e.g. '3-4' or '3p4'",
            ))
        link = (int(match.group(1)) - 1, int(match.group(3)) - 1)
        possible.add(link)
        if match.group(2) == "-":
            sure.add(link)
    return GoldAlignment(sure=sure, possible=possible)


def parse_pharaoh_line(line: str, *, where: str = "") -> Set[Link]:
    """One 0-based pharaoh line (`0-0 1-2 ...`) -> links."""
    links: Set[Link] = set()
    for token in line.split():
        match = _PREDICTED_LINK.match(token)
        if match is None:
            raise AlignmentFileError(Errors.E112.format(
                where=_at(where), token=token, what="a 0-based pharaoh link 'i-j' (e.g. '0-2')",
            ))
        links.add((int(match.group(1)), int(match.group(2))))
    return links


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def read_gold(path: Path) -> List[GoldAlignment]:
    lines = Path(path).read_text(encoding="utf8").splitlines()
    return [parse_gold_line(line, where=f"{path}, line {n}") for n, line in enumerate(lines, 1)]


def read_pharaoh(path: Path) -> List[Set[Link]]:
    lines = Path(path).read_text(encoding="utf8").splitlines()
    return [parse_pharaoh_line(line, where=f"{path}, line {n}") for n, line in enumerate(lines, 1)]


def format_pharaoh(links: List[Link]) -> str:
    """Links -> one 0-based pharaoh line."""
    return " ".join(f"{i}-{j}" for i, j in sorted(links))


def score_alignments(predicted: List[Set[Link]], gold: List[GoldAlignment]) -> AlignmentScores:
    """Corpus AER, precision and recall.

    predicted (List[Set[Tuple[int, int]]]): 0-based links per sentence pair.
    gold (List[GoldAlignment]): Gold links per sentence pair, same order.
    RETURNS (AlignmentScores): Scores in [0, 1].
    """
    if len(predicted) != len(gold):
        raise AlignmentFileError(Errors.E113.format(n_predicted=len(predicted), n_gold=len(gold)))
    n_predicted = n_sure = hit_sure = hit_possible = 0
    for links, reference in zip(predicted, gold):
        links = set(links)
        n_predicted += len(links)
        n_sure += len(reference.sure)
        hit_sure += len(links & reference.sure)
        hit_possible += len(links & reference.possible)
    precision = hit_possible / n_predicted if n_predicted else 0.0
    recall = hit_sure / n_sure if n_sure else 0.0
    denominator = n_predicted + n_sure
    aer = 1.0 - (hit_sure + hit_possible) / denominator if denominator else 0.0
    return AlignmentScores(
        aer=aer, precision=precision, recall=recall, n_sentences=len(gold),
        n_predicted=n_predicted, n_sure=n_sure,
    )
