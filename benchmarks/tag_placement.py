"""Tag placement on the RWTH German-English gold: where do inline tags land?

Test items come from the gold links (Sure links only): a source phrase of
1 to `--max-phrase` words whose gold-aligned target words form a
consistent phrase pair (Och and Ney: no link leaves the box) is wrapped in
an inline tag, and the tag belongs on that target phrase (the tightest
span: the first to the last linked target word). Each sentence gives at
most `--per-sentence` phrases, drawn with a fixed seed. A tag is placed as
`spacy_seq2seq.markup` places one (alignment/projection.py's rule on the
links, and on the stored attention where the method reads it) and scored:

- exact: the placed span is the gold span;
- overlap F1: word-level precision and recall of the placed span against
  the gold one, per item, averaged (a tag placed nowhere scores 0);
- unplaced: the share of tags with no output word at all.

(a) Forced alignment: the reference translation is aligned with the
    model, so translation errors do not count: every alignment method
    the model has (argmax, shift, threshold, shift_threshold, and head,
    head_threshold with an alignment head), the two directions
    symmetrized when `--reverse` is given, eflomal's links when
    `--eflomal-links` gives them (pharaoh, one line per gold pair, e.g.
    from `align`-style output of eflomal), and the gold links themselves
    (a check of the scoring: 100% by construction).
(b) Real decoding (`--decode`): the model translates the source; the gold
    span is carried into its output through the words it shares with the
    reference (a longest-common-subsequence match of lower-cased words),
    and only items whose gold phrase is matched are scored (the share is
    reported). eflomal cannot align an output it was not trained on, so
    (b) has no eflomal row.

The data stays in ../shared/data (research-only, never copied):

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.tag_placement \\
        --forward training/align_de_en/model-best --reverse training/align_en_de/model-best \\
        --eflomal-links eflomal.de-en.txt --decode
"""

import difflib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import typer

from benchmarks.harness import BenchmarkRun

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "alignment" / "deen"

Link = Tuple[int, int]
Span = Tuple[int, int]  # start, end (exclusive)

app = typer.Typer(add_completion=False)


@dataclass(frozen=True)
class TagItem:
    """One tag to place: pair `pair`, source words `source` wrapped, and
    the target words `target` where it belongs."""

    pair: int
    source: Span
    target: Span


def consistent_phrases(links: Set[Link], n_source: int, max_phrase: int) -> List[Tuple[Span, Span]]:
    """Every (source span, target span) of a consistent phrase pair whose
    source side has 1..max_phrase words and at least one link; the target
    span is the tightest one (first to last linked word)."""
    pairs = []
    for start in range(n_source):
        for end in range(start + 1, min(n_source, start + max_phrase) + 1):
            targets = [j for i, j in links if start <= i < end]
            if not targets:
                continue
            low, high = min(targets), max(targets) + 1
            if all(start <= i < end for i, j in links if low <= j < high):
                pairs.append(((start, end), (low, high)))
    return pairs


def tag_items(gold_links: Sequence[Set[Link]], source_lengths: Sequence[int], max_phrase: int,
              per_sentence: int, seed: int) -> List[TagItem]:
    """The test items: up to `per_sentence` non-overlapping source phrases
    per pair, drawn with `seed`."""
    rng = random.Random(seed)
    items = []
    for pair, (links, n_source) in enumerate(zip(gold_links, source_lengths)):
        candidates = consistent_phrases(links, n_source, max_phrase)
        rng.shuffle(candidates)
        taken: List[Span] = []
        for source, target in candidates:
            if len(taken) == per_sentence:
                break
            if any(source[0] < s[1] and s[0] < source[1] for s in taken):
                continue
            taken.append(source)
            items.append(TagItem(pair, source, target))
    return items


def overlap_f1(placed: Optional[Span], gold: Span) -> float:
    """Word-level F1 of a placed span against the gold one (0 if unplaced)."""
    if placed is None:
        return 0.0
    common = max(0, min(placed[1], gold[1]) - max(placed[0], gold[0]))
    if common == 0:
        return 0.0
    precision, recall = common / (placed[1] - placed[0]), common / (gold[1] - gold[0])
    return 2 * precision * recall / (precision + recall)


def score_placements(placed: Sequence[Optional[Span]], gold: Sequence[Span]) -> Dict[str, float]:
    """exact, overlap_f1 and unplaced, as shares of the items (in [0, 1])."""
    n = len(gold)
    if n == 0:
        return {"items": 0, "exact": 0.0, "overlap_f1": 0.0, "unplaced": 0.0}
    return {
        "items": n,
        "exact": sum(p == g for p, g in zip(placed, gold)) / n,
        "overlap_f1": sum(overlap_f1(p, g) for p, g in zip(placed, gold)) / n,
        "unplaced": sum(p is None for p in placed) / n,
    }


def place(items: Sequence[TagItem], links: Sequence[Sequence[Link]], attention: Optional[Sequence] = None) -> List[Optional[Span]]:
    """Where each item's tag goes by the links of its pair (and the
    stored attention, where given): the rule `spacy_seq2seq.markup` uses."""
    from spacy_seq2seq.alignment.projection import Projector

    projectors: Dict[int, Projector] = {}
    placed = []
    for item in items:
        if item.pair not in projectors:
            projectors[item.pair] = Projector(links[item.pair], attention[item.pair] if attention else None)
        placed.append(projectors[item.pair].project(*item.source))
    return placed


def carried_span(reference: Sequence[str], output: Sequence[str], span: Span) -> Optional[Span]:
    """The gold span carried into a model output: the output words matched
    (longest common subsequence, lower-cased) to the span's reference words;
    None when none is matched."""
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in reference], b=[w.lower() for w in output], autojunk=False)
    matched = [
        block.b + k for block in matcher.get_matching_blocks() for k in range(block.size)
        if span[0] <= block.a + k < span[1]
    ]
    return (min(matched), max(matched) + 1) if matched else None


def read_pharaoh_lines(path: Path) -> List[List[Link]]:
    from spacy_seq2seq.alignment import read_pharaoh

    return [sorted(links) for links in read_pharaoh(path)]


def forced_rows(model: Path, reverse: Optional[Path], de, en, items, threshold: float) -> List[Tuple[str, Dict]]:
    """(a): every method of the model, by its links alone and by its links
    with the stored attention (what a Doc gives the placement: rule 2 of
    alignment/projection.py), and symmetrized with the reverse model."""
    import spacy

    from spacy_seq2seq.alignment import HEAD_METHODS, SYMMETRIZATIONS, flip, symmetrize
    from spacy_seq2seq.pipeline.forced import align_word_lists

    gold = [item.target for item in items]
    pipe = spacy.load(model).get_pipe("seq2seq_attn")
    rows, forward = [], {}
    for method in ("argmax", "shift", "threshold", "shift_threshold", "head", "head_threshold"):
        try:
            docs = pipe.align([_doc(pipe, words) for words in de], [list(words) for words in en], method=method, threshold=threshold)
        except ValueError:  # head methods on a model without a head
            if method in HEAD_METHODS:
                continue
            raise
        forward[method] = [doc._.translation_alignment for doc in docs]
        attention = [doc._.translation_attention_blocks for doc in docs]
        rows.append((f"forced, {method}", score_placements(place(items, forward[method]), gold)))
        rows.append((f"forced, {method} + attention (what a Doc gives)", score_placements(place(items, forward[method], attention), gold)))
    if reverse is not None:
        backward_pipe = spacy.load(reverse).get_pipe("seq2seq_attn")
        for method in forward:
            backward = [flip(links) for links in align_word_lists(backward_pipe, en, de, method=method, threshold=threshold)]
            for how in SYMMETRIZATIONS:
                if how == "agreement":
                    continue  # needs both models' weights, not links (see benchmarks/alignment_aer.py)
                combined = [symmetrize(f, b, how) for f, b in zip(forward[method], backward)]
                rows.append((f"forced, {method}, both directions {how}", score_placements(place(items, combined), gold)))
    return rows


def _doc(pipe, words):
    from spacy.tokens import Doc

    return Doc(pipe.vocab, words=list(words))


def decoded_rows(model: Path, de, en, items) -> Tuple[List[Tuple[str, Dict]], float]:
    """(b): the model's own outputs; gold spans carried into them."""
    import spacy

    nlp = spacy.load(model)
    pipe = nlp.get_pipe("seq2seq_attn")
    docs = list(pipe.pipe(_doc(pipe, words) for words in de))
    outputs = [doc._.translation_tokens for doc in docs]
    carried = [carried_span(en[item.pair], outputs[item.pair], item.target) for item in items]
    kept = [k for k, span in enumerate(carried) if span is not None]
    scored_items = [items[k] for k in kept]
    gold = [carried[k] for k in kept]
    links = [doc._.translation_alignment for doc in docs]
    attention = [doc._.translation_attention_blocks for doc in docs]
    rows = [("decoded, links + attention (what a Doc gives)", score_placements(place(scored_items, links, attention), gold)),
            ("decoded, links only", score_placements(place(scored_items, links), gold))]
    return rows, len(kept) / max(1, len(items))


@app.command()
def main(
    forward: Optional[Path] = typer.Option(None, help="The de->en model (without one: the gold and eflomal rows only)."),
    reverse: Optional[Path] = typer.Option(None, help="The en->de model (for symmetrized links)."),
    data_dir: Path = typer.Option(DEFAULT_DATA, help="deen.de, deen.en, deen.talp (../shared/data/alignment/deen)."),
    eflomal_links: Optional[Path] = typer.Option(None, help="eflomal's de-en links on the gold pairs (pharaoh, 0-based)."),
    decode: bool = typer.Option(False, help="Also (b): place tags on the model's own translations."),
    max_phrase: int = typer.Option(4, help="Longest source phrase wrapped in a tag."),
    per_sentence: int = typer.Option(2, help="Tags per sentence pair at most."),
    threshold: float = typer.Option(0.5, help="Threshold of the threshold methods."),
    seed: int = typer.Option(0, help="Seed of the phrase draw."),
) -> None:
    from spacy_seq2seq.alignment import read_gold

    run = BenchmarkRun("tag_placement")
    de = [line.split() for line in (data_dir / "deen.de").read_text(encoding="utf8").splitlines()]
    en = [line.split() for line in (data_dir / "deen.en").read_text(encoding="utf8").splitlines()]
    gold_links = [alignment.sure for alignment in read_gold(data_dir / "deen.talp")]
    items = tag_items(gold_links, [len(words) for words in de], max_phrase, per_sentence, seed)
    gold = [item.target for item in items]
    rows = [("gold links (check: 100% by construction)", score_placements(place(items, [sorted(x) for x in gold_links]), gold))]
    if forward is not None:
        rows += forced_rows(forward, reverse, de, en, items, threshold)
    if eflomal_links is not None:
        rows.append(("forced, eflomal links", score_placements(place(items, read_pharaoh_lines(eflomal_links)), gold)))
    coverage = None
    if decode and forward is not None:
        decoded, coverage = decoded_rows(forward, de, en, items)
        rows += decoded
    table = ["| placement by | items | exact | overlap F1 | unplaced |", "| --- | ---: | ---: | ---: | ---: |"]
    table += [f"| {name} | {s['items']} | {100 * s['exact']:.1f} | {100 * s['overlap_f1']:.1f} | {100 * s['unplaced']:.1f} |" for name, s in rows]
    body = "\n".join([
        f"{len(items)} tags on {len(de)} gold pairs (`{data_dir}`, Sure links; source phrases of 1-{max_phrase} "
        f"words forming consistent phrase pairs, at most {per_sentence} per pair, seed {seed}). "
        f"Forward model `{forward}`, reverse `{reverse}`.",
        "" if coverage is None else f"Decoded: {100 * coverage:.1f}% of the tags' gold phrases are matched in the model's output and scored.",
        "",
        *table,
    ])
    run.write("Tag placement: RWTH German-English gold", body, {name: scores for name, scores in rows})
    typer.echo(body)


if __name__ == "__main__":
    app()
