"""XML and Markdown in and out."""

import pytest
from markdown_it import MarkdownIt

from spacy_seq2seq.markup import translate_document, translate_markup
from spacy_seq2seq.markup.xml import parse_xml

XML = """<?xml version="1.0" encoding="utf-8"?>
<!-- un deux -->
<doc xmlns:its="http://www.w3.org/2005/11/its" id='d1'>
  <title>un deux</title>
  <para>un <em role="x">deux</em> trois<br/></para>
  <code>un deux</code>
  <para its:translate="no">un deux</para>
  <para>quatre <![CDATA[<cinq>]]> six</para>
</doc>
"""


def xml_elements(markup):
    """(depth-path of start tags) of every element: the nesting, sorted."""
    nodes, _ = parse_xml(markup)

    def walk(nodes, path=()):
        for node in nodes:
            if hasattr(node, "children"):
                yield path + (node.open,)
                yield from walk(node.children, path + (node.open,))

    return sorted(walk(nodes))


def test_xml_comes_out_well_formed_with_its_markup(reversal_model):
    out = translate_markup(reversal_model, XML, format="xml")
    assert xml_elements(out) == xml_elements(XML)  # parse_xml would raise if not well formed
    assert "<title>two one</title>" in out
    # <br/> followed "trois": it goes after "three".
    assert '<para>three <br/> <em role="x">two</em> one</para>' in out
    for kept in ('<?xml version="1.0" encoding="utf-8"?>\n<!-- un deux -->', "<code>un deux</code>",
                 '<para its:translate="no">un deux</para>', "<![CDATA[<cinq>]]>"):
        assert kept in out


def test_malformed_xml_is_refused_with_where_and_why(reversal_model):
    with pytest.raises(ValueError, match=r"\[E170\].*mismatched tag at line 2, column 16"):
        translate_markup(reversal_model, "<doc>\n<p>un <b>deux</p></b></doc>", format="xml")
    with pytest.raises(ValueError, match=r"\[E170\].*line 1"):
        translate_markup(reversal_model, "<doc>un < deux</doc>", format="xml")


MARKDOWN = """# un *deux*

un **deux** trois [quatre](http://x.org/a_(b) "t") `code`
cinq


> un _deux_

- un deux
- trois <span class="x">quatre</span> ![img](p.png)

```
un deux
```

    un deux

| un | deux |
|----|------|
| trois *quatre* | cinq |
"""

COUNTED = ("strong_open", "em_open", "link_open", "code_inline", "image", "html_inline", "fence", "code_block", "table_open")


def markdown_counts(text):
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    found = {}
    for token in tokens:
        for item in [token, *(token.children or [])]:
            if item.type in COUNTED:
                found[item.type] = found.get(item.type, 0) + 1
    return found


def test_markdown_keeps_every_mark_and_block(reversal_model):
    result = translate_document(reversal_model, MARKDOWN, format="markdown")
    out = result.markup
    assert markdown_counts(out) == markdown_counts(MARKDOWN)
    assert out.startswith("# *two* one\n\n")
    # "un deux trois quatre cinq": one paragraph over two lines, now one line.
    # `code` followed "quatre": it goes after "four".
    assert '\n\nfive [four](http://x.org/a_(b) "t") `code` three **two** one\n\n\n> ' in out
    assert "\n```\nun deux\n```\n\n    un deux\n" in out
    assert "\n> _two_ one\n" in out
    assert '- <span class="x">four</span> ![img](p.png) three\n' in out
    assert "| *four* three |" in out and "|----|------|" in out
    assert result.report.unplaced == [] and result.report.repairs == []


def test_markdown_leaves_out_emphasis_with_no_words_and_says_so(reversal_model):
    from toy_data import overridden

    pipe = reversal_model.get_pipe("seq2seq_attn")
    with overridden(pipe, alignment_method="threshold", alignment_threshold=1.0):
        with pytest.warns(UserWarning, match=r"\[W045\].*\*\* \(line 1\) around 'deux': left out"):
            out = translate_markup(reversal_model, "un **deux** trois\n", format="markdown")
    assert out == "three two one\n"
