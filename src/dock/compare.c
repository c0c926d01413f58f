/* Owns 贷比三家: reading loan products and 贴息 subsidies from JSON, an enterprise's eligibility
 * and quota (线上测额) for each product, and the side-by-side comparison with exact schedules and
 * the real annual cost before and after the best subsidy. Does not own the arithmetic (loan.c),
 * the criteria (criteria.c) or storage. */
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "rules/rules.h"
#include "text/number.h"
#include "util/date.h"

#define MAX_CRIT 16
#define MAX_QUOTA 4

struct quota_term {
    enum field_id field; /* a money field: 纳税总额, 营业收入 … */
    struct ratio times;  /* quota += value × times */
};

struct product {
    const char *id, *bank, *name, *collateral;
    int64_t amount_min, amount_max;
    int32_t rate_min, rate_max, months_min, months_max;
    enum loan_method method;
    struct loan_fees fees;
    struct criterion crit[MAX_CRIT];
    int n_crit;
    struct quota_term quota[MAX_QUOTA];
    int n_quota;
    struct rule *rule; /* owned: who may apply and 线上测额 in the rule language; NULL = none */
};

struct subsidy {
    const char *id, *name;
    struct loan_subsidy s;
    struct criterion crit[MAX_CRIT];
    int n_crit;
    json_t *collateral; /* borrowed: array of collateral types it covers, NULL = any */
    struct rule *rule;  /* owned: who qualifies, in the rule language; NULL = none */
};

/* "rule": source in the rule language (docs/RULES.md); *out stays NULL when absent. */
static int rule_of(json_t *o, const char *id, struct rule **out, struct error *err) {
    *out = NULL;
    json_t *v = json_object_get(o, "rule");
    if (!v) return 0;
    const char *src = json_string_value(v);
    if (!src) {
        error_set(err, ERR_INVALID, "rule 须为文本", "rule must be text");
        return error_field(err, "rule");
    }
    int rc = rules_compile(src, strlen(src), id, out, err);
    return rc ? error_field(err, "rule") : 0;
}

/* The rule's verdict on p with one reason per condition; its award (线上测额) when it has one:
 * *award_state is TRI_TRUE with *award, TRI_UNKNOWN when it cannot be computed, TRI_FALSE when the
 * rule has no award line. */
static enum tri eval_rule(const struct rule *r, int32_t today, const struct profile *p, json_t *why,
                          enum tri *award_state, int64_t *award) {
    *award_state = TRI_FALSE;
    if (!r) return TRI_TRUE;
    const struct rule_version *v = rules_version_at(r, today);
    if (!v) {
        if (why)
            json_array_append_new(
                why, json_string("规则在该日期不生效 / the rule is not in force on that date"));
        return TRI_FALSE;
    }
    struct rule_eval *ev = malloc(sizeof *ev);
    struct error err;
    if (!ev || rules_eval(v, p, ev, &err)) {
        free(ev);
        if (why) json_array_append_new(why, json_string("规则计算溢出 / the rule overflowed"));
        return TRI_UNKNOWN;
    }
    for (int i = 0; why && i < ev->n_atoms; i++)
        json_array_append_new(why, json_string(ev->atoms[i].text));
    if (v->award) {
        *award_state = ev->has_award ? TRI_TRUE : TRI_UNKNOWN;
        *award = ev->award_fen;
        if (why && ev->has_award) {
            char b[460];
            snprintf(b, sizeof b, "测额：%s", ev->award_text);
            json_array_append_new(why, json_string(b));
        }
    }
    enum tri t = ev->result;
    free(ev);
    return t;
}

static const char *str_or(json_t *o, const char *key, const char *dflt) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : dflt;
}

static int money_of(json_t *o, const char *key, int64_t dflt, int64_t *out, struct error *err) {
    json_t *v = json_object_get(o, key);
    char buf[64];
    const char *s = json_string_value(v);
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v)), s = buf;
    if (!s || text_parse_money(s, strlen(s), out, err) || *out < 0) {
        if (!s || *out < 0)
            error_set(err, ERR_INVALID, "“%s” 须为金额", "\"%s\" must be an amount", key);
        return error_field(err, key);
    }
    return 0;
}

static int int_of(json_t *o, const char *key, int64_t lo, int64_t hi, int64_t dflt, int32_t *out,
                  struct error *err) {
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = (int32_t)dflt;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        error_set(err, ERR_INVALID, "“%s” 须为 %lld 至 %lld 的整数",
                  "\"%s\" must be an integer from %lld to %lld", key, (long long)lo, (long long)hi);
        return error_field(err, key);
    }
    *out = (int32_t)json_integer_value(v);
    return 0;
}

static int criteria_of(json_t *o, struct criterion *c, int *n, struct arena *a, struct error *err) {
    json_t *list = json_object_get(o, "criteria"), *item;
    size_t i;
    *n = 0;
    if (!list) return 0;
    if (!json_is_array(list) || json_array_size(list) > MAX_CRIT)
        return error_set(err, ERR_INVALID, "criteria 须为至多 16 个条件的数组",
                         "criteria must be an array of at most 16");
    json_array_foreach(list, i, item) {
        int rc = criterion_from_json(item, &c[i], a, err);
        if (rc) return rc;
        (*n)++;
    }
    return 0;
}

static int product_of(json_t *o, struct product *p, struct arena *a, struct error *err) {
    memset(p, 0, sizeof *p);
    int rc;
    p->id = str_or(o, "id", "");
    p->bank = str_or(o, "bank", "");
    p->name = str_or(o, "name", p->id);
    p->collateral = str_or(o, "collateral", "信用");
    if ((rc = money_of(o, "amount_min", 1, &p->amount_min, err)) ||
        (rc = money_of(o, "amount_max", LOAN_MAX_PRINCIPAL_FEN, &p->amount_max, err)))
        return rc;
    int32_t one = 0;
    if ((rc = int_of(o, "rate_bp", 0, LOAN_MAX_RATE_BP, -1, &one, err))) return rc;
    if ((rc = int_of(o, "rate_min_bp", 0, LOAN_MAX_RATE_BP, one, &p->rate_min, err)) ||
        (rc = int_of(o, "rate_max_bp", 0, LOAN_MAX_RATE_BP, one < 0 ? p->rate_min : one,
                     &p->rate_max, err)) ||
        (rc = int_of(o, "months_min", 1, LOAN_MAX_MONTHS, 1, &p->months_min, err)) ||
        (rc = int_of(o, "months_max", 1, LOAN_MAX_MONTHS, 12, &p->months_max, err)))
        return rc;
    if (p->rate_min < 0)
        return error_set(
            err, ERR_INVALID, "产品 “%s” 缺少利率（rate_bp 或 rate_min_bp/rate_max_bp）",
            "product \"%s\": rate missing (rate_bp or rate_min_bp/rate_max_bp)", p->id);
    if (p->rate_max < p->rate_min || p->months_max < p->months_min || p->amount_max < p->amount_min)
        return error_set(err, ERR_INVALID, "产品 “%s” 的利率、期限或额度区间无效",
                         "product \"%s\": bad rate, term or amount range", p->id);
    if ((rc = loan_method_parse(str_or(o, "method", "等额本息"), &p->method, err))) return rc;
    json_t *f = json_object_get(o, "fees");
    if (f) {
        int32_t bp = 0, g = 0;
        if ((rc = money_of(f, "upfront", 0, &p->fees.upfront_fen, err)) ||
            (rc = int_of(f, "upfront_bp", 0, 10000, 0, &bp, err)) ||
            (rc = int_of(f, "guarantee_bp_year", 0, 10000, 0, &g, err)))
            return rc;
        p->fees.upfront_bp = bp, p->fees.guarantee_bp_year = g;
    }
    json_t *q = json_object_get(o, "quota"), *t;
    size_t i;
    if (q && (!json_is_array(q) || json_array_size(q) > MAX_QUOTA))
        return error_set(err, ERR_INVALID, "quota 须为至多 4 项的数组",
                         "quota must be an array of at most 4");
    json_array_foreach(q, i, t) {
        const char *fname = str_or(t, "field", ""), *times = str_or(t, "times", "");
        const struct field_def *fd = schema_find(fname, strlen(fname));
        struct quota_term *qt = &p->quota[p->n_quota];
        if (!fd || fd->type != FT_MONEY ||
            text_parse_ratio(times, strlen(times), &qt->times, err) || qt->times.num < 0) {
            error_set(err, ERR_INVALID,
                      "测额项须为金额字段乘以比例（如 {\"field\":\"纳税总额\",\"times\":\"5\"}）",
                      "a quota term is a money field times a ratio "
                      "({\"field\":\"tax_paid\",\"times\":\"5\"})");
            return error_field(err, "quota");
        }
        qt->field = fd->id;
        p->n_quota++;
    }
    if ((rc = rule_of(o, p->id, &p->rule, err))) return rc;
    return criteria_of(o, p->crit, &p->n_crit, a, err);
}

static int subsidy_of(json_t *o, struct subsidy *s, struct arena *a, struct error *err) {
    memset(s, 0, sizeof *s);
    s->id = str_or(o, "id", "");
    s->name = str_or(o, "name", s->id);
    s->collateral = json_object_get(o, "collateral");
    struct loan_terms t;
    struct loan_fees fees;
    bool has;
    /* reuse the loan reader for the subsidy part: a dummy loan carrying this subsidy */
    json_t *loan = json_pack("{s:i, s:i, s:i, s:s, s:O}", "principal_fen", 1, "rate_bp", 0,
                             "months", LOAN_MAX_MONTHS, "method", "equal-instalment", "subsidy", o);
    int rc = loan ? loan_from_json(loan, &t, &fees, &s->s, &has, err) : ERR_NOMEM;
    json_decref(loan);
    if (rc || (rc = rule_of(o, s->id, &s->rule, err))) return rc;
    return criteria_of(o, s->crit, &s->n_crit, a, err);
}

/* AND over criteria; reasons appended to arr. */
static enum tri eval_all(const struct criterion *c, int n, const struct profile *p, json_t *arr) {
    enum tri all = TRI_TRUE;
    for (int i = 0; i < n; i++) {
        char why[600];
        enum tri t = criterion_eval(&c[i], p, why, sizeof why);
        all = tri_and(all, t);
        if (arr) json_array_append_new(arr, json_string(why));
    }
    return all;
}

/* 线上测额: Σ value × times, rounded half up; TRI_UNKNOWN when a field is missing. */
static enum tri quota_of(const struct product *pr, const struct profile *p, int64_t *out,
                         json_t *why) {
    struct ratio sum = {0, 1};
    for (int i = 0; i < pr->n_quota; i++) {
        const struct value *v = &p->v[pr->quota[i].field];
        if (!v->has) {
            char b[200];
            snprintf(b, sizeof b, "测额缺少%s / quota needs %s",
                     schema_field(pr->quota[i].field)->label,
                     schema_field(pr->quota[i].field)->key);
            json_array_append_new(why, json_string(b));
            return TRI_UNKNOWN;
        }
        struct ratio term;
        if (!ratio_mul((struct ratio){v->i, 1}, pr->quota[i].times, &term) ||
            !ratio_add(sum, term, &sum))
            return TRI_UNKNOWN;
    }
    return ratio_round(sum, out) ? TRI_TRUE : TRI_UNKNOWN;
}

struct cost_pair {
    struct loan_cost plain, with_sub;
    int64_t first_payment;
    const struct subsidy *sub;
};

static int cost_at(const struct loan_terms *t, const struct product *pr, const struct subsidy *subs,
                   int n_subs, const enum tri *sub_ok, struct cost_pair *out, struct error *err) {
    struct loan_schedule s;
    int rc = loan_schedule_compute(t, &s, err);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    out->first_payment = s.items[0].payment_fen;
    rc = loan_cost_compute(t, &s, &pr->fees, NULL, &out->plain, err);
    out->with_sub = out->plain;
    for (int i = 0; !rc && i < n_subs; i++) {
        if (sub_ok[i] != TRI_TRUE) continue;
        bool covers = !subs[i].collateral;
        size_t k;
        json_t *c;
        json_array_foreach(subs[i].collateral, k, c) {
            if (json_is_string(c) && strcmp(json_string_value(c), pr->collateral) == 0)
                covers = true;
        }
        if (!covers) continue;
        struct loan_cost lc;
        struct loan_subsidy sub = subs[i].s;
        if (sub.paid_month > t->months) sub.paid_month = 0;
        rc = loan_cost_compute(t, &s, &pr->fees, &sub, &lc, err);
        if (!rc && lc.subsidy_fen > out->with_sub.subsidy_fen)
            out->with_sub = lc, out->sub = &subs[i];
    }
    loan_schedule_release(&s);
    return rc;
}

static json_t *cost_json(const struct loan_terms *t, const struct cost_pair *c) {
    return json_pack("{s:i, s:I, s:I, s:I, s:I, s:s?}", "rate_bp", t->rate_bp, "first_payment_fen",
                     (json_int_t)c->first_payment, "total_interest_fen",
                     (json_int_t)c->plain.total_interest_fen, "fees_fen",
                     (json_int_t)c->plain.fees_fen, "net_cost_fen",
                     (json_int_t)c->plain.net_cost_fen, "apr_percent",
                     c->plain.has_irr ? c->plain.apr_percent : NULL);
}

struct offer {
    json_t *o;
    enum tri elig;
    int64_t irr; /* monthly IRR after subsidy at the highest rate */
    int64_t net;
};

static int offer_cmp(const void *x, const void *y) {
    const struct offer *a = x, *b = y;
    static const int rank[] = {2, 0, 1}; /* TRUE, UNKNOWN, FALSE */
    if (rank[a->elig] != rank[b->elig]) return rank[a->elig] < rank[b->elig] ? -1 : 1;
    if (a->irr != b->irr) return a->irr < b->irr ? -1 : 1;
    return a->net < b->net ? -1 : a->net > b->net;
}

/* Amount and term for this enterprise: the request clipped to the product's ranges and quota. */
static enum tri size_loan(const struct product *pr, const struct profile *prof, enum tri rule_quota,
                          int64_t rule_award, int64_t want, int32_t want_months,
                          struct loan_terms *t, json_t *o, json_t *why) {
    int64_t quota = rule_award;
    bool has_formula = pr->n_quota > 0 || rule_quota != TRI_FALSE;
    enum tri q = pr->n_quota ? quota_of(pr, prof, &quota, why) : rule_quota;
    if (!has_formula) q = TRI_TRUE;
    json_object_set_new(o, "quota_fen",
                        has_formula && q == TRI_TRUE ? json_integer(quota) : json_null());
    int64_t amount = want > 0 ? want : pr->amount_max;
    if (amount > pr->amount_max) amount = pr->amount_max;
    if (has_formula && q == TRI_TRUE && amount > quota) amount = quota;
    if (amount < pr->amount_min) {
        char b[300], m1[48], m2[48];
        snprintf(b, sizeof b, "可贷额度 %s 低于产品起贷额 %s ✗",
                 money_format(amount, m1, sizeof m1), money_format(pr->amount_min, m2, sizeof m2));
        json_array_append_new(why, json_string(b));
        q = TRI_FALSE;
        amount = pr->amount_min;
    }
    int32_t months = want_months > 0 ? want_months : pr->months_max;
    if (months < pr->months_min) months = pr->months_min;
    if (months > pr->months_max) months = pr->months_max;
    *t = (struct loan_terms){amount, pr->rate_max, months, pr->method};
    return q;
}

static int offer_of(const struct product *pr, const struct profile *prof, int32_t today,
                    const struct subsidy *subs, int n_subs, const enum tri *sub_ok, int64_t want,
                    int32_t want_months, struct offer *out, struct error *err) {
    json_t *o = json_object(), *why = json_array();
    json_object_set_new(o, "product", json_string(pr->id));
    json_object_set_new(o, "bank", json_string(pr->bank));
    json_object_set_new(o, "name", json_string(pr->name));
    json_object_set_new(o, "collateral", json_string(pr->collateral));
    enum tri e = eval_all(pr->crit, pr->n_crit, prof, why), award_state;
    int64_t award = 0;
    e = tri_and(e, eval_rule(pr->rule, today, prof, why, &award_state, &award));
    struct loan_terms t;
    e = tri_and(e, size_loan(pr, prof, award_state, award, want, want_months, &t, o, why));
    json_object_set_new(o, "eligibility", json_string(tri_name(e)));
    json_object_set_new(o, "amount_fen", json_integer(t.principal_fen));
    json_object_set_new(o, "months", json_integer(t.months));
    json_object_set_new(o, "method", json_string(loan_method_label(t.method)));
    struct cost_pair hi, lo;
    int rc = cost_at(&t, pr, subs, n_subs, sub_ok, &hi, err);
    struct loan_terms tl = t;
    tl.rate_bp = pr->rate_min;
    if (!rc) rc = cost_at(&tl, pr, subs, n_subs, sub_ok, &lo, err);
    if (rc) {
        json_decref(o), json_decref(why);
        return rc;
    }
    json_object_set_new(o, "at_min_rate", cost_json(&tl, &lo));
    json_object_set_new(o, "at_max_rate", cost_json(&t, &hi));
    json_object_set_new(o, "subsidy",
                        hi.sub
                            ? json_pack("{s:s, s:s, s:I}", "id", hi.sub->id, "name", hi.sub->name,
                                        "subsidy_fen", (json_int_t)hi.with_sub.subsidy_fen)
                            : json_null());
    json_object_set_new(o, "net_cost_fen", json_integer(hi.with_sub.net_cost_fen));
    json_object_set_new(o, "apr_after_subsidy_percent",
                        hi.with_sub.has_irr ? json_string(hi.with_sub.apr_percent) : json_null());
    json_object_set_new(o, "reasons", why);
    out->o = o, out->elig = e, out->net = hi.with_sub.net_cost_fen;
    out->irr = hi.with_sub.has_irr ? hi.with_sub.irr_monthly_lo : INT64_MAX;
    return 0;
}

json_t *loan_compare(json_t *in, struct error *err) {
    return loan_compare_profile(in, NULL, err);
}

json_t *loan_compare_profile(json_t *in, const struct profile *given, struct error *err) {
    if (!json_is_object(in)) {
        error_set(err, ERR_INVALID, "输入须为 JSON 对象", "input must be a JSON object");
        return NULL;
    }
    struct arena a;
    arena_init(&a, 1 << 14);
    json_t *result = NULL, *prods = json_object_get(in, "products"),
           *subs = json_object_get(in, "subsidies");
    size_t np = json_array_size(prods), ns = json_array_size(subs);
    struct product *p = calloc(np + 1, sizeof *p);
    struct subsidy *s = calloc(ns + 1, sizeof *s);
    struct offer *offers = calloc(np + 1, sizeof *offers);
    enum tri *sub_ok = calloc(ns + 1, sizeof *sub_ok);
    struct profile prof;
    struct field_errors fe = {0};
    int rc =
        p && s && offers && sub_ok ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int32_t today = date_today();
    const char *d = str_or(in, "date", NULL);
    if (!rc && d) rc = date_parse(d, strlen(d), &today, err);
    json_t *ent = json_object_get(in, "enterprise");
    if (!rc && given) {
        prof = *given;
        profile_derive(&prof, today, NULL);
    } else if (!rc && !json_is_object(ent)) {
        rc = error_set(err, ERR_INVALID, "缺少 enterprise 对象", "enterprise object missing");
    } else if (!rc) {
        profile_clear(&prof);
        if (profile_from_json(&prof, ent, &a, &fe) > 0) {
            rc = error_set(err, ERR_INVALID, "企业信息有误：%s", "bad enterprise value: %s",
                           fe.items[0].zh);
            error_field(err, fe.items[0].field);
        } else {
            profile_derive(&prof, today, NULL);
        }
    }
    json_t *req = json_object_get(in, "request");
    int64_t want = 0;
    int32_t want_months = 0;
    if (!rc && req) rc = money_of(req, "amount", 0, &want, err);
    if (!rc && req) rc = int_of(req, "months", 1, LOAN_MAX_MONTHS, 0, &want_months, err);
    for (size_t i = 0; !rc && i < ns; i++)
        if (!(rc = subsidy_of(json_array_get(subs, i), &s[i], &a, err))) {
            enum tri unused;
            int64_t none;
            sub_ok[i] = tri_and(eval_all(s[i].crit, s[i].n_crit, &prof, NULL),
                                eval_rule(s[i].rule, today, &prof, NULL, &unused, &none));
        }
    for (size_t i = 0; !rc && i < np; i++)
        if (!(rc = product_of(json_array_get(prods, i), &p[i], &a, err)))
            rc = offer_of(&p[i], &prof, today, s, (int)ns, sub_ok, want, want_months, &offers[i],
                          err);
    if (!rc) {
        qsort(offers, np, sizeof *offers, offer_cmp);
        json_t *list = json_array(), *maybe = json_array();
        for (size_t i = 0; i < np; i++)
            json_array_append_new(list, offers[i].o), offers[i].o = NULL;
        json_t *sure = json_array();
        for (size_t i = 0; i < ns; i++)
            if (sub_ok[i] == TRI_UNKNOWN)
                json_array_append_new(maybe, json_string(s[i].name));
            else if (sub_ok[i] == TRI_TRUE)
                json_array_append_new(sure, json_string(s[i].name));
        const char *name = prof.v[F_NAME].has ? prof.v[F_NAME].s : "";
        result = json_pack("{s:s, s:i, s:o, s:o}", "enterprise", name, "n_eligible", 0, "offers",
                           list, "subsidies_needing_data", maybe);
        json_object_set_new(result, "subsidies_eligible", sure);
        int n_ok = 0;
        for (size_t i = 0; i < json_array_size(list); i++)
            n_ok +=
                strcmp(json_string_value(json_object_get(json_array_get(list, i), "eligibility")),
                       "eligible") == 0;
        json_object_set_new(result, "n_eligible", json_integer(n_ok));
    }
    for (size_t i = 0; offers && i < np; i++)
        json_decref(offers[i].o);
    for (size_t i = 0; p && i < np; i++)
        rules_free(p[i].rule);
    for (size_t i = 0; s && i < ns; i++)
        rules_free(s[i].rule);
    free(p), free(s), free(offers), free(sub_ok);
    arena_release(&a);
    return result;
}

/* ---- 项目库 ---- */

static const char *const categories[] = {"绿色发展", "海洋经济", "科技创新", "先进制造",
                                         "民营小微"};
#define N_CATEGORIES 5

json_t *project_pool(json_t *in, struct error *err) {
    return project_pool_with(in, NULL, err);
}

json_t *project_pool_with(json_t *in, const struct dock_profiles *pf, struct error *err) {
    json_t *projects = json_object_get(in, "projects"), *p;
    json_t *topj = json_object_get(in, "top");
    int top = json_is_integer(topj) ? (int)json_integer_value(topj) : 3;
    if (!json_is_array(projects) || top < 1 || top > 100) {
        error_set(err, ERR_INVALID, "须有 projects 数组，top 为 1–100",
                  "projects array needed, top 1-100");
        return NULL;
    }
    int count[N_CATEGORIES] = {0}, served[N_CATEGORIES] = {0};
    int64_t asked[N_CATEGORIES] = {0};
    json_t *list = json_array();
    size_t i;
    json_array_foreach(projects, i, p) {
        const char *cat = json_string_value(json_object_get(p, "category"));
        int c = -1;
        for (int k = 0; cat && k < N_CATEGORIES; k++)
            if (strcmp(cat, categories[k]) == 0) c = k;
        json_t *q = json_object_get(p, "request");
        int64_t amount = 0;
        if (c < 0 || !json_string_value(json_object_get(p, "id")) ||
            money_of(q, "amount", 0, &amount, err)) {
            error_set(
                err, ERR_INVALID,
                "第 %zu 个项目须有 id 与类别（绿色发展、海洋经济、科技创新、先进制造、民营小微）",
                "project %zu needs an id and a category (绿色发展, 海洋经济, 科技创新, 先进制造, "
                "民营小微)",
                i + 1);
            json_decref(list);
            return NULL;
        }
        json_t *one = json_deep_copy(in);
        json_object_del(one, "projects");
        json_object_set(one, "enterprise", json_object_get(p, "enterprise"));
        json_object_set(one, "request", q ? q : json_null());
        const char *uscc = json_string_value(json_object_get(p, "uscc"));
        json_t *cmp;
        if (pf && uscc && !json_object_get(p, "enterprise")) {
            struct profile *prof = malloc(sizeof *prof);
            struct arena pa;
            arena_init(&pa, 4096);
            if (prof && pf->get(pf->ctx, uscc, prof, &pa)) profile_clear(prof);
            cmp = prof ? loan_compare_profile(one, prof, err) : NULL;
            free(prof);
            arena_release(&pa);
        } else {
            cmp = loan_compare(one, err);
        }
        json_decref(one);
        if (!cmp) {
            char zh[700], en[700];
            snprintf(zh, sizeof zh, "项目 %.64s：%.280s",
                     json_string_value(json_object_get(p, "id")), err->zh);
            snprintf(en, sizeof en, "project %.64s: %.280s",
                     json_string_value(json_object_get(p, "id")), err->en);
            error_set_text(err, err->code ? err->code : ERR_INVALID, zh, en);
            json_decref(list);
            return NULL;
        }
        json_t *offers = json_object_get(cmp, "offers"), *best = json_array(), *o;
        size_t k;
        json_array_foreach(offers, k, o) {
            if ((int)json_array_size(best) >= top) break;
            if (strcmp(json_string_value(json_object_get(o, "eligibility")), "eligible") != 0)
                continue;
            json_array_append_new(
                best, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "product",
                                json_object_get(o, "product"), "bank", json_object_get(o, "bank"),
                                "name", json_object_get(o, "name"), "amount_fen",
                                json_object_get(o, "amount_fen"), "net_cost_fen",
                                json_object_get(o, "net_cost_fen"), "apr_after_subsidy_percent",
                                json_object_get(o, "apr_after_subsidy_percent")));
        }
        count[c]++, asked[c] += amount, served[c] += json_array_size(best) > 0;
        json_array_append_new(list, json_pack("{s:O, s:O?, s:s, s:I, s:o}", "id",
                                              json_object_get(p, "id"), "name",
                                              json_object_get(p, "name"), "category", categories[c],
                                              "amount_fen", (json_int_t)amount, "offers", best));
        json_decref(cmp);
    }
    json_t *cats = json_array();
    for (int c = 0; c < N_CATEGORIES; c++)
        json_array_append_new(cats, json_pack("{s:s, s:i, s:I, s:i}", "category", categories[c],
                                              "projects", count[c], "amount_fen",
                                              (json_int_t)asked[c], "with_offer", served[c]));
    return json_pack("{s:o, s:o}", "categories", cats, "projects", list);
}
