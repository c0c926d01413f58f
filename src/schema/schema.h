/* The field dictionary: every enterprise attribute's key, Chinese label and aliases, type, unit,
 * allowed values and whether it is derived or kept per year. One table drives import, validation,
 * the rule language, the index, forms and docs/FIELDS.md. Also owns struct value and parsing one
 * value of a field from text. */
#ifndef DUIJIE_SCHEMA_H
#define DUIJIE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"
#include "util/num.h"

enum field_type {
    FT_INT,      /* a count (人, 项) */
    FT_MONEY,    /* int64 fen */
    FT_RATIO,    /* exact fraction (struct ratio) */
    FT_DATE,     /* days since 1970-01-01 */
    FT_ENUM,     /* index into the field's values */
    FT_SET,      /* bitmask over the field's values (at most 64) */
    FT_REGION,   /* index into refdata's regions */
    FT_INDUSTRY, /* index into refdata's industries */
    FT_BOOL,
    FT_TEXT,
};

enum field_id {
    F_USCC,
    F_NAME,
    F_REGION,
    F_TAX_REGION,
    F_INDUSTRY,
    F_ESTABLISHED,
    F_OWNERSHIP,
    F_EMPLOYEES,
    F_REVENUE,
    F_ASSETS,
    F_LIABILITIES,
    F_RD_EXPENSE,
    F_RD_STAFF,
    F_TAX_PAID,
    F_EQUIPMENT_INVESTMENT,
    F_INVENTION_PATENTS,
    F_QUALIFICATIONS,
    F_TAX_CREDIT,
    F_LISTING_STAGE,
    F_DISHONEST,
    /* derived: computed from the fields above and the evaluation date, never imported */
    F_AGE_YEARS,
    F_RD_RATIO,
    F_RD_STAFF_RATIO,
    F_DEBT_RATIO,
    F_REVENUE_GROWTH,
    F_RD_EXPENSE_3Y,
    F_REVENUE_3Y,
    F_RD_RATIO_3Y,
    F_SIZE,
    F_COUNT
};

/* Values of 企业规模 (F_SIZE), in this order: the tier numbers of the 2017 办法. */
enum size_class { SIZE_LARGE = 0, SIZE_MEDIUM, SIZE_SMALL, SIZE_MICRO };

struct field_def {
    enum field_id id;
    const char *key;     /* English key: "rd_expense" */
    const char *label;   /* Chinese label: "研发费用" */
    const char *aliases; /* '|'-separated other names: "研发投入|研发经费" */
    enum field_type type;
    const char *unit;          /* display unit: "元", "人", "年", "%", "" */
    const char *const *values; /* FT_ENUM/FT_SET: allowed values, NULL-terminated; else NULL */
    const char *const *value_aliases; /* "alias=value" pairs, NULL-terminated; may be NULL */
    bool is_derived;                  /* computed, not imported */
    bool is_yearly;  /* kept per fiscal year (the profile's current value is the latest) */
    const char *doc; /* one line for FIELDS.md and forms */
};

/* One field's value for one enterprise. */
struct value {
    bool has;       /* false = missing (three-valued logic treats it as unknown) */
    int64_t i;      /* FT_INT count, FT_MONEY fen, FT_DATE days, FT_ENUM index, FT_SET mask,
                       FT_REGION / FT_INDUSTRY refdata index, FT_BOOL 0/1 */
    struct ratio r; /* FT_RATIO */
    const char *s;  /* FT_TEXT; owned by whoever filled the value (an arena, a store row) */
};

const struct field_def *schema_field(enum field_id id);
/* A field by English key, Chinese label or alias (exact after trimming); NULL when unknown. */
const struct field_def *schema_find(const char *name, size_t len);
/* The field whose key, label or alias is nearest to name (edit distance over characters), for
 * "did you mean"; NULL when nothing is close. */
const struct field_def *schema_suggest(const char *name, size_t len);
/* Index of an enum/set value (aliases too: 高企 → 高新技术企业); -1 when unknown. */
int schema_value_index(const struct field_def *f, const char *s, size_t len);
int schema_value_count(const struct field_def *f);
const char *schema_type_name(enum field_type t);

/* Parses one value of field f from text as people type it (amounts with units, dates in Chinese,
 * region names, industry codes, 是/否). Text values are copied into arena a. An empty string gives
 * a missing value. *warning (if not NULL) gets a message for accepted-with-caveat input, else "".
 */
int schema_parse_value(const struct field_def *f, const char *s, size_t len, struct arena *a,
                       struct value *out, char *warning, size_t warning_len, struct error *err);
/* The value for people: "4,200万元", "5%", "2025-01-01", "崂山区", "高新技术企业、瞪羚企业". */
const char *schema_format_value(const struct field_def *f, const struct value *v, char *buf,
                                size_t n);

#endif
