"""`align`: word-align given sentence pairs with one model or two (forced
alignment, no decoding), in pharaoh format (the work is
`pipeline.bidirectional.align_word_pairs`)."""

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, TextIO

import typer

from ..errors import Errors
from .inputs import chunks, stream_word_lists
from .loading import load_pipeline
from .options import COMPONENT, QUIET
from .progress import Progress, count_lines


def align(
    model: Path = typer.Argument(..., help="A saved pipeline, trained source -> target."),
    src_file: Path = typer.Argument(..., help="Pre-tokenised source sentences, one per line."),
    tgt_file: Path = typer.Argument(..., help="Pre-tokenised target sentences, line-aligned with SRC_FILE."),
    method: Optional[str] = typer.Option(None, "--method", "-m", help="argmax | shift | threshold | shift_threshold | head | head_threshold (head: models with an alignment head; default: the model's)."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Least attention for a link (threshold methods)."),
    reverse_model: Optional[Path] = typer.Option(None, "--reverse-model", help="A target -> source pipeline, for bidirectional agreement."),
    symmetrize_how: str = typer.Option("grow-diag-final-and", "--symmetrize", help="intersection | union | grow-diag-final-and | agreement (with --reverse-model; agreement multiplies the two directions' weights)."),
    min_product: float = typer.Option(0.1, "--min-product", help="agreement: the least product of the two directions' weights for a link."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    component: str = COMPONENT,
    batch_size: int = typer.Option(256, "--batch-size", help="Pairs per forced pass."),
    quiet: bool = QUIET,
) -> None:
    """Word-align given sentence pairs (forced alignment, no decoding).

    Prints one line per pair in 0-based pharaoh format (`i-j`: source word
    i, target word j; words are the whitespace tokens of each line).
    The files are read, aligned and written a batch at a time.
    """
    from ..alignment import format_pharaoh
    from ..pipeline.bidirectional import SYMMETRIZE_OPTIONS, align_word_pairs

    # Both checks come before loading a model, so a typo fails at once.
    n_sources, n_targets = count_lines(src_file), count_lines(tgt_file)
    if n_sources != n_targets:
        raise typer.BadParameter(Errors.E114.format(
            src_file=src_file, n_sources=n_sources, tgt_file=tgt_file, n_targets=n_targets,
        ))
    if symmetrize_how not in SYMMETRIZE_OPTIONS:
        raise typer.BadParameter(Errors.E003.format(
            setting="--symmetrize", value=symmetrize_how, options=", ".join(SYMMETRIZE_OPTIONS),
        ))
    nlp, name = load_pipeline(model, component)
    reverse_pipe = None
    if reverse_model is not None:
        reverse_nlp, reverse_name = load_pipeline(reverse_model, "")
        reverse_pipe = reverse_nlp.get_pipe(reverse_name)
    options = dict(
        reverse_pipe=reverse_pipe, symmetrize=symmetrize_how, min_product=min_product,
        method=method, threshold=threshold, batch_size=batch_size,
    )
    pairs = zip(stream_word_lists(src_file), stream_word_lists(tgt_file))
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
    # One batch of pairs at a time: each pair's links depend on that pair
    # alone, and align_word_pairs makes batches of the same size, so the
    # output is what aligning all pairs at once gives.
    with open_output(output) as out, Progress(quiet, total=n_sources, what="pairs") as progress:
        for batch in chunks(pairs, batch_size):
            sources, targets = [source for source, _ in batch], [target for _, target in batch]
            links = align_word_pairs(nlp.get_pipe(name), sources, targets, **options)
            out.write("".join(format_pharaoh(pair_links) + "\n" for pair_links in links))
            progress.advance(len(batch))


@contextmanager
def open_output(path: Optional[Path]) -> Iterator[TextIO]:
    """The file at `path` to write, or stdout (left open) when None."""
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf8") as stream:
        yield stream
