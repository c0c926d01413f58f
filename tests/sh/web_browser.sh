#!/usr/bin/env bash
# The web UI in a real browser: headless Chromium loads each enterprise page from `duijie serve`
# on a demo database and the rendered DOM is checked (the list has rows, the detail explains the
# size class, the form is built from the dictionary), with no JavaScript errors on the console.
# Prints "skipped" when Chromium is absent (scripts/deps.sh --with-browser installs it).
set -u
cd "$(dirname "$0")/../.."
D=build/duijie
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PY=$(command -v /usr/bin/python3 || command -v python3)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
has_ws=$(node --experimental-websocket --no-warnings -e 'process.stdout.write(typeof WebSocket)' 2>/dev/null)
if [ ! -x "$CHROMIUM" ] || [ "$has_ws" != function ]; then
    echo "SKIP web_browser: no $CHROMIUM or no Node WebSocket"
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
[ -x "$D" ] || make --no-print-directory build/duijie >/dev/null
$D demo --enterprises 500 --seed 3 --db "$tmp/ui.db" >/dev/null 2>&1 || bad "demo"
$D serve --port 0 --db "$tmp/ui.db" --web web >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 100); do
    grep -q '^listening on ' "$tmp/out" && break
    sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$tmp/out")
[ -n "$base" ] || { bad "server did not start"; echo "$pass passed, $fail failed"; exit 1; }

# the pages call endpoints that need a session: an administrator signed in, its cookie given to
# the browser (tests/sh/lib/dom.js sets it over the DevTools protocol)
. tests/sh/lib/signin.sh
signin_user "$tmp/ui.db" ui_admin admin && signin "$base" ui_admin && ok || bad "sign in"
curl() { command curl -K "$SIGNIN_CURLRC" "$@"; }
"$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile" \
    --remote-debugging-port=0 --window-size=1366,768 about:blank >/dev/null 2>"$tmp/chromium.err" &
cpid=$!
for _ in $(seq 1 150); do
    [ -s "$tmp/profile/DevToolsActivePort" ] && break
    sleep 0.1
done
dport=$(head -1 "$tmp/profile/DevToolsActivePort" 2>/dev/null)
ws=$(command curl -s "http://127.0.0.1:$dport/json/list" |
    "$PY" -c 'import json,sys; print([t for t in json.load(sys.stdin) if t["type"]=="page"][0]["webSocketDebuggerUrl"])')
[ -n "$ws" ] || { bad "chromium did not start"; echo "$pass passed, $fail failed"; exit 1; }

# dom NAME URL: the DOM after scripts ran (virtual time lets the fetches finish) into $tmp/NAME.html
dom() {
    timeout 90 node --experimental-websocket --no-warnings tests/sh/lib/dom.js "$ws" "$2" \
        "$SIGNIN_COOKIE" >"$tmp/$1.html" 2>"$tmp/$1.log"
    if [ -s "$tmp/$1.log" ]; then
        bad "$1: console errors: $(head -3 "$tmp/$1.log")"
    else
        ok
    fi
}
has() { # NAME TEXT...
    local f="$tmp/$1.html"
    shift
    for t in "$@"; do
        if grep -qF -- "$t" "$f"; then ok; else bad "page lacks \"$t\""; fi
    done
}

dom list "$base/#/?size=%E5%B0%8F%E5%9E%8B"
has list "青岛惠企政策精准匹配平台" "<table>" "共 " "下一页" 'class="tag size-2">小型' "全部区市" "崂山区"
rows=$(grep -o '<tr>' "$tmp/list.html" | wc -l)
[ "$rows" -ge 2 ] && ok || bad "list rows: $rows"

u=$(curl -s "$base/api/enterprises?page_size=1&size=%E5%B0%8F%E5%9E%8B" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["uscc"])')
why=$(curl -s "$base/api/enterprises/$u" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["fields"]["size"]["explain"])')
dom detail "$base/#/e/$u"
has detail "$u" "依据《统计上大中小微型企业划分办法（2017）》" "$why" "派生指标（系统计算）" "万元" "精确值"
if curl -s -o /dev/null -w '%{http_code}' "$base/api/enterprises/$u/matches" | grep -q 200; then
    has detail "我的政策" "已发布条款"
fi

dom form "$base/#/new"
has form "新增企业" 'name="uscc"' 'name="revenue"' 'type="checkbox" name="qualifications"' "高新技术企业" 'list="regions-listregion"'

dom import "$base/#/import"
has import "批量导入企业" 'type="file"' "下载 Excel 模板" "只检查，不保存"

# a user-supplied name with markup is shown as text, never as markup
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary \
    '{"uscc":"91350100M000100Y43","name":"<img src=x onerror=alert(1)>青岛转义测试","region":"崂山区"}' \
    "$base/api/enterprises"
dom escaped "$base/#/?q=%E8%BD%AC%E4%B9%89"
has escaped "&lt;img src=x onerror=alert(1)&gt;青岛转义测试"
grep -q '<img src="x"' "$tmp/escaped.html" && bad "markup from data was rendered" || ok

# SCREENSHOTS=1: every page at 1366×768 and 390×844 (phone) into tests/ui/screenshots/ to look at
if [ "${SCREENSHOTS:-0}" = 1 ]; then
    mkdir -p tests/ui/screenshots
    for page in "list|#/" "detail|#/e/$u" "new|#/new" "import|#/import"; do
        for size in 1366,768 390,844; do
            timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
                --user-data-dir="$tmp/profile" --virtual-time-budget=8000 --window-size=$size \
                --screenshot="tests/ui/screenshots/${page%%|*}-${size%,*}.png" "$base/${page#*|}" \
                >/dev/null 2>&1 && ok || bad "screenshot ${page%%|*} $size"
        done
    done
fi

kill -TERM "$pid"
wait "$pid"
pid=""
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
