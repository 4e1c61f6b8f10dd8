"""The component end to end: training, outputs, anatomy and bad input."""

import warnings

import numpy
import pytest
import spacy
import torch
from sacrebleu.metrics import BLEU
from spacy.training import Example
from toy_data import TOY_CONFIG, TOY_PAIRS, make_examples, outputs, overridden

from spacy_seq2seq.models import TeacherForced
from spacy_seq2seq.pipeline import Seq2SeqPrediction
from spacy_seq2seq.pipeline.rouge import rouge_scores
from spacy_seq2seq.pipeline.source_encoding import encode_source
from spacy_seq2seq.vocab import UNK_ID


def test_overfitting_loss_falls_and_outputs_are_exact(trained_toy):
    nlp, history = trained_toy
    start, end = history[0], history[-1]
    # Label smoothing 0.1 keeps the floor around 0.6 nats per piece.
    assert end < 0.3 * start, (start, end)
    for source, target in TOY_PAIRS:
        assert nlp(source)._.translation == target


def test_extensions_have_the_documented_shapes(trained_toy):
    nlp, _ = trained_toy
    doc = nlp("le chat noir dort .")
    (text, tokens, alignment, attention, nbest, nbest_tokens, nbest_alignment, nbest_attention,
     copied, terms, terms_used) = outputs(doc)
    assert copied is None  # no copy attention in this model
    assert terms is None and terms_used == []  # no terms set, none found
    assert tokens == text.split()
    # With n_best = 1 the n-best list holds the output alone.
    assert [entry[0] for entry in nbest] == [text]
    assert isinstance(nbest[0], tuple) and nbest[0][1] < 0.0
    assert (nbest_tokens, nbest_alignment, nbest_attention) == ([tokens], [alignment], [attention])
    assert len(attention) == len(tokens)
    assert all(len(row) == len(doc) for row in attention)
    assert all(isinstance(weight, float) for row in attention for weight in row)
    # Rows are shares of attention on source tokens (the rest went to EOS).
    assert all(0.0 <= sum(row) <= 1.0 + 1e-5 for row in attention)
    assert all(isinstance(link, tuple) and len(link) == 2 for link in alignment)
    assert {j for _, j in alignment} <= set(range(len(tokens)))
    assert {i for i, _ in alignment} <= set(range(len(doc)))
    # The alignment is the argmax of the attention, row by row.
    for i, j in alignment:
        assert attention[j][i] == max(attention[j])


def test_predict_is_pure_and_set_annotations_writes(trained_toy):
    nlp, _ = trained_toy
    s2s = nlp.get_pipe("seq2seq_attn")
    doc = nlp.make_doc("un chat blanc dort .")
    predictions = s2s.predict([doc])
    assert doc._.translation is None and doc._.translation_tokens is None
    assert isinstance(predictions[0], Seq2SeqPrediction)
    s2s.set_annotations([doc], predictions)
    assert doc._.translation == "a white cat sleeps ."
    assert doc._.translation_tokens == predictions[0].tokens


@pytest.mark.parametrize("text", ["", "   ", " \n\t "])
def test_empty_and_whitespace_docs(trained_toy, text):
    nlp, _ = trained_toy
    doc = nlp(text)
    assert doc._.translation == ""
    assert doc._.translation_tokens == []
    assert doc._.translation_alignment == []
    assert doc._.translation_attention == []
    assert doc._.translation_nbest == [] and doc._.translation_nbest_alignment == []


def test_an_empty_output_still_has_its_nbest_entry(trained_toy):
    nlp, _ = trained_toy
    s2s = nlp.get_pipe("seq2seq_attn")
    bias = s2s.model.shims[0]._model.decoder.output.bias
    saved = bias.detach().clone()
    with torch.no_grad():  # make EOS win at once: the output is empty
        bias[3] += 1e4
    try:
        with overridden(s2s, min_output_length=0):
            doc = nlp("le chat mange .")
    finally:  # the model is shared by other tests: restore it exactly
        with torch.no_grad():
            bias.copy_(saved)
    assert doc._.translation == "" and len(doc._.translation_nbest) == 1
    assert doc._.translation_nbest[0][0] == "" and doc._.translation_nbest[0][1] > -1e-3
    assert nlp("le chat mange .")._.translation == "the cat eats ."


def test_empty_batches(trained_toy):
    nlp, _ = trained_toy
    s2s = nlp.get_pipe("seq2seq_attn")
    assert s2s.predict([]) == []
    assert list(nlp.pipe([])) == []
    # A batch mixing empty and real docs keeps positions.
    docs = list(nlp.pipe(["", "le chat mange .", "  "]))
    assert [doc._.translation for doc in docs] == ["", "the cat eats .", ""]


def test_pipe_equals_call(trained_toy):
    nlp, _ = trained_toy
    sources = [source for source, _ in TOY_PAIRS]
    piped = [outputs(doc) for doc in nlp.pipe(sources, batch_size=4)]
    single = [outputs(nlp(source)) for source in sources]
    assert [p[:3] for p in piped] == [s[:3] for s in single]
    # BLAS sums in a different order for another batch size: last-bit noise.
    for p, s in zip(piped, single):
        numpy.testing.assert_allclose(p[3], s[3], rtol=0, atol=1e-6)


def test_store_attention_false_keeps_alignment(trained_toy):
    nlp, _ = trained_toy
    s2s = nlp.get_pipe("seq2seq_attn")
    expected = nlp("le chat noir dort .")
    with overridden(s2s, store_attention=False):
        doc = nlp("le chat noir dort .")
    assert doc._.translation_attention is None
    assert doc._.translation == expected._.translation
    assert doc._.translation_alignment == expected._.translation_alignment


def test_unknown_words_do_not_crash(trained_toy):
    nlp, _ = trained_toy
    pipe = nlp.get_pipe("seq2seq_attn")
    doc = nlp("Zébulon ¿ 42 chat")
    # The premise: the toy vocabulary has no pieces for these words.
    source = encode_source(doc, pipe.src_pieces)
    assert UNK_ID in source.ids.tolist()
    # They are decoded like any other piece: the output and its attention
    # are those of the forced pass over the same output.
    assert doc._.translation_nbest[0][0] == doc._.translation
    assert len(doc._.translation_attention) == len(doc._.translation_tokens)
    assert all(len(row) == len(doc) for row in doc._.translation_attention)
    [forced] = pipe.align([nlp.make_doc(doc.text)], [doc._.translation])
    assert forced._.translation_tokens == doc._.translation_tokens
    numpy.testing.assert_allclose(forced._.translation_attention, doc._.translation_attention, atol=1e-5)
    assert forced._.translation_nbest[0][1] == pytest.approx(doc._.translation_nbest[0][1], abs=1e-4)


# -- training-time errors ---------------------------------------------------


def _fresh(config=TOY_CONFIG, field="translation"):
    nlp = spacy.blank("fr")
    s2s = nlp.add_pipe("seq2seq_attn", config={**config, "field": field})
    return nlp, s2s


def test_initialize_rejects_a_non_callable():
    nlp, _ = _fresh()
    with pytest.raises(TypeError):
        nlp.get_pipe("seq2seq_attn").initialize(make_examples(nlp))


def test_initialize_without_examples():
    nlp, s2s = _fresh()
    # spaCy's own check refuses an empty list; an empty stream reaches ours.
    with pytest.raises(TypeError):
        s2s.initialize(lambda: [])
    with pytest.raises(ValueError, match=r"\[E001\].*no training examples"):
        s2s.initialize(lambda: iter(()))


def test_missing_target_names_the_extension():
    nlp, s2s = _fresh()
    example = Example(nlp.make_doc("le chat"), nlp.make_doc("le chat"))
    with pytest.raises(ValueError, match=r"\[E002\].*example 0.*reference\._\.translation"):
        s2s.initialize(lambda: [example])


def test_all_sources_empty():
    nlp, s2s = _fresh()
    examples = make_examples(nlp, [("", "the cat"), ("  ", "a dog")])
    with pytest.raises(ValueError, match=r"\[E012\]"):
        s2s.initialize(lambda: examples)


def test_uninitialized_component_says_how_to_fix():
    nlp, s2s = _fresh()
    with pytest.raises(ValueError, match=r"\[E005\].*nlp.initialize"):
        nlp("le chat")
    with pytest.raises(ValueError, match=r"\[E005\]"):
        nlp.update(make_examples(nlp))


def test_update_skips_and_counts_empty_sources():
    nlp, s2s = _fresh()
    examples = make_examples(nlp)
    nlp.initialize(lambda: examples)
    # The loss of the two real pairs alone (no optimizer: weights unchanged).
    expected = s2s.update(examples[:2])["seq2seq_attn"]
    batch = examples[:2] + make_examples(nlp, [("   ", "the cat")])
    with pytest.warns(UserWarning, match=r"\[W001\].*skipped 1 of 3"):
        losses = nlp.update(batch)
    # The skipped pair adds nothing: not to the loss, nor to its normaliser.
    assert expected > 0
    assert losses["seq2seq_attn"] == pytest.approx(expected, rel=1e-6)


def test_nan_loss_is_a_clear_error(trained_toy):
    nlp, _ = trained_toy
    s2s = nlp.get_pipe("seq2seq_attn")
    logits = torch.full((1, 2, 5), float("nan"))
    output = TeacherForced(logits=logits, tgt_out=torch.tensor([[4, 3]]), attention=None, pad_id=0)
    with pytest.raises(ValueError, match=r"\[E004\].*NaN"):
        s2s.get_loss([], output)


def test_update_without_sgd_accumulates_gradients():
    nlp, s2s = _fresh()
    examples = make_examples(nlp)
    nlp.initialize(lambda: examples)
    module = s2s.model.shims[0]._model
    before = {name: p.detach().clone() for name, p in module.named_parameters()}
    # Called on the component: nlp.update would create a default optimizer.
    s2s.update(examples)  # no sgd: weights stay, gradients accumulate
    for name, param in module.named_parameters():
        assert torch.equal(param.detach(), before[name]), name
    assert any(param.grad is not None and param.grad.abs().sum() > 0 for param in module.parameters())


# -- configuration errors ------------------------------------------------------


@pytest.mark.parametrize(
    "model_config, pattern",
    [
        ({"attention": "luong"}, r"\[E003\].*'attention'.*dot, general, additive, none"),
        ({"cell": "rnn"}, r"\[E003\].*'cell'.*gru, lstm"),
        ({"hidden_width": 63}, r"\[E009\]"),
    ],
)
def test_bad_model_choices(model_config, pattern):
    nlp = spacy.blank("fr")
    with pytest.raises(ValueError, match=pattern):
        nlp.add_pipe("seq2seq_attn", config={"model": model_config})


@pytest.mark.parametrize(
    "config, pattern",
    [
        ({"field": "my-field"}, r"\[E006\]"),
        ({"tgt_lang": "zz"}, r"\[E007\].*'zz'"),
        ({"joint_vocab": True, "src_vocab_size": 100, "tgt_vocab_size": 200}, r"\[E013\].*joint_vocab"),
        ({"label_smoothing": 1.5}, r"\[E013\].*label_smoothing"),
        ({"max_output_length": 0}, r"\[E013\].*max_output_length"),
    ],
)
def test_bad_component_settings(config, pattern):
    nlp = spacy.blank("fr")
    with pytest.raises(ValueError, match=pattern):
        nlp.add_pipe("seq2seq_attn", config=config)


# -- several components ----------------------------------------------------------


def test_two_fields_do_not_interfere():
    nlp = spacy.blank("fr")
    nlp.add_pipe("seq2seq_attn", name="translator", config=TOY_CONFIG)
    nlp.add_pipe("seq2seq_attn", name="summarizer", config={**TOY_CONFIG, "field": "summary"})
    examples = make_examples(nlp)
    for example, (source, _) in zip(examples, TOY_PAIRS):
        example.reference._.summary = source.split()[1]
    nlp.initialize(lambda: examples)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        doc = nlp("le chat noir dort .")
        # Each component alone writes the same values it writes in the pair.
        alone_translation = nlp.get_pipe("translator")(nlp.make_doc("le chat noir dort ."))
        alone_summary = nlp.get_pipe("summarizer")(nlp.make_doc("le chat noir dort ."))
    # Untrained, they may run into the output limit, and say so (W004).
    assert {str(w.message)[:6] for w in record} <= {"[W004]"}
    assert outputs(doc, "translation") == outputs(alone_translation, "translation")
    assert outputs(doc, "summary") == outputs(alone_summary, "summary")
    assert alone_translation._.summary is None and alone_summary._.translation is None
    # Each learned its own target vocabulary from its own field.
    translator, summarizer = nlp.get_pipe("translator"), nlp.get_pipe("summarizer")
    assert translator.tgt_pieces.to_bytes() != summarizer.tgt_pieces.to_bytes()


def test_score_reports_bleu_and_chrf(trained_toy):
    nlp, _ = trained_toy
    examples = make_examples(nlp)
    scores = nlp.evaluate(examples)
    assert scores["translation_bleu"] == pytest.approx(1.0)
    assert scores["translation_chrf"] == pytest.approx(1.0)
    # A wrong reference lowers both.
    wrong = make_examples(nlp, [(s, "completely different words here") for s, _ in TOY_PAIRS])
    worse = nlp.evaluate(wrong)
    assert worse["translation_bleu"] < 0.1 and worse["translation_chrf"] < 0.5



def test_score_reports_the_configured_metrics(trained_toy):
    nlp, _ = trained_toy
    pipe = nlp.get_pipe("seq2seq_attn")
    examples = make_examples(nlp)
    hypotheses = [nlp(eg.reference.text)._.translation for eg in examples]
    # The toy model's outputs are all exact: one wrong output keeps every
    # score below 1, so a score of the wrong pairs or sides would show.
    hypotheses[0] = "the dog sleeps on a mat ."
    for eg, hypothesis in zip(examples, hypotheses):
        eg.predicted._.translation = hypothesis
    references = [eg.reference._.translation for eg in examples]
    assert hypotheses[0] != references[0]
    with overridden(pipe, metrics=("rouge", "bleu")):
        scores = pipe.score(examples)
    assert list(scores) == [
        "translation_rouge1", "translation_rouge2", "translation_rougeL", "translation_rougeLsum", "translation_bleu",
    ]
    expected = {f"translation_{name}": value for name, value in rouge_scores(hypotheses, references).items()}
    expected["translation_bleu"] = BLEU().corpus_score(hypotheses, [references]).score / 100
    assert scores == pytest.approx(expected)
    assert all(0.0 < value < 1.0 for value in scores.values()), scores


@pytest.mark.parametrize("metrics", [[], ["bleu", "bleu"], ["meteor"], "bleu"])
def test_invalid_metrics_are_refused(metrics):
    nlp = spacy.blank("fr")
    with pytest.raises(ValueError, match="metrics"):
        nlp.add_pipe("seq2seq_attn", config={"metrics": metrics})
