/* Owns index generations: the current index behind one atomic pointer. Readers announce themselves
 * on one of two counters chosen by the epoch's parity and never block; a writer swaps the pointer,
 * flips the epoch, waits for the old epoch's readers to drain, then frees the old index. Writers
 * are serialised by a mutex (publishing is rare). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "search/search_internal.h"

struct search_engine {
    _Atomic(struct search_index *) current;
    atomic_uint_fast64_t epoch;
    atomic_uint_fast64_t readers[2];
    atomic_uint_fast64_t generation;
    pthread_mutex_t write_lock;
};

int search_engine_new(struct search_engine **out, struct error *err) {
    struct search_engine *e = calloc(1, sizeof *e);
    if (!e) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    atomic_init(&e->current, NULL);
    atomic_init(&e->epoch, 0);
    atomic_init(&e->readers[0], 0);
    atomic_init(&e->readers[1], 0);
    atomic_init(&e->generation, 0);
    pthread_mutex_init(&e->write_lock, NULL);
    *out = e;
    return 0;
}

void search_engine_free(struct search_engine *e) {
    if (!e) return;
    search_index_free(atomic_load(&e->current));
    pthread_mutex_destroy(&e->write_lock);
    free(e);
}

void search_engine_publish(struct search_engine *e, struct search_index *idx) {
    pthread_mutex_lock(&e->write_lock);
    struct search_index *old = atomic_exchange(&e->current, idx);
    uint_fast64_t ep = atomic_fetch_add(&e->epoch, 1);
    /* a reader that saw the old epoch may still hold old; one that enters now sees idx */
    while (atomic_load(&e->readers[ep & 1]) != 0)
        sched_yield();
    atomic_fetch_add(&e->generation, 1);
    pthread_mutex_unlock(&e->write_lock);
    search_index_free(old);
}

int search_engine_run(struct search_engine *e, const struct search_query *q, struct arena *a,
                      struct search_results *res, struct error *err) {
    uint_fast64_t ep;
    for (;;) {
        ep = atomic_load(&e->epoch);
        atomic_fetch_add(&e->readers[ep & 1], 1);
        if (atomic_load(&e->epoch) == ep) break;
        atomic_fetch_sub(&e->readers[ep & 1], 1);
    }
    const struct search_index *idx = atomic_load(&e->current);
    int rc =
        idx ? search_run(idx, q, a, res, err)
            : error_set(err, ERR_NOTFOUND, "搜索索引尚未建立", "no search index published yet");
    atomic_fetch_sub(&e->readers[ep & 1], 1);
    return rc;
}

uint64_t search_engine_generation(struct search_engine *e) {
    return (uint64_t)atomic_load(&e->generation);
}
