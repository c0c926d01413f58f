/* HTTP tests of the workflow, audit and stats endpoints, signed in as each role (tests/tauth.h):
 * one application from draft to paid through the API, every step refused for the wrong role
 * (403 from the authorisation matrix), another enterprise's or department's reach refused (403),
 * a wrong state refused (409 naming both states), the cap refused (422), lists exported as XLSX
 * and CSV and read back with src/import's readers (money exact), the money totals and the audit
 * chain verified. */
#include <stdlib.h>
#include <unistd.h>

#include "demo/demo.h"
#include "http/http.h"
#include "import/import.h"
#include "store/store.h"
#include "tauth.h"
#include "test.h"
#include "util/date.h"

#define DEPT "青岛市科学技术局"

static char db_path[256];

/* as who, ctype (NULL: JSON) (tests/tauth.h) */
static struct tauth_reply call_as(struct http_server *srv, const struct tauth *who,
                                  const char *method, const char *target, const char *ctype,
                                  const char *body, size_t body_len) {
    return tauth_send(srv, who, method, target, ctype ? ctype : "application/json", body, body_len);
}

static int post(struct http_server *srv, const struct tauth *who, const char *target,
                const char *body, json_t **out) {
    struct tauth_reply r =
        call_as(srv, who, "POST", target, NULL, body ? body : "{}", strlen(body ? body : "{}"));
    if (out) {
        *out = r.json;
        r.json = NULL;
    }
    tauth_reply_release(&r);
    return r.status;
}

static int get(struct http_server *srv, const struct tauth *who, const char *target, json_t **out) {
    struct tauth_reply r = call_as(srv, who, "GET", target, NULL, NULL, 0);
    if (out) {
        *out = r.json;
        r.json = NULL;
    }
    tauth_reply_release(&r);
    return r.status;
}

struct cells {
    char v[8][16][64]; /* rows × columns */
    int n;
};

static int keep_row(void *ctx, const struct import_row *row) {
    struct cells *c = ctx;
    if (row->bad || row->row < 1 || row->row > 8) return 0;
    if (row->row > c->n) c->n = row->row;
    for (int k = 0; k < row->n; k++)
        if (row->cells[k].col < 16 && row->cells[k].len < 64) {
            memcpy(c->v[row->row - 1][row->cells[k].col], row->cells[k].s, row->cells[k].len);
            c->v[row->row - 1][row->cells[k].col][row->cells[k].len] = 0;
        }
    return 0;
}

static int64_t put_clause(struct store *s, int64_t policy, bool is_exempt) {
    struct clause c = {.policy_id = policy,
                       .seq = is_exempt ? 2 : 1,
                       .title = "营收奖励",
                       .text = "条款原文",
                       .rule = "营业收入 > 0元\n奖励 = 营业收入 × 1%",
                       .is_exempt = is_exempt,
                       .version = 1,
                       .valid_from = STORE_NO_DATE,
                       .valid_to = STORE_NO_DATE,
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_PUBLISHED,
                       .award_cap_fen = 200000};
    struct error err;
    CHECK_INT(store_put_clause(s, &c, &err), 0);
    return c.id;
}

TEST(workflow_http_flow) {
    struct error err;
    snprintf(db_path, sizeof db_path, "/tmp/duijie_workflow_http_%d.db", (int)getpid());
    unlink(db_path);
    struct store *s;
    if (store_open(db_path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t[2];
    for (int i = 0; i < 2; i++) {
        demo_enterprise(9, i, p, &t[i]);
        p->v[F_REVENUE] =
            (struct value){.has = true, .i = 12345678}; /* 123,456.78元 → 1,234.57元 */
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    free(p);
    struct policy pol = {.code = "WFH-1",
                         .title = "测试政策",
                         .department = DEPT,
                         .region = -1,
                         .published = STORE_NO_DATE,
                         .deadline = STORE_NO_DATE,
                         .status = POLICY_PUBLISHED};
    CHECK_INT(store_put_policy(s, &pol, &err), 0);
    int64_t clause = put_clause(s, pol.id, false);
    struct tauth ent, other, rev, rev2, fin, admin, comm;
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, t[0].uscc, NULL, NULL, &ent), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, t[1].uscc, NULL, NULL, &other), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_REVIEWER, NULL, NULL, DEPT, &rev), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_REVIEWER, NULL, NULL, "青岛市财政局", &rev2), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_FINANCE, NULL, NULL, DEPT, &fin), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &admin), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_COMMISSIONER, NULL, "崂山区", NULL, &comm), 0);
    store_close(s);
    struct http_config cfg = {.port = 0, .db = db_path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return;
    }
    char body[256], target[160];
    snprintf(body, sizeof body, "{\"clause_id\": %lld}", (long long)clause);
    CHECK_INT(post(srv, NULL, "/api/applications", body, NULL), 401);
    CHECK_INT(post(srv, &rev, "/api/applications", body, NULL), 403);
    json_t *o = NULL;
    CHECK_INT(post(srv, &ent, "/api/applications", body, &o), 201);
    int64_t id = json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    CHECK_INT(post(srv, &ent, "/api/applications", body, NULL), 409);
    snprintf(target, sizeof target, "/api/applications/%lld", (long long)id);
    CHECK_INT(get(srv, &other, target, NULL), 403);
    CHECK_INT(get(srv, &ent, target, &o), 200);
    CHECK_INT(json_integer_value(json_object_get(o, "computed_fen")), 123457);
    json_decref(o);
    /* an attachment, checked against its bytes */
    snprintf(target, sizeof target,
             "/api/applications/%lld/files?name=%%E6%%89%%A7%%E7%%85%%A7.pdf", (long long)id);
    struct tauth_reply r = call_as(srv, &ent, "POST", target, "application/pdf", "%PDF-1.7 x", 10);
    CHECK_INT(r.status, 201);
    int64_t fid = json_integer_value(json_object_get(r.json, "id"));
    tauth_reply_release(&r);
    r = call_as(srv, &ent, "POST", target, "application/pdf", "MZ", 2);
    CHECK_INT(r.status, 422);
    tauth_reply_release(&r);
    snprintf(target, sizeof target, "/api/applications/%lld/files/%lld", (long long)id,
             (long long)fid);
    r = call_as(srv, &rev, "GET", target, NULL, NULL, 0);
    CHECK_INT(r.status, 200);
    CHECK(r.len == 10 && memcmp(r.body, "%PDF-1.7 x", 10) == 0);
    tauth_reply_release(&r);
    CHECK_INT(get(srv, &other, target, NULL), 403);
    /* the steps: the wrong role is refused before the handler, the wrong state by the workflow */
    struct {
        const struct tauth *who;
        const char *action, *body;
        int status;
    } steps[] = {
        {&rev, "submit", NULL, 403},
        {&other, "submit", NULL, 403},
        {&ent, "accept", NULL, 403},
        {&rev, "accept", NULL, 409}, /* still a draft */
        {&ent, "submit", NULL, 200},
        {&ent, "submit", NULL, 409},
        {&rev2, "accept", NULL, 403}, /* another department */
        {&comm, "accept", NULL, 403},
        {&rev, "accept", NULL, 200},
        {&rev, "review", "{}", 422},
        {&rev, "review", "{\"comment\":\"材料齐全\"}", 200},
        {&fin, "pay", NULL, 409},
        {&rev, "approve", "{\"amount_fen\": 200001}", 422},
        {&rev, "approve", "{\"amount_fen\": \"100\"}", 422},
        {&rev, "approve", NULL, 200},
        {&rev, "pay", NULL, 403},
        {&fin, "pay", "{\"paid_on\":\"2025-12-30\"}", 422},
        {&fin, "pay", "{\"paid_on\":\"2025-12-30\",\"payment_ref\":\"BANK-7\"}", 200},
    };
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
        char name[64];
        snprintf(name, sizeof name, "step %zu %s", k, steps[k].action);
        test_case(name);
        snprintf(target, sizeof target, "/api/applications/%lld/%s", (long long)id,
                 steps[k].action);
        json_t *e = NULL;
        CHECK_INT(post(srv, steps[k].who, target, steps[k].body, &e), steps[k].status);
        if (steps[k].status == 409)
            CHECK(strstr(json_string_value(json_object_get(json_object_get(e, "error"), "en")),
                         "cannot go from") != NULL);
        json_decref(e);
    }
    test_case("lists, exports, money, audit");
    CHECK_INT(get(srv, &rev, "/api/applications?state=paid", &o), 200);
    CHECK_INT(json_integer_value(json_object_get(o, "total")), 1);
    CHECK_INT(json_integer_value(
                  json_object_get(json_array_get(json_object_get(o, "items"), 0), "amount_fen")),
              123457);
    json_decref(o);
    CHECK_INT(get(srv, &rev2, "/api/applications", &o), 200);
    CHECK_INT(json_integer_value(json_object_get(o, "total")), 0);
    json_decref(o);
    CHECK_INT(get(srv, &rev, "/api/applications?format=pdf", NULL), 400);
    const char *fmts[] = {"xlsx", "csv"};
    for (int k = 0; k < 2; k++) {
        snprintf(target, sizeof target, "/api/applications?format=%s", fmts[k]);
        r = call_as(srv, &rev, "GET", target, NULL, NULL, 0);
        CHECK_INT(r.status, 200);
        struct cells c = {0};
        struct import_reader_opts ro = {.on_row = keep_row, .ctx = &c};
        struct error e2 = {0};
        CHECK_INT(k == 0 ? import_read_xlsx(r.body, r.len, &ro, &e2)
                         : import_read_csv(r.body, r.len, &ro, &e2),
                  0);
        CHECK_INT(c.n, 2);
        CHECK_STR(c.v[0][7], "批准金额(元)");
        CHECK_STR(c.v[1][7], "1234.57");
        CHECK_STR(c.v[1][2], t[0].uscc);
        CHECK_STR(c.v[1][8], "2025-12-30");
        tauth_reply_release(&r);
    }
    r = call_as(srv, &fin, "GET", "/api/payments?format=csv", NULL, NULL, 0);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body, "1234.57") != NULL && strstr(r.body, "BANK-7") != NULL);
    CHECK(strstr(r.body, t[0].name) != NULL);
    tauth_reply_release(&r);
    /* each payment names its firm (the list joins the enterprise's name) */
    CHECK_INT(get(srv, &fin, "/api/payments", &o), 200);
    CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(o, "items"), 0),
                                                "enterprise_name")),
              t[0].name);
    json_decref(o);
    CHECK_INT(get(srv, &fin, "/api/stats/money?by=district", &o), 200);
    CHECK_INT(json_integer_value(json_object_get(o, "paid_fen")), 123457);
    json_decref(o);
    CHECK_INT(get(srv, &other, "/api/stats/money?by=year", &o), 200);
    CHECK_INT(json_integer_value(json_object_get(o, "paid_fen")), 0); /* its own: nothing */
    json_decref(o);
    CHECK_INT(get(srv, &fin, "/api/stats/money?by=planet", NULL), 422);
    CHECK_INT(get(srv, &rev, "/api/audit/verify", NULL), 403);
    CHECK_INT(get(srv, &admin, "/api/audit/verify", &o), 200);
    CHECK(json_is_true(json_object_get(o, "ok")));
    CHECK_INT(json_integer_value(json_object_get(o, "entries")), 7); /* create, attach, 5 steps */
    json_decref(o);
    snprintf(target, sizeof target, "/api/audit?object_type=application&object_id=%lld",
             (long long)id);
    CHECK_INT(get(srv, &admin, target, &o), 200);
    CHECK_INT(json_integer_value(json_object_get(o, "total")), 7);
    json_decref(o);
    http_server_free(srv);
    unlink(db_path);
}

/* POST /api/exempt-batches evaluates with the server's index (http_match_acquire): the batch has
 * every enterprise the evaluator finds eligible, with its capped award; a second one for the
 * clause while the first is open is refused; only a reviewer of the department may make one. */
TEST(workflow_http_exempt_batch) {
    struct error err;
    snprintf(db_path, sizeof db_path, "/tmp/duijie_workflow_http_ex_%d.db", (int)getpid());
    unlink(db_path);
    struct store *s;
    if (store_open(db_path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    int64_t revenues[3] = {12345678, 50000000000, 0}; /* 1,234.57元; capped; not eligible */
    for (int i = 0; i < 3; i++) {
        demo_enterprise(11, i, p, &t);
        p->v[F_REVENUE] = (struct value){.has = true, .i = revenues[i]};
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    free(p);
    struct policy pol = {.code = "WFH-EX",
                         .title = "免申政策",
                         .department = DEPT,
                         .region = -1,
                         .published = STORE_NO_DATE,
                         .deadline = STORE_NO_DATE,
                         .status = POLICY_PUBLISHED};
    CHECK_INT(store_put_policy(s, &pol, &err), 0);
    int64_t clause = put_clause(s, pol.id, true);
    struct tauth ent, rev, rev2;
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, t.uscc, NULL, NULL, &ent), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_REVIEWER, NULL, NULL, DEPT, &rev), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_REVIEWER, NULL, NULL, "青岛市财政局", &rev2), 0);
    store_close(s);
    struct http_config cfg = {.port = 0, .db = db_path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return;
    }
    char body[128], target[96];
    snprintf(body, sizeof body, "{\"clause_id\": %lld}", (long long)clause);
    CHECK_INT(post(srv, &ent, "/api/exempt-batches", body, NULL), 403);
    CHECK_INT(post(srv, &rev2, "/api/exempt-batches", body, NULL), 403);
    CHECK_INT(post(srv, &rev, "/api/exempt-batches", "{}", NULL), 422);
    json_t *o = NULL;
    CHECK_INT(post(srv, &rev, "/api/exempt-batches", body, &o), 201);
    int64_t id = json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    CHECK_INT(post(srv, &rev, "/api/exempt-batches", body, NULL), 409);
    snprintf(target, sizeof target, "/api/exempt-batches/%lld", (long long)id);
    CHECK_INT(get(srv, &rev, target, &o), 200);
    json_t *entries = json_object_get(o, "entries");
    CHECK_INT((int64_t)json_array_size(entries), 2);
    int64_t sum = 0;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) sum += json_integer_value(json_object_get(e, "amount_fen"));
    CHECK_INT(sum, 123457 + 200000); /* 1% of the revenue, the second at the cap */
    json_decref(o);
    http_server_free(srv);
    unlink(db_path);
}
