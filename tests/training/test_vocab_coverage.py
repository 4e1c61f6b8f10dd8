"""Pieces and words of a new corpus that a trained component's
vocabularies map to unknown are counted, quoted and warned about."""

import warnings

import pytest
import spacy
from spacy import util
from toy_data import TOY_CONFIG, TOY_PAIRS, make_examples

from spacy_seq2seq.training import measure_vocab_coverage
from spacy_seq2seq.training.vocab_coverage import report_vocab_coverage

# "œ", "ç", "q" and "z" never occur in the toy pairs the model learned from.
NEW_WORDS = [("le chat dort .", "the cat sleeps ."),
             ("le cœur du chat dort .", "the cat's heart sleeps ."),
             ("le garçon dort .", "the boy sleeps quietly ."),
             ("le cœur du chien mange .", "the dog's heart eats quizzes .")]


def test_a_corpus_of_known_text_has_nothing_unknown(trained_toy):
    nlp, _ = trained_toy
    coverage = measure_vocab_coverage(nlp.get_pipe("seq2seq_attn"), make_examples(nlp, TOY_PAIRS))
    assert coverage.n_examples == len(TOY_PAIRS)
    n_words = sum(len(src.split()) for src, _ in TOY_PAIRS)
    assert coverage.source.n_words == n_words and coverage.target.n_words == n_words
    assert coverage.source.n_pieces >= n_words
    assert not coverage.has_unknown
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report_vocab_coverage(coverage)  # no W017


def test_unknown_pieces_are_counted_by_side_and_quoted(trained_toy):
    nlp, _ = trained_toy
    coverage = measure_vocab_coverage(nlp.get_pipe("seq2seq_attn"), make_examples(nlp, NEW_WORDS))
    assert dict(coverage.source.unknown_words) == {"cœur": 2, "garçon": 1}
    assert coverage.source.n_unknown_words == 3
    assert coverage.source.n_unknown_pieces >= 3
    assert coverage.source.unknown_word_rate == pytest.approx(3 / coverage.source.n_words)
    assert coverage.source.examples(1) == [("cœur", 2)]
    assert set(coverage.target.unknown_words) >= {"quietly", "quizzes"}
    with pytest.warns(UserWarning, match=r"\[W017\].*'cœur' x2"):
        report_vocab_coverage(coverage)
    assert coverage.to_dict(5)["source"]["examples"][0] == ["cœur", 2]


def test_limit_stops_reading(trained_toy):
    nlp, _ = trained_toy
    coverage = measure_vocab_coverage(nlp.get_pipe("seq2seq_attn"), make_examples(nlp, NEW_WORDS), limit=1)
    assert coverage.n_examples == 1 and not coverage.has_unknown


def test_an_uninitialised_component_is_refused():
    nlp = spacy.blank("fr")
    pipe = nlp.add_pipe("seq2seq_attn", config=TOY_CONFIG)
    with pytest.raises(ValueError, match=r"\[E087\]"):
        measure_vocab_coverage(pipe, [])


def test_the_callback_measures_the_new_corpus_of_the_config(trained_toy, tmp_path):
    trained_toy[0].to_disk(tmp_path / "model")
    nlp = spacy.load(tmp_path / "model")  # a copy: the fixture is shared
    new = tmp_path / "new.tsv"
    new.write_text("".join(f"{s}\t{t}\n" for s, t in NEW_WORDS), encoding="utf8")
    config = nlp.config.copy()
    config["paths"]["train"] = str(new)  # the toy pipeline's config has no corpora: add one
    config["corpora"] = {"train": {"@readers": "spacy-seq2seq.MixedCorpus.v1", "new": {
        "@readers": "spacy-seq2seq.ParallelCorpus.v1", "path": str(new)}}}
    nlp._config = config
    make = util.registry.callbacks.get("spacy-seq2seq.vocab_coverage_report.v1")
    with pytest.warns(UserWarning, match=r"\[W017\].*on 4 examples.*'cœur' x2"):
        assert make()(nlp) is nlp
    with pytest.raises(ValueError, match=r"\[E088\].*'translator'"):
        make(component="translator")(nlp)
