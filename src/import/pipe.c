/* Owns the import's writer thread (pipe.h): batches of copied profiles handed from the reading
 * thread to the writing one. Knows nothing of files or of SQL. */
#include "import/pipe.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

#define PIPE_BATCH 256 /* profiles handed over at once */
#define PIPE_BATCHES 4 /* batches in flight: one filling, the rest queued or being written */

struct batch {
    struct profile *p; /* PIPE_BATCH of them */
    int n;
    struct arena text; /* the batch's copied strings */
};

struct import_pipe {
    const struct import_sink *sink;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct batch b[PIPE_BATCHES];
    int head;    /* the batch the reader fills */
    int tail;    /* the next batch the writer takes */
    int n_ready; /* batches handed over and not yet written */
    bool is_done;
    atomic_int rc; /* the first write error, 0 while none */
    struct error err;
    int64_t stored;
};

static void *writer(void *arg) {
    struct import_pipe *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->n_ready == 0 && !p->is_done)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->n_ready == 0) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        struct batch *b = &p->b[p->tail];
        pthread_mutex_unlock(&p->mu);
        for (int i = 0; i < b->n && !atomic_load(&p->rc); i++) {
            int rc = p->sink->put(p->sink->ctx, &b->p[i], &p->err);
            if (rc)
                atomic_store(&p->rc, rc);
            else
                p->stored++;
        }
        pthread_mutex_lock(&p->mu);
        p->tail = (p->tail + 1) % PIPE_BATCHES;
        p->n_ready--;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

static void free_batches(struct import_pipe *p) {
    for (int i = 0; i < PIPE_BATCHES; i++) {
        free(p->b[i].p);
        arena_release(&p->b[i].text);
    }
}

int import_pipe_start(struct import_pipe **out, const struct import_sink *sink, struct error *err) {
    *out = NULL;
    struct import_pipe *p = calloc(1, sizeof *p);
    if (!p) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    p->sink = sink;
    error_clear(&p->err);
    bool ok = true;
    for (int i = 0; i < PIPE_BATCHES; i++) {
        p->b[i].p = malloc(PIPE_BATCH * sizeof *p->b[i].p);
        arena_init(&p->b[i].text, 16384);
        ok = ok && p->b[i].p;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (!ok || pthread_create(&p->thread, NULL, writer, p) != 0) {
        free_batches(p);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p);
        return error_set(err, ERR_NOMEM, "无法启动写入线程", "cannot start the writer thread");
    }
    *out = p;
    return 0;
}

/* Hands the filled batch to the writer and waits for a free one. */
static void hand_over(struct import_pipe *p) {
    pthread_mutex_lock(&p->mu);
    p->n_ready++;
    pthread_cond_broadcast(&p->cv);
    while (p->n_ready == PIPE_BATCHES)
        pthread_cond_wait(&p->cv, &p->mu);
    p->head = (p->head + 1) % PIPE_BATCHES;
    pthread_mutex_unlock(&p->mu);
    struct batch *b = &p->b[p->head];
    b->n = 0;
    arena_release(&b->text);
}

static bool copy_text(struct arena *a, struct value *v, int n) {
    for (int f = 0; f < n; f++)
        if (v[f].has && v[f].s && !(v[f].s = arena_strdup(a, v[f].s))) return false;
    return true;
}

static int failed(struct import_pipe *p, int rc, struct error *err) {
    if (err) *err = p->err;
    return rc;
}

int import_pipe_push(struct import_pipe *p, const struct profile *prof, struct error *err) {
    int rc = atomic_load(&p->rc);
    if (rc) return failed(p, rc, err);
    struct batch *b = &p->b[p->head];
    struct profile *q = &b->p[b->n];
    memcpy(q, prof, sizeof *q);
    bool ok = copy_text(&b->text, q->v, F_COUNT);
    for (int k = 0; ok && k < PROFILE_HISTORY; k++)
        ok = copy_text(&b->text, q->hist[k], F_COUNT);
    if (!ok) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (++b->n == PIPE_BATCH) hand_over(p);
    return 0;
}

int import_pipe_finish(struct import_pipe *p, int64_t *stored, struct error *err) {
    pthread_mutex_lock(&p->mu);
    if (p->b[p->head].n > 0) p->n_ready++;
    p->is_done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    int rc = atomic_load(&p->rc);
    if (rc && err) *err = p->err;
    if (stored) *stored = p->stored;
    free_batches(p);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return rc;
}
