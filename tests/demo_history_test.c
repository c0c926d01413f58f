/* demo_history on SQLite and PostgreSQL: a small demo city (enterprises, the demo policies, the
 * demo users) gets its past year; the same seed and day give the same rows in a second store;
 * every application's firm is eligible for its clause on the day it was created (the rules run
 * again here on the stored firm), inside the clause's window; no amount above the clause's cap and
 * every paid one is exactly its payment row; every application's audit trail replays through the
 * workflow's table of allowed transitions, by the role each step allows, to its stored state; the
 * 免申即享 batch's firms are eligible on the day it was drawn up and each paid once; the totals
 * demo_history reports are the tables' and workflow_stats' (exact fen); a second run adds nothing;
 * the demo enterprise user's firm has no history. */
#include <stdlib.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "demo/demo.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "tstore.h"
#include "util/buf.h"
#include "util/date.h"
#include "workflow/workflow.h"

#define HIST_SEED 3
#define HIST_N 3000 /* firms: enough for every state to turn up */

/* A demo city of HIST_N firms with its policies and users. */
static bool make_city(struct store *s) {
    struct error err;
    error_clear(&err);
    struct profile *p = malloc(sizeof *p);
    struct demo_text dt;
    bool ok = p && store_begin_bulk(s, &err) == 0;
    for (int i = 0; ok && i < HIST_N; i++) {
        demo_enterprise(HIST_SEED, i, p, &dt);
        ok = store_put_enterprise(s, p, NULL, &err) == 0;
    }
    free(p);
    int np = 0, nc = 0;
    ok = ok && store_commit(s, &err) == 0 &&
         demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err) == 0 &&
         demo_add_users(s, HIST_SEED, HIST_N, &err) == 0;
    if (!ok) test_failf(__FILE__, __LINE__, "demo city: %s", err.en);
    return ok;
}

/* Every application and payment as text, one line each (what "the same rows" means). */
static char *dump(struct store *s) {
    struct buf b;
    buf_init(&b);
    struct store_rows *r = NULL;
    struct error err;
    const char *const sql[] = {
        "SELECT id, clause_id, uscc, state, eligibility, COALESCE(computed_fen, -1),"
        " COALESCE(amount_fen, -1), COALESCE(paid_on, -1), COALESCE(payment_ref, ''),"
        " COALESCE(comment, ''), COALESCE(reason, ''), created_at, state_since FROM application"
        " ORDER BY id",
        "SELECT source_id, clause_id, uscc, district_code, section, amount_fen, paid_on,"
        " payment_ref FROM payment ORDER BY id"};
    for (int q = 0; q < 2; q++) {
        if (store_sql(s, sql[q], NULL, 0, &r, &err)) break;
        for (int i = 0; i < store_rows_count(r); i++) {
            for (int c = 0; c < store_rows_columns(r); c++)
                buf_printf(&b, "%s|", store_rows_text(r, i, c));
            buf_puts(&b, "\n");
        }
        store_rows_free(r);
    }
    return buf_detach(&b);
}

/* The firm as stored is eligible for clause c on `day` by the rules. */
static void check_rule(struct store *s, const struct clause *c, const char *uscc, int32_t day) {
    struct arena a;
    arena_init(&a, 1 << 14);
    struct profile *p = malloc(sizeof *p);
    struct rule *rule = NULL;
    struct error err;
    bool ok = p && store_get_enterprise(s, uscc, p, &a, NULL, &err) == 0 &&
              rules_compile(c->rule, strlen(c->rule), c->title, &rule, &err) == 0;
    CHECK(ok);
    const struct rule_version *v = ok ? rules_version_at(rule, day) : NULL;
    CHECK(v != NULL);
    if (v) {
        profile_derive(p, day, NULL);
        static struct rule_eval ev;
        CHECK_INT(rules_eval(v, p, &ev, &err), 0);
        if (ev.result != TRI_TRUE)
            test_failf(__FILE__, __LINE__, "%s not eligible for clause %lld on day %d", uscc,
                       (long long)c->id, (int)day);
    }
    rules_free(rule);
    free(p);
    arena_release(&a);
}

/* check_rule on the creation day, which lies in the last year before today and not after the
 * clause's deadline. */
static void check_eligible(struct store *s, int64_t clause_id, const char *uscc, int32_t day,
                           int32_t today) {
    struct arena a;
    arena_init(&a, 4096);
    struct clause c;
    struct error err;
    CHECK_INT(store_get_clause(s, clause_id, &c, &a, &err), 0);
    check_rule(s, &c, uscc, day);
    CHECK(!c.is_exempt);
    CHECK(day < today && day >= today - 365);
    CHECK(c.deadline == STORE_NO_DATE || day <= c.deadline);
    arena_release(&a);
}

/* The audit trail of application id, oldest first, replayed through the transition table; the
 * state it ends in. */
static int replay_audit(struct store *s, int64_t id) {
    json_t *rows = NULL;
    int64_t total = 0;
    struct error err;
    CHECK_INT(audit_list(s, "application", id, 0, 100, &rows, &total, &err), 0);
    int n_tr = 0, state = -1;
    const struct workflow_transition *tr = workflow_transitions(&n_tr);
    for (size_t k = json_array_size(rows); k-- > 0;) {
        json_t *e = json_array_get(rows, k);
        const char *action = json_string_value(json_object_get(e, "action"));
        const char *role = json_string_value(json_object_get(e, "actor_role"));
        if (state < 0) {
            CHECK_STR(action, "create");
            CHECK_STR(role, "enterprise");
            state = WF_DRAFT;
            continue;
        }
        int a = workflow_action_from_key(action);
        const struct workflow_transition *t = NULL;
        for (int i = 0; i < n_tr; i++)
            if ((int)tr[i].action == a && (tr[i].from_mask >> state & 1)) t = &tr[i];
        if (!t) {
            test_failf(__FILE__, __LINE__, "application %lld: %s from %s is not allowed",
                       (long long)id, action, workflow_state_key(state));
            return -1;
        }
        CHECK_STR(role, role_key(t->role));
        json_t *after = json_object_get(e, "after");
        CHECK_STR(json_string_value(json_object_get(after, "state")), workflow_state_key(t->to));
        state = (int)t->to;
    }
    json_decref(rows);
    return state;
}

/* Per application: eligible, within the cap, paid exactly once as approved, audit replays. */
static void check_applications(struct store *s, int32_t today, int64_t by_state[WF_STATE_COUNT]) {
    struct store_rows *r = NULL;
    struct error err;
    CHECK_INT(store_sql(s,
                        "SELECT a.id, a.clause_id, a.uscc, a.state, a.created_at,"
                        " COALESCE(a.amount_fen, -1), COALESCE(p.amount_fen, -1),"
                        " COALESCE(a.computed_fen, -1), COALESCE(a.reason, '')"
                        " FROM application a LEFT JOIN payment p ON p.source = 'application'"
                        " AND p.source_id = a.id ORDER BY a.id",
                        NULL, 0, &r, &err),
              0);
    struct arena a;
    arena_init(&a, 4096);
    for (int i = 0; r && i < store_rows_count(r); i++) {
        int64_t id = store_rows_int(r, i, 0), clause_id = store_rows_int(r, i, 1);
        const char *uscc = store_rows_text(r, i, 2), *state = store_rows_text(r, i, 3);
        int32_t day = (int32_t)((store_rows_int(r, i, 4) + 8 * 3600) / 86400);
        int64_t amount = store_rows_int(r, i, 5), paid = store_rows_int(r, i, 6);
        int st = workflow_state_from_key(state);
        CHECK(st >= 0);
        if (st >= 0) by_state[st]++;
        check_eligible(s, clause_id, uscc, day, today);
        struct clause c;
        CHECK_INT(store_get_clause(s, clause_id, &c, &a, &err), 0);
        if (c.award_cap_fen >= 0) CHECK(amount <= c.award_cap_fen);
        CHECK(store_rows_int(r, i, 7) >= 0); /* an award the rules computed */
        CHECK(st == WF_PAID ? paid == amount && amount >= 0 : paid == -1);
        if (st == WF_REJECTED || st == WF_RETURNED) CHECK(store_rows_text(r, i, 8)[0] != 0);
        CHECK_INT(replay_audit(s, id), st);
    }
    arena_release(&a);
    store_rows_free(r);
}

static int64_t count(struct store *s, const char *sql) {
    int64_t n = -1;
    struct error err;
    CHECK_INT(store_sql_int(s, sql, NULL, 0, 0, &n, &err), 0);
    return n;
}

/* The 免申即享 batch: paid, every entry's firm eligible on the day the batch was drawn up, within
 * the cap, one payment row each with its amount. */
static void check_batch(struct store *s, int32_t today, int64_t exempt_payments) {
    struct store_rows *r = NULL;
    struct error err;
    CHECK_INT(store_sql(s,
                        "SELECT b.clause_id, b.evaluated_on, b.state, e.uscc, e.amount_fen,"
                        " COALESCE(p.amount_fen, -1) FROM exempt_batch b JOIN exempt_entry e"
                        " ON e.batch_id = b.id LEFT JOIN payment p ON p.source = 'exempt'"
                        " AND p.source_id = e.id ORDER BY e.id",
                        NULL, 0, &r, &err),
              0);
    CHECK_INT(store_rows_count(r), exempt_payments);
    struct arena a;
    arena_init(&a, 4096);
    for (int i = 0; r && i < store_rows_count(r); i++) {
        int64_t clause_id = store_rows_int(r, i, 0), amount = store_rows_int(r, i, 4);
        CHECK_STR(store_rows_text(r, i, 2), "paid");
        CHECK_INT(store_rows_int(r, i, 5), amount);
        struct clause c;
        CHECK_INT(store_get_clause(s, clause_id, &c, &a, &err), 0);
        CHECK(c.is_exempt);
        CHECK(amount > 0 && (c.award_cap_fen < 0 || amount <= c.award_cap_fen));
        int32_t day = (int32_t)store_rows_int(r, i, 1);
        CHECK(day < today && day >= today - 365);
        check_rule(s, &c, store_rows_text(r, i, 3), day);
    }
    arena_release(&a);
    store_rows_free(r);
}

/* The totals demo_history reported are the tables' and the money statistics'. */
static void check_totals(struct store *s, const struct demo_history_stats *st,
                         const int64_t by_state[WF_STATE_COUNT]) {
    int64_t n = 0;
    for (int k = 0; k < WF_STATE_COUNT; k++) {
        CHECK_INT(st->by_state[k], by_state[k]);
        n += by_state[k];
    }
    CHECK_INT(st->applications, n);
    CHECK_INT(st->payments, by_state[WF_PAID] + st->exempt_payments);
    CHECK_INT(st->paid_fen,
              count(s, "SELECT SUM(amount_fen) FROM application WHERE state = 'paid'") +
                  count(s, "SELECT COALESCE(SUM(amount_fen), 0) FROM exempt_entry "
                           "WHERE state = 'paid'"));
    struct actor admin = {.role = ROLE_ADMIN, .region = -1};
    json_t *o = NULL;
    struct error err;
    CHECK_INT(workflow_stats(s, &admin, "month", &o, &err), 0);
    CHECK_INT(json_integer_value(json_object_get(o, "paid_fen")), st->paid_fen);
    CHECK_INT(json_integer_value(json_object_get(o, "payments")), st->payments);
    json_decref(o);
}

STORE_TEST(demo_history) {
    auth_set_password_cost(1, 8);
    struct store *s = open_temp(t);
    if (!s) return;
    struct tstore t2 = {.is_pg = t->is_pg};
    struct store *s2 = open_temp(&t2);
    CHECK(s2 != NULL);
    int32_t today = date_today();
    struct demo_history_stats st, st2;
    struct error err;
    error_clear(&err);
    if (s2 && make_city(s) && make_city(s2)) {
        CHECK_INT(demo_history(s, HIST_SEED, HIST_N, today, &st, &err), 0);
        CHECK_INT(demo_history(s2, HIST_SEED, HIST_N, today, &st2, &err), 0);
        CHECK(!st.is_skipped && st.applications > 0);
        char *a = dump(s), *b = dump(s2);
        CHECK(a && b && strlen(a) > 0 && strcmp(a, b) == 0);
        free(a), free(b);
        int64_t by_state[WF_STATE_COUNT] = {0};
        check_applications(s, today, by_state);
        check_batch(s, today, st.exempt_payments);
        check_totals(s, &st, by_state);
        /* a plausible year: most paid, and something in every other corner of the queue */
        CHECK(by_state[WF_PAID] * 2 > st.applications);
        CHECK(by_state[WF_REJECTED] > 0);
        CHECK(st.exempt_payments > 0);
        CHECK(by_state[WF_APPROVED] + by_state[WF_SUBMITTED] + by_state[WF_ACCEPTED] +
                  by_state[WF_REVIEWED] >
              0);
        struct actor e;
        CHECK_INT(auth_user_get(s, "demo_enterprise", &e, NULL, &err), 0);
        struct store_val u[] = {store_val_text(e.uscc)};
        int64_t mine = -1;
        CHECK_INT(store_sql_int(s, "SELECT COUNT(*) FROM application WHERE uscc = ?", u, 1, 0,
                                &mine, &err),
                  0);
        CHECK_INT(mine, 0);
        /* a second run leaves the history as it is */
        struct demo_history_stats again;
        CHECK_INT(demo_history(s, HIST_SEED, HIST_N, today, &again, &err), 0);
        CHECK(again.is_skipped);
        CHECK_INT(count(s, "SELECT COUNT(*) FROM application"), st.applications);
    }
    if (s2) store_close(s2);
    remove_temp(&t2);
    store_close(s);
    remove_temp(t);
}

/* Without the users it acts as, the history is an error that says so, and writes nothing. */
STORE_TEST(demo_history_needs_users) {
    struct store *s = open_temp(t);
    if (!s) return;
    struct error err;
    error_clear(&err);
    int np = 0, nc = 0;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    struct demo_history_stats st;
    CHECK_INT(demo_history(s, HIST_SEED, 100, date_today(), &st, &err), ERR_NOTFOUND);
    CHECK(strstr(err.zh, "demo_reviewer") != NULL);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM application"), 0);
    store_close(s);
    remove_temp(t);
}
