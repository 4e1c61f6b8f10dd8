"""Command line: `python -m spacy_seq2seq translate MODEL "text" ...`, `evaluate`,
`convert`, `align`, `evaluate-alignment` and `render`."""

import json
import sys
from pathlib import Path
from typing import Any, List, Optional, Tuple

import typer

app = typer.Typer(add_completion=False, help="spacy-seq2seq command line tools.")


@app.callback()
def main() -> None:
    """spacy-seq2seq command line tools."""


# Decoding options shared by translate and evaluate; None keeps the saved value.
BEAM_SIZE = typer.Option(None, "--beam-size", "-b", help="Beam width (1 = greedy).")
LENGTH_ALPHA = typer.Option(None, "--length-alpha", help="GNMT length penalty exponent.")
MIN_OUTPUT_LENGTH = typer.Option(
    None, "--min-output-length", help="Fewest output pieces before EOS is allowed (summaries: see configs/samsum.cfg)."
)
MIN_OUTPUT_RATIO = typer.Option(
    None, "--min-output-ratio", help="Fewest output pieces per source piece (summaries grow with their dialogue)."
)
QUANTIZE = typer.Option(None, "--quantize", help="none | int8 (CPU).")
BATCH_SIZE = typer.Option(1000, "--batch-size", help="Docs per nlp.pipe batch.")


def _load(model: Path, component: str, **overrides: Any) -> Tuple[Any, str]:
    """Load a pipeline with decoding settings overridden through the config,
    so the component validates them as it would any config value."""
    import spacy
    from spacy.util import load_config

    config = load_config(model / "config.cfg")
    names = [
        name for name, settings in config["components"].items()
        if settings.get("factory") == "seq2seq_attn"
    ]
    if not names:
        raise typer.BadParameter(f"No seq2seq_attn component in {model}.")
    name = component or names[0]
    settings = {key: value for key, value in overrides.items() if value is not None}
    nlp = spacy.load(model, config={"components": {name: settings}} if settings else {})
    return nlp, name


def _read_texts(texts: Optional[List[str]], input_file: Optional[Path]) -> List[str]:
    """The texts given as arguments, else the lines of --input, else stdin."""
    if texts:
        return list(texts)
    if input_file is None:
        return [line.rstrip("\n") for line in sys.stdin]
    with input_file.open(encoding="utf8") as stream:
        return [line.rstrip("\n") for line in stream]


@app.command()
def translate(
    model: Path = typer.Argument(..., help="A saved pipeline (nlp.to_disk / spacy train output)."),
    texts: Optional[List[str]] = typer.Argument(None, help="Texts; read from --input or stdin if none."),
    input_file: Optional[Path] = typer.Option(None, "--input", "-i", help="File with one text per line."),
    component: str = typer.Option("", help="Component name (default: the first seq2seq_attn)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    beam_size: Optional[int] = BEAM_SIZE,
    n_best: Optional[int] = typer.Option(None, "--n-best", help="Outputs per text (<= beam size)."),
    length_alpha: Optional[float] = LENGTH_ALPHA,
    min_output_length: Optional[int] = MIN_OUTPUT_LENGTH,
    min_output_ratio: Optional[float] = MIN_OUTPUT_RATIO,
    quantize: Optional[str] = QUANTIZE,
    batch_size: int = BATCH_SIZE,
) -> None:
    """Translate texts and show each output with its word alignment."""
    nlp, pipe_name = _load(
        model, component, beam_size=beam_size, n_best=n_best,
        length_alpha=length_alpha, min_output_length=min_output_length,
        min_output_ratio=min_output_ratio, quantize=quantize,
    )
    field = nlp.get_pipe(pipe_name).field
    for doc in nlp.pipe(_read_texts(texts, input_file), batch_size=batch_size):
        output = doc._.get(field)
        tokens = doc._.get(f"{field}_tokens")
        alignment = doc._.get(f"{field}_alignment")
        nbest = doc._.get(f"{field}_nbest")
        if as_json:
            typer.echo(json.dumps({
                "source": doc.text, field: output, "tokens": tokens,
                "alignment": alignment, "nbest": nbest,
            }, ensure_ascii=False))
            continue
        typer.echo(f"{doc.text}\n-> {output}")
        links = ", ".join(f"{doc[i].text}->{tokens[j]}" for i, j in alignment)
        typer.echo(f"   alignment: {links}")
        for rank, (text, score) in enumerate(nbest[1:], start=2):
            typer.echo(f"   {rank}. {text}  ({score:.3f})")


@app.command()
def evaluate(
    model: Path = typer.Argument(..., help="A saved pipeline."),
    data: Path = typer.Argument(..., help="Held-out parallel corpus (.tsv, .jsonl, .json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the scores as JSON here."),
    tgt: Optional[Path] = typer.Option(None, "--tgt", help="Line-aligned references when DATA holds sources only."),
    src_key: str = typer.Option("src", "--src-key", help="JSON/JSONL key of the source (e.g. dialogue)."),
    tgt_key: str = typer.Option("tgt", "--tgt-key", help="JSON/JSONL key of the reference (e.g. summary)."),
    on_malformed: str = typer.Option("error", "--on-malformed", help="error | skip (skipped pairs are counted in the report)."),
    component: str = typer.Option("", help="Component name (default: the first seq2seq_attn)."),
    beam_size: Optional[int] = BEAM_SIZE,
    length_alpha: Optional[float] = LENGTH_ALPHA,
    min_output_length: Optional[int] = MIN_OUTPUT_LENGTH,
    min_output_ratio: Optional[float] = MIN_OUTPUT_RATIO,
    quantize: Optional[str] = QUANTIZE,
    batch_size: int = BATCH_SIZE,
    hypotheses_file: Optional[Path] = typer.Option(None, "--hypotheses", help="Also write the outputs here, one per line."),
) -> None:
    """The component's metrics on held-out pairs: sacreBLEU BLEU and chrF
    (cased, detokenised) and/or ROUGE F1, as its `metrics` setting says."""
    from .pipeline.rouge import ROUGE_TYPES
    from .pipeline.scoring import corpus_metrics
    from .training import ParallelCorpus

    nlp, pipe_name = _load(
        model, component, beam_size=beam_size, length_alpha=length_alpha,
        min_output_length=min_output_length, min_output_ratio=min_output_ratio, quantize=quantize,
    )
    pipe = nlp.get_pipe(pipe_name)
    field = pipe.field
    reader = ParallelCorpus(
        data, tgt_path=tgt, field=field, on_malformed=on_malformed, src_key=src_key, tgt_key=tgt_key
    )
    examples = list(reader(nlp))
    sources = [eg.reference.text for eg in examples]
    references = [eg.reference._.get(field) for eg in examples]
    hypotheses = [doc._.get(field) for doc in nlp.pipe(sources, batch_size=batch_size)]
    if hypotheses_file is not None:
        hypotheses_file.write_text("".join(h.replace("\n", " ") + "\n" for h in hypotheses), encoding="utf8")
    metrics = pipe.cfg["metrics"]
    scores: dict = {
        "n_segments": len(examples),
        "skipped": reader.stats.to_dict() if reader.stats is not None else None,
        "decoding": {
            key: pipe.cfg[key]
            for key in (
                "beam_size", "length_alpha", "min_output_length", "min_output_ratio",
                "no_repeat_ngram_size", "quantize",
            )
        },
    }
    skipped = reader.stats.skipped if reader.stats is not None else 0
    typer.echo(f"{data}: {len(examples)} segments" + (f" ({skipped} skipped: see the report)" if skipped else ""))
    found, signatures = corpus_metrics(hypotheses, references, metrics)
    for metric, signature in signatures.items():
        scores[f"{field}_{metric}"] = found[metric]
        scores[f"{metric}_signature"] = signature
        label = {"bleu": "BLEU", "chrf": "chrF"}[metric]
        typer.echo(f"{label} {found[metric]:.2f}  ({signature})")
    if "rouge" in metrics:
        scores.update({f"{field}_{name}": found[name] for name in ROUGE_TYPES})
        typer.echo("ROUGE F1 (stemmed): " + "  ".join(f"{name} {found[name]:.2f}" for name in ROUGE_TYPES))
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf8")


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


def _read_tokenised(path: Path) -> List[List[str]]:
    return [line.split() for line in path.read_text(encoding="utf8").splitlines()]


@app.command()
def align(
    model: Path = typer.Argument(..., help="A saved pipeline, trained source -> target."),
    src_file: Path = typer.Argument(..., help="Pre-tokenised source sentences, one per line."),
    tgt_file: Path = typer.Argument(..., help="Pre-tokenised target sentences, line-aligned with SRC_FILE."),
    method: Optional[str] = typer.Option(None, "--method", "-m", help="argmax | shift | threshold | shift_threshold | head | head_threshold (head: models with an alignment head; default: the model's)."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Least attention for a link (threshold methods)."),
    reverse_model: Optional[Path] = typer.Option(None, "--reverse-model", help="A target -> source pipeline, for bidirectional agreement."),
    symmetrize_how: str = typer.Option("grow-diag-final-and", "--symmetrize", help="intersection | union | grow-diag-final-and | agreement (with --reverse-model; agreement multiplies the two directions' weights)."),
    min_product: float = typer.Option(0.1, "--min-product", help="agreement: the least product of the two directions' weights for a link."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    component: str = typer.Option("", help="Component name (default: the first seq2seq_attn)."),
    batch_size: int = typer.Option(256, "--batch-size", help="Pairs per forced pass."),
) -> None:
    """Word-align given sentence pairs (forced alignment, no decoding).

    Prints one line per pair in 0-based pharaoh format (`i-j`: source word
    i, target word j; words are the whitespace tokens of each line).
    """
    from .alignment import SYMMETRIZATIONS, agreement, flip, format_pharaoh, symmetrize
    from .pipeline.forced import align_word_lists, linking_weights_for_word_lists

    sources, targets = _read_tokenised(src_file), _read_tokenised(tgt_file)
    if len(sources) != len(targets):
        raise typer.BadParameter(
            f"{src_file} has {len(sources)} lines but {tgt_file} has {len(targets)}: "
            "the files must be line-aligned (one sentence pair per line)."
        )
    if symmetrize_how not in (*SYMMETRIZATIONS, "agreement"):
        raise typer.BadParameter(
            f"--symmetrize must be one of {', '.join(SYMMETRIZATIONS)}, agreement; got {symmetrize_how!r}."
        )
    nlp, name = _load(model, component)
    pipe, reverse_pipe = nlp.get_pipe(name), None
    if reverse_model is not None:
        reverse_nlp, reverse_name = _load(reverse_model, "")
        reverse_pipe = reverse_nlp.get_pipe(reverse_name)
    if reverse_pipe is not None and symmetrize_how == "agreement":
        weights = dict(method=method, batch_size=batch_size)
        forward_weights = linking_weights_for_word_lists(pipe, sources, targets, **weights)
        reverse_weights = linking_weights_for_word_lists(reverse_pipe, targets, sources, **weights)
        links = [agreement(f, r, min_product) for f, r in zip(forward_weights, reverse_weights)]
    else:
        options = dict(method=method, threshold=threshold, batch_size=batch_size)
        links = align_word_lists(pipe, sources, targets, **options)
        if reverse_pipe is not None:
            reverse = align_word_lists(reverse_pipe, targets, sources, **options)
            links = [symmetrize(f, flip(r), symmetrize_how) for f, r in zip(links, reverse)]
    text = "".join(format_pharaoh(pair_links) + "\n" for pair_links in links)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf8")


@app.command("evaluate-alignment")
def evaluate_alignment(
    gold: Path = typer.Argument(..., help="Gold links, .talp format (1-based; i-j sure, ipj possible)."),
    predicted: Path = typer.Argument(..., help="Predicted links, 0-based pharaoh (what `align` writes)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the scores as JSON here."),
) -> None:
    """Alignment error rate, precision and recall against gold links."""
    from .alignment import read_gold, read_pharaoh, score_alignments
    from .alignment.aer import AlignmentFileError

    try:
        scores = score_alignments(read_pharaoh(predicted), read_gold(gold))
    except AlignmentFileError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(
        f"AER {100 * scores.aer:.2f}  precision {100 * scores.precision:.2f}  "
        f"recall {100 * scores.recall:.2f}  ({scores.n_sentences} pairs, "
        f"{scores.n_predicted} predicted links, {scores.n_sure} sure gold links)"
    )
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(scores.to_dict(), indent=2) + "\n", encoding="utf8")


@app.command()
def render(
    model: Path = typer.Argument(..., help="A saved pipeline (nlp.to_disk / spacy train output)."),
    texts: Optional[List[str]] = typer.Argument(None, help="Texts; read from --input or stdin if none."),
    input_file: Optional[Path] = typer.Option(None, "--input", "-i", help="File with one text per line."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the page here instead of stdout."),
    component: str = typer.Option("", help="Component name (default: the first seq2seq_attn)."),
    beam_size: Optional[int] = BEAM_SIZE,
    batch_size: int = BATCH_SIZE,
) -> None:
    """Translate texts and write an interactive attention page (one HTML file,
    nothing loaded from the network): hover a word to see what it attended to."""
    from . import displacy

    nlp, pipe_name = _load(model, component, beam_size=beam_size)
    pipe = nlp.get_pipe(pipe_name)
    if not pipe.cfg["store_attention"]:
        typer.echo("Note: this model stores no attention (store_attention = false); the page shows its alignment links only.", err=True)
    docs = list(nlp.pipe(_read_texts(texts, input_file), batch_size=batch_size))
    html = displacy.render(docs, field=pipe.field, jupyter=False, page=True)
    if output is None:
        sys.stdout.write(html)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf8")
    typer.echo(f"Wrote {len(docs)} {'doc' if len(docs) == 1 else 'docs'} to {output}", err=True)


if __name__ == "__main__":
    app()
