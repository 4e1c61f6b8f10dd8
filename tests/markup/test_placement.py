"""Placement on hand-made outputs: the links decide, siblings never
overlap, and words are escaped."""

import spacy

from spacy_seq2seq.markup.formats import escape_html, get_format
from spacy_seq2seq.markup.placement import place_segment
from spacy_seq2seq.markup.segments import Segment
from spacy_seq2seq.pipeline.extensions import install_extensions

install_extensions("translation", "en")
NLP = spacy.blank("fr")


def placed(html, target, links):
    (segment,) = [part for part in get_format("html").parse(html)[0] if isinstance(part, Segment)]
    doc = NLP.make_doc(segment.text)
    doc._.translation = " ".join(target)
    doc._.translation_tokens = target
    doc._.translation_alignment = links
    return place_segment(segment, doc, "translation", escape_html)


def test_elements_follow_the_links_and_words_are_escaped():
    markup, unplaced, clipped = placed(
        "<p>Tom <b>et</b> <i>Jerry</i></p>", ["Jerry", "&", "Tom"], [(0, 2), (1, 1), (2, 0)],
    )
    assert markup == "<i>Jerry</i> <b>&amp;</b> Tom"
    assert (unplaced, clipped) == ([], 0)


def test_a_sibling_claiming_the_same_words_is_cut_and_reported():
    # "deux" is linked to words 0 and 2, so <b> covers 0-2; "trois"'s
    # word 1 lies inside it: <i> cannot nest in its sibling, and is
    # written empty after <b>, with a report.
    markup, unplaced, clipped = placed(
        "<p>un <b>deux</b> <i>trois</i></p>", ["x", "y", "z", "w"], [(0, 3), (1, 0), (1, 2), (2, 1)],
    )
    assert markup == "<b>x y z</b> <i></i>w"
    assert [(item.where, item.wrapped) for item in unplaced] == [("<i> (line 1)", "trois")]
    assert "after output word 2" in unplaced[0].put and clipped == 1


def test_atomic_elements_go_after_the_words_of_what_came_before():
    markup, unplaced, _ = placed(
        "<p>un<br>deux <img src=a.png> trois</p>", ["three", "two", "one"], [(0, 2), (1, 1), (2, 0)],
    )
    assert markup == "three two <img src=a.png> one<br>" and unplaced == []


def test_no_output_words_writes_every_element_empty():
    markup, unplaced, _ = placed("<p><b>un</b> <a href='#'>deux</a></p>", [], [])
    assert markup == "<b></b><a href='#'></a>"
    assert [item.wrapped for item in unplaced] == ["un", "deux"]
    assert unplaced[0].put == "put empty (the output has no words)"


def test_the_markup_package_never_imports_the_network():
    """markup/ sits above the pipeline: Docs and extensions, never torch."""
    import ast
    from pathlib import Path

    for path in (Path(__file__).parents[2] / "spacy_seq2seq" / "markup").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                names = [alias.name for alias in node.names]
                assert not any(name.startswith("torch") for name in [module, *names]), path
                assert "models" not in module.split("."), path
