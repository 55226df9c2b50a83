#!/usr/bin/env bash
# Starts the private PostgreSQL cluster the audit store's tests (and a local multi-worker setup) use,
# installing Debian's postgresql package first when it is missing. Idempotent: a second run finds the
# cluster up and only prints its URL. The cluster lives in .data/postgres and is left running.
# MARKETOPS_PG_PORT and MARKETOPS_PG_DATA start another private cluster beside it (the cluster test's,
# which it restarts mid-run); `--stop` stops the one they name.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${MARKETOPS_PG_PORT:-54329}
DB=marketops
DATA=${MARKETOPS_PG_DATA:-$PWD/.data/postgres}
RUN_AS=postgres

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

if ! BIN=$(pg_bin_dir); then
  echo "postgres.sh: installing Debian's postgresql package" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  BIN=$(pg_bin_dir) || { echo "postgres.sh: postgresql installed but no initdb under /usr/lib/postgresql; check the package." >&2; exit 1; }
fi

as_pg() { runuser -u "$RUN_AS" -- "$@"; }

if [[ "${1:-}" == --stop ]]; then
  [[ -f "$DATA/postmaster.pid" ]] && as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  exit 0
fi

start_private_cluster() {
  mkdir -p "$DATA"
  chown "$RUN_AS" "$DATA"
  chmod 700 "$DATA"
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    echo "postgres.sh: initialising a cluster in $DATA" >&2
    # Trust on loopback only: this cluster is for tests and local development, never exposed.
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  echo "postgres.sh: starting PostgreSQL on 127.0.0.1:$PORT" >&2
  # The socket goes into the data directory so no system-wide /var/run/postgresql is needed.
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c max_connections=200" start >/dev/null
}

# Up already (this checkout's cluster, or another checkout's, e.g. CI's fresh clone): just reuse it.
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || start_private_cluster

psql_admin() { as_pg psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB'")" != 1 ]]; then
  psql_admin -c "CREATE ROLE $DB LOGIN"
fi
if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]]; then
  psql_admin -c "CREATE DATABASE $DB OWNER $DB"
fi

echo "postgres://$DB@127.0.0.1:$PORT/$DB"
