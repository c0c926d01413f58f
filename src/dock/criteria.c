/* Owns eligibility criteria on enterprise profiles (field, operator, values) for loan products and
 * subsidies, in three-valued logic with an explanation per criterion. Does not own the rule
 * language (src/rules); products can move to rules once it lands. */
#include <string.h>

#include "dock/dock.h"
#include "refdata/refdata.h"

static const struct {
    const char *name;
    enum crit_op op;
} ops[] = {
    {"in", CRIT_IN},   {"属于", CRIT_IN},  {"not-in", CRIT_NOT_IN}, {"不属于", CRIT_NOT_IN},
    {"has", CRIT_HAS}, {"包含", CRIT_HAS}, {"lacks", CRIT_LACKS},   {"不包含", CRIT_LACKS},
    {">=", CRIT_GE},   {"<=", CRIT_LE},    {">", CRIT_GT},          {"<", CRIT_LT},
    {"=", CRIT_EQ},    {"==", CRIT_EQ},
};

static const char *op_text(enum crit_op op) {
    static const char *const t[] = {"∈", "∉", "包含", "不包含", "≥", "≤", ">", "<", "="};
    return t[op];
}

static int value_text(json_t *v, char *buf, size_t n) {
    if (json_is_string(v))
        snprintf(buf, n, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, n, "%s", json_is_true(v) ? "是" : "否");
    else
        return -1;
    return 0;
}

static bool op_fits(enum crit_op op, enum field_type t) {
    switch (op) {
    case CRIT_IN:
    case CRIT_NOT_IN:
        return t == FT_ENUM || t == FT_REGION || t == FT_INDUSTRY;
    case CRIT_HAS:
    case CRIT_LACKS:
        return t == FT_SET;
    case CRIT_EQ:
        return t != FT_SET && t != FT_TEXT;
    default:
        return t == FT_INT || t == FT_MONEY || t == FT_RATIO || t == FT_DATE;
    }
}

int criterion_from_json(json_t *o, struct criterion *c, struct arena *a, struct error *err) {
    memset(c, 0, sizeof *c);
    const char *fname = json_string_value(json_object_get(o, "field"));
    const char *oname = json_string_value(json_object_get(o, "op"));
    if (!fname || !oname)
        return error_set(err, ERR_INVALID, "条件须有 field 与 op",
                         "a criterion needs field and op");
    const struct field_def *f = schema_find(fname, strlen(fname));
    if (!f) {
        const struct field_def *g = schema_suggest(fname, strlen(fname));
        error_set(err, ERR_INVALID, "未知字段 “%s”%s%s", "unknown field \"%s\"%s%s", fname,
                  g ? "，是否指 " : "", g ? g->label : "");
        return error_field(err, fname);
    }
    size_t k = 0;
    for (; k < sizeof ops / sizeof *ops; k++)
        if (strcmp(ops[k].name, oname) == 0) break;
    if (k == sizeof ops / sizeof *ops || !op_fits(ops[k].op, f->type)) {
        error_set(err, ERR_INVALID, "字段 “%s” 不能用运算 “%s”",
                  "field \"%s\" cannot take op \"%s\"", f->label, oname);
        return error_field(err, f->key);
    }
    c->field = f->id, c->op = ops[k].op;
    json_t *vals = json_object_get(o, "values"), *one = json_object_get(o, "value");
    size_t n = json_is_array(vals) ? json_array_size(vals) : one ? 1 : 0;
    if (n == 0 || n > CRIT_MAX_VALUES) {
        error_set(err, ERR_INVALID, "条件 “%s” 须有 1 至 16 个值",
                  "criterion on \"%s\" needs 1 to 16 values", f->label);
        return error_field(err, f->key);
    }
    char src[512];
    int len = snprintf(src, sizeof src, "%s %s ", f->label, op_text(c->op));
    for (size_t i = 0; i < n; i++) {
        char text[256];
        json_t *v = one ? one : json_array_get(vals, i);
        if (value_text(v, text, sizeof text)) {
            error_set(err, ERR_INVALID, "条件 “%s” 的值须为文本或整数",
                      "values of \"%s\" must be text or integers", f->label);
            return error_field(err, f->key);
        }
        int rc = schema_parse_value(f, text, strlen(text), a, &c->values[i], NULL, 0, err);
        if (rc) return error_field(err, f->key);
        if (!c->values[i].has) {
            error_set(err, ERR_INVALID, "条件 “%s” 的值为空", "empty value for \"%s\"", f->label);
            return error_field(err, f->key);
        }
        if (len < (int)sizeof src)
            len += snprintf(src + len, sizeof src - (size_t)len, "%s%s", i ? "、" : "", text);
    }
    c->n_values = (int)n;
    c->source = arena_strdup(a, src);
    return c->source ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

static int compare_values(const struct field_def *f, const struct value *a, const struct value *b) {
    if (f->type == FT_RATIO) return ratio_cmp(a->r, b->r);
    return a->i < b->i ? -1 : a->i > b->i;
}

static bool is_within(const struct field_def *f, const struct value *v, const struct value *of) {
    if (f->type == FT_REGION) return region_is_within((int)v->i, (int)of->i);
    if (f->type == FT_INDUSTRY) return industry_is_within((int)v->i, (int)of->i);
    return v->i == of->i;
}

enum tri criterion_eval(const struct criterion *c, const struct profile *p, char *why, size_t n) {
    const struct field_def *f = schema_field(c->field);
    const struct value *v = &p->v[c->field];
    if (!v->has) {
        if (why) snprintf(why, n, "%s：缺少%s / missing %s", c->source, f->label, f->key);
        return TRI_UNKNOWN;
    }
    bool ok = false;
    switch (c->op) {
    case CRIT_IN:
    case CRIT_NOT_IN:
        for (int i = 0; i < c->n_values && !ok; i++)
            ok = is_within(f, v, &c->values[i]);
        if (c->op == CRIT_NOT_IN) ok = !ok;
        break;
    case CRIT_HAS:
    case CRIT_LACKS:
        for (int i = 0; i < c->n_values && !ok; i++)
            ok = (v->i & c->values[i].i) != 0;
        if (c->op == CRIT_LACKS) ok = !ok;
        break;
    default: {
        int cmp = compare_values(f, v, &c->values[0]);
        ok = c->op == CRIT_GE   ? cmp >= 0
             : c->op == CRIT_LE ? cmp <= 0
             : c->op == CRIT_GT ? cmp > 0
             : c->op == CRIT_LT ? cmp < 0
                                : cmp == 0;
    }
    }
    if (why) {
        char val[256];
        schema_format_value(f, v, val, sizeof val);
        snprintf(why, n, "%s：%s 为 %s %s", c->source, f->label, val, ok ? "✓" : "✗");
    }
    return ok ? TRI_TRUE : TRI_FALSE;
}
