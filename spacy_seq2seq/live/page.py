"""The live demo's page: a text box, and below it the answer (output,
n-best list, alignment, and the attention figure `render` draws, with the
same hover script). One self-contained page: its CSS and scripts are
inline, and it talks only to the server that sent it."""

import json
from functools import lru_cache
from html import escape
from importlib import resources

from ..displacy.markup import render_fragment
from .answer import LiveLimits


@lru_cache(maxsize=None)
def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf8")


def render_live_page(title: str, field: str, limits: LiveLimits) -> str:
    """The page served at / (`title` names the model; `field` the output)."""
    # The attention view's styles and script come with an empty fragment;
    # the answers' figures are added into its container and set up there.
    viz = render_fragment([])
    settings = json.dumps({"maxChars": limits.max_chars, "api": "/api/translate"})
    heading = escape(title) if title else "spacy-seq2seq"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{heading}: live attention demo</title>"
        f"<style>{_static('live.css')}</style></head><body>"
        f'<main class="s2s-live"><h1>{heading}</h1>'
        f'<form id="s2s-form"><label for="s2s-input">Text to decode into <code>doc._.{escape(field)}</code> '
        f'(at most {limits.max_chars} characters)</label>'
        '<textarea id="s2s-input" name="text" rows="3" autofocus></textarea>'
        '<details class="s2s-glossary"><summary>Glossary (optional)</summary>'
        '<label for="s2s-glossary">Terms the output must contain where their source matches, one '
        '<code>source term = target term</code> per line (plain text only)</label>'
        '<textarea id="s2s-glossary" name="glossary" rows="3" placeholder="chat = cat"></textarea></details>'
        '<div class="s2s-actions"><label for="s2s-format">Input</label>'
        '<select id="s2s-format" name="format"><option value="text">plain text</option>'
        '<option value="html">HTML</option><option value="xml">XML</option>'
        '<option value="markdown">Markdown</option></select>'
        '<button id="s2s-submit" type="submit">Decode</button>'
        '<span id="s2s-status" role="status" aria-live="polite"></span></div></form>'
        '<div id="s2s-error" class="s2s-error" role="alert" hidden></div>'
        '<section id="s2s-answer" hidden>'
        '<div id="s2s-warnings" class="s2s-warning" role="status" hidden></div>'
        '<h2>Output</h2><p id="s2s-output" class="s2s-output"></p>'
        '<div class="s2s-columns">'
        '<div><h2>N-best</h2><ol id="s2s-nbest"></ol></div>'
        '<div><h2>Alignment</h2><ul id="s2s-alignment"></ul></div></div>'
        '<div id="s2s-terms-box" hidden><h2>Terms</h2><ul id="s2s-terms"></ul></div>'
        f'<h2>Attention</h2><div id="s2s-figure">{viz}</div></section></main>'
        f'<script type="application/json" id="s2s-settings">{settings}</script>'
        f"<script>{_static('live.js')}</script></body></html>\n"
    )
