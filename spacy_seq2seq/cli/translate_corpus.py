"""`translate-corpus`: decode (or force-align) a whole corpus on Ray, into a
folder of shards and a `_SUMMARY.json` (the work is
`distributed.translate_corpus`; see docs/distributed.md)."""

from pathlib import Path
from typing import Any, Dict

import typer

from ..distributed.job_settings import JobSettings
from .options import decoding_flags, settings_flags


@decoding_flags
@settings_flags(
    "job", JobSettings, exclude=["progress"],
    names={"workers": ["--workers", "-w"], "input_format": ["--format"]},
)
def translate_corpus(
    model: Path = typer.Argument(..., help="A saved pipeline, readable at this path on every Ray node."),
    input: str = typer.Argument(..., help="A file, a folder or a quoted glob of files in one format."),
    output_dir: Path = typer.Argument(..., help="Folder for the shards and _SUMMARY.json; re-running resumes the job there."),
    job: Dict[str, Any] = {},  # noqa: B006 (replaced by one flag per JobSettings setting: options.py)
    decoding: Dict[str, Any] = {},  # noqa: B006 (replaced by the decoding flags: options.py)
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

    try:
        summary = run_job(model, input, output_dir, decoding=decoding, progress=not quiet, **job)
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
