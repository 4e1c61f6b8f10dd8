"""The live demo server over real HTTP (port 0, in a thread): the page, a
decoded answer that matches the pipeline's own output, and a coded error
for every kind of bad request, after each of which it still answers."""

import json
import os
import re
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from toy_data import TOY_PAIRS

from spacy_seq2seq.cli.loading import load_pipeline
from spacy_seq2seq.displacy.markup import render_view
from spacy_seq2seq.displacy.view import view_from_doc
from spacy_seq2seq.live import (
    API_PATH,
    LiveLimits,
    RequestError,
    make_live_server,
    text_of,
)
from spacy_seq2seq.live.server import LiveDemoHandler

ROOT = Path(__file__).resolve().parents[2]
SOURCE, TARGET = TOY_PAIRS[0]
MAX_CHARS = 200


@contextmanager
def running(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def toy_path(trained_toy, tmp_path_factory):
    path = tmp_path_factory.mktemp("live") / "model"
    trained_toy[0].to_disk(path)
    return path


@pytest.fixture(scope="module")
def nlp(toy_path):
    """The toy pipeline loaded as `serve` loads it, with a beam of 3 and a 3-best list."""
    return load_pipeline(toy_path, "", beam_size=3, n_best=3)[0]


@pytest.fixture(scope="module")
def server(nlp):
    with running(make_live_server(nlp, "seq2seq_attn", port=0, limits=LiveLimits(max_chars=MAX_CHARS), log=False)) as live:
        yield live


def _raw(server, request: bytes, timeout: float = 30) -> tuple:
    """Send raw bytes; (status, headers text, body bytes) of the answer."""
    with socket.create_connection(("127.0.0.1", server.server_port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head.decode("latin-1"), body


def _post(server, body: bytes, content_type: str = "application/json", path: str = API_PATH) -> tuple:
    request = (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode("latin-1") + body
    return _raw(server, request)


def _decode(server, text: str) -> dict:
    status, _, body = _post(server, json.dumps({"text": text}).encode("utf8"))
    assert status == 200, body
    return json.loads(body)


def test_the_page_is_served_with_its_scripts_and_no_outside_sources(server):
    with urlopen(f"http://127.0.0.1:{server.server_port}/", timeout=30) as response:
        page = response.read().decode("utf8")
        headers = response.headers
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert '<textarea id="s2s-input"' in page
    assert "spacySeq2seqViz" in page and "s2s-settings" in page  # the hover script and the page's own
    assert f"at most {MAX_CHARS} characters" in page
    assert not re.search(r"""(src|href)=["']https?:""", page)


def test_a_text_is_answered_with_the_pipelines_own_output(server, nlp):
    answer = _decode(server, SOURCE)
    doc = nlp(SOURCE)
    assert answer["output"] == doc._.translation == TARGET
    assert answer["tokens"] == doc._.translation_tokens
    assert answer["source_tokens"] == [token.text for token in doc]
    assert [(link["source"], link["target"]) for link in answer["alignment"]] == [tuple(x) for x in doc._.translation_alignment]
    assert all(
        link["source_word"] == doc[link["source"]].text and link["target_word"] == doc._.translation_tokens[link["target"]]
        for link in answer["alignment"]
    )
    assert [(entry["text"], entry["score"]) for entry in answer["nbest"]] == [(t, pytest.approx(s)) for t, s in doc._.translation_nbest]
    assert len(answer["nbest"]) == 3 and answer["nbest"][0]["text"] == TARGET
    # The figure is render's, for this Doc.
    assert answer["html"] == render_view(view_from_doc(doc, "translation"), 0)


@pytest.mark.parametrize(
    "request_bytes, status, code",
    [
        (b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404, "E096"),
        (b"GET " + API_PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405, "E097"),
        (b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 405, "E097"),
        (b"DELETE " + API_PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405, "E097"),
        # No Content-Length: nothing is read.
        (b"POST " + API_PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n", 411, "E095"),
    ],
    ids=["unknown-path", "get-on-the-api", "put-on-the-page", "delete", "no-length"],
)
def test_a_wrong_request_gets_a_coded_error_and_the_server_goes_on(server, request_bytes, status, code):
    got, _, body = _raw(server, request_bytes)
    assert got == status
    assert json.loads(body)["error"].startswith(f"[{code}]")
    assert _decode(server, SOURCE)["output"] == TARGET


@pytest.mark.parametrize(
    "body, content_type, status, code",
    [
        (b'{"text": "le chat \xff\xfe dort ."}', "application/json", 400, "E091"),
        (b'{"text": "le chat', "application/json", 400, "E092"),
        (b'["le chat dort ."]', "application/json", 400, "E092"),
        (b'{"text": 42}', "application/json", 400, "E092"),
        (b'{"txt": "le chat dort ."}', "application/json", 400, "E092"),
        (b'{"text": "   \\n "}', "application/json", 400, "E093"),
        (json.dumps({"text": "le chat " * 100}).encode(), "application/json", 413, "E094"),
        (b"text=le+chat", "application/x-www-form-urlencoded", 415, "E098"),
        (b'{"text": "le chat dort ."}', "text/plain", 415, "E098"),
        # Far over the body limit: refused without being decoded.
        (json.dumps({"text": "x" * 200_000}).encode(), "application/json", 413, "E095"),
    ],
    ids=["bad-utf8", "bad-json", "not-an-object", "text-not-a-string", "no-text", "empty", "too-long",
         "form", "plain-text", "huge-body"],
)
def test_bad_input_gets_a_coded_error_and_the_server_goes_on(server, body, content_type, status, code):
    got, _, answer = _post(server, body, content_type)
    assert got == status, answer
    error = json.loads(answer)
    assert error["status"] == status and error["error"].startswith(f"[{code}]")
    assert _decode(server, SOURCE)["output"] == TARGET


def test_a_too_long_text_is_measured_in_characters_not_bytes():
    limits = LiveLimits(max_chars=MAX_CHARS)
    # MAX_CHARS characters of 2-byte UTF-8 pass; one more does not.
    assert text_of(json.dumps({"text": "é" * MAX_CHARS}, ensure_ascii=False).encode("utf8"), limits) == "é" * MAX_CHARS
    with pytest.raises(RequestError) as error:
        text_of(json.dumps({"text": "é" * (MAX_CHARS + 1)}).encode("utf8"), limits)
    assert error.value.status == 413 and f"{MAX_CHARS + 1} characters" in error.value.message
    # Whitespace around the text does not count.
    assert text_of(json.dumps({"text": "  é  "}).encode(), LiveLimits(max_chars=1)) == "é"


def test_a_cut_output_comes_with_its_warning(server):
    """What the component warns about while decoding (here W004: an
    output that ran into the length limit) is part of the answer, shown on
    the page, not lost in the server's log."""
    answer = _decode(server, "é" * 40)
    assert any(message.startswith("[W004]") for message in answer["warnings"])
    assert _decode(server, SOURCE)["warnings"] == []


def test_a_stalled_client_times_out_with_a_coded_error(server, monkeypatch):
    monkeypatch.setattr(LiveDemoHandler, "timeout", 1)
    status, _, body = _raw(server, (
        f"POST {API_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 50\r\nConnection: close\r\n\r\n{\"text\": "
    ).encode())
    assert status == 408 and json.loads(body)["error"].startswith("[E095]")
    monkeypatch.undo()
    assert _decode(server, SOURCE)["output"] == TARGET


def test_a_failed_decode_is_answered_and_the_server_goes_on(nlp):
    server = make_live_server(nlp, "seq2seq_attn", port=0, log=False)
    real = server.answerer.answer

    def failing(text, markup_format="text", glossary=None):
        if text == "boom":
            raise RuntimeError("the network broke")
        return real(text, markup_format, glossary)

    server.answerer.answer = failing
    with running(server):
        status, _, body = _post(server, b'{"text": "boom"}')
        assert status == 500
        assert json.loads(body)["error"].startswith("[E099]") and "the network broke" in json.loads(body)["error"]
        assert _decode(server, SOURCE)["output"] == TARGET


def test_requests_in_parallel_are_all_answered(server):
    results = {}

    def ask(k, text):
        results[k] = _decode(server, text)["output"]

    threads = [threading.Thread(target=ask, args=(k, src)) for k, (src, _) in enumerate(TOY_PAIRS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [results[k] for k in range(len(TOY_PAIRS))] == [tgt for _, tgt in TOY_PAIRS]


def test_the_serve_command_serves_the_page_and_answers(toy_path):
    """`python -m spacy_seq2seq serve MODEL --port 0`: it says where, serves
    the page and decodes, on 127.0.0.1 by default."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "spacy_seq2seq", "serve", str(toy_path), "--port", "0", "--quiet"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=ROOT,
    ) as process:
        try:
            line = process.stderr.readline()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            assert found, line
            url = found.group(0)
            with urlopen(url, timeout=30) as response:
                assert '<textarea id="s2s-input"' in response.read().decode("utf8")
            request = Request(url + API_PATH.lstrip("/"), data=json.dumps({"text": SOURCE}).encode(),
                              headers={"Content-Type": "application/json"})
            with urlopen(request, timeout=60) as response:
                assert json.loads(response.read())["output"] == TARGET
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_a_document_with_markup_is_answered_translated(server, nlp):
    from spacy_seq2seq.markup import translate_document

    page = '<p>le <b class="k">chat</b> noir dort .</p>\n<p>un chien dort .</p>'
    status, _, body = _post(server, json.dumps({"text": page, "format": "html"}).encode())
    assert status == 200, body
    answer = json.loads(body)
    with pytest.warns(UserWarning, match="W045"):  # the toy links "cat" to "noir"
        expected = translate_document(nlp, page, "html")
    assert answer["output"] == answer["markup"] == expected.markup
    assert [w[:6] for w in answer["warnings"]] == ["[W045]"]
    assert answer["html"].count('<figure class="s2s-doc"') == 2  # one figure per segment
    assert answer["tokens"] == [w for doc in expected.docs for w in doc._.translation_tokens]
    status, _, body = _post(server, json.dumps({"text": "<doc><p>un</doc>", "format": "xml"}).encode())
    assert status == 400 and "[E170]" in json.loads(body)["error"]
    status, _, body = _post(server, json.dumps({"text": "un", "format": "docx"}).encode())
    assert status == 400 and "[E171]" in json.loads(body)["error"]
    # The server goes on.
    assert _decode(server, SOURCE)["output"] == TARGET
def test_a_glossary_field_applies_its_terms_to_that_request_only(server, nlp):
    """`source = target` lines: the output holds the term where the source
    matches and the answer lists it; the next request without a glossary
    decodes as before; a glossary that does not parse gets a coded 400."""
    body = json.dumps({"text": "le chat mange .", "glossary": "chat = dog\n"}).encode("utf8")
    status, _, answer = _post(server, body)
    assert status == 200, answer
    answer = json.loads(answer)
    assert "dog" in answer["tokens"]
    assert [(term["target"], term["met"], term["origin"]) for term in answer["terms"]] == [("dog", True, "glossary")]
    plain = _decode(server, "le chat mange .")
    assert plain["output"] == "the cat eats ." and plain["terms"] == []
    assert nlp.get_pipe("seq2seq_attn").glossary is None
    for glossary, code in [("chat dog", "E191"), (["chat = dog"], "E092")]:
        got, _, error = _post(server, json.dumps({"text": "le chat mange .", "glossary": glossary}).encode("utf8"))
        assert got == 400 and json.loads(error)["error"].startswith(f"[{code}]"), error
