"""HTML in, HTML out: structure, attributes, untranslated parts, entities,
whitespace, malformed input, and elements with nothing aligned."""

import random
import warnings

import pytest
from markup_checks import html_structure
from toy_data import overridden

from spacy_seq2seq.markup import (
    translate_document,
    translate_documents,
    translate_markup,
)
from spacy_seq2seq.markup.html import parse_html

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><title>un deux</title><style>p { color: red; }</style></head>
<body>
  <!-- un deux trois -->
  <h1 class='titre' data-x="a&amp;b">un deux</h1>
  <p>un <b>deux</b> trois <a href="/q?a=1&amp;b=2" title="t">quatre</a></p>
  <p>cinq <em>six <strong>sept</strong></em> huit</p>
  <pre>un deux</pre>
  <p>un <code>deux()</code> trois<br>quatre</p>
  <script>if (a < b) { un(); }</script>
  <ul><li>un deux</li><li translate="no">trois</li></ul>
&nbsp;
</body>
</html>
"""


def structure_of(markup):
    return html_structure(markup)


def test_the_output_nests_as_the_input_with_identical_tags(reversal_model):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to repair, nothing unplaced
        result = translate_document(reversal_model, PAGE)
    out = result.markup
    assert structure_of(out) == structure_of(PAGE)
    assert result.report.unplaced == [] and result.report.repairs == []
    assert result.report.segments == 5  # h1, three <p>, one <li>
    # The link wraps "quatre"'s translation, its attributes byte for byte.
    assert '<p><a href="/q?a=1&amp;b=2" title="t">four</a> three <b>two</b> one</p>' in out
    # Reversed, "six sept" comes out as "seven six": the nesting is kept.
    assert "<p>eight <em><strong>seven</strong> six</em> five</p>" in out
    for kept in (
        "<!-- un deux trois -->", "<pre>un deux</pre>", "<code>deux()</code>",
        "<script>if (a < b) { un(); }</script>", "<style>p { color: red; }</style>",
        '<li translate="no">trois</li>', "<title>un deux</title>", "\n&nbsp;\n</body>",
        "<h1 class='titre' data-x=\"a&amp;b\">",
    ):
        assert kept in out
    assert "<h1 class='titre' data-x=\"a&amp;b\">two one</h1>" in out
    # The whitespace between blocks is the input's.
    assert out.split("<h1")[0] == PAGE.split("<h1")[0]


def test_an_inline_element_goes_around_its_words_translation(reversal_model):
    for source, expected in [
        ("<p>un <b>deux</b> trois</p>", "<p>three <b>two</b> one</p>"),
        ("<p><i>un deux</i> trois quatre</p>", "<p>four three <i>two one</i></p>"),
        ("<p>un <b>deux <i>trois</i></b> quatre</p>", "<p>four <b><i>three</i> two</b> one</p>"),
    ]:
        assert translate_markup(reversal_model, source) == expected


def test_whitespace_and_entities_outside_the_text_survive(reversal_model):
    source = "\n\n<p>\n  un &amp; deux\n</p>\n\t&nbsp;<p title='&lt;&nbsp;'>un&nbsp;deux</p>\n"
    out = translate_markup(reversal_model, source)
    assert out.startswith("\n\n<p>\n  ") and out.endswith("\n</p>\n\t&nbsp;<p title='&lt;&nbsp;'>two one</p>\n")


def test_output_words_are_escaped():
    # The words the model writes are text: &, < and > become entities, and a
    # no-break space &nbsp; (hand-made output: the toy model writes none).
    from spacy_seq2seq.markup.formats import escape_html, escape_xml
    from spacy_seq2seq.markup.markdown import escape_markdown

    assert escape_html("Tom&Jerry<3>\xa0") == "Tom&amp;Jerry&lt;3&gt;&nbsp;"
    assert escape_xml("a&b<c>") == "a&amp;b&lt;c&gt;"
    assert escape_markdown("*a_b* [c] `d` \\") == "\\*a\\_b\\* \\[c\\] \\`d\\` \\\\"


@pytest.mark.parametrize("source,repair", [
    ("<p>un <b>deux trois</p>", "<b> (line 1) was not closed"),
    ("<p>un <b>deux <i>trois</b> quatre</i></p>", "</i> (line 1) closes nothing"),
    ("<p>un < deux</p></div>", "</div> (line 1) closes nothing"),
    ("<div><span>un deux", "<div> (line 1) was not closed"),
])
def test_malformed_input_is_repaired_and_reported(reversal_model, source, repair):
    with pytest.warns(UserWarning, match=r"\[W046\]") as caught:
        out = translate_markup(reversal_model, source)
    assert repair in str(caught[0].message)
    repaired, _ = parse_html(source)
    assert html_structure(out) == html_structure_of_repaired(repaired)


def html_structure_of_repaired(nodes):
    from markup_checks import elements

    return elements(nodes)


def test_a_stray_less_than_is_text(reversal_model):
    out = translate_markup(reversal_model, "<p>un < deux</p>")
    assert "<" not in out.replace("<p>", "").replace("</p>", "")


def test_elements_with_nothing_aligned_are_written_empty_and_named(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    source = '<p>un <b class="x">deux</b> trois</p>'
    with overridden(pipe, alignment_method="threshold", alignment_threshold=1.0):
        with pytest.warns(UserWarning, match=r"\[W045\]") as caught:
            result = translate_document(reversal_model, source)
    message = str(caught[0].message)
    assert '<b class="x"> (line 1) around \'deux\'' in message and "put empty" in message
    assert result.markup == '<p><b class="x"></b>three two one</p>'
    assert html_structure(result.markup) == html_structure(source)


def test_many_documents_share_batches_and_keep_their_order(reversal_model):
    sources = [f"<p>{words}</p>" for words in ("un deux", "trois", "quatre cinq six")]
    outputs = [result.markup for result in translate_documents(reversal_model, sources, batch_size=2)]
    assert outputs == ["<p>two one</p>", "<p>three</p>", "<p>six five four</p>"]
    assert outputs == [translate_markup(reversal_model, source) for source in sources]


def test_bad_arguments_are_coded_errors(reversal_model):
    with pytest.raises(ValueError, match=r"\[E171\].*html, xml, markdown"):
        translate_markup(reversal_model, "<p>un</p>", format="docx")
    with pytest.raises(TypeError, match=r"\[E172\]"):
        translate_markup(reversal_model, b"<p>un</p>")


FRAGMENTS = [
    "un ", "deux ", "trois", " quatre", "<p>", "</p>", "<b>", "</b>", "<i>", "</i>", "<a href='x'>",
    "</a>", "<div>", "</div>", "<br>", "<br/>", "<", ">", "&amp;", "&", "&nbsp;", "<!-- c -->",
    "<code>", "</code>", "<li>", "<ul>", "</ul>", "<script>", "</script>", "\n", "<span", "</",
    "<em>", "<table><tr><td>", "</td>", "<b/>", "<![CDATA[x]]>", "<?pi x?>", "<!DOCTYPE html>",
]


def test_random_markup_never_crashes_and_comes_out_well_formed(reversal_model):
    rng = random.Random(0)
    sources = ["".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 25))) for _ in range(150)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repairs and empty elements are expected here
        results = list(translate_documents(reversal_model, sources))
    for source, result in zip(sources, results):
        repaired, _ = parse_html(source)
        # Every element of the (repaired) input is in the output, nested as before.
        assert html_structure(result.markup) == html_structure_of_repaired(repaired), source
