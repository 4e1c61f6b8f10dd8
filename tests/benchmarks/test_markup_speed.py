"""The markup speed benchmark's page and timing on the toy model."""

import pytest

from benchmarks.markup_speed import build_page, segment_texts, time_sides

SENTENCES = ["le chat noir dort .", "un chien blanc mange .", "le chat mange ."]


def test_the_page_has_the_words_and_markup_asked_for():
    for markdown, markup_format in ((False, "html"), (True, "markdown")):
        page = build_page(SENTENCES, 200, seed=0, markdown=markdown)
        texts = segment_texts(page, markup_format)
        assert len(" ".join(texts).split()) >= 200
        assert "pas traduit" in page and all("pas traduit" not in text for text in texts)
    html = build_page(SENTENCES, 200, seed=0)
    assert "<b>" in html and "<a href=" in html and "<li>" in html


def test_both_sides_translate_the_same_segments(trained_toy):
    nlp = trained_toy[0]
    page = build_page(SENTENCES, 60, seed=1)
    timing = time_sides(nlp, page, "html", repeats=2, batch_size=8)
    assert timing["segments"] == len(segment_texts(page, "html")) > 3
    assert len(timing["plain_s"]) == len(timing["markup_s"]) == 2
    assert timing["ratio"] == pytest.approx(timing["markup_median_s"] / timing["plain_median_s"], abs=2e-3)


def test_the_markup_work_alone_gives_the_same_page(trained_toy):
    import warnings

    from benchmarks.markup_speed import Predecoded, markup_work_s
    from spacy_seq2seq.markup import translate_document

    nlp = trained_toy[0]
    page = build_page(SENTENCES, 60, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        real = translate_document(nlp, page, "html").markup
        again = translate_document(Predecoded(nlp, segment_texts(page, "html"), 8), page, "html").markup
    assert again == real
    assert markup_work_s(nlp, page, "html", repeats=1, batch_size=8) > 0
