"""The command line: decoding options reach the component."""

import json

import pytest
from toy_data import TOY_PAIRS
from typer.testing import CliRunner

from spacy_seq2seq.__main__ import app

runner = CliRunner()


def test_translate_with_beam_and_nbest(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    result = runner.invoke(app, [
        "translate", str(tmp_path / "model"), "le chat noir dort .", "un chien dort .",
        "--beam-size", "3", "--n-best", "3", "--json",
    ])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["translation"] for line in lines] == ["the black cat sleeps .", "a dog sleeps ."]
    assert all(len(line["nbest"]) == 3 and line["nbest"][0][0] == line["translation"] for line in lines)


def test_translate_rejects_invalid_decoding_settings(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), "le chat .", "--beam-size", "2", "--n-best", "3"])
    assert result.exit_code != 0
    assert "n_best" in str(result.exception)


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
