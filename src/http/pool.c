/* Owns the server's store connections: one per worker thread, opened at start (the first opening
 * migrates the schema; SQLite runs in WAL so readers never block the writer), handed to a request
 * on its first http_store call and given back when its handler returns. A request waits only
 * when every connection is busy. */
#include <stdlib.h>

#include "http/internal.h"
#include "store/store.h"

int pool_open(struct store_pool *p, const char *db, int n, struct error *err) {
    p->stores = calloc((size_t)n, sizeof *p->stores);
    p->free_slots = calloc((size_t)n, sizeof *p->free_slots);
    if (!p->stores || !p->free_slots) {
        free(p->stores);
        free(p->free_slots);
        p->stores = NULL;
        p->free_slots = NULL;
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (int i = 0; i < n; i++) {
        int rc = store_open(db, &p->stores[i], err);
        if (rc < 0) {
            p->n = i;
            pool_close(p);
            return rc;
        }
        p->free_slots[i] = i;
    }
    p->n = p->n_free = n;
    return 0;
}

void pool_close(struct store_pool *p) {
    for (int i = 0; i < p->n; i++)
        store_close(p->stores[i]);
    free(p->stores);
    free(p->free_slots);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    p->stores = NULL;
    p->free_slots = NULL;
    p->n = p->n_free = 0;
}

struct store *pool_take(struct store_pool *p, int *slot) {
    pthread_mutex_lock(&p->mu);
    while (p->n_free == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    *slot = p->free_slots[--p->n_free];
    pthread_mutex_unlock(&p->mu);
    return p->stores[*slot];
}

void pool_give(struct store_pool *p, int slot) {
    pthread_mutex_lock(&p->mu);
    p->free_slots[p->n_free++] = slot;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}
