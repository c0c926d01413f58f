/* Docking (对接): loans compared exactly (贷比三家), loan products and the enterprises that may
 * apply, 1:1 meeting schedules for matchmaking events (对接会), two-way selection of investors and
 * projects. Plain structs in, results out: this module knows nothing of storage, HTTP or the CLI.
 * Money is int64 fen; rates are basis points (1 bp = 0.01%); no floating point decides money. */
#ifndef DUIJIE_DOCK_H
#define DUIJIE_DOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "enterprise/enterprise.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/num.h"
#include "util/tri.h"

/* ---- loan arithmetic ---- */

enum loan_method {
    LOAN_EQUAL_INSTALMENT, /* 等额本息 */
    LOAN_EQUAL_PRINCIPAL,  /* 等额本金 */
    LOAN_INTEREST_ONLY,    /* 先息后本: interest monthly, principal with the last payment */
};

#define LOAN_MAX_MONTHS 600
#define LOAN_MAX_PRINCIPAL_FEN 100000000000000LL /* 1万亿元 */
#define LOAN_MAX_RATE_BP 10000                   /* 100% a year */

/* "equal-instalment"/"等额本息", "equal-principal"/"等额本金", "interest-only"/"先息后本". */
int loan_method_parse(const char *s, enum loan_method *out, struct error *err);
const char *loan_method_key(enum loan_method m);
const char *loan_method_label(enum loan_method m);

struct loan_terms {
    int64_t principal_fen;
    int32_t rate_bp; /* annual; the monthly rate is rate_bp / 12 / 10000 exactly */
    int32_t months;
    enum loan_method method;
};

struct loan_payment {
    int64_t payment_fen; /* principal + interest */
    int64_t principal_fen;
    int64_t interest_fen;  /* on the principal outstanding at the start of the month */
    int64_t remaining_fen; /* outstanding after this payment */
};

/* Rounding (stated once, applied everywhere): each month's interest is the outstanding principal ×
 * monthly rate rounded half up to the fen; the equal instalment itself and the equal-principal
 * share P / n are rounded half up to the fen; the last payment repays whatever principal remains,
 * so the principal parts add up to the principal exactly. */
struct loan_schedule {
    struct loan_payment *items; /* owned (malloc); n == months */
    int n;
    int64_t total_interest_fen;
    int64_t total_paid_fen;
};

int loan_schedule_compute(const struct loan_terms *t, struct loan_schedule *out, struct error *err);
void loan_schedule_release(struct loan_schedule *s);

/* Fees, all paid at drawdown (they reduce what the borrower receives). */
struct loan_fees {
    int64_t upfront_fen;       /* fixed: 评估费, 公证费 */
    int32_t upfront_bp;        /* bp of principal: 手续费, 服务费 */
    int32_t guarantee_bp_year; /* 担保费: bp of principal a year, pro rata for the term */
};

/* 贴息: an interest subsidy. Exactly one of rate_bp (percentage points of the annual rate, on the
 * principal outstanding each month, at most the loan's rate) or share (a fraction of the interest
 * paid) is set; never more than the interest paid, nor than cap_fen. */
struct loan_subsidy {
    int32_t rate_bp;
    struct ratio share; /* {0, 1} when not used */
    int64_t cap_fen;    /* 0 = no cap */
    int32_t paid_month; /* month it is received (1..months); 0 = with the last payment */
};

/* The monthly internal rate of return is bracketed in [irr_lo, irr_lo + 1] / LOAN_IRR_SCALE by
 * bisection in which every sign test is exact (big integers), so the APR text is right to 1e-7
 * percentage points. */
#define LOAN_IRR_SCALE 10000000000LL

struct loan_cost {
    int64_t fees_fen;
    int64_t subsidy_fen;
    int64_t total_interest_fen;
    int64_t net_cost_fen;   /* interest + fees − subsidy */
    int64_t received_fen;   /* principal − fees: what reaches the borrower */
    bool has_irr;           /* false when no rate in (−50%, 100%] a month balances the flows */
    int64_t irr_monthly_lo; /* see LOAN_IRR_SCALE */
    char apr_percent[40];   /* 12 × monthly IRR: the real annual cost, "4.356789" */
    char ear_percent[40];   /* (1 + monthly)^12 − 1 */
};

/* Fees and subsidy on a computed schedule; either pointer may be NULL (none). */
int loan_cost_compute(const struct loan_terms *t, const struct loan_schedule *s,
                      const struct loan_fees *fees, const struct loan_subsidy *sub,
                      struct loan_cost *out, struct error *err);

/* A loan offer from JSON: {"principal_fen": 100000000 | "principal": "100万元", "rate_bp": 435 |
 * "rate": "4.35%", "months": 12, "method": "等额本息", "fees": {"upfront_fen", "upfront_bp",
 * "guarantee_bp_year"}, "subsidy": {"rate_bp" | "share": [1, 2] | "50%", "cap_fen", "paid_month"}}.
 * fees / sub are zeroed when absent; *has_subsidy tells which. */
int loan_from_json(json_t *o, struct loan_terms *t, struct loan_fees *fees,
                   struct loan_subsidy *sub, bool *has_subsidy, struct error *err);
/* Schedule and cost as the JSON `duijie loan` prints. */
json_t *loan_to_json(const struct loan_terms *t, const struct loan_schedule *s,
                     const struct loan_cost *c);

#endif
