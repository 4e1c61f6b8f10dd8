"""Progress on long runs: a bar (records/s, ETA) on stderr for translate,
align, evaluate and render over a file, never on stdout and never with
--quiet; inputs streamed, not read whole."""

import io
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from toy_data import TOY_PAIRS, reversal_pairs
from typer.testing import CliRunner

import spacy_seq2seq.pipeline.bidirectional as bidirectional
from spacy_seq2seq.cli import app
from spacy_seq2seq.cli.inputs import stream_texts
from spacy_seq2seq.cli.progress import (
    PROGRESS_ENV,
    Progress,
    count_lines,
    progress_wanted,
)

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def toy_model(trained_toy, tmp_path_factory):
    path = tmp_path_factory.mktemp("progress") / "model"
    trained_toy[0].to_disk(path)
    return path


@pytest.fixture(scope="module")
def reversal_path(reversal_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("progress") / "reversal"
    reversal_model.to_disk(path)
    return path


def _run(args, progress=None):
    env = {} if progress is None else {PROGRESS_ENV: progress}
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result


def _bar_shown(stderr: str, what: str, done: int) -> bool:
    """tqdm's line: the count out of the total and the rate in `what`/s."""
    return f"{done}/{done}" in stderr and f"{what}/s" in stderr


def test_translate_shows_progress_when_forced_and_prints_the_same(toy_model, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("".join(src + "\n" for src, _ in TOY_PAIRS), encoding="utf8")
    args = ["translate", str(toy_model), "--input", str(source), "--json", "--batch-size", "2"]
    shown = _run(args, progress="1")
    assert _bar_shown(shown.stderr, "texts", len(TOY_PAIRS))
    assert "texts/s" not in shown.stdout
    quiet = _run([*args, "--quiet"], progress="1")
    assert "texts/s" not in quiet.stderr
    # Not a terminal (the test runner's stderr) and nothing forced: no bar.
    piped = _run(args)
    assert "texts/s" not in piped.stderr
    assert shown.stdout == quiet.stdout == piped.stdout
    assert [json.loads(line)["translation"] for line in shown.stdout.splitlines()] == [tgt for _, tgt in TOY_PAIRS]


def test_render_evaluate_and_align_show_progress(toy_model, reversal_path, tmp_path):
    texts = tmp_path / "texts.txt"
    texts.write_text("un deux trois\nquatre cinq\nsix\n", encoding="utf8")
    render = ["render", str(reversal_path), "--input", str(texts)]
    shown = _run(render, progress="1")
    assert _bar_shown(shown.stderr, "texts", 3)
    assert shown.stdout == _run([*render, "-q"], progress="1").stdout

    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"{src}\t{tgt}\n" for src, tgt in TOY_PAIRS), encoding="utf8")
    evaluate = ["evaluate", str(toy_model), str(pairs)]
    shown = _run(evaluate, progress="1")
    assert _bar_shown(shown.stderr, "segments", len(TOY_PAIRS))
    assert shown.stdout == _run([*evaluate, "--quiet"], progress="1").stdout

    chosen = reversal_pairs()[:5]
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in chosen), encoding="utf8")
    (tmp_path / "tgt.txt").write_text("".join(t + "\n" for _, t in chosen), encoding="utf8")
    align = ["align", str(reversal_path), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"), "--batch-size", "2"]
    shown = _run(align, progress="1")
    assert _bar_shown(shown.stderr, "pairs", 5)
    assert shown.stdout == _run([*align, "--quiet"], progress="1").stdout


def test_the_bar_follows_the_terminal_and_quiet(monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert progress_wanted(quiet=False)
    assert not progress_wanted(quiet=True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert not progress_wanted(quiet=False)
    monkeypatch.setenv(PROGRESS_ENV, "1")
    assert progress_wanted(quiet=False) and not progress_wanted(quiet=True)
    monkeypatch.setenv(PROGRESS_ENV, "0")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert not progress_wanted(quiet=False)


def test_a_bad_progress_setting_is_a_coded_error(toy_model):
    result = runner.invoke(app, ["translate", str(toy_model), "le chat mange ."], env={PROGRESS_ENV: "yes"})
    assert result.exit_code != 0
    assert "E090" in result.output and PROGRESS_ENV in result.output


def test_count_lines_counts_like_reading_the_file(tmp_path):
    path = tmp_path / "lines.txt"
    for text in ("", "a", "a\n", "a\nb", "a\r\nb\r\n", "a\n\nb\n", "\u00e9t\u00e9\n" * 3):
        path.write_bytes(text.encode("utf8"))
        with path.open(encoding="utf8") as stream:
            assert count_lines(path) == sum(1 for _ in stream), repr(text)


def test_texts_are_read_as_they_are_needed(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("one\ntwo\n", encoding="utf8")
    texts = stream_texts(None, path)
    assert next(texts) == "one"
    # The file is still open and read line by line: a line added now is read.
    with path.open("a", encoding="utf8") as stream:
        stream.write("three\n")
    assert list(texts) == ["two", "three"]


def test_align_works_a_batch_at_a_time(reversal_path, monkeypatch, tmp_path):
    chosen = reversal_pairs()[:5]
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in chosen), encoding="utf8")
    (tmp_path / "tgt.txt").write_text("".join(t + "\n" for _, t in chosen), encoding="utf8")
    args = ["align", str(reversal_path), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt")]
    whole = _run([*args, "--batch-size", "256"]).stdout
    sizes = []
    real = bidirectional.align_word_pairs

    def recording(pipe, sources, targets, **options):
        sizes.append(len(sources))
        return real(pipe, sources, targets, **options)

    monkeypatch.setattr(bidirectional, "align_word_pairs", recording)
    assert _run([*args, "--batch-size", "2"]).stdout == whole
    assert sizes == [2, 2, 1]
    assert len(whole.splitlines()) == 5


def test_translate_answers_each_line_of_stdin_before_the_next_arrives(toy_model):
    """A reader of the whole input would wait for its end: this one prints
    the first output while stdin is still open."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", PROGRESS_ENV: "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "spacy_seq2seq", "translate", str(toy_model), "--json", "--batch-size", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT,
    )
    lines: "queue.Queue[str]" = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
    reader.start()
    with process:
        try:
            for source, target in TOY_PAIRS[:2]:
                process.stdin.write(source + "\n")
                process.stdin.flush()
                assert json.loads(lines.get(timeout=180))["translation"] == target
            process.stdin.close()
            assert process.wait(timeout=60) == 0
        finally:
            process.kill()
            reader.join(timeout=10)


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("stdout_is_a_terminal", [True, False])
def test_output_lines_and_the_bar_share_a_terminal(monkeypatch, stdout_is_a_terminal):
    """On the terminal the bar is on, a printed line clears the bar first
    and the bar is drawn again after it; to a file, lines go out plainly.
    Either way stdout gets exactly the lines."""
    out, err = _Stream(stdout_is_a_terminal), _Stream(True)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    with Progress(quiet=False, total=2, what="texts") as progress:
        for text in progress.track(["a", "b"]):
            progress.echo(f"-> {text}")
    assert out.getvalue() == "-> a\n-> b\n"
    assert "2/2" in err.getvalue() and "texts/s" in err.getvalue()
