"""benchmarks/terminology.py: the sampled reference terms and the glossary
built from training data are what the report says they are, and the
whole benchmark runs end to end on the toy model."""

import json

from benchmarks.terminology import dice_glossary, main, sample_reference_terms


def test_reference_terms_are_disjoint_phrases_of_the_reference_and_seeded():
    references = ["a man in a blue shirt rides a bike .", "two dogs run ."]
    first = sample_reference_terms(references, 3, seed=1)
    assert first == sample_reference_terms(references, 3, seed=1)
    for reference, phrases in zip(references, first):
        assert 1 <= len(phrases) <= 3
        for phrase in phrases:
            assert 1 <= len(phrase.split()) <= 3 and f" {phrase} " in f" {reference} "
        # No word position is used twice.
        words = reference.split()
        assert sum(len(p.split()) for p in phrases) <= len([w for w in words if w.isalnum()])


def test_the_glossary_pairs_words_that_translate_each_other():
    sources = ["le chaton dort", "le chien dort", "un chaton mange", "un chien mange"] * 10
    targets = ["the kitten sleeps", "the puppy sleeps", "a kitten eats", "a puppy eats"] * 10
    pairs = dict(dice_glossary(sources, targets, min_count=5, min_dice=0.6))
    # Short words ("le", "un", "the") are no glossary entries.
    assert pairs == {"chaton": "kitten", "chien": "puppy", "dort": "sleeps", "mange": "eats"}


def test_the_benchmark_runs_end_to_end_on_the_toy(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    sources = ["le chat noir dort .", "un chien dort .", "le chat mange ."]
    references = ["the black cat sleeps .", "a dog sleeps .", "the cat eats ."]
    for name, lines in [("src", sources), ("ref", references)]:
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf8")
    main(
        model=tmp_path / "model", src=tmp_path / "src", ref=tmp_path / "ref", train_src=tmp_path / "src",
        train_ref=tmp_path / "ref", limit=None, beam_size=3, repeats=1, seed=0, batch_size=8, data_note="toy",
        results_dir=tmp_path / "results",
    )
    report = json.loads((tmp_path / "results" / "terminology.json").read_text(encoding="utf8"))
    conditions = report["results"]["conditions"]
    assert conditions["ref2"]["positive_met"] == conditions["ref2"]["positive"] > 0
    assert conditions["avoid"].get("negative_violated", 0) == 0
    assert report["results"]["free_outputs_identical_with_empty_terms"] is True
