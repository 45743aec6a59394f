#!/usr/bin/env bash
# Installs what the browser end-to-end tests (test/e2e) need: Debian's Chromium at /usr/bin/chromium.
# Idempotent: does nothing when it is already there. playwright-core itself comes from `npm ci` and
# never downloads a browser. Without Chromium the e2e suite skips with a message instead of failing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "e2e-deps: chromium present ($(/usr/bin/chromium --version 2>/dev/null | head -n1 || echo 'version unknown'))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "e2e-deps: no apt-get here; install Chromium so that /usr/bin/chromium exists, or set ISOTHERM_CHROMIUM" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "e2e-deps: installed $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
