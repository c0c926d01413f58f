#!/usr/bin/env bash
# make run: (deps and build are done by the Makefile's run target) creates data/duijie.db with a
# synthetic Qingdao of 20,000 enterprises if it is absent, then serves it on port 8080.
# PORT and DB may be overridden from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:-data/duijie.db}
PORT=${PORT:-8080}
[ -x build/duijie ] || make --no-print-directory build/duijie
if [ ! -e "$DB" ]; then
    echo "run: creating $DB (duijie demo --enterprises 20000 --seed 1)"
    build/duijie demo --enterprises 20000 --seed 1 --db "$DB.tmp" >/dev/null
    mv "$DB.tmp" "$DB"
    rm -f "$DB.tmp-wal" "$DB.tmp-shm"
fi
users=$(build/duijie user list --db "$DB" 2>/dev/null | awk -F'\t' '$1 ~ /^demo_/ {
    printf "  %-18s %-14s %s%s%s\n", $1, $3, $4, $5, $6 }')
if [ -n "$users" ]; then
    echo "run: 演示用户 / demo users, 密码 / password Demo@2026 (docs/AUTH.md):"
    echo "$users"
else
    echo "run: $DB has no demo users (made before sign-in existed): remove it to recreate"
fi
echo "run: http://localhost:$PORT/  (database $DB)"
exec build/duijie serve --port "$PORT" --db "$DB"
