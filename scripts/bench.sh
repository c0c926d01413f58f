#!/usr/bin/env bash
# make bench: runs every benchmark in build/bench/ with BENCH_N enterprises. Each prints its figures
# (each next to the alternative it is measured against, as a ratio) and may write a JSON fragment to
# bench/tmp/<name>.json; they are merged into bench/results/latest.json and the whole output is kept
# in bench/results/latest.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
export BENCH_N=${BENCH_N:-2000000}
mkdir -p bench/tmp bench/results
rm -f bench/tmp/*.json
log=bench/results/latest.txt
{
    echo "# make bench — $(date -u +%Y-%m-%dT%H:%M:%SZ), BENCH_N=$BENCH_N"
    echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
} >"$log"
status=0
for b in build/bench/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")" | tee -a "$log"
    if ! "$b" 2>&1 | tee -a "$log"; then status=1; echo "FAIL $(basename "$b")" | tee -a "$log"; fi
done
# benchmarks that are scripts (bench/ui_load.sh: pages in a browser; each skips without its tools)
for b in bench/*.sh; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b" .sh)" | tee -a "$log"
    if ! "$b" 2>&1 | tee -a "$log"; then status=1; echo "FAIL $(basename "$b")" | tee -a "$log"; fi
done
if command -v python3 >/dev/null 2>&1 && ls bench/tmp/*.json >/dev/null 2>&1; then
    python3 - <<'PY'
import glob, json, os, platform
out = {"machine": "", "n_enterprises": int(os.environ.get("BENCH_N", "0")), "figures": []}
for path in sorted(glob.glob("bench/tmp/*.json")):
    with open(path) as f:
        part = json.load(f)
    out["figures"] += part.pop("figures", [])
    for k, v in part.items():
        if k == "machine" and out["machine"]:
            continue
        out[k] = v
if not out["machine"]:
    out["machine"] = f"{os.cpu_count()} cores, {platform.machine()}"
with open("bench/results/latest.json", "w") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
print("wrote bench/results/latest.json")
PY
fi
exit $status
