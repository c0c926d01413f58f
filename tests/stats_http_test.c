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

static json_t *coverage_of(struct http_server *srv, const struct tauth *who) {
    int st;
    json_t *d = tauth_call(srv, who, "GET", "/api/stats/dashboard", NULL, &st);
    CHECK_INT(st, 200);
    json_t *cov = json_incref(json_object_get(d, "coverage"));
    json_decref(d);
    return cov;
}

/* The coverage is computed once per generation and catalog (match_coverage): asked again it is the
 * same; an enterprise added in the centre's district and a clause published are counted at once,
 * by the city and by the district, each its own numbers. */
static void check_fresh_after_changes(struct http_server *srv, struct store *s,
                                      const struct tauth *hub, const struct tauth *centre,
                                      int64_t centre_rows) {
    struct tauth admin;
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &admin), 0);
    json_t *c1 = coverage_of(srv, hub), *c2 = coverage_of(srv, hub);
    CHECK(json_equal(c1, c2));
    int st;
    json_t *r = tauth_call(srv, &admin, "POST", "/api/enterprises",
                           "{\"uscc\":\"91370212MA3C000013\",\"name\":\"市南新企业\","
                           "\"region\":\"市南区\"}",
                           &st);
    CHECK_INT(st, 201);
    json_decref(r);
    json_t *c3 = coverage_of(srv, hub), *d3 = coverage_of(srv, centre);
    CHECK_INT(num(c3, "enterprises"), num(c1, "enterprises") + 1);
    CHECK_INT(num(d3, "enterprises"), centre_rows + 1);
    CHECK_INT(check_coverage(srv, s, hub, c3), 40);
    CHECK_INT(check_coverage(srv, s, centre, d3), 40);

    json_t *body =
        json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "title", "看板测试政策", "clauses", "title",
                  "看板测试条款", "text", "营业收入达到一百万元的，奖励五十万元", "rule",
                  "营业收入 >= 100万元\n奖励 = 50万元");
    char *text = json_dumps(body, 0);
    r = tauth_call(srv, &admin, "POST", "/api/policies", text, &st);
    CHECK_INT(st, 201);
    char target[64];
    snprintf(target, sizeof target, "/api/policies/%lld/publish", (long long)num(r, "id"));
    json_decref(r);
    r = tauth_call(srv, &admin, "POST", target, NULL, &st);
    CHECK_INT(st, 200);
    json_decref(r);
    json_t *c4 = coverage_of(srv, hub), *d4 = coverage_of(srv, centre);
    CHECK_INT(num(c4, "clauses_total"), num(c3, "clauses_total") + 1);
    CHECK_INT(num(d4, "clauses_total"), num(d3, "clauses_total") + 1);
    CHECK_INT(num(d4, "enterprises"), centre_rows + 1);
    free(text);
    json_decref(body);
    json_t *all[] = {c1, c2, c3, d3, c4, d4};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        json_decref(all[i]);
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
    int64_t centre_rows = num(cov, "enterprises");
    json_decref(d);
    check_fresh_after_changes(srv, s, &hub, &centre, centre_rows);

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
