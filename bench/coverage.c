/* bench/coverage: the dashboard's coverage (every clause in force: its eligible and unknown counts
 * over the caller's rows) on a big generation, computed (the first request on a generation) and
 * looked up (every later request on it: match_coverage's cache), against the same per-clause
 * counts asked of SQLite (one scan per clause, count(*) FILTER for eligible and for unknown, the
 * WHERE clauses compiled by rules_sql, with the indexes a DBA would add).
 *
 * Data: BENCH_N enterprises (default 200000) of the synthetic Qingdao and BENCH_CLAUSES template
 * clauses (default 300, demo_generate_clauses), written once into bench/tmp/coverage-N.db. Before
 * anything is compared the bench checks that SQLite's counts equal the engine's for every clause.
 * BENCH_SQL_SAMPLE (default: all) asks SQLite only the first that many clauses and scales its time
 * to all of them (the output says so), for runs at 2,000,000.
 *
 * Figures (bench/tmp/coverage.json), ms: coverage_city_cold / coverage_district_cold (the first
 * request: every clause counted; wall, and this thread's CPU printed beside it),
 * coverage_city_cached / coverage_district_cached (median of BENCH_LOOKUPS lookups, default 10000),
 * each beside SQLite's per-clause counts for the same scope; coverage_after_edit (the first
 * dashboard after one enterprise's edit: the answers carried over, median of BENCH_EDITS edits,
 * default 9) beside the recount it replaced and SQLite's counts of both scopes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "demo/demo.h"
#include "index/index.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/date.h"
#include "clock.h"

#define SEED 20260601u
#define DISTRICT "市南区"

static void die(const char *what, const char *detail) {
    fprintf(stderr, "bench/coverage: %s: %s\n", what, detail);
    exit(1);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void make_store(const char *path, int64_t n, int n_clauses) {
    struct store *s;
    struct error err;
    if (store_open(path, &s, &err)) die("store_open", err.en);
    if (store_count_enterprises(s) == n && store_count_clauses(s) >= n_clauses) {
        store_close(s);
        return;
    }
    store_close(s);
    unlink(path);
    if (store_open(path, &s, &err)) die("store_open", err.en);
    double t0 = now_ms();
    if (store_begin_bulk(s, &err)) die("store_begin_bulk", err.en);
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    for (int64_t i = 0; p && i < n; i++) {
        demo_enterprise(SEED, i, p, &t);
        if (store_put_enterprise(s, p, NULL, &err)) die("store_put_enterprise", err.en);
    }
    free(p);
    if (store_commit(s, &err)) die("store_commit", err.en);
    if (demo_generate_clauses(s, SEED, n_clauses, &err)) die("demo_generate_clauses", err.en);
    store_close(s);
    sqlite3 *w;
    char *msg = NULL;
    if (sqlite3_open(path, &w) != SQLITE_OK ||
        sqlite3_exec(w,
                     "CREATE INDEX IF NOT EXISTS dba_region_county ON enterprise(region_county);"
                     "CREATE INDEX IF NOT EXISTS dba_size ON enterprise(size);"
                     "CREATE INDEX IF NOT EXISTS dba_revenue ON enterprise(revenue);"
                     "ANALYZE;",
                     NULL, NULL, &msg) != SQLITE_OK)
        die("dba indexes", msg ? msg : "?");
    sqlite3_close(w);
    printf("# wrote %lld enterprises and %d clauses into %s in %.1f s\n", (long long)n, n_clauses,
           path, (now_ms() - t0) / 1e3);
}

/* SELECT count(*) FILTER (WHERE eligible), count(*) FILTER (WHERE unknown) FROM enterprise
 * [WHERE region_county = …]: one clause's counts on the scope, one scan. */
static char *count_sql(const struct rule_cond *c, int32_t today, int64_t county) {
    struct buf e, u, b;
    struct error err;
    buf_init(&e);
    buf_init(&u);
    buf_init(&b);
    if (rules_sql(c, RULES_SQLITE, today, &e, &u, NULL, &err)) die("rules_sql", err.en);
    buf_printf(&b, "SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s) FROM enterprise",
               e.data, u.data);
    if (county) buf_printf(&b, " WHERE region_county = %lld", (long long)county);
    buf_release(&e);
    buf_release(&u);
    return buf_detach(&b);
}

/* SQLite's counts of the first n_sql clauses of cov on the scope, checked against the engine's;
 * returns the wall ms they took. */
static double sqlite_pass(sqlite3 *db, const struct match_catalog *cat,
                          const struct match_coverage *cov, int32_t today, int64_t county,
                          int n_sql) {
    double total = 0;
    for (int k = 0; k < n_sql; k++) {
        const struct rule_version *v = rules_version_at(cat->rules[cov->clause[k]], today);
        char *sql = count_sql(v->cond, today, county);
        double t0 = now_ms();
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            die("sqlite", sqlite3_errmsg(db));
        if (sqlite3_step(st) != SQLITE_ROW) die("sqlite", sqlite3_errmsg(db));
        int64_t e = sqlite3_column_int64(st, 0), u = sqlite3_column_int64(st, 1);
        sqlite3_finalize(st);
        total += now_ms() - t0;
        if ((uint64_t)e != cov->eligible[k] || (uint64_t)u != cov->unknown[k]) {
            fprintf(stderr, "clause %lld: sqlite %lld/%lld, engine %llu/%llu\n",
                    (long long)cat->clauses[cov->clause[k]].id, (long long)e, (long long)u,
                    (unsigned long long)cov->eligible[k], (unsigned long long)cov->unknown[k]);
            die("check", "SQLite and the engine count differently");
        }
        free(sql);
    }
    return total;
}

struct figure {
    const char *name;
    double duijie, sqlite, cpu;
};

/* One scope: the cold count (the cache's fill), the cached lookups, SQLite's counts. */
static void scope_figures(const struct index_gen *g, const struct match_catalog *cat, int region,
                          int64_t county, sqlite3 *db, int n_sql_want, int n_lookups,
                          struct figure *cold, struct figure *cached) {
    struct error err;
    const struct match_coverage *cov;
    double t0 = now_ms(), c0 = cpu_ms();
    if (match_coverage(g, cat, region, &cov, &err)) die("match_coverage", err.en);
    cold->duijie = now_ms() - t0;
    cold->cpu = cpu_ms() - c0;
    double *t = malloc((size_t)n_lookups * sizeof *t);
    for (int i = 0; t && i < n_lookups; i++) {
        const struct match_coverage *again;
        double t1 = now_ms();
        if (match_coverage(g, cat, region, &again, &err)) die("match_coverage", err.en);
        t[i] = now_ms() - t1;
        if (again != cov) die("cache", "a lookup gave another answer object");
        match_coverage_release(again);
    }
    qsort(t, (size_t)n_lookups, sizeof *t, cmp_double);
    cached->duijie = t ? t[n_lookups / 2] : -1;
    free(t);
    int n_sql = n_sql_want > 0 && n_sql_want < cov->n ? n_sql_want : cov->n;
    double lite = sqlite_pass(db, cat, cov, index_gen_today(g), county, n_sql);
    cold->sqlite = cached->sqlite = lite * cov->n / (n_sql ? n_sql : 1);
    printf("# %s: %llu rows, %d clauses in force, %d no one is eligible for; SQLite asked %d of "
           "them%s\n",
           cold->name, (unsigned long long)cov->rows, cov->n, cov->n_none, n_sql,
           n_sql < cov->n ? " (its time scaled to all)" : "");
    match_coverage_release(cov);
}

/* After an edit of one enterprise (a firm takes another's values: a new generation), the new
 * generation's answers for both scopes: carried over (match_coverage_carry, then the two lookups
 * the dashboard makes) against recounted (match_coverage_compute of both scopes, what the first
 * dashboard after every edit paid before the carry). Medians of n_edits edits; the last edit's
 * carried answers are checked equal to the recount. */
static void edit_figure(struct index_gen *g0, const struct match_catalog *cat, int district,
                        int n_edits, struct figure *f) {
    struct error err;
    struct index *ix = index_new(index_gen_today(g0));
    index_gen_retain(g0);
    index_publish(ix, g0);
    struct index_gen *g = index_acquire(ix);
    struct profile *p = malloc(sizeof *p);
    double *carry = malloc((size_t)n_edits * sizeof *carry);
    double *recount = malloc((size_t)n_edits * sizeof *recount);
    if (!p || !carry || !recount) die("edit", "out of memory");
    char uscc[32];
    uint32_t n_live = (uint32_t)index_gen_count(g);
    for (int e = 0; e < n_edits; e++) {
        uint32_t a, b;
        roaring_bitmap_select(
            index_gen_live(g),
            (uint32_t)((uint64_t)n_live * (uint64_t)(2 * e + 1) / (uint64_t)(2 * n_edits + 1)), &a);
        roaring_bitmap_select(
            index_gen_live(g),
            (uint32_t)((uint64_t)n_live * (uint64_t)(2 * e + 2) / (uint64_t)(2 * n_edits + 1)), &b);
        index_row_uscc(g, a, uscc, sizeof uscc);
        int64_t id = index_row_id(g, a);
        index_row_profile(g, b, p);
        p->v[F_USCC] = (struct value){.has = true, .s = uscc};
        if (index_update(ix, &id, p, 1, &err)) die("index_update", err.en);
        struct index_gen *next = index_acquire(ix);
        double t0 = now_ms();
        int carried = match_coverage_carry(g, next, cat, uscc);
        const struct match_coverage *city, *dist;
        if (match_coverage(next, cat, -1, &city, &err) ||
            match_coverage(next, cat, district, &dist, &err))
            die("match_coverage", err.en);
        carry[e] = now_ms() - t0;
        if (carried != 2) die("carry", "the two scopes' answers were not carried");
        const struct match_coverage *city2, *dist2;
        t0 = now_ms();
        if (match_coverage_compute(next, cat, -1, &city2, &err) ||
            match_coverage_compute(next, cat, district, &dist2, &err))
            die("match_coverage_compute", err.en);
        recount[e] = now_ms() - t0;
        for (int k = 0; e == n_edits - 1 && k < city->n; k++)
            if (city->eligible[k] != city2->eligible[k] || city->unknown[k] != city2->unknown[k] ||
                dist->eligible[k] != dist2->eligible[k] || dist->unknown[k] != dist2->unknown[k])
                die("carry", "carried counts differ from the recount");
        match_coverage_release(city);
        match_coverage_release(dist);
        match_coverage_release(city2);
        match_coverage_release(dist2);
        index_gen_release(g);
        g = next;
    }
    qsort(carry, (size_t)n_edits, sizeof *carry, cmp_double);
    qsort(recount, (size_t)n_edits, sizeof *recount, cmp_double);
    f->duijie = carry[n_edits / 2];
    f->cpu = recount[n_edits / 2]; /* the recount, printed beside it */
    free(p);
    free(carry);
    free(recount);
    index_gen_release(g);
    index_free(ix);
}

int main(void) {
    struct error err;
    if (refdata_load(&err)) die("refdata", err.en);
    int64_t n = getenv("BENCH_N") ? atoll(getenv("BENCH_N")) : 200000;
    int n_clauses = getenv("BENCH_CLAUSES") ? atoi(getenv("BENCH_CLAUSES")) : 300;
    int n_sql = getenv("BENCH_SQL_SAMPLE") ? atoi(getenv("BENCH_SQL_SAMPLE")) : 0;
    int n_lookups = getenv("BENCH_LOOKUPS") ? atoi(getenv("BENCH_LOOKUPS")) : 10000;
    if (n_lookups < 1) n_lookups = 1;
    char path[256];
    snprintf(path, sizeof path, "bench/tmp/coverage-%lld.db", (long long)n);
    make_store(path, n, n_clauses);

    struct store *s;
    if (store_open(path, &s, &err)) die("store_open", err.en);
    int32_t today = date_today();
    double t0 = now_ms();
    struct index_gen *g;
    if (index_load(s, today, &g, &err)) die("index_load", err.en);
    struct match_catalog *cat;
    if (match_catalog_load(s, today, &cat, &err)) die("match_catalog_load", err.en);
    printf("# loaded %llu enterprises and %d clauses in %.0f ms\n",
           (unsigned long long)index_gen_count(g), cat->n_clauses, now_ms() - t0);
    store_close(s);
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die("sqlite", path);

    int district = region_find(DISTRICT, strlen(DISTRICT), &err);
    if (district < 0) die("region", err.en);
    struct figure f[4] = {{"coverage_city_cold", 0, 0, 0},
                          {"coverage_city_cached", 0, 0, -1},
                          {"coverage_district_cold", 0, 0, 0},
                          {"coverage_district_cached", 0, 0, -1}};
    scope_figures(g, cat, -1, 0, db, n_sql, n_lookups, &f[0], &f[1]);
    scope_figures(g, cat, district, region_at(district)->code, db, n_sql, n_lookups, &f[2], &f[3]);
    int n_edits = getenv("BENCH_EDITS") ? atoi(getenv("BENCH_EDITS")) : 9;
    if (n_edits < 1) n_edits = 1;
    struct figure edit = {"coverage_after_edit", 0, f[0].sqlite + f[2].sqlite, 0};
    edit_figure(g, cat, district, n_edits, &edit);

    printf("\n%-26s %14s %14s %14s %12s\n", "figure (ms)", "duijie", "sqlite", "sqlite/duijie",
           "duijie cpu");
    for (int i = 0; i < 4; i++) {
        char cpu[32] = "—";
        if (f[i].cpu >= 0) snprintf(cpu, sizeof cpu, "%.1f", f[i].cpu);
        printf("%-26s %14.6f %14.1f %13.0f× %12s\n", f[i].name, f[i].duijie, f[i].sqlite,
               f[i].sqlite / f[i].duijie, cpu);
    }
    printf("%-26s %14.6f %14.1f %13.0f× %12s\n", edit.name, edit.duijie, edit.sqlite,
           edit.sqlite / edit.duijie, "—");
    printf("# coverage_after_edit: the first dashboard after one enterprise's edit, both scopes "
           "(carried: match_coverage_carry + two lookups, median of %d edits); a recount of both "
           "on the new generation took %.1f ms (%.0f× the carry), checked equal; sqlite: both "
           "scopes' per-clause counts\n",
           n_edits, edit.cpu, edit.cpu / edit.duijie);
    printf("# before this cache every request paid the cold figure: cold/cached %.0f× (city), "
           "%.0f× (district)\n",
           f[0].duijie / f[1].duijie, f[2].duijie / f[3].duijie);
    printf("# cold: the first dashboard request on a generation (every clause counted, then kept); "
           "cached: every later one on the same generation, catalog and scope (median of %d); "
           "sqlite: the same per-clause counts, one scan per clause, wall ms; district: %s, "
           "SQLite by region_county with an index\n",
           n_lookups, DISTRICT);
    FILE *out = fopen("bench/tmp/coverage.json", "w");
    if (out) {
        fprintf(out, "{\"n_enterprises\": %llu, \"n_coverage_clauses\": %d, \"figures\": [",
                (unsigned long long)index_gen_count(g), cat->n_clauses);
        for (int i = 0; i < 4; i++)
            fprintf(out, "%s{\"name\": \"%s\", \"duijie_ms\": %.6f, \"sqlite_ms\": %.4f}",
                    i ? ", " : "", f[i].name, f[i].duijie, f[i].sqlite);
        fprintf(out,
                ", {\"name\": \"%s\", \"duijie_ms\": %.6f, \"sqlite_ms\": %.4f, "
                "\"recount_ms\": %.4f}",
                edit.name, edit.duijie, edit.sqlite, edit.cpu);
        fputs("]}\n", out);
        fclose(out);
    }
    sqlite3_close(db);
    match_catalog_free(cat);
    index_gen_release(g);
    return 0;
}
