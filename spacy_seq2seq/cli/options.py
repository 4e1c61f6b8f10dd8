"""Options that several commands share, declared once so that their flags
and help read the same everywhere."""

import typer

# Decoding options of translate, evaluate and render; None keeps the saved value.
BEAM_SIZE = typer.Option(None, "--beam-size", "-b", help="Beam width (1 = greedy).")
LENGTH_ALPHA = typer.Option(None, "--length-alpha", help="GNMT length penalty exponent.")
MIN_OUTPUT_LENGTH = typer.Option(
    None, "--min-output-length", help="Fewest output pieces before EOS is allowed (summaries: see configs/samsum.cfg)."
)
MIN_OUTPUT_RATIO = typer.Option(
    None, "--min-output-ratio", help="Fewest output pieces per source piece (summaries grow with their dialogue)."
)
QUANTIZE = typer.Option(None, "--quantize", help="none | int8 (CPU).")
BATCH_SIZE = typer.Option(1000, "--batch-size", help="Docs per nlp.pipe batch.")

COMPONENT = typer.Option("", help="Component name (default: the first seq2seq_attn).")

# Long runs over a file show a progress bar on a terminal (cli/progress.py).
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar (it shows only when stderr is a terminal; SPACY_SEQ2SEQ_PROGRESS=1 forces it).")

# translate and render: what the input is. "text": one text per line; a
# markup format: each FILE (or stdin) is one document (spacy_seq2seq.markup).
MARKUP_FORMAT = typer.Option("text", "--format", help="text | html | xml | markdown: markup formats read each FILE (or stdin) as one document and keep its markup.")
