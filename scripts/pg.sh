#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster on loopback for tests and benchmarks.
#   scripts/pg.sh start DIR [PORT]   initdb into DIR (if new), start on 127.0.0.1:PORT, print the URI
#   scripts/pg.sh replica DIR PORT PRIMARY_URI
#                                    a streaming replica of that primary (pg_basebackup -R over
#                                    loopback as the role `replicator`) in DIR, started read-only
#                                    (hot standby) on 127.0.0.1:PORT; prints its URI
#   scripts/pg.sh stop DIR           stop it (the data stays until DIR is removed)
# The primary runs with wal_level=replica and a replication role `replicator` that may connect from
# 127.0.0.1 only (its pg_hba.conf line is added at the first start).
# initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$BIN/initdb" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 2; }
cmd=${1:-}; dir=${2:-}
usage="usage: pg.sh start DIR [PORT] | replica DIR PORT PRIMARY_URI | stop DIR"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "$usage" >&2; exit 2; }
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
prepare_dir() { # DIR must exist and (as root) belong to postgres, its parents traversable
    mkdir -p "$1"
    if [ "$(id -u)" -eq 0 ]; then
        p=$(dirname "$(readlink -f "$1")")
        while [ "$p" != "/" ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
        chown postgres:postgres "$1"
    fi
}
run_server() { # DIR PORT: start the cluster in DIR on 127.0.0.1:PORT
    as_pg "$BIN/pg_ctl" -D "$1" -l "$1/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$2 -c unix_socket_directories=$1 -c fsync=off -c shared_buffers=256MB -c max_parallel_workers_per_gather=2 -c max_connections=200 -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on" \
        start >/dev/null || { cat "$1/server.log" >&2; exit 1; }
}
case "$cmd" in
start)
    port=${3:-$((20000 + RANDOM % 20000))}
    prepare_dir "$dir"
    is_new=no
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_pg "$BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
            { cat "$dir.initdb.log" >&2; exit 1; }
        # streaming replicas connect as `replicator`, from loopback only (listed before the
        # default lines, which would match first)
        { echo "host replication replicator 127.0.0.1/32 trust"; cat "$dir/pg_hba.conf"; } >"$dir/pg_hba.new"
        mv "$dir/pg_hba.new" "$dir/pg_hba.conf"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/pg_hba.conf"
        is_new=yes
    fi
    run_server "$dir" "$port"
    if [ "$is_new" = yes ]; then
        "$BIN/psql" -qX -h 127.0.0.1 -p "$port" -U postgres -d postgres \
            -c "CREATE ROLE replicator WITH REPLICATION LOGIN" >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
replica)
    port=${3:-}; primary=${4:-}
    [ -n "$port" ] && [ -n "$primary" ] || { echo "$usage" >&2; exit 2; }
    # host and port of the primary from its URI (postgres://user@127.0.0.1:PORT/db)
    hostport=${primary#*://}; hostport=${hostport#*@}; hostport=${hostport%%/*}
    phost=${hostport%%:*}; pport=${hostport##*:}
    [ "$phost" = "$hostport" ] && pport=5432
    prepare_dir "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
        # -R: standby.signal and primary_conninfo; -X stream: the WAL of the copy comes along
        as_pg "$BIN/pg_basebackup" -h "$phost" -p "$pport" -U replicator -D "$dir" -R -X stream \
            -c fast >"$dir.basebackup.log" 2>&1 || { cat "$dir.basebackup.log" >&2; exit 1; }
        rm -f "$dir/server.log" "$dir/postmaster.pid"
    fi
    chmod 700 "$dir" # pg_basebackup keeps the folder's mode; the server wants 0700
    run_server "$dir" "$port"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    as_pg "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
*) echo "usage: pg.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
