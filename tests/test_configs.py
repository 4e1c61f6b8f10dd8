"""Every config in configs/ is complete: spaCy's auto-fill adds nothing
(no hidden defaults) and everything resolves."""

from pathlib import Path

import pytest
from spacy import util

ALL_CONFIGS = sorted((Path(__file__).parents[1] / "configs").glob("*.cfg"))
# A config that sources a component (finetune.cfg) needs a trained base
# model to load: tests/training/test_finetune.py checks it with one.
SOURCING = {path for path in ALL_CONFIGS if "\nsource = " in path.read_text(encoding="utf8")}
CONFIGS = [path for path in ALL_CONFIGS if path not in SOURCING]


def _differences(written, filled, prefix=""):
    found = []
    for key in sorted(set(written) | set(filled)):
        if key not in written:
            found.append(f"missing {prefix}{key}")
        elif key not in filled:
            found.append(f"unknown {prefix}{key}")
        elif isinstance(written[key], dict) and isinstance(filled[key], dict):
            found.extend(_differences(written[key], filled[key], f"{prefix}{key}."))
        elif written[key] != filled[key] and not (isinstance(written[key], str) and "${" in written[key]):
            found.append(f"{prefix}{key}: {written[key]!r} is filled as {filled[key]!r}")
    return found


@pytest.mark.parametrize("path", CONFIGS, ids=[path.name for path in CONFIGS])
def test_config_is_complete(path):
    written = util.load_config(path, interpolate=False)
    nlp = util.load_model_from_config(written, auto_fill=True, validate=True)
    assert _differences(written, nlp.config) == []


def test_every_documented_config_exists():
    names = {path.stem for path in CONFIGS}
    assert {"tatoeba_fr_en", "multi30k_de_en", "multi30k_en_de", "multi30k_en_fr", "tiny", "samsum"} <= names
    assert {path.stem for path in SOURCING} == {"finetune"}
