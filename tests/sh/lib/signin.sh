# Sourced by the shell suites that call endpoints needing a session (tests/sh/*.sh):
#   signin_user DB NAME ROLE [duijie user add options…]   adds a user (password $SIGNIN_PASSWORD)
#   signin BASE NAME                                       signs in; sets $SIGNIN_CURLRC, $SIGNIN_CSRF
#                                                          and $SIGNIN_COOKIE
# after which `curl -K "$SIGNIN_CURLRC" …` sends the session cookie and the X-CSRF-Token header.
# Needs $D (build/duijie), $tmp (a scratch folder) and python3.
SIGNIN_PASSWORD=${SIGNIN_PASSWORD:-Test@2026-signin}

signin_user() {
    local db=$1 name=$2 role=$3
    shift 3
    printf '%s\n' "$SIGNIN_PASSWORD" | "$D" user add "$name" --role "$role" "$@" --db "$db" >/dev/null
}

signin() {
    local base=$1 name=$2
    SIGNIN_CURLRC=$tmp/signin-$name.curlrc
    local body
    body=$(command curl -s -c "$tmp/signin-$name.jar" -H 'Content-Type: application/json' \
        --data-binary "{\"username\":\"$name\",\"password\":\"$SIGNIN_PASSWORD\"}" \
        "$base/api/auth/login") || return 1
    SIGNIN_CSRF=$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])') ||
        return 1
    SIGNIN_COOKIE=duijie_session=$(awk '$6 == "duijie_session" {print $7}' "$tmp/signin-$name.jar")
    printf 'cookie = "%s"\nheader = "X-CSRF-Token: %s"\n' "$SIGNIN_COOKIE" "$SIGNIN_CSRF" \
        >"$SIGNIN_CURLRC"
}
