"""ROUGE F1 (ROUGE-1, ROUGE-2, ROUGE-L, ROUGE-Lsum) with Google's
`rouge-score` package, as summarisation papers report it (Porter stemming).

Two things `rouge-score` gets wrong by default, handled here:

- Its tokenizer keeps only `[a-z0-9]`: "Größe" becomes "gr e" and a summary
  in German or French loses most of its words. `UnicodeTokenizer` does what
  the default does (lowercase, split on anything that is not a letter or
  digit, stem words over 3 characters) for letters of every script; on
  ASCII text it gives exactly the default's tokens.
- ROUGE-Lsum wants one sentence per line, and asking it to split
  (`split_summaries=True`) calls NLTK's punkt, which is not installed and
  cannot be downloaded here. `sentence_lines` splits after ". ! ?" itself.

Scores are corpus means of the per-summary F1, in [0, 1].

`tokenizer` came with rouge-score 0.1.2, which is published as a source
package only: an install from wheels alone resolves to 0.0.4, which lacks
it. `rouge_scorer_class` checks that up front and names the fix (E141).
"""

import inspect
import re
from typing import Dict, List, Sequence

from ..errors import Errors

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")

_NOT_WORD = re.compile(r"[\W_]+")  # not a letter or digit, in any script
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class UnicodeTokenizer:
    """The rouge-score tokenizer for every script.

    stem (bool): Porter-stem words longer than 3 characters, as the default
        tokenizer does with `use_stemmer=True` (meant for English).
    """

    def __init__(self, stem: bool = True) -> None:
        from nltk.stem import porter

        self._stemmer = porter.PorterStemmer() if stem else None

    def tokenize(self, text: str) -> List[str]:
        words = _NOT_WORD.sub(" ", text.lower()).split()
        if self._stemmer is not None:
            words = [self._stemmer.stem(word) if len(word) > 3 else word for word in words]
        return words


def sentence_lines(text: str) -> str:
    """One sentence per line, for ROUGE-Lsum: split after ".", "!" or "?"
    followed by whitespace; existing line breaks are kept."""
    lines = [sentence for line in text.splitlines() for sentence in _SENTENCE_END.split(line.strip())]
    return "\n".join(line for line in lines if line)


def rouge_scorer_class() -> type:
    """rouge-score's RougeScorer, if it takes a `tokenizer` (>= 0.1.2);
    else a coded error naming the installed version and the fix."""
    from importlib.metadata import PackageNotFoundError, version

    from rouge_score.rouge_scorer import RougeScorer

    if "tokenizer" not in inspect.signature(RougeScorer.__init__).parameters:
        try:
            installed = version("rouge-score")
        except PackageNotFoundError:  # imported from a path, not installed
            installed = "(unknown version)"
        raise ImportError(Errors.E141.format(version=installed))
    return RougeScorer


def rouge_scores(hypotheses: Sequence[str], references: Sequence[str], stem: bool = True) -> Dict[str, float]:
    """Mean ROUGE F1 over pairs.

    hypotheses (Sequence[str]): System outputs.
    references (Sequence[str]): One reference per output.
    stem (bool): Porter stemming (the usual setting for English summaries).
    RETURNS (Dict[str, float]): "rouge1", "rouge2", "rougeL", "rougeLsum" in [0, 1].
    """
    RougeScorer = rouge_scorer_class()
    if len(hypotheses) != len(references):
        raise ValueError(Errors.E110.format(n_hypotheses=len(hypotheses), n_references=len(references)))
    scorer = RougeScorer(list(ROUGE_TYPES), tokenizer=UnicodeTokenizer(stem=stem))
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for hypothesis, reference in zip(hypotheses, references):
        scores = scorer.score(sentence_lines(reference), sentence_lines(hypothesis))
        for rouge_type in ROUGE_TYPES:
            totals[rouge_type] += scores[rouge_type].fmeasure
    n = max(1, len(hypotheses))
    return {rouge_type: total / n for rouge_type, total in totals.items()}
