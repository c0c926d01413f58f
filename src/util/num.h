/* Exact numbers: rationals of int64 (ratios, percentages, decimal literals), money in fen and its
 * formatting. No floating point anywhere on a path that decides eligibility or money. */
#ifndef DUIJIE_UTIL_NUM_H
#define DUIJIE_UTIL_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* num/den with den > 0; not necessarily reduced. 5% is {5, 100}; 1.5 is {15, 10}. */
struct ratio {
    int64_t num;
    int64_t den;
};

/* -1, 0, 1 comparing a and b exactly (128-bit cross products). */
int ratio_cmp(struct ratio a, struct ratio b);
/* a reduced by the gcd, den > 0. */
struct ratio ratio_reduce(struct ratio a);
/* Exact sum / difference / product / quotient; false on overflow or division by zero. */
bool ratio_add(struct ratio a, struct ratio b, struct ratio *out);
bool ratio_sub(struct ratio a, struct ratio b, struct ratio *out);
bool ratio_mul(struct ratio a, struct ratio b, struct ratio *out);
bool ratio_div(struct ratio a, struct ratio b, struct ratio *out);
/* Rounds half away from zero to an integer (money: fen); false if it does not fit in int64. */
bool ratio_round(struct ratio a, int64_t *out);
/* Floor to an integer. */
int64_t ratio_floor(struct ratio a);
/* Decimal text of a with at most `places` decimals, trailing zeros trimmed ("5", "4.5",
 * "0.333333"). */
const char *ratio_format(struct ratio a, int places, char *buf, size_t n);
/* A ratio as a percentage text: {1,20} → "5%", {1,3} → "33.33%". */
const char *ratio_format_percent(struct ratio a, char *buf, size_t n);

/* Money for people: "420万元" when a whole number of 万元, else "12,345.67元"; negative with '-'.
 */
const char *money_format(int64_t fen, char *buf, size_t n);
/* Plain yuan with two decimals and no separators: "12345.67" (for CSV, JSON strings). */
const char *money_format_yuan(int64_t fen, char *buf, size_t n);

#endif
