#!/usr/bin/env bash
# `duijie import` end to end against a temporary SQLite file: exit codes (0 all stored, 1 some
# rejected, 2 fatal), the JSON summary, --errors CSV, --dry-run, re-import updating by USCC, the
# store unchanged after a failing import, and the --template workbook importing cleanly.
. "$(dirname "$0")/lib/suite.sh"
DATA=tests/data/import
count() { sqlite3 "$T/db" "SELECT count(*) FROM enterprise" 2>/dev/null; }
json() { # $1 = JSON, $2 = python expression on j
    python3 -c "import json,sys; j=json.loads(sys.argv[1]); print(($2))" "$1"
}

# all good: exit 0, everything stored and inserted
out=$($D import "$DATA/basic.csv" --db "$T/db"); rc=$?
check "good file exits 0" '[ $rc -eq 0 ]'
check "summary counts" '[ "$(json "$out" "j[\"rows_read\"], j[\"stored\"], j[\"inserted\"], j[\"updated\"], j[\"rejected\"]")" = "(3, 3, 3, 0, 0)" ]'
check "rows in the store" '[ "$(count)" = 3 ]'
check "amount stored in fen" '[ "$(sqlite3 "$T/db" "SELECT revenue FROM enterprise WHERE uscc = '\''91370212MA3C000026'\''")" = 30000000 ]'

# re-import with changed values: updates by USCC, no new rows
sed 's/2000万元/2500万元/' "$DATA/basic.csv" >"$T/changed.csv"
out=$($D import "$T/changed.csv" --db "$T/db"); rc=$?
check "re-import exits 0" '[ $rc -eq 0 ]'
check "re-import updates" '[ "$(json "$out" "j[\"inserted\"], j[\"updated\"]")" = "(0, 3)" ]'
check "still 3 rows" '[ "$(count)" = 3 ]'
check "value updated" '[ "$(sqlite3 "$T/db" "SELECT revenue FROM enterprise WHERE uscc = '\''91370212MA3C000013'\''")" = 2500000000 ]'

# some rows rejected: exit 1, errors with row/column/field in JSON and in --errors CSV
out=$($D import "$DATA/broken.csv" --db "$T/db" --errors "$T/err.csv"); rc=$?
check "rejected rows exit 1" '[ $rc -eq 1 ]'
check "rejected count" '[ "$(json "$out" "j[\"rejected\"], j[\"stored\"]")" = "(4, 2)" ]'
check "first error named" '[ "$(json "$out" "j[\"errors\"][0][\"row\"], j[\"errors\"][0][\"column\"]")" = "(3, '\''3'\'')" ]'
check "errors have zh and en" '[ "$(json "$out" "all(e[\"zh\"] and e[\"en\"] for e in j[\"errors\"])")" = True ]'
check "errors CSV has a line per error" '[ "$(wc -l <"$T/err.csv")" -eq 5 ]'
check "errors CSV names the unterminated quote" 'grep -q "^6,6,2,,error,引号未闭合,unterminated quote$" "$T/err.csv"'
check "good rows of a partly bad file stored" '[ "$(count)" = 4 ]'

# dry run: checks everything, stores nothing
before=$(count)
out=$($D import "$DATA/uscc.csv" --db "$T/db" --dry-run); rc=$?
check "dry run exit 1 on rejected rows" '[ $rc -eq 1 ]'
check "dry run stores nothing" '[ "$(count)" = "$before" ] && [ "$(json "$out" "j[\"stored\"], j[\"dry_run\"]")" = "(0, True)" ]'

# fatal: no USCC column → exit 2, store untouched
sum=$(sqlite3 "$T/db" "SELECT group_concat(uscc || revenue) FROM enterprise")
out=$($D import "$DATA/no_uscc.csv" --db "$T/db" 2>/dev/null); rc=$?
check "no uscc column exits 2" '[ $rc -eq 2 ]'
check "fatal in summary" '[ "$(json "$out" "\"fatal\" in j")" = True ]'
$D import "$T/missing.csv" --db "$T/db" >/dev/null 2>&1
check "missing file exits 2" '[ $? -eq 2 ]'

# a crash mid-import leaves the store as before: kill -9 part way through a large file
python3 - "$DATA/basic.csv" "$T/big.csv" <<'PY'
import sys
head = open(sys.argv[1], encoding="utf-8").readline()
CH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(head)
    for i in range(300000):
        s17 = "91370212MA%07d" % i
        t = sum(CH.index(c) * pow(3, k, 31) for k, c in enumerate(s17))
        c = 31 - t % 31
        f.write(s17 + CH[0 if c == 31 else c] + ",企业%d,崂山区,6513,2015-03-01,10,100万元,1万元,,否\n" % i)
PY
$D import "$T/big.csv" --db "$T/db" >/dev/null 2>&1 &
pid=$!
sleep 1
if kill -9 $pid 2>/dev/null; then
    wait $pid 2>/dev/null
    check "killed import: store as before" '[ "$(sqlite3 "$T/db" "SELECT group_concat(uscc || revenue) FROM enterprise")" = "$sum" ]'
    check "killed import: store still opens and counts" '[ "$(count)" = 4 ]'
else
    echo "SKIP killed import: it finished within a second"
    skip=$((skip + 1))
fi
# the progress bar: only when stderr is a terminal (script(1) gives one) and the file is large
if command -v script >/dev/null 2>&1; then
    script -qec "$D import $T/big.csv --dry-run >/dev/null" /dev/null >"$T/tty.out" 2>&1
    check "progress bar on a terminal" 'grep -q "importing \[#" "$T/tty.out" && grep -q "100%" "$T/tty.out"'
fi
$D import "$T/big.csv" --dry-run 2>"$T/notty.err" >/dev/null
check "no progress bar when stderr is not a terminal" '! grep -q "importing" "$T/notty.err"'
head -1001 "$T/big.csv" >"$T/k.csv"
out=$($D import "$T/k.csv" --db "$T/db"); rc=$?
check "after the crash: import works" '[ $rc -eq 0 ] && [ "$(json "$out" "j[\"inserted\"]")" = 1000 ]'

# the template: written, and imports cleanly
out=$($D import --template "$T/template.xlsx"); rc=$?
check "template written" '[ $rc -eq 0 ] && [ -s "$T/template.xlsx" ]'
out=$($D import "$T/template.xlsx" --db "$T/db"); rc=$?
check "template imports cleanly" '[ $rc -eq 0 ] && [ "$(json "$out" "j[\"stored\"], j[\"n_errors\"], j[\"n_warnings\"]")" = "(1, 0, 0)" ]'

$D import >/dev/null 2>&1
check "no arguments exits 2" '[ $? -eq 2 ]'
suite_end
