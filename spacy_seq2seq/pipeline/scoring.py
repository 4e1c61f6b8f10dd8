"""Corpus scores for `spacy train` / `spacy evaluate`: BLEU, chrF, ROUGE.

BLEU and chrF are sacreBLEU with its defaults: cased, 13a tokenisation of
detokenised text, one reference per segment, so the numbers match the
sacreBLEU CLI divided by 100. ROUGE is F1 with stemming (see `rouge.py`).
spaCy expects every score in [0, 1] (its training table multiplies by 100).
"""

from typing import Dict, Iterable, List, Sequence

from sacrebleu.metrics import BLEU, CHRF
from spacy.training import Example

from .rouge import ROUGE_TYPES, rouge_scores

# The component's `metrics` choices; "rouge" gives the four ROUGE_TYPES.
METRICS = ("bleu", "chrf", "rouge")


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str]) -> Dict[str, object]:
    """sacreBLEU corpus BLEU and chrF (0-100) with their signatures.

    hypotheses (Sequence[str]): System outputs.
    references (Sequence[str]): One reference per output.
    RETURNS (Dict[str, object]): "bleu", "chrf" (floats) and
        "bleu_signature", "chrf_signature" (str).
    """
    bleu, chrf = BLEU(), CHRF()
    return {
        "bleu": bleu.corpus_score(list(hypotheses), [list(references)]).score,
        "chrf": chrf.corpus_score(list(hypotheses), [list(references)]).score,
        "bleu_signature": str(bleu.get_signature()),
        "chrf_signature": str(chrf.get_signature()),
    }


def score_names(field: str, metrics: Sequence[str]) -> List[str]:
    """The score keys `score()` returns for these metrics."""
    names: List[str] = []
    for metric in metrics:
        names.extend(ROUGE_TYPES if metric == "rouge" else [metric])
    return [f"{field}_{name}" for name in names]


def score_outputs(
    examples: Iterable[Example], field: str, metrics: Sequence[str] = ("bleu", "chrf")
) -> Dict[str, float]:
    """Compare `eg.predicted._.{field}` with `eg.reference._.{field}`.

    examples (Iterable[Example]): Predicted and gold Docs; examples without a
        gold output are left out.
    field (str): The component's field.
    metrics (Sequence[str]): Names from METRICS.
    RETURNS (Dict[str, float]): `score_names(field, metrics)` -> score in [0, 1].
    """
    hypotheses: List[str] = []
    references: List[str] = []
    for example in examples:
        reference = example.reference._.get(field)
        if reference is None:
            continue
        hypotheses.append(example.predicted._.get(field) or "")
        references.append(reference)
    if not hypotheses:
        return dict.fromkeys(score_names(field, metrics), 0.0)
    scores: Dict[str, float] = {}
    if "bleu" in metrics or "chrf" in metrics:
        sacre = corpus_scores(hypotheses, references)
        for metric in ("bleu", "chrf"):
            if metric in metrics:
                scores[f"{field}_{metric}"] = float(sacre[metric]) / 100  # type: ignore[arg-type]
    if "rouge" in metrics:
        for name, value in rouge_scores(hypotheses, references).items():
            scores[f"{field}_{name}"] = value
    return {name: scores[name] for name in score_names(field, metrics)}
