/* Owns loan arithmetic: repayment schedules (等额本息, 等额本金, 先息后本) to the fen, fees, 贴息
 * subsidies, and the real annual cost as an internal rate of return bracketed exactly. Does not own
 * products, eligibility or comparison (product.c) nor anything about storage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/big.h"
#include "dock/dock.h"

#define MONTH_DEN 120000 /* rate_bp / MONTH_DEN is the monthly rate */

static const struct {
    enum loan_method m;
    const char *key, *label, *aliases;
} methods[] = {
    {LOAN_EQUAL_INSTALMENT, "equal-instalment", "等额本息", "equal-installment|annuity"},
    {LOAN_EQUAL_PRINCIPAL, "equal-principal", "等额本金", ""},
    {LOAN_INTEREST_ONLY, "interest-only", "先息后本", "按月付息到期还本|bullet"},
};

static bool alias_has(const char *list, const char *s) {
    size_t n = strlen(s);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, s, n) == 0) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

int loan_method_parse(const char *s, enum loan_method *out, struct error *err) {
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        if (strcmp(s, methods[i].key) == 0 || strcmp(s, methods[i].label) == 0 ||
            alias_has(methods[i].aliases, s)) {
            *out = methods[i].m;
            return 0;
        }
    }
    return error_set(err, ERR_INVALID, "未知的还款方式 “%s”（等额本息、等额本金、先息后本）",
                     "unknown repayment method \"%s\" (equal-instalment, equal-principal, "
                     "interest-only)",
                     s);
}

const char *loan_method_key(enum loan_method m) {
    return methods[m].key;
}
const char *loan_method_label(enum loan_method m) {
    return methods[m].label;
}

/* a * b / c rounded half up, for non-negative a, b and positive c; the product fits 128 bits. */
static int64_t mul_div_round(int64_t a, int64_t b, int64_t c) {
    unsigned __int128 p = (unsigned __int128)a * (unsigned __int128)b;
    return (int64_t)((2 * p + (unsigned __int128)c) / (2 * (unsigned __int128)c));
}

static int check_terms(const struct loan_terms *t, struct error *err) {
    if (t->principal_fen <= 0 || t->principal_fen > LOAN_MAX_PRINCIPAL_FEN)
        return error_set(err, ERR_RANGE, "贷款本金须在 0.01 元至 1 万亿元之间",
                         "principal must be between 0.01 yuan and 10^12 yuan");
    if (t->rate_bp < 0 || t->rate_bp > LOAN_MAX_RATE_BP)
        return error_set(err, ERR_RANGE, "年利率须在 0 至 10000 个基点之间",
                         "annual rate must be between 0 and 10000 basis points");
    if (t->months < 1 || t->months > LOAN_MAX_MONTHS)
        return error_set(err, ERR_RANGE, "期限须在 1 至 600 个月之间",
                         "term must be between 1 and 600 months");
    if ((unsigned)t->method > LOAN_INTEREST_ONLY)
        return error_set(err, ERR_INVALID, "未知的还款方式", "unknown repayment method");
    return 0;
}

/* The equal instalment P·i·(1+i)^n / ((1+i)^n − 1), i = r / 120000, rounded half up; computed as
 * floor((2·P·r·N + 120000·(N − D)) / (2·120000·(N − D))) with N = (120000 + r)^n, D = 120000^n. */
static int equal_instalment(const struct loan_terms *t, int64_t *out, struct error *err) {
    if (t->rate_bp == 0) {
        *out = mul_div_round(t->principal_fen, 1, t->months);
        return 0;
    }
    struct big n, d, num, tmp;
    big_init(&n), big_init(&d), big_init(&num), big_init(&tmp);
    big_set_u64(&n, 1);
    big_set_u64(&d, 1);
    for (int k = 0; k < t->months; k++) {
        big_mul_u64(&n, (uint64_t)(MONTH_DEN + t->rate_bp));
        big_mul_u64(&d, MONTH_DEN);
    }
    big_sub(&n, &d); /* n = N − D */
    big_copy(&num, &n);
    big_add(&num, &d); /* num = N */
    big_mul_u64(&num, 2 * (uint64_t)t->principal_fen * (uint64_t)t->rate_bp);
    big_copy(&tmp, &n);
    big_mul_u64(&tmp, MONTH_DEN);
    big_add(&num, &tmp);
    big_mul_u64(&n, 2 * MONTH_DEN);
    uint64_t q = 0;
    bool ok = big_div_floor(&num, &n, &q);
    big_release(&n), big_release(&d), big_release(&num), big_release(&tmp);
    if (!ok) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    *out = (int64_t)q;
    return 0;
}

int loan_schedule_compute(const struct loan_terms *t, struct loan_schedule *out,
                          struct error *err) {
    memset(out, 0, sizeof *out);
    int rc = check_terms(t, err);
    if (rc) return rc;
    int64_t instalment = 0, share = mul_div_round(t->principal_fen, 1, t->months);
    if (t->method == LOAN_EQUAL_INSTALMENT && (rc = equal_instalment(t, &instalment, err)))
        return rc;
    out->items = calloc((size_t)t->months, sizeof *out->items);
    if (!out->items) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    out->n = t->months;
    int64_t rem = t->principal_fen;
    for (int k = 0; k < t->months; k++) {
        struct loan_payment *p = &out->items[k];
        p->interest_fen = mul_div_round(rem, t->rate_bp, MONTH_DEN);
        int64_t principal = 0;
        if (t->method == LOAN_EQUAL_INSTALMENT) principal = instalment - p->interest_fen;
        if (t->method == LOAN_EQUAL_PRINCIPAL) principal = share;
        if (principal > rem || k == t->months - 1) principal = rem;
        if (principal < 0) principal = 0;
        p->principal_fen = principal;
        p->payment_fen = principal + p->interest_fen;
        rem -= principal;
        p->remaining_fen = rem;
        out->total_interest_fen += p->interest_fen;
        out->total_paid_fen += p->payment_fen;
    }
    return 0;
}

void loan_schedule_release(struct loan_schedule *s) {
    free(s->items);
    memset(s, 0, sizeof *s);
}

/* ---- real cost: fees, subsidy, IRR ---- */

struct flows {
    int64_t *cf; /* cf[0] at drawdown (positive: received), cf[k] at month k */
    int n;
};

/* Sign of Σ cf[k] (1 + x)^−k at x = p / LOAN_IRR_SCALE, from the integer
 * Σ cf[k] (q + p)^(n−k) q^k (same sign, q^n (1+x)^n > 0), by Horner with positive and negative
 * parts kept apart. */
static int npv_sign(const struct flows *f, int64_t p) {
    const uint64_t q = LOAN_IRR_SCALE, qp = (uint64_t)((int64_t)q + p);
    struct big pos, neg, qk, term;
    big_init(&pos), big_init(&neg), big_init(&qk), big_init(&term);
    big_set_u64(&qk, 1);
    for (int k = 0; k <= f->n; k++) {
        if (k > 0) {
            big_mul_u64(&pos, qp);
            big_mul_u64(&neg, qp);
            big_mul_u64(&qk, q);
        }
        int64_t c = f->cf[k];
        if (c == 0) continue;
        big_copy(&term, &qk);
        big_mul_u64(&term, (uint64_t)(c < 0 ? -c : c));
        big_add(c > 0 ? &pos : &neg, &term);
    }
    int s = big_cmp(&pos, &neg);
    if (pos.is_oom || neg.is_oom || qk.is_oom || term.is_oom) s = 2;
    big_release(&pos), big_release(&neg), big_release(&qk), big_release(&term);
    return s;
}

/* The APR and EAR texts of a monthly rate p / LOAN_IRR_SCALE: percent, 6 decimals, truncated
 * toward zero. */
static void irr_texts(int64_t p, struct loan_cost *out) {
    /* 12 × p / q as a percent with 6 decimals: p × 12 × 10^8 / 10^10 = p × 12 / 100 */
    uint64_t ap = (uint64_t)(p < 0 ? -p : p) * 12 / 100;
    snprintf(out->apr_percent, sizeof out->apr_percent, "%s%llu.%06llu", p < 0 ? "-" : "",
             (unsigned long long)(ap / 1000000), (unsigned long long)(ap % 1000000));
    /* (1+x)^12 − 1 = ((q+p)^12 − q^12) / q^12 */
    const uint64_t q = LOAN_IRR_SCALE, qp = (uint64_t)((int64_t)q + p);
    struct big a, b;
    big_init(&a), big_init(&b);
    big_set_u64(&a, 1), big_set_u64(&b, 1);
    for (int k = 0; k < 12; k++)
        big_mul_u64(&a, qp), big_mul_u64(&b, q);
    bool is_neg = big_cmp(&a, &b) < 0;
    struct big den;
    big_init(&den);
    big_copy(&den, &b);
    if (is_neg) {
        big_sub(&b, &a);
        big_copy(&a, &b);
    } else {
        big_sub(&a, &b);
    }
    big_mul_u64(&a, 100000000); /* percent with 6 decimals */
    uint64_t v = 0;
    if (big_div_floor(&a, &den, &v)) {
        snprintf(out->ear_percent, sizeof out->ear_percent, "%s%llu.%06llu", is_neg ? "-" : "",
                 (unsigned long long)(v / 1000000), (unsigned long long)(v % 1000000));
    }
    big_release(&a), big_release(&b), big_release(&den);
}

static void irr_solve(const struct flows *f, struct loan_cost *out) {
    int64_t lo = -LOAN_IRR_SCALE / 2, hi = LOAN_IRR_SCALE;
    int slo = npv_sign(f, lo), shi = npv_sign(f, hi);
    if (slo == 2 || shi == 2 || (slo == shi && slo != 0)) return;
    if (slo == 0) hi = lo;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        int s = npv_sign(f, mid);
        if (s == 2) return;
        if (s == 0) {
            lo = mid;
            break;
        }
        if (s == slo)
            lo = mid;
        else
            hi = mid;
    }
    out->has_irr = true;
    out->irr_monthly_lo = lo;
    irr_texts(lo, out);
}

static int subsidy_amount(const struct loan_terms *t, const struct loan_schedule *s,
                          const struct loan_subsidy *sub, int64_t *out, struct error *err) {
    bool by_rate = sub->rate_bp > 0, by_share = sub->share.num != 0;
    if (by_rate == by_share)
        return error_set(err, ERR_INVALID, "贴息须且只须给出贴息利率或贴息比例之一",
                         "a subsidy needs exactly one of a rate or a share");
    if (sub->rate_bp < 0 || sub->share.num < 0 || sub->share.den <= 0 || sub->cap_fen < 0 ||
        sub->paid_month < 0 || sub->paid_month > t->months)
        return error_set(err, ERR_RANGE, "贴息参数超出范围", "subsidy parameter out of range");
    int64_t v;
    if (by_rate) {
        int32_t bp = sub->rate_bp < t->rate_bp ? sub->rate_bp : t->rate_bp;
        unsigned __int128 sum = 0; /* Σ outstanding at the start of each month */
        int64_t rem = t->principal_fen;
        for (int k = 0; k < s->n; k++) {
            sum += (unsigned __int128)rem;
            rem = s->items[k].remaining_fen;
        }
        v = (int64_t)((2 * sum * (unsigned __int128)bp + MONTH_DEN) / (2 * MONTH_DEN));
    } else {
        struct ratio r = {s->total_interest_fen, 1};
        if (!ratio_mul(r, sub->share, &r) || !ratio_round(r, &v))
            return error_set(err, ERR_RANGE, "贴息金额溢出", "subsidy overflows");
    }
    if (v > s->total_interest_fen) v = s->total_interest_fen;
    if (sub->cap_fen > 0 && v > sub->cap_fen) v = sub->cap_fen;
    *out = v;
    return 0;
}

int loan_cost_compute(const struct loan_terms *t, const struct loan_schedule *s,
                      const struct loan_fees *fees, const struct loan_subsidy *sub,
                      struct loan_cost *out, struct error *err) {
    memset(out, 0, sizeof *out);
    int rc = check_terms(t, err);
    if (rc) return rc;
    if (s->n != t->months)
        return error_set(err, ERR_INVALID, "还款计划与贷款条件不符",
                         "schedule does not match terms");
    if (fees) {
        if (fees->upfront_fen < 0 || fees->upfront_bp < 0 || fees->guarantee_bp_year < 0 ||
            fees->upfront_bp > 10000 || fees->guarantee_bp_year > 10000)
            return error_set(err, ERR_RANGE, "费用参数超出范围", "fee parameter out of range");
        out->fees_fen = fees->upfront_fen +
                        mul_div_round(t->principal_fen, fees->upfront_bp, 10000) +
                        mul_div_round(t->principal_fen,
                                      (int64_t)fees->guarantee_bp_year * t->months, MONTH_DEN);
    }
    if (out->fees_fen >= t->principal_fen)
        return error_set(err, ERR_RANGE, "费用不低于本金", "fees are not below the principal");
    if (sub && (rc = subsidy_amount(t, s, sub, &out->subsidy_fen, err))) return rc;
    out->total_interest_fen = s->total_interest_fen;
    out->net_cost_fen = out->total_interest_fen + out->fees_fen - out->subsidy_fen;
    out->received_fen = t->principal_fen - out->fees_fen;
    struct flows f = {calloc((size_t)t->months + 1, sizeof(int64_t)), t->months};
    if (!f.cf) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    f.cf[0] = out->received_fen;
    for (int k = 0; k < s->n; k++)
        f.cf[k + 1] = -s->items[k].payment_fen;
    if (sub && out->subsidy_fen)
        f.cf[sub->paid_month ? sub->paid_month : t->months] += out->subsidy_fen;
    irr_solve(&f, out);
    free(f.cf);
    return 0;
}
