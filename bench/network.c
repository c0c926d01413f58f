/* Benchmark of the service network: every one of BENCH_N demo enterprises assigned to a
 * commissioner of the demo network (hub, 10 centres, 141 stations, 500 commissioners), computed
 * from the town by rendezvous hashing (network_assigned), next to the obvious alternative: storing
 * one row per enterprise (USCC → commissioner) in SQLite in one bulk transaction; and a
 * commissioner's queue (network_queue: the rows of its towns from the index's bitmaps, each
 * evaluated against every published demo clause) next to the naive way of finding its enterprises
 * (every row of the city checked for its commissioner, then the same evaluation). Prints the
 * balance (fewest and most enterprises per commissioner). Figures go to bench/tmp/network.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demo/demo.h"
#include "index/index.h"
#include "match/match.h"
#include "network/network.h"
#include "store/store.h"
#include "util/date.h"

static double clock_ms(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void die(const char *what, const struct error *e) {
    char buf[900];
    fprintf(stderr, "bench network: %s: %s\n", what, error_format(e, buf, sizeof buf));
    exit(1);
}

struct city {
    char (*uscc)[20];
    int *region;
    int64_t n;
};

static void generate(struct city *c, int64_t n) {
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    c->uscc = malloc((size_t)n * sizeof *c->uscc);
    c->region = malloc((size_t)n * sizeof *c->region);
    if (!p || !c->uscc || !c->region) exit(1);
    c->n = n;
    for (int64_t i = 0; i < n; i++) {
        demo_enterprise(1, i, p, &t);
        memcpy(c->uscc[i], t.uscc, 20);
        c->region[i] = p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
    }
    free(p);
}

/* One row per enterprise in one transaction: what the assignment would cost stored. Wall time;
 * *cpu gets the CPU time (SQLite runs in this process). */
static double store_rows(struct store *s, const struct city *c, const int64_t *assigned,
                         double *cpu) {
    struct error err;
    if (store_sql(s,
                  "CREATE TABLE bench_assign (uscc TEXT PRIMARY KEY, commissioner_id BIGINT NOT "
                  "NULL)",
                  NULL, 0, NULL, &err))
        die("create", &err);
    double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    if (store_begin(s, &err)) die("begin", &err);
    for (int64_t i = 0; i < c->n; i++) {
        struct store_val args[] = {store_val_text(c->uscc[i]), store_val_int(assigned[i])};
        if (store_sql(s, "INSERT INTO bench_assign (uscc, commissioner_id) VALUES (?, ?)", args, 2,
                      NULL, &err))
            die("insert", &err);
    }
    if (store_commit(s, &err)) die("commit", &err);
    *cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
    return clock_ms(CLOCK_MONOTONIC) - t0;
}

/* The index of the same enterprises (derived for today), built in memory. */
static struct index_gen *build_index(int64_t n, int32_t today) {
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    struct index_builder *b;
    struct index_gen *g = NULL;
    struct error err;
    if (!p || index_builder_new(today, &b, &err)) die("index", &err);
    for (int64_t i = 0; i < n; i++) {
        demo_enterprise(1, i, p, &t);
        profile_derive(p, today, NULL);
        if (index_builder_add(b, i + 1, p, &err)) die("index add", &err);
    }
    if (index_builder_finish(b, &g, &err)) die("index finish", &err);
    free(p);
    return g;
}

/* The naive queue's first step: every row of the city, its commissioner checked. */
static int64_t naive_rows(const struct network *net, const struct index_gen *g, int64_t c) {
    int64_t found = 0;
    for (uint32_t row = 0; row < index_gen_rows(g); row++) {
        char uscc[20];
        struct value reg;
        index_row_uscc(g, row, uscc, sizeof uscc);
        index_row_value(g, row, F_REGION, &reg);
        found += network_assigned(net, uscc, reg.has ? (int)reg.i : -1) == c;
    }
    return found;
}

/* Queues of k commissioners (spread over the list): time per queue, and the naive way's. */
static void queues(struct store *s, const struct network *net, int64_t n, double *ms,
                   double *naive_ms, int64_t *mean_total) {
    struct error err;
    int32_t today = date_today();
    int np, nc;
    if (demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err) ||
        demo_generate_clauses(s, 1, 200, &err))
        die("clauses", &err);
    struct match_catalog *cat;
    if (match_catalog_load(s, today, &cat, &err)) die("catalog", &err);
    struct index_gen *g = build_index(n, today);
    enum { K = 10 };
    int64_t picked[K], k = 0, sum = 0;
    for (int i = 0, seen = 0; i < net->n_units && k < K; i++)
        if (net->units[i].kind == NETWORK_COMMISSIONER && seen++ % 50 == 0)
            picked[k++] = net->units[i].id;
    /* CPU time: on a shared machine wall time says more about the neighbours */
    double t0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < k; i++) {
        struct network_queue q;
        if (network_queue(net, g, cat, picked[i], NULL, 1, 20, &q, &err)) die("queue", &err);
        sum += q.total;
        network_queue_release(&q);
    }
    *ms = (clock_ms(CLOCK_PROCESS_CPUTIME_ID) - t0) / (double)k;
    /* naive: the scan to find the commissioner's rows (the evaluation after it is the same work
     * as network_queue's, so it is added from the measured queue time) */
    t0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    int64_t found = 0;
    for (int i = 0; i < 2 && i < k; i++)
        found += naive_rows(net, g, picked[i]);
    *naive_ms = (clock_ms(CLOCK_PROCESS_CPUTIME_ID) - t0) / 2 + *ms;
    *mean_total = k ? sum / k : 0;
    printf("queue: %d commissioners, %lld enterprises with something to bring on average "
           "(%lld rows scanned to check)\n",
           (int)k, (long long)*mean_total, (long long)found);
    index_gen_release(g);
    match_catalog_free(cat);
}

int main(void) {
    const char *env = getenv("BENCH_N");
    int64_t n = env ? atoll(env) : 200000;
    if (n < 1000) n = 1000;
    char dir[] = "/tmp/duijie-bench-network-XXXXXX", path[128];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/net.db", dir);
    struct store *s;
    struct error err;
    if (store_open(path, &s, &err)) die("open", &err);
    if (demo_network(s, 1, n, 500, "data/demo/policies.json", &err)) die("demo", &err);
    struct network *net;
    if (network_load(s, &net, &err)) die("load", &err);
    struct city c;
    generate(&c, n);
    int64_t *assigned = malloc((size_t)n * sizeof *assigned);
    int64_t *count = calloc((size_t)net->n_units, sizeof *count);
    if (!assigned || !count) return 1;
    double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    for (int64_t i = 0; i < n; i++)
        assigned[i] = network_assigned(net, c.uscc[i], c.region[i]);
    double ms = clock_ms(CLOCK_MONOTONIC) - t0, cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
    int64_t unassigned = 0, lo = INT64_MAX, hi = 0, n_comm = 0;
    for (int64_t i = 0; i < n; i++) {
        const struct network_unit *u = network_unit(net, assigned[i]);
        if (u)
            count[u - net->units]++;
        else
            unassigned++;
    }
    for (int i = 0; i < net->n_units; i++) {
        if (net->units[i].kind != NETWORK_COMMISSIONER) continue;
        n_comm++;
        lo = count[i] < lo ? count[i] : lo;
        hi = count[i] > hi ? count[i] : hi;
    }
    double sqlite_cpu;
    double sqlite_ms = store_rows(s, &c, assigned, &sqlite_cpu);
    double queue_ms, naive_ms;
    int64_t queue_total;
    queues(s, net, n, &queue_ms, &naive_ms, &queue_total);
    printf("network_assign   %lld enterprises → %lld commissioners: duijie %.1f ms (cpu %.1f ms)"
           "   sqlite rows %.1f ms (cpu %.1f ms)   ratio %.1fx wall, %.1fx cpu\n",
           (long long)n, (long long)n_comm, ms, cpu, sqlite_ms, sqlite_cpu, sqlite_ms / ms,
           sqlite_cpu / cpu);
    printf("balance: unassigned %lld, per commissioner min %lld max %lld mean %lld\n",
           (long long)unassigned, (long long)lo, (long long)hi,
           (long long)(n_comm ? (n - unassigned) / n_comm : 0));
    printf(
        "network_queue    one commissioner of %lld: duijie cpu %.1f ms   naive scan cpu %.1f ms   "
        "ratio %.1fx\n",
        (long long)n_comm, queue_ms, naive_ms, naive_ms / queue_ms);
    mkdir("bench/tmp", 0755);
    FILE *f = fopen("bench/tmp/network.json", "w");
    if (!f) return 1;
    fprintf(f,
            "{\"network_n\": %lld, \"network_commissioners\": %lld, \"network_min\": %lld, "
            "\"network_max\": %lld, \"network_unassigned\": %lld, \"figures\": [{\"name\": "
            "\"network_assign\", \"duijie_ms\": %.1f, \"duijie_cpu_ms\": %.1f, \"sqlite_ms\": "
            "%.1f, \"sqlite_cpu_ms\": %.1f, \"ratio\": %.2f, \"cpu_ratio\": %.2f}, {\"name\": "
            "\"network_queue\", \"duijie_cpu_ms\": %.1f, "
            "\"naive_cpu_ms\": %.1f, \"ratio\": %.2f, \"queue_total\": %lld}]}\n",
            (long long)n, (long long)n_comm, (long long)lo, (long long)hi, (long long)unassigned,
            ms, cpu, sqlite_ms, sqlite_cpu, sqlite_ms / ms, sqlite_cpu / cpu, queue_ms, naive_ms,
            naive_ms / queue_ms, (long long)queue_total);
    fclose(f);
    network_free(net);
    store_close(s);
    free(count);
    free(assigned);
    free(c.uscc);
    free(c.region);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
