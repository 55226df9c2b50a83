#!/usr/bin/env bash
# The main job: installs what it needs, then runs the whole stack in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/build.sh
exec node bin/marketops.js start "$@"
