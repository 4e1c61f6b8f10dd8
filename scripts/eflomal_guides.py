"""Teacher alignments for guided-alignment training, from eflomal.

Neural attention learns word alignment poorly on its own (see the RWTH
benchmark in docs/benchmarks.md); Marian's answer for RNN models is to
guide the attention with a statistical aligner's links during training.
This script makes those links: it runs eflomal in both directions on the
training text, symmetrizes them (grow-diag-final-and by default) and writes
one line of 0-based pharaoh links (`i-j`, i = source word) per training
line, the `alignment_path` the `ParallelCorpus` reader reads, and with
`--flipped-out` the same links as target-source for the reverse aligner.

No gold links are involved: eflomal is unsupervised. Repeated pairs (the
alignment benchmark repeats its gold text) are aligned once, since repeats
make eflomal worse (docs/benchmarks.md: 40.1 AER against 35.3), and each
copy gets the same links.

    python scripts/eflomal_guides.py corpus/align_deen/train.de corpus/align_deen/train.en \\
        corpus/align_deen/train.de-en.align --flipped-out corpus/align_deen/train.en-de.align

eflomal comes from its Python package (`pip install "spacy-seq2seq[align]"`).
Training on untokenised text needs no such file: the corpus reader's
`alignment_teacher = "eflomal"` makes and caches the links itself
(spacy_seq2seq/training/teacher.py).
"""

from pathlib import Path
from typing import List

import typer

from spacy_seq2seq.alignment import (
    SYMMETRIZATIONS,
    flip,
    format_pharaoh,
    symmetrize,
)
from spacy_seq2seq.alignment.eflomal import (
    import_eflomal,
    run_eflomal_on_distinct_pairs,
)


def read_lines(path: Path) -> List[str]:
    if not path.is_file():
        raise typer.BadParameter(f"{path} does not exist.")
    return path.read_text(encoding="utf8").splitlines()


def main(
    src_path: Path = typer.Argument(..., help="Source side, whitespace-tokenised, one sentence per line."),
    tgt_path: Path = typer.Argument(..., help="Target side, line-aligned with the source."),
    out_path: Path = typer.Argument(..., help="Where to write the links (one line per input line)."),
    how: str = typer.Option("grow-diag-final-and", help=f"Symmetrization: {', '.join(SYMMETRIZATIONS)}."),
    flipped_out: Path = typer.Option(
        None, "--flipped-out", help="Also write the links flipped (j-i), for the aligner of the other direction."
    ),
) -> None:
    # Checked before eflomal runs for minutes (symmetrize() would only say so after).
    if how not in SYMMETRIZATIONS:
        raise typer.BadParameter(f"--how must be one of {', '.join(SYMMETRIZATIONS)}, not {how!r}.")
    import_eflomal()  # the coded error naming the extra, before reading anything
    src, tgt = read_lines(src_path), read_lines(tgt_path)
    if len(src) != len(tgt):
        raise typer.BadParameter(f"{src_path} has {len(src)} lines but {tgt_path} has {len(tgt)}.")
    empty = [n + 1 for n, (s, t) in enumerate(zip(src, tgt)) if not s.split() or not t.split()]
    if empty:
        raise typer.BadParameter(
            f"{len(empty)} pairs have an empty side (first at line {empty[0]}); "
            "eflomal cannot align them. Drop them from both files first."
        )
    forward, reverse, line_to_pair = run_eflomal_on_distinct_pairs(src, tgt)
    typer.echo(f"{len(src)} lines, {len(forward)} distinct pairs aligned")
    symmetric = [symmetrize(f, r, how) for f, r in zip(forward, reverse)]
    links = [format_pharaoh(pair_links) for pair_links in symmetric]
    out_path.write_text("".join(links[p] + "\n" for p in line_to_pair), encoding="utf8")
    if flipped_out is not None:
        flipped = [format_pharaoh(flip(pair_links)) for pair_links in symmetric]
        flipped_out.write_text("".join(flipped[p] + "\n" for p in line_to_pair), encoding="utf8")
        typer.echo(f"wrote {flipped_out}: the same links as target-source")
    unaligned = sum(1 for p in line_to_pair if not links[p])
    typer.echo(f"wrote {out_path}: {len(line_to_pair)} lines ({how}); {unaligned} without any link")


if __name__ == "__main__":
    typer.run(main)
