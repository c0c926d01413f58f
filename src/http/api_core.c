/* Owns the endpoints that need no enterprise data: GET /api/health, /api/fields (the dictionary,
 * for forms), /api/regions (the district → town tree) and /api/industries (GB/T 4754 search).
 * Reads schema and refdata, which are immutable, so the answers that never change are built once.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"
#include "refdata/refdata.h"
#include "schema/schema.h"
#include "store/store.h"
#include "util/utf8.h"

#define QINGDAO_CODE 370200

/* Answers 200 even without a store (the server is up); "store" says which one, if any. On
 * PostgreSQL "changes" says whether other replicas' writes are heard ("listening"); while they are
 * not ("reconnecting"), and after they are again until the index has reloaded ("reloading"), the
 * answer is 503 "degraded", so a load balancer can route around it; "notices" counts what the
 * server did with them (notice.c: rows applied, full reloads) and how fresh it is ("freshness": per
 * kind of change, when the newest applied one was written on the primary and applied here, ms;
 * ?notices=recent adds the last 256 applications). With
 * a read replica, "read_store" gives its state and lag (replica.c). */
static void health(struct http_request *req, struct http_response *res) {
    json_t *o = json_object();
    const char *nq = http_query(req, "notices");
    bool with_recent = nq && strcmp(nq, "recent") == 0;
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "version", json_string(HTTP_VERSION));
    if (req->server->pool.n) {
        struct store *st = http_store(req, res);
        int64_t n = store_count_enterprises(st);
        json_object_set_new(o, "store",
                            json_string(store_kind(st) == STORE_POSTGRES ? "postgres" : "sqlite"));
        json_object_set_new(o, "enterprises", n >= 0 ? json_integer(n) : json_null());
        if (req->server->watch && !store_watch_is_connected(req->server->watch)) {
            /* other replicas' writes are not heard: the index may be stale */
            json_object_set_new(o, "status", json_string("degraded"));
            json_object_set_new(o, "changes", json_string("reconnecting"));
            http_reply_json(res, 503, o);
            return;
        }
        if (notice_is_stale(req->server)) {
            /* heard again, but what changed meanwhile is not in the index until it reloads */
            json_object_set_new(o, "status", json_string("degraded"));
            json_object_set_new(o, "changes", json_string("reloading"));
            json_object_set_new(o, "notices", notice_health(req->server, with_recent));
            http_reply_json(res, 503, o);
            return;
        }
        if (req->server->watch) {
            json_object_set_new(o, "changes", json_string("listening"));
            json_object_set_new(o, "notices", notice_health(req->server, with_recent));
        }
        if (req->server->read_pool.n) {
            /* the streaming replica: its lag; while it fails reads go to the primary */
            json_object_set_new(o, "read_store", replica_health(req));
        }
    } else {
        json_object_set_new(o, "store", json_string("none"));
        json_object_set_new(o, "enterprises", json_null());
    }
    http_reply_json(res, 200, o);
}

/* ---- /api/fields ---- */

static json_t *string_list(const char *const *items) {
    json_t *a = json_array();
    for (int i = 0; items && items[i]; i++)
        json_array_append_new(a, json_string(items[i]));
    return a;
}

static json_t *aliases_json(const char *aliases) {
    json_t *a = json_array();
    for (const char *p = aliases; p && *p;) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) json_array_append_new(a, json_stringn(p, n));
        p += n + (e ? 1 : 0);
    }
    return a;
}

static json_t *fields_json(void) {
    json_t *a = json_array();
    for (int f = 0; f < F_COUNT; f++) {
        const struct field_def *d = schema_field((enum field_id)f);
        json_t *o = json_object();
        json_object_set_new(o, "key", json_string(d->key));
        json_object_set_new(o, "label", json_string(d->label));
        json_object_set_new(o, "aliases", aliases_json(d->aliases));
        json_object_set_new(o, "type", json_string(schema_type_name(d->type)));
        json_object_set_new(o, "unit", json_string(d->unit ? d->unit : ""));
        if (d->values) json_object_set_new(o, "values", string_list(d->values));
        json_object_set_new(o, "derived", json_boolean(d->is_derived));
        json_object_set_new(o, "yearly", json_boolean(d->is_yearly));
        json_object_set_new(o, "doc", json_string(d->doc ? d->doc : ""));
        json_array_append_new(a, o);
    }
    json_t *out = json_object();
    json_object_set_new(out, "fields", a);
    return out;
}

/* Answers that depend only on immutable tables: built once, shared read-only by every thread. */
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static char *fields_cache, *regions_cache;

static json_t *region_tree(int idx, int depth);

static void build_caches(void) {
    json_t *f = fields_json();
    fields_cache = json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(f);
    json_t *r = region_tree(region_by_code(QINGDAO_CODE), 3);
    regions_cache = r ? json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(r);
}

static void reply_cached(struct http_response *res, const char *s) {
    if (!s) {
        http_reply_error(res, 500, "internal", "内存不足", "out of memory");
        return;
    }
    http_reply_text(res, 200, "application/json; charset=utf-8", s, strlen(s));
    http_add_header(res, "Cache-Control", "public, max-age=3600");
}

static void fields(struct http_request *req, struct http_response *res) {
    (void)req;
    pthread_once(&cache_once, build_caches);
    reply_cached(res, fields_cache);
}

/* ---- /api/regions ---- */

static const char *region_level_name(enum region_level l) {
    static const char *names[] = {"province", "city", "county", "town"};
    return names[l];
}

/* The region and `depth` levels below it. */
static json_t *region_tree(int idx, int depth) {
    if (idx < 0) return NULL;
    const struct region *r = region_at(idx);
    json_t *o = json_object();
    json_object_set_new(o, "code", json_integer(r->code));
    json_object_set_new(o, "name", json_string(r->name));
    json_object_set_new(o, "level", json_string(region_level_name(r->level)));
    if (depth > 0) {
        json_t *kids = json_array();
        for (int i = 0; i < region_count(); i++)
            if (region_at(i)->parent == idx) json_array_append_new(kids, region_tree(i, depth - 1));
        if (json_array_size(kids))
            json_object_set_new(o, "children", kids);
        else
            json_decref(kids);
    }
    return o;
}

static void regions(struct http_request *req, struct http_response *res) {
    const char *root = http_query(req, "root");
    if (!root || !*root) {
        pthread_once(&cache_once, build_caches);
        reply_cached(res, regions_cache);
        return;
    }
    struct error err;
    error_clear(&err);
    int idx = region_find(root, strlen(root), &err);
    if (idx < 0) {
        error_field(&err, "root");
        http_reply_err(res, 404, &err);
        return;
    }
    http_reply_json(res, 200, region_tree(idx, 3));
    http_add_header(res, "Cache-Control", "public, max-age=3600");
}

/* ---- /api/industries ---- */

static const char *industry_level_name(enum industry_level l) {
    static const char *names[] = {"section", "division", "group", "class"};
    return names[l];
}

static json_t *industry_json(int idx) {
    const struct industry *d = industry_at(idx);
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(d->code));
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "level", json_string(industry_level_name(d->level)));
    json_object_set_new(o, "section", json_string(industry_at(d->section)->code));
    char path[512] = "";
    size_t used = 0;
    int chain[4], n = 0;
    for (int i = idx; i >= 0 && n < 4; i = industry_at(i)->parent)
        chain[n++] = i;
    for (int k = n - 1; k >= 0; k--)
        used += (size_t)snprintf(path + used, used < sizeof path ? sizeof path - used : 0, "%s%s",
                                 k == n - 1 ? "" : " › ", industry_at(chain[k])->name);
    json_object_set_new(o, "path", json_string(path));
    return o;
}

struct hit {
    int idx;
    int rank;
};

static int hit_cmp(const void *a, const void *b) {
    const struct hit *x = a, *y = b;
    if (x->rank != y->rank) return x->rank - y->rank;
    int lx = (int)industry_at(x->idx)->level, ly = (int)industry_at(y->idx)->level;
    if (lx != ly) return lx - ly;
    return x->idx - y->idx;
}

/* 0 exact code, 1 exact name, 2 code prefix, 3 name prefix, 4 name contains; -1 no match. */
static int industry_rank(const struct industry *d, const char *code, const char *q) {
    size_t cl = strlen(code);
    if (cl && strcmp(d->code, code) == 0) return 0;
    if (strcmp(d->name, q) == 0) return 1;
    if (cl && strncmp(d->code, code, cl) == 0) return 2;
    if (strncmp(d->name, q, strlen(q)) == 0) return 3;
    if (strstr(d->name, q)) return 4;
    return -1;
}

static void industries(struct http_request *req, struct http_response *res) {
    int64_t limit;
    if (http_query_int(req, "limit", 50, 1, 500, &limit, res) < 0) return;
    const char *qa = http_query(req, "q"), *parent = http_query(req, "parent");
    int parent_idx = -1;
    if (parent && *parent) {
        struct error err;
        error_clear(&err);
        bool is_fallback = false;
        parent_idx = industry_find(parent, strlen(parent), &is_fallback, &err);
        if (parent_idx < 0 || is_fallback) {
            error_field(&err, "parent");
            if (parent_idx >= 0) error_set(&err, ERR_NOTFOUND, "没有这个行业", "no such industry");
            http_reply_err(res, 404, &err);
            return;
        }
    }
    size_t qlen = qa ? strlen(qa) : 0;
    const char *q = qa ? utf8_trim(qa, &qlen) : "";
    char *qt = strndup(q, qlen);
    /* a code may come with its section letter: C3911 → 3911; one letter is a section */
    char code[16] = "";
    if (qt && qlen < sizeof code) {
        size_t k = 0;
        for (; k < qlen; k++)
            code[k] = (char)toupper((unsigned char)qt[k]);
        code[k] = 0;
        bool rest_digits = qlen > 1;
        for (size_t j = 1; j < qlen; j++)
            if (!isdigit((unsigned char)code[j])) rest_digits = false;
        if (isalpha((unsigned char)code[0]) && rest_digits) memmove(code, code + 1, qlen);
        for (size_t j = 0; code[j]; j++)
            if (!isalnum((unsigned char)code[j])) code[0] = 0;
    }
    int n = industry_count();
    struct hit *hits = malloc((size_t)n * sizeof *hits);
    if (!qt || !hits) {
        free(qt);
        free(hits);
        http_reply_error(res, 500, "internal", "内存不足", "out of memory");
        return;
    }
    int n_hits = 0;
    for (int i = 0; i < n; i++) {
        const struct industry *d = industry_at(i);
        int rank;
        if (parent_idx >= 0)
            rank = d->parent == parent_idx ? 0 : -1;
        else if (qlen == 0)
            rank = d->level == INDUSTRY_SECTION ? 0 : -1;
        else
            rank = industry_rank(d, code, qt);
        if (rank >= 0 && (parent_idx < 0 || qlen == 0 || industry_rank(d, code, qt) >= 0))
            hits[n_hits++] = (struct hit){i, rank};
    }
    qsort(hits, (size_t)n_hits, sizeof *hits, hit_cmp);
    json_t *items = json_array();
    for (int i = 0; i < n_hits && i < limit; i++)
        json_array_append_new(items, industry_json(hits[i].idx));
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer(n_hits));
    json_object_set_new(o, "items", items);
    free(hits);
    free(qt);
    http_reply_json(res, 200, o);
}

void http_routes_core(struct http_router *r) {
    http_route(r, "GET", "/api/health", health, 0);
    http_route(r, "GET", "/api/fields", fields, 0);
    http_route(r, "GET", "/api/regions", regions, 0);
    http_route(r, "GET", "/api/industries", industries, 0);
}
