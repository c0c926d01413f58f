#!/usr/bin/env bash
# The commissioners' daily digest run by `duijie serve --notify` (DUIJIE_DIGEST_AT, Beijing time):
# on a demo database whose policies are all made published yesterday, two servers started at once
# with a digest time already past today both catch up on the day, and the outbox holds exactly
# one digest per commissioner told (as many as `duijie notify digest` finds on a copy of the
# database); a restarted server does not run the day again; DUIJIE_DIGEST_AT=off runs nothing;
# `duijie notify send` runs it too; `duijie notify digest` by hand afterwards queues nothing new.
. "$(dirname "$0")/lib/suite.sh"
DB=$T/d.db
"$D" demo --enterprises 4000 --db "$DB" >/dev/null 2>&1 || bad "demo"
today=$(( ($(date +%s) + 8 * 3600) / 86400 ))
day=$(date -u -d "@$((today * 86400))" +%Y-%m-%d)
sqlite3 "$DB" "UPDATE policy SET published = $((today - 1)) WHERE status = 1"
cp "$DB" "$T/copy.db"
want=$("$D" notify digest --db "$T/copy.db" | grep -o '"told":[0-9]*' | grep -o '[0-9]*$')
[ -n "$want" ] && [ "$want" -ge 1 ] && ok || bad "no commissioner to tell on the copy (told=$want)"
digests() { sqlite3 "$DB" "SELECT COUNT(*) FROM notify_outbox WHERE msg_key LIKE 'digest:%:$day'"; }

start() { # start NAME [AT]: a server with the sender thread and the digest at AT
    DUIJIE_DIGEST_AT=${2:-00:00} "$D" serve --port 0 --db "$DB" --web none --threads 2 --notify \
        >"$T/$1.out" 2>"$T/$1.err" &
    pids+=($!)
    eval "pid_$1=$!"
}
wait_done() { # until the day is recorded done (or 60 s)
    for _ in $(seq 1 600); do
        [ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM notify_digest_day WHERE day = $today AND done IS NOT NULL" 2>/dev/null)" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}
start a
start b
wait_done && ok || bad "the day's digest was not recorded done: $(cat "$T/a.err" "$T/b.err" | tail -5)"
sleep 1 # the slower replica finishes its run too
n=$(digests)
[ "$n" = "$want" ] && ok || bad "$n digests in the outbox for $want commissioners told"
dup=$(sqlite3 "$DB" "SELECT COUNT(*) FROM (SELECT recipient FROM notify_outbox WHERE topic = 'digest' GROUP BY recipient HAVING COUNT(*) > 1) d")
[ "$dup" = 0 ] && ok || bad "$dup commissioners told twice"
kill "$pid_a" "$pid_b"; wait "$pid_a" "$pid_b" 2>/dev/null
runs=$(cat "$T/a.err" "$T/b.err" | grep -c "notify digest $day")
# a restart after the time: the day is done, nothing runs
start c
for _ in $(seq 1 30); do grep -q '^listening' "$T/c.out" && break; sleep 0.1; done
sleep 2
kill "$pid_c"; wait "$pid_c" 2>/dev/null
! grep -q "notify digest $day" "$T/c.err" && [ "$(digests)" = "$want" ] && ok ||
    bad "a restarted server ran the day again: $(grep 'notify digest' "$T/c.err")"
# off: nothing, even on a day not done
sqlite3 "$DB" "DELETE FROM notify_digest_day"
start d off
for _ in $(seq 1 30); do grep -q '^listening' "$T/d.out" && break; sleep 0.1; done
sleep 2
kill "$pid_d"; wait "$pid_d" 2>/dev/null
[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM notify_digest_day")" = 0 ] && ok || bad "DUIJIE_DIGEST_AT=off ran the digest"
# the sender as a process of its own (`notify send`) runs it too: the day again, nothing new
DUIJIE_DIGEST_AT=00:00 "$D" notify send --db "$DB" >/dev/null 2>"$T/send.err" &
pid_s=$!
pids+=("$pid_s")
wait_done && ok || bad "notify send did not run the digest: $(tail -3 "$T/send.err")"
kill "$pid_s"; wait "$pid_s" 2>/dev/null
grep -q "notify digest $day: .* 0 messages queued" "$T/send.err" && [ "$(digests)" = "$want" ] && ok ||
    bad "notify send: $(grep 'notify digest' "$T/send.err"), $(digests) digests"
# by hand: the keys are there, nothing new
q=$("$D" notify digest --db "$DB" | grep -o '"queued":[0-9]*' | grep -o '[0-9]*$')
[ "$q" = 0 ] && [ "$(digests)" = "$want" ] && ok || bad "notify digest by hand queued $q"
echo "digest $day: $want commissioners told; servers that ran it: $runs"
suite_end
