#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster on loopback for tests and benchmarks.
#   scripts/pg.sh start DIR [PORT]   initdb into DIR (if new), start on 127.0.0.1:PORT, print the URI
#   scripts/pg.sh stop DIR           stop it (the data stays until DIR is removed)
# initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$BIN/initdb" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 2; }
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: pg.sh start|stop DIR [PORT]" >&2; exit 2; }
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
start)
    port=${3:-$((20000 + RANDOM % 20000))}
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        # the postgres user must reach DIR: open the (temporary) parents for traversal
        p=$(dirname "$(readlink -f "$dir")")
        while [ "$p" != "/" ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
        chown postgres:postgres "$dir"
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_pg "$BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
            { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    as_pg "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c shared_buffers=256MB -c max_parallel_workers_per_gather=2 -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    as_pg "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
*) echo "usage: pg.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
