/* Enterprise profiles: USCC validation (GB 32100-2015), values per field and per fiscal year, the
 * 2017 size class and the other derived fields, each able to explain itself. Reads the dictionary
 * (schema) and reference data (refdata); knows nothing of storage, rules or HTTP. */
#ifndef DUIJIE_ENTERPRISE_H
#define DUIJIE_ENTERPRISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "schema/schema.h"
#include "util/arena.h"
#include "util/error.h"

/* ---- 统一社会信用代码 ---- */

struct uscc_result {
    char code[64]; /* normalised: NFKC/full-width folded, upper-case, spaces removed */
    bool is_valid;
    char error_zh[160]; /* why it is invalid; "" when valid */
    char error_en[160];
    int n_warnings;
    char warnings[2][200]; /* inner 组织机构代码 check, unknown position-1/2 pair ("zh / en") */
};

/* Checks one code. Never fails on any input bytes (invalid UTF-8 is simply an invalid code). */
void uscc_check(const char *s, size_t len, struct uscc_result *r);
/* The check character for the first 17 characters of a code, or 0 if they use a bad character. */
char uscc_check_char(const char *first17);

/* ---- profiles ---- */

#define PROFILE_HISTORY 2 /* years kept before the fiscal year: enough for 近三年 */

struct profile {
    struct value v[F_COUNT]; /* current values; a yearly field holds the fiscal year's value */
    int fiscal_year;         /* the year yearly values refer to; 0 = the year before evaluation */
    struct value hist[PROFILE_HISTORY]
                     [F_COUNT]; /* hist[k] = fiscal_year − 1 − k, yearly fields only */
};

/* One rejected input value. */
struct field_error {
    char field[64]; /* the field's English key, or the input key when it names no field */
    char zh[240];
    char en[240];
};

struct field_errors {
    struct field_error items[16];
    int n;       /* how many are stored (at most 16) */
    int n_total; /* how many there were */
};

/* Empties p (every value missing). Not profile_init: libkrb5, which libpq pulls in, exports that
 * name and the dynamic linker would bind libpq to ours. */
void profile_clear(struct profile *p);
/* Fills p from a JSON object whose keys are dictionary keys, labels or aliases (Chinese or
 * English). Money: a number of yuan or a string with a unit; ratios: "5%" or a fraction; dates:
 * "2025-01-01". "fiscal_year": 2025 and "history": {"2024": {...}, "2023": {...}} give earlier
 * years. Derived fields in the input are ignored (they are computed). Every bad value is recorded
 * in errs and skipped; returns the number of bad values (0 = all good). Text values are copied into
 * arena a. */
int profile_from_json(struct profile *p, json_t *obj, struct arena *a, struct field_errors *errs);
/* Sets one field from text as a person typed it (import, forms). */
int profile_set_text(struct profile *p, enum field_id f, const char *s, size_t len, struct arena *a,
                     char *warning, size_t warning_len, struct error *err);

/* ---- derived fields ---- */

struct size_result {
    int size;          /* enum size_class, or -1 when it cannot be decided */
    const char *group; /* 划型行业 row name ("工业", "零售业", …) or NULL when not decided */
    bool is_covered; /* false when the 办法 does not apply (金融业, 教育, 卫生, 铁路, 704 …) */
    char reason[400]; /* e.g. "工业: 从业人员 250人 → 小型; 营业收入 3,000万元 → 中型; 取较小 →
                         小型" */
};

/* Size class under 《统计上大中小微型企业划分办法（2017）》. industry is a refdata index (-1 =
 * missing); a missing indicator needed by the row gives size -1 with the reason. */
void size_classify(int industry, const struct value *employees, const struct value *revenue,
                   const struct value *assets, struct size_result *out);
/* The same size (or -1) without the reason, for bulk derivation. */
int size_class_of(int industry, const struct value *employees, const struct value *revenue,
                  const struct value *assets);

struct derive_explain {
    char text[F_COUNT][400]; /* for each derived field: how it was computed, or why it is missing */
};

/* Computes every derived field of p for evaluation date `today` (days since 1970). ex may be NULL.
 */
void profile_derive(struct profile *p, int32_t today, struct derive_explain *ex);

/* The profile as JSON: every field with a value (money in fen as integers, ratios as "num/den" and
 * a percentage text, regions and industries as code and name). Derived explanations when ex !=
 * NULL. */
json_t *profile_to_json(const struct profile *p, const struct derive_explain *ex);

#endif
