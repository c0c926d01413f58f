/* Benchmark of the SQLite store: bulk put of BENCH_N demo enterprises in one transaction (indexes
 * rebuilt at the end; and, as a second figure, with the indexes kept up row by row) and a full
 * scan in id order, each next to the naive way (one autocommit INSERT per enterprise; one lookup by
 * USCC per enterprise), measured on a sample and scaled per row. Figures go to
 * bench/tmp/store.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demo/demo.h"
#include "store/store.h"

static double clock_ms(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double now_ms(void) {
    return clock_ms(CLOCK_MONOTONIC);
}

/* CPU time of this process: on a shared machine wall time says more about the neighbours. */
static double cpu_ms(void) {
    return clock_ms(CLOCK_PROCESS_CPUTIME_ID);
}

static void die(const char *what, const struct error *e) {
    char buf[900];
    fprintf(stderr, "bench store: %s: %s\n", what, error_format(e, buf, sizeof buf));
    exit(1);
}

static struct store *open_db(const char *dir, const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct store *s;
    struct error err;
    if (store_open(path, &s, &err)) die("open", &err);
    return s;
}

static double generate_only(int64_t n, struct profile *p) {
    struct demo_text t;
    int64_t sum = 0;
    double t0 = now_ms();
    for (int64_t i = 0; i < n; i++) {
        demo_enterprise(1, i, p, &t);
        sum += p->v[F_EMPLOYEES].i;
    }
    double ms = now_ms() - t0;
    if (sum < 0) printf("impossible\n");
    return ms;
}

enum put_mode { PUT_AUTOCOMMIT, PUT_TX, PUT_BULK };

/* Puts enterprises [from, to) of seed 1: each its own transaction, all in one, or all in one
 * with the indexes rebuilt at the end. */
static double put_range(struct store *s, int64_t from, int64_t to, enum put_mode mode,
                        struct profile *p) {
    struct demo_text t;
    struct error err;
    double t0 = now_ms();
    if (mode == PUT_TX && store_begin(s, &err)) die("begin", &err);
    if (mode == PUT_BULK && store_begin_bulk(s, &err)) die("begin", &err);
    for (int64_t i = from; i < to; i++) {
        demo_enterprise(1, i, p, &t);
        if (store_put_enterprise(s, p, NULL, &err)) die("put", &err);
    }
    if (mode != PUT_AUTOCOMMIT && store_commit(s, &err)) die("commit", &err);
    return now_ms() - t0;
}

struct scan_sum {
    int64_t n, revenue;
};

static int scan_cb(void *ctx, int64_t id, const struct profile *p) {
    struct scan_sum *c = ctx;
    (void)id;
    c->n++;
    if (p->v[F_REVENUE].has) c->revenue += p->v[F_REVENUE].i;
    return 0;
}

static double lookup_sample(struct store *s, int64_t n, struct profile *p) {
    struct demo_text t;
    struct profile *q = malloc(sizeof *q);
    struct arena a;
    struct error err;
    arena_init(&a, 1 << 16);
    double ms = 0;
    for (int64_t i = 0; i < n; i++) {
        demo_enterprise(1, i * 97 % n, p, &t);
        double t0 = now_ms();
        if (store_get_enterprise(s, t.uscc, q, &a, NULL, &err)) die("get", &err);
        ms += now_ms() - t0;
    }
    arena_release(&a);
    free(q);
    return ms;
}

static void figure(FILE *f, bool is_first, const char *name, double ms, double naive_ms, double cpu,
                   int64_t n) {
    printf("%-16s duijie %10.1f ms (cpu %9.1f ms)   naive %12.1f ms   ratio %7.1fx   (%lld rows)\n",
           name, ms, cpu, naive_ms, naive_ms / ms, (long long)n);
    fprintf(f,
            "%s{\"name\": \"%s\", \"duijie_ms\": %.1f, \"duijie_cpu_ms\": %.1f, \"naive_ms\": "
            "%.1f, \"ratio\": %.2f}",
            is_first ? "" : ", ", name, ms, cpu, naive_ms, naive_ms / ms);
}

int main(void) {
    const char *env = getenv("BENCH_N");
    int64_t n = env ? atoll(env) : 200000;
    if (n < 1000) n = 1000;
    int64_t sample = n < 5000 ? n / 2 : 2000;
    char dir[] = "/tmp/duijie-bench-store-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    struct profile *p = malloc(sizeof *p);
    double gen_ms = generate_only(n, p);
    struct store *s = open_db(dir, "bulk.db");
    double c0 = cpu_ms();
    double bulk_ms = put_range(s, 0, n, PUT_BULK, p);
    double bulk_cpu = cpu_ms() - c0;
    struct scan_sum sum = {0, 0};
    struct error err;
    double t0 = now_ms();
    c0 = cpu_ms();
    if (store_scan_enterprises(s, scan_cb, &sum, &err)) die("scan", &err);
    double scan_ms = now_ms() - t0, scan_cpu = cpu_ms() - c0;
    double lookup_ms = lookup_sample(s, sample, p) / (double)sample * (double)n;
    store_close(s);
    struct store *naive = open_db(dir, "naive.db");
    double naive_ms = put_range(naive, 0, sample, PUT_AUTOCOMMIT, p) / (double)sample * (double)n;
    store_close(naive);
    struct store *tx = open_db(dir, "tx.db");
    c0 = cpu_ms();
    double tx_ms = put_range(tx, 0, n, PUT_TX, p);
    double tx_cpu = cpu_ms() - c0;
    store_close(tx);
    printf("generate %lld demo enterprises: %.1f ms (%.2f us each; included in bulk_put)\n",
           (long long)n, gen_ms, gen_ms * 1e3 / (double)n);
    mkdir("bench/tmp", 0755);
    FILE *f = fopen("bench/tmp/store.json", "w");
    if (!f) return 1;
    fprintf(f, "{\"store_n\": %lld, \"store_generate_ms\": %.1f, \"figures\": [", (long long)n,
            gen_ms);
    figure(f, true, "store_bulk_put", bulk_ms, naive_ms, bulk_cpu, n);
    figure(f, false, "store_scan", scan_ms, lookup_ms, scan_cpu, sum.n);
    figure(f, false, "store_tx_put", tx_ms, naive_ms, tx_cpu, n);
    fprintf(f, "]}\n");
    fclose(f);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    free(p);
    return system(cmd) == 0 ? 0 : 1;
}
