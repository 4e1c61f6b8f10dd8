"""Resident memory over training steps, with or without evaluations, to find
what makes training RSS grow (the 45-minute Multi30k run peaked at 12.7 GiB).

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.train_memory \\
        configs/multi30k_de_en.cfg --steps 300 --every 25 --eval-every 100 \\
        --override paths.data_dir=corpus/multi30k
"""

import json
import time
from pathlib import Path
from typing import List

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def _parse(value: str):
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def main(
    config: Path,
    steps: int = typer.Option(300),
    every: int = typer.Option(25, help="Sample RSS every this many steps."),
    eval_every: int = typer.Option(0, help="Evaluate on the dev corpus every this many steps (0: never)."),
    override: List[str] = typer.Option([], help="section.key=value config overrides."),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where train_memory.md and .json go."),
) -> None:
    from spacy.training.initialize import init_nlp
    from spacy.util import load_config, resolve_dot_names

    from benchmarks.spacy_training import optimizer_and_batches

    run = BenchmarkRun("train_memory", results_dir)

    overrides = {key: _parse(value) for key, value in (item.split("=", 1) for item in override)}
    cfg = load_config(config, overrides=overrides, interpolate=False)
    samples = [{"step": -1, "what": "config loaded", "rss_mib": rss_mib()}]
    nlp = init_nlp(cfg)
    samples.append({"step": 0, "what": "initialized", "rss_mib": rss_mib()})
    (dev_corpus,) = resolve_dot_names(nlp.config.interpolate(), ["corpora.dev"])
    dev = list(dev_corpus(nlp)) if eval_every else []
    optimizer, batches = optimizer_and_batches(nlp)
    start = time.time()
    for step, (_, batch) in enumerate(batches, start=1):
        nlp.update(batch, sgd=optimizer)
        if eval_every and step % eval_every == 0:
            nlp.evaluate(dev)
            samples.append({"step": step, "what": "after evaluation", "rss_mib": rss_mib()})
        if step % every == 0:
            samples.append({"step": step, "what": "training", "rss_mib": rss_mib(), "s": round(time.time() - start, 1)})
            print(samples[-1], flush=True)
        if step >= steps:
            break
    lines = [
        f"Config `{config}`, overrides `{json.dumps(overrides)}`; {steps} steps, resident memory "
        f"(/proc/self/statm) every {every} steps" + (f", an evaluation every {eval_every}." if eval_every else "."),
        "",
        "| step | when | RSS MiB |",
        "|---:|---|---:|",
        *[f"| {sample['step']} | {sample['what']} | {sample['rss_mib']:.0f} |" for sample in samples],
    ]
    run.write(
        "Resident memory over training steps",
        "\n".join(lines),
        {"config": str(config), "overrides": overrides, "samples": samples},
    )


if __name__ == "__main__":
    typer.run(main)
