/* The storage interface. One header, two implementations behind it: store_sqlite.c (embedded, the
 * default) and store_pg.c (PostgreSQL, for many replicas on one database). Callers never see SQL
 * dialects. Schema migrations carry a version number; every write that must be all-or-nothing runs
 * in one transaction. The enterprise table layout is documented in docs/STORE.md. */
#ifndef DUIJIE_STORE_H
#define DUIJIE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enterprise/enterprise.h"
#include "util/arena.h"
#include "util/error.h"

struct store;

enum store_kind { STORE_SQLITE, STORE_POSTGRES };

/* The schema version this build creates and reads (docs/STORE.md); an older file is migrated on
 * open, a newer one is refused. */
#define STORE_SCHEMA_VERSION 3

/* Opens (creating if needed) and migrates: "data/duijie.db", "sqlite:PATH", "postgres://…". */
int store_open(const char *uri, struct store **out, struct error *err);
/* The database the commands use when no --db is given: $DUIJIE_DB, else "data/duijie.db". */
const char *store_default_uri(void);
void store_close(struct store *s);
enum store_kind store_kind(const struct store *s);
int store_schema_version(struct store *s);

/* One explicit transaction at a time (ERR_CONFLICT when one is open). Writes outside it are each
 * their own transaction; a write that fails inside it is undone alone (a savepoint), and
 * store_rollback undoes everything since store_begin. */
int store_begin(struct store *s, struct error *err);
/* store_begin for loading many enterprises: the enterprise table's secondary indexes are dropped
 * and rebuilt by store_commit inside the same transaction (a rollback restores them), and when no
 * other connection is open the load runs with a rollback journal instead of WAL (each page written
 * once). Writes skip their savepoints, so after a failed write only store_rollback is left (commit
 * refuses). Worth it when the load is comparable to the table's size (a first import, demo). */
int store_begin_bulk(struct store *s, struct error *err);
int store_commit(struct store *s, struct error *err);
int store_rollback(struct store *s);

/* ---- enterprises ---- */

/* Inserts or updates by USCC (p->v[F_USCC] must be set and valid; it is stored normalised); the
 * profile's history years are stored too, and the derived columns (size, 3-year sums) recomputed.
 * A fiscal_year of 0 is stored as the year before today. *id (if not NULL) gets the row id. */
int store_put_enterprise(struct store *s, const struct profile *p, int64_t *id, struct error *err);
/* Loads one enterprise by USCC (normalised first: " 9137…ab" finds 9137…AB) with its history years
 * and the stored size; text values are copied into a. Other derived fields are profile_derive's
 * (they depend on the date). ERR_NOTFOUND when absent. */
int store_get_enterprise(struct store *s, const char *uscc, struct profile *p, struct arena *a,
                         int64_t *id, struct error *err);
/* Loads n enterprises by USCC as stored (index_row_uscc's; not normalised) into out[0..n),
 * found[i] saying whether usccs[i] exists; text copied into a. On PostgreSQL two statements for
 * all of them (a page of a list), elsewhere one get each. */
int store_get_enterprises(struct store *s, const char *const *usccs, int n, struct profile *out,
                          bool *found, struct arena *a, struct error *err);
int64_t store_count_enterprises(struct store *s);

struct enterprise_query {
    const char *q; /* the start of a USCC (any case), else a substring of the name; NULL = any */
    int region;    /* refdata region index (matches it and everything within); -1 = any */
    int industry;  /* refdata industry index (any level); -1 = any */
    int size;      /* enum size_class; -1 = any */
    int page;      /* 1-based */
    int page_size; /* rows per page (1..200) */
};

struct enterprise_row {
    int64_t id;
    char uscc[20];
    const char *name; /* in the list's arena */
    int region;       /* refdata index or -1 */
    int industry;     /* refdata index or -1 */
    int size;         /* enum size_class or -1 */
};

struct enterprise_list {
    struct enterprise_row *rows; /* in the arena given to store_list_enterprises */
    int n;
    int64_t total; /* rows matching the query, all pages */
};

int store_list_enterprises(struct store *s, const struct enterprise_query *q, struct arena *a,
                           struct enterprise_list *out, struct error *err);

/* Calls cb for every enterprise in id order (for building the in-memory index). The profile passed
 * is reused between calls; text values live until cb returns. A non-zero return from cb stops.
 * For speed it reads the enterprise table only: current values, the stored size, rd_expense_3y and
 * revenue_3y, and hist[0] revenue (for revenue_growth); the rest of the history is
 * store_get_enterprise's. profile_derive on it gives the same derived values as on a full get. */
typedef int (*store_enterprise_cb)(void *ctx, int64_t id, const struct profile *p);
int store_scan_enterprises(struct store *s, store_enterprise_cb cb, void *ctx, struct error *err);

/* ---- policies and clauses (the clause store; tables in docs/STORE.md) ---- */

#define STORE_NO_DATE INT32_MIN /* a date that is not set (NULL in the table) */

enum policy_status { POLICY_DRAFT = 0, POLICY_PUBLISHED, POLICY_EXPIRED };

/* Strings are borrowed on put and copied into the caller's arena on get/list. */
struct policy {
    int64_t id;             /* 0 on put = new; the row id after */
    const char *code;       /* stable external key ("QDKJ-2025-03"), unique; put updates by it */
    const char *doc_no;     /* 文号: 青科规〔2025〕3号 */
    const char *title;      /* 青岛市关于加快高新技术企业培育发展的若干措施 */
    const char *department; /* 青岛市科学技术局 */
    const char *level;      /* 国家/省/市/区 */
    int region;             /* refdata index of the issuing area, -1 = none */
    int32_t published;      /* 发布日期, STORE_NO_DATE when unknown */
    int32_t deadline;       /* 申报截止, STORE_NO_DATE when none */
    int status;             /* enum policy_status */
    const char *source;     /* the policy's text as published (may be NULL) */
};

struct clause {
    int64_t id;        /* 0 on put = new (or the row with the same policy, seq and version) */
    int64_t policy_id; /* must exist */
    int seq;           /* position within the policy, 1-based */
    const char *title; /* 高企认定奖励 */
    const char *text;  /* the clause as written */
    const char *rule;  /* rule source in the rule language */
    const char *kind;  /* 奖励/补助/贴息/… (may be NULL) */
    bool is_exempt;    /* 免申即享: paid without application */
    int version;       /* 1, 2, …: a changed rule is a new version */
    int32_t valid_from, valid_to, deadline; /* STORE_NO_DATE when open */
    int status;                             /* enum policy_status */
    int64_t award_cap_fen;                  /* the most one enterprise can get; -1 = unknown */
};

int store_put_policy(struct store *s, struct policy *p, struct error *err);
int store_get_policy(struct store *s, int64_t id, struct policy *p, struct arena *a,
                     struct error *err);
/* status -1 = any. Rows in id order, in arena a. */
int store_list_policies(struct store *s, int status, struct arena *a, struct policy **out, int *n,
                        struct error *err);
int store_set_policy_status(struct store *s, int64_t id, int status, struct error *err);

/* Inserts (id 0) or updates (id set, or same policy/seq/version). c->id gets the row id. */
int store_put_clause(struct store *s, struct clause *c, struct error *err);
int store_get_clause(struct store *s, int64_t id, struct clause *c, struct arena *a,
                     struct error *err);
/* policy_id 0 = all policies; status -1 = any. Rows in id order, in arena a. */
int store_list_clauses(struct store *s, int64_t policy_id, int status, struct arena *a,
                       struct clause **out, int *n, struct error *err);
int store_set_clause_status(struct store *s, int64_t id, int status, struct error *err);
int64_t store_count_clauses(struct store *s);

/* ---- module tables: portable SQL for the modules that own tables of their own ----
 *
 * A module (auth, workflow, notify, dock …) keeps its tables' DDL next to its code and lists itself
 * in src/store/modules.def; store_open creates or migrates every module's tables (each module has
 * its own version in the table module_version) in one transaction, under PostgreSQL's advisory
 * lock so only one replica migrates. The SQL is written once for both stores:
 *   - placeholders are `?` (turned into $1, $2 … for PostgreSQL);
 *   - integers are BIGINT (PostgreSQL's INTEGER is 32 bits), money BIGINT fen, dates BIGINT days
 *     or seconds, text TEXT; `{ID}` in DDL is an auto-numbered BIGINT primary key and `{BLOB}` a
 *     byte column (BLOB / BYTEA);
 *   - ON CONFLICT … DO UPDATE, INSERT … RETURNING id, LIMIT/OFFSET, CTEs work on both.
 * See docs/STORE.md. */

enum store_val_type { STORE_VAL_NULL, STORE_VAL_INT, STORE_VAL_TEXT, STORE_VAL_BLOB };

struct store_val {
    enum store_val_type type;
    int64_t i;
    const char *s; /* text (NUL-terminated) or bytes */
    size_t len;    /* bytes of a blob */
};

static inline struct store_val store_val_null(void) {
    return (struct store_val){.type = STORE_VAL_NULL};
}
static inline struct store_val store_val_int(int64_t v) {
    return (struct store_val){.type = STORE_VAL_INT, .i = v};
}
/* NULL text binds SQL NULL. */
static inline struct store_val store_val_text(const char *s) {
    return s ? (struct store_val){.type = STORE_VAL_TEXT, .s = s}
             : (struct store_val){.type = STORE_VAL_NULL};
}
static inline struct store_val store_val_blob(const void *p, size_t len) {
    return (struct store_val){.type = STORE_VAL_BLOB, .s = (const char *)p, .len = len};
}

/* A statement's result, read whole (keep queries paged). */
struct store_rows;

/* Runs one statement with its arguments. rows may be NULL for statements whose rows are not
 * wanted; otherwise *rows receives the result (free it with store_rows_free). A constraint
 * violation is ERR_CONFLICT; other failures ERR_DB with the database's message. */
int store_sql(struct store *s, const char *sql, const struct store_val *args, int n_args,
              struct store_rows **rows, struct error *err);
/* The first column of the first row as an integer (COUNT, SUM, RETURNING id …); ERR_NOTFOUND when
 * there is no row; a NULL value gives def. */
int store_sql_int(struct store *s, const char *sql, const struct store_val *args, int n_args,
                  int64_t def, int64_t *out, struct error *err);
/* Rows changed by the last INSERT/UPDATE/DELETE run by store_sql on this connection. */
int64_t store_sql_changes(struct store *s);

int store_rows_count(const struct store_rows *r);
int store_rows_columns(const struct store_rows *r);
/* The column's name (lower case as the database gives it). */
const char *store_rows_name(const struct store_rows *r, int col);
bool store_rows_is_null(const struct store_rows *r, int row, int col);
/* 0 for NULL or a non-number. */
int64_t store_rows_int(const struct store_rows *r, int row, int col);
/* "" for NULL; valid until store_rows_free. */
const char *store_rows_text(const struct store_rows *r, int row, int col);
const void *store_rows_blob(const struct store_rows *r, int row, int col, size_t *len);
void store_rows_free(struct store_rows *r);

/* A module's migrations: steps[k] brings its tables from version k to k + 1 (several statements
 * separated by `;` allowed, no placeholders); the array ends with NULL. */
struct store_module {
    const char *name;
    const char *const *steps;
};

/* ---- change notices (many replicas on one PostgreSQL database) ---- */

/* Follows every committed write to the enterprise, policy and clause tables, from any connection
 * of any replica: a thread holds one connection that LISTENs, and store_watch_version moves on
 * each notice, and also when a lost connection is back (changes in between went unheard). While
 * the connection is lost store_watch_is_connected is false and the thread reconnects every
 * second. PostgreSQL only: for SQLite (one machine) ERR_UNSUPPORTED. */
struct store_watch;
int store_watch_new(const char *uri, struct store_watch **out, struct error *err);
void store_watch_free(struct store_watch *w);
uint64_t store_watch_version(const struct store_watch *w);
bool store_watch_is_connected(const struct store_watch *w);
/* The next notice's payload (malloc'd; the caller frees it), oldest first, waiting up to
 * timeout_ms: 1 with one, 0 when none came or the watch is stopping. Payloads are the triggers'
 * (store_pg.c: "policy", "clause", "enterprise put|del USCC …", "enterprise all"), and "*" after
 * (re)connecting or when too many were waiting: anything may have changed. */
int store_watch_next(struct store_watch *w, int timeout_ms, char **payload);
/* Wakes store_watch_next's waiters for good (before the reader's thread is joined). */
void store_watch_stop(struct store_watch *w);

/* ---- read replicas (PostgreSQL streaming replication; store_read.c) ----
 *
 * A hot standby answers reads only. `duijie serve --db-read` keeps a second pool of connections on
 * it; which requests may use it is decided in one place, src/http/replica.c (docs/DEPLOY.md). WAL
 * positions travel as PostgreSQL prints them ("0/3016F0"). */

#define STORE_LSN_MAX 32 /* room for a WAL position as text, NUL included */

/* Opens a connection to a standby for reads: no migrations (it is read-only). When lsn is given,
 * first waits up to wait_ms for the standby to have replayed the primary's WAL up to it (so the
 * tables the primary's servers migrated are there). ERR_UNSUPPORTED for a URI that is not
 * postgres://. A URI naming a primary works too (every position it has written counts as
 * replayed). */
int store_open_read(const char *uri, const char *lsn, int wait_ms, struct store **out,
                    struct error *err);
/* The server's WAL position: the primary's current write position, a standby's replay position. */
int store_wal_lsn(struct store *s, char *out, size_t cap, struct error *err);
/* 1 when the server has replayed (or, being a primary, written) the WAL up to lsn, 0 when not yet,
 * negative on error. */
int store_replayed(struct store *s, const char *lsn, struct error *err);
bool store_lsn_is_valid(const char *lsn);

struct store_replica_status {
    bool is_standby;                /* in recovery (a streaming replica) */
    char replay_lsn[STORE_LSN_MAX]; /* "" on a primary */
    int64_t lag_ms; /* now − the last replayed transaction's commit time; -1 when unknown. Grows
                       while the primary is idle: read it with the bytes behind */
};
int store_replica_status(struct store *s, struct store_replica_status *st, struct error *err);
/* Bytes of WAL the primary has written past lsn (a standby's replay position), 0 when none. */
int store_wal_bytes_behind(struct store *primary, const char *lsn, int64_t *out, struct error *err);

#endif
