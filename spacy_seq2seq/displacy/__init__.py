"""Interactive attention view, in the spirit of `spacy.displacy`.

    from spacy_seq2seq import displacy
    html = displacy.render(nlp("Le chat noir est sur le tapis."))   # a page
    displacy.serve(list(nlp.pipe(texts)), port=5000)                 # a local server

Hover (or focus, with the keyboard) a target word to shade the source words by
the attention it paid them, with the weights shown; hover a source word for
the reverse. A heatmap matrix shows the same attention with the alignment
links outlined. The page is self-contained: no network, no CDN.
"""

from typing import Any, Callable, Iterable, List, Optional, Union
from wsgiref.simple_server import WSGIServer
from wsgiref.simple_server import make_server as _wsgi_server

from spacy.tokens import Doc
from spacy.util import is_in_jupyter

from .markup import render_fragment, render_page
from .view import AttentionView, view_from_dict, view_from_doc, views_from

__all__ = [
    "AttentionView",
    "make_server",
    "render",
    "serve",
    "view_from_dict",
    "view_from_doc",
]

DocsLike = Union[Doc, dict, Iterable[Union[Doc, dict]]]


def render(
    docs: DocsLike,
    field: str = "translation",
    jupyter: Optional[bool] = None,
    page: bool = True,
    manual: bool = False,
) -> str:
    """Render the attention of one or more processed Docs as HTML.

    docs (Doc | Iterable[Doc]): Docs a seq2seq_attn component has processed
        (or dicts with "source", "target", "attention"/"alignment" and
        manual=True).
    field (str): The component's `field` ("translation", "summary", ...).
    jupyter (Optional[bool]): Show the markup in a notebook; None detects it.
    page (bool): A complete HTML page (True) or a fragment to embed (False).
        A notebook always gets the fragment.
    manual (bool): Docs are dicts, not Docs.
    RETURNS (str): The HTML.
    """
    views = views_from(docs, field, manual)
    in_notebook = is_in_jupyter() if jupyter is None else jupyter
    if in_notebook:
        from IPython.display import HTML, display

        html = render_fragment(views)
        display(HTML(html))
        return html
    return render_page(views) if page else render_fragment(views)


def make_server(
    docs: DocsLike,
    field: str = "translation",
    port: int = 5000,
    host: str = "127.0.0.1",
    manual: bool = False,
) -> WSGIServer:
    """A WSGI server for the rendered page, not yet serving (call
    `serve_forever()`; tests run it in a thread). Port 0 picks a free port
    (`server.server_port`)."""
    html = render(docs, field=field, jupyter=False, page=True, manual=manual).encode("utf8")

    def app(environ: dict, start_response: Callable[..., Any]) -> List[bytes]:
        headers = [("Content-type", "text/html; charset=utf-8"), ("Content-Length", str(len(html)))]
        start_response("200 OK", headers)
        return [html]

    return _wsgi_server(host, port, app)


def serve(
    docs: DocsLike,
    field: str = "translation",
    port: int = 5000,
    host: str = "127.0.0.1",
    manual: bool = False,
) -> None:
    """Serve the page until interrupted (Ctrl+C), like `spacy.displacy.serve`.

    The default host is 127.0.0.1 (this machine only), not spaCy's 0.0.0.0:
    the page shows your documents, so sharing it on the network is opt-in
    (`host="0.0.0.0"`).
    """
    server = make_server(docs, field=field, port=port, host=host, manual=manual)
    print(f"Serving the attention view on http://{host}:{server.server_port} ... (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        server.server_close()
