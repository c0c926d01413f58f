#!/usr/bin/env bash
# The CLI contract of `duijie extract`: JSON lines with exact substrings, stdin, HTML and GB18030
# input, errors for bad input. Runs against build/duijie.
. "$(dirname "$0")/lib/suite.sh"

f=tests/data/extract/articles.txt
out=$($D extract --json "$f"); rc=$?
check "exit 0" '[ $rc -eq 0 ]'
check "one clause per line" '[ "$(echo "$out" | wc -l)" -eq 5 ]'
check "every line is JSON with the schema" 'echo "$out" | python3 -c "
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    assert set(d) >= {\"text\", \"subject\", \"benefits\", \"conditions\", \"deadline\", \"department\", \"contact\", \"rule\"}
"'
check "text is the input substring at start..end" 'echo "$out" | python3 -c "
import json, sys
src = open(\"$f\", \"rb\").read()
for l in sys.stdin:
    d = json.loads(l)
    assert src[d[\"start\"]:d[\"end\"]].decode() == d[\"text\"], d[\"text\"]
"'
check "stdin with -" '[ "$($D extract --json - < "$f")" = "$out" ]'
check "readable listing" '$D extract "$f" | grep -q "规则:"'

printf '<html><head><script>var x="对企业给予9万元奖励";</script></head><body><p>对首次通过高新技术企业认定的企业，给予&nbsp;20万元奖励。</p></body></html>' > "$T/p.html"
out=$($D extract --json "$T/p.html")
check "html: one clause, script dropped" '[ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "\"min\":200000"'
iconv -f UTF-8 -t GB18030 "$f" > "$T/gb.txt"
check "gb18030 with --gb18030" '[ "$($D extract --json --gb18030 "$T/gb.txt" | wc -l)" -eq 5 ]'
# without the flag too: bytes that are not UTF-8 but valid GB18030 are read as GB18030 (docfile.c)
check "gb18030 without the flag: read as GB18030" '[ "$($D extract --json "$T/gb.txt" | wc -l)" -eq 5 ]'
check "a Word file" '[ "$($D extract --json tests/data/docfile/hitech.docx | wc -l)" -ge 8 ]'
# a PDF, read as an uploaded one is (src/text/pdf.c): the same clauses as the Word file
if command -v pdftotext >/dev/null 2>&1; then
    check "a PDF: the Word file's clauses" '[ "$($D extract --json tests/data/docfile/hitech_pdf.pdf | wc -l)" -eq "$($D extract --json tests/data/docfile/hitech.docx | wc -l)" ]'
fi
printf '对企业\xff给予20万元奖励' > "$T/bad.txt"
$D extract --json "$T/bad.txt" > "$T/o" 2> "$T/e"; rc=$?
check "invalid UTF-8 names the byte" '[ $rc -eq 1 ] && grep -q "byte 9" "$T/e"'
$D extract --json "$T/none.pdf" > "$T/o" 2> "$T/e"; rc=$?
check "missing pdf is an error" '[ $rc -eq 1 ] && [ -s "$T/e" ]'
check "empty input, no clauses" '[ -z "$(printf "" | $D extract --json -)" ]'
suite_end
