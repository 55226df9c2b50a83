#!/usr/bin/env bash
# Installs Debian's chromium for the Web UI browser test. playwright-core drives it
# at /usr/bin/chromium because these machines cannot download a browser build.
# Idempotent: a working chromium is left alone, and the package index is refreshed only when needed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [[ -x "$CHROMIUM" ]] && "$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1; then
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "chromium: run as root or install sudo to install Debian's chromium." >&2; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

echo "chromium: installing Debian's chromium package" >&2
# An empty package index (a fresh machine) cannot resolve chromium; refresh it once.
if ! apt-cache show chromium >/dev/null 2>&1; then
  "${SUDO[@]}" apt-get update -qq
fi
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
  # A stale index names package versions the mirror no longer has: refresh and retry once.
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
"$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1 \
  || { echo "chromium: $CHROMIUM was installed but does not run; check the apt output above." >&2; exit 1; }
