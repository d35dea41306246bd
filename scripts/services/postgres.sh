#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the index tests (as root): initdb and pg_ctl as the postgres user (initdb
# refuses root) in one temporary folder, listening on 127.0.0.1 and a free port, with a database 'collapselab'.
# Writes the connection URL to $state/url, which the tests read. Idempotent: a running cluster that answers is left
# alone. Prints the URL; exits non-zero with the reason when it cannot start.
set -euo pipefail
state=${COLLAPSELAB_POSTGRES_DIR:-/tmp/collapselab-postgres}
if [ "$(id -u)" != 0 ]; then echo "postgres: needs root to run initdb and pg_ctl as the postgres user" >&2; exit 1; fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || ! id postgres >/dev/null 2>&1; then
  echo "postgres: initdb is missing; install Debian's postgresql (apt-get install postgresql)" >&2; exit 1
fi
as_postgres() { runuser -u postgres -- "$@"; }
if [ -f "$state/url" ] && [ -f "$state/port" ] && as_postgres "$bin/pg_isready" -q -h 127.0.0.1 -p "$(cat "$state/port")"; then
  cat "$state/url"; exit 0
fi
[ -f "$state/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$state/data" -m immediate stop >/dev/null 2>&1 || true
rm -rf "$state"
mkdir -p "$state"
chown postgres:postgres "$state"
# A free port: the first from 54320 on that nothing listens on.
port=54320
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
as_postgres "$bin/initdb" -D "$state/data" -U postgres -A trust -E UTF8 --no-locale >"$state/initdb.log" 2>&1 \
  || { echo "postgres: initdb failed; see $state/initdb.log:" >&2; tail -n 5 "$state/initdb.log" >&2; exit 1; }
if ! as_postgres "$bin/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 30 \
     -o "-c listen_addresses=127.0.0.1 -p $port -k $state -c max_connections=100 -c fsync=off" start >/dev/null; then
  echo "postgres: the server did not start; see $state/server.log:" >&2; tail -n 5 "$state/server.log" >&2; exit 1
fi
as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres collapselab
echo "$port" > "$state/port"
echo "postgresql://postgres@127.0.0.1:$port/collapselab" > "$state/url"
cat "$state/url"
