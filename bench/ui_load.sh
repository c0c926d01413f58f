#!/usr/bin/env bash
# First load of every page on demo data (what `make run` serves: duijie demo --enterprises 20000
# --seed 1; UI_LOAD_N changes the size): starts `duijie serve` on a throw-away copy, then
# bench/ui_load.js opens each page cold at 1366×768 and 390×844 (median of UI_LOAD_RUNS, default 5)
# and writes bench/tmp/ui_load.json. Skips (exit 0) without Chromium, Node or playwright-core.
# Run by scripts/bench.sh; alone: bench/ui_load.sh [OUTPUT.txt]. UI_LOAD_WEB=DIR serves another web
# folder (an earlier commit's, from `git archive`) for a before/after comparison.
set -u
cd "$(dirname "$0")/.."
D=${DUIJIE:-build/duijie}
N=${UI_LOAD_N:-20000}
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "SKIP ui_load: no chromium"; exit 0; }
command -v node >/dev/null 2>&1 || { echo "SKIP ui_load: no node"; exit 0; }
node -e 'require("playwright-core")' 2>/dev/null || { echo "SKIP ui_load: no playwright-core (make web)"; exit 0; }
[ -x "$D" ] || make --no-print-directory build/duijie >/dev/null
tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
$D demo --enterprises "$N" --seed 1 --db "$tmp/ui.db" >/dev/null 2>&1 || { echo "ui_load: demo failed"; exit 1; }
$D serve --port 0 --db "$tmp/ui.db" --web "${UI_LOAD_WEB:-web}" --threads 4 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 300); do
    grep -q '^listening on ' "$tmp/out" && break
    sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$tmp/out")
[ -n "$base" ] || { echo "ui_load: server did not start: $(head -3 "$tmp/err")"; exit 1; }
{
    echo "# bench/ui_load.sh — $(date -u +%Y-%m-%dT%H:%M:%SZ), demo --enterprises $N --seed 1"
    echo "# web folder: ${UI_LOAD_WEB:-web}"
    echo "# machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
    node bench/ui_load.js "$base"
    rc=$?
    echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
    exit $rc
} | tee "${1:-/dev/null}"
exit "${PIPESTATUS[0]}"
