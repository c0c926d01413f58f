#!/usr/bin/env bash
# The officer's flow over HTTP: a synthetic Qingdao (`duijie demo`) in a temporary database,
# `duijie serve --port 0`, a real policy text (tests/data/extract/articles.txt) extracted, a bad
# rule refused with nothing stored, the draft saved, published, its enterprises listed at once, and
# an enterprise's award checked against `duijie eval` for the same rule and enterprise (exact fen).
. "$(dirname "$0")/lib/suite.sh"
db=$tmp/policy.db
if ! $D demo --enterprises 3000 --seed 7 --db "$db" >/dev/null 2>"$tmp/demo.err"; then
    echo "FAIL demo: $(tail -1 "$tmp/demo.err")"
    echo "0 passed, 1 failed"
    exit 1
fi
if ! serve_start srv --db "$db" --web web --threads 2; then
    echo "FAIL server did not start: $(cat "$tmp/srv.err")"
    echo "0 passed, 1 failed"
    exit 1
fi
. tests/sh/lib/signin.sh
if ! signin_user "$db" e2e_admin admin || ! signin "$base" e2e_admin; then
    echo "FAIL sign in"
    echo "0 passed, 1 failed"
    exit 1
fi
SIGNIN_COOKIE=$SIGNIN_COOKIE SIGNIN_CSRF=$SIGNIN_CSRF \
    "$PY" - "$base" "$D" tests/data/extract/articles.txt "$tmp" <<'PYEOF'
import json, os, subprocess, sys, urllib.request, urllib.error
base, duijie, policy_file, tmp = sys.argv[1:5]
session = {"Cookie": os.environ["SIGNIN_COOKIE"], "X-CSRF-Token": os.environ["SIGNIN_CSRF"]}
passed = failed = 0
def check(name, cond, detail=""):
    global passed, failed
    if cond: passed += 1
    else:
        failed += 1
        print("FAIL", name, str(detail)[:400])
def req(method, path, body=None, ct="application/json"):
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": ct, **session})
    try:
        with urllib.request.urlopen(r) as f:
            return f.status, json.load(f)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
try:
    raw = open(policy_file, "rb").read()
    text = raw.decode("utf-8")
    st, ex = req("POST", "/api/policies/extract", raw, "text/plain")
    check("extract status", st == 200, ex)
    cls = ex["clauses"]
    check("extract clauses", len(cls) >= 4, len(cls))
    # offsets: bytes into the UTF-8, start16/end16 into the JS string (Python str == code points
    # here, no astral characters in the text)
    check("byte offsets", all(raw[c["start"]:c["end"]].decode() == c["text"] for c in cls))
    check("utf16 offsets", all(text[c["start16"]:c["end16"]] == c["text"] for c in cls))
    rate = next((c for c in cls if "×" in c["rule"] and c["rule_ok"]), None)
    check("a rate clause", rate is not None, [c["rule"] for c in cls])
    st, pol = req("GET", "/api/policies")
    n0 = pol["total"]
    body = {"title": text.splitlines()[0], "department": "市科技局", "source": text,
            "clauses": [{"title": "第%d条" % c["seq"], "text": c["text"], "rule": c["rule"]}
                        for c in cls if c["rule_ok"]]}
    badbody = json.loads(json.dumps(body))
    badbody["clauses"][1]["rule"] = "营业收入 >= 且"
    st, err = req("POST", "/api/policies", badbody)
    check("bad rule 400", st == 400 and err["error"].get("clause") == 2 and err["error"].get("line") == 1, err)
    st, pol = req("GET", "/api/policies")
    check("bad rule stores nothing", pol["total"] == n0, pol)
    st, made = req("POST", "/api/policies", body)
    check("draft saved", st == 201 and made["status"] == "draft", made)
    pid = made["id"]
    idx = [c for c in cls if c["rule_ok"]].index(rate)
    cid = made["clauses"][idx]["id"]
    st, el = req("GET", "/api/clauses/%d/enterprises?status=eligible" % cid)
    st, pv = req("POST", "/api/match/preview", {"rule": rate["rule"]})
    n_el = pv["counts"]["eligible"]
    check("some enterprises qualify", n_el > 0, pv)
    st, pub = req("POST", "/api/policies/%d/publish" % pid)
    check("published", st == 200 and pub["status"] == "published" and
          all(c["status"] == "published" for c in pub["clauses"]), pub)
    st, el = req("GET", "/api/clauses/%d/enterprises?status=eligible&page_size=5" % cid)
    check("enterprises listed", st == 200 and el["total"] == n_el and len(el["enterprises"]) > 0, el)
    e0 = el["enterprises"][0]
    st, m = req("GET", "/api/enterprises/%s/matches" % e0["uscc"])
    hit = [x for x in m.get("matches", []) if x["clause_id"] == cid]
    check("matched without restart", len(hit) == 1 and hit[0]["status"] == "eligible", m)
    # the same enterprise through `duijie eval`, from its stored values
    st, ent = req("GET", "/api/enterprises/%s" % e0["uscc"])
    row = {}
    for key, f in ent["fields"].items():
        v = f.get("value")
        if v is None: continue
        if f["type"] == "region": row[key] = v["path"]
        elif f["type"] == "industry": row[key] = v["code"]
        elif f["type"] == "money": row[key] = f["text"]
        else: row[key] = v
    open(tmp + "/rule.txt", "w").write(rate["rule"])
    out = subprocess.run([duijie, "eval", tmp + "/rule.txt"], input=json.dumps(row, ensure_ascii=False) + "\n",
                         capture_output=True, text=True)
    ev = json.loads(out.stdout.splitlines()[0]) if out.stdout else {}
    check("eval eligible", ev.get("result") == "eligible", (ev, out.stderr))
    check("award exact fen", isinstance(e0.get("award_fen"), int) and e0["award_fen"] == ev.get("award_fen")
          and e0["award_fen"] == hit[0]["award_fen"], (e0, ev.get("award_fen")))
    st, got = req("GET", "/api/policies/%d" % pid)
    check("policy with clauses", st == 200 and len(got["clauses"]) == len(body["clauses"]), got)
    st, c1 = req("GET", "/api/clauses/%d" % cid)
    check("clause get", st == 200 and c1["rule"] == rate["rule"], c1)
except Exception as e:
    check("no exception", False, repr(e))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PYEOF
