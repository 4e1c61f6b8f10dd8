"""Terminology: constrained decoding measured as Post and Vilar (2018) did.

For a trained pipeline and a test set with references (default: Multi30k
test_2016_flickr de->en with the Multi30k recipe's model), decode

- `free`: without terms (twice: once plainly, once with every Doc's
  `translation_terms` set to an empty list, to show that a batch without
  terms costs nothing);
- `ref1`, `ref2`, `ref3`: with 1, 2 or 3 positive terms per sentence,
  phrases of 1-3 words sampled from its reference (fixed seed; no source
  span, as in Post and Vilar);
- `avoid`: one negative term per sentence, a word the free output used;
- `glossary`: with a glossary built from the training data (source and
  target words that translate each other most of the time, by Dice
  association), matched on the source Docs.

It reports positive terms met (goal 100%), negative terms violated (goal
0), BLEU and chrF (sacreBLEU) with vs without terms, for the glossary the
share of sentences whose free output already used the term, and the share
of glossary terms whose alignment links them to their source term (as
written on the Doc, where the component ties them, and as the raw
attention argmax would have linked them), and the time per condition at
the configured beam (medians over `--repeats` rounds, conditions
alternating within each round, ratios against `free`).

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.terminology \\
        --model training/multi30k_de_en/model-best \\
        --src $DATA/multi30k/test_2016_flickr.de --ref $DATA/multi30k/test_2016_flickr.en \\
        --train-src $DATA/multi30k/train.de --train-ref $DATA/multi30k/train.en

with DATA=../shared/data (research data is never copied into the repo).
"""

import random
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun

app = typer.Typer(add_completion=False)


def read_lines(path: Path, limit: Optional[int] = None) -> List[str]:
    lines = path.read_text(encoding="utf8").splitlines()
    return lines[:limit] if limit else lines


def sample_reference_terms(references: Sequence[str], n_terms: int, seed: int) -> List[List[str]]:
    """Per sentence, `n_terms` non-overlapping phrases of 1-3 words of its
    reference (fewer when it is too short), chosen at random with `seed`."""
    rng = random.Random(seed)
    sampled = []
    for reference in references:
        words = [w for w in reference.split() if any(c.isalnum() for c in w)]
        used = [False] * len(words)
        phrases: List[str] = []
        for _ in range(n_terms):
            starts = [i for i, taken in enumerate(used) if not taken]
            if not starts:
                break
            start, length = rng.choice(starts), rng.randint(1, 3)
            end = start
            while end < min(start + length, len(words)) and not used[end]:
                used[end] = True
                end += 1
            phrases.append(" ".join(words[start:end]))
        sampled.append(phrases)
    return sampled


def dice_glossary(
    sources: Sequence[str], targets: Sequence[str], *, min_count: int = 20, min_dice: float = 0.6, limit: int = 500
) -> List[Tuple[str, str]]:
    """Word pairs that translate each other in the training data: for each
    source word seen in at least `min_count` sentences, the target word
    with the highest Dice coefficient (2 x sentences with both / sentences
    with either), kept when it is at least `min_dice` and both are words
    of letters of 4 or more (names, nouns: what a glossary holds)."""
    source_counts: Counter = Counter()
    target_counts: Counter = Counter()
    pair_counts: Counter = Counter()
    for source, target in zip(sources, targets):
        source_words = {w.lower() for w in source.split() if w.isalpha() and len(w) >= 4}
        target_words = {w.lower() for w in target.split() if w.isalpha() and len(w) >= 4}
        source_counts.update(source_words)
        target_counts.update(target_words)
        pair_counts.update((s, t) for s in source_words for t in target_words)
    best: Dict[str, Tuple[float, str]] = {}
    for (s, t), both in pair_counts.items():
        if source_counts[s] < min_count:
            continue
        dice = 2 * both / (source_counts[s] + target_counts[t])
        if dice > best.get(s, (0.0, ""))[0]:
            best[s] = (dice, t)
    pairs = sorted(((dice, s, t) for s, (dice, t) in best.items() if dice >= min_dice), reverse=True)
    return [(s, t) for _, s, t in pairs[:limit]]


def contains_words(text: str, phrase: str) -> bool:
    from spacy_seq2seq.pipeline.term_pieces import contains_words as contains

    return contains(text, phrase)


def decode(nlp, texts: Sequence[str], terms: Optional[Sequence[Any]], batch_size: int) -> Tuple[List[Any], float]:
    """The decoded Docs and the seconds `nlp.pipe` took (tokenizing included)."""
    import warnings

    docs = [nlp.make_doc(text) for text in texts]
    if terms is not None:
        for doc, doc_terms in zip(docs, terms):
            doc._.translation_terms = doc_terms
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W055/W056 are counted below instead
        out = list(nlp.pipe(docs, batch_size=batch_size))
    return out, time.perf_counter() - started


def quality(docs: Sequence[Any], references: Sequence[str]) -> Dict[str, float]:
    import sacrebleu

    hypotheses = [doc._.translation for doc in docs]
    return {
        "bleu": round(sacrebleu.corpus_bleu(hypotheses, [list(references)]).score, 2),
        "chrf": round(sacrebleu.corpus_chrf(hypotheses, [list(references)]).score, 2),
    }


def term_counts(docs: Sequence[Any]) -> Dict[str, Any]:
    """Positive terms met and negative ones kept out, from what the
    component reports, checked against the output text itself."""
    counts = Counter()
    for doc in docs:
        for used in doc._.translation_terms_used:
            if used["skipped"]:
                counts["skipped"] += 1
                continue
            present = contains_words(doc._.translation, used["target"])
            if used["negative"]:
                counts["negative"] += 1
                counts["negative_violated"] += present
            else:
                counts["positive"] += 1
                counts["positive_met"] += bool(used["met"])
                counts["positive_in_text"] += present
    result: Dict[str, Any] = dict(counts)
    if counts["positive"]:
        result["positive_met_pct"] = round(100 * counts["positive_met"] / counts["positive"], 2)
    if counts["negative"]:
        result["negative_violated_pct"] = round(100 * counts["negative_violated"] / counts["negative"], 2)
    return result


def alignment_shares(docs: Sequence[Any]) -> Dict[str, Any]:
    """For met glossary terms: the share whose words the Doc's alignment
    links to the term's source tokens only (`tied`), and the share whose
    words' attention peaks inside the source term (`attention_argmax`)."""
    n = tied = argmax = 0
    for doc in docs:
        attention = doc._.translation_attention
        for used in doc._.translation_terms_used:
            if not used["met"] or used["negative"] or used["start"] is None or not used["target_words"]:
                continue
            n += 1
            span = set(range(used["start"], used["end"]))
            words = set(used["target_words"])
            linked = {i for i, j in doc._.translation_alignment if j in words}
            tied += bool(linked) and linked <= span
            if attention is not None:
                peaks = {max(range(len(attention[j])), key=attention[j].__getitem__) for j in words}
                argmax += peaks <= span
    if not n:
        return {"n": 0}
    return {"n": n, "tied_pct": round(100 * tied / n, 2), "attention_argmax_pct": round(100 * argmax / n, 2)}


def glossary_terms(nlp, pairs: Sequence[Tuple[str, str]]):
    from spacy_seq2seq.terms import Glossary

    return Glossary.from_pairs(pairs, nlp.make_doc)


@app.command()
def main(
    model: Path = typer.Option(..., help="A trained pipeline (its seq2seq_attn writes `translation`)."),
    src: Path = typer.Option(..., help="Test sources, one per line."),
    ref: Path = typer.Option(..., help="Test references, one per line."),
    train_src: Path = typer.Option(..., help="Training sources (for the glossary)."),
    train_ref: Path = typer.Option(..., help="Training targets (for the glossary)."),
    limit: Optional[int] = typer.Option(None, help="Only the first N test sentences."),
    beam_size: int = typer.Option(5, help="Beam width for every condition."),
    repeats: int = typer.Option(3, help="Timing rounds (medians)."),
    seed: int = typer.Option(0, help="Seed of the sampled reference terms."),
    batch_size: int = typer.Option(64, help="Docs per nlp.pipe batch."),
    data_note: str = typer.Option("", help="What the data is, for the report."),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where the report goes."),
) -> None:
    """Measure terms met, quality and speed with vs without terms."""
    import spacy

    run = BenchmarkRun("terminology")
    nlp = spacy.load(model, config={"components": {"seq2seq_attn": {"beam_size": beam_size}}})
    pipe = nlp.get_pipe("seq2seq_attn")
    pipe.set_glossary(None)
    texts, references = read_lines(src, limit), read_lines(ref, limit)
    pairs = dice_glossary(read_lines(train_src), read_lines(train_ref))
    glossary = glossary_terms(nlp, pairs)
    free_docs, _ = decode(nlp, texts, None, batch_size)
    conditions: Dict[str, Any] = {
        "free": None,
        "free_empty_terms": [[] for _ in texts],
        **{f"ref{k}": sample_reference_terms(references, k, seed + k) for k in (1, 2, 3)},
        "avoid": [_avoided_word(doc._.translation, random.Random(seed + i)) for i, doc in enumerate(free_docs)],
        "glossary": None,
    }
    timings: Dict[str, List[float]] = {name: [] for name in conditions}
    outputs: Dict[str, List[Any]] = {}
    for _ in range(repeats):
        for name, terms in conditions.items():
            pipe.set_glossary(glossary if name == "glossary" else None)
            docs, seconds = decode(nlp, texts, terms, batch_size)
            timings[name].append(seconds)
            outputs[name] = docs
    pipe.set_glossary(None)
    free_time = statistics.median(timings["free"])
    results: Dict[str, Any] = {
        "model": str(model), "src": str(src), "ref": str(ref), "n_sentences": len(texts), "beam_size": beam_size,
        "seed": seed, "repeats": repeats, "glossary_entries": len(pairs), "data_note": data_note,
        "conditions": {},
    }
    for name, docs in outputs.items():
        median = statistics.median(timings[name])
        results["conditions"][name] = {
            **quality(docs, references), **term_counts(docs),
            "seconds_median": round(median, 3), "vs_free": round(median / free_time, 3),
        }
    glossary_docs = outputs["glossary"]
    results["conditions"]["glossary"]["alignment"] = alignment_shares(glossary_docs)
    results["conditions"]["glossary"]["already_in_free_output_pct"] = _already_used(glossary_docs, outputs["free"])
    results["free_outputs_identical_with_empty_terms"] = [d._.translation for d in outputs["free"]] == [
        d._.translation for d in outputs["free_empty_terms"]
    ]
    run.results_dir = results_dir
    run.write("Terminology: constrained decoding", _table(results), results)
    typer.echo(_table(results))


def _avoided_word(text: str, rng: random.Random) -> List[Dict[str, Any]]:
    words = [w for w in text.split() if w.isalpha() and len(w) >= 3]
    return [{"target": rng.choice(words), "negative": True}] if words else []


def _already_used(glossary_docs: Sequence[Any], free_docs: Sequence[Any]) -> Optional[float]:
    """Of the glossary terms applied, the share the free output already held."""
    n = used = 0
    for doc, free in zip(glossary_docs, free_docs):
        for term in doc._.translation_terms_used:
            if not term["skipped"]:
                n += 1
                used += contains_words(free._.translation, term["target"])
    return round(100 * used / n, 2) if n else None


def _table(results: Dict[str, Any]) -> str:
    lines = [
        f"{results['n_sentences']} sentences of `{results['src']}`, beam {results['beam_size']}, "
        f"seed {results['seed']}, {results['repeats']} timing rounds; glossary of "
        f"{results['glossary_entries']} entries from the training data. {results['data_note']}",
        "",
        "| condition | BLEU | chrF | positive met | negative violated | skipped | time (median s) | vs free |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in results["conditions"].items():
        met = f"{row['positive_met']}/{row['positive']} ({row['positive_met_pct']}%)" if row.get("positive") else "-"
        violated = f"{row['negative_violated']}/{row['negative']}" if row.get("negative") else "-"
        lines.append(
            f"| {name} | {row['bleu']} | {row['chrf']} | {met} | {violated} | {row.get('skipped', 0)} | "
            f"{row['seconds_median']} | {row['vs_free']}x |"
        )
    alignment = results["conditions"]["glossary"]["alignment"]
    lines += [
        "",
        f"Glossary terms met: {alignment.get('n', 0)}; linked to their source term by the Doc's alignment: "
        f"{alignment.get('tied_pct', '-')}% (tied by the component), by the raw attention argmax: "
        f"{alignment.get('attention_argmax_pct', '-')}%. Terms the free output already used: "
        f"{results['conditions']['glossary']['already_in_free_output_pct']}%.",
        f"Free outputs identical with empty term lists: {results['free_outputs_identical_with_empty_terms']}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    app()
