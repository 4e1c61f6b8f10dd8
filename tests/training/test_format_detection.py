"""Tests for format = "auto": which format a parallel corpus is read as."""

import gzip
import json

import pytest
import spacy
from corpus_files import PAIRS, pairs_of, tsv, write
from spacy.language import Language

from spacy_seq2seq.training.format_detection import FORMATS, detect_format
from spacy_seq2seq.training.readers import ParallelCorpus


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("fr")


@pytest.mark.parametrize(
    "name,expected",
    [
        ("train.tsv", "tsv"),
        ("train.TSV", "tsv"),
        ("train.jsonl", "jsonl"),
        ("train.json", "json"),
        ("train.tsv.gz", "tsv"),
        ("train.jsonl.gz", "jsonl"),
    ],
)
def test_known_suffix_decides_without_reading(tmp_path, name, expected):
    # The file does not exist: a known suffix must not need its content.
    assert detect_format(tmp_path / name) == expected


def test_target_file_means_lines_whatever_the_suffix(tmp_path):
    assert detect_format(tmp_path / "train.tsv", tmp_path / "train.en") == "lines"


def test_unknown_suffix_with_a_tab_on_the_first_non_blank_line_is_tsv(tmp_path):
    path = write(tmp_path / "fra.txt", "\n  \n" + tsv(PAIRS))
    assert detect_format(path) == "tsv"


def test_gzipped_unknown_suffix_is_sniffed_after_decompression(tmp_path):
    path = tmp_path / "fra.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as file_:
        file_.write(tsv(PAIRS))
    assert detect_format(path) == "tsv"


@pytest.mark.parametrize("text", ["no tabs here\n", "", "\n\n", "first\nsecond\tline\n"])
def test_unknown_suffix_without_a_tab_first_raises_E027(tmp_path, text):
    path = write(tmp_path / "train.txt", text)
    with pytest.raises(ValueError, match=r"^\[E027\] .*cannot infer the format") as excinfo:
        detect_format(path)
    message = str(excinfo.value)
    assert str(path) in message
    # The fix lists the explicit formats, not "auto".
    assert "lines, tsv, jsonl, json" in message
    assert "auto" not in message


def test_formats_lists_auto_first():
    assert FORMATS == ("auto", "lines", "tsv", "jsonl", "json")


def test_reader_resolves_auto_and_keeps_an_explicit_format(tmp_path, nlp):
    path = write(tmp_path / "fra.txt", tsv(PAIRS))
    reader = ParallelCorpus(path)
    assert reader.resolve_format() == "tsv"
    assert pairs_of(list(reader(nlp))) == PAIRS
    assert reader.stats.format == "tsv"
    # An explicit format wins over the suffix.
    jsonl = write(tmp_path / "pairs.tsv", json.dumps({"src": "Oui.", "tgt": "Yes."}) + "\n")
    explicit = ParallelCorpus(jsonl, format="jsonl")
    assert explicit.resolve_format() == "jsonl"
    assert pairs_of(list(explicit(nlp))) == [("Oui.", "Yes.")]


def test_reader_with_undetectable_format_raises_when_called(tmp_path, nlp):
    reader = ParallelCorpus(write(tmp_path / "train.txt", "no tabs here\n"))
    with pytest.raises(ValueError, match=r"\[E027\] .*cannot infer the format"):
        list(reader(nlp))
