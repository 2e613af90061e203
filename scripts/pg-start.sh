#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster (idempotent) and make a role + database for Ketaflow's tests.
# Prints the DATABASE_URL on its last line.
set -euo pipefail
ROLE=${KETAFLOW_PG_ROLE:-ketaflow}
PASS=${KETAFLOW_PG_PASSWORD:-ketaflow-test}
DB=${KETAFLOW_PG_DB:-ketaflow}
VER=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$VER main$"; then
  pg_createcluster "$VER" main >/dev/null
fi
if ! pg_ctlcluster "$VER" main status >/dev/null 2>&1; then
  pg_ctlcluster "$VER" main start
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
pg_isready -q -h 127.0.0.1 || { echo "PostgreSQL did not start" >&2; exit 1; }
psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtAc "$1"; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != "1" ]; then
  psql_admin "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASS'"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='$DB'")" != "1" ]; then
  psql_admin "CREATE DATABASE $DB OWNER $ROLE"
fi
echo "postgres://$ROLE:$PASS@127.0.0.1:5432/$DB"
