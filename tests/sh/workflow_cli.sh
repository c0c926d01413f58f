#!/usr/bin/env bash
# `duijie exempt-batch`: on a demo database, `--all` makes one 免申即享 batch for every published
# 免申即享 clause from one index load, a second `--all` makes none (each clause already has an open
# batch) and says so, several ids in one call work like one call each, a bad id fails with exit 1.
. "$(dirname "$0")/lib/suite.sh"
"$D" demo --enterprises 400 --db "$T/d.db" >/dev/null 2>&1 || bad "demo"
n_ex=$(sqlite3 "$T/d.db" "SELECT COUNT(*) FROM clause WHERE is_exempt = 1 AND status = 1")
"$D" exempt-batch --all --db "$T/d.db" >"$T/all.out" 2>"$T/all.err"; rc=$?
[ $rc = 0 ] && ok || bad "exempt-batch --all exit $rc: $(cat "$T/all.err")"
[ "$n_ex" -gt 1 ] && [ "$(wc -l <"$T/all.out")" = "$n_ex" ] && ok ||
    bad "$(wc -l <"$T/all.out") batches for $n_ex 免申即享 clauses"
n_b=$(sqlite3 "$T/d.db" "SELECT COUNT(DISTINCT clause_id) FROM exempt_batch")
[ "$n_b" = "$n_ex" ] && ok || bad "$n_b clauses with a batch, not $n_ex"
# the batches' totals are those of their entries (the new, proposed ones: the demo's history has a
# paid batch)
sum_out=$(grep -o '"proposed":{"entries":[0-9]*,"total_fen":[0-9]*' "$T/all.out" |
    sed "s/.*\"total_fen\"://" | awk "{ s += \$1 } END { print s + 0 }")
sum_db=$(sqlite3 "$T/d.db" "SELECT COALESCE(SUM(amount_fen), 0) FROM exempt_entry
    WHERE batch_id IN (SELECT id FROM exempt_batch WHERE state = 'proposed')")
[ -n "$sum_out" ] && [ "$sum_out" = "$sum_db" ] && ok || bad "printed totals $sum_out, entries $sum_db"
"$D" exempt-batch --all --db "$T/d.db" >"$T/again.out" 2>"$T/again.err"; rc=$?
[ $rc = 0 ] && [ ! -s "$T/again.out" ] && [ "$(grep -c 'skipped' "$T/again.err")" = "$n_ex" ] && ok ||
    bad "a second --all: exit $rc, $(wc -l <"$T/again.out") batches, $(grep -c skipped "$T/again.err") skipped"
# several ids in one call: refused (open batches) one by one, exit 1
ids=$(sqlite3 "$T/d.db" "SELECT id FROM clause WHERE is_exempt = 1 AND status = 1 ORDER BY id LIMIT 2")
"$D" exempt-batch $ids --db "$T/d.db" >/dev/null 2>"$T/two.err"; rc=$?
[ $rc = 1 ] && [ "$(grep -c '^clause' "$T/two.err")" = 2 ] && ok || bad "two open clauses: exit $rc"
"$D" exempt-batch 0x --db "$T/d.db" >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok || bad "a bad id: exit $rc"
suite_end
