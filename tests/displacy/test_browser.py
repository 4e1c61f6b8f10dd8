"""The attention page in a real headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright, launched by tests/browser_helpers.py). Hovering and focusing words must
shade exactly the words, with exactly the weights, the Doc's attention holds.

A screenshot goes to $S2S_TEST_ARTIFACTS (default: test-artifacts/ at the
repository root). Where Chromium or Playwright is missing the tests skip with
the reason (`make test` installs both; pytest prints skip reasons with -rs).
"""

import pytest
from browser_helpers import ARTIFACTS, chromium

from spacy_seq2seq import displacy
from spacy_seq2seq.displacy.markup import weight_label
from spacy_seq2seq.displacy.view import PAGE_WEIGHT_DIGITS

VISIBLE = 0.01  # the page's threshold for shading a word and labelling it


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def docs(reversal_model):
    long_input = " ".join(["un deux trois quatre cinq six sept huit"] * 8)
    return list(reversal_model.pipe(["un deux trois quatre", "cinq six sept", long_input]))


@pytest.fixture()
def page(browser, docs, tmp_path):
    """The rendered page, opened from a file; every request it makes is recorded."""
    path = tmp_path / "attention.html"
    path.write_text(displacy.render(docs, jupyter=False), encoding="utf8")
    # Reduced motion turns off the page's 80 ms fade, so the computed colour
    # read right after a hover is the final one (CI once read it mid-fade).
    page = browser.new_page(viewport={"width": 900, "height": 700}, reduced_motion="reduce")
    page.set_default_timeout(5000)  # a missing element fails fast, not in 30 s
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(path.as_uri())
    yield page
    page.close()


def _words(page, figure: int, side: str):
    """Per word on one side of a figure: (classes, data-weight, label text)."""
    return page.eval_on_selector_all(
        f'figure.s2s-doc[data-doc="{figure}"] .s2s-tok[data-side="{side}"]',
        """els => els.map(el => ({
            classes: el.className.split(" "),
            weight: el.getAttribute("data-weight"),
            label: el.querySelector(".s2s-w").textContent,
            shade: getComputedStyle(el).backgroundColor,
        }))""",
    )


def _check_shading(words, expected_weights, linked):
    assert len(words) == len(expected_weights)
    for k, (word, expected) in enumerate(zip(words, expected_weights)):
        assert float(word["weight"]) == pytest.approx(expected, abs=1e-4)
        # The script sees the weight rounded for the page and labels it with
        # JS toFixed(2); weight_label is checked against the browser's own
        # toFixed below (a weight of 0.01502 is labelled "0.01", not "0.02").
        shown = round(expected, PAGE_WEIGHT_DIGITS)
        assert ("s2s-active" in word["classes"]) == (shown >= VISIBLE)
        assert word["label"] == weight_label(expected)
        assert ("s2s-linked" in word["classes"]) == (k in linked)
        if expected >= 0.5:  # strongly attended words are visibly shaded
            assert word["shade"] not in ("rgba(0, 0, 0, 0)", "transparent")


def test_hovering_a_target_word_shades_its_source_words(page, docs):
    doc = docs[0]
    attention, alignment = doc._.translation_attention, doc._.translation_alignment
    for j in range(len(doc._.translation_tokens)):
        page.hover(f'figure[data-doc="0"] .s2s-tok[data-side="target"][data-index="{j}"]')
        linked = {i for i, target_j in alignment if target_j == j}
        _check_shading(_words(page, 0, "source"), attention[j], linked)
        # The toy model reverses word order: the last source word is strongest.
        strongest = max(range(len(doc)), key=lambda i: attention[j][i])
        assert strongest == len(doc) - 1 - j
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "displacy-hover.png"), full_page=True)
    assert page.errors == []
    assert all(url.startswith("file:") for url in page.requested), page.requested


def test_hovering_a_source_word_shades_the_target_words(page, docs):
    doc = docs[1]
    attention, alignment = doc._.translation_attention, doc._.translation_alignment
    i = 0
    page.hover(f'figure[data-doc="1"] .s2s-tok[data-side="source"][data-index="{i}"]')
    column = [row[i] for row in attention]
    _check_shading(_words(page, 1, "target"), column, {j for source_i, j in alignment if source_i == i})
    # Figures are independent: the first one is untouched.
    assert all(word["weight"] is None for word in _words(page, 0, "source"))


def test_labels_round_like_the_browser(page):
    # Doubles just below, at and above two-decimal ties, and exact ties
    # (0.125, 0.375: toFixed rounds those up, Python's format to even).
    weights = [0.015, 0.0150, 0.01502, 0.0149, 0.125, 0.375, 0.045, 0.995, 0.0100, 0.5, 1.0]
    in_browser = page.evaluate("ws => ws.map(w => w.toFixed(2))", [round(w, PAGE_WEIGHT_DIGITS) for w in weights])
    assert [weight_label(w) for w in weights] == in_browser
    assert weight_label(0.125) == "0.13" and weight_label(0.015) == "0.01"  # not Python's "0.12" / "0.02"
    assert weight_label(0.0099) == ""  # below the page's threshold: no label


def test_a_matrix_cell_reads_like_the_hovered_word(page, docs):
    doc = docs[0]
    j = 0
    page.hover(f'figure[data-doc="0"] .s2s-tok[data-side="target"][data-index="{j}"]')
    labels = [word["label"] for word in _words(page, 0, "source")]
    cells = page.eval_on_selector_all(
        f'figure[data-doc="0"] .s2s-cell[data-target="{j}"]', "els => els.map(el => el.textContent)",
    )
    assert cells == labels
    assert any(labels) and len(labels) == len(doc)


def test_keyboard_focus_works_like_hover(page, docs):
    page.focus('figure[data-doc="0"] .s2s-tok[data-side="target"][data-index="1"]')
    doc = docs[0]
    linked = {i for i, j in doc._.translation_alignment if j == 1}
    _check_shading(_words(page, 0, "source"), doc._.translation_attention[1], linked)
    page.keyboard.press("Tab")  # on to target word 2
    _check_shading(_words(page, 0, "source"), doc._.translation_attention[2], {i for i, j in doc._.translation_alignment if j == 2})


def test_leaving_a_word_clears_the_shading(page):
    page.hover('figure[data-doc="0"] .s2s-tok[data-side="target"][data-index="0"]')
    page.mouse.move(1, 1)
    assert all(word["weight"] is None and word["label"] == "" for word in _words(page, 0, "source"))


def test_a_matrix_row_drives_the_same_view(page, docs):
    page.hover('figure[data-doc="0"] .s2s-matrix th[data-side="target"][data-index="2"]')
    doc = docs[0]
    linked = {i for i, j in doc._.translation_alignment if j == 2}
    _check_shading(_words(page, 0, "source"), doc._.translation_attention[2], linked)


def test_long_inputs_wrap_and_the_matrix_scrolls(page, docs):
    sizes = page.eval_on_selector(
        'figure[data-doc="2"]',
        """fig => ({
            page: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            rows: fig.querySelector(".s2s-source .s2s-words").getClientRects().length,
            wordTops: new Set(Array.from(fig.querySelectorAll('.s2s-tok[data-side="source"]'), el => el.offsetTop)).size,
            scroll: fig.querySelector(".s2s-scroll").scrollWidth > fig.querySelector(".s2s-scroll").clientWidth,
        })""",
    )
    assert len(docs[2]) == 64
    assert sizes["page"] <= sizes["viewport"]  # nothing pushes the page wider
    assert sizes["wordTops"] > 1  # the source words wrap onto several lines
    assert sizes["scroll"]  # the 64-column matrix scrolls inside its box
    middle = len(docs[2]._.translation_tokens) // 2
    page.hover(f'figure[data-doc="2"] .s2s-tok[data-side="target"][data-index="{middle}"]')
    words = _words(page, 2, "source")
    row = docs[2]._.translation_attention[middle]
    assert [float(w["weight"]) for w in words] == pytest.approx(row, abs=1e-4)


def test_hostile_text_stays_text(browser, reversal_model, tmp_path):
    doc = reversal_model('<img src=x onerror="window.pwned=1"> un <script>window.pwned=2</script>')
    path = tmp_path / "hostile.html"
    path.write_text(displacy.render(doc, jupyter=False), encoding="utf8")
    page = browser.new_page()
    page.goto(path.as_uri())
    assert page.evaluate("window.pwned === undefined")
    texts = page.eval_on_selector_all(".s2s-tok[data-side='source'] .s2s-text", "els => els.map(e => e.textContent)")
    assert texts == [token.text for token in doc]
    page.close()


def test_the_fade_respects_reduced_motion(browser, docs, tmp_path):
    path = tmp_path / "motion.html"
    path.write_text(displacy.render(docs[0], jupyter=False), encoding="utf8")
    durations = {}
    for motion in ("no-preference", "reduce"):
        page = browser.new_page(reduced_motion=motion)
        page.goto(path.as_uri())
        durations[motion] = page.eval_on_selector(".s2s-tok", "el => getComputedStyle(el).transitionDuration")
        page.close()
    assert durations == {"no-preference": "0.08s", "reduce": "0s"}
