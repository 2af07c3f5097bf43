#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (stories, React) unless it is there already.
# Idempotent: a second run only prints the version. Playwright cannot download its own browser
# here, so vitest.config.ts launches this one (override the path with CHROMIUM_PATH).
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  bash "$(dirname "$0")/apt-install.sh" chromium
  chromium=/usr/bin/chromium
fi
echo "browser tests will use: $chromium ($("$chromium" --version 2>/dev/null || echo 'version unknown'))"
