"""Long documents: time and peak memory against document length.

A Doc longer than `max_src_length` pieces is decoded part by part
(`long_src = "split"`). This benchmark checks that the whole path (encoding
the parts, decoding, word alignment, stitching, writing the extensions, a
DocBin round trip) grows linearly with the document: it decodes one
document per length (default 1k, 4k, 16k and 64k tokens) and reports the
time and the peak RSS growth per token, which should be about flat.

Documents are French sentences from the Tatoeba training file, drawn with a
fixed seed and joined with spaces until the Doc has at least the asked
number of tokens. Each length runs in a fresh process, so the peak RSS is
that length's own. The RSS growth is the process's peak RSS minus its RSS
once the model is loaded and has decoded one sentence.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.long_documents \\
        --model training/tatoeba_fr_en/model-best

`--code-dir` runs the workers with another checkout of the package first on
the path (e.g. the code before attention was stored per part), to compare.
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer

from benchmarks.harness import RESULTS_DIR, BenchmarkRun

DEFAULT_DATA = Path("assets/tatoeba-fr-en/train.tsv")
DEFAULT_LENGTHS = "1000,4000,16000,64000"

app = typer.Typer(add_completion=False)


def current_rss_mib() -> float:
    """This process's resident memory now (Linux), in MiB."""
    with open("/proc/self/status", encoding="utf8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_text(nlp: Any, data: Path, n_tokens: int, seed: int) -> str:
    """French sentences in a seeded random order, joined until the Doc has
    at least `n_tokens` tokens (whole sentences only)."""
    sentences = [line.split("\t", 1)[0].strip() for line in data.read_text(encoding="utf8").splitlines()]
    sentences = [sentence for sentence in sentences if sentence]
    rng = random.Random(seed)
    chosen: List[str] = []
    count = 0
    while count < n_tokens:
        sentence = sentences[rng.randrange(len(sentences))]
        chosen.append(sentence)
        count += len(nlp.make_doc(sentence))
    return " ".join(chosen)


@app.command()
def worker(model: Path, data: Path, n_tokens: int, seed: int, out: Path) -> None:
    """Decode one document of about `n_tokens` tokens in this process and
    write the figures as JSON."""
    import spacy
    from spacy.tokens import DocBin

    import spacy_seq2seq

    nlp = spacy.load(model, config={"components": {"seq2seq_attn": {"long_src": "split"}}})
    pipe = nlp.get_pipe("seq2seq_attn")
    names = pipe.extension_names
    nlp("Le chat dort.")  # warm up: tokenizer, target tokenizer, first decode
    text = build_text(nlp, data, n_tokens, seed)
    package = str(Path(spacy_seq2seq.__file__).parent)
    baseline_rss = current_rss_mib()

    # Time the network's search apart from everything around it (encoding
    # the parts, word alignment, stitching, writing the extensions). thinc
    # models have slots, so the class method is wrapped for this call.
    search_seconds = 0.0
    model_class = type(pipe.model)
    predict = model_class.predict

    def timed_predict(model: Any, batch: Any) -> Any:
        nonlocal search_seconds
        start = time.perf_counter()
        try:
            return predict(model, batch)
        finally:
            search_seconds += time.perf_counter() - start

    model_class.predict = timed_predict
    try:
        start = time.perf_counter()
        doc = nlp(text)
        seconds = time.perf_counter() - start
    finally:
        model_class.predict = predict

    start = time.perf_counter()
    doc_bin = DocBin(store_user_data=True, docs=[doc])
    data_bytes = doc_bin.to_bytes()
    (restored,) = DocBin().from_bytes(data_bytes).get_docs(nlp.vocab)
    round_trip_seconds = time.perf_counter() - start
    n_words = len(doc._.get(names["tokens"]))
    blocks_name = names["attention"] + "_blocks"
    has_blocks = doc.has_extension(blocks_name)
    stored = doc._.get(blocks_name) if has_blocks else None
    result: Dict[str, Any] = {
        "n_tokens": len(doc),
        "n_target_words": n_words,
        "seconds": seconds,
        "search_seconds": search_seconds,
        "round_trip_seconds": round_trip_seconds,
        "docbin_bytes": len(data_bytes),
        "baseline_rss_mib": baseline_rss,
        "peak_rss_mib": peak_rss_mib(),
        # Blocks: what is stored; dense: what the whole matrix would hold.
        "attention_stored": None if stored is None else stored.n_stored,
        "attention_blocks": None if stored is None else len(stored.blocks),
        "attention_dense": n_words * len(doc),
        "round_trip_equal": (
            restored._.get(names["text"]) == doc._.get(names["text"])
            and restored._.get(names["alignment"]) == doc._.get(names["alignment"])
            and (stored is None or restored._.get(blocks_name) == stored)
        ),
        "package": package,
        "settings": {key: pipe.cfg[key] for key in ("beam_size", "max_src_length", "long_src", "store_attention")},
    }
    out.write_text(json.dumps(result), encoding="utf8")


def _run_worker(model: Path, data: Path, n_tokens: int, seed: int, code_dir: Optional[Path]) -> Dict[str, Any]:
    """One length in a fresh process. It runs from an empty folder with the
    package checkout (`code_dir`, else this repository) first on
    PYTHONPATH: `python -m` would otherwise put the current folder first."""
    repository = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        env = dict(os.environ)
        paths = [str(code_dir.resolve()) if code_dir else None, str(repository), env.get("PYTHONPATH")]
        env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
        subprocess.run(
            [sys.executable, "-m", "benchmarks.long_documents", "worker",
             str(model.resolve()), str(data.resolve()), str(n_tokens), str(seed), str(out)],
            check=True, env=env, cwd=tmp,
        )
        return json.loads(out.read_text(encoding="utf8"))


def _table(rows: List[Dict[str, Any]]) -> str:
    first = rows[0]
    lines = [
        "| tokens | target words | time (s) | of which search (s) | ms per token | x 1st | "
        "peak RSS (MiB) | RSS growth (MiB) | KiB per token | KiB per added token | attention stored / dense | "
        "DocBin (MiB) | round trip equal |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    previous = None
    for row in rows:
        per_token = 1000 * row["seconds"] / row["n_tokens"]
        growth = row["peak_rss_mib"] - row["baseline_rss_mib"]
        stored = (
            f"{row['attention_stored']:,} / {row['attention_dense']:,}"
            if row["attention_stored"] is not None else f"dense / {row['attention_dense']:,}"
        )
        # Growth per token over the previous length: the fixed part of the
        # growth (search buffers, the first allocations) cancels out.
        added = "" if previous is None else (
            f"{1024 * (growth - previous[1]) / (row['n_tokens'] - previous[0]):.1f}"
        )
        previous = (row["n_tokens"], growth)
        lines.append(
            f"| {row['n_tokens']:,} | {row['n_target_words']:,} | {row['seconds']:.1f} | "
            f"{row['search_seconds']:.1f} | {per_token:.2f} | "
            f"{per_token / (1000 * first['seconds'] / first['n_tokens']):.2f} | "
            f"{row['peak_rss_mib']:.0f} | {growth:.0f} | {1024 * growth / row['n_tokens']:.1f} | {added} | "
            f"{stored} | {row['docbin_bytes'] / 2**20:.1f} | {row['round_trip_equal']} |"
        )
    return "\n".join(lines)


@app.command()
def main(
    model: Path = typer.Option(..., help="A trained pipeline with a seq2seq_attn component."),
    lengths: str = typer.Option(DEFAULT_LENGTHS, help="Document lengths in tokens, comma-separated."),
    data: Path = typer.Option(DEFAULT_DATA, help="TSV file whose first column gives the sentences."),
    seed: int = typer.Option(0, help="Seed for drawing the sentences."),
    code_dir: Optional[Path] = typer.Option(None, help="Put this package checkout first on the workers' path."),
    results_dir: Path = typer.Option(RESULTS_DIR, help="Where the report goes."),
) -> None:
    """Decode one document per length, each in a fresh process, and report
    time and peak RSS per token."""
    run = BenchmarkRun("long_documents", results_dir=results_dir)
    rows = []
    for n_tokens in (int(length) for length in lengths.split(",")):
        row = _run_worker(model, data, n_tokens, seed, code_dir)
        rows.append(row)
        typer.echo(json.dumps(row))
    body = (
        f"Model: `{model}` ({json.dumps(rows[0]['settings'])}). Documents: sentences of "
        f"`{data}` drawn with seed {seed}, one fresh process per length"
        + (f", package from `{code_dir}`" if code_dir else "")
        + ".\n\n" + _table(rows) + "\n\n"
        "`x 1st`: time per token against the first length (1.00 = linear). RSS growth: peak RSS "
        "minus the RSS after loading and one warm-up sentence; `KiB per added token`: its increase "
        "over the previous length per added token (flat = linear). `attention stored / dense`: weights "
        "held on the Doc against the target words x source tokens a dense matrix holds."
    )
    run.write("Long documents: time and memory against length", body, {"rows": rows, "model": str(model)})


if __name__ == "__main__":
    app()
