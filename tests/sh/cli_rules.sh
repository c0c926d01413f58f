#!/usr/bin/env bash
# The CLI contracts of `duijie check`, `duijie eval` and `duijie fmt` (rule-language issue), run
# against build/duijie. Every data case under tests/data/rules is also run through the CLI: its
# error (file:line:col, exit 2) or its results and awards line by line.
. "$(dirname "$0")/lib/suite.sh"

for dir in tests/data/rules/*/; do
    name=$(basename "$dir")
    rule="$dir/rule.txt"
    if [ -f "$dir/error.txt" ]; then
        pos=$(head -n 1 "$dir/error.txt")
        out=$($D check "$rule" 2>&1); rc=$?
        check "$name: check exits 2" '[ $rc -eq 2 ]'
        check "$name: error names file:line:col" 'echo "$out" | grep -qF "$rule:$pos: "'
        continue
    fi
    $D check "$rule" >/dev/null 2>&1; rc=$?
    check "$name: check exits 0" '[ $rc -eq 0 ]'
    [ -f "$dir/input.jsonl" ] || continue
    date=2026-06-30
    [ -f "$dir/date.txt" ] && date=$(head -n 1 "$dir/date.txt")
    $D eval "$rule" --date "$date" <"$dir/input.jsonl" >"$T/out.jsonl"; rc=$?
    check "$name: eval exits 0" '[ $rc -eq 0 ]'
    got=$(jq -c '[.result, .award_fen]' "$T/out.jsonl")
    want=$(jq -c '[.result, (if has("award_fen") then .award_fen else "any" end)]' "$dir/expected.jsonl")
    # compare line by line, "any" matching whatever award the CLI printed
    paste -d'\t' <(echo "$got") <(echo "$want") >"$T/pairs"
    same=1
    while IFS=$'\t' read -r g w; do
        if [ "$w" != "$g" ] && [ "$(echo "$w" | jq -r '.[1]')" != any ]; then same=0; echo "  got $g want $w"; fi
        [ "$(echo "$w" | jq -r '.[0]')" = "$(echo "$g" | jq -r '.[0]')" ] || same=0
    done <"$T/pairs"
    check "$name: eval results and awards" '[ $same -eq 1 ] && [ "$(wc -l <"$T/out.jsonl")" -eq "$(wc -l <"$dir/expected.jsonl")" ]'
    # fmt round-trips: fmt(fmt(x)) = fmt(x), and the formatted rule gives the same results
    $D fmt "$rule" >"$T/f1.txt" && $D fmt "$T/f1.txt" >"$T/f2.txt"
    check "$name: fmt idempotent" 'cmp -s "$T/f1.txt" "$T/f2.txt"'
    $D eval "$T/f1.txt" --date "$date" <"$dir/input.jsonl" | jq -c '[.result, .award_fen]' >"$T/out2"
    check "$name: fmt keeps meaning" '[ "$(cat "$T/out2")" = "$got" ]'
done

# the contract's JSON shape
out=$(echo '{"注册地":"崂山区","资质":"专精特新中小企业","设备投资额":"4200万元","失信":false}' |
    $D eval tests/data/rules/issue_example_zh/rule.txt --date 2026-06-30)
check "eval prints the four keys in order" 'echo "$out" | grep -q "^{\"result\":\"eligible\",\"award_fen\":420000000,\"explain\":\[.*\],\"missing\":\[\]}$"'
check "eval explains the award" 'echo "$out" | grep -qF "设备投资额 4,200万元 × 10% = 420万元（最高 500万元）"'
check "eval: 非 失信 met by an honest firm" 'echo "$out" | grep -qF "{\"condition\":\"失信：否\",\"rule\":\"失信\",\"outcome\":\"true\",\"truth\":\"false\""'
out=$(printf '{"营业收入":"1800万元"}\n' >"$T/in"; printf '营业收入 >= 2000万元 且 研发费用 >= 1万元\n' >"$T/r.txt"; $D eval "$T/r.txt" <"$T/in")
check "eval explains an ineligible value" 'echo "$out" | grep -qF "营业收入 1,800万元，低于 2,000万元（不满足）"'
check "eval lists missing keys" 'echo "$out" | grep -qF "\"missing\":[\"rd_expense\"]"'
out=$(printf 'not json\n{}\n' | $D eval "$T/r.txt"); rc=$?
check "eval survives a bad line" '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 2 ]'
check "eval reports the bad line" 'echo "$out" | head -n 1 | grep -q "\"result\":null"'
printf '营业收入 >= 500\n' >"$T/bad.txt"
out=$(echo '{}' | $D eval "$T/bad.txt" 2>&1 >/dev/null); rc=$?
check "eval of a bad rule exits 2" '[ $rc -eq 2 ]'
check "eval of a bad rule says why on stderr" 'echo "$out" | grep -qF "bad.txt:1:9: "'
out=$($D check "$T/r.txt" "$T/bad.txt" 2>&1); rc=$?
check "check of several files exits 2 when one is bad" '[ $rc -eq 2 ]'
out=$($D check --sql "$T/r.txt"); rc=$?
check "check --sql prints the three queries" '[ $rc -eq 0 ] && [ "$(echo "$out" | grep -c "^SELECT id FROM enterprise WHERE")" -eq 3 ]'
check "check --sql uses indexable forms" 'echo "$out" | grep -qF "(revenue >= 2000000000)"'
out=$($D check --sql --postgres tests/data/rules/issue_example_zh/rule.txt); rc=$?
check "check --sql --postgres" '[ $rc -eq 0 ] && echo "$out" | grep -qF "enterprise_qualification WHERE qualification = 3"'
sqlite3 "$T/db" "CREATE TABLE enterprise (id INTEGER PRIMARY KEY, revenue INTEGER, rd_expense INTEGER);
INSERT INTO enterprise VALUES (1, 2000000000, 1000000), (2, 1999999999, 1000000), (3, NULL, 5);" 2>/dev/null
if [ -f "$T/db" ]; then
    ids=$($D check --sql "$T/r.txt" | grep '^SELECT' | while read -r q; do sqlite3 "$T/db" "$q" | tr '\n' ' '; echo; done)
    # row 3 has no revenue but 研发费用 5 fen < 1万元 decides: ineligible, not unknown
    check "check --sql runs on SQLite" '[ "$ids" = "$(printf "1 \n\n2 3 ")" ]'
fi
$D nosuch-file.txt >/dev/null 2>&1
$D check /nonexistent/rule.txt >/dev/null 2>&1; rc=$?
check "check of a missing file exits 2" '[ $rc -eq 2 ]'
suite_end
