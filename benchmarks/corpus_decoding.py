"""Corpus decoding on one machine: one-process `nlp.pipe`, `nlp.pipe` with
`n_process=2`, and `translate-corpus` on a local Ray with 1 and 2 workers,
side by side in one run, on the same cores.

Input: the French side of the shipped Tatoeba test set
(assets/tatoeba-fr-en/test.tsv), repeated to `--n` sentences (default
20,000). Every system runs in a fresh process (Ray: the driver process,
whose local Ray starts and stops inside it), timed from the outside (wall)
and split into decoding and start-up:

- decoding: `nlp.pipe` over all texts (after the model is loaded); for Ray,
  from the first shard started to the last one finished (the shard
  reports' timestamps), so the workers' model loading is left out;
- start-up: the rest of the wall time (interpreter, imports, model loading;
  for Ray also starting the cluster and its actors, and shutting it down).

Steady records/s = N / decoding time; end to end = N / wall time.

The Ray runs write their JSONL shards (to a temporary folder); the
`nlp.pipe` runs only decode. Peak RSS is per process: the decoding process
for `nlp.pipe`, the largest forked worker for n_process=2, and each Ray
actor (from its shard reports).

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.corpus_decoding \\
        --model training/tatoeba_fr_en/model-best --n 20000
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer

from benchmarks.harness import BenchmarkRun, run_main_or_worker

DEFAULT_MODEL = Path("training/tatoeba_fr_en/model-best")
DATA = Path(__file__).resolve().parent.parent / "assets" / "tatoeba-fr-en" / "test.tsv"
# name -> (what it is, how it runs)
SYSTEMS = {
    "pipe": "nlp.pipe, 1 process x 2 threads",
    "pipe-n2": "nlp.pipe(n_process=2), 2 processes x 1 thread",
    "ray-1": "translate-corpus, local Ray, 1 worker x 2 threads",
    "ray-2": "translate-corpus, local Ray, 2 workers x 1 thread",
}

app = typer.Typer(add_completion=False)


def peak_mib(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


@app.command()
def worker(system: str, model: Path, corpus: Path, out: Path, batch_size: int = 256, shard_size: int = 2000) -> None:
    """Run one system on one corpus file and write its figures as JSON."""
    texts = corpus.read_text(encoding="utf8").splitlines()
    result: Dict[str, Any] = {"system": system, "records": len(texts)}
    if system.startswith("pipe"):
        import spacy
        import torch

        torch.set_num_threads(2 if system == "pipe" else 1)
        start = time.perf_counter()
        nlp = spacy.load(model, config={"components": {"seq2seq_attn": {"store_attention": False}}})
        result["load_seconds"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        n_process = 1 if system == "pipe" else 2
        outputs = [doc._.translation for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process)]
        result["decode_seconds"] = round(time.perf_counter() - start, 3)
        result["written"] = sum(1 for text in outputs if text)
        result["peak_rss_mib"] = [peak_mib(resource.RUSAGE_SELF)] if n_process == 1 else [peak_mib(resource.RUSAGE_CHILDREN)]
        result["parent_rss_mib"] = peak_mib(resource.RUSAGE_SELF)
    else:
        from spacy_seq2seq.distributed import translate_corpus

        workers = int(system.split("-")[1])
        with tempfile.TemporaryDirectory() as folder:
            summary = translate_corpus(
                model, str(corpus), Path(folder) / "out", workers=workers, threads_per_worker=2 // workers,
                shard_size=shard_size, batch_size=batch_size, progress=False,
            )
        result.update({
            "ray_start_seconds": summary["startup_seconds"], "job_seconds": summary["seconds"],
            "decode_seconds": summary["decode_seconds"],
            "written": summary["written"], "peak_rss_mib": summary["worker_peak_rss_mib"],
            "driver_rss_mib": peak_mib(resource.RUSAGE_SELF),
        })
    out.write_text(json.dumps(result), encoding="utf8")


def run_system(system: str, model: Path, corpus: Path, batch_size: int, shard_size: int) -> Dict[str, Any]:
    """One fresh process: its figures, and its wall time from the outside."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "benchmarks.corpus_decoding", "worker", system, str(model), str(corpus), str(out),
             "--batch-size", str(batch_size), "--shard-size", str(shard_size)],
            check=True,
        )
        wall = time.perf_counter() - start
        result = json.loads(out.read_text(encoding="utf8"))
    result["wall_seconds"] = round(wall, 3)
    return result


def corpus_of(n: int, path: Path) -> Path:
    sources = [line.split("\t")[0] for line in DATA.read_text(encoding="utf8").splitlines() if line.strip()]
    path.write_text("".join(sources[k % len(sources)] + "\n" for k in range(n)), encoding="utf8")
    return path


def markdown(rows: List[Dict[str, Any]], n: int, ratio: Dict[str, Any], model: Path) -> str:
    lines = [
        f"{n:,} sentences (Tatoeba test, French side, repeated), model `{model}`; steady = N / decoding "
        "time; start-up = wall - decoding time (see the module docstring).",
        "",
        "| system | wall (s) | records/s end to end | start-up (s) | steady records/s | peak RSS per worker (MiB) |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {SYSTEMS[row['system']]} | {row['wall_seconds']:.1f} | {row['records_per_second']:.1f} | "
            f"{row['startup_seconds']:.1f} | {row['steady_records_per_second']:.1f} | "
            f"{', '.join(f'{m:.0f}' for m in row['peak_rss_mib'])} |"
        )
    lines += [
        "",
        f"Ray with 2 workers against the best single-machine path ({SYSTEMS[ratio['best']]}): "
        f"**{ratio['end_to_end']:.2f}x** end to end, **{ratio['steady']:.2f}x** steady "
        f"(goal: >= 0.9x). Per Ray worker (1 thread): {ratio['per_worker']:.1f} records/s steady.",
    ]
    return "\n".join(lines)


@app.command()
def main(
    model: Path = typer.Option(DEFAULT_MODEL, "--model", help="A trained fr->en pipeline (default: `make demo`'s)."),
    n: int = typer.Option(20_000, "--n", help="Sentences."),
    batch_size: int = typer.Option(256, "--batch-size"),
    shard_size: int = typer.Option(2000, "--shard-size", help="Records per Ray shard."),
    systems: Optional[List[str]] = typer.Option(None, "--system", help="Only these (default: all four)."),
) -> None:
    if not (model / "config.cfg").exists():
        typer.echo(f"No trained model at {model}. Train the default one with `make demo` (about 20 minutes), or pass --model.", err=True)
        raise typer.Exit(1)
    run = BenchmarkRun("corpus_decoding")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        corpus = corpus_of(n, Path(folder) / "corpus.txt")
        for system in systems or list(SYSTEMS):
            typer.echo(f"{system}: {SYSTEMS[system]}", err=True)
            full = run_system(system, model, corpus, batch_size, shard_size)
            full["startup_seconds"] = round(full["wall_seconds"] - full["decode_seconds"], 3)
            full["records_per_second"] = round(n / full["wall_seconds"], 2)
            full["steady_records_per_second"] = round(n / full["decode_seconds"], 2)
            rows.append(full)
            typer.echo(json.dumps(full), err=True)
    by_name = {row["system"]: row for row in rows}
    ratio: Dict[str, Any] = {}
    singles = [name for name in ("pipe", "pipe-n2") if name in by_name]
    if "ray-2" in by_name and singles:
        best = max(singles, key=lambda name: by_name[name]["steady_records_per_second"])
        ray2 = by_name["ray-2"]
        ratio = {
            "best": best,
            "end_to_end": round(ray2["records_per_second"] / max(by_name[s]["records_per_second"] for s in singles), 3),
            "steady": round(ray2["steady_records_per_second"] / by_name[best]["steady_records_per_second"], 3),
            "per_worker": round(ray2["steady_records_per_second"] / 2, 2),
        }
    results = {"n": n, "model": str(model), "batch_size": batch_size, "shard_size": shard_size,
               "systems": rows, "ray2_vs_best": ratio, "cores": os.cpu_count()}
    body = markdown(rows, n, ratio, model) if ratio else "Not all systems ran; see the JSON report."
    run.write("Corpus decoding: nlp.pipe, n_process=2 and Ray", body, results)
    typer.echo(run.markdown_path.read_text(encoding="utf8"))


if __name__ == "__main__":
    run_main_or_worker(app)
