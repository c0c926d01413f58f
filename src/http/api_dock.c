/* Owns the finance half of the docking API: 贷比三家 for one enterprise from the stored products
 * and subsidies (both repayment methods, 贴息, the effective rate), one loan's schedule, 融资需求
 * with the bank pipeline (post, steps, report, totals by bank, district and month), the 项目库
 * and the 上市梯队, and the organiser's generic record endpoints (/api/dock/records/{kind}). Who
 * sees what is dock_api.h's dock_view_of; the arithmetic is src/dock's, the tables dock_store.h's.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "http/dock_api.h"
#include "refdata/refdata.h"
#include "text/number.h"
#include "util/date.h"

enum dock_view dock_view_of(const struct actor *a) {
    switch (a->role) {
    case ROLE_ADMIN:
    case ROLE_HUB:
    case ROLE_OFFICER:
        return DOCK_ORGANISER;
    case ROLE_CENTRE:
    case ROLE_STATION:
    case ROLE_COMMISSIONER:
        return a->region < 0 ? DOCK_ORGANISER : DOCK_AREA;
    case ROLE_BANK:
        return DOCK_BANK;
    case ROLE_INVESTOR:
        return DOCK_INVESTOR;
    case ROLE_ENTERPRISE:
        return DOCK_ENTERPRISE;
    default:
        return DOCK_NONE;
    }
}

void dock_forbidden(struct http_response *res) {
    http_reply_error(res, 403, "forbidden", "无权访问该对接记录",
                     "this docking record is outside your scope");
}

int dock_need_organiser(struct http_request *req, struct http_response *res) {
    enum dock_view v = dock_view_of(http_actor(req));
    if (v == DOCK_ORGANISER || v == DOCK_AREA) return 0;
    dock_forbidden(res);
    return -1;
}

bool dock_sees_uscc(const struct actor *a, const char *uscc, const char *region) {
    enum dock_view v = dock_view_of(a);
    if (v == DOCK_ORGANISER) return true;
    int r = -1;
    struct error err;
    if (region && *region) r = region_find(region, strlen(region), &err);
    if (v == DOCK_AREA || v == DOCK_ENTERPRISE) return auth_sees_enterprise(a, uscc, r);
    return false;
}

int dock_param_id(struct http_request *req, const char *name, int64_t *out,
                  struct http_response *res) {
    const char *s = http_param(req, name);
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        http_reply_error(res, 400, "bad_id", "编号须为正整数", "the id must be a positive integer");
        return -1;
    }
    *out = v;
    return 0;
}

int dock_today(struct http_request *req, int32_t *today, struct http_response *res) {
    const char *s = http_query(req, "date");
    *today = date_today();
    if (!s || !*s) return 0;
    struct error err;
    error_clear(&err);
    if (date_parse(s, strlen(s), today, &err)) {
        error_field(&err, "date");
        http_reply_err(res, 400, &err);
        return -1;
    }
    return 0;
}

int dock_fail(struct http_response *res, const struct error *err) {
    http_reply_err(res, 0, err);
    return -1;
}

int dock_profile_from_store(void *ctx, const char *uscc, struct profile *p, struct arena *a) {
    struct error err;
    profile_clear(p);
    return store_get_enterprise(ctx, uscc, p, a, NULL, &err);
}

/* ---- 贷比三家 ---- */

/* Both repayment methods for an offer at its highest rate, to the fen. */
static json_t *both_methods(json_t *offer) {
    json_t *hi = json_object_get(offer, "at_max_rate");
    struct loan_terms t = {.principal_fen =
                               json_integer_value(json_object_get(offer, "amount_fen")),
                           .rate_bp = (int32_t)json_integer_value(json_object_get(hi, "rate_bp")),
                           .months = (int32_t)json_integer_value(json_object_get(offer, "months"))};
    json_t *o = json_object();
    const enum loan_method m[] = {LOAN_EQUAL_INSTALMENT, LOAN_EQUAL_PRINCIPAL};
    for (int k = 0; k < 2; k++) {
        t.method = m[k];
        struct loan_schedule s = {0};
        struct error err;
        if (t.principal_fen <= 0 || loan_schedule_compute(&t, &s, &err)) continue;
        json_object_set_new(o, loan_method_key(m[k]),
                            json_pack("{s:s, s:I, s:I, s:I, s:I}", "label", loan_method_label(m[k]),
                                      "first_payment_fen", (json_int_t)s.items[0].payment_fen,
                                      "last_payment_fen", (json_int_t)s.items[s.n - 1].payment_fen,
                                      "total_interest_fen", (json_int_t)s.total_interest_fen,
                                      "total_paid_fen", (json_int_t)s.total_paid_fen));
        loan_schedule_release(&s);
    }
    return o;
}

/* GET /api/dock/loans/compare?uscc=…&amount=500万元&months=12 */
static void loans_compare(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    const char *uscc = http_query(req, "uscc");
    if (!uscc && who->role == ROLE_ENTERPRISE) uscc = who->uscc;
    if (!uscc || !*uscc) {
        http_reply_error(res, 400, "uscc_missing", "须给出企业的统一社会信用代码 uscc",
                         "uscc is required");
        return;
    }
    int32_t today;
    if (dock_today(req, &today, res)) return;
    struct store *st = http_store(req, res);
    if (!st) return;
    struct error err;
    error_clear(&err);
    struct profile *p = malloc(sizeof *p);
    if (!p) {
        http_reply_error(res, 500, "nomem", "内存不足", "out of memory");
        return;
    }
    profile_clear(p);
    int64_t ent_id = 0;
    if (store_get_enterprise(st, uscc, p, http_arena(req), &ent_id, &err)) {
        free(p);
        dock_fail(res, &err);
        return;
    }
    int region = p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
    if (dock_view_of(who) != DOCK_ORGANISER && dock_view_of(who) != DOCK_BANK &&
        !auth_sees_enterprise(who, p->v[F_USCC].s, region)) {
        free(p);
        dock_forbidden(res);
        return;
    }
    json_t *in = NULL;
    if (dock_compare_input(st, &in, &err)) {
        free(p);
        dock_fail(res, &err);
        return;
    }
    char d[16];
    json_object_set_new(in, "date", json_string(date_format(today, d, sizeof d)));
    json_t *rq = json_object();
    const char *amount = http_query(req, "amount");
    int64_t fen = 0, months = 0;
    if (amount && *amount) {
        if (text_parse_money(amount, strlen(amount), &fen, &err) || fen <= 0) {
            json_decref(in), json_decref(rq), free(p);
            error_field(&err, "amount");
            http_reply_err(res, 400, &err);
            return;
        }
        json_object_set_new(rq, "amount", json_string(amount));
    }
    if (http_query_int(req, "months", 0, 0, LOAN_MAX_MONTHS, &months, res) < 0) {
        json_decref(in), json_decref(rq), free(p);
        return;
    }
    if (months) json_object_set_new(rq, "months", json_integer(months));
    json_object_set_new(in, "request", rq);
    json_t *out = loan_compare_profile(in, p, &err);
    json_decref(in);
    free(p);
    if (!out) {
        dock_fail(res, &err);
        return;
    }
    json_t *o;
    size_t i;
    json_array_foreach(json_object_get(out, "offers"), i, o)
        json_object_set_new(o, "methods", both_methods(o));
    json_object_set_new(out, "uscc", json_string(uscc));
    http_reply_json(res, 200, out);
}

/* POST /api/dock/loans/schedule: one loan (loan_from_json's object) → `duijie loan`'s JSON. */
static void loans_schedule(struct http_request *req, struct http_response *res) {
    json_t *in = http_body_json(req, res);
    if (!in) return;
    struct loan_terms t;
    struct loan_fees fees;
    struct loan_subsidy sub;
    bool has_sub;
    struct loan_schedule s = {0};
    struct loan_cost c;
    struct error err;
    error_clear(&err);
    int rc = loan_from_json(in, &t, &fees, &sub, &has_sub, &err);
    if (!rc) rc = loan_schedule_compute(&t, &s, &err);
    if (!rc) rc = loan_cost_compute(&t, &s, &fees, has_sub ? &sub : NULL, &c, &err);
    json_decref(in);
    if (rc) {
        loan_schedule_release(&s);
        http_reply_err(res, 422, &err);
        return;
    }
    http_reply_json(res, 200, loan_to_json(&t, &s, &c));
    loan_schedule_release(&s);
}

/* ---- 融资需求 ---- */

/* The bank (dock_bank id) the actor speaks for, 0 for none. */
static int64_t bank_of(const struct actor *a) {
    return a->role == ROLE_BANK ? a->org_id : 0;
}

/* POST /api/dock/financing {uscc, amount_fen, months, purpose}: an enterprise posts its own. */
static void financing_post(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    json_t *in = http_body_json(req, res);
    if (!in) return;
    int32_t today;
    struct store *st = NULL;
    if (dock_today(req, &today, res) || !(st = http_store(req, res))) {
        json_decref(in);
        return;
    }
    if (who->role == ROLE_ENTERPRISE && !json_object_get(in, "uscc"))
        json_object_set_new(in, "uscc", json_string(who->uscc));
    const char *uscc = json_string_value(json_object_get(in, "uscc"));
    struct error err;
    error_clear(&err);
    struct profile *p = malloc(sizeof *p);
    bool has_p = p && uscc && !dock_profile_from_store(st, uscc, p, http_arena(req));
    int region = has_p && p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
    enum dock_view v = dock_view_of(who);
    if (!uscc || (v != DOCK_ORGANISER && !auth_sees_enterprise(who, uscc, region))) {
        free(p), json_decref(in);
        if (!uscc)
            http_reply_error(res, 400, "uscc_missing", "须给出 uscc", "uscc is required");
        else
            dock_forbidden(res);
        return;
    }
    if (has_p && !json_object_get(in, "enterprise") && p->v[F_NAME].has)
        json_object_set_new(in, "enterprise", json_string(p->v[F_NAME].s));
    if (region >= 0 && !json_object_get(in, "region"))
        json_object_set_new(in, "region", json_string(region_at(region)->name));
    int64_t id = 0;
    int rc = dock_financing_post(st, in, has_p ? p : NULL, today, &id, &err);
    free(p), json_decref(in);
    if (rc) {
        dock_fail(res, &err);
        return;
    }
    json_t *row = NULL;
    if (dock_get(st, "financing", id, &row, &err)) {
        dock_fail(res, &err);
        return;
    }
    struct store_val a = store_val_int(id);
    json_t *banks = NULL;
    if (!dock_query(st,
                    "SELECT b.id, b.name FROM dock_financing_bank f JOIN dock_bank b ON b.id ="
                    " f.bank_id WHERE f.need_id = ? ORDER BY b.id",
                    &a, 1, "is", &banks, &err))
        json_object_set_new(row, "banks", banks);
    http_reply_json(res, 201, row);
}

/* The need, if the actor may see it (else a reply and NULL). */
static json_t *need_for(struct http_request *req, struct store *st, int64_t id,
                        struct http_response *res) {
    const struct actor *who = http_actor(req);
    struct error err;
    json_t *row = NULL;
    if (dock_get(st, "financing", id, &row, &err)) {
        dock_fail(res, &err);
        return NULL;
    }
    bool ok = dock_sees_uscc(who, json_string_value(json_object_get(row, "uscc")),
                             json_string_value(json_object_get(row, "region")));
    if (!ok && bank_of(who)) {
        struct store_val a[] = {store_val_int(id), store_val_int(bank_of(who))};
        int64_t n = 0;
        ok = !store_sql_int(st,
                            "SELECT COUNT(*) FROM dock_financing_bank WHERE need_id = ? AND bank_id"
                            " = ?",
                            a, 2, 0, &n, &err) &&
             n > 0;
    }
    if (!ok) {
        json_decref(row);
        dock_forbidden(res);
        return NULL;
    }
    return row;
}

/* GET /api/dock/financing: the needs in the actor's scope, each with status and overdue
 * commitments, and the totals by bank, district and month. */
static const struct export_column need_cols[] = {
    {"id", "编号", EXPORT_TEXT},
    {"enterprise", "企业", EXPORT_TEXT},
    {"uscc", "统一社会信用代码", EXPORT_TEXT},
    {"district", "区市", EXPORT_TEXT},
    {"amount_fen", "融资金额（元）", EXPORT_MONEY},
    {"months", "期限（月）", EXPORT_INT},
    {"purpose", "用途", EXPORT_TEXT},
    {"posted", "发布日期", EXPORT_DATE},
    {"status", "状态", EXPORT_TEXT},
    {"overdue_text", "逾期承诺", EXPORT_TEXT},
    {"credit_fen", "授信（元）", EXPORT_MONEY},
    {"loan_fen", "放款（元）", EXPORT_MONEY},
};

static void financing_list(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    enum dock_view v = dock_view_of(who);
    int fmt = http_query_format(req, res);
    if (fmt == -2) return;
    if (v == DOCK_INVESTOR || v == DOCK_NONE) {
        dock_forbidden(res);
        return;
    }
    int32_t today;
    struct store *st = NULL;
    if (dock_today(req, &today, res) || !(st = http_store(req, res))) return;
    struct error err;
    error_clear(&err);
    json_t *in = NULL;
    if (v == DOCK_BANK && !bank_of(who)) {
        dock_forbidden(res);
        return;
    }
    if (dock_financing_input(st, bank_of(who), v == DOCK_ENTERPRISE ? who->uscc : NULL, today, &in,
                             &err)) {
        dock_fail(res, &err);
        return;
    }
    if (v == DOCK_AREA) { /* only the needs of enterprises in the area */
        json_t *kept = json_array(), *n;
        size_t i;
        json_array_foreach(json_object_get(in, "needs"), i, n) {
            if (dock_sees_uscc(who, json_string_value(json_object_get(n, "uscc")),
                               json_string_value(json_object_get(n, "region"))))
                json_array_append(kept, n);
        }
        json_object_set_new(in, "needs", kept);
    }
    json_t *rep = financing_report(in, &err);
    if (!rep) {
        json_decref(in);
        dock_fail(res, &err);
        return;
    }
    /* the report's rows with the stored deadlines and the request's events */
    json_t *n;
    size_t i;
    json_array_foreach(json_object_get(rep, "needs"), i, n) {
        json_t *src = json_array_get(json_object_get(in, "needs"), i);
        const char *keys[] = {"uscc", "amount_fen", "months", "purpose", "posted", "events"};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            json_object_set(n, keys[k], json_object_get(src, keys[k]));
    }
    json_decref(in);
    if (fmt >= 0) {
        json_array_foreach(json_object_get(rep, "needs"), i, n) {
            char buf[64] = "";
            json_t *o;
            size_t k;
            json_array_foreach(json_object_get(n, "overdue"), k, o) {
                size_t used = strlen(buf);
                snprintf(buf + used, sizeof buf - used, "%s%s", k ? "、" : "",
                         json_string_value(o));
            }
            json_object_set_new(n, "overdue_text", json_string(buf));
        }
        http_reply_export(res, need_cols, (int)(sizeof need_cols / sizeof *need_cols),
                          json_object_get(rep, "needs"), "融资需求", "financing", fmt);
        json_decref(rep);
        return;
    }
    http_reply_json(res, 200, rep);
}

static void financing_get(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *st;
    if (dock_param_id(req, "id", &id, res) || !(st = http_store(req, res))) return;
    json_t *row = need_for(req, st, id, res);
    if (!row) return;
    struct store_val a = store_val_int(id);
    struct error err;
    json_t *steps = NULL, *banks = NULL;
    int64_t bank = bank_of(http_actor(req));
    if (dock_query(st,
                   "SELECT t.id, t.bank_id, b.name AS bank, t.step, t.amount_fen, t.date, t.note"
                   " FROM dock_financing_step t JOIN dock_bank b ON b.id = t.bank_id WHERE"
                   " t.need_id = ? ORDER BY t.date, t.id",
                   &a, 1, "iissids", &steps, &err) ||
        dock_query(st,
                   "SELECT b.id, b.name FROM dock_financing_bank f JOIN dock_bank b ON b.id ="
                   " f.bank_id WHERE f.need_id = ? ORDER BY b.id",
                   &a, 1, "is", &banks, &err)) {
        json_decref(row);
        dock_fail(res, &err);
        return;
    }
    if (bank) { /* a bank sees its own steps only */
        json_t *mine = json_array(), *s;
        size_t i;
        json_array_foreach(steps, i, s) {
            if (json_integer_value(json_object_get(s, "bank_id")) == bank)
                json_array_append(mine, s);
        }
        json_decref(steps);
        steps = mine;
    }
    json_object_set_new(row, "steps", steps);
    json_object_set_new(row, "banks", banks);
    http_reply_json(res, 200, row);
}

/* POST /api/dock/financing/{id}/steps {bank_id, step, amount_fen, date}: a bank records its own
 * step (bank_id is its own); an organiser any bank's. */
static void financing_step(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    enum dock_view v = dock_view_of(who);
    if (v != DOCK_ORGANISER && v != DOCK_BANK) {
        dock_forbidden(res);
        return;
    }
    int64_t id;
    int32_t today;
    struct store *st;
    if (dock_param_id(req, "id", &id, res) || dock_today(req, &today, res) ||
        !(st = http_store(req, res)))
        return;
    json_t *row = need_for(req, st, id, res);
    if (!row) return;
    json_decref(row);
    json_t *in = http_body_json(req, res);
    if (!in) return;
    if (v == DOCK_BANK) {
        json_t *b = json_object_get(in, "bank_id");
        if (b && json_integer_value(b) != bank_of(who)) {
            json_decref(in);
            dock_forbidden(res);
            return;
        }
        json_object_set_new(in, "bank_id", json_integer(bank_of(who)));
    }
    struct error err;
    error_clear(&err);
    int64_t sid = 0;
    int rc = dock_financing_step(st, id, in, today, &sid, &err);
    json_decref(in);
    if (rc) {
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    json_t *need = NULL;
    if (dock_get(st, "financing", id, &need, &err)) {
        dock_fail(res, &err);
        return;
    }
    json_object_set_new(need, "step_id", json_integer(sid));
    http_reply_json(res, 201, need);
}

/* ---- 项目库 and 上市梯队 ---- */

static void projects(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int32_t today;
    struct store *st;
    if (dock_today(req, &today, res) || !(st = http_store(req, res))) return;
    struct error err;
    error_clear(&err);
    json_t *in = NULL, *rows = NULL;
    if (dock_compare_input(st, &in, &err) ||
        dock_list(st, "project", NULL, store_val_null(), 0, 0, &rows, &err)) {
        json_decref(in);
        dock_fail(res, &err);
        return;
    }
    json_t *list = json_array(), *r;
    size_t i;
    json_array_foreach(rows, i, r) {
        char id[24], amt[48];
        int64_t fen = json_integer_value(json_object_get(r, "amount_fen"));
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r, "id")));
        snprintf(amt, sizeof amt, "%lld.%02lld元", (long long)(fen / 100), (long long)(fen % 100));
        json_t *rq = json_pack("{s:s}", "amount", amt);
        if (json_is_integer(json_object_get(r, "months")))
            json_object_set(rq, "months", json_object_get(r, "months"));
        json_array_append_new(list, json_pack("{s:s, s:O, s:O, s:O, s:o}", "id", id, "name",
                                              json_object_get(r, "name"), "category",
                                              json_object_get(r, "category"), "uscc",
                                              json_object_get(r, "uscc"), "request", rq));
    }
    json_decref(rows);
    char d[16];
    json_object_set_new(in, "date", json_string(date_format(today, d, sizeof d)));
    json_object_set_new(in, "projects", list);
    struct dock_profiles pf = {dock_profile_from_store, st};
    json_t *out = project_pool_with(in, &pf, &err);
    json_decref(in);
    if (!out) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, out);
}

static void listing(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int32_t today;
    struct store *st;
    if (dock_today(req, &today, res) || !(st = http_store(req, res))) return;
    const char *region = http_query(req, "region");
    struct error err;
    error_clear(&err);
    json_t *firms = NULL, *hist = NULL, *targets = NULL, *rewards = NULL;
    if (dock_list(st, "listing_firm", NULL, store_val_null(), 0, 0, &firms, &err) ||
        dock_query(st, "SELECT uscc, stage, date FROM dock_listing_history ORDER BY uscc, date, id",
                   NULL, 0, "ssd", &hist, &err) ||
        dock_list(st, "listing_target", region && *region ? "region" : NULL, store_val_text(region),
                  0, 0, &targets, &err) ||
        dock_list(st, "listing_reward", NULL, store_val_null(), 0, 0, &rewards, &err)) {
        json_decref(firms), json_decref(hist), json_decref(targets);
        dock_fail(res, &err);
        return;
    }
    json_t *by_uscc = json_object(), *h, *f;
    size_t i;
    json_array_foreach(hist, i, h) {
        const char *u = json_string_value(json_object_get(h, "uscc"));
        json_t *l = json_object_get(by_uscc, u);
        if (!l) json_object_set_new(by_uscc, u, l = json_array());
        json_array_append_new(l, json_pack("{s:O, s:O}", "stage", json_object_get(h, "stage"),
                                           "date", json_object_get(h, "date")));
    }
    json_t *list = json_array();
    json_array_foreach(firms, i, f) {
        const char *u = json_string_value(json_object_get(f, "uscc"));
        json_t *hl = json_object_get(by_uscc, u);
        json_array_append_new(list, json_pack("{s:s, s:s, s:O, s:O, s:O}", "id", u, "uscc", u,
                                              "name", json_object_get(f, "name"), "stage",
                                              json_object_get(f, "stage"), "history",
                                              hl ? hl : json_null()));
    }
    json_t *tg = json_object(), *t;
    json_array_foreach(targets, i, t) {
        json_t *old = json_object_get(tg, json_string_value(json_object_get(t, "stage")));
        json_object_set_new(tg, json_string_value(json_object_get(t, "stage")),
                            json_integer((old ? json_integer_value(old) : 0) +
                                         json_integer_value(json_object_get(t, "target"))));
    }
    json_t *rw = json_array(), *r;
    json_array_foreach(rewards, i, r) {
        char id[24], amt[48];
        int64_t fen = json_integer_value(json_object_get(r, "amount_fen"));
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r, "id")));
        snprintf(amt, sizeof amt, "%lld.%02lld元", (long long)(fen / 100), (long long)(fen % 100));
        json_t *o = json_pack("{s:s, s:O, s:O, s:s}", "id", id, "name", json_object_get(r, "name"),
                              "stage", json_object_get(r, "stage"), "amount", amt);
        if (json_is_array(json_object_get(r, "criteria")))
            json_object_set(o, "criteria", json_object_get(r, "criteria"));
        json_array_append_new(rw, o);
    }
    char d[16];
    json_t *in = json_pack("{s:s, s:o, s:o, s:o}", "date", date_format(today, d, sizeof d), "firms",
                           list, "targets", tg, "rewards", rw);
    json_decref(firms), json_decref(hist), json_decref(targets), json_decref(rewards),
        json_decref(by_uscc);
    struct dock_profiles pf = {dock_profile_from_store, st};
    json_t *out = listing_pipeline_with(in, &pf, &err);
    json_decref(in);
    if (!out) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, out);
}

/* POST /api/dock/listing/{uscc}/stage {stage, date, name} */
static void listing_move(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    struct store *st = http_store(req, res);
    if (!st) return;
    json_t *in = http_body_json(req, res);
    if (!in) return;
    int32_t day = date_today();
    const char *ds = json_string_value(json_object_get(in, "date"));
    struct error err;
    error_clear(&err);
    int rc = ds ? date_parse(ds, strlen(ds), &day, &err) : 0;
    if (!rc)
        rc = dock_listing_move(st, http_param(req, "uscc"),
                               json_string_value(json_object_get(in, "name")),
                               json_string_value(json_object_get(in, "stage")), day, &err);
    json_decref(in);
    if (rc) {
        dock_fail(res, &err);
        return;
    }
    json_t *rows = NULL;
    if (dock_list(st, "listing_firm", "uscc", store_val_text(http_param(req, "uscc")), 1, 0, &rows,
                  &err)) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, json_incref(json_array_get(rows, 0)));
    json_decref(rows);
}

/* ---- generic records (organisers; banks their own products) ---- */

/* Kinds anyone may read: published offers, events and the programme's public parts. */
static bool is_public(const char *kind) {
    static const char *const pub[] = {"bank",     "product",        "subsidy",   "event",
                                      "investor", "listing_target", "challenge", "milestone"};
    for (size_t i = 0; i < sizeof pub / sizeof *pub; i++)
        if (strcmp(pub[i], kind) == 0) return true;
    return false;
}

/* Whether the actor may write this record of this kind. */
static bool may_write(const struct actor *who, const char *kind, json_t *body, json_t *old) {
    enum dock_view v = dock_view_of(who);
    if (v == DOCK_ORGANISER) return true;
    if (v == DOCK_BANK && strcmp(kind, "product") == 0) {
        json_t *b = json_object_get(body, "bank_id");
        return who->org_id && (!b || json_integer_value(b) == who->org_id) &&
               (!old || json_integer_value(json_object_get(old, "bank_id")) == who->org_id);
    }
    if (v == DOCK_ENTERPRISE &&
        (strcmp(kind, "need") == 0 || strcmp(kind, "capability") == 0 ||
         strcmp(kind, "invest_project") == 0 || strcmp(kind, "project") == 0)) {
        json_t *u = json_object_get(body, "uscc");
        return (!u || strcmp(json_string_value(u) ? json_string_value(u) : "", who->uscc) == 0) &&
               (!old || strcmp(json_string_value(json_object_get(old, "uscc")), who->uscc) == 0);
    }
    return false;
}

static bool kind_ok(struct http_request *req, struct http_response *res) {
    if (dock_kind_is_known(http_param(req, "kind"))) return true;
    http_reply_error(res, 404, "unknown_kind", "没有这种对接记录",
                     "no such kind of docking record");
    return false;
}

/* GET /api/dock/records/{kind}?by=column&value=v&limit&offset */
static void records_list(struct http_request *req, struct http_response *res) {
    if (!kind_ok(req, res)) return;
    const char *kind = http_param(req, "kind");
    const struct actor *who = http_actor(req);
    enum dock_view v = dock_view_of(who);
    const char *by = http_query(req, "by"), *value = http_query(req, "value");
    bool own =
        v == DOCK_ENTERPRISE && (strcmp(kind, "need") == 0 || strcmp(kind, "capability") == 0 ||
                                 strcmp(kind, "invest_project") == 0 ||
                                 strcmp(kind, "project") == 0 || strcmp(kind, "financing") == 0);
    if (own)
        by = "uscc", value = who->uscc; /* an enterprise lists its own */
    else if (!is_public(kind) && dock_need_organiser(req, res))
        return;
    int64_t limit, offset;
    if (http_query_int(req, "limit", 100, 1, 10000, &limit, res) < 0 ||
        http_query_int(req, "offset", 0, 0, INT32_MAX, &offset, res) < 0)
        return;
    struct store *st = http_store(req, res);
    if (!st) return;
    struct error err;
    error_clear(&err);
    struct store_val val = store_val_text(value);
    char *end = NULL;
    long long n = value ? strtoll(value, &end, 10) : 0;
    if (value && *value && !*end) val = store_val_int(n);
    json_t *out = NULL;
    if (dock_list(st, kind, by && *by ? by : NULL, val, (int)limit, (int)offset, &out, &err)) {
        http_reply_err(res, 400, &err);
        return;
    }
    http_reply_json(res, 200, json_pack("{s:s, s:o}", "kind", kind, "items", out));
}

static void records_get(struct http_request *req, struct http_response *res) {
    if (!kind_ok(req, res)) return;
    const char *kind = http_param(req, "kind");
    int64_t id;
    struct store *st;
    if (dock_param_id(req, "id", &id, res) || !(st = http_store(req, res))) return;
    struct error err;
    json_t *row = NULL;
    if (dock_get(st, kind, id, &row, &err)) {
        dock_fail(res, &err);
        return;
    }
    const struct actor *who = http_actor(req);
    const char *u = json_string_value(json_object_get(row, "uscc"));
    if (!is_public(kind) && dock_view_of(who) != DOCK_ORGANISER &&
        !(u && dock_view_of(who) != DOCK_BANK &&
          dock_sees_uscc(who, u, json_string_value(json_object_get(row, "region")))) &&
        !may_write(who, kind, NULL, row)) {
        json_decref(row);
        dock_forbidden(res);
        return;
    }
    http_reply_json(res, 200, row);
}

/* POST /api/dock/records/{kind} (new) and PUT /api/dock/records/{kind}/{id} (the keys given). */
static void records_put(struct http_request *req, struct http_response *res) {
    if (!kind_ok(req, res)) return;
    const char *kind = http_param(req, "kind");
    bool is_update = strcmp(http_method(req), "PUT") == 0;
    int64_t id = 0;
    struct store *st;
    if ((is_update && dock_param_id(req, "id", &id, res)) || !(st = http_store(req, res))) return;
    json_t *in = http_body_json(req, res);
    if (!in) return;
    struct error err;
    error_clear(&err);
    json_t *old = NULL;
    if (is_update && dock_get(st, kind, id, &old, &err)) {
        json_decref(in);
        dock_fail(res, &err);
        return;
    }
    const struct actor *who = http_actor(req);
    if (!may_write(who, kind, in, old)) {
        json_decref(in), json_decref(old);
        dock_forbidden(res);
        return;
    }
    json_decref(old);
    if (is_update)
        json_object_set_new(in, "id", json_integer(id));
    else
        json_object_del(in, "id");
    if (!is_update && dock_view_of(who) == DOCK_ENTERPRISE && !json_object_get(in, "uscc"))
        json_object_set_new(in, "uscc", json_string(who->uscc));
    if (!is_update && dock_view_of(who) == DOCK_BANK && !json_object_get(in, "bank_id"))
        json_object_set_new(in, "bank_id", json_integer(who->org_id));
    int rc = dock_put(st, kind, in, &id, &err);
    json_decref(in);
    json_t *row = NULL;
    if (!rc) rc = dock_get(st, kind, id, &row, &err);
    if (rc) {
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    http_reply_json(res, is_update ? 200 : 201, row);
}

static void records_delete(struct http_request *req, struct http_response *res) {
    if (!kind_ok(req, res) || dock_need_organiser(req, res)) return;
    int64_t id;
    struct store *st;
    if (dock_param_id(req, "id", &id, res) || !(st = http_store(req, res))) return;
    struct error err;
    if (dock_delete(st, http_param(req, "kind"), id, &err)) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, json_pack("{s:b}", "deleted", 1));
}

void http_routes_dock(struct http_router *r) {
    http_route(r, "GET", "/api/dock/loans/compare", loans_compare, 0);
    http_route(r, "POST", "/api/dock/loans/schedule", loans_schedule, 0);
    http_route(r, "GET", "/api/dock/financing", financing_list, 0);
    http_route(r, "POST", "/api/dock/financing", financing_post, 0);
    http_route(r, "GET", "/api/dock/financing/{id}", financing_get, 0);
    http_route(r, "POST", "/api/dock/financing/{id}/steps", financing_step, 0);
    http_route(r, "GET", "/api/dock/projects", projects, 0);
    http_route(r, "GET", "/api/dock/listing", listing, 0);
    http_route(r, "POST", "/api/dock/listing/{uscc}/stage", listing_move, 0);
    http_route(r, "GET", "/api/dock/records/{kind}", records_list, 0);
    http_route(r, "POST", "/api/dock/records/{kind}", records_put, 0);
    http_route(r, "GET", "/api/dock/records/{kind}/{id}", records_get, 0);
    http_route(r, "PUT", "/api/dock/records/{kind}/{id}", records_put, 0);
    http_route(r, "DELETE", "/api/dock/records/{kind}/{id}", records_delete, 0);
}
