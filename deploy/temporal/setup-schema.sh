#!/bin/sh
# One-shot schema setup for Temporal on PostgreSQL, run by the admin-tools image before the server starts.
# Every step is safe on each `docker compose up`: `create` is quiet because the database usually exists already
# (a real connection problem still fails the setup-schema step after it), setup-schema keeps a newer recorded
# version, and update-schema applies only the versions a database does not have yet.
set -eu

for db in temporal temporal_visibility; do
  case $db in
    temporal) schema=/etc/temporal/schema/postgresql/v12/temporal/versioned ;;
    *) schema=/etc/temporal/schema/postgresql/v12/visibility/versioned ;;
  esac
  echo "setup-schema: preparing database $db"
  temporal-sql-tool --quiet --db "$db" create
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  temporal-sql-tool --db "$db" update-schema -d "$schema"
done
echo 'setup-schema: done'
