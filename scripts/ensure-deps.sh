#!/usr/bin/env bash
# Brings node_modules and the Temporal servers in line with the committed lock files.
# Run by the start and test scripts so each works alone on a fresh clone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# npm writes node_modules/.package-lock.json on every install: older than the lock file means stale.
if ! [[ node_modules/.package-lock.json -nt package-lock.json ]]; then
  echo "ensure-deps: installing node modules (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/install-tools.sh
