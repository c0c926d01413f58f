/* Owns the enterprise endpoints: GET /api/enterprises (search with region, industry and size
 * filters, paged), GET /api/enterprises/{uscc} (the profile with derived fields and their
 * explanations) and POST /api/enterprises (validated per field, then stored by USCC). Reads and
 * writes through store.h on the request's pooled connection; validation is enterprise.h's. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enterprise/enterprise.h"
#include "http/internal.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"

/* A 400 naming the query argument; returns -1 for the caller to pass on. */
static int bad_filter(struct http_response *res, const char *field, struct error *err) {
    error_field(err, field);
    http_reply_err(res, 400, err);
    return -1;
}

/* 大型/中型/小型/微型, large/medium/small/micro, or 0..3; -1 when unknown. */
static int size_from_text(const char *s) {
    static const char *en[] = {"large", "medium", "small", "micro"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, en[i]) == 0 || (s[0] == '0' + i && !s[1])) return i;
    return schema_value_index(schema_field(F_SIZE), s, strlen(s));
}

static json_t *region_json(int idx) {
    if (idx < 0) return json_null();
    char path[256];
    json_t *o = json_object();
    json_object_set_new(o, "code", json_integer(region_at(idx)->code));
    json_object_set_new(o, "name", json_string(region_at(idx)->name));
    json_object_set_new(o, "path", json_string(region_path(idx, path, sizeof path)));
    return o;
}

static json_t *industry_json(int idx) {
    if (idx < 0) return json_null();
    const struct industry *d = industry_at(idx);
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(d->code));
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "section", json_string(industry_at(d->section)->code));
    return o;
}

static json_t *size_json(int size) {
    const struct field_def *f = schema_field(F_SIZE);
    return size >= 0 && size < schema_value_count(f) ? json_string(f->values[size]) : json_null();
}

static int parse_list_query(struct http_request *req, struct enterprise_query *q,
                            struct http_response *res) {
    int64_t page, page_size;
    if (http_query_int(req, "page", 1, 1, 1000000, &page, res) < 0 ||
        http_query_int(req, "page_size", 20, 1, 200, &page_size, res) < 0)
        return -1;
    q->page = (int)page;
    q->page_size = (int)page_size;
    q->region = q->industry = q->size = -1;
    const char *s = http_query(req, "q");
    q->q = s && *s ? s : NULL;
    struct error err;
    error_clear(&err);
    if ((s = http_query(req, "region")) && *s) {
        q->region = region_find(s, strlen(s), &err);
        if (q->region < 0) return bad_filter(res, "region", &err);
    }
    if ((s = http_query(req, "industry")) && *s) {
        bool is_fallback = false;
        q->industry = industry_find(s, strlen(s), &is_fallback, &err);
        if (q->industry < 0) return bad_filter(res, "industry", &err);
    }
    if ((s = http_query(req, "size")) && *s) {
        q->size = size_from_text(s);
        if (q->size < 0) {
            error_set(&err, ERR_INVALID, "企业规模“%s”无效,应为 大型/中型/小型/微型",
                      "size \"%s\" is not one of large/medium/small/micro", s);
            return bad_filter(res, "size", &err);
        }
    }
    return 0;
}

static void list(struct http_request *req, struct http_response *res) {
    struct enterprise_query q;
    if (parse_list_query(req, &q, res) < 0 || http_scope_region(req, &q.region, res) < 0) return;
    struct store *st = http_store(req, res);
    if (!st) return;
    struct enterprise_list out;
    struct error err;
    error_clear(&err);
    if (store_list_enterprises(st, &q, http_arena(req), &out, &err) < 0) {
        http_reply_err(res, 0, &err);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < out.n; i++) {
        const struct enterprise_row *r = &out.rows[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(r->id));
        json_object_set_new(o, "uscc", json_string(r->uscc));
        json_object_set_new(o, "name", r->name ? json_string(r->name) : json_null());
        json_object_set_new(o, "region", region_json(r->region));
        json_object_set_new(o, "industry", industry_json(r->industry));
        json_object_set_new(o, "size", size_json(r->size));
        json_array_append_new(items, o);
    }
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer(out.total));
    json_object_set_new(o, "page", json_integer(q.page));
    json_object_set_new(o, "page_size", json_integer(q.page_size));
    json_object_set_new(o, "items", items);
    http_reply_json(res, 200, o);
}

/* The evaluation date for derived fields: ?date=YYYY-MM-DD, else today (UTC+8). */
static int eval_date(struct http_request *req, int32_t *today, struct http_response *res) {
    const char *s = http_query(req, "date");
    *today = date_today();
    if (!s || !*s) return 0;
    struct error err;
    error_clear(&err);
    if (date_parse(s, strlen(s), today, &err) < 0) return bad_filter(res, "date", &err);
    return 0;
}

/* The profile as the API shows it: derived fields computed for `today`, with explanations. */
static json_t *profile_out(struct profile *p, int64_t id, int32_t today) {
    struct derive_explain *ex = calloc(1, sizeof *ex);
    profile_derive(p, today, ex);
    json_t *o = profile_to_json(p, ex);
    free(ex);
    char buf[16];
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "evaluated_on", json_string(date_format(today, buf, sizeof buf)));
    return o;
}

static void get_one(struct http_request *req, struct http_response *res) {
    const char *raw = http_param(req, "uscc");
    struct uscc_result u;
    uscc_check(raw, strlen(raw), &u);
    if (!u.is_valid) {
        json_t *e = http_error_json("invalid", u.error_zh, u.error_en);
        json_object_set_new(json_object_get(e, "error"), "field", json_string("uscc"));
        http_reply_json(res, 400, e);
        return;
    }
    const struct actor *who = http_actor(req);
    if (who->role == ROLE_ENTERPRISE && !auth_sees_enterprise(who, u.code, -1)) {
        http_reply_forbidden(res); /* before the store: not even whether it exists */
        return;
    }
    int32_t today;
    if (eval_date(req, &today, res) < 0) return;
    struct store *st = http_store(req, res);
    if (!st) return;
    struct profile *p = arena_alloc(http_arena(req), sizeof *p);
    if (!p) {
        http_reply_error(res, 500, "nomem", "内存不足", "out of memory");
        return;
    }
    profile_clear(p);
    int64_t id = 0;
    struct error err;
    error_clear(&err);
    if (store_get_enterprise(st, u.code, p, http_arena(req), &id, &err) < 0) {
        if (err.code == ERR_NOTFOUND)
            http_reply_error(res, 404, "not_found", "没有这家企业", "no such enterprise");
        else
            http_reply_err(res, 0, &err);
        return;
    }
    if (!auth_sees_enterprise(who, u.code, p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1)) {
        http_reply_forbidden(res);
        return;
    }
    http_reply_json(res, 200, profile_out(p, id, today));
}

static void add_field_error(json_t *arr, const char *field, const char *zh, const char *en) {
    json_t *o = json_object();
    json_object_set_new(o, "field", json_string(field));
    json_object_set_new(o, "zh", json_string(zh));
    json_object_set_new(o, "en", json_string(en));
    json_array_append_new(arr, o);
}

/* USCC and name are required; the USCC is checked (GB 32100) and stored normalised. */
static void check_required(struct profile *p, struct arena *a, json_t *errors) {
    struct value *u = &p->v[F_USCC];
    if (!u->has || !u->s || !*u->s) {
        add_field_error(errors, "uscc", "缺少统一社会信用代码", "uscc is required");
    } else {
        struct uscc_result r;
        uscc_check(u->s, strlen(u->s), &r);
        if (!r.is_valid)
            add_field_error(errors, "uscc", r.error_zh, r.error_en);
        else
            u->s = arena_strdup(a, r.code);
    }
    if (!p->v[F_NAME].has || !p->v[F_NAME].s || !*p->v[F_NAME].s)
        add_field_error(errors, "name", "缺少企业名称", "name is required");
}

static int region_of(const struct profile *p) {
    return p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
}

/* Whether the actor may write this profile: its own enterprise, or one in its region both as
 * stored (when it exists) and as written (no moving an enterprise out of, or into, another
 * district). Fills res with 403 when not. */
static bool may_write(struct http_request *req, struct store *st, const struct profile *p,
                      struct http_response *res) {
    const struct actor *who = http_actor(req);
    const char *uscc = p->v[F_USCC].s;
    bool ok = auth_sees_enterprise(who, uscc, region_of(p));
    if (ok && who->role != ROLE_ENTERPRISE && who->region >= 0) {
        struct profile *old = arena_alloc(http_arena(req), sizeof *old);
        struct error err;
        error_clear(&err);
        if (!old) {
            http_reply_error(res, 500, "nomem", "内存不足", "out of memory");
            return false;
        }
        profile_clear(old);
        if (store_get_enterprise(st, uscc, old, http_arena(req), NULL, &err) == 0)
            ok = auth_sees_enterprise(who, uscc, region_of(old));
        else if (err.code != ERR_NOTFOUND) {
            http_reply_err(res, 0, &err);
            return false;
        }
    }
    if (!ok) http_reply_forbidden(res);
    return ok;
}

static void create(struct http_request *req, struct http_response *res) {
    json_t *body = http_body_json(req, res);
    if (!body) return;
    struct profile *p = arena_alloc(http_arena(req), sizeof *p);
    struct field_errors *errs = arena_alloc(http_arena(req), sizeof *errs);
    if (!p || !errs) {
        json_decref(body);
        http_reply_error(res, 500, "nomem", "内存不足", "out of memory");
        return;
    }
    profile_clear(p);
    profile_from_json(p, body, http_arena(req), errs);
    json_decref(body);
    json_t *errors = json_array();
    for (int i = 0; i < errs->n; i++)
        add_field_error(errors, errs->items[i].field, errs->items[i].zh, errs->items[i].en);
    check_required(p, http_arena(req), errors);
    size_t n_bad = json_array_size(errors) + (size_t)(errs->n_total - errs->n);
    if (n_bad) {
        char zh[120], en[120];
        snprintf(zh, sizeof zh, "有 %zu 处填写有误", n_bad);
        snprintf(en, sizeof en, "%zu values are invalid", n_bad);
        json_t *e = http_error_json("invalid", zh, en);
        json_object_set_new(json_object_get(e, "error"), "fields", errors);
        http_reply_json(res, 422, e);
        return;
    }
    json_decref(errors);
    struct store *st = http_store(req, res);
    if (!st || !may_write(req, st, p, res)) return;
    int64_t id = 0;
    struct error err;
    error_clear(&err);
    if (store_put_enterprise(st, p, &id, &err) < 0) {
        http_reply_err(res, 0, &err);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/api/enterprises/%s", p->v[F_USCC].s);
    http_reply_json(res, 201, profile_out(p, id, date_today()));
    http_add_header(res, "Location", loc);
}

void http_routes_enterprise(struct http_router *r) {
    http_route(r, "GET", "/api/enterprises", list, 0);
    http_route(r, "GET", "/api/enterprises/{uscc}", get_one, 0);
    http_route(r, "POST", "/api/enterprises", create, 0);
}
