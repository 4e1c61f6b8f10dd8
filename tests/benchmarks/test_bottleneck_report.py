"""benchmarks/bottleneck.py: length buckets, per-bucket BLEU, the table and
the SVG chart, and the whole report on a toy model."""

import json
import xml.etree.ElementTree as ElementTree

import pytest
import typer
from typer.testing import CliRunner

from benchmarks import bottleneck

SVG = "{http://www.w3.org/2000/svg}"


def test_buckets_cover_every_length_once():
    edges = [8, 10, 16]
    labels = bottleneck.bucket_labels(edges)
    assert [label for label, _, _ in labels] == ["1-7", "8-9", "10-15", "16+"]
    assert [bottleneck.bucket_index(n, edges) for n in (1, 7, 8, 9, 10, 15, 16, 90)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert [label for label, _, _ in bottleneck.bucket_labels([2, 3])] == ["1", "2", "3+"]


def test_bleu_by_bucket_scores_each_bucket_on_its_own():
    references = ["a b c d e", "the cat sat on the mat today", "x y z w v u"]
    outputs = {
        "attention": ["a b c d e", "the cat sat on the mat today", "q r s t o p"],
        "no attention": ["e d c b a", "the cat sat on the mat today", "x y z w v u"],
    }
    buckets = bottleneck.bleu_by_bucket([3, 9, 12], outputs, references, edges=[5, 10, 20])
    assert [b.n_sentences for b in buckets] == [1, 1, 1, 0]
    assert buckets[0].bleu["attention"] == 100.0 and buckets[0].bleu["no attention"] < 100.0
    assert buckets[1].bleu == {"attention": 100.0, "no attention": 100.0}
    assert buckets[2].bleu["attention"] == 0.0 and buckets[2].bleu["no attention"] == 100.0
    assert buckets[3].bleu == {}  # empty bucket: no score, not zero
    table = bottleneck.markdown_table(buckets, {"attention": 60.0, "no attention": 55.5})
    assert "| 1-4 | 1 | 100.00 |" in table
    assert "| 20+ | 0 | - | - | - |" in table
    assert table.rstrip().endswith("| all | 3 | 60.00 | 55.50 | +4.50 |")


def test_svg_bars_are_proportional_to_bleu():
    buckets = [
        bottleneck.Bucket("1-7", 1, 8, 10, {"attention": 40.0, "no attention": 20.0}),
        bottleneck.Bucket("8+", 8, 0, 5, {"attention": 30.0, "no attention": 10.0}),
    ]
    svg = bottleneck.svg_chart(buckets, "t <&> test")
    root = ElementTree.fromstring(svg)  # well-formed, title escaped
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]
    assert [(b.get("data-bucket"), b.get("data-series"), float(b.get("data-value"))) for b in bars] == [
        ("1-7", "attention", 40.0), ("1-7", "no attention", 20.0),
        ("8+", "attention", 30.0), ("8+", "no attention", 10.0),
    ]
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == pytest.approx(2 * heights[1], rel=1e-2)
    assert heights[2] == pytest.approx(3 * heights[3], rel=1e-2)
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in bars}
    assert len(bottoms) == 1  # all bars stand on the same baseline


def test_report_end_to_end(reversal_model, tmp_path):
    from toy_data import reversal_pairs

    reversal_model.to_disk(tmp_path / "model")
    pairs = reversal_pairs(n_pairs=12, seed=3)
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in pairs), encoding="utf8")
    (tmp_path / "ref.txt").write_text("".join(t + "\n" for _, t in pairs), encoding="utf8")
    out = tmp_path / "report" / "bottleneck"  # the report's files: bottleneck.md, .json, .svg
    result = CliRunner().invoke(bottleneck.app, [
        str(tmp_path / "model"), str(tmp_path / "model"), "--src", str(tmp_path / "src.txt"),
        "--ref", str(tmp_path / "ref.txt"), "--results-dir", str(out.parent), "--edges", "4,6", "--beam-size", "1",
    ])
    assert result.exit_code == 0, result.output
    report = json.loads(out.with_suffix(".json").read_text())["results"]
    assert sum(b["n_sentences"] for b in report["buckets"]) == 12
    assert [b["n_sentences"] for b in report["buckets"]] == [
        sum(len(s.split()) < 4 for s, _ in pairs),
        sum(4 <= len(s.split()) < 6 for s, _ in pairs),
        sum(len(s.split()) >= 6 for s, _ in pairs),
    ]
    # The same model twice: equal scores everywhere.
    assert report["overall_bleu"]["attention"] == report["overall_bleu"]["no attention"] > 50
    ElementTree.fromstring(out.with_suffix(".svg").read_text())
    assert "| all | 12 |" in out.with_suffix(".md").read_text()


def test_test_sets_from_tsv_or_two_files(tmp_path):
    (tmp_path / "test.tsv").write_text("un deux\tone two\ntrois\tthree\n", encoding="utf8")
    assert bottleneck.read_test_set(tmp_path / "test.tsv", None, None) == (["un deux", "trois"], ["one two", "three"], f"{tmp_path.name}/test.tsv")
    (tmp_path / "bad.tsv").write_text("un deux\tone two\ntrois\n", encoding="utf8")
    with pytest.raises(typer.BadParameter, match="line 2 has no tab"):
        bottleneck.read_test_set(tmp_path / "bad.tsv", None, None)
    (tmp_path / "src.txt").write_text("a\nb\n", encoding="utf8")
    (tmp_path / "ref.txt").write_text("x\n", encoding="utf8")
    with pytest.raises(typer.BadParameter, match="2 lines but"):
        bottleneck.read_test_set(None, tmp_path / "src.txt", tmp_path / "ref.txt")
