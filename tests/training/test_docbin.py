"""Tests for writing a parallel corpus to a .spacy file (DocBin)."""

import pytest
import spacy
from corpus_files import PAIRS, pairs_of, tsv, write
from spacy.language import Language
from spacy.training import Corpus

from spacy_seq2seq.training import convert_to_docbin
from spacy_seq2seq.training.readers import ParallelCorpus


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("fr")


def test_convert_to_docbin_roundtrip_with_spacy_corpus(tmp_path, nlp):
    path = write(tmp_path / "train.tsv", tsv(PAIRS) + "bad line\n")
    output = tmp_path / "corpus" / "train.spacy"
    stats = convert_to_docbin(ParallelCorpus(path), nlp, output)
    assert stats.yielded == 3 and stats.malformed == 1
    assert stats.complete
    examples = list(Corpus(output)(nlp))
    assert pairs_of(examples) == PAIRS
    assert examples[0].predicted._.translation is None


def test_convert_to_docbin_keeps_the_field_and_the_filters(tmp_path, nlp):
    pairs = PAIRS + [("Un deux trois quatre cinq six.", "One.")]
    path = write(tmp_path / "train.tsv", tsv(pairs))
    output = tmp_path / "train.spacy"
    reader = ParallelCorpus(path, field="summary", max_length=4)
    stats = convert_to_docbin(reader, nlp, str(output))
    assert stats is reader.stats
    assert (stats.yielded, stats.too_long) == (2, 2)
    docs = [eg.reference for eg in Corpus(output)(nlp)]
    assert [(doc.text, doc._.summary) for doc in docs] == [PAIRS[0], PAIRS[2]]
    assert all(doc._.translation is None for doc in docs)


def test_convert_to_docbin_raises_in_error_mode_and_writes_nothing(tmp_path, nlp):
    path = write(tmp_path / "train.tsv", tsv(PAIRS) + "bad line\n")
    output = tmp_path / "train.spacy"
    with pytest.raises(ValueError, match=r"\[E028\] .*line 4"):
        convert_to_docbin(ParallelCorpus(path, on_malformed="error"), nlp, output)
    assert not output.exists()
