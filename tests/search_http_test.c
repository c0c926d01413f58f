/* GET /api/search (src/http/api_search.c) on the demo policies: a real query finds the clauses
 * with highlights and facets, the department, region and status filters hold on every hit, paging
 * is consistent, uscc= orders the hits by that enterprise's matching result, and bad input (no q,
 * invalid UTF-8, an unclosed quote, a bad status or limit) is a 400 in the house error shape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "http/http.h"
#include "refdata/refdata.h"
#include "schema/schema.h"
#include "search/search.h"
#include "store/store.h"
#include "test.h"

static char db_path[256];

static json_t *call(struct http_server *srv, const char *target, int *status) {
    struct http_input in = {.method = "GET", .target = target};
    struct http_response res;
    http_server_handle(srv, &in, &res);
    *status = res.status;
    json_t *j = res.body ? json_loadb(res.body, res.body_len, 0, NULL) : NULL;
    http_response_release(&res);
    return j;
}

/* A 400 whose body is {"error": {"code", "zh", "en"}}. */
static void check_400(struct http_server *srv, const char *target) {
    int st;
    json_t *j = call(srv, target, &st);
    CHECK_INT(st, 400);
    json_t *e = json_object_get(j, "error");
    CHECK(json_string_value(json_object_get(e, "zh")) != NULL);
    CHECK(json_string_value(json_object_get(e, "en")) != NULL);
    json_decref(j);
}

TEST(search_http_endpoint) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    snprintf(db_path, sizeof db_path, "/tmp/duijie_search_http_%d.db", (int)getpid());
    unlink(db_path);
    struct store *s;
    if (store_open(db_path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    char uscc[64] = "";
    for (int i = 0; i < 50; i++) {
        demo_enterprise(11, i, p, &t);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
        if (i == 0 && p->v[F_USCC].has) snprintf(uscc, sizeof uscc, "%s", p->v[F_USCC].s);
    }
    char absent[64] = ""; /* a valid code no stored enterprise has */
    demo_enterprise(11, 999, p, &t);
    if (p->v[F_USCC].has) snprintf(absent, sizeof absent, "%s", p->v[F_USCC].s);
    free(p);
    int np, nc;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
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
    int st;
    /* 高新技术企业 (URL-encoded): the 科技局's clauses, highlighted */
    json_t *j = call(srv,
                     "/api/search?q=%E9%AB%98%E6%96%B0%E6%8A%80%E6%9C%AF%E4%BC%81%E4%B8%9A"
                     "&limit=3",
                     &st);
    CHECK_INT(st, 200);
    json_t *hits = json_object_get(j, "hits");
    int64_t total = json_integer_value(json_object_get(j, "total"));
    CHECK(total > 0);
    CHECK(json_array_size(hits) > 0 && json_array_size(hits) <= 3);
    json_t *h0 = json_array_get(hits, 0);
    CHECK(json_string_value(json_object_get(h0, "id")) != NULL);
    CHECK(json_array_size(json_object_get(h0, "highlights")) +
              json_array_size(json_object_get(h0, "title_highlights")) >
          0);
    const char *html = json_string_value(json_object_get(h0, "snippet_html"));
    CHECK(html != NULL);
    CHECK(json_object_get(json_object_get(j, "facets"), "department") != NULL);
    /* the second page starts where the first ended */
    const char *id2 = json_string_value(json_object_get(json_array_get(hits, 1), "id"));
    char *keep = id2 ? strdup(id2) : NULL;
    json_decref(j);
    j = call(srv,
             "/api/search?q=%E9%AB%98%E6%96%B0%E6%8A%80%E6%9C%AF%E4%BC%81%E4%B8%9A"
             "&limit=1&offset=1",
             &st);
    CHECK_INT(st, 200);
    CHECK_INT(json_integer_value(json_object_get(j, "total")), total);
    if (keep)
        CHECK_STR(
            json_string_value(json_object_get(json_array_get(json_object_get(j, "hits"), 0), "id")),
            keep);
    free(keep);
    json_decref(j);

    /* 企业 with department=工业和信息化局: every hit is that department's */
    j = call(srv,
             "/api/search?q=%E4%BC%81%E4%B8%9A&limit=50&department="
             "%E5%B7%A5%E4%B8%9A%E5%92%8C%E4%BF%A1%E6%81%AF%E5%8C%96%E5%B1%80",
             &st);
    CHECK_INT(st, 200);
    hits = json_object_get(j, "hits");
    CHECK(json_array_size(hits) > 0);
    for (size_t i = 0; i < json_array_size(hits); i++) {
        const char *d = json_string_value(json_object_get(json_array_get(hits, i), "department"));
        CHECK(d && strstr(d, "工业和信息化局"));
    }
    int64_t dept_total = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    j = call(srv, "/api/search?q=%E4%BC%81%E4%B8%9A&limit=50", &st);
    CHECK(json_integer_value(json_object_get(j, "total")) > dept_total);
    json_decref(j);

    /* region=崂山区: the district's own policies and those of the city and province containing it,
     * nothing of another district (黄岛区's 海洋 policy) */
    j = call(srv, "/api/search?q=%E4%BC%81%E4%B8%9A&limit=50&region=%E5%B4%82%E5%B1%B1%E5%8C%BA",
             &st);
    CHECK_INT(st, 200);
    hits = json_object_get(j, "hits");
    CHECK(json_array_size(hits) > 0);
    for (size_t i = 0; i < json_array_size(hits); i++) {
        const char *r = json_string_value(json_object_get(json_array_get(hits, i), "region"));
        bool is_ok =
            r && (strcmp(r, "崂山区") == 0 || strcmp(r, "青岛市") == 0 || strcmp(r, "山东省") == 0);
        if (!is_ok) test_failf(__FILE__, __LINE__, "region %s", r ? r : "(null)");
    }
    json_decref(j);

    /* status=expired: only expired hits */
    j = call(srv, "/api/search?q=%E4%BC%81%E4%B8%9A&limit=50&status=expired", &st);
    CHECK_INT(st, 200);
    hits = json_object_get(j, "hits");
    for (size_t i = 0; i < json_array_size(hits); i++)
        CHECK(json_is_true(json_object_get(json_array_get(hits, i), "expired")));
    json_decref(j);

    /* uscc=: the hits ordered eligible, unknown, ineligible (then those without a rule) */
    char target[256];
    snprintf(target, sizeof target, "/api/search?q=%%E4%%BC%%81%%E4%%B8%%9A&limit=50&uscc=%s",
             uscc);
    j = call(srv, target, &st);
    CHECK_INT(st, 200);
    hits = json_object_get(j, "hits");
    int last = 0, n_fit = 0;
    for (size_t i = 0; i < json_array_size(hits); i++) {
        const char *fit = json_string_value(json_object_get(json_array_get(hits, i), "fit"));
        int rank = !fit                           ? 3
                   : strcmp(fit, "eligible") == 0 ? 0
                   : strcmp(fit, "unknown") == 0  ? 1
                                                  : 2;
        n_fit += fit != NULL;
        CHECK(rank >= last);
        last = rank;
    }
    CHECK(n_fit > 0);
    json_decref(j);
    j = call(srv, "/api/search?q=%E4%BC%81%E4%B8%9A", &st);
    CHECK(json_object_get(json_array_get(json_object_get(j, "hits"), 0), "fit") == NULL);
    json_decref(j);
    snprintf(target, sizeof target, "/api/search?q=%%E4%%BC%%81%%E4%%B8%%9A&uscc=%s", absent);
    j = call(srv, target, &st);
    CHECK_INT(st, 404);
    json_decref(j);
    check_400(srv, "/api/search?q=abc&uscc=123");
    check_400(srv, "/api/search");
    check_400(srv, "/api/search?q=");
    check_400(srv, "/api/search?q=%FF%FE");
    check_400(srv, "/api/search?q=%22%E8%A1%A5%E8%B4%B4"); /* "补贴 without its closing quote */
    check_400(srv, "/api/search?q=abc&status=bogus");
    check_400(srv, "/api/search?q=abc&limit=0");

    http_server_free(srv);
    store_close(s);
    unlink(db_path);
    search_thread_release();
}
