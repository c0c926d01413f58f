/* Owns the grammar of numbers and units. Knows nothing of fields or rules. */
#include "text/number.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

/* Reads one code point, treating full-width ASCII as ASCII. Returns -1 at end or on bad bytes. */
static int32_t peek(const char *s, size_t len, size_t i, size_t *adv) {
    *adv = 0;
    if (i >= len) return -1;
    const char *p = s + i;
    int32_t cp = utf8_next(&p, s + len);
    *adv = (size_t)(p - (s + i));
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    return cp;
}

static int cn_digit(int32_t cp) {
    static const int32_t d[] = {0x96F6 /*零*/, 0x4E00 /*一*/, 0x4E8C /*二*/, 0x4E09 /*三*/,
                                0x56DB /*四*/, 0x4E94 /*五*/, 0x516D /*六*/, 0x4E03 /*七*/,
                                0x516B /*八*/, 0x4E5D /*九*/};
    for (int i = 0; i < 10; i++)
        if (cp == d[i]) return i;
    if (cp == 0x3007 /*〇*/) return 0;
    if (cp == 0x4E24 /*两*/) return 2;
    if (cp == 0x58F9) return 1; /* 壹 */
    if (cp == 0x8D30) return 2; /* 贰 */
    if (cp == 0x53C1) return 3; /* 叁 */
    return -1;
}

static int small_unit(int32_t cp) {
    if (cp == 0x5341 /*十*/ || cp == 0x62FE /*拾*/) return 10;
    if (cp == 0x767E /*百*/ || cp == 0x4F70 /*佰*/) return 100;
    if (cp == 0x5343 /*千*/ || cp == 0x4EDF /*仟*/) return 1000;
    return 0;
}

#define CP_WAN 0x4E07 /* 万 */
#define CP_YI 0x4EBF  /* 亿 */

/* Chinese numerals: 二十, 一百五十, 两千三百万, 十二亿. */
static size_t parse_cn(const char *s, size_t len, struct ratio *out) {
    int64_t total = 0, section = 0, digit = -1;
    size_t i = 0, adv, last_good = 0;
    bool any = false;
    for (;;) {
        int32_t cp = peek(s, len, i, &adv);
        int d = cn_digit(cp), u = small_unit(cp);
        if (d >= 0) {
            digit = d;
        } else if (u) {
            section += (digit < 0 ? 1 : digit) * u;
            digit = -1;
        } else if (cp == CP_WAN || cp == CP_YI) {
            if (!any) break;
            int64_t mult = cp == CP_WAN ? 10000 : 100000000;
            section += digit < 0 ? 0 : digit;
            int64_t scaled; /* overflow here means the text is no amount anyone wrote */
            if (cp == CP_YI) {
                if (__builtin_mul_overflow(total + section, mult, &scaled)) return 0;
                total = scaled;
            } else {
                if (__builtin_mul_overflow(section, mult, &scaled) ||
                    __builtin_add_overflow(total, scaled, &total))
                    return 0;
            }
            section = 0;
            digit = -1;
        } else {
            break;
        }
        any = true;
        i += adv;
        last_good = i;
        if (total > INT64_MAX / 100000 || section > INT64_MAX / 100000) return 0;
    }
    if (!any) return 0;
    out->num = total + section + (digit < 0 ? 0 : digit);
    out->den = 1;
    return last_good;
}

static size_t parse_arabic(const char *s, size_t len, struct ratio *out) {
    int64_t num = 0, den = 1;
    size_t i = 0, adv, end = 0;
    bool any = false, in_frac = false;
    for (;;) {
        int32_t cp = peek(s, len, i, &adv);
        if (cp >= '0' && cp <= '9') {
            if (num > (INT64_MAX - 9) / 10 || den > INT64_MAX / 10) return 0;
            num = num * 10 + (cp - '0');
            if (in_frac) den *= 10;
            any = true;
            i += adv;
            end = i;
        } else if (cp == ',' && any && !in_frac) {
            /* a thousands separator only when three digits follow */
            size_t j = i + adv, a2;
            int k = 0;
            while (k < 3 && (peek(s, len, j, &a2) >= '0' && peek(s, len, j, &a2) <= '9'))
                j += a2, k++;
            int32_t after = peek(s, len, j, &a2);
            if (k != 3 || (after >= '0' && after <= '9')) break;
            i += adv;
        } else if (cp == '.' && any && !in_frac) {
            int32_t nx = peek(s, len, i + adv, &adv);
            if (!(nx >= '0' && nx <= '9')) break;
            peek(s, len, i, &adv);
            in_frac = true;
            i += adv;
        } else {
            break;
        }
    }
    if (!any) return 0;
    out->num = num;
    out->den = den;
    return end;
}

size_t text_parse_number(const char *s, size_t len, struct ratio *out) {
    size_t adv;
    int32_t cp = peek(s, len, 0, &adv);
    size_t n;
    if (cp >= '0' && cp <= '9')
        n = parse_arabic(s, len, out);
    else
        n = parse_cn(s, len, out);
    if (!n) return 0;
    /* multipliers after a number: 1.5万, 2千万, 3亿 */
    for (;;) {
        cp = peek(s, len, n, &adv);
        int64_t mult = cp == CP_WAN             ? 10000
                       : cp == CP_YI            ? 100000000
                       : small_unit(cp) == 1000 ? 1000
                                                : 0;
        if (!mult) break;
        struct ratio r;
        if (!ratio_mul(*out, (struct ratio){mult, 1}, &r)) return 0;
        *out = r;
        n += adv;
    }
    return n;
}

static bool starts(const char *s, size_t len, size_t i, const char *word) {
    size_t wl = strlen(word);
    return i + wl <= len && memcmp(s + i, word, wl) == 0;
}

size_t text_parse_quantity(const char *s, size_t len, struct quantity *q) {
    memset(q, 0, sizeof *q);
    q->value.den = 1;
    size_t i = 0;
    if (starts(s, len, 0, "百分之")) {
        size_t n = text_parse_number(s + 9, len - 9, &q->value);
        if (!n) return 0;
        if (__builtin_mul_overflow(q->value.den, 100, &q->value.den)) return 0;
        q->unit = UNIT_PERCENT;
        return 9 + n;
    }
    size_t n = text_parse_number(s, len, &q->value);
    if (!n) return 0;
    i = n;
    size_t adv;
    while (i < len && (s[i] == ' '))
        i++;
    int32_t cp = peek(s, len, i, &adv);
    struct ratio r;
    if (cp == '%' || cp == 0xFF05) {
        if (__builtin_mul_overflow(q->value.den, 100, &q->value.den)) return 0;
        q->unit = UNIT_PERCENT;
        return i + adv;
    }
    if (starts(s, len, i, "元") || starts(s, len, i, "块")) {
        q->unit = UNIT_YUAN;
        return i + 3;
    }
    if (starts(s, len, i, "人民币")) {
        q->unit = UNIT_YUAN;
        return i + 9;
    }
    if (starts(s, len, i, "人") || starts(s, len, i, "名")) {
        q->unit = UNIT_PERSON;
        return i + 3;
    }
    if (starts(s, len, i, "个月")) {
        q->unit = UNIT_MONTH;
        return i + 6;
    }
    if (starts(s, len, i, "周年") || starts(s, len, i, "年度")) {
        q->unit = UNIT_YEAR;
        return i + 6;
    }
    if (starts(s, len, i, "年")) {
        q->unit = UNIT_YEAR;
        return i + 3;
    }
    if (starts(s, len, i, "月")) {
        q->unit = UNIT_MONTH;
        return i + 3;
    }
    if (starts(s, len, i, "日") || starts(s, len, i, "天")) {
        q->unit = UNIT_DAY;
        return i + 3;
    }
    if (starts(s, len, i, "项") || starts(s, len, i, "个") || starts(s, len, i, "件") ||
        starts(s, len, i, "家")) {
        q->unit = UNIT_ITEM;
        return i + 3;
    }
    (void)r;
    return n;
}

static int trailing_error(const char *s, size_t len, struct error *err, const char *what_zh,
                          const char *what_en) {
    char zh[160], en[160];
    int n = (int)(len > 60 ? 60 : len);
    snprintf(zh, sizeof zh, "不是有效的%s:“%.*s”", what_zh, n, s);
    snprintf(en, sizeof en, "not a valid %s: \"%.*s\"", what_en, n, s);
    return error_set_text(err, ERR_INVALID, zh, en);
}

int text_parse_money(const char *s, size_t len, int64_t *fen, struct error *err) {
    size_t bad;
    if (!utf8_is_valid(s, len, &bad))
        return error_set(err, ERR_UTF8, "第 %zu 字节不是有效的 UTF-8", "invalid UTF-8 at byte %zu",
                         bad);
    size_t tl = len;
    const char *p = utf8_trim(s, &tl);
    bool neg = false;
    if (tl && (p[0] == '-' || starts(p, tl, 0, "－"))) {
        size_t k = p[0] == '-' ? 1 : 3;
        neg = true;
        p += k;
        tl -= k;
    }
    struct quantity q;
    size_t n = text_parse_quantity(p, tl, &q);
    if (!n || (q.unit != UNIT_YUAN && q.unit != UNIT_NONE))
        return error_set(err, ERR_INVALID, "不是有效金额:“%.*s”(应如 2000万元、1.5亿、300,000元)",
                         "not a valid amount: \"%.*s\" (expected e.g. 2000万元, 1.5亿, 300,000元)",
                         (int)(len > 60 ? 60 : len), s);
    size_t rest = tl - n;
    const char *r = utf8_trim(p + n, &rest);
    if (rest) {
        if (starts(r, rest, 0, "整") && rest == 3) rest = 0;
        if (rest) return trailing_error(s, len, err, "金额", "amount");
    }
    struct ratio f;
    int64_t v;
    if (!ratio_mul(q.value, (struct ratio){100, 1}, &f) || !ratio_round(f, &v))
        return error_set(err, ERR_RANGE, "金额超出范围:“%.*s”", "amount out of range: \"%.*s\"",
                         (int)(len > 60 ? 60 : len), s);
    if (ratio_cmp(f, (struct ratio){v, 1}) != 0)
        return error_set(err, ERR_INVALID, "金额精确到分:“%.*s”",
                         "amount finer than one fen: \"%.*s\"", (int)(len > 60 ? 60 : len), s);
    *fen = neg ? -v : v;
    return 0;
}

int text_parse_count(const char *s, size_t len, int64_t *out, struct error *err) {
    size_t tl = len;
    const char *p = utf8_trim(s, &tl);
    struct quantity q;
    size_t n = text_parse_quantity(p, tl, &q);
    if (!n || tl != n || q.value.den != 1 ||
        (q.unit != UNIT_NONE && q.unit != UNIT_PERSON && q.unit != UNIT_ITEM)) {
        if (n && tl == n && (q.unit == UNIT_NONE || q.unit == UNIT_PERSON || q.unit == UNIT_ITEM) &&
            q.value.num % q.value.den == 0) {
            *out = q.value.num / q.value.den;
            return 0;
        }
        return trailing_error(s, len, err, "整数", "whole number");
    }
    *out = q.value.num;
    return 0;
}

int text_parse_ratio(const char *s, size_t len, struct ratio *out, struct error *err) {
    size_t tl = len;
    const char *p = utf8_trim(s, &tl);
    struct quantity q;
    size_t n = text_parse_quantity(p, tl, &q);
    if (!n || tl != n || (q.unit != UNIT_NONE && q.unit != UNIT_PERCENT))
        return trailing_error(s, len, err, "比例", "ratio");
    *out = q.value;
    return 0;
}
