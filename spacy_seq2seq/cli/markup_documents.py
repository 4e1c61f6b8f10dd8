"""`translate --format html|xml|markdown`: each file (or stdin) is one
document, written to stdout translated, with its markup (the work is
`spacy_seq2seq.markup`)."""

import sys
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

import typer

from ..errors import Errors


def documents(files: Optional[List[str]], input_file: Optional[Path]) -> Iterator[Tuple[str, str]]:
    """(name, text) of each document: the FILE arguments, else --input,
    else stdin, read whole."""
    paths = [Path(name) for name in files or []] + ([input_file] if input_file else [])
    if not paths:
        yield "stdin", sys.stdin.read()
        return
    for path in paths:
        if not path.is_file():
            raise typer.BadParameter(Errors.E175.format(path=path))
        yield str(path), path.read_text(encoding="utf8")


def translate_markup_files(
    nlp, pipe_name: str, markup_format: str, files: Optional[List[str]], input_file: Optional[Path],
    batch_size: int, write: bool = True,
) -> List[Tuple[str, Any]]:
    """Translate each document; with `write`, write each to stdout as it
    is done (documents one after another, as given). Coded warnings go to
    stderr; a coded error (malformed XML, unknown format) ends the command.

    RETURNS (List[Tuple[str, MarkupTranslation]]): Without `write`, each
        document's name and translation; with it, nothing is kept ([]).
    """
    from ..markup import translate_documents

    named = list(documents(files, input_file))
    kept: List[Tuple[str, Any]] = []
    try:
        results = translate_documents(
            nlp, (text for _, text in named), markup_format, component=pipe_name,
            batch_size=batch_size, names=(name for name, _ in named),
        )
        for (name, _), result in zip(named, results):
            if write:
                sys.stdout.write(result.markup)
            else:
                kept.append((name, result))
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    return kept
