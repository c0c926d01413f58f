#!/usr/bin/env bash
# make test: format check, -Werror build + unit tests, the same under ASan+UBSan, then the shell-level
# suites in tests/sh (CLI contracts, end-to-end server). Each stage prints "N passed, N failed"; this
# script adds them up and prints the total as its last line.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
P=0; F=0; S=0
tally() { # $1 = stage name, $2 = log file, $3 = exit code
    local line p f s
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
    if [ -z "$line" ]; then
        if [ "$3" -eq 0 ]; then P=$((P + 1)); else F=$((F + 1)); echo "FAIL stage $1 (exit $3)"; fi
        return
    fi
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || echo 0)
    P=$((P + p)); F=$((F + f)); S=$((S + ${s:-0}))
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then F=$((F + 1)); echo "FAIL stage $1 (exit $3)"; fi
}
stage() { # $1 = name, rest = command
    local name=$1; shift
    local log="build/test-logs/$name.log"
    mkdir -p build/test-logs
    echo "== $name"
    "$@" >"$log" 2>&1
    local rc=$?
    grep -E '^(FAIL|SKIP)|^[0-9]+ passed' "$log" | tail -n 40
    tally "$name" "$log" "$rc"
}

stage format make --no-print-directory fmt-check
stage build make --no-print-directory -j"$JOBS" build/duijie build/test_runner
stage unit build/test_runner
stage build-asan make --no-print-directory -j"$JOBS" asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    stage unit-asan build/asan/test_runner
if [ "${SKIP_TSAN:-0}" != 1 ] && grep -lq 'TSAN_TEST' tests/*.c 2>/dev/null; then
    stage build-tsan make --no-print-directory -j"$JOBS" tsan
    TEST_FILTER=tsan_ stage unit-tsan build/tsan/test_runner
fi
for t in tests/sh/*.sh; do
    [ -e "$t" ] || continue
    stage "sh-$(basename "$t" .sh)" bash "$t"
done
echo
if [ "$S" -gt 0 ]; then echo "$P passed, $F failed, $S skipped"; else echo "$P passed, $F failed"; fi
[ "$F" -eq 0 ]
