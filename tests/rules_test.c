/* Tests for src/rules. Most are data-driven: every folder under tests/data/rules/ is a case with
 * rule.txt and either error.txt (the expected "line:col" and words of the message) or
 * input.jsonl + expected.jsonl (result, award_fen, missing, explanation words per enterprise, and
 * optionally each atom's outcome, truth, condition and text in full: see check_atoms);
 * optional date.txt (evaluation date, default 2026-06-30) and fmt.txt (the canonical form). For
 * every case that compiles the runner also checks that fmt is idempotent and keeps the meaning,
 * and that the SQL of rules_sql selects exactly what rules_eval_cond decides on SQLite, for the
 * case's enterprises and 300 random ones. Adding a case needs no C. */
#include <dirent.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/rules.h"
#include "rules_rows.h"
#include "store/store.h"
#include "test.h"
#include "util/date.h"
#include "util/utf8.h"

#define DEFAULT_DATE "2026-06-30"

static char *read_opt(const char *dir, const char *name, size_t *len) {
    char path[2100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return test_read_file(path, len);
}

static struct rule *compile_str(const char *src, struct error *err) {
    struct rule *r = NULL;
    rules_compile(src, strlen(src), "test", &r, err);
    return r;
}

/* ---- a database of profiles, SQLite or PostgreSQL ---- */

struct db {
    sqlite3 *lite;
    PGconn *pg;
};

static int db_exec(struct db *d, const char *sql) {
    if (d->lite) {
        char *msg = NULL;
        int rc = sqlite3_exec(d->lite, sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            printf("sqlite: %s\n  in %.300s\n", msg ? msg : "?", sql);
            sqlite3_free(msg);
            return -1;
        }
        return 0;
    }
    PGresult *res = PQexec(d->pg, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok) printf("postgres: %s\n  in %.300s\n", PQerrorMessage(d->pg), sql);
    PQclear(res);
    return ok ? 0 : -1;
}

static int db_reset(struct db *d) {
    char ddl[4096];
    rows_ddl(ddl, sizeof ddl, d->lite ? "INTEGER" : "BIGINT");
    db_exec(d, "DROP TABLE IF EXISTS enterprise; DROP TABLE IF EXISTS enterprise_qualification;");
    return db_exec(d, ddl);
}

static int db_put(struct db *d, int64_t id, const struct profile *p) {
    const char *cells[ROWS_N_COLS];
    char store[ROWS_N_COLS * 24];
    rows_cells(id, p, cells, store);
    char sql[2048];
    if (d->lite) {
        rows_insert_sql(sql, sizeof sql, '?');
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(d->lite, sql, -1, &st, NULL) != SQLITE_OK) return -1;
        for (int i = 0; i < ROWS_N_COLS; i++)
            if (cells[i]) sqlite3_bind_text(st, i + 1, cells[i], -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return -1;
    } else {
        rows_insert_sql(sql, sizeof sql, '$');
        PGresult *res = PQexecParams(d->pg, sql, ROWS_N_COLS, NULL, cells, NULL, NULL, 0);
        int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok) printf("postgres insert: %s\n", PQerrorMessage(d->pg));
        PQclear(res);
        if (!ok) return -1;
    }
    if (!p->v[F_QUALIFICATIONS].has) return 0;
    for (int k = 0; k < 64; k++) {
        if (!((p->v[F_QUALIFICATIONS].i >> k) & 1)) continue;
        snprintf(sql, sizeof sql,
                 "INSERT INTO enterprise_qualification (qualification, enterprise_id) VALUES "
                 "(%d, %lld)",
                 k, (long long)id);
        if (db_exec(d, sql)) return -1;
    }
    return 0;
}

/* The ids a WHERE clause selects, as a 0/1 array over 1..n. */
static int db_select(struct db *d, const char *where, int n, char *hit) {
    memset(hit, 0, (size_t)n + 1);
    struct buf q;
    buf_init(&q);
    buf_printf(&q, "SELECT id FROM enterprise WHERE %s", where);
    int rc = 0;
    if (d->lite) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(d->lite, buf_str(&q), -1, &st, NULL) != SQLITE_OK) {
            printf("sqlite: %s\n  in %.400s\n", sqlite3_errmsg(d->lite), buf_str(&q));
            buf_release(&q);
            return -1;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0);
            if (id >= 1 && id <= n) hit[id]++;
        }
        sqlite3_finalize(st);
    } else {
        PGresult *res = PQexec(d->pg, buf_str(&q));
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            printf("postgres: %s\n  in %.400s\n", PQerrorMessage(d->pg), buf_str(&q));
            rc = -1;
        } else {
            for (int i = 0; i < PQntuples(res); i++) {
                long long id = atoll(PQgetvalue(res, i, 0));
                if (id >= 1 && id <= n) hit[id]++;
            }
        }
        PQclear(res);
    }
    buf_release(&q);
    return rc;
}

/* Checks that the three WHERE clauses partition the n profiles exactly as the evaluator does.
 * Returns the number of disagreements (reported). */
static int check_sql_agrees(struct db *d, const struct rule_cond *c, const struct profile *ps,
                            int n, int32_t today, const char *what) {
    struct buf w[3];
    for (int i = 0; i < 3; i++)
        buf_init(&w[i]);
    struct error err;
    error_clear(&err);
    int rc =
        rules_sql(c, d->lite ? RULES_SQLITE : RULES_POSTGRES, today, &w[0], &w[1], &w[2], &err);
    if (rc == ERR_UNSUPPORTED) {
        for (int i = 0; i < 3; i++)
            buf_release(&w[i]);
        return 0;
    }
    int bad = 0;
    if (rc) {
        test_failf(__FILE__, __LINE__, "%s: rules_sql failed: %s\n", what, err.en);
        bad = 1;
    }
    char *hit[3];
    enum tri want[3] = {TRI_TRUE, TRI_UNKNOWN, TRI_FALSE};
    for (int i = 0; i < 3; i++) {
        hit[i] = calloc((size_t)n + 1, 1);
        if (!bad && db_select(d, buf_str(&w[i]), n, hit[i])) {
            test_failf(__FILE__, __LINE__, "%s: SQL failed\n", what);
            bad = 1;
        }
    }
    for (int id = 1; id <= n && !bad; id++) {
        enum tri e = rules_eval_cond(c, &ps[id - 1]);
        for (int i = 0; i < 3; i++) {
            if ((hit[i][id] != 0) != (e == want[i])) {
                struct buf fb;
                buf_init(&fb);
                rules_format_cond(c, &fb);
                test_failf(
                    __FILE__, __LINE__,
                    "%s: row %d: evaluator says %s, %s SQL %s it\n  rule: %s\n  sql: %.600s\n",
                    what, id, tri_name(e), tri_name(want[i]),
                    hit[i][id] ? "selects" : "does not select", buf_str(&fb), buf_str(&w[i]));
                buf_release(&fb);
                bad++;
                break;
            }
        }
    }
    for (int i = 0; i < 3; i++) {
        free(hit[i]);
        buf_release(&w[i]);
    }
    return bad;
}

static int load_profiles(struct db *d, const struct profile *ps, int n) {
    if (db_reset(d)) return -1;
    db_exec(d, "BEGIN");
    for (int i = 0; i < n; i++)
        if (db_put(d, i + 1, &ps[i])) {
            db_exec(d, "ROLLBACK");
            return -1;
        }
    return db_exec(d, "COMMIT");
}

/* ---- data-driven cases ---- */

static bool explain_has(const struct rule_eval *e, const char *word) {
    if (strstr(e->award_text, word)) return true;
    for (int i = 0; i < e->n_atoms; i++)
        if (strstr(e->atoms[i].text, word) || strstr(e->atoms[i].condition, word)) return true;
    return false;
}

static const char *truth_name(enum tri t) {
    return t == TRI_TRUE ? "true" : t == TRI_FALSE ? "false" : "unknown";
}

/* Optional per-atom lists in source order, each compared whole: "outcomes" (does the condition
 * help the clause hold, 非 applied: eligible / ineligible / unknown), "truths" (the atom's own
 * value: true / false / unknown), "conditions" (for people) and "texts" (with the values). */
static void check_atoms(const char *name, int lineno, const struct rule_eval *e,
                        const struct rule_version *v, json_t *want) {
    static const char *const keys[] = {"outcomes", "truths", "conditions", "texts"};
    for (int k = 0; v && k < 4; k++) {
        json_t *w = json_object_get(want, keys[k]);
        if (!w) continue;
        if ((int)json_array_size(w) != e->n_atoms) {
            test_failf(__FILE__, __LINE__, "%s line %d: %s has %d entries, the rule %d atoms\n",
                       name, lineno, keys[k], (int)json_array_size(w), e->n_atoms);
            continue;
        }
        for (int i = 0; i < e->n_atoms; i++) {
            const struct rule_atom_result *a = &e->atoms[i];
            const char *got = k == 0   ? tri_name(a->outcome)
                              : k == 1 ? truth_name(a->truth)
                              : k == 2 ? a->condition
                                       : a->text;
            const char *exp = json_string_value(json_array_get(w, (size_t)i));
            if (!exp || strcmp(got, exp) != 0)
                test_failf(__FILE__, __LINE__, "%s line %d: %s[%d] is \"%s\", expected \"%s\"\n",
                           name, lineno, keys[k], i, got, exp ? exp : "?");
        }
    }
}

static void check_expected(const char *name, int lineno, const struct rule_eval *e,
                           const struct rule_version *v, json_t *want) {
    const char *res = v ? tri_name(e->result) : "ineligible";
    const char *wr = json_string_value(json_object_get(want, "result"));
    if (wr && strcmp(res, wr) != 0)
        test_failf(__FILE__, __LINE__, "%s line %d: result %s, expected %s\n", name, lineno, res,
                   wr);
    json_t *wa = json_object_get(want, "award_fen");
    if (wa) {
        bool has = v && e->has_award;
        if (json_is_null(wa) ? has : (!has || e->award_fen != json_integer_value(wa)))
            test_failf(__FILE__, __LINE__, "%s line %d: award %lld (%s), expected %s\n", name,
                       lineno, has ? (long long)e->award_fen : -1LL, e->award_text,
                       json_is_null(wa) ? "null" : "a number");
    }
    json_t *wm = json_object_get(want, "missing");
    if (wm) {
        bool ok = v && (int)json_array_size(wm) == e->n_missing;
        for (int i = 0; ok && i < e->n_missing; i++)
            ok = strcmp(schema_field(e->missing[i])->key,
                        json_string_value(json_array_get(wm, (size_t)i))) == 0;
        if (!ok)
            test_failf(__FILE__, __LINE__, "%s line %d: missing fields differ\n", name, lineno);
    }
    check_atoms(name, lineno, e, v, want);
    json_t *wx = json_object_get(want, "explain");
    for (size_t i = 0; v && i < json_array_size(wx); i++) {
        const char *w = json_string_value(json_array_get(wx, i));
        if (w && !explain_has(e, w))
            test_failf(__FILE__, __LINE__, "%s line %d: explanation lacks \"%s\"\n", name, lineno,
                       w);
    }
}

static void run_error_case(const char *name, struct rule *r, const struct error *err, char *want) {
    if (r) {
        test_failf(__FILE__, __LINE__, "%s: compiled, expected an error\n", name);
        return;
    }
    char *save;
    char *pos = strtok_r(want, "\n", &save);
    char got[32];
    snprintf(got, sizeof got, "%d:%d", err->line, err->col);
    if (!pos || strcmp(pos, got) != 0)
        test_failf(__FILE__, __LINE__, "%s: error at %s, expected %s (%s / %s)\n", name, got,
                   pos ? pos : "?", err->zh, err->en);
    for (char *w = strtok_r(NULL, "\n", &save); w; w = strtok_r(NULL, "\n", &save))
        if (!strstr(err->zh, w) && !strstr(err->en, w))
            test_failf(__FILE__, __LINE__, "%s: message lacks \"%s\": %s / %s\n", name, w, err->zh,
                       err->en);
}

/* Profiles from input.jsonl (derived on date). Returns how many. */
static int read_inputs(const char *dir, int32_t date, struct profile **out, struct arena *a) {
    size_t len;
    char *text = read_opt(dir, "input.jsonl", &len);
    *out = NULL;
    if (!text) return 0;
    int n = 0, cap = 0;
    for (char *save, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!*line) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = realloc(*out, sizeof **out * (size_t)cap);
        }
        json_t *o = json_loads(line, 0, NULL);
        struct field_errors errs;
        memset(&errs, 0, sizeof errs);
        profile_clear(&(*out)[n]);
        if (o) profile_from_json(&(*out)[n], o, a, &errs);
        if (!o || errs.n_total)
            test_failf(__FILE__, __LINE__, "%s: bad input line %d\n", dir, n + 1);
        profile_derive(&(*out)[n], date, NULL);
        json_decref(o);
        n++;
    }
    free(text);
    return n;
}

static void run_eval_case(const char *dir, const char *name, struct rule *r, int32_t date) {
    struct arena a;
    arena_init(&a, 4096);
    struct profile *ps;
    int n = read_inputs(dir, date, &ps, &a);
    size_t len;
    char *exp = read_opt(dir, "expected.jsonl", &len);
    const struct rule_version *v = rules_version_at(r, date);
    struct rule_eval *e = malloc(sizeof *e);
    int lineno = 0;
    char *save = NULL;
    char *line = exp ? strtok_r(exp, "\n", &save) : NULL;
    for (int i = 0; i < n; i++, line = line ? strtok_r(NULL, "\n", &save) : NULL) {
        lineno = i + 1;
        if (!line) {
            test_failf(__FILE__, __LINE__, "%s: expected.jsonl has fewer lines than input\n", name);
            break;
        }
        memset(e, 0, sizeof *e);
        struct error err;
        if (v) rules_eval(v, &ps[i], e, &err);
        json_t *want = json_loads(line, 0, NULL);
        if (!want) {
            test_failf(__FILE__, __LINE__, "%s: expected line %d is not JSON\n", name, lineno);
            continue;
        }
        check_expected(name, lineno, e, v, want);
        /* every text people read is valid UTF-8, even cut short */
        for (int k = 0; v && k < e->n_atoms; k++) {
            const struct rule_atom_result *x = &e->atoms[k];
            CHECK(utf8_is_valid(x->text, strlen(x->text), NULL));
            CHECK(utf8_is_valid(x->condition, strlen(x->condition), NULL));
        }
        CHECK(utf8_is_valid(e->award_text, strlen(e->award_text), NULL));
        if (v) CHECK(rules_eval_cond(v->cond, &ps[i]) == e->result);
        json_decref(want);
    }
    /* fmt keeps the meaning and is idempotent */
    struct buf f1, f2;
    buf_init(&f1);
    buf_init(&f2);
    rules_format(r, &f1);
    struct error err;
    struct rule *r2 = compile_str(buf_str(&f1), &err);
    if (!r2) {
        test_failf(__FILE__, __LINE__, "%s: fmt output does not compile: %s\n%s\n", name, err.en,
                   buf_str(&f1));
    } else {
        rules_format(r2, &f2);
        if (strcmp(buf_str(&f1), buf_str(&f2)) != 0)
            test_failf(__FILE__, __LINE__, "%s: fmt not idempotent:\n%s---\n%s", name, buf_str(&f1),
                       buf_str(&f2));
        const struct rule_version *v2 = rules_version_at(r2, date);
        for (int i = 0; v && v2 && i < n; i++) {
            struct rule_eval *e2 = malloc(sizeof *e2);
            rules_eval(v, &ps[i], e, &err);
            rules_eval(v2, &ps[i], e2, &err);
            if (e->result != e2->result || e->has_award != e2->has_award ||
                e->award_fen != e2->award_fen)
                test_failf(__FILE__, __LINE__, "%s: fmt changed the meaning on input %d\n", name,
                           i + 1);
            free(e2);
        }
        rules_free(r2);
    }
    size_t flen;
    char *want_fmt = read_opt(dir, "fmt.txt", &flen);
    if (want_fmt && strcmp(want_fmt, buf_str(&f1)) != 0)
        test_failf(__FILE__, __LINE__, "%s: fmt gives\n%s\nexpected\n%s\n", name, buf_str(&f1),
                   want_fmt);
    free(want_fmt);
    buf_release(&f1);
    buf_release(&f2);
    /* SQL agrees with the evaluator on the inputs and on random profiles */
    if (v) {
        int n_all = n + 300;
        ps = realloc(ps, sizeof *ps * (size_t)n_all);
        uint64_t seed = 0x9E3779B97F4A7C15ULL ^ (uint64_t)strlen(name) * 7919u;
        for (int i = n; i < n_all; i++)
            rows_random_profile(&seed, &ps[i], date);
        struct db d = {0};
        sqlite3_open(":memory:", &d.lite);
        if (load_profiles(&d, ps, n_all) == 0)
            check_sql_agrees(&d, v->cond, ps, n_all, date, name);
        else
            test_failf(__FILE__, __LINE__, "%s: loading SQLite failed\n", name);
        sqlite3_close(d.lite);
    }
    free(e);
    free(exp);
    free(ps);
    arena_release(&a);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Case folder names under tests/data/rules, sorted. */
static int list_cases(char ***out) {
    char root[1024];
    snprintf(root, sizeof root, "%s/rules", test_data_dir());
    DIR *dp = opendir(root);
    *out = NULL;
    if (!dp) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (de->d_name[0] == '.') continue;
        *out = realloc(*out, sizeof **out * (size_t)(n + 1));
        (*out)[n++] = strdup(de->d_name);
    }
    closedir(dp);
    qsort(*out, (size_t)n, sizeof **out, cmp_str);
    return n;
}

TEST(rules_cases) {
    char **names;
    int n = list_cases(&names);
    CHECK(n >= 20);
    for (int i = 0; i < n; i++) {
        test_case(names[i]);
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/rules/%s", test_data_dir(), names[i]);
        size_t len;
        char *src = read_opt(dir, "rule.txt", &len);
        if (!src) {
            test_failf(__FILE__, __LINE__, "%s: no rule.txt\n", names[i]);
            free(names[i]);
            continue;
        }
        char *ds = read_opt(dir, "date.txt", &len);
        int32_t date;
        struct error err;
        date_parse(ds ? ds : DEFAULT_DATE, ds ? strcspn(ds, "\n") : strlen(DEFAULT_DATE), &date,
                   &err);
        free(ds);
        struct rule *r = NULL;
        error_clear(&err);
        rules_compile(src, len = strlen(src), names[i], &r, &err);
        char *want_err = read_opt(dir, "error.txt", &len);
        if (want_err)
            run_error_case(names[i], r, &err, want_err);
        else if (!r)
            test_failf(__FILE__, __LINE__, "%s: %d:%d: %s / %s\n", names[i], err.line, err.col,
                       err.zh, err.en);
        else
            run_eval_case(dir, names[i], r, date);
        free(want_err);
        rules_free(r);
        free(src);
        free(names[i]);
    }
    free(names);
}

/* Every clause of the demo policies compiles, and formats to a rule that compiles. */
TEST(rules_demo_policies) {
    char path[1024];
    snprintf(path, sizeof path, "%s/../../data/demo/policies.json", test_data_dir());
    json_t *doc = json_load_file(path, 0, NULL);
    CHECK(doc != NULL);
    int n = 0;
    size_t i, j;
    json_t *pol, *cl;
    json_array_foreach(doc, i, pol) {
        json_array_foreach(json_object_get(pol, "clauses"), j, cl) {
            const char *src = json_string_value(json_object_get(cl, "rule"));
            if (!src) continue;
            struct error err;
            struct rule *r = compile_str(src, &err);
            if (!r) {
                test_failf(__FILE__, __LINE__, "%s: %d:%d %s\n%s\n",
                           json_string_value(json_object_get(pol, "id")), err.line, err.col, err.en,
                           src);
                continue;
            }
            CHECK(r->versions[0].award != NULL);
            struct buf b;
            buf_init(&b);
            rules_format(r, &b);
            struct rule *r2 = compile_str(buf_str(&b), &err);
            CHECK(r2 != NULL);
            rules_free(r2);
            buf_release(&b);
            rules_free(r);
            n++;
        }
    }
    CHECK(n >= 20);
    json_decref(doc);
}

TEST(rules_kleene_and_exact) {
    struct error err;
    struct rule *r = compile_str("研发费用占比 >= 5%", &err);
    CHECK(r != NULL);
    if (!r) return;
    struct profile p;
    profile_clear(&p);
    p.v[F_RD_EXPENSE] = (struct value){.has = true, .i = 250000000}; /* 250万元 */
    p.v[F_REVENUE] = (struct value){.has = true, .i = 5000000000};   /* 5000万元 */
    profile_derive(&p, date_from_ymd(2026, 6, 30), NULL);
    CHECK(rules_eval_cond(r->versions[0].cond, &p) == TRI_TRUE);
    p.v[F_RD_EXPENSE].i -= 1; /* one fen less: 4.99999…% */
    profile_derive(&p, date_from_ymd(2026, 6, 30), NULL);
    CHECK(rules_eval_cond(r->versions[0].cond, &p) == TRI_FALSE);
    rules_free(r);
    /* false and unknown = false; true or unknown = true; not unknown = unknown */
    const char *srcs[] = {"营业收入 >= 1万元 且 失信", "营业收入 >= 1万元 或 失信", "非 失信",
                          "营业收入 < 1万元 且 失信", "营业收入 < 1万元 或 失信"};
    enum tri want[] = {TRI_UNKNOWN, TRI_TRUE, TRI_UNKNOWN, TRI_FALSE, TRI_UNKNOWN};
    profile_clear(&p);
    p.v[F_REVENUE] = (struct value){.has = true, .i = 100000000};
    for (int i = 0; i < 5; i++) {
        r = compile_str(srcs[i], &err);
        CHECK(r != NULL);
        if (r) CHECK_INT(rules_eval_cond(r->versions[0].cond, &p), want[i]);
        rules_free(r);
    }
}

/* ---- property: random rules × random enterprises, evaluator vs SQL ---- */

static const char *const atoms[] = {
    "注册地 属于 青岛市",
    "注册地 属于 崂山区",
    "注册地 属于 [\"市南区\", \"黄岛区\"]",
    "注册地 属于 山东省",
    "注册地 属于 \"370212001\"",
    "纳税地 属于 青岛市",
    "纳税地 属于 城阳区",
    "纳税地 属于 山东省",
    "纳税地 属于 \"370212001\"",
    "行业 属于 制造业",
    "行业 属于 \"39\"",
    "行业 属于 \"391\"",
    "行业 属于 [\"3911\", \"G\", \"65\"]",
    "资质 包含 \"高新技术企业\"",
    "资质 包含 [\"瞪羚企业\", \"科技型中小企业\"]",
    "非 资质 包含 \"上市企业\"",
    "失信",
    "企业规模 属于 [\"小型\", \"微型\"]",
    "企业性质 = \"民营企业\"",
    "上市阶段 != \"上市\"",
    "纳税信用等级 属于 [\"A\", \"B\"]",
    "营业收入 >= 2000万元",
    "营业收入 < 2亿元",
    "资产总额 <= 1亿元",
    "从业人员 <= 500人",
    "从业人员 > 20",
    "研发人员 >= 10",
    "研发费用 >= 500万元",
    "研发费用占比 >= 5%",
    "研发费用占比 < 3.5%",
    "研发人员占比 >= 10%",
    "资产负债率 <= 70%",
    "营业收入增长率 >= 20%",
    "近三年研发费用占比 >= 4%",
    "近三年营业收入 >= 1亿元",
    "成立年限 >= 3年",
    "成立年限 < 10年",
    "成立年限 = 5",
    "成立年限 > 2.5",
    "成立日期 >= 2020-01-01",
    "发明专利 >= 1",
    "设备投资额 >= 500万元",
    "研发费用 + 设备投资额 >= 1000万元",
    "营业收入 - 研发费用 * 2 > 3000万元",
    "纳税额 / 2 >= 100万元",
    "研发费用占比 >= 分档(营业收入; <= 5000万元: 5%; <= 2亿元: 4%; 否则 3%)",
};

static void random_cond(uint64_t *s, struct buf *b, int depth) {
    int n_atoms = (int)(sizeof atoms / sizeof *atoms);
    int k = depth >= 3 ? 0 : rows_pick(s, 5);
    if (k <= 1) {
        if (rows_pick(s, 6) == 0) buf_puts(b, "非 ");
        buf_puts(b, atoms[rows_pick(s, n_atoms)]);
        return;
    }
    int n = 2 + rows_pick(s, 3);
    if (rows_pick(s, 5) == 0) buf_puts(b, "非 ");
    buf_putc(b, '(');
    for (int i = 0; i < n; i++) {
        if (i) buf_puts(b, k == 2 ? " 且 " : k == 3 ? " 或 " : rows_pick(s, 2) ? " and " : " or ");
        random_cond(s, b, depth + 1);
    }
    buf_putc(b, ')');
}

TEST(rules_property_sqlite) {
    int32_t today = date_from_ymd(2026, 6, 30);
    enum { N_ENT = 1500, N_RULES = 150 };
    struct profile *ps = malloc(sizeof *ps * N_ENT);
    uint64_t seed = 12345;
    for (int i = 0; i < N_ENT; i++)
        rows_random_profile(&seed, &ps[i], today);
    struct db d = {0};
    sqlite3_open(":memory:", &d.lite);
    CHECK(load_profiles(&d, ps, N_ENT) == 0);
    int counts[3] = {0, 0, 0};
    for (int i = 0; i < N_RULES; i++) {
        struct buf src;
        buf_init(&src);
        random_cond(&seed, &src, 0);
        struct error err;
        struct rule *r = compile_str(buf_str(&src), &err);
        if (!r) {
            test_failf(__FILE__, __LINE__, "random rule does not compile: %s\n%s\n", err.en,
                       buf_str(&src));
        } else {
            char what[64];
            snprintf(what, sizeof what, "random rule %d", i);
            check_sql_agrees(&d, r->versions[0].cond, ps, N_ENT, today, what);
            for (int j = 0; j < N_ENT; j++)
                counts[rules_eval_cond(r->versions[0].cond, &ps[j])]++;
        }
        rules_free(r);
        buf_release(&src);
    }
    /* the generator must exercise all three outcomes, or the test proves little */
    CHECK(counts[TRI_TRUE] > 1000);
    CHECK(counts[TRI_FALSE] > 1000);
    CHECK(counts[TRI_UNKNOWN] > 1000);
    sqlite3_close(d.lite);
    free(ps);
}

/* The same check against PostgreSQL when tests/sh/rules_pg.sh provides one ($DUIJIE_PG_URI):
 * every case rule and the random rules. */
TEST(rules_pg_agree) {
    const char *uri = getenv("DUIJIE_PG_URI");
    if (!uri) {
        test_skip("DUIJIE_PG_URI not set (tests/sh/rules_pg.sh sets it)");
        return;
    }
    struct db d = {0};
    d.pg = PQconnectdb(uri);
    if (PQstatus(d.pg) != CONNECTION_OK) {
        test_failf(__FILE__, __LINE__, "cannot connect: %s\n", PQerrorMessage(d.pg));
        PQfinish(d.pg);
        return;
    }
    PQclear(PQexec(d.pg, "SET client_min_messages = warning"));
    int32_t today = date_from_ymd(2026, 6, 30);
    enum { N_ENT = 400 };
    struct profile *ps = malloc(sizeof *ps * N_ENT);
    uint64_t seed = 777;
    for (int i = 0; i < N_ENT; i++)
        rows_random_profile(&seed, &ps[i], today);
    CHECK(load_profiles(&d, ps, N_ENT) == 0);
    char **names;
    int n = list_cases(&names), n_checked = 0;
    for (int i = 0; i < n; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/rules/%s/rule.txt", test_data_dir(), names[i]);
        size_t len;
        char *src = test_read_file(path, &len);
        struct error err;
        struct rule *r = src ? compile_str(src, &err) : NULL;
        for (int k = 0; r && k < r->n_versions; k++) {
            test_case(names[i]);
            check_sql_agrees(&d, r->versions[k].cond, ps, N_ENT, today, names[i]);
            n_checked++;
        }
        rules_free(r);
        free(src);
        free(names[i]);
    }
    free(names);
    for (int i = 0; i < 60; i++) {
        struct buf src;
        buf_init(&src);
        random_cond(&seed, &src, 0);
        struct error err;
        struct rule *r = compile_str(buf_str(&src), &err);
        if (r) check_sql_agrees(&d, r->versions[0].cond, ps, N_ENT, today, "random rule");
        rules_free(r);
        buf_release(&src);
    }
    CHECK(n_checked >= 20);
    PQfinish(d.pg);
    free(ps);
}

/* ---- the real store: rows written by src/store, read back, SQL vs evaluator ---- */

struct readback {
    struct profile *ps;
    int n;
    int32_t today;
    int bad;
};

static int readback_cb(void *ctx, int64_t id, const struct profile *p) {
    struct readback *rb = ctx;
    if (id < 1 || id > rb->n) {
        rb->bad++;
        return 0;
    }
    rb->ps[id - 1] = *p;
    /* text values point into the scan's buffers; the rules never read them */
    rb->ps[id - 1].v[F_NAME].has = false;
    rb->ps[id - 1].v[F_USCC].has = false;
    profile_derive(&rb->ps[id - 1], rb->today, NULL);
    return 0;
}

/* Enterprises written through store_put_enterprise (so the columns are the store's, not ours),
 * scanned back, and every case rule plus random rules checked: the SQL over the store's file
 * selects exactly what the evaluator decides on the profiles the store returns. */
TEST(rules_store_sqlite_agree) {
    enum { N_ENT = 600 };
    int32_t today = date_from_ymd(2026, 6, 30);
    char path[] = "/tmp/duijie-rules-store-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    unlink(path);
    char uri[128];
    snprintf(uri, sizeof uri, "sqlite:%s", path);
    struct store *st = NULL;
    struct error err;
    if (store_open(uri, &st, &err)) {
        test_failf(__FILE__, __LINE__, "store_open: %s\n", err.en);
        return;
    }
    uint64_t seed = 4242;
    struct arena a;
    arena_init(&a, 4096);
    CHECK(store_begin(st, &err) == 0);
    for (int i = 0; i < N_ENT; i++) {
        struct profile p;
        rows_random_profile(&seed, &p, today);
        char code[20];
        snprintf(code, sizeof code, "91370200%09d", i + 1);
        code[17] = uscc_check_char(code);
        code[18] = 0;
        p.v[F_USCC] = (struct value){.has = true, .s = arena_strdup(&a, code)};
        int64_t id = 0;
        if (store_put_enterprise(st, &p, &id, &err)) {
            test_failf(__FILE__, __LINE__, "store_put_enterprise: %s\n", err.en);
            break;
        }
    }
    CHECK(store_commit(st, &err) == 0);
    struct readback rb = {calloc(N_ENT, sizeof(struct profile)), N_ENT, today, 0};
    CHECK(store_scan_enterprises(st, readback_cb, &rb, &err) == 0);
    CHECK_INT(rb.bad, 0);
    store_close(st);
    struct db d = {0};
    CHECK(sqlite3_open(path, &d.lite) == SQLITE_OK);
    char **names;
    int n = list_cases(&names), n_checked = 0;
    for (int i = 0; i < n; i++) {
        char rp[1200];
        snprintf(rp, sizeof rp, "%s/rules/%s/rule.txt", test_data_dir(), names[i]);
        size_t len;
        char *src = test_read_file(rp, &len);
        struct rule *r = src ? compile_str(src, &err) : NULL;
        for (int k = 0; r && k < r->n_versions; k++) {
            test_case(names[i]);
            check_sql_agrees(&d, r->versions[k].cond, rb.ps, N_ENT, today, names[i]);
            n_checked++;
        }
        rules_free(r);
        free(src);
        free(names[i]);
    }
    free(names);
    for (int i = 0; i < 60; i++) {
        struct buf src;
        buf_init(&src);
        random_cond(&seed, &src, 0);
        struct rule *r = compile_str(buf_str(&src), &err);
        if (r) check_sql_agrees(&d, r->versions[0].cond, rb.ps, N_ENT, today, "random rule");
        rules_free(r);
        buf_release(&src);
    }
    CHECK(n_checked >= 20);
    sqlite3_close(d.lite);
    unlink(path);
    free(rb.ps);
    arena_release(&a);
}
