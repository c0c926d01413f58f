/* Owns exact arithmetic on ratios and money formatting. */
#include "util/num.h"

#include <stdio.h>
#include <string.h>

typedef __int128 i128;

static int64_t gcd64(int64_t a, int64_t b) {
    if (a < 0) a = -a;
    if (b < 0) b = -b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a ? a : 1;
}

int ratio_cmp(struct ratio a, struct ratio b) {
    i128 l = (i128)a.num * b.den, r = (i128)b.num * a.den;
    return l < r ? -1 : l > r;
}

struct ratio ratio_reduce(struct ratio a) {
    if (a.den < 0) a.num = -a.num, a.den = -a.den;
    int64_t g = gcd64(a.num, a.den);
    a.num /= g;
    a.den /= g;
    return a;
}

static bool fit(i128 num, i128 den, struct ratio *out) {
    if (den == 0) return false;
    if (den < 0) num = -num, den = -den;
    /* reduce in 128 bits before narrowing */
    i128 x = num < 0 ? -num : num, y = den;
    while (y) {
        i128 t = x % y;
        x = y;
        y = t;
    }
    if (x > 1) num /= x, den /= x;
    if (num > INT64_MAX || num < INT64_MIN || den > INT64_MAX) return false;
    out->num = (int64_t)num;
    out->den = (int64_t)den;
    return true;
}

bool ratio_add(struct ratio a, struct ratio b, struct ratio *out) {
    return fit((i128)a.num * b.den + (i128)b.num * a.den, (i128)a.den * b.den, out);
}

bool ratio_sub(struct ratio a, struct ratio b, struct ratio *out) {
    return fit((i128)a.num * b.den - (i128)b.num * a.den, (i128)a.den * b.den, out);
}

bool ratio_mul(struct ratio a, struct ratio b, struct ratio *out) {
    return fit((i128)a.num * b.num, (i128)a.den * b.den, out);
}

bool ratio_div(struct ratio a, struct ratio b, struct ratio *out) {
    if (b.num == 0) return false;
    return fit((i128)a.num * b.den, (i128)a.den * b.num, out);
}

bool ratio_round(struct ratio a, int64_t *out) {
    i128 n = a.num, d = a.den;
    if (d < 0) n = -n, d = -d;
    i128 q = (n >= 0 ? (2 * n + d) : (2 * n - d)) / (2 * d);
    if (q > INT64_MAX || q < INT64_MIN) return false;
    *out = (int64_t)q;
    return true;
}

int64_t ratio_floor(struct ratio a) {
    int64_t q = a.num / a.den;
    if ((a.num % a.den) != 0 && ((a.num < 0) != (a.den < 0))) q--;
    return q;
}

const char *ratio_format(struct ratio a, int places, char *buf, size_t n) {
    a = ratio_reduce(a);
    i128 num = a.num, den = a.den;
    bool neg = num < 0;
    if (neg) num = -num;
    i128 scale = 1;
    for (int i = 0; i < places; i++)
        scale *= 10;
    i128 scaled = (num * scale * 2 + den) / (den * 2); /* half up */
    i128 ip = scaled / scale, fp = scaled % scale;
    char frac[40] = "";
    if (places > 0 && fp) {
        snprintf(frac, sizeof frac, ".%0*lld", places, (long long)fp);
        size_t l = strlen(frac);
        while (l > 1 && frac[l - 1] == '0')
            frac[--l] = 0;
    }
    snprintf(buf, n, "%s%lld%s", neg && scaled ? "-" : "", (long long)ip, frac);
    return buf;
}

const char *ratio_format_percent(struct ratio a, char *buf, size_t n) {
    struct ratio p;
    if (!ratio_mul(a, (struct ratio){100, 1}, &p)) p = a;
    char t[48];
    snprintf(buf, n, "%s%%", ratio_format(p, 2, t, sizeof t));
    return buf;
}

static void group_thousands(unsigned long long v, char *out, size_t n) {
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", v);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = 0;
}

const char *money_format(int64_t fen, char *buf, size_t n) {
    bool neg = fen < 0;
    unsigned long long v = neg ? (unsigned long long)(-(fen + 1)) + 1 : (unsigned long long)fen;
    char g[40];
    if (v != 0 && v % 1000000 == 0) {
        group_thousands(v / 1000000, g, sizeof g);
        snprintf(buf, n, "%s%s万元", neg ? "-" : "", g);
    } else {
        group_thousands(v / 100, g, sizeof g);
        if (v % 100)
            snprintf(buf, n, "%s%s.%02llu元", neg ? "-" : "", g, v % 100);
        else
            snprintf(buf, n, "%s%s元", neg ? "-" : "", g);
    }
    return buf;
}

const char *money_format_yuan(int64_t fen, char *buf, size_t n) {
    bool neg = fen < 0;
    unsigned long long v = neg ? (unsigned long long)(-(fen + 1)) + 1 : (unsigned long long)fen;
    snprintf(buf, n, "%s%llu.%02llu", neg ? "-" : "", v / 100, v % 100);
    return buf;
}
