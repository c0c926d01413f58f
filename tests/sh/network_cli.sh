#!/usr/bin/env bash
# `duijie network` end to end on a small synthetic Qingdao with the demo network: the tree has the
# hub, 10 centres and 500 commissioners; every enterprise is assigned (balance) and the counts
# add up; a commissioner's queue pages agree with its total; reassignment needs a reason, moves
# the enterprise and is kept in the history; back to the town's commissioner; bad arguments are
# refused.
. "$(dirname "$0")/lib/suite.sh"
db=$tmp/n.db
$D demo --enterprises 3000 --seed 4 --db "$db" >/dev/null 2>&1
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

units=$($D network units --db "$db" --depth 1); rc=$?
check "units exits 0" '[ $rc -eq 0 ]'
check "units: a hub with 10 centres" '[ "$(echo "$units" | jq_ "d[\"kind\"], len(d[\"children\"])")" = "hub 10" ]'
check "units: 500 commissioners" '[ "$(echo "$units" | jq_ "d[\"commissioners\"]")" = 500 ]'

bal=$($D network balance --db "$db")
check "balance: every enterprise assigned" \
    '[ "$(echo "$bal" | jq_ "d[\"enterprises\"], d[\"assigned\"], d[\"unassigned\"]")" = "3000 3000 0" ]'

uscc=$(sqlite3 "$db" "SELECT uscc FROM enterprise WHERE region_code > 999999 ORDER BY id LIMIT 1")
a=$($D network assign "$uscc" --db "$db"); rc=$?
check "assign exits 0" '[ $rc -eq 0 ]'
c=$(echo "$a" | jq_ 'd["commissioner"]["id"]')
check "assign: automatic" '[ "$(echo "$a" | jq_ "d[\"is_manual\"]")" = False ]'

q=$($D network queue "$c" --db "$db" --page-size 1000)
total=$(echo "$q" | jq_ 'd["total"]')
n=$(echo "$q" | jq_ 'len(d["enterprises"])')
check "queue: one page holds the total" '[ "$total" = "$n" ] && [ "$total" -ge 1 ]'
q2=$($D network queue "$c" --db "$db" --page 2 --page-size 1)
check "queue: page 2 is the second" \
    '[ "$(echo "$q2" | jq_ "d[\"enterprises\"][0][\"uscc\"] if d[\"enterprises\"] else \"\"")" = "$(echo "$q" | jq_ "d[\"enterprises\"][1][\"uscc\"] if len(d[\"enterprises\"]) > 1 else \"\"")" ]'
sum=$(echo "$q" | jq_ 'sum(e["stake_fen"] for e in d["enterprises"]) == d["stake_fen"]')
check "queue: stakes add up to the fen" '[ "$sum" = True ]'

other=$(sqlite3 "$db" "SELECT id FROM network_units WHERE kind = 3 AND id <> $c ORDER BY id LIMIT 1")
$D network reassign "$uscc" --to "$other" --by admin --db "$db" >/dev/null 2>&1
check "reassign without a reason is refused" '[ $? -ne 0 ]'
$D network reassign "$uscc" --to "$other" --by admin --reason "企业迁址" --db "$db" >/dev/null; rc=$?
check "reassign exits 0" '[ $rc -eq 0 ]'
a=$($D network assign "$uscc" --db "$db")
check "assign: now manual to the other" \
    '[ "$(echo "$a" | jq_ "d[\"commissioner\"][\"id\"], d[\"is_manual\"]")" = "$other True" ]'
$D network reassign "$uscc" --to 0 --by admin --reason "恢复属地" --db "$db" >/dev/null
h=$($D network history "$uscc" --db "$db")
check "history: two entries, who and why" \
    '[ "$(echo "$h" | jq_ "len(d), d[0][\"reason\"], d[1][\"to_id\"], d[0][\"by\"]")" = "2 企业迁址 None admin" ]'
a=$($D network assign "$uscc" --db "$db")
check "assign: back to the town's" '[ "$(echo "$a" | jq_ "d[\"commissioner\"][\"id\"]")" = "$c" ]'

p=$($D network pack "$uscc" --db "$db"); rc=$?
check "pack exits 0" '[ $rc -eq 0 ]'
check "pack: counts match its clauses" \
    '[ "$(echo "$p" | jq_ "d[\"qualifies_count\"] + d[\"might_count\"] + d[\"nearly_count\"] == len(d[\"clauses\"])")" = True ]'

s=$($D network stats --by-centre --db "$db")
check "stats: ten centres" '[ "$(echo "$s" | jq_ "len(d)")" = 10 ]'
check "stats: visits add up" \
    '[ "$(echo "$s" | jq_ "sum(x[\"visits\"] for x in d)")" = "$(sqlite3 "$db" "SELECT COUNT(*) FROM network_visits")" ]'

$D network queue abc --db "$db" >/dev/null 2>&1
check "bad commissioner id refused" '[ $? -ne 0 ]'
$D network frobnicate --db "$db" >/dev/null 2>&1
check "unknown subcommand: usage" '[ $? -eq 2 ]'

suite_end
