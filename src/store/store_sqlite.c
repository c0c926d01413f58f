/* Owns the SQLite store's driver side: running the migrations (schema version in meta; their DDL
 * is bind.c's), the connection settings (WAL, foreign keys), the cache of prepared statements, the
 * enterprise row's SQL and binding, the bulk path, and binding and stepping the policy and clause
 * statements whose text, values and row reading are bind.c's (shared with store_pg.c). Argument
 * checks are store.c's; nothing here knows HTTP, rules or the index. */
#include <pthread.h>
#include <sqlite3.h>
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

/* ---- the enterprise row (layout in row.h): the SQL text and binding here ---- */

#define N_YEAR_COLS (2 + N_YEAR)
#define QUAL_BATCH 8 /* qualification rows per INSERT */

/* ---- statements ---- */

enum stmt_id {
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_INSERT_ENT,
    ST_PUT_ENT,
    ST_DEL_QUAL,
    ST_PUT_QUAL, /* ST_PUT_QUAL + k - 1 inserts k rows, k <= QUAL_BATCH */
    ST_PUT_QUAL_LAST = ST_PUT_QUAL + 7,
    ST_DEL_YEARS,
    ST_PUT_YEAR, /* ST_PUT_YEAR + k - 1 inserts k rows, k <= 1 + PROFILE_HISTORY */
    ST_PUT_YEAR_LAST = ST_PUT_YEAR + PROFILE_HISTORY,
    ST_GET_ENT,
    ST_GET_YEARS,
    ST_COUNT_ENT,
    ST_SCAN_ENT,
    ST_PC, /* ST_PC + k: bind.h's policy and clause statement k */
    ST_COUNT = ST_PC + PC_COUNT
};

static const char *const fixed_sql[ST_COUNT] = {
    [ST_SAVEPOINT] = "SAVEPOINT store_write",
    [ST_RELEASE] = "RELEASE store_write",
    [ST_ROLLBACK_TO] = "ROLLBACK TO store_write",
    [ST_DEL_QUAL] = "DELETE FROM enterprise_qualification WHERE enterprise_id = ?1",
    [ST_DEL_YEARS] = "DELETE FROM enterprise_year WHERE enterprise_id = ?1",
    [ST_GET_YEARS] = "SELECT * FROM enterprise_year WHERE enterprise_id = ?1 AND year BETWEEN ?2 "
                     "AND ?3",
    [ST_COUNT_ENT] = "SELECT count(*) FROM enterprise",
};

struct sqlite_store {
    struct store base;
    sqlite3 *db;                  /* owned */
    sqlite3_stmt *stmt[ST_COUNT]; /* owned; prepared on first use, kept until close */
    char *sql[ST_COUNT];          /* owned; statements whose text is built from the tables above */
    struct strmap industry_codes; /* "3911" → refdata index, built at open for fast reads */
    int version;
    bool in_tx;          /* inside store_begin … store_commit/rollback */
    char **bulk_indexes; /* owned: CREATE INDEX statements dropped by store_begin_bulk */
    int n_bulk_indexes;
    bool is_bulk;             /* inside store_begin_bulk … */
    bool is_bulk_failed;      /* a write failed in the bulk transaction: only rollback is left */
    bool is_journal_switched; /* the bulk runs with a rollback journal instead of WAL */
    bool is_last_update;      /* the last put updated an existing row: try the upsert first */
    struct store_region_cache regions; /* NBS code → refdata index */
};

static void free_bulk_indexes(struct sqlite_store *ss);
static int sqlite_rollback(struct store *s);

static struct sqlite_store *ss_of(struct store *s) {
    return (struct sqlite_store *)s;
}

static int db_error(struct sqlite_store *ss, struct error *err, const char *what) {
    int ext = sqlite3_extended_errcode(ss->db);
    int code = (ext & 0xff) == SQLITE_CONSTRAINT ? ERR_CONFLICT : ERR_DB;
    return error_set(err, code, "数据库操作失败(%s):%s", "database error (%s): %s", what,
                     sqlite3_errmsg(ss->db));
}

static void ent_insert_sql(struct buf *b) {
    buf_puts(b, "INSERT INTO enterprise (");
    for (int c = 0; c < N_ENT_COLS; c++)
        buf_printf(b, "%s%s", c ? ", " : "", store_ent_col_name(c));
    buf_puts(b, ") VALUES (");
    for (int c = 0; c < N_ENT_COLS; c++)
        buf_printf(b, "%s?%d", c ? ", " : "", c + 1);
    buf_puts(b, ")");
}

static void ent_put_sql(struct buf *b) {
    ent_insert_sql(b);
    buf_puts(b, " ON CONFLICT (uscc) DO UPDATE SET (");
    for (int c = 1; c < N_ENT_COLS; c++)
        buf_printf(b, "%s%s", c > 1 ? ", " : "", store_ent_col_name(c));
    buf_puts(b, ") = (");
    for (int c = 1; c < N_ENT_COLS; c++)
        buf_printf(b, "%sexcluded.%s", c > 1 ? ", " : "", store_ent_col_name(c));
    buf_puts(b, ") RETURNING id");
}

static void ent_select_sql(struct buf *b, const char *tail) {
    buf_puts(b, "SELECT id");
    for (int c = 0; c < N_ENT_COLS; c++)
        buf_printf(b, ", %s", store_ent_col_name(c));
    buf_printf(b, " FROM enterprise %s", tail);
}

/* One INSERT of n rows: a put writes an enterprise's years (and its qualifications) with one
 * statement instead of one per row. */
static void year_put_sql(struct buf *b, int n) {
    buf_puts(b, "INSERT INTO enterprise_year (enterprise_id, year");
    for (int k = 0; k < N_YEAR; k++)
        buf_printf(b, ", %s", schema_field(store_year_fields[k])->key);
    buf_puts(b, ") VALUES ");
    for (int r = 0; r < n; r++) {
        buf_puts(b, r ? ", (" : "(");
        for (int k = 0; k < N_YEAR_COLS; k++)
            buf_printf(b, "%s?%d", k ? ", " : "", r * N_YEAR_COLS + k + 1);
        buf_puts(b, ")");
    }
}

static void qual_put_sql(struct buf *b, int n) {
    buf_puts(b, "INSERT INTO enterprise_qualification (qualification, enterprise_id) VALUES ");
    for (int r = 0; r < n; r++)
        buf_printf(b, "%s(?%d, ?1)", r ? ", " : "", r + 2);
}

static int build_sql(struct sqlite_store *ss) {
    static const enum stmt_id ids[] = {ST_INSERT_ENT, ST_PUT_ENT, ST_GET_ENT, ST_SCAN_ENT};
    enum { N_IDS = sizeof ids / sizeof *ids };
    struct buf b[N_IDS];
    for (int i = 0; i < N_IDS; i++)
        buf_init(&b[i]);
    ent_insert_sql(&b[0]);
    ent_put_sql(&b[1]);
    ent_select_sql(&b[2], "WHERE uscc = ?1");
    ent_select_sql(&b[3], "ORDER BY id");
    bool is_oom = false;
    for (int i = 0; i < N_IDS; i++) {
        is_oom |= b[i].is_oom;
        ss->sql[ids[i]] = buf_detach(&b[i]);
    }
    for (int id = ST_PUT_YEAR; id <= ST_PUT_YEAR_LAST; id++) {
        struct buf y;
        buf_init(&y);
        year_put_sql(&y, id - ST_PUT_YEAR + 1);
        is_oom |= y.is_oom;
        ss->sql[id] = buf_detach(&y);
    }
    for (int id = ST_PUT_QUAL; id <= ST_PUT_QUAL_LAST; id++) {
        struct buf q;
        buf_init(&q);
        qual_put_sql(&q, id - ST_PUT_QUAL + 1);
        is_oom |= q.is_oom;
        ss->sql[id] = buf_detach(&q);
    }
    return is_oom ? ERR_NOMEM : 0;
}

static sqlite3_stmt *stmt(struct sqlite_store *ss, enum stmt_id id, struct error *err) {
    if (ss->stmt[id]) return ss->stmt[id];
    const char *sql = ss->sql[id]   ? ss->sql[id]
                      : id >= ST_PC ? store_pc_sql[id - ST_PC]
                                    : fixed_sql[id];
    if (sqlite3_prepare_v3(ss->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &ss->stmt[id], NULL) !=
        SQLITE_OK) {
        db_error(ss, err, "prepare");
        return NULL;
    }
    return ss->stmt[id];
}

/* Runs a statement that returns no rows (or whose rows we do not need) and resets it. */
static int run(struct sqlite_store *ss, sqlite3_stmt *st, struct error *err, const char *what) {
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    int out = rc == SQLITE_DONE ? 0 : db_error(ss, err, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return out;
}

static int run_id(struct sqlite_store *ss, enum stmt_id id, struct error *err, const char *what) {
    sqlite3_stmt *st = stmt(ss, id, err);
    return st ? run(ss, st, err, what) : ERR_DB;
}

static int exec(struct sqlite_store *ss, const char *sql, struct error *err) {
    char *msg = NULL;
    if (sqlite3_exec(ss->db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    error_set(err, ERR_DB, "数据库操作失败:%s", "database error: %s", msg ? msg : "?");
    sqlite3_free(msg);
    return ERR_DB;
}

static int64_t now_seconds(void) {
    return (int64_t)time(NULL);
}

static void bind_opt(sqlite3_stmt *st, int i, bool has, int64_t v) {
    if (has)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_vals(sqlite3_stmt *st, const struct store_val *v, int n) {
    for (int i = 0; i < n; i++)
        if (v[i].type == STORE_VAL_INT)
            sqlite3_bind_int64(st, i + 1, v[i].i);
        else
            bind_text(st, i + 1, v[i].type == STORE_VAL_TEXT ? v[i].s : NULL);
}

static bool cols_is_null(const struct store_cols *c, int col) {
    return sqlite3_column_type((sqlite3_stmt *)c->src, col) == SQLITE_NULL;
}

static int64_t cols_int(const struct store_cols *c, int col) {
    return sqlite3_column_int64((sqlite3_stmt *)c->src, col);
}

static const char *cols_text(const struct store_cols *c, int col) {
    return (const char *)sqlite3_column_text((sqlite3_stmt *)c->src, col);
}

/* The current row of st for bind.h's readers. */
static struct store_cols cols_of(sqlite3_stmt *st) {
    return (struct store_cols){st, 0, cols_is_null, cols_int, cols_text};
}

static const char *col_text(sqlite3_stmt *st, int i, struct arena *a) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? arena_strdup(a, (const char *)t) : NULL;
}

/* ---- open, migrate, close ---- */

static int read_version(struct sqlite_store *ss, struct error *err) {
    sqlite3_stmt *st;
    ss->version = 0;
    if (sqlite3_prepare_v2(ss->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) != SQLITE_OK)
        return 0; /* no meta table: a fresh file at version 0 */
    if (sqlite3_step(st) == SQLITE_ROW) ss->version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (ss->version > STORE_SCHEMA_VERSION)
        return error_set(err, ERR_UNSUPPORTED,
                         "数据库结构版本 %d 高于本程序支持的 %d,请升级 duijie",
                         "schema version %d is newer than this build's %d; upgrade duijie",
                         ss->version, STORE_SCHEMA_VERSION);
    return 0;
}

/* Each step runs in its own transaction with its version bump: a crash leaves a whole version. */
static int migrate(struct sqlite_store *ss, struct error *err) {
    int rc = read_version(ss, err);
    while (!rc && ss->version < STORE_SCHEMA_VERSION) {
        char bump[160];
        snprintf(bump, sizeof bump,
                 "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '%d');",
                 ss->version + 1);
        struct buf ddl;
        buf_init(&ddl);
        store_ddl(STORE_SQLITE, store_core_migrations[ss->version], &ddl);
        rc = ddl.is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
                        : exec(ss, "BEGIN IMMEDIATE", err);
        if (!rc) rc = exec(ss, buf_str(&ddl), err);
        buf_release(&ddl);
        if (!rc) rc = exec(ss, bump, err);
        if (!rc) rc = exec(ss, "COMMIT", err);
        if (rc) {
            sqlite3_exec(ss->db, "ROLLBACK", NULL, NULL, NULL);
            break;
        }
        ss->version++;
    }
    return rc;
}

static void build_industry_map(struct sqlite_store *ss) {
    strmap_init(&ss->industry_codes);
    for (int i = 0; i < industry_count(); i++) {
        const char *c = industry_at(i)->code;
        strmap_put(&ss->industry_codes, c, strlen(c), i);
    }
}

static void sqlite_close(struct store *s) {
    struct sqlite_store *ss = ss_of(s);
    for (int i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(ss->stmt[i]);
        free(ss->sql[i]);
    }
    strmap_release(&ss->industry_codes);
    if (ss->in_tx) sqlite_rollback(s);
    free_bulk_indexes(ss);
    sqlite3_close(ss->db);
    free(ss);
}

void *store_sqlite_handle(struct store *s) {
    return ss_of(s)->db;
}

static const struct store_ops sqlite_ops;

static int configure(struct sqlite_store *ss, struct error *err) {
    sqlite3_busy_timeout(ss->db, 5000);
    return exec(ss,
                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
                err);
}

/* SQLite's memory statistics take a global mutex on every allocation; nothing here reads them. */
static void sqlite_global_init(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_sqlite_open(const char *path, struct store **out, struct error *err) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_global_init);
    int rc = refdata_load(err);
    if (rc) return rc;
    struct sqlite_store *ss = calloc(1, sizeof *ss);
    if (!ss) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    ss->base.ops = &sqlite_ops;
    ss->base.kind = STORE_SQLITE;
    build_industry_map(ss);
    /* NOMUTEX: a connection is used by one thread at a time (the server pools them), so SQLite's
     * per-call mutexes only cost time. */
    if (sqlite3_open_v2(path, &ss->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rc = error_set(err, ERR_IO, "无法打开数据库 %s:%s", "cannot open database %s: %s", path,
                       ss->db ? sqlite3_errmsg(ss->db) : "out of memory");
    }
    if (!rc) rc = configure(ss, err);
    if (!rc) rc = migrate(ss, err);
    if (!rc && build_sql(ss)) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (rc) {
        sqlite_close(&ss->base);
        return rc;
    }
    *out = &ss->base;
    return 0;
}

static int sqlite_version(struct store *s) {
    return ss_of(s)->version;
}

static int sqlite_begin(struct store *s, struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    if (ss->in_tx)
        return error_set(err, ERR_CONFLICT, "事务已开始", "a transaction is already open");
    int rc = exec(ss, "BEGIN IMMEDIATE", err);
    if (!rc) ss->in_tx = true;
    return rc;
}

static void free_bulk_indexes(struct sqlite_store *ss) {
    for (int i = 0; i < ss->n_bulk_indexes; i++)
        free(ss->bulk_indexes[i]);
    free(ss->bulk_indexes);
    ss->bulk_indexes = NULL;
    ss->n_bulk_indexes = 0;
}

/* Remembers the enterprise table's index definitions as they are in the file (not as this build
 * would write them) and drops them. */
static int drop_indexes(struct sqlite_store *ss, struct error *err) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db,
                           "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                           "tbl_name = 'enterprise' AND sql IS NOT NULL",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(ss, err, "indexes");
    struct buf drops;
    buf_init(&drops);
    ss->bulk_indexes = calloc(64, sizeof *ss->bulk_indexes);
    while (ss->bulk_indexes && ss->n_bulk_indexes < 64 && sqlite3_step(st) == SQLITE_ROW) {
        buf_printf(&drops, "DROP INDEX \"%s\";", (const char *)sqlite3_column_text(st, 0));
        ss->bulk_indexes[ss->n_bulk_indexes++] = strdup((const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    int rc = !ss->bulk_indexes || drops.is_oom
                 ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
             : drops.len ? exec(ss, buf_str(&drops), err)
                         : 0;
    buf_release(&drops);
    return rc;
}

/* With a rollback journal a load into a fresh file writes each page once; in WAL mode it is
 * written to the log and again at the checkpoint. Switching needs no other connection open; when
 * one is, the load simply stays in WAL mode. */
static void bulk_settings(struct sqlite_store *ss) {
    exec(ss, "PRAGMA cache_size = -262144; PRAGMA threads = 4", NULL); /* threads: index sorts */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db, "PRAGMA journal_mode = TRUNCATE", -1, &st, NULL) != SQLITE_OK)
        return;
    const unsigned char *mode = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    ss->is_journal_switched = mode && strcmp((const char *)mode, "truncate") == 0;
    sqlite3_finalize(st);
}

static void end_bulk(struct sqlite_store *ss) {
    if (ss->is_journal_switched) exec(ss, "PRAGMA journal_mode = WAL", NULL);
    if (ss->is_bulk) exec(ss, "PRAGMA cache_size = -65536; PRAGMA threads = 0", NULL);
    ss->is_journal_switched = ss->is_bulk = ss->is_bulk_failed = false;
    free_bulk_indexes(ss);
}

static int sqlite_begin_bulk(struct store *s, struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    if (ss->in_tx)
        return error_set(err, ERR_CONFLICT, "事务已开始", "a transaction is already open");
    bulk_settings(ss);
    ss->is_bulk = true;
    int rc = sqlite_begin(s, err);
    if (!rc) rc = drop_indexes(ss, err);
    if (rc && ss->in_tx) {
        exec(ss, "ROLLBACK", NULL);
        ss->in_tx = false;
    }
    if (rc) end_bulk(ss);
    return rc;
}

static int recreate_indexes(struct sqlite_store *ss, struct error *err) {
    int rc = 0;
    for (int i = 0; !rc && i < ss->n_bulk_indexes; i++)
        rc = ss->bulk_indexes[i] ? exec(ss, ss->bulk_indexes[i], err)
                                 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    return rc;
}

static int sqlite_commit(struct store *s, struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    if (!ss->in_tx) return error_set(err, ERR_CONFLICT, "没有进行中的事务", "no open transaction");
    if (ss->is_bulk_failed)
        return error_set(err, ERR_CONFLICT, "批量写入中有失败,只能回滚",
                         "a write failed in this bulk transaction; roll it back");
    int rc = recreate_indexes(ss, err);
    if (!rc) rc = exec(ss, "COMMIT", err);
    if (!rc) {
        ss->in_tx = false;
        end_bulk(ss);
    }
    return rc;
}

static int sqlite_rollback(struct store *s) {
    struct sqlite_store *ss = ss_of(s);
    if (!ss->in_tx) return ERR_CONFLICT;
    ss->in_tx = false;
    int rc = exec(ss, "ROLLBACK", NULL); /* restores the dropped indexes too */
    end_bulk(ss);
    return rc;
}

/* A multi-row write runs inside a savepoint: inside store_begin it nests, outside it is its own
 * transaction. On failure everything since the savepoint is undone. A bulk transaction saves the
 * two statements per row: a failed write there leaves only store_rollback. */
static int write_begin(struct sqlite_store *ss, struct error *err) {
    if (ss->is_bulk) return 0;
    return run_id(ss, ST_SAVEPOINT, err, "savepoint");
}

static int write_end(struct sqlite_store *ss, int rc, struct error *err) {
    if (ss->is_bulk) {
        ss->is_bulk_failed |= rc != 0;
        return rc;
    }
    if (!rc) return run_id(ss, ST_RELEASE, err, "release");
    run_id(ss, ST_ROLLBACK_TO, NULL, "rollback");
    run_id(ss, ST_RELEASE, NULL, "release");
    return rc;
}

/* ---- enterprises: writing ---- */

static void bind_region(sqlite3_stmt *st, int col, const struct value *v, bool is_all_levels) {
    int r = v->has ? (int)v->i : -1;
    const struct region *reg = r >= 0 ? region_at(r) : NULL;
    bind_opt(st, col + 1, reg != NULL, reg ? reg->code : 0);
    if (!is_all_levels) return;
    int county = r >= 0 ? region_ancestor(r, REGION_COUNTY) : -1;
    int city = r >= 0 ? region_ancestor(r, REGION_CITY) : -1;
    bind_opt(st, EC_REGION_COUNTY + 1, county >= 0, county >= 0 ? region_at(county)->code : 0);
    bind_opt(st, EC_REGION_CITY + 1, city >= 0, city >= 0 ? region_at(city)->code : 0);
}

static void bind_industry(sqlite3_stmt *st, const struct value *v) {
    int ind = v->has ? (int)v->i : -1;
    int div = ind >= 0 ? industry_ancestor(ind, INDUSTRY_DIVISION) : -1;
    bind_text(st, EC_INDUSTRY + 1, ind >= 0 ? industry_at(ind)->code : NULL);
    bind_text(st, EC_INDUSTRY_SECTION + 1,
              ind >= 0 ? industry_at(industry_at(ind)->section)->code : NULL);
    bind_text(st, EC_INDUSTRY_DIVISION + 1, div >= 0 ? industry_at(div)->code : NULL);
}

static void bind_enterprise(sqlite3_stmt *st, const struct profile *p,
                            const struct ent_derived *d) {
    bind_text(st, EC_USCC + 1, p->v[F_USCC].s);
    bind_text(st, EC_NAME + 1, p->v[F_NAME].has ? p->v[F_NAME].s : NULL);
    bind_region(st, EC_REGION_CODE, &p->v[F_REGION], true);
    bind_region(st, EC_TAX_REGION, &p->v[F_TAX_REGION], false);
    bind_industry(st, &p->v[F_INDUSTRY]);
    sqlite3_bind_int(st, EC_FISCAL_YEAR + 1, d->fiscal_year);
    bind_opt(st, EC_SIZE + 1, d->size.has, d->size.i);
    bind_opt(st, EC_REVENUE_PREV + 1, d->revenue_prev.has, d->revenue_prev.i);
    bind_opt(st, EC_RD_EXPENSE_3Y + 1, d->rd_expense_3y.has, d->rd_expense_3y.i);
    bind_opt(st, EC_REVENUE_3Y + 1, d->revenue_3y.has, d->revenue_3y.i);
    sqlite3_bind_int64(st, EC_UPDATED_AT + 1, now_seconds());
    for (int k = 0; k < N_PLAIN; k++) {
        const struct value *v = &p->v[store_plain_fields[k]];
        bind_opt(st, EC_PLAIN + k + 1, v->has, v->i);
    }
}

/* Writes the row by USCC. Rows come in runs: a first import or the demo inserts, a re-import
 * updates. After a new row a plain INSERT goes first: it needs no
 * RETURNING and tells us the row is new, so there are no old qualifications or years to delete;
 * only when the USCC is taken does the upsert run. After an updated row the upsert runs at once,
 * saving the failed INSERT; the row is new exactly when the upsert set the connection's last
 * insert rowid (reset to 0 first). */
static int put_row(struct sqlite_store *ss, const struct profile *p, const struct ent_derived *d,
                   int64_t *id, bool *is_new, struct error *err) {
    if (!ss->is_last_update) {
        sqlite3_stmt *ins = stmt(ss, ST_INSERT_ENT, err);
        if (!ins) return ERR_DB;
        bind_enterprise(ins, p, d);
        int rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (rc == SQLITE_DONE) {
            *id = sqlite3_last_insert_rowid(ss->db);
            *is_new = true;
            ss->is_last_update = false;
            return 0;
        }
        if (sqlite3_extended_errcode(ss->db) != SQLITE_CONSTRAINT_UNIQUE)
            return db_error(ss, err, "insert enterprise");
    }
    sqlite3_stmt *st = stmt(ss, ST_PUT_ENT, err);
    if (!st) return ERR_DB;
    bind_enterprise(st, p, d);
    sqlite3_set_last_insert_rowid(ss->db, 0);
    if (sqlite3_step(st) == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    int rc = run(ss, st, err, "put enterprise");
    *is_new = !rc && *id == sqlite3_last_insert_rowid(ss->db);
    ss->is_last_update = !rc && !*is_new;
    return rc;
}

static int put_qualifications(struct sqlite_store *ss, const struct profile *p, int64_t id,
                              bool is_new, struct error *err) {
    int rc = 0;
    if (!is_new) {
        sqlite3_stmt *del = stmt(ss, ST_DEL_QUAL, err);
        if (!del) return ERR_DB;
        sqlite3_bind_int64(del, 1, id);
        rc = run(ss, del, err, "delete qualifications");
    }
    uint64_t mask = p->v[F_QUALIFICATIONS].has ? (uint64_t)p->v[F_QUALIFICATIONS].i : 0;
    int held[64], n = 0;
    for (int k = 0; k < 64; k++)
        if (mask >> k & 1) held[n++] = k;
    for (int at = 0; !rc && at < n; at += QUAL_BATCH) {
        int m = n - at < QUAL_BATCH ? n - at : QUAL_BATCH;
        sqlite3_stmt *ins = stmt(ss, (enum stmt_id)(ST_PUT_QUAL + m - 1), err);
        if (!ins) return ERR_DB;
        sqlite3_bind_int64(ins, 1, id);
        for (int r = 0; r < m; r++)
            sqlite3_bind_int(ins, r + 2, held[at + r]);
        rc = run(ss, ins, err, "put qualifications");
    }
    return rc;
}

/* The fiscal year and the history years that hold anything, in one INSERT. */
static int put_years(struct sqlite_store *ss, const struct profile *p, int fy, int64_t id,
                     bool is_new, struct error *err) {
    int rc = 0;
    if (!is_new) {
        sqlite3_stmt *del = stmt(ss, ST_DEL_YEARS, err);
        if (!del) return ERR_DB;
        sqlite3_bind_int64(del, 1, id);
        rc = run(ss, del, err, "delete years");
    }
    const struct value *vals[1 + PROFILE_HISTORY];
    int years[1 + PROFILE_HISTORY], n = 0;
    for (int k = -1; k < PROFILE_HISTORY; k++) {
        const struct value *v = k < 0 ? p->v : p->hist[k];
        if (!store_year_has_any(v)) continue;
        vals[n] = v;
        years[n++] = fy - 1 - k;
    }
    if (rc || n == 0) return rc;
    sqlite3_stmt *ins = stmt(ss, (enum stmt_id)(ST_PUT_YEAR + n - 1), err);
    if (!ins) return ERR_DB;
    for (int r = 0; r < n; r++) {
        int o = r * N_YEAR_COLS;
        sqlite3_bind_int64(ins, o + 1, id);
        sqlite3_bind_int(ins, o + 2, years[r]);
        for (int k = 0; k < N_YEAR; k++)
            bind_opt(ins, o + k + 3, vals[r][store_year_fields[k]].has,
                     vals[r][store_year_fields[k]].i);
    }
    return run(ss, ins, err, "put years");
}

static int sqlite_put_enterprise(struct store *s, const struct profile *p, int64_t *id,
                                 struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    struct ent_derived d;
    store_derive_for_write(p, &d);
    int64_t row = 0;
    int rc = write_begin(ss, err);
    if (rc) return rc;
    bool is_new = false;
    rc = put_row(ss, p, &d, &row, &is_new, err);
    if (!rc) rc = put_qualifications(ss, p, row, is_new, err);
    if (!rc) rc = put_years(ss, p, d.fiscal_year, row, is_new, err);
    rc = write_end(ss, rc, err);
    if (!rc && id) *id = row;
    return rc;
}

/* ---- enterprises: reading ---- */

static int region_index(sqlite3_stmt *st, int col) {
    if (sqlite3_column_type(st, col) == SQLITE_NULL) return -1;
    return region_by_code(sqlite3_column_int64(st, col));
}

/* region_index through a small direct-mapped cache: a scan meets the same few hundred towns
 * millions of times. */
static int region_index_cached(struct sqlite_store *ss, sqlite3_stmt *st, int col) {
    if (sqlite3_column_type(st, col) == SQLITE_NULL) return -1;
    return store_region_cached(&ss->regions, sqlite3_column_int64(st, col));
}

static int industry_index(struct sqlite_store *ss, sqlite3_stmt *st, int col) {
    const unsigned char *t = sqlite3_column_text(st, col);
    int64_t idx;
    if (!t || !strmap_get(&ss->industry_codes, (const char *)t, strlen((const char *)t), &idx))
        return -1;
    return (int)idx;
}

static void set_opt(struct value *v, sqlite3_stmt *st, int col) {
    v->has = sqlite3_column_type(st, col) != SQLITE_NULL;
    v->i = v->has ? sqlite3_column_int64(st, col) : 0;
}

static void set_index(struct value *v, int idx) {
    v->has = idx >= 0;
    v->i = idx >= 0 ? idx : 0;
}

/* Fills p from a row of ent_select_sql (column 0 = id). Text points into the statement unless a
 * is given, in which case it is copied. Sets every field it reads (missing ones to missing) and
 * touches no other, so a scan clears p once, not per row. */
static void read_enterprise(struct sqlite_store *ss, sqlite3_stmt *st, struct profile *p,
                            struct arena *a) {
    const int o = 1;
    const char *uscc = (const char *)sqlite3_column_text(st, o + EC_USCC);
    const char *name = (const char *)sqlite3_column_text(st, o + EC_NAME);
    p->v[F_USCC] = (struct value){
        .has = uscc != NULL, .s = a && uscc ? arena_strdup(a, uscc) : uscc, .r = {0, 1}};
    p->v[F_NAME] = (struct value){
        .has = name != NULL, .s = a && name ? arena_strdup(a, name) : name, .r = {0, 1}};
    set_index(&p->v[F_REGION], region_index_cached(ss, st, o + EC_REGION_CODE));
    set_index(&p->v[F_TAX_REGION], region_index_cached(ss, st, o + EC_TAX_REGION));
    set_index(&p->v[F_INDUSTRY], industry_index(ss, st, o + EC_INDUSTRY));
    p->fiscal_year = sqlite3_column_int(st, o + EC_FISCAL_YEAR);
    set_opt(&p->v[F_SIZE], st, o + EC_SIZE);
    set_opt(&p->hist[0][F_REVENUE], st, o + EC_REVENUE_PREV);
    set_opt(&p->v[F_RD_EXPENSE_3Y], st, o + EC_RD_EXPENSE_3Y);
    set_opt(&p->v[F_REVENUE_3Y], st, o + EC_REVENUE_3Y);
    for (int k = 0; k < N_PLAIN; k++)
        set_opt(&p->v[store_plain_fields[k]], st, o + EC_PLAIN + k);
}

static int read_years(struct sqlite_store *ss, int64_t id, struct profile *p, struct error *err) {
    sqlite3_stmt *st = stmt(ss, ST_GET_YEARS, err);
    if (!st) return ERR_DB;
    int fy = p->fiscal_year;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, fy - PROFILE_HISTORY);
    sqlite3_bind_int(st, 3, fy - 1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int k = fy - 1 - sqlite3_column_int(st, 1);
        for (int c = 0; c < N_YEAR; c++)
            set_opt(&p->hist[k][store_year_fields[c]], st, c + 2);
    }
    int out = rc == SQLITE_DONE ? 0 : db_error(ss, err, "get years");
    sqlite3_reset(st);
    return out;
}

static int sqlite_get_enterprise(struct store *s, const char *uscc, struct profile *p,
                                 struct arena *a, int64_t *id, struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_GET_ENT, err);
    if (!st) return ERR_DB;
    sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        int out = rc == SQLITE_DONE
                      ? error_set(err, ERR_NOTFOUND, "未找到企业 %s", "no enterprise %s", uscc)
                      : db_error(ss, err, "get enterprise");
        sqlite3_reset(st);
        return out;
    }
    int64_t row = sqlite3_column_int64(st, 0);
    profile_clear(p);
    read_enterprise(ss, st, p, a);
    sqlite3_reset(st);
    if (id) *id = row;
    return read_years(ss, row, p, err);
}

static int64_t sqlite_count_enterprises(struct store *s) {
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_COUNT_ENT, NULL);
    if (!st) return ERR_DB;
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : ERR_DB;
    sqlite3_reset(st);
    return n;
}

static int sqlite_scan_enterprises(struct store *s, store_enterprise_cb cb, void *ctx,
                                   struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_SCAN_ENT, err);
    if (!st) return ERR_DB;
    struct profile *p = malloc(sizeof *p);
    if (!p) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    profile_clear(p);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_enterprise(ss, st, p, NULL);
        stop = cb(ctx, sqlite3_column_int64(st, 0), p);
    }
    int out = stop || rc == SQLITE_DONE ? 0 : db_error(ss, err, "scan");
    sqlite3_reset(st);
    free(p);
    return out;
}

/* ---- enterprises: listing with filters ---- */

struct list_sql {
    struct buf where;
    int64_t ints[8];
    int n_ints;
    const char *texts[4];
    int n_texts;
    char like[2][256];
    char industry[2][8];
};

static void add_int_filter(struct list_sql *l, const char *cond, int64_t v) {
    buf_printf(&l->where, " AND %s ?%d", cond, 1 + l->n_ints);
    l->ints[l->n_ints++] = v;
}

/* One index on region_code and one on industry serve filters at every level (row.h). */
static void region_filter(struct list_sql *l, int r) {
    int64_t lo[2], hi[2];
    int n = store_region_ranges(r, lo, hi);
    buf_puts(&l->where, " AND (");
    for (int k = 0; k < n; k++) {
        buf_printf(&l->where, "%sregion_code BETWEEN ?%d AND ?%d", k ? " OR " : "", 1 + l->n_ints,
                   2 + l->n_ints);
        l->ints[l->n_ints++] = lo[k];
        l->ints[l->n_ints++] = hi[k];
    }
    buf_putc(&l->where, ')');
}

static void industry_filter(struct list_sql *l, int i) {
    const char *exact;
    store_industry_range(i, l->industry[0], l->industry[1], &exact);
    buf_printf(&l->where, " AND (industry >= ?%d AND industry < ?%d", 10 + l->n_texts,
               11 + l->n_texts);
    l->texts[l->n_texts++] = l->industry[0];
    l->texts[l->n_texts++] = l->industry[1];
    if (exact) {
        buf_printf(&l->where, " OR industry = ?%d", 10 + l->n_texts);
        l->texts[l->n_texts++] = exact;
    }
    buf_putc(&l->where, ')');
}

/* q: the start of a USCC (an index range), else a substring of the name or a prefix of the USCC
 * (LIKE, wildcards in q escaped). */
static void q_filter(struct list_sql *l, const char *q) {
    if (store_q_patterns(q, l->like[0], l->like[1]))
        buf_puts(&l->where, " AND uscc >= ?20 AND uscc < ?21");
    else
        buf_puts(&l->where, " AND (name LIKE ?20 ESCAPE '\\' OR uscc LIKE ?21 ESCAPE '\\')");
}

static void bind_list(const struct list_sql *l, sqlite3_stmt *st) {
    for (int i = 0; i < l->n_ints; i++)
        sqlite3_bind_int64(st, 1 + i, l->ints[i]);
    for (int i = 0; i < l->n_texts; i++)
        sqlite3_bind_text(st, 10 + i, l->texts[i], -1, SQLITE_STATIC);
    if (l->like[0][0]) {
        sqlite3_bind_text(st, 20, l->like[0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 21, l->like[1], -1, SQLITE_STATIC);
    }
}

static int list_total(struct sqlite_store *ss, const struct list_sql *l, int64_t *total,
                      struct error *err) {
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM enterprise WHERE 1%s", buf_str(&l->where));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(ss, err, "count");
    bind_list(l, st);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : db_error(ss, err, "count");
    *total = rc ? 0 : sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

static int list_page(struct sqlite_store *ss, const struct list_sql *l,
                     const struct enterprise_query *q, struct arena *a, struct enterprise_list *out,
                     struct error *err) {
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT id, uscc, name, region_code, industry, size FROM enterprise WHERE 1%s "
             "ORDER BY id LIMIT %d OFFSET %lld",
             buf_str(&l->where), q->page_size, (long long)(q->page - 1) * q->page_size);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(ss, err, "list");
    bind_list(l, st);
    out->rows = arena_alloc(a, sizeof *out->rows * (size_t)q->page_size);
    int rc = out->rows ? SQLITE_ROW : SQLITE_NOMEM;
    while (out->rows && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct enterprise_row *r = &out->rows[out->n++];
        r->id = sqlite3_column_int64(st, 0);
        snprintf(r->uscc, sizeof r->uscc, "%s", (const char *)sqlite3_column_text(st, 1));
        r->name = col_text(st, 2, a);
        r->region = region_index(st, 3);
        r->industry = industry_index(ss, st, 4);
        r->size = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
    }
    int out_rc = rc == SQLITE_DONE ? 0 : db_error(ss, err, "list");
    sqlite3_finalize(st);
    return out_rc;
}

static int sqlite_list_enterprises(struct store *s, const struct enterprise_query *q,
                                   struct arena *a, struct enterprise_list *out,
                                   struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    struct list_sql l = {0};
    buf_init(&l.where);
    if (q->q && *q->q) q_filter(&l, q->q);
    if (q->region >= 0 && q->region < region_count()) region_filter(&l, q->region);
    if (q->industry >= 0 && q->industry < industry_count()) industry_filter(&l, q->industry);
    if (q->size >= 0) add_int_filter(&l, "size =", q->size);
    int rc = l.where.is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory") : 0;
    if (!rc) rc = list_total(ss, &l, &out->total, err);
    if (!rc) rc = list_page(ss, &l, q, a, out, err);
    buf_release(&l.where);
    return rc;
}

/* ---- policies ---- */

/* Runs an INSERT … RETURNING id; *id gets the id. */
static int run_returning(struct sqlite_store *ss, sqlite3_stmt *st, int64_t *id, struct error *err,
                         const char *what) {
    if (sqlite3_step(st) == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    return run(ss, st, err, what);
}

static int sqlite_put_policy(struct store *s, struct policy *p, struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_PC + PC_PUT_POLICY, err);
    if (!st) return ERR_DB;
    struct store_val v[STORE_POLICY_VALS];
    store_policy_vals(p, now_seconds(), v);
    bind_vals(st, v, STORE_POLICY_VALS);
    return run_returning(ss, st, &p->id, err, "put policy");
}

static int get_one(struct sqlite_store *ss, enum stmt_id id_stmt, int64_t id, struct error *err,
                   sqlite3_stmt **out) {
    sqlite3_stmt *st = stmt(ss, id_stmt, err);
    if (!st) return ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = st;
        return 0;
    }
    int e = rc == SQLITE_DONE
                ? error_set(err, ERR_NOTFOUND, "未找到记录 %lld", "no record %lld", (long long)id)
                : db_error(ss, err, "get");
    sqlite3_reset(st);
    return e;
}

static int sqlite_get_policy(struct store *s, int64_t id, struct policy *p, struct arena *a,
                             struct error *err) {
    sqlite3_stmt *st;
    int rc = get_one(ss_of(s), ST_PC + PC_GET_POLICY, id, err, &st);
    if (rc) return rc;
    struct store_cols c = cols_of(st);
    store_read_policy(&c, p, a);
    sqlite3_reset(st);
    return 0;
}

/* Steps a listing statement, calling read for each row into a growing array in arena a. */
typedef void (*read_row_fn)(sqlite3_stmt *st, void *row, struct arena *a);

static int list_rows(struct sqlite_store *ss, sqlite3_stmt *st, size_t row_size, read_row_fn read,
                     struct arena *a, void **out, int *n, struct error *err) {
    size_t cap = 0;
    char *rows = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((size_t)*n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char *grown = arena_alloc(a, ncap * row_size);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            if (rows) memcpy(grown, rows, cap * row_size);
            rows = grown;
            cap = ncap;
        }
        read(st, rows + (size_t)*n * row_size, a);
        (*n)++;
    }
    int out_rc = rc == SQLITE_DONE    ? 0
                 : rc == SQLITE_NOMEM ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
                                      : db_error(ss, err, "list");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    *out = rows;
    return out_rc;
}

static void read_policy_row(sqlite3_stmt *st, void *row, struct arena *a) {
    struct store_cols c = cols_of(st);
    store_read_policy(&c, row, a);
}

static void read_clause_row(sqlite3_stmt *st, void *row, struct arena *a) {
    struct store_cols c = cols_of(st);
    store_read_clause(&c, row, a);
}

static int sqlite_list_policies(struct store *s, int status, struct arena *a, struct policy **out,
                                int *n, struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_PC + PC_LIST_POLICIES, err);
    if (!st) return ERR_DB;
    sqlite3_bind_int(st, 1, status);
    return list_rows(ss, st, sizeof **out, read_policy_row, a, (void **)out, n, err);
}

static int set_status(struct sqlite_store *ss, enum stmt_id id_stmt, int64_t id, int status,
                      struct error *err) {
    sqlite3_stmt *st = stmt(ss, id_stmt, err);
    if (!st) return ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, status);
    sqlite3_bind_int64(st, 3, now_seconds());
    int rc = run(ss, st, err, "set status");
    if (!rc && sqlite3_changes(ss->db) == 0)
        rc = error_set(err, ERR_NOTFOUND, "未找到记录 %lld", "no record %lld", (long long)id);
    return rc;
}

static int sqlite_set_policy_status(struct store *s, int64_t id, int status, struct error *err) {
    return set_status(ss_of(s), ST_PC + PC_SET_POLICY_STATUS, id, status, err);
}

/* ---- clauses ---- */

static int sqlite_put_clause(struct store *s, struct clause *c, struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_PC + (c->id ? PC_UPDATE_CLAUSE : PC_INSERT_CLAUSE), err);
    if (!st) return ERR_DB;
    struct store_val v[STORE_CLAUSE_VALS];
    store_clause_vals(c, now_seconds(), v);
    bind_vals(st, v, STORE_CLAUSE_VALS);
    if (!c->id) return run_returning(ss, st, &c->id, err, "put clause");
    sqlite3_bind_int64(st, 15, c->id);
    int rc = run(ss, st, err, "update clause");
    if (!rc && sqlite3_changes(ss->db) == 0)
        rc = error_set(err, ERR_NOTFOUND, "未找到条款 %lld", "no clause %lld", (long long)c->id);
    return rc;
}

static int sqlite_get_clause(struct store *s, int64_t id, struct clause *c, struct arena *a,
                             struct error *err) {
    sqlite3_stmt *st;
    int rc = get_one(ss_of(s), ST_PC + PC_GET_CLAUSE, id, err, &st);
    if (rc) return rc;
    read_clause_row(st, c, a);
    sqlite3_reset(st);
    return 0;
}

static int sqlite_list_clauses(struct store *s, int64_t policy_id, int status, struct arena *a,
                               struct clause **out, int *n, struct error *err) {
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_PC + PC_LIST_CLAUSES, err);
    if (!st) return ERR_DB;
    sqlite3_bind_int64(st, 1, policy_id);
    sqlite3_bind_int(st, 2, status);
    return list_rows(ss, st, sizeof **out, read_clause_row, a, (void **)out, n, err);
}

static int sqlite_set_clause_status(struct store *s, int64_t id, int status, struct error *err) {
    return set_status(ss_of(s), ST_PC + PC_SET_CLAUSE_STATUS, id, status, err);
}

static int64_t sqlite_count_clauses(struct store *s) {
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_PC + PC_COUNT_CLAUSES, NULL);
    if (!st) return ERR_DB;
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : ERR_DB;
    sqlite3_reset(st);
    return n;
}

static const struct store_ops sqlite_ops = {
    .close = sqlite_close,
    .schema_version = sqlite_version,
    .begin = sqlite_begin,
    .begin_bulk = sqlite_begin_bulk,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .put_enterprise = sqlite_put_enterprise,
    .get_enterprise = sqlite_get_enterprise,
    .count_enterprises = sqlite_count_enterprises,
    .list_enterprises = sqlite_list_enterprises,
    .scan_enterprises = sqlite_scan_enterprises,
    .put_policy = sqlite_put_policy,
    .get_policy = sqlite_get_policy,
    .list_policies = sqlite_list_policies,
    .set_policy_status = sqlite_set_policy_status,
    .put_clause = sqlite_put_clause,
    .get_clause = sqlite_get_clause,
    .list_clauses = sqlite_list_clauses,
    .set_clause_status = sqlite_set_clause_status,
    .count_clauses = sqlite_count_clauses,
};
