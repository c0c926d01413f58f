/* Tests for src/enterprise: USCC vectors (criteria.md §5.3), the 2017 size table (data-driven from
 * tests/data/enterprise/size_cases.tsv: every row's every bound on both sides, and the oracle
 * cases), profiles from JSON and derived fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo.h"
#include "enterprise/enterprise.h"
#include "refdata/refdata.h"
#include "test.h"
#include "text/number.h"
#include "util/date.h"

TEST(enterprise_uscc_vectors) {
    static const char *valid[] = {"91350100M000100Y43",   "914403001922038216",
                                  "91110000710925462X",   "91520000214434146R",
                                  "91100000100003962T",   "91440300708461136T",
                                  "91370211MA00000000",   "91370211MA0000039Y",
                                  " 91350100m000100y43 ", "９１３５０１００Ｍ０００１００Ｙ４３"};
    static const char *invalid[] = {"91350100M000100Y44",
                                    "91350100M000100I43",
                                    "91110108717809965C",
                                    "9133010057462616XH",
                                    "91370200MA00678000",
                                    "91350100M000100Y4",
                                    "91350100M000100Y433",
                                    "",
                                    "\xff\xfe"};
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        struct uscc_result r;
        uscc_check(valid[i], strlen(valid[i]), &r);
        test_case(valid[i]);
        CHECK(r.is_valid);
        CHECK_INT(strlen(r.code), 18);
    }
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        struct uscc_result r;
        uscc_check(invalid[i], strlen(invalid[i]), &r);
        test_case(invalid[i]);
        CHECK(!r.is_valid);
        CHECK(r.error_zh[0] != 0 && r.error_en[0] != 0);
    }
}

TEST(enterprise_uscc_details) {
    struct uscc_result r;
    uscc_check("91350100M000100Y44", 18, &r);
    CHECK(strstr(r.error_zh, "应为“3”") != NULL);
    uscc_check("91310000631295002H", 18, &r); /* passes MOD 31-3, fails GB 11714: a warning */
    CHECK(r.is_valid);
    CHECK_INT(r.n_warnings, 1);
    CHECK(uscc_check_char("91370211MA0000000") == '0');
    CHECK(uscc_check_char("91370211MA0000039") == 'Y');
    CHECK(uscc_check_char("9137021IMA0000039") == 0);
}

static void parse_money_cell(const char *s, struct value *v) {
    memset(v, 0, sizeof *v);
    if (!*s) return;
    char buf[64];
    snprintf(buf, sizeof buf, "%s万元", s);
    v->has = text_parse_money(buf, strlen(buf), &v->i, NULL) == 0;
}

TEST(enterprise_size_table) {
    char path[256];
    snprintf(path, sizeof path, "%s/enterprise/size_cases.tsv", test_data_dir());
    char *text = test_read_file(path, NULL);
    if (!CHECK(text != NULL)) return;
    int n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *col[6] = {0};
        int k = 0;
        for (char *p = line; k < 6; k++) {
            col[k] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                k++;
                break;
            }
            *tab = 0;
            p = tab + 1;
        }
        if (k < 5) continue;
        char name[200];
        snprintf(name, sizeof name, "%s X=%s Y=%s Z=%s → %s (%s)", col[0], col[1], col[2], col[3],
                 col[4], col[5] ? col[5] : "");
        test_case(name);
        n++;
        int ind = industry_find(col[0], strlen(col[0]), NULL, NULL);
        if (!CHECK(ind >= 0)) continue;
        struct value x = {0}, y, z;
        if (*col[1]) {
            x.has = true;
            x.i = strtoll(col[1], NULL, 10);
        }
        parse_money_cell(col[2], &y);
        parse_money_cell(col[3], &z);
        struct size_result r;
        size_classify(ind, &x, &y, &z, &r);
        const char *got =
            r.size < 0 ? (r.is_covered ? "unknown" : "none") : schema_field(F_SIZE)->values[r.size];
        if (strcmp(got, col[4]) != 0)
            test_failf(__FILE__, __LINE__, "got %s, reason: %s", got, r.reason);
        CHECK(r.reason[0] != 0);
    }
    CHECK(n > 250);
    free(text);
}

static void derive_line(const char *json, const char *date, struct profile *p, struct arena *a,
                        struct derive_explain *ex, struct field_errors *errs) {
    json_error_t je;
    json_t *o = json_loads(json, 0, &je);
    profile_clear(p);
    profile_from_json(p, o, a, errs);
    json_decref(o);
    int32_t d;
    date_parse(date, strlen(date), &d, NULL);
    profile_derive(p, d, ex);
}

TEST(enterprise_derive_exact) {
    struct arena a;
    arena_init(&a, 0);
    struct profile p;
    struct field_errors errs;
    struct derive_explain *ex = malloc(sizeof *ex);
    derive_line(
        "{\"行业\":\"C3411\",\"研发费用\":\"250万元\",\"营业收入\":\"5000万元\",\"从业人员\":300,"
        "\"成立日期\":\"2020-11-24\",\"fiscal_year\":2025,"
        "\"history\":{\"2024\":{\"revenue\":\"4000万元\",\"rd_expense\":\"100万\"},"
        "\"2023\":{\"营业收入\":\"1000万元\",\"研发费用\":\"50万元\"}}}",
        "2026-11-24", &p, &a, ex, &errs);
    CHECK_INT(errs.n_total, 0);
    CHECK(p.v[F_RD_RATIO].has);
    CHECK_INT(ratio_cmp(p.v[F_RD_RATIO].r, (struct ratio){5, 100}), 0); /* exactly 5% */
    CHECK_INT(p.v[F_AGE_YEARS].i, 6);                                   /* to the day */
    CHECK_INT(p.v[F_SIZE].i, SIZE_MEDIUM);
    CHECK_INT(p.v[F_RD_EXPENSE_3Y].i, 400000000);
    CHECK_INT(ratio_cmp(p.v[F_REVENUE_GROWTH].r, (struct ratio){1, 4}), 0);
    CHECK_INT(ratio_cmp(p.v[F_RD_RATIO_3Y].r, (struct ratio){4, 100}), 0);
    CHECK(strstr(ex->text[F_SIZE], "工业") != NULL);
    derive_line("{\"成立日期\":\"2020-11-25\"}", "2026-11-24", &p, &a, ex, &errs);
    CHECK_INT(p.v[F_AGE_YEARS].i, 5); /* one day short of six years */
    free(ex);
    arena_release(&a);
}

TEST(enterprise_json_errors) {
    struct arena a;
    arena_init(&a, 0);
    struct profile p;
    struct field_errors errs;
    struct derive_explain *ex = malloc(sizeof *ex);
    derive_line("{\"营业收入\":\"很多\",\"注册地\":\"火星区\",\"revenu\":1,\"资质\":[\"高企\","
                "\"不存在的称号\"],"
                "\"从业人员\":12.5,\"成立日期\":\"2025-02-30\",\"失信\":\"也许\"}",
                "2026-01-01", &p, &a, ex, &errs);
    CHECK_INT(errs.n_total, 7);
    CHECK(!p.v[F_REVENUE].has);
    CHECK_STR(errs.items[2].field, "revenu");
    CHECK(strstr(errs.items[2].zh, "营业收入") != NULL); /* did you mean */
    free(ex);
    arena_release(&a);
}

TEST(enterprise_money_inputs) {
    struct arena a;
    arena_init(&a, 0);
    struct profile p;
    struct field_errors errs;
    struct derive_explain *ex = malloc(sizeof *ex);
    derive_line("{\"revenue\":12345.67,\"assets\":\"1.5亿\",\"tax_paid\":\"二十万元\",\"rd_"
                "expense\":\"300,000元\","
                "\"equipment_investment\":\"２０００万元\"}",
                "2026-01-01", &p, &a, ex, &errs);
    CHECK_INT(errs.n_total, 0);
    CHECK_INT(p.v[F_REVENUE].i, 1234567);
    CHECK_INT(p.v[F_ASSETS].i, 15000000000LL);
    CHECK_INT(p.v[F_TAX_PAID].i, 20000000);
    CHECK_INT(p.v[F_RD_EXPENSE].i, 30000000);
    CHECK_INT(p.v[F_EQUIPMENT_INVESTMENT].i, 2000000000);
    free(ex);
    arena_release(&a);
}

/* The size without its reason (bulk derivation) is the size with it, on a demo city's worth of
 * profiles that covers every industry group and missing indicators. */
TEST(enterprise_size_class_of_equals_classify) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    for (int i = 0; p && i < 5000; i++) {
        demo_enterprise(5, i, p, &t);
        int ind = p->v[F_INDUSTRY].has ? (int)p->v[F_INDUSTRY].i : -1;
        struct size_result r;
        size_classify(ind, &p->v[F_EMPLOYEES], &p->v[F_REVENUE], &p->v[F_ASSETS], &r);
        CHECK_INT(size_class_of(ind, &p->v[F_EMPLOYEES], &p->v[F_REVENUE], &p->v[F_ASSETS]),
                  r.size);
        struct profile q = *p, w = *p;
        struct derive_explain *ex = malloc(sizeof *ex);
        profile_derive(&q, 20000, NULL);
        if (ex) profile_derive(&w, 20000, ex);
        CHECK_INT(q.v[F_SIZE].has, w.v[F_SIZE].has);
        CHECK(q.v[F_SIZE].i == w.v[F_SIZE].i);
        free(ex);
    }
    free(p);
}
