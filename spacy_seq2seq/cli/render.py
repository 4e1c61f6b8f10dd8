"""`render`: decode texts and write the interactive attention page (the
work is `displacy.render`)."""

import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer

from .inputs import stream_texts
from .loading import load_pipeline
from .options import BATCH_SIZE, COMPONENT, MARKUP_FORMAT, QUIET, decoding_flags
from .progress import Progress, input_total


@decoding_flags
def render(
    model: Path = typer.Argument(..., help="A saved pipeline (nlp.to_disk / spacy train output)."),
    texts: Optional[List[str]] = typer.Argument(None, help="Texts; read from --input or stdin if none."),
    input_file: Optional[Path] = typer.Option(None, "--input", "-i", help="File with one text per line."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the page here instead of stdout."),
    component: str = COMPONENT,
    decoding: Dict[str, Any] = {},  # noqa: B006 (replaced by the decoding flags: options.py)
    batch_size: int = BATCH_SIZE,
    quiet: bool = QUIET,
    markup_format: str = MARKUP_FORMAT,
) -> None:
    """Translate texts and write an interactive attention page (one HTML file,
    nothing loaded from the network): hover a word to see what it attended to.
    With --format html|xml|markdown, each FILE is a document: the page shows
    it translated, with its markup, above the attention of each of its segments."""
    from ..displacy.markup import render_page
    from ..displacy.view import view_from_doc

    nlp, pipe_name = load_pipeline(model, component, **decoding)
    pipe = nlp.get_pipe(pipe_name)
    if not pipe.cfg["store_attention"]:
        typer.echo("Note: this model stores no attention (store_attention = false); the page shows its alignment links only.", err=True)
    documents = []
    if markup_format != "text":
        from .markup_documents import translate_markup_files

        translated = translate_markup_files(nlp, pipe_name, markup_format, texts, input_file, batch_size, write=False)
        documents = [(name, result.markup) for name, result in translated]
        views = [view_from_doc(doc, pipe.field) for _, result in translated for doc in result.docs]
    else:
        # Each Doc becomes its view as it is decoded: the page needs the
        # views of all texts, not the Docs.
        with Progress(quiet, total=input_total(texts, input_file), what="texts") as progress:
            docs = progress.track(nlp.pipe(stream_texts(texts, input_file), batch_size=batch_size))
            views = [view_from_doc(doc, pipe.field) for doc in docs]
    html = render_page(views, documents=documents)
    if output is None:
        sys.stdout.write(html)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf8")
    typer.echo(f"Wrote {len(views)} {'doc' if len(views) == 1 else 'docs'} to {output}", err=True)
