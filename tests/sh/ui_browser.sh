#!/usr/bin/env bash
# The web UI in a real browser: playwright-core (npm, package-lock.json) drives Debian's Chromium
# headless through every role's main flow (tests/ui/flow_*.js) at 1366×768 and 390×844 against a
# `duijie serve` started here on a demo database, saving screenshots under tests/ui/screenshots/.
# Also checks the security headers. Skips when Chromium, Node or playwright-core is absent
# (scripts/deps.sh --with-browser and `make web` provide them). UI_FLOWS="policy mine" runs a subset.
DUIJIE_BIN=${DUIJIE_BIN:-${DUIJIE:-}}
[ -n "$DUIJIE_BIN" ] || unset DUIJIE_BIN
. "$(dirname "$0")/lib/suite.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() {
    skipped "ui_browser: $*"
    suite_end
}
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM"
suite_needs node
[ -d node_modules/playwright-core ] || make --no-print-directory web >/dev/null 2>&1
node -e 'require("playwright-core")' 2>/dev/null || skip "no playwright-core (make web)"
$D demo --enterprises 2000 --seed 5 --db "$tmp/ui.db" >/dev/null 2>&1 || bad demo
serve_start srv --db "$tmp/ui.db" --web web --threads 4 ||
    suite_abort "server did not start: $(head -3 "$tmp/srv.err")"

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
suite_end
