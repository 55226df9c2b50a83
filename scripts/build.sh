#!/usr/bin/env bash
# Compiles src/ into dist/ when a source changed since the last build (bin/build-state.js decides,
# by modification times); incremental, so a rebuild compiles only what changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if node bin/build-state.js; then exit 0; fi
echo "build: compiling src/ into dist/ (tsc)" >&2
# Exit 2 is "type errors, JavaScript emitted": the build runs what tsx would have run, and the type
# errors are npm test's to fail on (tsc --noEmit); anything else means no usable output.
status=0
npx tsc -p tsconfig.build.json --pretty false >&2 || status=$?
if [[ $status -ne 0 && $status -ne 2 ]]; then exit "$status"; fi
if [[ $status -eq 2 ]]; then echo "build: type errors above; dist/ built anyway (npm run typecheck)" >&2; fi
# The workflow code as the worker loads it from dist/: bundled here, once, not by each worker at start.
node scripts/bundle-workflows.mjs >&2
touch dist/.build-stamp
