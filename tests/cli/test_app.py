"""`python -m spacy_seq2seq`: the app assembled from the command modules."""

import subprocess
import sys

from typer.testing import CliRunner

from spacy_seq2seq.__main__ import app as main_app
from spacy_seq2seq.cli import app

COMMANDS = ["translate", "evaluate", "convert", "align", "evaluate-alignment", "render", "translate-corpus"]


def test_python_dash_m_lists_every_command():
    result = subprocess.run(
        [sys.executable, "-m", "spacy_seq2seq", "--help"], capture_output=True, text=True, timeout=120,
        env={"COLUMNS": "200", "PATH": "", "PYTHONPATH": ":".join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
    # Commands panel rows read "│ NAME   what it does │".
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("│ ")]
    listed = [row[1] for row in rows if len(row) > 2 and row[1] in COMMANDS]
    assert listed == COMMANDS


def test_main_runs_the_cli_app():
    assert main_app is app


def test_an_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(app, ["transalte"])
    assert result.exit_code == 2
    assert "No such command" in result.output
