"""The README's table of Doc extensions lists every name a component writes
or computes (spacy_seq2seq/names.py), so a new extension cannot be added
without the front page saying what it holds."""

import re
from pathlib import Path

from spacy_seq2seq.names import COMPUTED_SUFFIXES, STORED_SUFFIXES, FieldNames

README = Path(__file__).resolve().parents[1] / "README.md"
# Which object each computed name is an extension of.
GETTER_OWNERS = {"doc": "doc", "attention_blocks": "doc", "aligned": "token", "projection": "span", "projection_report": "doc"}


def _table_names(text: str) -> list:
    """The first-column code names of the extension table's rows."""
    section = text.split("## What is written on the Doc", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `((?:doc|token|span)\._\.\w+)` \|", section, flags=re.MULTILINE)


def test_extension_table_lists_every_name_once():
    names = FieldNames("translation")
    expected = [f"doc._.{names.field}{suffix}" for suffix in STORED_SUFFIXES.values()]
    expected += [f"{GETTER_OWNERS[role]}._.{names.field}{suffix}" for role, suffix in COMPUTED_SUFFIXES.items()]
    listed = _table_names(README.read_text(encoding="utf8"))
    assert sorted(listed) == sorted(expected)
    assert len(listed) == len(set(listed))


def test_table_parser_sees_a_missing_row():
    text = README.read_text(encoding="utf8")
    without_copied = "\n".join(line for line in text.splitlines() if "`doc._.translation_copied`" not in line)
    assert "doc._.translation_copied" not in _table_names(without_copied)
    assert len(_table_names(without_copied)) == len(_table_names(text)) - 1
