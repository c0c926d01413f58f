/* bench/http_serve: requests per second and p50/p99 latency of `duijie serve` over loopback with
 * keep-alive, for GET /api/enterprises/{uscc} and the list endpoint, next to the naive server: the
 * same HTTP stack and handlers, but each request opens the SQLite store and closes it again.
 * Figures go to bench/tmp/http_serve.json. HTTP_BENCH_N enterprises (default min(BENCH_N, 100000)).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "demo/demo.h"
#include "enterprise/enterprise.h"
#include "http/internal.h"
#include "refdata/refdata.h"
#include "store/store.h"

#define CLIENTS 4
#define SECONDS_PER_RUN 3.0

static char db_path[256];
static int n_enterprises;
static char (*usccs)[20];
static int qingdao_counties[16], n_counties;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_next(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* ---- the data: the demo's synthetic Qingdao (src/demo) ---- */

static int fill_store(int n) {
    struct store *st;
    struct error err;
    error_clear(&err);
    if (store_open(db_path, &st, &err) < 0) {
        fprintf(stderr, "store_open: %s\n", err.en);
        return -1;
    }
    for (int i = 0; i < region_count(); i++)
        if (region_at(i)->level == REGION_COUNTY &&
            region_at(region_at(i)->parent)->code == 370200 && n_counties < 16)
            qingdao_counties[n_counties++] = i;
    usccs = calloc((size_t)n, sizeof *usccs);
    if (!usccs || store_begin_bulk(st, &err) < 0) {
        store_close(st);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        struct profile p;
        struct demo_text t;
        profile_clear(&p);
        demo_enterprise(1, i, &p, &t);
        memcpy(usccs[i], t.uscc, sizeof usccs[i]);
        if (store_put_enterprise(st, &p, NULL, &err) < 0) {
            fprintf(stderr, "store_put_enterprise: %s\n", err.en);
            store_rollback(st);
            store_close(st);
            return -1;
        }
    }
    int rc = store_commit(st, &err);
    store_close(st);
    n_enterprises = n;
    return rc;
}

/* ---- the naive server: the very same handlers, but each request opens the store (SQLite) and
 * closes it again instead of borrowing a worker's open connection ---- */

static http_handler real_one, real_list;

static void naive(struct http_request *req, struct http_response *res, http_handler real) {
    struct error err;
    error_clear(&err);
    if (store_open(db_path, &req->store, &err) < 0) {
        http_reply_err(res, 500, &err);
        return;
    }
    real(req, res);
    store_close(req->store);
    req->store = NULL;
}

static void naive_one(struct http_request *req, struct http_response *res) {
    naive(req, res, real_one);
}

static void naive_list(struct http_request *req, struct http_response *res) {
    naive(req, res, real_list);
}

static http_handler route_fn(struct http_server *s, const char *pattern) {
    for (int i = 0; i < s->router.n; i++)
        if (strcmp(s->router.routes[i].method, "GET") == 0 &&
            strcmp(s->router.routes[i].pattern, pattern) == 0)
            return s->router.routes[i].fn;
    return NULL;
}

/* ---- the load generator: CLIENTS keep-alive connections ---- */

struct client {
    int port;
    int kind; /* 0 one, 1 list, 2 naive one, 3 naive list */
    uint64_t seed;
    double *lat;
    int n, cap;
    int n_bad;
};

static int connect_to(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends one GET and reads its whole response (Content-Length framing); the status or -1. */
static int roundtrip(int fd, const char *target, char *buf, size_t cap) {
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: bench\r\n\r\n", target);
    if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) return -1;
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        ssize_t k = recv(fd, buf + have, cap - 1 - have, 0);
        if (k <= 0) return -1;
        have += (size_t)k;
        buf[have] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    const char *cl = strcasestr(buf, "\r\nContent-Length:");
    size_t want = (size_t)(end - buf) + 4 + (cl ? strtoul(cl + 17, NULL, 10) : 0);
    while (have < want) {
        ssize_t k = recv(fd, buf + (have < cap - 1 ? have : 0),
                         have < cap - 1 ? cap - 1 - have : cap - 1, 0);
        if (k <= 0) return -1;
        have += (size_t)k;
    }
    int status = 0;
    sscanf(buf, "HTTP/1.1 %d", &status);
    return status;
}

static void target_for(struct client *c, char *t, size_t n) {
    int county = qingdao_counties[rng_next(&c->seed) % (uint64_t)n_counties];
    int page = 1 + (int)(rng_next(&c->seed) % 20);
    switch (c->kind) {
    case 0:
        snprintf(t, n, "/api/enterprises/%s", usccs[rng_next(&c->seed) % (uint64_t)n_enterprises]);
        break;
    case 1:
        snprintf(t, n, "/api/enterprises?region=%lld&page=%d", (long long)region_at(county)->code,
                 page);
        break;
    case 2:
        snprintf(t, n, "/api/naive/%s", usccs[rng_next(&c->seed) % (uint64_t)n_enterprises]);
        break;
    default:
        snprintf(t, n, "/api/naive?region=%lld&page=%d", (long long)region_at(county)->code, page);
    }
}

static void *client_run(void *p) {
    struct client *c = p;
    int fd = connect_to(c->port);
    if (fd < 0) return NULL;
    char *buf = malloc(1 << 20);
    double stop = now() + SECONDS_PER_RUN;
    while (now() < stop) {
        char t[256];
        target_for(c, t, sizeof t);
        double t0 = now();
        int status = roundtrip(fd, t, buf, 1 << 20);
        double dt = now() - t0;
        if (status != 200) {
            c->n_bad++;
            if (status < 0) break;
            continue;
        }
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 4096;
            c->lat = realloc(c->lat, (size_t)c->cap * sizeof *c->lat);
        }
        c->lat[c->n++] = dt;
    }
    free(buf);
    close(fd);
    return NULL;
}

static int dbl_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct result {
    double rps, p50_ms, p99_ms;
    int n_bad;
};

static struct result run(int port, int kind) {
    struct client cl[CLIENTS];
    pthread_t t[CLIENTS];
    double t0 = now();
    for (int i = 0; i < CLIENTS; i++) {
        cl[i] = (struct client){.port = port, .kind = kind, .seed = 7u + (uint64_t)i * 977u};
        pthread_create(&t[i], NULL, client_run, &cl[i]);
    }
    int total = 0, bad = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(t[i], NULL);
        total += cl[i].n;
        bad += cl[i].n_bad;
    }
    double secs = now() - t0;
    double *all = malloc((size_t)(total ? total : 1) * sizeof *all);
    int k = 0;
    for (int i = 0; i < CLIENTS; i++) {
        memcpy(all + k, cl[i].lat, (size_t)cl[i].n * sizeof *all);
        k += cl[i].n;
        free(cl[i].lat);
    }
    qsort(all, (size_t)total, sizeof *all, dbl_cmp);
    struct result r = {.rps = total / secs, .n_bad = bad};
    if (total) {
        r.p50_ms = all[total / 2] * 1e3;
        r.p99_ms = all[(int)((double)total * 0.99)] * 1e3;
    }
    free(all);
    return r;
}

int main(void) {
    const char *e = getenv("HTTP_BENCH_N");
    int n = e ? atoi(e) : 0;
    if (n <= 0) {
        const char *b = getenv("BENCH_N");
        n = b ? atoi(b) : 100000;
        if (n > 100000 || n <= 0) n = 100000;
    }
    struct error err;
    error_clear(&err);
    if (refdata_load(&err) < 0) return 1;
    snprintf(db_path, sizeof db_path, "/tmp/duijie_bench_http_%d.db", (int)getpid());
    double t0 = now();
    if (fill_store(n) < 0) return 1;
    printf("http_serve: %d enterprises stored in %.1f s\n", n, now() - t0);

    int threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    struct http_config cfg = {.port = 0, .db = db_path, .threads = threads < 2 ? 2 : threads};
    struct http_server *s;
    if (http_server_new(&cfg, &s, &err) < 0 || http_server_listen(s, &err) < 0) {
        fprintf(stderr, "server: %s\n", err.en);
        return 1;
    }
    real_one = route_fn(s, "/api/enterprises/{uscc}");
    real_list = route_fn(s, "/api/enterprises");
    if (!real_one || !real_list) return 1;
    http_route(&s->router, "GET", "/api/naive/{uscc}", naive_one, 0);
    http_route(&s->router, "GET", "/api/naive", naive_list, 0);
    int port = http_server_port(s);

    static const char *names[] = {"GET /api/enterprises/{uscc}",
                                  "GET /api/enterprises?region=&page="};
    static const char *keys[] = {"http_get_enterprise", "http_list_enterprises"};
    FILE *out = fopen("bench/tmp/http_serve.json", "w");
    if (out) fprintf(out, "{\"figures\": [\n");
    int status = 0;
    for (int i = 0; i < 2; i++) {
        struct result d = run(port, i), naive = run(port, i + 2);
        if (d.n_bad || naive.n_bad) status = 1;
        printf("%-36s duijie %8.0f req/s p50 %.3f ms p99 %.3f ms | naive (same handlers, SQLite "
               "opened per request) "
               "%8.0f req/s p50 %.3f ms p99 %.3f ms | ratio %.2fx\n",
               names[i], d.rps, d.p50_ms, d.p99_ms, naive.rps, naive.p50_ms, naive.p99_ms,
               naive.rps > 0 ? d.rps / naive.rps : 0);
        if (out)
            fprintf(
                out,
                "  {\"name\": \"%s (%d keep-alive clients, %d enterprises)\", \"duijie_ms\": %.4f, "
                "\"sqlite_ms\": %.4f, \"duijie_p99_ms\": %.4f, \"sqlite_p99_ms\": %.4f, "
                "\"duijie_rps\": %.0f, \"sqlite_rps\": %.0f, \"sqlite_is\": \"naive server: the "
                "same handlers, SQLite opened per request\", \"ratio\": %.2f}%s\n",
                keys[i], CLIENTS, n, d.p50_ms, naive.p50_ms, d.p99_ms, naive.p99_ms, d.rps,
                naive.rps, naive.rps > 0 ? d.rps / naive.rps : 0, i == 0 ? "," : "");
    }
    if (out) {
        fprintf(out, "]}\n");
        fclose(out);
    }
    http_server_free(s);
    char side[300];
    unlink(db_path);
    snprintf(side, sizeof side, "%s-wal", db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db_path);
    unlink(side);
    free(usccs);
    return status;
}
