"""`translate`: decode texts with a saved pipeline and show each output
with its word alignment (or one JSON record per text)."""

import json
from pathlib import Path
from typing import List, Optional

import typer

from ..names import FieldNames
from .inputs import chunks, stream_texts
from .loading import load_pipeline
from .options import (
    BATCH_SIZE,
    BEAM_SIZE,
    COMPONENT,
    LENGTH_ALPHA,
    MIN_OUTPUT_LENGTH,
    MIN_OUTPUT_RATIO,
    QUANTIZE,
    QUIET,
)
from .progress import Progress, input_total


def translate(
    model: Path = typer.Argument(..., help="A saved pipeline (nlp.to_disk / spacy train output)."),
    texts: Optional[List[str]] = typer.Argument(None, help="Texts; read from --input or stdin if none."),
    input_file: Optional[Path] = typer.Option(None, "--input", "-i", help="File with one text per line."),
    component: str = COMPONENT,
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    beam_size: Optional[int] = BEAM_SIZE,
    n_best: Optional[int] = typer.Option(None, "--n-best", help="Outputs per text (<= beam size)."),
    length_alpha: Optional[float] = LENGTH_ALPHA,
    min_output_length: Optional[int] = MIN_OUTPUT_LENGTH,
    min_output_ratio: Optional[float] = MIN_OUTPUT_RATIO,
    quantize: Optional[str] = QUANTIZE,
    batch_size: int = BATCH_SIZE,
    reverse_model: Optional[Path] = typer.Option(None, "--reverse-model", help="A target -> source pipeline: link each output with both directions combined."),
    symmetrize_how: str = typer.Option("grow-diag-final-and", "--symmetrize", help="With --reverse-model: intersection | union | grow-diag-final-and | agreement."),
    quiet: bool = QUIET,
) -> None:
    """Translate texts and show each output with its word alignment.

    Texts are read and decoded as a stream; over a file, a progress bar
    (outputs/s, ETA) shows on a terminal."""
    nlp, pipe_name = load_pipeline(
        model, component, beam_size=beam_size, n_best=n_best,
        length_alpha=length_alpha, min_output_length=min_output_length,
        min_output_ratio=min_output_ratio, quantize=quantize,
    )
    names = FieldNames(nlp.get_pipe(pipe_name).field)
    total = input_total(texts, input_file)
    if reverse_model is not None:
        from ..pipeline.bidirectional import SYMMETRIZE_OPTIONS, translate_symmetric

        if symmetrize_how not in SYMMETRIZE_OPTIONS:
            raise typer.BadParameter(f"--symmetrize must be one of {', '.join(SYMMETRIZE_OPTIONS)}; got {symmetrize_how!r}.")
        reverse_nlp, reverse_name = load_pipeline(reverse_model, "")
        reverse_pipe = reverse_nlp.get_pipe(reverse_name)
        with Progress(quiet, total=total, what="texts") as progress:
            for batch in chunks(stream_texts(texts, input_file), batch_size):
                docs = translate_symmetric(
                    nlp, reverse_pipe, batch, component=pipe_name, symmetrize=symmetrize_how, batch_size=batch_size,
                )
                for doc in docs:
                    _show(progress, doc, names, as_json)
                progress.advance(len(batch))
        return
    with Progress(quiet, total=total, what="texts") as progress:
        for doc in progress.track(nlp.pipe(stream_texts(texts, input_file), batch_size=batch_size)):
            _show(progress, doc, names, as_json)


def _show(progress: Progress, doc, names: FieldNames, as_json: bool) -> None:
    """Print one decoded text: a JSON record, or the output, its alignment and n-best list."""
    output = doc._.get(names.text)
    tokens = doc._.get(names.tokens)
    alignment = doc._.get(names.alignment)
    nbest = doc._.get(names.nbest)
    if as_json:
        # The record keys predate FieldNames (`tokens`, not
        # `translation_tokens`); they stay as they are for existing users.
        progress.echo(json.dumps({
            "source": doc.text, names.text: output, "tokens": tokens,
            "alignment": alignment, "nbest": nbest,
        }, ensure_ascii=False))
        return
    progress.echo(f"{doc.text}\n-> {output}")
    links = ", ".join(f"{doc[i].text}->{tokens[j]}" for i, j in alignment)
    progress.echo(f"   alignment: {links}")
    for rank, (text, score) in enumerate(nbest[1:], start=2):
        progress.echo(f"   {rank}. {text}  ({score:.3f})")
