/* bench/search: query latency of src/search against SQLite FTS5 on the same documents.
 *
 * Corpus: the relevance set's real documents (tests/data/search/docs.txt) plus synthetic clauses
 * built from them (a Qingdao town and a GB/T 4754 industry name, then fragments of two real clauses
 * joined; a Qingdao region, a department and an issue date drawn at random) up to
 * SEARCH_BENCH_DOCS (default 100,000). Queries: the
 * judged queries of tests/data/search/queries.tsv, each run SEARCH_BENCH_REPS times (default 10).
 *
 * FTS5 gets the same tokenisation: each document's normalised text is indexed as space-separated
 * bigrams, unigrams and Latin words (unicode61 keeps each as one token), and a query is the OR of
 * its bigrams and words, ranked by bm25() with the same field weights (title 3, text 1, department
 * 1, policy title 0.5), LIMIT 10. duijie's timing includes building snippets and highlights for
 * the 10 hits; FTS5's only reads the ids. Precision@5 and MRR of both are measured on the real
 * documents alone (where the judgements apply). Figures go to bench/tmp/search.json. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "refdata/refdata.h"
#include "search/search.h"
#include "util/date.h"
#include "clock.h"

#define MAX_QUERIES 256

struct judged {
    char *q;
    char *rel; /* space-separated ids */
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int load_docs(struct search_doc_list *l) {
    FILE *f = fopen("tests/data/search/docs.txt", "r");
    if (!f) return -1;
    char line[512];
    struct error err;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char path[1024];
        snprintf(path, sizeof path, "tests/data/%s", line);
        if (search_load_json(l, path, &err)) {
            fprintf(stderr, "%s: %s\n", path, err.en);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

static int load_queries(struct judged *qs) {
    FILE *f = fopen("tests/data/search/queries.tsv", "r");
    if (!f) return 0;
    char line[4096];
    int n = 0;
    while (n < MAX_QUERIES && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2) continue;
        *t1 = 0;
        if (getenv("SEARCH_BENCH_ONLY") && !strstr(line, getenv("SEARCH_BENCH_ONLY"))) continue;
        qs[n].q = strdup(line);
        qs[n].rel = strdup(t2 + 1);
        n++;
    }
    fclose(f);
    return n;
}

/* A clause fragment: the text up to (or from) its first comma. */
static void fragment(const char *s, bool head, char *out, size_t n) {
    const char *c = strstr(s, ",");
    if (!c) c = strstr(s, "，");
    if (!c) {
        snprintf(out, n, "%s", s);
        return;
    }
    if (head)
        snprintf(out, n, "%.*s", (int)(c - s), s);
    else
        snprintf(out, n, "%s", c + (*c == ',' ? 1 : 3));
}

static const char *const regions[] = {"市南区", "市北区", "黄岛区", "崂山区", "李沧区", "城阳区",
                                      "即墨区", "胶州市", "平度市", "莱西市", "青岛市"};

static int synthesize(struct search_doc_list *l, size_t target) {
    size_t n_real = l->n_docs;
    static int towns[4096];
    uint64_t n_towns = 0;
    int qd = region_by_code(370200);
    for (int i = 0; i < region_count() && n_towns < 4096; i++)
        if (region_at(i)->level == REGION_TOWN && region_is_within(i, qd)) towns[n_towns++] = i;
    if (!n_towns) return -1;
    struct error err;
    char text[4096], a[1024], b[1024], id[32];
    for (size_t i = n_real; i < target; i++) {
        const struct search_doc *x = &l->docs[rnd() % n_real], *y = &l->docs[rnd() % n_real];
        fragment(x->text, true, a, sizeof a);
        fragment(y->text, false, b, sizeof b);
        /* a town and an industry from the reference tables give the vocabulary a real corpus
           has; without them every bigram of 109 clauses would be in thousands of documents */
        const struct region *town = region_at(towns[rnd() % n_towns]);
        const struct industry *ind = industry_at((int)(rnd() % (uint64_t)industry_count()));
        snprintf(text, sizeof text, "%s%s:%s,%s", town->name, ind->name, a, b);
        snprintf(id, sizeof id, "S-%zu", i);
        struct search_doc d = *x;
        d.id = id;
        d.text = text;
        d.region = regions[rnd() % (sizeof regions / sizeof *regions)];
        d.department = l->docs[rnd() % n_real].department;
        d.issued = date_from_ymd(2019 + (int)(rnd() % 7), 1 + (int)(rnd() % 12), 1);
        d.amount_fen = -1;
        if (search_doc_list_add(l, &d, &err)) return -1;
    }
    return 0;
}

/* ---- FTS5 with the same tokens ---- */

static void append_tokens(const struct search_lexicon *lex, const char *s, struct buf *out,
                          bool query) {
    (void)lex;
    if (!s) return;
    struct buf nb;
    buf_init(&nb);
    struct error err;
    if (search_normalize(s, strlen(s), &nb, NULL, &err) || !nb.data) {
        buf_release(&nb);
        return;
    }
    size_t cap = nb.len * 2 + 8;
    struct search_token *t = malloc(cap * sizeof *t);
    size_t n = search_tokenize(NULL, nb.data, nb.len, t, cap);
    if (n > cap) n = cap;
    int han = 0;
    for (size_t i = 0; i < n; i++)
        han += t[i].kind == SEARCH_TOK_UNIGRAM;
    for (size_t i = 0; i < n; i++) {
        bool keep = !query || t[i].kind != SEARCH_TOK_UNIGRAM || han == 1;
        if (!keep) continue;
        if (query && out->len) buf_puts(out, " OR ");
        if (!query && out->len) buf_putc(out, ' ');
        if (query) buf_putc(out, '"');
        buf_append(out, nb.data + t[i].start, t[i].len);
        if (query) buf_putc(out, '"');
    }
    free(t);
    buf_release(&nb);
}

static sqlite3 *fts_build(const struct search_doc *docs, size_t n, double *ms) {
    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db,
                 "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, text, department, "
                 "policy, tokenize='unicode61')",
                 NULL, NULL, NULL);
    double t0 = now_ms();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?,?,?,?,?)", -1, &st, NULL);
    struct buf b[4];
    for (int k = 0; k < 4; k++)
        buf_init(&b[k]);
    for (size_t i = 0; i < n; i++) {
        const char *f[4] = {docs[i].title, docs[i].text, docs[i].department, docs[i].policy_title};
        sqlite3_bind_text(st, 1, docs[i].id, -1, SQLITE_STATIC);
        for (int k = 0; k < 4; k++) {
            buf_clear(&b[k]);
            append_tokens(NULL, f[k], &b[k], false);
            sqlite3_bind_text(st, 2 + k, buf_str(&b[k]), -1, SQLITE_TRANSIENT);
        }
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    *ms = now_ms() - t0;
    for (int k = 0; k < 4; k++)
        buf_release(&b[k]);
    return db;
}

/* Runs one query on FTS5; writes up to 10 ids into ids (each ≤ 63 bytes). */
static int fts_query(sqlite3 *db, const char *q, char ids[10][64]) {
    struct buf m;
    buf_init(&m);
    append_tokens(NULL, q, &m, true);
    int n = 0;
    if (m.len) {
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db,
                           "SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t, 3.0, 1.0, 1.0, 0.5) "
                           "LIMIT 10",
                           -1, &st, NULL);
        sqlite3_bind_text(st, 1, buf_str(&m), -1, SQLITE_STATIC);
        while (n < 10 && sqlite3_step(st) == SQLITE_ROW)
            snprintf(ids[n++], 64, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    buf_release(&m);
    return n;
}

static int duijie_query(const struct search_index *idx, const char *q, char ids[10][64]) {
    struct arena a;
    arena_init(&a, 16384);
    struct search_query sq = {.q = q, .limit = 10, .today = date_from_ymd(2026, 1, 15)};
    search_filter_init(&sq.filter);
    struct search_results r;
    struct error err;
    int n = 0;
    if (search_run(idx, &sq, &a, &r, &err) == 0)
        for (; n < r.n_hits && n < 10; n++)
            snprintf(ids[n], 64, "%s", r.hits[n].id);
    arena_release(&a);
    return n;
}

static bool in_list(const char *ids, const char *id) {
    size_t n = strlen(id);
    for (const char *p = ids; (p = strstr(p, id)); p += n)
        if ((p == ids || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return true;
    return false;
}

struct quality {
    double p5, mrr;
};

/* Filters are left out for both engines: the query text alone is compared. */
static struct quality judge(const struct judged *qs, int nq, const struct search_index *idx,
                            sqlite3 *db) {
    struct quality qd = {0, 0};
    for (int i = 0; i < nq; i++) {
        char ids[10][64];
        int n = idx ? duijie_query(idx, qs[i].q, ids) : fts_query(db, qs[i].q, ids);
        double rr = 0;
        int h5 = 0;
        for (int k = 0; k < n; k++) {
            if (!in_list(qs[i].rel, ids[k])) continue;
            if (k < 5) h5++;
            if (rr == 0) rr = 1.0 / (k + 1);
        }
        qd.p5 += h5 / 5.0;
        qd.mrr += rr;
    }
    qd.p5 /= nq;
    qd.mrr /= nq;
    return qd;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p) {
    size_t i = (size_t)ceil(p * (double)n) - 1;
    return v[i < n ? i : n - 1];
}

int main(void) {
    size_t target =
        getenv("SEARCH_BENCH_DOCS") ? strtoul(getenv("SEARCH_BENCH_DOCS"), 0, 10) : 100000;
    int reps = getenv("SEARCH_BENCH_REPS") ? atoi(getenv("SEARCH_BENCH_REPS")) : 10;
    struct error err;
    struct search_lexicon *lex;
    if (search_lexicon_new(&lex, &err)) {
        fprintf(stderr, "lexicon: %s\n", err.en);
        return 1;
    }
    struct search_doc_list l;
    search_doc_list_init(&l);
    static struct judged qs[MAX_QUERIES];
    int nq = load_queries(qs);
    if (load_docs(&l) || nq == 0) {
        fprintf(stderr, "run from the repository root (tests/data/search)\n");
        return 1;
    }
    size_t n_real = l.n_docs;

    /* quality on the real documents */
    struct search_index *small;
    double fts_small_ms;
    if (search_index_build(lex, l.docs, n_real, &small, &err)) return 1;
    sqlite3 *small_db = fts_build(l.docs, n_real, &fts_small_ms);
    struct quality qd = judge(qs, nq, small, NULL), qf = judge(qs, nq, NULL, small_db);
    search_index_free(small);
    sqlite3_close(small_db);

    if (synthesize(&l, target)) return 1;
    double t0 = now_ms();
    struct search_index *idx;
    if (search_index_build(lex, l.docs, l.n_docs, &idx, &err)) {
        fprintf(stderr, "build: %s\n", err.en);
        return 1;
    }
    double build_ms = now_ms() - t0, fts_build_ms;
    /* SEARCH_BENCH_NO_FTS=1 leaves FTS5 out (for profiling duijie alone) */
    bool no_fts = getenv("SEARCH_BENCH_NO_FTS") != NULL;
    sqlite3 *db = fts_build(l.docs, no_fts ? 0 : l.n_docs, &fts_build_ms);

    size_t runs = (size_t)nq * (size_t)reps;
    double *td = malloc(runs * sizeof *td), *tf = malloc(runs * sizeof *tf);
    double *wd = malloc(runs * sizeof *wd), *wf = malloc(runs * sizeof *wf);
    size_t k = 0;
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < nq; i++, k++) {
            char ids[10][64];
            double wa = now_ms(), a = cpu_ms();
            duijie_query(idx, qs[i].q, ids);
            double wb = now_ms(), b = cpu_ms();
            if (!no_fts) fts_query(db, qs[i].q, ids);
            double wc = now_ms(), c = cpu_ms();
            td[k] = b - a;
            tf[k] = c - b;
            wd[k] = wb - wa;
            wf[k] = wc - wb;
            if (getenv("SEARCH_BENCH_VERBOSE") && r == reps - 1)
                printf("  %8.3f ms cpu  %8.3f ms cpu  %s\n", b - a, c - b, qs[i].q);
        }
    }
    qsort(td, runs, sizeof *td, cmp_double);
    qsort(tf, runs, sizeof *tf, cmp_double);
    qsort(wd, runs, sizeof *wd, cmp_double);
    qsort(wf, runs, sizeof *wf, cmp_double);
    double wd50 = pct(wd, runs, 0.5), wd99 = pct(wd, runs, 0.99);
    double wf50 = pct(wf, runs, 0.5), wf99 = pct(wf, runs, 0.99);
    double load[1] = {0};
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &load[0]) != 1) load[0] = -1;
        fclose(la);
    }
    double d50 = pct(td, runs, 0.5), d99 = pct(td, runs, 0.99);
    double f50 = pct(tf, runs, 0.5), f99 = pct(tf, runs, 0.99);
    printf("search over %zu clauses (%zu real + synthetic), %d judged queries x %d\n", l.n_docs,
           n_real, nq, reps);
    printf("  index build   duijie %9.1f ms   FTS5 %9.1f ms   ratio %.1fx\n", build_ms,
           fts_build_ms, fts_build_ms / build_ms);
    printf("  query p50 cpu duijie %9.3f ms   FTS5 %9.3f ms   ratio %.1fx\n", d50, f50, f50 / d50);
    printf("  query p99 cpu duijie %9.3f ms   FTS5 %9.3f ms   ratio %.1fx\n", d99, f99, f99 / d99);
    printf("  query p50 wall duijie %8.3f ms   FTS5 %9.3f ms   ratio %.1fx (load average %.1f on "
           "%ld cores)\n",
           wd50, wf50, wf50 / wd50, load[0], sysconf(_SC_NPROCESSORS_ONLN));
    printf("  query p99 wall duijie %8.3f ms   FTS5 %9.3f ms   ratio %.1fx\n", wd99, wf99,
           wf99 / wd99);
    printf("  precision@5 (real docs)  duijie %.3f   FTS5 %.3f\n", qd.p5, qf.p5);
    printf("  MRR         (real docs)  duijie %.3f   FTS5 %.3f\n", qd.mrr, qf.mrr);
    printf("  index memory  duijie %.1f MiB\n", (double)search_index_bytes(idx) / 1048576.0);
    FILE *out = fopen("bench/tmp/search.json", "w");
    if (out) {
        fprintf(out,
                "{\"figures\":[{\"name\":\"search_p50\",\"duijie_ms\":%.4f,\"sqlite_ms\":%.4f},"
                "{\"name\":\"search_p99\",\"duijie_ms\":%.4f,\"sqlite_ms\":%.4f},"
                "{\"name\":\"search_build\",\"duijie_ms\":%.1f,\"sqlite_ms\":%.1f}],"
                "\"search\":{\"timing\":\"thread CPU time per query; wall p50/p99 %.3f/%.3f ms "
                "duijie, %.3f/%.3f ms FTS5 at load average %.1f\","
                "\"documents\":%zu,\"queries\":%d,\"reps\":%d,"
                "\"p_at_5\":{\"duijie\":%.3f,\"sqlite_fts5\":%.3f},"
                "\"mrr\":{\"duijie\":%.3f,\"sqlite_fts5\":%.3f},\"index_mib\":%.1f}}\n",
                d50, f50, d99, f99, build_ms, fts_build_ms, wd50, wd99, wf50, wf99, load[0],
                l.n_docs, nq, reps, qd.p5, qf.p5, qd.mrr, qf.mrr,
                (double)search_index_bytes(idx) / 1048576.0);
        fclose(out);
    }
    free(td);
    free(tf);
    free(wd);
    free(wf);
    sqlite3_close(db);
    search_index_free(idx);
    search_doc_list_release(&l);
    search_lexicon_free(lex);
    for (int i = 0; i < nq; i++) {
        free(qs[i].q);
        free(qs[i].rel);
    }
    search_thread_release();
    return 0;
}
