/* Owns the matching endpoints: POST /api/match/preview (rule text → counts by status and by
 * district/section/size, nearly groups; cheap enough for every keystroke), GET
 * /api/clauses/{id}/enterprises (one clause's enterprises of a status, filtered by region, a page
 * at a time), GET /api/enterprises/{uscc}/matches (every published clause for one enterprise,
 * ranked and explained, with department and contact) and POST /api/enterprises/{uscc}/matches
 * (the same for the stored profile with some values changed, stored nowhere: the 政策计算器). The
 * index and the clause catalog are built from the server's store on first use and rebuilt when the
 * store's counts change (checked at most once a second), when another replica writes (PostgreSQL
 * change notices, store_watch) or the day changes; requests read the index through index_acquire
 * without locks. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enterprise/enterprise.h"
#include "export/export.h"
#include "extract/extract.h"
#include "http/internal.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"
#include "workflow/workflow.h"

#define RECHECK_SECONDS 1

/* A clause's issuing department and contact line (from the clause's text, else its policy's). */
struct clause_info {
    const char *department, *contact;
};

/* The published clauses, shared by the requests that use them; with each clause's department and
 * contact, worked out once per catalog by the first answer that lists them (a policy read and a
 * text extraction each: far too dear to repeat in every "my matches"). */
struct catalog_ref {
    atomic_int refs;
    struct match_catalog *cat;
    pthread_mutex_t info_mu; /* building info */
    struct info_block *info; /* per cat->clauses[k], NULL until built (owned) */
};

struct info_block;
static void info_block_free(struct info_block *b);

static struct catalog_ref *catalog_ref_new(void) {
    struct catalog_ref *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    atomic_init(&c->refs, 1);
    pthread_mutex_init(&c->info_mu, NULL);
    return c;
}

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
    bool is_stale;         /* a clause's status changed: reload at the next request */
    bool is_loading;       /* one request is building a new generation outside the lock */
    pthread_cond_t loaded; /* signalled when it is done */
} state = {.mu = PTHREAD_MUTEX_INITIALIZER, .loaded = PTHREAD_COND_INITIALIZER};

static void catalog_release(struct catalog_ref *c) {
    if (c && atomic_fetch_sub(&c->refs, 1) == 1) {
        match_catalog_free(c->cat);
        info_block_free(c->info);
        pthread_mutex_destroy(&c->info_mu);
        free(c);
    }
}

static int load_locked(const struct http_server *srv, struct store *s, int32_t today, int64_t n_e,
                       int64_t n_c, struct error *err);

/* With state.mu held: (re)builds what is stale. */
static int refresh_locked(struct http_request *req, struct store *s, struct error *err) {
    const struct http_server *srv = http_request_server(req);
    const char *db = srv->db ? srv->db : "";
    time_t now = time(NULL);
    int32_t today = date_today();
    /* without notice.c, another replica's write (a change notice) reloads at once */
    uint64_t wv = http_watch_version(req); /* what the store read below reflects (replica.c) */
    bool is_usable = state.server == srv && strcmp(state.db, db) == 0 && state.ix &&
                     state.today == today; /* may answer while a newer generation loads */
    /* with change notices (PostgreSQL) they bring every change: notice.c applies the changed rows
     * (http_match_note_enterprise), reloads in the background or marks the catalog stale */
    bool is_heard = srv->watch != NULL;
    bool is_same = is_usable && (is_heard || state.watch_version >= wv);
    if (is_same && !state.is_stale && (is_heard || now - state.checked < RECHECK_SECONDS)) return 0;
    bool is_counted = !(is_heard && is_same); /* (a count of 2M rows is not free) */
    int64_t n_e = is_counted ? store_count_enterprises(s) : state.n_enterprises;
    int64_t n_c = is_counted ? store_count_clauses(s) : state.n_clauses;
    state.checked = now;
    if (is_same && (is_heard || (n_e == state.n_enterprises && n_c == state.n_clauses))) {
        if (!state.is_stale) return 0;
        struct catalog_ref *cr = catalog_ref_new(); /* the clauses only: the index is current */
        if (!cr) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        int rc = match_catalog_load(s, today, &cr->cat, err);
        if (rc) {
            catalog_release(cr);
            return rc;
        }
        catalog_release(state.cat);
        state.cat = cr;
        state.is_stale = false;
        return 0;
    }
    /* A whole new generation (seconds at a city's size) is built outside the lock, by one
     * request: the others go on answering from the current one meanwhile, and only a server that
     * has none yet waits for it. */
    if (state.is_loading) {
        if (is_usable) return 0;
        while (state.is_loading)
            pthread_cond_wait(&state.loaded, &state.mu);
        return state.ix ? 0 : error_set(err, ERR_DB, "索引加载失败", "the index could not load");
    }
    int rc = load_locked(srv, s, today, n_e, n_c, err);
    if (!rc && (wv > state.watch_version || !is_same)) state.watch_version = wv;
    return rc;
}

/* With state.mu held and no load under way: builds a whole new generation and catalog from s
 * outside the lock (state.is_loading meanwhile) and publishes them. */
static int load_locked(const struct http_server *srv, struct store *s, int32_t today, int64_t n_e,
                       int64_t n_c, struct error *err) {
    const char *db = srv->db ? srv->db : "";
    state.is_loading = true;
    pthread_mutex_unlock(&state.mu);
    struct index_gen *g = NULL;
    struct catalog_ref *cr = NULL;
    int rc = index_load(s, today, &g, err);
    if (!rc && !(cr = catalog_ref_new()))
        rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc) rc = match_catalog_load(s, today, &cr->cat, err);
    pthread_mutex_lock(&state.mu);
    state.is_loading = false;
    pthread_cond_broadcast(&state.loaded);
    if (rc) {
        catalog_release(cr);
        if (g) index_gen_release(g);
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
    state.is_stale = false;
    return 0;
}

int http_match_reload(const struct http_server *srv, struct store *s, struct error *err) {
    pthread_mutex_lock(&state.mu);
    while (state.is_loading) /* it may have read rows before the change that asks for this */
        pthread_cond_wait(&state.loaded, &state.mu);
    int rc = 0;
    if (state.ix && state.server == srv) {
        int64_t n_e = store_count_enterprises(s), n_c = store_count_clauses(s);
        rc = load_locked(srv, s, date_today(), n_e, n_c, err);
        if (!rc) rc = 1;
    }
    pthread_mutex_unlock(&state.mu);
    return rc;
}

/* With state.mu held, after an edit of uscc published a new generation over old: the dashboard's
 * coverage answers cached on old move over, shifted by that one enterprise (match_coverage_carry),
 * so the first dashboard after an edit is a lookup, not a recount of every row and clause. */
static void carry_coverage(const struct index_gen *old, const char *uscc) {
    if (!state.cat) return;
    struct index_gen *g = index_acquire(state.ix);
    match_coverage_carry(old, g, state.cat->cat, uscc);
    index_gen_release(g);
}

void http_match_note_enterprise(const struct http_server *srv, int64_t id,
                                const struct profile *p) {
    struct profile *d = malloc(sizeof *d);
    if (!d) return; /* the next reload (count or notice) brings it */
    *d = *p;
    pthread_mutex_lock(&state.mu);
    while (state.is_loading && srv->watch) /* notice.c: the load may predate the change */
        pthread_cond_wait(&state.loaded, &state.mu);
    if (state.ix && state.server == srv && !state.is_loading) {
        profile_derive(d, state.today, NULL);
        struct index_gen *g = index_acquire(state.ix);
        uint32_t row;
        bool is_new = index_find_uscc(g, d->v[F_USCC].s, &row) != 0;
        struct error err;
        if (index_update(state.ix, &id, d, 1, &err) == 0) {
            if (is_new) state.n_enterprises++;
            carry_coverage(g, d->v[F_USCC].s);
        }
        index_gen_release(g);
    } else if (state.is_loading) {
        state.checked = 0; /* the load under way may have read the row before it changed */
        state.n_enterprises = -1;
    }
    pthread_mutex_unlock(&state.mu);
    free(d);
}

void http_match_note_removed(const struct http_server *srv, const char *uscc) {
    pthread_mutex_lock(&state.mu);
    while (state.is_loading && srv->watch)
        pthread_cond_wait(&state.loaded, &state.mu);
    struct error err;
    if (state.ix && state.server == srv) {
        struct index_gen *g = index_acquire(state.ix);
        if (index_remove(state.ix, uscc, &err) == 0) {
            state.n_enterprises--;
            carry_coverage(g, uscc);
        }
        index_gen_release(g);
    }
    pthread_mutex_unlock(&state.mu);
}

void http_match_invalidate(void) {
    pthread_mutex_lock(&state.mu);
    state.is_stale = true;
    pthread_mutex_unlock(&state.mu);
}

int http_match_reload_catalog(const struct http_server *srv, struct store *s, struct error *err) {
    pthread_mutex_lock(&state.mu);
    while (state.is_loading) /* it may have read the clauses before the change */
        pthread_cond_wait(&state.loaded, &state.mu);
    int32_t today = state.today;
    bool is_loaded = state.ix && state.server == srv;
    pthread_mutex_unlock(&state.mu);
    if (!is_loaded) return 0;
    struct catalog_ref *cr = catalog_ref_new(); /* read outside the lock: requests go on */
    if (!cr) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int rc = match_catalog_load(s, today, &cr->cat, err);
    if (rc) {
        catalog_release(cr);
        return rc;
    }
    pthread_mutex_lock(&state.mu);
    bool is_current = state.ix && state.server == srv && state.today == today;
    if (is_current) {
        catalog_release(state.cat);
        state.cat = cr;
    }
    pthread_mutex_unlock(&state.mu);
    if (!is_current) catalog_release(cr); /* a new day or server: its own load brings them */
    return is_current ? 1 : 0;
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

/* The rows the caller may count: NULL for a city-wide role, else the live rows registered within
 * the actor's area (a district centre's district, a commissioner's or station's area), the same
 * cut as a clause's enterprises (http_scope_region). */
static int scope_rows(struct http_request *req, const struct index_gen *g, roaring_bitmap_t **out,
                      struct error *err) {
    *out = NULL;
    int region = http_actor(req)->region;
    if (region < 0) return 0;
    struct index_atom a = {F_REGION, INDEX_WITHIN, region, {0, 1}};
    return index_eval_atom_within(g, &a, NULL, out, NULL, err);
}

/* {"region": {"code", "name"}} for an area-scoped caller, {"region": null} for the whole city. */
static json_t *scope_json(struct http_request *req) {
    int region = http_actor(req)->region;
    json_t *o = json_object();
    if (region < 0) {
        json_object_set_new(o, "region", json_null());
        return o;
    }
    json_t *x = json_object();
    json_object_set_new(x, "code", json_integer(region_at(region)->code));
    json_object_set_new(x, "name", json_string(region_at(region)->name));
    json_object_set_new(o, "region", x);
    return o;
}

/* POST /api/match/preview {"rule": "…"}: counted within the caller's area (scope_rows). */
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
    roaring_bitmap_t *scope = NULL;
    int rc = 0;
    if (!v || !v->cond)
        rc = error_set(&err, ERR_NOTFOUND, "规则今天没有生效的版本",
                       "the rule has no version in force today");
    else
        rc = scope_rows(req, g, &scope, &err);
    if (!rc && match_preview_json_within(g, v->cond, scope, &out, &err) == 0) {
        uint64_t total = scope ? roaring_bitmap_get_cardinality(scope) : index_gen_count(g);
        json_object_set_new(out, "date", json_string(date_format(index_gen_today(g), day, 16)));
        json_object_set_new(out, "enterprises_total", json_integer((json_int_t)total));
        json_object_set_new(out, "scope", scope_json(req));
        http_reply_json(res, 200, out);
    }
    if (!out) http_reply_err(res, 0, &err);
    if (scope) roaring_bitmap_free(scope);
    release(g, cat);
    rules_free(r);
}

/* One enterprise of a clause's list; with its award (exact fen, from the stored profile) when the
 * clause has an award line. */
/* One row of a page; p: the enterprise as stored (NULL when it could not be read). */
static json_t *row_json(const struct index_gen *g, uint32_t row, const char *uscc,
                        struct profile *p, const struct rule_award *award) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(index_row_id(g, row)));
    json_object_set_new(o, "uscc", json_string(uscc));
    struct value v;
    if (p) {
        if (p->v[F_NAME].has) json_object_set_new(o, "name", json_string(p->v[F_NAME].s));
        int64_t fen;
        char buf[64];
        profile_derive(p, index_gen_today(g), NULL);
        if (award && rules_award(award, p, &fen, NULL, 0)) {
            json_object_set_new(o, "award_fen", json_integer(fen));
            json_object_set_new(o, "award", json_string(money_format(fen, buf, sizeof buf)));
        }
    }
    index_row_value(g, row, F_REGION, &v);
    if (v.has) json_object_set_new(o, "region", json_string(region_at((int)v.i)->name));
    index_row_value(g, row, F_SIZE, &v);
    if (v.has) json_object_set_new(o, "size", json_string(schema_field(F_SIZE)->values[v.i]));
    return o;
}

#define PAGE_READ 256 /* enterprises read from the store in one go (store_get_enterprises) */

/* The rows of one page out of a list of bitmaps taken in order (nearly: one per condition); the
 * enterprises are read PAGE_READ at a time (two statements on PostgreSQL, not two per row). */
static json_t *page_rows(struct store *s, const struct index_gen *g, roaring_bitmap_t **sets,
                         const struct rule_cond **conds, int n_sets, uint64_t offset,
                         uint64_t limit, const struct rule_award *award, struct arena *a) {
    json_t *list = json_array();
    uint32_t *rows = malloc((limit ? limit : 1) * sizeof *rows);
    struct profile *ps = malloc(PAGE_READ * sizeof *ps);
    char(*usccs)[32] = malloc(PAGE_READ * sizeof *usccs);
    const char *names[PAGE_READ];
    bool found[PAGE_READ];
    for (int k = 0; rows && ps && usccs && k < n_sets && limit > 0; k++) {
        uint64_t n = roaring_bitmap_get_cardinality(sets[k]);
        if (offset >= n) {
            offset -= n;
            continue;
        }
        uint64_t take = n - offset < limit ? n - offset : limit;
        roaring_bitmap_range_uint32_array(sets[k], (size_t)offset, (size_t)take, rows);
        struct buf failing;
        buf_init(&failing);
        if (conds && conds[k]) rules_format_cond(conds[k], &failing);
        for (uint64_t i0 = 0; i0 < take; i0 += PAGE_READ) {
            int m = take - i0 < PAGE_READ ? (int)(take - i0) : PAGE_READ;
            for (int j = 0; j < m; j++) {
                index_row_uscc(g, rows[i0 + (uint64_t)j], usccs[j], sizeof usccs[j]);
                names[j] = usccs[j];
            }
            struct error err;
            if (store_get_enterprises(s, names, m, ps, found, a, &err) != 0)
                memset(found, 0, sizeof found); /* the rows without name and amount */
            for (int j = 0; j < m; j++) {
                json_t *o =
                    row_json(g, rows[i0 + (uint64_t)j], usccs[j], found[j] ? &ps[j] : NULL, award);
                if (conds && conds[k])
                    json_object_set_new(o, "failing", json_string(buf_str(&failing)));
                json_array_append_new(list, o);
            }
        }
        buf_release(&failing);
        offset = 0;
        limit -= take;
    }
    free(usccs);
    free(ps);
    free(rows);
    return list;
}

/* The push list as a spreadsheet: ?format=xlsx|csv on a clause's enterprises. */
#define PUSH_EXPORT_MAX 100000
static const struct export_column push_cols[] = {
    {"uscc", "统一社会信用代码", EXPORT_TEXT},
    {"name", "企业名称", EXPORT_TEXT},
    {"region", "注册地", EXPORT_TEXT},
    {"size", "企业规模", EXPORT_TEXT},
    {"award_fen", "可获金额(元)", EXPORT_MONEY},
    {"failing", "未满足的条件", EXPORT_TEXT},
    {"clause", "条款", EXPORT_TEXT},
};

/* status=missed: the eligible firms that never applied for the clause (an application past draft,
 * or a 免申即享 payment, counts as applied) — the firms that miss out, for commissioners to reach.
 * Removes the applicants from `eligible`. Only for a caller who sees the clause's applications
 * (a department's officer: its own department's clauses), else ERR_FORBIDDEN: a list that still
 * held the firms that did apply would be wrong. */
static int drop_applicants(struct http_request *req, struct store *s, const struct clause *cl,
                           const struct index_gen *g, roaring_bitmap_t *eligible,
                           struct error *err) {
    const struct actor *who = http_actor(req);
    struct policy p;
    int rc = store_get_policy(s, cl->policy_id, &p, http_arena(req), err);
    if (rc) return rc;
    if (!workflow_sees_department(who, p.department))
        return error_set(err, ERR_FORBIDDEN, "只能查看本部门条款的未申报企业",
                         "only your own department's clauses list the firms that did not apply");
    struct workflow_applicant *a;
    int64_t n;
    rc = workflow_applicants(s, who, cl->id, &a, &n, err);
    if (rc) return rc;
    for (int64_t i = 0; i < n; i++) {
        uint32_t row;
        if (index_find_uscc(g, a[i].uscc, &row) == 0) roaring_bitmap_remove(eligible, row);
    }
    free(a);
    return 0;
}

/* GET /api/clauses/{id}/enterprises?status=eligible|unknown|ineligible|nearly|missed&region=&page=
 * &page_size= */
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
    const char *ft = http_query(req, "format");
    int fmt = ft && *ft ? export_format_from_name(ft) : -1;
    if (ft && *ft && fmt < 0) {
        http_reply_error(res, 400, "invalid", "format 应为 xlsx 或 csv",
                         "format must be xlsx or csv");
        return;
    }
    if (strcmp(status, "eligible") && strcmp(status, "unknown") && strcmp(status, "ineligible") &&
        strcmp(status, "nearly") && strcmp(status, "missed")) {
        http_reply_error(res, 400, "invalid",
                         "status 应为 eligible、unknown、ineligible、nearly 或 missed",
                         "status must be eligible, unknown, ineligible, nearly or missed");
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
        sets[n_sets] = status[0] == 'e' || status[0] == 'm' ? m.eligible
                       : status[0] == 'u'                   ? m.unknown
                                                            : m.ineligible;
        conds[n_sets++] = NULL;
        if (status[0] == 'm') rc = drop_applicants(req, s, &cl, g, m.eligible, &err);
    }
    for (int k = 0; !rc && region >= 0 && k < n_sets; k++) {
        struct index_atom a = {F_REGION, INDEX_WITHIN, region, {0, 1}};
        roaring_bitmap_t *t, *u;
        if ((rc = index_eval_atom_within(g, &a, sets[k], &t, &u, &err))) break;
        roaring_bitmap_free(u);
        roaring_bitmap_and_inplace(sets[k], t); /* sets[k] is owned by m or nl */
        roaring_bitmap_free(t);
    }
    if (!rc && fmt >= 0) { /* the whole list (up to PUSH_EXPORT_MAX rows) as a spreadsheet */
        json_t *rows = page_rows(s, g, sets, n_sets > 1 || conds[0] ? conds : NULL, n_sets, 0,
                                 PUSH_EXPORT_MAX, v->award, http_arena(req));
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) {
            json_object_set_new(row, "clause", json_string(cl.title ? cl.title : ""));
        }
        char *out = NULL;
        size_t len = 0;
        if (export_json(push_cols, (int)(sizeof push_cols / sizeof *push_cols), rows, "推送名单",
                        (enum export_format)fmt, &out, &len, &err) == 0) {
            char disp[160];
            http_reply_text(res, 200, export_content_type((enum export_format)fmt), out, len);
            snprintf(disp, sizeof disp, "attachment; filename=\"clause-%lld-%s.%s\"", id, status,
                     export_extension((enum export_format)fmt));
            http_add_header(res, "Content-Disposition", disp);
        } else {
            http_reply_err(res, 0, &err);
        }
        free(out);
        json_decref(rows);
    } else if (!rc) {
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

static const char *contact_in(const char *text, struct arena *a) {
    if (!text || !*text) return NULL;
    struct extract_result x;
    struct error err;
    const char *out = NULL;
    if (extract_policy(text, strlen(text), &x, &err) == 0)
        for (int i = 0; i < x.n_clauses && !out; i++)
            if (x.clauses[i].contact) out = arena_strdup(a, x.clauses[i].contact);
    extract_result_release(&x);
    return out;
}

/* Every clause's department and contact, with the text they point into. */
struct info_block {
    struct clause_info *info; /* per catalog clause (owned) */
    struct arena arena;
};

static void info_block_free(struct info_block *b) {
    if (!b) return;
    free(b->info);
    arena_release(&b->arena);
    free(b);
}

/* Works the block out from s: one policy read per policy, one extraction per clause and per
 * policy text. *is_complete: every policy was read (a streaming replica may not have a policy
 * published a moment ago yet). NULL when out of memory. */
static struct info_block *info_build(const struct match_catalog *c, struct store *s,
                                     bool *is_complete) {
    *is_complete = true;
    struct info_block *b = calloc(1, sizeof *b);
    struct policy_seen {
        int64_t id;
        const char *department, *contact;
    } *seen = calloc((size_t)(c->n_clauses ? c->n_clauses : 1), sizeof *seen);
    if (b) {
        arena_init(&b->arena, 4096);
        b->info = calloc((size_t)(c->n_clauses ? c->n_clauses : 1), sizeof *b->info);
    }
    if (!b || !seen || !b->info) {
        free(seen);
        info_block_free(b);
        return NULL;
    }
    int n_seen = 0;
    for (int k = 0; k < c->n_clauses; k++) {
        const struct clause *cl = &c->clauses[k];
        struct policy_seen *pi = NULL;
        for (int i = 0; i < n_seen && !pi; i++) /* clauses are in id order, not by policy */
            if (seen[i].id == cl->policy_id) pi = &seen[i];
        if (!pi) {
            pi = &seen[n_seen++];
            pi->id = cl->policy_id;
            struct policy pol;
            struct error err;
            struct arena tmp;
            arena_init(&tmp, 4096);
            if (store_get_policy(s, cl->policy_id, &pol, &tmp, &err) == 0) {
                pi->department = pol.department ? arena_strdup(&b->arena, pol.department) : NULL;
                pi->contact = contact_in(pol.source, &b->arena);
            } else {
                *is_complete = false;
            }
            arena_release(&tmp);
        }
        const char *contact = contact_in(cl->text, &b->arena);
        b->info[k].department = pi->department;
        b->info[k].contact = contact ? contact : pi->contact;
    }
    free(seen);
    return b;
}

/* The department and contact of every clause of cr: built by the first answer that needs them
 * and kept with the catalog (the others wait for it meanwhile), unless a policy could not be read,
 * in which case *own is set and the caller frees the block after its answer (the next one tries
 * again). NULL when out of memory (the answer goes without them). */
static const struct clause_info *catalog_info(struct catalog_ref *cr, struct store *s,
                                              struct info_block **own) {
    *own = NULL;
    pthread_mutex_lock(&cr->info_mu);
    const struct clause_info *out = cr->info ? cr->info->info : NULL;
    if (!out) {
        bool is_complete;
        struct info_block *b = info_build(cr->cat, s, &is_complete);
        if (b && is_complete)
            cr->info = b;
        else
            *own = b;
        out = b ? b->info : NULL;
    }
    pthread_mutex_unlock(&cr->info_mu);
    return out;
}

static void add_policy_info(json_t *o, const struct clause_info *ci) {
    json_object_set_new(o, "department",
                        ci && ci->department ? json_string(ci->department) : json_null());
    json_object_set_new(o, "contact", ci && ci->contact ? json_string(ci->contact) : json_null());
}

/* An ineligible clause is nearly met when exactly one top-level condition (a conjunct of the
 * rule's AND, or the whole condition) is FALSE and every other is TRUE — match_nearly's definition.
 * The failing condition, its value for this enterprise and what the award would be go into o. */
static bool add_nearly(json_t *o, const struct match_catalog *c, const struct match_hit *h,
                       const struct profile *p, int32_t today) {
    const struct rule *r = c->rules[c->clause_of[h->clause]];
    const struct rule_version *v = r ? rules_version_at(r, today) : NULL;
    if (!v || !v->cond) return false;
    struct rule_cond *const *kids = &v->cond;
    int n = 1;
    if (v->cond->kind == RC_AND) kids = v->cond->kids, n = v->cond->n_kids;
    int n_false = 0, k = -1;
    for (int i = 0; i < n; i++) {
        enum tri t = rules_eval_cond(kids[i], p);
        if (t == TRI_UNKNOWN) return false;
        if (t == TRI_FALSE) n_false++, k = i;
    }
    if (n_false != 1) return false;
    struct buf b;
    buf_init(&b);
    rules_format_cond(kids[k], &b);
    json_object_set_new(o, "status", json_string("nearly"));
    json_object_set_new(o, "failing_condition", json_string(buf_str(&b)));
    buf_release(&b);
    struct rule_eval *ev = kids[k]->atom >= 0 ? malloc(sizeof *ev) : NULL;
    struct error err;
    if (ev && rules_eval(v, p, ev, &err) == 0)
        json_object_set_new(o, "failing", json_string(ev->atoms[kids[k]->atom].text));
    free(ev);
    int64_t fen;
    char buf[64];
    if (v->award && rules_award(v->award, p, &fen, NULL, 0)) {
        json_object_set_new(o, "award_fen", json_integer(fen));
        json_object_set_new(o, "award", json_string(money_format(fen, buf, sizeof buf)));
    }
    return true;
}

/* Every published clause for one derived profile: eligible and unknown explained; with is_nearly
 * the ineligible ones missing a single condition too, as status "nearly"; with is_all every other
 * ineligible one (unexplained). Each with its department and contact. */
static json_t *matches_json(struct store *s, struct catalog_ref *cr, const struct profile *p,
                            int32_t today, bool is_all, bool is_nearly, struct error *err) {
    const struct match_catalog *c = cr->cat;
    struct match_hit *hits = malloc((size_t)(c->n_in ? c->n_in : 1) * sizeof *hits);
    if (!hits || match_enterprise(c->set, p, hits)) {
        free(hits);
        error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        return NULL;
    }
    struct info_block *own;
    const struct clause_info *info = catalog_info(cr, s, &own);
    json_t *o = json_object(), *list = json_array();
    int n_e = 0, n_u = 0, n_n = 0;
    int64_t total = 0, closed = 0;
    for (int i = 0; i < c->n_in; i++) {
        const struct match_hit *h = &hits[i];
        bool is_in = h->result != TRI_FALSE;
        json_t *m = match_hit_json(c, h, p, is_in);
        if (!is_in && is_nearly && add_nearly(m, c, h, p, today)) {
            n_n++;
        } else if (!is_in && !is_all) {
            json_decref(m);
            continue;
        }
        n_e += h->result == TRI_TRUE;
        n_u += h->result == TRI_UNKNOWN;
        /* Money the firm can still apply for: a clause past its deadline is listed (marked) but
         * its award is not counted in the total. */
        const struct clause *cl = &c->clauses[c->clause_of[h->clause]];
        bool is_open = h->deadline == INT32_MAX || h->deadline >= today;
        json_object_set_new(m, "open", json_boolean(is_open));
        json_object_set_new(m, "exempt", json_boolean(cl->is_exempt));
        if (h->result == TRI_TRUE && h->has_award) *(is_open ? &total : &closed) += h->award_fen;
        add_policy_info(m, info ? &info[c->clause_of[h->clause]] : NULL);
        json_array_append_new(list, m);
    }
    char buf[64];
    json_object_set_new(o, "name", p->v[F_NAME].has ? json_string(p->v[F_NAME].s) : json_null());
    json_object_set_new(o, "clauses", json_integer(c->n_in));
    json_object_set_new(o, "eligible", json_integer(n_e));
    json_object_set_new(o, "unknown", json_integer(n_u));
    if (is_nearly) json_object_set_new(o, "nearly", json_integer(n_n));
    json_object_set_new(o, "eligible_total_fen", json_integer(total));
    json_object_set_new(o, "eligible_total", json_string(money_format(total, buf, sizeof buf)));
    json_object_set_new(o, "eligible_closed_fen", json_integer(closed));
    json_object_set_new(o, "matches", list);
    free(hits);
    info_block_free(own);
    return o;
}

/* The stored profile of {uscc}, or NULL with the answer sent. */
static struct profile *stored_profile(struct http_request *req, struct http_response *res,
                                      struct store **s) {
    const char *uscc = http_param(req, "uscc");
    const struct actor *who = http_actor(req);
    if (who->role == ROLE_ENTERPRISE && !auth_sees_enterprise(who, uscc, -1)) {
        http_reply_forbidden(res); /* before the store: not even whether it exists */
        return NULL;
    }
    if (!(*s = http_store(req, res))) return NULL;
    struct error err;
    error_clear(&err);
    struct profile *p = arena_alloc(http_arena(req), sizeof *p);
    if (!p) {
        http_reply_error(res, 500, "nomem", "内存不足", "out of memory");
        return NULL;
    }
    profile_clear(p);
    if (store_get_enterprise(*s, uscc, p, http_arena(req), NULL, &err)) {
        http_reply_err(res, 0, &err);
        return NULL;
    }
    if (!auth_sees_enterprise(who, uscc, p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1)) {
        http_reply_forbidden(res);
        return NULL;
    }
    return p;
}

/* GET /api/enterprises/{uscc}/matches?all=1 (ineligible clauses too, unexplained)&nearly=1 */
static void enterprise_matches(struct http_request *req, struct http_response *res) {
    const char *all = http_query(req, "all"), *nearly = http_query(req, "nearly");
    struct store *s;
    struct profile *p = stored_profile(req, res, &s);
    if (!p) return;
    struct catalog_ref *cat;
    struct index_gen *g = acquire(req, res, &cat);
    if (!g) return;
    int32_t today = index_gen_today(g);
    profile_derive(p, today, NULL);
    struct error err;
    error_clear(&err);
    json_t *o = matches_json(s, cat, p, today, all && strcmp(all, "1") == 0,
                             nearly && strcmp(nearly, "1") == 0, &err);
    if (o) {
        json_object_set_new(o, "uscc", json_string(http_param(req, "uscc")));
        http_reply_json(res, 200, o);
    } else {
        http_reply_err(res, 0, &err);
    }
    release(g, cat);
}

/* POST /api/enterprises/{uscc}/matches {"set": {field: value, …}}: the 政策计算器. The stored
 * profile with the given values changed (keys, labels or aliases; money with units, as in POST
 * /api/enterprises) is derived and matched as GET …/matches?nearly=1 would, and returned with the
 * changed profile and its derived fields explained. Nothing is stored. */
static void enterprise_matches_what_if(struct http_request *req, struct http_response *res) {
    json_t *body = http_body_json(req, res);
    if (!body) return;
    json_t *set = json_object_get(body, "set");
    if (set && !json_is_object(set)) {
        json_decref(body);
        http_reply_error(res, 400, "invalid", "set 应为 {字段: 值} 对象",
                         "set must be an object of field: value");
        return;
    }
    struct store *s;
    struct profile *p = stored_profile(req, res, &s);
    if (!p) {
        json_decref(body);
        return;
    }
    struct field_errors *errs = arena_alloc(http_arena(req), sizeof *errs);
    if (!errs) {
        json_decref(body);
        http_reply_error(res, 500, "nomem", "内存不足", "out of memory");
        return;
    }
    memset(errs, 0, sizeof *errs);
    if (set) {
        json_object_del(set, "uscc"); /* the enterprise is the one in the path */
        json_object_del(set, "fiscal_year");
        json_object_del(set, "history");
        profile_from_json(p, set, http_arena(req), errs);
    }
    json_decref(body);
    if (errs->n_total) {
        json_t *list = json_array();
        for (int i = 0; i < errs->n; i++) {
            json_t *f = json_object();
            json_object_set_new(f, "field", json_string(errs->items[i].field));
            json_object_set_new(f, "zh", json_string(errs->items[i].zh));
            json_object_set_new(f, "en", json_string(errs->items[i].en));
            json_array_append_new(list, f);
        }
        json_t *e = http_error_json("invalid", "有填写有误的值", "some values are invalid");
        json_object_set_new(json_object_get(e, "error"), "fields", list);
        http_reply_json(res, 422, e);
        return;
    }
    struct catalog_ref *cat;
    struct index_gen *g = acquire(req, res, &cat);
    if (!g) return;
    int32_t today = index_gen_today(g);
    struct derive_explain *ex = calloc(1, sizeof *ex);
    struct error err;
    error_clear(&err);
    json_t *o = NULL;
    if (!ex) {
        error_set(&err, ERR_NOMEM, "内存不足", "out of memory");
    } else {
        profile_derive(p, today, ex);
        o = matches_json(s, cat, p, today, false, true, &err);
    }
    if (o) {
        char day[16];
        json_object_set_new(o, "uscc", json_string(http_param(req, "uscc")));
        json_object_set_new(o, "profile", profile_to_json(p, ex));
        json_object_set_new(o, "evaluated_on", json_string(date_format(today, day, sizeof day)));
        http_reply_json(res, 200, o);
    } else {
        http_reply_err(res, 0, &err);
    }
    free(ex);
    release(g, cat);
}

void http_routes_match(struct http_router *r) {
    http_route(r, "POST", "/api/match/preview", preview, 64 * 1024);
    http_route(r, "GET", "/api/clauses/{id}/enterprises", clause_enterprises, 0);
    http_route(r, "GET", "/api/enterprises/{uscc}/matches", enterprise_matches, 0);
    http_route(r, "POST", "/api/enterprises/{uscc}/matches", enterprise_matches_what_if, 64 * 1024);
}
