"""One training step of the Multi30k-sized network, with the attention's
batch-invariant decoding kernels (float64 softmax, multiply-and-sum
energies) or the usual ones, side by side in one process.

Decoding needs the invariant forms (see models/pytorch/invariance.py);
training does not. Until this benchmark, training ran them too, since the
input-feeding loop attends one step at a time, like decoding.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.archive.train_step
"""

import platform
import statistics
import time
from pathlib import Path

import torch
import typer

from spacy_seq2seq.models.pytorch import RNNAttnSeq2Seq, Seq2SeqConfig, attention
from spacy_seq2seq.models.pytorch.loss import label_smoothed_nll


def main(
    batch: int = 80, src_len: int = 16, tgt_len: int = 16, vocab: int = 8000,
    hidden_width: int = 512, embed_width: int = 256, repeats: int = 10, seed: int = 0,
    output: Path = Path("benchmarks/archive/results/train_step.md"),
) -> None:
    torch.manual_seed(seed)
    config = Seq2SeqConfig(
        src_vocab_size=vocab, tgt_vocab_size=vocab, pad_id=1, bos_id=2, eos_id=3,
        embed_width=embed_width, hidden_width=hidden_width, dropout_prob=0.2,
    )
    model = RNNAttnSeq2Seq(config)
    src = torch.randint(4, vocab, (batch, src_len))
    lengths = torch.full((batch,), src_len)
    tgt_in = torch.randint(4, vocab, (batch, tgt_len))
    gold = torch.randint(4, vocab, (batch, tgt_len))
    usual = attention.invariant_step

    def decoding_kernels(queries):  # what training ran before: any one-step query
        return queries.shape[1] == 1

    variants = {"invariant kernels": decoding_kernels, "usual kernels": usual}

    def step() -> None:
        logits = model(src, lengths, tgt_in).logits
        loss_sum, n = label_smoothed_nll(logits, gold, pad_id=1, label_smoothing=0.1)
        (loss_sum / n).backward()

    times = {name: [] for name in variants}
    try:
        for rounds in range(repeats + 2):  # two warm-up rounds, interleaved after
            for name, predicate in variants.items():
                attention.invariant_step = predicate
                model.zero_grad()
                start = time.perf_counter()
                step()
                if rounds >= 2:
                    times[name].append(time.perf_counter() - start)
    finally:
        attention.invariant_step = usual
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["invariant kernels"] / medians["usual kernels"]
    lines = [
        "# Training step: attention kernels",
        "",
        f"Batch {batch} x {src_len} source / {tgt_len} target pieces, vocabulary {vocab}, "
        f"embeddings {embed_width}, hidden {hidden_width}, input feeding, additive attention; "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}; "
        f"{repeats} interleaved repeats, seed {seed}.",
        "",
        "| attention kernels in training | median step (s) |",
        "|---|---|",
        *[f"| {name} | {value:.3f} |" for name, value in medians.items()],
        "",
        f"Invariant kernels / usual kernels: {ratio:.2f}x",
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines) + "\n", encoding="utf8")
    print("\n".join(lines))


if __name__ == "__main__":
    typer.run(main)
