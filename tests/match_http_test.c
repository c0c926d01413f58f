/* The matching endpoints (src/http/api_match.c) on a small synthetic Qingdao: the preview's counts,
 * a clause's enterprises page by page and by region, and an enterprise's matches agree with the
 * engine and the rules evaluator run directly on the same store; a bad rule is a 422 with its
 * position; a new enterprise is seen once the store's count changes. */
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
static struct tauth admin; /* every call is an administrator's */

static struct store *make_db(int n) {
    struct error err;
    struct store *s = tdemo_store(db_path, sizeof db_path, "match_http", 11, n);
    if (!s) return NULL;
    int np, nc;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    CHECK_INT(demo_generate_clauses(s, 3, 40, &err), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &admin), 0);
    return s;
}

static json_t *call(struct http_server *srv, const char *method, const char *target,
                    const char *body, int *status) {
    return tauth_call(srv, &admin, method, target, body, status);
}

static int64_t num(json_t *o, const char *path1, const char *path2) {
    json_t *x = json_object_get(o, path1);
    if (path2) x = json_object_get(x, path2);
    return json_integer_value(x);
}

TEST(match_http_endpoints) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = make_db(3000);
    if (!s) return;
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

    /* preview: the same counts as the engine on an index of its own */
    const char *src = "注册地 属于 青岛市 且 资质 包含 \"高新技术企业\" 且 从业人员 >= 20人";
    struct rule *r;
    CHECK_INT(rules_compile(src, strlen(src), "t", &r, &err), 0);
    struct match_sets m;
    CHECK_INT(match_cond(g, rules_version_at(r, today)->cond, &m, &err), 0);
    json_t *body = json_object();
    json_object_set_new(body, "rule", json_string(src));
    char *text = json_dumps(body, 0);
    json_decref(body);
    int st;
    json_t *out = call(srv, "POST", "/api/match/preview", text, &st);
    CHECK_INT(st, 200);
    CHECK_INT(num(out, "counts", "eligible"), roaring_bitmap_get_cardinality(m.eligible));
    CHECK_INT(num(out, "counts", "unknown"), roaring_bitmap_get_cardinality(m.unknown));
    CHECK_INT(num(out, "counts", "eligible") + num(out, "counts", "unknown") +
                  num(out, "counts", "ineligible"),
              3000);
    CHECK_INT(num(out, "eligible", "total"), roaring_bitmap_get_cardinality(m.eligible));
    CHECK(json_array_size(json_object_get(out, "nearly")) == 3);
    json_decref(out);
    free(text);
    match_sets_release(&m);
    rules_free(r);

    /* a bad rule: 422 with the position */
    out = call(srv, "POST", "/api/match/preview", "{\"rule\": \"注册地 属于 青岛市 且\"}", &st);
    CHECK_INT(st, 422);
    CHECK(json_object_get(json_object_get(out, "error"), "line") != NULL);
    json_decref(out);
    out = call(srv, "POST", "/api/match/preview", "{\"x\": 1}", &st);
    CHECK_INT(st, 400);
    json_decref(out);

    /* a clause's enterprises, two pages, and by region */
    struct arena a;
    arena_init(&a, 1 << 16);
    struct clause *cl;
    int n_cl;
    CHECK_INT(store_list_clauses(s, 0, POLICY_PUBLISHED, &a, &cl, &n_cl, &err), 0);
    int tested = 0;
    for (int i = 0; i < n_cl && tested < 3; i++) {
        if (!cl[i].rule || rules_compile(cl[i].rule, strlen(cl[i].rule), "c", &r, &err)) continue;
        const struct rule_version *v = rules_version_at(r, today);
        if (!v || match_cond(g, v->cond, &m, &err)) {
            rules_free(r);
            continue;
        }
        uint64_t n_e = roaring_bitmap_get_cardinality(m.eligible);
        if (n_e >= 4) {
            tested++;
            char target[256];
            snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?page_size=3",
                     (long long)cl[i].id);
            out = call(srv, "GET", target, NULL, &st);
            CHECK_INT(st, 200);
            CHECK_INT(num(out, "total", NULL), n_e);
            json_t *rows = json_object_get(out, "enterprises");
            CHECK_INT(json_array_size(rows), 3);
            /* every listed enterprise is eligible in the engine's set */
            for (size_t k = 0; k < json_array_size(rows); k++) {
                uint32_t row;
                const char *u = json_string_value(json_object_get(json_array_get(rows, k), "uscc"));
                CHECK(u && index_find_uscc(g, u, &row) == 0 &&
                      roaring_bitmap_contains(m.eligible, row));
            }
            json_decref(out);
            snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?page_size=3&page=2",
                     (long long)cl[i].id);
            out = call(srv, "GET", target, NULL, &st);
            CHECK_INT(json_array_size(json_object_get(out, "enterprises")),
                      n_e - 3 < 3 ? n_e - 3 : 3);
            json_decref(out);
            snprintf(target, sizeof target,
                     "/api/clauses/%lld/enterprises?region=%%E5%%B4%%82%%E5%%B1%%B1%%E5%%8C%%BA",
                     (long long)cl[i].id); /* 崂山区 */
            out = call(srv, "GET", target, NULL, &st);
            CHECK_INT(st, 200);
            uint64_t in_laoshan = 0;
            int laoshan = region_find("崂山区", strlen("崂山区"), &err);
            for (uint32_t row = 0; row < index_gen_rows(g); row++) {
                struct value v2;
                index_row_value(g, row, F_REGION, &v2);
                in_laoshan += roaring_bitmap_contains(m.eligible, row) && v2.has &&
                              region_is_within((int)v2.i, laoshan);
            }
            CHECK_INT(num(out, "total", NULL), in_laoshan);
            json_decref(out);
            snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?status=nearly",
                     (long long)cl[i].id);
            out = call(srv, "GET", target, NULL, &st);
            CHECK_INT(st, 200);
            json_decref(out);
        }
        match_sets_release(&m);
        rules_free(r);
    }
    CHECK(tested > 0);
    out = call(srv, "GET", "/api/clauses/999999/enterprises", NULL, &st);
    CHECK_INT(st, 404);
    json_decref(out);
    out = call(srv, "GET", "/api/clauses/1/enterprises?status=maybe", NULL, &st);
    CHECK_INT(st, 400);
    json_decref(out);

    /* an enterprise's matches: the evaluator's statuses, clause by clause */
    char uscc[32];
    index_row_uscc(g, 5, uscc, sizeof uscc);
    char target[128];
    snprintf(target, sizeof target, "/api/enterprises/%s/matches", uscc);
    out = call(srv, "GET", target, NULL, &st);
    CHECK_INT(st, 200);
    struct profile *p = malloc(sizeof *p);
    CHECK_INT(store_get_enterprise(s, uscc, p, &a, NULL, &err), 0);
    profile_derive(p, today, NULL);
    int want_e = 0, want_u = 0;
    for (int i = 0; i < n_cl; i++) {
        if (!cl[i].rule || rules_compile(cl[i].rule, strlen(cl[i].rule), "c", &r, &err)) continue;
        const struct rule_version *v = rules_version_at(r, today);
        enum tri t = v && v->cond ? rules_eval_cond(v->cond, p) : TRI_FALSE;
        want_e += v && v->cond && t == TRI_TRUE;
        want_u += v && v->cond && t == TRI_UNKNOWN;
        rules_free(r);
    }
    CHECK_INT(num(out, "eligible", NULL), want_e);
    CHECK_INT(num(out, "unknown", NULL), want_u);
    CHECK_INT(json_array_size(json_object_get(out, "matches")), want_e + want_u);
    /* the total: eligible awards of open clauses; those past their deadline apart */
    int64_t open_fen = 0, closed_fen = 0;
    for (size_t k = 0; k < json_array_size(json_object_get(out, "matches")); k++) {
        json_t *hit = json_array_get(json_object_get(out, "matches"), k);
        const char *dl = json_string_value(json_object_get(hit, "deadline"));
        int32_t d = INT32_MAX;
        if (dl) CHECK_INT(date_parse(dl, strlen(dl), &d, NULL), 0);
        CHECK(json_is_true(json_object_get(hit, "open")) == (d >= today));
        CHECK(json_is_boolean(json_object_get(hit, "exempt")));
        if (strcmp(json_string_value(json_object_get(hit, "status")), "eligible") ||
            !json_is_integer(json_object_get(hit, "award_fen")))
            continue;
        *(d >= today ? &open_fen : &closed_fen) += num(hit, "award_fen", NULL);
    }
    CHECK_INT(num(out, "eligible_total_fen", NULL), open_fen);
    CHECK_INT(num(out, "eligible_closed_fen", NULL), closed_fen);
    /* each hit's department is its policy's (worked out once per catalog, then reused: a second
     * answer is the same to the byte) */
    for (size_t k = 0; k < json_array_size(json_object_get(out, "matches")); k++) {
        json_t *hit = json_array_get(json_object_get(out, "matches"), k);
        struct policy pol;
        CHECK_INT(store_get_policy(s, num(hit, "policy_id", NULL), &pol, &a, &err), 0);
        const char *d = json_string_value(json_object_get(hit, "department"));
        if (pol.department)
            CHECK_STR(d ? d : "(null)", pol.department);
        else
            CHECK(json_is_null(json_object_get(hit, "department")));
    }
    char *once = json_dumps(out, JSON_SORT_KEYS);
    json_decref(out);
    out = call(srv, "GET", target, NULL, &st);
    char *twice = json_dumps(out, JSON_SORT_KEYS);
    CHECK_STR(twice ? twice : "", once ? once : "");
    free(once);
    free(twice);
    json_decref(out);
    out = call(srv, "GET", "/api/enterprises/913702000000000000/matches", NULL, &st);
    CHECK_INT(st, 404);
    json_decref(out);

    /* a new enterprise that qualifies is seen once the store's count changes */
    struct demo_text t;
    demo_enterprise(11, 5000, p, &t);
    CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    sleep(2);
    body = json_object();
    json_object_set_new(body, "rule", json_string(src));
    text = json_dumps(body, 0);
    json_decref(body);
    out = call(srv, "POST", "/api/match/preview", text, &st);
    free(text);
    CHECK_INT(num(out, "enterprises_total", NULL), 3001);
    json_decref(out);

    /* an enterprise changed through the API counts at once, with no new row to notice */
    const char *big = "{\"rule\": \"从业人员 >= 987654人\"}";
    out = call(srv, "POST", "/api/match/preview", big, &st);
    CHECK_INT(num(out, "counts", "eligible"), 0);
    json_decref(out);
    char edit[256];
    snprintf(edit, sizeof edit,
             "{\"uscc\": \"%s\", \"name\": \"青岛扩员测试有限公司\", \"region\": \"崂山区\", "
             "\"employees\": 987654}",
             t.uscc);
    out = call(srv, "POST", "/api/enterprises", edit, &st);
    CHECK_INT(st, 201);
    json_decref(out);
    out = call(srv, "POST", "/api/match/preview", big, &st);
    CHECK_INT(num(out, "counts", "eligible"), 1);
    CHECK_INT(num(out, "enterprises_total", NULL), 3001);
    json_decref(out);

    free(p);
    arena_release(&a);
    index_gen_release(g);
    http_server_free(srv);
    store_close(s);
    unlink(db_path);
}
