"""Output length against ROUGE for a summariser, over decoding settings.

Beam search tends to end summaries early; this measures by how much (mean
words per output against the references') and what a minimum length, a
length penalty or greedy decoding do to ROUGE, on a slice of a JSON or JSONL
corpus (read by the project's reader, as `evaluate` reads it). Each setting
is a JSON object of component settings, applied to a freshly loaded
pipeline.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.summary_length \\
        training/samsum/model-best ../shared/data/summarization/samsum/val.json --stop 300 \\
        '{}' '{"beam_size": 1}' '{"length_alpha": 1.2}' '{"min_output_length": 24}'
"""

import json
import statistics
import time
from pathlib import Path
from typing import List, Optional

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun


def read_pairs(path: Path, src_key: str, tgt_key: str, start: int, stop: Optional[int]):
    """Sources and references of records start:stop, read as `evaluate` reads
    them (the project's reader: empty or malformed records skipped, counted)."""
    import spacy

    from spacy_seq2seq.training import ParallelCorpus

    reader = ParallelCorpus(path, field="summary", src_key=src_key, tgt_key=tgt_key, on_malformed="skip")
    examples = list(reader(spacy.blank("xx")))[start:stop]
    skipped = reader.stats.skipped if reader.stats is not None else 0
    return [eg.reference.text for eg in examples], [eg.reference._.get("summary") for eg in examples], skipped


def main(
    model: Path = typer.Argument(..., help="A saved summarisation pipeline."),
    data: Path = typer.Argument(..., help="JSON list or JSONL with source and reference fields."),
    settings: List[str] = typer.Argument(..., help='Component settings per run, as JSON: \'{"min_output_length": 24}\'.'),
    src_key: str = typer.Option("dialogue", help="Source field."),
    tgt_key: str = typer.Option("summary", help="Reference field."),
    start: int = typer.Option(0, help="First record of the slice."),
    stop: Optional[int] = typer.Option(None, help="End of the slice (exclusive)."),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where summary_length.md and .json go."),
) -> None:
    import spacy

    from spacy_seq2seq.pipeline.rouge import rouge_scores

    run = BenchmarkRun("summary_length", results_dir)

    sources, references, skipped = read_pairs(data, src_key, tgt_key, start, stop)
    if skipped:
        typer.echo(f"skipped {skipped} empty or malformed records in {data}; start and stop count the others")
    ref_words = statistics.mean(len(r.split()) for r in references)
    rows = []
    for text in settings:
        overrides = json.loads(text)
        nlp = spacy.load(model, config={"components": {"seq2seq_attn": overrides}})
        field = nlp.get_pipe("seq2seq_attn").field
        began = time.perf_counter()
        outputs = [doc._.get(field) for doc in nlp.pipe(sources, batch_size=1000)]
        seconds = time.perf_counter() - began
        scores = {name: 100 * value for name, value in rouge_scores(outputs, references).items()}
        words = statistics.mean(len(o.split()) for o in outputs)
        rows.append({"settings": overrides, "seconds": seconds, "words": words, **scores})
        typer.echo(f"{text}: {words:.1f} words, " + ", ".join(f"{k} {v:.2f}" for k, v in scores.items()))
    results = {
        "model": str(model), "data": str(data), "slice": [start, stop], "n": len(sources),
        "skipped": skipped, "reference_words": ref_words, "rows": rows,
    }
    lines = [
        f"Model `{model}`, data `{data}` records {start}:{stop} ({len(sources)} pairs, "
        f"{skipped} skipped in the file); references average {ref_words:.1f} words. "
        "ROUGE F1 with stemming (rouge-score); words = whitespace tokens per output.", "",
        "| settings (over the saved config) | words | R-1 | R-2 | R-L | R-Lsum | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| `{json.dumps(row['settings'])}` | {row['words']:.1f} | {row['rouge1']:.2f} | {row['rouge2']:.2f} "
            f"| {row['rougeL']:.2f} | {row['rougeLsum']:.2f} | {row['seconds']:.0f} |"
        )
    run.write("Summary length and ROUGE by decoding setting", "\n".join(lines), results)
    typer.echo(f"wrote {run.markdown_path}")


if __name__ == "__main__":
    typer.run(main)
