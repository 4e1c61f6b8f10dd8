"""scripts/eflomal_guides.py: eflomal links -> one guide line per training line.

A stand-in for eflomal's Python API (`run_eflomal`, patched in the
eflomal module) aligns word i to word i forward and adds 0-1 in reverse,
and records how many pairs it was given, so the test knows the right output
and can see that repeats are aligned once.
"""

import importlib.util
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from spacy_seq2seq.alignment import eflomal
from spacy_seq2seq.alignment.eflomal import unique_pairs

SCRIPT = Path(__file__).parents[2] / "scripts" / "eflomal_guides.py"
spec = importlib.util.spec_from_file_location("eflomal_guides", SCRIPT)
guides = importlib.util.module_from_spec(spec)
spec.loader.exec_module(guides)


@pytest.fixture(autouse=True)
def fake_eflomal(monkeypatch):
    given = []

    def run(src, tgt):
        given.append(len(src))
        n = [min(len(s.split()), len(t.split())) for s, t in zip(src, tgt)]
        return [{(i, i) for i in range(k)} for k in n], [{(0, 1)} | {(i, i) for i in range(k)} for k in n]

    monkeypatch.setattr(eflomal, "run_eflomal", run)
    monkeypatch.setattr(eflomal, "import_eflomal", lambda: None)
    monkeypatch.setattr(guides, "import_eflomal", lambda: None)
    return given


def _run(tmp_path, src, tgt, *extra):
    (tmp_path / "train.de").write_text("".join(line + "\n" for line in src), encoding="utf8")
    (tmp_path / "train.en").write_text("".join(line + "\n" for line in tgt), encoding="utf8")
    app = typer.Typer()
    app.command()(guides.main)
    args = [str(tmp_path / "train.de"), str(tmp_path / "train.en"), str(tmp_path / "train.align"), *extra]
    return CliRunner().invoke(app, args, env={"COLUMNS": "300"})  # error boxes unwrapped


def test_unique_pairs_map_every_line_to_its_first_copy():
    pairs, line_to_pair = unique_pairs(["a", "b", "a", "a"], ["x", "y", "x", "z"])
    assert pairs == [("a", "x"), ("b", "y"), ("a", "z")]
    assert line_to_pair == [0, 1, 0, 2]


def test_repeats_are_aligned_once_and_every_line_gets_links(tmp_path, fake_eflomal):
    src = ["ein haus", "zwei männer spielen", "ein haus"]
    tgt = ["a house", "two men play", "a house"]
    result = _run(tmp_path, src, tgt, "--how", "union", "--flipped-out", str(tmp_path / "flipped.align"))
    assert result.exit_code == 0, result.output
    # Union keeps the reverse-only 0-1; one line per input line, repeats included.
    assert (tmp_path / "train.align").read_text().splitlines() == ["0-0 0-1 1-1", "0-0 0-1 1-1 2-2", "0-0 0-1 1-1"]
    assert (tmp_path / "flipped.align").read_text().splitlines() == ["0-0 1-0 1-1", "0-0 1-0 1-1 2-2", "0-0 1-0 1-1"]
    assert "3 lines, 2 distinct pairs" in result.output
    assert fake_eflomal == [2]


def test_grow_diag_final_and_drops_the_unsupported_link(tmp_path):
    result = _run(tmp_path, ["ein haus"], ["a house"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "train.align").read_text().splitlines() == ["0-0 1-1"]


def test_empty_sides_and_uneven_files_are_refused(tmp_path):
    result = _run(tmp_path, ["ein haus", " "], ["a house", "two"])
    assert result.exit_code != 0 and "empty side (first at line 2)" in result.output
    result = _run(tmp_path, ["ein haus", "zwei"], ["a house"])
    assert result.exit_code != 0 and "has 2 lines but" in result.output
