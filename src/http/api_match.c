/* Owns the matching endpoints: POST /api/match/preview (rule text → counts by status and by
 * district/section/size, nearly groups; cheap enough for every keystroke), GET
 * /api/clauses/{id}/enterprises (one clause's enterprises of a status, filtered by region, a page
 * at a time) and GET /api/enterprises/{uscc}/matches (every published clause for one enterprise,
 * ranked and explained). The index and the clause catalog are built from the server's store on
 * first use and rebuilt when the store's counts change (checked at most once a second), when
 * another replica writes (PostgreSQL change notices, store_watch) or the day changes; requests read
 * the index through index_acquire without locks. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/internal.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"

#define RECHECK_SECONDS 1

/* The published clauses, shared by the requests that use them. */
struct catalog_ref {
    atomic_int refs;
    struct match_catalog *cat;
};

static struct {
    pthread_mutex_t mu; /* loading, and swapping the catalog pointer */
    const struct http_server *server;
    char db[512];
    struct index *ix;
    struct catalog_ref *cat;
    int32_t today;
    int64_t n_enterprises, n_clauses;
    uint64_t watch_version; /* of the server's store_watch when last loaded */
    time_t checked;
    bool is_stale; /* a clause's status changed: reload at the next request */
} state = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void catalog_release(struct catalog_ref *c) {
    if (c && atomic_fetch_sub(&c->refs, 1) == 1) {
        match_catalog_free(c->cat);
        free(c);
    }
}

/* With state.mu held: (re)builds what is stale. */
static int refresh_locked(struct http_request *req, struct store *s, struct error *err) {
    const struct http_server *srv = http_request_server(req);
    const char *db = srv->db ? srv->db : "";
    time_t now = time(NULL);
    int32_t today = date_today();
    /* another replica's write (PostgreSQL change notices) reloads at once, whatever the counts */
    uint64_t wv = http_watch_version(req); /* what the store read below reflects (replica.c) */
    bool is_same = state.server == srv && strcmp(state.db, db) == 0 && state.ix &&
                   state.today == today && state.watch_version >= wv;
    if (is_same && !state.is_stale && now - state.checked < RECHECK_SECONDS) return 0;
    int64_t n_e = store_count_enterprises(s), n_c = store_count_clauses(s);
    state.checked = now;
    if (is_same && n_e == state.n_enterprises && n_c == state.n_clauses) {
        if (!state.is_stale) return 0;
        struct catalog_ref *cr = calloc(1, sizeof *cr); /* the clauses only: the index is current */
        if (!cr) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        atomic_init(&cr->refs, 1);
        int rc = match_catalog_load(s, today, &cr->cat, err);
        if (rc) {
            free(cr);
            return rc;
        }
        catalog_release(state.cat);
        state.cat = cr;
        state.is_stale = false;
        return 0;
    }
    struct index_gen *g;
    int rc = index_load(s, today, &g, err);
    if (rc) return rc;
    struct catalog_ref *cr = calloc(1, sizeof *cr);
    if (!cr) {
        index_gen_release(g);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    atomic_init(&cr->refs, 1);
    if ((rc = match_catalog_load(s, today, &cr->cat, err))) {
        free(cr);
        index_gen_release(g);
        return rc;
    }
    if (!state.ix || state.today != today || state.server != srv) {
        if (state.ix) index_free(state.ix); /* a new server or day: no reader of the old one */
        state.ix = index_new(today);
    }
    index_publish(state.ix, g);
    catalog_release(state.cat);
    state.cat = cr;
    state.server = srv;
    snprintf(state.db, sizeof state.db, "%s", db);
    state.today = today;
    state.n_enterprises = n_e;
    state.n_clauses = n_c;
    if (wv > state.watch_version || !is_same) state.watch_version = wv;
    state.is_stale = false;
    return 0;
}

void http_match_invalidate(void) {
    pthread_mutex_lock(&state.mu);
    state.is_stale = true;
    pthread_mutex_unlock(&state.mu);
}

/* The current generation and catalog (references the caller gives back), or NULL with res set. */
static struct index_gen *acquire(struct http_request *req, struct http_response *res,
                                 struct catalog_ref **cat) {
    struct store *s = http_store(req, res);
    if (!s) return NULL;
    struct error err;
    error_clear(&err);
    pthread_mutex_lock(&state.mu);
    int rc = refresh_locked(req, s, &err);
    struct index_gen *g = NULL;
    if (!rc) {
        g = index_acquire(state.ix);
        *cat = state.cat;
        atomic_fetch_add(&state.cat->refs, 1);
    }
    pthread_mutex_unlock(&state.mu);
    if (rc) http_reply_err(res, 0, &err);
    return g;
}

static void release(struct index_gen *g, struct catalog_ref *cat) {
    index_gen_release(g);
    catalog_release(cat);
}

struct index_gen *http_match_acquire(struct http_request *req, struct http_response *res,
                                     const struct match_catalog **cat, void **token) {
    struct catalog_ref *c;
    struct index_gen *g = acquire(req, res, &c);
    if (!g) return NULL;
    *cat = c->cat;
    *token = c;
    return g;
}

void http_match_release(struct index_gen *g, void *token) {
    release(g, token);
}

/* POST /api/match/preview {"rule": "…"} */
static void preview(struct http_request *req, struct http_response *res) {
    json_t *body = http_body_json(req, res);
    if (!body) return;
    const char *src = json_string_value(json_object_get(body, "rule"));
    if (!src) {
        json_decref(body);
        http_reply_error(res, 400, "invalid", "缺少 rule(规则文本)",
                         "rule (the rule's text) is missing");
        return;
    }
    struct error err;
    error_clear(&err);
    struct rule *r;
    if (rules_compile(src, strlen(src), "rule", &r, &err)) {
        json_decref(body);
        http_reply_err(res, 422, &err);
        return;
    }
    json_decref(body);
    struct catalog_ref *cat;
    struct index_gen *g = acquire(req, res, &cat);
    if (!g) {
        rules_free(r);
        return;
    }
    const struct rule_version *v = rules_version_at(r, index_gen_today(g));
    json_t *out = NULL;
    char day[16];
    if (!v || !v->cond)
        error_set(&err, ERR_NOTFOUND, "规则今天没有生效的版本",
                  "the rule has no version in force today");
    else if (match_preview_json(g, v->cond, &out, &err) == 0) {
        json_object_set_new(out, "date", json_string(date_format(index_gen_today(g), day, 16)));
        json_object_set_new(out, "enterprises_total", json_integer((json_int_t)index_gen_count(g)));
        http_reply_json(res, 200, out);
    }
    if (!out) http_reply_err(res, 0, &err);
    release(g, cat);
    rules_free(r);
}

/* One enterprise of a clause's list; with its award (exact fen, from the stored profile) when the
 * clause has an award line. */
static json_t *row_json(struct store *s, const struct index_gen *g, uint32_t row,
                        const struct rule_award *award, struct arena *a) {
    char uscc[32];
    index_row_uscc(g, row, uscc, sizeof uscc);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(index_row_id(g, row)));
    json_object_set_new(o, "uscc", json_string(uscc));
    struct value v;
    struct profile *p = malloc(sizeof *p);
    struct error err;
    if (p && store_get_enterprise(s, uscc, p, a, NULL, &err) == 0) {
        if (p->v[F_NAME].has) json_object_set_new(o, "name", json_string(p->v[F_NAME].s));
        int64_t fen;
        char buf[64];
        profile_derive(p, index_gen_today(g), NULL);
        if (award && rules_award(award, p, &fen, NULL, 0)) {
            json_object_set_new(o, "award_fen", json_integer(fen));
            json_object_set_new(o, "award", json_string(money_format(fen, buf, sizeof buf)));
        }
    }
    free(p);
    index_row_value(g, row, F_REGION, &v);
    if (v.has) json_object_set_new(o, "region", json_string(region_at((int)v.i)->name));
    index_row_value(g, row, F_SIZE, &v);
    if (v.has) json_object_set_new(o, "size", json_string(schema_field(F_SIZE)->values[v.i]));
    return o;
}

/* The rows of one page out of a list of bitmaps taken in order (nearly: one per condition). */
static json_t *page_rows(struct store *s, const struct index_gen *g, roaring_bitmap_t **sets,
                         const struct rule_cond **conds, int n_sets, uint64_t offset,
                         uint64_t limit, const struct rule_award *award, struct arena *a) {
    json_t *list = json_array();
    uint32_t *rows = malloc((limit ? limit : 1) * sizeof *rows);
    for (int k = 0; rows && k < n_sets && limit > 0; k++) {
        uint64_t n = roaring_bitmap_get_cardinality(sets[k]);
        if (offset >= n) {
            offset -= n;
            continue;
        }
        uint64_t take = n - offset < limit ? n - offset : limit;
        roaring_bitmap_range_uint32_array(sets[k], (size_t)offset, (size_t)take, rows);
        for (uint64_t i = 0; i < take; i++) {
            json_t *o = row_json(s, g, rows[i], award, a);
            if (conds && conds[k]) {
                struct buf b;
                buf_init(&b);
                rules_format_cond(conds[k], &b);
                json_object_set_new(o, "failing", json_string(buf_str(&b)));
                buf_release(&b);
            }
            json_array_append_new(list, o);
        }
        offset = 0;
        limit -= take;
    }
    free(rows);
    return list;
}

/* GET /api/clauses/{id}/enterprises?status=eligible|unknown|ineligible|nearly&region=&page=&size=
 */
static void clause_enterprises(struct http_request *req, struct http_response *res) {
    char *end;
    const char *id_text = http_param(req, "id");
    long long id = strtoll(id_text, &end, 10);
    if (*end || id <= 0) {
        http_reply_error(res, 400, "invalid", "条款编号应为正整数",
                         "the clause id must be a number");
        return;
    }
    const char *status = http_query(req, "status");
    if (!status || !*status) status = "eligible";
    if (strcmp(status, "eligible") && strcmp(status, "unknown") && strcmp(status, "ineligible") &&
        strcmp(status, "nearly")) {
        http_reply_error(res, 400, "invalid", "status 应为 eligible、unknown、ineligible 或 nearly",
                         "status must be eligible, unknown, ineligible or nearly");
        return;
    }
    int64_t page, size;
    if (http_query_int(req, "page", 1, 1, 1000000, &page, res) < 0) return;
    if (http_query_int(req, "page_size", 50, 1, 500, &size, res) < 0) return;
    struct error err;
    error_clear(&err);
    int region = -1;
    const char *rt = http_query(req, "region");
    if (rt && *rt && (region = region_find(rt, strlen(rt), &err)) < 0) {
        http_reply_err(res, 400, &err);
        return;
    }
    if (http_scope_region(req, &region, res) < 0) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    struct clause cl;
    if (store_get_clause(s, id, &cl, http_arena(req), &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    struct rule *r;
    if (!cl.rule || rules_compile(cl.rule, strlen(cl.rule), cl.title, &r, &err)) {
        http_reply_err(res, 422, &err);
        return;
    }
    struct catalog_ref *cat;
    struct index_gen *g = acquire(req, res, &cat);
    if (!g) {
        rules_free(r);
        return;
    }
    const struct rule_version *v = rules_version_at(r, index_gen_today(g));
    struct match_sets m = {0};
    struct match_nearly nl = {0};
    roaring_bitmap_t *sets[RULES_MAX_ATOMS];
    const struct rule_cond *conds[RULES_MAX_ATOMS];
    int n_sets = 0, rc = 0;
    if (!v || !v->cond) {
        rc = error_set(&err, ERR_NOTFOUND, "条款今天没有生效的规则",
                       "the clause has no rule in force");
    } else if (strcmp(status, "nearly") == 0) {
        if (!(rc = match_nearly(g, v->cond, &nl, &err)))
            for (int k = 0; k < nl.n_groups && k < RULES_MAX_ATOMS; k++) {
                sets[n_sets] = nl.groups[k].rows;
                conds[n_sets++] = nl.groups[k].cond;
            }
    } else if (!(rc = match_cond(g, v->cond, &m, &err))) {
        sets[n_sets] = status[0] == 'e' ? m.eligible : status[0] == 'u' ? m.unknown : m.ineligible;
        conds[n_sets++] = NULL;
    }
    for (int k = 0; !rc && region >= 0 && k < n_sets; k++) {
        struct index_atom a = {F_REGION, INDEX_WITHIN, region, {0, 1}};
        roaring_bitmap_t *t, *u;
        if ((rc = index_eval_atom_within(g, &a, sets[k], &t, &u, &err))) break;
        roaring_bitmap_free(u);
        roaring_bitmap_and_inplace(sets[k], t); /* sets[k] is owned by m or nl */
        roaring_bitmap_free(t);
    }
    if (!rc) {
        uint64_t total = 0;
        for (int k = 0; k < n_sets; k++)
            total += roaring_bitmap_get_cardinality(sets[k]);
        json_t *o = json_object();
        json_object_set_new(o, "clause_id", json_integer(id));
        json_object_set_new(o, "title", json_string(cl.title ? cl.title : ""));
        json_object_set_new(o, "status", json_string(status));
        json_object_set_new(o, "total", json_integer((json_int_t)total));
        json_object_set_new(o, "page", json_integer(page));
        json_object_set_new(o, "page_size", json_integer(size));
        json_object_set_new(o, "enterprises",
                            page_rows(s, g, sets, n_sets > 1 || conds[0] ? conds : NULL, n_sets,
                                      (uint64_t)(page - 1) * (uint64_t)size, (uint64_t)size,
                                      v->award, http_arena(req)));
        http_reply_json(res, 200, o);
    } else {
        http_reply_err(res, 0, &err);
    }
    match_sets_release(&m);
    match_nearly_release(&nl);
    release(g, cat);
    rules_free(r);
}

/* GET /api/enterprises/{uscc}/matches?all=1 (ineligible clauses too, unexplained) */
static void enterprise_matches(struct http_request *req, struct http_response *res) {
    const char *uscc = http_param(req, "uscc");
    const char *all = http_query(req, "all");
    bool is_all = all && strcmp(all, "1") == 0;
    const struct actor *who = http_actor(req);
    if (who->role == ROLE_ENTERPRISE && !auth_sees_enterprise(who, uscc, -1)) {
        http_reply_forbidden(res); /* before the store: not even whether it exists */
        return;
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    struct profile *p = malloc(sizeof *p);
    if (!p || store_get_enterprise(s, uscc, p, http_arena(req), NULL, &err)) {
        if (!p) error_set(&err, ERR_NOMEM, "内存不足", "out of memory");
        http_reply_err(res, 0, &err);
        free(p);
        return;
    }
    if (!auth_sees_enterprise(who, uscc, p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1)) {
        http_reply_forbidden(res);
        free(p);
        return;
    }
    struct catalog_ref *cat;
    struct index_gen *g = acquire(req, res, &cat);
    if (!g) {
        free(p);
        return;
    }
    profile_derive(p, index_gen_today(g), NULL);
    const struct match_catalog *c = cat->cat;
    struct match_hit *hits = malloc((size_t)(c->n_in ? c->n_in : 1) * sizeof *hits);
    if (!hits || match_enterprise(c->set, p, hits)) {
        error_set(&err, ERR_NOMEM, "内存不足", "out of memory");
        http_reply_err(res, 0, &err);
    } else {
        json_t *o = json_object(), *list = json_array();
        int n_e = 0, n_u = 0;
        for (int i = 0; i < c->n_in; i++) {
            n_e += hits[i].result == TRI_TRUE;
            n_u += hits[i].result == TRI_UNKNOWN;
            if (hits[i].result != TRI_FALSE || is_all)
                json_array_append_new(list,
                                      match_hit_json(c, &hits[i], p, hits[i].result != TRI_FALSE));
        }
        json_object_set_new(o, "uscc", json_string(uscc));
        json_object_set_new(o, "name",
                            p->v[F_NAME].has ? json_string(p->v[F_NAME].s) : json_null());
        json_object_set_new(o, "clauses", json_integer(c->n_in));
        json_object_set_new(o, "eligible", json_integer(n_e));
        json_object_set_new(o, "unknown", json_integer(n_u));
        json_object_set_new(o, "matches", list);
        http_reply_json(res, 200, o);
    }
    free(hits);
    free(p);
    release(g, cat);
}

void http_routes_match(struct http_router *r) {
    http_route(r, "POST", "/api/match/preview", preview, 64 * 1024);
    http_route(r, "GET", "/api/clauses/{id}/enterprises", clause_enterprises, 0);
    http_route(r, "GET", "/api/enterprises/{uscc}/matches", enterprise_matches, 0);
}
