"""The attention page's markup, read back with an HTML parser: every word,
weight and link the Doc holds must be on the page, escaped."""

import json
import sys
import threading
import types
import urllib.request
from html.parser import HTMLParser
from typing import Dict, List

import pytest
import spacy
from spacy.tokens import DocBin

from spacy_seq2seq import displacy


class PageReader(HTMLParser):
    """Collects, per figure, the token texts by side and the JSON payload."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: List[Dict] = []
        self._side = None
        self._in_text = False
        self._in_data = False
        self.scripts_run = 0  # <script> elements without a JSON type

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "figure" and "s2s-doc" in classes:
            self.figures.append({"source": [], "target": [], "data": None})
        elif tag == "span" and "s2s-tok" in classes:
            self._side = attrs["data-side"]
        elif tag == "span" and "s2s-text" in classes:
            self._in_text = True
            self.figures[-1][self._side].append("")
        elif tag == "script":
            self._in_data = "s2s-data" in classes
            self.scripts_run += not self._in_data

    def handle_endtag(self, tag):
        if tag == "span":
            self._in_text = False
        if tag == "script":
            self._in_data = False

    def handle_data(self, data):
        if self._in_text:
            self.figures[-1][self._side][-1] += data
        elif self._in_data:
            self.figures[-1]["data"] = json.loads(data)


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    return reader


@pytest.fixture(scope="module")
def docs(reversal_model):
    return list(reversal_model.pipe(["un deux trois", "cinq six sept huit un", "quatre"]))


def test_page_holds_every_word_weight_and_link(docs):
    html = displacy.render(docs, jupyter=False)
    assert html.startswith("<!DOCTYPE html>")
    page = read_page(html)
    assert len(page.figures) == len(docs)
    for figure, doc in zip(page.figures, docs):
        assert figure["source"] == [token.text for token in doc]
        assert figure["target"] == doc._.translation_tokens
        expected = doc._.translation_attention
        assert len(figure["data"]["weights"]) == len(expected) > 0
        for row, expected_row in zip(figure["data"]["weights"], expected):
            assert row == pytest.approx(expected_row, abs=1e-4)
        assert sorted(map(tuple, figure["data"]["links"])) == sorted(doc._.translation_alignment)


def test_reversal_links_are_outlined_in_the_matrix(docs):
    doc = docs[0]
    html = displacy.render(doc, jupyter=False)
    # The toy model learned the reversal: source i <-> target n - 1 - i.
    n = len(doc)
    assert sorted(doc._.translation_alignment) == [(i, n - 1 - i) for i in range(n)]
    for i, j in doc._.translation_alignment:
        assert f'class="s2s-cell s2s-link" style="--s2s-w:{doc._.translation_attention[j][i]:.4f}" data-source="{i}" data-target="{j}"' in html
    assert html.count("s2s-cell s2s-link") == n


def test_text_is_escaped_and_cannot_end_the_script(reversal_model):
    hostile = "<script>alert(1)</script> un </script><b>deux</b>"
    doc = reversal_model(hostile)
    html = displacy.render(doc, jupyter=False)
    assert "<script>alert" not in html and "<b>" not in html
    page = read_page(html)
    assert page.scripts_run == 1  # only the page's own script
    assert "".join(page.figures[0]["source"]) == hostile.replace(" ", "")
    # The JSON parsed whole, and holds this Doc's links and weights.
    data = page.figures[0]["data"]
    assert sorted(map(tuple, data["links"])) == sorted(doc._.translation_alignment)
    assert len(data["weights"]) == len(doc._.translation_attention)
    for row, expected_row in zip(data["weights"], doc._.translation_attention):
        assert row == pytest.approx(expected_row, abs=1e-4)


def test_fragment_embeds_and_repeats(docs):
    fragment = displacy.render(docs[:1], jupyter=False, page=False)
    assert fragment.startswith('<div class="s2s-viz">') and "<html" not in fragment
    twice = read_page(fragment + fragment)
    assert len(twice.figures) == 2 and twice.scripts_run == 2


def test_jupyter_displays_the_fragment(docs, monkeypatch):
    # A stand-in for IPython.display (not a dependency), recording what is shown.
    shown = []
    fake = types.ModuleType("IPython.display")
    fake.HTML = lambda data: ("HTML", data)
    fake.display = shown.append
    monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
    monkeypatch.setitem(sys.modules, "IPython.display", fake)
    html = displacy.render(docs[0], jupyter=True)
    assert shown == [("HTML", html)]
    assert html.startswith('<div class="s2s-viz">')


def test_docbin_round_trip_renders_the_same_page(docs):
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    loaded = list(DocBin().from_bytes(data).get_docs(spacy.blank("fr").vocab))
    assert displacy.render(loaded, jupyter=False) == displacy.render(docs, jupyter=False)


def test_without_attention_the_links_are_the_weights():
    view = displacy.view_from_dict({
        "source": ["le", "chat"], "target": ["the", "cat"], "alignment": [(0, 0), (1, 1)],
    })
    assert view.weights == [[1.0, 0.0], [0.0, 1.0]]
    html = displacy.render({"source": ["le", "chat"], "target": ["the", "cat"], "alignment": [(0, 0), (1, 1)]}, manual=True, jupyter=False)
    assert "alignment links (no attention stored)" in html


def test_manual_views_and_their_errors():
    good = {"source": ["a", "b"], "target": ["x"], "attention": [[0.25, 0.75]], "alignment": [[1, 0]]}
    page = read_page(displacy.render(good, manual=True, jupyter=False))
    assert page.figures[0]["data"]["weights"] == [[0.25, 0.75]]
    with pytest.raises(ValueError, match="E016"):
        displacy.render({"source": ["a"]}, manual=True)
    with pytest.raises(ValueError, match=r"E017.*1 rows of \[3\] columns"):
        displacy.render({**good, "attention": [[0.1, 0.2, 0.7]]}, manual=True)
    with pytest.raises(ValueError, match=r"E018.*\(2, 0\)"):
        displacy.render({**good, "alignment": [(2, 0)]}, manual=True)


def test_unprocessed_docs_and_strings_are_refused(reversal_model):
    with pytest.raises(ValueError, match="E015.*summary"):
        displacy.render(reversal_model("un deux"), field="summary")
    with pytest.raises(ValueError, match="E015"):
        displacy.render(spacy.blank("fr")("pas traduit"))
    with pytest.raises(TypeError, match="E019.*str"):
        displacy.render(["un deux"])


def test_server_serves_the_page(docs):
    server = displacy.make_server(docs, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/") as response:
            body = response.read().decode("utf8")
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    finally:
        server.shutdown()
        server.server_close()
    assert body == displacy.render(docs, jupyter=False)
