/* Eligible vs applied per clause on the dashboard (GET /api/stats/dashboard's coverage) and the
 * firms that miss out (GET /api/clauses/{id}/enterprises?status=missed): a submitted application
 * moves its firm from missed to applied, a draft does not, the missed list is the eligible list
 * without the applicants, and a department's officer sees applied/missed only on its own
 * department's clauses (another department's are null, and their missed list is refused). */
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
#include "util/date.h"
#include "workflow/workflow.h"

static char db_path[256];

static int64_t num(const json_t *o, const char *k) {
    return (int64_t)json_integer_value(json_object_get(o, k));
}

/* The dashboard row of clause id for who (a new reference; NULL when it is not listed). */
static json_t *row_of(struct http_server *srv, const struct tauth *who, int64_t id,
                      json_t **cov_out) {
    int st;
    json_t *d = tauth_call(srv, who, "GET", "/api/stats/dashboard", NULL, &st);
    CHECK_INT(st, 200);
    json_t *cov = json_object_get(d, "coverage"), *found = NULL;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(cov, "clauses"), i, row) {
        if (num(row, "id") == id) found = json_incref(row);
    }
    if (cov_out) *cov_out = json_incref(cov);
    json_decref(d);
    return found;
}

/* The USCCs of the clause's missed list (up to 500) and its total. */
static int64_t missed_list(struct http_server *srv, const struct tauth *who, int64_t id,
                           char (*usccs)[24], int *n) {
    char target[96];
    snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?status=missed&page_size=500",
             (long long)id);
    int st;
    json_t *o = tauth_call(srv, who, "GET", target, NULL, &st);
    CHECK_INT(st, 200);
    size_t i;
    json_t *e;
    *n = 0;
    json_array_foreach(json_object_get(o, "enterprises"), i, e) {
        snprintf(usccs[(*n)++], 24, "%s", json_string_value(json_object_get(e, "uscc")));
    }
    int64_t total = num(o, "total");
    json_decref(o);
    return total;
}

static bool listed(char (*usccs)[24], int n, const char *uscc) {
    for (int i = 0; i < n; i++)
        if (strcmp(usccs[i], uscc) == 0) return true;
    return false;
}

TEST(stats_http_applied_missed) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = tdemo_store(db_path, sizeof db_path, "stats_applied", 29, 1500);
    if (!s) return;
    int n_pols = 0, n_clauses = 0;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &n_pols, &n_clauses, &err), 0);
    struct tauth hub, own, other;
    CHECK_INT(tauth_sign_in(s, ROLE_HUB, NULL, NULL, NULL, &hub), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_OFFICER, NULL, NULL, DEMO_DEPARTMENT, &own), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_OFFICER, NULL, NULL, "青岛市不存在局", &other), 0);
    struct http_config cfg = {.port = 0, .db = db_path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        store_close(s);
        unlink(db_path);
        return;
    }
    /* before any application: every firm eligible is missed, and every clause someone is
     * eligible for is one nobody applied for */
    json_t *cov = NULL, *r = row_of(srv, &hub, -1, &cov);
    CHECK(r == NULL);
    const json_t *rows = json_object_get(cov, "clauses");
    int64_t with_eligible = 0, missed_sum = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        CHECK_INT(num(row, "applied"), 0);
        CHECK_INT(num(row, "missed"), num(row, "eligible"));
        with_eligible += num(row, "eligible") > 0;
        missed_sum += num(row, "eligible");
    }
    CHECK((int64_t)json_array_size(rows) == num(cov, "clauses_total")); /* all listed */
    CHECK_INT(num(cov, "nobody_applied"), with_eligible);
    CHECK_INT(num(cov, "missed"), missed_sum);

    /* a clause one applies for, with at least three firms missing out, applied for while it was
     * open (the demo policies' windows are in 2025 and 2026) */
    int64_t now = (int64_t)date_from_ymd(2025, 3, 1) * 86400, clause = 0, eligible = 0, app = 0;
    static char usccs[500][24]; /* USCCs are 18 characters */
    int n = 0;
    json_array_foreach(rows, i, row) {
        if (clause || json_is_true(json_object_get(row, "is_exempt")) || num(row, "eligible") < 3)
            continue;
        int64_t id = num(row, "id");
        CHECK_INT(missed_list(srv, &hub, id, usccs, &n), num(row, "eligible"));
        struct actor e = {.role = ROLE_ENTERPRISE, .region = -1};
        snprintf(e.uscc, sizeof e.uscc, "%.18s", usccs[0]);
        if (workflow_create(s, &e, id, NULL, now, &app, &err)) continue; /* not open then: next */
        struct workflow_step step = {.action = WF_SUBMIT};
        CHECK_INT(workflow_step(s, &e, app, &step, now, &err), 0);
        snprintf(e.uscc, sizeof e.uscc, "%.18s", usccs[1]);
        int64_t draft;
        CHECK_INT(workflow_create(s, &e, id, NULL, now, &draft, &err), 0); /* a draft only */
        clause = id;
        eligible = num(row, "eligible");
    }
    json_decref(cov);
    CHECK(clause > 0);
    if (!clause) goto done;
    char first[24], second[24];
    snprintf(first, sizeof first, "%s", usccs[0]);
    snprintf(second, sizeof second, "%s", usccs[1]);

    /* the submitted firm applied; the draft's did not */
    r = row_of(srv, &hub, clause, &cov);
    CHECK(r != NULL);
    CHECK_INT(num(r, "eligible"), eligible);
    CHECK_INT(num(r, "applied"), 1);
    CHECK_INT(num(r, "missed"), eligible - 1);
    CHECK_INT(num(cov, "nobody_applied"), with_eligible - 1);
    CHECK_INT(num(cov, "missed"), missed_sum - 1);
    json_decref(r);
    json_decref(cov);
    CHECK_INT(missed_list(srv, &hub, clause, usccs, &n), eligible - 1);
    CHECK(!listed(usccs, n, first));
    CHECK(listed(usccs, n, second));

    /* the clause's department sees the same; another department sees neither number nor list */
    struct clause cl;
    struct policy p;
    struct arena a;
    arena_init(&a, 4096);
    CHECK_INT(store_get_clause(s, clause, &cl, &a, &err), 0);
    CHECK_INT(store_get_policy(s, cl.policy_id, &p, &a, &err), 0);
    const struct tauth *owner = strcmp(p.department, DEMO_DEPARTMENT) == 0 ? &own : NULL;
    if (owner) {
        r = row_of(srv, owner, clause, NULL);
        CHECK_INT(num(r, "applied"), 1);
        json_decref(r);
    }
    r = row_of(srv, &other, clause, &cov);
    CHECK(json_is_null(json_object_get(r, "applied")));
    CHECK(json_is_null(json_object_get(r, "missed")));
    CHECK(json_is_null(json_object_get(cov, "missed"))); /* it sees no clause's applications */
    json_decref(r);
    json_decref(cov);
    char target[96];
    snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?status=missed",
             (long long)clause);
    int st;
    json_t *o = tauth_call(srv, &other, "GET", target, NULL, &st);
    CHECK_INT(st, 403);
    json_decref(o);
    arena_release(&a);
done:
    http_server_free(srv);
    store_close(s);
    unlink(db_path);
}
