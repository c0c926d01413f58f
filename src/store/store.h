/* The storage interface. One header, two implementations behind it: store_sqlite.c (embedded, the
 * default) and, later, store_pg.c (PostgreSQL for many replicas). Callers never see SQL dialects.
 * Schema migrations carry a version number; every write that must be all-or-nothing runs in one
 * transaction. The enterprise table layout is documented in docs/STORE.md. */
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

/* Opens (creating if needed) and migrates: "data/duijie.db", "sqlite:PATH", "postgres://…". */
int store_open(const char *uri, struct store **out, struct error *err);
void store_close(struct store *s);
enum store_kind store_kind(const struct store *s);
int store_schema_version(struct store *s);

int store_begin(struct store *s, struct error *err);
int store_commit(struct store *s, struct error *err);
int store_rollback(struct store *s);

/* ---- enterprises ---- */

/* Inserts or updates by USCC (p->v[F_USCC] must be set and valid); the profile's history years are
 * stored too, and derived size columns recomputed. *id (if not NULL) gets the row id. */
int store_put_enterprise(struct store *s, const struct profile *p, int64_t *id, struct error *err);
/* Loads one enterprise by USCC; text values are copied into a. ERR_NOTFOUND when absent. */
int store_get_enterprise(struct store *s, const char *uscc, struct profile *p, struct arena *a,
                         int64_t *id, struct error *err);
int64_t store_count_enterprises(struct store *s);

struct enterprise_query {
    const char *q; /* substring of name or USCC prefix; NULL = any */
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
 * is reused between calls; text values live until cb returns. A non-zero return from cb stops. */
typedef int (*store_enterprise_cb)(void *ctx, int64_t id, const struct profile *p);
int store_scan_enterprises(struct store *s, store_enterprise_cb cb, void *ctx, struct error *err);

#endif
