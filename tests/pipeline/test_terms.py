"""Terms on the pipeline side: set on the Doc, from a glossary (saved with
the pipeline), from entities and numbers; bad terms are skipped with W055;
outputs and alignment with terms; batch invariance across Docs with and
without terms."""

import warnings

import pytest
import spacy
from spacy.tokens import Span
from toy_data import TOY_CONFIG, TOY_PAIRS, copy_of, outputs, train_toy

from spacy_seq2seq.terms import Glossary, Term

# The toy task plus numbers and a name, so the target vocabulary can write digits.
TERMS_PAIRS = TOY_PAIRS + [
    ("marie dort depuis 2010 .", "marie sleeps since 2010 ."),
    ("le chat 35 mange .", "the cat 35 eats ."),
    ("paul mange depuis 1 .", "paul eats since 1 ."),
]


@pytest.fixture(scope="module")
def terms_toy():
    nlp, _ = train_toy(n_steps=150, pairs=TERMS_PAIRS)
    return nlp


def translate(nlp, text, terms=None):
    doc = nlp.make_doc(text)
    doc._.translation_terms = terms
    return nlp(doc)


def test_terms_set_on_the_doc_are_met_and_aligned_to_their_source(terms_toy):
    free = translate(terms_toy, "le chat noir dort .")
    assert "black" in free._.translation_tokens
    doc = translate(terms_toy, "le chat noir dort .", [{"target": "white", "start": 2, "end": 3}])
    assert "white" in doc._.translation_tokens and "black" not in doc._.translation_tokens
    (used,) = doc._.translation_terms_used
    assert used["met"] is True and used["origin"] == "doc" and used["skipped"] is None
    (word,) = used["target_words"]
    assert doc._.translation_tokens[word] == "white"
    # The term's word links to its source token, and only to it.
    assert [i for i, j in doc._.translation_alignment if j == word] == [2]


def test_negative_terms_keep_a_word_out(terms_toy):
    doc = translate(terms_toy, "le chat noir dort .", [Term("black", negative=True)])
    assert "black" not in doc._.translation_tokens
    assert doc._.translation_terms_used[0]["met"] is True


def test_terms_without_a_source_span_and_several_per_doc(terms_toy):
    doc = translate(terms_toy, "le chat mange .", ["dog", "sleeps"])
    assert {"dog", "sleeps"} <= set(doc._.translation_tokens)
    assert [used["met"] for used in doc._.translation_terms_used] == [True, True]


def test_a_glossary_applies_where_its_source_matches_and_is_saved(terms_toy, tmp_path):
    nlp = copy_of(terms_toy)
    pipe = nlp.get_pipe("seq2seq_attn")
    path = tmp_path / "glossary.tsv"
    path.write_text("# French\tEnglish\nChat\tdog\n\nchien noir\twhite cat\n", encoding="utf8")
    pipe.set_glossary(Glossary.read_tsv(path, nlp.make_doc))
    texts = ["le chat mange .", "un chien noir mange .", "un chien dort ."]
    docs = list(nlp.pipe(texts))
    assert "dog" in docs[0]._.translation_tokens  # "lower": Chat matches chat
    assert "white cat" in docs[1]._.translation
    assert docs[2]._.translation_terms_used == []  # no source match, no term
    assert docs[0]._.translation_terms_used[0]["origin"] == "glossary"
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("seq2seq_attn").glossary == pipe.glossary
    for before, after in zip(docs, loaded.pipe(texts)):
        assert outputs(after) == outputs(before)
    # Without the glossary the first text reads as before any glossary.
    pipe.set_glossary(None)
    assert "dog" not in nlp("le chat mange .")._.translation_tokens


def test_glossary_match_exact_and_lemma(terms_toy):
    nlp = copy_of(terms_toy, glossary_match="exact")
    nlp.get_pipe("seq2seq_attn").set_glossary(Glossary.from_pairs([("Chat", "dog")], nlp.make_doc))
    assert nlp("le chat mange .")._.translation_terms_used == []
    assert nlp("le Chat mange .")._.translation_terms_used[0]["target"] == "dog"
    lemma = copy_of(terms_toy, glossary_match="lemma")
    lemma.get_pipe("seq2seq_attn").set_glossary(Glossary.from_pairs([("chat", "dog")], nlp.make_doc))
    doc = lemma.make_doc("les chats mangent .")
    with pytest.raises(ValueError, match="E192"):
        lemma.get_pipe("seq2seq_attn")(doc)
    for token, base in zip(doc, ["le", "chat", "manger", "."]):
        token.lemma_ = base
    doc = lemma.get_pipe("seq2seq_attn")(doc)
    assert doc._.translation_terms_used[0]["start"] == 1 and "dog" in doc._.translation_tokens


def test_numbers_and_entities_kept_verbatim(terms_toy):
    nlp = copy_of(terms_toy, verbatim_numbers=True, verbatim_labels=["PER"])
    pipe = nlp.get_pipe("seq2seq_attn")
    doc = nlp.make_doc("marie dort depuis 35 .")
    free = terms_toy(nlp.make_doc("marie dort depuis 35 ."))
    assert "35" not in free._.translation_tokens  # the toy says 2010 here
    doc.ents = [Span(doc, 0, 1, label="PER")]
    doc = pipe(doc)
    assert "35" in doc._.translation_tokens and "marie" in doc._.translation_tokens
    assert {used["origin"] for used in doc._.translation_terms_used} == {"verbatim"}
    # Number words are not kept: only tokens written with digits.
    assert nlp("le chat un mange .")._.translation_terms_used == []


def test_entities_carry_their_own_terms(terms_toy):
    nlp = copy_of(terms_toy, entity_ids_as_terms=True)
    doc = nlp.make_doc("le chat mange .")
    doc.ents = [Span(doc, 1, 2, label="ANIMAL", span_id="dog")]
    doc = nlp.get_pipe("seq2seq_attn")(doc)
    assert "dog" in doc._.translation_tokens
    doc = nlp.make_doc("le chien mange .")
    span = Span(doc, 1, 2, label="ANIMAL")
    doc.ents = [span]
    doc.ents[0]._.translation_term = "cat"
    doc = nlp.get_pipe("seq2seq_attn")(doc)
    assert "cat" in doc._.translation_tokens and doc._.translation_terms_used[0]["origin"] == "entity"


def test_terms_set_on_the_doc_win_over_found_ones(terms_toy):
    nlp = copy_of(terms_toy)
    nlp.get_pipe("seq2seq_attn").set_glossary(Glossary.from_pairs([("chat", "dog")], nlp.make_doc))
    doc = translate(nlp, "le chat mange .", [{"target": "cat", "start": 1, "end": 2}])
    assert [used["target"] for used in doc._.translation_terms_used] == ["cat"]


def test_bad_terms_are_skipped_with_a_coded_warning(terms_toy):
    terms = [
        "",  # empty
        "chat\u00e9\u4e2d",  # characters the target vocabulary cannot write
        "the cat sleeps . the dog eats . a white cat sleeps . a black dog eats .",  # past the limit
        {"target": "black"}, {"target": "black", "negative": True},  # contradiction
        "dog",  # fine
    ]
    with pytest.warns(UserWarning, match="W055") as record:
        doc = translate(terms_toy, "le chat mange .", terms)
    message = str(record[0].message)
    assert "skipped 5 of 6 terms" in message
    used = doc._.translation_terms_used
    skipped = {used_term["target"]: used_term["skipped"] for used_term in used if used_term["skipped"]}
    assert set(skipped) == {"", "chat\u00e9\u4e2d", terms[2], "black"}
    assert "both required and forbidden" in skipped["black"]
    assert "longer than the output length limit" in skipped[terms[2]]
    assert "cannot write" in skipped["chat\u00e9\u4e2d"]
    assert [u["met"] for u in used if not u["skipped"]] == [True] and "dog" in doc._.translation_tokens


def test_malformed_terms_raise_coded_errors(terms_toy):
    with pytest.raises(TypeError, match="E190"):
        translate(terms_toy, "le chat mange .", [42])
    with pytest.raises(ValueError, match="E193"):
        translate(terms_toy, "le chat mange .", [{"target": "dog", "start": 3, "end": 9}])


def test_glossary_files_with_errors_name_the_line(tmp_path):
    nlp = spacy.blank("fr")
    path = tmp_path / "bad.tsv"
    path.write_text("chat\tcat\nchien dog\n", encoding="utf8")
    with pytest.raises(ValueError, match=r"E191.*line 2"):
        Glossary.read_tsv(path, nlp.make_doc)
    path.write_text("chat\t \n", encoding="utf8")
    with pytest.raises(ValueError, match="empty target"):
        Glossary.read_tsv(path, nlp.make_doc)


def test_unmet_terms_are_counted_and_warned(terms_toy):
    """Twice "cat" where no piece may repeat: the search runs into the
    length limit, which still ends it, and the miss is reported."""
    nlp = copy_of(terms_toy, no_repeat_ngram_size=1, max_output_length=12)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        doc = translate(nlp, "le chat noir dort .", ["cat", "cat"])
    messages = [str(w.message) for w in record]
    assert any("W004" in m for m in messages)  # the output reached the limit
    assert any("W056" in m and "1 of 2 positive terms" in m for m in messages), messages
    assert [used["met"] for used in doc._.translation_terms_used] == [True, False]
    assert doc._.translation_tokens.count("cat") == 1


@pytest.mark.parametrize("beam_size", [1, 3])
def test_docs_with_and_without_terms_are_batch_invariant(terms_toy, beam_size):
    nlp = copy_of(terms_toy, beam_size=beam_size)
    texts = ["le chat noir dort .", "un chien dort .", "le chien blanc mange .", "le chat mange ."]
    terms = [["white"], None, [Term("white", negative=True)], None]

    def run(rows):
        docs = []
        for i in rows:
            doc = nlp.make_doc(texts[i])
            doc._.translation_terms = terms[i]
            docs.append(doc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return list(nlp.pipe(docs))

    together = run(range(4))
    assert "white" in together[0]._.translation_tokens and "white" not in together[2]._.translation_tokens
    for i in range(4):
        assert outputs(run([i])[0]) == outputs(together[i])
    plain = copy_of(terms_toy, beam_size=beam_size)
    for i in (1, 3):  # Docs without terms: exactly as a pipeline that never saw terms
        assert outputs(plain(plain.make_doc(texts[i]))) == outputs(together[i])


def test_terms_round_trip_through_docbin(terms_toy):
    from spacy.tokens import DocBin

    doc = translate(terms_toy, "le chat noir dort .", [{"target": "white", "start": 2, "end": 3}])
    store = DocBin(store_user_data=True)
    store.add(doc)
    (back,) = store.get_docs(terms_toy.vocab)
    assert back._.translation_terms == doc._.translation_terms
    assert back._.translation_terms_used == doc._.translation_terms_used


def test_settings_check_verbatim_labels():
    nlp = spacy.blank("fr")
    with pytest.raises(ValueError, match="verbatim_labels"):
        nlp.add_pipe("seq2seq_attn", config={**TOY_CONFIG, "verbatim_labels": [""]})
    with pytest.raises(ValueError, match="E003"):
        nlp.add_pipe("seq2seq_attn", name="other", config={**TOY_CONFIG, "glossary_match": "stem"})


def test_a_doc_without_tokens_but_with_terms(terms_toy):
    with pytest.warns(UserWarning, match="W055"):
        doc = translate(terms_toy, "   ", ["dog"])
    assert doc._.translation == "" and doc._.translation_terms_used[0]["skipped"]


def test_initialize_reads_a_glossary_to_save_with_the_pipeline(tmp_path):
    from toy_data import make_examples

    path = tmp_path / "glossary.tsv"
    path.write_text("chat noir\tblack cat\n", encoding="utf8")
    nlp = spacy.blank("fr")
    pipe = nlp.add_pipe("seq2seq_attn", config=TOY_CONFIG)
    examples = make_examples(nlp)
    nlp.initialize(lambda: examples)
    assert pipe.glossary is None
    pipe.initialize(lambda: examples, nlp=nlp, glossary=str(path))
    assert [(e.source, e.target) for e in pipe.glossary.entries] == [(("chat", "noir"), "black cat")]
    with pytest.raises(ValueError, match="E194"):
        pipe.initialize(lambda: examples, glossary=str(path))
