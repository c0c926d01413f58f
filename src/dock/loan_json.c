/* Owns reading loan offers from JSON and writing schedules and costs as JSON (the CLI and HTTP
 * contracts). Does not own the arithmetic (loan.c). */
#include <string.h>

#include "dock/dock.h"
#include "text/number.h"

static int want_int(json_t *o, const char *key, int64_t lo, int64_t hi, int64_t *out,
                    struct error *err) {
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return 1; /* absent */
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        error_set(err, ERR_INVALID, "“%s” 须为 %lld 至 %lld 之间的整数",
                  "\"%s\" must be an integer between %lld and %lld", key, (long long)lo,
                  (long long)hi);
        return error_field(err, key);
    }
    *out = json_integer_value(v);
    return 0;
}

/* Money: "key_fen" as an integer of fen, or "key" as yuan (number or text with units). */
static int want_money(json_t *o, const char *key, int64_t *out, struct error *err) {
    char fk[64];
    snprintf(fk, sizeof fk, "%s_fen", key);
    int rc = want_int(o, fk, 0, LOAN_MAX_PRINCIPAL_FEN, out, err);
    if (rc <= 0) return rc;
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return 1;
    char tmp[64];
    const char *s = tmp;
    if (json_is_string(v))
        s = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
    else {
        error_set(err, ERR_INVALID, "“%s” 须为金额", "\"%s\" must be an amount", key);
        return error_field(err, key);
    }
    if ((rc = text_parse_money(s, strlen(s), out, err))) return error_field(err, key);
    return 0;
}

/* A rate in basis points: "key_bp" as an integer, or "key" as "4.35%". */
static int want_bp(json_t *o, const char *key, int64_t *out, struct error *err) {
    char bk[64];
    snprintf(bk, sizeof bk, "%s_bp", key);
    int rc = want_int(o, bk, 0, LOAN_MAX_RATE_BP, out, err);
    if (rc <= 0) return rc;
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return 1;
    struct ratio r;
    const char *s = json_string_value(v);
    if (!s || text_parse_ratio(s, strlen(s), &r, err)) {
        if (!s) error_set(err, ERR_INVALID, "“%s” 须为百分比", "\"%s\" must be a percentage", key);
        return error_field(err, key);
    }
    struct ratio bp;
    bool ok = ratio_mul(r, (struct ratio){10000, 1}, &bp);
    if (ok) bp = ratio_reduce(bp);
    if (!ok || bp.den != 1 || bp.num < 0 || bp.num > LOAN_MAX_RATE_BP) {
        error_set(err, ERR_INVALID, "“%s” 须为 0 至 100%% 之间、精确到 0.01%% 的利率",
                  "\"%s\" must be a rate from 0 to 100%% in steps of 0.01%%", key);
        return error_field(err, key);
    }
    *out = bp.num;
    return 0;
}

static int want_share(json_t *o, struct ratio *out, struct error *err) {
    json_t *v = json_object_get(o, "share");
    if (!v || json_is_null(v)) return 1;
    if (json_is_array(v) && json_array_size(v) == 2 && json_is_integer(json_array_get(v, 0)) &&
        json_is_integer(json_array_get(v, 1)) && json_integer_value(json_array_get(v, 1)) > 0 &&
        json_integer_value(json_array_get(v, 0)) >= 0 &&
        json_integer_value(json_array_get(v, 0)) <= json_integer_value(json_array_get(v, 1))) {
        *out = (struct ratio){json_integer_value(json_array_get(v, 0)),
                              json_integer_value(json_array_get(v, 1))};
        return 0;
    }
    const char *s = json_string_value(v);
    if (s && text_parse_ratio(s, strlen(s), out, err) == 0 && out->num >= 0 &&
        ratio_cmp(*out, (struct ratio){1, 1}) <= 0)
        return 0;
    error_set(err, ERR_INVALID, "贴息比例须为 0 至 100%% 的比例（如 \"50%%\" 或 [1, 2]）",
              "subsidy share must be a fraction from 0 to 100%% (\"50%%\" or [1, 2])");
    return error_field(err, "share");
}

static int fees_from_json(json_t *f, struct loan_fees *fees, struct error *err) {
    int64_t v;
    int rc;
    if (!json_is_object(f))
        return error_set(err, ERR_INVALID, "fees 须为对象", "fees must be an object");
    if ((rc = want_money(f, "upfront", &v, err)) < 0) return rc;
    if (rc == 0) fees->upfront_fen = v;
    if ((rc = want_int(f, "upfront_bp", 0, 10000, &v, err)) < 0) return rc;
    if (rc == 0) fees->upfront_bp = (int32_t)v;
    if ((rc = want_int(f, "guarantee_bp_year", 0, 10000, &v, err)) < 0) return rc;
    if (rc == 0) fees->guarantee_bp_year = (int32_t)v;
    return 0;
}

static int subsidy_from_json(json_t *f, int32_t months, struct loan_subsidy *sub,
                             struct error *err) {
    int64_t v;
    int rc;
    if (!json_is_object(f))
        return error_set(err, ERR_INVALID, "subsidy 须为对象", "subsidy must be an object");
    sub->share = (struct ratio){0, 1};
    if ((rc = want_bp(f, "rate", &v, err)) < 0) return rc;
    if (rc == 0) sub->rate_bp = (int32_t)v;
    if ((rc = want_share(f, &sub->share, err)) < 0) return rc;
    if ((rc = want_money(f, "cap", &v, err)) < 0) return rc;
    if (rc == 0) sub->cap_fen = v;
    if ((rc = want_int(f, "paid_month", 0, months, &v, err)) < 0) return rc;
    if (rc == 0) sub->paid_month = (int32_t)v;
    if ((sub->rate_bp > 0) == (sub->share.num != 0))
        return error_set(err, ERR_INVALID, "贴息须且只须给出 rate_bp 或 share 之一",
                         "a subsidy needs exactly one of rate_bp or share");
    return 0;
}

static int missing(struct error *err, const char *key, const char *label) {
    error_set(err, ERR_INVALID, "缺少%1$s（%2$s）", "%2$s missing (%1$s)", label, key);
    return error_field(err, key);
}

int loan_from_json(json_t *o, struct loan_terms *t, struct loan_fees *fees,
                   struct loan_subsidy *sub, bool *has_subsidy, struct error *err) {
    memset(t, 0, sizeof *t);
    memset(fees, 0, sizeof *fees);
    memset(sub, 0, sizeof *sub);
    sub->share = (struct ratio){0, 1};
    *has_subsidy = false;
    if (!json_is_object(o))
        return error_set(err, ERR_INVALID, "贷款须为 JSON 对象", "a loan must be a JSON object");
    int64_t v;
    int rc;
    if ((rc = want_money(o, "principal", &t->principal_fen, err)) != 0)
        return rc < 0 ? rc : missing(err, "principal", "贷款本金");
    if ((rc = want_bp(o, "rate", &v, err)) != 0)
        return rc < 0 ? rc : missing(err, "rate_bp", "年利率");
    t->rate_bp = (int32_t)v;
    if ((rc = want_int(o, "months", 1, LOAN_MAX_MONTHS, &v, err)) != 0)
        return rc < 0 ? rc : missing(err, "months", "期限");
    t->months = (int32_t)v;
    const char *m = json_string_value(json_object_get(o, "method"));
    if (!m) return missing(err, "method", "还款方式");
    if ((rc = loan_method_parse(m, &t->method, err))) return error_field(err, "method");
    json_t *f = json_object_get(o, "fees");
    if (f && !json_is_null(f) && (rc = fees_from_json(f, fees, err))) return rc;
    json_t *s = json_object_get(o, "subsidy");
    if (s && !json_is_null(s)) {
        if ((rc = subsidy_from_json(s, t->months, sub, err))) return rc;
        *has_subsidy = true;
    }
    return 0;
}

json_t *loan_to_json(const struct loan_terms *t, const struct loan_schedule *s,
                     const struct loan_cost *c) {
    json_t *o = json_object(), *pay = json_array(), *prin = json_array(), *intr = json_array();
    for (int k = 0; k < s->n; k++) {
        json_array_append_new(pay, json_integer(s->items[k].payment_fen));
        json_array_append_new(prin, json_integer(s->items[k].principal_fen));
        json_array_append_new(intr, json_integer(s->items[k].interest_fen));
    }
    json_object_set_new(o, "payments_fen", pay);
    json_object_set_new(o, "total_interest_fen", json_integer(s->total_interest_fen));
    json_object_set_new(o, "principal_fen", prin);
    json_object_set_new(o, "interest_fen", intr);
    json_object_set_new(o, "total_paid_fen", json_integer(s->total_paid_fen));
    json_object_set_new(o, "method", json_string(loan_method_key(t->method)));
    if (c) {
        json_object_set_new(o, "fees_fen", json_integer(c->fees_fen));
        json_object_set_new(o, "subsidy_fen", json_integer(c->subsidy_fen));
        json_object_set_new(o, "net_cost_fen", json_integer(c->net_cost_fen));
        json_object_set_new(o, "received_fen", json_integer(c->received_fen));
        json_object_set_new(o, "apr_percent",
                            c->has_irr ? json_string(c->apr_percent) : json_null());
        json_object_set_new(o, "ear_percent",
                            c->has_irr ? json_string(c->ear_percent) : json_null());
    }
    return o;
}
