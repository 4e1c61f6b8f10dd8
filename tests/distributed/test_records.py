"""decode_items: a batch with one text the model cannot decode loses only
that text, counted as undecodable with the error; the others come out as
they do in one batch."""

from spacy_seq2seq.distributed.formats import UNDECODABLE
from spacy_seq2seq.distributed.records import Item, decode_items


class FailsOnOneText:
    """The toy pipeline, except that any batch holding "BOOM" raises."""

    def __init__(self, nlp):
        self.nlp = nlp

    def get_pipe(self, name):
        return self.nlp.get_pipe(name)

    def pipe(self, texts, batch_size):
        texts = list(texts)
        if any("BOOM" in text for text in texts):
            raise RuntimeError("cannot decode this")
        return self.nlp.pipe(texts, batch_size=batch_size)


def test_one_undecodable_text_costs_only_itself(trained_toy):
    nlp = trained_toy[0]
    items = [Item(0, "le chat noir dort ."), Item(1, "BOOM ."), Item(2, "un chien dort .")]
    records, skips = decode_items(FailsOnOneText(nlp), "seq2seq_attn", items, align=False, attention=False, batch_size=8)
    assert [(s.id, s.reason, s.detail) for s in skips] == [(1, UNDECODABLE, "RuntimeError: cannot decode this")]
    alone, _ = decode_items(nlp, "seq2seq_attn", [items[0], items[2]], align=False, attention=False, batch_size=8)
    assert records == alone and [r["id"] for r in records] == [0, 2]


def test_markup_records_hold_the_translated_document_and_its_report(reversal_model):
    items = [Item(0, "<p>un <b>deux</b> trois</p>"), Item(1, "<doc><p>un</doc>"), Item(2, "# un *deux*\n")]
    html, skips = decode_items(
        reversal_model, "seq2seq_attn", items[:1], align=False, attention=False, batch_size=8, markup="html",
    )
    assert [(r["id"], r["translation"]) for r in html] == [(0, "<p>three <b>two</b> one</p>")]
    assert html[0]["markup_report"] == {"segments": 1, "elements": 1, "clipped": 0, "unplaced": [], "repairs": []}
    assert html[0]["translation_score"] == reversal_model("un deux trois")._.translation_nbest[0][1]
    # Malformed XML costs its record only, with the coded error.
    xml, skips = decode_items(
        reversal_model, "seq2seq_attn", [items[1], Item(3, "<doc>un deux</doc>")], align=False, attention=False,
        batch_size=8, markup="xml",
    )
    assert [r["translation"] for r in xml] == ["<doc>two one</doc>"]
    assert [(s.id, s.reason) for s in skips] == [(1, UNDECODABLE)] and "[E170]" in skips[0].detail
    markdown, _ = decode_items(
        reversal_model, "seq2seq_attn", items[2:], align=False, attention=False, batch_size=8, markup="markdown",
    )
    assert markdown[0]["translation"] == "# *two* one\n"
