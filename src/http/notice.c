/* Owns what a server does with the change notices of a PostgreSQL database it shares with other
 * replicas (store_watch: the payloads store_pg.c's triggers send): one thread per server takes
 * them off the watch's queue, a batch at a time, and
 *   - "enterprise put|del USCC …": reads exactly those enterprises from the primary (a connection
 *     of its own) and applies them to the match index (http_match_note_enterprise, the API write
 *     path's, or http_match_note_removed); no reload;
 *   - "enterprise all" (a bulk write): builds a whole new index generation in the background while
 *     requests go on reading the current one;
 *   - "policy", "clause": reloads the clause catalog and rebuilds the search index, here and now
 *     (both are swapped in as a new generation while requests go on with the current one; no
 *     request has to arrive, or wait, for it);
 *   - "library_doc", "ticket_faq" (documents, FAQ entries): rebuilds the search index;
 *   - "*" (the LISTEN connection was lost and is back, or the queue overflowed): a full reload, and
 *     until it is done the health endpoint says the index is stale (503).
 * Each payload starts with the primary's clock at the write (store_pg.c); per kind of change this
 * records when the newest applied one was written and when it was applied (wall clock, ms), and
 * keeps the last NOTICE_RECENT applications, so GET /api/health ("notices", "freshness") says how
 * fresh this server is, measured on the server and not through a request queue. It also counts
 * what it did. How notices are heard is store_pg_watch.c's; the index and catalog are
 * api_match.c's and api_search.c's. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enterprise/enterprise.h"
#include "http/internal.h"
#include "store/store.h"
#include "util/arena.h"

#define NOTICE_BATCH 1024    /* payloads taken off the queue before acting on them */
#define NOTICE_ROWS_MAX 4096 /* more named rows in one batch: a full reload instead */
#define NOTICE_RETRY_MS 1000 /* after a failure (the database away), try again this late */
#define NOTICE_USCC_LEN 18
#define NOTICE_RECENT 256 /* applications kept for GET /api/health?notices=recent */

/* What a notice changed, for the freshness records. */
enum fresh_kind { FRESH_ENTERPRISE, FRESH_CATALOG, FRESH_SEARCH, FRESH_RELOAD, FRESH_N };
static const char *const fresh_names[FRESH_N] = {"enterprise", "catalog", "search", "reload"};

/* The newest application of one kind: written (the primary's clock in the payload) and applied
 * (this server's, when the new rows or generation were in place), ms since 1970. */
struct fresh {
    int64_t n, committed_ms, applied_ms, max_lag_ms;
};

struct recent {
    enum fresh_kind kind;
    char uscc[NOTICE_USCC_LEN + 1]; /* "" but for an enterprise */
    int64_t committed_ms, applied_ms;
};

struct notice_state {
    struct http_server *srv;
    pthread_t thread;
    atomic_bool is_stopping;
    atomic_bool is_stale;     /* changes went unheard: the index may be stale until reloaded */
    atomic_bool is_reloading; /* a full reload is being built */
    struct store *store;      /* owned; the primary, opened on first need */
    atomic_uint_fast64_t heard, rows_applied, rows_removed, full_reloads, catalog_reloads, failures;
    atomic_int_fast64_t last_apply_ms, last_reload_ms;
    pthread_mutex_t fresh_mu; /* fresh and recent */
    struct fresh fresh[FRESH_N];
    struct recent recent[NOTICE_RECENT]; /* a ring: the newest at (n_recent - 1) % NOTICE_RECENT */
    int64_t n_recent;
};

struct named {
    char uscc[NOTICE_USCC_LEN + 1];
    int64_t committed_ms;
};

/* What one batch of payloads asks for; *_ms: the newest write's clock of that kind (0 none). */
struct batch {
    bool is_everything; /* "*" */
    bool is_all_enterprises;
    bool is_catalog; /* clauses or policies: the catalog and the search index */
    bool is_search;  /* documents or FAQ entries: the search index */
    int64_t all_ms, catalog_ms, search_ms;
    struct named *usccs;
    int n, cap;
};

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int64_t wall_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t); /* the clock the primary's clock_timestamp() reads */
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int64_t max64(int64_t a, int64_t b) {
    return a > b ? a : b;
}

static void add_uscc(struct batch *b, const char *s, size_t len, int64_t ms) {
    if (len != NOTICE_USCC_LEN || b->is_all_enterprises) {
        b->is_all_enterprises |= len != NOTICE_USCC_LEN; /* not one we can name: reload */
        return;
    }
    if (b->n == NOTICE_ROWS_MAX) {
        b->is_all_enterprises = true;
        return;
    }
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 64;
        void *p = realloc(b->usccs, (size_t)cap * sizeof *b->usccs);
        if (!p) {
            b->is_all_enterprises = true;
            return;
        }
        b->usccs = p;
        b->cap = cap;
    }
    memcpy(b->usccs[b->n].uscc, s, len);
    b->usccs[b->n].uscc[len] = 0;
    b->usccs[b->n++].committed_ms = ms;
}

/* Adds one payload ("MS " and what changed) to the batch; an unknown one asks for everything (a
 * newer replica's format). */
static void parse(struct batch *b, const char *p) {
    int64_t ms = 0;
    if (*p >= '0' && *p <= '9') {
        char *e;
        long long v = strtoll(p, &e, 10);
        if (*e == ' ' && v > 0) {
            ms = v;
            p = e + 1;
        }
    }
    if (strcmp(p, "policy") == 0 || strcmp(p, "clause") == 0) {
        b->is_catalog = true;
        b->catalog_ms = max64(b->catalog_ms, ms);
        return;
    }
    if (strcmp(p, "library_doc") == 0 || strcmp(p, "ticket_faq") == 0) {
        b->is_search = true;
        b->search_ms = max64(b->search_ms, ms);
        return;
    }
    if (strcmp(p, "enterprise all") == 0) {
        b->is_all_enterprises = true;
        b->all_ms = max64(b->all_ms, ms);
        return;
    }
    if (strncmp(p, "enterprise put ", 15) == 0 || strncmp(p, "enterprise del ", 15) == 0) {
        /* put or del alike: the row is read back, and one that is gone is removed */
        for (const char *s = p + 15; *s;) {
            const char *e = strchr(s, ' ');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (len) add_uscc(b, s, len, ms);
            s += len + (e ? 1 : 0);
        }
        return;
    }
    b->is_everything = true;
    b->all_ms = max64(b->all_ms, ms);
}

/* By USCC, the newest write of each first. */
static int cmp_uscc(const void *a, const void *b) {
    const struct named *x = a, *y = b;
    int c = memcmp(x->uscc, y->uscc, NOTICE_USCC_LEN);
    return c ? c : (x->committed_ms < y->committed_ms) - (x->committed_ms > y->committed_ms);
}

/* Records that a change of kind written at committed_ms (0: unknown) is applied now. */
static void note_applied(struct notice_state *n, enum fresh_kind kind, const char *uscc,
                         int64_t committed_ms, int64_t applied_ms) {
    pthread_mutex_lock(&n->fresh_mu);
    struct fresh *f = &n->fresh[kind];
    f->n++;
    if (committed_ms >= f->committed_ms) {
        f->committed_ms = committed_ms;
        f->applied_ms = applied_ms;
    }
    if (committed_ms > 0) f->max_lag_ms = max64(f->max_lag_ms, applied_ms - committed_ms);
    struct recent *r = &n->recent[n->n_recent++ % NOTICE_RECENT];
    r->kind = kind;
    snprintf(r->uscc, sizeof r->uscc, "%s", uscc ? uscc : "");
    r->committed_ms = committed_ms;
    r->applied_ms = applied_ms;
    pthread_mutex_unlock(&n->fresh_mu);
}

static int open_store(struct notice_state *n, struct error *err) {
    if (n->store) return 0;
    return store_open(n->srv->db, &n->store, err);
}

/* Reads each named enterprise from the primary and applies it to the index (or removes it). */
static int apply_rows(struct notice_state *n, struct batch *b, struct error *err) {
    qsort(b->usccs, (size_t)b->n, sizeof *b->usccs, cmp_uscc);
    struct profile *p = malloc(sizeof *p);
    if (!p) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    struct arena a;
    arena_init(&a, 4096);
    int rc = 0;
    for (int i = 0; !rc && i < b->n; i++) {
        const struct named *u = &b->usccs[i];
        if (i > 0 && memcmp(u->uscc, b->usccs[i - 1].uscc, NOTICE_USCC_LEN) == 0) continue;
        int64_t id = 0;
        struct error e;
        error_clear(&e);
        int g = store_get_enterprise(n->store, u->uscc, p, &a, &id, &e);
        if (g == 0) {
            http_match_note_enterprise(n->srv, id, p);
            atomic_fetch_add(&n->rows_applied, 1);
            note_applied(n, FRESH_ENTERPRISE, u->uscc, u->committed_ms, wall_ms());
        } else if (g == ERR_NOTFOUND) {
            http_match_note_removed(n->srv, u->uscc);
            atomic_fetch_add(&n->rows_removed, 1);
            note_applied(n, FRESH_ENTERPRISE, u->uscc, u->committed_ms, wall_ms());
        } else {
            *err = e;
            rc = g;
        }
        arena_release(&a);
        arena_init(&a, 4096);
    }
    arena_release(&a);
    free(p);
    return rc;
}

/* Acts on one batch; on failure the batch is kept (the caller retries it as a whole). */
static int apply(struct notice_state *n, struct batch *b, struct error *err) {
    int rc = open_store(n, err);
    if (rc) return rc;
    int64_t t0 = now_ms();
    if (b->is_everything || b->is_all_enterprises) {
        atomic_store(&n->is_reloading, true);
        rc = http_match_reload(n->srv, n->store, err);
        atomic_store(&n->is_reloading, false);
        if (rc < 0) return rc;
        if (rc > 0) { /* (none before the first request loads the index) */
            atomic_fetch_add(&n->full_reloads, 1);
            atomic_store(&n->last_reload_ms, now_ms() - t0);
            note_applied(n, FRESH_RELOAD, NULL, b->all_ms, wall_ms());
        }
        /* its clauses (and FAQ, documents) may have changed too */
        int64_t ms = max64(b->all_ms, max64(b->catalog_ms, b->search_ms));
        if ((rc = http_search_rebuild(n->srv, n->store, err)) < 0) return rc;
        if (rc > 0) note_applied(n, FRESH_SEARCH, NULL, ms, wall_ms());
        atomic_store(&n->is_stale, false);
        return 0;
    }
    if (b->n) {
        rc = apply_rows(n, b, err);
        if (rc) return rc;
        atomic_store(&n->last_apply_ms, now_ms() - t0);
        b->n = 0; /* (applied: a retry of the rest does not repeat them) */
    }
    if (b->is_catalog) {
        if ((rc = http_match_reload_catalog(n->srv, n->store, err)) < 0) return rc;
        if (rc > 0) note_applied(n, FRESH_CATALOG, NULL, b->catalog_ms, wall_ms());
        atomic_fetch_add(&n->catalog_reloads, 1);
        b->is_catalog = false;
        b->is_search = true;
        b->search_ms = max64(b->search_ms, b->catalog_ms);
    }
    if (b->is_search) {
        if ((rc = http_search_rebuild(n->srv, n->store, err)) < 0) return rc;
        if (rc > 0) note_applied(n, FRESH_SEARCH, NULL, b->search_ms, wall_ms());
        b->is_search = false;
    }
    return 0;
}

static void *notice_main(void *arg) {
    struct notice_state *n = arg;
    struct batch b = {0};
    bool is_pending = false; /* b failed and waits for a retry */
    while (!atomic_load(&n->is_stopping)) {
        char *p = NULL;
        int got = store_watch_next(n->srv->watch, is_pending ? NOTICE_RETRY_MS : 1000, &p);
        for (int k = 0; got == 1 && k < NOTICE_BATCH; k++) {
            atomic_fetch_add(&n->heard, 1);
            parse(&b, p);
            if (strcmp(p, "*") == 0) atomic_store(&n->is_stale, true);
            free(p);
            got = store_watch_next(n->srv->watch, 0, &p);
        }
        if (got == 1) {
            /* the batch is full: this one waits for the next */
            atomic_fetch_add(&n->heard, 1);
            parse(&b, p);
            if (strcmp(p, "*") == 0) atomic_store(&n->is_stale, true);
            free(p);
        }
        if (atomic_load(&n->is_stopping)) break;
        if (!b.is_everything && !b.is_all_enterprises && !b.is_catalog && !b.is_search && !b.n)
            continue;
        struct error err;
        error_clear(&err);
        if (apply(n, &b, &err) == 0) {
            free(b.usccs);
            b = (struct batch){0};
            is_pending = false;
        } else {
            atomic_fetch_add(&n->failures, 1);
            is_pending = true;
            if (b.is_everything || b.is_all_enterprises) atomic_store(&n->is_stale, true);
            store_close(n->store); /* reopened at the retry */
            n->store = NULL;
        }
    }
    free(b.usccs);
    return NULL;
}

int notice_start(struct http_server *s, struct error *err) {
    if (!s->watch) return 0;
    struct notice_state *n = calloc(1, sizeof *n);
    if (!n) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    n->srv = s;
    pthread_mutex_init(&n->fresh_mu, NULL);
    if (pthread_create(&n->thread, NULL, notice_main, n) != 0) {
        pthread_mutex_destroy(&n->fresh_mu);
        free(n);
        return error_set(err, ERR_NOMEM, "无法创建线程", "cannot start a thread");
    }
    s->notice = n;
    return 0;
}

void notice_stop(struct http_server *s) {
    struct notice_state *n = s->notice;
    if (!n) return;
    atomic_store(&n->is_stopping, true);
    store_watch_stop(s->watch);
    pthread_join(n->thread, NULL);
    store_close(n->store);
    pthread_mutex_destroy(&n->fresh_mu);
    free(n);
    s->notice = NULL;
}

bool notice_is_stale(const struct http_server *s) {
    return s->notice && atomic_load(&s->notice->is_stale);
}

static json_t *ms_or_null(int64_t ms) {
    return ms > 0 ? json_integer((json_int_t)ms) : json_null();
}

/* "freshness": per kind, how many applied, the newest one's written/applied clocks and lag, the
 * largest lag seen; with_recent: the last NOTICE_RECENT applications, oldest first. */
static void health_freshness(struct notice_state *n, json_t *o, bool with_recent) {
    json_t *f = json_object();
    pthread_mutex_lock(&n->fresh_mu);
    for (int k = 0; k < FRESH_N; k++) {
        const struct fresh *x = &n->fresh[k];
        json_t *e = json_object();
        json_object_set_new(e, "applied", json_integer((json_int_t)x->n));
        json_object_set_new(e, "committed_at_ms", ms_or_null(x->committed_ms));
        json_object_set_new(e, "applied_at_ms", ms_or_null(x->applied_ms));
        json_object_set_new(e, "lag_ms",
                            x->committed_ms > 0 && x->applied_ms > 0
                                ? json_integer(x->applied_ms - x->committed_ms)
                                : json_null());
        json_object_set_new(e, "max_lag_ms", json_integer((json_int_t)x->max_lag_ms));
        json_object_set_new(f, fresh_names[k], e);
    }
    json_t *r = with_recent ? json_array() : NULL;
    int64_t first = n->n_recent > NOTICE_RECENT ? n->n_recent - NOTICE_RECENT : 0;
    for (int64_t i = first; r && i < n->n_recent; i++) {
        const struct recent *x = &n->recent[i % NOTICE_RECENT];
        json_t *e = json_object();
        json_object_set_new(e, "kind", json_string(fresh_names[x->kind]));
        if (x->uscc[0]) json_object_set_new(e, "uscc", json_string(x->uscc));
        json_object_set_new(e, "committed_at_ms", ms_or_null(x->committed_ms));
        json_object_set_new(e, "applied_at_ms", ms_or_null(x->applied_ms));
        json_array_append_new(r, e);
    }
    pthread_mutex_unlock(&n->fresh_mu);
    json_object_set_new(o, "freshness", f);
    if (r) json_object_set_new(o, "recent", r);
}

json_t *notice_health(const struct http_server *s, bool with_recent) {
    struct notice_state *n = s->notice;
    json_t *o = json_object();
    if (!n) return o;
    json_object_set_new(o, "heard", json_integer((json_int_t)atomic_load(&n->heard)));
    json_object_set_new(o, "rows_applied", json_integer((json_int_t)atomic_load(&n->rows_applied)));
    json_object_set_new(o, "rows_removed", json_integer((json_int_t)atomic_load(&n->rows_removed)));
    json_object_set_new(o, "full_reloads", json_integer((json_int_t)atomic_load(&n->full_reloads)));
    json_object_set_new(o, "catalog_reloads",
                        json_integer((json_int_t)atomic_load(&n->catalog_reloads)));
    json_object_set_new(o, "failures", json_integer((json_int_t)atomic_load(&n->failures)));
    json_object_set_new(o, "last_apply_ms",
                        json_integer((json_int_t)atomic_load(&n->last_apply_ms)));
    json_object_set_new(o, "last_reload_ms",
                        json_integer((json_int_t)atomic_load(&n->last_reload_ms)));
    json_object_set_new(o, "reloading", json_boolean(atomic_load(&n->is_reloading)));
    json_object_set_new(o, "stale", json_boolean(atomic_load(&n->is_stale)));
    json_object_set_new(o, "now_ms", json_integer((json_int_t)wall_ms()));
    health_freshness(n, o, with_recent);
    return o;
}
