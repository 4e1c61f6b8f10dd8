"""HTML for attention views: the tokens, the heatmap matrix, the page.

Everything is inline (CSS and JS from this folder's `static/` files), so a
page works offline, from a file, in a notebook or mailed around. All text is
HTML-escaped; the JSON for the script is escaped so no "</script>" in a
source sentence can end the script early.
"""

import json
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Iterable, List, Sequence, Tuple

from .view import PAGE_WEIGHT_DIGITS, AttentionView, view_payload

# Cells below this weight stay blank in the matrix: it keeps long matrices
# readable, and the exact value is still in the cell's tooltip.
MIN_SHOWN_WEIGHT = 0.01


def weight_label(weight: float) -> str:
    """A weight's two-decimal label, exactly as the page's script writes it
    when a word is hovered, so the matrix and the words never disagree: the
    script sees the weight rounded to PAGE_WEIGHT_DIGITS places and calls
    `toFixed(2)`, which rounds the double's exact value half up (Python's
    format rounds half to even, and 0.01502 would read "0.02" here but
    "0.01" there, as 0.015 is stored just below 0.015). Blank below
    MIN_SHOWN_WEIGHT, as in the script."""
    shown = round(weight, PAGE_WEIGHT_DIGITS)
    if shown < MIN_SHOWN_WEIGHT:
        return ""
    return str(Decimal(shown).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=None)
def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf8")


def _script_json(value: object) -> str:
    """JSON safe inside <script>: no "<", ">" or "&" survive literally."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _token(text: str, side: str, index: int, space: bool = True) -> str:
    """One hoverable, focusable word; its weight label is filled in by the script."""
    label = "source" if side == "source" else "target"
    return (
        f'<span class="s2s-tok" tabindex="0" data-side="{side}" data-index="{index}"'
        f' aria-label="{label} word {index + 1}: {escape(text)}">'
        f'<span class="s2s-text">{escape(text)}</span>'
        f'<span class="s2s-w" aria-hidden="true"></span></span>'
        + (" " if space else "")
    )


def _token_row(words: List[str], side: str, spaces: List[bool]) -> str:
    tokens = "".join(_token(word, side, i, space) for i, (word, space) in enumerate(zip(words, spaces)))
    return (
        f'<div class="s2s-row s2s-{side}"><span class="s2s-side">{side}</span>'
        f'<div class="s2s-words">{tokens}</div></div>'
    )


def _matrix(view: AttentionView) -> str:
    """Rows: target words; columns: source tokens; links outlined."""
    links = set(view.alignment)
    head = "".join(
        f'<th scope="col" data-side="source" data-index="{i}"><span>{escape(word)}</span></th>'
        for i, word in enumerate(view.source)
    )
    rows = []
    for j, (word, weights) in enumerate(zip(view.target, view.weights)):
        cells = []
        for i, weight in enumerate(weights):
            classes = "s2s-cell s2s-link" if (i, j) in links else "s2s-cell"
            shown = weight_label(weight)
            tip = f"{view.source[i]} \u2192 {word}: {weight:.4f}" + (" (aligned)" if (i, j) in links else "")
            cells.append(
                f'<td class="{classes}" style="--s2s-w:{weight:.4f}" data-source="{i}"'
                f' data-target="{j}" title="{escape(tip)}">{shown}</td>'
            )
        rows.append(
            f'<tr><th scope="row" data-side="target" data-index="{j}">{escape(word)}</th>'
            + "".join(cells) + "</tr>"
        )
    kind = "attention" if view.attention is not None else "alignment links (no attention stored)"
    return (
        f'<details class="s2s-matrix-box" open><summary>Matrix: {kind}, '
        f'{len(view.target)} target \u00d7 {len(view.source)} source words</summary>'
        f'<div class="s2s-scroll"><table class="s2s-matrix"><thead><tr><th></th>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div></details>'
    )


def render_view(view: AttentionView, index: int) -> str:
    """One <figure> per pair: caption, the two rows of words, the matrix, its data."""
    caption = f'<figcaption>{escape(view.title)}</figcaption>' if view.title else ""
    return (
        f'<figure class="s2s-doc" data-doc="{index}">{caption}'
        + _token_row(view.source, "source", view.source_spaces)
        + _token_row(view.target, "target", [True] * len(view.target))
        + _matrix(view)
        + f'<script type="application/json" class="s2s-data">{_script_json(view_payload(view))}</script>'
        + "</figure>"
    )


def render_fragment(views: Iterable[AttentionView]) -> str:
    """Markup to embed (a notebook cell, another page): styles and script included.
    The script only sets up figures it has not seen, so fragments can repeat."""
    figures = "".join(render_view(view, i) for i, view in enumerate(views))
    return (
        f'<div class="s2s-viz"><style>{_static("viz.css")}</style>'
        '<p class="s2s-hint">Hover or focus a word to see the words it attended to '
        "(target \u2192 source) or that attended to it (source \u2192 target).</p>"
        f'{figures}'
        f'<script>{_static("viz.js")}</script></div>'
    )


def render_documents(documents: Sequence[Tuple[str, str]]) -> str:
    """Translated documents with markup, shown as their source text (never
    run: the page stays self-contained and safe whatever they hold)."""
    return "".join(
        f'<details class="s2s-document" open><summary>Translated: {escape(name)}</summary>'
        f'<pre class="s2s-markup">{escape(markup)}</pre></details>'
        for name, markup in documents
    )


def render_page(
    views: Iterable[AttentionView], title: str = "spacy-seq2seq attention",
    documents: Sequence[Tuple[str, str]] = (),
) -> str:
    """A complete, self-contained HTML page; `documents` ((name, translated
    markup) pairs) are shown above the views of their segments."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head><body>"
        f"{render_documents(documents)}{render_fragment(views)}</body></html>\n"
    )
