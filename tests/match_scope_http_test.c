/* The matching endpoints cut to the caller's area (issue 8's scope rule): POST /api/match/preview
 * for a district centre manager and a commissioner counts only the enterprises registered in their
 * district — every count (eligible, unknown, ineligible, each nearly group, the breakdowns) equal
 * to the engine's city-wide answer with the rows outside the district removed afterwards, row by
 * row — while a city-wide role still gets the whole city; GET /api/clauses/{id}/enterprises gives a
 * district role its district's rows and a 403 for another district's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "http/http.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "tauth.h"
#include "tdemo.h"
#include "test.h"
#include "util/date.h"

static char db_path[256];

static struct store *make_db(int n) {
    struct error err;
    struct store *s = tdemo_store(db_path, sizeof db_path, "match_scope", 17, n);
    if (!s) return NULL;
    CHECK_INT(demo_generate_clauses(s, 5, 40, &err), 0);
    return s;
}

static int64_t num(json_t *o, const char *k1, const char *k2) {
    json_t *x = json_object_get(o, k1);
    if (k2) x = json_object_get(x, k2);
    return json_integer_value(x);
}

/* Rows of set whose region is known and within `area` (-1: every row of set), counted one row at
 * a time from the columns: independent of the plan's scope. */
static uint64_t count_in(const struct index_gen *g, const roaring_bitmap_t *set, int area) {
    uint64_t n = 0;
    for (uint32_t row = 0; row < index_gen_rows(g); row++) {
        if (!roaring_bitmap_contains(set, row)) continue;
        struct value v;
        index_row_value(g, row, F_REGION, &v);
        n += area < 0 || (v.has && region_is_within((int)v.i, area));
    }
    return n;
}

/* The preview for `who` against the engine's city-wide sets cut to `area` (-1 = the whole city). */
static void check_preview(struct http_server *srv, const struct tauth *who, const char *body,
                          const struct index_gen *g, const struct match_sets *m,
                          const struct match_nearly *nl, int area) {
    int st;
    json_t *out = tauth_call(srv, who, "POST", "/api/match/preview", body, &st);
    CHECK_INT(st, 200);
    if (st != 200) {
        json_decref(out);
        return;
    }
    uint64_t e = count_in(g, m->eligible, area), u = count_in(g, m->unknown, area),
             f = count_in(g, m->ineligible, area);
    CHECK_INT(num(out, "counts", "eligible"), e);
    CHECK_INT(num(out, "counts", "unknown"), u);
    CHECK_INT(num(out, "counts", "ineligible"), f);
    CHECK_INT(num(out, "enterprises_total", NULL), e + u + f);
    CHECK_INT(num(out, "eligible", "total"), e);
    CHECK_INT(num(out, "unknown", "total"), u);
    uint64_t near = 0;
    json_t *groups = json_object_get(out, "nearly");
    CHECK_INT(json_array_size(groups), nl->n_groups);
    for (int k = 0; k < nl->n_groups && k < (int)json_array_size(groups); k++) {
        uint64_t want = count_in(g, nl->groups[k].rows, area);
        near += want;
        CHECK_INT(num(json_array_get(groups, (size_t)k), "count", NULL), want);
    }
    CHECK_INT(num(out, "counts", "nearly"), near);
    json_t *districts = json_object_get(json_object_get(out, "eligible"), "by_district");
    json_t *scope = json_object_get(json_object_get(out, "scope"), "region");
    if (area >= 0) {
        /* only the caller's own district appears in the breakdown */
        CHECK(json_array_size(districts) <= 1);
        if (json_array_size(districts) == 1)
            CHECK_INT(num(json_array_get(districts, 0), "code", NULL), region_at(area)->code);
        CHECK_INT(json_integer_value(json_object_get(scope, "code")), region_at(area)->code);
    } else {
        CHECK(json_is_null(scope));
        CHECK_INT(num(out, "enterprises_total", NULL), index_gen_count(g));
    }
    json_decref(out);
}

TEST(match_scope_http_preview_and_lists) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = make_db(3000);
    if (!s) return;
    struct tauth centre, commissioner, hub;
    CHECK_INT(tauth_sign_in(s, ROLE_CENTRE, NULL, "市南区", NULL, &centre), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_COMMISSIONER, NULL, "崂山区", NULL, &commissioner), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_HUB, NULL, NULL, NULL, &hub), 0);
    struct http_config cfg = {.port = 0, .db = db_path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        if (err.code == ERR_UNSUPPORTED)
            test_skip("the server has no store in this build");
        else
            test_failf(__FILE__, __LINE__, "server: %s", err.en);
        store_close(s);
        unlink(db_path);
        return;
    }
    int32_t today = date_today();
    struct index_gen *g;
    CHECK_INT(index_load(s, today, &g, &err), 0);
    int shinan = region_find("市南区", strlen("市南区"), &err);
    int laoshan = region_find("崂山区", strlen("崂山区"), &err);
    CHECK(shinan >= 0 && laoshan >= 0);

    const char *src = "注册地 属于 青岛市 且 资质 包含 \"高新技术企业\" 且 从业人员 >= 20人 且 "
                      "营业收入 >= 100万元";
    struct rule *r;
    CHECK_INT(rules_compile(src, strlen(src), "t", &r, &err), 0);
    const struct rule_cond *c = rules_version_at(r, today)->cond;
    struct match_sets m;
    struct match_nearly nl;
    CHECK_INT(match_cond(g, c, &m, &err), 0);
    CHECK_INT(match_nearly(g, c, &nl, &err), 0);
    /* the district has rows of every status, so a city-wide answer could not pass as its own */
    CHECK(count_in(g, m.eligible, shinan) > 0);
    CHECK(count_in(g, m.eligible, shinan) < roaring_bitmap_get_cardinality(m.eligible));
    json_t *body = json_object();
    json_object_set_new(body, "rule", json_string(src));
    char *text = json_dumps(body, 0);
    json_decref(body);
    check_preview(srv, &centre, text, g, &m, &nl, shinan);
    check_preview(srv, &commissioner, text, g, &m, &nl, laoshan);
    check_preview(srv, &hub, text, g, &m, &nl, -1);
    free(text);
    match_sets_release(&m);
    match_nearly_release(&nl);
    rules_free(r);

    /* a clause's enterprises: the district's rows only, and another district's is forbidden */
    struct arena a;
    arena_init(&a, 1 << 16);
    struct clause *cl;
    int n_cl, tested = 0;
    CHECK_INT(store_list_clauses(s, 0, POLICY_PUBLISHED, &a, &cl, &n_cl, &err), 0);
    for (int i = 0; i < n_cl && tested < 2; i++) {
        if (!cl[i].rule || rules_compile(cl[i].rule, strlen(cl[i].rule), "c", &r, &err)) continue;
        const struct rule_version *v = rules_version_at(r, today);
        if (!v || !v->cond || match_cond(g, v->cond, &m, &err)) {
            rules_free(r);
            continue;
        }
        uint64_t in_shinan = count_in(g, m.eligible, shinan);
        if (in_shinan > 0 && in_shinan < roaring_bitmap_get_cardinality(m.eligible)) {
            tested++;
            char target[160];
            int st;
            snprintf(target, sizeof target, "/api/clauses/%lld/enterprises", (long long)cl[i].id);
            json_t *out = tauth_call(srv, &centre, "GET", target, NULL, &st);
            CHECK_INT(st, 200);
            CHECK_INT(num(out, "total", NULL), in_shinan);
            json_decref(out);
            out = tauth_call(srv, &hub, "GET", target, NULL, &st);
            CHECK_INT(st, 200);
            CHECK_INT(num(out, "total", NULL), roaring_bitmap_get_cardinality(m.eligible));
            json_decref(out);
            snprintf(target, sizeof target,
                     "/api/clauses/%lld/enterprises?region=%%E5%%B4%%82%%E5%%B1%%B1%%E5%%8C%%BA",
                     (long long)cl[i].id); /* 崂山区: not the centre's district */
            out = tauth_call(srv, &centre, "GET", target, NULL, &st);
            CHECK_INT(st, 403);
            json_decref(out);
        }
        match_sets_release(&m);
        rules_free(r);
    }
    CHECK(tested > 0);
    arena_release(&a);
    index_gen_release(g);
    http_server_free(srv);
    store_close(s);
    unlink(db_path);
}
