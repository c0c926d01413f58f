/* Owns the portable SQL path of the store (store_sql, rows, module migrations): one SQL text for
 * SQLite and PostgreSQL, `?` placeholders rewritten for libpq, module DDL written by store_ddl,
 * SQLite statements prepared once per connection and reused. Owns no module's tables: each module
 * keeps its DDL and lists itself in modules.def. The enterprise, policy and clause tables stay
 * with store_sqlite.c and store_pg.c (they have bulk paths of their own). */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bind.h"
#include "store/store_impl.h"
#include "util/buf.h"
#include "util/strmap.h"

#define STORE_MODULE(name) extern const char *const store_module_##name[];
#include "store/modules.def"
#undef STORE_MODULE

static const struct store_module modules[] = {
#define STORE_MODULE(name) {#name, store_module_##name},
#include "store/modules.def"
#undef STORE_MODULE
    {NULL, NULL}};

/* ---- statement cache (SQLite) ---- */

struct sql_cache {
    struct strmap index; /* SQL text → slot */
    sqlite3_stmt **stmts;
    int n, cap;
};

void store_sql_release(struct store *s) {
    struct sql_cache *c = s->sql;
    if (!c) return;
    for (int i = 0; i < c->n; i++)
        sqlite3_finalize(c->stmts[i]);
    free(c->stmts);
    strmap_release(&c->index);
    free(c);
    s->sql = NULL;
}

/* ---- rows ---- */

struct cell {
    char *p; /* NUL-terminated copy; NULL for SQL NULL */
    size_t len;
};

struct store_rows {
    int n_rows, n_cols;
    char **names;
    struct cell *cells; /* n_rows × n_cols */
    int cap_rows;
};

static struct store_rows *rows_new(int n_cols) {
    struct store_rows *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->n_cols = n_cols;
    r->names = calloc((size_t)(n_cols ? n_cols : 1), sizeof *r->names);
    if (!r->names) {
        free(r);
        return NULL;
    }
    return r;
}

static struct cell *rows_add(struct store_rows *r) {
    if (r->n_rows == r->cap_rows) {
        int cap = r->cap_rows ? r->cap_rows * 2 : 16;
        struct cell *c =
            realloc(r->cells, (size_t)cap * (size_t)(r->n_cols ? r->n_cols : 1) * sizeof *c);
        if (!c) return NULL;
        r->cells = c;
        r->cap_rows = cap;
    }
    struct cell *row = r->cells + (size_t)r->n_rows * (size_t)r->n_cols;
    memset(row, 0, (size_t)r->n_cols * sizeof *row);
    r->n_rows++;
    return row;
}

static char *copy_bytes(const void *p, size_t len) {
    char *s = malloc(len + 1);
    if (!s) return NULL;
    if (len) memcpy(s, p, len);
    s[len] = 0;
    return s;
}

void store_rows_free(struct store_rows *r) {
    if (!r) return;
    for (size_t i = 0; i < (size_t)r->n_rows * (size_t)r->n_cols; i++)
        free(r->cells[i].p);
    for (int i = 0; i < r->n_cols; i++)
        free(r->names[i]);
    free(r->names);
    free(r->cells);
    free(r);
}

int store_rows_count(const struct store_rows *r) {
    return r ? r->n_rows : 0;
}

int store_rows_columns(const struct store_rows *r) {
    return r ? r->n_cols : 0;
}

const char *store_rows_name(const struct store_rows *r, int col) {
    return col >= 0 && col < r->n_cols && r->names[col] ? r->names[col] : "";
}

static const struct cell *cell_at(const struct store_rows *r, int row, int col) {
    if (!r || row < 0 || row >= r->n_rows || col < 0 || col >= r->n_cols) return NULL;
    return r->cells + (size_t)row * (size_t)r->n_cols + (size_t)col;
}

bool store_rows_is_null(const struct store_rows *r, int row, int col) {
    const struct cell *c = cell_at(r, row, col);
    return !c || !c->p;
}

int64_t store_rows_int(const struct store_rows *r, int row, int col) {
    const struct cell *c = cell_at(r, row, col);
    if (!c || !c->p) return 0;
    char *end;
    long long v = strtoll(c->p, &end, 10);
    return end == c->p ? 0 : (int64_t)v;
}

const char *store_rows_text(const struct store_rows *r, int row, int col) {
    const struct cell *c = cell_at(r, row, col);
    return c && c->p ? c->p : "";
}

const void *store_rows_blob(const struct store_rows *r, int row, int col, size_t *len) {
    const struct cell *c = cell_at(r, row, col);
    *len = c && c->p ? c->len : 0;
    return c && c->p ? c->p : "";
}

static int nomem(struct error *err) {
    return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

/* ---- SQLite ---- */

static int sqlite_err(sqlite3 *db, struct error *err, const char *sql) {
    int ext = sqlite3_extended_errcode(db);
    int code = (ext & 0xff) == SQLITE_CONSTRAINT ? ERR_CONFLICT : ERR_DB;
    return error_set(err, code, "数据库操作失败:%s(%.80s)", "database error: %s (%.80s)",
                     sqlite3_errmsg(db), sql);
}

static int sqlite_prepare(struct store *s, sqlite3 *db, const char *sql, sqlite3_stmt **out,
                          struct error *err) {
    if (!s->sql) {
        s->sql = calloc(1, sizeof *s->sql);
        if (!s->sql) return nomem(err);
        strmap_init(&s->sql->index);
    }
    struct sql_cache *c = s->sql;
    size_t len = strlen(sql);
    int64_t slot;
    if (strmap_get(&c->index, sql, len, &slot)) {
        *out = c->stmts[slot];
        sqlite3_reset(*out);
        sqlite3_clear_bindings(*out);
        return 0;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, (int)len, &st, NULL) != SQLITE_OK)
        return sqlite_err(db, err, sql);
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 32;
        sqlite3_stmt **p = realloc(c->stmts, (size_t)cap * sizeof *p);
        if (!p) {
            sqlite3_finalize(st);
            return nomem(err);
        }
        c->stmts = p;
        c->cap = cap;
    }
    if (!strmap_put(&c->index, sql, len, c->n)) {
        sqlite3_finalize(st);
        return nomem(err);
    }
    c->stmts[c->n++] = st;
    *out = st;
    return 0;
}

static int sqlite_run(struct store *s, const char *sql, const struct store_val *args, int n_args,
                      struct store_rows **rows, struct error *err) {
    sqlite3 *db = store_sqlite_handle(s);
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prepare(s, db, sql, &st, err);
    if (rc) return rc;
    for (int i = 0; i < n_args; i++) {
        const struct store_val *v = &args[i];
        int b = SQLITE_OK;
        switch (v->type) {
        case STORE_VAL_NULL:
            b = sqlite3_bind_null(st, i + 1);
            break;
        case STORE_VAL_INT:
            b = sqlite3_bind_int64(st, i + 1, v->i);
            break;
        case STORE_VAL_TEXT:
            b = sqlite3_bind_text(st, i + 1, v->s, -1, SQLITE_STATIC);
            break;
        case STORE_VAL_BLOB:
            b = sqlite3_bind_blob64(st, i + 1, v->len ? v->s : "", v->len, SQLITE_STATIC);
            break;
        }
        if (b != SQLITE_OK) {
            rc = sqlite_err(db, err, sql);
            sqlite3_reset(st);
            return rc;
        }
    }
    struct store_rows *r = NULL;
    if (rows) {
        r = rows_new(sqlite3_column_count(st));
        if (!r) {
            sqlite3_reset(st);
            return nomem(err);
        }
        for (int c = 0; c < r->n_cols; c++) {
            const char *name = sqlite3_column_name(st, c);
            r->names[c] = copy_bytes(name ? name : "", name ? strlen(name) : 0);
        }
    }
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!r) continue;
        struct cell *row = rows_add(r);
        if (!row) {
            rc = nomem(err);
            break;
        }
        for (int c = 0; c < r->n_cols; c++) {
            int t = sqlite3_column_type(st, c);
            if (t == SQLITE_NULL) continue;
            const void *p = t == SQLITE_BLOB ? sqlite3_column_blob(st, c)
                                             : (const void *)sqlite3_column_text(st, c);
            size_t len = (size_t)sqlite3_column_bytes(st, c);
            row[c].p = copy_bytes(p ? p : "", p ? len : 0);
            row[c].len = len;
            if (!row[c].p) {
                rc = nomem(err);
                break;
            }
        }
        if (rc) break;
    }
    if (!rc && step != SQLITE_DONE) rc = sqlite_err(db, err, sql);
    s->sql_changes = sqlite3_changes64(db);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc) {
        store_rows_free(r);
        return rc;
    }
    if (rows) *rows = r;
    return 0;
}

/* ---- PostgreSQL ---- */

/* `?` outside quotes becomes $1, $2 …. */
static void pg_placeholders(const char *sql, struct buf *b) {
    int n = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote) quote = 0;
            buf_putc(b, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            buf_putc(b, *p);
        } else if (*p == '?') {
            buf_printf(b, "$%d", ++n);
        } else {
            buf_putc(b, *p);
        }
    }
}

#define PG_BYTEA_OID 17
#define PG_MAX_ARGS 64

static int pg_run(struct store *s, const char *sql, const struct store_val *args, int n_args,
                  struct store_rows **rows, struct error *err) {
    PGconn *pg = store_pg_handle(s);
    if (n_args > PG_MAX_ARGS)
        return error_set(err, ERR_INVALID, "参数过多", "too many SQL arguments (%d)", n_args);
    struct buf q;
    buf_init(&q);
    pg_placeholders(sql, &q);
    char nums[PG_MAX_ARGS][24];
    const char *values[PG_MAX_ARGS];
    int lengths[PG_MAX_ARGS], formats[PG_MAX_ARGS];
    for (int i = 0; i < n_args; i++) {
        const struct store_val *v = &args[i];
        lengths[i] = 0;
        formats[i] = 0;
        switch (v->type) {
        case STORE_VAL_NULL:
            values[i] = NULL;
            break;
        case STORE_VAL_INT:
            snprintf(nums[i], sizeof nums[i], "%lld", (long long)v->i);
            values[i] = nums[i];
            break;
        case STORE_VAL_TEXT:
            values[i] = v->s;
            break;
        case STORE_VAL_BLOB:
            values[i] = v->len ? v->s : "";
            lengths[i] = (int)v->len;
            formats[i] = 1;
            break;
        }
    }
    PGresult *res = PQexecParams(pg, buf_str(&q), n_args, NULL, n_args ? values : NULL,
                                 n_args ? lengths : NULL, n_args ? formats : NULL, 0);
    buf_release(&q);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        int code = state && strncmp(state, "23", 2) == 0 ? ERR_CONFLICT : ERR_DB;
        int rc = error_set(err, code, "数据库操作失败:%s(%.80s)", "database error: %s (%.80s)",
                           PQerrorMessage(pg), sql);
        PQclear(res);
        return rc;
    }
    const char *changed = PQcmdTuples(res);
    s->sql_changes = changed && *changed ? strtoll(changed, NULL, 10) : 0;
    int rc = 0;
    if (rows) {
        int n_cols = PQnfields(res), n_rows = PQntuples(res);
        struct store_rows *r = rows_new(n_cols);
        if (!r) rc = nomem(err);
        for (int c = 0; !rc && c < n_cols; c++) {
            const char *name = PQfname(res, c);
            r->names[c] = copy_bytes(name, strlen(name));
        }
        for (int i = 0; !rc && i < n_rows; i++) {
            struct cell *row = rows_add(r);
            if (!row) {
                rc = nomem(err);
                break;
            }
            for (int c = 0; c < n_cols; c++) {
                if (PQgetisnull(res, i, c)) continue;
                const char *v = PQgetvalue(res, i, c);
                if (PQftype(res, c) == PG_BYTEA_OID) {
                    size_t len;
                    unsigned char *raw = PQunescapeBytea((const unsigned char *)v, &len);
                    row[c].p = raw ? copy_bytes(raw, len) : NULL;
                    row[c].len = len;
                    PQfreemem(raw);
                } else {
                    row[c].len = (size_t)PQgetlength(res, i, c);
                    row[c].p = copy_bytes(v, row[c].len);
                }
                if (!row[c].p) {
                    rc = nomem(err);
                    break;
                }
            }
        }
        if (rc)
            store_rows_free(r);
        else
            *rows = r;
    }
    PQclear(res);
    return rc;
}

/* ---- the public face ---- */

int store_sql(struct store *s, const char *sql, const struct store_val *args, int n_args,
              struct store_rows **rows, struct error *err) {
    if (rows) *rows = NULL;
    if (!sql || n_args < 0 || (n_args && !args))
        return error_set(err, ERR_INVALID, "SQL 参数无效", "bad SQL arguments");
    return s->kind == STORE_POSTGRES ? pg_run(s, sql, args, n_args, rows, err)
                                     : sqlite_run(s, sql, args, n_args, rows, err);
}

int store_sql_int(struct store *s, const char *sql, const struct store_val *args, int n_args,
                  int64_t def, int64_t *out, struct error *err) {
    struct store_rows *r;
    int rc = store_sql(s, sql, args, n_args, &r, err);
    if (rc) return rc;
    if (r->n_rows == 0 || r->n_cols == 0) {
        store_rows_free(r);
        return error_set(err, ERR_NOTFOUND, "没有结果", "no row");
    }
    *out = store_rows_is_null(r, 0, 0) ? def : store_rows_int(r, 0, 0);
    store_rows_free(r);
    return 0;
}

int64_t store_sql_changes(struct store *s) {
    return s->sql_changes;
}

/* ---- module migrations ---- */

static int exec_script(struct store *s, const char *script, struct error *err) {
    if (s->kind == STORE_POSTGRES) {
        PGconn *pg = store_pg_handle(s);
        PGresult *res = PQexec(pg, script);
        ExecStatusType st = PQresultStatus(res);
        int rc = 0;
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            rc = error_set(err, ERR_DB, "建表失败:%s", "creating module tables failed: %s",
                           PQerrorMessage(pg));
        PQclear(res);
        return rc;
    }
    sqlite3 *db = store_sqlite_handle(s);
    char *msg = NULL;
    if (sqlite3_exec(db, script, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = error_set(err, ERR_DB, "建表失败:%s", "creating module tables failed: %s",
                           msg ? msg : "?");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

static int n_steps(const struct store_module *m) {
    int n = 0;
    while (m->steps[n])
        n++;
    return n;
}

/* The version each module's tables are at (0 = none), in order of modules[]. */
static int read_versions(struct store *s, int *versions, struct error *err) {
    struct store_rows *r;
    int rc = store_sql(s, "SELECT name, version FROM module_version", NULL, 0, &r, err);
    if (rc) return rc;
    for (int i = 0; modules[i].name; i++) {
        versions[i] = 0;
        for (int k = 0; k < r->n_rows; k++)
            if (strcmp(store_rows_text(r, k, 0), modules[i].name) == 0)
                versions[i] = (int)store_rows_int(r, k, 1);
    }
    store_rows_free(r);
    return 0;
}

static bool all_current(const int *versions) {
    for (int i = 0; modules[i].name; i++)
        if (versions[i] != n_steps(&modules[i])) return false;
    return true;
}

#define N_MODULES_MAX 64
#define MODULES_LOCK_KEY 0x64756a69654dLL /* "dujieM" */

int store_modules_migrate(struct store *s, struct error *err) {
    int versions[N_MODULES_MAX];
    if (sizeof modules / sizeof *modules > N_MODULES_MAX)
        return error_set(err, ERR_RANGE, "模块过多", "too many modules");
    int rc = exec_script(
        s, "CREATE TABLE IF NOT EXISTS module_version (name TEXT PRIMARY KEY, version BIGINT)",
        err);
    if (rc) return rc;
    rc = read_versions(s, versions, err);
    if (rc || all_current(versions)) return rc;
    rc = store_begin(s, err);
    if (rc) return rc;
    if (s->kind == STORE_POSTGRES) {
        struct store_val key = store_val_int(MODULES_LOCK_KEY);
        rc = store_sql(s, "SELECT pg_advisory_xact_lock(?)", &key, 1, NULL, err);
    }
    if (!rc) rc = read_versions(s, versions, err); /* another replica may have migrated */
    struct buf ddl;
    buf_init(&ddl);
    for (int i = 0; !rc && modules[i].name; i++) {
        const struct store_module *m = &modules[i];
        int n = n_steps(m);
        if (versions[i] > n) {
            rc = error_set(err, ERR_UNSUPPORTED, "模块 %s 的表版本 %d 比本程序(%d)新",
                           "module %s tables are at version %d, newer than this build's %d",
                           m->name, versions[i], n);
            break;
        }
        for (int k = versions[i]; !rc && k < n; k++) {
            buf_clear(&ddl);
            store_ddl(s->kind, m->steps[k], &ddl);
            rc = exec_script(s, buf_str(&ddl), err);
            if (rc) error_field(err, m->name);
        }
        if (!rc && versions[i] != n) {
            struct store_val args[] = {store_val_text(m->name), store_val_int(n)};
            rc = store_sql(s,
                           "INSERT INTO module_version (name, version) VALUES (?, ?) "
                           "ON CONFLICT (name) DO UPDATE SET version = excluded.version",
                           args, 2, NULL, err);
        }
    }
    buf_release(&ddl);
    if (rc) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}
