"""eflomal, a statistical word aligner, through its Python package
(`pip install "spacy-seq2seq[align]"`): the teacher of guided alignment
training (training/teacher.py) and the baseline of the alignment benchmark.

eflomal learns from the sentences it is given (unsupervised; no seed, so
two runs differ slightly) and writes links in both directions, both as
(source_i, target_j).
"""

import tempfile
from pathlib import Path
from typing import Any, Dict, List, Sequence, Set, Tuple

from ..errors import Errors
from .aer import Link, read_pharaoh

# eflomal writes a sentence of this many words or more as empty (its file
# format stores lengths below 0x400), so such pairs get no links from it.
MAX_EFLOMAL_WORDS = 1023


def import_eflomal() -> Any:
    """The eflomal module, or a coded error that names the extra to install."""
    try:
        import eflomal
    except ImportError as error:
        raise ImportError(Errors.E150.format(problem=error)) from error
    return eflomal


def unique_pairs(src: Sequence[str], tgt: Sequence[str]) -> Tuple[List[Tuple[str, str]], List[int]]:
    """The distinct pairs in first-seen order, and each line's index into them.

    eflomal counts co-occurrences, so repeated lines skew its statistics
    (10 copies of the RWTH gold text: 40 AER against 35 with one); aligning
    each distinct pair once and mapping the links back avoids that.
    """
    index: Dict[Tuple[str, str], int] = {}
    line_to_pair = [index.setdefault(pair, len(index)) for pair in zip(src, tgt)]
    return list(index), line_to_pair


def run_eflomal(src: Sequence[str], tgt: Sequence[str]) -> Tuple[List[Set[Link]], List[Set[Link]]]:
    """eflomal in both directions over line-aligned, whitespace-tokenised
    sentences (every pair is used, repeats included; see `unique_pairs`).

    src, tgt (Sequence[str]): Source and target sentences, one per pair.
    RETURNS (Tuple[List[Set[Link]], List[Set[Link]]]): Per pair, the forward
        and the reverse links, both as (source_i, target_j). A pair with an
        empty side, or a side longer than MAX_EFLOMAL_WORDS words, has none.
    """
    if len(src) != len(tgt):
        raise ValueError(Errors.E151.format(n_src=len(src), n_tgt=len(tgt)))
    if not src:
        return [], []
    eflomal = import_eflomal()
    with tempfile.TemporaryDirectory() as tmp:
        forward_path, reverse_path = Path(tmp) / "fwd", Path(tmp) / "rev"
        eflomal.Aligner().align(
            list(src), list(tgt),
            links_filename_fwd=str(forward_path), links_filename_rev=str(reverse_path),
        )
        forward, reverse = read_pharaoh(forward_path), read_pharaoh(reverse_path)
    if len(forward) != len(src) or len(reverse) != len(src):
        raise RuntimeError(Errors.E152.format(n_forward=len(forward), n_reverse=len(reverse), n_pairs=len(src)))
    return forward, reverse


def run_eflomal_on_distinct_pairs(
    src: Sequence[str], tgt: Sequence[str]
) -> Tuple[List[Set[Link]], List[Set[Link]], List[int]]:
    """eflomal in both directions on each distinct pair once (see
    `unique_pairs`): the forward and reverse links per distinct pair, and
    each input line's index into them.

    src, tgt (Sequence[str]): Line-aligned, whitespace-tokenised sentences.
    RETURNS (Tuple[List[Set[Link]], List[Set[Link]], List[int]]): Forward
        links, reverse links (per distinct pair), line -> pair index.
    """
    if len(src) != len(tgt):
        raise ValueError(Errors.E151.format(n_src=len(src), n_tgt=len(tgt)))
    pairs, line_to_pair = unique_pairs(src, tgt)
    forward, reverse = run_eflomal([s for s, _ in pairs], [t for _, t in pairs])
    return forward, reverse, line_to_pair
