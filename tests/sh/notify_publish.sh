#!/usr/bin/env bash
# Publishing through the API reaches firms: `duijie serve --notify` on a small synthetic Qingdao;
# POST /api/policies (a draft) then POST /api/policies/{id}/publish records a notify event in the
# publish's transaction, and the server's sender thread turns it into one inbox message per firm
# that qualifies, might or nearly qualifies — as many as the matching engine counts for the rule
# (`duijie match clause`). Publishing again queues nothing new.
. "$(dirname "$0")/lib/suite.sh"
suite_needs sqlite3 curl
db=$tmp/p.db
$D demo --enterprises 1500 --seed 5 --db "$db" --clauses 3 >/dev/null 2>&1
printf 'notify-test-pw-1\n' | $D user add officer1 --role officer --dept 青岛市工业和信息化局 --db "$db" >/dev/null 2>&1
serve_start srv --db "$db" --web none --notify
check "server started" '[ -n "$base" ]'
curl -s -c "$tmp/jar" -H 'Content-Type: application/json' \
    -d '{"username":"officer1","password":"notify-test-pw-1"}' "$base/api/auth/login" |
    grep -o '"csrf": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' >"$tmp/csrf"
check "officer signed in" '[ -s "$tmp/csrf" ]'
post() { curl -s -b "$tmp/jar" -H "X-CSRF-Token: $(cat "$tmp/csrf")" -H 'Content-Type: application/json' -X POST "$@"; }
rule='从业人员 >= 50人 且 营业收入 >= 2000万元'
printf '%s\n' "$rule" >"$tmp/r.rule"
body=$(python3 -c 'import json,sys; print(json.dumps({"title":"测试推送政策","department":"青岛市工业和信息化局","clauses":[{"title":"规上奖励","text":"对规上企业给予奖励","rule":sys.argv[1]}]}, ensure_ascii=False))' "$rule")
made=$(post --data "$body" "$base/api/policies")
id=$(echo "$made" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null)
check "draft created ($id)" '[ -n "$id" ]'
check "a draft tells nobody" '[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM notify_event")" = 0 ]'
code=$(post -o /dev/null -w '%{http_code}' "$base/api/policies/$id/publish")
check "published ($code)" '[ "$code" = 200 ]'
check "publish recorded an event" '[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM notify_event WHERE ref_id = $id")" = 1 ]'
for _ in $(seq 150); do
    [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM notify_event WHERE done IS NULL")" = 0 ] && break
    sleep 0.2
done
sleep 1.5 # the thread delivers the queued inbox rows in its next batches
for _ in $(seq 50); do
    [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM notify_outbox WHERE state = 'queued'")" = 0 ] && break
    sleep 0.2
done
m=$($D match clause "$tmp/r.rule" --db "$db" --json --limit 1)
num() { echo "$m" | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }
want=$(($(num eligible) + $(num unknown) + $(num nearly)))
got=$(sqlite3 "$db" "SELECT COUNT(*) FROM notify_inbox WHERE ref LIKE 'policy:$id:%'")
check "inbox messages = eligible + unknown + nearly ($got vs $want)" '[ "$got" = "$want" ] && [ "$got" -gt 0 ]'
check "nearly messages say what is missing" '[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM notify_inbox WHERE subject LIKE '"'%差一项%'"' AND body LIKE '"'%还差一项条件%'"'")" = "$(num nearly)" ]'
post -o /dev/null "$base/api/policies/$id/publish"
sleep 2.5
got2=$(sqlite3 "$db" "SELECT COUNT(*) FROM notify_outbox WHERE ref LIKE 'policy:$id:%'")
check "publishing again queues nothing new ($got2)" '[ "$got2" = "$got" ]'
suite_end
