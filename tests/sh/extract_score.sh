#!/usr/bin/env bash
# Scores `duijie extract` on the annotated dev clauses (tests/data/clauses-dev) with the shared
# scorer and fails when any figure drops below the floor committed in tests/data/extract/floor.json
# (the figures reached so far). Prints "skipped" when ../shared/tools is absent.
set -u
cd "$(dirname "$0")/../.."
SCORER=../shared/tools/score_extract.py
if [ ! -f "$SCORER" ] || ! command -v python3 >/dev/null 2>&1; then
    echo "extract score: skipped (no $SCORER or python3)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
out=$(python3 "$SCORER" --gold tests/data/clauses-dev --cmd "build/duijie extract --json" --json)
if [ -z "$out" ]; then
    echo "FAIL the scorer printed nothing"
    echo "0 passed, 1 failed"
    exit 1
fi
python3 - "$out" tests/data/extract/floor.json <<'PY'
import json, sys
got = json.loads(sys.argv[1])
floor = json.load(open(sys.argv[2]))
passed = failed = 0
for k, v in got.items():
    if isinstance(v, float):
        print("%-16s %.3f  (floor %.3f)" % (k, v, floor.get(k, 0.0)))
for k, f in floor.items():
    v = got.get(k)
    if v is None or v + 1e-9 < f:
        print("FAIL %s %s below floor %.3f" % (k, v, f))
        failed += 1
    else:
        passed += 1
if got.get("extractor_failures", 0):
    print("FAIL extractor failed on %d sources" % got["extractor_failures"])
    failed += 1
else:
    passed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
