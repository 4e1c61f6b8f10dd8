"""`convert`: a parallel corpus to a DocBin with the targets in user data."""

import spacy
from spacy.tokens import DocBin
from toy_data import TOY_PAIRS
from typer.testing import CliRunner

from spacy_seq2seq.cli import app
from spacy_seq2seq.pipeline import install_extensions

runner = CliRunner()


def test_convert_writes_sources_and_targets(tmp_path):
    long_pair = ("un chat noir et un chien blanc dorment .", "a black cat and a white dog sleep .")
    pairs = TOY_PAIRS + [long_pair]
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in pairs), encoding="utf8")
    (tmp_path / "tgt.txt").write_text("".join(t + "\n" for _, t in pairs), encoding="utf8")
    output = tmp_path / "out" / "train.spacy"
    result = runner.invoke(app, [
        "convert", str(tmp_path / "src.txt"), str(output), "--lang", "fr", "--tgt", str(tmp_path / "tgt.txt"),
        "--field", "summary", "--max-length", "6",
    ])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {len(TOY_PAIRS)} docs to {output} (skipped 1).\n"
    install_extensions("summary")
    docs = list(DocBin().from_disk(output).get_docs(spacy.blank("fr").vocab))
    assert [(doc.text, doc._.summary) for doc in docs] == TOY_PAIRS


def test_convert_needs_the_language(tmp_path):
    (tmp_path / "pairs.tsv").write_text("a\tb\n", encoding="utf8")
    result = runner.invoke(app, ["convert", str(tmp_path / "pairs.tsv"), str(tmp_path / "out.spacy")])
    assert result.exit_code == 2 and "--lang" in result.output
    assert not (tmp_path / "out.spacy").exists()
