"""`evaluate`: scores, report and hypotheses of a saved pipeline on held-out pairs."""

import json

import pytest
from toy_data import TOY_PAIRS
from typer.testing import CliRunner

from spacy_seq2seq.cli import app

runner = CliRunner()


def test_evaluate_line_aligned_files_and_writes_hypotheses(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in TOY_PAIRS), encoding="utf8")
    (tmp_path / "ref.txt").write_text("".join(t + "\n" for _, t in TOY_PAIRS), encoding="utf8")
    result = runner.invoke(app, [
        "evaluate", str(tmp_path / "model"), str(tmp_path / "src.txt"), "--tgt", str(tmp_path / "ref.txt"),
        "--beam-size", "1", "--output", str(tmp_path / "scores.json"), "--hypotheses", str(tmp_path / "hyp.txt"),
    ])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores["decoding"]["beam_size"] == 1 and scores["n_segments"] == len(TOY_PAIRS)
    hypotheses = (tmp_path / "hyp.txt").read_text(encoding="utf8").splitlines()
    assert hypotheses == [nlp(s)._.translation for s, _ in TOY_PAIRS]
    assert hypotheses == [t for _, t in TOY_PAIRS]
    assert scores["translation_bleu"] == pytest.approx(100.0)


def test_evaluate_reports_rouge_from_json_keys(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    config = (tmp_path / "model" / "config.cfg").read_text(encoding="utf8")
    assert 'metrics = ["bleu", "chrf"]' in config
    (tmp_path / "model" / "config.cfg").write_text(config.replace('metrics = ["bleu", "chrf"]', 'metrics = ["rouge"]'), encoding="utf8")
    records = [{"dialogue": s, "summary": t} for s, t in TOY_PAIRS] + [{"dialogue": "", "summary": "x"}]
    (tmp_path / "val.json").write_text(json.dumps(records), encoding="utf8")
    result = runner.invoke(app, [
        "evaluate", str(tmp_path / "model"), str(tmp_path / "val.json"), "--src-key", "dialogue",
        "--tgt-key", "summary", "--beam-size", "1", "--output", str(tmp_path / "scores.json"),
        "--on-malformed", "skip",
    ])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores["translation_rouge1"] == pytest.approx(100.0) and scores["translation_rougeLsum"] == pytest.approx(100.0)
    assert "translation_bleu" not in scores
    assert scores["n_segments"] == len(TOY_PAIRS) and scores["skipped"]["empty"] == 1
    assert "ROUGE F1 (stemmed): rouge1 100.00" in result.output


def test_evaluate_prints_the_count_and_each_metric_with_its_signature(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    pairs = TOY_PAIRS[:3] + [("", "x")]
    (tmp_path / "pairs.tsv").write_text("".join(f"{s}\t{t}\n" for s, t in pairs), encoding="utf8")
    result = runner.invoke(app, [
        "evaluate", str(tmp_path / "model"), str(tmp_path / "pairs.tsv"), "--on-malformed", "skip",
    ])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{tmp_path / 'pairs.tsv'}: 3 segments (1 skipped: see the report)"
    assert lines[1].startswith("BLEU 100.00  (nrefs:1|") and "tok:13a" in lines[1]
    assert lines[2].startswith("chrF 100.00  (nrefs:1|")
    assert len(lines) == 3


def test_evaluate_refuses_malformed_pairs_by_default(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    (tmp_path / "pairs.tsv").write_text("le chat mange .\tthe cat eats .\n\tx\n", encoding="utf8")
    result = runner.invoke(app, ["evaluate", str(tmp_path / "model"), str(tmp_path / "pairs.tsv")])
    assert result.exit_code != 0
    assert "empty" in str(result.exception)
