/* Benchmark of the service network's assignment: every one of BENCH_N demo enterprises assigned to
 * a commissioner of the demo network (hub, 10 centres, 141 stations, 500 commissioners), computed
 * from the town by rendezvous hashing (network_assigned), next to the obvious alternative: storing
 * one row per enterprise (USCC → commissioner) in SQLite in one bulk transaction. Prints the
 * balance (fewest and most enterprises per commissioner). Figures go to bench/tmp/network.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demo/demo.h"
#include "network/network.h"
#include "store/store.h"

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

/* One row per enterprise in one transaction: what the assignment would cost stored. */
static double store_rows(struct store *s, const struct city *c, const int64_t *assigned) {
    struct error err;
    if (store_sql(s,
                  "CREATE TABLE bench_assign (uscc TEXT PRIMARY KEY, commissioner_id BIGINT NOT "
                  "NULL)",
                  NULL, 0, NULL, &err))
        die("create", &err);
    double t0 = clock_ms(CLOCK_MONOTONIC);
    if (store_begin(s, &err)) die("begin", &err);
    for (int64_t i = 0; i < c->n; i++) {
        struct store_val args[] = {store_val_text(c->uscc[i]), store_val_int(assigned[i])};
        if (store_sql(s, "INSERT INTO bench_assign (uscc, commissioner_id) VALUES (?, ?)", args, 2,
                      NULL, &err))
            die("insert", &err);
    }
    if (store_commit(s, &err)) die("commit", &err);
    return clock_ms(CLOCK_MONOTONIC) - t0;
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
    double sqlite_ms = store_rows(s, &c, assigned);
    printf("network_assign   %lld enterprises → %lld commissioners: duijie %.1f ms (cpu %.1f ms)"
           "   sqlite rows %.1f ms   ratio %.1fx\n",
           (long long)n, (long long)n_comm, ms, cpu, sqlite_ms, sqlite_ms / ms);
    printf("balance: unassigned %lld, per commissioner min %lld max %lld mean %lld\n",
           (long long)unassigned, (long long)lo, (long long)hi,
           (long long)(n_comm ? (n - unassigned) / n_comm : 0));
    mkdir("bench/tmp", 0755);
    FILE *f = fopen("bench/tmp/network.json", "w");
    if (!f) return 1;
    fprintf(f,
            "{\"network_n\": %lld, \"network_commissioners\": %lld, \"network_min\": %lld, "
            "\"network_max\": %lld, \"network_unassigned\": %lld, \"figures\": [{\"name\": "
            "\"network_assign\", \"duijie_ms\": %.1f, \"duijie_cpu_ms\": %.1f, \"sqlite_ms\": "
            "%.1f, \"ratio\": %.2f}]}\n",
            (long long)n, (long long)n_comm, (long long)lo, (long long)hi, (long long)unassigned,
            ms, cpu, sqlite_ms, sqlite_ms / ms);
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
