#!/usr/bin/env bash
# The CLI contract of `duijie search` (issue 7), run against build/duijie.
. "$(dirname "$0")/lib/suite.sh"
DOCS="data/demo/policies.json tests/data/clauses-dev/clauses.jsonl tests/data/search/extra.json"

out=$($D search 高企认定奖励多少钱 --docs $DOCS --limit 3 --today 2026-01-15 --json); rc=$?
check "search exits 0" '[ $rc -eq 0 ]'
check "search first hit" 'echo "$out" | grep -q "^{\"total\":[0-9]*,\"hits\":\[{\"id\":\"QDKJ-2025-03.1\""'
check "search amount in fen" 'echo "$out" | grep -q "\"amount_fen\":20000000,\"amount\":\"20万元\""'
check "search html highlight" 'echo "$out" | grep -q "<mark>"'
check "search question intent" 'echo "$out" | grep -q "\"question\":true,\"intent\":\"amount\""'
out=$($D search 奖励 --docs $DOCS --filter region=崂山区 --filter status=有效 --today 2026-01-15 --json)
check "search region filter keeps city and district" 'echo "$out" | grep -q "\"region\":\"崂山区\"" && echo "$out" | grep -q "\"region\":\"青岛市\""'
check "search region filter drops other districts" '! echo "$out" | grep -q "\"region\":\"城阳区\""'
out=$($D search 科技创新券 --docs $DOCS --today 2026-01-15)
check "search text marks expired" 'echo "$out" | grep -q "已失效"'
check "search text highlights" 'echo "$out" | grep -q "【"'
$D search $'\xff' --docs $DOCS >/dev/null 2>&1; rc=$?
check "search invalid UTF-8 exits 1" '[ $rc -eq 1 ]'
err=$($D search '"未闭合' --docs $DOCS 2>&1 >/dev/null)
check "search unclosed quote explained" 'echo "$err" | grep -q "引号没有闭合"'
$D search 奖励 --docs nosuch.json >/dev/null 2>&1; rc=$?
check "search missing file exits 1" '[ $rc -eq 1 ]'
$D search 奖励 --filter colour=red >/dev/null 2>&1; rc=$?
check "search unknown filter exits 1" '[ $rc -eq 1 ]'
$D search >/dev/null 2>&1; rc=$?
check "search without query exits 2" '[ $rc -eq 2 ]'
# an enterprise named in the query: hits split by the matching engine (demo seed 1 is deterministic)
$D demo --db "$tmp/d.db" --enterprises 50 --clauses 0 >/dev/null 2>&1
out=$($D search 奖励 --db "$tmp/d.db" --enterprise 91370203MA04A8AM0D --limit 20 --today 2026-01-15 --json)
check "search --enterprise marks fit" 'echo "$out" | grep -q "\"fit\":\"eligible\""'
check "search --enterprise qualified first" 'echo "$out" | grep -o "\"fit\":\"[a-z]*\"" | head -1 | grep -q eligible'
out=$($D search "91370203MA04A8AM0D 奖励" --db "$tmp/d.db" --limit 20 --today 2026-01-15)
check "search USCC in query splits" 'echo "$out" | grep -q "== 符合条件 / you qualify"'
check "search store ids" 'echo "$out" | grep -q "\[QDKJ-2025-03.1\]"'
rm -rf "$tmp"
suite_end
