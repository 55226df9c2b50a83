#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases with the server's schema tool (temporal-sql-tool),
# before the server starts: in compose (the admin-tools image), on a host (docs/deployment.md), and in the
# cluster test. The tool's connection comes from SQL_PLUGIN (postgres12), SQL_HOST, SQL_PORT, SQL_USER and
# SQL_PASSWORD; the user needs CREATEDB the first time.
# Every step is safe to repeat: `create` is quiet because the database usually exists already (a real
# connection problem still fails setup-schema after it), setup-schema keeps a newer recorded version, and
# update-schema applies only the versions a database does not have yet.
set -eu
# The server module's schema folders: where the admin-tools image keeps them by default; scripts/install-tools.sh
# copies them to .tools/temporal-server-<version>/schema.
schema_dir=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}
sql_tool=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}

setup() { # database schema-folder
  echo "setup-schema: preparing database $1"
  "$sql_tool" --quiet --db "$1" create
  "$sql_tool" --db "$1" setup-schema -v 0.0
  "$sql_tool" --db "$1" update-schema -d "$schema_dir/postgresql/v12/$2/versioned"
}

setup "${TEMPORAL_DB:-temporal}" temporal
setup "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}" visibility
echo 'setup-schema: done'
