#!/usr/bin/env bash
# Evaluator vs PostgreSQL: starts a throw-away cluster (scripts/pg.sh), and runs the unit test
# rules_pg_agree, which loads 400 generated demo-like enterprises and checks, for every rule in
# tests/data/rules and 60 random rules, that the eligible / unknown / ineligible SQL of rules_sql
# selects exactly the rows the evaluator puts in each class. Skipped when PostgreSQL cannot start.
set -u
T=$(mktemp -d /tmp/duijie-rules-pg.XXXXXX)
cleanup() { scripts/pg.sh stop "$T/pg" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
if ! uri=$(scripts/pg.sh start "$T/pg" 2>"$T/pg.err"); then
    echo "SKIP PostgreSQL cannot start: $(head -c 300 "$T/pg.err")"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
[ -x build/test_runner ] || make --no-print-directory build/test_runner >/dev/null
out=$(DUIJIE_PG_URI="$uri" TEST_FILTER=rules_pg_agree build/test_runner 2>&1); rc=$?
echo "$out" | grep -E '^(FAIL|SKIP)' | head -n 40
last=$(echo "$out" | tail -n 1)
echo "$last"
if echo "$last" | grep -q ', 0 failed' && [ $rc -eq 0 ] && echo "$last" | grep -qv ' 0 passed'; then exit 0; fi
[ $rc -eq 0 ] || exit 1
exit 1
