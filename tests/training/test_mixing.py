"""MixedCorpus: every new example once per pass, and the configured share
of each pass drawn at random from the old corpus."""

import pytest
import spacy
from corpus_files import tsv, write
from spacy import util

from spacy_seq2seq.training import MixedCorpus, ParallelCorpus
from spacy_seq2seq.training.mixing import interleave

NEW = [(f"nouveau {i} .", f"new {i} .") for i in range(30)]
OLD = [(f"ancien {i} .", f"old {i} .") for i in range(200)]


@pytest.fixture
def files(tmp_path):
    return write(tmp_path / "new.tsv", tsv(NEW)), write(tmp_path / "old.tsv", tsv(OLD))


def sources(examples):
    return [eg.reference.text for eg in examples]


@pytest.mark.parametrize("share, n_old", [(0.25, 10), (0.5, 30), (0.1, 3)])
def test_the_share_of_old_examples_is_respected(files, share, n_old):
    new, old = files
    nlp = spacy.blank("fr")
    corpus = MixedCorpus(ParallelCorpus(new), old_path=old, old_share=share)
    texts = sources(corpus(nlp))
    olds = [text for text in texts if text.startswith("ancien")]
    assert [text for text in texts if text.startswith("nouveau")] == [src for src, _ in NEW]
    assert len(olds) == n_old == corpus.n_old_for(len(NEW))
    assert len(set(olds)) == n_old  # drawn without replacement
    assert corpus.last_counts == (len(NEW), n_old)
    assert abs(len(olds) / len(texts) - share) < 0.02


def test_old_examples_are_spread_and_sampled_anew_each_pass(files):
    new, old = files
    nlp = spacy.blank("fr")
    corpus = MixedCorpus(ParallelCorpus(new), old_path=old, old_share=0.25, seed=3)
    first, second = sources(corpus(nlp)), sources(corpus(nlp))
    # Never two old examples in a row at a share under one half.
    assert not any(a.startswith("ancien") and b.startswith("ancien") for a, b in zip(first, first[1:]))
    assert first != second
    again = MixedCorpus(ParallelCorpus(new), old_path=old, old_share=0.25, seed=3)
    assert sources(again(nlp)) == first  # seeded


def test_the_old_sample_is_random_not_the_first_lines(files):
    new, old = files
    corpus = MixedCorpus(ParallelCorpus(new), old_path=old, old_share=0.25)
    numbers = [int(text.split()[1]) for text in sources(corpus(spacy.blank("fr"))) if text.startswith("ancien")]
    assert max(numbers) >= 20


def test_a_small_old_corpus_is_repeated(tmp_path):
    new = write(tmp_path / "new.tsv", tsv(NEW))
    old = write(tmp_path / "old.tsv", tsv(OLD[:4]))
    corpus = MixedCorpus(ParallelCorpus(new), old_path=old, old_share=0.5)
    olds = [text for text in sources(corpus(spacy.blank("fr"))) if text.startswith("ancien")]
    assert len(olds) == 30
    assert sorted(set(olds)) == sorted(src for src, _ in OLD[:4])
    assert max(olds.count(text) for text in set(olds)) - min(olds.count(text) for text in set(olds)) <= 1


def test_share_zero_never_reads_the_old_corpus(tmp_path):
    new = write(tmp_path / "new.tsv", tsv(NEW))
    corpus = MixedCorpus(ParallelCorpus(new), old_path=tmp_path / "missing.tsv", old_share=0.0)
    assert sources(corpus(spacy.blank("fr"))) == [src for src, _ in NEW]


@pytest.mark.parametrize("share", [-0.1, 1.0, 1.5, "0.2"])
def test_a_share_outside_zero_to_one_is_refused(files, share):
    with pytest.raises(ValueError, match=r"\[E085\]"):
        MixedCorpus(ParallelCorpus(files[0]), old_path=files[1], old_share=share)


def test_a_share_without_an_old_corpus_is_refused(files):
    with pytest.raises(ValueError, match=r"\[E086\]"):
        MixedCorpus(ParallelCorpus(files[0]), old_share=0.2)


def test_interleave_keeps_everything():
    assert list(interleave([1, 2, 3], ["a"])) == [1, 2, "a", 3]
    assert list(interleave([], ["a", "b"])) == ["a", "b"]


def test_the_reader_resolves_from_a_config(files):
    new, old = files
    config = util.Config().from_str(f"""
[corpora]
[corpora.train]
@readers = "spacy-seq2seq.MixedCorpus.v1"
old_path = "{old}"
old_share = 0.25
[corpora.train.new]
@readers = "spacy-seq2seq.ParallelCorpus.v1"
path = "{new}"
""")
    corpus = util.registry.resolve(config)["corpora"]["train"]
    assert isinstance(corpus, MixedCorpus)
    assert len(list(corpus(spacy.blank("fr")))) == 40
