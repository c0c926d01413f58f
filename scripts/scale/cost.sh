#!/usr/bin/env bash
# What one request of each kind of make scale-test's load costs, in CPU (not wall) time, so that
# a change can be compared on a machine other sessions keep busy: a PostgreSQL primary
# (scripts/pg.sh), `duijie demo --enterprises $COST_ENTERPRISES` (20,000), one `duijie serve
# --threads $COST_THREADS`, and for each kind of scripts/scale/load.lua alone (search, matches,
# preview, clause) wrk with $COST_CONNECTIONS connections for $COST_SECONDS s straight to the
# server; the CPU the server and PostgreSQL used (utime + stime from /proc) over the run divided
# by the requests answered. With COST_PERF=KIND the server runs under `perf record -g` for that
# kind and the top of `perf report` is printed. Prints one JSON line per kind and the load
# average. Loopback only; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${COST_ENTERPRISES:-20000}
CONNS=${COST_CONNECTIONS:-32}
SECS=${COST_SECONDS:-5}
THREADS=${COST_THREADS:-8}
KINDS=${COST_KINDS:-search matches preview clause}
D=build/duijie
[ -x "$D" ] || make --no-print-directory build/duijie >/dev/null
T=$(mktemp -d /tmp/duijie-cost.XXXXXX)
port=$((20000 + RANDOM % 20000))
spid=""
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
    scripts/pg.sh stop "$T/pg" >/dev/null 2>&1 || true
    rm -rf "$T"
}
trap cleanup EXIT
db=$(scripts/pg.sh start "$T/pg" "$port")
$D demo --enterprises "$N" --db "$db" >/dev/null 2>"$T/demo.err"
psql -qtAX "$db" -c "SELECT uscc FROM enterprise ORDER BY random() LIMIT 500" >"$T/usccs.txt"
psql -qtAX "$db" -c "SELECT id FROM clause WHERE status = 1 ORDER BY id" >"$T/clauses.txt"
$D serve --port $((port + 1)) --db "$db" --web none --threads "$THREADS" >"$T/s.out" 2>"$T/s.err" &
spid=$!
URL=http://127.0.0.1:$((port + 1))
for _ in $(seq 1 300); do
    [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$URL/api/health" || true)" = 200 ] && break
    sleep 0.1
done
login=$(curl -s -m 30 -c "$T/jar" -H 'Content-Type: application/json' \
    -d '{"username":"demo_admin","password":"Demo@2026"}' "$URL/api/auth/login")
csrf=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
cookie="duijie_session=$(awk '$6 == "duijie_session" {print $7}' "$T/jar")"
pg_pm=$(head -n 1 "$T/pg/postmaster.pid")
ticks() { # PID: CPU ticks of that process and its children's (PostgreSQL's backends)
    # (one line per stat file; a process gone meanwhile is skipped)
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$1" '{ pid = $1; line = $0; sub(/^.*\) /, "", line)
        split(line, f, " "); if (pid == p || f[2] == p) t += f[12] + f[13] } END { print t + 0 }'
}
hz=$(getconf CLK_TCK)
for kind in $KINDS; do
    # warm: the first request of a kind loads what it needs (index, catalog, search index)
    timeout 120 wrk -t1 -c4 -d2s -s scripts/scale/load.lua "$URL" -- "$T/usccs.txt" "$T/clauses.txt" \
        "$cookie" "$csrf" "$kind" >/dev/null 2>&1 || true
    perf_pid=""
    if [ "${COST_PERF:-}" = "$kind" ]; then
        perf record -g -F 499 -p "$spid" -o "$T/perf.data" >/dev/null 2>&1 &
        perf_pid=$!
        sleep 0.5
    fi
    s0=$(ticks "$spid")
    p0=$(ticks "$pg_pm")
    load=$(cut -d' ' -f1 /proc/loadavg)
    timeout 120 wrk -t1 -c"$CONNS" -d"${SECS}s" --timeout 10s -s scripts/scale/load.lua "$URL" -- \
        "$T/usccs.txt" "$T/clauses.txt" "$cookie" "$csrf" "$kind" >"$T/wrk.out" 2>&1 || true
    s1=$(ticks "$spid")
    p1=$(ticks "$pg_pm")
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid" 2>/dev/null || true
        wait "$perf_pid" 2>/dev/null || true
        [ -n "${COST_PERF_DATA:-}" ] && cp "$T/perf.data" "$COST_PERF_DATA"
        perf report -i "$T/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null |
            grep -v '^$' | head -n 120 >"${COST_PERF_OUT:-/dev/stderr}" || true
    fi
    python3 - "$kind" "$T/wrk.out" "$((s1 - s0))" "$((p1 - p0))" "$hz" "$load" "$N" "$CONNS" <<'PY'
import json, re, sys
kind, wrk, s, p, hz, load, n, conns = sys.argv[1:9]
m = re.search(r"^SCALE_JSON (.*)$", open(wrk).read(), re.M)
w = json.loads(m.group(1)) if m else {}
req = w.get("requests") or 0
ms = lambda ticks: round(int(ticks) * 1000 / int(hz) / req, 3) if req else None
print(json.dumps({"kind": kind, "enterprises": int(n), "connections": int(conns),
                  "requests": req, "non_2xx": w.get("errors", {}).get("non_2xx"),
                  "requests_per_s": round(req / (w["duration_us"] / 1e6), 1) if req else None,
                  "server_cpu_ms_per_request": ms(s), "postgres_cpu_ms_per_request": ms(p),
                  "latency_ms_p50": round(w.get("latency_us", {}).get("p50", 0) / 1000, 1),
                  "load_average_1min_before": float(load)}))
PY
done
