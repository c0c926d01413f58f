/* Tests of src/dock: loan arithmetic against cases worked out with exact fractions by
 * tests/data/dock/gen_loans.py, scheduling against brute force, stable matching properties. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
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
