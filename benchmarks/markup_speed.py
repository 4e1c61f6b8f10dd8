"""Markup handling's cost: a page translated with its markup against the
plain text of the same page, side by side in one run.

The page is written from French sentences of the shipped Tatoeba training
file (seeded): headings, paragraphs of one to three sentences with inline
markup (`<b>`, `<em>`, `<a href>`, inline `<code>`, `&amp;`), lists, a
`<pre>` block and a comment, until it has at least `--words` words. The
plain side translates exactly the texts the markup side sends to the model
(the page's segments), through the same `nlp.pipe` with the same batch
size, so the difference is what markup handling adds: parsing, segmenting,
placing the inline elements by the alignment, and writing the page.
The two sides alternate, `--repeats` times each, and the report gives the
medians and their ratio. The Markdown version of the same page is measured
the same way.

On a shared machine the decoding time of the two sides varies by more than
the markup work itself, so the markup work is also timed on its own: the
same `translate_document` call with the segments' Docs decoded beforehand
(the pipeline's `pipe` hands back the Docs it decoded, so only parsing,
placing and writing are timed). `direct ratio` = (plain + that) / plain.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python -m benchmarks.markup_speed \\
        --model training/tatoeba_fr_en/model-best
"""

import random
import statistics
import time
import warnings
from pathlib import Path
from typing import Any, Dict, List, Tuple

import typer

from benchmarks.harness import BenchmarkRun

DEFAULT_DATA = Path("assets/tatoeba-fr-en/train.tsv")

app = typer.Typer(add_completion=False)


def french_sentences(data: Path) -> List[str]:
    return [line.split("\t", 1)[0].strip() for line in data.read_text(encoding="utf8").splitlines() if line.strip()]


def _marked(sentence: str, rng: random.Random, markdown: bool) -> str:
    """The sentence with one run of its words wrapped in inline markup
    (or, one time in eight, followed by inline code)."""
    words = sentence.split()
    if len(words) < 3:
        return sentence
    start = rng.randrange(len(words) - 1)
    end = min(len(words) - 1, start + rng.randint(1, 2))
    kind = rng.choice(["b", "em", "a", "b", "em"])
    inside = " ".join(words[start:end])
    if markdown:
        wrapped = {"b": f"**{inside}**", "em": f"*{inside}*", "a": f"[{inside}](https://example.org/{start})"}[kind]
    else:
        wrapped = {"b": f"<b>{inside}</b>", "em": f"<em>{inside}</em>", "a": f'<a href="https://example.org/{start}?q=1&amp;r=2">{inside}</a>'}[kind]
    text = " ".join(words[:start] + [wrapped] + words[end:])
    if rng.random() < 0.125:
        text += " `x = 1`" if markdown else " <code>x = 1</code>"
    return text


def build_page(sentences: List[str], n_words: int, seed: int, markdown: bool = False) -> str:
    """A page of at least `n_words` words of French to translate (see the
    module docstring), counted in the segments the model will read."""
    target = n_words
    while True:
        page = _page(sentences, target, seed, markdown)
        found = len(" ".join(segment_texts(page, "markdown" if markdown else "html")).split())
        if found >= n_words:
            return page
        target += n_words - found


def _page(sentences: List[str], n_words: int, seed: int, markdown: bool) -> str:
    rng = random.Random(seed)
    blocks: List[str] = []
    words = 0
    while words < n_words:
        if len(blocks) % 6 == 0:
            heading = rng.choice(sentences)
            blocks.append(f"## {heading}" if markdown else f"<h2>{heading}</h2>")
            words += len(heading.split())
        if len(blocks) % 9 == 4:
            items = [rng.choice(sentences) for _ in range(3)]
            words += sum(len(item.split()) for item in items)
            if markdown:
                blocks.append("\n".join(f"- {_marked(item, rng, True)}" for item in items))
            else:
                blocks.append("<ul>\n" + "\n".join(f"  <li>{_marked(item, rng, False)}</li>" for item in items) + "\n</ul>")
            continue
        paragraph = [_marked(rng.choice(sentences), rng, markdown) for _ in range(rng.randint(1, 3))]
        words += sum(len(sentence.split()) for sentence in paragraph)
        blocks.append(" ".join(paragraph) if markdown else "<p>" + " ".join(paragraph) + "</p>")
    if markdown:
        blocks.insert(3, "```\nprint('pas traduit')\n```")
        return "# Page\n\n" + "\n\n".join(blocks) + "\n"
    blocks.insert(3, "<pre>print('pas traduit') &amp; rien</pre>\n<!-- commentaire -->")
    body = "\n".join(blocks)
    return f'<!DOCTYPE html>\n<html lang="fr"><head><title>Page</title></head>\n<body>\n{body}\n</body></html>\n'


def segment_texts(page: str, markup_format: str) -> List[str]:
    """What the markup side sends to the model: the page's segments."""
    from spacy_seq2seq.markup.formats import get_format
    from spacy_seq2seq.markup.segments import Segment

    parts, _ = get_format(markup_format).parse(page)
    return [part.text for part in parts if isinstance(part, Segment)]


class Predecoded:
    """The pipeline, except that `pipe` hands back Docs decoded beforehand
    (by text): what is left of `translate_document` is the markup work."""

    def __init__(self, nlp: Any, texts: List[str], batch_size: int) -> None:
        self.nlp = nlp
        self.config = nlp.config
        self.pipe_names = nlp.pipe_names
        self.docs = {doc.text: doc for doc in nlp.pipe(texts, batch_size=batch_size)}

    def get_pipe(self, name: str) -> Any:
        return self.nlp.get_pipe(name)

    def pipe(self, texts, batch_size: int = 0):
        return (self.docs[text] for text in texts)


def markup_work_s(nlp: Any, page: str, markup_format: str, repeats: int, batch_size: int) -> float:
    """Median seconds of the markup work alone (see the module docstring)."""
    from spacy_seq2seq.markup import translate_document

    predecoded = Predecoded(nlp, segment_texts(page, markup_format), batch_size)
    times = []
    for _ in range(max(repeats, 5)):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            translate_document(predecoded, page, markup_format, batch_size=batch_size)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_sides(nlp: Any, page: str, markup_format: str, repeats: int, batch_size: int) -> Dict[str, Any]:
    """Median seconds of each side, alternating, and what the markup side reported."""
    from spacy_seq2seq.markup import translate_document

    texts = segment_texts(page, markup_format)
    plain_times, markup_times = [], []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        list(nlp.pipe(texts, batch_size=batch_size))
        plain_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # elements written empty are counted in the report
            result = translate_document(nlp, page, markup_format, batch_size=batch_size)
        markup_times.append(time.perf_counter() - start)
    plain, markup = statistics.median(plain_times), statistics.median(markup_times)
    return {
        "segments": len(texts),
        "elements": result.report.elements,
        "unplaced": len(result.report.unplaced),
        "plain_s": [round(t, 4) for t in plain_times],
        "markup_s": [round(t, 4) for t in markup_times],
        "plain_median_s": round(plain, 4),
        "markup_median_s": round(markup, 4),
        "ratio": round(markup / plain, 4),
    }


@app.command()
def main(
    model: Path = typer.Option(Path("training/tatoeba_fr_en/model-best"), help="A saved pipeline."),
    data: Path = typer.Option(DEFAULT_DATA, help="French sentences: the first column of a TSV."),
    words: int = typer.Option(2000, help="At least this many words on the page."),
    repeats: int = typer.Option(5, help="Timed runs of each side (alternating)."),
    batch_size: int = typer.Option(64, help="Segments per nlp.pipe batch (both sides)."),
    seed: int = typer.Option(0, help="Seed of the page."),
    note: str = typer.Option("", help="A line for the report (e.g. which model, what else ran)."),
) -> None:
    import spacy

    run = BenchmarkRun("markup_speed")
    nlp = spacy.load(model)
    sentences = french_sentences(data)
    rows: List[Tuple[str, Dict[str, Any]]] = []
    for markup_format in ("html", "markdown"):
        page = build_page(sentences, words, seed, markdown=markup_format == "markdown")
        list(nlp.pipe(segment_texts(page, markup_format)[:8]))  # warm up
        timing = time_sides(nlp, page, markup_format, repeats, batch_size)
        timing["markup_work_s"] = round(markup_work_s(nlp, page, markup_format, repeats, batch_size), 4)
        timing["direct_ratio"] = round((timing["plain_median_s"] + timing["markup_work_s"]) / timing["plain_median_s"], 4)
        timing["page_words"] = len(" ".join(segment_texts(page, markup_format)).split())
        timing["page_chars"] = len(page)
        rows.append((markup_format, timing))
    table = [
        "| format | page words | segments | inline elements | written empty | plain text (median s) | with markup (median s) | ratio | markup work alone (s) | direct ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for markup_format, t in rows:
        table.append(
            f"| {markup_format} | {t['page_words']} | {t['segments']} | {t['elements']} | {t['unplaced']} | "
            f"{t['plain_median_s']:.2f} | {t['markup_median_s']:.2f} | {t['ratio']:.3f} | "
            f"{t['markup_work_s']:.3f} | {t['direct_ratio']:.3f} |"
        )
    body = "\n".join([
        f"Model: `{model}`. Page: French Tatoeba sentences (`{data}`, seed {seed}), at least {words} words; "
        f"{repeats} alternating runs per side, batch size {batch_size}. {note}",
        "",
        *table,
        "",
        "ratio = with markup / plain text of the same segments (1.10 = markup adds 10%); "
        "direct ratio = (plain + the markup work timed alone, on Docs decoded beforehand) / plain.",
    ])
    run.write("Markup handling against plain text", body, {name: timing for name, timing in rows})
    typer.echo(body)


if __name__ == "__main__":
    app()
