"""The fixed-vector bottleneck, measured: BLEU by source length, with and
without attention.

Without attention the decoder sees the source only through the encoder's
last state, one fixed-size vector; with attention it looks back at every
encoder state at each step. The claim is that the first loses more as
sources grow longer. This decodes one test set with two pipelines trained
with the same budget (`spacy project run bottleneck` trains them: the
project's config and data, by default Tatoeba fr->en, once with
`attention = "none"`), puts each sentence in a bucket by
its number of source tokens, and scores each bucket with sacreBLEU (cased,
13a, the component's scorer). It writes a Markdown table, the numbers as
JSON and a small SVG chart (no plotting library).

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.bottleneck \\
        training/bottleneck_attention/model-best training/bottleneck_none/model-best \\
        --test assets/tatoeba-fr-en/test.tsv --edges 5,7,9,11,13

(or `--src FILE --ref FILE` for line-aligned files, e.g. Multi30k's). The
report goes to benchmarks/results/bottleneck.md, .json and .svg.
"""

import time
from dataclasses import asdict, dataclass
from html import escape
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun

app = typer.Typer(add_completion=False)

# Bucket edges in source tokens: [1, 8), [8, 10), ..., [16, inf). Chosen for
# Multi30k's test set (sources of 4-30 tokens, most 6-16); pass --edges for
# other data.
DEFAULT_EDGES = (8, 10, 12, 14, 16)
SERIES_COLOURS = {"attention": "#ea6e14", "no attention": "#7a7a7a"}


@dataclass
class Bucket:
    label: str
    low: int
    high: int  # exclusive; 0 means no upper bound
    n_sentences: int
    bleu: Dict[str, float]  # system name -> BLEU


def bucket_labels(edges: Sequence[int]) -> List[tuple]:
    """(label, low, high) per bucket: below the first edge, between edges, from the last."""
    bounds = [1, *edges, 0]
    buckets = []
    for low, high in zip(bounds, bounds[1:]):
        if high == 0:
            label = f"{low}+"
        elif high - low == 1:
            label = str(low)
        else:
            label = f"{low}-{high - 1}"
        buckets.append((label, low, high))
    return buckets


def bucket_index(length: int, edges: Sequence[int]) -> int:
    """The bucket of a source with `length` tokens."""
    return sum(length >= edge for edge in edges)


def bleu_by_bucket(
    lengths: Sequence[int],
    outputs: Dict[str, Sequence[str]],
    references: Sequence[str],
    edges: Sequence[int],
) -> List[Bucket]:
    """Corpus BLEU of each system on each length bucket (empty buckets are kept,
    with n_sentences = 0 and no scores, so the table says they were empty)."""
    from sacrebleu.metrics import BLEU

    members: List[List[int]] = [[] for _ in range(len(edges) + 1)]
    for index, length in enumerate(lengths):
        members[bucket_index(length, edges)].append(index)
    buckets = []
    for (label, low, high), indices in zip(bucket_labels(edges), members):
        scores = {}
        if indices:
            refs = [[references[i] for i in indices]]
            for name, hypotheses in outputs.items():
                scores[name] = round(BLEU().corpus_score([hypotheses[i] for i in indices], refs).score, 2)
        buckets.append(Bucket(label, low, high, len(indices), scores))
    return buckets


def markdown_table(buckets: Sequence[Bucket], overall: Dict[str, float]) -> str:
    names = list(overall)
    lines = [
        "| source tokens | sentences | " + " | ".join(f"BLEU {name}" for name in names) + " | difference |",
        "| --- | ---: | " + " | ".join("---:" for _ in names) + " | ---: |",
    ]
    for bucket in buckets:
        cells = [f"{bucket.bleu[name]:.2f}" if name in bucket.bleu else "-" for name in names]
        diff = f"{bucket.bleu[names[0]] - bucket.bleu[names[1]]:+.2f}" if len(bucket.bleu) == 2 else "-"
        lines.append(f"| {bucket.label} | {bucket.n_sentences} | " + " | ".join(cells) + f" | {diff} |")
    total = sum(bucket.n_sentences for bucket in buckets)
    cells = [f"{overall[name]:.2f}" for name in names]
    lines.append(f"| all | {total} | " + " | ".join(cells) + f" | {overall[names[0]] - overall[names[1]]:+.2f} |")
    return "\n".join(lines) + "\n"


def svg_chart(buckets: Sequence[Bucket], title: str, width: int = 640, height: int = 340) -> str:
    """Grouped bars: one group per length bucket, one bar per system."""
    names = list(SERIES_COLOURS)
    left, right, top, bottom = 48, 16, 44, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    best = max([score for bucket in buckets for score in bucket.bleu.values()] or [1.0])
    y_max = max(10, 10 * -(-best // 10))  # round up to a multiple of 10
    y = lambda value: top + plot_h * (1 - value / y_max)  # noqa: E731
    group_w = plot_w / max(1, len(buckets))
    bar_w = group_w * 0.8 / len(names)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<title>{escape(title)}</title>',
        f'<text x="{left}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(0, int(y_max) + 1, 10):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    parts.append(f'<text x="12" y="{top + plot_h / 2:.1f}" transform="rotate(-90 12 {top + plot_h / 2:.1f})" text-anchor="middle">BLEU</text>')
    for g, bucket in enumerate(buckets):
        x0 = left + g * group_w + group_w * 0.1
        for s, name in enumerate(names):
            if name not in bucket.bleu:
                continue
            value = bucket.bleu[name]
            x = x0 + s * bar_w
            parts.append(
                f'<rect class="bar" data-series="{escape(name)}" data-bucket="{escape(bucket.label)}" '
                f'data-value="{value:.2f}" x="{x:.1f}" y="{y(value):.1f}" width="{bar_w - 2:.1f}" '
                f'height="{y(0) - y(value):.1f}" fill="{SERIES_COLOURS[name]}"><title>{escape(name)}, '
                f'{escape(bucket.label)} tokens: {value:.2f}</title></rect>'
            )
        centre = left + (g + 0.5) * group_w
        parts.append(f'<text x="{centre:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(bucket.label)}</text>')
        parts.append(f'<text x="{centre:.1f}" y="{top + plot_h + 30}" text-anchor="middle" fill="#777">n={bucket.n_sentences}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">source length (tokens)</text>')
    for s, name in enumerate(names):
        x = width - right - 230 + s * 120
        parts.append(f'<rect x="{x}" y="26" width="12" height="12" fill="{SERIES_COLOURS[name]}"/>')
        parts.append(f'<text x="{x + 16}" y="36">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def read_test_set(test: Optional[Path], src: Optional[Path], ref: Optional[Path]) -> Tuple[List[str], List[str], str]:
    """(sources, references, name) from a TSV file or two line-aligned files."""
    if test is not None:
        rows = [line.split("\t") for line in test.read_text(encoding="utf8").splitlines() if line.strip()]
        bad = [number for number, row in enumerate(rows, start=1) if len(row) < 2]
        if bad:
            raise typer.BadParameter(f"{test}: line {bad[0]} has no tab-separated reference ({len(bad)} such lines).")
        return [row[0] for row in rows], [row[1] for row in rows], f"{test.parent.name}/{test.name}"
    if src is None or ref is None:
        raise typer.BadParameter("Give --test FILE.tsv, or --src and --ref.")
    texts = src.read_text(encoding="utf8").splitlines()
    references = ref.read_text(encoding="utf8").splitlines()
    if len(texts) != len(references):
        raise typer.BadParameter(f"{src} has {len(texts)} lines but {ref} has {len(references)}.")
    return texts, references, f"{src.parent.name}/{src.name}"


def decode(model: Path, texts: List[str], beam_size: int) -> tuple:
    """(outputs, source token counts, seconds) with the pipeline's own tokenizer."""
    import spacy

    nlp = spacy.load(model, config={"components": {"seq2seq_attn": {"beam_size": beam_size}}})
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=1000))
    return [doc._.translation for doc in docs], [len(doc) for doc in docs], time.perf_counter() - start


@app.command()
def main(
    attention_model: Path = typer.Argument(..., help="Pipeline trained with attention."),
    none_model: Path = typer.Argument(..., help="The same config trained with attention = \"none\"."),
    test: Optional[Path] = typer.Option(None, help="Test pairs as TSV (source, then reference)."),
    src: Optional[Path] = typer.Option(None, help="Or: test sources, one per line ..."),
    ref: Optional[Path] = typer.Option(None, help="... and references, line-aligned with --src."),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where bottleneck.md, .json and .svg go."),
    edges: str = typer.Option(",".join(map(str, DEFAULT_EDGES)), help="Bucket edges in source tokens."),
    beam_size: int = typer.Option(5, help="Beam width for both models."),
) -> None:
    """Decode with both models and write the report."""
    import sacrebleu

    run = BenchmarkRun("bottleneck", results_dir)
    texts, references, name = read_test_set(test, src, ref)
    bucket_edges = sorted(int(edge) for edge in edges.split(","))
    outputs, seconds = {}, {}
    for system, model in (("attention", attention_model), ("no attention", none_model)):
        outputs[system], lengths, seconds[system] = decode(model, texts, beam_size)
    buckets = bleu_by_bucket(lengths, outputs, references, bucket_edges)
    overall = {name: round(sacrebleu.corpus_bleu(hyps, [references]).score, 2) for name, hyps in outputs.items()}
    title = f"BLEU by source length: {name}, beam {beam_size}"
    chart = run.path(".svg")
    chart.parent.mkdir(parents=True, exist_ok=True)
    chart.write_text(svg_chart(buckets, title), encoding="utf8")
    results = {
        "models": {"attention": str(attention_model), "no attention": str(none_model)},
        "test": name, "beam_size": beam_size, "overall_bleu": overall,
        "decode_seconds": {name: round(value, 1) for name, value in seconds.items()},
        "buckets": [asdict(bucket) for bucket in buckets],
    }
    table = markdown_table(buckets, overall)
    run.write(
        title,
        f"Models: `{attention_model}` (attention) and `{none_model}` "
        f"(attention = \"none\"), sacreBLEU cased 13a per bucket.\n\n{table}\n"
        f"![BLEU by source length]({chart.name})\n",
        results,
    )
    typer.echo(table)


if __name__ == "__main__":
    app()
