/* Owns the PostgreSQL store's driver side (libpq): running the migrations (bind.c's DDL, the same
 * schema versions as SQLite, under an advisory lock so that of many replicas starting at once only
 * one migrates), the prepared statements, the transactions and savepoints, the bulk path (COPY
 * into temporary staging tables, merged by one INSERT … SELECT per flush), the enterprise row's
 * SQL and parameters, and running the policy and clause statements whose text, values and row
 * reading are bind.c's (shared with store_sqlite.c). Argument checks are store.c's; nothing here
 * knows HTTP, rules or the index. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "refdata/refdata.h"
#include "store/bind.h"
#include "store/row.h"
#include "store/store_impl.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/strmap.h"

/* pg_advisory_lock key held while migrating: "duijie" in ASCII. */
#define MIGRATE_LOCK_KEY "111546275317861"

/* ---- the enterprise row (layout in row.h): the SQL text and parameters here ---- */

/* ---- parameters: text values, NULL for SQL NULL ---- */

#define MAX_PARAMS 40

struct params {
    const char *v[MAX_PARAMS];
    char num[MAX_PARAMS][24];
    int n;
};

static void p_null(struct params *ps, int i) {
    ps->v[i] = NULL;
    if (i >= ps->n) ps->n = i + 1;
}

static void p_int(struct params *ps, int i, int64_t x) {
    snprintf(ps->num[i], sizeof ps->num[i], "%lld", (long long)x);
    ps->v[i] = ps->num[i];
    if (i >= ps->n) ps->n = i + 1;
}

static void p_opt(struct params *ps, int i, bool has, int64_t x) {
    if (has)
        p_int(ps, i, x);
    else
        p_null(ps, i);
}

static void p_text(struct params *ps, int i, const char *s) {
    ps->v[i] = s;
    if (i >= ps->n) ps->n = i + 1;
}

/* Parameters from bind.h's values (integers, text and NULL). */
static void p_vals(struct params *ps, const struct store_val *v, int n) {
    memset(ps, 0, sizeof *ps);
    for (int i = 0; i < n; i++)
        if (v[i].type == STORE_VAL_INT)
            p_int(ps, i, v[i].i);
        else
            p_text(ps, i, v[i].type == STORE_VAL_TEXT ? v[i].s : NULL);
}

/* ---- statements ---- */

enum stmt_id {
    ST_PUT_ENT,
    ST_DEL_QUAL,
    ST_PUT_QUAL,
    ST_DEL_YEARS,
    ST_PUT_YEAR,
    ST_GET_ENT,
    ST_GET_YEARS,
    ST_GET_ENTS,      /* many by USCC (store_get_enterprises) */
    ST_GET_YEARS_ANY, /* their years */
    ST_ENT_ID,
    ST_COUNT_ENT,
    ST_SCAN_ENT,
    ST_PC, /* ST_PC + k: bind.h's policy and clause statement k ($N for its ?N) */
    ST_COUNT = ST_PC + PC_COUNT
};

static const char *const fixed_sql[ST_COUNT] = {
    [ST_DEL_QUAL] = "DELETE FROM enterprise_qualification WHERE enterprise_id = $1",
    [ST_PUT_QUAL] = "INSERT INTO enterprise_qualification (qualification, enterprise_id) "
                    "SELECT unnest($2::int[]), $1::bigint",
    [ST_DEL_YEARS] = "DELETE FROM enterprise_year WHERE enterprise_id = $1",
    [ST_GET_YEARS] = "SELECT * FROM enterprise_year WHERE enterprise_id = $1 AND year BETWEEN $2 "
                     "AND $3",
    [ST_GET_YEARS_ANY] = "SELECT * FROM enterprise_year WHERE enterprise_id = ANY($1::bigint[])",
    [ST_ENT_ID] = "SELECT id FROM enterprise WHERE uscc = $1",
    [ST_COUNT_ENT] = "SELECT count(*) FROM enterprise",
};

/* Rows of a bulk load waiting to be sent by COPY (text format), keyed by their load order. */
struct bulk_rows {
    struct buf ent, qual, year; /* owned */
    int64_t seq;                /* rows staged so far in this bulk transaction */
    int64_t n_pending;          /* rows in ent not yet sent */
};

struct pg_store {
    struct store base;
    PGconn *pg;                   /* owned */
    bool is_prepared[ST_COUNT];   /* prepared on first use, kept until close */
    char *sql[ST_COUNT];          /* owned; statements whose text is built from the tables above */
    struct strmap industry_codes; /* "3911" → refdata index */
    int version;
    bool in_tx;          /* inside store_begin … store_commit/rollback */
    bool is_bulk;        /* inside store_begin_bulk … */
    bool is_bulk_failed; /* a write failed in the bulk transaction: only rollback is left */
    char **bulk_indexes; /* owned: CREATE INDEX statements dropped by store_begin_bulk */
    int n_bulk_indexes;
    struct bulk_rows bulk;
    struct store_region_cache regions; /* NBS code → refdata index */
};

static struct pg_store *ps_of(struct store *s) {
    return (struct pg_store *)s;
}

static int64_t now_seconds(void) {
    return (int64_t)time(NULL);
}

/* A failed result becomes an error: a constraint violation (SQLSTATE class 23) is ERR_CONFLICT. */
static int res_error(struct pg_store *ps, PGresult *r, struct error *err, const char *what) {
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int code = state && strncmp(state, "23", 2) == 0 ? ERR_CONFLICT : ERR_DB;
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(ps->pg);
    char clean[400];
    snprintf(clean, sizeof clean, "%s", msg && *msg ? msg : PQerrorMessage(ps->pg));
    size_t n = strlen(clean);
    while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
        clean[--n] = 0;
    return error_set(err, code, "数据库操作失败(%s):%s", "database error (%s): %s", what, clean);
}

static bool res_ok(PGresult *r) {
    ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK || t == PGRES_SINGLE_TUPLE;
}

/* A connection broken between transactions (the server restarted, a failover) is opened again
 * before the next statement, and its prepared statements with it. Inside a transaction it is
 * not: the transaction is lost and the caller's error says so. */
static void revive(struct pg_store *ps) {
    if (PQstatus(ps->pg) != CONNECTION_BAD || ps->in_tx) return;
    PQreset(ps->pg);
    memset(ps->is_prepared, 0, sizeof ps->is_prepared);
    if (PQstatus(ps->pg) == CONNECTION_OK)
        PQclear(PQexec(ps->pg, "SET client_min_messages = warning"));
}

static bool is_idle(struct pg_store *ps) {
    return PQtransactionStatus(ps->pg) == PQTRANS_IDLE;
}

/* After a failed statement: true when it may simply be sent again, because the connection broke
 * while no transaction was open on it (nothing half-done is lost) and it is back. */
static bool is_lost_and_revived(struct pg_store *ps, bool was_idle) {
    if (!was_idle || ps->in_tx || PQstatus(ps->pg) != CONNECTION_BAD) return false;
    revive(ps);
    return PQstatus(ps->pg) == CONNECTION_OK;
}

/* Runs SQL text without parameters (possibly several statements). */
static int exec(struct pg_store *ps, const char *sql, struct error *err) {
    revive(ps);
    bool was_idle = is_idle(ps);
    PGresult *r = PQexec(ps->pg, sql);
    if (!res_ok(r) && is_lost_and_revived(ps, was_idle)) {
        PQclear(r);
        r = PQexec(ps->pg, sql);
    }
    int rc = res_ok(r) ? 0 : res_error(ps, r, err, "exec");
    PQclear(r);
    return rc;
}

/* Prepares statement id on first use, as "s<id>" on this connection. */
static int prepare(struct pg_store *ps, enum stmt_id id, struct error *err) {
    revive(ps);
    if (ps->is_prepared[id]) return 0;
    char name[16];
    snprintf(name, sizeof name, "s%d", (int)id);
    const char *sql = ps->sql[id] ? ps->sql[id] : fixed_sql[id];
    bool was_idle = is_idle(ps);
    PGresult *r = PQprepare(ps->pg, name, sql, 0, NULL);
    if (!res_ok(r) && is_lost_and_revived(ps, was_idle)) {
        PQclear(r);
        r = PQprepare(ps->pg, name, sql, 0, NULL);
    }
    int rc = res_ok(r) ? 0 : res_error(ps, r, err, "prepare");
    PQclear(r);
    ps->is_prepared[id] = rc == 0;
    return rc;
}

/* Runs a prepared statement; *out (when not NULL) gets the result to PQclear, else it is cleared.
 */
static int run(struct pg_store *ps, enum stmt_id id, const struct params *pa, PGresult **out,
               struct error *err, const char *what) {
    if (out) *out = NULL;
    bool was_idle = is_idle(ps);
    int rc = prepare(ps, id, err);
    if (rc) return rc;
    char name[16];
    snprintf(name, sizeof name, "s%d", (int)id);
    PGresult *r = PQexecPrepared(ps->pg, name, pa ? pa->n : 0, pa ? pa->v : NULL, NULL, NULL, 0);
    if (!res_ok(r) && is_lost_and_revived(ps, was_idle)) {
        PQclear(r);
        rc = prepare(ps, id, err);
        if (rc) return rc;
        r = PQexecPrepared(ps->pg, name, pa ? pa->n : 0, pa ? pa->v : NULL, NULL, NULL, 0);
    }
    if (!res_ok(r)) {
        rc = res_error(ps, r, err, what);
        PQclear(r);
        return rc;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return 0;
}

static bool is_null(const PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) != 0;
}

static int64_t col_int(const PGresult *r, int row, int col) {
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static const char *col_text(const PGresult *r, int row, int col, struct arena *a) {
    return is_null(r, row, col) ? NULL : arena_strdup(a, PQgetvalue(r, row, col));
}

static bool cols_is_null(const struct store_cols *c, int col) {
    return is_null(c->src, c->row, col);
}

static int64_t cols_int(const struct store_cols *c, int col) {
    return col_int(c->src, c->row, col);
}

static const char *cols_text(const struct store_cols *c, int col) {
    return is_null(c->src, c->row, col) ? NULL : PQgetvalue(c->src, c->row, col);
}

/* Row i of r for bind.h's readers. */
static struct store_cols cols_of(const PGresult *r, int i) {
    return (struct store_cols){r, i, cols_is_null, cols_int, cols_text};
}

/* ---- SQL built from the column tables ---- */

static void ent_cols(struct buf *b, int from) {
    for (int c = from; c < N_ENT_COLS; c++)
        buf_printf(b, "%s%s", c > from ? ", " : "", store_ent_col_name(c));
}

static void ent_put_sql(struct buf *b) {
    buf_puts(b, "INSERT INTO enterprise (");
    ent_cols(b, 0);
    buf_puts(b, ") VALUES (");
    for (int c = 0; c < N_ENT_COLS; c++)
        buf_printf(b, "%s$%d", c ? ", " : "", c + 1);
    buf_puts(b, ") ON CONFLICT (uscc) DO UPDATE SET (");
    ent_cols(b, 1);
    buf_puts(b, ") = (");
    for (int c = 1; c < N_ENT_COLS; c++)
        buf_printf(b, "%sexcluded.%s", c > 1 ? ", " : "", store_ent_col_name(c));
    /* xmax is 0 on a row this statement inserted: no old qualifications or years to delete */
    buf_puts(b, ") RETURNING id, (xmax = 0)");
}

static void ent_select_sql(struct buf *b, const char *tail) {
    buf_puts(b, "SELECT id, ");
    ent_cols(b, 0);
    buf_printf(b, " FROM enterprise %s", tail);
}

static void year_put_sql(struct buf *b) {
    buf_puts(b, "INSERT INTO enterprise_year (enterprise_id, year");
    for (int k = 0; k < N_YEAR; k++)
        buf_printf(b, ", %s", schema_field(store_year_fields[k])->key);
    buf_puts(b, ") VALUES ($1, $2");
    for (int k = 0; k < N_YEAR; k++)
        buf_printf(b, ", $%d", k + 3);
    buf_puts(b, ")");
}

static int build_sql(struct pg_store *ps) {
    static const enum stmt_id ids[] = {ST_PUT_ENT, ST_GET_ENT, ST_SCAN_ENT, ST_PUT_YEAR,
                                       ST_GET_ENTS};
    enum { N_BUILT = sizeof ids / sizeof *ids };
    struct buf b[N_BUILT];
    for (int i = 0; i < N_BUILT; i++)
        buf_init(&b[i]);
    ent_put_sql(&b[0]);
    ent_select_sql(&b[1], "WHERE uscc = $1");
    ent_select_sql(&b[2], "ORDER BY id");
    year_put_sql(&b[3]);
    ent_select_sql(&b[4], "WHERE uscc = ANY($1::text[])");
    bool is_oom = false;
    for (int i = 0; i < N_BUILT; i++) {
        is_oom |= b[i].is_oom;
        ps->sql[ids[i]] = buf_detach(&b[i]);
    }
    for (int k = 0; k < PC_COUNT; k++) { /* ?N is $N here */
        char *sql = strdup(store_pc_sql[k]);
        for (char *q = sql; q && (q = strchr(q, '?'));)
            *q = '$';
        is_oom |= !sql;
        ps->sql[ST_PC + k] = sql;
    }
    return is_oom ? ERR_NOMEM : 0;
}

/* ---- open, migrate, close ---- */

static int read_version(struct pg_store *ps, struct error *err) {
    ps->version = 0;
    PGresult *r = PQexec(ps->pg, "SELECT to_regclass('meta') IS NOT NULL");
    bool has_meta = res_ok(r) && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
    int rc = res_ok(r) ? 0 : res_error(ps, r, err, "schema version");
    PQclear(r);
    if (rc || !has_meta) return rc;
    r = PQexec(ps->pg, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!res_ok(r)) rc = res_error(ps, r, err, "schema version");
    if (!rc && PQntuples(r) == 1) ps->version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!rc && ps->version > STORE_SCHEMA_VERSION)
        rc = error_set(err, ERR_UNSUPPORTED, "数据库结构版本 %d 高于本程序支持的 %d,请升级 duijie",
                       "schema version %d is newer than this build's %d; upgrade duijie",
                       ps->version, STORE_SCHEMA_VERSION);
    return rc;
}

/* The tables whose writes other replicas must hear of (their in-memory index, catalog and search
 * index): enterprise, policy, clause, and the module tables that feed the search index
 * (library_doc: src/library's documents; ticket_faq: src/ticket's FAQ entries). The notices other
 * replicas hear (store_pg_watch.c LISTENs; PostgreSQL delivers them at commit). Every payload
 * starts with the primary's clock when the trigger ran, in milliseconds since 1970 (the writing
 * statement's end, just before its commit), so a server can say how long after the write it applied
 * it (GET /api/health "notices"). Payloads, read by the server (src/http/notice.c), "MS " followed
 * by: "policy", "clause"            a statement wrote that table (the catalog: small, reloaded);
 *   "library_doc", "ticket_faq"   a statement wrote that table (the search index is rebuilt);
 *   "enterprise put U1 U2 …"      these USCCs were inserted or updated (at most NOTICE_ROWS);
 *   "enterprise del U1 U2 …"      these were deleted;
 *   "enterprise all"              more rows than that (a bulk import), or a TRUNCATE.
 * The enterprise triggers read the statement's transition table, at most NOTICE_ROWS + 1 rows of
 * it. Not a schema version of its own, since SQLite has no such thing; (re)created, when any is
 * missing or of an older version (no clock in its payload), under the migration lock: the core
 * tables' by store_pg_open, the module tables' by store_open once their tables exist
 * (store_pg_triggers). */
#define NOTICE_ROWS "200" /* the most USCCs a notice names (18 bytes each; 8000 at most) */
#define NOTICE_CLOCK "floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text || ' ' || "
static const char notify_functions_sql[] =
    "CREATE OR REPLACE FUNCTION duijie_notify() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
    "PERFORM pg_notify('" STORE_PG_CHANNEL "', " NOTICE_CLOCK "TG_TABLE_NAME || CASE WHEN "
    "TG_TABLE_NAME = 'enterprise' THEN ' all' ELSE '' END); RETURN NULL; END$$;"
    "CREATE OR REPLACE FUNCTION duijie_notify_rows() RETURNS trigger LANGUAGE plpgsql AS $$"
    "DECLARE n bigint; list text; BEGIN "
    "IF TG_OP = 'DELETE' THEN SELECT count(*), string_agg(uscc, ' ') INTO n, list FROM (SELECT "
    "uscc FROM duijie_old LIMIT " NOTICE_ROWS " + 1) t; "
    "ELSE SELECT count(*), string_agg(uscc, ' ') INTO n, list FROM (SELECT uscc FROM duijie_new "
    "LIMIT " NOTICE_ROWS " + 1) t; END IF; "
    "IF n > " NOTICE_ROWS " THEN PERFORM pg_notify('" STORE_PG_CHANNEL "', " NOTICE_CLOCK
    "TG_TABLE_NAME || ' all'); ELSIF n > 0 THEN PERFORM pg_notify('" STORE_PG_CHANNEL
    "', " NOTICE_CLOCK
    "TG_TABLE_NAME || CASE TG_OP WHEN 'DELETE' THEN ' del ' ELSE ' put ' END || list); END IF; "
    "RETURN NULL; END$$;";

static const char *const notify_triggers_sql[] = {
    "CREATE OR REPLACE TRIGGER duijie_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
    "policy FOR EACH STATEMENT EXECUTE FUNCTION duijie_notify()",
    "CREATE OR REPLACE TRIGGER duijie_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
    "clause FOR EACH STATEMENT EXECUTE FUNCTION duijie_notify()",
    /* transition tables need one trigger per event */
    "CREATE OR REPLACE TRIGGER duijie_notify AFTER TRUNCATE ON enterprise FOR EACH STATEMENT "
    "EXECUTE FUNCTION duijie_notify()",
    "CREATE OR REPLACE TRIGGER duijie_notify_ins AFTER INSERT ON enterprise REFERENCING NEW TABLE "
    "AS duijie_new FOR EACH STATEMENT EXECUTE FUNCTION duijie_notify_rows()",
    "CREATE OR REPLACE TRIGGER duijie_notify_upd AFTER UPDATE ON enterprise REFERENCING NEW TABLE "
    "AS duijie_new FOR EACH STATEMENT EXECUTE FUNCTION duijie_notify_rows()",
    "CREATE OR REPLACE TRIGGER duijie_notify_del AFTER DELETE ON enterprise REFERENCING OLD TABLE "
    "AS duijie_old FOR EACH STATEMENT EXECUTE FUNCTION duijie_notify_rows()",
};

/* Module tables the search index reads (their modules create them after store_pg_open). */
static const char *const notify_module_tables[] = {"library_doc", "ticket_faq"};
#define N_NOTIFY_MODULE_TABLES (sizeof notify_module_tables / sizeof *notify_module_tables)

/* Creates the triggers (again) when any of the core tables' or of the module tables that exist is
 * missing or older; with the migration lock held by the caller. */
static int create_notify_triggers(struct pg_store *ps, struct error *err) {
    /* the row-carrying function's name and the clock in the payload mark this version */
    PGresult *r = PQexec(
        ps->pg, "SELECT (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname LIKE 'duijie\\_notify%' AND "
                "c.relnamespace = current_schema()::regnamespace AND p.prosrc LIKE "
                "'%clock_timestamp%' AND (c.relname <> 'enterprise' OR t.tgname = "
                "'duijie_notify' OR p.proname = 'duijie_notify_rows')), "
                "to_regclass('library_doc') IS NOT NULL, to_regclass('ticket_faq') IS NOT NULL");
    int rc = res_ok(r) ? 0 : res_error(ps, r, err, "triggers");
    int n = rc ? 0 : atoi(PQgetvalue(r, 0, 0));
    bool has_table[N_NOTIFY_MODULE_TABLES];
    size_t n_want = sizeof notify_triggers_sql / sizeof *notify_triggers_sql;
    for (size_t i = 0; i < N_NOTIFY_MODULE_TABLES; i++) {
        has_table[i] = !rc && strcmp(PQgetvalue(r, 0, (int)i + 1), "t") == 0;
        n_want += has_table[i];
    }
    PQclear(r);
    if (rc || n == (int)n_want) return rc;
    rc = exec(ps, "BEGIN", err);
    if (!rc) rc = exec(ps, notify_functions_sql, err);
    for (size_t i = 0; !rc && i < sizeof notify_triggers_sql / sizeof *notify_triggers_sql; i++)
        rc = exec(ps, notify_triggers_sql[i], err);
    for (size_t i = 0; !rc && i < N_NOTIFY_MODULE_TABLES; i++) {
        if (!has_table[i]) continue;
        char sql[300];
        snprintf(sql, sizeof sql,
                 "CREATE OR REPLACE TRIGGER duijie_notify AFTER INSERT OR UPDATE OR DELETE OR "
                 "TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION duijie_notify()",
                 notify_module_tables[i]);
        rc = exec(ps, sql, err);
    }
    if (!rc) rc = exec(ps, "COMMIT", err);
    if (rc) PQclear(PQexec(ps->pg, "ROLLBACK"));
    return rc;
}

int store_pg_triggers(struct store *s, struct error *err) {
    struct pg_store *ps = ps_of(s);
    if (ps->in_tx) return 0; /* (never: store_open calls this on a fresh handle) */
    PGresult *r = PQexec(ps->pg, "SELECT pg_is_in_recovery()");
    bool is_standby = res_ok(r) && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (is_standby) return 0; /* a streaming replica has the primary's */
    int rc = exec(ps, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err);
    if (rc) return rc;
    rc = create_notify_triggers(ps, err);
    PQclear(PQexec(ps->pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
    return rc;
}

/* Under a session advisory lock, so replicas started together migrate once: the others wait, then
 * read the new version and find nothing left to do. Each step is one transaction with its bump. */
static int migrate(struct pg_store *ps, struct error *err) {
    int rc = exec(ps, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err);
    if (rc) return rc;
    rc = read_version(ps, err);
    while (!rc && ps->version < STORE_SCHEMA_VERSION) {
        char bump[200];
        snprintf(bump, sizeof bump,
                 "INSERT INTO meta (key, value) VALUES ('schema_version', '%d') ON CONFLICT (key) "
                 "DO UPDATE SET value = excluded.value",
                 ps->version + 1);
        struct buf ddl;
        buf_init(&ddl);
        store_ddl(STORE_POSTGRES, store_core_migrations[ps->version], &ddl);
        rc = ddl.is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
                        : exec(ps, "BEGIN", err);
        if (!rc) rc = exec(ps, buf_str(&ddl), err);
        buf_release(&ddl);
        if (!rc) rc = exec(ps, bump, err);
        if (!rc) rc = exec(ps, "COMMIT", err);
        if (rc) {
            PQclear(PQexec(ps->pg, "ROLLBACK"));
            break;
        }
        ps->version++;
    }
    if (!rc) rc = create_notify_triggers(ps, err);
    PQclear(PQexec(ps->pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
    return rc;
}

static void free_bulk_indexes(struct pg_store *ps) {
    for (int i = 0; i < ps->n_bulk_indexes; i++)
        free(ps->bulk_indexes[i]);
    free(ps->bulk_indexes);
    ps->bulk_indexes = NULL;
    ps->n_bulk_indexes = 0;
}

static void bulk_clear(struct pg_store *ps) {
    buf_release(&ps->bulk.ent);
    buf_release(&ps->bulk.qual);
    buf_release(&ps->bulk.year);
    buf_init(&ps->bulk.ent);
    buf_init(&ps->bulk.qual);
    buf_init(&ps->bulk.year);
    ps->bulk.seq = ps->bulk.n_pending = 0;
}

static int pg_rollback(struct store *s);

static void pg_close(struct store *s) {
    struct pg_store *ps = ps_of(s);
    if (ps->in_tx) pg_rollback(s);
    for (int i = 0; i < ST_COUNT; i++)
        free(ps->sql[i]);
    strmap_release(&ps->industry_codes);
    free_bulk_indexes(ps);
    buf_release(&ps->bulk.ent);
    buf_release(&ps->bulk.qual);
    buf_release(&ps->bulk.year);
    PQfinish(ps->pg);
    free(ps);
}

static const struct store_ops pg_ops;

void *store_pg_handle(struct store *s) {
    return ps_of(s)->pg;
}

int store_pg_open(const char *uri, struct store **out, struct error *err) {
    int rc = refdata_load(err);
    if (rc) return rc;
    struct pg_store *ps = calloc(1, sizeof *ps);
    if (!ps) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    ps->base.ops = &pg_ops;
    ps->base.kind = STORE_POSTGRES;
    strmap_init(&ps->industry_codes);
    for (int i = 0; i < industry_count(); i++) {
        const char *c = industry_at(i)->code;
        strmap_put(&ps->industry_codes, c, strlen(c), i);
    }
    buf_init(&ps->bulk.ent);
    buf_init(&ps->bulk.qual);
    buf_init(&ps->bulk.year);
    ps->pg = PQconnectdb(uri);
    if (!ps->pg || PQstatus(ps->pg) != CONNECTION_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", ps->pg ? PQerrorMessage(ps->pg) : "out of memory");
        msg[strcspn(msg, "\n")] = 0;
        rc = error_set(err, ERR_IO, "无法连接 PostgreSQL:%s", "cannot connect to PostgreSQL: %s",
                       msg);
    }
    if (!rc) rc = exec(ps, "SET client_min_messages = warning", err);
    if (!rc) rc = migrate(ps, err);
    if (!rc && build_sql(ps)) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (rc) {
        pg_close(&ps->base);
        return rc;
    }
    *out = &ps->base;
    return 0;
}

static int pg_version(struct store *s) {
    return ps_of(s)->version;
}

/* ---- transactions ---- */

static int pg_begin(struct store *s, struct error *err) {
    struct pg_store *ps = ps_of(s);
    if (ps->in_tx)
        return error_set(err, ERR_CONFLICT, "事务已开始", "a transaction is already open");
    int rc = exec(ps, "BEGIN", err);
    if (!rc) ps->in_tx = true;
    return rc;
}

/* Into an empty enterprise table (a first load), remembers the secondary indexes and the foreign
 * keys of the enterprise tables as the database has them and drops them; DDL is transactional, so a
 * rollback brings them back. Keys and UNIQUE constraints stay. The table lock (which conflicts with
 * itself, not with readers) makes a second bulk load wait for this one; into a table with rows the
 * indexes stay, since dropping one locks out the other replicas' readers until the commit. */
static int drop_indexes(struct pg_store *ps, struct error *err) {
    int rc = exec(ps, "LOCK TABLE enterprise IN SHARE ROW EXCLUSIVE MODE", err);
    if (rc) return rc;
    PGresult *r = PQexec(ps->pg, "SELECT EXISTS (SELECT 1 FROM enterprise)");
    if (!res_ok(r)) {
        rc = res_error(ps, r, err, "bulk");
        PQclear(r);
        return rc;
    }
    bool is_empty = PQgetvalue(r, 0, 0)[0] == 'f';
    PQclear(r);
    if (!is_empty) return 0;
    /* the secondary indexes of the three tables, then the foreign keys into enterprise (checked
     * row by row they cost more than the load; added back at the commit, they are checked in one
     * pass) */
    r = PQexec(ps->pg,
               "SELECT format('DROP INDEX %I', i.indexname), i.indexdef FROM pg_indexes i WHERE "
               "i.tablename IN ('enterprise', 'enterprise_qualification', 'enterprise_year') AND "
               "i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
               "WHERE c.conname = i.indexname) "
               "UNION ALL SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, "
               "c.conname), format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, "
               "c.conname, pg_get_constraintdef(c.oid)) FROM pg_constraint c WHERE c.confrelid = "
               "'enterprise'::regclass AND c.contype = 'f'");
    if (!res_ok(r)) {
        rc = res_error(ps, r, err, "indexes");
        PQclear(r);
        return rc;
    }
    int n = PQntuples(r);
    struct buf drops;
    buf_init(&drops);
    ps->bulk_indexes = calloc((size_t)n + 1, sizeof *ps->bulk_indexes);
    for (int i = 0; ps->bulk_indexes && i < n; i++) {
        buf_printf(&drops, "%s;", PQgetvalue(r, i, 0));
        ps->bulk_indexes[ps->n_bulk_indexes++] = strdup(PQgetvalue(r, i, 1));
    }
    PQclear(r);
    rc = !ps->bulk_indexes || drops.is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
         : drops.len                       ? exec(ps, buf_str(&drops), err)
                                           : 0;
    buf_release(&drops);
    return rc;
}

static bool is_text_col(int c) {
    return c == EC_USCC || c == EC_NAME || c == EC_INDUSTRY || c == EC_INDUSTRY_SECTION ||
           c == EC_INDUSTRY_DIVISION;
}

/* Staging tables for COPY, dropped at the end of the transaction. seq is the load order. */
static int create_staging(struct pg_store *ps, struct error *err) {
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "CREATE TEMP TABLE stage_ent (seq BIGINT");
    for (int c = 0; c < N_ENT_COLS; c++)
        buf_printf(&b, ", %s %s", store_ent_col_name(c), is_text_col(c) ? "TEXT" : "BIGINT");
    buf_puts(&b, ") ON COMMIT DROP;"
                 "CREATE TEMP TABLE stage_qual (seq BIGINT, qualification INTEGER) ON COMMIT "
                 "DROP;"
                 "CREATE TEMP TABLE stage_year (seq BIGINT, year INTEGER");
    for (int k = 0; k < N_YEAR; k++)
        buf_printf(&b, ", %s BIGINT", schema_field(store_year_fields[k])->key);
    buf_puts(&b, ") ON COMMIT DROP;"
                 "CREATE TEMP TABLE stage_map (seq BIGINT, id BIGINT, is_new BOOLEAN) ON COMMIT "
                 "DROP;");
    int rc = b.is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
                      : exec(ps, buf_str(&b), err);
    buf_release(&b);
    return rc;
}

static int pg_begin_bulk(struct store *s, struct error *err) {
    struct pg_store *ps = ps_of(s);
    int rc = pg_begin(s, err);
    if (rc) return rc;
    rc = drop_indexes(ps, err);
    if (!rc) rc = create_staging(ps, err);
    if (rc) {
        PQclear(PQexec(ps->pg, "ROLLBACK"));
        ps->in_tx = false;
        free_bulk_indexes(ps);
        return rc;
    }
    ps->is_bulk = true;
    bulk_clear(ps);
    return 0;
}

/* Sends one buffer by COPY … FROM STDIN (text format). */
static int copy_in(struct pg_store *ps, const char *sql, const struct buf *data,
                   struct error *err) {
    if (!data->len) return 0;
    PGresult *r = PQexec(ps->pg, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        int rc = res_error(ps, r, err, "copy");
        PQclear(r);
        return rc;
    }
    PQclear(r);
    int ok = PQputCopyData(ps->pg, buf_str(data), (int)data->len) == 1;
    ok &= PQputCopyEnd(ps->pg, ok ? NULL : "client error") == 1;
    int rc = 0;
    while ((r = PQgetResult(ps->pg))) {
        if (!rc && !res_ok(r)) rc = res_error(ps, r, err, "copy");
        PQclear(r);
    }
    if (!rc && !ok) rc = error_set(err, ERR_DB, "COPY 失败", "COPY failed");
    return rc;
}

/* Merges the staged rows: the last row per USCC wins (as one put after another would), a USCC
 * already stored is updated in place (its id kept, its qualifications and years replaced), and new
 * rows get ids in load order. */
static int bulk_merge_sql(struct buf *b) {
    /* temporary tables have no statistics until analysed: without them the joins below may be
     * planned as nested loops, quadratic in the rows of a flush */
    buf_puts(b, "ANALYZE stage_ent, stage_qual, stage_year;");
    buf_puts(b, "WITH last AS (SELECT DISTINCT ON "
                "(uscc) * FROM stage_ent ORDER BY uscc, seq DESC), ins AS (INSERT INTO "
                "enterprise (");
    ent_cols(b, 0);
    buf_puts(b, ") SELECT ");
    ent_cols(b, 0);
    buf_puts(b, " FROM last ORDER BY seq ON CONFLICT (uscc) DO UPDATE SET (");
    ent_cols(b, 1);
    buf_puts(b, ") = (");
    for (int c = 1; c < N_ENT_COLS; c++)
        buf_printf(b, "%sexcluded.%s", c > 1 ? ", " : "", store_ent_col_name(c));
    buf_puts(b, ") RETURNING id, uscc, (xmax = 0) AS is_new) INSERT INTO stage_map SELECT "
                "last.seq, ins.id, ins.is_new "
                "FROM last JOIN ins USING (uscc); ANALYZE stage_map;"
                "DELETE FROM enterprise_qualification WHERE enterprise_id IN (SELECT id FROM "
                "stage_map WHERE NOT is_new);"
                "DELETE FROM enterprise_year WHERE enterprise_id IN (SELECT id FROM stage_map "
                "WHERE NOT is_new);"
                "INSERT INTO enterprise_qualification (qualification, enterprise_id) SELECT "
                "q.qualification, m.id FROM stage_qual q JOIN stage_map m USING (seq) ON CONFLICT "
                "DO NOTHING;"
                "INSERT INTO enterprise_year (enterprise_id, year");
    for (int k = 0; k < N_YEAR; k++)
        buf_printf(b, ", %s", schema_field(store_year_fields[k])->key);
    buf_puts(b, ") SELECT m.id, y.year");
    for (int k = 0; k < N_YEAR; k++)
        buf_printf(b, ", y.%s", schema_field(store_year_fields[k])->key);
    buf_puts(b, " FROM stage_year y JOIN stage_map m USING (seq) ON CONFLICT DO NOTHING;"
                "TRUNCATE stage_ent, stage_qual, stage_year, stage_map;");
    return b->is_oom ? ERR_NOMEM : 0;
}

/* Sends what is staged and merges it into the tables. */
static int bulk_flush(struct pg_store *ps, struct error *err) {
    if (!ps->is_bulk || !ps->bulk.n_pending) return 0;
    if (ps->is_bulk_failed)
        return error_set(err, ERR_CONFLICT, "批量写入中有失败,只能回滚",
                         "a write failed in this bulk transaction; roll it back");
    int rc = copy_in(ps, "COPY stage_ent FROM STDIN", &ps->bulk.ent, err);
    if (!rc) rc = copy_in(ps, "COPY stage_qual FROM STDIN", &ps->bulk.qual, err);
    if (!rc) rc = copy_in(ps, "COPY stage_year FROM STDIN", &ps->bulk.year, err);
    struct buf merge;
    buf_init(&merge);
    if (!rc && bulk_merge_sql(&merge)) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc) rc = exec(ps, buf_str(&merge), err);
    buf_release(&merge);
    buf_clear(&ps->bulk.ent);
    buf_clear(&ps->bulk.qual);
    buf_clear(&ps->bulk.year);
    ps->bulk.n_pending = 0;
    ps->is_bulk_failed |= rc != 0;
    return rc;
}

static void end_bulk(struct pg_store *ps) {
    ps->is_bulk = ps->is_bulk_failed = false;
    free_bulk_indexes(ps);
    bulk_clear(ps);
}

static int pg_commit(struct store *s, struct error *err) {
    struct pg_store *ps = ps_of(s);
    if (!ps->in_tx) return error_set(err, ERR_CONFLICT, "没有进行中的事务", "no open transaction");
    if (ps->is_bulk_failed)
        return error_set(err, ERR_CONFLICT, "批量写入中有失败,只能回滚",
                         "a write failed in this bulk transaction; roll it back");
    int rc = bulk_flush(ps, err);
    for (int i = 0; !rc && i < ps->n_bulk_indexes; i++)
        rc = ps->bulk_indexes[i] ? exec(ps, ps->bulk_indexes[i], err)
                                 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc && ps->is_bulk) rc = exec(ps, "ANALYZE enterprise", err);
    if (!rc) rc = exec(ps, "COMMIT", err);
    if (!rc) {
        ps->in_tx = false;
        end_bulk(ps);
    }
    return rc;
}

static int pg_rollback(struct store *s) {
    struct pg_store *ps = ps_of(s);
    if (!ps->in_tx) return ERR_CONFLICT;
    ps->in_tx = false;
    int rc = exec(ps, "ROLLBACK", NULL); /* restores the dropped indexes too */
    end_bulk(ps);
    return rc;
}

/* Every write is all-or-nothing: outside store_begin a multi-statement write is its own
 * transaction; inside, it runs in a savepoint so that a failure undoes it alone (PostgreSQL
 * would otherwise abort the whole transaction). A bulk transaction skips the savepoints. */
static int write_begin(struct pg_store *ps, bool is_multi, struct error *err) {
    if (ps->is_bulk) return 0;
    if (ps->in_tx) return exec(ps, "SAVEPOINT store_write", err);
    return is_multi ? exec(ps, "BEGIN", err) : 0;
}

static int write_end(struct pg_store *ps, bool is_multi, int rc, struct error *err) {
    if (ps->is_bulk) {
        ps->is_bulk_failed |= rc != 0;
        return rc;
    }
    if (ps->in_tx) {
        if (!rc) return exec(ps, "RELEASE store_write", err);
        exec(ps, "ROLLBACK TO store_write; RELEASE store_write", NULL);
        return rc;
    }
    if (!is_multi) return rc;
    if (!rc) return exec(ps, "COMMIT", err);
    exec(ps, "ROLLBACK", NULL);
    return rc;
}

/* ---- enterprises: writing ---- */

/* The row's values in column order (text, NULL = SQL NULL): for the statement and for COPY. */
static void ent_params(const struct profile *p, const struct ent_derived *d, struct params *pa) {
    memset(pa, 0, sizeof *pa);
    p_text(pa, EC_USCC, p->v[F_USCC].s);
    p_text(pa, EC_NAME, p->v[F_NAME].has ? p->v[F_NAME].s : NULL);
    int r = p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
    int county = r >= 0 ? region_ancestor(r, REGION_COUNTY) : -1;
    int city = r >= 0 ? region_ancestor(r, REGION_CITY) : -1;
    p_opt(pa, EC_REGION_CODE, r >= 0, r >= 0 ? region_at(r)->code : 0);
    p_opt(pa, EC_REGION_COUNTY, county >= 0, county >= 0 ? region_at(county)->code : 0);
    p_opt(pa, EC_REGION_CITY, city >= 0, city >= 0 ? region_at(city)->code : 0);
    int t = p->v[F_TAX_REGION].has ? (int)p->v[F_TAX_REGION].i : -1;
    p_opt(pa, EC_TAX_REGION, t >= 0, t >= 0 ? region_at(t)->code : 0);
    int ind = p->v[F_INDUSTRY].has ? (int)p->v[F_INDUSTRY].i : -1;
    int div = ind >= 0 ? industry_ancestor(ind, INDUSTRY_DIVISION) : -1;
    p_text(pa, EC_INDUSTRY, ind >= 0 ? industry_at(ind)->code : NULL);
    p_text(pa, EC_INDUSTRY_SECTION, ind >= 0 ? industry_at(industry_at(ind)->section)->code : NULL);
    p_text(pa, EC_INDUSTRY_DIVISION, div >= 0 ? industry_at(div)->code : NULL);
    p_int(pa, EC_FISCAL_YEAR, d->fiscal_year);
    p_opt(pa, EC_SIZE, d->size.has, d->size.i);
    p_opt(pa, EC_REVENUE_PREV, d->revenue_prev.has, d->revenue_prev.i);
    p_opt(pa, EC_RD_EXPENSE_3Y, d->rd_expense_3y.has, d->rd_expense_3y.i);
    p_opt(pa, EC_REVENUE_3Y, d->revenue_3y.has, d->revenue_3y.i);
    p_int(pa, EC_UPDATED_AT, now_seconds());
    for (int k = 0; k < N_PLAIN; k++) {
        const struct value *v = &p->v[store_plain_fields[k]];
        p_opt(pa, EC_PLAIN + k, v->has, v->i);
    }
}

static void year_params(int64_t id, int year, const struct value *vals, struct params *pa) {
    memset(pa, 0, sizeof *pa);
    p_int(pa, 0, id);
    p_int(pa, 1, year);
    for (int k = 0; k < N_YEAR; k++)
        p_opt(pa, k + 2, vals[store_year_fields[k]].has, vals[store_year_fields[k]].i);
}

/* Appends one value in COPY text format: \N for NULL, backslash escapes for the rest. */
static void copy_value(struct buf *b, const char *v, bool is_last) {
    if (!v) {
        buf_puts(b, "\\N");
    } else {
        for (const char *c = v; *c; c++) {
            switch (*c) {
            case '\\':
                buf_puts(b, "\\\\");
                break;
            case '\t':
                buf_puts(b, "\\t");
                break;
            case '\n':
                buf_puts(b, "\\n");
                break;
            case '\r':
                buf_puts(b, "\\r");
                break;
            default:
                buf_putc(b, *c);
            }
        }
    }
    buf_putc(b, is_last ? '\n' : '\t');
}

static void copy_params(struct buf *b, int64_t seq, const struct params *pa, int from) {
    buf_printf(b, "%lld\t", (long long)seq);
    for (int i = from; i < pa->n; i++)
        copy_value(b, pa->v[i], i == pa->n - 1);
}

/* In a bulk transaction a put is staged for COPY: no round trip per row. */
static int bulk_put(struct pg_store *ps, const struct profile *p, const struct ent_derived *d,
                    int64_t *id, struct error *err) {
    if (ps->is_bulk_failed)
        return error_set(err, ERR_CONFLICT, "批量写入中有失败,只能回滚",
                         "a write failed in this bulk transaction; roll it back");
    int64_t seq = ++ps->bulk.seq;
    struct params pa;
    ent_params(p, d, &pa);
    copy_params(&ps->bulk.ent, seq, &pa, 0);
    uint64_t mask = p->v[F_QUALIFICATIONS].has ? (uint64_t)p->v[F_QUALIFICATIONS].i : 0;
    for (int k = 0; k < 64; k++)
        if (mask >> k & 1) buf_printf(&ps->bulk.qual, "%lld\t%d\n", (long long)seq, k);
    for (int k = -1; k < PROFILE_HISTORY; k++) {
        const struct value *vals = k < 0 ? p->v : p->hist[k];
        if (!store_year_has_any(vals)) continue;
        year_params(0, d->fiscal_year - 1 - k, vals, &pa);
        copy_params(&ps->bulk.year, seq, &pa, 1);
    }
    ps->bulk.n_pending++;
    if (ps->bulk.ent.is_oom || ps->bulk.qual.is_oom || ps->bulk.year.is_oom) {
        ps->is_bulk_failed = true;
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    int rc = 0;
    if (ps->bulk.ent.len + ps->bulk.year.len > (8u << 20) || id) rc = bulk_flush(ps, err);
    if (!rc && id) { /* the caller wants the id: ask for it (rare in a bulk load) */
        struct params q = {0};
        p_text(&q, 0, p->v[F_USCC].s);
        PGresult *r;
        rc = run(ps, ST_ENT_ID, &q, &r, err, "enterprise id");
        if (!rc) *id = PQntuples(r) ? col_int(r, 0, 0) : 0;
        PQclear(r);
    }
    return rc;
}

static int put_qualifications(struct pg_store *ps, const struct profile *p, int64_t id, bool is_new,
                              struct error *err) {
    struct params pa = {0};
    p_int(&pa, 0, id);
    int rc = is_new ? 0 : run(ps, ST_DEL_QUAL, &pa, NULL, err, "delete qualifications");
    uint64_t mask = p->v[F_QUALIFICATIONS].has ? (uint64_t)p->v[F_QUALIFICATIONS].i : 0;
    if (rc || !mask) return rc;
    char arr[200];
    size_t n = 0;
    arr[n++] = '{';
    for (int k = 0; k < 64; k++)
        if (mask >> k & 1)
            n += (size_t)snprintf(arr + n, sizeof arr - n, "%s%d", n > 1 ? "," : "", k);
    snprintf(arr + n, sizeof arr - n, "}");
    p_text(&pa, 1, arr);
    return run(ps, ST_PUT_QUAL, &pa, NULL, err, "put qualifications");
}

static int put_years(struct pg_store *ps, const struct profile *p, int fy, int64_t id, bool is_new,
                     struct error *err) {
    struct params pa = {0};
    p_int(&pa, 0, id);
    int rc = is_new ? 0 : run(ps, ST_DEL_YEARS, &pa, NULL, err, "delete years");
    for (int k = -1; !rc && k < PROFILE_HISTORY; k++) {
        const struct value *vals = k < 0 ? p->v : p->hist[k];
        if (!store_year_has_any(vals)) continue;
        year_params(id, fy - 1 - k, vals, &pa);
        rc = run(ps, ST_PUT_YEAR, &pa, NULL, err, "put year");
    }
    return rc;
}

static int pg_put_enterprise(struct store *s, const struct profile *p, int64_t *id,
                             struct error *err) {
    struct pg_store *ps = ps_of(s);
    struct ent_derived d;
    store_derive_for_write(p, &d);
    if (ps->is_bulk) return bulk_put(ps, p, &d, id, err);
    int rc = write_begin(ps, true, err);
    if (rc) return rc;
    struct params pa;
    ent_params(p, &d, &pa);
    PGresult *r;
    rc = run(ps, ST_PUT_ENT, &pa, &r, err, "put enterprise");
    int64_t row = 0;
    bool is_new = true;
    if (!rc) {
        row = col_int(r, 0, 0);
        is_new = PQgetvalue(r, 0, 1)[0] == 't';
        PQclear(r);
    }
    if (!rc) rc = put_qualifications(ps, p, row, is_new, err);
    if (!rc) rc = put_years(ps, p, d.fiscal_year, row, is_new, err);
    rc = write_end(ps, true, rc, err);
    if (!rc && id) *id = row;
    return rc;
}

/* ---- enterprises: reading ---- */

static int region_index(struct pg_store *ps, const PGresult *r, int row, int col) {
    if (is_null(r, row, col)) return -1;
    return store_region_cached(&ps->regions, col_int(r, row, col));
}

static int industry_index(struct pg_store *ps, const PGresult *r, int row, int col) {
    if (is_null(r, row, col)) return -1;
    const char *t = PQgetvalue(r, row, col);
    int64_t idx;
    return strmap_get(&ps->industry_codes, t, strlen(t), &idx) ? (int)idx : -1;
}

static void set_opt(struct value *v, const PGresult *r, int row, int col) {
    v->has = !is_null(r, row, col);
    v->i = v->has ? col_int(r, row, col) : 0;
}

static void set_index(struct value *v, int idx) {
    v->has = idx >= 0;
    v->i = idx >= 0 ? idx : 0;
}

/* Fills p from a row of ent_select_sql (column 0 = id). Text points into the result unless a is
 * given, in which case it is copied. Sets every field it reads and touches no other. */
static void read_enterprise(struct pg_store *ps, const PGresult *r, int row, struct profile *p,
                            struct arena *a) {
    const int o = 1;
    const char *uscc = is_null(r, row, o + EC_USCC) ? NULL : PQgetvalue(r, row, o + EC_USCC);
    const char *name = is_null(r, row, o + EC_NAME) ? NULL : PQgetvalue(r, row, o + EC_NAME);
    p->v[F_USCC] = (struct value){
        .has = uscc != NULL, .s = a && uscc ? arena_strdup(a, uscc) : uscc, .r = {0, 1}};
    p->v[F_NAME] = (struct value){
        .has = name != NULL, .s = a && name ? arena_strdup(a, name) : name, .r = {0, 1}};
    set_index(&p->v[F_REGION], region_index(ps, r, row, o + EC_REGION_CODE));
    set_index(&p->v[F_TAX_REGION], region_index(ps, r, row, o + EC_TAX_REGION));
    set_index(&p->v[F_INDUSTRY], industry_index(ps, r, row, o + EC_INDUSTRY));
    p->fiscal_year = (int)col_int(r, row, o + EC_FISCAL_YEAR);
    set_opt(&p->v[F_SIZE], r, row, o + EC_SIZE);
    set_opt(&p->hist[0][F_REVENUE], r, row, o + EC_REVENUE_PREV);
    set_opt(&p->v[F_RD_EXPENSE_3Y], r, row, o + EC_RD_EXPENSE_3Y);
    set_opt(&p->v[F_REVENUE_3Y], r, row, o + EC_REVENUE_3Y);
    for (int k = 0; k < N_PLAIN; k++)
        set_opt(&p->v[store_plain_fields[k]], r, row, o + EC_PLAIN + k);
}

static int read_years(struct pg_store *ps, int64_t id, struct profile *p, struct error *err) {
    int fy = p->fiscal_year;
    struct params pa = {0};
    p_int(&pa, 0, id);
    p_int(&pa, 1, fy - PROFILE_HISTORY);
    p_int(&pa, 2, fy - 1);
    PGresult *r;
    int rc = run(ps, ST_GET_YEARS, &pa, &r, err, "get years");
    if (rc) return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        int k = fy - 1 - (int)col_int(r, i, 1);
        for (int c = 0; c < N_YEAR; c++)
            set_opt(&p->hist[k][store_year_fields[c]], r, i, c + 2);
    }
    PQclear(r);
    return 0;
}

static int pg_get_enterprise(struct store *s, const char *uscc, struct profile *p, struct arena *a,
                             int64_t *id, struct error *err) {
    struct pg_store *ps = ps_of(s);
    int rc = bulk_flush(ps, err);
    if (rc) return rc;
    struct params pa = {0};
    p_text(&pa, 0, uscc);
    PGresult *r;
    rc = run(ps, ST_GET_ENT, &pa, &r, err, "get enterprise");
    if (rc) return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return error_set(err, ERR_NOTFOUND, "未找到企业 %s", "no enterprise %s", uscc);
    }
    int64_t row = col_int(r, 0, 0);
    profile_clear(p);
    read_enterprise(ps, r, 0, p, a);
    PQclear(r);
    if (id) *id = row;
    return read_years(ps, row, p, err);
}

/* Many enterprises in two statements (the rows, then their years) instead of two each: a page of
 * a clause's enterprises is 50 of them. USCCs as stored (letters and digits only). */
static int pg_get_enterprises(struct store *s, const char *const *usccs, int n, struct profile *out,
                              bool *found, struct arena *a, struct error *err) {
    struct pg_store *ps = ps_of(s);
    int rc = bulk_flush(ps, err);
    if (rc) return rc;
    struct buf list;
    buf_init(&list);
    buf_putc(&list, '{');
    for (int i = 0; i < n; i++) {
        found[i] = false;
        for (const char *c = usccs[i]; *c; c++)
            if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= 'a' && *c <= 'z'))) {
                buf_release(&list);
                return error_set(err, ERR_INVALID, "无效的统一社会信用代码", "not a USCC");
            }
        buf_printf(&list, "%s%s", i ? "," : "", usccs[i]);
    }
    buf_putc(&list, '}');
    struct params pa = {0};
    p_text(&pa, 0, buf_str(&list));
    PGresult *r = NULL;
    rc = list.is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
                     : run(ps, ST_GET_ENTS, &pa, &r, err, "get enterprises");
    buf_release(&list);
    if (rc) return rc;
    int64_t *ids = calloc((size_t)(n ? n : 1), sizeof *ids);
    struct buf id_list;
    buf_init(&id_list);
    buf_putc(&id_list, '{');
    for (int row = 0; ids && row < PQntuples(r); row++) {
        const char *u = PQgetvalue(r, row, 1 + EC_USCC);
        for (int i = 0; i < n; i++) {
            if (found[i] || strcmp(usccs[i], u) != 0) continue;
            profile_clear(&out[i]);
            read_enterprise(ps, r, row, &out[i], a);
            ids[i] = col_int(r, row, 0);
            found[i] = true;
            buf_printf(&id_list, "%s%lld", id_list.len > 1 ? "," : "", (long long)ids[i]);
        }
    }
    PQclear(r);
    r = NULL;
    buf_putc(&id_list, '}');
    bool has_ids = id_list.len > 2;
    if (!ids || id_list.is_oom) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    p_text(&pa, 0, buf_str(&id_list));
    if (!rc && has_ids) rc = run(ps, ST_GET_YEARS_ANY, &pa, &r, err, "get years");
    buf_release(&id_list);
    for (int row = 0; !rc && r && row < PQntuples(r); row++) {
        int64_t id = col_int(r, row, 0);
        for (int i = 0; i < n; i++) {
            if (!found[i] || ids[i] != id) continue;
            int k = out[i].fiscal_year - 1 - (int)col_int(r, row, 1); /* as read_years */
            if (k < 0 || k >= PROFILE_HISTORY) continue;
            for (int c = 0; c < N_YEAR; c++)
                set_opt(&out[i].hist[k][store_year_fields[c]], r, row, c + 2);
        }
    }
    PQclear(r);
    free(ids);
    return rc;
}

static int64_t count_of(struct pg_store *ps, enum stmt_id id) {
    if (bulk_flush(ps, NULL)) return ERR_DB;
    PGresult *r;
    if (run(ps, id, NULL, &r, NULL, "count")) return ERR_DB;
    int64_t n = PQntuples(r) == 1 ? col_int(r, 0, 0) : ERR_DB;
    PQclear(r);
    return n;
}

static int64_t pg_count_enterprises(struct store *s) {
    return count_of(ps_of(s), ST_COUNT_ENT);
}

/* Streams the table in single-row mode: memory stays flat at any size. A callback that stops
 * the scan only stops the callbacks: the rest of the rows are read and dropped (a cancel request
 * could race with the next statement on this connection). */
static int pg_scan_enterprises(struct store *s, store_enterprise_cb cb, void *ctx,
                               struct error *err) {
    struct pg_store *ps = ps_of(s);
    int rc = bulk_flush(ps, err);
    if (!rc) rc = prepare(ps, ST_SCAN_ENT, err);
    if (rc) return rc;
    char name[16];
    snprintf(name, sizeof name, "s%d", (int)ST_SCAN_ENT);
    if (!PQsendQueryPrepared(ps->pg, name, 0, NULL, NULL, NULL, 0) || !PQsetSingleRowMode(ps->pg))
        return res_error(ps, NULL, err, "scan");
    struct profile *p = malloc(sizeof *p);
    if (p) profile_clear(p);
    int stop = p ? 0 : 1;
    if (!p) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    PGresult *r;
    while ((r = PQgetResult(ps->pg))) {
        ExecStatusType t = PQresultStatus(r);
        if (t == PGRES_SINGLE_TUPLE && !stop) {
            read_enterprise(ps, r, 0, p, NULL);
            stop = cb(ctx, col_int(r, 0, 0), p);
        } else if (t != PGRES_SINGLE_TUPLE && t != PGRES_TUPLES_OK && !rc) {
            rc = res_error(ps, r, err, "scan");
        }
        PQclear(r);
    }
    free(p);
    return rc;
}

/* ---- enterprises: listing with filters ---- */

struct list_sql {
    struct buf where;
    struct params pa;
    char like[2][256];
    char industry[2][8];
};

static void add_filter(struct list_sql *l, const char *cond, const char *text, int64_t v) {
    int i = l->pa.n;
    buf_printf(&l->where, " AND %s $%d", cond, i + 1);
    if (text)
        p_text(&l->pa, i, text);
    else
        p_int(&l->pa, i, v);
}

/* One index on region_code and one on industry serve filters at every level (row.h). */
static void region_filter(struct list_sql *l, int r) {
    int64_t lo[2], hi[2];
    int n = store_region_ranges(r, lo, hi);
    buf_puts(&l->where, " AND (");
    for (int k = 0; k < n; k++) {
        int i = l->pa.n;
        buf_printf(&l->where, "%sregion_code BETWEEN $%d AND $%d", k ? " OR " : "", i + 1, i + 2);
        p_int(&l->pa, i, lo[k]);
        p_int(&l->pa, i + 1, hi[k]);
    }
    buf_putc(&l->where, ')');
}

static void industry_filter(struct list_sql *l, int i) {
    const char *exact;
    store_industry_range(i, l->industry[0], l->industry[1], &exact);
    int k = l->pa.n;
    buf_printf(&l->where, " AND (industry >= $%d AND industry < $%d", k + 1, k + 2);
    p_text(&l->pa, k, l->industry[0]);
    p_text(&l->pa, k + 1, l->industry[1]);
    if (exact) {
        buf_printf(&l->where, " OR industry = $%d", k + 3);
        p_text(&l->pa, k + 2, exact);
    }
    buf_putc(&l->where, ')');
}

/* q: the start of a USCC (an index range), else a substring of the name or a prefix of the USCC
 * (LIKE, wildcards in q escaped). */
static void q_filter(struct list_sql *l, const char *q) {
    if (store_q_patterns(q, l->like[0], l->like[1])) {
        add_filter(l, "uscc >=", l->like[0], 0);
        add_filter(l, "uscc <", l->like[1], 0);
        return;
    }
    int i = l->pa.n;
    buf_printf(&l->where, " AND (name LIKE $%d OR uscc LIKE $%d)", i + 1, i + 2);
    p_text(&l->pa, i, l->like[0]);
    p_text(&l->pa, i + 1, l->like[1]);
}

static int list_query(struct pg_store *ps, const char *sql, const struct list_sql *l,
                      PGresult **out, struct error *err) {
    revive(ps);
    bool was_idle = is_idle(ps);
    *out = PQexecParams(ps->pg, sql, l->pa.n, NULL, l->pa.v, NULL, NULL, 0);
    if (!res_ok(*out) && is_lost_and_revived(ps, was_idle)) {
        PQclear(*out);
        *out = PQexecParams(ps->pg, sql, l->pa.n, NULL, l->pa.v, NULL, NULL, 0);
    }
    if (res_ok(*out)) return 0;
    int rc = res_error(ps, *out, err, "list");
    PQclear(*out);
    *out = NULL;
    return rc;
}

static int pg_list_enterprises(struct store *s, const struct enterprise_query *q, struct arena *a,
                               struct enterprise_list *out, struct error *err) {
    struct pg_store *ps = ps_of(s);
    int rc = bulk_flush(ps, err);
    if (rc) return rc;
    struct list_sql l;
    memset(&l, 0, sizeof l);
    buf_init(&l.where);
    if (q->q && *q->q) q_filter(&l, q->q);
    if (q->region >= 0 && q->region < region_count()) region_filter(&l, q->region);
    if (q->industry >= 0 && q->industry < industry_count()) industry_filter(&l, q->industry);
    if (q->size >= 0) add_filter(&l, "size =", NULL, q->size);
    if (l.where.is_oom) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    char sql[1200];
    PGresult *r = NULL;
    if (!rc) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM enterprise WHERE true%s",
                 buf_str(&l.where));
        rc = list_query(ps, sql, &l, &r, err);
    }
    if (!rc) {
        out->total = col_int(r, 0, 0);
        PQclear(r);
        snprintf(sql, sizeof sql,
                 "SELECT id, uscc, name, region_code, industry, size FROM enterprise WHERE true%s "
                 "ORDER BY id LIMIT %d OFFSET %lld",
                 buf_str(&l.where), q->page_size, (long long)(q->page - 1) * q->page_size);
        rc = list_query(ps, sql, &l, &r, err);
    }
    if (!rc) {
        int n = PQntuples(r);
        out->rows = arena_alloc(a, sizeof *out->rows * (size_t)(n ? n : 1));
        if (!out->rows) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        for (int i = 0; !rc && i < n; i++) {
            struct enterprise_row *row = &out->rows[out->n++];
            row->id = col_int(r, i, 0);
            snprintf(row->uscc, sizeof row->uscc, "%s", PQgetvalue(r, i, 1));
            row->name = col_text(r, i, 2, a);
            row->region = region_index(ps, r, i, 3);
            row->industry = industry_index(ps, r, i, 4);
            row->size = is_null(r, i, 5) ? -1 : (int)col_int(r, i, 5);
        }
        PQclear(r);
    }
    buf_release(&l.where);
    return rc;
}

/* ---- policies ---- */

/* Runs a one-statement write returning an id, undone alone on failure inside a transaction. */
static int write_returning(struct pg_store *ps, enum stmt_id id, const struct params *pa,
                           int64_t *out_id, struct error *err, const char *what) {
    int rc = write_begin(ps, false, err);
    if (rc) return rc;
    PGresult *r;
    rc = run(ps, id, pa, &r, err, what);
    if (!rc) {
        if (out_id && PQntuples(r) == 1) *out_id = col_int(r, 0, 0);
        if (!out_id && atoll(PQcmdTuples(r)) == 0)
            rc = error_set(err, ERR_NOTFOUND, "未找到记录 %s", "no record %s", pa->v[0]);
        PQclear(r);
    }
    return write_end(ps, false, rc, err);
}

static int pg_put_policy(struct store *s, struct policy *p, struct error *err) {
    struct store_val v[STORE_POLICY_VALS];
    store_policy_vals(p, now_seconds(), v);
    struct params pa;
    p_vals(&pa, v, STORE_POLICY_VALS);
    return write_returning(ps_of(s), ST_PC + PC_PUT_POLICY, &pa, &p->id, err, "put policy");
}

static int get_one(struct pg_store *ps, enum stmt_id st, int64_t id, PGresult **out,
                   struct error *err) {
    struct params pa = {0};
    p_int(&pa, 0, id);
    int rc = run(ps, st, &pa, out, err, "get");
    if (!rc && PQntuples(*out) == 0) {
        PQclear(*out);
        *out = NULL;
        rc = error_set(err, ERR_NOTFOUND, "未找到记录 %lld", "no record %lld", (long long)id);
    }
    return rc;
}

static int pg_get_policy(struct store *s, int64_t id, struct policy *p, struct arena *a,
                         struct error *err) {
    PGresult *r;
    int rc = get_one(ps_of(s), ST_PC + PC_GET_POLICY, id, &r, err);
    if (rc) return rc;
    struct store_cols c = cols_of(r, 0);
    store_read_policy(&c, p, a);
    PQclear(r);
    return 0;
}

static int pg_list_policies(struct store *s, int status, struct arena *a, struct policy **out,
                            int *n, struct error *err) {
    struct pg_store *ps = ps_of(s);
    struct params pa = {0};
    p_int(&pa, 0, status);
    PGresult *r;
    int rc = run(ps, ST_PC + PC_LIST_POLICIES, &pa, &r, err, "list policies");
    if (rc) return rc;
    int k = PQntuples(r);
    *out = k ? arena_alloc(a, sizeof **out * (size_t)k) : NULL;
    if (k && !*out) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int i = 0; !rc && i < k; i++) {
        struct store_cols c = cols_of(r, i);
        store_read_policy(&c, &(*out)[i], a);
    }
    if (!rc) *n = k;
    PQclear(r);
    return rc;
}

static int set_status(struct pg_store *ps, enum stmt_id st, int64_t id, int status,
                      struct error *err) {
    struct params pa = {0};
    p_int(&pa, 0, id);
    p_int(&pa, 1, status);
    p_int(&pa, 2, now_seconds());
    return write_returning(ps, st, &pa, NULL, err, "set status");
}

static int pg_set_policy_status(struct store *s, int64_t id, int status, struct error *err) {
    return set_status(ps_of(s), ST_PC + PC_SET_POLICY_STATUS, id, status, err);
}

/* ---- clauses ---- */

static int pg_put_clause(struct store *s, struct clause *c, struct error *err) {
    struct pg_store *ps = ps_of(s);
    struct store_val v[STORE_CLAUSE_VALS];
    store_clause_vals(c, now_seconds(), v);
    struct params pa;
    p_vals(&pa, v, STORE_CLAUSE_VALS);
    if (!c->id)
        return write_returning(ps, ST_PC + PC_INSERT_CLAUSE, &pa, &c->id, err, "put clause");
    p_int(&pa, 14, c->id);
    int rc = write_returning(ps, ST_PC + PC_UPDATE_CLAUSE, &pa, NULL, err, "update clause");
    if (rc == ERR_NOTFOUND)
        rc = error_set(err, ERR_NOTFOUND, "未找到条款 %lld", "no clause %lld", (long long)c->id);
    return rc;
}

static int pg_get_clause(struct store *s, int64_t id, struct clause *c, struct arena *a,
                         struct error *err) {
    PGresult *r;
    int rc = get_one(ps_of(s), ST_PC + PC_GET_CLAUSE, id, &r, err);
    if (rc) return rc;
    struct store_cols cols = cols_of(r, 0);
    store_read_clause(&cols, c, a);
    PQclear(r);
    return 0;
}

static int pg_list_clauses(struct store *s, int64_t policy_id, int status, struct arena *a,
                           struct clause **out, int *n, struct error *err) {
    struct params pa = {0};
    p_int(&pa, 0, policy_id);
    p_int(&pa, 1, status);
    PGresult *r;
    int rc = run(ps_of(s), ST_PC + PC_LIST_CLAUSES, &pa, &r, err, "list clauses");
    if (rc) return rc;
    int k = PQntuples(r);
    *out = k ? arena_alloc(a, sizeof **out * (size_t)k) : NULL;
    if (k && !*out) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int i = 0; !rc && i < k; i++) {
        struct store_cols c = cols_of(r, i);
        store_read_clause(&c, &(*out)[i], a);
    }
    if (!rc) *n = k;
    PQclear(r);
    return rc;
}

static int pg_set_clause_status(struct store *s, int64_t id, int status, struct error *err) {
    return set_status(ps_of(s), ST_PC + PC_SET_CLAUSE_STATUS, id, status, err);
}

static int64_t pg_count_clauses(struct store *s) {
    return count_of(ps_of(s), ST_PC + PC_COUNT_CLAUSES);
}

static const struct store_ops pg_ops = {
    .close = pg_close,
    .schema_version = pg_version,
    .begin = pg_begin,
    .begin_bulk = pg_begin_bulk,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .put_enterprise = pg_put_enterprise,
    .get_enterprise = pg_get_enterprise,
    .get_enterprises = pg_get_enterprises,
    .count_enterprises = pg_count_enterprises,
    .list_enterprises = pg_list_enterprises,
    .scan_enterprises = pg_scan_enterprises,
    .put_policy = pg_put_policy,
    .get_policy = pg_get_policy,
    .list_policies = pg_list_policies,
    .set_policy_status = pg_set_policy_status,
    .put_clause = pg_put_clause,
    .get_clause = pg_get_clause,
    .list_clauses = pg_list_clauses,
    .set_clause_status = pg_set_clause_status,
    .count_clauses = pg_count_clauses,
};
