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
echo "run: http://localhost:$PORT/  (database $DB)"
exec build/duijie serve --port "$PORT" --db "$DB"
