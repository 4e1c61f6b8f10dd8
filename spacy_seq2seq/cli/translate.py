"""`translate`: decode texts with a saved pipeline and show each output
with its word alignment (or one JSON record per text)."""

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer

from ..errors import check_choice
from ..names import FieldNames
from .inputs import chunks, stream_texts
from .loading import load_pipeline
from .options import (
    BATCH_SIZE,
    COMPONENT,
    GLOSSARY,
    MARKUP_FORMAT,
    QUIET,
    decoding_flags,
)
from .progress import Progress, input_total


@decoding_flags
def translate(
    model: Path = typer.Argument(..., help="A saved pipeline (nlp.to_disk / spacy train output)."),
    texts: Optional[List[str]] = typer.Argument(None, help="Texts; read from --input or stdin if none."),
    input_file: Optional[Path] = typer.Option(None, "--input", "-i", help="File with one text per line."),
    component: str = COMPONENT,
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    decoding: Dict[str, Any] = {},  # noqa: B006 (replaced by the decoding flags: options.py)
    glossary: Optional[Path] = GLOSSARY,
    batch_size: int = BATCH_SIZE,
    reverse_model: Optional[Path] = typer.Option(None, "--reverse-model", help="A target -> source pipeline: link each output with both directions combined."),
    symmetrize_how: str = typer.Option("grow-diag-final-and", "--symmetrize", help="With --reverse-model: intersection | union | grow-diag-final-and | agreement."),
    quiet: bool = QUIET,
    markup_format: str = MARKUP_FORMAT,
) -> None:
    """Translate texts and show each output with its word alignment.

    Texts are read and decoded as a stream; over a file, a progress bar
    (outputs/s, ETA) shows on a terminal. With --format html|xml|markdown,
    each FILE argument (or --input, or stdin) is one document, written out
    translated with its markup."""
    nlp, pipe_name = load_pipeline(model, component, **decoding)
    pipe = nlp.get_pipe(pipe_name)
    if glossary is not None:
        from ..terms import Glossary

        try:
            pipe.set_glossary(Glossary.read_tsv(glossary, nlp.make_doc))
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--glossary") from None
    if markup_format != "text":
        from .markup_documents import translate_markup_files

        translate_markup_files(nlp, pipe_name, markup_format, texts, input_file, batch_size)
        return
    names = FieldNames(pipe.field)
    total = input_total(texts, input_file)
    if reverse_model is not None:
        from ..pipeline.bidirectional import SYMMETRIZE_OPTIONS, translate_symmetric

        try:
            check_choice("--symmetrize", symmetrize_how, SYMMETRIZE_OPTIONS)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
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
    terms_used = doc._.get(names.terms_used) or []
    if as_json:
        # The record keys predate FieldNames (`tokens`, not
        # `translation_tokens`); they stay as they are for existing users.
        record = {"source": doc.text, names.text: output, "tokens": tokens, "alignment": alignment, "nbest": nbest}
        if terms_used:
            record[names.terms_used] = terms_used
        progress.echo(json.dumps(record, ensure_ascii=False))
        return
    progress.echo(f"{doc.text}\n-> {output}")
    links = ", ".join(f"{doc[i].text}->{tokens[j]}" for i, j in alignment)
    progress.echo(f"   alignment: {links}")
    if terms_used:
        progress.echo("   terms: " + ", ".join(_described(term) for term in terms_used))
    for rank, (text, score) in enumerate(nbest[1:], start=2):
        progress.echo(f"   {rank}. {text}  ({score:.3f})")


def _described(term: dict) -> str:
    """`chat->dog (met)`, `!black (met)`, `x (skipped: why)`."""
    target = ("!" if term["negative"] else "") + term["target"]
    if term["skipped"]:
        return f"{target} (skipped: {term['skipped']})"
    return f"{target} ({'met' if term['met'] else 'MISSED'})"
