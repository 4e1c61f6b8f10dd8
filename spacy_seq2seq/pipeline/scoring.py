"""Corpus-level BLEU and chrF for `spacy train` / `spacy evaluate`.

sacreBLEU with its defaults: cased, 13a tokenisation of detokenised text,
one reference per segment, so the numbers match the sacreBLEU CLI divided by
100: spaCy expects every score in [0, 1] (its training table multiplies by 100).
"""

from typing import Dict, Iterable, List, Sequence

from sacrebleu.metrics import BLEU, CHRF
from spacy.training import Example


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


def score_outputs(examples: Iterable[Example], field: str) -> Dict[str, float]:
    """Compare `eg.predicted._.{field}` with `eg.reference._.{field}`.

    examples (Iterable[Example]): Predicted and gold Docs.
    field (str): The component's field.
    RETURNS (Dict[str, float]): `{field}_bleu` and `{field}_chrf`, in [0, 1].
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
        return {f"{field}_bleu": 0.0, f"{field}_chrf": 0.0}
    scores = corpus_scores(hypotheses, references)
    return {
        f"{field}_bleu": float(scores["bleu"]) / 100,  # type: ignore[arg-type]
        f"{field}_chrf": float(scores["chrf"]) / 100,  # type: ignore[arg-type]
    }
