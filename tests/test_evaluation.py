"""evaluation.evaluate_corpus: the work behind `evaluate`, from Python,
checked against outputs decoded here and sacreBLEU / ROUGE called directly."""

import json

import pytest
import spacy
from sacrebleu.metrics import BLEU, CHRF
from toy_data import TOY_PAIRS

from spacy_seq2seq.evaluation import REPORTED_DECODING_SETTINGS, evaluate_corpus
from spacy_seq2seq.pipeline.rouge import ROUGE_TYPES, rouge_scores


@pytest.fixture(scope="module")
def toy_nlp(trained_toy):
    return trained_toy[0]


def test_scores_are_sacrebleu_on_the_pipeline_outputs(toy_nlp, tmp_path):
    # One reference differs from what the model says, so BLEU is below 100
    # and the test sees whether the right pairs were compared.
    pairs = TOY_PAIRS[:3] + [("le chat mange .", "the cat is eating .")]
    (tmp_path / "pairs.tsv").write_text("".join(f"{s}\t{t}\n" for s, t in pairs), encoding="utf8")
    result = evaluate_corpus(toy_nlp, tmp_path / "pairs.tsv", batch_size=2)
    sources = [s for s, _ in pairs]
    references = [t for _, t in pairs]
    hypotheses = [doc._.translation for doc in toy_nlp.pipe(sources)]
    assert result.sources == sources and result.references == references
    assert result.hypotheses == hypotheses and result.n_segments == 4
    assert hypotheses[3] == "the cat eats ."
    bleu, chrf = BLEU(), CHRF()
    expected = {
        "bleu": bleu.corpus_score(hypotheses, [references]).score,
        "chrf": chrf.corpus_score(hypotheses, [references]).score,
    }
    assert result.scores == pytest.approx(expected)
    assert 0 < result.scores["bleu"] < 100
    assert result.signatures == {"bleu": str(bleu.get_signature()), "chrf": str(chrf.get_signature())}
    assert result.n_skipped == 0


def test_the_report_records_counts_decoding_and_scores_in_order(toy_nlp, tmp_path):
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in TOY_PAIRS) + "\n", encoding="utf8")
    (tmp_path / "ref.txt").write_text("".join(t + "\n" for _, t in TOY_PAIRS) + "x\n", encoding="utf8")
    result = evaluate_corpus(toy_nlp, tmp_path / "src.txt", tgt_path=tmp_path / "ref.txt", on_malformed="skip")
    report = result.report()
    assert list(report) == [
        "n_segments", "skipped", "decoding",
        "translation_bleu", "bleu_signature", "translation_chrf", "chrf_signature",
    ]
    assert report["n_segments"] == len(TOY_PAIRS)
    assert report["skipped"]["empty"] == 1 and result.n_skipped == 1
    cfg = toy_nlp.get_pipe("seq2seq_attn").cfg
    assert report["decoding"] == {key: cfg[key] for key in REPORTED_DECODING_SETTINGS}
    assert report["translation_bleu"] == pytest.approx(100.0)
    json.dumps(report)  # what `evaluate --output` writes must be JSON


def test_rouge_metrics_come_from_the_component_setting(toy_nlp, tmp_path):
    records = [{"dialogue": s, "summary": t} for s, t in TOY_PAIRS]
    records[0]["summary"] = "the cat sleeps ."
    (tmp_path / "val.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf8")
    # A copy loaded with metrics = ["rouge"]: the shared pipeline stays as it is.
    toy_nlp.to_disk(tmp_path / "model")
    nlp = spacy.load(tmp_path / "model", config={"components": {"seq2seq_attn": {"metrics": ["rouge"]}}})
    result = evaluate_corpus(nlp, tmp_path / "val.jsonl", src_key="dialogue", tgt_key="summary")
    assert result.hypotheses == [doc._.translation for doc in toy_nlp.pipe([s for s, _ in TOY_PAIRS])]
    expected = rouge_scores(result.hypotheses, [r["summary"] for r in records])
    assert set(result.scores) == set(ROUGE_TYPES) and result.signatures == {}
    assert result.scores == {name: pytest.approx(100 * expected[name]) for name in ROUGE_TYPES}
    assert 0 < result.scores["rouge2"] < 100
    assert list(result.report())[3:] == [f"translation_{name}" for name in ROUGE_TYPES]


def test_a_too_old_rouge_score_is_refused_before_decoding(toy_nlp, tmp_path, monkeypatch):
    from rouge_score import rouge_scorer

    class RougeScorerOfVersion004:  # no `tokenizer` argument (see pipeline/rouge.py)
        def __init__(self, rouge_types, use_stemmer=False):
            pass

    (tmp_path / "val.jsonl").write_text(json.dumps({"src": "le chat", "tgt": "the cat"}) + "\n", encoding="utf8")
    toy_nlp.to_disk(tmp_path / "model")
    nlp = spacy.load(tmp_path / "model", config={"components": {"seq2seq_attn": {"metrics": ["rouge"]}}})
    monkeypatch.setattr(rouge_scorer, "RougeScorer", RougeScorerOfVersion004)
    monkeypatch.setattr(nlp, "pipe", lambda *args, **kwargs: pytest.fail("decoded before the check"))
    with pytest.raises(ImportError, match=r"\[E141\]"):
        evaluate_corpus(nlp, tmp_path / "val.jsonl")


def test_a_pipeline_without_the_component_is_a_coded_error(tmp_path):
    with pytest.raises(ValueError, match=r"\[E040\].*no seq2seq_attn component"):
        evaluate_corpus(spacy.blank("fr"), tmp_path / "never-read.tsv")


def test_a_component_of_another_kind_is_a_coded_error(toy_nlp, tmp_path):
    with pytest.raises(ValueError, match=r"\[E041\] Component 'tagger'.*seq2seq_attn"):
        evaluate_corpus(toy_nlp, tmp_path / "never-read.tsv", component="tagger")
