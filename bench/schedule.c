/* bench/schedule: 1:1 meeting schedules for matchmaking events (对接会) of realistic size, duijie's
 * flow + edge-colouring (or flow bound + local search under availability limits) next to greedy
 * first fit in the same run: time, meetings placed, the upper bound, participants left without a
 * meeting. Figures go to bench/tmp/schedule.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dock/dock.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next_rand(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}
static int rnd(int n) {
    return (int)(next_rand() % (uint64_t)n);
}

/* Thread CPU time, not wall time: the build machine is shared, and both methods run on one thread,
 * so CPU time compares them fairly under load. */
static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

struct scenario {
    const char *name;
    int n_ent, n_inv, n_req, slots, tables;
    bool skewed;  /* investors' popularity ~ 1/rank (Zipf) instead of uniform */
    bool limited; /* each participant attends a window of 50–100% of the slots */
};

/* Zipf(1) over n ranks by inverting the harmonic CDF on a table. */
static int zipf(const double *cdf, int n) {
    double u = (double)(next_rand() >> 11) / 9007199254740992.0;
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void build(const struct scenario *sc, struct sched_request *req, uint64_t *av) {
    int n = sc->n_ent + sc->n_inv;
    double *cdf = malloc((size_t)sc->n_inv * sizeof *cdf), h = 0;
    for (int k = 0; k < sc->n_inv; k++)
        h += 1.0 / (k + 1), cdf[k] = h;
    for (int k = 0; k < sc->n_inv; k++)
        cdf[k] /= h;
    for (int k = 0; k < sc->n_req; k++) {
        int inv = sc->skewed ? zipf(cdf, sc->n_inv) : rnd(sc->n_inv);
        req[k] = (struct sched_request){rnd(sc->n_ent), sc->n_ent + inv, 0};
    }
    for (int v = 0; v < n; v++) {
        int len = sc->slots / 2 + rnd(sc->slots - sc->slots / 2 + 1),
            start = rnd(sc->slots - len + 1);
        av[v] = (len >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << len) - 1)) << start;
    }
    free(cdf);
}

static int run(const struct scenario *sc, FILE *json, bool first) {
    int n = sc->n_ent + sc->n_inv;
    struct sched_request *req = malloc((size_t)sc->n_req * sizeof *req);
    uint64_t *av = malloc((size_t)n * sizeof *av);
    build(sc, req, av);
    struct sched_instance in = {n, sc->slots, sc->tables, sc->limited ? av : NULL, req, sc->n_req};
    struct sched_result r, g;
    struct error err;
    double best = 1e18, best_g = 1e18;
    int reps = sc->n_req > 100000 ? 1 : 3;
    for (int k = 0; k < reps; k++) {
        double t0 = now_ms();
        if (sched_solve(&in, &r, &err)) return fprintf(stderr, "%s\n", err.en), 1;
        double t1 = now_ms();
        if (sched_greedy(&in, &g, &err)) return fprintf(stderr, "%s\n", err.en), 1;
        double t2 = now_ms();
        if (t1 - t0 < best) best = t1 - t0;
        if (t2 - t1 < best_g) best_g = t2 - t1;
        if (k + 1 < reps) sched_result_release(&r), sched_result_release(&g);
    }
    if (sched_check(&in, &r, &err) || sched_check(&in, &g, &err))
        return fprintf(stderr, "invalid schedule: %s\n", err.en), 1;
    double gain = g.n_placed ? 100.0 * (r.n_placed - g.n_placed) / g.n_placed : 0;
    printf("%-44s duijie %8.1f ms  placed %6d / bound %6d (%s)  uncovered %4d | greedy %7.1f ms  "
           "placed %6d  uncovered %4d | +%.2f%% meetings\n",
           sc->name, best, r.n_placed, r.upper_bound, r.is_optimal ? "optimal" : "bound",
           r.n_wanting - r.n_covered, best_g, g.n_placed, g.n_wanting - g.n_covered, gain);
    fprintf(json,
            "%s\n  {\"name\": \"schedule %s\", \"duijie_ms\": %.3f, \"greedy_ms\": %.3f, "
            "\"participants\": %d, \"requests\": %d, \"slots\": %d, \"tables\": %d, "
            "\"placed\": %d, \"upper_bound\": %d, \"optimal\": %s, \"uncovered\": %d, "
            "\"greedy_placed\": %d, \"greedy_uncovered\": %d, \"gain_percent\": %.3f}",
            first ? "" : ",", sc->name, best, best_g, n, sc->n_req, sc->slots, sc->tables,
            r.n_placed, r.upper_bound, r.is_optimal ? "true" : "false", r.n_wanting - r.n_covered,
            g.n_placed, g.n_wanting - g.n_covered, gain);
    sched_result_release(&r), sched_result_release(&g);
    free(req), free(av);
    return 0;
}

int main(void) {
    static const struct scenario sc[] = {
        {"roadshow 300 firms x 80 investors, 12 slots", 300, 80, 2400, 12, 60, false, false},
        {"2000 participants, 20000 requests, uniform", 1000, 1000, 20000, 20, 1000, false, false},
        {"2000 participants, 20000 requests, skewed", 1000, 1000, 20000, 20, 1000, true, false},
        {"2000 participants, 20000 req, tables tight", 1000, 1000, 20000, 20, 700, false, false},
        {"2000 participants, 20000 req, availability", 1000, 1000, 20000, 20, 1000, false, true},
        {"2000 part., 20000 req, skewed+availability", 1000, 1000, 20000, 20, 1000, true, true},
        {"20000 participants, 200000 requests", 10000, 10000, 200000, 20, 10000, false, false},
        {"20000 part., 200000 req, availability", 10000, 10000, 200000, 20, 10000, false, true},
    };
    if (system("mkdir -p bench/tmp") != 0) return 1;
    FILE *json = fopen("bench/tmp/schedule.json", "w");
    if (!json) return 1;
    fprintf(json, "{\"figures\": [");
    int rc = 0;
    for (size_t i = 0; i < sizeof sc / sizeof *sc && !rc; i++)
        rc = run(&sc[i], json, i == 0);
    fprintf(json,
            "\n], \"schedule_clock\": \"thread CPU time, best of 3 (1 for 200,000 requests)\"}\n");
    fclose(json);
    return rc;
}
