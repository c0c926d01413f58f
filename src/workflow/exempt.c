/* Owns 免申即享 batches: a clause marked is_exempt pays every enterprise the matching engine finds
 * eligible, without an application. A batch is built from match_eligible over an index generation
 * (each entry's award from the rules evaluator on the enterprise's full profile, capped at the
 * clause's award_cap_fen), then a reviewer removes entries or confirms it, then finance pays it
 * (one payment row per entry). Each step is one transaction with its audit entry. Does not own
 * matching (src/match) or awards (src/rules). */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "index/index.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/date.h"
#include "workflow/internal.h"

struct entry {
    char uscc[32];
    char *name;
    struct wf_place place;
    bool has_award;
    int64_t amount_fen;
};

struct batch_build {
    struct entry *entries;
    int n, cap;
    char **paid; /* USCCs already paid for the clause, sorted */
    int n_paid;
};

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void build_release(struct batch_build *b) {
    for (int i = 0; i < b->n; i++)
        free(b->entries[i].name);
    for (int i = 0; i < b->n_paid; i++)
        free(b->paid[i]);
    free(b->entries);
    free(b->paid);
}

static int load_paid(struct store *s, int64_t clause_id, struct batch_build *b, struct error *err) {
    struct store_val a[] = {store_val_int(clause_id)};
    struct store_rows *r = NULL;
    int rc = store_sql(s, "SELECT DISTINCT uscc FROM payment WHERE clause_id = ?", a, 1, &r, err);
    if (rc) return rc;
    int n = store_rows_count(r);
    b->paid = calloc((size_t)n + 1, sizeof *b->paid);
    for (int i = 0; b->paid && i < n; i++)
        if ((b->paid[b->n_paid] = strdup(store_rows_text(r, i, 0)))) b->n_paid++;
    store_rows_free(r);
    if (!b->paid) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    qsort(b->paid, (size_t)b->n_paid, sizeof *b->paid, cmp_str);
    return 0;
}

static bool was_paid(const struct batch_build *b, const char *uscc) {
    return bsearch(&uscc, b->paid, (size_t)b->n_paid, sizeof *b->paid, cmp_str) != NULL;
}

/* One eligible enterprise: its award from the full profile (history years included), capped. */
static int add_entry(struct store *s, const struct rule_version *v, const struct clause *c,
                     const char *uscc, int32_t today, struct batch_build *b, struct error *err) {
    struct arena a;
    arena_init(&a, 4096);
    static _Thread_local struct profile p;
    int rc = store_get_enterprise(s, uscc, &p, &a, NULL, err);
    if (rc) {
        arena_release(&a);
        return rc;
    }
    profile_derive(&p, today, NULL);
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 64;
        struct entry *e = realloc(b->entries, (size_t)cap * sizeof *e);
        if (!e) {
            arena_release(&a);
            return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        }
        b->entries = e, b->cap = cap;
    }
    struct entry *e = &b->entries[b->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->uscc, sizeof e->uscc, "%s", uscc);
    e->name = strdup(p.v[F_NAME].has && p.v[F_NAME].s ? p.v[F_NAME].s : "");
    wf_place_of(&p, &e->place);
    e->has_award = v->award && rules_award(v->award, &p, &e->amount_fen, NULL, 0);
    if (!e->has_award) e->amount_fen = 0;
    if (c->award_cap_fen >= 0 && e->amount_fen > c->award_cap_fen) e->amount_fen = c->award_cap_fen;
    arena_release(&a);
    return 0;
}

static int collect(struct store *s, const struct clause *c, const struct index_gen *g,
                   int32_t today, struct batch_build *b, struct error *err) {
    struct rule *rule = NULL;
    int rc =
        rules_compile(c->rule ? c->rule : "", c->rule ? strlen(c->rule) : 0, c->title, &rule, err);
    if (rc) return rc;
    const struct rule_version *v = rules_version_at(rule, today);
    roaring_bitmap_t *eligible = NULL;
    if (!v || !v->cond)
        rc =
            error_set(err, ERR_CONFLICT, "条款在该日无有效规则", "the clause has no rule in force");
    if (!rc) rc = match_eligible(g, v->cond, &eligible, err);
    if (!rc) rc = load_paid(s, c->id, b, err);
    roaring_uint32_iterator_t *it = rc ? NULL : roaring_create_iterator(eligible);
    for (; it && it->has_value && !rc; roaring_advance_uint32_iterator(it)) {
        char uscc[32];
        index_row_uscc(g, it->current_value, uscc, sizeof uscc);
        if (!was_paid(b, uscc)) rc = add_entry(s, v, c, uscc, today, b, err);
    }
    roaring_free_uint32_iterator(it);
    roaring_bitmap_free(eligible);
    rules_free(rule);
    return rc;
}

static bool may_review(const struct actor *who, const char *department) {
    return (who->role == ROLE_REVIEWER && auth_sees_department(who, department)) ||
           who->role == ROLE_ADMIN;
}

static int insert_batch(struct store *s, const struct actor *who, const struct clause *c,
                        const struct policy *pol, const struct batch_build *b, int32_t today,
                        int64_t now, int64_t *batch_id, struct error *err) {
    struct store_val a[] = {store_val_int(c->id),
                            store_val_int(c->policy_id),
                            store_val_text(c->title ? c->title : ""),
                            store_val_text(pol->department ? pol->department : ""),
                            store_val_int(today),
                            store_val_int(who->user_id),
                            store_val_int(now)};
    int rc = store_sql_int(s,
                           "INSERT INTO exempt_batch (clause_id, policy_id, clause_title, "
                           "department, state, evaluated_on, created_by, created_at) VALUES (?, "
                           "?, ?, ?, 'proposed', ?, ?, ?) RETURNING id",
                           a, 7, 0, batch_id, err);
    if (rc == ERR_CONFLICT)
        return error_set(err, ERR_CONFLICT, "该条款已有未兑现的批次",
                         "the clause already has a batch not yet paid");
    int64_t total = 0;
    for (int i = 0; i < b->n && !rc; i++) {
        const struct entry *e = &b->entries[i];
        struct store_val v[] = {store_val_int(*batch_id),
                                store_val_text(e->uscc),
                                store_val_text(e->name),
                                store_val_int(e->place.region_code),
                                store_val_int(e->place.district_code),
                                store_val_text(e->place.section),
                                store_val_int(e->has_award),
                                store_val_int(e->amount_fen)};
        rc = store_sql(s,
                       "INSERT INTO exempt_entry (batch_id, uscc, enterprise_name, region_code, "
                       "district_code, section, has_award, amount_fen, state) VALUES (?, ?, ?, "
                       "?, ?, ?, ?, ?, 'proposed')",
                       v, 8, NULL, err);
        total += e->amount_fen;
    }
    if (rc) return rc;
    json_t *after =
        json_pack("{s:s,s:I,s:I,s:I}", "state", "proposed", "clause_id", (json_int_t)c->id,
                  "entries", (json_int_t)b->n, "total_fen", (json_int_t)total);
    rc = audit_append(s, who, "exempt_create", "exempt_batch", *batch_id, NULL, after, NULL, err);
    json_decref(after);
    return rc;
}

int workflow_exempt_create(struct store *s, const struct actor *who, int64_t clause_id,
                           const struct index_gen *g, int32_t today, int64_t now, int64_t *batch_id,
                           struct error *err) {
    struct arena a;
    arena_init(&a, 4096);
    struct clause c;
    struct policy pol;
    int rc = refdata_load(err);
    if (!rc) rc = store_get_clause(s, clause_id, &c, &a, err);
    if (!rc) rc = store_get_policy(s, c.policy_id, &pol, &a, err);
    if (!rc && !may_review(who, pol.department))
        rc = error_set(err, ERR_FORBIDDEN, "只有本部门审核人员可以生成批次",
                       "only a reviewer of the department creates a batch");
    if (!rc && (!c.is_exempt || c.status != POLICY_PUBLISHED))
        rc = error_set(err, ERR_CONFLICT, "条款 %lld 不是已发布的免申即享条款",
                       "clause %lld is not a published 免申即享 clause", (long long)clause_id);
    struct index_gen *own = NULL;
    if (!rc && !g && !(rc = index_load(s, today, &own, err))) g = own;
    struct batch_build b = {0};
    if (!rc) rc = collect(s, &c, g, today, &b, err);
    if (own) index_gen_release(own);
    if (!rc && !(rc = store_begin(s, err))) {
        rc = insert_batch(s, who, &c, &pol, &b, today, now, batch_id, err);
        rc = rc ? wf_fail(s, rc) : store_commit(s, err);
    }
    build_release(&b);
    arena_release(&a);
    return rc;
}

/* Loads the batch's state and department inside the caller's transaction. */
static int batch_state(struct store *s, int64_t id, char *state, size_t n, char *dept, size_t dn,
                       struct error *err) {
    struct store_val a[] = {store_val_int(id)};
    struct store_rows *r = NULL;
    int rc = store_sql(s, "SELECT state, department FROM exempt_batch WHERE id = ?", a, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1)
        rc = error_set(err, ERR_NOTFOUND, "批次 %lld 不存在", "batch %lld does not exist",
                       (long long)id);
    else {
        snprintf(state, n, "%s", store_rows_text(r, 0, 0));
        snprintf(dept, dn, "%s", store_rows_text(r, 0, 1));
    }
    store_rows_free(r);
    return rc;
}

static int batch_total(struct store *s, int64_t id, const char *state, int64_t *total,
                       int64_t *count, struct error *err) {
    struct store_val a[] = {store_val_int(id), store_val_text(state)};
    int rc = store_sql_int(s,
                           "SELECT COALESCE(SUM(amount_fen), 0) FROM exempt_entry WHERE "
                           "batch_id = ? AND state = ?",
                           a, 2, 0, total, err);
    if (!rc)
        rc = store_sql_int(s, "SELECT COUNT(*) FROM exempt_entry WHERE batch_id = ? AND state = ?",
                           a, 2, 0, count, err);
    return rc;
}

/* Begins, checks role and state, and leaves the transaction open on success. */
static int begin_batch_step(struct store *s, const struct actor *who, int64_t id, enum role role,
                            const char *want, struct error *err) {
    char state[16], dept[128];
    int rc = store_begin(s, err);
    if (rc) return rc;
    rc = batch_state(s, id, state, sizeof state, dept, sizeof dept, err);
    if (!rc && !((who->role == role && auth_sees_department(who, dept)) ||
                 (role == ROLE_REVIEWER && who->role == ROLE_ADMIN)))
        rc = error_set(err, ERR_FORBIDDEN, "无权处理批次 %lld", "batch %lld is outside your role",
                       (long long)id);
    if (!rc && strcmp(state, want) != 0)
        rc = error_set(err, ERR_CONFLICT, "批次处于 %s，需要 %s", "the batch is %s, not %s", state,
                       want);
    return rc ? wf_fail(s, rc) : 0;
}

int workflow_exempt_remove(struct store *s, const struct actor *who, int64_t batch_id,
                           const char *uscc, bool is_removed, const char *reason, int64_t now,
                           struct error *err) {
    (void)now;
    int rc = begin_batch_step(s, who, batch_id, ROLE_REVIEWER, "proposed", err);
    if (rc) return rc;
    const char *to = is_removed ? "removed" : "proposed",
               *from = is_removed ? "proposed" : "removed";
    struct store_val a[] = {store_val_text(to), store_val_text(reason), store_val_int(batch_id),
                            store_val_text(uscc), store_val_text(from)};
    rc = store_sql(s,
                   "UPDATE exempt_entry SET state = ?, reason = ? WHERE batch_id = ? AND uscc = ? "
                   "AND state = ?",
                   a, 5, NULL, err);
    if (!rc && store_sql_changes(s) != 1)
        rc = error_set(err, ERR_NOTFOUND, "批次中没有处于 %s 的企业 %s",
                       "no entry %2$s in state %1$s in the batch", from, uscc ? uscc : "");
    json_t *before = json_pack("{s:s,s:s}", "uscc", uscc ? uscc : "", "state", from);
    json_t *after =
        json_pack("{s:s,s:s,s:s?}", "uscc", uscc ? uscc : "", "state", to, "reason", reason);
    if (!rc)
        rc = audit_append(s, who, is_removed ? "exempt_remove" : "exempt_restore", "exempt_batch",
                          batch_id, before, after, NULL, err);
    json_decref(before);
    json_decref(after);
    return rc ? wf_fail(s, rc) : store_commit(s, err);
}

int workflow_exempt_confirm(struct store *s, const struct actor *who, int64_t batch_id, int64_t now,
                            struct error *err) {
    int rc = begin_batch_step(s, who, batch_id, ROLE_REVIEWER, "proposed", err);
    if (rc) return rc;
    struct store_val a[] = {store_val_int(now), store_val_int(batch_id)};
    rc = store_sql(s,
                   "UPDATE exempt_batch SET state = 'confirmed', confirmed_at = ? WHERE id = ? AND "
                   "state = 'proposed'",
                   a, 2, NULL, err);
    int64_t total = 0, count = 0;
    if (!rc) rc = batch_total(s, batch_id, "proposed", &total, &count, err);
    json_t *after = json_pack("{s:s,s:I,s:I}", "state", "confirmed", "entries", (json_int_t)count,
                              "total_fen", (json_int_t)total);
    json_t *before = json_pack("{s:s}", "state", "proposed");
    if (!rc)
        rc = audit_append(s, who, "exempt_confirm", "exempt_batch", batch_id, before, after, NULL,
                          err);
    json_decref(before);
    json_decref(after);
    return rc ? wf_fail(s, rc) : store_commit(s, err);
}

int workflow_exempt_pay(struct store *s, const struct actor *who, int64_t batch_id, int32_t paid_on,
                        const char *payment_ref, int64_t now, struct error *err) {
    if (!payment_ref || !payment_ref[0])
        return error_set(err, ERR_INVALID, "兑现需填写支付凭证号", "a payment needs its reference");
    if (paid_on == STORE_NO_DATE || paid_on < date_from_ymd(2000, 1, 1) ||
        paid_on > wf_day(now) + 1)
        return error_set(err, ERR_INVALID, "兑现日期无效", "the payment date is not valid");
    int rc = begin_batch_step(s, who, batch_id, ROLE_FINANCE, "confirmed", err);
    if (rc) return rc;
    int y, m, d;
    date_to_ymd(paid_on, &y, &m, &d);
    struct store_val a[] = {store_val_int(paid_on),     store_val_int(y),
                            store_val_int(y * 100 + m), store_val_text(payment_ref),
                            store_val_int(now),         store_val_int(batch_id)};
    rc = store_sql(s,
                   "INSERT INTO payment (source, source_id, clause_id, policy_id, clause_title, "
                   "department, uscc, region_code, district_code, section, amount_fen, paid_on, "
                   "year, month, payment_ref, created_at) SELECT 'exempt', e.id, b.clause_id, "
                   "b.policy_id, b.clause_title, b.department, e.uscc, e.region_code, "
                   "e.district_code, e.section, e.amount_fen, ?, ?, ?, ?, ? FROM exempt_entry e "
                   "JOIN exempt_batch b ON b.id = e.batch_id WHERE e.batch_id = ? AND "
                   "e.state = 'proposed'",
                   a, 6, NULL, err);
    int64_t total = 0, count = 0;
    if (!rc) rc = batch_total(s, batch_id, "proposed", &total, &count, err);
    struct store_val b[] = {store_val_int(batch_id)};
    if (!rc)
        rc = store_sql(s,
                       "UPDATE exempt_entry SET state = 'paid' WHERE batch_id = ? AND "
                       "state = 'proposed'",
                       b, 1, NULL, err);
    struct store_val c[] = {store_val_int(paid_on), store_val_text(payment_ref),
                            store_val_int(batch_id)};
    if (!rc)
        rc = store_sql(s,
                       "UPDATE exempt_batch SET state = 'paid', paid_on = ?, payment_ref = ? "
                       "WHERE id = ?",
                       c, 3, NULL, err);
    char day[16];
    json_t *before = json_pack("{s:s}", "state", "confirmed");
    json_t *after = json_pack("{s:s,s:I,s:I,s:s,s:s}", "state", "paid", "entries",
                              (json_int_t)count, "total_fen", (json_int_t)total, "paid_on",
                              date_format(paid_on, day, sizeof day), "payment_ref", payment_ref);
    if (!rc)
        rc = audit_append(s, who, "exempt_pay", "exempt_batch", batch_id, before, after, NULL, err);
    json_decref(before);
    json_decref(after);
    return rc ? wf_fail(s, rc) : store_commit(s, err);
}

static json_t *batch_json(const struct store_rows *r, int i) {
    char d[16];
    return json_pack(
        "{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:o,s:o}", "id", (json_int_t)store_rows_int(r, i, 0),
        "clause_id", (json_int_t)store_rows_int(r, i, 1), "policy_id",
        (json_int_t)store_rows_int(r, i, 2), "clause_title", store_rows_text(r, i, 3), "department",
        store_rows_text(r, i, 4), "state", store_rows_text(r, i, 5), "evaluated_on",
        date_format((int32_t)store_rows_int(r, i, 6), d, sizeof d), "created_at",
        (json_int_t)store_rows_int(r, i, 7), "paid_on",
        store_rows_is_null(r, i, 8)
            ? json_null()
            : json_string(date_format((int32_t)store_rows_int(r, i, 8), d, sizeof d)),
        "payment_ref",
        store_rows_is_null(r, i, 9) ? json_null() : json_string(store_rows_text(r, i, 9)));
}

#define BATCH_COLS                                                                                 \
    "id, clause_id, policy_id, clause_title, department, state, evaluated_on, created_at, "        \
    "paid_on, payment_ref"

static bool sees_batches(const struct actor *who) {
    return who->role == ROLE_REVIEWER || who->role == ROLE_FINANCE || who->role == ROLE_OFFICER ||
           who->role == ROLE_HUB || who->role == ROLE_ADMIN;
}

int workflow_exempt_list(struct store *s, const struct actor *who, json_t **out,
                         struct error *err) {
    *out = NULL;
    if (!sees_batches(who))
        return error_set(err, ERR_FORBIDDEN, "无权查看免申即享批次", "you may not see batches");
    struct store_rows *r = NULL;
    int rc =
        store_sql(s, "SELECT " BATCH_COLS " FROM exempt_batch ORDER BY id DESC", NULL, 0, &r, err);
    if (rc) return rc;
    json_t *a = json_array();
    for (int i = 0; i < store_rows_count(r); i++)
        if (auth_sees_department(who, store_rows_text(r, i, 4)) || who->role == ROLE_HUB)
            json_array_append_new(a, batch_json(r, i));
    store_rows_free(r);
    *out = a;
    return 0;
}

static json_t *totals_json(struct store *s, int64_t id, struct error *err, int *rc) {
    json_t *o = json_object();
    static const char *const st[] = {"proposed", "removed", "paid"};
    for (int k = 0; k < 3 && !*rc; k++) {
        int64_t total = 0, count = 0;
        *rc = batch_total(s, id, st[k], &total, &count, err);
        json_object_set_new(
            o, st[k],
            json_pack("{s:I,s:I}", "entries", (json_int_t)count, "total_fen", (json_int_t)total));
    }
    return o;
}

int workflow_exempt_get(struct store *s, const struct actor *who, int64_t batch_id, int64_t offset,
                        int limit, json_t **out, struct error *err) {
    *out = NULL;
    struct store_val a[] = {store_val_int(batch_id), store_val_int(limit), store_val_int(offset)};
    struct store_rows *r = NULL;
    int rc = store_sql(s, "SELECT " BATCH_COLS " FROM exempt_batch WHERE id = ?", a, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1 || !sees_batches(who) ||
        !(auth_sees_department(who, store_rows_text(r, 0, 4)) || who->role == ROLE_HUB)) {
        rc = store_rows_count(r) != 1
                 ? error_set(err, ERR_NOTFOUND, "批次 %lld 不存在", "batch %lld does not exist",
                             (long long)batch_id)
                 : error_set(err, ERR_FORBIDDEN, "无权查看批次 %lld",
                             "batch %lld is outside your scope", (long long)batch_id);
        store_rows_free(r);
        return rc;
    }
    json_t *o = batch_json(r, 0);
    store_rows_free(r);
    json_object_set_new(o, "totals", totals_json(s, batch_id, err, &rc));
    if (!rc)
        rc = store_sql(s,
                       "SELECT uscc, enterprise_name, district_code, section, has_award, "
                       "amount_fen, state, reason FROM exempt_entry WHERE batch_id = ? ORDER BY "
                       "uscc LIMIT ? OFFSET ?",
                       a, 3, &r, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    json_t *e = json_array();
    for (int i = 0; i < store_rows_count(r); i++)
        json_array_append_new(
            e, json_pack("{s:s,s:s,s:I,s:s,s:b,s:I,s:s,s:o}", "uscc", store_rows_text(r, i, 0),
                         "enterprise_name", store_rows_text(r, i, 1), "district_code",
                         (json_int_t)store_rows_int(r, i, 2), "section", store_rows_text(r, i, 3),
                         "has_award", store_rows_int(r, i, 4) != 0, "amount_fen",
                         (json_int_t)store_rows_int(r, i, 5), "state", store_rows_text(r, i, 6),
                         "reason",
                         store_rows_is_null(r, i, 7) ? json_null()
                                                     : json_string(store_rows_text(r, i, 7))));
    store_rows_free(r);
    json_object_set_new(o, "entries", e);
    *out = o;
    return 0;
}
