/* Owns the store's public face: picking an implementation from the URI, checking arguments once
 * (USCC valid, page sizes, statuses) and dispatching through struct store_ops. Owns no SQL: that is
 * store_sqlite.c's and store_pg.c's. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"

static bool is_pg_uri(const char *uri) {
    return strncmp(uri, "postgres://", 11) == 0 || strncmp(uri, "postgresql://", 13) == 0;
}

int store_open(const char *uri, struct store **out, struct error *err) {
    *out = NULL;
    if (!uri || !*uri)
        return error_set(err, ERR_INVALID, "未给出数据库路径", "no database path given");
    int rc;
    if (is_pg_uri(uri)) {
        rc = store_pg_open(uri, out, err);
    } else {
        if (strncmp(uri, "sqlite:", 7) == 0) uri += 7;
        rc = store_sqlite_open(uri, out, err);
    }
    if (rc) return rc;
    rc = store_modules_migrate(*out, err);
    /* the change notices of the module tables that feed the search index (store_pg.c) */
    if (!rc && (*out)->kind == STORE_POSTGRES) rc = store_pg_triggers(*out, err);
    if (rc) {
        store_close(*out);
        *out = NULL;
    }
    return rc;
}

const char *store_default_uri(void) {
    const char *env = getenv("DUIJIE_DB");
    return env && *env ? env : "data/duijie.db";
}

void store_close(struct store *s) {
    if (!s) return;
    store_sql_release(s);
    s->ops->close(s);
}

enum store_kind store_kind(const struct store *s) {
    return s->kind;
}

int store_schema_version(struct store *s) {
    return s->ops->schema_version(s);
}

int store_begin(struct store *s, struct error *err) {
    return s->ops->begin(s, err);
}

int store_begin_bulk(struct store *s, struct error *err) {
    return s->ops->begin_bulk(s, err);
}

int store_commit(struct store *s, struct error *err) {
    return s->ops->commit(s, err);
}

int store_rollback(struct store *s) {
    return s->ops->rollback(s);
}

/* ---- enterprises ---- */

/* The code must be valid; r gets its normalised form (full-width folded, upper case, no spaces). */
static int check_uscc(const struct value *u, struct uscc_result *r, struct error *err) {
    if (!u->has || !u->s) {
        error_set(err, ERR_INVALID, "缺少统一社会信用代码", "uscc missing");
        return err ? error_field(err, "uscc") : ERR_INVALID;
    }
    uscc_check(u->s, strlen(u->s), r);
    if (r->is_valid) return 0;
    char zh[320], en[320];
    snprintf(zh, sizeof zh, "统一社会信用代码“%s”无效:%s", u->s, r->error_zh);
    snprintf(en, sizeof en, "uscc \"%s\" is invalid: %s", u->s, r->error_en);
    error_set_text(err, ERR_INVALID, zh, en);
    return err ? error_field(err, "uscc") : ERR_INVALID;
}

/* Stores the normalised code, so " 9137…ab" and "9137…AB" are one enterprise. */
int store_put_enterprise(struct store *s, const struct profile *p, int64_t *id, struct error *err) {
    struct uscc_result r;
    int rc = check_uscc(&p->v[F_USCC], &r, err);
    if (rc) return rc;
    if (strcmp(r.code, p->v[F_USCC].s) == 0) return s->ops->put_enterprise(s, p, id, err);
    struct profile *copy = malloc(sizeof *copy);
    if (!copy) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    *copy = *p;
    copy->v[F_USCC].s = r.code;
    rc = s->ops->put_enterprise(s, copy, id, err);
    free(copy);
    return rc;
}

int store_get_enterprise(struct store *s, const char *uscc, struct profile *p, struct arena *a,
                         int64_t *id, struct error *err) {
    struct uscc_result r; /* look up the code as stored: full-width, lower case, spaces folded */
    uscc_check(uscc, strlen(uscc), &r);
    return s->ops->get_enterprise(s, r.code, p, a, id, err);
}

int store_get_enterprises(struct store *s, const char *const *usccs, int n, struct profile *out,
                          bool *found, struct arena *a, struct error *err) {
    if (s->ops->get_enterprises) return s->ops->get_enterprises(s, usccs, n, out, found, a, err);
    for (int i = 0; i < n; i++) {
        struct error e;
        int rc = s->ops->get_enterprise(s, usccs[i], &out[i], a, NULL, &e);
        found[i] = rc == 0;
        if (rc && rc != ERR_NOTFOUND) {
            *err = e;
            return rc;
        }
    }
    return 0;
}

int64_t store_count_enterprises(struct store *s) {
    return s->ops->count_enterprises(s);
}

int store_list_enterprises(struct store *s, const struct enterprise_query *q, struct arena *a,
                           struct enterprise_list *out, struct error *err) {
    memset(out, 0, sizeof *out);
    if (q->page < 1 || q->page_size < 1 || q->page_size > 200)
        return error_set(err, ERR_RANGE, "页码须 ≥ 1,每页 1–200 条",
                         "page must be >= 1 and page_size 1..200");
    if (q->size > SIZE_MICRO)
        return error_set(err, ERR_RANGE, "企业规模取值无效", "size out of range");
    return s->ops->list_enterprises(s, q, a, out, err);
}

int store_scan_enterprises(struct store *s, store_enterprise_cb cb, void *ctx, struct error *err) {
    return s->ops->scan_enterprises(s, cb, ctx, err);
}

/* ---- policies and clauses ---- */

static int check_status(int status, struct error *err) {
    if (status < POLICY_DRAFT || status > POLICY_EXPIRED)
        return error_set(err, ERR_RANGE, "状态取值无效:%d", "status out of range: %d", status);
    return 0;
}

int store_put_policy(struct store *s, struct policy *p, struct error *err) {
    if (!p->code || !*p->code || !p->title || !*p->title)
        return error_set(err, ERR_INVALID, "政策须有编号与标题",
                         "a policy needs a code and a title");
    int rc = check_status(p->status, err);
    return rc ? rc : s->ops->put_policy(s, p, err);
}

int store_get_policy(struct store *s, int64_t id, struct policy *p, struct arena *a,
                     struct error *err) {
    return s->ops->get_policy(s, id, p, a, err);
}

int store_list_policies(struct store *s, int status, struct arena *a, struct policy **out, int *n,
                        struct error *err) {
    *out = NULL;
    *n = 0;
    int rc = status == -1 ? 0 : check_status(status, err);
    return rc ? rc : s->ops->list_policies(s, status, a, out, n, err);
}

int store_set_policy_status(struct store *s, int64_t id, int status, struct error *err) {
    int rc = check_status(status, err);
    return rc ? rc : s->ops->set_policy_status(s, id, status, err);
}

int store_put_clause(struct store *s, struct clause *c, struct error *err) {
    if (c->policy_id <= 0 || c->seq < 1 || c->version < 1)
        return error_set(err, ERR_INVALID, "条款须属于某政策,序号与版本 ≥ 1",
                         "a clause needs a policy, seq >= 1 and version >= 1");
    int rc = check_status(c->status, err);
    return rc ? rc : s->ops->put_clause(s, c, err);
}

int store_get_clause(struct store *s, int64_t id, struct clause *c, struct arena *a,
                     struct error *err) {
    return s->ops->get_clause(s, id, c, a, err);
}

int store_list_clauses(struct store *s, int64_t policy_id, int status, struct arena *a,
                       struct clause **out, int *n, struct error *err) {
    *out = NULL;
    *n = 0;
    int rc = status == -1 ? 0 : check_status(status, err);
    return rc ? rc : s->ops->list_clauses(s, policy_id, status, a, out, n, err);
}

int store_set_clause_status(struct store *s, int64_t id, int status, struct error *err) {
    int rc = check_status(status, err);
    return rc ? rc : s->ops->set_clause_status(s, id, status, err);
}

int64_t store_count_clauses(struct store *s) {
    return s->ops->count_clauses(s);
}

int store_watch_new(const char *uri, struct store_watch **out, struct error *err) {
    *out = NULL;
    if (!uri || !is_pg_uri(uri))
        return error_set(err, ERR_UNSUPPORTED, "仅 PostgreSQL 存储可订阅变更",
                         "only a PostgreSQL store has change notices");
    return store_pg_watch_new(uri, out, err);
}
