"""`evaluate`: a saved pipeline's metrics on held-out pairs, printed and
optionally written as JSON (the work is `evaluation.evaluate_corpus`)."""

import json
from pathlib import Path
from typing import Any, Dict, Optional

import typer

from .loading import load_pipeline
from .options import BATCH_SIZE, COMPONENT, QUIET, decoding_flags
from .progress import Progress

# How sacreBLEU's metrics are named in the printed lines.
LABELS = {"bleu": "BLEU", "chrf": "chrF"}


@decoding_flags
def evaluate(
    model: Path = typer.Argument(..., help="A saved pipeline."),
    data: Path = typer.Argument(..., help="Held-out parallel corpus (.tsv, .jsonl, .json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the scores as JSON here."),
    tgt: Optional[Path] = typer.Option(None, "--tgt", help="Line-aligned references when DATA holds sources only."),
    src_key: str = typer.Option("src", "--src-key", help="JSON/JSONL key of the source (e.g. dialogue)."),
    tgt_key: str = typer.Option("tgt", "--tgt-key", help="JSON/JSONL key of the reference (e.g. summary)."),
    on_malformed: str = typer.Option("error", "--on-malformed", help="error | skip (skipped pairs are counted in the report)."),
    component: str = COMPONENT,
    decoding: Dict[str, Any] = {},  # noqa: B006 (replaced by the decoding flags: options.py)
    batch_size: int = BATCH_SIZE,
    hypotheses_file: Optional[Path] = typer.Option(None, "--hypotheses", help="Also write the outputs here, one per line."),
    quiet: bool = QUIET,
) -> None:
    """The component's metrics on held-out pairs: sacreBLEU BLEU and chrF
    (cased, detokenised) and/or ROUGE F1, as its `metrics` setting says."""
    from ..evaluation import evaluate_corpus
    from ..pipeline.rouge import ROUGE_TYPES

    nlp, pipe_name = load_pipeline(model, component, **decoding)
    with Progress(quiet, what="segments") as progress:
        result = evaluate_corpus(
            nlp, data, component=pipe_name, tgt_path=tgt, src_key=src_key, tgt_key=tgt_key,
            on_malformed=on_malformed, batch_size=batch_size, track=progress.track_total,
        )
    if hypotheses_file is not None:
        hypotheses_file.write_text("".join(h.replace("\n", " ") + "\n" for h in result.hypotheses), encoding="utf8")
    skipped = result.n_skipped
    typer.echo(f"{data}: {result.n_segments} segments" + (f" ({skipped} skipped: see the report)" if skipped else ""))
    for metric, signature in result.signatures.items():
        typer.echo(f"{LABELS[metric]} {result.scores[metric]:.2f}  ({signature})")
    if "rouge" in result.metrics:
        typer.echo("ROUGE F1 (stemmed): " + "  ".join(f"{name} {result.scores[name]:.2f}" for name in ROUGE_TYPES))
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result.report(), indent=2) + "\n", encoding="utf8")
