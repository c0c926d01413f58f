/* Owns reads from a PostgreSQL streaming replica (a hot standby): opening a connection to it
 * without migrating (a standby is read-only; the servers on the primary migrate), and the WAL
 * positions that tell whether it has caught up with the primary (for read-your-writes and for
 * reloading the index after a change notice) and how far it lags (for the health endpoint). Which
 * requests may read from it is the server's decision (src/http/replica.c), not this file's. Owns no
 * table. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_impl.h"

static bool is_pg_uri(const char *uri) {
    return strncmp(uri, "postgres://", 11) == 0 || strncmp(uri, "postgresql://", 13) == 0;
}

bool store_lsn_is_valid(const char *lsn) {
    /* "16/B374D848": one to eight hex digits, a slash, one to eight hex digits */
    if (!lsn) return false;
    int n = 0;
    const char *p = lsn;
    for (; (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F') || (*p >= 'a' && *p <= 'f'); p++)
        n++;
    if (n < 1 || n > 8 || *p != '/') return false;
    n = 0;
    for (p++; (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F') || (*p >= 'a' && *p <= 'f'); p++)
        n++;
    return n >= 1 && n <= 8 && !*p;
}

static void sleep_ms(int ms) {
    nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000L}, NULL);
}

/* Before opening the store on a standby: waits until it has replayed the primary's WAL up to lsn,
 * so that the tables the primary's servers created (or migrated) are there to read. */
static int wait_replayed_raw(const char *uri, const char *lsn, int wait_ms, struct error *err) {
    PGconn *c = PQconnectdb(uri);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", c ? PQerrorMessage(c) : "out of memory");
        msg[strcspn(msg, "\n")] = 0;
        PQfinish(c);
        return error_set(err, ERR_IO, "无法连接只读副本:%s", "cannot connect to the replica: %s",
                         msg);
    }
    const char *args[1] = {lsn};
    int rc = ERR_IO;
    for (int waited = 0;; waited += 20) {
        PGresult *r = PQexecParams(c,
                                   "SELECT COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, "
                                   "NOT pg_is_in_recovery())",
                                   1, NULL, args, NULL, NULL, 0);
        bool is_ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        bool is_done = is_ok && PQgetvalue(r, 0, 0)[0] == 't';
        PQclear(r);
        if (!is_ok) {
            rc = error_set(err, ERR_DB, "只读副本不可用", "the replica cannot answer");
            break;
        }
        if (is_done) {
            rc = 0;
            break;
        }
        if (waited >= wait_ms) {
            rc = error_set(err, ERR_IO, "只读副本在 %d 毫秒内未追上主库 (%s)",
                           "the replica did not reach the primary's position %s within %d ms",
                           wait_ms, lsn);
            break;
        }
        sleep_ms(20);
    }
    PQfinish(c);
    return rc;
}

int store_open_read(const char *uri, const char *lsn, int wait_ms, struct store **out,
                    struct error *err) {
    *out = NULL;
    if (!uri || !is_pg_uri(uri))
        return error_set(err, ERR_UNSUPPORTED, "只读副本必须是 PostgreSQL (postgres://…)",
                         "a read replica must be PostgreSQL (postgres://…)");
    if (lsn && !store_lsn_is_valid(lsn))
        return error_set(err, ERR_INVALID, "无效的 WAL 位置 %s", "bad WAL position %s", lsn);
    int rc = lsn ? wait_replayed_raw(uri, lsn, wait_ms, err) : 0;
    /* store_pg_open finds the schema current and writes nothing; the module tables are the
     * primary's to migrate (store_open), so store_modules_migrate is not run here */
    if (!rc) rc = store_pg_open(uri, out, err);
    return rc;
}

int store_wal_lsn(struct store *s, char *out, size_t cap, struct error *err) {
    if (s->kind != STORE_POSTGRES)
        return error_set(err, ERR_UNSUPPORTED, "仅 PostgreSQL 有 WAL 位置",
                         "only PostgreSQL has WAL positions");
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
                       "ELSE pg_current_wal_lsn() END::text",
                       NULL, 0, &r, err);
    if (rc) return rc;
    const char *v = store_rows_count(r) == 1 ? store_rows_text(r, 0, 0) : "";
    if (!store_lsn_is_valid(v) || strlen(v) >= cap)
        rc = error_set(err, ERR_DB, "无法读取 WAL 位置", "cannot read the WAL position");
    else
        memcpy(out, v, strlen(v) + 1);
    store_rows_free(r);
    return rc;
}

int store_replayed(struct store *s, const char *lsn, struct error *err) {
    if (s->kind != STORE_POSTGRES)
        return error_set(err, ERR_UNSUPPORTED, "仅 PostgreSQL 有 WAL 位置",
                         "only PostgreSQL has WAL positions");
    if (!store_lsn_is_valid(lsn))
        return error_set(err, ERR_INVALID, "无效的 WAL 位置 %s", "bad WAL position %s", lsn);
    struct store_val arg = store_val_text(lsn);
    int64_t v = 0;
    /* on a server that is not a standby every position it has written is "replayed" */
    int rc = store_sql_int(s,
                           "SELECT CASE WHEN COALESCE(pg_last_wal_replay_lsn() >= ?::pg_lsn, "
                           "NOT pg_is_in_recovery()) THEN 1 ELSE 0 END",
                           &arg, 1, 0, &v, err);
    return rc ? rc : (int)v;
}

int store_replica_status(struct store *s, struct store_replica_status *st, struct error *err) {
    memset(st, 0, sizeof *st);
    st->lag_ms = -1;
    if (s->kind != STORE_POSTGRES)
        return error_set(err, ERR_UNSUPPORTED, "仅 PostgreSQL 有只读副本",
                         "only PostgreSQL has read replicas");
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT pg_is_in_recovery()::int, COALESCE(pg_last_wal_replay_lsn()::text, "
                       "''), (EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * "
                       "1000)::bigint",
                       NULL, 0, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) == 1) {
        st->is_standby = store_rows_int(r, 0, 0) == 1;
        snprintf(st->replay_lsn, sizeof st->replay_lsn, "%s", store_rows_text(r, 0, 1));
        if (!store_rows_is_null(r, 0, 2)) st->lag_ms = store_rows_int(r, 0, 2);
    }
    store_rows_free(r);
    return 0;
}

int store_wal_bytes_behind(struct store *primary, const char *lsn, int64_t *out,
                           struct error *err) {
    *out = 0;
    if (!store_lsn_is_valid(lsn))
        return error_set(err, ERR_INVALID, "无效的 WAL 位置 %s", "bad WAL position %s", lsn);
    struct store_val arg = store_val_text(lsn);
    int rc = store_sql_int(primary,
                           "SELECT GREATEST(pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn), "
                           "0)::bigint",
                           &arg, 1, 0, out, err);
    return rc;
}
