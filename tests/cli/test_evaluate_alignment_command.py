"""`evaluate-alignment`: AER, precision and recall of pharaoh links against
gold .talp links (sure `i-j`, possible `ipj`, 1-based), computed by hand here."""

import json

from typer.testing import CliRunner

from spacy_seq2seq.cli import app

runner = CliRunner()


def write(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf8")
    return str(path)


def test_scores_against_sure_and_possible_links(tmp_path):
    # Gold: pair 1 sure {(0,0), (1,1)}, possible {(1,2)}; pair 2 sure {(0,1)}.
    gold = write(tmp_path / "gold.talp", ["1-1 2-2 2p3", "1-2"])
    # Predicted (0-based): pair 1 {(0,0), (1,2)}: one sure, one possible hit;
    # pair 2 {(0,0)}: wrong.
    predicted = write(tmp_path / "pred.txt", ["0-0 1-2", "0-0"])
    result = runner.invoke(app, ["evaluate-alignment", gold, predicted, "-o", str(tmp_path / "out" / "aer.json")])
    assert result.exit_code == 0, result.output
    # |A| = 3, |S| = 3, |A & S| = 1, |A & P| = 2 (P includes S):
    # precision 2/3, recall 1/3, AER = 1 - (1 + 2) / (3 + 3) = 0.5.
    assert result.output == (
        "AER 50.00  precision 66.67  recall 33.33  (2 pairs, 3 predicted links, 3 sure gold links)\n"
    )
    scores = json.loads((tmp_path / "out" / "aer.json").read_text())
    assert scores["aer"] == 0.5 and scores["n_sentences"] == 2


def test_a_broken_file_is_a_usage_error_naming_the_line(tmp_path):
    gold = write(tmp_path / "gold.talp", ["1-1"])
    predicted = write(tmp_path / "pred.txt", ["0-x"])
    result = runner.invoke(app, ["evaluate-alignment", gold, predicted])
    assert result.exit_code == 2  # click's code for a bad parameter
    assert "0-x" in result.output
