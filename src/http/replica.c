/* Owns read routing to a PostgreSQL streaming replica (`duijie serve --db-read`): the one table of
 * routes whose reads may be served by the replica, the replica's pool of connections, choosing each
 * request's connection, read-your-writes, and the replica's figures in GET /api/health.
 *
 * Rules (docs/DEPLOY.md):
 *   - Writes always go to the primary: only the routes in read_routes below ever get a replica
 *     connection, and the replica is a hot standby that refuses writes anyway.
 *   - A change notice (store_watch: another server's or this one's write) moves the watch version;
 *     before a replica connection serves a request after that, the replica must have replayed the
 *     primary's WAL up to the position read after the notice, or the request goes to the primary.
 *     So an index (re)load from the replica never reads data older than the notice that caused it.
 *   - After a successful write the client gets a cookie with the primary's WAL position; its
 *     later reads go to the replica only once the replica has replayed that far (read-your-writes
 *     across servers: any server can check the position).
 *   - A replica that fails to answer is left alone for REPLICA_RETRY_SECONDS; reads go to the
 *     primary meanwhile and the health endpoint says so.
 * Owns no SQL of its own: the WAL positions are store_read.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/internal.h"
#include "store/store.h"

#define REPLICA_WAIT_MS 1000       /* the most a read waits for the replica to catch up */
#define REPLICA_OPEN_WAIT_MS 30000 /* at start: for the replica to have the primary's schema */
#define REPLICA_RETRY_SECONDS 5    /* after a failure, reads go to the primary this long */
#define REPLICA_COOKIE "duijie_lsn"

_Static_assert(sizeof((struct replica_sync *)0)->target_lsn == STORE_LSN_MAX, "lsn size");

/* The reads a replica may serve: they write nothing, and a replica a moment behind the primary
 * gives an answer that was true a moment ago (the watch and the cookie bound how old). The index
 * and catalog loads of the match and search endpoints run inside these requests, so they read the
 * replica too. Any route not listed (every write, sessions, imports) uses the primary. */
static const struct {
    const char *method, *pattern;
} read_routes[] = {
    {"GET", "/api/search"},
    {"POST", "/api/match/preview"}, /* a rule evaluated on the index: reads only */
    {"GET", "/api/clauses/{id}/enterprises"},
    {"GET", "/api/enterprises/{uscc}/matches"},
    {"GET", "/api/enterprises"},
    {"GET", "/api/enterprises/{uscc}"},
    {"GET", "/api/policies"},
    {"GET", "/api/policies/{id}"},
    {"GET", "/api/clauses/{id}"},
};

void replica_mark_routes(struct http_router *r) {
    for (int i = 0; i < r->n; i++) {
        struct route *rt = &r->routes[i];
        rt->is_replica_read = false;
        for (size_t k = 0; k < sizeof read_routes / sizeof *read_routes; k++)
            if (strcmp(rt->method, read_routes[k].method) == 0 &&
                strcmp(rt->pattern, read_routes[k].pattern) == 0)
                rt->is_replica_read = true;
    }
}

int replica_open(struct http_server *s, struct error *err) {
    struct store_pool *p = &s->read_pool;
    if (!s->pool.n || store_kind(s->pool.stores[0]) != STORE_POSTGRES)
        return error_set(err, ERR_UNSUPPORTED, "--db-read 需要 PostgreSQL 主库 (--db postgres://…)",
                         "--db-read needs a PostgreSQL primary (--db postgres://…)");
    char lsn[STORE_LSN_MAX];
    int rc = store_wal_lsn(s->pool.stores[0], lsn, sizeof lsn, err);
    if (rc) return rc;
    int n = s->pool.n;
    p->stores = calloc((size_t)n, sizeof *p->stores);
    p->free_slots = calloc((size_t)n, sizeof *p->free_slots);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (!p->stores || !p->free_slots) {
        pool_close(p);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; i < n; i++) {
        /* the first waits for the replica to hold the schema the primary's pool just migrated */
        rc = store_open_read(s->db_read, i == 0 ? lsn : NULL, REPLICA_OPEN_WAIT_MS, &p->stores[i],
                             err);
        if (rc) {
            p->n = i;
            pool_close(p);
            return rc;
        }
        p->free_slots[i] = i;
    }
    p->n = p->n_free = n;
    return 0;
}

void replica_close(struct http_server *s) {
    if (s->read_pool.n) pool_close(&s->read_pool);
}

/* The value of the cookie named name in the Cookie header, copied into out; false when absent. */
static bool cookie_value(const struct http_request *req, const char *name, char *out, size_t cap) {
    const char *h = http_header(req, "Cookie");
    size_t nl = strlen(name);
    for (const char *p = h; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t vl = len - nl - 1;
            if (vl >= cap) return false;
            memcpy(out, p + nl + 1, vl);
            out[vl] = 0;
            return true;
        }
        p += len;
    }
    return false;
}

static void mark_down(struct http_server *s) {
    pthread_mutex_lock(&s->sync.mu);
    s->sync.down_until = (int64_t)time(NULL) + REPLICA_RETRY_SECONDS;
    pthread_mutex_unlock(&s->sync.mu);
}

/* Reads the primary's WAL position for watch version wv (read before it), so that replica reads
 * wait for it. */
static int fetch_target(struct http_server *s, uint64_t wv) {
    int slot;
    struct store *p = pool_take(&s->pool, &slot);
    char lsn[STORE_LSN_MAX];
    int rc = store_wal_lsn(p, lsn, sizeof lsn, NULL);
    pool_give(&s->pool, slot);
    if (rc) return rc;
    pthread_mutex_lock(&s->sync.mu);
    if (wv > s->sync.target_version) {
        s->sync.target_version = wv;
        memcpy(s->sync.target_lsn, lsn, sizeof lsn);
    }
    pthread_mutex_unlock(&s->sync.mu);
    return 0;
}

/* 1 when the replica connection r may serve req (caught up with the last change notice and with
 * the client's own writes), 0 when it is behind, negative when it failed. *version gets the watch
 * version its data reflects. */
static int is_caught_up(struct http_request *req, struct store *r, uint64_t *version) {
    struct replica_sync *y = &req->server->sync;
    int64_t now = (int64_t)time(NULL);
    char lsn[STORE_LSN_MAX];
    pthread_mutex_lock(&y->mu);
    uint64_t target = y->target_version, synced = y->synced_version;
    memcpy(lsn, y->target_lsn, sizeof lsn);
    bool is_check_due = now - y->checked >= 1;
    pthread_mutex_unlock(&y->mu);
    int rc = 1;
    if (target > synced) {
        for (int waited = 0; (rc = store_replayed(r, lsn, NULL)) == 0 && waited < REPLICA_WAIT_MS;
             waited += 5)
            nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
        if (rc <= 0) return rc;
        synced = target;
    } else if (is_check_due) {
        /* once a second: does it answer at all (a stopped replica fails here, not in a handler) */
        if ((rc = store_replayed(r, "0/0", NULL)) < 0) return rc;
    }
    pthread_mutex_lock(&y->mu);
    if (synced > y->synced_version) y->synced_version = synced;
    y->checked = now;
    pthread_mutex_unlock(&y->mu);
    *version = synced;
    char mine[STORE_LSN_MAX];
    if (cookie_value(req, REPLICA_COOKIE, mine, sizeof mine) && store_lsn_is_valid(mine))
        return store_replayed(r, mine, NULL); /* read-your-writes: 0 sends it to the primary */
    return 1;
}

static struct store *take_replica(struct http_request *req, uint64_t wv) {
    struct http_server *s = req->server;
    pthread_mutex_lock(&s->sync.mu);
    bool is_down = (int64_t)time(NULL) < s->sync.down_until;
    bool is_new_change = wv > s->sync.target_version;
    pthread_mutex_unlock(&s->sync.mu);
    if (is_down) return NULL;
    if (is_new_change && fetch_target(s, wv)) return NULL; /* the primary answers the request */
    int slot;
    struct store *r = pool_take(&s->read_pool, &slot);
    uint64_t version = 0;
    int rc = is_caught_up(req, r, &version);
    if (rc <= 0) {
        pool_give(&s->read_pool, slot);
        if (rc < 0) mark_down(s);
        return NULL;
    }
    req->store_pool = &s->read_pool;
    req->store_slot = slot;
    req->watch_version = version;
    return r;
}

struct store *replica_take(struct http_request *req) {
    struct http_server *s = req->server;
    if (!s->pool.n) return NULL;
    /* read before the connection is used: what it reads is at least this new */
    uint64_t wv = s->watch ? store_watch_version(s->watch) : 0;
    if (s->read_pool.n && req->route && req->route->is_replica_read) {
        struct store *r = take_replica(req, wv);
        if (r) return r;
    }
    req->store_pool = &s->pool;
    req->watch_version = wv;
    return pool_take(&s->pool, &req->store_slot);
}

uint64_t http_watch_version(const struct http_request *req) {
    return req->watch_version;
}

void replica_after(struct http_request *req, struct http_response *res) {
    struct http_server *s = req->server;
    if (!s->read_pool.n || !req->store || req->store_pool != &s->pool) return;
    if (strcmp(req->method, "GET") == 0 || res->status >= 400) return;
    char lsn[STORE_LSN_MAX];
    if (store_wal_lsn(req->store, lsn, sizeof lsn, NULL)) return;
    char v[128];
    snprintf(v, sizeof v, REPLICA_COOKIE "=%s; Path=/; Max-Age=600; HttpOnly; SameSite=Strict",
             lsn);
    http_add_header(res, "Set-Cookie", v);
}

json_t *replica_health(struct http_request *req) {
    struct http_server *s = req->server;
    json_t *o = json_object();
    int slot;
    struct store *r = pool_take(&s->read_pool, &slot);
    struct store_replica_status st;
    struct error err;
    error_clear(&err);
    int rc = store_replica_status(r, &st, &err);
    pool_give(&s->read_pool, slot);
    if (rc) {
        mark_down(s);
        json_object_set_new(o, "status", json_string("unreachable"));
        json_object_set_new(o, "error", json_string(err.en));
        return o;
    }
    pthread_mutex_lock(&s->sync.mu);
    bool is_down = (int64_t)time(NULL) < s->sync.down_until;
    pthread_mutex_unlock(&s->sync.mu);
    json_object_set_new(o, "status", json_string(is_down ? "retrying" : "ok"));
    json_object_set_new(o, "standby", json_boolean(st.is_standby));
    json_object_set_new(o, "replay_lsn", json_string(st.replay_lsn));
    json_object_set_new(o, "lag_ms", st.lag_ms >= 0 ? json_integer(st.lag_ms) : json_null());
    int64_t behind = 0;
    struct store *p = req->store_pool == &s->pool ? req->store : NULL;
    if (p && st.replay_lsn[0] && store_wal_bytes_behind(p, st.replay_lsn, &behind, NULL) == 0)
        json_object_set_new(o, "behind_bytes", json_integer(behind));
    return o;
}
