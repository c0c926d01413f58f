#!/usr/bin/env bash
# The CLI contracts of `duijie uscc` and `duijie derive` (foundation issue), run against build/duijie.
. "$(dirname "$0")/lib/suite.sh"

out=$($D uscc 91350100M000100Y43 914403001922038216 91110000710925462X); rc=$?
check "uscc all valid exits 0" '[ $rc -eq 0 ]'
check "uscc one line per code" '[ "$(echo "$out" | wc -l)" -eq 3 ]'
check "uscc valid json" 'echo "$out" | head -1 | grep -q "\"code\":\"91350100M000100Y43\",\"valid\":true,\"error\":null,\"warnings\":\[\]"'
out=$($D uscc 91350100M000100Y43 91350100M000100Y44); rc=$?
check "uscc invalid exits 1" '[ $rc -eq 1 ]'
check "uscc names the check digit" 'echo "$out" | tail -1 | grep -q "\"valid\":false,\"error\":\"校验码错误"'
out=$($D uscc "９１３５０１００ｍ０００１００ｙ４３")
check "uscc normalises full-width and case" 'echo "$out" | grep -q "\"code\":\"91350100M000100Y43\",\"valid\":true"'

in='{"uscc":"91370211MA00000000","行业":"C3411","从业人员":250,"营业收入":"3000万元","研发费用":"150万元","成立日期":"2015-03-01"}
not json
{"industry":"5211","employees":9,"营业收入":"很多"}'
out=$(echo "$in" | $D derive --date 2026-11-24); rc=$?
check "derive exits 0 past bad lines" '[ $rc -eq 0 ]'
check "derive one line per input" '[ "$(echo "$out" | wc -l)" -eq 3 ]'
l1=$(echo "$out" | sed -n 1p); l2=$(echo "$out" | sed -n 2p); l3=$(echo "$out" | sed -n 3p)
check "derive size" 'echo "$l1" | grep -q "\"uscc_valid\":true,\"size\":\"小型\",\"size_reason\":\"工业: 从业人员 250人 → 小型; 营业收入 3,000万元 → 中型; 取较小者 → 小型\""'
check "derive exact ratio" 'echo "$l1" | grep -q "\"rd_ratio\":{\"num\":1,\"den\":20,\"percent\":\"5%\"}"'
check "derive age" 'echo "$l1" | grep -q "\"age_years\":11"'
check "derive bad json line reports" 'echo "$l2" | grep -q "\"errors\":\[{\"field\":\"\",\"zh\":\"第 2 行"'
check "derive bad value names field" 'echo "$l3" | grep -q "\"errors\":\[{\"field\":\"revenue\""'
check "derive micro decided by one indicator" 'echo "$l3" | grep -q "\"size\":\"微型\""'
out=$(echo '{}' | $D derive --date 2026-13-01 2>&1); rc=$?
check "derive bad --date exits 2" '[ $rc -eq 2 ]'
$D fields --markdown | grep -q '| `rd_ratio` | 研发费用占比 |' && ok || bad "fields --markdown"
$D nosuch >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown command exits 2"
suite_end
