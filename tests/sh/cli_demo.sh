#!/usr/bin/env bash
# `duijie demo` end to end: a small synthetic Qingdao into a temporary database, then checks with
# sqlite3 on what landed (enterprises, years, qualifications, policies, clauses, schema version).
. "$(dirname "$0")/lib/suite.sh"
db=$tmp/demo.db

out=$($D demo --enterprises 3000 --seed 5 --db "$db" --clauses 120 2>"$tmp/err"); rc=$?
check "demo exits 0" '[ $rc -eq 0 ]'
check "demo prints a JSON summary" 'echo "$out" | grep -q "\"enterprises\":3000,"'
check "demo prints progress" 'grep -q "3000/3000" "$tmp/err"'
$D demo --enterprises x --db "$db" >/dev/null 2>&1; rc=$?
check "demo rejects a bad count" '[ $rc -eq 2 ]'

if ! command -v sqlite3 >/dev/null 2>&1; then
    skip=$((skip + 1)); echo "SKIP sqlite3 not installed"
    echo "$pass passed, $fail failed, $skip skipped"; [ $fail -eq 0 ]; exit
fi
q() { sqlite3 "$db" "$1"; }
check "3000 enterprises" '[ "$(q "select count(*) from enterprise")" = 3000 ]'
check "USCCs are Qingdao's" '[ "$(q "select count(*) from enterprise where uscc like '"'"'913702%'"'"'")" = 3000 ]'
check "every district present" '[ "$(q "select count(distinct region_county) from enterprise")" = 10 ]'
check "mostly small and micro" '[ "$(q "select count(*) * 100 / 3000 >= 80 from enterprise where size >= 2")" = 1 ]'
check "history years stored" '[ "$(q "select count(distinct year) from enterprise_year")" = 3 ]'
check "qualifications kept in step" '[ "$(q "select count(*) from enterprise e where qualifications & 1 and not exists (select 1 from enterprise_qualification q where q.enterprise_id = e.id and q.qualification = 0)")" = 0 ]'
check "some revenue missing on purpose" '[ "$(q "select count(*) > 0 from enterprise where revenue is null")" = 1 ]'
check "demo policies and template clauses" '[ "$(q "select count(*) from clause")" -ge 140 ]'
check "clauses published with rules" '[ "$(q "select count(*) from clause where status = 1 and rule like '"'"'注册地 属于%'"'"'")" = "$(q "select count(*) from clause")" ]'
check "schema version 3" '[ "$(q "select value from meta where key = '"'"'schema_version'"'"'")" = 3 ]'
check "WAL mode" '[ "$(q "pragma journal_mode")" = wal ]'
check "indexes rebuilt after the bulk load" '[ "$(q "select count(*) from sqlite_master where type = '"'"'index'"'"' and tbl_name = '"'"'enterprise'"'"' and sql is not null")" = 2 ]'
before=$(q "select count(*) from enterprise")
$D demo --enterprises 3000 --seed 5 --db "$db" >/dev/null 2>&1
check "a second run updates by USCC" '[ "$(q "select count(*) from enterprise")" = "$before" ]'
$D demo --enterprises 10 --seed 6 --db "$db" --policies "$tmp/nope.json" >/dev/null 2>&1; rc=$?
check "a failed demo exits 1" '[ $rc -eq 1 ]'
check "a failed demo leaves the store as before" '[ "$(q "select count(*) from clause")" -ge 140 ] && [ "$(q "select count(*) from enterprise")" = "$before" ]'
suite_end
