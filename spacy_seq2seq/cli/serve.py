"""`serve`: a live demo page for a saved pipeline on this machine: type a
text, see the output, the n-best list, the alignment and the attention
view of `render` (the work is `live.make_live_server`)."""

from pathlib import Path
from typing import Any, Dict

import typer

from .loading import load_pipeline
from .options import COMPONENT, decoding_flags


@decoding_flags
def serve(
    model: Path = typer.Argument(..., help="A saved pipeline (nlp.to_disk / spacy train output)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on; 127.0.0.1 keeps the page on this machine (0.0.0.0 shares it on the network)."),
    port: int = typer.Option(8000, "--port", "-p", help="Port (0 picks a free one)."),
    component: str = COMPONENT,
    decoding: Dict[str, Any] = {},  # noqa: B006 (replaced by the decoding flags: options.py)
    max_chars: int = typer.Option(1000, "--max-chars", min=1, help="Longest text one request may decode."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No line per request on stderr."),
) -> None:
    """Serve a live demo page: type a text, get the output with its attention
    view (hover a word), n-best list and alignment. Ctrl+C stops it."""
    from ..live import LiveLimits, make_live_server

    nlp, name = load_pipeline(model, component, **decoding)
    server = make_live_server(
        nlp, name, host=host, port=port, limits=LiveLimits(max_chars=max_chars), log=not quiet, title=str(model),
    )
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"Serving the live demo of {model} on http://{shown_host}:{server.server_port}/ (Ctrl+C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("Stopped.", err=True)
    finally:
        server.server_close()
