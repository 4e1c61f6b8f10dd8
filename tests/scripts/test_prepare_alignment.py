"""scripts/prepare_alignment_deen.py: Moses-tokenised, lower-cased Multi30k,
then the gold text (tokens kept) as many times as asked, and the gold files."""

import importlib.util
from pathlib import Path

import typer
from typer.testing import CliRunner

SCRIPT = Path(__file__).parents[2] / "scripts" / "prepare_alignment_deen.py"
spec = importlib.util.spec_from_file_location("prepare_alignment_deen", SCRIPT)
prepare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prepare)

app = typer.Typer()
app.command()(prepare.main)


def write(path: Path, lines) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf8")


def test_prepares_training_text_and_gold(tmp_path):
    m30k, gold, out = tmp_path / "m30k", tmp_path / "gold", tmp_path / "out"
    m30k.mkdir()
    gold.mkdir()
    write(m30k / "train.de", ["Ein Hund läuft.", "Zwei Männer, die reden.", "   "])
    write(m30k / "train.en", ["A dog runs.", "Two men talking.", "Empty source."])
    write(m30k / "val.de", ["Ein Mann."])
    write(m30k / "val.en", ["A man."])
    write(gold / "deen.de", ["Das ist GUT ."])
    write(gold / "deen.en", ["That is GOOD ."])
    write(gold / "deen.talp", ["1-1 2-2 3p3 4-4"])
    result = CliRunner().invoke(app, [
        str(out), "--multi30k", str(m30k), "--gold-dir", str(gold), "--gold-repeat", "2",
    ])
    assert result.exit_code == 0, result.output
    assert "train: 4 pairs (1 with an empty side dropped)" in result.output
    train_de = (out / "train.de").read_text(encoding="utf8").splitlines()
    train_en = (out / "train.en").read_text(encoding="utf8").splitlines()
    # Moses splits punctuation off and everything is lower-cased; the gold
    # text keeps its tokens and comes last, twice.
    assert train_de == ["ein hund läuft .", "zwei männer , die reden .", "das ist gut .", "das ist gut ."]
    assert train_en == ["a dog runs .", "two men talking .", "that is good .", "that is good ."]
    assert (out / "gold.de").read_text(encoding="utf8") == "das ist gut .\n"
    assert (out / "gold.talp").read_text(encoding="utf8") == "1-1 2-2 3p3 4-4\n"
    assert (out / "val.en").read_text(encoding="utf8") == "a man .\n"
