"""Train a config for a fixed number of steps on one device (a GPU with
`--gpu-id 0`, the CPU with -1), then decode its test set with beam 5 and
greedy: training target pieces/s, decoding sentences/s, test BLEU/chrF.

Written for the Multi30k de->en config on a lent GPU (docs/gpu.md says how
the run is prepared: scripts/gpu/); it runs the same way on the CPU with a
few steps, which is how it is checked before GPU minutes are spent.

    python -m benchmarks.device_training --data-dir corpus/multi30k --gpu-id 0 --steps 300

Training is spaCy's own loop (`nlp.update` on the config's batches and
optimizer, as `spacy train`, without its evaluations); pieces are counted
with the end marker, after `--warmup-steps` steps, the device synchronised
before the clock is read. Each phase prints its figures when it ends (and
training every 100 steps), so a run killed by a time limit still shows how
far it got.
"""

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun, cpu_model

app = typer.Typer(add_completion=False)
ROOT = Path(__file__).resolve().parent.parent


def synchronize(gpu_id: int) -> None:
    """Wait for the device's queued work, so the clock measures it."""
    if gpu_id >= 0:
        import torch

        torch.cuda.synchronize()


def progress(phase: str, **figures: Any) -> None:
    print(json.dumps({"phase": phase, **figures}), flush=True)


def device_name(gpu_id: int) -> str:
    if gpu_id < 0:
        return f"CPU: {cpu_model()}"
    import torch

    return f"GPU: {torch.cuda.get_device_name(gpu_id)}"


def train(nlp, steps: int, warmup_steps: int, gpu_id: int) -> Dict[str, Any]:
    """`steps` updates; throughput over those after the warm-up."""
    from benchmarks.spacy_training import optimizer_and_batches

    optimizer, batches = optimizer_and_batches(nlp)
    pieces = nlp.get_pipe("seq2seq_attn").tgt_pieces
    field = nlp.get_pipe("seq2seq_attn").field
    n_pieces = n_sentences = 0
    start = time.perf_counter()
    timed_from = None
    for step, (_, batch) in enumerate(batches):
        if step == steps:
            break
        if step == warmup_steps:
            synchronize(gpu_id)
            timed_from = time.perf_counter()
        nlp.update(batch, sgd=optimizer)
        if (step + 1) % 100 == 0:
            progress(f"step {step + 1}/{steps}", seconds=round(time.perf_counter() - start, 1))
        if timed_from is not None:
            n_sentences += len(batch)
            n_pieces += sum(len(pieces.encode_text(eg.reference._.get(field))) + 1 for eg in batch)
    synchronize(gpu_id)
    end = time.perf_counter()
    timed = end - timed_from if timed_from is not None else float("nan")
    return {
        "steps": min(step, steps),
        "seconds": round(end - start, 1),
        "target_pieces_per_s": round(n_pieces / timed, 1),
        "sentences_per_s": round(n_sentences / timed, 1),
    }


def decode_test(nlp, source: Path, references: Path, beam_size: int, gpu_id: int) -> Dict[str, Any]:
    from spacy_seq2seq.evaluation import evaluate_corpus

    pipe = nlp.get_pipe("seq2seq_attn")
    pipe.settings = replace(pipe.settings, beam_size=beam_size, n_best=1)
    synchronize(gpu_id)
    start = time.perf_counter()
    result = evaluate_corpus(nlp, source, tgt_path=references)
    synchronize(gpu_id)
    seconds = time.perf_counter() - start
    return {
        "beam_size": beam_size,
        "bleu": round(result.scores["bleu"], 2),
        "chrf": round(result.scores["chrf"], 2),
        "sentences": result.n_segments,
        "sentences_per_s": round(result.n_segments / seconds, 1),
        "seconds": round(seconds, 1),
    }


@app.command()
def main(
    data_dir: Path = typer.Option(..., help="Plain Multi30k files: train/val/test_2016_flickr.{de,en}."),
    config: Path = typer.Option(ROOT / "configs" / "multi30k_de_en.cfg"),
    gpu_id: int = typer.Option(0, help="GPU to train and decode on; -1 for the CPU."),
    steps: int = typer.Option(300, help="Training steps (fixed: no time budget)."),
    warmup_steps: int = typer.Option(20, help="Steps before the training clock starts."),
    test_split: str = typer.Option("test_2016_flickr"),
    seed: int = typer.Option(0),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where device_training.md and .json go."),
) -> None:
    import spacy
    from spacy.training.initialize import init_nlp
    from spacy.util import load_config
    from thinc.api import fix_random_seed

    run = BenchmarkRun("device_training", results_dir)
    if gpu_id >= 0:
        spacy.require_gpu(gpu_id)
    fix_random_seed(seed)
    src, tgt = config.stem.split("_")[-2:]
    cfg = load_config(config, overrides={"paths.data_dir": str(data_dir), "system.seed": seed}, interpolate=False)
    started = time.perf_counter()
    nlp = init_nlp(cfg)
    initialize_s = time.perf_counter() - started
    progress("initialized", seconds=round(initialize_s, 1))
    training = train(nlp, steps, warmup_steps, gpu_id)
    progress("trained", **training)
    test_src, test_tgt = data_dir / f"{test_split}.{src}", data_dir / f"{test_split}.{tgt}"
    decoding = []
    for beam in (5, 1):
        decoding.append(decode_test(nlp, test_src, test_tgt, beam, gpu_id))
        progress("decoded", **decoding[-1])
    device = device_name(gpu_id)
    memory = {}
    if gpu_id >= 0:
        import torch

        memory["gpu_peak_allocated_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    results = {
        "device": device, "config": config.name, "seed": seed, "initialize_s": round(initialize_s, 1),
        "training": training, "decoding": decoding, **memory,
    }
    rows = "\n".join(
        f"| {d['beam_size']} | {d['bleu']} | {d['chrf']} | {d['sentences_per_s']} | {d['seconds']} |" for d in decoding
    )
    body = f"""
{device}; {config.name} (data: `{data_dir}`), seed {seed}, {training['steps']} training steps.

Training: {training['target_pieces_per_s']} target pieces/s ({training['sentences_per_s']} sentences/s)
after {warmup_steps} warm-up steps; {training['seconds']} s for all steps; initialisation
(SentencePiece, vocabularies) {initialize_s:.1f} s.{' Peak GPU memory allocated: %s MiB.' % memory['gpu_peak_allocated_mib'] if memory else ''}

Decoding {test_split} ({decoding[0]['sentences']} sentences), the final weights:

| beam | BLEU | chrF | sentences/s | seconds |
| ---: | ---: | ---: | ---: | ---: |
{rows}
"""
    run.write(f"Training and decoding on one device: {device}", body, results)
    print(run.markdown_path.read_text(encoding="utf8"))


if __name__ == "__main__":
    app()
