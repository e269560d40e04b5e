#!/usr/bin/env bash
# Install (if needed) and start a local PostgreSQL server with a role for the test suite.
# Prints the DATABASE_URL to use, and nothing else, on standard output: what the tools print
# (pg_ctlcluster says "Removed stale pid file." after an unclean stop; apt may warn) goes to
# standard error. Needs root, as CI has; developers may use their own server.
set -euo pipefail

start_server() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | grep -q "^${version} main"; then
    pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | grep -q "^${version} main .* online"; then
    pg_ctlcluster "$version" main start
  fi
  su postgres -c "psql -q -v ON_ERROR_STOP=1" >/dev/null <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'campaigns') THEN
    CREATE ROLE campaigns LOGIN CREATEDB PASSWORD 'campaigns';
  END IF;
END
$$;
SELECT 'CREATE DATABASE campaigns OWNER campaigns'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'campaigns')\gexec
SQL
}

start_server 1>&2
echo "postgres://campaigns:campaigns@127.0.0.1:5432/campaigns"
