"""`render`: the attention page of a saved pipeline's outputs."""

from typer.testing import CliRunner

from spacy_seq2seq import displacy
from spacy_seq2seq.cli import app

runner = CliRunner()


def test_render_writes_the_page(reversal_model, tmp_path):
    reversal_model.to_disk(tmp_path / "model")
    (tmp_path / "in.txt").write_text("un deux trois\nquatre cinq\n", encoding="utf8")
    result = runner.invoke(app, [
        "render", str(tmp_path / "model"), "--input", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out.html"),
    ])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out.html").read_text(encoding="utf8")
    expected = displacy.render(list(reversal_model.pipe(["un deux trois", "quatre cinq"])), jupyter=False)
    assert written == expected
    assert f"Wrote 2 docs to {tmp_path / 'out.html'}" in result.stderr


def test_render_prints_the_page_of_the_texts_given(reversal_model, tmp_path):
    reversal_model.to_disk(tmp_path / "model")
    result = runner.invoke(app, ["render", str(tmp_path / "model"), "un deux"])
    assert result.exit_code == 0, result.output
    assert result.stdout == displacy.render([reversal_model("un deux")], jupyter=False)


def test_render_shows_a_translated_document_and_its_segments(reversal_model, tmp_path):
    from html import escape

    from spacy_seq2seq.displacy.markup import render_page
    from spacy_seq2seq.displacy.view import view_from_doc

    reversal_model.to_disk(tmp_path / "model")
    page = tmp_path / "page.html"
    page.write_text("<h1>un deux</h1><p>un <b>deux</b> trois</p><script>alert(1)</script>", encoding="utf8")
    result = runner.invoke(app, ["render", str(tmp_path / "model"), str(page), "--format", "html"])
    assert result.exit_code == 0, result.output
    translated = "<h1>two one</h1><p>three <b>two</b> one</p><script>alert(1)</script>"
    # Shown as text, never run, above one figure per segment.
    assert f'<pre class="s2s-markup">{escape(translated)}</pre>' in result.stdout
    views = [view_from_doc(doc, "translation") for doc in reversal_model.pipe(["un deux", "un deux trois"])]
    assert result.stdout == render_page(views, documents=[(str(page), translated)])
