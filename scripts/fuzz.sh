#!/usr/bin/env bash
# make fuzz: runs every libFuzzer target in build/fuzz/bin for FUZZ_SECONDS each, seeded from
# fuzz/corpus/<target>/ (and tests/data), keeping new inputs in build/fuzz/corpus/<target>/.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-30}
status=0
for bin in build/fuzz/bin/*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    work=build/fuzz/corpus/$name
    mkdir -p "$work"
    seeds=()
    [ -d "fuzz/corpus/$name" ] && seeds+=("fuzz/corpus/$name")
    echo "== fuzz $name (${secs}s)"
    if ! "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
        "$work" "${seeds[@]}" >"build/fuzz/$name.log" 2>&1; then
        status=1
        echo "FAIL $name: see build/fuzz/$name.log"
        grep -E 'ERROR|SUMMARY' "build/fuzz/$name.log" | head -5
    else
        grep -E 'stat::number_of_executed_units' "build/fuzz/$name.log" | sed "s/^/  /"
    fi
done
exit $status
