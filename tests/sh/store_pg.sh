#!/usr/bin/env bash
# The PostgreSQL store against the SQLite one: starts a throw-away cluster (scripts/pg.sh), runs the
# store unit tests on it (TEST_FILTER=store_pg: the same bodies tests/store_test.c runs on SQLite),
# then loads the same demo (`duijie demo --enterprises 2000`) into PostgreSQL and into SQLite, serves
# both with `duijie serve --port 0`, and checks that the API answers the same (the health endpoint
# apart from its "store", "changes" and "notices" fields); a second server on the same database hears the first
# one's write (LISTEN/NOTIFY) and its health says 503 while its LISTEN connection is cut. Also: two replicas starting at once on an empty database migrate
# once (the advisory lock), and $DUIJIE_DB picks the database when --db is not given.
# Skipped when PostgreSQL cannot start.
. "$(dirname "$0")/lib/suite.sh"
at_exit 'for p in $(cat "$T/pids" 2>/dev/null); do kill "$p"; done'
suite_pg uri "$T/pg"
[ -x build/test_runner ] || make --no-print-directory build/test_runner >/dev/null
base=${uri%/*}
psql -q "$uri" -c "CREATE DATABASE demo" -c "CREATE DATABASE race" -c "CREATE DATABASE envdb" \
    >"$T/psql.err" 2>&1 || bad "create databases: $(cat "$T/psql.err")"

# 1. the store's unit tests on PostgreSQL
out=$(DUIJIE_PG_URI="$uri" TEST_FILTER=store_pg build/test_runner 2>&1)
rc=$?
echo "$out" | grep -E '^(FAIL|SKIP)' | head -n 40
last=$(echo "$out" | tail -n 1)
if [ $rc -eq 0 ] && echo "$last" | grep -q ', 0 failed' && ! echo "$last" | grep -q '^0 passed' &&
    ! echo "$last" | grep -q 'skipped'; then ok; else bad "store_pg unit tests: $last"; fi

# 2. the same demo in both stores
pg="$base/demo"
if $D demo --enterprises 2000 --db "$pg" >"$T/demo_pg.json" 2>"$T/demo_pg.err"; then ok; else
    bad "demo on PostgreSQL: $(tail -n 3 "$T/demo_pg.err")"
fi
if $D demo --enterprises 2000 --db "$T/s.db" >"$T/demo_sq.json" 2>"$T/demo_sq.err"; then ok; else
    bad "demo on SQLite: $(tail -n 3 "$T/demo_sq.err")"
fi
n_pg=$(psql -tA "$pg" -c "SELECT count(*) FROM enterprise" 2>/dev/null)
[ "$n_pg" = 2000 ] && ok || bad "PostgreSQL holds $n_pg enterprises, not 2000"

start() { # start NAME DB: serve DB, print its base URL
    $D serve --port 0 --db "$2" --web none --threads 4 >"$T/$1.out" 2>"$T/$1.err" &
    echo $! >>"$T/pids" # (a file: start runs in a $(…) subshell)
    for _ in $(seq 1 100); do
        grep -q '^listening on http://127.0.0.1:[0-9]*$' "$T/$1.out" && break
        sleep 0.1
    done
    sed -n 's/^listening on //p' "$T/$1.out"
}
u_pg=$(start pg "$pg")
u_sq=$(start sq "$T/s.db")
# an administrator signed in on each store; the PostgreSQL session serves every replica of it
. tests/sh/lib/signin.sh
tmp=$T
rc_pg=/dev/null rc_sq=/dev/null
if [ -n "$u_pg" ] && signin_user "$pg" pg_admin admin && signin "$u_pg" pg_admin; then
    rc_pg=$SIGNIN_CURLRC
fi
if [ -n "$u_sq" ] && signin_user "$T/s.db" sq_admin admin && signin "$u_sq" sq_admin; then
    rc_sq=$SIGNIN_CURLRC
fi
curl() { # the session of the store the URL is served from
    local rc=$rc_pg
    case " $* " in *"$u_sq"[/\ ]*) rc=$rc_sq ;; esac
    command curl -K "$rc" "$@"
}
if [ -z "$u_pg" ] || [ -z "$u_sq" ]; then
    bad "servers did not start: $(cat "$T/pg.err" "$T/sq.err" 2>/dev/null | head -c 400)"
else
    h_pg=$(curl -s "$u_pg/api/health")
    h_sq=$(curl -s "$u_sq/api/health")
    echo "$h_pg" | grep -q '"store":"postgres"' && ok || bad "health on PostgreSQL: $h_pg"
    echo "$h_pg" | grep -q '"changes":"listening"' && ok || bad "health: not listening: $h_pg"
    h_pg_core=${h_pg/,\"changes\":\"listening\"/}
    h_pg_core=$(echo "$h_pg_core" | sed 's/,"notices":{[^}]*}//') # PostgreSQL's only
    [ "${h_pg_core/\"store\":\"postgres\"/}" = "${h_sq/\"store\":\"sqlite\"/}" ] && ok ||
        bad "health differs: $h_pg vs $h_sq"
    first=$(psql -tA "$pg" -c "SELECT uscc FROM enterprise ORDER BY id LIMIT 1" 2>/dev/null)
    for path in "/api/enterprises" "/api/enterprises?page=3&page_size=50" \
        "/api/enterprises?q=9137021&page_size=100" "/api/enterprises?region=370212" \
        "/api/enterprises?industry=C&size=3" "/api/enterprises?q=%E8%B4%B8%E6%98%93" \
        "/api/enterprises/$first" "/api/enterprises/$first/matches" \
        "/api/clauses/1/enterprises" "/api/clauses/3/enterprises?page=2"; do
        a=$(curl -s "$u_pg$path")
        b=$(curl -s "$u_sq$path")
        if [ -n "$a" ] && [ "$a" = "$b" ]; then ok; else
            bad "$path differs: $(echo "$a" | head -c 200) vs $(echo "$b" | head -c 200)"
        fi
    done
    body='{"rule":"资质 包含 \"高新技术企业\" 且 营业收入 >= 1000万元"}'
    a=$(curl -s -XPOST "$u_pg/api/match/preview" -d "$body")
    b=$(curl -s -XPOST "$u_sq/api/match/preview" -d "$body")
    if echo "$a" | grep -q '"counts"' && [ "$a" = "$b" ]; then ok; else
        bad "match preview differs: $(echo "$a" | head -c 200) vs $(echo "$b" | head -c 200)"
    fi
fi

# 3. a second replica on the same database hears the first one's write: an enterprise updated
# through replica 1 (the count unchanged) changes replica 2's match counts within two seconds
if [ -n "$u_pg" ]; then
    u_pg2=$(start pg2 "$pg")
    rule='{"rule":"资质 包含 \"高新技术企业\""}'
    count() { curl -s -XPOST "$1/api/match/preview" -d "$rule" | grep -o '"eligible":[0-9]*' | head -n 1; }
    before=$(count "$u_pg2")
    target=$(psql -tA "$pg" -c "SELECT uscc FROM enterprise WHERE qualifications & 1 = 0 AND NOT \
        EXISTS (SELECT 1 FROM enterprise_qualification q WHERE q.enterprise_id = enterprise.id AND \
        q.qualification = 0) ORDER BY id LIMIT 1" 2>/dev/null)
    code=$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$u_pg/api/enterprises" \
        -d "{\"uscc\":\"$target\",\"name\":\"青岛复制测试有限公司\",\"资质\":\"高新技术企业\"}")
    [ "$code" = 201 ] && ok || bad "POST to replica 1: HTTP $code"
    after=""
    for _ in $(seq 1 20); do
        after=$(count "$u_pg2")
        [ -n "$after" ] && [ "$after" != "$before" ] && break
        sleep 0.1
    done
    n0=${before#*:} n1=${after#*:}
    [ -n "$n0" ] && [ "$n1" = $((n0 + 1)) ] && ok ||
        bad "replica 2 did not see replica 1's write: eligible $before → $after"
    # the PostgreSQL backends of replica 2's watch cut: health says so, then recovers
    psql -qtA "$pg" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = \
        'LISTEN duijie_change'" >/dev/null 2>&1
    seen503=no
    for _ in $(seq 1 30); do
        c=$(curl -s -o /dev/null -w '%{http_code}' "$u_pg2/api/health")
        [ "$c" = 503 ] && seen503=yes
        [ "$seen503" = yes ] && [ "$c" = 200 ] && break
        sleep 0.1
    done
    [ "$seen503" = yes ] && [ "$c" = 200 ] && ok ||
        bad "health across a lost LISTEN connection: saw 503 $seen503, last $c"
fi

# 4. two replicas migrating one empty database at once: one migrates, both run
$D demo --enterprises 50 --db "$base/race" >/dev/null 2>"$T/race1.err" &
r1=$!
$D demo --enterprises 50 --seed 2 --db "$base/race" >/dev/null 2>"$T/race2.err" &
r2=$!
wait $r1 && wait $r2 && ok || bad "concurrent first opens: $(tail -n 5 "$T/race1.err" "$T/race2.err")"
v=$(psql -tA "$base/race" -c "SELECT value FROM meta WHERE key = 'schema_version'" 2>/dev/null)
[ -n "$v" ] && [ "$v" -ge 2 ] && ok || bad "schema version after the race: '$v'"

# 5. DUIJIE_DB when --db is not given
if DUIJIE_DB="$base/envdb" $D demo --enterprises 30 >/dev/null 2>"$T/env.err"; then
    n=$(psql -tA "$base/envdb" -c "SELECT count(*) FROM enterprise" 2>/dev/null)
    [ "$n" = 30 ] && ok || bad "DUIJIE_DB: envdb holds '$n' enterprises"
else
    bad "demo with DUIJIE_DB: $(tail -n 2 "$T/env.err")"
fi

suite_end
