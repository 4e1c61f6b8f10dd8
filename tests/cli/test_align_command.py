"""`align`: pharaoh links for given pairs, one direction or two combined."""

import json

from toy_data import reversal_pairs, reversed_links
from typer.testing import CliRunner

from spacy_seq2seq.cli import app

runner = CliRunner()


def test_align_and_evaluate_alignment(reversal_model, reversal_backward, tmp_path):
    """Pharaoh output on pre-tokenised files, then AER against gold (.talp,
    1-based) made from the known reversal links: 0 for a perfect model, and
    the scorer sees a broken file."""
    reversal_model.to_disk(tmp_path / "fwd")
    reversal_backward.to_disk(tmp_path / "bwd")
    pairs = reversal_pairs()[:12]
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in pairs), encoding="utf8")
    (tmp_path / "tgt.txt").write_text("".join(t + "\n" for _, t in pairs), encoding="utf8")
    gold = [" ".join(f"{i + 1}-{j + 1}" for i, j in reversed_links(len(s.split()))) for s, _ in pairs]
    (tmp_path / "gold.talp").write_text("".join(line + "\n" for line in gold), encoding="utf8")
    expected = ["".join(f"{i}-{j} " for i, j in reversed_links(len(s.split()))).strip() for s, _ in pairs]
    both = ["--reverse-model", str(tmp_path / "bwd"), "--symmetrize"]
    for extra in ([], [*both, "intersection"], [*both, "agreement", "--min-product", "0.25"]):
        result = runner.invoke(app, [
            "align", str(tmp_path / "fwd"), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"),
            "--batch-size", "5", "-o", str(tmp_path / "pred.txt"), *extra,
        ])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "pred.txt").read_text(encoding="utf8").splitlines() == expected
    result = runner.invoke(app, [
        "evaluate-alignment", str(tmp_path / "gold.talp"), str(tmp_path / "pred.txt"),
        "-o", str(tmp_path / "aer.json"),
    ])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("AER 0.00  precision 100.00  recall 100.00  (12 pairs")
    assert json.loads((tmp_path / "aer.json").read_text())["aer"] == 0.0
    # A wrong alignment (shift) scores worse, and the number is the scorer's.
    runner.invoke(app, [
        "align", str(tmp_path / "fwd"), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"),
        "--method", "shift", "-o", str(tmp_path / "shift.txt"),
    ])
    result = runner.invoke(app, ["evaluate-alignment", str(tmp_path / "gold.talp"), str(tmp_path / "shift.txt")])
    assert result.exit_code == 0 and float(result.output.split()[1]) > 40.0


def test_align_rejects_an_unknown_symmetrization(reversal_model, tmp_path):
    reversal_model.to_disk(tmp_path / "fwd")
    (tmp_path / "src.txt").write_text("un deux\n", encoding="utf8")
    (tmp_path / "tgt.txt").write_text("two one\n", encoding="utf8")
    result = runner.invoke(app, [
        "align", str(tmp_path / "fwd"), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"),
        "--reverse-model", str(tmp_path / "fwd"), "--symmetrize", "average",
    ])
    assert result.exit_code != 0
    assert "agreement" in result.output and "'average'" in result.output


def test_align_rejects_files_of_different_lengths(reversal_model, tmp_path):
    reversal_model.to_disk(tmp_path / "fwd")
    (tmp_path / "src.txt").write_text("un deux\ntrois\n", encoding="utf8")
    (tmp_path / "tgt.txt").write_text("two one\n", encoding="utf8")
    result = runner.invoke(app, ["align", str(tmp_path / "fwd"), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt")])
    assert result.exit_code != 0
    message = " ".join(result.output.replace("│", " ").split())  # unwrap typer's box
    assert "src.txt has 2 lines but" in message and "tgt.txt has 1" in message and "line-aligned" in message
