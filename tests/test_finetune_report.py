"""benchmarks/finetune.py: the whole report on toy models (a base and a
model fine-tuned from it through configs/finetune.cfg)."""

import json
import warnings
from pathlib import Path

import pytest
from spacy.cli.train import train
from toy_data import TOY_PAIRS
from typer.testing import CliRunner

from benchmarks import finetune

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "finetune.cfg"
NEW = [("le cœur du chat dort .", "the cat's heart sleeps ."), ("le chien mange .", "the dog eats .")]


def test_parse_model_needs_a_label_and_a_path():
    assert finetune.parse_model("a b=x/y") == ("a b", Path("x/y"))
    with pytest.raises(Exception, match="LABEL=PATH"):
        finetune.parse_model("x/y")


def test_the_report_scores_each_model_on_both_test_sets(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "base")
    old = tmp_path / "old.tsv"
    old.write_text("".join(f"{s}\t{t}\n" for s, t in TOY_PAIRS), encoding="utf8")
    new = tmp_path / "new.tsv"
    new.write_text("".join(f"{s}\t{t}\n" for s, t in NEW * 3), encoding="utf8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train(CONFIG, tmp_path / "tuned", overrides={
            "paths.base_model": str(tmp_path / "base"), "paths.train": str(new), "paths.dev": str(new),
            "training.max_steps": 3, "training.eval_frequency": 3,
            "corpora.train.old_share": 0.5, "paths.old_train": str(old),
        })
        result = CliRunner().invoke(finetune.app, [
            "--base", str(tmp_path / "base"), "--model", f"tuned={tmp_path / 'tuned' / 'model-last'}",
            "--new-test", str(new), "--old-test", str(old), "--new-train", str(new),
            "--beam-size", "1", "--results-dir", str(tmp_path / "results"),
        ])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "results" / "finetune.json").read_text())["results"]
    base, tuned = report["models"]
    assert base["label"] == "base" and tuned["label"] == "tuned"
    assert tuned["max_steps"] == 3 and tuned["old_share"] == 0.5 and tuned["base_model"]
    assert base["old"]["n_segments"] == len(TOY_PAIRS) and tuned["new"]["n_segments"] == len(NEW) * 3
    assert base["old"]["bleu"] > 30  # the toy model knows its own pairs
    assert report["coverage"]["source"]["examples"][0] == ["cœur", 3]
    markdown = (tmp_path / "results" / "finetune.md").read_text()
    lost = base["old"]["bleu"] - tuned["old"]["bleu"]
    assert f"| {lost:.2f} |" in markdown
    assert "base + 3 fine-tuning steps, 50% old data" in markdown
