"""ROUGE against hand-computed cases, and the two fixes over rouge-score's
defaults (non-ASCII letters, sentence lines for ROUGE-Lsum)."""

import pytest
from rouge_score.tokenizers import DefaultTokenizer

from spacy_seq2seq.pipeline.rouge import UnicodeTokenizer, rouge_scores, sentence_lines


def test_hand_computed_unigrams_bigrams_and_lcs():
    # hyp: the cat sat on the mat / ref: the cat is on the mat
    # unigrams: 5 of 6 match both ways -> F1 5/6; bigrams: "the cat", "on the",
    # "the mat" of 5 -> 3/5; LCS "the cat on the mat" = 5 -> 5/6.
    scores = rouge_scores(["the cat sat on the mat"], ["the cat is on the mat"], stem=False)
    assert scores["rouge1"] == pytest.approx(5 / 6)
    assert scores["rouge2"] == pytest.approx(3 / 5)
    assert scores["rougeL"] == pytest.approx(5 / 6)


def test_lsum_takes_the_lcs_per_reference_sentence():
    # Whole-text LCS of "a b c d" and "c d a b" is 2 of 4 -> 0.5; per sentence,
    # each reference sentence is found whole in the output -> 1.0.
    scores = rouge_scores(["A b. C d."], ["C d. A b."], stem=False)
    assert scores["rougeL"] == pytest.approx(0.5)
    assert scores["rougeLsum"] == pytest.approx(1.0)


def test_scores_are_means_over_pairs_and_stemming_matches_inflections():
    pairs = (["cats are sleeping", "x"], ["cat is sleep", "y"])
    stemmed = rouge_scores(*pairs, stem=True)
    plain = rouge_scores(*pairs, stem=False)
    # stemmed: "cat" and "sleep" match (2 of 3 each way) -> 2/3, then mean with 0
    assert stemmed["rouge1"] == pytest.approx((2 / 3 + 0) / 2)
    assert plain["rouge1"] == pytest.approx(0.0)


def test_non_ascii_letters_are_words():
    # rouge-score's default tokenizer reads both as "gr e" and calls them equal.
    assert DefaultTokenizer().tokenize("Größe") == DefaultTokenizer().tokenize("Grüße")
    assert rouge_scores(["Größe"], ["Grüße"], stem=False)["rouge1"] == 0.0
    assert rouge_scores(["Über die Größe."], ["über die größe"], stem=False)["rouge1"] == pytest.approx(1.0)
    assert UnicodeTokenizer(stem=False).tokenize("L'été, très_chaud!") == ["l", "été", "très", "chaud"]


@pytest.mark.parametrize("text", [
    "Amanda baked cookies and will bring Jerry some tomorrow.",
    "Hannah's number is 555-1234; she's running late!!",
    "It's 3:45pm -- he'll call back (maybe).",
])
def test_same_tokens_as_rouge_score_on_ascii(text):
    assert UnicodeTokenizer(stem=True).tokenize(text) == DefaultTokenizer(use_stemmer=True).tokenize(text)


def test_sentence_lines_and_errors():
    assert sentence_lines("One. Two!  Three?\nFour") == "One.\nTwo!\nThree?\nFour"
    with pytest.raises(ValueError, match="one reference per output"):
        rouge_scores(["a", "b"], ["a"])


class RougeScorerOfVersion004:
    """rouge-score 0.0.4's RougeScorer: what an install from wheels alone
    gets (0.1.2 is published as a source package only)."""

    def __init__(self, rouge_types, use_stemmer=False):
        raise AssertionError("must be refused before it is built")


def test_a_rouge_score_without_the_tokenizer_argument_is_a_coded_error(monkeypatch):
    from rouge_score import rouge_scorer

    monkeypatch.setattr(rouge_scorer, "RougeScorer", RougeScorerOfVersion004)
    monkeypatch.setattr("importlib.metadata.version", lambda name: {"rouge-score": "0.0.4"}[name])
    with pytest.raises(ImportError, match=r"\[E141\] rouge-score 0\.0\.4 is installed.*>= 0\.1\.2.*pip wheel"):
        rouge_scores(["the cat"], ["the cat"])
