"""Corpus scores for `spacy train` / `spacy evaluate`: BLEU, chrF, ROUGE.

BLEU and chrF are sacreBLEU with its defaults: cased, 13a tokenisation of
detokenised text, one reference per segment, so the numbers match the
sacreBLEU CLI divided by 100. ROUGE is F1 with stemming (see `rouge.py`).
spaCy expects every score in [0, 1] (its training table multiplies by 100).
"""

from typing import Dict, Iterable, List, Literal, Sequence, Tuple, get_args

from sacrebleu.metrics import BLEU, CHRF
from spacy.training import Example

from .rouge import ROUGE_TYPES, rouge_scores

# The component's `metrics` choices; "rouge" gives the four ROUGE_TYPES.
Metric = Literal["bleu", "chrf", "rouge"]
METRICS: Tuple[str, ...] = get_args(Metric)


def corpus_metrics(
    hypotheses: Sequence[str], references: Sequence[str], metrics: Sequence[str]
) -> Tuple[Dict[str, float], Dict[str, str]]:
    """The named metrics on a corpus, each computed once and only if asked.

    hypotheses (Sequence[str]): System outputs.
    references (Sequence[str]): One reference per output.
    metrics (Sequence[str]): Names from METRICS.
    RETURNS (Tuple[Dict[str, float], Dict[str, str]]): Scores on a 0-100
        scale by name ("bleu", "chrf", "rouge1" ... "rougeLsum"), in the
        order of `metrics`; and the sacreBLEU signature of "bleu" / "chrf".
    """
    scores: Dict[str, float] = {}
    signatures: Dict[str, str] = {}
    for metric in metrics:
        if metric == "rouge":
            scores.update({name: 100 * value for name, value in rouge_scores(hypotheses, references).items()})
            continue
        scorer = BLEU() if metric == "bleu" else CHRF()
        scores[metric] = scorer.corpus_score(list(hypotheses), [list(references)]).score
        signatures[metric] = str(scorer.get_signature())
    return scores, signatures


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
    scores, _ = corpus_metrics(hypotheses, references, metrics)
    return {f"{field}_{name}": value / 100 for name, value in scores.items()}
