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
