#!/usr/bin/env bash
# Reads from a PostgreSQL streaming replica (`duijie serve --db-read`, src/http/replica.c): starts a
# primary and a streaming replica (scripts/pg.sh start / replica), loads a small demo into the
# primary and checks, with the replica's replay paused so that the two databases differ:
#   - the marked reads (an enterprise, the list) are answered from the replica (they show the
#     replica's older row, written on the primary without a change notice);
#   - a write through the API goes to the primary (there at once, not on the paused replica) and
#     hands back the primary's WAL position; a read with it (read-your-writes) and a read after the
#     change notice both see the write (they wait for the replica, then go to the primary);
#   - once replay resumes, reads are the replica's again and the health endpoint shows the replica
#     (standby, replay position, lag, bytes behind);
#   - the server's LISTEN connection on the primary cut: health 503 "reconnecting", then 200;
#   - the replica stopped: reads still answer (from the primary) and health says "unreachable";
#   - --db-read without a PostgreSQL --db is refused.
# Skipped when PostgreSQL cannot start.
. "$(dirname "$0")/lib/suite.sh"
at_exit "rm -f '$T.initdb.log'"
at_exit "scripts/pg.sh stop '$T/replica'"
port=$((20000 + RANDOM % 20000))
suite_pg pri "$T/primary" "$port"
if ! rep=$(scripts/pg.sh replica "$T/replica" $((port + 1)) "$pri" 2>"$T/rep.err"); then
    suite_abort "replica did not start: $(head -c 300 "$T/rep.err")"
fi
ok
[ "$(psql -tAX "$rep" -c "SELECT pg_is_in_recovery()")" = t ] && ok || bad "replica is not a standby"
$D demo --enterprises 500 --db "$pri" >/dev/null 2>"$T/demo.err" && ok ||
    bad "demo: $(tail -n 2 "$T/demo.err")"

$D serve --port 0 --db "$pri" --db-read "$rep" --web none --threads 3 >"$T/s.out" 2>"$T/s.err" &
pids+=($!)
for _ in $(seq 1 100); do
    grep -q '^listening on ' "$T/s.out" && break
    sleep 0.1
done
u=$(sed -n 's/^listening on //p' "$T/s.out")
[ -n "$u" ] && ok || bad "server did not start: $(head -c 300 "$T/s.err")"
h=$(curl -s "$u/api/health")
echo "$h" | grep -q '"read_store":{"status":"ok","standby":true' && ok || bad "health: $h"

# an administrator signed in; its session cookie goes in the one Cookie header with duijie_lsn
. tests/sh/lib/signin.sh
tmp=$T
signin_user "$pri" rep_admin admin && signin "$u" rep_admin && ok || bad "sign in"
curl() {
    command curl -H "Cookie: $SIGNIN_COOKIE${LSN:+; duijie_lsn=$LSN}" -H "X-CSRF-Token: $SIGNIN_CSRF" "$@"
}

sql() { psql -qtAX "$1" -c "$2" 2>&1; }
first=$(sql "$pri" "SELECT uscc FROM enterprise ORDER BY id LIMIT 1")
second=$(sql "$pri" "SELECT uscc FROM enterprise ORDER BY id OFFSET 1 LIMIT 1")
name() { # name URL [COOKIE]: the "name" of an enterprise as the API gives it
    LSN=${2:-} curl -s "$1" | grep -o '"name":"[^"]*"' | head -n 1
}

# 1. replay paused; the primary's row changed without a change notice: the reads show the replica's
# (a first read catches the server up with the demo's change notices while replay still runs: the
# replica has replayed everything the primary wrote so far, so the server finds it caught up)
caught_up() { # the replica has replayed the primary's current WAL position
    local lsn
    lsn=$(sql "$pri" "SELECT pg_current_wal_lsn()")
    for _ in $(seq 1 100); do
        [ "$(sql "$rep" "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
        sleep 0.1
    done
    return 1
}
caught_up || bad "the replica did not catch up with the demo"
name "$u/api/enterprises/$first" >/dev/null
sql "$rep" "SELECT pg_wal_replay_pause()" >/dev/null
sql "$pri" "BEGIN; ALTER TABLE enterprise DISABLE TRIGGER USER; UPDATE enterprise SET \
    name = '青岛主库改名有限公司' WHERE uscc = '$first'; ALTER TABLE enterprise ENABLE TRIGGER \
    USER; COMMIT" >/dev/null
old=$(sql "$rep" "SELECT name FROM enterprise WHERE uscc = '$first'")
a=$(name "$u/api/enterprises/$first")
[ "$a" = "\"name\":\"$old\"" ] && ok || bad "GET one not from the replica: $a (replica has $old)"
a=$(name "$u/api/enterprises?q=$first")
[ "$a" = "\"name\":\"$old\"" ] && ok || bad "GET list not from the replica: $a (replica has $old)"

# 2. a write through the API lands on the primary and returns its WAL position
hdr=$(curl -s -D - -o "$T/post.json" -XPOST "$u/api/enterprises" \
    -d "{\"uscc\":\"$second\",\"name\":\"青岛写入主库有限公司\"}")
echo "$hdr" | grep -q '^HTTP/1.1 201' && ok || bad "POST: $(echo "$hdr" | head -n 1)"
lsn=$(echo "$hdr" | sed -n 's/^Set-Cookie: duijie_lsn=\([0-9A-F]*\/[0-9A-F]*\);.*/\1/p' | tr -d '\r')
[ -n "$lsn" ] && ok || bad "no duijie_lsn cookie after a write: $hdr"
[ "$(sql "$pri" "SELECT name FROM enterprise WHERE uscc = '$second'")" = 青岛写入主库有限公司 ] && ok ||
    bad "the write is not on the primary"
[ "$(sql "$rep" "SELECT name FROM enterprise WHERE uscc = '$second'")" != 青岛写入主库有限公司 ] && ok ||
    bad "the paused replica has the write already (replay was not paused?)"
# read-your-writes: with the position the read goes to the primary
a=$(name "$u/api/enterprises/$second" "$lsn")
[ "$a" = '"name":"青岛写入主库有限公司"' ] && ok || bad "read-your-writes: $a"
# after the change notice, a read without the cookie waits for the replica, then uses the primary
a=$(name "$u/api/enterprises/$first")
[ "$a" = '"name":"青岛主库改名有限公司"' ] && ok || bad "read after a notice is stale: $a"
h=$(curl -s "$u/api/health")
b=$(echo "$h" | grep -o '"behind_bytes":[0-9]*' | grep -o '[0-9]*$')
[ -n "$b" ] && [ "$b" -gt 0 ] && ok || bad "health while the replica is paused: $h"

# 3. replay resumed: the replica catches up and serves again (its rows equal the primary's)
sql "$rep" "SELECT pg_wal_replay_resume()" >/dev/null
for _ in $(seq 1 50); do
    [ "$(sql "$rep" "SELECT name FROM enterprise WHERE uscc = '$second'")" = 青岛写入主库有限公司 ] && break
    sleep 0.1
done
a=$(name "$u/api/enterprises/$second" "$lsn")
[ "$a" = '"name":"青岛写入主库有限公司"' ] && ok || bad "after resume: $a"
n=$(sql "$rep" "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND \
    query LIKE '%FROM enterprise%'")
[ -n "$n" ] && [ "$n" -gt 0 ] && ok || bad "no enterprise query ran on the replica ($n)"
h=$(curl -s "$u/api/health")
# (other modules' background writes may keep it a few bytes behind at any moment)
echo "$h" | grep -q '"lag_ms":[0-9]' && echo "$h" | grep -q '"behind_bytes":[0-9]' && ok ||
    bad "health after catching up: $h"
c=$(curl -s -o /dev/null -w '%{http_code}' "$u/api/search?q=%E9%AB%98%E6%96%B0")
[ "$c" = 200 ] && ok || bad "search on the replica: HTTP $c"
c=$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$u/api/match/preview" \
    -d '{"rule":"资质 包含 \"高新技术企业\""}')
[ "$c" = 200 ] && ok || bad "match preview on the replica: HTTP $c"

# 4. the LISTEN connection on the primary cut: health says 503, then recovers
sql "$pri" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = \
    'LISTEN duijie_change'" >/dev/null
seen503=no
c=""
for _ in $(seq 1 30); do
    c=$(curl -s -o /dev/null -w '%{http_code}' "$u/api/health")
    [ "$c" = 503 ] && seen503=yes
    [ "$seen503" = yes ] && [ "$c" = 200 ] && break
    sleep 0.1
done
[ "$seen503" = yes ] && [ "$c" = 200 ] && ok ||
    bad "health across a lost LISTEN connection: saw 503 $seen503, last $c"

# 5. the replica stopped: reads go to the primary, health says the replica is unreachable
scripts/pg.sh stop "$T/replica"
h=$(curl -s "$u/api/health")
echo "$h" | grep -q '"read_store":{"status":"unreachable"' && ok || bad "health, replica down: $h"
a=$(name "$u/api/enterprises/$second")
[ "$a" = '"name":"青岛写入主库有限公司"' ] && ok || bad "read with the replica down: $a"

# 6. --db-read needs a PostgreSQL primary
if $D serve --port 0 --db "$T/x.db" --db-read "$rep" --web none >/dev/null 2>"$T/bad.err"; then
    bad "--db-read with SQLite was accepted"
else
    grep -q 'db-read' "$T/bad.err" && ok || bad "--db-read with SQLite: $(cat "$T/bad.err")"
fi

suite_end
