"""Tests for the counts and the report of one pass over a parallel corpus."""

import logging

import pytest
import spacy
from corpus_files import PAIRS, pairs_of, tsv, write
from spacy.language import Language

from spacy_seq2seq.training.corpus_stats import MAX_RECORDED_LINES, CorpusStats
from spacy_seq2seq.training.readers import ParallelCorpus


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("fr")


def test_count_skipped_keeps_counts_first_lines_and_first_reason():
    stats = CorpusStats(path="corpus/train.tsv", format="tsv")
    stats.count_skipped("malformed", 3, "train.tsv", "found 3 columns")
    stats.count_skipped("empty", 4, "train.tsv", "the target is empty")
    stats.count_skipped("malformed", 7, "train.tsv", "invalid JSON")
    assert (stats.malformed, stats.empty, stats.too_long) == (2, 1, 0)
    assert stats.malformed_lines == [3, 7]
    assert stats.empty_lines == [4]
    assert stats.first_malformed_reason == "'train.tsv' line 3: found 3 columns"
    assert stats.skipped == 3


def test_recorded_line_numbers_are_bounded_but_counts_are_not():
    stats = CorpusStats(path="train.tsv", format="tsv")
    for number in range(1, MAX_RECORDED_LINES + 6):
        stats.count_skipped("empty", number, "train.tsv", "the source is empty")
    assert stats.empty == MAX_RECORDED_LINES + 5
    assert stats.empty_lines == list(range(1, MAX_RECORDED_LINES + 1))
    assert stats.summary().startswith(
        f"ParallelCorpus train.tsv: yielded 0, skipped {MAX_RECORDED_LINES + 5} "
        f"({MAX_RECORDED_LINES + 5} empty at lines 1, 2,"
    )
    assert f"{MAX_RECORDED_LINES}, ...)" in stats.summary()


def test_json_records_are_items_not_lines():
    stats = CorpusStats(path="data/train.json", format="json", yielded=5)
    stats.count_skipped("malformed", 2, "train.json", "missing key(s) 'tgt'")
    assert stats.unit == "item"
    assert stats.summary() == (
        "ParallelCorpus train.json: yielded 5, skipped 1 (1 malformed at item 2), "
        "0 too long. First malformed item: 'train.json' item 2: missing key(s) 'tgt'"
    )
    assert CorpusStats(path="x.tsv", format="tsv").unit == "line"


def test_summary_of_a_clean_pass_stopped_at_limit():
    stats = CorpusStats(path="train.tsv", format="tsv", yielded=2, too_long=1, stopped_at_limit=True)
    assert stats.summary() == (
        "ParallelCorpus train.tsv: yielded 2, skipped 0, 1 too long (stopped early at `limit`)"
    )
    data = stats.to_dict()
    assert data["skipped"] == 1 and data["too_long"] == 1 and data["stopped_at_limit"] is True


@pytest.mark.parametrize(
    "counts,level",
    [
        ({"yielded": 3}, logging.INFO),
        ({"yielded": 3, "too_long": 2}, logging.INFO),
        ({"yielded": 3, "malformed": 1}, logging.WARNING),
        ({"yielded": 3, "empty": 1}, logging.WARNING),
        ({"yielded": 0}, logging.WARNING),
    ],
)
def test_log_summary_warns_only_when_input_needs_a_look(caplog, counts, level):
    stats = CorpusStats(path="train.tsv", format="tsv", **counts)
    with caplog.at_level(logging.INFO, logger="spacy_seq2seq"):
        stats.log_summary()
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [(level, stats.summary())]


def test_max_length_filter_counts(tmp_path, nlp):
    pairs = PAIRS + [("Un deux trois quatre cinq six.", "One.")]
    reader = ParallelCorpus(write(tmp_path / "train.tsv", tsv(pairs)), max_length=4)
    # "Il fait beau aujourd'hui." has 4 words but its target has 5.
    assert pairs_of(list(reader(nlp))) == [PAIRS[0], PAIRS[2]]
    assert reader.stats.too_long == 2
    assert reader.stats.yielded == 2
    assert reader.stats.malformed == reader.stats.empty == 0


def test_malformed_and_empty_skipped_counted_and_logged(tmp_path, nlp, caplog):
    text = tsv(PAIRS[:2]) + "only one column\n" + "Salut !\t  \n" + "\n"
    text += "a\tb\tc\n" + tsv(PAIRS[2:])
    reader = ParallelCorpus(write(tmp_path / "train.tsv", text))
    with caplog.at_level(logging.WARNING, logger="spacy_seq2seq"):
        assert pairs_of(list(reader(nlp))) == PAIRS
    stats = reader.stats
    assert (stats.yielded, stats.malformed, stats.empty) == (3, 2, 2)
    assert stats.malformed_lines == [3, 6]
    assert stats.empty_lines == [4, 5]
    assert stats.to_dict()["skipped"] == 4
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert message.startswith("ParallelCorpus train.tsv: yielded 3, skipped 4")
    assert "2 malformed at lines 3, 6" in message
    assert "2 empty at lines 4, 5" in message


def test_clean_pass_logs_no_warning(tmp_path, nlp, caplog):
    reader = ParallelCorpus(write(tmp_path / "train.tsv", tsv(PAIRS)))
    with caplog.at_level(logging.INFO, logger="spacy_seq2seq"):
        list(reader(nlp))
    assert [r.levelno for r in caplog.records] == [logging.INFO]


def test_stats_are_exposed_before_the_pass_ends(tmp_path, nlp):
    reader = ParallelCorpus(write(tmp_path / "train.tsv", tsv(PAIRS)))
    examples = reader(nlp)
    next(examples)
    assert reader.stats is not None
    assert reader.stats.yielded == 1 and not reader.stats.complete
    list(examples)
    assert reader.stats.yielded == 3 and reader.stats.complete
