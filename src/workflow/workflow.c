/* Owns the application tables, the state machine (the table of allowed transitions × role), the
 * pre-filled form, the steps (one transaction each, with its audit entry and, for pay, the payment
 * row) and the application list. Attachments are in files.c, 免申即享 batches in exempt.c, money
 * totals in stats.c. Does not own who a user is (src/auth) nor how awards are computed (src/rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "notify/notify.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "schema/schema.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/num.h"
#include "workflow/internal.h"

const char *const store_module_workflow[] = {
    "CREATE TABLE application (id {ID}, clause_id BIGINT NOT NULL, policy_id BIGINT NOT NULL,"
    " clause_title TEXT NOT NULL, department TEXT NOT NULL, uscc TEXT NOT NULL,"
    " enterprise_name TEXT NOT NULL, region_code BIGINT NOT NULL, district_code BIGINT NOT NULL,"
    " section TEXT NOT NULL, state TEXT NOT NULL, eligibility TEXT NOT NULL,"
    " computed_fen BIGINT, amount_fen BIGINT, form_json TEXT NOT NULL, comment TEXT,"
    " reason TEXT, paid_on BIGINT, payment_ref TEXT, created_by BIGINT NOT NULL,"
    " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, state_since BIGINT NOT NULL);"
    "CREATE UNIQUE INDEX application_open ON application (clause_id, uscc)"
    " WHERE state <> 'rejected';"
    "CREATE INDEX application_state ON application (state, state_since);"
    "CREATE INDEX application_uscc ON application (uscc);"
    "CREATE TABLE application_file (id {ID}, application_id BIGINT NOT NULL, name TEXT NOT NULL,"
    " content_type TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL,"
    " data {BLOB} NOT NULL, created_at BIGINT NOT NULL);"
    "CREATE INDEX application_file_app ON application_file (application_id);"
    "CREATE TABLE payment (id {ID}, source TEXT NOT NULL, source_id BIGINT NOT NULL,"
    " clause_id BIGINT NOT NULL, policy_id BIGINT NOT NULL, clause_title TEXT NOT NULL,"
    " department TEXT NOT NULL, uscc TEXT NOT NULL, region_code BIGINT NOT NULL,"
    " district_code BIGINT NOT NULL, section TEXT NOT NULL, amount_fen BIGINT NOT NULL,"
    " paid_on BIGINT NOT NULL, year BIGINT NOT NULL, month BIGINT NOT NULL,"
    " payment_ref TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (source, source_id));"
    "CREATE INDEX payment_clause ON payment (clause_id, uscc);"
    "CREATE TABLE exempt_batch (id {ID}, clause_id BIGINT NOT NULL, policy_id BIGINT NOT NULL,"
    " clause_title TEXT NOT NULL, department TEXT NOT NULL, state TEXT NOT NULL,"
    " evaluated_on BIGINT NOT NULL, created_by BIGINT NOT NULL, created_at BIGINT NOT NULL,"
    " confirmed_at BIGINT, paid_on BIGINT, payment_ref TEXT);"
    "CREATE UNIQUE INDEX exempt_batch_open ON exempt_batch (clause_id) WHERE state <> 'paid';"
    "CREATE TABLE exempt_entry (id {ID}, batch_id BIGINT NOT NULL, uscc TEXT NOT NULL,"
    " enterprise_name TEXT NOT NULL, region_code BIGINT NOT NULL, district_code BIGINT NOT NULL,"
    " section TEXT NOT NULL, has_award BIGINT NOT NULL, amount_fen BIGINT NOT NULL,"
    " state TEXT NOT NULL, reason TEXT, UNIQUE (batch_id, uscc));",
    NULL};

/* ---- the state machine ---- */

#define M(s) (1u << (s))

static const struct workflow_transition transitions[] = {
    {WF_SUBMIT, M(WF_DRAFT), WF_SUBMITTED, ROLE_ENTERPRISE},
    {WF_RESUBMIT, M(WF_RETURNED), WF_SUBMITTED, ROLE_ENTERPRISE},
    {WF_ACCEPT, M(WF_SUBMITTED), WF_ACCEPTED, ROLE_REVIEWER},
    {WF_REVIEW, M(WF_ACCEPTED), WF_REVIEWED, ROLE_REVIEWER},
    {WF_APPROVE, M(WF_REVIEWED), WF_APPROVED, ROLE_REVIEWER},
    {WF_RETURN, M(WF_SUBMITTED) | M(WF_ACCEPTED) | M(WF_REVIEWED), WF_RETURNED, ROLE_REVIEWER},
    {WF_REJECT, M(WF_SUBMITTED) | M(WF_ACCEPTED) | M(WF_REVIEWED), WF_REJECTED, ROLE_REVIEWER},
    {WF_PAY, M(WF_APPROVED), WF_PAID, ROLE_FINANCE},
};

static const struct {
    const char *key, *label;
    int limit_days; /* overdue after this many days in the state; 0 = never */
} states[WF_STATE_COUNT] = {
    [WF_DRAFT] = {"draft", "草稿", 0},
    [WF_SUBMITTED] = {"submitted", "已提交", 5},
    [WF_ACCEPTED] = {"accepted", "已受理", 15},
    [WF_REVIEWED] = {"reviewed", "已审核", 10},
    [WF_APPROVED] = {"approved", "已批准", 30},
    [WF_PAID] = {"paid", "已兑现", 0},
    [WF_RETURNED] = {"returned", "退回修改", 10},
    [WF_REJECTED] = {"rejected", "不予通过", 0},
};

static const char *const actions[WF_ACTION_COUNT] = {
    [WF_SUBMIT] = "submit", [WF_RESUBMIT] = "resubmit", [WF_ACCEPT] = "accept",
    [WF_REVIEW] = "review", [WF_APPROVE] = "approve",   [WF_RETURN] = "return",
    [WF_REJECT] = "reject", [WF_PAY] = "pay",
};

const struct workflow_transition *workflow_transitions(int *n) {
    *n = (int)(sizeof transitions / sizeof *transitions);
    return transitions;
}

const char *workflow_state_key(enum workflow_state s) {
    return s >= 0 && s < WF_STATE_COUNT ? states[s].key : NULL;
}
const char *workflow_state_label(enum workflow_state s) {
    return s >= 0 && s < WF_STATE_COUNT ? states[s].label : NULL;
}
int workflow_state_limit_days(enum workflow_state s) {
    return s >= 0 && s < WF_STATE_COUNT ? states[s].limit_days : 0;
}
int workflow_state_from_key(const char *key) {
    for (int i = 0; key && i < WF_STATE_COUNT; i++)
        if (strcmp(states[i].key, key) == 0) return i;
    return -1;
}
const char *workflow_action_key(enum workflow_action a) {
    return a >= 0 && a < WF_ACTION_COUNT ? actions[a] : NULL;
}
int workflow_action_from_key(const char *key) {
    for (int i = 0; key && i < WF_ACTION_COUNT; i++)
        if (strcmp(actions[i], key) == 0) return i;
    return -1;
}

/* ---- shared helpers ---- */

int wf_fail(struct store *s, int rc) {
    store_rollback(s);
    return rc;
}

int wf_region_index(int64_t code) {
    return code ? region_by_code(code) : -1;
}

void wf_place_of(const struct profile *p, struct wf_place *out) {
    memset(out, 0, sizeof *out);
    out->region = -1;
    if (p->v[F_REGION].has) {
        int r = (int)p->v[F_REGION].i;
        out->region = r;
        out->region_code = region_at(r)->code;
        int d = region_ancestor(r, REGION_COUNTY);
        if (d >= 0) out->district_code = region_at(d)->code;
    }
    if (p->v[F_INDUSTRY].has) {
        const struct industry *ind = industry_at((int)p->v[F_INDUSTRY].i);
        snprintf(out->section, sizeof out->section, "%s", industry_at(ind->section)->code);
    }
}

/* The roles whose scope is their department's policies (when they have one). */
static bool is_dept_scoped(const struct actor *who) {
    return (who->role == ROLE_OFFICER || who->role == ROLE_REVIEWER || who->role == ROLE_FINANCE) &&
           who->dept[0];
}

bool workflow_sees_department(const struct actor *who, const char *department) {
    return !is_dept_scoped(who) || (department && strcmp(department, who->dept) == 0);
}

void wf_scope_sql(const struct actor *who, struct buf *where, struct store_val *args, int *n) {
    if (who->role == ROLE_ENTERPRISE) {
        buf_puts(where, " AND uscc = ?");
        args[(*n)++] = store_val_text(who->uscc);
        return;
    }
    if (is_dept_scoped(who)) {
        buf_puts(where, " AND department = ?");
        args[(*n)++] = store_val_text(who->dept);
    }
    if (who->role != ROLE_ADMIN && who->role != ROLE_HUB && who->region >= 0) {
        const struct region *r = region_at(who->region);
        if (r->level == REGION_COUNTY)
            buf_puts(where, " AND district_code = ?");
        else if (r->level == REGION_TOWN)
            buf_puts(where, " AND region_code = ?");
        else
            return;
        args[(*n)++] = store_val_int(r->code);
    }
}

bool workflow_may_list(const struct actor *who) {
    switch (who->role) {
    case ROLE_ENTERPRISE:
    case ROLE_COMMISSIONER:
    case ROLE_STATION:
    case ROLE_CENTRE:
    case ROLE_HUB:
    case ROLE_OFFICER:
    case ROLE_REVIEWER:
    case ROLE_FINANCE:
    case ROLE_ADMIN:
        return true;
    default:
        return false;
    }
}

/* ---- one application row ---- */

#define APP_COLS                                                                                   \
    "id, clause_id, policy_id, clause_title, department, uscc, enterprise_name, region_code,"      \
    " district_code, section, state, eligibility, computed_fen, amount_fen, form_json, comment,"   \
    " reason, paid_on, payment_ref, created_at, updated_at, state_since"

enum {
    C_ID,
    C_CLAUSE,
    C_POLICY,
    C_TITLE,
    C_DEPT,
    C_USCC,
    C_NAME,
    C_REGION,
    C_DISTRICT,
    C_SECTION,
    C_STATE,
    C_ELIG,
    C_COMPUTED,
    C_AMOUNT,
    C_FORM,
    C_COMMENT,
    C_REASON,
    C_PAID_ON,
    C_REF,
    C_CREATED,
    C_UPDATED,
    C_SINCE
};

static json_t *int_or_null(const struct store_rows *r, int i, int c) {
    return store_rows_is_null(r, i, c) ? json_null()
                                       : json_integer((json_int_t)store_rows_int(r, i, c));
}

static json_t *text_or_null(const struct store_rows *r, int i, int c) {
    return store_rows_is_null(r, i, c) ? json_null() : json_string(store_rows_text(r, i, c));
}

/* Whether an application in `state` since `since` is overdue at `now` (a draft never is: its
 * clock is the clause's deadline, which submit enforces). */
static bool is_overdue(int state, int64_t since, int64_t now) {
    int days = workflow_state_limit_days(state);
    return days > 0 && now - since > (int64_t)days * 86400;
}

static json_t *app_json(const struct store_rows *r, int i, int64_t now, bool with_form) {
    int state = workflow_state_from_key(store_rows_text(r, i, C_STATE));
    int64_t since = store_rows_int(r, i, C_SINCE);
    char date[16];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)store_rows_int(r, i, C_ID)));
    json_object_set_new(o, "clause_id", json_integer((json_int_t)store_rows_int(r, i, C_CLAUSE)));
    json_object_set_new(o, "policy_id", json_integer((json_int_t)store_rows_int(r, i, C_POLICY)));
    json_object_set_new(o, "clause_title", json_string(store_rows_text(r, i, C_TITLE)));
    json_object_set_new(o, "department", json_string(store_rows_text(r, i, C_DEPT)));
    json_object_set_new(o, "uscc", json_string(store_rows_text(r, i, C_USCC)));
    json_object_set_new(o, "enterprise_name", json_string(store_rows_text(r, i, C_NAME)));
    json_object_set_new(o, "district_code",
                        json_integer((json_int_t)store_rows_int(r, i, C_DISTRICT)));
    json_object_set_new(o, "state", json_string(store_rows_text(r, i, C_STATE)));
    json_object_set_new(o, "state_label", json_string(state >= 0 ? states[state].label : ""));
    json_object_set_new(o, "eligibility", json_string(store_rows_text(r, i, C_ELIG)));
    json_object_set_new(o, "computed_fen", int_or_null(r, i, C_COMPUTED));
    json_object_set_new(o, "amount_fen", int_or_null(r, i, C_AMOUNT));
    json_object_set_new(o, "comment", text_or_null(r, i, C_COMMENT));
    json_object_set_new(o, "reason", text_or_null(r, i, C_REASON));
    if (store_rows_is_null(r, i, C_PAID_ON))
        json_object_set_new(o, "paid_on", json_null());
    else
        json_object_set_new(
            o, "paid_on",
            json_string(date_format((int32_t)store_rows_int(r, i, C_PAID_ON), date, sizeof date)));
    json_object_set_new(o, "payment_ref", text_or_null(r, i, C_REF));
    json_object_set_new(o, "created_at", json_integer((json_int_t)store_rows_int(r, i, C_CREATED)));
    json_object_set_new(o, "updated_at", json_integer((json_int_t)store_rows_int(r, i, C_UPDATED)));
    json_object_set_new(o, "state_since", json_integer((json_int_t)since));
    json_object_set_new(o, "overdue", json_boolean(is_overdue(state, since, now)));
    if (with_form) {
        json_t *form = json_loads(store_rows_text(r, i, C_FORM), 0, NULL);
        json_object_set_new(o, "form", form ? form : json_object());
    }
    return o;
}

/* Loads one application row (rows freed by the caller). */
static int load_app(struct store *s, int64_t id, struct store_rows **r, struct error *err) {
    struct store_val a[] = {store_val_int(id)};
    int rc = store_sql(s, "SELECT " APP_COLS " FROM application WHERE id = ?", a, 1, r, err);
    if (rc) return rc;
    if (store_rows_count(*r) == 1) return 0;
    store_rows_free(*r);
    *r = NULL;
    return error_set(err, ERR_NOTFOUND, "申请 %lld 不存在", "application %lld does not exist",
                     (long long)id);
}

static bool sees_app(const struct actor *who, const struct store_rows *r) {
    const char *uscc = store_rows_text(r, 0, C_USCC);
    int region = wf_region_index(store_rows_int(r, 0, C_REGION));
    switch (who->role) {
    case ROLE_ENTERPRISE:
        return auth_sees_enterprise(who, uscc, region);
    case ROLE_OFFICER:
    case ROLE_REVIEWER:
    case ROLE_FINANCE:
        return auth_sees_department(who, store_rows_text(r, 0, C_DEPT)) &&
               auth_sees_enterprise(who, uscc, region);
    default:
        return workflow_may_list(who) && auth_sees_enterprise(who, uscc, region);
    }
}

static int out_of_scope(struct error *err, int64_t id) {
    return error_set(err, ERR_FORBIDDEN, "无权访问申请 %lld",
                     "application %lld is outside your scope", (long long)id);
}

/* ---- the form: the fields the clause's rule reads ---- */

static void expr_fields(const struct rule_expr *e, bool *seen) {
    if (!e) return;
    if (e->kind == RE_FIELD || e->kind == RE_CHOICE) seen[e->field] = true;
    expr_fields(e->a, seen);
    expr_fields(e->b, seen);
    for (int i = 0; i < e->n_tiers; i++)
        expr_fields(e->tiers[i].amount, seen);
    for (int i = 0; i < e->n_choices; i++)
        expr_fields(e->choices[i].amount, seen);
}

static json_t *form_of(const struct rule_version *v, const struct profile *p) {
    bool seen[F_COUNT] = {false};
    for (int i = 0; v && i < v->n_atoms; i++) {
        const struct rule_cond *c = v->atoms[i];
        if (c->kind == RC_CMP && !c->is_simple) {
            expr_fields(c->lhs, seen);
            expr_fields(c->rhs, seen);
        } else if (c->field < F_COUNT) {
            seen[c->field] = true;
        }
    }
    if (v && v->award) expr_fields(v->award->expr, seen);
    json_t *fields = json_array();
    for (int f = 0; f < F_COUNT; f++) {
        if (!seen[f]) continue;
        const struct field_def *d = schema_field((enum field_id)f);
        char buf[256];
        json_array_append_new(
            fields,
            json_pack("{s:s,s:s,s:o,s:b}", "key", d->key, "label", d->label, "value",
                      p->v[f].has ? json_string(schema_format_value(d, &p->v[f], buf, sizeof buf))
                                  : json_null(),
                      "derived", d->is_derived));
    }
    return json_pack("{s:o,s:o}", "fields", fields, "declared", json_object());
}

/* The rule's verdict and award for the enterprise on `today`, capped at the clause's cap. */
struct verdict {
    const char *eligibility; /* eligible / unknown / ineligible / no_rule */
    bool has_award;
    int64_t award_fen;
    json_t *form;
};

static int judge(const struct clause *c, const struct profile *p, int32_t today, struct verdict *v,
                 struct error *err) {
    struct rule *rule = NULL;
    v->eligibility = "no_rule";
    v->has_award = false;
    if (!c->rule || rules_compile(c->rule, strlen(c->rule), c->title, &rule, err)) {
        v->form = form_of(NULL, p);
        return 0;
    }
    const struct rule_version *ver = rules_version_at(rule, today);
    v->form = form_of(ver, p);
    if (ver) {
        static _Thread_local struct rule_eval ev;
        if (rules_eval(ver, p, &ev, err)) {
            rules_free(rule);
            return err->code;
        }
        v->eligibility = ev.result == TRI_TRUE      ? "eligible"
                         : ev.result == TRI_UNKNOWN ? "unknown"
                                                    : "ineligible";
        v->has_award = ev.has_award;
        v->award_fen = ev.award_fen;
        if (v->has_award && c->award_cap_fen >= 0 && v->award_fen > c->award_cap_fen)
            v->award_fen = c->award_cap_fen;
    }
    rules_free(rule);
    return 0;
}

/* ---- create ---- */

struct facts {
    struct arena arena;
    struct clause clause;
    struct policy policy;
    struct profile profile;
    struct wf_place place;
};

static int load_facts(struct store *s, int64_t clause_id, const char *uscc, int32_t today,
                      struct facts *f, struct error *err) {
    int rc = refdata_load(err);
    if (!rc) rc = store_get_clause(s, clause_id, &f->clause, &f->arena, err);
    if (!rc) rc = store_get_policy(s, f->clause.policy_id, &f->policy, &f->arena, err);
    if (!rc && uscc) rc = store_get_enterprise(s, uscc, &f->profile, &f->arena, NULL, err);
    if (rc || !uscc) return rc;
    profile_derive(&f->profile, today, NULL);
    wf_place_of(&f->profile, &f->place);
    return 0;
}

static int check_open(const struct clause *c, int32_t today, struct error *err) {
    if (c->status != POLICY_PUBLISHED)
        return error_set(err, ERR_CONFLICT, "条款 %lld 未发布，不能申报",
                         "clause %lld is not published", (long long)c->id);
    if (c->deadline != STORE_NO_DATE && today > c->deadline) {
        char d[16];
        return error_set(err, ERR_CONFLICT, "申报已于 %s 截止", "applications closed on %s",
                         date_format(c->deadline, d, sizeof d));
    }
    return 0;
}

static json_t *snapshot(const char *state, const json_t *extra) {
    json_t *o = json_pack("{s:s}", "state", state);
    if (extra) json_object_update(o, (json_t *)extra);
    return o;
}

int workflow_create(struct store *s, const struct actor *who, int64_t clause_id, const char *uscc,
                    int64_t now, int64_t *id, struct error *err) {
    if (who->role == ROLE_ENTERPRISE)
        uscc = who->uscc;
    else if (who->role != ROLE_ADMIN)
        return error_set(err, ERR_FORBIDDEN, "只有企业用户可以申报", "only an enterprise applies");
    if (!uscc || !uscc[0])
        return error_set(err, ERR_INVALID, "缺少统一社会信用代码", "the USCC is missing");
    int32_t today = wf_day(now);
    struct facts f = {0};
    arena_init(&f.arena, 1 << 14);
    int rc = load_facts(s, clause_id, uscc, today, &f, err);
    if (!rc) rc = check_open(&f.clause, today, err);
    if (!rc && f.clause.is_exempt)
        rc = error_set(err, ERR_CONFLICT, "该条款为免申即享，无需申请",
                       "this clause is paid without application (免申即享)");
    struct verdict v = {0};
    if (!rc) rc = judge(&f.clause, &f.profile, today, &v, err);
    if (rc) {
        arena_release(&f.arena);
        return rc;
    }
    char *form = json_dumps(v.form, JSON_COMPACT);
    const struct value *name = &f.profile.v[F_NAME];
    const char *canon = f.profile.v[F_USCC].s ? f.profile.v[F_USCC].s : uscc;
    struct store_val a[] = {
        store_val_int(clause_id),
        store_val_int(f.clause.policy_id),
        store_val_text(f.clause.title ? f.clause.title : ""),
        store_val_text(f.policy.department ? f.policy.department : ""),
        store_val_text(canon),
        store_val_text(name->has && name->s ? name->s : ""),
        store_val_int(f.place.region_code),
        store_val_int(f.place.district_code),
        store_val_text(f.place.section),
        store_val_text(v.eligibility),
        v.has_award ? store_val_int(v.award_fen) : store_val_null(),
        store_val_text(form),
        store_val_int(who->user_id),
        store_val_int(now),
        store_val_int(now),
        store_val_int(now),
    };
    bool is_begun = false;
    rc = store_begin(s, err);
    is_begun = rc == 0;
    if (!rc)
        rc = store_sql_int(s,
                           "INSERT INTO application (clause_id, policy_id, clause_title, "
                           "department, uscc, enterprise_name, region_code, district_code, "
                           "section, state, eligibility, computed_fen, form_json, created_by, "
                           "created_at, updated_at, state_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, 'draft', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                           a, 16, 0, id, err);
    if (rc == ERR_CONFLICT)
        error_set(err, ERR_CONFLICT, "该企业已申报此条款",
                  "this enterprise already applied for "
                  "this clause");
    json_t *after =
        rc ? NULL
           : json_pack("{s:s,s:I,s:s,s:s,s:o}", "state", "draft", "clause_id",
                       (json_int_t)clause_id, "uscc", canon, "eligibility", v.eligibility,
                       "computed_fen", v.has_award ? json_integer(v.award_fen) : json_null());
    if (!rc) rc = audit_append(s, who, "create", "application", *id, NULL, after, NULL, err);
    if (!rc)
        rc = store_commit(s, err);
    else if (is_begun)
        store_rollback(s);
    json_decref(after);
    json_decref(v.form);
    free(form);
    arena_release(&f.arena);
    return rc;
}

/* ---- the form's declared values ---- */

static bool form_has_field(const json_t *form, const char *key) {
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(form, "fields"), i, f) {
        if (strcmp(json_string_value(json_object_get(f, "key")), key) == 0 &&
            !json_is_true(json_object_get(f, "derived")))
            return true;
    }
    return false;
}

static int check_values(const json_t *form, const json_t *values, struct error *err) {
    if (!json_is_object(values))
        return error_set(err, ERR_INVALID, "表单值必须是对象", "form values must be an object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)values, key, v) {
        if (!form_has_field(form, key)) {
            error_set(err, ERR_INVALID, "%s 不是本表单可填写的字段",
                      "%s is not an editable field of this form", key);
            return error_field(err, key);
        }
        if (!json_is_string(v)) {
            error_set(err, ERR_INVALID, "%s 的值必须是文本", "%s: the value must be text", key);
            return error_field(err, key);
        }
        const struct field_def *d = schema_find(key, strlen(key));
        struct arena a;
        arena_init(&a, 256);
        struct value val;
        int rc = schema_parse_value(d, json_string_value(v), json_string_length(v), &a, &val, NULL,
                                    0, err);
        arena_release(&a);
        if (rc) return error_field(err, key);
    }
    return 0;
}

int workflow_update_form(struct store *s, const struct actor *who, int64_t id, const json_t *values,
                         int64_t now, struct error *err) {
    if (who->role != ROLE_ENTERPRISE)
        return error_set(err, ERR_FORBIDDEN, "只有申报企业可以修改表单",
                         "only the applicant may edit the form");
    struct store_rows *r = NULL;
    int rc = store_begin(s, err);
    if (rc) return rc;
    rc = load_app(s, id, &r, err);
    if (rc) return wf_fail(s, rc);
    int state = workflow_state_from_key(store_rows_text(r, 0, C_STATE));
    json_t *form = json_loads(store_rows_text(r, 0, C_FORM), 0, NULL);
    if (!sees_app(who, r))
        rc = out_of_scope(err, id);
    else if (state != WF_DRAFT && state != WF_RETURNED)
        rc = error_set(err, ERR_CONFLICT, "申请处于「%s」，不能修改表单",
                       "the application is %2$s; the form cannot be edited",
                       states[state < 0 ? 0 : state].label, store_rows_text(r, 0, C_STATE));
    else if (!form)
        rc = error_set(err, ERR_DB, "表单已损坏", "the stored form is damaged");
    if (!rc) rc = check_values(form, values, err);
    json_t *before = NULL;
    if (!rc) {
        before = json_deep_copy(json_object_get(form, "declared"));
        json_object_update(json_object_get(form, "declared"), (json_t *)values);
        char *text = json_dumps(form, JSON_COMPACT);
        struct store_val a[] = {store_val_text(text), store_val_int(now), store_val_int(id)};
        rc = store_sql(s, "UPDATE application SET form_json = ?, updated_at = ? WHERE id = ?", a, 3,
                       NULL, err);
        free(text);
    }
    if (!rc)
        rc = audit_append(s, who, "edit_form", "application", id, before,
                          json_object_get(form, "declared"), NULL, err);
    json_decref(before);
    json_decref(form);
    store_rows_free(r);
    if (rc) return wf_fail(s, rc);
    return store_commit(s, err);
}

/* ---- steps ---- */

static const struct workflow_transition *find_transition(enum workflow_action a) {
    for (size_t i = 0; i < sizeof transitions / sizeof *transitions; i++)
        if (transitions[i].action == a) return &transitions[i];
    return NULL;
}

static int refuse_state(int from, const struct workflow_transition *t, struct error *err) {
    return error_set(err, ERR_CONFLICT, "不能从「%s」变为「%s」(%s)",
                     "cannot go from %4$s to %5$s (%3$s)", states[from].label, states[t->to].label,
                     actions[t->action], states[from].key, states[t->to].key);
}

static bool is_blank(const char *s) {
    return !s || !s[strspn(s, " \t\r\n")];
}

/* The amount an approval sets: the given one or the computed award, never above the cap. */
static int approved_amount(struct store *s, const struct store_rows *r,
                           const struct workflow_step *st, int64_t *out, struct error *err) {
    if (!st->has_amount && store_rows_is_null(r, 0, C_COMPUTED))
        return error_set(err, ERR_INVALID, "无法计算奖补金额，请填写批准金额",
                         "the award cannot be computed; give the approved amount");
    int64_t amount = st->has_amount ? st->amount_fen : store_rows_int(r, 0, C_COMPUTED);
    if (amount < 0)
        return error_set(err, ERR_INVALID, "批准金额不能为负", "the amount cannot be negative");
    struct arena a;
    arena_init(&a, 4096);
    struct clause c;
    int rc = store_get_clause(s, store_rows_int(r, 0, C_CLAUSE), &c, &a, err);
    arena_release(&a);
    if (rc) return rc;
    if (c.award_cap_fen >= 0 && amount > c.award_cap_fen) {
        char x[48], cap[48];
        error_set(err, ERR_INVALID, "批准金额 %s 超过该条款的上限 %s",
                  "the amount %s is above the clause's cap %s", money_format(amount, x, sizeof x),
                  money_format(c.award_cap_fen, cap, sizeof cap));
        return error_field(err, "amount_fen");
    }
    *out = amount;
    return 0;
}

static int check_step(struct store *s, const struct store_rows *r, const struct workflow_step *st,
                      int64_t now, int64_t *amount, struct error *err) {
    switch (st->action) {
    case WF_SUBMIT: {
        struct arena a;
        arena_init(&a, 4096);
        struct clause c;
        int rc = store_get_clause(s, store_rows_int(r, 0, C_CLAUSE), &c, &a, err);
        if (!rc) rc = check_open(&c, wf_day(now), err);
        arena_release(&a);
        return rc;
    }
    case WF_REVIEW:
        if (!is_blank(st->comment)) return 0;
        error_set(err, ERR_INVALID, "审核需填写审核意见", "a review needs comments");
        return error_field(err, "comment");
    case WF_RETURN:
    case WF_REJECT:
        if (is_blank(st->reason))
            return error_set(err, ERR_INVALID, "退回或驳回需填写理由",
                             "returning or rejecting needs a reason");
        return 0;
    case WF_APPROVE:
        return approved_amount(s, r, st, amount, err);
    case WF_PAY:
        if (is_blank(st->payment_ref))
            return error_set(err, ERR_INVALID, "兑现需填写支付凭证号",
                             "a payment needs its reference");
        if (st->paid_on == STORE_NO_DATE || st->paid_on < date_from_ymd(2000, 1, 1) ||
            st->paid_on > wf_day(now) + 1)
            return error_set(err, ERR_INVALID, "兑现日期无效", "the payment date is not valid");
        return 0;
    default:
        return 0;
    }
}

static int insert_payment(struct store *s, const struct store_rows *r, int64_t amount,
                          const struct workflow_step *st, int64_t now, struct error *err) {
    int y, m, d;
    date_to_ymd(st->paid_on, &y, &m, &d);
    struct store_val a[] = {
        store_val_int(store_rows_int(r, 0, C_ID)),
        store_val_int(store_rows_int(r, 0, C_CLAUSE)),
        store_val_int(store_rows_int(r, 0, C_POLICY)),
        store_val_text(store_rows_text(r, 0, C_TITLE)),
        store_val_text(store_rows_text(r, 0, C_DEPT)),
        store_val_text(store_rows_text(r, 0, C_USCC)),
        store_val_int(store_rows_int(r, 0, C_REGION)),
        store_val_int(store_rows_int(r, 0, C_DISTRICT)),
        store_val_text(store_rows_text(r, 0, C_SECTION)),
        store_val_int(amount),
        store_val_int(st->paid_on),
        store_val_int(y),
        store_val_int(y * 100 + m),
        store_val_text(st->payment_ref),
        store_val_int(now),
    };
    return store_sql(s,
                     "INSERT INTO payment (source, source_id, clause_id, policy_id, clause_title, "
                     "department, uscc, region_code, district_code, section, amount_fen, paid_on, "
                     "year, month, payment_ref, created_at) VALUES ('application', ?, ?, ?, ?, ?, "
                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     a, 15, NULL, err);
}

static int apply_step(struct store *s, const struct actor *who, const struct store_rows *r,
                      const struct workflow_transition *t, const struct workflow_step *st,
                      int64_t amount, int64_t now, struct error *err) {
    int64_t id = store_rows_int(r, 0, C_ID);
    const char *from = store_rows_text(r, 0, C_STATE);
    bool sets_amount = st->action == WF_APPROVE, pays = st->action == WF_PAY;
    if (pays) amount = store_rows_int(r, 0, C_AMOUNT);
    struct store_val a[] = {
        store_val_text(states[t->to].key),
        store_val_int(now),
        store_val_int(now),
        store_val_text(is_blank(st->comment) ? NULL : st->comment),
        store_val_text(is_blank(st->reason) ? NULL : st->reason),
        store_val_int(sets_amount ? 1 : 0),
        store_val_int(amount),
        pays ? store_val_int(st->paid_on) : store_val_null(),
        store_val_text(pays ? st->payment_ref : NULL),
        store_val_int(id),
        store_val_text(from),
    };
    int rc = store_sql(s,
                       "UPDATE application SET state = ?, state_since = ?, updated_at = ?, "
                       "comment = COALESCE(?, comment), reason = ?, "
                       "amount_fen = CASE WHEN ? = 1 THEN ? ELSE amount_fen END, "
                       "paid_on = COALESCE(?, paid_on), payment_ref = COALESCE(?, payment_ref) "
                       "WHERE id = ? AND state = ?",
                       a, 11, NULL, err);
    if (!rc && store_sql_changes(s) != 1)
        rc = error_set(err, ERR_CONFLICT, "申请已被他人修改，请刷新",
                       "the application was changed meanwhile; reload it");
    if (!rc && pays) rc = insert_payment(s, r, amount, st, now, err);
    if (rc) return rc;
    json_t *before = snapshot(from, NULL), *after = json_pack("{s:s}", "state", states[t->to].key);
    if (!is_blank(st->comment)) json_object_set_new(after, "comment", json_string(st->comment));
    if (!is_blank(st->reason)) json_object_set_new(after, "reason", json_string(st->reason));
    if (sets_amount || pays) json_object_set_new(after, "amount_fen", json_integer(amount));
    if (pays) {
        char d[16];
        json_object_set_new(after, "paid_on", json_string(date_format(st->paid_on, d, sizeof d)));
        json_object_set_new(after, "payment_ref", json_string(st->payment_ref));
    }
    int64_t seq = 0;
    rc = audit_append(s, who, actions[t->action], "application", id, before, after, &seq, err);
    json_decref(before);
    json_decref(after);
    /* the enterprise is told in the same transaction (the outbox row commits with the step) */
    if (!rc)
        rc =
            notify_application_changed(s, id, seq, store_rows_text(r, 0, C_USCC),
                                       store_rows_text(r, 0, C_TITLE), states[t->to].key, now, err);
    return rc;
}

int workflow_step(struct store *s, const struct actor *who, int64_t id,
                  const struct workflow_step *st, int64_t now, struct error *err) {
    const struct workflow_transition *t = find_transition(st->action);
    if (!t) return error_set(err, ERR_INVALID, "未知操作", "unknown action");
    if (who->role != t->role)
        return error_set(err, ERR_FORBIDDEN, "%s 不能执行「%s」", "a %s may not %s",
                         role_label(who->role) ? role_label(who->role) : "?", actions[t->action]);
    int rc = store_begin(s, err);
    if (rc) return rc;
    struct store_rows *r = NULL;
    rc = load_app(s, id, &r, err);
    if (rc) return wf_fail(s, rc);
    int from = workflow_state_from_key(store_rows_text(r, 0, C_STATE));
    int64_t amount = 0;
    if (!sees_app(who, r))
        rc = out_of_scope(err, id);
    else if (from < 0)
        rc = error_set(err, ERR_DB, "未知状态", "unknown stored state");
    else if (!(t->from_mask & M(from)))
        rc = refuse_state(from, t, err);
    if (!rc) rc = check_step(s, r, st, now, &amount, err);
    if (!rc) rc = apply_step(s, who, r, t, st, amount, now, err);
    store_rows_free(r);
    if (rc) return wf_fail(s, rc);
    return store_commit(s, err);
}

/* ---- reading ---- */

int workflow_get(struct store *s, const struct actor *who, int64_t id, int64_t now, json_t **out,
                 struct error *err) {
    *out = NULL;
    struct store_rows *r = NULL;
    int rc = load_app(s, id, &r, err);
    if (rc) return rc;
    if (!sees_app(who, r)) {
        store_rows_free(r);
        return out_of_scope(err, id);
    }
    json_t *o = app_json(r, 0, now, true);
    store_rows_free(r);
    struct store_val a[] = {store_val_int(id)};
    rc = store_sql(s,
                   "SELECT id, name, content_type, size, sha256, created_at FROM application_file "
                   "WHERE application_id = ? ORDER BY id",
                   a, 1, &r, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    json_t *files = json_array();
    for (int i = 0; i < store_rows_count(r); i++)
        json_array_append_new(
            files,
            json_pack("{s:I,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)store_rows_int(r, i, 0),
                      "name", store_rows_text(r, i, 1), "content_type", store_rows_text(r, i, 2),
                      "size", (json_int_t)store_rows_int(r, i, 3), "sha256",
                      store_rows_text(r, i, 4), "created_at", (json_int_t)store_rows_int(r, i, 5)));
    store_rows_free(r);
    json_object_set_new(o, "files", files);
    json_t *history = NULL;
    int64_t total = 0;
    rc = audit_list(s, "application", id, 0, 200, &history, &total, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "history", history);
    *out = o;
    return 0;
}

static void overdue_sql(struct buf *w, struct store_val *args, int *n, int64_t now) {
    buf_puts(w, " AND (1 = 0");
    for (int st = 0; st < WF_STATE_COUNT; st++) {
        if (!states[st].limit_days) continue;
        buf_puts(w, " OR (state = ? AND state_since < ?)");
        args[(*n)++] = store_val_text(states[st].key);
        args[(*n)++] = store_val_int(now - (int64_t)states[st].limit_days * 86400);
    }
    buf_puts(w, ")");
}

int workflow_applicants(struct store *s, const struct actor *who, int64_t clause_id,
                        struct workflow_applicant **out, int64_t *n, struct error *err) {
    *out = NULL;
    *n = 0;
    if (!workflow_may_list(who))
        return error_set(err, ERR_FORBIDDEN, "无权查看申请", "you may not list applications");
    struct store_val args[16];
    int na = 0;
    struct buf w, sql;
    buf_init(&w);
    buf_init(&sql);
    if (clause_id) {
        buf_puts(&w, " AND clause_id = ?");
        args[na++] = store_val_int(clause_id);
    }
    wf_scope_sql(who, &w, args, &na);
    /* the same filter on both tables (payment carries the scope's columns too) */
    memcpy(args + na, args, (size_t)na * sizeof *args);
    buf_printf(&sql,
               "SELECT clause_id, uscc FROM application WHERE state <> 'draft'%s UNION "
               "SELECT clause_id, uscc FROM payment WHERE source = 'exempt'%s ORDER BY 1, 2",
               buf_str(&w), buf_str(&w));
    struct store_rows *r = NULL;
    int rc = store_sql(s, buf_str(&sql), args, 2 * na, &r, err);
    buf_release(&w);
    buf_release(&sql);
    if (rc) return rc;
    int count = store_rows_count(r);
    struct workflow_applicant *a = malloc((size_t)(count ? count : 1) * sizeof *a);
    if (!a) {
        store_rows_free(r);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; i < count; i++) {
        a[i].clause_id = store_rows_int(r, i, 0);
        snprintf(a[i].uscc, sizeof a[i].uscc, "%s", store_rows_text(r, i, 1));
    }
    store_rows_free(r);
    *out = a;
    *n = count;
    return 0;
}

int workflow_list(struct store *s, const struct actor *who, const struct workflow_query *q,
                  int64_t now, json_t **rows, int64_t *total, struct error *err) {
    *rows = NULL;
    *total = 0;
    if (!workflow_may_list(who))
        return error_set(err, ERR_FORBIDDEN, "无权查看申请", "you may not list applications");
    if (q->limit < 1 || q->limit > 10000 || q->offset < 0)
        return error_set(err, ERR_RANGE, "分页参数超出范围", "paging out of range");
    struct store_val args[40];
    int n = 0;
    struct buf w, sql;
    buf_init(&w);
    buf_init(&sql);
    buf_puts(&w, " FROM application WHERE 1 = 1");
    wf_scope_sql(who, &w, args, &n);
    if (q->state >= 0 && q->state < WF_STATE_COUNT) {
        buf_puts(&w, " AND state = ?");
        args[n++] = store_val_text(states[q->state].key);
    }
    if (q->clause_id) {
        buf_puts(&w, " AND clause_id = ?");
        args[n++] = store_val_int(q->clause_id);
    }
    if (q->uscc) {
        buf_puts(&w, " AND uscc = ?");
        args[n++] = store_val_text(q->uscc);
    }
    if (q->is_overdue) overdue_sql(&w, args, &n, now);
    buf_printf(&sql, "SELECT COUNT(*)%s", buf_str(&w));
    int rc = store_sql_int(s, buf_str(&sql), args, n, 0, total, err);
    buf_clear(&sql);
    buf_printf(&sql, "SELECT " APP_COLS "%s ORDER BY id DESC LIMIT ? OFFSET ?", buf_str(&w));
    args[n++] = store_val_int(q->limit);
    args[n++] = store_val_int(q->offset);
    struct store_rows *r = NULL;
    if (!rc) rc = store_sql(s, buf_str(&sql), args, n, &r, err);
    buf_release(&w);
    buf_release(&sql);
    if (rc) return rc;
    json_t *a = json_array();
    for (int i = 0; i < store_rows_count(r); i++)
        json_array_append_new(a, app_json(r, i, now, false));
    store_rows_free(r);
    *rows = a;
    return 0;
}
