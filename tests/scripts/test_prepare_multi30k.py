"""scripts/prepare_multi30k.py: plain or gzipped raw files in, aligned plain files out."""

import gzip
import importlib.util
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

SCRIPT = Path(__file__).parents[2] / "scripts" / "prepare_multi30k.py"
spec = importlib.util.spec_from_file_location("prepare_multi30k", SCRIPT)
prepare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prepare)

app = typer.Typer()
app.command()(prepare.main)


def write_split(folder: Path, split: str, lines_per_lang: dict, packed: bool) -> None:
    for lang, lines in lines_per_lang.items():
        text = "".join(line + "\n" for line in lines)
        if packed:
            with gzip.open(folder / f"{split}.{lang}.gz", "wt", encoding="utf8") as file:
                file.write(text)
        else:
            (folder / f"{split}.{lang}").write_text(text, encoding="utf8")


@pytest.mark.parametrize("packed", [True, False])
def test_lays_out_plain_aligned_files(tmp_path, packed):
    source = tmp_path / "raw"
    source.mkdir()
    for n, split in enumerate(prepare.SPLITS, start=1):
        write_split(source, split, {"de": [f"Ein Hund {i}." for i in range(n)], "en": [f"A dog {i}." for i in range(n)]}, packed)
    result = CliRunner().invoke(app, [str(source), str(tmp_path / "out"), "--langs", "de", "--langs", "en"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "test_2016_flickr.en").read_text(encoding="utf8") == "A dog 0.\nA dog 1.\nA dog 2.\n"
    assert "train: 1 lines x 2 languages" in result.output


def test_misaligned_or_missing_files_are_errors(tmp_path):
    source = tmp_path / "raw"
    source.mkdir()
    write_split(source, "train", {"de": ["a", "b"], "en": ["a"]}, packed=False)
    result = CliRunner().invoke(app, [str(source), str(tmp_path / "out"), "--langs", "de", "--langs", "en"])
    assert result.exit_code != 0 and "not line-aligned" in result.output
    result = CliRunner().invoke(app, [str(tmp_path / "nowhere"), str(tmp_path / "out"), "--langs", "de"])
    assert result.exit_code != 0 and "Neither" in result.output and "local copy" in result.output
