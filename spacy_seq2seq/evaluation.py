"""A pipeline's metrics on a held-out parallel corpus: what `python -m
spacy_seq2seq evaluate` prints and writes, callable from Python.

    from spacy_seq2seq.evaluation import evaluate_corpus
    result = evaluate_corpus(nlp, "test.tsv")
    result.scores["bleu"], result.report()

The metrics are the component's `metrics` setting (sacreBLEU BLEU and chrF,
cased and detokenised, and/or ROUGE F1), on a 0-100 scale as sacreBLEU
prints them; the decoding settings are the component's own, so override
them through the config when loading (`spacy.load(path, config=...)`).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

from spacy.language import Language
from spacy.tokens import Doc

from .pipeline.components import seq2seq_component_name
from .pipeline.rouge import ROUGE_TYPES, rouge_scorer_class
from .pipeline.scoring import corpus_metrics
from .pipeline.settings import setting_fields
from .training import ParallelCorpus

# The decoding settings, recorded beside the scores so that a number in a
# report can be reproduced: every one, in config order (derived from their
# declaration, so a new decoding setting is reported too).
REPORTED_DECODING_SETTINGS = tuple(spec.name for spec in setting_fields() if spec.metadata["decoding"])


@dataclass
class CorpusEvaluation:
    """The outputs and scores of one evaluation.

    field (str): The component's field (score keys in the report start with it).
    metrics (Sequence[str]): The component's `metrics` setting.
    scores (Dict[str, float]): 0-100 by name: "bleu", "chrf", and the four
        ROUGE_TYPES for "rouge".
    signatures (Dict[str, str]): sacreBLEU's signature of "bleu" / "chrf".
    sources, hypotheses, references (List[str]): Per evaluated pair.
    decoding (Dict[str, Any]): The REPORTED_DECODING_SETTINGS used.
    skipped (Optional[Dict[str, Any]]): The reader's statistics of skipped
        pairs (`CorpusStats.to_dict()`), None if it kept none.
    n_skipped (int): How many pairs the reader skipped.
    """

    field: str
    metrics: Sequence[str]
    scores: Dict[str, float]
    signatures: Dict[str, str]
    sources: List[str]
    hypotheses: List[str]
    references: List[str]
    decoding: Dict[str, Any]
    skipped: Optional[Dict[str, Any]]
    n_skipped: int

    @property
    def n_segments(self) -> int:
        """How many pairs were evaluated."""
        return len(self.hypotheses)

    def report(self) -> Dict[str, Any]:
        """The JSON report `evaluate --output` writes: counts, decoding
        settings, then `{field}_{metric}` and `{metric}_signature` per
        sacreBLEU metric, then `{field}_{rouge type}`."""
        report: Dict[str, Any] = {
            "n_segments": self.n_segments,
            "skipped": self.skipped,
            "decoding": dict(self.decoding),
        }
        for metric, signature in self.signatures.items():
            report[f"{self.field}_{metric}"] = self.scores[metric]
            report[f"{metric}_signature"] = signature
        if "rouge" in self.metrics:
            report.update({f"{self.field}_{name}": self.scores[name] for name in ROUGE_TYPES})
        return report


def evaluate_corpus(
    nlp: Language,
    data: Union[str, Path],
    *,
    component: str = "",
    batch_size: int = 1000,
    track: Optional[Callable[[Iterable[Doc], int], Iterable[Doc]]] = None,
    **reader: Any,
) -> CorpusEvaluation:
    """Decode the sources of a held-out corpus and score the outputs against
    its references with the component's metrics.

    nlp (Language): A pipeline with a trained seq2seq_attn component.
    data (Union[str, Path]): The corpus: .tsv, .jsonl, .json, or source lines
        with `tgt_path` (any format `ParallelCorpus` reads).
    component (str): The component's name; "" for the first seq2seq_attn.
    batch_size (int): Docs per `nlp.pipe` batch.
    track (Optional[Callable]): Called with the decoded Docs as they come
        and their number; returns them, e.g. through a progress bar.
    **reader: How to read `data`: settings of the corpus reader
        (`ReaderSettings`, e.g. `tgt_path`, `src_key`, `tgt_key`), except
        that `on_malformed` is "error" unless given (a test set should not
        lose pairs unnoticed) and `field` is the component's.
    RETURNS (CorpusEvaluation): Outputs, scores and the report.
    """
    name = seq2seq_component_name(nlp.config, component)
    pipe = nlp.get_pipe(name)
    field = pipe.field
    if "rouge" in pipe.cfg["metrics"]:
        rouge_scorer_class()  # E141 before decoding, if rouge-score is too old
    corpus = ParallelCorpus(data, **{"on_malformed": "error", **reader, "field": field})
    # The metrics need every text, but not the reader's Docs: keep the texts.
    sources: List[str] = []
    references: List[str] = []
    for example in corpus(nlp):
        sources.append(example.reference.text)
        references.append(example.reference._.get(field))
    docs: Iterable[Doc] = nlp.pipe(sources, batch_size=batch_size)
    if track is not None:
        docs = track(docs, len(sources))
    hypotheses = [doc._.get(field) for doc in docs]
    metrics = pipe.cfg["metrics"]
    scores, signatures = corpus_metrics(hypotheses, references, metrics)
    stats = corpus.stats
    return CorpusEvaluation(
        field=field,
        metrics=metrics,
        scores=scores,
        signatures=signatures,
        sources=sources,
        hypotheses=hypotheses,
        references=references,
        decoding={key: pipe.cfg[key] for key in REPORTED_DECODING_SETTINGS},
        skipped=stats.to_dict() if stats is not None else None,
        n_skipped=stats.skipped if stats is not None else 0,
    )
