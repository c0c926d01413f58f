#!/usr/bin/env bash
# TLS for the external channels, against loopback sinks (tests/sh/notify_sink.py) that present a
# self-signed certificate made here with `openssl req`: SMTP with STARTTLS (the default) and with
# implicit TLS, SMS/WeChat webhooks over HTTPS, the certificate verified against --ca-file; a
# failed handshake (the system's CAs do not know the certificate, a certificate for another name,
# a server that offers no STARTTLS) is an error like any other failed delivery — recorded, retried
# after the backoff — and the retry with the right CA delivers each message once; --tls-insecure
# (tests only) skips the check.
. "$(dirname "$0")/lib/suite.sh"
suite_needs python3 sqlite3 openssl
cert() { # name, subjectAltName
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=duijie test $1" \
        -addext "subjectAltName=$2" -keyout "$tmp/$1.key" -out "$tmp/$1.pem" >/dev/null 2>&1
}
cert good "IP:127.0.0.1,DNS:localhost" || bad "openssl req"
cert other "DNS:gateway.example.cn" || bad "openssl req"
sink() { # name, extra args → ports in $smtp $http $smtps $https
    python3 tests/sh/notify_sink.py --log "$tmp/$1.log" --ports "$tmp/$1.ports" --secret s3cret "${@:2}" &
    pids+=($!)
    for _ in $(seq 100); do [ -f "$tmp/$1.ports" ] && break; sleep 0.05; done
    read -r smtp http smtps https <"$tmp/$1.ports"
}
q() { sqlite3 "$1" "$2"; }
# newdb NAME CHANNELS: two recipients on those channels, one message each
newdb() {
    db=$tmp/$1.db
    for r in 91370200MA0000001A 91370200MA0000002B; do
        $D notify prefs $r --db "$db" --channels "inapp,$2" --email "$r@example.cn" \
            --phone 13800000000 --wechat "openid-$r" >/dev/null
        $D notify enqueue --db "$db" --key "tls:$1:$r" --to $r --topic publish \
            --subject "新政策 $1" --body "正文" >/dev/null
    done
}
n_log() { grep -c "\"channel\": \"$2\".*\"tls\": true" "$tmp/$1.log" 2>/dev/null; }

sink good --tls-cert "$tmp/good.pem" --tls-key "$tmp/good.key"
[ -n "${https:-}" ] || bad "the TLS sink did not start"
hooks=(--sms-url "https://127.0.0.1:$https/sms" --wechat-url "https://127.0.0.1:$https/wechat" --secret s3cret)

# ---- STARTTLS (the default) and HTTPS webhooks, verified against the CA file ----
newdb a email,sms,wechat
out=$($D notify send --once --db "$db" --smtp "127.0.0.1:$smtp" "${hooks[@]}" --ca-file "$tmp/good.pem" 2>&1)
check "STARTTLS + HTTPS: all sent ($out)" 'echo "$out" | grep -q "\"sent\":8"'
check "2 emails over STARTTLS" '[ "$(n_log good email)" = 2 ]'
check "2 SMS over HTTPS" '[ "$(n_log good sms)" = 2 ]'
check "2 WeChat over HTTPS" '[ "$(n_log good wechat)" = 2 ]'
check "webhook signatures verify over HTTPS" '! grep -q "\"sig_ok\": false" "$tmp/good.log"'
check "nothing arrived in clear" '! grep -q "\"tls\": false" "$tmp/good.log"'

# ---- implicit TLS (smtps) ----
newdb b email
out=$($D notify send --once --db "$db" --smtp "127.0.0.1:$smtps" --smtp-tls implicit --ca-file "$tmp/good.pem" 2>&1)
check "implicit TLS: sent ($out)" 'echo "$out" | grep -q "\"sent\":4"'
check "2 more emails over TLS" '[ "$(n_log good email)" = 4 ]'
newdb b2 email
$D notify send --once --db "$db" --smtp "127.0.0.1:$smtp" --smtp-tls maybe >/dev/null 2>&1
check "an unknown TLS mode is an error" \
    '[ "$(q "$db" "SELECT COUNT(*) FROM notify_outbox WHERE last_error LIKE '"'"'%starttls, implicit or none%'"'"'")" = 2 ]'

# ---- a failed handshake is retried with backoff, then delivered once ----
newdb c email,sms
before=$(wc -l <"$tmp/good.log")
out=$($D notify send --once --db "$db" --smtp "127.0.0.1:$smtp" "${hooks[@]}" --backoff 30 2>&1)
check "unknown CA: nothing sent ($out)" 'echo "$out" | grep -q "\"sent\":2" && echo "$out" | grep -q "\"retried\":4"'
check "the error names the certificate" \
    '[ "$(q "$db" "SELECT COUNT(*) FROM notify_outbox WHERE state = '"'"'queued'"'"' AND attempts = 1 AND last_error LIKE '"'"'%TLS handshake%certificate%'"'"'")" = 4 ]'
check "next attempt after the backoff (30 s)" \
    '[ "$(q "$db" "SELECT COUNT(*) FROM notify_outbox WHERE channel <> '"'"'inapp'"'"' AND next_at - claimed_at BETWEEN 30 AND 45")" = 4 ]'
check "the attempts are recorded as errors" \
    '[ "$(q "$db" "SELECT COUNT(*) FROM notify_attempt WHERE outcome = '"'"'error'"'"' AND error LIKE '"'"'%TLS%'"'"'")" = 4 ]'
check "nothing reached the sink" '[ "$(wc -l <"$tmp/good.log")" = "$before" ]'
out=$($D notify send --once --db "$db" --smtp "127.0.0.1:$smtp" "${hooks[@]}" --ca-file "$tmp/good.pem" 2>&1)
check "before the backoff: nothing due ($out)" 'echo "$out" | grep -q "\"claimed\":0"'
sqlite3 "$db" "UPDATE notify_outbox SET next_at = next_at - 30 WHERE state = 'queued'" # time passes
out=$($D notify send --once --db "$db" --smtp "127.0.0.1:$smtp" "${hooks[@]}" --ca-file "$tmp/good.pem" 2>&1)
check "the retry with the CA delivers ($out)" 'echo "$out" | grep -q "\"sent\":4"'
check "each message once" '[ "$(grep -c "tls:c:" "$tmp/good.log")" = 4 ] && [ "$(q "$db" "SELECT COUNT(*) FROM notify_outbox WHERE state = '"'"'sent'"'"' AND attempts = 2")" = 4 ]'

# ---- a certificate for another name ----
sink other --tls-cert "$tmp/other.pem" --tls-key "$tmp/other.key"
newdb d email,wechat
out=$($D notify send --once --db "$db" --smtp "127.0.0.1:$smtp" --wechat-url "https://127.0.0.1:$https/wechat" --ca-file "$tmp/other.pem" 2>&1)
check "another name: refused ($out)" 'echo "$out" | grep -q "\"retried\":4"'
check "the error says the name does not match" \
    '[ "$(q "$db" "SELECT COUNT(*) FROM notify_outbox WHERE last_error LIKE '"'"'%certificate%mismatch%'"'"'")" = 4 ]'
check "nothing reached that sink" '[ ! -s "$tmp/other.log" ]'
# --tls-insecure (tests only) skips the check
sqlite3 "$db" "UPDATE notify_outbox SET next_at = 0 WHERE state = 'queued'"
out=$($D notify send --once --db "$db" --smtp "127.0.0.1:$smtp" --wechat-url "https://127.0.0.1:$https/wechat" --tls-insecure 2>"$tmp/insecure.err")
check "--tls-insecure delivers ($out)" 'echo "$out" | grep -q "\"sent\":4"'
check "--tls-insecure warns" 'grep -q "NOT verified" "$tmp/insecure.err"'

# ---- STARTTLS is required: a server that does not offer it gets nothing ----
sink plain
newdb e email
out=$($D notify send --once --db "$db" --smtp "127.0.0.1:$smtp" --ca-file "$tmp/good.pem" 2>&1)
check "no STARTTLS offered: refused ($out)" 'echo "$out" | grep -q "\"retried\":2"'
check "the error says so" '[ "$(q "$db" "SELECT COUNT(*) FROM notify_outbox WHERE last_error LIKE '"'"'%offers no STARTTLS%'"'"'")" = 2 ]'
check "nothing sent in clear" '[ ! -s "$tmp/plain.log" ]'
suite_end
