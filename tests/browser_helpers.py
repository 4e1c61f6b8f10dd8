"""Launching a real headless Chromium for the browser tests (Debian's
/usr/bin/chromium driven by Playwright; no browser download), shared by
tests/displacy and tests/live. Where Chromium or Playwright is missing the
tests skip with the reason (`make test` installs both)."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
# Headless, and no background connections: this machine has no network and
# Chromium would otherwise keep trying (see the env notes).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("S2S_TEST_ARTIFACTS", Path(__file__).parents[1] / "test-artifacts"))


def missing_browser() -> str:
    """Why the browser tests cannot run here ("" when they can)."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (Debian: apt-get install chromium; `make test` does it)"
    if shutil.which("chromium") is None and not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is not executable"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return ""


@contextmanager
def chromium() -> Iterator:
    """A launched headless Chromium, or a skip saying why there is none."""
    reason = missing_browser()
    if reason:
        pytest.skip(f"browser test skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
