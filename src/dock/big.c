/* Owns the unsigned big integers of big.h (schoolbook limbs of 32 bits). Does not own any loan
 * logic; see loan.c. */
#include "dock/big.h"

#include <stdlib.h>
#include <string.h>

void big_init(struct big *a) {
    memset(a, 0, sizeof *a);
}

void big_release(struct big *a) {
    free(a->d);
    big_init(a);
}

static bool big_reserve(struct big *a, int n) {
    if (a->is_oom) return false;
    if (n <= a->cap) return true;
    int cap = a->cap ? a->cap : 8;
    while (cap < n)
        cap *= 2;
    uint32_t *d = realloc(a->d, (size_t)cap * sizeof *d);
    if (!d) {
        a->is_oom = true;
        return false;
    }
    a->d = d;
    a->cap = cap;
    return true;
}

static void big_trim(struct big *a) {
    while (a->n > 0 && a->d[a->n - 1] == 0)
        a->n--;
}

void big_set_u64(struct big *a, uint64_t v) {
    if (!big_reserve(a, 2)) return;
    a->d[0] = (uint32_t)v;
    a->d[1] = (uint32_t)(v >> 32);
    a->n = 2;
    big_trim(a);
}

void big_copy(struct big *dst, const struct big *src) {
    if (src->is_oom) dst->is_oom = true;
    if (!big_reserve(dst, src->n)) return;
    if (src->n) memcpy(dst->d, src->d, (size_t)src->n * sizeof *src->d);
    dst->n = src->n;
}

void big_mul_u64(struct big *a, uint64_t m) {
    if (!big_reserve(a, a->n + 2)) return;
    uint64_t lo = (uint32_t)m, hi = m >> 32;
    /* a*lo + (a*hi << 32), one pass keeping a 128-bit carry */
    unsigned __int128 carry = 0;
    uint32_t prev = 0;
    for (int i = 0; i < a->n + 2; i++) {
        uint32_t cur = i < a->n ? a->d[i] : 0;
        unsigned __int128 t = carry + (unsigned __int128)cur * lo + (unsigned __int128)prev * hi;
        prev = cur;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    a->n += 2;
    big_trim(a);
}

void big_add(struct big *a, const struct big *b) {
    int n = a->n > b->n ? a->n : b->n;
    if (b->is_oom) a->is_oom = true;
    if (!big_reserve(a, n + 1)) return;
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        uint64_t t = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    a->d[n] = (uint32_t)carry;
    a->n = n + 1;
    big_trim(a);
}

void big_sub(struct big *a, const struct big *b) {
    int64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        int64_t t = (int64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;
        borrow = t < 0;
        a->d[i] = (uint32_t)(t + (borrow << 32));
    }
    big_trim(a);
}

int big_cmp(const struct big *a, const struct big *b) {
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

bool big_div_floor(const struct big *num, const struct big *den, uint64_t *q) {
    if (den->n == 0 || num->is_oom || den->is_oom) return false;
    struct big t;
    big_init(&t);
    /* binary search for the largest q with q * den <= num */
    uint64_t lo = 0, hi = (uint64_t)1 << 63;
    big_copy(&t, den);
    big_mul_u64(&t, hi);
    bool fits = big_cmp(&t, num) > 0;
    while (fits && hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        big_copy(&t, den);
        big_mul_u64(&t, mid);
        if (big_cmp(&t, num) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    bool ok = fits && !t.is_oom;
    big_release(&t);
    if (ok) *q = lo;
    return ok;
}
