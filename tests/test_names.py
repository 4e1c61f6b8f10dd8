"""The one naming scheme for extensions and record keys (spacy_seq2seq.names)."""

import ast
from pathlib import Path

import pytest

from spacy_seq2seq.names import ALL_SUFFIXES, FieldNames
from spacy_seq2seq.pipeline.extensions import extension_names


def test_names_of_a_field():
    names = FieldNames("summary")
    assert names.text == "summary"
    assert names.tokens == "summary_tokens"
    assert names.alignment == "summary_alignment"
    assert names.nbest_attention == "summary_nbest_attention"
    assert names.copied == "summary_copied"
    assert names.doc == "summary_doc"
    assert names.score == "summary_score"


def test_every_role_has_a_property():
    names = FieldNames("f")
    for role, suffix in ALL_SUFFIXES.items():
        assert getattr(names, role) == "f" + suffix


def test_stored_names_are_what_the_component_registers():
    assert extension_names("translation") == FieldNames("translation").stored()
    assert list(extension_names("x")) == [
        "text", "tokens", "alignment", "attention", "nbest", "nbest_tokens",
        "nbest_alignment", "nbest_attention", "copied", "terms", "terms_used",
    ]


def test_names_module_imports_nothing_from_the_package():
    source = Path(__file__).parents[1] / "spacy_seq2seq" / "names.py"
    tree = ast.parse(source.read_text(encoding="utf8"))
    relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    absolute = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + [
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    ]
    assert not relative
    assert not any(str(name).startswith("spacy_seq2seq") for name in absolute), absolute


def test_unknown_role_is_an_attribute_error():
    with pytest.raises(AttributeError):
        FieldNames("f").nonexistent  # noqa: B018
