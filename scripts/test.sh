#!/usr/bin/env bash
# The whole test suite: what the README's test command and .ci/run run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/build.sh
bash scripts/chromium.sh
export MARKETOPS_TEST_PG_URL="${MARKETOPS_TEST_PG_URL:-$(bash scripts/postgres.sh)}"
if [[ -z "${MARKETOPS_TEST_S3_URL:-}" ]]; then
  # Our own S3 server for this run, stopped when the run ends, whatever its outcome.
  trap 'bash scripts/seaweedfs.sh --stop' EXIT
  MARKETOPS_TEST_S3_URL=$(bash scripts/seaweedfs.sh)
fi
export MARKETOPS_TEST_S3_URL
echo "== typecheck" >&2
npx tsc --noEmit
echo "== lint" >&2
npx biome check .
echo "== layers (docs/architecture.md)" >&2
npm run --silent lint:layers
echo "== unused exports and files" >&2
npm run --silent lint:dead
echo "== tests" >&2
mkdir -p test-artifacts
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@"
# The plain closing line any CI reader understands.
node -e 'const r = require("./test-artifacts/vitest.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)' 
