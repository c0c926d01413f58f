#!/usr/bin/env bash
# The 政策发布 page in a real browser: headless Chromium driven over the DevTools protocol by
# tests/sh/policy_browser.js (paste, 解析, live rule check, 保存草稿, 发布, awards to the fen).
# Prints "skipped" when Chromium or a Node with WebSocket is absent.
set -u
cd "$(dirname "$0")/../.."
D=build/duijie
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
has_ws=$(node --experimental-websocket --no-warnings -e 'process.stdout.write(typeof WebSocket)' 2>/dev/null)
if [ ! -x "$CHROMIUM" ] || [ "$has_ws" != function ]; then
    echo "SKIP policy_browser: no Chromium or no Node WebSocket"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
tmp=$(mktemp -d)
pid="" cpid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
    echo "FAIL $*"
    echo "0 passed, 1 failed"
    exit 1
}
[ -x "$D" ] || make --no-print-directory build/duijie >/dev/null
$D demo --enterprises 2000 --seed 5 --db "$tmp/ui.db" >/dev/null 2>&1 || fail demo
$D serve --port 0 --db "$tmp/ui.db" --web web --threads 2 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 100); do
    grep -q '^listening on' "$tmp/out" && break
    sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$tmp/out")
[ -n "$base" ] || fail "server did not start"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile" \
    --remote-debugging-port=0 --window-size=1366,900 about:blank >/dev/null 2>"$tmp/chromium.err" &
cpid=$!
for _ in $(seq 1 150); do
    [ -s "$tmp/profile/DevToolsActivePort" ] && break
    sleep 0.1
done
[ -s "$tmp/profile/DevToolsActivePort" ] || fail "chromium did not start"
port=$(head -1 "$tmp/profile/DevToolsActivePort")
ws=$(curl -s "http://127.0.0.1:$port/json/list" |
    python3 -c 'import json,sys; print([t for t in json.load(sys.stdin) if t["type"]=="page"][0]["webSocketDebuggerUrl"])')
[ -n "$ws" ] || fail "no page target"
. tests/sh/lib/signin.sh
signin_user "$tmp/ui.db" ui_officer admin && signin "$base" ui_officer || fail "sign in"
timeout 120 node --experimental-websocket --no-warnings tests/sh/policy_browser.js "$ws" "$base" \
    tests/data/extract/articles.txt "$SIGNIN_COOKIE" "$SIGNIN_CSRF"
