"""How a few sentences translate as training goes on.

Trains a config with spaCy's own pieces (its corpus, batcher and optimizer,
`nlp.update`, as `spacy train` does) and every `--every` steps translates
the given sentences with the weights `spacy train` would save (the
optimizer's averages when `use_averages = true`), with the config's
decoding settings. Writes a Markdown table: one row per checkpoint, one
column per sentence. Made to see whether the demo sentence of the default
recipe would come out as expected with more training than its budget.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.translations_by_step \\
        configs/tatoeba_fr_en.cfg --steps 6000 --every 500 \\
        --text "Le chat noir est sur le tapis." --text "Le chat s'assit sur le tapis."
"""

import contextlib
import time
from pathlib import Path
from typing import List

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun


def main(
    config: Path = typer.Argument(..., exists=True),
    steps: int = typer.Option(6000, min=1),
    every: int = typer.Option(500, min=1),
    text: List[str] = typer.Option(..., help="A sentence to translate (repeat the option)."),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where translations_by_step.md and .json go."),
) -> None:
    from spacy.training.initialize import init_nlp
    from spacy.util import load_config

    from benchmarks.spacy_training import optimizer_and_batches

    run = BenchmarkRun("translations_by_step", results_dir)

    nlp = init_nlp(load_config(config, interpolate=False))
    optimizer, batches = optimizer_and_batches(nlp)
    field = nlp.get_pipe(nlp.pipe_names[0]).field
    rows = []
    started = time.perf_counter()
    for step, (epoch, batch) in enumerate(batches, start=1):
        nlp.update(batch, sgd=optimizer)
        if step % every == 0 or step == steps:
            averaged = nlp.use_params(optimizer.averages) if optimizer.averages else contextlib.nullcontext()
            with averaged:
                outputs = [doc._.get(field) for doc in nlp.pipe(text)]
            rows.append((step, epoch, time.perf_counter() - started, outputs))
            print(step, " | ".join(outputs), flush=True)
        if step >= steps:
            break
    seed = nlp.config.interpolate()["training"]["seed"]
    lines = [
        f"Seed {seed}; weights as `spacy train` saves them "
        f"({'averaged' if optimizer.averages else 'raw'}); the config's decoding settings.",
        "",
        "| step | epoch | seconds | " + " | ".join(f'"{sentence}"' for sentence in text) + " |",
        "|---:|---:|---:|" + "---|" * len(text),
        *[
            f"| {step:,} | {epoch} | {seconds:.0f} | " + " | ".join(outputs) + " |"
            for step, epoch, seconds, outputs in rows
        ],
    ]
    run.write(
        f"Translations by training step: `{config}`",
        "\n".join(lines),
        {"config": str(config), "seed": seed, "averaged_weights": bool(optimizer.averages), "texts": text,
         "rows": [{"step": s, "epoch": e, "seconds": round(t, 1), "outputs": o} for s, e, t, o in rows]},
    )


if __name__ == "__main__":
    typer.run(main)
