"""`evaluate-alignment`: alignment error rate, precision and recall of
predicted links against gold links (the work is `alignment.score_alignments`)."""

import json
from pathlib import Path
from typing import Optional

import typer


def evaluate_alignment(
    gold: Path = typer.Argument(..., help="Gold links, .talp format (1-based; i-j sure, ipj possible)."),
    predicted: Path = typer.Argument(..., help="Predicted links, 0-based pharaoh (what `align` writes)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the scores as JSON here."),
) -> None:
    """Alignment error rate, precision and recall against gold links."""
    from ..alignment import read_gold, read_pharaoh, score_alignments
    from ..alignment.aer import AlignmentFileError

    try:
        scores = score_alignments(read_pharaoh(predicted), read_gold(gold))
    except AlignmentFileError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(
        f"AER {100 * scores.aer:.2f}  precision {100 * scores.precision:.2f}  "
        f"recall {100 * scores.recall:.2f}  ({scores.n_sentences} pairs, "
        f"{scores.n_predicted} predicted links, {scores.n_sure} sure gold links)"
    )
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(scores.to_dict(), indent=2) + "\n", encoding="utf8")
