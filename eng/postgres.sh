#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the sweep store's tests, on loopback only.
#   eng/postgres.sh start   create (if needed) and start it; print its connection URI
#   eng/postgres.sh url     print the connection URI (export it as MLBN_TEST_POSTGRES)
#   eng/postgres.sh stop    stop it and delete its files
# The server refuses to run as root, so under root it runs as the 'postgres' user (runuser); as any
# other user it runs as that user. Settings: MLBN_PG_BIN (default Debian's PostgreSQL 15 binaries),
# MLBN_PG_DIR (default a folder under /tmp: the postgres user must be able to reach it), MLBN_PG_PORT
# (default 55432).
set -euo pipefail

bin="${MLBN_PG_BIN:-/usr/lib/postgresql/15/bin}"
dir="${MLBN_PG_DIR:-/tmp/mlbn-test-postgres}"
port="${MLBN_PG_PORT:-55432}"
database="mlbn_sweeps"
url="postgresql://postgres@127.0.0.1:${port}/${database}"

as_server_user() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  if [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL binaries not found in $bin: install the Debian package 'postgresql' or set MLBN_PG_BIN." >&2
    exit 1
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then chown postgres: "$dir"; fi
    as_server_user "$bin/initdb" -D "$dir/data" --username=postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if ! as_server_user "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    # Loopback TCP only; the Unix socket lives in the cluster's own folder.
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c max_connections=100 -c fsync=off" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
  fi
  if ! as_server_user "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '${database}'" postgres | grep -q 1; then
    as_server_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
  fi
  echo "$url"
}

stop() {
  if [ -f "$dir/data/PG_VERSION" ]; then
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
