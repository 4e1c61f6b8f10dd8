"""The command line, `python -m spacy_seq2seq COMMAND`: one module per
command (`translate.py`, `evaluate.py`, `convert.py`, `align.py`,
`evaluate_alignment.py`, `render.py`, `serve.py`, `translate_corpus.py`), assembled into one typer app in
`app.py`. Commands parse, call the library and print; the work itself lives
in the library (e.g. `evaluation.evaluate_corpus`,
`pipeline.bidirectional.align_word_pairs`). Reference: docs/cli.md.
"""

from .app import app

__all__ = ["app"]
