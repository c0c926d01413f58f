/* POST /api/enterprises/{uscc}/matches (the 政策计算器, src/http/api_match.c): with nothing changed
 * its counts are GET …/matches' and its "nearly" clauses are exactly those whose match_nearly
 * groups (the index's answer for the whole city) hold the enterprise; raising 从业人员 past a
 * failing "从业人员 >= 20人" turns that clause from nearly to met, while the stored profile stays
 * as it was; a bad value is 422 naming the field; an unknown enterprise 404. */
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
#include "test.h"
#include "util/date.h"

static struct tauth admin; /* calls are an administrator's unless as() is given */

static json_t *call(struct http_server *srv, const char *method, const char *target,
                    const char *body, int *status) {
    return tauth_call(srv, &admin, method, target, body, status);
}

static json_t *find_clause(json_t *out, int64_t id) {
    json_t *ms = json_object_get(out, "matches");
    for (size_t i = 0; i < json_array_size(ms); i++)
        if (json_integer_value(json_object_get(json_array_get(ms, i), "clause_id")) == id)
            return json_array_get(ms, i);
    return NULL;
}

static const char *status_of(json_t *m) {
    return m ? json_string_value(json_object_get(m, "status")) : "";
}

TEST(match_whatif_http) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    char db[256];
    snprintf(db, sizeof db, "/tmp/duijie_whatif_%d.db", (int)getpid());
    unlink(db);
    struct store *s;
    if (store_open(db, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    store_begin_bulk(s, &err);
    for (int i = 0; i < 400; i++) {
        demo_enterprise(13, i, p, &t);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    CHECK_INT(store_commit(s, &err), 0);
    int np, nc;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &admin), 0);
    struct http_config cfg = {.port = 0, .db = db, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_skip("the server has no store in this build");
        free(p);
        store_close(s);
        unlink(db);
        return;
    }
    int32_t today = date_today();
    struct index_gen *g;
    CHECK_INT(index_load(s, today, &g, &err), 0);
    struct arena a;
    arena_init(&a, 1 << 16);
    struct clause *cl;
    int n_cl;
    CHECK_INT(store_list_clauses(s, 0, POLICY_PUBLISHED, &a, &cl, &n_cl, &err), 0);

    /* nothing changed: GET's counts, and nearly = the index's nearly groups, for 40 enterprises */
    int n_nearly_seen = 0, st;
    char target[128], employee_uscc[32] = "";
    int64_t employee_clause = 0;
    for (uint32_t row = 0; row < 40; row++) {
        char uscc[32];
        index_row_uscc(g, row, uscc, sizeof uscc);
        snprintf(target, sizeof target, "/api/enterprises/%s/matches", uscc);
        json_t *got = call(srv, "GET", target, NULL, &st);
        json_t *out = call(srv, "POST", target, "{\"set\": {}}", &st);
        CHECK_INT(st, 200);
        CHECK_INT(json_integer_value(json_object_get(out, "eligible")),
                  json_integer_value(json_object_get(got, "eligible")));
        CHECK_INT(json_integer_value(json_object_get(out, "unknown")),
                  json_integer_value(json_object_get(got, "unknown")));
        CHECK(json_object_get(json_object_get(out, "profile"), "fields") != NULL);
        int want_nearly = 0;
        for (int i = 0; i < n_cl; i++) {
            struct rule *r;
            if (!cl[i].rule || rules_compile(cl[i].rule, strlen(cl[i].rule), "c", &r, &err))
                continue;
            const struct rule_version *v = rules_version_at(r, today);
            struct match_nearly nl = {0};
            bool is_near = false;
            if (v && v->cond && match_nearly(g, v->cond, &nl, &err) == 0)
                for (int k = 0; k < nl.n_groups; k++)
                    is_near |= roaring_bitmap_contains(nl.groups[k].rows, row);
            want_nearly += is_near;
            json_t *m = find_clause(out, cl[i].id);
            CHECK(is_near == (strcmp(status_of(m), "nearly") == 0));
            const char *fc = m ? json_string_value(json_object_get(m, "failing_condition")) : NULL;
            if (is_near && fc && strcmp(fc, "从业人员 >= 20人") == 0 && !employee_clause) {
                employee_clause = cl[i].id;
                snprintf(employee_uscc, sizeof employee_uscc, "%s", uscc);
            }
            match_nearly_release(&nl);
            rules_free(r);
        }
        CHECK_INT(json_integer_value(json_object_get(out, "nearly")), want_nearly);
        n_nearly_seen += want_nearly;
        json_decref(got);
        json_decref(out);
    }
    CHECK(n_nearly_seen > 0);

    /* the calculator: 从业人员 raised to 25 meets the failing condition; nothing is stored */
    CHECK(employee_clause > 0);
    if (employee_clause) {
        snprintf(target, sizeof target, "/api/enterprises/%s/matches", employee_uscc);
        json_t *out = call(srv, "POST", target, "{\"set\": {\"从业人员\": 25}}", &st);
        CHECK_INT(st, 200);
        const char *now = status_of(find_clause(out, employee_clause));
        CHECK(strcmp(now, "eligible") == 0 || strcmp(now, "unknown") == 0);
        json_t *emp = json_object_get(
            json_object_get(json_object_get(json_object_get(out, "profile"), "fields"),
                            "employees"),
            "value");
        CHECK_INT(json_integer_value(emp), 25);
        json_decref(out);
        struct profile *q = malloc(sizeof *q);
        CHECK_INT(store_get_enterprise(s, employee_uscc, q, &a, NULL, &err), 0);
        CHECK(!q->v[F_EMPLOYEES].has || q->v[F_EMPLOYEES].i < 20);
        free(q);
        out = call(srv, "POST", target, "{\"set\": {\"revenue\": \"很多\"}}", &st);
        CHECK_INT(st, 422);
        json_t *fields = json_object_get(json_object_get(out, "error"), "fields");
        CHECK_STR(json_string_value(json_object_get(json_array_get(fields, 0), "field")),
                  "revenue");
        json_decref(out);
        out = call(srv, "POST", target, "{\"set\": 3}", &st);
        CHECK_INT(st, 400);
        json_decref(out);
    }
    json_t *out = call(srv, "POST", "/api/enterprises/913702000000000000/matches", "{}", &st);
    CHECK_INT(st, 404);
    json_decref(out);

    /* the push list as CSV: a BOM, the header, one line per enterprise of the JSON total */
    snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?status=unknown",
             (long long)cl[0].id);
    out = call(srv, "GET", target, NULL, &st);
    int64_t total = json_integer_value(json_object_get(out, "total"));
    json_decref(out);
    snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?status=unknown&format=csv",
             (long long)cl[0].id);
    struct http_header hd[2];
    struct http_input in = {
        .method = "GET", .target = target, .headers = hd, .n_headers = tauth_headers(&admin, hd)};
    struct http_response res;
    http_server_handle(srv, &in, &res);
    CHECK_INT(res.status, 200);
    int64_t lines = 0;
    for (size_t i = 0; i < res.body_len; i++)
        lines += res.body[i] == '\n';
    CHECK(res.body_len > 3 && memcmp(res.body, "\xEF\xBB\xBF统一社会信用代码", 27) == 0);
    CHECK_INT(lines, total + 1);
    http_response_release(&res);
    snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?format=pdf",
             (long long)cl[0].id);
    out = call(srv, "GET", target, NULL, &st);
    CHECK_INT(st, 400);
    json_decref(out);

    /* an enterprise user may try its own figures, not another's; nobody signed in may not */
    char own[32], other[32];
    index_row_uscc(g, 1, own, sizeof own);
    index_row_uscc(g, 2, other, sizeof other);
    struct tauth ent;
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, own, NULL, NULL, &ent), 0);
    snprintf(target, sizeof target, "/api/enterprises/%s/matches", own);
    out = tauth_call(srv, &ent, "POST", target, "{\"set\": {\"从业人员\": 30}}", &st);
    CHECK_INT(st, 200);
    json_decref(out);
    snprintf(target, sizeof target, "/api/enterprises/%s/matches", other);
    out = tauth_call(srv, &ent, "POST", target, "{\"set\": {}}", &st);
    CHECK_INT(st, 403);
    json_decref(out);
    struct tauth nobody;
    memset(&nobody, 0, sizeof nobody);
    out = tauth_call(srv, &nobody, "POST", target, "{\"set\": {}}", &st);
    CHECK_INT(st, 401);
    json_decref(out);

    free(p);
    arena_release(&a);
    index_gen_release(g);
    http_server_free(srv);
    store_close(s);
    unlink(db);
}
