#!/usr/bin/env bash
# `duijie notify send` against loopback sinks (tests/sh/notify_sink.py: SMTP and a webhook
# gateway): every channel delivered once with an unsubscribe link and a valid HMAC signature,
# failures retried with backoff and recorded, a publish event turned into inbox messages, and
# kill -9 mid-send: nothing lost (every key arrives, every inbox row once) and the only repeats are
# the messages in flight at the kill, recorded as unacknowledged and carrying the same key.
. "$(dirname "$0")/lib/suite.sh"
suite_needs python3 sqlite3
sink() { # name, extra args
    python3 tests/sh/notify_sink.py --log "$tmp/$1.log" --ports "$tmp/$1.ports" --secret s3cret "${@:2}" &
    pids+=($!)
    for _ in $(seq 100); do [ -f "$tmp/$1.ports" ] && break; sleep 0.05; done
    read -r smtp http <"$tmp/$1.ports"
}
q() { sqlite3 "$1" "$2"; }
prefs() { # db, recipient
    $D notify prefs "$2" --db "$1" --channels inapp,email,sms,wechat --email "$2@example.cn" \
        --phone 13800000000 --wechat "openid-$2" >/dev/null
}

# ---- every channel once ----
sink a
db=$tmp/a.db
for r in 91370200MA0000001A 91370200MA0000002B; do prefs "$db" $r; done
for i in 1 2 3; do
    for r in 91370200MA0000001A 91370200MA0000002B; do
        $D notify enqueue --db "$db" --key "t:$i:$r" --to $r --topic publish --subject "新政策 $i" --body "正文 $i" >/dev/null
    done
done
$D notify enqueue --db "$db" --key "t:1:91370200MA0000001A" --to 91370200MA0000001A --topic publish --subject x >"$tmp/again"
check "a repeated key is not queued" 'grep -q "\"queued\":false" "$tmp/again"'
check "4 channels × 6 messages queued" '[ "$(q "$db" "SELECT COUNT(*) FROM notify_outbox")" = 24 ]'
out=$($D notify send --once --db "$db" --smtp 127.0.0.1:$smtp --smtp-tls none --sms-url http://127.0.0.1:$http/sms \
    --wechat-url http://127.0.0.1:$http/wechat --secret s3cret --base-url http://zc.example)
check "all sent ($out)" 'echo "$out" | grep -q "\"sent\":24"'
check "6 emails" '[ "$(grep -c "\"channel\": \"email\"" "$tmp/a.log")" = 6 ]'
check "6 SMS" '[ "$(grep -c "\"channel\": \"sms\"" "$tmp/a.log")" = 6 ]'
check "6 WeChat" '[ "$(grep -c "\"channel\": \"wechat\"" "$tmp/a.log")" = 6 ]'
check "webhook signatures verify" '! grep -q "\"sig_ok\": false" "$tmp/a.log"'
check "UTF-8 subject arrives" 'grep -q "\"subject\": \"新政策 2\"" "$tmp/a.log"'
check "every email has an unsubscribe link" '[ "$(grep -c "退订:http://zc.example/api/notify/unsubscribe?token=" "$tmp/a.log")" = 6 ]'
check "inbox has 6" '[ "$(q "$db" "SELECT COUNT(*) FROM notify_inbox")" = 6 ]'
out=$($D notify send --once --db "$db" --smtp 127.0.0.1:$smtp --smtp-tls none)
check "a second run sends nothing" 'echo "$out" | grep -q "\"claimed\":0"'

# ---- retry with backoff ----
sink b --fail-first 1
db=$tmp/b.db
prefs "$db" 91370200MA0000003C
$D notify prefs 91370200MA0000003C --db "$db" --channels inapp,sms >/dev/null
$D notify enqueue --db "$db" --key r1 --to 91370200MA0000003C --topic publish --subject 重试 >/dev/null
out=$($D notify send --once --db "$db" --sms-url http://127.0.0.1:$http/sms --secret s3cret --backoff 1)
check "first attempt retried ($out)" 'echo "$out" | grep -q "\"retried\":1"'
check "error recorded" 'q "$db" "SELECT last_error FROM notify_outbox WHERE channel = '"'sms'"'" | grep -q 500'
check "next attempt is in the future" '[ "$(q "$db" "SELECT next_at > created FROM notify_outbox WHERE channel = '"'sms'"'")" = 1 ]'
sleep 1.2
out=$($D notify send --once --db "$db" --sms-url http://127.0.0.1:$http/sms --secret s3cret --backoff 1)
check "second attempt sent ($out)" 'echo "$out" | grep -q "\"sent\":1"'
check "attempts: error then ok" '[ "$(q "$db" "SELECT group_concat(outcome) FROM (SELECT outcome FROM notify_attempt a JOIN notify_outbox o ON o.id = a.outbox_id WHERE o.channel = '"'sms'"' ORDER BY a.id)")" = "error,ok" ]'
out=$($D notify send --once --db "$db" --backoff 1)
check "an unconfigured channel is an error, not a crash" '[ $? -eq 0 ]'
$D notify enqueue --db "$db" --key r2 --to 91370200MA0000003C --topic publish --subject 失败 >/dev/null
for _ in 1 2 3; do $D notify send --once --db "$db" --max-attempts 2 --backoff 1 >/dev/null; sleep 1.1; done
check "no gateway: failed after max attempts" '[ "$(q "$db" "SELECT state || attempts FROM notify_outbox WHERE msg_key = '"'r2:sms'"'")" = failed2 ]'

# ---- a published policy reaches its firms' inboxes through the event ----
db=$tmp/c.db
$D demo --enterprises 300 --seed 3 --db "$db" --clauses 5 >/dev/null 2>&1
pid=$(q "$db" "SELECT MIN(id) FROM policy")
if [ -n "$pid" ]; then
    q "$db" "INSERT INTO notify_event (kind, ref_id, created) VALUES ('publish', $pid, 0)"
    $D notify send --once --db "$db" >/dev/null 2>"$tmp/c.err"
    # the demo's application history has messages of its own (topic application): count the
    # event's
    n=$(q "$db" "SELECT COUNT(*) FROM notify_inbox WHERE topic = 'publish'")
    check "publish event done" '[ "$(q "$db" "SELECT COUNT(*) FROM notify_event WHERE done IS NULL")" = 0 ]'
    check "inbox rows = queued ($n)" '[ "$n" = "$(q "$db" "SELECT queued FROM notify_event")" ]'
else
    skip=$((skip + 2))
fi

# ---- kill -9 mid-send ----
sink k --delay-ms 25
db=$tmp/k.db
N=120
r=91370200MA0000009X
$D notify prefs "$r" --db "$db" --channels inapp,email --email "boss@example.cn" >/dev/null
for i in $(seq $N); do
    echo "{\"key\": \"k:$i\", \"to\": \"$r\", \"topic\": \"publish\", \"subject\": \"消息 $i\", \"body\": \"正文\"}"
done | $D notify enqueue --jsonl --db "$db" >"$tmp/k.out"
check "jsonl enqueue: 2 rows a message" 'grep -q "\"queued\":$((2 * N))" "$tmp/k.out"'
args=(--db "$db" --smtp 127.0.0.1:$smtp --smtp-tls none --batch 10)
kills=0
for round in 1 2 3; do
    $D notify send "${args[@]}" --recover >/dev/null 2>&1 &
    p=$!
    sleep 0.8
    kill -9 $p 2>/dev/null && kills=$((kills + 1))
    wait $p 2>/dev/null
done
left=$(q "$db" "SELECT COUNT(*) FROM notify_outbox WHERE state = 'sending'")
$D notify send "${args[@]}" --recover --once >/dev/null
distinct=$(grep -o '"key": "[^"]*"' "$tmp/k.log" | sort -u | wc -l)
total=$(grep -c '"key"' "$tmp/k.log")
dups=$((total - distinct))
unack=$(q "$db" "SELECT COUNT(*) FROM notify_attempt WHERE outcome = 'unacknowledged'")
echo "kill -9 x$kills: $distinct distinct emails, $dups repeated, $unack attempts unacknowledged, $left left sending"
check "killed mid-send ($kills kills, $left left 'sending')" '[ $kills -ge 1 ] && [ "$(q "$db" "SELECT COUNT(*) FROM notify_outbox WHERE state = '"'sent'"'")" = $((2 * N)) ]'
check "nothing lost: every email key arrived ($distinct)" '[ "$distinct" = $N ]'
check "repeats only of unacknowledged attempts ($dups <= $unack)" '[ $dups -le "$unack" ]'
check "inbox exactly once each" '[ "$(q "$db" "SELECT COUNT(*), COUNT(DISTINCT outbox_id) FROM notify_inbox")" = "$N|$N" ]'

suite_end
