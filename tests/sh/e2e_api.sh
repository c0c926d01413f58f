#!/usr/bin/env bash
# End to end: a synthetic Qingdao (`duijie demo`, or a few POSTed enterprises when there is no demo
# command) in a temporary database, `duijie serve --port 0`, every endpoint over HTTP with curl,
# the answers checked with python3, then a graceful stop with SIGTERM.
. "$(dirname "$0")/lib/suite.sh"

db=$tmp/e2e.db
if $D help 2>/dev/null | grep -q "duijie demo"; then
    $D demo --enterprises 3000 --seed 7 --db "$db" >/dev/null 2>&1 || bad "demo"
    seeded=demo
else
    seeded=post
fi

serve_start srv --db "$db" --web web --threads 4 || suite_abort "server did not start: $(cat "$tmp/srv.err")"

# signed out, the enterprise endpoints say 401; then every call below is an administrator's
. tests/sh/lib/signin.sh
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/enterprises")
[ "$code" = 401 ] && ok || bad "signed out: $code"
signin_user "$db" e2e_admin admin && signin "$base" e2e_admin && ok || bad "sign in"
curl() { command curl -K "$SIGNIN_CURLRC" "$@"; }

# get NAME PATH STATUS PYTHON-EXPR: GET base+PATH, expect STATUS and EXPR true of d (the JSON).
get() { req "$1" GET "$2" "" "$3" "$4"; }
post() { req "$1" POST "$2" "$3" "$4" "$5"; }
req() {
    local name=$1 method=$2 path=$3 body=$4 want=$5 expr=$6 code
    if [ "$method" = GET ]; then
        code=$(curl -s -o "$tmp/body" -w '%{http_code}' "$base$path")
    else
        code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X "$method" \
            -H 'Content-Type: application/json' --data-binary "$body" "$base$path")
    fi
    if [ "$code" != "$want" ]; then
        bad "$name: status $code, expected $want: $(head -c 300 "$tmp/body")"
        return
    fi
    if "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" \
        "$tmp/body" 2>"$tmp/pyerr"; then
        ok
    else
        bad "$name: $expr is false of $(head -c 300 "$tmp/body") $(cat "$tmp/pyerr")"
    fi
}

if [ "$seeded" = post ]; then
    for body in \
        '{"uscc":"91350100M000100Y43","name":"青岛测试锅炉有限公司","region":"崂山区","industry":"C3411","employees":250,"revenue":"3000万元","rd_expense":"150万元","established":"2015-03-01"}' \
        '{"uscc":"914403001922038216","name":"市南零售有限公司","region":"市南区","industry":"5211","employees":9}' \
        '{"uscc":"91110000710925462X","name":"西海岸软件有限公司","region":"西海岸新区","industry":"6513","employees":40,"revenue":"800万元"}'; do
        post "seed POST" /api/enterprises "$body" 201 'd["uscc"]'
    done
fi

get health /api/health 200 'd["status"]=="ok" and d["store"]=="sqlite" and d["enterprises"]>=3'
get fields /api/fields 200 'd["fields"][0]["key"]=="uscc" and any(f["key"]=="size" and f["derived"] for f in d["fields"])'
get regions /api/regions 200 'd["code"]==370200 and len(d["children"])==10 and all("children" in c for c in d["children"])'
get "regions root" "/api/regions?root=%E9%BB%84%E5%B2%9B%E5%8C%BA" 200 'd["code"]==370211'
get industries "/api/industries?q=%E8%BD%AF%E4%BB%B6" 200 'd["total"]>0 and all("软件" in i["name"] for i in d["items"])'
get "industries code" "/api/industries?q=C39" 200 'd["items"][0]["code"]=="39"'
get list "/api/enterprises?page_size=5" 200 'd["total"]>=3 and len(d["items"])<=5 and d["page"]==1'
get "list region" "/api/enterprises?region=370212" 200 'all(i["region"]["path"].startswith("青岛市崂山区") for i in d["items"])'
get "list region name" "/api/enterprises?region=%E5%B4%82%E5%B1%B1%E5%8C%BA&page_size=200" 200 'all(i["region"]["path"].startswith("青岛市崂山区") for i in d["items"])'
get "list size" "/api/enterprises?size=%E5%BE%AE%E5%9E%8B" 200 'all(i["size"]=="微型" for i in d["items"])'
get "list industry" "/api/enterprises?industry=C" 200 'all(i["industry"]["section"]=="C" for i in d["items"])'
u=$(curl -s "$base/api/enterprises?page_size=1" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["uscc"])')
get one "/api/enterprises/$u" 200 "d['uscc']=='$u' and 'size' in d['fields'] and d['fields']['size'].get('derived')"
get "one explains size" "/api/enterprises/$u" 200 "'explain' in d['fields']['size'] or d['fields']['size']['value'] is None"
post create /api/enterprises '{"uscc":"91370212MA3C5QW87X","name":"e2e 新建企业","region":"崂山区","industry":"6513","employees":12,"revenue":"500万元"}' 422 'd["error"]["fields"][0]["field"]=="uscc"'
first17=91370212MA3C5QW87
check=$($D uscc "${first17}0" | "$PY" -c 'import json,sys; e=json.load(sys.stdin)["error"] or ""; import re; m=re.search("应为“(.)”",e); print(m.group(1) if m else "0")')
post create /api/enterprises "{\"uscc\":\"${first17}${check}\",\"name\":\"e2e 新建企业\",\"region\":\"崂山区\",\"industry\":\"6513\",\"employees\":12,\"revenue\":\"500万元\"}" 201 'd["fields"]["size"]["value"]=="小型" and d["fields"]["revenue"]["value"]==500000000'
get "created is listed" "/api/enterprises?q=e2e" 200 'd["total"]==1'
post invalid /api/enterprises '{"uscc":"91350100M000100Y44","营业收入":"很多"}' 422 'sorted(f["field"] for f in d["error"]["fields"])==["name","revenue","uscc"]'
post "bad json" /api/enterprises '{"uscc": }' 400 'd["error"]["code"]=="bad_json" and d["error"]["line"]==1'
get "no such" /api/nothing 404 'd["error"]["code"]=="not_found" and d["error"]["zh"] and d["error"]["en"]'
req "wrong method" DELETE /api/health "" 405 'd["error"]["code"]=="method_not_allowed"'
get "bad page" "/api/enterprises?page=0" 400 'd["error"]["field"]=="page"'
get "bad utf8" "/api/enterprises?q=%FF" 400 'd["error"]["code"]=="bad_utf8"'
code=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$base/../../etc/passwd")
[ "$code" = 400 ] && ok || bad "traversal: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @<(head -c 2000000 /dev/zero | tr '\0' ' ') "$base/api/enterprises")
[ "$code" = 413 ] && ok || bad "body over the limit: $code"

# uploads (the import module): every rejected row named, good rows stored
if [ -f tests/data/import/broken.csv ]; then
    code=$(curl -s -o "$tmp/body" -w '%{http_code}' --data-binary @tests/data/import/broken.csv \
        "$base/api/import?filename=broken.csv")
    if [ "$code" = 200 ] && "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["rejected"]>0 and d["stored"]>0 and all(e["row"] and e["zh"] and e["en"] for e in d["errors"]) else 1)' "$tmp/body"; then
        ok
    else
        bad "import upload: $code $(head -c 300 "$tmp/body")"
    fi
fi
code=$(curl -s -o "$tmp/tpl.xlsx" -w '%{http_code}' "$base/api/import/template")
[ "$code" = 200 ] && [ "$(head -c 2 "$tmp/tpl.xlsx")" = PK ] && ok || bad "template: $code"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' \
    -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
    --data-binary @"$tmp/tpl.xlsx" "$base/api/import")
[ "$code" = 200 ] && grep -q '"format":"xlsx"' "$tmp/body" && ok || bad "xlsx upload: $code $(head -c 300 "$tmp/body")"

# static files
hdr=$(curl -s -D - -o "$tmp/index" "$base/")
echo "$hdr" | grep -qi '^content-type: text/html; charset=utf-8' && ok || bad "index content type"
grep -q '青岛惠企政策精准匹配平台' "$tmp/index" && ok || bad "index text"
etag=$(echo "$hdr" | sed -n 's/^[Ee][Tt]ag: //p' | tr -d '\r')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base/index.html")
[ "$code" = 304 ] && ok || bad "If-None-Match: $code"
curl -s -D - -o /dev/null "$base/app.js" | grep -qi '^content-type: text/javascript' && ok || bad "app.js type"
curl -s -D - -o /dev/null "$base/app.css" | grep -qi '^content-type: text/css' && ok || bad "app.css type"
# keep-alive: two requests on one connection
n=$(curl -s -v "$base/api/health" "$base/api/fields" -o /dev/null -o /dev/null 2>&1 | grep -c 'Re-using existing connection')
[ "$n" -ge 1 ] && ok || bad "keep-alive"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
[ "$rc" -eq 0 ] && ok || bad "graceful stop exit $rc"
grep -q 'stopping on signal 15' "$tmp/srv.err" && ok || bad "stop message"
suite_end
