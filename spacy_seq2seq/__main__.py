"""`python -m spacy_seq2seq COMMAND ...`: runs the command line, which lives
in `spacy_seq2seq/cli/` (one module per command; see docs/cli.md)."""

from .cli import app

if __name__ == "__main__":
    app()
