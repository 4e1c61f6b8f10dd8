"""A live demo page for a trained pipeline: `python -m spacy_seq2seq serve
MODEL` (or `make_live_server` from Python). Type a text, get the output
with the attention view of `render` (hover a word), the n-best list and the
word alignment. Standard library only (http.server); 127.0.0.1 by default.

    answer.py   the checks on a request and the JSON answer (no HTTP)
    page.py     the page (static/live.js, live.css, and displacy's view)
    server.py   the HTTP server and its coded errors
"""

from .answer import DEFAULT_MAX_CHARS, LiveAnswerer, LiveLimits, RequestError, text_of
from .server import API_PATH, LiveDemoServer, make_live_server

__all__ = [
    "API_PATH",
    "DEFAULT_MAX_CHARS",
    "LiveAnswerer",
    "LiveDemoServer",
    "LiveLimits",
    "RequestError",
    "make_live_server",
    "text_of",
]
