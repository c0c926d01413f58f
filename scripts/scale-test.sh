#!/usr/bin/env bash
# make scale-test: the cluster of docs/DEPLOY.md on loopback, under load and a fault.
#   - a PostgreSQL primary and a streaming replica (scripts/pg.sh start / replica);
#   - `duijie demo --enterprises $SCALE_ENTERPRISES` (200,000: about a minute into PostgreSQL);
#   - two `duijie serve` on the primary, reads marked in src/http/replica.c from the replica;
#   - nginx (deploy/nginx.conf rendered for these ports, its own prefix, pid and logs in a temp
#     folder, in the foreground, no system configuration touched) in front;
#   - wrk, $SCALE_CONNECTIONS connections for $SCALE_SECONDS s (scripts/scale/load.lua: search,
#     an enterprise's matches, rule previews, a clause's enterprises);
#   - meanwhile scripts/scale/writer.py edits enterprises through nginx, recording each
#     acknowledged write, and publishes a policy; server 2 is killed (kill -9) at 40 % of the run
#     and restarted at once.
# Afterwards: every acknowledged write is in the primary; both servers answer the same sample
# queries; each server applied the published policy (catalog and search index) within a second of
# the primary's commit, by its own clock record (GET /api/health "freshness"); when a search first
# found it (queueing included) and the lag of the enterprise edits are reported too. Figures and checks go to
# bench/results/scale.json (and stdout). Exits 1 when a check fails. Needs nginx and wrk
# (scripts/deps.sh --with-scale). Every wait is bounded; all traffic is to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${SCALE_SECONDS:-60}
N=${SCALE_ENTERPRISES:-200000}
CONNS=${SCALE_CONNECTIONS:-1000}
THREADS=${SCALE_SERVER_THREADS:-8}
WRITE_INTERVAL=${SCALE_WRITE_INTERVAL:-0.5}
OUT=${SCALE_OUT:-bench/results/scale.json}
D=build/duijie
for tool in nginx wrk psql python3 curl; do
    command -v "$tool" >/dev/null || { echo "scale-test: $tool missing (scripts/deps.sh --with-scale)" >&2; exit 2; }
done
[ -x "$D" ] || make --no-print-directory build/duijie >/dev/null

T=$(mktemp -d /tmp/duijie-scale.XXXXXX)
base=$((20000 + RANDOM % 20000))
P_PG=$base P_REP=$((base + 1)) P_S1=$((base + 2)) P_S2=$((base + 3)) P_NGX=$((base + 4))
pids=""
nginx_pid=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    scripts/pg.sh stop "$T/replica" >/dev/null 2>&1 || true
    scripts/pg.sh stop "$T/primary" >/dev/null 2>&1 || true
    rm -rf "$T"
}
trap cleanup EXIT
# times without starting a process (python or date lag by seconds on a loaded 2-core machine)
now() { echo "${EPOCHREALTIME/./}"; } # microseconds
elapsed() { local d=$(($2 - $1)); printf '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000)); }
log() { echo "scale-test: $*" >&2; }

# ---- PostgreSQL primary + streaming replica, demo data ----
pri=$(scripts/pg.sh start "$T/primary" "$P_PG")
rep=$(scripts/pg.sh replica "$T/replica" "$P_REP" "$pri")
log "primary $pri, replica $rep"
t0=$(now)
$D demo --enterprises "$N" --db "$pri" >"$T/demo.json" 2>"$T/demo.err"
t_demo=$(elapsed "$t0" "$(now)")
log "demo: $N enterprises in ${t_demo}s"
psql -qtAX "$pri" -c "SELECT uscc FROM enterprise ORDER BY random() LIMIT 500" >"$T/read_usccs.txt"
psql -qtAX "$pri" -c "SELECT id FROM clause WHERE status = 1 ORDER BY id" >"$T/clauses.txt"
# the writer edits each of these once (the bound on its writes)
psql -qtAX "$pri" -c "SELECT uscc FROM enterprise ORDER BY random() LIMIT 5000" >"$T/write_usccs.txt"

# ---- a session: the demo administrator (docs/AUTH.md); sessions live in the database, so one
# sign-in serves both servers (matching needs a signed-in role) ----
signin() { # BASE: signs in once, sets SCALE_COOKIE and SCALE_CSRF (exported for the writer)
    [ -n "${SCALE_COOKIE:-}" ] && return 0
    local login
    login=$(curl -s -m 30 -c "$T/jar" -H 'Content-Type: application/json' \
        -d '{"username":"demo_admin","password":"Demo@2026"}' "$1/api/auth/login") || return 1
    SCALE_CSRF=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])') ||
        return 1
    SCALE_COOKIE="duijie_session=$(awk '$6 == "duijie_session" {print $7}' "$T/jar")"
    export SCALE_COOKIE SCALE_CSRF
}

# ---- two duijie servers ----
start_server() { # NAME PORT: starts it, waits until it answers a match (index loaded); prints seconds
    local t s
    t=$(now)
    $D serve --port "$2" --db "$pri" --db-read "$rep" --web none --threads "$THREADS" \
        >>"$T/$1.out" 2>>"$T/$1.err" &
    echo $! >"$T/$1.pid"
    for _ in $(seq 1 1200); do
        [ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/api/health" || true)" = 200 ] && break
        sleep 0.1
    done
    signin "http://127.0.0.1:$2" >&2 || { log "sign-in failed"; return 1; }
    for _ in $(seq 1 1200); do
        s=$(curl -s -m 60 -o /dev/null -w '%{http_code}' -H "Cookie: $SCALE_COOKIE" \
            -H "X-CSRF-Token: $SCALE_CSRF" -XPOST "http://127.0.0.1:$2/api/match/preview" \
            -d '{"rule":"资质 包含 \"高新技术企业\""}' 2>/dev/null || true)
        [ "$s" = 200 ] && { elapsed "$t" "$(now)"; return 0; }
        sleep 0.1
    done
    log "$1 did not become ready: $(tail -n 3 "$T/$1.err")"
    return 1
}
t_start1=$(start_server s1 "$P_S1")
signin "http://127.0.0.1:$P_S1" || { log "sign-in failed"; exit 1; } # start_server's was a subshell's
t_start2=$(start_server s2 "$P_S2")
pids="$pids $(cat "$T/s1.pid") $(cat "$T/s2.pid")"
log "servers ready in ${t_start1}s and ${t_start2}s (start-up and index load of $N enterprises)"

# ---- nginx in front, deploy/nginx.conf rendered for these ports ----
mkdir -p "$T/nginx/logs" "$T/nginx/tmp"
chmod 777 "$T/nginx/tmp"
sed -e "s/127.0.0.1:8081/127.0.0.1:$P_S1/; s/127.0.0.1:8082/127.0.0.1:$P_S2/" \
    -e "s/listen 80;/listen 127.0.0.1:$P_NGX backlog=4096;/" deploy/nginx.conf >"$T/nginx/duijie.conf"
cat >"$T/nginx/nginx.conf" <<EOF
worker_processes 2;
worker_rlimit_nofile 16384;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log warn;
events { worker_connections 8192; }
http {
    log_format scale '\$status \$upstream_addr \$upstream_status \$request_time \$request_method \$uri';
    access_log $T/nginx/logs/access.log scale buffer=256k flush=1s;
    client_body_temp_path $T/nginx/tmp/body;
    proxy_temp_path $T/nginx/tmp/proxy;
    fastcgi_temp_path $T/nginx/tmp/fastcgi;
    uwsgi_temp_path $T/nginx/tmp/uwsgi;
    scgi_temp_path $T/nginx/tmp/scgi;
    include $T/nginx/duijie.conf;
}
EOF
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" -g "daemon off;" 2>"$T/nginx/stderr" &
nginx_pid=$!
NGX="http://127.0.0.1:$P_NGX"
for _ in $(seq 1 100); do
    [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$NGX/api/health" || true)" = 200 ] && break
    sleep 0.1
done
[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$NGX/api/health" || true)" = 200 ] ||
    { log "nginx did not answer: $(cat "$T/nginx/stderr" "$T/nginx/logs/error.log")"; exit 1; }

# ---- where the CPU goes: clock ticks (utime + stime) per part of the cluster, read from /proc before
# and after the run; the machine's other work (other sessions' builds) is the rest of its CPU ----
cpu_snapshot() { # FILE: "part pid ticks" lines for every process of the cluster alive now
    local pm_pri="" pm_rep="" s1="" s2=""
    read -r pm_pri <"$T/primary/postmaster.pid" || true
    read -r pm_rep <"$T/replica/postmaster.pid" || true
    read -r s1 <"$T/s1.pid" || true
    read -r s2 <"$T/s2.pid" || true
    # one awk over every /proc/PID/stat (a process per entry would take seconds on a busy machine)
    awk -v pri="$pm_pri" -v rep="$pm_rep" -v s1="$s1" -v s2="$s2" -v ngx="${nginx_pid:-x}" \
        -v wrk="${wrk_pid:-x}" -v wri="${writer_pid:-x}" '
        FNR == 1 {
            pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
            ppid = f[2]; ticks = f[12] + f[13]; part = ""
            if (pid == pri || ppid == pri) part = "postgres_primary"
            else if (pid == rep || ppid == rep) part = "postgres_replica"
            else if (pid == s1) part = "duijie_server1"
            else if (pid == s2) part = "duijie_server2"
            else if (pid == ngx || ppid == ngx) part = "nginx"
            else if (pid == wrk || ppid == wrk) part = "wrk"
            else if (pid == wri || ppid == wri) part = "writer"
            if (part != "") print part, pid, ticks
        }' /proc/[0-9]*/stat 2>/dev/null >"$1" || true
    # the whole machine: the first line of /proc/stat (every CPU's ticks but idle and iowait)
    awk '$1 == "cpu" { print "machine_busy 0", $2 + $3 + $4 + $7 + $8 + $9; print "machine_all 0", $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat >>"$1"
}
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- load, writes, publish, kill -9 ----
log "wrk: $CONNS connections for ${SECONDS_RUN}s through nginx"
timeout $((SECONDS_RUN + 60)) wrk -t2 -c"$CONNS" -d"${SECONDS_RUN}s" --timeout 10s \
    -s scripts/scale/load.lua "$NGX" -- "$T/read_usccs.txt" "$T/clauses.txt" "$SCALE_COOKIE" \
    "$SCALE_CSRF" >"$T/wrk.out" 2>&1 &
wrk_pid=$!
SCALE_READY_FILE="$T/restarted" timeout $((SECONDS_RUN + 60)) python3 scripts/scale/writer.py "$NGX" "http://127.0.0.1:$P_S1" \
    "http://127.0.0.1:$P_S2" "$T/write_usccs.txt" "$T/acked.tsv" "$SECONDS_RUN" "$WRITE_INTERVAL" \
    $((SECONDS_RUN * 6 / 10)) >"$T/writer.json" 2>"$T/writer.err" &
writer_pid=$!
t_run=$(now)
load_before=$(load_avg)
sleep 1 # (wrk and the writer have started their threads)
cpu_snapshot "$T/cpu0.txt"
# the second snapshot 2 s before the end, while wrk and the writer still run
(
    sleep $((SECONDS_RUN - 3))
    cpu_snapshot "$T/cpu1.txt"
    load_avg >"$T/load_end.txt"
) &
snap_pid=$!
sleep $((SECONDS_RUN * 4 / 10))
kill -9 "$(cat "$T/s2.pid")"
t_kill=$(elapsed "$t_run" "$(now)")
log "server 2 killed (kill -9) at ${t_kill}s; restarting"
t_restart=$(start_server s2 "$P_S2") || t_restart=null
pids="$pids $(cat "$T/s2.pid")"
touch "$T/restarted" # the writer publishes the policy after this (and after 60 % of the run)
log "server 2 answering again after ${t_restart}s"
wait "$writer_pid" || log "writer: $(tail -n 3 "$T/writer.err")"
wait "$snap_pid" || true
load_end=$(cat "$T/load_end.txt" 2>/dev/null || true)
wait "$wrk_pid" || log "wrk exited non-zero: $(tail -n 5 "$T/wrk.out")"
cat "$T/wrk.out" >&2
kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null # graceful: flushes the access log
nginx_pid=""

# ---- checks ----
sleep 2 # the last notices and reloads settle
# 1. every acknowledged write is in the primary, with its values
psql -qX "$pri" -c "CREATE TABLE scale_acked (uscc TEXT, name TEXT, employees BIGINT)" \
    -c "\\copy scale_acked FROM '$T/acked.tsv'" >/dev/null
n_acked=$(psql -qtAX "$pri" -c "SELECT count(*) FROM scale_acked")
n_lost=$(psql -qtAX "$pri" -c "SELECT count(*) FROM scale_acked a WHERE NOT EXISTS (SELECT 1 FROM \
    enterprise e WHERE e.uscc = a.uscc AND e.name = a.name AND e.employees = a.employees)")
# 2. both servers answer the same
same=0 differ=0 diffs=""
compare() { # METHOD PATH [BODY]
    local a b
    local h=(-H "Cookie: $SCALE_COOKIE" -H "X-CSRF-Token: $SCALE_CSRF")
    a=$(curl -s -m 30 "${h[@]}" -X "$1" "http://127.0.0.1:$P_S1$2" ${3:+-d "$3"} || true)
    b=$(curl -s -m 30 "${h[@]}" -X "$1" "http://127.0.0.1:$P_S2$2" ${3:+-d "$3"} || true)
    if [ -n "$a" ] && [ "$a" = "$b" ] && ! echo "$a" | grep -q '"error"'; then same=$((same + 1)); else
        differ=$((differ + 1))
        diffs="$diffs $1 $2;"
    fi
}
for u in $(head -n 10 "$T/read_usccs.txt") $(head -n 5 "$T/acked.tsv" | cut -f 1); do
    compare GET "/api/enterprises/$u/matches"
    compare GET "/api/enterprises/$u"
done
for q in %E9%AB%98%E6%96%B0%E6%8A%80%E6%9C%AF%E4%BC%81%E4%B8%9A %E7%AE%97%E5%8A%9B%E5%88%B8 \
    %E7%A0%94%E5%8F%91%E8%B4%B9%E7%94%A8 %E4%BA%BA%E6%89%8D; do
    compare GET "/api/search?q=$q"
done
for r in '{"rule":"资质 包含 \"高新技术企业\""}' '{"rule":"营业收入 >= 1000万元 且 从业人员 <= 300"}'; do
    compare POST /api/match/preview "$r"
done
for c in $(head -n 3 "$T/clauses.txt"); do compare GET "/api/clauses/$c/enterprises?page=2"; done
curl -s -m 10 -o "$T/health1.json" "http://127.0.0.1:$P_S1/api/health?notices=recent" || true
curl -s -m 10 -o "$T/health2.json" "http://127.0.0.1:$P_S2/api/health?notices=recent" || true

# ---- scale.json ----
mkdir -p "$(dirname "$OUT")"
python3 - "$T" "$OUT" <<EOF
import json, re, sys, os
T, out = sys.argv[1], sys.argv[2]
wrk_text = open(os.path.join(T, "wrk.out")).read()
m = re.search(r"^SCALE_JSON (.*)$", wrk_text, re.M)
w = json.loads(m.group(1)) if m else {}
try:
    writer = json.load(open(os.path.join(T, "writer.json")))
except Exception as e:
    writer = {"error": str(e)}
pub = writer.get("publish", {})
vis = pub.get("visible_ms", {})
# freshness: the lag each server measured from the primary's commit of the publish to its own
# swap of the catalog and the search index (the client's view, vis, includes queueing)
app = pub.get("applied", {})
fresh_ok = len(app) == 2 and all(a is not None and a[k]["lag_ms"] <= 1000
                                 for a in app.values() for k in ("catalog", "search"))
dur = w.get("duration_us", 0) / 1e6
lat = w.get("latency_us", {})
def nginx_log():
    """Statuses nginx answered with, per endpoint kind, and how many requests each server got."""
    status, upstream, kinds = {}, {}, {}
    try:
        lines = open(os.path.join(T, "nginx", "logs", "access.log")).read().splitlines()
    except Exception as e:
        return {"error": str(e)}
    for line in lines:
        f = line.split(" ")
        if len(f) < 6:
            continue
        status[f[0]] = status.get(f[0], 0) + 1
        for a in f[1].split(","):
            a = a.strip()
            if a and a != "-":
                upstream[a] = upstream.get(a, 0) + 1
        uri = f[5]
        kind = ("search" if uri.startswith("/api/search") else "preview" if uri.endswith("/preview")
                else "matches" if uri.endswith("/matches") else "clause_enterprises"
                if uri.startswith("/api/clauses/") else "write" if f[4] == "POST" else "other")
        k = kinds.setdefault(kind, {})
        k[f[0]] = k.get(f[0], 0) + 1
    return {"requests": len(lines), "status": status, "by_kind": kinds, "upstream_requests": upstream}
def health(name):
    try:
        h = json.load(open(os.path.join(T, name)))
    except Exception as e:
        return {"error": str(e)}
    h.get("notices", {}).pop("recent", None)  # (summarised in enterprise_freshness)
    return h
def enterprise_freshness():
    """For the acknowledged edits each server's health still lists (?notices=recent: its last 256
    applications; server 2's only since its restart): the lag from the primary's commit to the
    server's index update, as the server measured it."""
    acked = set()
    try:
        acked = {line.split("\t")[0] for line in open(os.path.join(T, "acked.tsv"))}
    except Exception:
        pass
    out = {}
    for name, f in (("server1", "health1.json"), ("server2", "health2.json")):
        try:
            rec = json.load(open(os.path.join(T, f)))["notices"]["recent"]
        except Exception as e:
            out[name] = {"error": str(e)}
            continue
        lags = sorted(r["applied_at_ms"] - r["committed_at_ms"] for r in rec
                      if r["kind"] == "enterprise" and r.get("uscc") in acked
                      and r.get("committed_at_ms"))
        q = lambda p: lags[min(len(lags) - 1, int(p * len(lags)))] if lags else None
        out[name] = {"edits": len(lags), "lag_ms_p50": q(0.5), "lag_ms_p90": q(0.9),
                     "lag_ms_max": lags[-1] if lags else None}
    return out
ent_fresh = enterprise_freshness()
def t(v):
    return None if v in ("", "null") else float(v)
def cpu():
    """CPU seconds each part used between the two snapshots (1 s after the start, 2 s before the
    end; server 2's killed process is not counted, its restarted one from its start), and the
    machine's: how much of its CPU the cluster got."""
    def read(name):
        d = {}
        for line in open(os.path.join(T, name)):
            part, pid, ticks = line.split()
            d[(part, pid)] = int(ticks)
        return d
    try:
        a, b = read("cpu0.txt"), read("cpu1.txt")
    except Exception as e:
        return {"error": str(e)}
    hz = os.sysconf("SC_CLK_TCK")
    parts = {}
    for (part, pid), ticks in b.items():
        if part.startswith("machine"):
            continue
        parts[part] = parts.get(part, 0) + ticks - a.get((part, pid), 0)
    busy = b[("machine_busy", "0")] - a[("machine_busy", "0")]
    total = b[("machine_all", "0")] - a[("machine_all", "0")]
    ours = sum(parts.values())
    return {"cpu_s": {k: round(v / hz, 1) for k, v in sorted(parts.items())},
            "cluster_cpu_s": round(ours / hz, 1),
            "machine_busy_cpu_s": round(busy / hz, 1),
            "machine_cpu_s": round(total / hz, 1),
            "others_cpu_s": round((busy - ours) / hz, 1),
            "note": "others: the machine's CPU used by processes outside this cluster "
                    "(other sessions' builds and tests) during the run"}
res = {
    "what": "make scale-test: PostgreSQL 15 primary + streaming replica, 2 duijie servers "
            "(reads from the replica), nginx, wrk through nginx; one server kill -9 and restarted "
            "mid-run; all on one machine (loopback)",
    "machine": {"cpus": os.cpu_count(), "mem_gib": round(os.sysconf("SC_PAGE_SIZE") *
                os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                "load_average_at_start": "$load_before", "load_average_at_end": "$load_end"},
    "cpu": cpu(),
    "config": {"enterprises": $N, "connections": $CONNS, "seconds": $SECONDS_RUN,
               "server_threads": $THREADS, "write_interval_s": $WRITE_INTERVAL,
               "wrk_threads": 2, "mix": "4 search, 3 enterprise matches, 2 match preview (POST), "
               "1 clause enterprises page per 10 requests"},
    "setup_s": {"demo_load": t("$t_demo"), "server1_ready": t("$t_start1"),
                "server2_ready": t("$t_start2")},
    "load": {"requests": w.get("requests"),
             "requests_per_s": round(w["requests"] / dur, 1) if dur else None,
             "latency_ms": {k: round(v / 1000, 1) for k, v in lat.items()},
             "errors": w.get("errors")},
    "fault": {"server2_killed_at_s": t("$t_kill"), "server2_ready_after_restart_s": t("$t_restart")},
    "writes": {k: writer.get(k) for k in ("sent", "acked", "failed", "errors")},
    "publish": pub,
    "nginx": nginx_log(),
    "health_after": {"server1": health("health1.json"), "server2": health("health2.json")},
    "checks": {
        "acknowledged_writes": int("$n_acked"), "lost_writes": int("$n_lost"),
        "no_write_lost": int("$n_lost") == 0 and int("$n_acked") > 0,
        "same_answers": $same, "different_answers": $differ,
        "differing": "$diffs".strip(),
        "servers_answer_the_same": $differ == 0 and $same > 0,
        "policy_applied_on_both_within_1s": fresh_ok,
    },
    "freshness": {
        "note": "lag_ms: from the primary's clock when the write's statement ran (in the change "
                "notice) to the server's swap of the new rows / catalog / search index (its "
                "health); seen_by_client_ms: from the publish's acknowledgement until a search "
                "sent to that server found it, which includes waiting behind the load",
        "policy": {name: {"catalog_lag_ms": (a or {}).get("catalog", {}).get("lag_ms"),
                          "search_lag_ms": (a or {}).get("search", {}).get("lag_ms"),
                          "seen_by_client_ms": vis.get(name)}
                   for name, a in sorted(app.items())},
        "enterprise_edits": ent_fresh,
    },
}
res["ok"] = all(res["checks"][k] for k in ("no_write_lost", "servers_answer_the_same",
                                           "policy_applied_on_both_within_1s"))
with open(out, "w") as f:
    json.dump(res, f, ensure_ascii=False, indent=2)
    f.write("\n")
print(json.dumps(res, ensure_ascii=False, indent=2))
sys.exit(0 if res["ok"] else 1)
EOF
