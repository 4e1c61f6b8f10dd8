"""Running eflomal (an external statistical aligner, `pip install eflomal`)
on line-aligned, whitespace-tokenised files: for the alignment benchmark,
which runs it side by side, and for guided-alignment teachers
(scripts/eflomal_guides.py)."""

import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

from .aer import Link, read_pharaoh


def unique_pairs(src: Sequence[str], tgt: Sequence[str]) -> Tuple[List[Tuple[str, str]], List[int]]:
    """The distinct pairs in first-seen order, and each line's index into them.

    eflomal counts co-occurrences, so repeated lines skew its statistics
    (10 copies of the RWTH gold text: 40 AER against 35 with one); aligning
    each distinct pair once and mapping the links back avoids that.
    """
    index: Dict[Tuple[str, str], int] = {}
    line_to_pair = [index.setdefault(pair, len(index)) for pair in zip(src, tgt)]
    return list(index), line_to_pair


def run_eflomal(
    binary: Path, src_path: Path, tgt_path: Path, *, quiet: bool = False
) -> Tuple[List[Set[Link]], List[Set[Link]]]:
    """eflomal-align in both directions.

    binary (Path): The eflomal-align executable.
    src_path (Path): Source sentences, one per line.
    tgt_path (Path): Target sentences, line-aligned with the source.
    quiet (bool): Capture eflomal's progress output instead of showing it.
    RETURNS (Tuple[List[Set[Link]], List[Set[Link]]]): Per line, the forward
        and the reverse links, both as (source_i, target_j).
    """
    with tempfile.TemporaryDirectory() as tmp:
        forward_path, reverse_path = Path(tmp) / "fwd", Path(tmp) / "rev"
        subprocess.run(
            [str(binary), "-s", str(src_path), "-t", str(tgt_path),
             "-f", str(forward_path), "-r", str(reverse_path), "--overwrite"],
            check=True, capture_output=quiet,
        )
        return read_pharaoh(forward_path), read_pharaoh(reverse_path)


def run_eflomal_on_distinct_pairs(
    binary: Path, src: Sequence[str], tgt: Sequence[str], *, quiet: bool = False
) -> Tuple[List[Set[Link]], List[Set[Link]], List[int]]:
    """eflomal-align in both directions on each distinct pair once (see
    `unique_pairs`): the forward and reverse links per distinct pair, and
    each input line's index into them.

    src, tgt (Sequence[str]): Line-aligned, whitespace-tokenised sentences.
    RETURNS (Tuple[List[Set[Link]], List[Set[Link]], List[int]]): Forward
        links, reverse links (per distinct pair), line -> pair index.
    """
    pairs, line_to_pair = unique_pairs(src, tgt)
    with tempfile.TemporaryDirectory() as tmp:
        distinct_src, distinct_tgt = Path(tmp) / "src", Path(tmp) / "tgt"
        distinct_src.write_text("".join(s + "\n" for s, _ in pairs), encoding="utf8")
        distinct_tgt.write_text("".join(t + "\n" for _, t in pairs), encoding="utf8")
        forward, reverse = run_eflomal(binary, distinct_src, distinct_tgt, quiet=quiet)
    if len(forward) != len(pairs) or len(reverse) != len(pairs):
        raise RuntimeError(f"eflomal wrote {len(forward)}/{len(reverse)} lines for {len(pairs)} pairs.")
    return forward, reverse, line_to_pair
