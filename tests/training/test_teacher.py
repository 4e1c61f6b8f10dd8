"""The alignment teacher: eflomal's links made from the training corpus by
the reader (`alignment_teacher = "eflomal"`), cached by checksum, on the
words the model aligns; bad input is skipped and counted, never shifted."""

import sys

import pytest
import spacy
from corpus_files import tsv, write
from toy_data import CONTENT_LINKS
from toy_data import adjective_noun_pairs as toy_pairs

from spacy_seq2seq.alignment import eflomal as eflomal_module
from spacy_seq2seq.alignment import symmetrize
from spacy_seq2seq.alignment.eflomal import MAX_EFLOMAL_WORDS, run_eflomal
from spacy_seq2seq.pipeline.train_batch import TARGET_WORDS_KEY
from spacy_seq2seq.training import teacher as teacher_module
from spacy_seq2seq.training.readers import ParallelCorpus

pytest.importorskip("eflomal")



def share_right(alignments) -> float:
    """The share of pairs whose content words (noun, adjective, verb) are
    all linked right."""
    return sum(CONTENT_LINKS <= set(links) for links in alignments) / len(alignments)


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("fr")
    pipeline.add_pipe("seq2seq_attn", config={"tgt_lang": "en"})
    return pipeline


def count_eflomal_runs(monkeypatch):
    calls = []
    real = teacher_module.run_eflomal_on_distinct_pairs

    def counted(src, tgt):
        calls.append(len(src))
        return real(src, tgt)

    monkeypatch.setattr(teacher_module, "run_eflomal_on_distinct_pairs", counted)
    return calls


def test_eflomal_library_aligns_a_reordering_toy():
    pairs = toy_pairs()
    forward, reverse = run_eflomal([s for s, _ in pairs], [t for _, t in pairs])
    assert len(forward) == len(reverse) == len(pairs)
    assert share_right([symmetrize(f, r, "grow-diag-final-and") for f, r in zip(forward, reverse)]) >= 0.9


def test_mismatched_sides_raise_E151():
    with pytest.raises(ValueError, match=r"\[E151\].*2 source and 1 target"):
        run_eflomal(["a b", "c"], ["x"])


def test_missing_eflomal_names_the_extra(monkeypatch, tmp_path, nlp):
    monkeypatch.setitem(sys.modules, "eflomal", None)
    reader = ParallelCorpus(write(tmp_path / "pairs.tsv", tsv(toy_pairs())), alignment_teacher="eflomal",
                            teacher_cache_dir=tmp_path / "cache")
    with pytest.raises(ImportError, match=r'\[E150\].*pip install \\?"spacy-seq2seq\[align\]'):
        next(iter(reader(nlp)))


def test_teacher_links_reach_the_examples_on_tokenizer_words(tmp_path, nlp):
    pairs = toy_pairs()
    path = write(tmp_path / "pairs.tsv", tsv(pairs))
    reader = ParallelCorpus(path, alignment_teacher="eflomal", teacher_cache_dir=tmp_path / "cache")
    examples = list(reader(nlp))
    assert len(examples) == len(pairs)
    assert share_right([eg.reference._.translation_alignment for eg in examples]) >= 0.9
    # Untokenised text: the links index the target tokenizer's words, and say so.
    assert all(eg.reference.user_data[TARGET_WORDS_KEY] == "tokenizer" for eg in examples)


def test_source_links_index_doc_tokens_past_space_tokens(tmp_path, nlp):
    # A double space makes a space token in the Doc: the teacher aligns words,
    # and links must point past the space token at the real token.
    pairs = toy_pairs() + [("le  chat noir dort .", "the black cat sleeps .")]
    reader = ParallelCorpus(write(tmp_path / "pairs.tsv", tsv(pairs)), alignment_teacher="eflomal",
                            teacher_cache_dir=tmp_path / "cache")
    last = list(reader(nlp))[-1]
    assert last.reference[1].is_space
    # le(0) _(1) chat(2) noir(3) dort(4) .(5)
    assert {(2, 2), (3, 1), (4, 3)} <= set(last.reference._.translation_alignment)


def test_second_run_reads_the_cache_and_a_changed_corpus_recomputes(tmp_path, monkeypatch, nlp):
    calls = count_eflomal_runs(monkeypatch)
    pairs = toy_pairs()
    path = write(tmp_path / "pairs.tsv", tsv(pairs))
    cache = tmp_path / "cache"

    def links_of_a_new_reader():
        reader = ParallelCorpus(path, alignment_teacher="eflomal", teacher_cache_dir=cache)
        return [eg.reference._.translation_alignment for eg in reader(nlp)], reader

    first, reader = links_of_a_new_reader()
    list(reader(nlp))  # a second pass of the same reader does not align again
    assert calls == [len(pairs)]
    second, _ = links_of_a_new_reader()  # a new run: from the cache
    assert calls == [len(pairs)]
    assert second == first
    write(path, tsv(pairs + [("le chat dort .", "the cat sleeps .")]))
    changed, _ = links_of_a_new_reader()
    assert calls == [len(pairs), len(pairs) + 1]
    assert len(changed) == len(pairs) + 1
    assert len(list(cache.glob("*.json"))) == 2


def test_pretokenized_teacher_uses_whitespace_words(tmp_path, nlp):
    pairs = toy_pairs() + [("le chat noir dort.", "the black cat sleeps.")]
    reader = ParallelCorpus(write(tmp_path / "pairs.tsv", tsv(pairs)), pretokenized=True,
                            alignment_teacher="eflomal", teacher_cache_dir=tmp_path / "cache")
    examples = list(reader(nlp))
    assert TARGET_WORDS_KEY not in examples[0].reference.user_data
    assert len(examples[-1].reference) == 4
    assert all(i < 4 and j < 4 for i, j in examples[-1].reference._.translation_alignment)


def test_bad_pairs_are_skipped_and_counted_without_shifting_links(tmp_path, monkeypatch, nlp):
    pairs = toy_pairs()
    long_side = " ".join(["chat"] * (MAX_EFLOMAL_WORDS + 1))
    bad = [("", "the cat ."), (long_side, "the cat .")]
    path = tmp_path / "pairs.tsv"
    # A line that is not UTF-8 among them: malformed, counted by the reader.
    path.write_bytes(
        tsv(pairs[:3] + bad).encode("utf8") + b"le chat \xff noir dort .\tthe black cat sleeps .\n"
        + tsv(pairs[3:]).encode("utf8")
    )
    calls = count_eflomal_runs(monkeypatch)
    reader = ParallelCorpus(path, alignment_teacher="eflomal", teacher_cache_dir=tmp_path / "cache")
    with pytest.warns(UserWarning, match=r"\[W036\].*no links to 1 of .*1 with a side longer"):
        examples = list(reader(nlp))
    assert calls == [len(pairs)]  # the long pair never reaches eflomal, the bad ones are skipped
    assert (reader.stats.empty, reader.stats.malformed) == (1, 1)
    by_source = {eg.reference.text: eg.reference._.translation_alignment for eg in examples}
    assert by_source[long_side] == []
    # Pairs after the bad ones keep their own links (nothing shifted).
    assert share_right([by_source[src] for src, _ in pairs]) >= 0.9


def test_teacher_and_links_file_together_raise_E153(tmp_path):
    with pytest.raises(ValueError, match=r"\[E153\]"):
        ParallelCorpus(tmp_path / "x.tsv", pretokenized=True, alignment_path=tmp_path / "a",
                       alignment_teacher="eflomal")


def test_damaged_cache_raises_E155(tmp_path, nlp):
    path = write(tmp_path / "pairs.tsv", tsv(toy_pairs()))
    cache = tmp_path / "cache"
    list(ParallelCorpus(path, alignment_teacher="eflomal", teacher_cache_dir=cache)(nlp))
    (cached,) = cache.glob("*.json")
    cached.write_text("{not json", encoding="utf8")
    with pytest.raises(ValueError, match=r"\[E155\].*Delete the file"):
        list(ParallelCorpus(path, alignment_teacher="eflomal", teacher_cache_dir=cache)(nlp))


def test_eflomal_module_points_at_the_library():
    assert not hasattr(eflomal_module, "subprocess")
