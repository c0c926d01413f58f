/* Private to src/store: what store_sqlite.c and store_pg.c share — the core tables' migrations
 * (one DDL text, with the words each database spells its own way), of the policy and clause
 * tables and of the enterprise list's filters the statements' SQL text (written once, with SQLite's
 * numbered ?N placeholders; store_pg.c writes them as $N), the values a put binds in column order,
 * reading a row back through a column reader, the list's text filter and the region cache. Each
 * store keeps only its driver calls. Not a public header. */
#ifndef DUIJIE_STORE_BIND_H
#define DUIJIE_STORE_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* The migrations of the core tables (enterprise, policy, clause): index k brings the schema from
 * version k to k + 1; write each with store_ddl before running it. */
extern const char *const store_core_migrations[STORE_SCHEMA_VERSION];

/* DDL written for a store: {ID} an auto-numbered BIGINT primary key, {INT} a 64-bit integer
 * (INTEGER / BIGINT), {TEXT_C} text compared bytewise (TEXT / TEXT COLLATE "C"), {BLOB} bytes
 * (BLOB / BYTEA), {NO_ROWID} a SQLite table WITHOUT ROWID (nothing on PostgreSQL). Appends to b.
 */
void store_ddl(enum store_kind kind, const char *ddl, struct buf *b);

/* The policy and clause statements, in this order at the end of each store's statement list. */
enum store_pc_stmt {
    PC_PUT_POLICY,
    PC_GET_POLICY,
    PC_LIST_POLICIES,
    PC_SET_POLICY_STATUS,
    PC_INSERT_CLAUSE,
    PC_UPDATE_CLAUSE, /* the clause's values, then its id as ?15 */
    PC_GET_CLAUSE,
    PC_LIST_CLAUSES,
    PC_SET_CLAUSE_STATUS,
    PC_COUNT_CLAUSES,
    PC_COUNT
};

extern const char *const store_pc_sql[PC_COUNT];

#define STORE_POLICY_VALS 11
#define STORE_CLAUSE_VALS 14

/* The values PC_PUT_POLICY binds (?1 … ?11), now being the updated_at time. Text points into p. */
void store_policy_vals(const struct policy *p, int64_t now, struct store_val v[STORE_POLICY_VALS]);
/* The values PC_INSERT_CLAUSE and PC_UPDATE_CLAUSE bind (?1 … ?14). Text points into c. */
void store_clause_vals(const struct clause *c, int64_t now, struct store_val v[STORE_CLAUSE_VALS]);

/* One row of a result as each driver reads it (a stepped sqlite3_stmt, a PGresult's row). text
 * gives NULL for SQL NULL; its text lives until the row is left. */
struct store_cols {
    const void *src;
    int row;
    bool (*is_null)(const struct store_cols *c, int col);
    int64_t (*int_at)(const struct store_cols *c, int col);
    const char *(*text)(const struct store_cols *c, int col);
};

/* p from a row of PC_GET_POLICY / PC_LIST_POLICIES; text copied into a. */
void store_read_policy(const struct store_cols *c, struct policy *p, struct arena *a);
/* cl from a row of PC_GET_CLAUSE / PC_LIST_CLAUSES; text copied into a. */
void store_read_clause(const struct store_cols *c, struct clause *cl, struct arena *a);

/* The enterprise list's q: when it reads as the start of a USCC (a digit, then only USCC
 * characters, any case) true with [lo, hi) the range of codes that start with it (one index
 * range); otherwise false with lo = "%q%" for the name and hi = "q%" for the USCC, LIKE
 * wildcards in q escaped with a backslash. */
bool store_q_patterns(const char *q, char lo[256], char hi[256]);

/* A direct-mapped cache of region codes → refdata indexes: a scan meets the same few hundred
 * towns millions of times. Zeroed = empty. */
#define STORE_REGION_CACHE 1021
struct store_region_cache {
    struct {
        int64_t code; /* 0 = empty */
        int idx;
    } slot[STORE_REGION_CACHE];
};

/* region_by_code(code) through the cache. */
int store_region_cached(struct store_region_cache *c, int64_t code);

#endif
