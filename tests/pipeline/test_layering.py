"""The pipeline layer does not import the torch network (`models/pytorch`).

Precisely: no pipeline module imports `models.pytorch` (or torch) itself,
and every pipeline module but those in NEEDS_THE_NETWORK loads without
`models.pytorch` at all. Those reach the network through the thinc glue
(`models/`), which is what they are for: `seq2seq_attn.py` (the component
runs, trains and averages the wrapped network), `saved_parts.py` (it saves
and loads its weights), `factory.py` (it builds the component, with the
default model config the architecture generates) and `__init__.py` (it
re-exports the component). Everything else, the settings included,
needs no network: shared maths lives in `spacy_seq2seq/penalties.py`,
shared data types (the search settings among them) in `models/types.py`.

(`import spacy` itself imports torch through thinc, so torch in
`sys.modules` says nothing; the check is on this package's modules.)
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "spacy_seq2seq" / "pipeline"
NEEDS_THE_NETWORK = {"seq2seq_attn", "saved_parts", "factory", "__init__"}
NETWORK_FREE = sorted(
    path.stem for path in PIPELINE.glob("*.py") if path.stem not in NEEDS_THE_NETWORK
)

# Import modules one after another with their packages' __init__ files
# skipped (they re-export the component, which legitimately needs the
# network), and list after each which `models` modules have been loaded so
# far: the first module that brings the network in is named.
PROBE = """
import importlib, json, sys, types
from pathlib import Path

root = Path(sys.argv[1])
for package in ("spacy_seq2seq", "spacy_seq2seq.pipeline", "spacy_seq2seq.models"):
    stub = types.ModuleType(package)
    stub.__path__ = [str(root.joinpath(*package.split(".")))]
    sys.modules[package] = stub
loaded = {}
for module in sys.argv[2:]:
    try:
        importlib.import_module("spacy_seq2seq.pipeline." + module)
    except ImportError as error:  # e.g. it takes a name the models package re-exports
        loaded[module] = [f"ImportError: {error}"]
        continue
    loaded[module] = sorted(name for name in sys.modules if name.startswith("spacy_seq2seq.models."))
print(json.dumps(loaded))
"""


def probe(*modules):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT), *modules],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _imported_modules(path: Path):
    """Every module `path` imports, as written (relative ones resolved)."""
    package = ["spacy_seq2seq", "pipeline"]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


@pytest.mark.parametrize("path", sorted(PIPELINE.glob("*.py")), ids=lambda path: path.name)
def test_no_pipeline_module_imports_torch_or_the_network_itself(path):
    imported = set(_imported_modules(path))
    assert not {name for name in imported if name == "torch" or name.startswith("torch.")}
    assert not {name for name in imported if name.startswith("spacy_seq2seq.models.pytorch")}


def test_the_modules_that_need_the_network_are_the_listed_ones():
    # A module joins NEEDS_THE_NETWORK on purpose, not by accident.
    modules = {path.stem for path in PIPELINE.glob("*.py")}
    assert NEEDS_THE_NETWORK <= modules
    assert "settings" in NETWORK_FREE and "forced" in NETWORK_FREE


def test_pipeline_modules_load_without_the_network():
    loaded = probe(*NETWORK_FREE)
    assert list(loaded) == NETWORK_FREE
    for module, models_modules in loaded.items():
        # models/types.py holds plain data types (numpy in, numpy out).
        assert set(models_modules) <= {"spacy_seq2seq.models.types"}, (module, models_modules)


def test_the_probe_sees_the_network_where_it_is_imported():
    """The check above can fail: saving and loading the weights does load it."""
    assert "spacy_seq2seq.models.pytorch" in probe("saved_parts")["saved_parts"]
