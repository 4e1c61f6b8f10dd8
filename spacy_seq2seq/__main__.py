"""Command line: `python -m spacy_seq2seq translate MODEL "text" ...`."""

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(add_completion=False, help="spacy-seq2seq command line tools.")


@app.callback()
def main() -> None:
    """spacy-seq2seq command line tools."""


@app.command()
def translate(
    model: Path = typer.Argument(..., help="A saved pipeline (nlp.to_disk / spacy train output)."),
    texts: Optional[List[str]] = typer.Argument(None, help="Texts; read from --input or stdin if none."),
    input_file: Optional[Path] = typer.Option(None, "--input", "-i", help="File with one text per line."),
    component: str = typer.Option("", help="Component name (default: the first seq2seq_attn)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """Translate texts and show each output with its word alignment."""
    import spacy

    nlp = spacy.load(model)
    pipe_name = component or _first_seq2seq(nlp)
    field = nlp.get_pipe(pipe_name).field
    if texts:
        lines = list(texts)
    else:
        stream = input_file.open(encoding="utf8") if input_file else sys.stdin
        lines = [line.rstrip("\n") for line in stream]
    for doc in nlp.pipe(lines):
        output = doc._.get(field)
        tokens = doc._.get(f"{field}_tokens")
        alignment = doc._.get(f"{field}_alignment")
        if as_json:
            typer.echo(json.dumps({
                "source": doc.text, field: output, "tokens": tokens,
                "alignment": alignment,
            }, ensure_ascii=False))
            continue
        typer.echo(f"{doc.text}\n-> {output}")
        links = ", ".join(f"{doc[i].text}->{tokens[j]}" for i, j in alignment)
        typer.echo(f"   alignment: {links}")


@app.command()
def evaluate(
    model: Path = typer.Argument(..., help="A saved pipeline."),
    data: Path = typer.Argument(..., help="Held-out parallel corpus (.tsv, .jsonl, .json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the scores as JSON here."),
    component: str = typer.Option("", help="Component name (default: the first seq2seq_attn)."),
) -> None:
    """Corpus BLEU and chrF (sacreBLEU, cased, detokenised) on held-out pairs."""
    import spacy

    from .pipeline.scoring import corpus_scores
    from .training import ParallelCorpus

    nlp = spacy.load(model)
    pipe_name = component or _first_seq2seq(nlp)
    field = nlp.get_pipe(pipe_name).field
    reader = ParallelCorpus(data, field=field, on_malformed="error")
    examples = list(reader(nlp))
    sources = [eg.reference.text for eg in examples]
    references = [eg.reference._.get(field) for eg in examples]
    hypotheses = [doc._.get(field) for doc in nlp.pipe(sources)]
    found = corpus_scores(hypotheses, references)
    scores = {
        "n_segments": len(examples),
        f"{field}_bleu": found["bleu"],
        f"{field}_chrf": found["chrf"],
        "bleu_signature": found["bleu_signature"],
        "chrf_signature": found["chrf_signature"],
    }
    typer.echo(f"{data}: {len(examples)} segments")
    typer.echo(f"BLEU {found['bleu']:.2f}  ({found['bleu_signature']})")
    typer.echo(f"chrF {found['chrf']:.2f}  ({found['chrf_signature']})")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf8")


def _first_seq2seq(nlp) -> str:
    for name, pipe in nlp.pipeline:
        if type(pipe).__name__ == "Seq2SeqAttn":
            return name
    raise typer.BadParameter(f"No seq2seq_attn component in {nlp.pipe_names}.")


@app.command()
def convert(
    source: Path = typer.Argument(..., help="Parallel corpus: .tsv, .jsonl, .json, or source lines with --tgt."),
    output: Path = typer.Argument(..., help="The .spacy file to write."),
    lang: str = typer.Option(..., "--lang", help="Source language code for the tokenizer, e.g. fr."),
    tgt: Optional[Path] = typer.Option(None, "--tgt", help="Line-aligned target file (format 'lines')."),
    field: str = typer.Option("translation", help="Doc extension that holds the target."),
    max_length: Optional[int] = typer.Option(None, help="Skip pairs with more words than this."),
) -> None:
    """Convert a parallel corpus to a .spacy file (DocBin with targets in user data)."""
    import spacy

    from .training import ParallelCorpus, convert_to_docbin

    reader = ParallelCorpus(source, tgt_path=tgt, field=field, max_length=max_length)
    stats = convert_to_docbin(reader, spacy.blank(lang), output)
    typer.echo(f"Wrote {stats.yielded} docs to {output} (skipped {stats.skipped}).")


if __name__ == "__main__":
    app()
