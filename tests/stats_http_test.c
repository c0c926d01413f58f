/* GET /api/stats/dashboard, the dashboard's first screen in one answer: each part equals the API
 * the page used to call for it — the coverage counts POST /api/match/preview's for each clause's
 * rule (for a city-wide role and cut to a district centre's district), the money GET
 * /api/stats/money's, the service activity GET /api/network/stats's (the commissioners cut to the
 * busiest 20, in order of visits) — and roles outside the staff are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "http/http.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "tauth.h"
#include "tdemo.h"
#include "test.h"

static char db_path[256];

static int64_t num(const json_t *o, const char *k) {
    return (int64_t)json_integer_value(json_object_get(o, k));
}

/* The preview's counts of one clause's rule for who, checked against the dashboard's row. */
static void check_clause(struct http_server *srv, const struct tauth *who, const json_t *row,
                         const char *rule) {
    json_t *body = json_pack("{s:s}", "rule", rule);
    char *text = json_dumps(body, 0);
    int st;
    json_t *pv = tauth_call(srv, who, "POST", "/api/match/preview", text, &st);
    CHECK_INT(st, 200);
    const json_t *counts = json_object_get(pv, "counts");
    CHECK_INT(num(row, "eligible"), num(counts, "eligible"));
    CHECK_INT(num(row, "unknown"), num(counts, "unknown"));
    json_decref(pv);
    free(text);
    json_decref(body);
}

/* Every listed clause of the dashboard of who against the preview; returns the listed count. */
static size_t check_coverage(struct http_server *srv, struct store *s, const struct tauth *who,
                             const json_t *cov) {
    struct arena a;
    arena_init(&a, 1 << 16);
    struct clause *cl;
    int n_cl = 0;
    struct error err;
    CHECK_INT(store_list_clauses(s, 0, POLICY_PUBLISHED, &a, &cl, &n_cl, &err), 0);
    const json_t *list = json_object_get(cov, "clauses");
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row) {
        const char *rule = NULL;
        for (int k = 0; k < n_cl; k++)
            if (cl[k].id == num(row, "id")) rule = cl[k].rule;
        CHECK(rule != NULL);
        if (rule) check_clause(srv, who, row, rule);
    }
    arena_release(&a);
    return json_array_size(list);
}

/* The groups of GET /api/stats/money?by=by equal the dashboard's by_<by>. */
static void check_money(struct http_server *srv, const struct tauth *who, const json_t *money,
                        const char *by) {
    char target[64], key[32];
    snprintf(target, sizeof target, "/api/stats/money?by=%s", by);
    snprintf(key, sizeof key, "by_%s", by);
    int st;
    json_t *m = tauth_call(srv, who, "GET", target, NULL, &st);
    CHECK_INT(st, 200);
    CHECK(json_equal(json_object_get(m, "groups"), json_object_get(money, key)));
    CHECK_INT(num(money, "paid_fen"), num(m, "paid_fen"));
    CHECK_INT(num(money, "approved_unpaid_fen"), num(m, "approved_unpaid_fen"));
    CHECK(json_equal(json_object_get(m, "applications"), json_object_get(money, "applications")));
    json_decref(m);
}

static void check_network(struct http_server *srv, const struct tauth *who, const json_t *net) {
    int st;
    json_t *c = tauth_call(srv, who, "GET", "/api/network/stats?by=centre", NULL, &st);
    CHECK_INT(st, 200);
    CHECK(json_array_size(json_object_get(c, "units")) > 0);
    CHECK(json_equal(json_object_get(c, "units"), json_object_get(net, "centres")));
    json_decref(c);
    c = tauth_call(srv, who, "GET", "/api/network/stats?by=commissioner", NULL, &st);
    CHECK_INT(st, 200);
    const json_t *all = json_object_get(c, "units"), *top = json_object_get(net, "commissioners");
    CHECK_INT(num(net, "commissioners_total"), json_array_size(all));
    CHECK_INT(json_array_size(top), json_array_size(all) < 20 ? json_array_size(all) : 20);
    /* in order of visits, and none left out busier than the last one kept */
    int64_t last = INT64_MAX, kept = 0;
    size_t i;
    json_t *u;
    json_array_foreach(top, i, u) {
        CHECK(num(u, "visits") <= last);
        last = num(u, "visits");
    }
    json_array_foreach(all, i, u) kept += num(u, "visits") > last;
    CHECK(kept <= (int64_t)json_array_size(top));
    json_decref(c);
}

TEST(stats_http_dashboard) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = tdemo_store(db_path, sizeof db_path, "stats_dash", 23, 1500);
    if (!s) return;
    CHECK_INT(demo_generate_clauses(s, 5, 50, &err), 0);
    CHECK_INT(demo_network(s, 23, 1500, 60, "data/demo/policies.json", &err), 0);
    struct tauth hub, centre, officer, firm;
    CHECK_INT(tauth_sign_in(s, ROLE_HUB, NULL, NULL, NULL, &hub), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_CENTRE, NULL, "市南区", NULL, &centre), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_OFFICER, NULL, NULL, DEMO_DEPARTMENT, &officer), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, "91370200MA3C00000K", NULL, NULL, &firm), 0);
    struct http_config cfg = {.port = 0, .db = db_path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        store_close(s);
        unlink(db_path);
        return;
    }
    int st;
    json_t *d = tauth_call(srv, &hub, "GET", "/api/stats/dashboard", NULL, &st);
    CHECK_INT(st, 200);
    const json_t *cov = json_object_get(d, "coverage");
    /* 50 clauses made: the chart lists 40, the totals count all */
    CHECK(num(cov, "clauses_total") > 40);
    CHECK_INT(check_coverage(srv, s, &hub, cov), 40);
    CHECK_INT(num(cov, "enterprises"), 1500);
    CHECK(num(d, "policies") > 0);
    const char *bys[] = {"month", "district", "policy", "industry"};
    for (int i = 0; i < 4; i++)
        check_money(srv, &hub, json_object_get(d, "money"), bys[i]);
    CHECK(json_is_object(json_object_get(d, "network")));
    check_network(srv, &hub, json_object_get(d, "network"));
    json_decref(d);

    /* a district centre: its district's rows, counted as its previews count them */
    d = tauth_call(srv, &centre, "GET", "/api/stats/dashboard", NULL, &st);
    CHECK_INT(st, 200);
    cov = json_object_get(d, "coverage");
    CHECK(num(cov, "enterprises") > 0 && num(cov, "enterprises") < 1500);
    CHECK_INT(check_coverage(srv, s, &centre, cov), 40);
    json_decref(d);

    /* an officer has no unit in the network: no service activity */
    d = tauth_call(srv, &officer, "GET", "/api/stats/dashboard", NULL, &st);
    CHECK_INT(st, 200);
    CHECK(json_is_null(json_object_get(d, "network")));
    json_decref(d);

    d = tauth_call(srv, &firm, "GET", "/api/stats/dashboard", NULL, &st);
    CHECK_INT(st, 403);
    json_decref(d);
    d = tauth_call(srv, NULL, "GET", "/api/stats/dashboard", NULL, &st);
    CHECK_INT(st, 401);
    json_decref(d);
    http_server_free(srv);
    store_close(s);
    unlink(db_path);
}
