"""Real training steps of a config, with and without the padding skipped.

Three ways to train, side by side in one process on the same batches of the
config's own corpus and batcher (spaCy's `nlp.update`, the optimizer of the
config), in interleaved rounds:

- padded: every row runs the decoder for the longest target's steps, and
  the output layer and torch's `F.cross_entropy` score every padded
  position (the code before packed steps);
- packed: each decoder step reads only the rows still inside their target
  (models/pytorch/steps.py), torch's loss on the real positions;
- packed + one-pass loss: the same with the label-smoothed loss whose
  gradient is one pass over the logits (models/pytorch/loss.py): what
  training runs now.

The first two are restored by patching the current code for the duration
of their steps; the numbers they give are the same (tests/models/pytorch/
test_packed_steps.py), only the work differs.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.archive.train_step_padding \\
        configs/tatoeba_fr_en.cfg --output benchmarks/archive/results/train_step_padding.md
"""

import contextlib
import platform
import statistics
import time
from pathlib import Path
from typing import Dict, Iterator, List

import torch
import torch.nn.functional as F
import typer

from spacy_seq2seq.models import loss as model_loss
from spacy_seq2seq.models.pytorch import RNNAttnSeq2Seq

FORWARD = RNNAttnSeq2Seq.forward
ONE_PASS_LOSS = model_loss.label_smoothed_nll


def torch_cross_entropy(logits, tgt_out, *, pad_id, label_smoothing):
    """The loss as it was: F.cross_entropy over every position given."""
    n_tokens = int((tgt_out != pad_id).sum())
    loss = F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1),
        ignore_index=pad_id, label_smoothing=label_smoothing, reduction="sum",
    )
    return loss, n_tokens


def padded_forward(self, src_ids, src_lengths, tgt_in, tgt_lengths=None):
    """The teacher-forced pass without target lengths: padded steps."""
    return FORWARD(self, src_ids, src_lengths, tgt_in)


@contextlib.contextmanager
def variant(name: str) -> Iterator[None]:
    RNNAttnSeq2Seq.forward = padded_forward if name == "padded" else FORWARD
    model_loss.label_smoothed_nll = ONE_PASS_LOSS if name == "packed + one-pass loss" else torch_cross_entropy
    try:
        yield
    finally:
        RNNAttnSeq2Seq.forward = FORWARD
        model_loss.label_smoothed_nll = ONE_PASS_LOSS


VARIANTS = ("padded", "packed", "packed + one-pass loss")


def main(
    config: Path = typer.Argument(..., exists=True),
    n_batches: int = typer.Option(20, help="Batches per variant and round."),
    rounds: int = typer.Option(4, help="Interleaved rounds; the first is a warm-up."),
    output: Path = typer.Option(Path("benchmarks/archive/results/train_step_padding.md")),
) -> None:
    from spacy.training.initialize import init_nlp
    from spacy.util import load_config

    from benchmarks.spacy_training import optimizer_and_batches

    nlp = init_nlp(load_config(config, interpolate=False))
    optimizer, batches_iter = optimizer_and_batches(nlp)
    batches = [batch for _, (_, batch) in zip(range(n_batches), batches_iter)]
    pipe = nlp.get_pipe(nlp.pipe_names[0])
    encoded = [pipe._make_train_batch(batch) for batch in batches]
    real = sum(len(t) + 1 for b in encoded for t in b.tgt)
    padded = sum(len(b.tgt) * (max(len(t) for t in b.tgt) + 1) for b in encoded)
    times: Dict[str, List[float]] = {name: [] for name in VARIANTS}
    for round_index in range(rounds):
        for name in VARIANTS:
            with variant(name):
                start = time.perf_counter()
                for batch in batches:
                    nlp.update(batch, sgd=optimizer)
                elapsed = (time.perf_counter() - start) / len(batches)
            if round_index > 0:
                times[name].append(elapsed)
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians["padded"]
    lines = [
        "# Training steps with and without padding",
        "",
        f"`{config}`: {len(batches)} batches of its own batcher ({real / len(batches):.0f} real target "
        f"pieces a batch, EOS included; padded to the longest target they would be {padded / real:.2f}x that), "
        f"`nlp.update` with the config's optimizer; {rounds - 1} interleaved rounds after a warm-up round; "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.machine()}.",
        "",
        "| training | median s/step | target pieces/s | speed-up |",
        "|---|---:|---:|---:|",
        *[
            f"| {name} | {value:.3f} | {real / len(batches) / value:,.0f} | {baseline / value:.2f}x |"
            for name, value in medians.items()
        ],
        "",
        "Per round (s/step): " + "; ".join(
            f"{name}: " + ", ".join(f"{value:.3f}" for value in values) for name, values in times.items()
        ),
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines) + "\n", encoding="utf8")
    print("\n".join(lines))


if __name__ == "__main__":
    typer.run(main)
