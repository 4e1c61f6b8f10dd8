"""Word-alignment quality on the RWTH German-English gold (508 pairs): AER,
precision and recall of every alignment method, with eflomal side by side.

Ours: a de->en and an en->de model (`configs/align_*.cfg`, trained on
`scripts/prepare_alignment_deen.py` output) force-align the 508 gold pairs;
each method is scored in each direction, and the two directions are
symmetrized. eflomal (its Python package, the align extra; `--no-eflomal`
skips it) is trained on exactly the same text file, and (when that file repeats pairs, as
the gold text is repeated for our aligners) also on its distinct pairs once
each, which suits eflomal better; it is scored the same way, `--eflomal-runs`
times (it has no seed option), as in `../shared/peers/eflomal`.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.alignment_aer \\
        --forward training/align_de_en/model-best --reverse training/align_en_de/model-best \\
        --data-dir corpus/align_deen
"""

import statistics
import time
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun
from spacy_seq2seq.alignment import (
    ALIGNMENT_METHODS,
    HEAD_METHODS,
    SYMMETRIZATIONS,
    agreement,
    flip,
    read_gold,
    run_eflomal,
    score_alignments,
    symmetrize,
)
from spacy_seq2seq.alignment.eflomal import run_eflomal_on_distinct_pairs

ROOT = Path(__file__).resolve().parent.parent

Link = Tuple[int, int]
# The methods every attention model has; the head methods only models
# trained with an alignment head.
METHODS = tuple(method for method in ALIGNMENT_METHODS if method not in HEAD_METHODS)


def read_words(path: Path) -> List[List[str]]:
    return [line.split() for line in path.read_text(encoding="utf8").splitlines()]


def align_all(model: Path, sources, targets, threshold: float) -> Tuple[Dict[str, List[List[Link]]], Dict, float]:
    """Links by every method the model has, the word weights of "argmax"
    and "head" (for agreement), and forced-alignment pairs per second."""
    import spacy

    from spacy_seq2seq.models import get_torch_module
    from spacy_seq2seq.pipeline.forced import (
        align_word_lists,
        linking_weights_for_word_lists,
    )

    nlp = spacy.load(model)
    pipe = nlp.get_pipe("seq2seq_attn")
    has_head = get_torch_module(pipe.model).config.alignment_head
    links, seconds = {}, []
    for method in METHODS + (HEAD_METHODS if has_head else ()):
        start = time.perf_counter()
        links[method] = align_word_lists(pipe, sources, targets, method=method, threshold=threshold)
        seconds.append(time.perf_counter() - start)
    weights = {
        method: linking_weights_for_word_lists(pipe, sources, targets, method=method)
        for method in ("argmax", "head") if method in links
    }
    return links, weights, len(sources) / statistics.median(seconds)


def eflomal_on_gold(data_dir: Path, n_gold: int) -> Dict[str, List[Set[Link]]]:
    """eflomal's links on the gold pairs, trained on the aligners' training
    text as it is, and on its distinct pairs once each (repeats hurt
    eflomal, so that is the fair reference when the gold text is repeated)."""
    src = (data_dir / "train.de").read_text(encoding="utf8").splitlines()
    tgt = (data_dir / "train.en").read_text(encoding="utf8").splitlines()
    # The gold pairs are the last lines of the training text.
    gold_lines = range(len(src) - n_gold, len(src))
    scored = {}
    fwd, rev = run_eflomal(src, tgt)
    scored["same file"] = ([fwd[n] for n in gold_lines], [rev[n] for n in gold_lines])
    if len(set(zip(src, tgt))) < len(src):
        fwd, rev, line_to_pair = run_eflomal_on_distinct_pairs(src, tgt)
        scored["distinct pairs once"] = (
            [fwd[line_to_pair[n]] for n in gold_lines], [rev[line_to_pair[n]] for n in gold_lines]
        )
    links = {}
    for text, (fwd, rev) in scored.items():
        links[f"{text}, forward"] = fwd
        links[f"{text}, reverse"] = rev
        links[f"{text}, grow-diag-final-and"] = [
            set(symmetrize(f, r, "grow-diag-final-and")) for f, r in zip(fwd, rev)
        ]
    return links


def main(
    forward: Path = typer.Option(..., help="de->en pipeline."),
    reverse: Optional[Path] = typer.Option(None, help="en->de pipeline (for symmetrization)."),
    data_dir: Path = typer.Option(ROOT / "corpus" / "align_deen", help="prepare_alignment_deen.py output."),
    threshold: float = typer.Option(0.3, help="Threshold of the threshold methods."),
    min_product: float = typer.Option(0.1, help="Agreement: the least product of both directions' weights."),
    with_eflomal: bool = typer.Option(True, "--eflomal/--no-eflomal", help="Run eflomal side by side."),
    eflomal_runs: int = typer.Option(3),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where alignment_aer.md and .json go."),
) -> None:
    run = BenchmarkRun("alignment_aer", results_dir)
    gold = read_gold(data_dir / "gold.talp")
    de, en = read_words(data_dir / "gold.de"), read_words(data_dir / "gold.en")
    rows: List[Tuple[str, Dict]] = []
    fwd_links, fwd_weights, fwd_speed = align_all(forward, de, en, threshold)
    for method in fwd_links:
        rows.append((f"ours de->en, {method}", score_alignments([set(x) for x in fwd_links[method]], gold).to_dict()))
    speeds = {"de->en": fwd_speed}
    if reverse is not None:
        rev_raw, rev_weights, rev_speed = align_all(reverse, en, de, threshold)
        speeds["en->de"] = rev_speed
        rev_links = {m: [flip(x) for x in links] for m, links in rev_raw.items()}
        for method in rev_links:
            rows.append((f"ours en->de, {method}", score_alignments([set(x) for x in rev_links[method]], gold).to_dict()))
        for method in [m for m in ("argmax", "shift", "head") if m in fwd_links and m in rev_links]:
            for how in SYMMETRIZATIONS:
                combined = [set(symmetrize(f, r, how)) for f, r in zip(fwd_links[method], rev_links[method])]
                rows.append((f"ours both, {method}, {how}", score_alignments(combined, gold).to_dict()))
            if method in fwd_weights and method in rev_weights:
                agreed = [
                    set(agreement(f, r, min_product)) for f, r in zip(fwd_weights[method], rev_weights[method])
                ]
                rows.append((
                    f"ours both, {method}, agreement (product >= {min_product})",
                    score_alignments(agreed, gold).to_dict(),
                ))
    if with_eflomal:
        runs: Dict[str, List[Dict]] = {}
        for _ in range(eflomal_runs):
            for name, links in eflomal_on_gold(data_dir, len(gold)).items():
                runs.setdefault(name, []).append(score_alignments(links, gold).to_dict())
        for name, scores in runs.items():
            mean = {key: statistics.mean(s[key] for s in scores) for key in ("aer", "precision", "recall")}
            mean["runs"] = [round(100 * s["aer"], 2) for s in scores]
            rows.append((f"eflomal, {name} (mean of {len(scores)})", mean))
    lines = [
        f"Training text: `{data_dir}` (Multi30k train, Moses-tokenised and lower-cased, plus the 508 gold "
        "pairs as plain text; no gold links used). Threshold methods: "
        f"{threshold}. Forced alignment speed (pairs/s, median over methods): "
        + ", ".join(f"{k} {v:.0f}" for k, v in speeds.items()) + ".",
        "",
        "| system, direction, method | AER % | precision % | recall % |",
        "|---|---|---|---|",
    ]
    for name, scores in rows:
        extra = f" (runs: {scores['runs']})" if "runs" in scores else ""
        lines.append(
            f"| {name}{extra} | {100 * scores['aer']:.1f} | {100 * scores['precision']:.1f} | {100 * scores['recall']:.1f} |"
        )
    run.write(
        "Word alignment: RWTH German-English gold (508 pairs)",
        "\n".join(lines),
        {"forward": str(forward), "reverse": str(reverse) if reverse else None, "data_dir": str(data_dir),
         "threshold": threshold, "min_product": min_product, "rows": rows, "speeds": speeds},
    )
    print("\n".join(lines))


if __name__ == "__main__":
    typer.run(main)
