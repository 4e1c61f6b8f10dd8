"""The SAMSum and chat configs train with `spacy train` on data in their
formats (a few made-up dialogues; the real corpus is research-only and not
here), keep the best model by ROUGE, and write doc._.summary / response."""

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parent.parent
SMALL = [
    "--components.seq2seq_attn.model.embed_width", "16", "--components.seq2seq_attn.model.hidden_width", "32",
    "--components.seq2seq_attn.src_vocab_size", "80", "--components.seq2seq_attn.tgt_vocab_size", "80",
    "--components.seq2seq_attn.beam_size", "1", "--training.max_steps", "4", "--training.eval_frequency", "2",
    "--corpora.dev.limit", "0",
]
NAMES = ["Amanda", "Jerry", "Hannah", "Tom", "Lena", "Omar"]


def dialogues(n: int, with_empty: bool = False):
    records = []
    for i in range(n):
        a, b = NAMES[i % 6], NAMES[(i + 2) % 6]
        dialogue = f"{a}: Do you have {i} cookies?\r\n{b}: Yes, I baked {i}.\r\n{a}: Great, bring them!"
        records.append({"id": str(i), "summary": f"{b} baked {i} cookies and will bring them to {a}.", "dialogue": dialogue})
    if with_empty:  # as in SAMSum's train split: skipped and counted by the reader
        records.append({"id": "empty", "summary": "Nothing.", "dialogue": ""})
    return records


def quietly(nlp, text: str):
    """A 4-step model may run into the output limit (W004); nothing else may warn."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        doc = nlp(text)
    assert {str(w.message)[:6] for w in record} <= {"[W004]"}
    return doc


def rescored(nlp, config: str, data_dir: Path):
    """The scores of `nlp` on the config's dev corpus, computed here as
    `spacy train` computes them at each evaluation."""
    overrides = {"paths.data_dir": str(data_dir), "corpora.dev.limit": 0}
    loaded = spacy.util.load_config(ROOT / "configs" / config, overrides=overrides, interpolate=True)
    (dev,) = spacy.util.resolve_dot_names(loaded, ["corpora.dev"])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        scores = nlp.evaluate(list(dev(nlp)))
    assert {str(w.message)[:6] for w in record} <= {"[W004]"}
    return scores


def check_output(nlp, doc, field: str) -> None:
    """The output the Doc holds is the model's best output, split into
    words by the target language's tokenizer."""
    text = getattr(doc._, field)
    assert getattr(doc._, f"{field}_nbest")[0][0] == text
    tgt_lang = nlp.get_pipe("seq2seq_attn").settings.tgt_lang
    words = [t.text for t in spacy.blank(tgt_lang).make_doc(text) if not t.is_space]
    assert getattr(doc._, f"{field}_tokens") == words


def spacy_train(config: str, data_dir: Path, output: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / config), "--output", str(output),
         "--paths.data_dir", str(data_dir), *SMALL],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )


def test_samsum_config_trains_and_keeps_the_best_model_by_rouge(tmp_path):
    for split, n in (("train", 24), ("val", 6)):
        (tmp_path / f"{split}.json").write_text(json.dumps(dialogues(n, with_empty=split == "train")), encoding="utf8")
    result = spacy_train("samsum.cfg", tmp_path, tmp_path / "model")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert "SUMMARY_RO" in log, log[-3000:]  # the training table shows ROUGE columns
    assert "skipped 1" in log  # the empty dialogue, counted
    meta = json.loads((tmp_path / "model" / "model-best" / "meta.json").read_text())
    rouge = ["summary_rouge1", "summary_rouge2", "summary_rougeL"]
    assert set(rouge) <= set(meta["performance"])
    nlp = spacy.load(tmp_path / "model" / "model-best")
    # The model kept is the one whose scores were recorded.
    scores = rescored(nlp, "samsum.cfg", tmp_path)
    assert {key: scores[key] for key in rouge} == pytest.approx({key: meta["performance"][key] for key in rouge})
    doc = quietly(nlp, "Tom: Cookies?\nLena: Yes!")
    check_output(nlp, doc, "summary")
    # Copy attention: per summary word, the dialogue token it came from or -1.
    assert doc._.summary_copied is not None
    assert len(doc._.summary_copied) == len(doc._.summary_tokens)
    assert all(-1 <= i < len(doc) for i in doc._.summary_copied)


def test_chat_config_trains_on_chat_pairs(tmp_path):
    script = ROOT / "scripts" / "make_chat_pairs.py"
    for split, n in (("train", 24), ("val", 6)):
        (tmp_path / f"{split}.json").write_text(json.dumps(dialogues(n)), encoding="utf8")
    made = subprocess.run([sys.executable, str(script), str(tmp_path), str(tmp_path / "chat")], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    result = spacy_train("chat.cfg", tmp_path / "chat", tmp_path / "model")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    nlp = spacy.load(tmp_path / "model" / "model-best")
    meta = json.loads((tmp_path / "model" / "model-best" / "meta.json").read_text())
    keys = ["response_bleu", "response_rougeL"]
    scores = rescored(nlp, "chat.cfg", tmp_path / "chat")
    assert {key: scores[key] for key in keys} == pytest.approx({key: meta["performance"][key] for key in keys})
    doc = quietly(nlp, "Amanda: Do you have cookies?")
    check_output(nlp, doc, "response")
