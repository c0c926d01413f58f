/* Owns profiles: filling them from JSON or text, computing derived fields with explanations, and
 * writing them as JSON. Value parsing itself is the dictionary's (schema_parse_value). */
#include "enterprise/enterprise.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "util/date.h"

static void value_clear(struct value *v) {
    memset(v, 0, sizeof *v);
    v->r.den = 1;
}

void profile_clear(struct profile *p) {
    memset(p, 0, sizeof *p);
    for (int f = 0; f < F_COUNT; f++) {
        value_clear(&p->v[f]);
        for (int k = 0; k < PROFILE_HISTORY; k++)
            value_clear(&p->hist[k][f]);
    }
}

int profile_set_text(struct profile *p, enum field_id f, const char *s, size_t len, struct arena *a,
                     char *warning, size_t warning_len, struct error *err) {
    struct value v;
    int rc = schema_parse_value(schema_field(f), s, len, a, &v, warning, warning_len, err);
    if (rc) return rc;
    p->v[f] = v;
    return 0;
}

static void add_error(struct field_errors *errs, const char *field, const char *zh,
                      const char *en) {
    if (!errs) return;
    errs->n_total++;
    if (errs->n >= (int)(sizeof errs->items / sizeof *errs->items)) return;
    struct field_error *e = &errs->items[errs->n++];
    snprintf(e->field, sizeof e->field, "%s", field);
    snprintf(e->zh, sizeof e->zh, "%s", zh);
    snprintf(e->en, sizeof e->en, "%s", en);
}

/* A JSON real as the shortest decimal text that reads back as the same double, so 12345.67 stays
 * "12345.67" and is then parsed exactly (money never goes through floating-point arithmetic). */
static void real_text(double d, char *buf, size_t n) {
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    if (strchr(buf, 'e') || strchr(buf, 'E')) snprintf(buf, n, "%.2f", d);
}

/* The text a person would have typed for a JSON value, or NULL for null. */
static const char *json_text(json_t *j, char *buf, size_t n, size_t *len) {
    switch (json_typeof(j)) {
    case JSON_STRING:
        *len = json_string_length(j);
        return json_string_value(j);
    case JSON_INTEGER:
        snprintf(buf, n, "%lld", (long long)json_integer_value(j));
        break;
    case JSON_REAL:
        if (!isfinite(json_real_value(j))) return NULL;
        real_text(json_real_value(j), buf, n);
        break;
    case JSON_TRUE:
        snprintf(buf, n, "是");
        break;
    case JSON_FALSE:
        snprintf(buf, n, "否");
        break;
    case JSON_ARRAY: {
        size_t i, o = 0;
        json_t *it;
        buf[0] = 0;
        json_array_foreach(j, i, it) {
            if (!json_is_string(it)) continue;
            int w = snprintf(buf + o, n - o, "%s%s", o ? "|" : "", json_string_value(it));
            if (w < 0 || (size_t)w >= n - o) break;
            o += (size_t)w;
        }
        break;
    }
    default:
        return NULL;
    }
    *len = strlen(buf);
    return buf;
}

/* Sets one key of a JSON object into the value array `dst` (current or a history year). */
static void set_from_json(struct value *dst, const char *key, json_t *val, bool yearly_only,
                          struct arena *a, struct field_errors *errs) {
    const struct field_def *f = schema_find(key, strlen(key));
    char zh[240], en[240];
    if (!f) {
        const struct field_def *s = schema_suggest(key, strlen(key));
        if (s) {
            snprintf(zh, sizeof zh, "未知字段“%s”,您是不是要找“%s”(%s)?", key, s->label, s->key);
            snprintf(en, sizeof en, "unknown field \"%s\"; did you mean \"%s\" (%s)?", key,
                     s->label, s->key);
        } else {
            snprintf(zh, sizeof zh, "未知字段“%s”", key);
            snprintf(en, sizeof en, "unknown field \"%s\"", key);
        }
        add_error(errs, key, zh, en);
        return;
    }
    if (yearly_only && !f->is_yearly) {
        snprintf(zh, sizeof zh, "字段“%s”不按年度记录,不能出现在 history 中", f->label);
        snprintf(en, sizeof en, "field \"%s\" is not kept per year; not allowed in history",
                 f->key);
        add_error(errs, f->key, zh, en);
        return;
    }
    char buf[1024];
    size_t len = 0;
    const char *text = json_text(val, buf, sizeof buf, &len);
    if (!text) {
        value_clear(&dst[f->id]);
        return;
    }
    if (f->type == FT_SET && json_is_array(val) && json_array_size(val) == 0) {
        value_clear(&dst[f->id]);
        dst[f->id].has = true; /* an explicit empty list: holds none */
        return;
    }
    struct error err;
    error_clear(&err);
    struct value v;
    if (schema_parse_value(f, text, len, a, &v, NULL, 0, &err)) {
        add_error(errs, f->key, err.zh, err.en);
        return;
    }
    dst[f->id] = v;
}

int profile_from_json(struct profile *p, json_t *obj, struct arena *a, struct field_errors *errs) {
    if (errs) memset(errs, 0, sizeof *errs);
    if (!json_is_object(obj)) {
        add_error(errs, "", "输入应为 JSON 对象", "input must be a JSON object");
        return 1;
    }
    const char *key;
    json_t *val;
    json_t *fy = json_object_get(obj, "fiscal_year");
    if (fy && json_is_integer(fy) && json_integer_value(fy) > 1900 && json_integer_value(fy) < 2200)
        p->fiscal_year = (int)json_integer_value(fy);
    else if (fy && !json_is_null(fy))
        add_error(errs, "fiscal_year", "会计年度应为 1901–2199 的整数",
                  "fiscal_year must be an integer year");
    json_object_foreach(obj, key, val) {
        if (strcmp(key, "fiscal_year") == 0 || strcmp(key, "history") == 0) continue;
        set_from_json(p->v, key, val, false, a, errs);
    }
    json_t *hist = json_object_get(obj, "history");
    if (hist && json_is_object(hist)) {
        json_object_foreach(hist, key, val) {
            char *end;
            long y = strtol(key, &end, 10);
            int base = p->fiscal_year;
            int k = base ? base - 1 - (int)y : -1;
            if (*end || !json_is_object(val) || k < 0 || k >= PROFILE_HISTORY) {
                char zh[200], en[200];
                snprintf(zh, sizeof zh, "history 的年度“%s”须为 fiscal_year 之前 1–%d 年", key,
                         PROFILE_HISTORY);
                snprintf(en, sizeof en, "history year \"%s\" must be 1–%d years before fiscal_year",
                         key, PROFILE_HISTORY);
                add_error(errs, "history", zh, en);
                continue;
            }
            const char *k2;
            json_t *v2;
            json_object_foreach(val, k2, v2) set_from_json(p->hist[k], k2, v2, true, a, errs);
        }
    } else if (hist && !json_is_null(hist)) {
        add_error(errs, "history", "history 应为按年度的对象",
                  "history must be an object keyed by year");
    }
    return errs ? errs->n_total : 0;
}

/* ---- derived fields ---- */

static void explain_text(struct derive_explain *ex, enum field_id f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The arguments (formatted values) are only computed when an explanation is wanted: the index
 * derives millions of profiles at load and must not pay for text it throws away. */
#define explain(ex, ...)                                                                           \
    do {                                                                                           \
        if (ex) explain_text(ex, __VA_ARGS__);                                                     \
    } while (0)
static void explain_text(struct derive_explain *ex, enum field_id f, const char *fmt, ...) {
    if (!ex) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ex->text[f], sizeof ex->text[f], fmt, ap);
    va_end(ap);
}

static const char *fmt_value(enum field_id f, const struct value *v, char *buf, size_t n) {
    return schema_format_value(schema_field(f), v, buf, n);
}

/* out = num/den of two fields, exactly; explains, or says which part is missing. A derived value
 * given in the input is kept only when it cannot be computed. */
static void derive_ratio(struct profile *p, enum field_id out, const struct value *num,
                         enum field_id nf, const struct value *den, enum field_id df,
                         struct derive_explain *ex) {
    char a[64], b[64], c[64];
    const struct field_def *o = schema_field(out);
    if (!num->has || !den->has || den->i <= 0) {
        const char *why = !num->has   ? schema_field(nf)->label
                          : !den->has ? schema_field(df)->label
                                      : NULL;
        if (p->v[out].has) {
            explain(ex, out, "%s 由输入给定(无法由%s计算)", fmt_value(out, &p->v[out], c, sizeof c),
                    why ? why : "分母为 0 的数据");
            return;
        }
        if (why)
            explain(ex, out, "缺少%s,无法计算%s", why, o->label);
        else
            explain(ex, out, "%s为 0,无法计算%s", schema_field(df)->label, o->label);
        return;
    }
    p->v[out].has = true;
    p->v[out].r = ratio_reduce((struct ratio){num->i, den->i});
    explain(ex, out, "%s %s ÷ %s %s = %s", schema_field(nf)->label, fmt_value(nf, num, a, sizeof a),
            schema_field(df)->label, fmt_value(df, den, b, sizeof b),
            fmt_value(out, &p->v[out], c, sizeof c));
}

static void derive_sum3(struct profile *p, enum field_id out, enum field_id f, int fy,
                        struct derive_explain *ex) {
    const struct value *v[3] = {&p->v[f], &p->hist[0][f], &p->hist[1][f]};
    char a[64], b[64], c[64], d[64];
    for (int k = 0; k < 3; k++) {
        if (!v[k]->has) {
            if (p->v[out].has)
                explain(ex, out, "由输入给定");
            else
                explain(ex, out, "缺少 %d 年%s,无法计算近三年合计", fy - k, schema_field(f)->label);
            return;
        }
    }
    p->v[out].has = true;
    p->v[out].i = v[0]->i + v[1]->i + v[2]->i;
    explain(ex, out, "%d–%d 年%s %s + %s + %s = %s", fy - 2, fy, schema_field(f)->label,
            fmt_value(f, v[2], a, sizeof a), fmt_value(f, v[1], b, sizeof b),
            fmt_value(f, v[0], c, sizeof c), fmt_value(out, &p->v[out], d, sizeof d));
}

void profile_derive(struct profile *p, int32_t today, struct derive_explain *ex) {
    if (ex) memset(ex, 0, sizeof *ex);
    int ty, tm, td;
    date_to_ymd(today, &ty, &tm, &td);
    int fy = p->fiscal_year ? p->fiscal_year : ty - 1;
    char a[64], b[64];

    /* 成立年限 */
    if (p->v[F_ESTABLISHED].has) {
        int years = date_years_between((int32_t)p->v[F_ESTABLISHED].i, today);
        p->v[F_AGE_YEARS].has = true;
        p->v[F_AGE_YEARS].i = years < 0 ? 0 : years;
        explain(ex, F_AGE_YEARS, "成立日期 %s 至评估日 %s 满 %d 年",
                fmt_value(F_ESTABLISHED, &p->v[F_ESTABLISHED], a, sizeof a),
                date_format(today, b, sizeof b), years < 0 ? 0 : years);
    } else if (!p->v[F_AGE_YEARS].has) {
        explain(ex, F_AGE_YEARS, "缺少成立日期,无法计算成立年限");
    } else {
        explain(ex, F_AGE_YEARS, "由输入给定");
    }

    derive_ratio(p, F_RD_RATIO, &p->v[F_RD_EXPENSE], F_RD_EXPENSE, &p->v[F_REVENUE], F_REVENUE, ex);
    derive_ratio(p, F_RD_STAFF_RATIO, &p->v[F_RD_STAFF], F_RD_STAFF, &p->v[F_EMPLOYEES],
                 F_EMPLOYEES, ex);
    derive_ratio(p, F_DEBT_RATIO, &p->v[F_LIABILITIES], F_LIABILITIES, &p->v[F_ASSETS], F_ASSETS,
                 ex);

    /* 营业收入增长率 = (本年 − 上年) ÷ 上年 */
    const struct value *rev = &p->v[F_REVENUE], *prev = &p->hist[0][F_REVENUE];
    if (rev->has && prev->has && prev->i > 0) {
        p->v[F_REVENUE_GROWTH].has = true;
        p->v[F_REVENUE_GROWTH].r = ratio_reduce((struct ratio){rev->i - prev->i, prev->i});
        char c[64];
        explain(ex, F_REVENUE_GROWTH, "(%d 年 %s − %d 年 %s) ÷ %d 年 = %s", fy,
                fmt_value(F_REVENUE, rev, a, sizeof a), fy - 1,
                fmt_value(F_REVENUE, prev, b, sizeof b), fy - 1,
                fmt_value(F_REVENUE_GROWTH, &p->v[F_REVENUE_GROWTH], c, sizeof c));
    } else if (!p->v[F_REVENUE_GROWTH].has) {
        explain(ex, F_REVENUE_GROWTH, "缺少 %d 年或 %d 年营业收入(或上年为 0),无法计算增长率", fy,
                fy - 1);
    } else {
        explain(ex, F_REVENUE_GROWTH, "由输入给定");
    }

    derive_sum3(p, F_RD_EXPENSE_3Y, F_RD_EXPENSE, fy, ex);
    derive_sum3(p, F_REVENUE_3Y, F_REVENUE, fy, ex);
    struct value rd3 = p->v[F_RD_EXPENSE_3Y], rv3 = p->v[F_REVENUE_3Y];
    derive_ratio(p, F_RD_RATIO_3Y, &rd3, F_RD_EXPENSE_3Y, &rv3, F_REVENUE_3Y, ex);

    /* 企业规模 */
    int industry = p->v[F_INDUSTRY].has ? (int)p->v[F_INDUSTRY].i : -1;
    if (!ex) {
        int size = size_class_of(industry, &p->v[F_EMPLOYEES], &p->v[F_REVENUE], &p->v[F_ASSETS]);
        if (size >= 0) p->v[F_SIZE] = (struct value){.has = true, .i = size, .r = {0, 1}};
        return;
    }
    struct size_result sr;
    size_classify(industry, &p->v[F_EMPLOYEES], &p->v[F_REVENUE], &p->v[F_ASSETS], &sr);
    if (sr.size >= 0) {
        p->v[F_SIZE].has = true;
        p->v[F_SIZE].i = sr.size;
        explain(ex, F_SIZE, "%s", sr.reason);
    } else if (p->v[F_SIZE].has) {
        explain(ex, F_SIZE, "由输入给定(%s)", sr.reason);
    } else {
        explain(ex, F_SIZE, "%s", sr.reason);
    }
}

/* ---- JSON out ---- */

static json_t *value_json(const struct field_def *f, const struct value *v) {
    char buf[512];
    switch (f->type) {
    case FT_INT:
    case FT_MONEY:
        return json_integer(v->i);
    case FT_RATIO: {
        struct ratio r = ratio_reduce(v->r);
        json_t *o = json_object();
        json_object_set_new(o, "num", json_integer(r.num));
        json_object_set_new(o, "den", json_integer(r.den));
        json_object_set_new(o, "percent", json_string(ratio_format_percent(r, buf, sizeof buf)));
        return o;
    }
    case FT_DATE:
        return json_string(date_format((int32_t)v->i, buf, sizeof buf));
    case FT_ENUM:
        return json_string(schema_format_value(f, v, buf, sizeof buf));
    case FT_SET: {
        json_t *arr = json_array();
        for (int i = 0; f->values[i]; i++)
            if ((uint64_t)v->i & (1ULL << i)) json_array_append_new(arr, json_string(f->values[i]));
        return arr;
    }
    case FT_REGION: {
        const struct region *r = region_at((int)v->i);
        json_t *o = json_object();
        json_object_set_new(o, "code", json_integer(r ? r->code : 0));
        json_object_set_new(o, "name", json_string(r ? r->name : ""));
        json_object_set_new(o, "path",
                            json_string(r ? region_path((int)v->i, buf, sizeof buf) : ""));
        return o;
    }
    case FT_INDUSTRY: {
        const struct industry *ind = industry_at((int)v->i);
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(ind ? ind->code : ""));
        json_object_set_new(o, "name", json_string(ind ? ind->name : ""));
        if (ind) {
            const struct industry *sec = industry_at(ind->section);
            json_object_set_new(o, "section", json_string(sec->code));
            json_object_set_new(o, "section_name", json_string(sec->name));
        }
        return o;
    }
    case FT_BOOL:
        return json_boolean(v->i);
    case FT_TEXT:
        return json_string(v->s ? v->s : "");
    }
    return json_null();
}

json_t *profile_to_json(const struct profile *p, const struct derive_explain *ex) {
    json_t *fields = json_object();
    char buf[512];
    for (int f = 0; f < F_COUNT; f++) {
        const struct field_def *d = schema_field((enum field_id)f);
        const struct value *v = &p->v[f];
        if (!v->has && !(ex && d->is_derived)) continue;
        json_t *o = json_object();
        json_object_set_new(o, "label", json_string(d->label));
        json_object_set_new(o, "type", json_string(schema_type_name(d->type)));
        json_object_set_new(o, "value", v->has ? value_json(d, v) : json_null());
        json_object_set_new(o, "text",
                            v->has ? json_string(schema_format_value(d, v, buf, sizeof buf))
                                   : json_null());
        if (d->is_derived) {
            json_object_set_new(o, "derived", json_true());
            if (ex && ex->text[f][0]) json_object_set_new(o, "explain", json_string(ex->text[f]));
        }
        json_object_set_new(fields, d->key, o);
    }
    json_t *out = json_object();
    if (p->v[F_USCC].has) json_object_set_new(out, "uscc", json_string(p->v[F_USCC].s));
    if (p->v[F_NAME].has) json_object_set_new(out, "name", json_string(p->v[F_NAME].s));
    if (p->fiscal_year) json_object_set_new(out, "fiscal_year", json_integer(p->fiscal_year));
    json_object_set_new(out, "fields", fields);
    json_t *hist = json_object();
    for (int k = 0; k < PROFILE_HISTORY; k++) {
        json_t *yr = json_object();
        for (int f = 0; f < F_COUNT; f++) {
            const struct field_def *d = schema_field((enum field_id)f);
            if (d->is_yearly && p->hist[k][f].has)
                json_object_set_new(yr, d->key, value_json(d, &p->hist[k][f]));
        }
        if (json_object_size(yr) && p->fiscal_year) {
            snprintf(buf, sizeof buf, "%d", p->fiscal_year - 1 - k);
            json_object_set_new(hist, buf, yr);
        } else {
            json_decref(yr);
        }
    }
    if (json_object_size(hist))
        json_object_set_new(out, "history", hist);
    else
        json_decref(hist);
    return out;
}
