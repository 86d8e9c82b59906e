#!/usr/bin/env bash
# Debian packages the tests need that pip cannot install: Chromium for the browser tests.
set -euo pipefail
if command -v chromium >/dev/null; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    echo "The browser tests need Debian's Chromium: sudo apt-get install chromium" >&2
    exit 1
fi
