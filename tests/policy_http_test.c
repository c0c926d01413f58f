/* The officer's policy endpoints (src/http/api_policy.c) without a socket, on a small synthetic
 * Qingdao: extraction returns clauses with offsets that point at their text (bytes and UTF-16);
 * a bad rule is a 400 naming the clause, line and column and stores nothing; a good policy is
 * stored as a draft, invisible to matching until published, then matched at once; the award of a
 * listed enterprise is the rules evaluator's, to the fen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "http/http.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "store/store.h"
#include "tauth.h"
#include "test.h"
#include "util/date.h"

static char db_path[256];

static struct tauth admin; /* every call is an administrator's */

static json_t *call(struct http_server *srv, const char *method, const char *target,
                    const char *body, int *status) {
    return tauth_call(srv, &admin, method, target, body, status);
}

static json_t *call_json(struct http_server *srv, const char *method, const char *target,
                         json_t *body, int *status) {
    char *text = json_dumps(body, 0);
    json_t *out = call(srv, method, target, text, status);
    free(text);
    json_decref(body);
    return out;
}

static int64_t policy_count(struct http_server *srv) {
    int st;
    json_t *o = call(srv, "GET", "/api/policies", NULL, &st);
    int64_t n = json_integer_value(json_object_get(o, "total"));
    json_decref(o);
    return n;
}

/* Does enterprise uscc's match list contain the clause? */
static bool matches_clause(struct http_server *srv, const char *uscc, int64_t clause) {
    char target[128];
    snprintf(target, sizeof target, "/api/enterprises/%s/matches?all=1", uscc);
    int st;
    json_t *o = call(srv, "GET", target, NULL, &st);
    json_t *list = json_object_get(o, "matches"), *m;
    size_t i;
    bool found = false;
    json_array_foreach(list, i, m) found |=
        json_integer_value(json_object_get(m, "clause_id")) == clause;
    json_decref(o);
    return found;
}

#define RULE_RATE "营业收入 >= 100万元\n奖励 = 营业收入 × 0.37%，最高 30万元"

/* Does a search for q (published clauses only) find the clause? */
static bool search_finds(struct http_server *srv, const char *q_escaped, int64_t clause) {
    char target[256];
    snprintf(target, sizeof target, "/api/search?q=%s&limit=100", q_escaped);
    int st;
    json_t *o = call(srv, "GET", target, NULL, &st);
    CHECK_INT(st, 200);
    bool found = false;
    json_t *hit;
    size_t i;
    json_array_foreach(json_object_get(o, "hits"), i, hit) {
        if (json_integer_value(json_object_get(hit, "clause_id")) == clause) found = true;
    }
    json_decref(o);
    return found;
}

TEST(policy_http_flow) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    snprintf(db_path, sizeof db_path, "/tmp/duijie_policy_http_%d.db", (int)getpid());
    unlink(db_path);
    struct store *s;
    if (store_open(db_path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    store_begin_bulk(s, &err);
    for (int i = 0; i < 1500; i++) {
        demo_enterprise(7, i, p, &t);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    CHECK_INT(store_commit(s, &err), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &admin), 0);
    struct http_config cfg = {.port = 0, .db = db_path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        store_close(s);
        free(p);
        return;
    }
    int st;

    /* extraction: offsets point at each clause's text */
    const char *policy = "测试政策\n\n第一条 对上年度营业收入不低于100万元的企业，"
                         "给予一次性奖励五十万元。\n\n第二条 对高新技术企业，按研发费用的10%"
                         "给予补助，最高200万元。\n";
    json_t *req = json_object();
    json_object_set_new(req, "text", json_string(policy));
    json_t *ex = call_json(srv, "POST", "/api/policies/extract", req, &st);
    CHECK_INT(st, 200);
    json_t *cls = json_object_get(ex, "clauses");
    CHECK_INT((int64_t)json_array_size(cls), 2);
    json_t *c0 = json_array_get(cls, 0);
    int64_t b0 = json_integer_value(json_object_get(c0, "start"));
    int64_t b1 = json_integer_value(json_object_get(c0, "end"));
    const char *ctext = json_string_value(json_object_get(c0, "text"));
    CHECK(ctext && b1 - b0 == (int64_t)strlen(ctext) &&
          memcmp(policy + b0, ctext, strlen(ctext)) == 0);
    /* "测试政策\n\n第一条 " is 8 characters and 4 newline/space: 4+2+3+1 = 10 UTF-16 units */
    CHECK_INT(json_integer_value(json_object_get(c0, "start16")), 10);
    CHECK(json_is_string(json_object_get(c0, "rule")));

    /* raw text body works too; bytes in no encoding (neither UTF-8 nor GB18030) are a 400 */
    struct http_header ah[2];
    struct http_input in = {.method = "POST",
                            .target = "/api/policies/extract",
                            .headers = ah,
                            .n_headers = tauth_headers(&admin, ah),
                            .body = "\xff\xff",
                            .body_len = 2};
    struct http_response res;
    http_server_handle(srv, &in, &res);
    CHECK_INT(res.status, 400);
    http_response_release(&res);

    /* a bad rule in the second clause: 400 naming it, nothing stored */
    int64_t before = policy_count(srv);
    req = json_object();
    json_object_set_new(req, "title", json_string("测试政策"));
    json_t *list = json_array();
    json_t *k = json_object();
    json_object_set_new(k, "title", json_string("营收奖励"));
    json_object_set_new(k, "text", json_string(ctext));
    json_object_set_new(k, "rule", json_string(RULE_RATE));
    json_array_append_new(list, k);
    k = json_object();
    json_object_set_new(k, "title", json_string("坏规则"));
    json_object_set_new(k, "text", json_string("x"));
    json_object_set_new(k, "rule", json_string("营业收入 >= 100万元 且\n奖励 = 1万元"));
    json_array_append_new(list, k);
    json_object_set_new(req, "clauses", list);
    json_t *bad = call_json(srv, "POST", "/api/policies", json_deep_copy(req), &st);
    CHECK_INT(st, 400);
    json_t *e = json_object_get(bad, "error");
    CHECK_INT(json_integer_value(json_object_get(e, "clause")), 2);
    CHECK(json_integer_value(json_object_get(e, "line")) >= 1);
    CHECK(strstr(json_string_value(json_object_get(e, "zh")), "坏规则") != NULL);
    CHECK_INT(policy_count(srv), before);
    CHECK_INT(store_count_clauses(s), 0);
    json_decref(bad);

    /* the good policy: a draft with two clauses */
    json_array_remove(list, 1);
    k = json_object();
    json_object_set_new(k, "text", json_string("定额"));
    json_object_set_new(k, "rule", json_string("营业收入 >= 100万元\n奖励 = 50万元"));
    json_array_append_new(list, k);
    json_t *made = call_json(srv, "POST", "/api/policies", req, &st);
    CHECK_INT(st, 201);
    int64_t pid = json_integer_value(json_object_get(made, "id"));
    CHECK_STR(json_string_value(json_object_get(made, "status")), "draft");
    CHECK_INT(policy_count(srv), before + 1);
    CHECK_INT(store_count_clauses(s), 2);
    char target[128];
    snprintf(target, sizeof target, "/api/policies/%lld", (long long)pid);
    json_t *got = call(srv, "GET", target, NULL, &st);
    CHECK_INT(st, 200);
    CHECK_INT((int64_t)json_array_size(json_object_get(got, "clauses")), 2);
    int64_t cid = json_integer_value(
        json_object_get(json_array_get(json_object_get(got, "clauses"), 0), "id"));
    int64_t cid2 = json_integer_value(
        json_object_get(json_array_get(json_object_get(got, "clauses"), 1), "id"));
    json_decref(got);
    json_decref(made);
    /* a draft is its department's: nobody signed out sees it, in the list or by id */
    {
        struct http_input anon = {.method = "GET", .target = target};
        struct http_response ar;
        http_server_handle(srv, &anon, &ar);
        CHECK_INT(ar.status, 404);
        http_response_release(&ar);
        anon.target = "/api/policies";
        http_server_handle(srv, &anon, &ar);
        CHECK_INT(ar.status, 200);
        json_t *l = ar.body ? json_loadb(ar.body, ar.body_len, 0, NULL) : NULL;
        json_t *pol;
        size_t at;
        bool has_draft = false;
        json_array_foreach(json_object_get(l, "policies"), at, pol) {
            if (strcmp(json_string_value(json_object_get(pol, "status")), "draft") == 0)
                has_draft = true;
        }
        CHECK(l != NULL);
        CHECK(!has_draft);
        json_decref(l);
        http_response_release(&ar);
    }

    /* the first enterprise with revenue ≥ 100万元: not matched while the policy is a draft */
    char uscc[32] = "";
    int64_t expect_fen = -1;
    struct rule *r;
    CHECK_INT(rules_compile(RULE_RATE, strlen(RULE_RATE), "t", &r, &err), 0);
    const struct rule_version *v = rules_version_at(r, date_today());
    struct arena a;
    arena_init(&a, 1 << 14);
    for (int i = 0; i < 1500 && !uscc[0]; i++) {
        demo_enterprise(7, i, p, &t);
        profile_derive(p, date_today(), NULL);
        struct rule_eval ev;
        if (rules_eval(v, p, &ev, &err) == 0 && ev.result == TRI_TRUE && ev.has_award) {
            snprintf(uscc, sizeof uscc, "%s", p->v[F_USCC].s);
            expect_fen = ev.award_fen;
        }
    }
    CHECK(uscc[0] != 0);
    CHECK(!matches_clause(srv, uscc, cid));
    CHECK(!search_finds(srv, "%E8%90%A5%E6%94%B6%E5%A5%96%E5%8A%B1",
                        cid)); /* drafts are not searchable */

    /* publish: matched at once, with the exact award */
    snprintf(target, sizeof target, "/api/policies/%lld/publish", (long long)pid);
    json_t *pub = call(srv, "POST", target, NULL, &st);
    CHECK_INT(st, 200);
    CHECK_STR(json_string_value(json_object_get(pub, "status")), "published");
    json_decref(pub);
    CHECK(matches_clause(srv, uscc, cid));
    CHECK(search_finds(srv, "%E8%90%A5%E6%94%B6%E5%A5%96%E5%8A%B1",
                       cid)); /* publishing rebuilt the search index */
    bool found = false;
    for (int page = 1; page < 100 && !found; page++) {
        snprintf(target, sizeof target,
                 "/api/clauses/%lld/enterprises?status=eligible&page_size=200&page=%d",
                 (long long)cid, page);
        json_t *o = call(srv, "GET", target, NULL, &st);
        CHECK_INT(st, 200);
        json_t *rows = json_object_get(o, "enterprises"), *row;
        size_t i;
        json_array_foreach(rows, i, row) {
            if (strcmp(json_string_value(json_object_get(row, "uscc")), uscc) == 0) {
                found = true;
                CHECK_INT(json_integer_value(json_object_get(row, "award_fen")), expect_fen);
            }
        }
        bool is_last = json_array_size(rows) < 200;
        json_decref(o);
        if (is_last) break;
    }
    CHECK(found);
    snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?page_size=1", (long long)cid2);
    json_t *o2 = call(srv, "GET", target, NULL, &st);
    CHECK_INT(json_integer_value(json_object_get(
                  json_array_get(json_object_get(o2, "enterprises"), 0), "award_fen")),
              50000000); /* 50万元 */
    json_decref(o2);
    snprintf(target, sizeof target, "/api/clauses/%lld", (long long)cid);
    json_t *cl = call(srv, "GET", target, NULL, &st);
    CHECK_INT(st, 200);
    CHECK_STR(json_string_value(json_object_get(cl, "rule")), RULE_RATE);
    json_decref(cl);

    arena_release(&a);
    rules_free(r);
    json_decref(ex);
    http_server_free(srv);
    store_close(s);
    free(p);
    unlink(db_path);
}
