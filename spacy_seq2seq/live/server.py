"""The live demo's HTTP server (the standard library's ThreadingHTTPServer):
GET / is the page, POST /api/translate decodes `{"text": ...}`.

Every failure is answered with a JSON `{"error": "[E09x] ..."}` and the
right status, and the server goes on serving: a body that is too large is
refused before it is read, a slow client times out, and an exception while
decoding is logged and answered with E099 instead of ending the server.
"""

import json
import socket
import sys
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Optional

from ..errors import Errors
from .answer import LiveAnswerer, LiveLimits, RequestError, glossary_of, request_of
from .page import render_live_page

PAGE_PATH = "/"
API_PATH = "/api/translate"
ALLOWED = {PAGE_PATH: "GET", API_PATH: "POST"}
# Seconds a client may take to send its request: a stalled or trickling
# client must not hold a thread for ever.
CLIENT_TIMEOUT_S = 15
# A body over the limit is read and dropped up to this size before the
# answer, so that a browser that pasted a long text gets the message (closing
# on unread data resets the connection, and the page would see no answer);
# beyond it the connection is just closed after the answer.
DISCARD_MAX_BYTES = 4 << 20
# The page loads nothing from anywhere (no CDN, no fonts), and may only talk
# to this server: what the demo shows stays on this machine.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class LiveDemoServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows the pipeline to answer with.

    address (tuple): (host, port); port 0 picks a free one (`server_port`).
    answerer (LiveAnswerer): Decodes the texts.
    limits (LiveLimits): How much a request may ask for.
    page (str): The page served at /.
    log (bool): Print one line per request to stderr.
    """

    daemon_threads = True  # Ctrl+C ends the server even while a client is connected

    def __init__(self, address, answerer: LiveAnswerer, limits: LiveLimits, page: str, log: bool = True) -> None:
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        self.answerer = answerer
        self.limits = limits
        self.page = page.encode("utf8")
        self.log = log
        super().__init__(address, LiveDemoHandler)


class LiveDemoHandler(BaseHTTPRequestHandler):
    server: LiveDemoServer
    timeout = CLIENT_TIMEOUT_S
    server_version = "spacy-seq2seq-live"

    def do_GET(self) -> None:
        if self._route("GET"):
            self._send(HTTPStatus.OK, self.server.page, "text/html; charset=utf-8")

    def do_POST(self) -> None:
        if not self._route("POST"):
            return
        try:
            body = self._read_body()
            text, markup_format = request_of(body, self.server.limits)
            glossary = glossary_of(body, self.server.limits)
        except RequestError as error:
            self._send_error(error.status, error.message)
            return
        try:
            answer = self.server.answerer.answer(text, markup_format, glossary)
        except RequestError as error:  # malformed XML, or a glossary that does not parse
            self._send_error(error.status, error.message)
            return
        except Exception as error:  # the server must outlive one bad decode
            traceback.print_exc(file=sys.stderr)
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, Errors.E099.format(error=f"{type(error).__name__}: {error}"))
            return
        self._send_json(HTTPStatus.OK, answer)

    # Every other method gets the same coded answer as a wrong one on a known path.
    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def do_PATCH(self) -> None:
        self._route("PATCH")

    def do_HEAD(self) -> None:
        # HEAD must not carry a body: status and headers of what GET would send.
        path = self._path()
        if ALLOWED.get(path) == "GET":
            self._send_headers(HTTPStatus.OK, "text/html; charset=utf-8", len(self.server.page))
        else:
            self._send_headers(HTTPStatus.NOT_FOUND if path not in ALLOWED else HTTPStatus.METHOD_NOT_ALLOWED, "application/json", 0)

    def _path(self) -> str:
        return self.path.split("?", 1)[0]

    def _route(self, method: str) -> bool:
        """Whether this method and path are served; if not, the error is sent."""
        path = self._path()
        if path not in ALLOWED:
            self._send_error(HTTPStatus.NOT_FOUND, Errors.E096.format(path=path[:200]))
            return False
        if ALLOWED[path] != method:
            self._send_error(
                HTTPStatus.METHOD_NOT_ALLOWED, Errors.E097.format(method=method, path=path, allowed=ALLOWED[path]),
                extra_headers={"Allow": ALLOWED[path]},
            )
            return False
        return True

    def _read_body(self) -> bytes:
        """The request body, read only when its declared size is within limits."""
        content_type = self.headers.get("Content-Type", "")
        if content_type.split(";", 1)[0].strip().lower() != "application/json":
            raise RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, Errors.E098.format(content_type=content_type))
        max_bytes = self.server.limits.max_body_bytes
        declared = self.headers.get("Content-Length")
        if declared is None or not declared.strip().isdigit():
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, Errors.E095.format(
                problem=f"has no valid Content-Length (got {declared!r})", max_bytes=max_bytes,
            ))
        size = int(declared)
        if size > max_bytes:
            self._discard(size)
            raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, Errors.E095.format(
                problem=f"has {size} bytes", max_bytes=max_bytes,
            ))
        try:
            return self.rfile.read(size)
        except OSError:  # the client stalled past the timeout or left
            self.close_connection = True
            raise RequestError(HTTPStatus.REQUEST_TIMEOUT, Errors.E095.format(
                problem=f"did not arrive within {CLIENT_TIMEOUT_S} s", max_bytes=max_bytes,
            )) from None

    def _discard(self, size: int) -> None:
        """Drop a refused body (up to DISCARD_MAX_BYTES), then close."""
        self.close_connection = True
        left = min(size, DISCARD_MAX_BYTES)
        while left > 0:
            try:
                chunk = self.rfile.read(min(left, 1 << 16))
            except OSError:  # a client that stopped sending (timeout) or left
                break
            if not chunk:
                break
            left -= len(chunk)

    def _send_error(self, status: int, message: str, extra_headers: Optional[Dict[str, str]] = None) -> None:
        self._send_json(status, {"error": message, "status": int(status)}, extra_headers)

    def _send_json(self, status: int, value: Any, extra_headers: Optional[Dict[str, str]] = None) -> None:
        body = json.dumps(value, ensure_ascii=False).encode("utf8")
        self._send(status, body, "application/json; charset=utf-8", extra_headers)

    def _send(self, status: int, body: bytes, content_type: str, extra_headers: Optional[Dict[str, str]] = None) -> None:
        self._send_headers(status, content_type, len(body), extra_headers)
        self.wfile.write(body)

    def _send_headers(self, status: int, content_type: str, length: int, extra_headers: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        for name, value in {**SECURITY_HEADERS, **(extra_headers or {})}.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log:
            super().log_message(format, *args)


def make_live_server(
    nlp, component: str, host: str = "127.0.0.1", port: int = 8000,
    limits: LiveLimits = LiveLimits(), log: bool = True, title: str = "",
) -> LiveDemoServer:
    """The live demo server for a loaded pipeline, bound but not yet serving
    (call `serve_forever()`; tests run it in a thread). Port 0 picks a free
    port (`server.server_port`).

    nlp (Language): A pipeline with a trained seq2seq_attn component.
    component (str): That component's name.
    host (str): 127.0.0.1 (this machine only) by default; the page shows what
        is typed into it, so sharing it on a network is opt-in ("0.0.0.0").
    limits (LiveLimits): How much one request may ask for.
    log (bool): Print one line per request to stderr.
    title (str): Shown at the top of the page (e.g. the model's path).
    """
    answerer = LiveAnswerer(nlp, component)
    page = render_live_page(title=title, field=answerer.field, limits=limits)
    return LiveDemoServer((host, port), answerer, limits, page, log=log)
