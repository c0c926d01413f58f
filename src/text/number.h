/* Numbers and quantities as people write them in Chinese documents and spreadsheets: Arabic digits
 * (full-width too, with thousands separators and decimals), Chinese numerals (二十, 一百五十,
 * 两千万), multipliers (万, 亿, 千) and units (元/万元/亿元, %, 百分之, 人, 年, 个月, 日). Exact:
 * values are ratios. */
#ifndef DUIJIE_TEXT_NUMBER_H
#define DUIJIE_TEXT_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/num.h"

enum unit {
    UNIT_NONE = 0,
    UNIT_YUAN,    /* value in yuan (万元 and 亿元 scaled) */
    UNIT_PERCENT, /* value as a fraction: 5% → 1/20 */
    UNIT_PERSON,  /* 人, 名 */
    UNIT_YEAR,    /* 年 */
    UNIT_MONTH,   /* 月, 个月 */
    UNIT_DAY,     /* 日, 天 */
    UNIT_ITEM,    /* 项, 个, 件, 家 */
};

struct quantity {
    struct ratio value; /* in the unit's base: yuan, fraction, persons, years, months, days */
    enum unit unit;
    int scale_word; /* 0, or the multiplier word's power of ten (4 for 万, 8 for 亿) for display */
};

/* Parses a bare number at the start of s (Arabic or Chinese numerals, with 万/亿/千 multipliers).
 * Returns the bytes consumed, 0 when s does not start with a number. */
size_t text_parse_number(const char *s, size_t len, struct ratio *out);
/* Parses a number followed by an optional unit at the start of s; returns bytes consumed (0 if
 * none). "百分之十" is 10%. */
size_t text_parse_quantity(const char *s, size_t len, struct quantity *q);
/* A whole cell or value that must be money: "2000万元", "1.5亿", "300,000元", "二十万元", "12.5"
 * (yuan). Exact to the fen; a fraction of a fen, a non-money unit or trailing text is an error. */
int text_parse_money(const char *s, size_t len, int64_t *fen, struct error *err);
/* A whole value that must be a plain integer count, optionally with 人/项/个: "120", "120人",
 * "一百二十人". */
int text_parse_count(const char *s, size_t len, int64_t *out, struct error *err);
/* A whole value that must be a ratio: "5%", "5.2%", "0.052", "百分之五" → exact fraction. */
int text_parse_ratio(const char *s, size_t len, struct ratio *out, struct error *err);

#endif
