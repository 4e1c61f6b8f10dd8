"""The live demo page in a real headless Chromium (tests/browser_helpers.py):
type a sentence, wait for the answer, hover a word and see the source
words shaded by exactly the attention the pipeline computed; a too-long
text shows its coded error on the page and the next text is answered."""

import threading

import pytest
from browser_helpers import ARTIFACTS, chromium

from spacy_seq2seq.displacy.markup import weight_label
from spacy_seq2seq.live import LiveLimits, make_live_server

SOURCE = "un deux trois quatre"
MAX_CHARS = 100


def _alpha(colour: str) -> float:
    """The opacity of a computed colour: "rgba(r, g, b, a)" or "rgb(r, g, b)"."""
    parts = colour[colour.index("(") + 1:-1].split(",")
    return float(parts[3]) if len(parts) == 4 else 1.0


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def url(reversal_model):
    server = make_live_server(reversal_model, "seq2seq_attn", port=0, limits=LiveLimits(max_chars=MAX_CHARS), log=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture()
def page(browser, url):
    page = browser.new_page(viewport={"width": 1000, "height": 900}, reduced_motion="reduce")
    page.set_default_timeout(30000)  # decoding on a busy CPU can take a while
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    yield page
    page.close()


def _decode(page, text: str) -> None:
    page.fill("#s2s-input", text)
    page.press("#s2s-input", "Enter")


def _source_words(page):
    return page.eval_on_selector_all(
        '#s2s-figure .s2s-tok[data-side="source"]',
        """els => els.map(el => ({
            text: el.querySelector(".s2s-text").textContent,
            weight: el.getAttribute("data-weight"),
            label: el.querySelector(".s2s-w").textContent,
            shade: getComputedStyle(el).backgroundColor,
        }))""",
    )


def test_typing_a_sentence_shows_the_output_and_hovering_shades_the_source(page, url, reversal_model):
    doc = reversal_model(SOURCE)
    expected = doc._.translation
    _decode(page, SOURCE)
    page.wait_for_function(
        "text => document.getElementById('s2s-output').textContent === text", arg=expected,
    )
    assert page.is_visible("#s2s-answer") and not page.is_visible("#s2s-error")
    nbest = page.eval_on_selector_all("#s2s-nbest li", "els => els.map(el => el.firstChild.textContent)")
    assert nbest == [text for text, _ in doc._.translation_nbest]
    links = page.eval_on_selector_all("#s2s-alignment li", "els => els.map(el => el.firstChild.textContent)")
    tokens = doc._.translation_tokens
    assert links == [f"{doc[i].text} \u2192 {tokens[j]}" for i, j in doc._.translation_alignment]

    before = _source_words(page)
    assert [word["text"] for word in before] == [token.text for token in doc]
    assert all(_alpha(word["shade"]) == 0 and word["weight"] is None for word in before)
    attention = doc._.translation_attention
    for j in (0, len(tokens) - 1):
        page.hover(f'#s2s-figure .s2s-tok[data-side="target"][data-index="{j}"]')
        words = _source_words(page)
        assert [float(word["weight"]) for word in words] == pytest.approx(attention[j], abs=1e-4)
        assert [word["label"] for word in words] == [weight_label(w) for w in attention[j]]
        # The reversal model attends to the mirrored word: it is shaded now,
        # and the shading grows with the weight.
        strongest = len(doc) - 1 - j
        assert max(range(len(doc)), key=lambda i: attention[j][i]) == strongest
        assert _alpha(words[strongest]["shade"]) > 0.4
        by_weight = sorted(range(len(doc)), key=lambda i: attention[j][i])
        assert [_alpha(words[i]["shade"]) for i in by_weight] == sorted(_alpha(words[i]["shade"]) for i in by_weight)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "live-demo-hover.png"), full_page=True)
    assert page.errors == []
    assert all(request.startswith(url) for request in page.requested), page.requested


def test_a_too_long_text_shows_its_error_and_the_next_text_is_answered(page, reversal_model):
    _decode(page, "un " * MAX_CHARS)
    page.wait_for_selector("#s2s-error:not([hidden])")
    message = page.text_content("#s2s-error")
    assert message.startswith("[E094]") and f"at most {MAX_CHARS}" in message
    assert not page.is_visible("#s2s-answer")
    _decode(page, "cinq six")
    expected = reversal_model("cinq six")._.translation
    page.wait_for_function("text => document.getElementById('s2s-output').textContent === text", arg=expected)
    assert not page.is_visible("#s2s-error")
    # The new figure replaced the old one, and it is set up: hovering works.
    assert page.eval_on_selector_all("#s2s-figure figure.s2s-doc", "els => els.length") == 1
    page.hover('#s2s-figure .s2s-tok[data-side="source"][data-index="0"]')
    weights = page.eval_on_selector_all('#s2s-figure .s2s-tok[data-side="target"]', "els => els.map(el => el.getAttribute('data-weight'))")
    assert None not in weights
    assert page.errors == []


def test_hostile_text_stays_text_on_the_live_page(page, reversal_model):
    hostile = '<img src=x onerror="window.pwned=1"> un'
    _decode(page, hostile)
    page.wait_for_selector("#s2s-answer:not([hidden])")
    assert page.evaluate("window.pwned === undefined")
    texts = page.eval_on_selector_all('#s2s-figure .s2s-tok[data-side="source"] .s2s-text', "els => els.map(e => e.textContent)")
    assert texts == [token.text for token in reversal_model(hostile)]
