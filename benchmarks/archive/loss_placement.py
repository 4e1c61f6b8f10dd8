"""Where should the training loss be computed: in torch, or in numpy?

spaCy's usual anatomy hands the model output to `get_loss` as an array and
backpropagates an array gradient. For a seq2seq model the output is the full
(batch, length, vocabulary) logits tensor, so that means shipping it through
numpy every step. This benchmark times one training step both ways, side by
side in one process, and writes a small report.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.archive.loss_placement
"""

import platform
import statistics
import time
from pathlib import Path

import numpy
import torch
import typer

from spacy_seq2seq.models.pytorch import RNNAttnSeq2Seq, Seq2SeqConfig
from spacy_seq2seq.models.pytorch.loss import label_smoothed_nll


def numpy_loss_and_grad(logits: numpy.ndarray, gold: numpy.ndarray, pad_id: int, eps: float):
    """Label-smoothed CE (mean over real pieces) and d(loss)/d(logits) in numpy."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    probs = numpy.exp(shifted)
    probs /= probs.sum(axis=-1, keepdims=True)
    vocab = logits.shape[-1]
    target = numpy.full(logits.shape, eps / vocab, dtype=numpy.float32)
    rows = numpy.indices(gold.shape)
    target[rows[0], rows[1], gold] += 1.0 - eps
    real = (gold != pad_id)[..., None]
    n_tokens = max(int(real.sum()), 1)
    loss = float(-(target * numpy.log(probs + 1e-12) * real).sum() / n_tokens)
    grad = (probs - target) * real / n_tokens
    return loss, grad.astype(numpy.float32)


def main(
    batch: int = 128, src_len: int = 12, tgt_len: int = 12, vocab: int = 4000,
    hidden_width: int = 256, embed_width: int = 128, repeats: int = 15, seed: int = 0,
    output: Path = Path("benchmarks/archive/results/loss_placement.md"),
) -> None:
    torch.manual_seed(seed)
    config = Seq2SeqConfig(
        src_vocab_size=vocab, tgt_vocab_size=vocab, pad_id=0, bos_id=2, eos_id=3,
        embed_width=embed_width, hidden_width=hidden_width,
    )
    model = RNNAttnSeq2Seq(config)
    src = torch.randint(4, vocab, (batch, src_len))
    lengths = torch.full((batch,), src_len)
    tgt_in = torch.randint(4, vocab, (batch, tgt_len))
    gold = torch.randint(4, vocab, (batch, tgt_len))

    def step_torch() -> None:
        logits = model(src, lengths, tgt_in).logits
        loss_sum, n = label_smoothed_nll(logits, gold, pad_id=0, label_smoothing=0.1)
        (loss_sum / n).backward()

    def step_numpy() -> None:
        logits = model(src, lengths, tgt_in).logits
        _, grad = numpy_loss_and_grad(logits.detach().numpy(), gold.numpy(), 0, 0.1)
        torch.autograd.backward(logits, grad_tensors=torch.from_numpy(grad))

    times = {"torch": [], "numpy": []}
    for _ in range(2):  # warm-up
        step_torch()
        step_numpy()
    for _ in range(repeats):  # interleaved, so load changes hit both alike
        for name, step in (("torch", step_torch), ("numpy", step_numpy)):
            model.zero_grad()
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    lines = [
        "# Loss placement: torch vs numpy (one training step)",
        "",
        f"Command: `OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.archive.loss_placement`"
        f" (batch {batch}, src/tgt length {src_len}/{tgt_len}, vocabulary {vocab},"
        f" hidden {hidden_width}, embed {embed_width}, {repeats} interleaved repeats, seed {seed})",
        f"Machine: {platform.processor() or platform.machine()}, torch {torch.__version__},"
        f" {torch.get_num_threads()} threads",
        "",
        "| loss computed in | median step (s) |",
        "| --- | --- |",
        f"| torch (what the component does) | {medians['torch']:.4f} |",
        f"| numpy (logits out, gradient back in) | {medians['numpy']:.4f} |",
        "",
        f"numpy / torch = {medians['numpy'] / medians['torch']:.2f}",
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines) + "\n", encoding="utf8")
    typer.echo("\n".join(lines))


if __name__ == "__main__":
    typer.run(main)
