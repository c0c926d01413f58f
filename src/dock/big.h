/* Unsigned big integers for the loan arithmetic that does not fit in 128 bits: (1 + i)^n with
 * n up to 600 months, and the IRR sign test. Internal to src/dock; not a public header. Only what
 * the loan code needs: small multipliers, add, subtract, compare, and a quotient known to fit in
 * 63 bits. */
#ifndef DUIJIE_DOCK_BIG_H
#define DUIJIE_DOCK_BIG_H

#include <stdbool.h>
#include <stdint.h>

struct big {
    uint32_t *d; /* owned; little-endian limbs, d[n-1] != 0 when n > 0 (zero is n == 0) */
    int n;
    int cap;
    bool is_oom; /* set once an allocation failed; results are then meaningless */
};

void big_init(struct big *a);
void big_release(struct big *a);
void big_set_u64(struct big *a, uint64_t v);
void big_copy(struct big *dst, const struct big *src);
/* a *= m */
void big_mul_u64(struct big *a, uint64_t m);
/* a += b */
void big_add(struct big *a, const struct big *b);
/* a -= b; requires a >= b */
void big_sub(struct big *a, const struct big *b);
int big_cmp(const struct big *a, const struct big *b);
/* floor(num / den) into *q when it is below 2^63; false otherwise (or den == 0). */
bool big_div_floor(const struct big *num, const struct big *den, uint64_t *q);

#endif
