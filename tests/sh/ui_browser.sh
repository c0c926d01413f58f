#!/usr/bin/env bash
# The web UI in a real browser: playwright-core (npm, package-lock.json) drives Debian's Chromium
# headless through every role's main flow (tests/ui/flow_*.js) at 1366×768 and 390×844 against a
# `duijie serve` started here on a demo database, saving screenshots under tests/ui/screenshots/.
# Also checks the security headers. Skips when Chromium, Node or playwright-core is absent
# (scripts/deps.sh --with-browser and `make web` provide them). UI_FLOWS="policy mine" runs a subset.
set -u
cd "$(dirname "$0")/../.."
D=${DUIJIE:-build/duijie}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() {
    echo "SKIP ui_browser: $*"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
}
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM"
command -v node >/dev/null 2>&1 || skip "no node"
[ -d node_modules/playwright-core ] || make --no-print-directory web >/dev/null 2>&1
node -e 'require("playwright-core")' 2>/dev/null || skip "no playwright-core (make web)"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
[ -x "$D" ] || make --no-print-directory build/duijie >/dev/null
$D demo --enterprises 2000 --seed 5 --db "$tmp/ui.db" >/dev/null 2>&1 || bad demo
$D serve --port 0 --db "$tmp/ui.db" --web web --threads 4 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 100); do
    grep -q '^listening on ' "$tmp/out" && break
    sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$tmp/out")
[ -n "$base" ] || {
    bad "server did not start: $(head -3 "$tmp/err")"
    echo "$pass passed, $fail failed"
    exit 1
}

# security headers on a page and on an API answer
for p in / /api/health; do
    hdr=$(curl -s -D - -o /dev/null "$base$p" | tr -d '\r')
    csp=$(printf '%s\n' "$hdr" | sed -n 's/^Content-Security-Policy: //Ip')
    case "$csp" in *"script-src 'self'"*) ok ;; *) bad "$p: CSP without script-src 'self': $csp" ;; esac
    case "$csp" in *unsafe-inline*) bad "$p: CSP allows unsafe-inline" ;; *) ok ;; esac
    case "$csp" in *"frame-ancestors 'none'"*) ok ;; *) bad "$p: no frame-ancestors" ;; esac
    printf '%s\n' "$hdr" | grep -qi '^X-Content-Type-Options: nosniff' && ok || bad "$p: no nosniff"
done

out=$(timeout 600 node tests/ui/run.js "$base" ${UI_FLOWS:-} 2>&1)
echo "$out" | grep -v ' passed, .* failed$'
last=$(echo "$out" | tail -1)
p2=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f2=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$p2" ] || {
    bad "browser run did not finish: $last"
    p2=0 f2=0
}
kill -TERM "$pid"
wait "$pid"
pid=""
pass=$((pass + p2))
fail=$((fail + f2))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
