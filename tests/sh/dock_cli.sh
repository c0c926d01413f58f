#!/usr/bin/env bash
# The CLI contracts of `duijie loan`, `duijie loan compare`, `duijie schedule` and `duijie investors`, `duijie needs`
# (docking issue), run against build/duijie.
. "$(dirname "$0")/lib/suite.sh"

# ---- loan ----
out=$($D loan --principal 1000000 --rate-bp 435 --months 12 --method equal-instalment); rc=$?
check "loan exits 0" '[ $rc -eq 0 ]'
check "loan equal instalment 85309.90" 'echo "$out" | grep -q "^{\"payments_fen\":\[8530990,8530990,"'
check "loan last payment settles" 'echo "$out" | grep -q "8530990,8530989\],\"total_interest_fen\":2371879,"'
out=$($D loan --principal 100万元 --rate-bp 435 --months 12 --method 等额本金)
check "loan equal principal" 'echo "$out" | grep -q "\"payments_fen\":\[8695833,8665625,"'
check "loan equal principal interest" 'echo "$out" | grep -q "\"total_interest_fen\":2356250"'
out=$($D loan --principal 3000000 --rate-bp 420 --months 24 --method equal-instalment --subsidy-bp 150)
check "loan subsidy by rate" 'echo "$out" | grep -q "\"subsidy_fen\":4750273"'
check "loan apr after subsidy" 'echo "$out" | grep -q "\"apr_percent\":\"2.751701\""'
out=$($D loan --principal 2000000 --rate-bp 385 --months 12 --method equal-instalment --fee 2000 --fee-bp 50 --guarantee-bp 100)
check "loan fees raise the apr" 'echo "$out" | grep -q "\"fees_fen\":3200000,.*\"apr_percent\":\"6.865649\""'
$D loan --principal 100 --rate-bp 435 --months 12 --method 随便 >/dev/null 2>"$T/err"; rc=$?
check "loan bad method exits 2" '[ $rc -eq 2 ] && grep -q "未知的还款方式" "$T/err"'
$D loan --principal 100 --rate-bp 99999 --months 12 --method equal-principal >/dev/null 2>&1
check "loan rate out of range" '[ $? -eq 2 ]'
$D loan >/dev/null 2>&1
check "loan usage exits 2" '[ $? -eq 2 ]'

out=$($D loan compare tests/data/dock/compare_laoshan.json); rc=$?
check "loan compare exits 0" '[ $rc -eq 0 ]'
check "loan compare eligible first" '[ "$(echo "$out" | grep -o "\"product\": \"[a-z-]*\"" | head -1)" = "\"product\": \"qdb-kjd\"" ]'
check "loan compare explains" 'echo "$out" | grep -q "纳税信用等级 ∈ A、B：纳税信用等级 为 A ✓"'
check "loan compare subsidy" 'echo "$out" | grep -q "\"subsidy_fen\": 5381184"'
echo '{"enterprise":{}, "products":[{"id":"x","rate_bp":400,"criteria":[{"field":"资质","op":">=","value":1}]}]}' | $D loan compare - >/dev/null 2>"$T/err"; rc=$?
check "loan compare bad criterion exits 2" '[ $rc -eq 2 ] && grep -q "不能用运算" "$T/err"'
echo '{"enterprise":{}, "products":[{"id":"x","rate_bp":400,"rule":"注册地 属于 火星"}]}' | $D loan compare - >/dev/null 2>"$T/err"; rc=$?
check "loan compare bad rule names the line" '[ $rc -eq 2 ] && grep -q "1:" "$T/err"'
out=$($D loan compare tests/data/dock/compare_rules.json)
check "loan compare with rules: quota from the award" 'echo "$out" | grep -q "\"quota_fen\": 570000000"'
echo '{"enterprise":{}, "products":[{"id":"x"}]}' | $D loan compare - >/dev/null 2>"$T/err"; rc=$?
check "loan compare product without rate" '[ $rc -eq 2 ] && grep -q "缺少利率" "$T/err"'

# ---- schedule ----
cat >"$T/req.jsonl" <<'J'
{"a":"企业A","b":"投资人X"}
{"a":"企业A","b":"投资人Y"}
{"a":"企业B","b":"投资人X"}
{"a":"企业C","b":"投资人X","priority":2}
{"a":"企业A","b":"企业A"}
{"a":"投资人Y","b":"企业A"}
J
out=$($D schedule --slots 2 --tables 1 <"$T/req.jsonl" 2>"$T/err"); rc=$?
check "schedule exits 0" '[ $rc -eq 0 ]'
check "schedule one line per placed meeting" '[ "$(echo "$out" | wc -l)" -eq 2 ]'
check "schedule slots and tables in range" '! echo "$out" | grep -vq "\"slot\":[01],\"table\":0}"'
check "schedule summary optimal" 'grep -q "\"placed\":2,\"upper_bound\":2,\"optimal\":true,\"covered\":4" "$T/err"'
check "schedule self request reason" 'grep -q "\"a\":\"企业A\",\"b\":\"企业A\",\"unplaced\":true,\"reason\":\"self\"" "$T/err"'
check "schedule duplicate reason" 'grep -q "\"reason\":\"duplicate\"" "$T/err"'
out=$($D schedule --slots 3 --tables 5 --json-unplaced <"$T/req.jsonl" 2>/dev/null)
check "schedule --json-unplaced on stdout" '[ "$(echo "$out" | wc -l)" -eq 6 ] && echo "$out" | grep -q "\"unplaced\":true"'
echo '{"投资人X":[1],"企业C":[0]}' >"$T/av.json"
out=$($D schedule --slots 3 --tables 5 --availability "$T/av.json" --json-unplaced <"$T/req.jsonl" 2>/dev/null)
check "schedule availability respected" 'echo "$out" | grep -q "\"a\":\"企业C\",\"b\":\"投资人X\",\"unplaced\":true,\"reason\":\"no_common_slot\""'
check "schedule availability slot" 'echo "$out" | grep -q "\"b\":\"投资人X\",\"slot\":1,"'
$D schedule --slots 3 --tables 5 <"$T/req.jsonl" >"$T/prev.jsonl" 2>/dev/null
echo '{"a":"企业D","b":"投资人Y"}' >>"$T/req.jsonl"
out=$($D schedule --slots 3 --tables 5 --previous "$T/prev.jsonl" <"$T/req.jsonl" 2>"$T/err")
check "schedule repair keeps meetings" '[ "$(grep -cFf "$T/prev.jsonl" <<<"$out")" -eq "$(wc -l <"$T/prev.jsonl")" ]'
check "schedule repair places the new one" 'echo "$out" | grep -q "企业D"'
check "schedule repair moved none" 'grep -q "\"moved\":0,\"method\":\"repair\"" "$T/err"'
printf '{"a":"x","b":"y"}\nnot json\n' | $D schedule --slots 2 --tables 1 >/dev/null 2>"$T/err"; rc=$?
check "schedule bad line exits 2 with line number" '[ $rc -eq 2 ] && grep -q "^duijie schedule: 2:1: 第 2 行" "$T/err"'
$D schedule --slots 65 --tables 1 </dev/null >/dev/null 2>&1
check "schedule too many slots" '[ $? -eq 2 ]'
out=$($D schedule --slots 3 --tables 5 <"$T/req.jsonl" 2>/dev/null | $D agenda --date 2026-12-01 --start 09:00 --slot-minutes 20 --gap 5); rc=$?
check "agenda one line per participant" '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 6 ]'
check "agenda times" 'echo "$out" | grep -q "\"start\":\"2026-12-01 09:25\",\"end\":\"2026-12-01 09:45\""'
out=$($D schedule --slots 3 --tables 5 <"$T/req.jsonl" 2>/dev/null | $D agenda --date 2026-12-01 --start 09:00 --slot-minutes 20 --ics 投资人X)
check "agenda ics" 'echo "$out" | head -1 | grep -q "^BEGIN:VCALENDAR" && [ "$(echo "$out" | grep -c "BEGIN:VEVENT")" -eq 3 ]'
echo '{}' | $D agenda --date 2026-12-01 --start 25:00 --slot-minutes 20 >/dev/null 2>&1
check "agenda bad start exits 2" '[ $? -eq 2 ]'

# ---- financing ----
out=$($D financing tests/data/dock/financing.json); rc=$?
check "financing exits 0" '[ $rc -eq 0 ] && echo "$out" | grep -q "\"total_fen\": 2000000000"'
echo '{"date":"2026-11-24","needs":[{"id":"x","posted":"2026-11-01","events":[{"bank":"B","step":"放款","date":"2026-11-02","amount":"1万元"}]}]}' | $D financing - >/dev/null 2>"$T/err"; rc=$?
check "financing loan before credit exits 2" '[ $rc -eq 2 ] && grep -q "放款须在授信之后" "$T/err"'

# ---- roadshow, intents ----
out=$($D roadshow tests/data/dock/roadshow.json); rc=$?
check "roadshow exits 0" '[ $rc -eq 0 ] && echo "$out" | grep -q "\"start\": \"2026-12-10 14:00\""'
out=$($D intents tests/data/dock/intents.json); rc=$?
check "intents funnel" '[ $rc -eq 0 ] && echo "$out" | grep -q "\"percent\": \"37.5%\""'
echo '{"needs":["n1"],"intents":[{"need":"n9","status":"签约","date":"2026-01-01"}]}' | $D intents - >/dev/null 2>"$T/err"; rc=$?
check "intents unknown need exits 2" '[ $rc -eq 2 ] && grep -q "未知需求 n9" "$T/err"'
out=$($D challenge tests/data/dock/challenge.json); rc=$?
check "challenge exits 0" '[ $rc -eq 0 ] && echo "$out" | grep -q "\"state\": \"流榜\""'
echo '{"challenges":[{"id":"c","reward":"10万元","deadline":"2026-01-01","milestones":[{"name":"a","share":"50%","due":"2026-02-01"}]}]}' | $D challenge - >/dev/null 2>"$T/err"; rc=$?
check "challenge shares must add up" '[ $rc -eq 2 ] && grep -q "100%" "$T/err"'
out=$($D projects tests/data/dock/projects.json); rc=$?
check "projects by category" '[ $rc -eq 0 ] && echo "$out" | grep -q "\"category\": \"海洋经济\""'

# ---- match, listing ----
out=$($D investors tests/data/dock/investors.json); rc=$?
check "investors exits 0" '[ $rc -eq 0 ]'
check "investors explains a missed first choice" 'echo "$out" | grep -q "青岛科创母基金 的 1 个名额已满"'
out=$($D needs tests/data/dock/needs.json); rc=$?
check "needs exits 0" '[ $rc -eq 0 ] && echo "$out" | grep -q "文本相似度 13/21 +31"'
printf '{"needs":[{"id":"n","text":"\xff"}],"capabilities":[{"id":"c","text":"x"}]}' | $D needs - >/dev/null 2>"$T/err"; rc=$?
check "needs bad utf-8 exits 2" '[ $rc -eq 2 ]'
out=$($D listing tests/data/dock/listing.json); rc=$?
check "listing exits 0" '[ $rc -eq 0 ] && echo "$out" | grep -q "\"rewards_now_total_fen\": 250000000"'
echo '{"firms":[{"name":"x","stage":"火箭"}]}' | $D listing - >/dev/null 2>"$T/err"; rc=$?
check "listing unknown stage exits 2" '[ $rc -eq 2 ] && grep -q "上市阶段" "$T/err"'

suite_end
