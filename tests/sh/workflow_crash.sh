#!/usr/bin/env bash
# Crash consistency of the application workflow: `duijie serve` on a temporary SQLite database,
# a scripted workload (enterprises create and submit applications, a reviewer accepts, reviews
# and approves them, finance pays them) sent with curl, and the server killed with SIGKILL at
# random moments (KILLS times, default 15) while requests are in flight, then restarted. Checks
# afterwards: every step acknowledged with HTTP 2xx is in the audit log; every application's state
# is the state its last audit entry says (no half step); no step is recorded twice; a payment row
# exists exactly for the paid applications, with their approved amount; `duijie audit verify`
# passes. Skipped when the build has no users (`duijie user`) to sign in with.
# With CRASH_PG=1 (tests/sh/workflow_crash_pg.sh) the same on a throw-away PostgreSQL cluster
# (scripts/pg.sh); skipped when PostgreSQL cannot start.
. "$(dirname "$0")/lib/suite.sh"
KILLS=${KILLS:-15}
DB=$T/w.db
# q SQL: one query on the store, rows one a line, columns |-separated (SQLite or PostgreSQL)
if [ "${CRASH_PG:-0}" = 1 ]; then
    suite_pg uri "$T/pg"
    psql -qX "$uri" -c "CREATE DATABASE crash" >/dev/null 2>&1 || suite_abort "create database"
    DB=${uri%/*}/crash
    q() { psql -qXtA "$DB" -c "$1"; }
    state_sql="l.after_json::json->>'state'"
else
    q() { sqlite3 "$DB" "$1"; }
    state_sql="json_extract(l.after_json, '\$.state')"
fi

"$D" demo --enterprises 300 --db "$DB" >/dev/null 2>&1 || suite_abort "demo"
today=$(( ($(date +%s) + 8 * 3600) / 86400 ))
clauses=$(q "SELECT id FROM clause WHERE status = 1 AND is_exempt = 0 AND
    (deadline IS NULL OR deadline >= $((today + 1))) ORDER BY id LIMIT 3")
# firms without applications in the demo's history: the workload's applications are its own
usccs=$(q "SELECT uscc FROM enterprise WHERE uscc NOT IN (SELECT uscc FROM application)
    ORDER BY id LIMIT ${APPLICANTS:-4}")
[ -n "$clauses" ] && [ -n "$usccs" ] || suite_abort "no open clause or enterprise in the demo"
adduser() { echo "crash-test-pw-1" | "$D" user add "$@" --db "$DB" >/dev/null 2>&1; }
adduser reviewer1 --role reviewer || bad "user add reviewer"
adduser finance1 --role finance || bad "user add finance"
n=0
for u in $usccs; do n=$((n + 1)); adduser "ent$n" --role enterprise --uscc "$u" || bad "user add ent$n"; done

port=$((20000 + RANDOM % 20000))
start() {
    "$D" serve --port "$port" --db "$DB" --threads 4 >"$T/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/api/health" && return 0
        sleep 0.05
    done
    return 1
}
base="http://127.0.0.1:$port"
# login NAME → cookie jar $T/NAME.jar and token $T/NAME.csrf (sessions live in the store, so they
# outlive a killed server)
login() {
    curl -s -c "$T/$1.jar" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"crash-test-pw-1\"}" "$base/api/auth/login" |
        grep -o '"csrf": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' >"$T/$1.csrf"
    [ -s "$T/$1.csrf" ]
}
# call USER METHOD PATH [BODY] → prints "STATUS BODY"; STATUS 000 when the server is gone
call() {
    local out code
    out=$(curl -s -m 5 -b "$T/$1.jar" -H "X-CSRF-Token: $(cat "$T/$1.csrf")" \
        -H 'Content-Type: application/json' -X "$2" ${4:+-d "$4"} -w '\n%{http_code}' "$base$3")
    code=${out##*$'\n'}
    echo "$code ${out%$'\n'*}"
}
state_of() { grep -o '"state": *"[a-z]*"' | head -1 | sed 's/.*"\([a-z]*\)"$/\1/'; }

start || { cat "$T/serve.log"; suite_abort "serve did not start"; }
login reviewer1 && login finance1 || bad "login"
n=0
for u in $usccs; do n=$((n + 1)); login "ent$n" || bad "login ent$n"; done

: >"$T/acked"
# One request for application (user u, clause c): find it, take its next step. Returns 1 when
# the server did not answer.
advance() {
    local ent=$1 uscc=$2 c=$3 r code body id st
    r=$(call "$ent" GET "/api/applications?clause_id=$c&uscc=$uscc")
    code=${r%% *}; body=${r#* }
    [ "$code" = 000 ] && return 1
    id=$(echo "$body" | grep -o '"id": *[0-9]*' | head -1 | grep -o '[0-9]*$')
    if [ -z "$id" ]; then
        r=$(call "$ent" POST /api/applications "{\"clause_id\":$c}")
        code=${r%% *}
        [ "$code" = 000 ] && return 1
        [ "$code" = 201 ] && echo "$(echo "${r#* }" | grep -o '[0-9]*' | head -1) create" >>"$T/acked"
        return 0
    fi
    st=$(echo "$body" | state_of)
    local who action data='{}'
    case $st in
    draft) who=$ent action=submit ;;
    submitted) who=reviewer1 action=accept ;;
    accepted) who=reviewer1 action=review data='{"comment":"材料齐全"}' ;;
    reviewed) who=reviewer1 action=approve data='{"amount_fen":123456}' ;;
    approved) who=finance1 action=pay data="{\"paid_on\":\"$(date -u +%Y-%m-%d)\",\"payment_ref\":\"PAY-$id\"}" ;;
    *) return 0 ;;
    esac
    r=$(call "$who" POST "/api/applications/$id/$action" "$data")
    code=${r%% *}
    [ "$code" = 000 ] && return 1
    case $code in 2*) echo "$id $action" >>"$T/acked" ;; esac
    return 0
}

kills=0
rounds=0
while [ $kills -lt "$KILLS" ] && [ $rounds -lt 200 ]; do
    rounds=$((rounds + 1))
    # a killer that strikes at a random moment within the next ~0.6 s
    ( sleep "0.$((RANDOM % 6))$((RANDOM % 10))"; kill -9 "$pid" 2>/dev/null ) &
    killer=$!
    alive=1
    while [ $alive = 1 ]; do
        n=0
        progressed=0
        for u in $usccs; do
            n=$((n + 1))
            for c in $clauses; do
                advance "ent$n" "$u" "$c" || { alive=0; break 2; }
                progressed=1
            done
        done
        # every application paid: the workload is done
        [ "$(grep -c ' pay$' "$T/acked")" -ge $(( $(echo $usccs | wc -w) * $(echo $clauses | wc -w) )) ] && break
        [ $progressed = 0 ] && break
    done
    wait "$killer" 2>/dev/null
    if ! kill -0 "$pid" 2>/dev/null; then
        kills=$((kills + 1))
        wait "$pid" 2>/dev/null
        start || { bad "restart after kill $kills"; break; }
    fi
    [ "$(grep -c ' pay$' "$T/acked")" -ge $(( $(echo $usccs | wc -w) * $(echo $clauses | wc -w) )) ] && break
done
# finish the workload on a server left alone, then stop it
for _ in 1 2 3 4 5 6 7; do
    [ "$(grep -c ' pay$' "$T/acked")" -ge $(( $(echo $usccs | wc -w) * $(echo $clauses | wc -w) )) ] && break
    n=0
    for u in $usccs; do n=$((n + 1)); for c in $clauses; do advance "ent$n" "$u" "$c"; done; done
done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
echo "kills: $kills, acknowledged steps: $(wc -l <"$T/acked"), paid: $(grep -c ' pay$' "$T/acked")"
[ "$kills" -ge 1 ] && ok || bad "the server was never killed"

# every acknowledged step is in the audit log
missing=0
while read -r id action; do
    n=$(q "SELECT COUNT(*) FROM audit_log WHERE object_type = 'application'
        AND object_id = $id AND action = '$action'")
    [ "$n" = 1 ] || { missing=$((missing + 1)); echo "  acknowledged $action of $id: $n entries"; }
done <"$T/acked"
[ $missing = 0 ] && ok || bad "$missing acknowledged steps missing from the audit log"
# no half step: the state is what the last audit entry says, and no step was recorded twice
half=$(q "SELECT COUNT(*) FROM application a WHERE a.state <> (SELECT
    $state_sql FROM audit_log l WHERE l.object_type = 'application'
    AND l.object_id = a.id ORDER BY l.seq DESC LIMIT 1)")
[ "$half" = 0 ] && ok || bad "$half applications disagree with their audit trail"
dup=$(q "SELECT COUNT(*) FROM (SELECT object_id, action FROM audit_log GROUP BY
    object_type, object_id, action HAVING COUNT(*) > 1) d")
[ "$dup" = 0 ] && ok || bad "$dup steps recorded twice"
pay=$(q "SELECT COUNT(*) FROM application a LEFT JOIN payment p ON p.source =
    'application' AND p.source_id = a.id WHERE (a.state = 'paid') <> (p.id IS NOT NULL) OR
    p.amount_fen <> a.amount_fen")
[ "$pay" = 0 ] && ok || bad "$pay applications whose payment row does not match"
paid=$(q "SELECT COUNT(*) FROM application WHERE state = 'paid'")
[ "$paid" -gt 0 ] && ok || bad "no application reached paid"
if "$D" audit verify --db "$DB" >"$T/verify" 2>&1; then ok; else bad "audit verify: $(cat "$T/verify")"; fi
# and verify does see a tampered copy
# (the workload's first approval: the demo's history has approvals of its own before it)
tamper="UPDATE audit_log SET after_json = replace(after_json, '123456', '999999') WHERE
    action = 'approve' AND seq = (SELECT MIN(seq) FROM audit_log WHERE action = 'approve'
    AND after_json LIKE '%123456%')"
if [ "${CRASH_PG:-0}" = 1 ]; then
    psql -qX "$uri" -c "CREATE DATABASE tampered TEMPLATE crash" >/dev/null 2>&1 || bad "copy database"
    TDB=${uri%/*}/tampered
    psql -qX "$TDB" -c "$tamper" >/dev/null 2>&1 || bad "tamper"
else
    sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$DB" "$T/t.db"
    TDB=$T/t.db
    sqlite3 "$TDB" "$tamper"
fi
if "$D" audit verify --db "$TDB" >/dev/null 2>&1; then bad "verify missed an edit"; else ok; fi
suite_end
