#!/usr/bin/env bash
# The whole test suite: what the README's test command and .ci/run run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/chromium.sh
export MARKETOPS_TEST_PG_URL="${MARKETOPS_TEST_PG_URL:-$(bash scripts/postgres.sh)}"
echo "== typecheck" >&2
npx tsc --noEmit
echo "== lint" >&2
npx biome check .
echo "== tests" >&2
npx vitest run "$@"
