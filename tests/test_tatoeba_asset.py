"""Checks on the shipped Tatoeba fr->en subset in assets/tatoeba-fr-en/."""

import hashlib
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import spacy
from spacy.language import Language

from spacy_seq2seq.training.readers import ParallelCorpus

ASSET_DIR = Path(__file__).resolve().parents[1] / "assets" / "tatoeba-fr-en"
EXPECTED_COUNTS = {"train": 120_000, "dev": 1_000, "test": 1_000}
MAX_WORDS = 15


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("fr")


@pytest.fixture(scope="module")
def splits() -> Dict[str, List[Tuple[str, str]]]:
    """(fr, en) pairs per split, parsed without the reader (fast, exact)."""
    data = {}
    for name in EXPECTED_COUNTS:
        text = (ASSET_DIR / f"{name}.tsv").read_bytes().decode("utf-8")
        assert "\r" not in text and not text.startswith("\ufeff")
        rows = [line.split("\t") for line in text.split("\n")[:-1]]
        assert all(len(row) == 2 for row in rows), f"{name}.tsv: not 2 columns"
        data[name] = [(fr, en) for fr, en in rows]
    return data


@pytest.mark.parametrize("name", ["dev", "test"])
def test_heldout_parses_with_reader(nlp, splits, name):
    reader = ParallelCorpus(ASSET_DIR / f"{name}.tsv", on_malformed="error")
    examples = list(reader(nlp))
    assert len(examples) == EXPECTED_COUNTS[name]
    assert reader.stats.format == "tsv"
    # Source first: the Doc is the French side, the target the English side.
    pairs = [(eg.reference.text, eg.reference._.translation) for eg in examples]
    assert pairs == splits[name]


def test_train_parses_with_reader(nlp, splits):
    # The full 120k-pair pass takes several seconds; the head is read by the
    # reader here, the whole file is checked by `splits` and the --slow test.
    reader = ParallelCorpus(ASSET_DIR / "train.tsv", on_malformed="error", limit=2000)
    pairs = [(eg.reference.text, eg.reference._.translation) for eg in reader(nlp)]
    assert pairs == splits["train"][:2000]


def test_train_full_pass_with_reader(request, nlp):
    if not request.config.getoption("--slow", default=False):
        pytest.skip("full pass over train.tsv; run with --slow")
    reader = ParallelCorpus(ASSET_DIR / "train.tsv", on_malformed="error")
    assert sum(1 for _ in reader(nlp)) == EXPECTED_COUNTS["train"]
    assert reader.stats.skipped == 0


def test_counts_and_length_filter(splits):
    assert {name: len(pairs) for name, pairs in splits.items()} == EXPECTED_COUNTS
    for pairs in splits.values():
        for fr, en in pairs:
            assert fr.strip() and en.strip()
            assert len(fr.split()) <= MAX_WORDS and len(en.split()) <= MAX_WORDS


def test_no_heldout_sentence_in_train(splits):
    train_en = {en for _, en in splits["train"]}
    train_fr = {fr for fr, _ in splits["train"]}
    for name in ("dev", "test"):
        assert not {en for _, en in splits[name]} & train_en, name
        assert not {fr for fr, _ in splits[name]} & train_fr, name
    dev_en = {en for _, en in splits["dev"]}
    assert not dev_en & {en for _, en in splits["test"]}


def test_readme_checksums_match_files():
    readme = (ASSET_DIR / "README.md").read_text(encoding="utf-8")
    assert "tatoeba.org" in readme and "manythings.org/anki" in readme
    assert "CC-BY 2.0 FR" in readme
    for name, count in EXPECTED_COUNTS.items():
        data = (ASSET_DIR / f"{name}.tsv").read_bytes()
        row = re.search(
            rf"\| `{name}\.tsv` \| ([\d,]+) \| [\d,]+ \| `(\w+)` \|", readme
        )
        assert row is not None, f"no README row for {name}.tsv"
        assert int(row.group(1).replace(",", "")) == count
        assert row.group(2) == hashlib.sha256(data).hexdigest()
