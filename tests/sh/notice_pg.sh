#!/usr/bin/env bash
# Change notices that carry what changed (src/http/notice.c, the triggers in src/store/store_pg.c):
# two duijie servers on one PostgreSQL (scripts/pg.sh), each with its index loaded; then
#   - an enterprise written through server A is matched in server B within a second, and B's
#     health shows the row applied and no full reload;
#   - an enterprise deleted in the database leaves B's index (rows_removed), still no reload;
#   - each notice carries the primary's clock at the write: B's health says when it applied the
#     newest of each kind ("freshness": written / applied, lag) and lists the last ones
#     (?notices=recent), the enterprise written through A among them;
#   - a policy write reloads B's catalog only (catalog_reloads), at once, with no request asking;
#   - a library document added through A is found by B's search (its search index rebuilt on the
#     library_doc notice), with no policy or clause written;
#   - a bulk write (more rows than a notice names) makes B reload its whole index in the
#     background (full_reloads), answering meanwhile;
#   - B's LISTEN connection cut: health 503 until B is back and has reloaded, then 200 with one
#     more full reload.
# Skipped when PostgreSQL cannot start.
. "$(dirname "$0")/lib/suite.sh"
port=$((20000 + RANDOM % 20000))
suite_pg db "$T/pg" "$port"
$D demo --enterprises 500 --db "$db" >/dev/null 2>"$T/demo.err" && ok ||
    bad "demo: $(tail -n 2 "$T/demo.err")"

start_server() { # NAME: starts a server on the database, sets URL_<NAME>
    $D serve --port 0 --db "$db" --web none --threads 2 >"$T/$1.out" 2>"$T/$1.err" &
    pids+=($!)
    for _ in $(seq 1 100); do
        grep -q '^listening on ' "$T/$1.out" && break
        sleep 0.1
    done
    eval "URL_$1=\$(sed -n 's/^listening on //p' \"\$T/\$1.out\")"
}
start_server A
start_server B
[ -n "$URL_A" ] && [ -n "$URL_B" ] && ok || bad "servers did not start: $(head -c 300 "$T/A.err" "$T/B.err")"

sql() { psql -qtAX "$db" -c "$1" 2>&1; }
# the "notices" figure NAME of a server's health
figure() { curl -s "$1/api/health" | python3 -c "import json,sys; print(json.load(sys.stdin).get('notices',{}).get('$2',''))"; }
# the "freshness" figure KIND.FIELD of a server's health (notice.c)
fresh() { curl -s "$1/api/health" | python3 -c "import json,sys; v=json.load(sys.stdin).get('notices',{}).get('freshness',{}).get('$2',{}).get('$3'); print('' if v is None else v)"; }
# how many enterprises a rule matches on a server (its index); needs a session (any server's)
matched() {
    curl -s -K "$SIGNIN_CURLRC" -XPOST "$1/api/match/preview" -d "{\"rule\":\"$2\"}" |
        python3 -c "import json,sys; d=json.load(sys.stdin); print(d['counts']['eligible'])" 2>/dev/null
}
. tests/sh/lib/signin.sh
signin_user "$db" notice_admin admin && signin "$URL_A" notice_admin && ok || bad "sign in"
rule='从业人员 = 98765'
# both load their index (the first request does)
a0=$(matched "$URL_A" "$rule")
b0=$(matched "$URL_B" "$rule")
[ "$a0" = 0 ] && [ "$b0" = 0 ] && ok || bad "before the write the rule matches A=$a0 B=$b0 (want 0 0)"
full0=$(figure "$URL_B" full_reloads)
rows0=$(figure "$URL_B" rows_applied)
[ -n "$full0" ] && [ -n "$rows0" ] && ok || bad "no notices figures in B's health: $(curl -s "$URL_B/api/health")"

# 1. an enterprise written through A is in B's index within a second, without a reload
u=$(sql "SELECT uscc FROM enterprise ORDER BY id LIMIT 1")
c=$(curl -s -o "$T/post.json" -w '%{http_code}' -K "$SIGNIN_CURLRC" -XPOST "$URL_A/api/enterprises" \
    -d "{\"uscc\":\"$u\",\"name\":\"青岛通知改写有限公司\",\"employees\":98765}")
[ "$c" = 201 ] && ok || bad "POST to A: HTTP $c $(head -c 300 "$T/post.json")"
t0=$(date +%s%N) # acknowledged
seen=""
for _ in $(seq 1 500); do # (curl and grep only: python's start-up would blur the figure)
    if curl -s -K "$SIGNIN_CURLRC" -XPOST "$URL_B/api/match/preview" -d "{\"rule\":\"$rule\"}" |
        grep -q '"counts":{"eligible":1,'; then
        seen=$((($(date +%s%N) - t0) / 1000000))
        break
    fi
    sleep 0.01
done
# a second, as the issue asks; on a machine far busier than its cores (other jobs) five, and said
load=$(cut -d' ' -f1 /proc/loadavg)
limit=1000
awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > 4 * n) }' && limit=5000
[ -n "$seen" ] && [ "$seen" -le "$limit" ] && ok ||
    bad "B did not match the write within $limit ms (${seen:-never} ms, load $load)"
echo "B matched A's write ${seen:-?} ms after A acknowledged it (load average $load, $(nproc) cpus)"
[ "$(matched "$URL_A" "$rule")" = 1 ] && ok || bad "A does not match its own write"
[ "$(figure "$URL_B" full_reloads)" = "$full0" ] && ok ||
    bad "B reloaded its whole index for one row: $(curl -s "$URL_B/api/health")"
rows1=$(figure "$URL_B" rows_applied)
[ -n "$rows1" ] && [ "$rows1" -gt "$rows0" ] && ok || bad "B applied no row ($rows0 → $rows1)"
# B says when the write was committed (the primary's clock in the notice) and when it applied it
lag=$(fresh "$URL_B" enterprise lag_ms)
[ -n "$lag" ] && [ "$lag" -ge 0 ] && [ "$lag" -le "$limit" ] && ok ||
    bad "B's enterprise freshness: lag ${lag:-none} ms: $(curl -s "$URL_B/api/health")"
echo "B applied A's write ${lag:-?} ms after the primary committed it (its health)"
curl -s "$URL_B/api/health?notices=recent" | python3 -c "
import json, sys
r = json.load(sys.stdin)['notices']['recent']
e = [x for x in r if x['kind'] == 'enterprise' and x.get('uscc') == '$u']
sys.exit(0 if e and e[-1]['applied_at_ms'] >= e[-1]['committed_at_ms'] > 0 else 1)" && ok ||
    bad "B's recent notices lack $u: $(curl -s "$URL_B/api/health?notices=recent" | head -c 600)"

# 2. a row deleted in the database leaves B's index (a fresh enterprise, referenced by nothing)
v=$(python3 -c '
cs = "0123456789ABCDEFGHJKLMNPQRTUWXY"
w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
b = "91370200MA00NQTC0"
print(b + cs[(31 - sum(cs.index(c) * k for c, k in zip(b, w)) % 31) % 31])')
c=$(curl -s -o /dev/null -w '%{http_code}' -K "$SIGNIN_CURLRC" -XPOST "$URL_A/api/enterprises" \
    -d "{\"uscc\":\"$v\",\"name\":\"青岛通知测试有限公司\",\"employees\":98766}")
if [ "$c" = 201 ]; then
    for _ in $(seq 1 40); do
        [ "$(matched "$URL_B" '从业人员 = 98766')" = 1 ] && break
        sleep 0.025
    done
    [ "$(matched "$URL_B" '从业人员 = 98766')" = 1 ] && ok || bad "B did not take the new enterprise"
    sql "DELETE FROM enterprise WHERE uscc = '$v'" >/dev/null
    for _ in $(seq 1 40); do
        [ "$(matched "$URL_B" '从业人员 = 98766')" = 0 ] && break
        sleep 0.025
    done
    [ "$(matched "$URL_B" '从业人员 = 98766')" = 0 ] && ok || bad "B still matches a deleted enterprise"
    [ "$(figure "$URL_B" rows_removed)" -ge 1 ] && ok || bad "rows_removed: $(curl -s "$URL_B/api/health")"
    [ "$(figure "$URL_B" full_reloads)" = "$full0" ] && ok || bad "B reloaded for a delete"
else
    bad "POST a new enterprise to A: HTTP $c"
fi

# 3. a policy write: the catalog only, swapped in by B's notice thread (no request asks for it)
cat0=$(figure "$URL_B" catalog_reloads)
capp0=$(fresh "$URL_B" catalog applied)
sql "UPDATE policy SET id = id WHERE false" >/dev/null
for _ in $(seq 1 40); do
    [ "$(fresh "$URL_B" catalog applied)" != "$capp0" ] && break
    sleep 0.025
done
[ "$(figure "$URL_B" catalog_reloads)" -gt "$cat0" ] && ok || bad "a policy write did not mark B's catalog"
[ "$(fresh "$URL_B" catalog applied)" -gt "$capp0" ] && ok ||
    bad "B did not swap in a new catalog: $(curl -s "$URL_B/api/health")"
lag=$(fresh "$URL_B" catalog lag_ms)
[ -n "$lag" ] && [ "$lag" -ge 0 ] && [ "$lag" -le "$limit" ] && ok || bad "B's catalog lag: ${lag:-none} ms"
[ "$(figure "$URL_B" full_reloads)" = "$full0" ] && ok || bad "B reloaded its index for a policy write"

# 3b. a library document added through A: B's search finds it (the library_doc notice rebuilds
# B's search index), with no policy or clause written
hits() { # BASE TITLE: how many of a search's hits have that title (the words alone find others)
    curl -s -G "$1/api/search" --data-urlencode "q=$2" --data-urlencode limit=100 |
        python3 -c "import json,sys; print(sum('$2' in json.dumps(h, ensure_ascii=False) for h in json.load(sys.stdin)['hits']))" 2>/dev/null
}
title=蓝鲸星港通知同步测试办法
[ "$(hits "$URL_B" "$title")" = 0 ] && ok || bad "B finds the document before it exists: $(hits "$URL_B" "$title")"
cat1=$(figure "$URL_B" catalog_reloads)
sapp0=$(fresh "$URL_B" search applied)
c=$(curl -s -o "$T/lib.json" -w '%{http_code}' -K "$SIGNIN_CURLRC" -XPOST "$URL_A/api/library"     -d "{\"title\":\"$title\",\"doc_no\":\"青通测〔2026〕1号\",\"body\":\"通知同步测试正文。\"}")
[ "$c" = 201 ] && ok || bad "POST /api/library to A: HTTP $c $(head -c 300 "$T/lib.json")"
found=""
for _ in $(seq 1 100); do
    n=$(hits "$URL_B" "$title")
    [ -n "$n" ] && [ "$n" -ge 1 ] && found=yes && break
    sleep 0.02
done
[ "$found" = yes ] && ok || bad "B's search does not find the document added through A"
[ "$(fresh "$URL_B" search applied)" -gt "${sapp0:-0}" ] && ok || bad "B's search index was not rebuilt by a notice"
[ "$(figure "$URL_B" catalog_reloads)" = "$cat1" ] && ok || bad "a library document reloaded B's catalog"

# 4. a bulk write (every row: more than a notice names): a full reload in the background
sql "UPDATE enterprise SET employees = 98767 WHERE id IN (SELECT id FROM enterprise ORDER BY id \
    LIMIT 300)" >/dev/null
for _ in $(seq 1 100); do
    [ "$(figure "$URL_B" full_reloads)" -gt "$full0" ] && break
    sleep 0.1
done
[ "$(figure "$URL_B" full_reloads)" -gt "$full0" ] && ok || bad "a bulk write did not reload B"
[ "$(matched "$URL_B" '从业人员 = 98767')" = 300 ] && ok || bad "B after the bulk write: $(matched "$URL_B" '从业人员 = 98767')"

# 5. B's LISTEN connection cut: 503 until back and reloaded, then 200 and one more reload
full1=$(figure "$URL_B" full_reloads)
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN duijie_change'" >/dev/null
seen503=no
c=""
for _ in $(seq 1 100); do
    c=$(curl -s -o /dev/null -w '%{http_code}' "$URL_B/api/health")
    [ "$c" = 503 ] && seen503=yes
    [ "$seen503" = yes ] && [ "$c" = 200 ] && break
    sleep 0.05
done
[ "$seen503" = yes ] && [ "$c" = 200 ] && ok || bad "health after the LISTEN cut: 503 seen $seen503, last $c"
[ "$(figure "$URL_B" full_reloads)" -gt "$full1" ] && ok || bad "B did not reload after reconnecting"
[ "$(figure "$URL_B" stale)" = False ] && ok || bad "B still stale: $(curl -s "$URL_B/api/health")"

suite_end
