/* The explanation GET /api/enterprises/{uscc}/matches gives per clause (src/match/json.c,
 * src/rules/eval.c), on the demo policies, whose rules end in `且 非 失信`: an eligible clause
 * whose rule is a conjunction shows every condition satisfied (outcome "eligible"), the 非 失信
 * one included (its truth is "false": the firm is not 失信, which is what the clause asks); in
 * any eligible clause the decisive conditions are satisfied; an ineligible clause nearly met
 * names its failing condition in words; every text a person reads is in words with full-width
 * punctuation (no ">=", no ASCII quotes or commas). */
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

/* Text for people: no rule operators, no ASCII quotes, commas, colons or parentheses. */
static bool reads_as_words(const char *s) {
    static const char *const bad[] = {">=", "<=", "!=", " > ", " < ", "\"", ",", ":", "(", ")"};
    if (!s || !*s) return false;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        /* a thousands separator inside a number (4,200万元) is not punctuation */
        const char *at = strstr(s, bad[i]);
        while (at && bad[i][0] == ',' && at > s && at[-1] >= '0' && at[-1] <= '9' && at[1] >= '0' &&
               at[1] <= '9')
            at = strstr(at + 1, bad[i]);
        if (at) return false;
    }
    return true;
}

static const char *str(json_t *o, const char *key) {
    return json_string_value(json_object_get(o, key));
}

/* The published clauses whose rule is a conjunction (no 或 / or): ids, n of them. */
static int64_t conj_ids[256];
static int n_conj;

static bool is_conjunction(int64_t id) {
    for (int i = 0; i < n_conj; i++)
        if (conj_ids[i] == id) return true;
    return false;
}

/* Checks one listed clause; counts the negated atoms an eligible clause showed satisfied. */
static void check_clause(json_t *m, int *n_negated_ok, int *n_nearly) {
    const char *status = str(m, "status");
    bool is_conj = is_conjunction(json_integer_value(json_object_get(m, "clause_id")));
    json_t *why = json_object_get(m, "explanation");
    for (size_t k = 0; k < json_array_size(why); k++) {
        json_t *x = json_array_get(why, k);
        const char *outcome = str(x, "outcome"), *truth = str(x, "truth");
        CHECK(outcome && truth && str(x, "rule"));
        if (!outcome || !truth) continue;
        bool is_decisive = json_is_true(json_object_get(x, "decisive"));
        if (strcmp(status, "eligible") == 0 && (is_conj || is_decisive)) {
            if (strcmp(outcome, "eligible") != 0)
                test_failf(__FILE__, __LINE__, "eligible clause %lld: \"%s\" is %s (%s)\n",
                           (long long)json_integer_value(json_object_get(m, "clause_id")),
                           str(x, "condition"), outcome, str(x, "text"));
            *n_negated_ok += strcmp(truth, "false") == 0;
        }
        if (is_conj && strcmp(status, "unknown") == 0 && strcmp(outcome, "unknown") != 0)
            CHECK_STR(outcome, "eligible"); /* a conjunction unknown: nothing fails */
        if (!reads_as_words(str(x, "text")) || !reads_as_words(str(x, "condition")))
            test_failf(__FILE__, __LINE__, "not in words: \"%s\" / \"%s\"\n", str(x, "condition"),
                       str(x, "text"));
    }
    if (strcmp(status, "nearly") == 0) {
        (*n_nearly)++;
        if (!reads_as_words(str(m, "failing")))
            test_failf(__FILE__, __LINE__, "failing not in words: \"%s\"\n", str(m, "failing"));
        CHECK(str(m, "failing_condition") != NULL); /* the rule's own text stays */
    }
}

TEST(match_explain_http) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    char db[256];
    snprintf(db, sizeof db, "/tmp/duijie_explain_%d.db", (int)getpid());
    unlink(db);
    struct store *s;
    if (store_open(db, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    store_begin_bulk(s, &err);
    for (int i = 0; i < 300; i++) {
        demo_enterprise(17, i, p, &t);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    CHECK_INT(store_commit(s, &err), 0);
    free(p);
    int np, nc;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    struct arena a;
    arena_init(&a, 1 << 16);
    struct clause *cl;
    int n_cl;
    CHECK_INT(store_list_clauses(s, 0, POLICY_PUBLISHED, &a, &cl, &n_cl, &err), 0);
    n_conj = 0;
    for (int i = 0; i < n_cl && n_conj < 256; i++)
        if (cl[i].rule && !strstr(cl[i].rule, "或") && !strstr(cl[i].rule, " or "))
            conj_ids[n_conj++] = cl[i].id;
    CHECK(n_conj > 0);
    arena_release(&a);
    struct tauth admin;
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &admin), 0);
    struct http_config cfg = {.port = 0, .db = db, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_skip("the server has no store in this build");
        store_close(s);
        unlink(db);
        return;
    }
    struct index_gen *g;
    CHECK_INT(index_load(s, date_today(), &g, &err), 0);
    int n_negated_ok = 0, n_nearly = 0, n_eligible = 0, st;
    char target[128];
    for (uint32_t row = 0; row < 120; row++) {
        char uscc[32];
        index_row_uscc(g, row, uscc, sizeof uscc);
        snprintf(target, sizeof target, "/api/enterprises/%s/matches?nearly=1", uscc);
        json_t *out = tauth_call(srv, &admin, "GET", target, NULL, &st);
        CHECK_INT(st, 200);
        json_t *ms = json_object_get(out, "matches");
        for (size_t i = 0; i < json_array_size(ms); i++)
            check_clause(json_array_get(ms, i), &n_negated_ok, &n_nearly);
        n_eligible += (int)json_integer_value(json_object_get(out, "eligible"));
        json_decref(out);
    }
    /* the cases above were met: eligible clauses through 非 失信, and nearly ones */
    CHECK(n_eligible > 0);
    CHECK(n_negated_ok > 0);
    CHECK(n_nearly > 0);
    index_gen_release(g);
    http_server_free(srv);
    store_close(s);
    unlink(db);
}
