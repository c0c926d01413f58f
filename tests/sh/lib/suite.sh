# Sourced first by the shell suites (tests/sh/*.sh): the one copy of what each of them needs.
#   . "$(dirname "$0")/lib/suite.sh"
# leaves the shell at the repository root with
#   $D, $PY          build/duijie (built when missing; DUIJIE_BIN overrides) and the system python3
#                    (a pyenv shim costs seconds per call)
#   $tmp (= $T)      a scratch folder, removed at exit
#   ok; bad MSG; check NAME EXPR; skipped MSG        the counters (check evaluates EXPR)
#   suite_end        prints "N passed, N failed[, N skipped]" and exits 1 after a failure
#   suite_abort MSG  a failure that ends the suite at once
#   suite_needs CMD… ends the suite as skipped when a command is missing
#   serve_start NAME ARGS…   `$D serve --port 0 ARGS…` in the background, its output in
#                    $tmp/NAME.out and .err; sets $base (http://127.0.0.1:PORT) and $pid; returns 1
#                    when it did not start
#   suite_pg VAR DIR [PORT]  a throw-away PostgreSQL 15 (scripts/pg.sh) in DIR, stopped at exit;
#                    its URI in VAR; ends the suite as skipped when PostgreSQL cannot start
#   at_exit CMD      runs CMD at exit, after the servers are killed, before the scratch folder goes
# Every process put in $pid or in the array $pids is killed at exit.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../../.." || exit 2
D=${DUIJIE_BIN:-$PWD/build/duijie}
PY=$(command -v /usr/bin/python3 || command -v python3)
pass=0 fail=0 skip=0
pid=""
pids=()
suite_hooks=()
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duijie-$(basename "$0" .sh).XXXXXX")
T=$tmp

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL $*"
}
skipped() {
    skip=$((skip + 1))
    echo "SKIP $*"
}
check() { if eval "$2"; then ok; else bad "$1"; fi; }

suite_end() {
    if [ "$skip" -gt 0 ]; then
        echo "$pass passed, $fail failed, $skip skipped"
    else
        echo "$pass passed, $fail failed"
    fi
    [ "$fail" -eq 0 ]
    exit
}

suite_abort() {
    bad "$@"
    suite_end
}

suite_needs() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || {
            skipped "$c is not installed"
            suite_end
        }
    done
}

at_exit() { suite_hooks+=("$*"); }

suite_cleanup() {
    local h p
    for p in $pid "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for h in "${suite_hooks[@]}"; do eval "$h" >/dev/null 2>&1; done
    rm -rf "$tmp"
}
trap suite_cleanup EXIT

suite_pg() {
    local var=$1 dir=$2 u
    shift 2
    at_exit "scripts/pg.sh stop '$dir'"
    if ! u=$(scripts/pg.sh start "$dir" "$@" 2>"$dir.err"); then
        skipped "PostgreSQL cannot start: $(head -c 300 "$dir.err")"
        suite_end
    fi
    printf -v "$var" '%s' "$u"
}

serve_start() {
    local name=$1
    shift
    "$D" serve --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    pid=$!
    pids+=("$pid")
    base=""
    local i
    for i in $(seq 1 300); do
        base=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$tmp/$name.out")
        [ -n "$base" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}

[ -x "$D" ] || make --no-print-directory build/duijie >/dev/null
