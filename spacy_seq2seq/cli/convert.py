"""`convert`: a parallel corpus to a .spacy file (a DocBin with the targets
in user data), for `spacy train` configs that read DocBins."""

from pathlib import Path
from typing import Optional

import typer


def convert(
    source: Path = typer.Argument(..., help="Parallel corpus: .tsv, .jsonl, .json, or source lines with --tgt."),
    output: Path = typer.Argument(..., help="The .spacy file to write."),
    lang: str = typer.Option(..., "--lang", help="Source language code for the tokenizer, e.g. fr."),
    tgt: Optional[Path] = typer.Option(None, "--tgt", help="Line-aligned target file (format 'lines')."),
    field: str = typer.Option("translation", help="Doc extension that holds the target."),
    max_length: Optional[int] = typer.Option(None, help="Skip pairs with more words than this."),
) -> None:
    """Convert a parallel corpus to a .spacy file (DocBin with targets in user data)."""
    import spacy

    from ..training import ParallelCorpus, convert_to_docbin

    reader = ParallelCorpus(source, tgt_path=tgt, field=field, max_length=max_length)
    stats = convert_to_docbin(reader, spacy.blank(lang), output)
    typer.echo(f"Wrote {stats.yielded} docs to {output} (skipped {stats.skipped}).")
