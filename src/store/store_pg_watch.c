/* Owns the change notices of a PostgreSQL database shared by many replicas: one thread holds a
 * connection that LISTENs on the channel the store's triggers NOTIFY (store_pg.c creates them),
 * counts notices into a version and queues their payloads for store_watch_next, and when the
 * connection is lost says so and reconnects every second, bumping the version and queueing "*"
 * once it is back (what changed in between was not heard). Knows no tables; what a reader does
 * with a payload (apply rows to its index, reload) is the reader's (src/http/notice.c). */
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store_impl.h"

struct store_watch {
    char *uri;        /* owned */
    pthread_t thread; /* runs watch_main until stop */
    int wake[2];      /* a pipe: a byte on wake[1] stops the thread */
    atomic_uint_fast64_t version;
    atomic_bool is_connected;
    pthread_mutex_t mu; /* the queue */
    pthread_cond_t cv;  /* a payload was queued, or stop */
    char **queue;       /* owned payloads, oldest first, from head */
    int head, n, cap;   /* queue[head .. head + n) */
    bool is_stopping;
};

/* More waiting than this and they are replaced by one "*": a reader that far behind reloads. */
#define WATCH_QUEUE_MAX 4096

static void queue_clear_locked(struct store_watch *w) {
    for (int i = 0; i < w->n; i++)
        free(w->queue[w->head + i]);
    w->head = w->n = 0;
}

/* Queues a copy of payload ("*" when it cannot: the reader then reloads everything). */
static void enqueue(struct store_watch *w, const char *payload) {
    char *c = strdup(payload);
    pthread_mutex_lock(&w->mu);
    if (!c || w->n >= WATCH_QUEUE_MAX) {
        free(c);
        queue_clear_locked(w);
        c = strdup("*");
    }
    if (c && w->head + w->n == w->cap) {
        if (w->head > 0) {
            memmove(w->queue, w->queue + w->head, (size_t)w->n * sizeof *w->queue);
            w->head = 0;
        } else {
            int cap = w->cap ? w->cap * 2 : 64;
            char **q = realloc(w->queue, (size_t)cap * sizeof *q);
            if (q) {
                w->queue = q;
                w->cap = cap;
            }
        }
    }
    if (c && w->head + w->n < w->cap)
        w->queue[w->head + w->n++] = c;
    else
        free(c); /* out of memory with a full queue: the version still moved */
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* Waits up to ms for the socket fd (or -1: none) or the stop pipe; true when asked to stop. */
static bool wait_or_stop(struct store_watch *w, int fd, int ms, bool *is_readable) {
    struct pollfd p[2] = {{.fd = w->wake[0], .events = POLLIN}, {.fd = fd, .events = POLLIN}};
    int n = poll(p, fd >= 0 ? 2 : 1, ms);
    if (is_readable)
        *is_readable = n > 0 && fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR));
    return n > 0 && (p[0].revents & POLLIN);
}

/* Connects with TCP keepalives, so that a peer gone silent is noticed within seconds too. */
static PGconn *watch_connect(const char *uri) {
    const char *const keys[] = {"dbname",           "keepalives_idle", "keepalives_interval",
                                "keepalives_count", "connect_timeout", NULL};
    const char *const values[] = {uri, "5", "2", "2", "5", NULL};
    PGconn *c = PQconnectdbParams(keys, values, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    PGresult *r = PQexec(c, "LISTEN " STORE_PG_CHANNEL);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

static void *watch_main(void *arg) {
    struct store_watch *w = arg;
    for (;;) {
        PGconn *c = watch_connect(w->uri);
        if (c) {
            atomic_store(&w->is_connected, true);
            atomic_fetch_add(&w->version, 1); /* anything may have changed while away */
            enqueue(w, "*");
            bool is_lost = false;
            while (!is_lost) {
                bool is_readable = false;
                if (wait_or_stop(w, PQsocket(c), 1000, &is_readable)) {
                    PQfinish(c);
                    return NULL;
                }
                if (!is_readable) continue;
                is_lost = !PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK;
                PGnotify *n;
                while ((n = PQnotifies(c))) {
                    atomic_fetch_add(&w->version, 1);
                    enqueue(w, n->extra ? n->extra : "*");
                    PQfreemem(n);
                }
            }
            atomic_store(&w->is_connected, false);
            PQfinish(c);
        }
        if (wait_or_stop(w, -1, 1000, NULL)) return NULL;
    }
}

int store_pg_watch_new(const char *uri, struct store_watch **out, struct error *err) {
    *out = NULL;
    struct store_watch *w = calloc(1, sizeof *w);
    if (!w || !(w->uri = strdup(uri))) {
        free(w);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    atomic_init(&w->version, 0);
    atomic_init(&w->is_connected, false);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pipe(w->wake) != 0) {
        free(w->uri);
        free(w);
        return error_set(err, ERR_IO, "无法创建管道", "cannot create a pipe");
    }
    if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
        close(w->wake[0]);
        close(w->wake[1]);
        free(w->uri);
        free(w);
        return error_set(err, ERR_NOMEM, "无法创建线程", "cannot start a thread");
    }
    *out = w;
    return 0;
}

void store_watch_free(struct store_watch *w) {
    if (!w) return;
    ssize_t n = write(w->wake[1], "x", 1);
    (void)n;
    pthread_join(w->thread, NULL);
    close(w->wake[0]);
    close(w->wake[1]);
    queue_clear_locked(w);
    free(w->queue);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w->uri);
    free(w);
}

void store_watch_stop(struct store_watch *w) {
    pthread_mutex_lock(&w->mu);
    w->is_stopping = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

int store_watch_next(struct store_watch *w, int timeout_ms, char **payload) {
    *payload = NULL;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->mu);
    while (!w->n && !w->is_stopping)
        if (pthread_cond_timedwait(&w->cv, &w->mu, &until) != 0) break;
    int got = 0;
    if (w->n && !w->is_stopping) {
        *payload = w->queue[w->head++];
        if (--w->n == 0) w->head = 0;
        got = 1;
    }
    pthread_mutex_unlock(&w->mu);
    return got;
}

uint64_t store_watch_version(const struct store_watch *w) {
    return atomic_load(&((struct store_watch *)w)->version);
}

bool store_watch_is_connected(const struct store_watch *w) {
    return atomic_load(&((struct store_watch *)w)->is_connected);
}
