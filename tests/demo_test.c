/* Tests for the synthetic city: the same (seed, i) gives the same enterprise, every USCC is valid
 * and unique, sizes are mostly 小/微, every district appears, gaps exist on purpose, and the
 * template clauses and the demo policies land in the clause store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "refdata/refdata.h"
#include "test.h"
#include "util/date.h"
#include "util/strmap.h"

static bool same_values(const struct value *a, const struct value *b, int n) {
    for (int f = 0; f < n; f++) {
        if (a[f].has != b[f].has || a[f].i != b[f].i) return false;
        if (a[f].s && (!b[f].s || strcmp(a[f].s, b[f].s) != 0)) return false;
    }
    return true;
}

TEST(demo_is_deterministic_per_seed_and_i) {
    struct profile *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    struct demo_text ta, tb;
    demo_enterprise(7, 12345, a, &ta);
    for (int64_t i = 0; i < 100; i++) /* whatever else was generated in between */
        demo_enterprise(7, i, b, &tb);
    demo_enterprise(7, 12345, b, &tb);
    CHECK_STR(ta.uscc, tb.uscc);
    CHECK_STR(ta.name, tb.name);
    CHECK(same_values(a->v, b->v, F_COUNT));
    CHECK(same_values(a->hist[0], b->hist[0], F_COUNT));
    CHECK(same_values(a->hist[1], b->hist[1], F_COUNT));
    demo_enterprise(8, 12345, b, &tb);
    CHECK(strcmp(ta.uscc, tb.uscc) != 0 || strcmp(ta.name, tb.name) != 0);
    free(a);
    free(b);
}

struct tally {
    int n, n_small_micro, n_sized, n_high_tech, n_little_giant, n_dishonest;
    int n_missing_revenue, n_missing_rd, n_bad_uscc, n_dup_uscc, n_with_history;
    int districts[16];
};

static void count_one(struct tally *t, struct profile *p, const struct demo_text *txt,
                      struct strmap *seen) {
    struct uscc_result r;
    uscc_check(txt->uscc, strlen(txt->uscc), &r);
    t->n_bad_uscc += !r.is_valid || r.n_warnings > 0;
    int64_t dummy;
    t->n_dup_uscc += strmap_get(seen, txt->uscc, 18, &dummy);
    strmap_put(seen, txt->uscc, 18, 1);
    profile_derive(p, date_from_ymd(2026, 6, 30), NULL);
    t->n_sized += p->v[F_SIZE].has;
    t->n_small_micro += p->v[F_SIZE].has && p->v[F_SIZE].i >= SIZE_SMALL;
    uint64_t q = p->v[F_QUALIFICATIONS].has ? (uint64_t)p->v[F_QUALIFICATIONS].i : 0;
    t->n_high_tech += (int)(q & 1);
    t->n_little_giant += (int)(q >> 4 & 1);
    t->n_dishonest += p->v[F_DISHONEST].has && p->v[F_DISHONEST].i;
    t->n_missing_revenue += !p->v[F_REVENUE].has;
    t->n_missing_rd += !p->v[F_RD_EXPENSE].has;
    t->n_with_history += p->hist[1][F_REVENUE].has;
    int county = region_ancestor((int)p->v[F_REGION].i, REGION_COUNTY);
    static const int64_t codes[] = {370202, 370203, 370211, 370212, 370213,
                                    370214, 370215, 370281, 370283, 370285};
    for (int d = 0; d < 10; d++)
        t->districts[d] += county >= 0 && region_at(county)->code == codes[d];
    t->n++;
}

TEST(demo_city_has_the_right_shape) {
    struct profile *p = malloc(sizeof *p);
    struct demo_text txt;
    struct tally t = {0};
    struct strmap seen;
    strmap_init(&seen);
    for (int64_t i = 0; i < 20000; i++) {
        demo_enterprise(1, i, p, &txt);
        CHECK(p->v[F_REGION].has);
        count_one(&t, p, &txt, &seen);
    }
    CHECK_INT(t.n_bad_uscc, 0);
    CHECK_INT(t.n_dup_uscc, 0);
    CHECK(t.n_small_micro * 100 >= t.n * 80); /* ≥ 80% 小/微 of all, unknown sizes included */
    CHECK(t.n_sized * 100 >= t.n * 90);
    CHECK(t.n_high_tech * 100 >= t.n * 1 && t.n_high_tech * 100 <= t.n * 6); /* a few % */
    CHECK(t.n_little_giant >= 1 && t.n_little_giant * 1000 <= t.n * 2);      /* very few */
    CHECK(t.n_dishonest > 0 && t.n_dishonest * 100 <= t.n * 2);
    CHECK(t.n_missing_revenue > 0 && t.n_missing_revenue * 100 <= t.n * 10);
    CHECK(t.n_missing_rd > 0);
    CHECK(t.n_with_history * 2 >= t.n);
    for (int d = 0; d < 10; d++)
        CHECK(t.districts[d] * 100 >= t.n * 2);
    strmap_release(&seen);
    free(p);
}

TEST(demo_shift_years_keeps_month_and_day) {
    int32_t d = date_from_ymd(2026, 12, 31);
    CHECK_INT(demo_shift_years(d, 0), d);
    CHECK_INT(demo_shift_years(d, -1), d);
    CHECK_INT(demo_shift_years(d, 1), date_from_ymd(2027, 12, 31));
    CHECK_INT(demo_shift_years(date_from_ymd(2024, 2, 29), 1), date_from_ymd(2025, 2, 28));
    CHECK_INT(demo_shift_years(date_from_ymd(2024, 2, 29), 4), date_from_ymd(2028, 2, 29));
    CHECK_INT(demo_shift_years(STORE_NO_DATE, 3), STORE_NO_DATE);
}

TEST(demo_award_cap_reads_the_award_line) {
    CHECK_INT(demo_award_cap("资质 包含 \"高新技术企业\"\n奖励 = 20万元"), 20000000);
    CHECK_INT(demo_award_cap("研发费用 >= 500万元\n奖励 = 研发费用 × 10%，最高 100万元"),
              100000000);
    CHECK_INT(demo_award_cap("研发费用 >= 500万元\n奖励 = 研发费用 × 10%"), -1);
    CHECK_INT(demo_award_cap("研发费用 >= 500万元"), -1);
}

TEST(demo_policies_and_template_clauses_are_stored) {
    char dir[] = "/tmp/duijie-demo-XXXXXX", path[128];
    if (!mkdtemp(dir)) return;
    snprintf(path, sizeof path, "%s/d.db", dir);
    struct store *s;
    struct error err;
    CHECK_INT(store_open(path, &s, &err), 0);
    int n_policies = 0, n_clauses = 0;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &n_policies, &n_clauses, &err), 0);
    CHECK(n_policies >= 10 && n_clauses >= 20);
    CHECK_INT(demo_generate_clauses(s, 1, 250, &err), 0);
    CHECK_INT(store_count_clauses(s), n_clauses + 250);
    struct arena a;
    arena_init(&a, 1 << 16);
    struct clause *cs;
    int n;
    CHECK_INT(store_list_clauses(s, 0, POLICY_PUBLISHED, &a, &cs, &n, &err), 0);
    CHECK_INT(n, n_clauses + 250);
    int n_capped = 0, n_with_rule = 0;
    for (int i = 0; i < n; i++) {
        n_capped += cs[i].award_cap_fen > 0;
        n_with_rule += cs[i].rule && strstr(cs[i].rule, "注册地 属于 ") == cs[i].rule;
    }
    CHECK_INT(n_with_rule, n);
    CHECK(n_capped >= n - 5);
    CHECK_INT(demo_load_policies(s, "no/such/file.json", &n_policies, &n_clauses, &err), ERR_PARSE);
    arena_release(&a);
    store_close(s);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}
