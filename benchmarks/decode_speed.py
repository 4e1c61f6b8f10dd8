"""Decoding speed and quality, side by side with JoeyNMT, in one run.

For a trained pipeline, decode a test set (default: Multi30k test_2016_flickr,
1,000 German sentences) greedy and with beam 5, fp32 and int8, and report
sentences/s, target words/s, peak RSS and sacreBLEU (cased, 13a). With
`--joeynmt-dir`, JoeyNMT 2.3 decodes the same sentences with its model in
alternation with ours (ours, JoeyNMT, ours, JoeyNMT, ...), so that both see
the same machine load; medians and ratios are over `--repeats` rounds.

Every decode runs in a fresh process, so peak RSS is per process (model,
data and search) for both systems. Times cover decoding only: for us
`list(nlp.pipe(texts))` (tokenizing, search, alignments); for JoeyNMT its own
"Generation took" timer (the batch loop). Model loading is excluded for both.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.decode_speed \\
        --model training/multi30k_de_en/model-best \\
        --src ../shared/data/multi30k/test_2016_flickr.de \\
        --ref ../shared/data/multi30k/test_2016_flickr.en \\
        --joeynmt-dir ../peer-joeynmt/work --joeynmt-python ../peer-joeynmt/venv/bin/python
"""

import json
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

# name -> our component settings (beam 5 uses the model's own length_alpha).
MODES = {
    "greedy": {"beam_size": 1, "quantize": "none"},
    "beam5": {"beam_size": 5, "quantize": "none"},
    "greedy-int8": {"beam_size": 1, "quantize": "int8"},
    "beam5-int8": {"beam_size": 5, "quantize": "int8"},
}
JOEY_BEAMS = {"greedy": 1, "beam5": 5}

app = typer.Typer(add_completion=False)


def bleu(hypotheses: List[str], references: List[str]) -> Dict[str, float]:
    """sacreBLEU (cased, 13a) and the output/reference length ratio: a weak
    model that writes much longer or shorter outputs also decodes at
    another speed, so the ratio belongs next to the timing."""
    import sacrebleu

    result = sacrebleu.corpus_bleu(hypotheses, [references])
    return {"bleu": round(result.score, 2), "length_ratio": round(result.sys_len / result.ref_len, 3)}


@app.command()
def worker(model: Path, src: Path, mode: str, out: Path, batch_size: int = 1000) -> None:
    """Decode in this process and write times, RSS and outputs as JSON."""
    import spacy
    import torch

    settings = MODES[mode]
    nlp = spacy.load(model, config={"components": {"seq2seq_attn": settings}})
    texts = src.read_text(encoding="utf8").splitlines()
    nlp.get_pipe("seq2seq_attn").predict([nlp.make_doc(texts[0])])  # build int8 copy, warm up
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    seconds = time.perf_counter() - start
    outputs = [doc._.translation for doc in docs]
    result = {
        "seconds": seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "outputs": outputs,
        "threads": torch.get_num_threads(),
        "settings": {k: nlp.get_pipe("seq2seq_attn").cfg[k] for k in ("beam_size", "length_alpha", "quantize", "max_batch_items")},
    }
    out.write_text(json.dumps(result), encoding="utf8")


def run_ours(model: Path, src: Path, mode: str, workdir: Path) -> Dict:
    out = workdir / f"ours-{mode}.json"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.decode_speed", "worker", str(model), str(src), mode, str(out)], check=True
    )
    return json.loads(out.read_text(encoding="utf8"))


def run_joeynmt(joey_dir: Path, joey_python: Path, mode: str, workdir: Path) -> Dict:
    """`python -m joeynmt test` on its config with the test set swapped in."""
    beam = JOEY_BEAMS[mode]
    config = (joey_dir / "config.run.yaml").read_text(encoding="utf8")
    config = re.sub(r"(?m)^    beam_size: \d+", f"    beam_size: {beam}", config)
    config = config.replace("testing:", f"testing:\n    load_model: \"{joey_dir}/model/best.ckpt\"", 1)
    config = re.sub(r'(?m)^    dev: .*$', '    dev: null', config)
    config_path = workdir / f"joey-{mode}.yaml"
    config_path.write_text(config, encoding="utf8")
    prefix = workdir / f"joey-{mode}"
    result = subprocess.run(
        ["/usr/bin/time", "-v", str(joey_python), "-m", "joeynmt", "test", str(config_path), "-o", str(prefix)],
        capture_output=True, text=True, cwd=joey_dir,
    )
    log = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"JoeyNMT failed:\n{log[-3000:]}")
    seconds = float(re.findall(r"Generation took (\d+\.\d+)", log)[-1])
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1))
    outputs = Path(f"{prefix}.test").read_text(encoding="utf8").splitlines()
    return {"seconds": seconds, "peak_rss_mib": rss_kb / 1024, "outputs": outputs}


def summarize(runs: List[Dict], references: List[str]) -> Dict:
    seconds = statistics.median(run["seconds"] for run in runs)
    outputs = runs[0]["outputs"]
    words = sum(len(line.split()) for line in outputs)
    return {
        "median_s": round(seconds, 2),
        "times_s": [round(run["seconds"], 2) for run in runs],
        "sent_per_s": round(len(outputs) / seconds, 1),
        "words_per_s": round(words / seconds, 0),
        "peak_rss_mib": round(max(run["peak_rss_mib"] for run in runs)),
        **bleu(outputs, references),
        "identical_across_runs": all(run["outputs"] == outputs for run in runs),
    }


@app.command()
def main(
    model: Path = typer.Option(..., help="Trained pipeline directory."),
    src: Path = typer.Option(..., help="Source sentences, one per line."),
    ref: Path = typer.Option(..., help="Reference translations, line-aligned."),
    joeynmt_dir: str = typer.Option("", help="JoeyNMT work dir (config.run.yaml, model/best.ckpt); empty: ours only."),
    joeynmt_python: str = typer.Option("", help="Python of the JoeyNMT venv."),
    modes: str = typer.Option("greedy,beam5,greedy-int8,beam5-int8"),
    repeats: int = typer.Option(3),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where decode_speed.md and .json go."),
) -> None:
    run = BenchmarkRun("decode_speed", results_dir)
    references = ref.read_text(encoding="utf8").splitlines()
    selected = [m for m in modes.split(",") if m]
    ours: Dict[str, List[Dict]] = {m: [] for m in selected}
    joey: Dict[str, List[Dict]] = {m: [] for m in selected if m in JOEY_BEAMS}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for round_index in range(repeats):
            for mode in selected:
                ours[mode].append(run_ours(model, src, mode, workdir))
                print(f"round {round_index + 1} ours {mode}: {ours[mode][-1]['seconds']:.1f}s", flush=True)
                if joeynmt_dir and mode in joey:
                    joey[mode].append(run_joeynmt(Path(joeynmt_dir).resolve(), Path(joeynmt_python), mode, workdir))
                    print(f"round {round_index + 1} joeynmt {mode}: {joey[mode][-1]['seconds']:.1f}s", flush=True)
    results = {
        "ours": {m: summarize(r, references) for m, r in ours.items()},
        "joeynmt": {m: summarize(r, references) for m, r in joey.items() if r},
        "settings": {m: r[0]["settings"] for m, r in ours.items()},
    }
    run.write("Decoding speed: spacy-seq2seq vs JoeyNMT 2.3", report(results, model, src, repeats), results)
    print(run.markdown_path.read_text(encoding="utf8"))


def report(results: Dict, model: Path, src: Path, repeats: int) -> str:
    lines = [
        f"Model: `{model}`. Data: `{src}`. {repeats} rounds, systems alternating; medians. "
        "Peak RSS in the table is each decoding process's own.",
        "",
        "| system | mode | median s | sent/s | words/s | peak RSS MiB | BLEU | length ratio | outputs same every run |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for system in ("ours", "joeynmt"):
        for mode, row in results[system].items():
            lines.append(
                f"| {system} | {mode} | {row['median_s']} | {row['sent_per_s']} | {row['words_per_s']:.0f} | "
                f"{row['peak_rss_mib']} | {row['bleu']} | {row['length_ratio']} | {row['identical_across_runs']} |"
            )
    lines.append("")
    for mode in results["joeynmt"]:
        ratio = results["ours"][mode]["sent_per_s"] / results["joeynmt"][mode]["sent_per_s"]
        lines.append(f"- {mode}: ours / JoeyNMT sentences per second = **{ratio:.2f}x**")
    for mode in ("greedy", "beam5"):
        if mode in results["ours"] and f"{mode}-int8" in results["ours"]:
            fp32, int8 = results["ours"][mode], results["ours"][f"{mode}-int8"]
            lines.append(
                f"- {mode} int8 vs fp32: {int8['sent_per_s'] / fp32['sent_per_s']:.2f}x speed, "
                f"BLEU {int8['bleu'] - fp32['bleu']:+.2f}"
            )
    lines.append("")
    lines.append(f"Our settings: `{json.dumps(results['settings'])}`")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    run_main_or_worker(app)
