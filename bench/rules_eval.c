/* Benchmark: one clause's rule evaluated over BENCH_N enterprises (default 200000) by the rule
 * evaluator (rules_eval_cond, the three-valued fast path, and rules_eval with explanations), next
 * to the same rule's eligible and unknown SQL (rules_sql) counted by SQLite over the same rows
 * (indexed as docs/STORE.md says). Rows are drawn from a pool of 4096 generated demo-like
 * profiles (row i = pool[i % 4096]) so memory stays small at 2,000,000; both sides see exactly
 * the same rows and the counts must agree. Figures go to bench/tmp/rules_eval.json. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/rules_rows.h"
#include "rules/rules.h"
#include "util/date.h"
#include "clock.h"

#define POOL 4096

static long long sql_count(sqlite3 *db, const char *where, double *ms) {
    char *q = malloc(strlen(where) + 64);
    sprintf(q, "SELECT count(*) FROM enterprise WHERE %s", where);
    sqlite3_stmt *st;
    long long n = -1;
    double t0 = now_ms();
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    } else {
        fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    }
    *ms = now_ms() - t0;
    free(q);
    return n;
}

struct bench_rule {
    const char *name;
    const char *src;
};

int main(void) {
    const char *env = getenv("BENCH_N");
    long n = env ? atol(env) : 200000;
    if (n <= 0) n = 200000;
    struct error err;
    if (refdata_load(&err)) return 1;
    int32_t today = date_from_ymd(2026, 6, 30);
    struct profile *pool = malloc(sizeof *pool * POOL);
    uint64_t seed = 2026;
    for (int i = 0; i < POOL; i++)
        rows_random_profile(&seed, &pool[i], today);

    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    char ddl[4096], ins[2048];
    rows_ddl(ddl, sizeof ddl, "INTEGER");
    sqlite3_exec(db, ddl, NULL, NULL, NULL);
    rows_insert_sql(ins, sizeof ins, '?');
    sqlite3_stmt *st, *qst;
    sqlite3_prepare_v2(db, ins, -1, &st, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO enterprise_qualification VALUES (?1, ?2)", -1, &qst, NULL);
    double t0 = now_ms();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (long i = 0; i < n; i++) {
        const struct profile *p = &pool[i % POOL];
        const char *cells[ROWS_N_COLS];
        char store[ROWS_N_COLS * 24];
        rows_cells(i + 1, p, cells, store);
        for (int c = 0; c < ROWS_N_COLS; c++)
            if (cells[c])
                sqlite3_bind_text(st, c + 1, cells[c], -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, c + 1);
        sqlite3_step(st);
        sqlite3_reset(st);
        for (int k = 0; p->v[F_QUALIFICATIONS].has && k < 64; k++) {
            if (!((p->v[F_QUALIFICATIONS].i >> k) & 1)) continue;
            sqlite3_bind_int(qst, 1, k);
            sqlite3_bind_int64(qst, 2, i + 1);
            sqlite3_step(qst);
            sqlite3_reset(qst);
        }
    }
    sqlite3_exec(db, "COMMIT; ANALYZE;", NULL, NULL, NULL);
    sqlite3_finalize(st);
    sqlite3_finalize(qst);
    printf("loaded %ld rows into SQLite in %.0f ms (setup, not a figure)\n", n, now_ms() - t0);

    static const struct bench_rule rules[] = {
        {"equipment", "注册地 属于 青岛市 且 行业 属于 制造业 且 设备投资额 >= 500万元 且 非 失信"},
        {"gaoqi_rd", "注册地 属于 青岛市 且 资质 包含 \"高新技术企业\" 且 研发费用占比 >= 5% 且 "
                     "研发费用 >= 500万元 且 非 失信"},
        {"district_or", "注册地 属于 即墨区 且 ((行业 属于 \"51\" 且 营业收入 >= 2000万元) 或 "
                        "(行业 属于 \"52\" 且 营业收入 >= 500万元)) 且 非 失信"},
    };
    FILE *js = fopen("bench/tmp/rules_eval.json", "w");
    if (js) fprintf(js, "{\"figures\": [");
    int status = 0;
    struct rule_eval *ev = malloc(sizeof *ev);
    for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
        struct rule *rule = NULL;
        if (rules_compile(rules[r].src, strlen(rules[r].src), rules[r].name, &rule, &err)) {
            fprintf(stderr, "%s: %s\n", rules[r].name, err.en);
            return 1;
        }
        const struct rule_version *v = &rule->versions[0];
        long long cnt[3] = {0, 0, 0};
        t0 = now_ms();
        for (long i = 0; i < n; i++)
            cnt[rules_eval_cond(v->cond, &pool[i % POOL])]++;
        double ev_ms = now_ms() - t0;
        long n_explained = n < 200000 ? n : 200000;
        t0 = now_ms();
        for (long i = 0; i < n_explained; i++)
            rules_eval(v, &pool[i % POOL], ev, &err);
        double ex_ms = (now_ms() - t0) * (double)n / (double)n_explained;
        struct buf el, un;
        buf_init(&el);
        buf_init(&un);
        rules_sql(v->cond, RULES_SQLITE, today, &el, &un, NULL, &err);
        double el_ms, un_ms;
        long long sel = sql_count(db, buf_str(&el), &el_ms);
        long long sun = sql_count(db, buf_str(&un), &un_ms);
        bool agree = sel == cnt[TRI_TRUE] && sun == cnt[TRI_UNKNOWN];
        if (!agree) status = 1;
        printf("%-12s N=%ld  eligible %lld / unknown %lld / ineligible %lld  (SQLite: %lld / %lld) "
               "%s\n",
               rules[r].name, n, cnt[TRI_TRUE], cnt[TRI_UNKNOWN], cnt[TRI_FALSE], sel, sun,
               agree ? "agree" : "DISAGREE");
        printf("  evaluator (three-valued)  %9.1f ms  %12.0f evals/s\n", ev_ms,
               (double)n / ev_ms * 1000.0);
        printf("  evaluator (explained)     %9.1f ms  %12.0f evals/s\n", ex_ms,
               (double)n / ex_ms * 1000.0);
        printf("  SQLite eligible count     %9.1f ms  %12.0f rows/s   ratio SQLite/evaluator "
               "%.1fx\n",
               el_ms, (double)n / el_ms * 1000.0, el_ms / ev_ms);
        printf("  SQLite unknown count      %9.1f ms\n", un_ms);
        if (js)
            fprintf(js,
                    "%s{\"name\": \"rules_eval %s: classify N enterprises (evaluator vs SQLite "
                    "eligible count)\", \"n\": %ld, \"duijie_ms\": %.2f, \"sqlite_ms\": %.2f, "
                    "\"ratio\": %.2f, \"duijie_explained_ms\": %.2f, \"sqlite_unknown_ms\": %.2f, "
                    "\"counts_agree\": %s}",
                    r ? ", " : "", rules[r].name, n, ev_ms, el_ms, el_ms / ev_ms, ex_ms, un_ms,
                    agree ? "true" : "false");
        buf_release(&el);
        buf_release(&un);
        rules_free(rule);
    }
    if (js) {
        fprintf(js, "]}\n");
        fclose(js);
    }
    free(ev);
    sqlite3_close(db);
    free(pool);
    return status;
}
