"""`translate-corpus`: decode (or force-align) a whole corpus on Ray, into a
folder of shards and a `_SUMMARY.json` (the work is
`distributed.translate_corpus`; see docs/distributed.md)."""

from pathlib import Path
from typing import Optional

import typer

from .options import (
    BEAM_SIZE,
    COMPONENT,
    GLOSSARY,
    LENGTH_ALPHA,
    MIN_OUTPUT_LENGTH,
    MIN_OUTPUT_RATIO,
    QUANTIZE,
)


def translate_corpus(
    model: Path = typer.Argument(..., help="A saved pipeline, readable at this path on every Ray node."),
    input: str = typer.Argument(..., help="A file, a folder or a quoted glob of files in one format."),
    output_dir: Path = typer.Argument(..., help="Folder for the shards and _SUMMARY.json; re-running resumes the job there."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Decoding actors (default: the cluster's CPUs / threads per worker, or GPUs / GPUs per worker)."),
    address: Optional[str] = typer.Option(None, "--address", help="A running Ray cluster ('auto': the one this node joined); without it a local Ray is started and shut down."),
    threads_per_worker: Optional[int] = typer.Option(None, "--threads-per-worker", help="CPU threads per actor (default: the cores shared among --workers, else 1)."),
    gpus_per_worker: float = typer.Option(0, "--gpus-per-worker", help="GPUs per actor; > 0 decodes on CUDA (needs CuPy, see docs/distributed.md)."),
    input_format: str = typer.Option("auto", "--format", help="auto | lines | tsv | jsonl | parquet (auto: from the extension)."),
    column: Optional[str] = typer.Option(None, "--column", help="TSV: 0-based column number (default 0); JSONL / Parquet: the text's key (default 'text')."),
    align: Optional[str] = typer.Option(None, "--align", help="Targets (same record numbers as INPUT, format from their extension) to force-align instead of decoding; both sides pre-tokenised, as in `align`."),
    attention: bool = typer.Option(False, "--attention", help="Add <field>_attention (word-level attention rows) to each record."),
    output_format: str = typer.Option("jsonl", "--output-format", help="jsonl | parquet."),
    shard_size: int = typer.Option(10_000, "--shard-size", help="Records per output shard (the unit of retries and resumes)."),
    batch_size: int = typer.Option(256, "--batch-size", help="Texts per nlp.pipe batch in a worker."),
    max_retries: int = typer.Option(3, "--max-retries", help="Restarts of a crashed worker, and retries of its shard."),
    component: str = COMPONENT,
    beam_size: Optional[int] = BEAM_SIZE,
    length_alpha: Optional[float] = LENGTH_ALPHA,
    min_output_length: Optional[int] = MIN_OUTPUT_LENGTH,
    min_output_ratio: Optional[float] = MIN_OUTPUT_RATIO,
    quantize: Optional[str] = QUANTIZE,
    glossary: Optional[Path] = GLOSSARY,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
) -> None:
    """Decode every record of INPUT on Ray, exactly once, into OUTPUT_DIR.

    Writes one shard per partition of the input (part-NNNNNN.jsonl or
    .parquet: one record per decoded input record, keyed id, source,
    <field>, <field>_tokens, <field>_alignment, <field>_score) and
    _SUMMARY.json (records read, written and skipped by reason). All
    arguments are checked before any worker starts.
    """
    from ..distributed import translate_corpus as run_job

    decoding = {
        "beam_size": beam_size, "length_alpha": length_alpha, "min_output_length": min_output_length,
        "min_output_ratio": min_output_ratio, "quantize": quantize,
    }
    try:
        summary = run_job(
            model, input, output_dir, workers=workers, address=address,
            threads_per_worker=threads_per_worker, gpus_per_worker=gpus_per_worker,
            input_format=input_format, column=column, align=align, attention=attention,
            output_format=output_format, shard_size=shard_size, batch_size=batch_size,
            component=component, max_retries=max_retries, progress=not quiet,
            decoding={key: value for key, value in decoding.items() if value is not None},
            glossary=glossary,
        )
    except (ValueError, ImportError) as error:
        # The coded argument errors, raised before any worker started.
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    skipped = ", ".join(f"{n} {reason}" for reason, n in summary["skipped"].items() if n) or "none"
    shards = summary["shards"]
    typer.echo(
        f"{summary['written']} of {summary['read']} records written to {output_dir} "
        f"({shards['computed']} shards computed, {shards['reused']} reused); skipped: {skipped}. "
        f"Summary: {Path(output_dir) / '_SUMMARY.json'}"
    )
