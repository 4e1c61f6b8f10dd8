"""What summing a decoding step's attention context in float64 costs.

Decoding sums each step's attention context in float64 and rounds it back
(models/pytorch/attention.py), so that a Doc's output does not depend on
the padded source length of its batch. This times `nlp.pipe` over a file
with that sum and with the plain float32 `bmm` it replaced (restored by
patching `Attention.forward` for the duration of its rounds), in
interleaved rounds in one process, and counts the outputs that differ.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.archive.context_float64 \\
        training/tatoeba_fr_en/model-best assets/tatoeba-fr-en/test.tsv \\
        --output benchmarks/archive/results/context_float64.md
"""

import contextlib
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Dict, Iterator, List

import spacy
import torch
import typer

from spacy_seq2seq.models.pytorch.attention import Attention, masked_softmax
from spacy_seq2seq.training.formats import records_tsv

FLOAT64_FORWARD = Attention.forward


def float32_forward(self, queries, keys, states, mask, coverage=None):
    """Attention.forward as it was: the context is one float32 bmm."""
    weights = masked_softmax(self.score(queries, keys, coverage), mask)
    return torch.bmm(weights, states), weights


@contextlib.contextmanager
def context_sum(name: str) -> Iterator[None]:
    Attention.forward = FLOAT64_FORWARD if name == "float64" else float32_forward
    try:
        yield
    finally:
        Attention.forward = FLOAT64_FORWARD


def read_sources(path: Path, limit: int) -> List[str]:
    """The sources (first column) of the first `limit` pairs of a TSV file,
    read by the package's TSV rules; a malformed or empty line is an error."""
    sources = []
    for record in records_tsv(path, src_column=0, tgt_column=1):
        problem = record.problem or ("" if record.src.strip() else "empty source")
        if problem:
            raise typer.BadParameter(f"{record.file}, line {record.number}: {problem}")
        sources.append(record.src)
        if len(sources) == limit:
            break
    return sources


def main(
    model: Path = typer.Argument(..., help="A trained pipeline directory."),
    source: Path = typer.Argument(..., help="TSV of pairs, source first."),
    output: Path = typer.Option(Path("benchmarks/archive/results/context_float64.md")),
    rounds: int = typer.Option(5, help="Interleaved rounds of each variant and beam."),
    limit: int = typer.Option(1000, help="Sources to decode each round."),
    beams: str = typer.Option("1,5", help="Beam sizes, comma-separated."),
):
    texts = read_sources(source, limit)
    variants = ("float32", "float64")
    results: Dict[str, Dict[str, List[float]]] = {}
    outputs: Dict[str, Dict[str, List[str]]] = {}
    for beam in (int(b) for b in beams.split(",")):
        mode = f"beam {beam}"
        nlp = spacy.load(model, config={"components": {"seq2seq_attn": {"beam_size": beam}}})
        field = nlp.get_pipe("seq2seq_attn").field
        with context_sum("float64"):  # warm-up, not timed
            list(nlp.pipe(texts[:64]))
        results[mode] = {name: [] for name in variants}
        outputs[mode] = {}
        for round_ in range(rounds):
            # Alternate which variant goes first, so neither always runs warm.
            for name in variants if round_ % 2 == 0 else reversed(variants):
                with context_sum(name):
                    start = time.perf_counter()
                    docs = list(nlp.pipe(texts, batch_size=1000))
                    results[mode][name].append(time.perf_counter() - start)
                outputs[mode][name] = [getattr(doc._, field) for doc in docs]
            print(f"{mode} round {round_ + 1}/{rounds}: "
                  + ", ".join(f"{n} {results[mode][n][-1]:.2f} s" for n in variants), flush=True)

    lines = [
        "# Decoding with the attention context summed in float64",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"torch {torch.__version__}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')} "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}.",
        f"Model: `{model}`. Data: the first {len(texts)} sources of `{source}`, "
        f"`nlp.pipe(texts, batch_size=1000)`. {rounds} interleaved rounds; medians.",
        "",
        "| decoding | float32 bmm s | float64 sum s | float64 / float32 | outputs that differ |",
        "|---|---:|---:|---:|---:|",
    ]
    for mode, times in results.items():
        f32, f64 = statistics.median(times["float32"]), statistics.median(times["float64"])
        differ = sum(a != b for a, b in zip(outputs[mode]["float32"], outputs[mode]["float64"]))
        lines.append(f"| {mode} | {f32:.2f} | {f64:.2f} | {f64 / f32:.3f} | {differ} of {len(texts)} |")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines) + "\n", encoding="utf8")
    print("\n".join(lines))


if __name__ == "__main__":
    typer.run(main)
