/* Tests of src/dock: loan arithmetic against cases worked out with exact fractions by
 * tests/data/dock/gen_loans.py, scheduling against brute force, stable matching properties. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "search/search.h"
#include "util/date.h"
#include "test.h"

static json_t *load_json(const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/dock/%s", test_data_dir(), name);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) test_failf(__FILE__, __LINE__, "%s: %s", path, je.text);
    return j;
}

static void check_loan_case(json_t *c) {
    struct loan_terms t;
    struct loan_fees fees;
    struct loan_subsidy sub;
    bool has_sub;
    struct error err;
    error_clear(&err);
    CHECK_INT(loan_from_json(c, &t, &fees, &sub, &has_sub, &err), 0);
    struct loan_schedule s;
    CHECK_INT(loan_schedule_compute(&t, &s, &err), 0);
    json_t *e = json_object_get(c, "expect");
    json_t *pays = json_object_get(e, "payments_fen");
    CHECK_INT(json_array_size(pays), s.n);
    int64_t principal = 0;
    for (int k = 0; k < s.n && k < (int)json_array_size(pays); k++) {
        CHECK_INT(s.items[k].payment_fen, json_integer_value(json_array_get(pays, (size_t)k)));
        principal += s.items[k].principal_fen;
    }
    CHECK_INT(principal, t.principal_fen);
    CHECK_INT(s.total_interest_fen, json_integer_value(json_object_get(e, "total_interest_fen")));
    struct loan_cost cost;
    CHECK_INT(loan_cost_compute(&t, &s, &fees, has_sub ? &sub : NULL, &cost, &err), 0);
    CHECK_INT(cost.fees_fen, json_integer_value(json_object_get(e, "fees_fen")));
    CHECK_INT(cost.subsidy_fen, json_integer_value(json_object_get(e, "subsidy_fen")));
    CHECK_INT(cost.net_cost_fen, json_integer_value(json_object_get(e, "net_cost_fen")));
    json_t *irr = json_object_get(e, "irr_monthly_lo");
    CHECK_INT(cost.has_irr, !json_is_null(irr));
    if (cost.has_irr) {
        CHECK_INT(cost.irr_monthly_lo, json_integer_value(irr));
        CHECK_STR(cost.apr_percent, json_string_value(json_object_get(e, "apr_percent")));
        CHECK_STR(cost.ear_percent, json_string_value(json_object_get(e, "ear_percent")));
    }
    loan_schedule_release(&s);
}

TEST(dock_loan_cases) {
    json_t *j = load_json("loans.json");
    json_t *cases = json_object_get(j, "cases");
    CHECK(json_array_size(cases) >= 10);
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        test_case(json_string_value(json_object_get(c, "name")));
        check_loan_case(c);
    }
    json_decref(j);
}

TEST(dock_loan_bad_input) {
    struct error err;
    struct loan_schedule s;
    struct loan_terms t = {0, 435, 12, LOAN_EQUAL_INSTALMENT};
    CHECK_INT(loan_schedule_compute(&t, &s, &err), ERR_RANGE);
    t = (struct loan_terms){100, 10001, 12, LOAN_EQUAL_INSTALMENT};
    CHECK_INT(loan_schedule_compute(&t, &s, &err), ERR_RANGE);
    t = (struct loan_terms){100, 435, 601, LOAN_EQUAL_INSTALMENT};
    CHECK_INT(loan_schedule_compute(&t, &s, &err), ERR_RANGE);
    enum loan_method m;
    CHECK_INT(loan_method_parse("等额本金", &m, &err), 0);
    CHECK_INT(m, LOAN_EQUAL_PRINCIPAL);
    CHECK_INT(loan_method_parse("每月随缘", &m, &err), ERR_INVALID);
    const char *bad[] = {
        "{\"principal\":\"很多\",\"rate_bp\":435,\"months\":12,\"method\":\"等额本息\"}",
        "{\"principal_fen\":100,\"rate\":\"4.355%\",\"months\":12,\"method\":\"等额本息\"}",
        "{\"principal_fen\":100,\"rate_bp\":435,\"months\":0,\"method\":\"等额本息\"}",
        "{\"principal_fen\":100,\"rate_bp\":435,\"months\":12}",
        "{\"principal_fen\":100,\"rate_bp\":435,\"months\":12,\"method\":\"等额本息\","
        "\"subsidy\":{\"rate_bp\":100,\"share\":\"50%\"}}",
        "[1,2]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *o = json_loads(bad[i], 0, NULL);
        struct loan_fees f;
        struct loan_subsidy sub;
        bool hs;
        error_clear(&err);
        CHECK(loan_from_json(o, &t, &f, &sub, &hs, &err) < 0);
        CHECK(err.zh[0] && err.en[0]);
        json_decref(o);
    }
    json_t *o = json_loads("{\"principal\":\"100万元\",\"rate\":\"4.35%\",\"months\":12,"
                           "\"method\":\"equal-instalment\"}",
                           0, NULL);
    struct loan_fees f;
    struct loan_subsidy sub;
    bool hs;
    CHECK_INT(loan_from_json(o, &t, &f, &sub, &hs, &err), 0);
    CHECK_INT(t.principal_fen, 100000000);
    CHECK_INT(t.rate_bp, 435);
    json_decref(o);
}

/* ---- meeting schedules ---- */

struct sched_case {
    struct sched_instance in;
    struct sched_request req[64];
    uint64_t avail[64];
};

static bool sched_case_from_json(json_t *c, struct sched_case *k) {
    memset(k, 0, sizeof *k);
    k->in.n_participants = (int)json_integer_value(json_object_get(c, "participants"));
    k->in.n_slots = (int)json_integer_value(json_object_get(c, "slots"));
    k->in.n_tables = (int)json_integer_value(json_object_get(c, "tables"));
    json_t *reqs = json_object_get(c, "requests"), *av = json_object_get(c, "availability");
    if (json_array_size(reqs) > 64 || k->in.n_participants > 64) return false;
    size_t i;
    json_t *r;
    json_array_foreach(reqs, i, r) {
        k->req[i].a = (int)json_integer_value(json_object_get(r, "a"));
        k->req[i].b = (int)json_integer_value(json_object_get(r, "b"));
        k->req[i].priority = (int)json_integer_value(json_object_get(r, "priority"));
    }
    k->in.n_req = (int)json_array_size(reqs);
    k->in.req = k->req;
    if (json_is_array(av)) {
        json_array_foreach(av, i, r) k->avail[i] = (uint64_t)json_integer_value(r);
        k->in.avail = k->avail;
    }
    return true;
}

TEST(dock_schedule_brute_force_cases) {
    json_t *j = load_json("schedule.json");
    json_t *cases = json_object_get(j, "cases");
    CHECK(json_array_size(cases) >= 40);
    size_t i;
    json_t *c;
    int heur = 0, heur_opt = 0;
    json_array_foreach(cases, i, c) {
        test_case(json_string_value(json_object_get(c, "name")));
        struct sched_case k;
        CHECK(sched_case_from_json(c, &k));
        json_t *opt = json_object_get(c, "optimum");
        int placed = (int)json_integer_value(json_object_get(opt, "placed"));
        int covered = (int)json_integer_value(json_object_get(opt, "covered"));
        int prio = (int)json_integer_value(json_object_get(opt, "priority"));
        struct sched_result r, g;
        struct error err;
        CHECK_INT(sched_solve(&k.in, &r, &err), 0);
        CHECK_INT(sched_check(&k.in, &r, &err), 0);
        CHECK_INT(sched_greedy(&k.in, &g, &err), 0);
        CHECK_INT(sched_check(&k.in, &g, &err), 0);
        CHECK(g.n_placed <= placed);
        CHECK(r.upper_bound >= placed);
        if (json_is_true(json_object_get(c, "exact"))) {
            CHECK(r.is_optimal);
            CHECK_INT(r.n_placed, placed);
            CHECK_INT(r.n_covered, covered);
            CHECK_INT(r.priority_sum, prio);
        } else {
            CHECK(r.n_placed <= placed);
            CHECK(!r.is_optimal || r.n_placed == placed);
            heur++;
            heur_opt += r.n_placed == placed;
        }
        sched_result_release(&r);
        sched_result_release(&g);
    }
    /* the local search is not exact, but on these small cases it should nearly always be */
    CHECK(heur_opt * 10 >= heur * 8);
    json_decref(j);
}

static uint64_t rng_state = 88172645463325252ULL;
static int rnd(int n) {
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (int)(rng_state % (uint64_t)n);
}

/* Larger random bipartite events: the schedule is valid, reaches the flow bound, every unplaced
 * request has a reason that holds, and nobody who could have a meeting is left without one. */
TEST(dock_schedule_random_invariants) {
    static struct sched_request req[4000];
    for (int round = 0; round < 20; round++) {
        int nl = 20 + rnd(200), nr = 5 + rnd(60), n = nl + nr, m = 50 + rnd(3900);
        struct sched_instance in = {n, 1 + rnd(16), 1 + rnd(40), NULL, req, m};
        for (int k = 0; k < m; k++) {
            /* skewed: a few investors are asked far more often */
            int b = rnd(4) == 0 ? rnd(nr < 5 ? nr : 5) : rnd(nr);
            req[k] = (struct sched_request){rnd(nl), nl + b, rnd(3)};
        }
        struct sched_result r, g;
        struct error err;
        CHECK_INT(sched_solve(&in, &r, &err), 0);
        CHECK_INT(sched_check(&in, &r, &err), 0);
        CHECK(r.is_optimal);
        CHECK_INT(r.n_placed, r.upper_bound);
        CHECK_INT(sched_greedy(&in, &g, &err), 0);
        CHECK(g.n_placed <= r.n_placed);
        CHECK(g.n_covered <= r.n_covered || g.n_placed < r.n_placed);
        int cnt[400] = {0};
        for (int k = 0; k < m; k++)
            if (r.slot[k] >= 0) cnt[req[k].a]++, cnt[req[k].b]++;
        for (int k = 0; k < m; k++) {
            if (r.slot[k] >= 0) continue;
            int a = req[k].a, b = req[k].b;
            switch (r.reason[k]) {
            case SCHED_A_FULL:
                CHECK_INT(cnt[a], in.n_slots);
                break;
            case SCHED_B_FULL:
                CHECK_INT(cnt[b], in.n_slots);
                break;
            case SCHED_TABLES_FULL:
                CHECK_INT(r.n_placed, in.n_slots * in.n_tables);
                break;
            case SCHED_DUPLICATE:
                break;
            default:
                CHECK(0);
            }
            /* nobody left out who could have had a meeting: an uncovered participant's partner is
             * full with everyone else being covered, or the hall is full */
        }
        sched_result_release(&r);
        sched_result_release(&g);
    }
}

/* Late changes: cancel some meetings, add new requests; the repair keeps every other meeting in
 * its slot unless it counts it as moved, and the result stays valid. With availability limits the
 * local search is checked for validity and against the flow bound. */
TEST(dock_schedule_repair_and_availability) {
    static struct sched_request req[3000];
    static uint64_t av[300];
    static int prev_slot[3000], prev_table[3000];
    for (int round = 0; round < 10; round++) {
        int nl = 100 + rnd(100), nr = 20 + rnd(80), n = nl + nr, m = 1000 + rnd(1500);
        int S = 4 + rnd(12);
        for (int k = 0; k < m; k++)
            req[k] = (struct sched_request){rnd(nl), nl + rnd(nr), 0};
        for (int v = 0; v < n; v++)
            av[v] = (uint64_t)rnd(1 << 16) | 1;
        struct sched_instance in = {n, S, 5 + rnd(60), NULL, req, m - 100};
        struct sched_result r, fixed;
        struct error err;
        CHECK_INT(sched_solve(&in, &r, &err), 0);
        for (int k = 0; k < in.n_req; k++) {
            prev_slot[k] = r.slot[k], prev_table[k] = r.table[k];
            if (rnd(10) == 0) req[k].b = req[k].a, prev_slot[k] = prev_table[k] = -1; /* cancel */
        }
        for (int k = in.n_req; k < m; k++)
            prev_slot[k] = prev_table[k] = -1;
        in.n_req = m;
        CHECK_INT(sched_repair(&in, prev_slot, prev_table, &fixed, &err), 0);
        CHECK_INT(sched_check(&in, &fixed, &err), 0);
        int moved = 0, added = 0, dropped = 0;
        for (int k = 0; k < m; k++) {
            moved += prev_slot[k] >= 0 && fixed.slot[k] != prev_slot[k];
            added += prev_slot[k] < 0 && fixed.slot[k] >= 0;
            dropped += prev_slot[k] >= 0 && fixed.slot[k] < 0;
        }
        CHECK_INT(moved, fixed.n_moved);
        CHECK_INT(dropped, 0);     /* a confirmed meeting is never dropped */
        CHECK(moved <= 2 * added); /* a meeting moves only to let a new one in */
        sched_result_release(&r);
        sched_result_release(&fixed);

        in.avail = av;
        struct sched_result g;
        CHECK_INT(sched_solve(&in, &r, &err), 0);
        CHECK_INT(sched_check(&in, &r, &err), 0);
        CHECK_INT(sched_greedy(&in, &g, &err), 0);
        CHECK(r.n_placed <= r.upper_bound);
        CHECK(r.n_placed >= g.n_placed);
        sched_result_release(&r);
        sched_result_release(&g);
    }
}

/* ---- 贷比三家 ---- */

/* Every tests/data/dock/compare_*.json has a compare_*.expect.json next to it. */
TEST(dock_loan_compare_cases) {
    const char *names[] = {"compare_laoshan"};
    for (size_t n = 0; n < sizeof names / sizeof *names; n++) {
        test_case(names[n]);
        char in_name[128], exp_name[128];
        snprintf(in_name, sizeof in_name, "%s.json", names[n]);
        snprintf(exp_name, sizeof exp_name, "%s.expect.json", names[n]);
        json_t *in = load_json(in_name), *exp = load_json(exp_name);
        struct error err;
        error_clear(&err);
        json_t *out = loan_compare(in, &err);
        CHECK(out != NULL);
        if (!out) {
            test_failf(__FILE__, __LINE__, "%s", err.en);
            continue;
        }
        CHECK_INT(json_integer_value(json_object_get(out, "n_eligible")),
                  json_integer_value(json_object_get(exp, "n_eligible")));
        json_t *got = json_object_get(out, "offers"), *want = json_object_get(exp, "offers");
        CHECK_INT(json_array_size(got), json_array_size(want));
        for (size_t i = 0; i < json_array_size(want) && i < json_array_size(got); i++) {
            json_t *g = json_array_get(got, i), *w = json_array_get(want, i);
            CHECK_STR(json_string_value(json_object_get(g, "product")),
                      json_string_value(json_object_get(w, "product")));
            CHECK_STR(json_string_value(json_object_get(g, "eligibility")),
                      json_string_value(json_object_get(w, "eligibility")));
            CHECK(json_equal(json_object_get(g, "quota_fen"), json_object_get(w, "quota_fen")));
            CHECK_INT(json_integer_value(json_object_get(g, "amount_fen")),
                      json_integer_value(json_object_get(w, "amount_fen")));
            CHECK_INT(json_integer_value(
                          json_object_get(json_object_get(g, "at_max_rate"), "total_interest_fen")),
                      json_integer_value(json_object_get(w, "total_interest_fen_max")));
            json_t *sub = json_object_get(g, "subsidy");
            const char *wsub = json_string_value(json_object_get(w, "subsidy"));
            CHECK_STR(sub && !json_is_null(sub) ? json_string_value(json_object_get(sub, "id"))
                                                : "",
                      wsub ? wsub : "");
            CHECK_INT(sub && !json_is_null(sub)
                          ? json_integer_value(json_object_get(sub, "subsidy_fen"))
                          : 0,
                      json_integer_value(json_object_get(w, "subsidy_fen")));
            CHECK_INT(json_integer_value(json_object_get(g, "net_cost_fen")),
                      json_integer_value(json_object_get(w, "net_cost_fen")));
        }
        CHECK(json_equal(json_object_get(out, "subsidies_needing_data"),
                         json_object_get(exp, "subsidies_needing_data")));
        json_decref(out), json_decref(in), json_decref(exp);
    }
}

TEST(dock_criteria_errors) {
    struct arena a;
    arena_init(&a, 4096);
    struct criterion c;
    struct error err;
    const char *bad[] = {
        "{\"field\":\"不存在的字段\",\"op\":\"in\",\"values\":[\"x\"]}",
        "{\"field\":\"资质\",\"op\":\">=\",\"value\":1}",
        "{\"field\":\"纳税信用等级\",\"op\":\"in\",\"values\":[\"Z\"]}",
        "{\"field\":\"成立年限\",\"op\":\">=\"}",
        "{\"field\":\"注册地\",\"op\":\"in\",\"values\":[\"火星\"]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *o = json_loads(bad[i], 0, NULL);
        error_clear(&err);
        CHECK(criterion_from_json(o, &c, &a, &err) < 0);
        CHECK(err.zh[0] != 0);
        json_decref(o);
    }
    json_t *in = json_loads("{\"enterprise\":{\"营业收入\":\"很多\"},\"products\":[]}", 0, NULL);
    CHECK(loan_compare(in, &err) == NULL);
    CHECK_INT(err.code, ERR_INVALID);
    json_decref(in);
    arena_release(&a);
}

/* ---- 双向选择 ---- */

/* Random lists; the result must respect capacities, pair only partners who listed each other, and
 * leave no blocking pair (checked here from scratch); every pair gets an explanation. */
TEST(dock_stable_no_blocking_pair) {
    enum { NA = 60, NB = 25 };
    static int pref_a[NA * NB], start_a[NA + 1], pref_b[NA * NB], start_b[NB + 1];
    static int cap_a[NA], cap_b[NB], perm[NA > NB ? NA : NB];
    static int rank_a[NA][NB], rank_b[NB][NA], cnt_a[NA], cnt_b[NB], worst_a[NA], worst_b[NB];
    static bool matched[NA][NB];
    for (int round = 0; round < 40; round++) {
        int na = 1 + rnd(NA), nb = 1 + rnd(NB);
        int k = 0;
        for (int a = 0; a < na; a++) {
            start_a[a] = k;
            cap_a[a] = rnd(4);
            for (int b = 0; b < nb; b++)
                perm[b] = b, rank_a[a][b] = -1;
            for (int b = nb - 1; b > 0; b--) {
                int j = rnd(b + 1), t = perm[b];
                perm[b] = perm[j], perm[j] = t;
            }
            int len = rnd(nb + 1);
            for (int i = 0; i < len; i++)
                rank_a[a][perm[i]] = i, pref_a[k++] = perm[i];
        }
        start_a[na] = k, k = 0;
        for (int b = 0; b < nb; b++) {
            start_b[b] = k;
            cap_b[b] = rnd(6);
            for (int a = 0; a < na; a++)
                perm[a] = a, rank_b[b][a] = -1;
            for (int a = na - 1; a > 0; a--) {
                int j = rnd(a + 1), t = perm[a];
                perm[a] = perm[j], perm[j] = t;
            }
            int len = rnd(na + 1);
            for (int i = 0; i < len; i++)
                rank_b[b][perm[i]] = i, pref_b[k++] = perm[i];
        }
        start_b[nb] = k;
        struct stable_input in = {na, nb, cap_a, cap_b, pref_a, start_a, pref_b, start_b};
        struct stable_result r;
        struct error err;
        CHECK_INT(stable_match(&in, &r, &err), 0);
        memset(matched, 0, sizeof matched);
        memset(cnt_a, 0, sizeof cnt_a), memset(cnt_b, 0, sizeof cnt_b);
        memset(worst_a, 0xff, sizeof worst_a), memset(worst_b, 0xff, sizeof worst_b);
        for (int p = 0; p < r.n_pairs; p++) {
            int a = r.pairs[p].a, b = r.pairs[p].b;
            CHECK(!matched[a][b]);
            matched[a][b] = true;
            CHECK(rank_a[a][b] >= 0 && rank_b[b][a] >= 0);
            CHECK_INT(r.pairs[p].rank_a, rank_a[a][b]);
            cnt_a[a]++, cnt_b[b]++;
            if (rank_a[a][b] > worst_a[a]) worst_a[a] = rank_a[a][b];
            if (rank_b[b][a] > worst_b[b]) worst_b[b] = rank_b[b][a];
        }
        for (int a = 0; a < na; a++)
            CHECK(cnt_a[a] <= cap_a[a]);
        for (int b = 0; b < nb; b++)
            CHECK(cnt_b[b] <= cap_b[b]);
        for (int a = 0; a < na; a++)
            for (int b = 0; b < nb; b++) {
                if (matched[a][b] || rank_a[a][b] < 0 || rank_b[b][a] < 0) continue;
                bool a_wants = cnt_a[a] < cap_a[a] || rank_a[a][b] < worst_a[a];
                bool b_wants = cnt_b[b] < cap_b[b] || rank_b[b][a] < worst_b[b];
                CHECK(!(a_wants && b_wants));
                char why[400];
                stable_explain(&in, &r, a, b, NULL, NULL, why, sizeof why);
                CHECK(strstr(why, "已满") != NULL);
                /* people read it: Chinese only (no " / English" tail) */
                stable_explain(&in, &r, a, b, "甲", "乙", why, sizeof why);
                bool is_latin = false;
                for (const char *c = why; *c; c++)
                    is_latin = is_latin || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z');
                CHECK(!is_latin);
            }
        stable_result_release(&r);
    }
    int bad_pref[] = {0, 0}, bad_start[] = {0, 2}, one[] = {1}, b_start[] = {0, 0};
    struct stable_input bad = {1, 1, one, one, bad_pref, bad_start, bad_pref, b_start};
    struct stable_result r;
    struct error err;
    CHECK_INT(stable_match(&bad, &r, &err), ERR_INVALID); /* b listed twice */
}

/* ---- data-driven JSON cases: each tests/data/dock/NAME.paths.json names an input, a function and
 * the values expected at paths ("a.0.b"; "x.#" is the length of array x). ---- */

#include <dirent.h>

static json_t *json_at(json_t *v, const char *path, bool *is_len) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    *is_len = false;
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && v;
         tok = strtok_r(NULL, ".", &save)) {
        if (strcmp(tok, "#") == 0) {
            *is_len = true;
            return v;
        }
        if (json_is_array(v))
            v = json_array_get(v, (size_t)atoi(tok));
        else
            v = json_object_get(v, tok);
    }
    return v;
}

TEST(dock_json_path_cases) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/dock", test_data_dir());
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) return;
    int n_files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 11 || strcmp(e->d_name + len - 11, ".paths.json") != 0) continue;
        n_files++;
        test_case(e->d_name);
        json_t *spec = load_json(e->d_name);
        json_t *in = load_json(json_string_value(json_object_get(spec, "input")));
        const char *fn = json_string_value(json_object_get(spec, "fn"));
        struct error err;
        error_clear(&err);
        json_t *out = NULL;
        static const struct {
            const char *name;
            json_t *(*fn)(json_t *, struct error *);
        } fns[] = {{"match_investors", match_investors},   {"match_needs", match_needs},
                   {"listing_pipeline", listing_pipeline}, {"loan_compare", loan_compare},
                   {"financing_report", financing_report}, {"roadshow_agenda", roadshow_agenda},
                   {"intents_funnel", intents_funnel},     {"challenge_report", challenge_report},
                   {"project_pool", project_pool}};
        bool known = false;
        for (size_t k = 0; k < sizeof fns / sizeof *fns; k++)
            if (fn && strcmp(fn, fns[k].name) == 0) out = fns[k].fn(in, &err), known = true;
        CHECK(known);
        if (!out)
            test_failf(__FILE__, __LINE__, "%s: %d %s / %s", e->d_name, err.code, err.zh, err.en);
        const char *path;
        json_t *want;
        json_object_foreach(json_object_get(spec, "expect"), path, want) {
            bool is_len = false;
            json_t *got = out ? json_at(out, path, &is_len) : NULL;
            bool ok = is_len ? (json_integer_value(want) == (json_int_t)json_array_size(got))
                             : (got ? json_equal(got, want) : json_is_null(want));
            if (!ok) {
                char *g = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
                char *w = json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT);
                test_failf(__FILE__, __LINE__, "%s: %s = %s, expected %s", e->d_name, path,
                           g ? g : "(missing)", w ? w : "?");
                free(g), free(w);
            }
        }
        json_decref(out), json_decref(in), json_decref(spec);
    }
    closedir(d);
    CHECK(n_files >= 9);
}

TEST(dock_text_similarity) {
    struct search_lexicon *lex;
    struct error err;
    CHECK_INT(search_lexicon_new(&lex, &err), 0);
    struct ratio r;
    CHECK_INT(text_similarity(lex, "视觉识别", "视觉识别", &r, &err), 0);
    CHECK_INT(ratio_cmp(r, (struct ratio){1, 1}), 0);
    /* Traditional and full-width forms normalise to the same tokens */
    CHECK_INT(text_similarity(lex, "視覺識別ＡＩ", "视觉识别ai", &r, &err), 0);
    CHECK_INT(ratio_cmp(r, (struct ratio){1, 1}), 0);
    /* a synonym folds to one concept: 高企 shares something with 高新技术企业 */
    CHECK_INT(text_similarity(lex, "高企贷款", "高新技术企业贷款", &r, &err), 0);
    CHECK(r.num > 0);
    struct ratio none;
    CHECK_INT(text_similarity(lex, "起重机", "灌装线", &none, &err), 0);
    CHECK_INT(none.num, 0);
    CHECK_INT(text_similarity(lex, "", "x", &r, &err), 0);
    CHECK_INT(r.num, 0);
    CHECK_INT(text_similarity(lex, "\xff\xfe", "x", &r, &err), ERR_UTF8);
    search_lexicon_free(lex);
}

/* ---- personal agendas ---- */

TEST(dock_agenda) {
    json_t *m = json_loads("[{\"a\":\"企业A\",\"b\":\"投资人X\",\"slot\":2,\"table\":0},"
                           "{\"a\":\"企业B\",\"b\":\"投资人X\",\"slot\":0,\"table\":3},"
                           "{\"a\":\"企业C\",\"b\":\"投资人X\",\"unplaced\":true}]",
                           0, NULL);
    struct agenda_clock c = {date_from_ymd(2026, 12, 1), 23 * 60 + 30, 20, 5};
    struct error err;
    json_t *ag = agenda_build(m, &c, &err);
    CHECK(ag != NULL);
    json_t *x = json_object_get(ag, "投资人X");
    CHECK_INT(json_array_size(x), 2);
    CHECK_STR(json_string_value(json_object_get(json_array_get(x, 0), "with")), "企业B");
    CHECK_STR(json_string_value(json_object_get(json_array_get(x, 0), "start")),
              "2026-12-01 23:30");
    /* slot 2 starts 50 minutes later: past midnight */
    CHECK_STR(json_string_value(json_object_get(json_array_get(x, 1), "start")),
              "2026-12-02 00:20");
    CHECK(json_object_get(ag, "企业C") == NULL);
    struct buf b;
    buf_init(&b);
    CHECK_INT(
        agenda_ics(ag, "投资人X", "2026 崂山区金企对接会暨资本路演活动（第十二期）", &c, &b, &err),
        0);
    const char *s = buf_str(&b);
    CHECK(strstr(s, "DTSTART;TZID=Asia/Shanghai:20261202T002000\r\n") != NULL);
    CHECK(strstr(s, "LOCATION:4 号桌\r\n") != NULL);
    int n_events = 0;
    for (const char *p = s; (p = strstr(p, "BEGIN:VEVENT")); p++)
        n_events++;
    CHECK_INT(n_events, 2);
    /* every line ends in CRLF and is at most 75 octets */
    size_t longest = 0;
    for (const char *p = s; *p;) {
        const char *e = strstr(p, "\r\n");
        CHECK(e != NULL);
        if (!e) break;
        if ((size_t)(e - p) > longest) longest = (size_t)(e - p);
        p = e + 2;
    }
    CHECK(longest <= 75);
    buf_release(&b);
    buf_init(&b);
    CHECK_INT(agenda_ics(ag, "无此人", NULL, &c, &b, &err), ERR_NOTFOUND);
    buf_release(&b);
    c.slot_min = 0;
    CHECK(agenda_build(m, &c, &err) == NULL);
    json_decref(ag), json_decref(m);
}

/* The checker itself: a valid schedule passes, each kind of tampering is caught. */
TEST(dock_schedule_checker_catches) {
    static struct sched_request req[200];
    for (int k = 0; k < 200; k++)
        req[k] = (struct sched_request){k % 40, 40 + k % 13, 0};
    struct sched_instance in = {60, 6, 8, NULL, req, 200};
    struct sched_result r;
    struct error err;
    CHECK_INT(sched_solve(&in, &r, &err), 0);
    CHECK_INT(sched_check(&in, &r, &err), 0);
    int a = -1, b = -1; /* two meetings in one slot */
    for (int k = 0; k < 200 && b < 0; k++)
        for (int j = k + 1; j < 200 && b < 0; j++)
            if (r.slot[k] >= 0 && r.slot[k] == r.slot[j]) a = k, b = j;
    CHECK(b >= 0);
    int t = r.table[b];
    r.table[b] = r.table[a];
    CHECK_INT(sched_check(&in, &r, &err), ERR_CONFLICT); /* one table, one slot, two meetings */
    r.table[b] = t;
    int s = r.slot[a], other_slot = -1;
    for (int k = 0; k < 200; k++) /* a meeting of a's first participant in another slot */
        if (k != a && r.slot[k] >= 0 && r.slot[k] != s &&
            (req[k].a == req[a].a || req[k].b == req[a].a))
            other_slot = r.slot[k];
    if (other_slot >= 0) {
        r.slot[a] = other_slot;
        CHECK_INT(sched_check(&in, &r, &err), ERR_CONFLICT); /* someone in two meetings at once */
        r.slot[a] = s;
    }
    r.n_placed--;
    CHECK_INT(sched_check(&in, &r, &err), ERR_INVALID);
    r.n_placed++;
    CHECK_INT(sched_check(&in, &r, &err), 0);
    sched_result_release(&r);
}

/* 揭榜挂帅's state machine, every state × action from tests/data/dock/challenge_transitions.json:
 * the state after, or a refusal (ERR_CONFLICT on "state") with a reason in both languages. */
TEST(dock_challenge_transitions) {
    json_t *spec = load_json("challenge_transitions.json"), *c;
    bool seen[N_CHALLENGE_STATES][N_CHALLENGE_ACTIONS] = {{false}};
    size_t i;
    json_array_foreach(json_object_get(spec, "cases"), i, c) {
        int from = challenge_state_of(json_string_value(json_object_get(c, "from")));
        const char *act_name = json_string_value(json_object_get(c, "action"));
        int act = -1;
        for (int k = 0; act_name && k < N_CHALLENGE_ACTIONS; k++)
            if (strcmp(challenge_action_name((enum challenge_action)k), act_name) == 0) act = k;
        const char *want = json_string_value(json_object_get(c, "to"));
        CHECK(from >= 0 && act >= 0);
        if (from < 0 || act < 0) continue;
        seen[from][act] = true;
        enum challenge_state to = N_CHALLENGE_STATES;
        struct error err;
        error_clear(&err);
        int rc = challenge_next((enum challenge_state)from, (enum challenge_action)act,
                                json_is_true(json_object_get(c, "last")), &to, &err);
        if (want) {
            if (rc != 0 || strcmp(challenge_state_name(to), want) != 0)
                test_failf(__FILE__, __LINE__, "case %zu: %s %s gave %d %s, want %s", i + 1,
                           challenge_state_name((enum challenge_state)from), act_name, rc,
                           rc ? err.en : challenge_state_name(to), want);
        } else if (rc != ERR_CONFLICT || strcmp(err.field, "state") != 0 || !err.zh[0] ||
                   !err.en[0]) {
            test_failf(__FILE__, __LINE__, "case %zu: %s %s allowed (%d), want refused", i + 1,
                       challenge_state_name((enum challenge_state)from), act_name, rc);
        }
    }
    for (int s = 0; s < N_CHALLENGE_STATES; s++)
        for (int a = 0; a < N_CHALLENGE_ACTIONS; a++)
            if (!seen[s][a])
                test_failf(__FILE__, __LINE__, "no case for %s × %s",
                           challenge_state_name((enum challenge_state)s),
                           challenge_action_name((enum challenge_action)a));
    CHECK_INT(challenge_state_of("未知"), -1);
    json_decref(spec);
}
