#!/usr/bin/env bash
# `duijie user` and the demo users end to end: add (password from stdin), refuse a duplicate, a bad
# role, a weak password; passwd, role, disable/enable, list; then `duijie demo`'s users sign in
# over HTTP with the documented password and get their role, and a disabled one cannot.
. "$(dirname "$0")/lib/suite.sh"
db=$tmp/u.db
expect() { # NAME WANT-RC COMMAND…: the exit status
    local name=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$name: exit $rc, expected $want: $(cat "$tmp/err")"; fi
}
expect "add" 0 sh -c "printf 'Secret#2026\n' | $D user add alice --role centre --region 市南区 --db $db"
expect "duplicate" 1 sh -c "printf 'Secret#2026\n' | $D user add alice --role hub --db $db"
grep -q '已被使用' "$tmp/err" && ok || bad "duplicate message: $(cat "$tmp/err")"
expect "bad role" 2 sh -c "printf 'Secret#2026\n' | $D user add bob --role king --db $db"
expect "weak password" 1 sh -c "printf 'short\n' | $D user add bob --role hub --db $db"
expect "no password" 1 sh -c "$D user add bob --role hub --db $db </dev/null"
expect "enterprise without uscc" 1 sh -c "printf 'Secret#2026\n' | $D user add ent --role enterprise --db $db"
expect "role" 0 $D user role alice hub --db "$db"
expect "passwd" 0 sh -c "printf 'Other#2026x\n' | $D user passwd alice --db $db"
expect "passwd unknown" 1 sh -c "printf 'Other#2026x\n' | $D user passwd nobody --db $db"
expect "list" 0 $D user list --db "$db"
grep -q "^alice	hub	" "$tmp/out" && ok || bad "list: $(cat "$tmp/out")"
grep -q 'Secret\|Other' "$db" && bad "a password is stored in the clear" || ok

# the demo users sign in over HTTP
$D demo --enterprises 1000 --db "$tmp/d.db" >/dev/null 2>&1 || bad demo
n=$($D user list --db "$tmp/d.db" | grep -c '^demo_')
[ "$n" = 11 ] && ok || bad "demo users: $n"
serve_start srv --db "$tmp/d.db" --web none --threads 2 || bad "server did not start: $(cat "$tmp/srv.err")"
login() { curl -s -o "$tmp/body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"$1\",\"password\":\"$2\"}" "$base/api/auth/login"; }
for role in enterprise commissioner station centre hub officer reviewer finance bank investor admin; do
    code=$(login "demo_$role" 'Demo@2026')
    if [ "$code" = 200 ] && grep -q "\"role\":\"$role\"" "$tmp/body"; then ok; else
        bad "demo_$role: $code $(head -c 200 "$tmp/body")"
    fi
done
code=$(login demo_admin 'wrong password')
[ "$code" = 401 ] && ok || bad "wrong password: $code"
$D user disable demo_bank --db "$tmp/d.db" && ok || bad "disable"
code=$(login demo_bank 'Demo@2026')
[ "$code" = 401 ] && grep -q disabled "$tmp/body" && ok || bad "disabled: $code $(cat "$tmp/body")"
$D user enable demo_bank --db "$tmp/d.db" && ok || bad "enable"
code=$(login demo_bank 'Demo@2026')
[ "$code" = 200 ] && ok || bad "enabled again: $code"
suite_end
