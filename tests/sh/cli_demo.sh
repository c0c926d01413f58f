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
check "demo reports the library" 'grep -q "政策文件库 / library: 政策文件 / documents 23," "$tmp/err"'
check "one current library document per policy" '[ "$(q "select count(distinct policy_id) from library_doc where kind = '"'"'policy'"'"' and is_current = 1 and policy_id in (select id from policy)")" = "$(q "select count(*) from policy")" ] && [ "$(q "select count(*) from library_doc where kind = '"'"'policy'"'"' and is_current = 1")" = "$(q "select count(*) from policy")" ]'
check "library 文号 unique" '[ "$(q "select count(*) from library_doc where doc_no is not null")" = "$(q "select count(distinct doc_no) from library_doc")" ]'
check "earlier versions replaced by the current one" '[ "$(q "select count(*) from library_doc o join library_doc c on c.id = o.replaced_by where o.is_current = 0 and c.is_current = 1 and c.series = o.series and o.validity in ('"'"'失效'"'"', '"'"'废止'"'"')")" = 4 ]'
check "政策解读 linked to their policies" '[ "$(q "select count(*) from library_link l join library_doc d on d.id = l.other_id where l.kind = '"'"'interpretation'"'"' and d.kind = '"'"'interpretation'"'"'")" = 6 ]'
before=$(q "select count(*) from enterprise")
lib_before=$(q "select count(*) from library_doc")
$D demo --enterprises 3000 --seed 5 --db "$db" >/dev/null 2>&1
check "a second run updates by USCC" '[ "$(q "select count(*) from enterprise")" = "$before" ]'
check "a second run adds no library document" '[ "$(q "select count(*) from library_doc")" = "$lib_before" ]'
$D demo --enterprises 10 --seed 6 --db "$tmp/nolib.db" --no-history --no-library >/dev/null 2>&1
check "--no-library leaves the library empty" '[ "$(sqlite3 "$tmp/nolib.db" "select count(*) from library_doc")" = 0 ]'
$D demo --enterprises 10 --seed 6 --db "$db" --policies "$tmp/nope.json" >/dev/null 2>&1; rc=$?
check "a failed demo exits 1" '[ $rc -eq 1 ]'
check "a failed demo leaves the store as before" '[ "$(q "select count(*) from clause")" -ge 140 ] && [ "$(q "select count(*) from enterprise")" = "$before" ]'
suite_end
