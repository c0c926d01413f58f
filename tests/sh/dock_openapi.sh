#!/usr/bin/env bash
# Every route the dock API registers (src/http/api_dock*.c) is described in docs/openapi/dock.yaml
# with the same method, and the fragment describes no route that does not exist.
. "$(dirname "$0")/lib/suite.sh"
routes=$(grep -ho 'http_route(r, "[A-Z]*", "[^"]*"' src/http/api_dock*.c |
         sed -E 's/http_route\(r, "([A-Z]+)", "([^"]+)"/\2 \1/' | tr 'A-Z' 'a-z' | sort -u)
documented=$(awk '/^  \/[^ ]*:$/ { p = substr($1, 1, length($1) - 1) }
                  /^    (get|post|put|delete|patch):$/ { m = $1; sub(":", "", m); print p, m }' \
             docs/openapi/dock.yaml | sort -u)
while read -r r; do
    if grep -qxF "$r" <<<"$documented"; then ok; else bad "not in docs/openapi/dock.yaml: $r"; fi
done <<<"$routes"
while read -r d; do
    if grep -qxF "$d" <<<"$routes"; then ok; else bad "documented but not routed: $d"; fi
done <<<"$documented"
suite_end
