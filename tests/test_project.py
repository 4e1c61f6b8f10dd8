"""The project's `smoke` workflow: spacy train with our reader, evaluate, demo
(and the demo command of `make demo` is the smoke one with the real model)."""

import html
import json
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import spacy
import srsly
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
    # The demo ends with the attention page of the sentence it translated,
    # and says where it is and how to start the live demo.
    output = re.search(r"^-> (.*)$", result.stdout, re.MULTILINE)[1]
    page = (tmp_path / "training" / "tiny-demo.html").read_text(encoding="utf8")
    assert f"<figcaption>{html.escape(output)}</figcaption>" in page
    assert page.count('class="s2s-doc"') == 1 and "spacySeq2seqViz" in page
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.startswith("Attention page: training/tiny-demo.html")
    assert "python -m spacy_seq2seq serve training/tiny/model-best" in last_line
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


def test_make_demo_ends_with_the_page_like_the_smoke_demo():
    """`make demo` runs the workflow `all`, whose last command is `demo`:
    it must do what the tested `demo-smoke` does, with the real model and
    training/demo.html."""
    project = srsly.read_yaml(ROOT / "project.yml")
    assert project["workflows"]["all"][-1] == "demo"
    commands = {command["name"]: command for command in project["commands"]}
    demo, smoke = commands["demo"], commands["demo-smoke"]
    as_demo = [
        line.replace("training/tiny/model-best", "training/${vars.config}/model-best")
        .replace("training/tiny-demo.html", "training/demo.html")
        for line in smoke["script"]
    ]
    assert demo["script"] == as_demo
    assert demo["outputs"] == ["training/demo.html"]
    assert "render" in demo["script"][-2] and demo["script"][-1].startswith("echo ")
    makefile = (ROOT / "Makefile").read_text(encoding="utf8")
    assert "python -m spacy project run all ." in makefile
    assert re.search(r"^serve: .*\n\t.*-m spacy_seq2seq serve \$\(MODEL\)", makefile, re.MULTILINE)
    assert "MODEL ?= training/tatoeba_fr_en/model-best" in makefile  # the model `all` trains (vars.config)
    assert project["vars"]["config"] == "tatoeba_fr_en"
