#!/usr/bin/env bash
# Install DAISY Ace (the EPUB accessibility checker) into ./node_modules, idempotently.
# Ace drives a headless browser through Puppeteer: we use Debian's Chromium rather than the
# browser Puppeteer would download (no download is possible, or wanted, on CI).
set -euo pipefail
cd "$(dirname "$0")/.."

ACE_VERSION="1.4.6"

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian's chromium for Ace ..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "error: Chromium is missing, and Ace needs it: install it (apt-get install chromium)." >&2
        exit 1
    fi
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is missing, and Ace needs it: install Node.js 18 or newer (apt-get install nodejs npm)." >&2
    exit 1
fi

installed="$(node -p "require('./node_modules/@daisy/ace-cli/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$ACE_VERSION" ]; then
    echo "installing @daisy/ace-cli@$ACE_VERSION into node_modules/ ..."
    PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
        npm install --no-save --no-audit --no-fund --loglevel=error "@daisy/ace-cli@$ACE_VERSION"
fi
