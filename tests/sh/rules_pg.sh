#!/usr/bin/env bash
# Evaluator vs PostgreSQL: starts a throw-away cluster (scripts/pg.sh), and runs the unit test
# rules_pg_agree, which loads 400 generated demo-like enterprises and checks, for every rule in
# tests/data/rules and 60 random rules, that the eligible / unknown / ineligible SQL of rules_sql
# selects exactly the rows the evaluator puts in each class. Skipped when PostgreSQL cannot start.
. "$(dirname "$0")/lib/suite.sh"
suite_pg uri "$T/pg"
[ -x build/test_runner ] || make --no-print-directory build/test_runner >/dev/null
out=$(DUIJIE_PG_URI="$uri" TEST_FILTER=rules_pg_agree build/test_runner 2>&1); rc=$?
echo "$out" | grep -E '^(FAIL|SKIP)' | head -n 40
last=$(echo "$out" | tail -n 1)
echo "$last"
if echo "$last" | grep -q ', 0 failed' && [ $rc -eq 0 ] && echo "$last" | grep -qv ' 0 passed'; then exit 0; fi
[ $rc -eq 0 ] || exit 1
exit 1
