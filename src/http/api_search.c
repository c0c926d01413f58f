/* Owns GET /api/search: policy full-text search (政策搜索) over the store's published and expired
 * clauses. The index is built with src/search from the server's store on first use and rebuilt
 * when the clause count changes, a clause is published (http_search_invalidate) or another replica
 * writes (checked at most once a second; with PostgreSQL change notices notice.c rebuilds it,
 * http_search_rebuild); a new generation is built outside the lock, one at a time, and published
 * while searches go on reading the current one, so a search never waits for a rebuild. With uscc=
 * the hits are split by that enterprise's matching result (search_split_by_fit, shared with `duijie
 * search --enterprise`). Tokenising, ranking, snippets and the JSON of the results belong to
 * src/search; this file only reads the request and loads the store. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "enterprise/enterprise.h"
#include "http/internal.h"
#include "library/library.h"
#include "search/search.h"
#include "store/store.h"
#include "ticket/ticket.h"
#include "util/date.h"

#define RECHECK_SECONDS 1

static struct {
    pthread_mutex_t mu;   /* the fields below (not the engine's generations) */
    pthread_cond_t built; /* a build finished */
    struct search_lexicon *lex;
    struct search_engine *engine;
    const struct http_server *server;
    char db[512];
    int64_t n_clauses;
    uint64_t watch_version;
    time_t checked;
    uint64_t asked;     /* invalidations so far */
    uint64_t built_for; /* `asked` when the current generation started to build */
    uint64_t builds;    /* generations published */
    bool is_loaded, is_building;
} state = {.mu = PTHREAD_MUTEX_INITIALIZER, .built = PTHREAD_COND_INITIALIZER};

void http_search_invalidate(void) {
    pthread_mutex_lock(&state.mu);
    state.asked++;
    pthread_mutex_unlock(&state.mu);
}

/* With state.mu held and no build under way: reads every document from s and publishes a new
 * generation, outside the lock (state.is_building meanwhile, one build at a time: searches go on
 * reading the current generation and never wait for it). */
static int build_locked(const struct http_server *srv, struct store *s, int64_t n_c, uint64_t wv,
                        struct error *err) {
    int rc = 0;
    if (!state.lex && (rc = search_lexicon_new(&state.lex, err))) return rc;
    if (!state.engine && (rc = search_engine_new(&state.engine, err))) return rc;
    state.is_building = true;
    uint64_t asked = state.asked;
    pthread_mutex_unlock(&state.mu);
    struct search_doc_list docs;
    search_doc_list_init(&docs);
    struct search_index *idx = NULL;
    rc = search_load_store(&docs, s, err);
    if (!rc) rc = ticket_faq_search_docs(s, &docs, err); /* FAQ entries (src/ticket) */
    if (!rc) rc = library_search_docs(s, &docs, err);    /* documents (src/library) */
    if (!rc) rc = search_index_build(state.lex, docs.docs, docs.n_docs, &idx, err);
    search_doc_list_release(&docs);
    if (!rc) search_engine_publish(state.engine, idx); /* waits for the old one's readers only */
    pthread_mutex_lock(&state.mu);
    state.is_building = false;
    pthread_cond_broadcast(&state.built);
    if (rc) return rc;
    const char *db = srv->db ? srv->db : "";
    bool is_same = state.is_loaded && state.server == srv && strcmp(state.db, db) == 0;
    if (wv > state.watch_version || !is_same) state.watch_version = wv;
    state.server = srv;
    snprintf(state.db, sizeof state.db, "%s", db);
    state.n_clauses = n_c;
    state.built_for = asked;
    state.builds++;
    state.is_loaded = true;
    return 0;
}

/* With state.mu held: builds the index when it is missing or stale; while another request builds
 * one, answers from the current generation (a request with none waits for it). */
static int refresh_locked(struct http_request *req, struct store *s, struct error *err) {
    const struct http_server *srv = http_request_server(req);
    const char *db = srv->db ? srv->db : "";
    time_t now = time(NULL);
    uint64_t wv = http_watch_version(req); /* what the store read below reflects (replica.c) */
    /* with change notices, notice.c rebuilds for clause, policy, document and FAQ writes (an
     * enterprise's does not concern this index) */
    bool is_same = state.is_loaded && state.server == srv && strcmp(state.db, db) == 0 &&
                   (srv->watch || state.watch_version >= wv);
    bool is_stale = state.asked != state.built_for;
    if (is_same && !is_stale && (srv->watch || now - state.checked < RECHECK_SECONDS)) return 0;
    if (state.is_building) {
        if (state.is_loaded && state.server == srv) return 0;
        while (state.is_building)
            pthread_cond_wait(&state.built, &state.mu);
        return state.is_loaded
                   ? 0
                   : error_set(err, ERR_DB, "搜索索引加载失败", "the search index could not load");
    }
    int64_t n_c = store_count_clauses(s);
    state.checked = now;
    if (is_same && !is_stale && n_c == state.n_clauses) return 0;
    return build_locked(srv, s, n_c, wv, err);
}

int http_search_rebuild(const struct http_server *srv, struct store *s, struct error *err) {
    pthread_mutex_lock(&state.mu);
    while (state.is_building) /* it may have read the documents before the change */
        pthread_cond_wait(&state.built, &state.mu);
    int rc = 0;
    if (state.is_loaded && state.server == srv) {
        rc = build_locked(srv, s, store_count_clauses(s), state.watch_version, err);
        if (!rc) rc = 1;
    }
    pthread_mutex_unlock(&state.mu);
    return rc;
}

/* Adds "key=value" to the filter when the query argument is present and not empty. */
static int add_filter(struct http_request *req, const char *key, struct search_filter *f,
                      struct error *err) {
    const char *v = http_query(req, key);
    if (!v || !*v) return 0;
    struct arena *a = http_arena(req);
    size_t kl = strlen(key), vl = strlen(v);
    char *kv = arena_alloc(a, kl + vl + 2);
    if (!kv) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    memcpy(kv, key, kl);
    kv[kl] = '=';
    memcpy(kv + kl + 1, v, vl + 1);
    return search_filter_set(f, kv, a, err);
}

/* GET /api/search?q=&department=&region=&status=&kind=&limit=&offset=&uscc= */
static void search(struct http_request *req, struct http_response *res) {
    const char *q = http_query(req, "q");
    if (!q || !*q) {
        http_reply_error(res, 400, "invalid", "缺少 q(搜索内容)", "q (the query) is missing");
        return;
    }
    int64_t limit, offset;
    if (http_query_int(req, "limit", 10, 1, 100, &limit, res) ||
        http_query_int(req, "offset", 0, 0, 100000, &offset, res))
        return;
    struct error err;
    error_clear(&err);
    struct search_query sq = {
        .q = q, .limit = (int)limit, .offset = (int)offset, .today = SEARCH_NO_DATE};
    search_filter_init(&sq.filter);
    static const char *const keys[] = {"department", "region", "status", "kind"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (add_filter(req, keys[i], &sq.filter, &err)) {
            http_reply_err(res, 400, &err);
            return;
        }
    const char *uscc = http_query(req, "uscc");
    struct uscc_result u = {0};
    if (uscc && *uscc) {
        uscc_check(uscc, strlen(uscc), &u);
        if (!u.is_valid) {
            http_reply_error(res, 400, "invalid", "uscc 不是有效的统一社会信用代码",
                             "uscc is not a valid unified social credit code");
            return;
        }
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    pthread_mutex_lock(&state.mu);
    int rc = refresh_locked(req, s, &err);
    struct search_engine *e = state.engine;
    pthread_mutex_unlock(&state.mu);
    if (rc) {
        http_reply_err(res, 0, &err);
        return;
    }
    struct search_results r;
    rc = search_engine_run(e, &sq, http_arena(req), &r, &err);
    if (rc) {
        /* the query itself is bad (invalid UTF-8, an unclosed quote, nothing to search for) */
        http_reply_err(res, rc == ERR_UTF8 || rc == ERR_PARSE || rc == ERR_TOO_LARGE ? 400 : 0,
                       &err);
        return;
    }
    /* an enterprise named: its hits split into 可申报 / 可能符合 / 不符合 by the matching engine */
    if (u.is_valid && (rc = search_split_by_fit(s, u.code, date_today(), &r, &err))) {
        http_reply_err(res, 0, &err);
        return;
    }
    struct buf b;
    buf_init(&b);
    search_results_json(&r, &b);
    http_reply_text(res, 200, "application/json; charset=utf-8", buf_str(&b), b.len);
    buf_release(&b);
}

void http_routes_search(struct http_router *r) {
    http_route(r, "GET", "/api/search", search, 0);
}
