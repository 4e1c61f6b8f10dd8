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

GLOSSARY = typer.Option(
    None, "--glossary", help="TSV glossary (source term<TAB>target term per line) whose terms the outputs must contain; replaces the pipeline's own (docs/terminology.md).",
)

COMPONENT = typer.Option("", help="Component name (default: the first seq2seq_attn).")

# Long runs over a file show a progress bar on a terminal (cli/progress.py).
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar (it shows only when stderr is a terminal; SPACY_SEQ2SEQ_PROGRESS=1 forces it).")
