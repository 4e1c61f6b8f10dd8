"""Training throughput and peak RSS, side by side with JoeyNMT 2.3.

Ours: the Multi30k de->en config, trained by spaCy's own loop (`nlp.update`
on the config's batches), for a fixed time after a warm-up; we count target
pieces (with the end marker, as JoeyNMT counts its tokens) and sentences.
JoeyNMT: the peer recipe's config, run for the same time with
`train_timed.py`, logging every 10 steps; its own "Tokens per Sec" lines
(the first one, which includes start-up, is dropped) give its throughput.
Rounds alternate ours / JoeyNMT, and each run is a fresh process with its
own peak RSS. Vocabularies are both joint SentencePiece 8k, learned by each
system, so pieces per sentence differ slightly: sentences/s is reported too.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.train_speed \\
        --data-dir corpus/multi30k --joeynmt-dir ../peer-joeynmt/work \\
        --joeynmt-python ../peer-joeynmt/venv/bin/python --seconds 180 --rounds 2
"""

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun, run_main_or_worker

app = typer.Typer(add_completion=False)
ROOT = Path(__file__).resolve().parent.parent


@app.command()
def worker(config: Path, data_dir: Path, seconds: float, out: Path, warmup_steps: int = 10) -> None:
    """Train ours in this process for `seconds` after a warm-up; write JSON."""
    import spacy
    from spacy.training.initialize import init_nlp
    from spacy.util import load_config

    from benchmarks.spacy_training import optimizer_and_batches

    cfg = load_config(config, overrides={"paths.data_dir": str(data_dir)}, interpolate=False)
    nlp = init_nlp(cfg)
    optimizer, batches = optimizer_and_batches(nlp)
    pipe = nlp.get_pipe("seq2seq_attn")
    pieces = pipe.tgt_pieces
    n_steps = n_pieces = n_sentences = 0
    start = None
    for step, (_, batch) in enumerate(batches):
        if step == warmup_steps:
            start = time.perf_counter()
        nlp.update(batch, sgd=optimizer)
        if start is not None:
            n_steps += 1
            n_sentences += len(batch)
            n_pieces += sum(len(pieces.encode_text(eg.reference._.translation)) + 1 for eg in batch)
            if time.perf_counter() - start >= seconds:
                break
    elapsed = time.perf_counter() - start
    out.write_text(json.dumps({
        "steps": n_steps, "seconds": elapsed, "tokens_per_s": n_pieces / elapsed,
        "sentences_per_s": n_sentences / elapsed, "tokens_per_step": n_pieces / n_steps,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "spacy": spacy.__version__,
    }))


def run_ours(config: Path, data_dir: Path, seconds: float, workdir: Path, index: int) -> Dict:
    out = workdir / f"ours-{index}.json"
    command = [sys.executable, "-m", "benchmarks.train_speed", "worker", str(config), str(data_dir), str(seconds), str(out)]
    subprocess.run(command, check=True)
    return json.loads(out.read_text())


def run_joeynmt(joey_dir: Path, joey_python: Path, seconds: float, workdir: Path, index: int) -> Dict:
    config = (joey_dir / "config.run.yaml").read_text(encoding="utf8")
    model_dir = workdir / f"joey-model-{index}"
    config = re.sub(r'(?m)^model_dir: .*$', f'model_dir: "{model_dir}"', config)
    config = re.sub(r"(?m)^    logging_freq: \d+", "    logging_freq: 10", config)
    config = re.sub(r"(?m)^    validation_freq: \d+", "    validation_freq: 100000", config)
    path = workdir / f"joey-{index}.yaml"
    path.write_text(config, encoding="utf8")
    env = {**os.environ, "TRAIN_BUDGET_S": str(int(seconds + 20)), "TORCH_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    result = subprocess.run(
        ["/usr/bin/time", "-v", str(joey_python), str(joey_dir / "train_timed.py"), str(path)],
        capture_output=True, text=True, env=env, cwd=joey_dir,
    )
    log = (model_dir / "train.log").read_text(encoding="utf8")
    rates = [float(x) for x in re.findall(r"Tokens per Sec:\s+(\d+)", log)][1:]
    if not rates:
        raise RuntimeError("JoeyNMT logged no throughput:\n" + result.stderr[-3000:])
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return {"tokens_per_s": statistics.median(rates), "n_log_lines": len(rates), "peak_rss_mib": rss / 1024}


def per_round(runs: List[Dict]) -> str:
    return ", ".join(str(round(run["tokens_per_s"])) for run in runs)


@app.command()
def main(
    data_dir: Path = typer.Option(..., help="Plain Multi30k files ({split}.{lang})."),
    config: Path = typer.Option(ROOT / "configs" / "multi30k_de_en.cfg"),
    joeynmt_dir: str = typer.Option("", help="JoeyNMT work dir (config.run.yaml, train_timed.py)."),
    joeynmt_python: str = typer.Option(""),
    seconds: float = typer.Option(180.0, help="Timed training per run, after warm-up."),
    rounds: int = typer.Option(2),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where train_speed.md and .json go."),
) -> None:
    run = BenchmarkRun("train_speed", results_dir)
    ours: List[Dict] = []
    joey: List[Dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for index in range(rounds):
            ours.append(run_ours(config, data_dir.resolve(), seconds, workdir, index))
            print(f"round {index + 1} ours: {ours[-1]['tokens_per_s']:.0f} tok/s", flush=True)
            if joeynmt_dir:
                joey.append(run_joeynmt(Path(joeynmt_dir).resolve(), Path(joeynmt_python), seconds, workdir, index))
                print(f"round {index + 1} joeynmt: {joey[-1]['tokens_per_s']:.0f} tok/s", flush=True)
    ours_tps = statistics.median(r["tokens_per_s"] for r in ours)
    lines = [
        f"{rounds} rounds of {seconds:.0f} s timed training each, alternating; medians. Config: `{config.name}`; data: Multi30k train.",
        "",
        "| system | target tokens/s | sentences/s | tokens/step | peak RSS MiB | per round |",
        "|---|---|---|---|---|---|",
        f"| ours | {ours_tps:.0f} | {statistics.median(r['sentences_per_s'] for r in ours):.1f} | "
        f"{statistics.median(r['tokens_per_step'] for r in ours):.0f} | {max(r['peak_rss_mib'] for r in ours):.0f} | "
        f"{per_round(ours)} |",
    ]
    if joey:
        joey_tps = statistics.median(r["tokens_per_s"] for r in joey)
        lines.append(
            f"| JoeyNMT | {joey_tps:.0f} | | about 949 (recipe) | {max(r['peak_rss_mib'] for r in joey):.0f} | "
            f"{per_round(joey)} |"
        )
        lines += ["", f"Ours / JoeyNMT target tokens per second: **{ours_tps / joey_tps:.2f}x**"]
    run.write("Training throughput: spacy-seq2seq vs JoeyNMT 2.3", "\n".join(lines), {"ours": ours, "joeynmt": joey})
    print("\n".join(lines))


if __name__ == "__main__":
    run_main_or_worker(app)
