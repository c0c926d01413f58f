/* Tests for src/workflow on SQLite and PostgreSQL: the state machine from
 * tests/data/workflow/transitions.txt (every state × action × role: the listed transitions
 * succeed with one audit entry each, every other one is refused and changes nothing), the award
 * cap, the deadline, overdue flags, the pre-filled form, attachments, 免申即享 batch totals against
 * the rules evaluator run over every enterprise, and the money totals, exact and adding up. */
#include <stdlib.h>

#include "audit/audit.h"
#include "demo/demo.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "tstore.h"
#include "util/date.h"
#include "workflow/workflow.h"

#define N_ENT 60
#define DEPT "青岛市科学技术局"
#define NOW INT64_C(1767225600) /* 2026-01-01 08:00 in China */
#define CAP_FEN INT64_C(200000) /* 2,000元 */

struct fixture {
    struct store *s;
    int64_t clause, late, exempt;
    char uscc[N_ENT][20];
};

/* Enterprise i has revenue (i + 1) × 10,000元, so 营业收入 × 1% is (i + 1) × 100元 (capped at
 * 2,000元 from i = 19); every third one is a 高新技术企业 with R&D 50,000元 × (i + 1). */
static void put_enterprises(struct fixture *f) {
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    struct error err;
    for (int i = 0; i < N_ENT; i++) {
        demo_enterprise(7, i, p, &t);
        p->v[F_REVENUE] = (struct value){.has = true, .i = (int64_t)(i + 1) * 1000000};
        p->v[F_RD_EXPENSE] = (struct value){.has = true, .i = (int64_t)(i + 1) * 5000000};
        const struct field_def *q = schema_field(F_QUALIFICATIONS);
        int hi = schema_value_index(q, "高新技术企业", strlen("高新技术企业"));
        p->v[F_QUALIFICATIONS] = (struct value){.has = true, .i = i % 3 == 0 ? (1LL << hi) : 0};
        CHECK_INT(store_put_enterprise(f->s, p, NULL, &err), 0);
        snprintf(f->uscc[i], sizeof f->uscc[i], "%s", t.uscc);
    }
    free(p);
}

static int64_t put_clause(struct fixture *f, int64_t policy, int seq, const char *rule,
                          bool is_exempt, int32_t deadline, int64_t cap) {
    struct clause c = {.policy_id = policy,
                       .seq = seq,
                       .title = is_exempt ? "高企免申奖励" : "营收奖励",
                       .text = "条款原文",
                       .rule = rule,
                       .is_exempt = is_exempt,
                       .version = 1,
                       .valid_from = STORE_NO_DATE,
                       .valid_to = STORE_NO_DATE,
                       .deadline = deadline,
                       .status = POLICY_PUBLISHED,
                       .award_cap_fen = cap};
    struct error err;
    CHECK_INT(store_put_clause(f->s, &c, &err), 0);
    return c.id;
}

static bool setup(struct tstore *t, struct fixture *f) {
    memset(f, 0, sizeof *f);
    struct error err;
    refdata_load(&err);
    f->s = open_temp(t);
    CHECK(f->s != NULL);
    if (!f->s) return false;
    put_enterprises(f);
    struct policy p = {.code = "WF-1",
                       .title = "青岛市促进企业发展若干措施",
                       .department = DEPT,
                       .region = -1,
                       .published = STORE_NO_DATE,
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_PUBLISHED};
    CHECK_INT(store_put_policy(f->s, &p, &err), 0);
    f->clause = put_clause(f, p.id, 1, "营业收入 > 0元\n奖励 = 营业收入 × 1%", false, STORE_NO_DATE,
                           CAP_FEN);
    f->late = put_clause(f, p.id, 2, "营业收入 > 0元\n奖励 = 营业收入 × 1%", false,
                         date_from_ymd(2025, 6, 30), CAP_FEN);
    f->exempt =
        put_clause(f, p.id, 3, "资质 包含 \"高新技术企业\"\n奖励 = 研发费用 × 5%, 不超过 20万元",
                   true, STORE_NO_DATE, INT64_C(1500000));
    return true;
}

static void teardown(struct tstore *t, struct fixture *f) {
    store_close(f->s);
    remove_temp(t);
}

static struct actor as(enum role r, const char *uscc) {
    struct actor a = {.user_id = 100 + r, .role = r, .region = -1};
    snprintf(a.username, sizeof a.username, "%s", role_key(r));
    if (uscc) snprintf(a.uscc, sizeof a.uscc, "%s", uscc);
    if (r == ROLE_REVIEWER || r == ROLE_FINANCE || r == ROLE_OFFICER)
        snprintf(a.dept, sizeof a.dept, "%s", DEPT);
    return a;
}

static const char *state_of(struct fixture *f, int64_t id) {
    static char buf[32];
    struct actor admin = as(ROLE_ADMIN, NULL);
    json_t *o = NULL;
    struct error err;
    buf[0] = 0;
    if (workflow_get(f->s, &admin, id, NOW, &o, &err) == 0)
        snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(o, "state")));
    json_decref(o);
    return buf;
}

static struct workflow_step step_of(enum workflow_action a) {
    return (struct workflow_step){.action = a,
                                  .comment = "材料齐全",
                                  .reason = "材料不全",
                                  .paid_on = date_from_ymd(2025, 12, 30),
                                  .payment_ref = "PAY-0001"};
}

/* Moves application id of enterprise uscc from draft into `state` along the allowed paths. */
static void drive(struct fixture *f, int64_t id, const char *uscc, int state) {
    static const int paths[WF_STATE_COUNT][5] = {
        [WF_DRAFT] = {-1},
        [WF_SUBMITTED] = {WF_SUBMIT, -1},
        [WF_ACCEPTED] = {WF_SUBMIT, WF_ACCEPT, -1},
        [WF_REVIEWED] = {WF_SUBMIT, WF_ACCEPT, WF_REVIEW, -1},
        [WF_APPROVED] = {WF_SUBMIT, WF_ACCEPT, WF_REVIEW, WF_APPROVE, -1},
        [WF_PAID] = {WF_SUBMIT, WF_ACCEPT, WF_REVIEW, WF_APPROVE, WF_PAY},
        [WF_RETURNED] = {WF_SUBMIT, WF_RETURN, -1},
        [WF_REJECTED] = {WF_SUBMIT, WF_REJECT, -1},
    };
    struct actor who[] = {as(ROLE_ENTERPRISE, uscc), as(ROLE_REVIEWER, NULL),
                          as(ROLE_FINANCE, NULL)};
    for (int k = 0; k < 5 && paths[state][k] >= 0; k++) {
        int a = paths[state][k];
        struct actor *w = a <= WF_RESUBMIT ? &who[0] : a == WF_PAY ? &who[2] : &who[1];
        struct workflow_step st = step_of((enum workflow_action)a);
        struct error err;
        int rc = workflow_step(f->s, w, id, &st, NOW, &err);
        if (rc)
            test_failf(__FILE__, __LINE__, "drive to %s: %s", workflow_state_key(state), err.en);
    }
}

static int next_ent;

static int64_t fresh_app(struct fixture *f, int state, const char **uscc) {
    *uscc = f->uscc[next_ent++ % N_ENT];
    struct actor e = as(ROLE_ENTERPRISE, *uscc);
    int64_t id = 0;
    struct error err;
    int rc = workflow_create(f->s, &e, f->clause, NULL, NOW, &id, &err);
    if (rc) test_failf(__FILE__, __LINE__, "create: %s", err.en);
    drive(f, id, *uscc, state);
    return id;
}

struct expected {
    int from, action, to;
    enum role role;
};

static int load_expected(struct expected *x, int max) {
    char path[512];
    snprintf(path, sizeof path, "%s/workflow/transitions.txt", test_data_dir());
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    if (!fp) return 0;
    char line[256], from[32], action[32], role[32], to[32];
    int n = 0;
    while (fgets(line, sizeof line, fp) && n < max) {
        if (line[0] == '#' || sscanf(line, "%31s %31s %31s %31s", from, action, role, to) != 4)
            continue;
        x[n] = (struct expected){workflow_state_from_key(from), workflow_action_from_key(action),
                                 workflow_state_from_key(to), role_from_key(role)};
        CHECK(x[n].from >= 0 && x[n].action >= 0 && x[n].to >= 0 && x[n].role != ROLE_ANON);
        n++;
    }
    fclose(fp);
    return n;
}

static int64_t audit_count(struct fixture *f) {
    int64_t n = -1;
    struct error err;
    store_sql_int(f->s, "SELECT COUNT(*) FROM audit_log", NULL, 0, 0, &n, &err);
    return n;
}

STORE_TEST(workflow_state_machine) {
    struct fixture f;
    if (!setup(t, &f)) return;
    struct expected x[64];
    int n_x = load_expected(x, 64);
    CHECK_INT(n_x, 12);
    /* the table in the code is the table in the file */
    int n_t;
    const struct workflow_transition *tt = workflow_transitions(&n_t);
    int n_code = 0;
    for (int i = 0; i < n_t; i++)
        for (int st = 0; st < WF_STATE_COUNT; st++)
            n_code += (int)((tt[i].from_mask >> st) & 1u);
    CHECK_INT(n_code, n_x);
    static const enum role roles[] = {ROLE_ENTERPRISE, ROLE_REVIEWER,     ROLE_FINANCE,
                                      ROLE_OFFICER,    ROLE_COMMISSIONER, ROLE_ADMIN};
    next_ent = 0;
    const char *shared_uscc[WF_STATE_COUNT];
    int64_t shared[WF_STATE_COUNT];
    for (int st = 0; st < WF_STATE_COUNT; st++)
        shared[st] = fresh_app(&f, st, &shared_uscc[st]);
    char name[96];
    for (int st = 0; st < WF_STATE_COUNT; st++)
        for (int a = 0; a < WF_ACTION_COUNT; a++)
            for (size_t r = 0; r < sizeof roles / sizeof *roles; r++) {
                const struct expected *hit = NULL;
                bool role_owns = false;
                for (int k = 0; k < n_x; k++) {
                    if (x[k].action == a && x[k].role == roles[r]) role_owns = true;
                    if (x[k].action == a && x[k].role == roles[r] && x[k].from == st) hit = &x[k];
                }
                snprintf(name, sizeof name, "%s %s by %s", workflow_state_key(st),
                         workflow_action_key(a), role_key(roles[r]));
                test_case(name);
                const char *uscc = shared_uscc[st];
                int64_t id = hit ? fresh_app(&f, st, &uscc) : shared[st];
                struct actor who = as(roles[r], uscc);
                struct workflow_step stp = step_of((enum workflow_action)a);
                int64_t before = audit_count(&f);
                struct error err;
                int rc = workflow_step(f.s, &who, id, &stp, NOW, &err);
                if (hit) {
                    CHECK_INT(rc, 0);
                    CHECK_STR(state_of(&f, id), workflow_state_key(hit->to));
                    CHECK_INT(audit_count(&f), before + 1);
                } else {
                    CHECK_INT(rc, role_owns ? ERR_CONFLICT : ERR_FORBIDDEN);
                    if (rc == ERR_CONFLICT) /* the message names both states */
                        CHECK(strstr(err.en, workflow_state_key(st)) != NULL);
                    CHECK_STR(state_of(&f, id), workflow_state_key(st));
                    CHECK_INT(audit_count(&f), before);
                }
            }
    struct audit_report rep;
    struct error err;
    CHECK_INT(audit_verify(f.s, &rep, &err), 0);
    CHECK_INT(rep.problem, AUDIT_OK);
    teardown(t, &f);
}

STORE_TEST(workflow_award_cap_and_deadline) {
    struct fixture f;
    if (!setup(t, &f)) return;
    struct error err;
    struct actor rev = as(ROLE_REVIEWER, NULL);
    /* enterprise 4: 营业收入 50,000元 → 500元; enterprise 30: 310,000元 → 3,100元, capped to
     * 2,000元 */
    const int idx[] = {4, 30};
    const int64_t want[] = {50000, CAP_FEN};
    for (int k = 0; k < 2; k++) {
        struct actor e = as(ROLE_ENTERPRISE, f.uscc[idx[k]]);
        int64_t id = 0;
        CHECK_INT(workflow_create(f.s, &e, f.clause, NULL, NOW, &id, &err), 0);
        CHECK_INT(workflow_create(f.s, &e, f.clause, NULL, NOW, &id, &err), ERR_CONFLICT);
        drive(&f, id, f.uscc[idx[k]], WF_REVIEWED);
        struct workflow_step st = step_of(WF_APPROVE);
        st.has_amount = true;
        st.amount_fen = CAP_FEN + 1;
        CHECK_INT(workflow_step(f.s, &rev, id, &st, NOW, &err), ERR_INVALID);
        CHECK_STR(err.field, "amount_fen");
        st.has_amount = false; /* the computed award, capped */
        CHECK_INT(workflow_step(f.s, &rev, id, &st, NOW, &err), 0);
        json_t *o = NULL;
        CHECK_INT(workflow_get(f.s, &rev, id, NOW, &o, &err), 0);
        CHECK_INT(json_integer_value(json_object_get(o, "amount_fen")), want[k]);
        CHECK_STR(json_string_value(json_object_get(o, "eligibility")), "eligible");
        /* the form holds the fields the rule reads, with the profile's values */
        json_t *fields = json_object_get(json_object_get(o, "form"), "fields");
        CHECK_INT(json_array_size(fields), 1);
        CHECK_STR(json_string_value(json_object_get(json_array_get(fields, 0), "key")), "revenue");
        CHECK_INT(json_array_size(json_object_get(o, "history")), 5);
        json_decref(o);
        /* each of the 4 steps told the enterprise once (src/notify's outbox, same transaction) */
        char key[48];
        snprintf(key, sizeof key, "app:%lld:%%", (long long)id);
        struct store_val kv[] = {store_val_text(key), store_val_text(f.uscc[idx[k]])};
        int64_t told = 0;
        CHECK_INT(store_sql_int(f.s,
                                "SELECT COUNT(*) FROM notify_outbox WHERE msg_key LIKE ? AND "
                                "recipient = ?",
                                kv, 2, 0, &told, &err),
                  0);
        CHECK_INT(told, 4);
    }
    /* past the deadline: no application at all */
    struct actor e = as(ROLE_ENTERPRISE, f.uscc[1]);
    int64_t id = 0;
    CHECK_INT(workflow_create(f.s, &e, f.late, NULL, NOW, &id, &err), ERR_CONFLICT);
    CHECK(strstr(err.en, "2025-06-30") != NULL);
    /* a draft made in time cannot be submitted after the deadline */
    CHECK_INT(workflow_create(f.s, &e, f.late, NULL, NOW - 200 * 86400, &id, &err), 0);
    struct workflow_step st = step_of(WF_SUBMIT);
    CHECK_INT(workflow_step(f.s, &e, id, &st, NOW, &err), ERR_CONFLICT);
    CHECK_INT(workflow_step(f.s, &e, id, &st, NOW - 199 * 86400, &err), 0);
    /* exempt clauses take no applications */
    CHECK_INT(workflow_create(f.s, &e, f.exempt, NULL, NOW, &id, &err), ERR_CONFLICT);
    /* overdue: submitted 199 days ago and never accepted */
    struct workflow_query q = {.state = -1, .is_overdue = true, .limit = 50};
    json_t *rows = NULL;
    int64_t total = 0;
    CHECK_INT(workflow_list(f.s, &rev, &q, NOW, &rows, &total, &err), 0);
    CHECK_INT(total, 1);
    CHECK(json_is_true(json_object_get(json_array_get(rows, 0), "overdue")));
    json_decref(rows);
    /* another enterprise sees nothing of it; another department's reviewer neither */
    struct actor other = as(ROLE_ENTERPRISE, f.uscc[2]);
    q.is_overdue = false;
    CHECK_INT(workflow_list(f.s, &other, &q, NOW, &rows, &total, &err), 0);
    CHECK_INT(total, 0);
    json_decref(rows);
    json_t *o = NULL;
    CHECK_INT(workflow_get(f.s, &other, id, NOW, &o, &err), ERR_FORBIDDEN);
    struct actor rev2 = rev;
    snprintf(rev2.dept, sizeof rev2.dept, "青岛市财政局");
    struct workflow_step acc = step_of(WF_ACCEPT);
    CHECK_INT(workflow_step(f.s, &rev2, id, &acc, NOW, &err), ERR_FORBIDDEN);
    teardown(t, &f);
}

STORE_TEST(workflow_attachments) {
    struct fixture f;
    if (!setup(t, &f)) return;
    struct error err;
    struct actor e = as(ROLE_ENTERPRISE, f.uscc[3]);
    int64_t id = 0, fid = 0;
    CHECK_INT(workflow_create(f.s, &e, f.clause, NULL, NOW, &id, &err), 0);
    const char pdf[] = "%PDF-1.4 test";
    CHECK_INT(workflow_attach(f.s, &e, id, "营业执照.pdf", "application/pdf", pdf, sizeof pdf - 1,
                              NOW, &fid, &err),
              0);
    CHECK_INT(
        workflow_attach(f.s, &e, id, "x.pdf", "application/pdf", "GIF89a", 6, NOW, &fid, &err),
        ERR_INVALID);
    CHECK_INT(workflow_attach(f.s, &e, id, "../x.txt", "text/plain", "hi", 2, NOW, &fid, &err),
              ERR_INVALID);
    CHECK_INT(workflow_attach(f.s, &e, id, "a.txt", "text/plain", "\xff", 1, NOW, &fid, &err),
              ERR_INVALID);
    char *big = calloc(WORKFLOW_FILE_MAX + 1, 1);
    memcpy(big, "%PDF-", 5);
    CHECK_INT(workflow_attach(f.s, &e, id, "big.pdf", "application/pdf", big, WORKFLOW_FILE_MAX + 1,
                              NOW, &fid, &err),
              ERR_TOO_LARGE);
    free(big);
    struct actor other = as(ROLE_ENTERPRISE, f.uscc[4]);
    CHECK_INT(workflow_attach(f.s, &other, id, "a.txt", "text/plain", "hi", 2, NOW, &fid, &err),
              ERR_FORBIDDEN);
    for (int i = 1; i < WORKFLOW_FILES_MAX; i++)
        CHECK_INT(workflow_attach(f.s, &e, id, "说明.txt", "text/plain", "说明", strlen("说明"),
                                  NOW, &fid, &err),
                  0);
    CHECK_INT(workflow_attach(f.s, &e, id, "c.txt", "text/plain", "x", 1, NOW, &fid, &err),
              ERR_TOO_LARGE);
    char *data = NULL;
    size_t len = 0;
    json_t *meta = NULL;
    CHECK_INT(workflow_file(f.s, &e, id, fid, &data, &len, &meta, &err), 0);
    CHECK(len == strlen("说明") && memcmp(data, "说明", len) == 0);
    char h[65];
    hash_sha256("说明", strlen("说明"), h);
    CHECK_STR(json_string_value(json_object_get(meta, "sha256")), h);
    free(data);
    json_decref(meta);
    CHECK_INT(workflow_file(f.s, &other, id, fid, &data, &len, &meta, &err), ERR_FORBIDDEN);
    /* declared values: fields of the form only, parsed by the dictionary */
    json_t *v = json_pack("{s:s}", "revenue", "12万元");
    CHECK_INT(workflow_update_form(f.s, &e, id, v, NOW, &err), 0);
    json_decref(v);
    v = json_pack("{s:s}", "employees", "12");
    CHECK_INT(workflow_update_form(f.s, &e, id, v, NOW, &err), ERR_INVALID);
    json_decref(v);
    v = json_pack("{s:s}", "revenue", "很多");
    CHECK_INT(workflow_update_form(f.s, &e, id, v, NOW, &err) != 0, 1);
    json_decref(v);
    struct workflow_step st = step_of(WF_SUBMIT);
    CHECK_INT(workflow_step(f.s, &e, id, &st, NOW, &err), 0);
    CHECK_INT(workflow_attach(f.s, &e, id, "d.txt", "text/plain", "x", 1, NOW, &fid, &err),
              ERR_CONFLICT);
    teardown(t, &f);
}

/* The batch against the evaluator run over every enterprise of the store. */
static void expected_batch(struct fixture *f, int64_t *n, int64_t *total) {
    struct arena a;
    arena_init(&a, 4096);
    struct clause c;
    struct error err;
    CHECK_INT(store_get_clause(f->s, f->exempt, &c, &a, &err), 0);
    struct rule *r = NULL;
    CHECK_INT(rules_compile(c.rule, strlen(c.rule), "t", &r, &err), 0);
    const struct rule_version *v = rules_version_at(r, date_from_ymd(2026, 1, 1));
    static struct profile p;
    static struct rule_eval ev;
    *n = *total = 0;
    for (int i = 0; i < N_ENT; i++) {
        CHECK_INT(store_get_enterprise(f->s, f->uscc[i], &p, &a, NULL, &err), 0);
        profile_derive(&p, date_from_ymd(2026, 1, 1), NULL);
        CHECK_INT(rules_eval(v, &p, &ev, &err), 0);
        if (ev.result != TRI_TRUE) continue;
        (*n)++;
        *total += ev.award_fen < c.award_cap_fen ? ev.award_fen : c.award_cap_fen;
    }
    rules_free(r);
    arena_release(&a);
}

static int64_t group_sum(json_t *stats) {
    int64_t sum = 0;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(stats, "groups"), i, g) sum +=
        json_integer_value(json_object_get(g, "paid_fen"));
    return sum;
}

STORE_TEST(workflow_exempt_batch) {
    struct fixture f;
    if (!setup(t, &f)) return;
    struct error err;
    struct actor rev = as(ROLE_REVIEWER, NULL), fin = as(ROLE_FINANCE, NULL);
    int64_t want_n, want_total;
    expected_batch(&f, &want_n, &want_total);
    CHECK_INT(want_n, N_ENT / 3);
    int64_t batch = 0, again = 0;
    int32_t today = date_from_ymd(2026, 1, 1);
    CHECK_INT(workflow_exempt_create(f.s, &fin, f.exempt, NULL, today, NOW, &batch, &err),
              ERR_FORBIDDEN);
    CHECK_INT(workflow_exempt_create(f.s, &rev, f.clause, NULL, today, NOW, &batch, &err),
              ERR_CONFLICT);
    CHECK_INT(workflow_exempt_create(f.s, &rev, f.exempt, NULL, today, NOW, &batch, &err), 0);
    CHECK_INT(workflow_exempt_create(f.s, &rev, f.exempt, NULL, today, NOW, &again, &err),
              ERR_CONFLICT);
    json_t *b = NULL;
    CHECK_INT(workflow_exempt_get(f.s, &rev, batch, 0, 1000, &b, &err), 0);
    json_t *prop = json_object_get(json_object_get(b, "totals"), "proposed");
    CHECK_INT(json_integer_value(json_object_get(prop, "entries")), want_n);
    CHECK_INT(json_integer_value(json_object_get(prop, "total_fen")), want_total);
    json_t *first = json_array_get(json_object_get(b, "entries"), 0);
    char removed[32];
    snprintf(removed, sizeof removed, "%s", json_string_value(json_object_get(first, "uscc")));
    int64_t removed_fen = json_integer_value(json_object_get(first, "amount_fen"));
    json_decref(b);
    /* finance cannot pay before the reviewer confirms; the reviewer removes one entry */
    CHECK_INT(workflow_exempt_pay(f.s, &fin, batch, today - 1, "BANK-1", NOW, &err), ERR_CONFLICT);
    CHECK_INT(workflow_exempt_remove(f.s, &rev, batch, removed, true, "已迁出", NOW, &err), 0);
    CHECK_INT(workflow_exempt_remove(f.s, &rev, batch, removed, true, "x", NOW, &err),
              ERR_NOTFOUND);
    CHECK_INT(workflow_exempt_confirm(f.s, &fin, batch, NOW, &err), ERR_FORBIDDEN);
    CHECK_INT(workflow_exempt_confirm(f.s, &rev, batch, NOW, &err), 0);
    CHECK_INT(workflow_exempt_remove(f.s, &rev, batch, f.uscc[3], true, "x", NOW, &err),
              ERR_CONFLICT);
    CHECK_INT(workflow_exempt_pay(f.s, &rev, batch, today - 1, "BANK-1", NOW, &err), ERR_FORBIDDEN);
    CHECK_INT(workflow_exempt_pay(f.s, &fin, batch, today - 1, "BANK-1", NOW, &err), 0);
    /* money: every grouping adds up to the batch total less the removed entry */
    static const char *const bys[] = {"clause",   "policy", "department", "district",
                                      "industry", "year",   "month"};
    for (size_t k = 0; k < sizeof bys / sizeof *bys; k++) {
        json_t *st = NULL;
        CHECK_INT(workflow_stats(f.s, &fin, bys[k], &st, &err), 0);
        CHECK_INT(json_integer_value(json_object_get(st, "paid_fen")), want_total - removed_fen);
        CHECK_INT(group_sum(st), want_total - removed_fen);
        CHECK_INT(json_integer_value(json_object_get(st, "payments")), want_n - 1);
        json_decref(st);
    }
    json_t *st = NULL;
    CHECK_INT(workflow_stats(f.s, &fin, "galaxy", &st, &err), ERR_INVALID);
    CHECK_INT(workflow_stats(f.s, &fin, "year", &st, &err), 0);
    CHECK_INT(json_integer_value(
                  json_object_get(json_array_get(json_object_get(st, "groups"), 0), "key")),
              2025);
    json_decref(st);
    /* a new batch holds only the enterprise removed from the paid one */
    CHECK_INT(workflow_exempt_create(f.s, &rev, f.exempt, NULL, today, NOW, &again, &err), 0);
    CHECK_INT(workflow_exempt_get(f.s, &rev, again, 0, 10, &b, &err), 0);
    prop = json_object_get(json_object_get(b, "totals"), "proposed");
    CHECK_INT(json_integer_value(json_object_get(prop, "entries")), 1);
    CHECK_INT(json_integer_value(json_object_get(prop, "total_fen")), removed_fen);
    json_decref(b);
    struct audit_report rep;
    CHECK_INT(audit_verify(f.s, &rep, &err), 0);
    CHECK_INT(rep.problem, AUDIT_OK);
    teardown(t, &f);
}

STORE_TEST(workflow_paid_application_totals) {
    struct fixture f;
    if (!setup(t, &f)) return;
    struct error err;
    struct actor fin = as(ROLE_FINANCE, NULL);
    int64_t sum = 0;
    for (int i = 0; i < 25; i++) {
        struct actor e = as(ROLE_ENTERPRISE, f.uscc[i]);
        int64_t id = 0;
        CHECK_INT(workflow_create(f.s, &e, f.clause, NULL, NOW, &id, &err), 0);
        drive(&f, id, f.uscc[i], i % 5 == 0 ? WF_APPROVED : WF_PAID);
        if (i % 5) sum += (i + 1) * 10000 < CAP_FEN ? (i + 1) * 10000 : CAP_FEN;
    }
    json_t *st = NULL;
    CHECK_INT(workflow_stats(f.s, &fin, "clause", &st, &err), 0);
    CHECK_INT(json_integer_value(json_object_get(st, "paid_fen")), sum);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(st, "applications"), "paid")), 20);
    CHECK_INT(json_integer_value(json_object_get(st, "approved_unpaid_fen")),
              10000 + 60000 + 110000 + 160000 + CAP_FEN);
    json_decref(st);
    struct actor e = as(ROLE_ENTERPRISE, f.uscc[1]);
    CHECK_INT(workflow_stats(f.s, &e, "clause", &st, &err), 0);
    CHECK_INT(json_integer_value(json_object_get(st, "paid_fen")), 20000);
    json_decref(st);
    struct actor bank = as(ROLE_BANK, NULL);
    CHECK_INT(workflow_stats(f.s, &bank, "clause", &st, &err), ERR_FORBIDDEN);
    teardown(t, &f);
}
