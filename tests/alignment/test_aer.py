"""AER, precision and recall against .talp gold."""

import pytest

from spacy_seq2seq.alignment import read_gold, read_pharaoh, score_alignments
from spacy_seq2seq.alignment.aer import AlignmentFileError, parse_gold_line


def test_gold_is_one_based_with_sure_and_possible():
    gold = parse_gold_line("1-1 2p2 3-3")
    assert gold.sure == {(0, 0), (2, 2)}
    assert gold.possible == {(0, 0), (1, 1), (2, 2)}


def test_scores_worked_out_by_hand(tmp_path):
    (tmp_path / "gold.talp").write_text("1-1 2p2 3-3\n1-2\n", encoding="utf8")
    (tmp_path / "pred.txt").write_text("0-0 1-1 1-2\n\n", encoding="utf8")
    scores = score_alignments(read_pharaoh(tmp_path / "pred.txt"), read_gold(tmp_path / "gold.talp"))
    # A = 3 links; A&S = 1 ((0,0)); A&P = 2; S = 3 over both lines.
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.aer == pytest.approx(1 - (1 + 2) / (3 + 3))
    assert (scores.n_sentences, scores.n_predicted, scores.n_sure) == (2, 3, 3)


def test_perfect_and_empty_predictions():
    gold = [parse_gold_line("1-1 2-2 3p1")]
    assert score_alignments([{(0, 0), (1, 1)}], gold).aer == 0.0
    assert score_alignments([{(0, 0), (1, 1), (2, 0)}], gold).aer == 0.0  # a possible link costs nothing
    assert score_alignments([set()], gold).aer == 1.0


def test_malformed_files_name_file_and_line(tmp_path):
    (tmp_path / "gold.talp").write_text("1-1\n0-2\n", encoding="utf8")
    with pytest.raises(AlignmentFileError, match=r"gold.talp, line 2: '0-2'.*1-based"):
        read_gold(tmp_path / "gold.talp")
    (tmp_path / "pred.txt").write_text("0-0 1p1\n", encoding="utf8")
    with pytest.raises(AlignmentFileError, match=r"pred.txt, line 1: '1p1'"):
        read_pharaoh(tmp_path / "pred.txt")
    with pytest.raises(AlignmentFileError, match="2 predicted alignments for 1 gold"):
        score_alignments([set(), set()], [parse_gold_line("1-1")])
