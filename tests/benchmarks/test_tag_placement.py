"""The tag placement benchmark's items and scoring, on toy data where the
right answer is known."""

from toy_data import NUMBERS_EN, NUMBERS_FR, reversed_links

from benchmarks.tag_placement import (
    TagItem,
    carried_span,
    consistent_phrases,
    forced_rows,
    overlap_f1,
    place,
    score_placements,
    tag_items,
)


def test_consistent_phrases_keep_links_inside_the_box():
    # a b c -> x y z, with b and c crossing: (1, 2), (2, 1); a alone (0, 0).
    links = {(0, 0), (1, 2), (2, 1)}
    pairs = consistent_phrases(links, 3, max_phrase=3)
    assert ((0, 1), (0, 1)) in pairs and ((1, 3), (1, 3)) in pairs and ((0, 3), (0, 3)) in pairs
    # "b" alone maps to z, and nothing else points into z: consistent.
    assert ((1, 2), (2, 3)) in pairs
    # "a b" -> x..z holds y, which is linked to c outside the phrase.
    assert all(source != (0, 2) for source, _ in pairs)


def test_items_do_not_overlap_within_a_sentence_and_follow_the_seed():
    links = [{(i, i) for i in range(6)}] * 3
    items = tag_items(links, [6, 6, 6], max_phrase=2, per_sentence=2, seed=0)
    assert len(items) == 6
    for pair in range(3):
        spans = [item.source for item in items if item.pair == pair]
        assert spans[0][1] <= spans[1][0] or spans[1][1] <= spans[0][0]
    assert items == tag_items(links, [6, 6, 6], max_phrase=2, per_sentence=2, seed=0)
    assert items != tag_items(links, [6, 6, 6], max_phrase=2, per_sentence=2, seed=1)


def test_scores_by_hand():
    assert overlap_f1((0, 2), (0, 2)) == 1.0
    assert overlap_f1((0, 4), (2, 4)) == 2 * 0.5 * 1.0 / 1.5  # P 2/4, R 2/2
    assert overlap_f1(None, (0, 1)) == 0.0 and overlap_f1((3, 4), (0, 1)) == 0.0
    scores = score_placements([(0, 2), (0, 4), None, (5, 6)], [(0, 2), (2, 4), (0, 1), (0, 1)])
    assert scores == {"items": 4, "exact": 0.25, "overlap_f1": (1 + 2 / 3) / 4, "unplaced": 0.25}


def test_placement_by_the_gold_links_is_exact():
    links = [{(0, 2), (1, 1), (2, 0)}, {(0, 0), (1, 1), (1, 2), (2, 3)}]
    items = tag_items(links, [3, 3], max_phrase=2, per_sentence=3, seed=0)
    scores = score_placements(place(items, [sorted(x) for x in links]), [item.target for item in items])
    assert scores["exact"] == 1.0 and scores["items"] == len(items) > 3


def test_a_gold_span_is_carried_into_an_output_through_shared_words():
    reference = "the black cat sleeps".split()
    assert carried_span(reference, "a black cat is sleeping".split(), (1, 3)) == (1, 3)
    assert carried_span(reference, "the dog sleeps".split(), (1, 3)) is None


def test_forced_rows_on_the_reversal_model(reversal_model, tmp_path):
    """Number reversal, whose links are known: every method the toy has is
    scored, and placement by its argmax links finds the gold spans."""
    reversal_model.to_disk(tmp_path / "model")
    sentences = [[0, 1, 2], [3, 4, 5, 6], [2, 0, 1]]
    de = [[NUMBERS_FR[w] for w in s] for s in sentences]
    en = [[NUMBERS_EN[w] for w in reversed(s)] for s in sentences]
    gold = [set(reversed_links(len(s))) for s in sentences]
    items = tag_items(gold, [len(s) for s in sentences], max_phrase=2, per_sentence=2, seed=0)
    rows = dict(forced_rows(tmp_path / "model", None, de, en, items, threshold=0.5))
    assert set(rows) >= {"forced, argmax", "forced, shift", "forced, threshold", "forced, shift_threshold",
                         "forced, argmax + attention (what a Doc gives)", "forced, shift + attention (what a Doc gives)"}
    assert rows["forced, argmax"]["exact"] == 1.0
    assert all(row["items"] == len(items) for row in rows.values())
    assert isinstance(items[0], TagItem)
