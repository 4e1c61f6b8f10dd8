#!/usr/bin/env sh
# Debian's Chromium for the browser tests (tests/displacy/test_browser.py).
# Playwright drives it at /usr/bin/chromium, so no browser is downloaded.
# Never fails the build: without Chromium those tests skip and say why.
set -u
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    APT="apt-get"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    APT="sudo -n apt-get"
else
    echo "NOTE: chromium is not installed and apt-get needs root; the browser tests will be skipped."
    exit 0
fi
echo "Installing Debian's chromium for the browser tests..."
if $APT install -y -q chromium >/dev/null 2>&1 \
    || { $APT update -q >/dev/null 2>&1 && $APT install -y -q chromium >/dev/null 2>&1; }; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
else
    echo "NOTE: apt-get could not install chromium; the browser tests will be skipped."
fi
