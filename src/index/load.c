/* Owns loading a generation from the store: one id-order scan, each profile derived for the
 * evaluation date and added to a builder. A big store is loaded on two threads: the scan (SQL rows
 * decoded into profiles) hands batches of profiles to a second thread that derives them and stages
 * them in the builder, so decoding and deriving overlap. Does not own the columns (build.c). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"
#include "store/store.h"

#define BATCH 256   /* profiles handed over at a time */
#define N_BATCHES 3 /* in flight between the scan and the worker */

/* The smallest store loaded on two threads (index_set_load_pipeline_min). */
static _Atomic uint32_t pipeline_min = 50000;

void index_set_load_pipeline_min(uint32_t n) {
    atomic_store(&pipeline_min, n);
}

/* ---- one thread ---- */

struct load_ctx {
    struct index_builder *b;
    int32_t today;
    struct profile *p; /* scratch: the scan's profile is const and shared */
    struct error *err;
    int rc; /* the builder's failure: the scan stops on it but reports success */
};

static int load_one(void *arg, int64_t id, const struct profile *p) {
    struct load_ctx *c = arg;
    memcpy(c->p, p, sizeof *p);
    profile_derive(c->p, c->today, NULL);
    c->rc = index_builder_add(c->b, id, c->p, c->err);
    return c->rc;
}

/* ---- two threads ---- */

struct batch {
    int n;
    int64_t id[BATCH];
    char uscc[BATCH][24]; /* the scan's strings do not outlive its callback: the USCC is copied */
    struct profile p[BATCH];
};

struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct batch *b[N_BATCHES];
    bool is_full[N_BATCHES]; /* handed to the worker, not yet taken back */
    int fill;                /* the batch the scan writes */
    int take;                /* the batch the worker reads next */
    bool is_done;            /* the scan ended: the worker drains and stops */
    bool is_failed;          /* the worker failed: the scan stops */
    int rc;
    struct error werr; /* the worker's error */
    struct index_builder *builder;
    int32_t today;
};

/* Hands batch k to the worker and waits for the next batch to be free. False when the worker
 * failed. */
static bool pipe_hand(struct pipe *x) {
    pthread_mutex_lock(&x->mu);
    x->is_full[x->fill] = true;
    x->fill = (x->fill + 1) % N_BATCHES;
    pthread_cond_broadcast(&x->cv);
    while (x->is_full[x->fill] && !x->is_failed)
        pthread_cond_wait(&x->cv, &x->mu);
    bool ok = !x->is_failed;
    pthread_mutex_unlock(&x->mu);
    x->b[x->fill]->n = 0;
    return ok;
}

static int pipe_one(void *arg, int64_t id, const struct profile *p) {
    struct pipe *x = arg;
    struct batch *b = x->b[x->fill];
    int i = b->n;
    struct profile *q = &b->p[i];
    memcpy(q, p, sizeof *p);
    b->id[i] = id;
    /* text values point into the scan's row: only the USCC is indexed, so it is kept, the others
     * dropped */
    for (int f = 0; f < F_COUNT; f++)
        if (schema_field((enum field_id)f)->type == FT_TEXT && f != F_USCC) {
            q->v[f].has = false;
            q->v[f].s = NULL;
        }
    const char *u = p->v[F_USCC].has && p->v[F_USCC].s ? p->v[F_USCC].s : "";
    size_t len = strnlen(u, sizeof b->uscc[i] - 1);
    memcpy(b->uscc[i], u, len);
    b->uscc[i][len] = 0;
    q->v[F_USCC].s = b->uscc[i];
    if (++b->n < BATCH) return 0;
    return pipe_hand(x) ? 0 : -1;
}

static void *pipe_worker(void *arg) {
    struct pipe *x = arg;
    for (;;) {
        pthread_mutex_lock(&x->mu);
        while (!x->is_full[x->take] && !x->is_done)
            pthread_cond_wait(&x->cv, &x->mu);
        bool has = x->is_full[x->take];
        pthread_mutex_unlock(&x->mu);
        if (!has) return NULL; /* done, and nothing left */
        struct batch *b = x->b[x->take];
        int rc = 0;
        for (int i = 0; i < b->n && !rc; i++) {
            profile_derive(&b->p[i], x->today, NULL);
            rc = index_builder_add(x->builder, b->id[i], &b->p[i], &x->werr);
        }
        pthread_mutex_lock(&x->mu);
        x->is_full[x->take] = false;
        x->take = (x->take + 1) % N_BATCHES;
        if (rc) {
            x->rc = rc;
            x->is_failed = true;
        }
        pthread_cond_broadcast(&x->cv);
        pthread_mutex_unlock(&x->mu);
        if (rc) return NULL;
    }
}

/* The scan on this thread, deriving and staging on a second one. */
static int load_pipelined(struct store *s, struct index_builder *b, int32_t today,
                          struct error *err) {
    struct pipe x = {.builder = b, .today = today};
    int rc = 0;
    for (int k = 0; k < N_BATCHES && !rc; k++)
        if (!(x.b[k] = malloc(sizeof *x.b[k]))) rc = ERR_NOMEM;
    if (rc) {
        for (int k = 0; k < N_BATCHES; k++)
            free(x.b[k]);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    x.b[0]->n = 0;
    error_clear(&x.werr);
    pthread_mutex_init(&x.mu, NULL);
    pthread_cond_init(&x.cv, NULL);
    pthread_t th;
    if (pthread_create(&th, NULL, pipe_worker, &x)) {
        rc = error_set(err, ERR_NOMEM, "无法创建线程", "cannot start a thread");
    } else {
        rc = store_scan_enterprises(s, pipe_one, &x, err);
        bool ok = true;
        if (!rc && x.b[x.fill]->n > 0) ok = pipe_hand(&x); /* the last, partial batch */
        pthread_mutex_lock(&x.mu);
        x.is_done = true;
        pthread_cond_broadcast(&x.cv);
        pthread_mutex_unlock(&x.mu);
        pthread_join(th, NULL);
        if (x.rc || !ok) { /* the worker's failure (the scan only saw its callback refuse) */
            *err = x.werr;
            rc = x.rc ? x.rc : ERR_NOMEM;
        }
    }
    pthread_cond_destroy(&x.cv);
    pthread_mutex_destroy(&x.mu);
    for (int k = 0; k < N_BATCHES; k++)
        free(x.b[k]);
    return rc;
}

int index_load(struct store *s, int32_t today, struct index_gen **out, struct error *err) {
    struct load_ctx c = {NULL, today, malloc(sizeof(struct profile)), err, 0};
    if (!c.p) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int rc = index_builder_new(today, &c.b, err);
    int64_t n = store_count_enterprises(s);
    if (!rc && n > 0 && n < UINT32_MAX && (rc = index_builder_reserve(c.b, (uint32_t)n, err)))
        index_builder_free(c.b);
    if (!rc) {
        if (n >= (int64_t)atomic_load(&pipeline_min)) {
            rc = load_pipelined(s, c.b, today, err);
        } else {
            rc = store_scan_enterprises(s, load_one, &c, err);
            if (!rc) rc = c.rc;
        }
        if (rc)
            index_builder_free(c.b);
        else
            rc = index_builder_finish(c.b, out, err);
    }
    free(c.p);
    return rc;
}
