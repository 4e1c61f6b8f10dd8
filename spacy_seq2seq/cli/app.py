"""The typer app: every command, in the order `--help` lists them. Each
command lives in its own module; this one only assembles them."""

import typer

from .align import align
from .convert import convert
from .evaluate import evaluate
from .evaluate_alignment import evaluate_alignment
from .render import render
from .serve import serve
from .translate import translate
from .translate_corpus import translate_corpus

app = typer.Typer(add_completion=False, help="spacy-seq2seq command line tools.")


@app.callback()
def main() -> None:
    """spacy-seq2seq command line tools."""


app.command()(translate)
app.command()(evaluate)
app.command()(convert)
app.command()(align)
app.command("evaluate-alignment")(evaluate_alignment)
app.command()(render)
app.command()(serve)
app.command("translate-corpus")(translate_corpus)
