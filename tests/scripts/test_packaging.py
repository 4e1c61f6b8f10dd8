"""`spacy package` -> wheel -> fresh venv -> identical translations (slow:
it creates a venv and installs torch, spaCy and this package into it)."""

import subprocess
import sys
from pathlib import Path

import pytest
from toy_data import TOY_PAIRS

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_package.py"


@pytest.mark.slow
def test_packaged_pipeline_installs_and_translates_identically(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    texts = [arg for source, _ in TOY_PAIRS for arg in ("--text", source)]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "model"), str(tmp_path / "work"),
         "--name", "toy_check", *texts],
        capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "OK: fr_toy_check-0.0.1" in result.stdout
    assert "le chat noir dort . -> the black cat sleeps ." in result.stdout
