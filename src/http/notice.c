/* Owns what a server does with the change notices of a PostgreSQL database it shares with other
 * replicas (store_watch: the payloads store_pg.c's triggers send): one thread per server takes
 * them off the watch's queue, a batch at a time, and
 *   - "enterprise put|del USCC …": reads exactly those enterprises from the primary (a connection
 *     of its own) and applies them to the match index (http_match_note_enterprise, the API write
 *     path's, or http_match_note_removed); no reload;
 *   - "enterprise all" (a bulk write): builds a whole new index generation in the background while
 *     requests go on reading the current one;
 *   - "policy", "clause": marks the catalog and the search index stale (small; reloaded by the next
 *     request that needs them);
 *   - "*" (the LISTEN connection was lost and is back, or the queue overflowed): a full reload, and
 *     until it is done the health endpoint says the index is stale (503).
 * It also counts what it did, for GET /api/health ("notices"). How notices are heard is
 * store_pg_watch.c's; the index and catalog are api_match.c's and api_search.c's. */
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

struct notice_state {
    struct http_server *srv;
    pthread_t thread;
    atomic_bool is_stopping;
    atomic_bool is_stale;     /* changes went unheard: the index may be stale until reloaded */
    atomic_bool is_reloading; /* a full reload is being built */
    struct store *store;      /* owned; the primary, opened on first need */
    atomic_uint_fast64_t heard, rows_applied, rows_removed, full_reloads, catalog_reloads, failures;
    atomic_int_fast64_t last_apply_ms, last_reload_ms;
};

/* What one batch of payloads asks for. */
struct batch {
    bool is_everything; /* "*" */
    bool is_all_enterprises;
    bool is_catalog;
    char (*usccs)[NOTICE_USCC_LEN + 1];
    int n, cap;
};

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void add_uscc(struct batch *b, const char *s, size_t len) {
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
    memcpy(b->usccs[b->n], s, len);
    b->usccs[b->n++][len] = 0;
}

/* Adds one payload to the batch; an unknown one asks for everything (a newer replica's format). */
static void parse(struct batch *b, const char *p) {
    if (strcmp(p, "policy") == 0 || strcmp(p, "clause") == 0) {
        b->is_catalog = true;
        return;
    }
    if (strcmp(p, "enterprise all") == 0) {
        b->is_all_enterprises = true;
        return;
    }
    if (strncmp(p, "enterprise put ", 15) == 0 || strncmp(p, "enterprise del ", 15) == 0) {
        /* put or del alike: the row is read back, and one that is gone is removed */
        for (const char *s = p + 15; *s;) {
            const char *e = strchr(s, ' ');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (len) add_uscc(b, s, len);
            s += len + (e ? 1 : 0);
        }
        return;
    }
    b->is_everything = true;
}

static int cmp_uscc(const void *a, const void *b) {
    return memcmp(a, b, NOTICE_USCC_LEN);
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
        if (i > 0 && memcmp(b->usccs[i], b->usccs[i - 1], NOTICE_USCC_LEN) == 0) continue;
        int64_t id = 0;
        struct error e;
        error_clear(&e);
        int g = store_get_enterprise(n->store, b->usccs[i], p, &a, &id, &e);
        if (g == 0) {
            http_match_note_enterprise(n->srv, id, p);
            atomic_fetch_add(&n->rows_applied, 1);
        } else if (g == ERR_NOTFOUND) {
            http_match_note_removed(n->srv, b->usccs[i]);
            atomic_fetch_add(&n->rows_removed, 1);
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
        http_search_invalidate(); /* its clauses (and FAQ, documents) may have changed too */
        if (rc > 0) {             /* (none before the first request loads the index) */
            atomic_fetch_add(&n->full_reloads, 1);
            atomic_store(&n->last_reload_ms, now_ms() - t0);
        }
        atomic_store(&n->is_stale, false);
        return 0;
    }
    if (b->n) {
        rc = apply_rows(n, b, err);
        if (rc) return rc;
        atomic_store(&n->last_apply_ms, now_ms() - t0);
    }
    if (b->is_catalog) {
        http_match_invalidate(); /* the next match or search request reloads them (small) */
        http_search_invalidate();
        atomic_fetch_add(&n->catalog_reloads, 1);
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
        if (!b.is_everything && !b.is_all_enterprises && !b.is_catalog && !b.n) continue;
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
    if (pthread_create(&n->thread, NULL, notice_main, n) != 0) {
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
    free(n);
    s->notice = NULL;
}

bool notice_is_stale(const struct http_server *s) {
    return s->notice && atomic_load(&s->notice->is_stale);
}

json_t *notice_health(const struct http_server *s) {
    const struct notice_state *n = s->notice;
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
    return o;
}
