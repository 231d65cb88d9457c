#!/bin/sh
# The browser tests' Chromium (tests/viz/test_explore_browser.py): found on PATH or via
# $GRAPHGRAD_CHROMIUM; else installed with apt-get, but only when running as root with apt-get
# present (set GRAPHGRAD_NO_APT=1 to skip that). Never fails: without a browser those tests skip.
if [ -n "$GRAPHGRAD_CHROMIUM" ] && [ -x "$GRAPHGRAD_CHROMIUM" ]; then exit 0; fi
for name in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$name" >/dev/null 2>&1; then exit 0; fi
done
if [ -z "$GRAPHGRAD_NO_APT" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium for the browser tests (apt-get install chromium)..."
    if apt-get install -y -q chromium >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; then
        exit 0
    fi
fi
echo "no Chromium: the browser tests will skip (install it with: apt-get install chromium)"
exit 0
