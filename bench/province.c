/* bench/province: how the in-memory index's load time and memory grow with the number of
 * enterprises, up to a province (20,000,000 market entities).
 *
 * Sizes: 200,000, 2,000,000 and 20,000,000, those up to BENCH_N (make bench's default 2,000,000
 * runs the first two; BENCH_N=20000000 all three), or the list in BENCH_PROVINCE_SIZES. Each size
 * runs in a child process of its own, so its peak RSS is its own:
 *   - duijie: N enterprises of the synthetic Qingdao (demo_enterprise, fixed seed) generated and
 *     derived in memory and fed straight to the index builder: no store. Timed apart: generating
 *     and deriving (gen_ms, the rows' source), adding to the builder (stage_ms) and building
 *     (build_ms); stage + build is the index's own cost, the part of start-up that does not depend
 *     on the database. Peak RSS (VmHWM) and the RSS that stays after the build, per enterprise.
 *   - the alternative, for N up to BENCH_PROVINCE_STORE_MAX (default 2,000,000): the same rows
 *     written once into a SQLite store (bench/tmp/province-N.db, kept) and the index loaded from
 *     it with index_load, which is what `duijie serve` does at start (its scan + the same build).
 *     Larger sizes leave it out (writing 20M rows through the store takes too long here).
 * A size whose peak RSS, extrapolated from the previous size, would not fit in MemAvailable (less
 * 2 GiB), or whose time would not fit in what is left of BENCH_PROVINCE_BUDGET_S (default 1800 s;
 * the store path not counted in the extrapolation), is skipped and the output says so.
 *
 * Figures (bench/tmp/province.json): per size "province_load_N" with duijie_ms (generated →
 * index), sqlite_ms (SQLite → index, when measured), stage_ms/build_ms, peak and resident bytes per
 * enterprise, index bytes per enterprise, and one atom's evaluation time. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demo/demo.h"
#include "index/index.h"
#include "refdata/refdata.h"
#include "schema/schema.h"
#include "store/store.h"
#include "util/date.h"
#include "clock.h"

#define SEED 20260601u
#define MAX_SIZES 8

/* A line of /proc/self/status or /proc/meminfo in kB ("VmRSS:", "VmHWM:", "MemAvailable:"). */
static long proc_kb(const char *file, const char *key) {
    FILE *f = fopen(file, "r");
    char line[256];
    long kb = -1;
    size_t kl = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0) kb = atol(line + kl);
    if (f) fclose(f);
    return kb;
}

static void die(const char *what, const char *detail) {
    fprintf(stderr, "bench/province: %s: %s\n", what, detail ? detail : "");
    exit(1);
}

/* What the process used in a phase, from getrusage: CPU (every thread's, user + system) and page
 * faults. Wall time far above CPU time / threads means the machine was busy with others; CPU time
 * growing faster than N is the algorithm's (or the memory system's: cache and TLB misses). */
struct use {
    double cpu_ms;
    long minflt, majflt;
};

static struct use use_now(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (struct use){(double)u.ru_utime.tv_sec * 1e3 + (double)u.ru_utime.tv_usec / 1e3 +
                            (double)u.ru_stime.tv_sec * 1e3 + (double)u.ru_stime.tv_usec / 1e3,
                        u.ru_minflt, u.ru_majflt};
}

static struct use use_since(struct use a) {
    struct use b = use_now();
    return (struct use){b.cpu_ms - a.cpu_ms, b.minflt - a.minflt, b.majflt - a.majflt};
}

struct result {
    int64_t n;
    struct use gen_stage_use, build_use; /* the generating + staging loop, the build */
    double gen_ms;   /* demo_enterprise + profile_derive: the rows' source, not the index */
    double stage_ms; /* index_builder_add: staging the columns */
    double build_ms; /* index_builder_finish: bitmaps and slices */
    double sqlite_write_ms, sqlite_load_ms, atom_ms;
    long rss0_kb, peak_kb, rss_kb;
    size_t index_bytes;
    uint64_t n_atom; /* rows the timed atom is true for (a sanity check across sizes) */
    double load1;    /* the machine's 1-minute load average when the size finished */
};

/* The store path: writes the rows once (kept for the next run) and times index_load from it. */
static void store_path(int64_t n, int32_t today, struct result *r) {
    char path[256], uri[300];
    snprintf(path, sizeof path, "bench/tmp/province-%lld.db", (long long)n);
    snprintf(uri, sizeof uri, "sqlite:%s", path);
    struct error err;
    struct store *s;
    struct stat st;
    bool is_new = stat(path, &st) != 0;
    if (store_open(uri, &s, &err)) die("store_open", err.en);
    if (is_new || store_count_enterprises(s) != n) {
        double t = now_ms();
        struct profile *p = malloc(sizeof *p);
        struct demo_text tx;
        if (!p) die("memory", "profile");
        if (store_begin_bulk(s, &err)) die("store_begin_bulk", err.en);
        for (int64_t i = 0; i < n; i++) {
            demo_enterprise(SEED, i, p, &tx);
            if (store_put_enterprise(s, p, NULL, &err)) die("store_put_enterprise", err.en);
        }
        if (store_commit(s, &err)) die("store_commit", err.en);
        free(p);
        r->sqlite_write_ms = now_ms() - t;
    }
    double t = now_ms();
    struct index_gen *g;
    if (index_load(s, today, &g, &err)) die("index_load", err.en);
    r->sqlite_load_ms = now_ms() - t;
    if (index_gen_count(g) != (uint64_t)n) die("index_load", "row count differs");
    index_gen_release(g);
    store_close(s);
}

/* In the child: the generated rows into the index, measured. */
static void run_size(int64_t n, int32_t today, bool with_store, struct result *r) {
    struct error err;
    memset(r, 0, sizeof *r);
    r->n = n;
    r->sqlite_write_ms = r->sqlite_load_ms = -1;
    malloc_trim(0);
    r->rss0_kb = proc_kb("/proc/self/status", "VmRSS:");
    struct profile *p = malloc(sizeof *p);
    struct demo_text tx;
    struct index_builder *b;
    if (!p || index_builder_new(today, &b, &err)) die("index_builder_new", err.en);
    /* generating and deriving a row is timed apart from adding it: only the adding is the index's
     */
    double t = now_ms(), t_add = 0;
    struct use u0 = use_now();
    for (int64_t i = 0; i < n; i++) {
        demo_enterprise(SEED, i, p, &tx);
        profile_derive(p, today, NULL);
        double t1 = now_ms();
        if (index_builder_add(b, i + 1, p, &err)) die("index_builder_add", err.en);
        t_add += now_ms() - t1;
    }
    r->gen_ms = now_ms() - t - t_add;
    r->stage_ms = t_add;
    r->gen_stage_use = use_since(u0);
    t = now_ms();
    u0 = use_now();
    struct index_gen *g;
    if (index_builder_finish(b, &g, &err)) die("index_builder_finish", err.en);
    r->build_ms = now_ms() - t;
    r->build_use = use_since(u0);
    free(p);
    malloc_trim(0); /* the staging is freed: RSS now shows what stays */
    r->peak_kb = proc_kb("/proc/self/status", "VmHWM:");
    r->rss_kb = proc_kb("/proc/self/status", "VmRSS:");
    r->index_bytes = index_gen_bytes(g);
    /* one atom over every row: 资质 包含 高新技术企业 (value 0 of the set) */
    struct index_atom a = {.field = F_QUALIFICATIONS, .op = INDEX_HAS, .i = 0};
    roaring_bitmap_t *tb, *ub;
    t = now_ms();
    if (index_eval_atom(g, &a, &tb, &ub, &err)) die("index_eval_atom", err.en);
    r->atom_ms = now_ms() - t;
    r->n_atom = roaring_bitmap_get_cardinality(tb);
    roaring_bitmap_free(tb);
    roaring_bitmap_free(ub);
    index_gen_release(g);
    if (with_store) store_path(n, today, r);
    double la[1] = {-1};
    getloadavg(la, 1);
    r->load1 = la[0];
}

/* Runs one size in a child; false when the child failed. */
static bool run_child(int64_t n, int32_t today, bool with_store, struct result *r) {
    int fd[2];
    if (pipe(fd)) die("pipe", "");
    pid_t pid = fork();
    if (pid < 0) die("fork", "");
    if (pid == 0) {
        close(fd[0]);
        run_size(n, today, with_store, r);
        ssize_t w = write(fd[1], r, sizeof *r);
        _exit(w == (ssize_t)sizeof *r ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], r, sizeof *r);
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return got == (ssize_t)sizeof *r && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int parse_sizes(int64_t *sizes) {
    const char *list = getenv("BENCH_PROVINCE_SIZES");
    int n = 0;
    if (list) {
        for (const char *p = list; *p && n < MAX_SIZES;) {
            char *end;
            long long v = strtoll(p, &end, 10);
            if (end == p) break;
            if (v > 0) sizes[n++] = v;
            p = *end == ',' ? end + 1 : end;
        }
        return n;
    }
    int64_t cap = getenv("BENCH_N") ? atoll(getenv("BENCH_N")) : 2000000;
    const int64_t steps[] = {200000, 2000000, 20000000};
    for (int i = 0; i < 3; i++)
        if (steps[i] <= cap) sizes[n++] = steps[i];
    if (n == 0 || (cap > sizes[n - 1] && n < MAX_SIZES)) sizes[n++] = cap;
    return n;
}

int main(void) {
    struct error err;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (refdata_load(&err)) die("refdata", err.en);
    mkdir("bench/tmp", 0755);
    int32_t today = date_from_ymd(2026, 7, 1);
    int64_t sizes[MAX_SIZES];
    int n_sizes = parse_sizes(sizes);
    int64_t store_max =
        getenv("BENCH_PROVINCE_STORE_MAX") ? atoll(getenv("BENCH_PROVINCE_STORE_MAX")) : 2000000;
    printf("# the index from generated rows (no store) vs from SQLite (index_load, as serve "
           "starts); %d cores\n",
           (int)sysconf(_SC_NPROCESSORS_ONLN));
    printf("%-12s %9s %9s %9s %9s %12s %9s %9s %9s %8s\n", "enterprises", "gen_ms", "stage_ms",
           "build_ms", "index_ms", "sqlite_ms", "peak_B/e", "rss_B/e", "index_B/e", "atom_ms");
    FILE *j = fopen("bench/tmp/province.json", "w");
    if (!j) die("bench/tmp/province.json", "cannot write");
    fprintf(j, "{\"province\": {\"seed\": %u, \"sizes\": [", SEED);
    double peak_per = 0, prev_s = 0;
    int64_t prev_n = 0;
    double budget_s =
        getenv("BENCH_PROVINCE_BUDGET_S") ? atof(getenv("BENCH_PROVINCE_BUDGET_S")) : 1800.0;
    double t_start = now_ms();
    int n_done = 0;
    struct result rs[MAX_SIZES];
    for (int i = 0; i < n_sizes; i++) {
        int64_t n = sizes[i];
        long avail = proc_kb("/proc/meminfo", "MemAvailable:");
        double need_kb = peak_per * (double)n * 1.15 / 1024.0;
        if (peak_per > 0 && avail > 0 && need_kb > (double)avail - 2.0 * 1024 * 1024) {
            printf("%-12lld skipped: needs ~%.1f GiB (peak extrapolated), %.1f GiB available\n",
                   (long long)n, need_kb / 1048576.0, (double)avail / 1048576.0);
            fprintf(j, "%s{\"n\": %lld, \"skipped\": \"needs ~%.1f GiB, %.1f GiB available\"}",
                    i ? ", " : "", (long long)n, need_kb / 1048576.0, (double)avail / 1048576.0);
            continue;
        }
        double need_s = prev_s * (double)n / (double)(prev_n ? prev_n : 1) * 1.2;
        double left_s = budget_s - (now_ms() - t_start) / 1e3;
        if (prev_n && need_s > left_s) {
            printf("%-12lld skipped: needs ~%.0f s (extrapolated), %.0f s of the budget left "
                   "(BENCH_PROVINCE_BUDGET_S)\n",
                   (long long)n, need_s, left_s);
            fprintf(j, "%s{\"n\": %lld, \"skipped\": \"needs ~%.0f s, %.0f s of the budget left\"}",
                    i ? ", " : "", (long long)n, need_s, left_s);
            continue;
        }
        struct result *r = &rs[n_done];
        if (!run_child(n, today, n <= store_max, r)) die("child", "a size failed");
        n_done++;
        prev_n = n;
        prev_s = (r->gen_ms + r->stage_ms + r->build_ms) / 1e3;
        double per = (double)n;
        peak_per = (double)(r->peak_kb - r->rss0_kb) * 1024.0 / per;
        char sq[32] = "—";
        if (r->sqlite_load_ms >= 0) snprintf(sq, sizeof sq, "%.0f", r->sqlite_load_ms);
        printf("%-12lld %9.0f %9.0f %9.0f %9.0f %12s %9.0f %9.0f %9.1f %8.2f  (load %.1f)\n",
               (long long)n, r->gen_ms, r->stage_ms, r->build_ms, r->stage_ms + r->build_ms, sq,
               peak_per, (double)(r->rss_kb - r->rss0_kb) * 1024.0 / per,
               (double)r->index_bytes / per, r->atom_ms, r->load1);
        printf("%-12s gen+stage: wall %.0f ms, cpu %.0f ms (%.0f ns/e), %ld minor + %ld major "
               "faults; build: wall %.0f ms, cpu %.0f ms (%.0f ns/e), %ld minor + %ld major "
               "faults\n",
               "", r->gen_ms + r->stage_ms, r->gen_stage_use.cpu_ms,
               r->gen_stage_use.cpu_ms * 1e6 / per, r->gen_stage_use.minflt,
               r->gen_stage_use.majflt, r->build_ms, r->build_use.cpu_ms,
               r->build_use.cpu_ms * 1e6 / per, r->build_use.minflt, r->build_use.majflt);
        fprintf(j,
                "%s{\"n\": %lld, \"gen_ms\": %.1f, \"stage_ms\": %.1f, \"build_ms\": %.1f, "
                "\"sqlite_write_ms\": "
                "%.1f, \"sqlite_load_ms\": %.1f, \"peak_rss_mb\": %.1f, \"rss_mb\": %.1f, "
                "\"index_mb\": %.1f, \"atom_true\": %llu, \"load_average\": %.1f, "
                "\"gen_stage_cpu_ms\": %.1f, \"build_cpu_ms\": %.1f, \"gen_stage_faults\": "
                "[%ld, %ld], \"build_faults\": [%ld, %ld]}",
                i ? ", " : "", (long long)n, r->gen_ms, r->stage_ms, r->build_ms,
                r->sqlite_write_ms, r->sqlite_load_ms, (double)(r->peak_kb - r->rss0_kb) / 1024.0,
                (double)(r->rss_kb - r->rss0_kb) / 1024.0, (double)r->index_bytes / 1048576.0,
                (unsigned long long)r->n_atom, r->load1, r->gen_stage_use.cpu_ms,
                r->build_use.cpu_ms, r->gen_stage_use.minflt, r->gen_stage_use.majflt,
                r->build_use.minflt, r->build_use.majflt);
    }
    fprintf(j, "]}, \"figures\": [");
    for (int i = 0; i < n_done; i++) {
        struct result *r = &rs[i];
        double per = (double)r->n, total = r->stage_ms + r->build_ms;
        char sq[32] = "null", ratio[32] = "null";
        if (r->sqlite_load_ms >= 0) {
            snprintf(sq, sizeof sq, "%.1f", r->sqlite_load_ms);
            snprintf(ratio, sizeof ratio, "%.2f", r->sqlite_load_ms / total);
        }
        fprintf(j,
                "%s{\"name\": \"province_load_%lld\", \"duijie_ms\": %.1f, \"sqlite_ms\": %s, "
                "\"ratio\": %s, \"what\": \"index staging + build (rows generated in memory) vs "
                "index_load "
                "from SQLite (scan, derive, staging, build)\", "
                "\"peak_bytes_per_enterprise\": %.0f, \"rss_bytes_per_enterprise\": %.0f, "
                "\"index_bytes_per_enterprise\": %.1f, \"atom_ms\": %.3f}",
                i ? ", " : "", (long long)r->n, total, sq, ratio,
                (double)(r->peak_kb - r->rss0_kb) * 1024.0 / per,
                (double)(r->rss_kb - r->rss0_kb) * 1024.0 / per, (double)r->index_bytes / per,
                r->atom_ms);
    }
    fprintf(j, "]}\n");
    fclose(j);
    return 0;
}
