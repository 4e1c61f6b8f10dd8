"""The project's `smoke` workflow: spacy train with our reader, evaluate, demo."""

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import spacy
from sacrebleu.metrics import BLEU, CHRF
from spacy.tokens import DocBin

ROOT = Path(__file__).resolve().parent.parent


def test_smoke_workflow_trains_evaluates_and_translates(tmp_path):
    # Run in a copy so the test never touches (or reuses) the work tree's outputs.
    for name in ("project.yml", "configs"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    (tmp_path / "assets").mkdir()
    shutil.copytree(ROOT / "assets" / "tatoeba-fr-en", tmp_path / "assets" / "tatoeba-fr-en")
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "project", "run", "smoke", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Le chat noir est sur le tapis." in result.stdout
    assert "alignment:" in result.stdout
    scores = json.loads((tmp_path / "metrics" / "tiny.json").read_text())
    nlp = spacy.load(tmp_path / "training" / "tiny" / "model-best")
    assert nlp.pipe_names == ["seq2seq_attn"]
    # A 40-step model may run into the output limit; it must say so, nothing else.
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        demo = nlp("Le chat noir est sur le tapis.")._.translation
        # The scores are sacreBLEU's (over 100) on this model's outputs for
        # the test pairs that evaluate-smoke converted and scored.
        gold = list(DocBin().from_disk(tmp_path / "corpus" / "tiny-test.spacy").get_docs(nlp.vocab))
        hypotheses = [doc._.translation for doc in nlp.pipe(doc.text for doc in gold)]
    assert {str(w.message)[:6] for w in record} <= {"[W004]"}
    assert f"\n-> {demo}\n" in result.stdout  # demo-smoke printed the same model's output
    references = [doc._.translation for doc in gold]
    assert len(references) == 1_000 and all(references)
    assert scores["translation_bleu"] == pytest.approx(BLEU().corpus_score(hypotheses, [references]).score / 100)
    assert scores["translation_chrf"] == pytest.approx(CHRF().corpus_score(hypotheses, [references]).score / 100)
