"""Domain adaptation, measured: a trained pipeline fine-tuned on a new
corpus, against the base model and a model trained on the new corpus alone.

`spacy project run finetune-benchmark` trains what this compares (the base
model of the `all` workflow, Tatoeba fr->en, fine-tuned on Multi30k fr->en
with and without a share of Tatoeba mixed in, and the same config trained
on Multi30k alone for as many steps in all), then runs this, which decodes
the new domain's test set and the old domain's test set with each model and
scores them with sacreBLEU (cased, 13a, as `evaluate`). Forgetting is the
old-domain BLEU each model lost against the base model. The report also
carries how well the base model's vocabularies cover the new training
corpus (unknown pieces and words, docs/finetune.md).

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.finetune \\
        --base training/tatoeba_fr_en/model-best \\
        --model "fine-tuned=training/finetune_bench/finetuned/model-last" \\
        --model "fine-tuned, 20% old=training/finetune_bench/finetuned_mixed/model-last" \\
        --model "Multi30k alone=training/finetune_bench/scratch_multi30k/model-last" \\
        --new-test ../shared/data/multi30k/test_2016_flickr.fr \\
        --new-test-ref ../shared/data/multi30k/test_2016_flickr.en \\
        --old-test assets/tatoeba-fr-en/test.tsv \\
        --new-train ../shared/data/multi30k/train.fr --new-train-ref ../shared/data/multi30k/train.en

The report goes to benchmarks/results/finetune.md and .json.
"""

import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import spacy
import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun

app = typer.Typer(add_completion=False)


def training_facts(model: Path) -> Dict[str, Any]:
    """Steps, old share and base model, read from the model's saved config."""
    config = spacy.util.load_config(model / "config.cfg", interpolate=False)
    train = config["corpora"]["train"]
    return {
        "max_steps": config["training"]["max_steps"],
        "old_share": train.get("old_share", 0.0) if "new" in train else None,
        "base_model": config["paths"].get("base_model"),
        "learn_rate": config["training"]["optimizer"]["learn_rate"],
    }


def evaluate(nlp, src: Path, ref: Optional[Path]) -> Dict[str, Any]:
    from spacy_seq2seq.evaluation import evaluate_corpus

    start = time.perf_counter()
    result = evaluate_corpus(nlp, src, tgt_path=ref)
    return {
        "bleu": round(result.scores["bleu"], 2), "chrf": round(result.scores["chrf"], 2),
        "n_segments": result.n_segments, "decode_s": round(time.perf_counter() - start, 1),
    }


def parse_model(text: str) -> Tuple[str, Path]:
    label, sep, path = text.partition("=")
    if not sep or not label or not path:
        raise typer.BadParameter(f"--model takes LABEL=PATH, not {text!r}")
    return label, Path(path)


def markdown_body(rows: List[Dict[str, Any]], coverage: Optional[Dict[str, Any]], beam_size: int) -> str:
    base = rows[0]
    lines = [
        f"Beam {beam_size}; sacreBLEU BLEU and chrF (cased, 13a). Forgetting: "
        "the old test set's BLEU against the base model's. Fine-tuning and "
        "training steps are spaCy update steps (batches of about 1,000 words).",
        "",
        "| model | training | new test BLEU | new test chrF | old test BLEU | old test chrF | old BLEU lost |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lost = round(base["old"]["bleu"] - row["old"]["bleu"], 2)
        lines.append(
            f"| {row['label']} | {row['training']} | {row['new']['bleu']:.2f} | {row['new']['chrf']:.2f} "
            f"| {row['old']['bleu']:.2f} | {row['old']['chrf']:.2f} | {'' if row is base else f'{lost:.2f}'} |"
        )
    if coverage is not None:
        lines += ["", "Vocabulary coverage of the base model on the new training corpus:", ""]
        for side in ("source", "target"):
            counts = coverage[side]
            shown = ", ".join(f"`{word}` x{count}" for word, count in counts["examples"][:8]) or "none"
            lines.append(
                f"- {side}: {counts['unknown_pieces']:,} of {counts['pieces']:,} pieces unknown "
                f"({100 * counts['unknown_piece_rate']:.3f}%), in {counts['unknown_words']:,} of "
                f"{counts['words']:,} words ({counts['distinct_unknown_words']:,} distinct); "
                f"{counts['pieces_per_word']:.2f} pieces per word; e.g. {shown}"
            )
    return "\n".join(lines)


def describe(facts: Dict[str, Any]) -> str:
    if facts["base_model"]:
        share = facts["old_share"] or 0.0
        mixed = f", {100 * share:.0f}% old data" if share else ""
        return f"base + {facts['max_steps']:,} fine-tuning steps{mixed} (lr {facts['learn_rate']})"
    return f"{facts['max_steps']:,} steps from scratch"


@app.command()
def main(
    base: Path = typer.Option(..., help="The base model (trained on the old domain)"),
    model: List[str] = typer.Option(..., help="LABEL=PATH of a model to compare (repeat)"),
    new_test: Path = typer.Option(..., help="New-domain test sources (or a TSV)"),
    new_test_ref: Optional[Path] = typer.Option(None, help="New-domain test references (line-aligned)"),
    old_test: Path = typer.Option(..., help="Old-domain test sources (or a TSV)"),
    old_test_ref: Optional[Path] = typer.Option(None, help="Old-domain test references (line-aligned)"),
    new_train: Optional[Path] = typer.Option(None, help="New-domain training sources, for the coverage report"),
    new_train_ref: Optional[Path] = typer.Option(None, help="New-domain training references"),
    beam_size: int = typer.Option(5, help="Beam size for every model"),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where the report goes"),
) -> None:
    from spacy_seq2seq.training import ParallelCorpus, measure_vocab_coverage

    run = BenchmarkRun("finetune", results_dir)
    overrides = {"components": {"seq2seq_attn": {"beam_size": beam_size}}}
    rows = []
    coverage = None
    base_steps = training_facts(base)["max_steps"]
    for label, path in [("base", base), *map(parse_model, model)]:
        nlp = spacy.load(path, config=overrides)
        facts = training_facts(path)
        if label == "base" and new_train is not None:
            reader = ParallelCorpus(new_train, tgt_path=new_train_ref, on_malformed="skip")
            coverage = measure_vocab_coverage(nlp.get_pipe("seq2seq_attn"), reader(nlp)).to_dict(20)
        row = {
            "label": label, "path": str(path), **facts,
            "training": f"{base_steps:,} steps on the old domain" if label == "base" else describe(facts),
            "new": evaluate(nlp, new_test, new_test_ref),
            "old": evaluate(nlp, old_test, old_test_ref),
        }
        typer.echo(f"{label}: new {row['new']}, old {row['old']}")
        rows.append(row)
    title = "Fine-tuning a trained pipeline on a new domain"
    report = run.write(title, markdown_body(rows, coverage, beam_size), {
        "beam_size": beam_size, "models": rows, "coverage": coverage,
        "new_test": str(new_test), "old_test": str(old_test),
    })
    typer.echo(f"Wrote {run.markdown_path} ({report['run']['wall_s']} s)")


if __name__ == "__main__":
    app()
