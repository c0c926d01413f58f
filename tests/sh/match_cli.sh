#!/usr/bin/env bash
# `duijie match` end to end on a small synthetic Qingdao: the counts of `match clause` equal the
# rows selected by the rules module's SQL on the same database (sqlite3), the statuses add up, the
# nearly groups add up, `match enterprise` ranks and explains, bad arguments are refused.
. "$(dirname "$0")/lib/suite.sh"
db=$tmp/m.db
day=2026-07-01
$D demo --enterprises 4000 --seed 9 --db "$db" --clauses 150 >/dev/null 2>&1
num() { echo "$1" | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2; }

cat >"$tmp/r1.rule" <<'R'
注册地 属于 青岛市 且 资质 包含 "高新技术企业" 且 研发费用占比 >= 3% 且 研发费用 >= 100万元 且 非 失信
奖励 = 研发费用 × 10%，最高 100万元
R
cat >"$tmp/r2.rule" <<'R'
(注册地 属于 崂山区 或 行业 属于 制造业) 且 非 (企业规模 属于 ["大型"]) 且 成立年限 >= 3年 且 从业人员 >= 20人
R
for r in r1 r2; do
    out=$($D match clause "$tmp/$r.rule" --db "$db" --date $day --json --limit 5); rc=$?
    check "$r: exits 0" '[ $rc -eq 0 ]'
    e=$(num "$out" eligible); u=$(num "$out" unknown); i=$(num "$out" ineligible)
    total=$(num "$out" enterprises_total)
    check "$r: statuses cover every enterprise" '[ $((e + u + i)) -eq "$total" ] && [ "$total" -eq 4000 ]'
    check "$r: lists at most --limit" '[ "$(echo "$out" | grep -o "\"uscc\"" | wc -l)" -le 5 ]'
    if command -v sqlite3 >/dev/null 2>&1; then
        $D check --sql --date $day "$tmp/$r.rule" >"$tmp/$r.sql"
        se=$(sed -n '/^-- eligible/{n;p}' "$tmp/$r.sql" | sed 's/^SELECT id/SELECT count(*)/' | sqlite3 "$db")
        su=$(sed -n '/^-- unknown/{n;p}' "$tmp/$r.sql" | sed 's/^SELECT id/SELECT count(*)/' | sqlite3 "$db")
        check "$r: eligible count equals SQL ($e vs $se)" '[ "$e" = "$se" ]'
        check "$r: unknown count equals SQL ($u vs $su)" '[ "$u" = "$su" ]'
    else
        skip=$((skip + 2))
    fi
done
out=$($D match clause "$tmp/r1.rule" --db "$db" --date $day --status nearly --json --limit 1000)
n=$(num "$out" nearly)
groups=$(echo "$out" | python3 -c 'import json,sys; print(sum(g["count"] for g in json.load(sys.stdin)["nearly"]))')
listed=$(echo "$out" | grep -o '"failing"' | wc -l)
check "nearly groups add up ($n = $groups)" '[ "$n" = "$groups" ]'
check "nearly lists every one (up to the limit)" '[ "$listed" -eq "$n" ] || [ "$listed" -eq 1000 ]'

uscc=$(echo "$out" | grep -o '"uscc":"[0-9A-Z]*"' | head -n 1 | cut -d'"' -f4)
if [ -n "$uscc" ]; then
    out=$($D match enterprise "$uscc" --db "$db" --date $day --json); rc=$?
    check "enterprise: exits 0" '[ $rc -eq 0 ]'
    check "enterprise: counts 150+ clauses" '[ "$(num "$out" clauses)" -ge 150 ]'
    check "enterprise: explained" 'echo "$out" | grep -q "\"explanation\":\[{\"condition\""'
    check "enterprise: eligible ones first" '! echo "$out" | grep -o "\"status\":\"[a-z]*\"" | uniq | tr "\n" " " | grep -q "unknown.*eligible\""'
else
    bad "no nearly-eligible enterprise to look at"
fi
$D match enterprise 913702000000000000 --db "$db" >/dev/null 2>&1; rc=$?
check "unknown USCC fails" '[ $rc -eq 1 ]'
$D match clause "$tmp/r1.rule" --db "$db" --status maybe >/dev/null 2>&1; rc=$?
check "bad --status refused" '[ $rc -eq 2 ]'
printf '注册地 属于 火星\n' >"$tmp/bad.rule"
$D match clause "$tmp/bad.rule" --db "$db" >/dev/null 2>"$tmp/err"; rc=$?
check "a bad rule is an error with a message" '[ $rc -eq 1 ] && [ -s "$tmp/err" ]'
$D match >/dev/null 2>&1; rc=$?
check "no subcommand: usage" '[ $rc -eq 2 ]'
suite_end
