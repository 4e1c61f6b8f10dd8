"""The projection rule on hand-made outputs (links and attention set on the
Doc as the component would write them), and the annotated target Doc."""

import spacy
from spacy.tokens import Doc, DocBin, Span

from spacy_seq2seq.alignment.projection import project_entities, project_spans
from spacy_seq2seq.pipeline.extensions import install_extensions

install_extensions("translation", "en")
NLP = spacy.blank("fr")

# "Il va à Londres ." -> "He goes to London ."; as in the default model's
# argmax links, "to" takes its link from "Londres" (it looks ahead).
SOURCE = ["Il", "va", "à", "Londres", "."]
TARGET = ["He", "goes", "to", "London", "."]
ARGMAX = [(0, 0), (1, 1), (3, 2), (3, 3), (4, 4)]
ATTENTION = [
    [0.9, 0.05, 0.0, 0.0, 0.05],
    [0.05, 0.85, 0.05, 0.0, 0.05],
    [0.0, 0.05, 0.40, 0.45, 0.10],  # "to": most on Londres, but not a majority
    [0.0, 0.0, 0.05, 0.90, 0.05],   # "London"
    [0.0, 0.0, 0.0, 0.05, 0.95],
]


def translated(links=ARGMAX, attention=ATTENTION, source=SOURCE, target=TARGET):
    doc = Doc(NLP.vocab, words=source)
    doc._.translation = " ".join(target)
    doc._.translation_tokens = target
    doc._.translation_alignment = links
    if attention is not None:
        doc._.translation_attention = attention
    return doc


def test_a_word_looking_ahead_at_the_entity_is_left_out():
    doc = translated()
    doc.ents = [Span(doc, 3, 4, label="LOC")]
    assert [(e.text, e.label_) for e in doc._.translation_doc.ents] == [("London", "LOC")]
    target, counts = project_entities(doc, "translation", "en")
    assert [e.text for e in target.ents] == ["London"]
    assert counts == {"projected": 1, "unaligned": 0, "overlapping": 0}


def test_without_attention_the_links_alone_decide():
    doc = translated(attention=None)
    doc.ents = [Span(doc, 3, 4, label="LOC")]
    assert [e.text for e in doc._.translation_doc.ents] == ["to London"]


def test_a_word_also_linked_outside_the_span_is_not_the_spans():
    # Symmetrized links: "to" is linked to both "à" and "Londres".
    links = [(0, 0), (1, 1), (2, 2), (3, 2), (3, 3), (4, 4)]
    doc = translated(links=links, attention=None)
    doc.ents = [Span(doc, 3, 4, label="LOC")]
    assert [e.text for e in doc._.translation_doc.ents] == ["London"]
    # ... but it belongs to a span holding both of its tokens.
    assert Span(doc, 2, 4)._.translation_projection.text == "to London"


def test_attention_that_disagrees_with_the_links_has_no_say():
    # Links from another attention (e.g. the alignment head): "London"'s
    # stored row points at "." but its link says "Londres".
    attention = [row[:] for row in ATTENTION]
    attention[3] = [0.0, 0.0, 0.05, 0.30, 0.65]
    doc = translated(attention=attention)
    assert Span(doc, 3, 4)._.translation_projection.text == "London"


def test_words_between_qualifying_words_come_along():
    doc = translated(links=[(0, 0), (1, 1), (2, 3), (3, 3), (4, 4)], attention=None)
    # "London" is linked to "à" and "Londres": only a span with both has it.
    assert Span(doc, 1, 3)._.translation_projection.text == "goes"
    # "va à Londres" -> "goes" and "London": the unlinked "to" between comes along.
    assert Span(doc, 1, 4)._.translation_projection.text == "goes to London"


def test_entities_and_span_groups_with_labels_kb_ids_and_counts():
    doc = translated()
    doc.ents = [Span(doc, 0, 1, label="PER", kb_id="Q1"), Span(doc, 3, 4, label="LOC", kb_id="Q84")]
    doc.spans["sc"] = [Span(doc, 0, 2, label="CLAUSE"), Span(doc, 2, 4, label="PLACE"), Span(doc, 2, 3, label="PREP")]
    doc.spans["empty"] = []
    target = doc._.translation_doc
    assert [(e.text, e.label_, e.kb_id_) for e in target.ents] == [("He", "PER", "Q1"), ("London", "LOC", "Q84")]
    # "à" has no link of its own: PREP cannot be placed.
    assert [(s.text, s.label_) for s in target.spans["sc"]] == [("He goes", "CLAUSE"), ("to London", "PLACE")]
    assert list(target.spans["empty"]) == []
    report = {
        "ents": {"projected": 2, "unaligned": 0, "overlapping": 0},
        "spans:sc": {"projected": 2, "unaligned": 1},
        "spans:empty": {"projected": 0, "unaligned": 0},
    }
    assert doc._.translation_projection_report == report
    assert target.user_data["projection_report"] == report


def test_overlapping_entity_projections_are_counted():
    links = [(0, 0), (1, 1), (2, 3), (3, 3), (4, 4)]
    doc = translated(links=links, attention=None)
    doc.ents = [Span(doc, 0, 2, label="A"), Span(doc, 2, 4, label="B")]
    # A: "He goes"; B: "London"; no overlap. Now force one with a word shared.
    doc2 = translated(links=[(0, 0), (1, 0), (1, 1), (3, 3), (4, 4)], attention=None)
    doc2.ents = [Span(doc2, 0, 2, label="A"), Span(doc2, 3, 5, label="B")]
    assert doc2._.translation_projection_report["ents"] == {"projected": 2, "unaligned": 0, "overlapping": 0}
    _, spans = project_spans(doc2, [Span(doc2, 0, 1), Span(doc2, 0, 2)], "translation", "en")
    assert spans[0] is None and spans[1].text == "He goes"  # word 0 is also linked to token 1
    doc3 = translated(links=[(0, 0), (1, 2), (3, 1), (3, 3), (4, 4)], attention=None)
    doc3.ents = [Span(doc3, 1, 2, label="A"), Span(doc3, 3, 4, label="B")]
    target, counts = project_entities(doc3, "translation", "en")
    # B covers words 1-3 ("goes to London"), A word 2 inside it: the longer wins.
    assert [(e.text, e.label_) for e in target.ents] == [("goes to London", "B")]
    assert counts == {"projected": 1, "unaligned": 0, "overlapping": 1}


def test_the_annotated_target_doc_survives_docbin():
    doc = translated()
    doc.ents = [Span(doc, 3, 4, label="LOC", kb_id="Q84")]
    doc.spans["sc"] = [Span(doc, 0, 2, label="CLAUSE")]
    stored = DocBin(store_user_data=True)
    stored.add(doc)
    restored = next(DocBin().from_bytes(stored.to_bytes()).get_docs(NLP.vocab))
    before, after = doc._.translation_doc, restored._.translation_doc

    def annotations(target):
        return (
            [(e.start, e.end, e.label_, e.kb_id_) for e in target.ents],
            {name: [(s.start, s.end, s.label_) for s in group] for name, group in target.spans.items()},
            target.user_data["projection_report"],
        )

    assert annotations(after) == annotations(before)
    # The target Doc itself round-trips with its annotations and report.
    again = DocBin(store_user_data=True)
    again.add(before)
    back = next(DocBin().from_bytes(again.to_bytes()).get_docs(before.vocab))
    assert annotations(back) == annotations(before)


def test_no_output_gives_no_target_and_no_report():
    doc = Doc(NLP.vocab, words=["Londres"])
    assert doc._.translation_doc is None and doc._.translation_projection_report is None
