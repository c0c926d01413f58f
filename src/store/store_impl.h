/* Private to src/store: the table of operations each implementation (store_sqlite.c,
 * store_pg.c) provides. store.c checks arguments once and dispatches through it, so no caller and
 * no implementation repeats the checks. Not a public header: only src/store includes it. */
#ifndef DUIJIE_STORE_IMPL_H
#define DUIJIE_STORE_IMPL_H

#include "store/store.h"

struct store_ops {
    void (*close)(struct store *s);
    int (*schema_version)(struct store *s);
    int (*begin)(struct store *s, struct error *err);
    int (*begin_bulk)(struct store *s, struct error *err);
    int (*commit)(struct store *s, struct error *err);
    int (*rollback)(struct store *s);

    int (*put_enterprise)(struct store *s, const struct profile *p, int64_t *id, struct error *err);
    int (*get_enterprise)(struct store *s, const char *uscc, struct profile *p, struct arena *a,
                          int64_t *id, struct error *err);
    /* optional (NULL: store.c calls get_enterprise for each) */
    int (*get_enterprises)(struct store *s, const char *const *usccs, int n, struct profile *out,
                           bool *found, struct arena *a, struct error *err);
    int64_t (*count_enterprises)(struct store *s);
    int (*list_enterprises)(struct store *s, const struct enterprise_query *q, struct arena *a,
                            struct enterprise_list *out, struct error *err);
    int (*scan_enterprises)(struct store *s, store_enterprise_cb cb, void *ctx, struct error *err);

    int (*put_policy)(struct store *s, struct policy *p, struct error *err);
    int (*get_policy)(struct store *s, int64_t id, struct policy *p, struct arena *a,
                      struct error *err);
    int (*list_policies)(struct store *s, int status, struct arena *a, struct policy **out, int *n,
                         struct error *err);
    int (*set_policy_status)(struct store *s, int64_t id, int status, struct error *err);
    int (*put_clause)(struct store *s, struct clause *c, struct error *err);
    int (*get_clause)(struct store *s, int64_t id, struct clause *c, struct arena *a,
                      struct error *err);
    int (*list_clauses)(struct store *s, int64_t policy_id, int status, struct arena *a,
                        struct clause **out, int *n, struct error *err);
    int (*set_clause_status)(struct store *s, int64_t id, int status, struct error *err);
    int64_t (*count_clauses)(struct store *s);
};

/* Every implementation's handle starts with this. */
struct store {
    const struct store_ops *ops;
    enum store_kind kind;
    struct sql_cache *sql; /* owned by store_sql.c: prepared statements of store_sql (SQLite) */
    int64_t sql_changes;   /* rows changed by the last store_sql */
};

int store_sqlite_open(const char *path, struct store **out, struct error *err);
int store_pg_open(const char *uri, struct store **out, struct error *err);

/* The connection under a store, for store_sql.c (void * so this header needs neither library). */
void *store_sqlite_handle(struct store *s);
void *store_pg_handle(struct store *s);
/* store_sql.c: creates or migrates every module's tables (called by store_open); frees the
 * statement cache (called by store_close before the connection closes). */
int store_modules_migrate(struct store *s, struct error *err);
void store_sql_release(struct store *s);

/* The NOTIFY channel of store_pg.c's triggers, which store_pg_watch.c LISTENs on. */
#define STORE_PG_CHANNEL "duijie_change"
/* store_pg.c: (re)creates the change-notice triggers of the module tables that exist now (and the
 * core tables' when older), under the migration lock; nothing on a standby. Called by store_open
 * after store_modules_migrate. */
int store_pg_triggers(struct store *s, struct error *err);
int store_pg_watch_new(const char *uri, struct store_watch **out, struct error *err);

#endif
