/* Owns the text of rules: the canonical form (rules_format, what `duijie fmt` prints; it parses
 * back to the same tree, so fmt(fmt(x)) == fmt(x)) and the words people read in explanations
 * (rules_describe_cond: relations as 不低于 / 属于 A、B, full-width punctuation, 非 pushed down to
 * the conditions it negates), and constants for both ("500万元", "5%", "2025-01-01"). Does not
 * own the per-enterprise explanation texts (eval.c). */
#include <stdio.h>
#include <string.h>

#include "refdata/refdata.h"
#include "rules/internal.h"
#include "util/date.h"

const char *rules_op_text(enum rule_op op) {
    static const char *const t[] = {"=", "!=", "<", "<=", ">", ">="};
    return (unsigned)op < 6 ? t[op] : "?";
}

const char *rules_op_words(enum rule_op op, enum rule_dim dim) {
    static const char *const num[] = {"等于", "不等于", "低于", "不高于", "高于", "不低于"};
    static const char *const date[] = {"为", "不是", "早于", "不晚于", "晚于", "不早于"};
    if ((unsigned)op >= 6) return "?";
    return dim == RD_DATE ? date[op] : num[op];
}

enum rule_op rules_op_negate(enum rule_op op) {
    static const enum rule_op t[] = {RO_NE, RO_EQ, RO_GE, RO_GT, RO_LE, RO_LT};
    return (unsigned)op < 6 ? t[op] : op;
}

bool rules_op_holds(enum rule_op op, int cmp) {
    switch (op) {
    case RO_EQ:
        return cmp == 0;
    case RO_NE:
        return cmp != 0;
    case RO_LT:
        return cmp < 0;
    case RO_LE:
        return cmp <= 0;
    case RO_GT:
        return cmp > 0;
    default:
        return cmp >= 0;
    }
}

/* Decimal places needed to write r exactly, or -1 when it is not a finite decimal. */
static int decimal_places(struct ratio r) {
    r = ratio_reduce(r);
    int64_t d = r.den;
    int twos = 0, fives = 0;
    while (d % 2 == 0)
        d /= 2, twos++;
    while (d % 5 == 0)
        d /= 5, fives++;
    if (d != 1) return -1;
    return twos > fives ? twos : fives;
}

static void put_decimal(struct ratio r, struct buf *out) {
    char tmp[80];
    int places = decimal_places(r);
    if (places >= 0 && places <= 18) {
        buf_puts(out, ratio_format(r, places, tmp, sizeof tmp));
        return;
    }
    r = ratio_reduce(r);
    buf_printf(out, "(%lld/%lld)", (long long)r.num, (long long)r.den);
}

void rules_format_const(enum rule_dim dim, struct ratio k, bool is_percent, struct buf *out) {
    char tmp[80];
    k = ratio_reduce(k);
    if (dim == RD_DATE) {
        buf_puts(out, date_format((int32_t)k.num, tmp, sizeof tmp));
    } else if (dim == RD_MONEY) {
        if (k.den == 1) {
            buf_puts(out, money_format(k.num, tmp, sizeof tmp));
        } else {
            buf_printf(out, "(%s/%lld)", money_format(k.num, tmp, sizeof tmp), (long long)k.den);
        }
    } else if (is_percent) {
        struct ratio p;
        if (ratio_mul(k, (struct ratio){100, 1}, &p) && decimal_places(p) >= 0 &&
            decimal_places(p) <= 18) {
            put_decimal(p, out);
            buf_putc(out, '%');
        } else {
            put_decimal(k, out);
        }
    } else {
        put_decimal(k, out);
    }
}

void rules_describe_const(enum rule_dim dim, struct ratio k, bool is_percent, struct buf *out) {
    char tmp[80];
    struct ratio p = ratio_reduce(k);
    if (dim == RD_NUM && is_percent && !ratio_mul(p, (struct ratio){100, 1}, &p)) p.den = 3;
    int places = decimal_places(p);
    if (dim != RD_NUM || (places >= 0 && places <= 10)) {
        rules_format_const(dim, k, is_percent, out);
        return;
    }
    /* not a short decimal (1/3): rounded, and said to be */
    buf_printf(out, "约 %s%s", ratio_format(is_percent ? p : ratio_reduce(k), 4, tmp, sizeof tmp),
               is_percent ? "%" : "");
}

void rules_puts_quoted(struct buf *out, const char *s) {
    bool is_open = false;
    for (; *s; s++) {
        if (*s == '"') {
            is_open = !is_open;
            buf_puts(out, is_open ? "“" : "”");
        } else {
            buf_putc(out, *s);
        }
    }
}

/* Binding strength for parentheses: + - bind 1, × ÷ bind 2, atoms 3. */
static int prec(const struct rule_expr *e) {
    switch (e->kind) {
    case RE_ADD:
    case RE_SUB:
        return 1;
    case RE_MUL:
    case RE_DIV:
        return 2;
    case RE_CONST:
        return e->k.num < 0 ? 0 : 3;
    case RE_CAP:
        return 0;
    default:
        return 3;
    }
}

/* The tree is spelt two ways: canonical (words false: the rule language, parsed back by the
 * compiler) or for people (words true: relations in words, full-width punctuation, no quotes). */
static void put_open(struct buf *out, bool words) {
    buf_puts(out, words ? "（" : "(");
}

static void put_close(struct buf *out, bool words) {
    buf_puts(out, words ? "）" : ")");
}

static void put_expr(const struct rule_expr *e, struct buf *out, int min_prec, bool words);

static void put_tier(const struct rule_expr *e, struct buf *out, bool words) {
    bool pct = e->a->kind == RE_FIELD && schema_field(e->a->field)->type == FT_RATIO;
    buf_puts(out, words ? "分档（" : "分档(");
    put_expr(e->a, out, 0, words);
    for (int i = 0; i < e->n_tiers; i++) {
        const struct rule_tier *t = &e->tiers[i];
        buf_puts(out, !words ? "; " : i ? "；" : "：");
        if (t->is_else) {
            buf_puts(out, "否则 ");
        } else {
            buf_printf(out, "%s ", words ? rules_op_words(t->op, e->a->dim) : rules_op_text(t->op));
            rules_format_const(e->a->dim, t->bound, pct, out);
            buf_puts(out, words ? " 得 " : ": ");
        }
        put_expr(t->amount, out, 0, words);
    }
    put_close(out, words);
}

static void put_choice(const struct rule_expr *e, struct buf *out, bool words) {
    const struct field_def *f = schema_field(e->field);
    buf_printf(out, words ? "按%s（" : "分别(%s", f->label);
    for (int i = 0; i < e->n_choices; i++) {
        if (words) {
            buf_puts(out, i ? "；" : "");
            rules_puts_quoted(out, f->values[e->choices[i].value]);
            buf_putc(out, ' ');
        } else {
            buf_puts(out, "; ");
            buf_json_str(out, f->values[e->choices[i].value]);
            buf_puts(out, ": ");
        }
        put_expr(e->choices[i].amount, out, 0, words);
    }
    put_close(out, words);
}

static void put_expr(const struct rule_expr *e, struct buf *out, int min_prec, bool words) {
    bool paren = prec(e) < min_prec;
    if (paren) put_open(out, words);
    switch (e->kind) {
    case RE_CONST:
        rules_format_const(e->dim, e->k, e->is_percent, out);
        break;
    case RE_FIELD:
        buf_puts(out, schema_field(e->field)->label);
        break;
    case RE_ADD:
    case RE_SUB:
    case RE_MUL:
    case RE_DIV: {
        static const char *const ops[] = {
            [RE_ADD] = " + ", [RE_SUB] = " - ", [RE_MUL] = " × ", [RE_DIV] = " ÷ "};
        int p = prec(e);
        put_expr(e->a, out, p, words);
        buf_puts(out, ops[e->kind]);
        put_expr(e->b, out, p + 1, words);
        break;
    }
    case RE_MIN:
    case RE_MAX:
        if (words)
            buf_puts(out, e->kind == RE_MIN ? "较小值（" : "较大值（");
        else
            buf_puts(out, e->kind == RE_MIN ? "min(" : "max(");
        put_expr(e->a, out, 0, words);
        buf_puts(out, words ? "，" : ", ");
        put_expr(e->b, out, 0, words);
        put_close(out, words);
        break;
    case RE_CAP:
        put_expr(e->a, out, 1, words);
        buf_puts(out, words ? "，最高 " : ", 最高 ");
        put_expr(e->b, out, 1, words);
        break;
    case RE_TIER:
        put_tier(e, out, words);
        break;
    case RE_CHOICE:
        put_choice(e, out, words);
        break;
    }
    if (paren) put_close(out, words);
}

void rules_format_expr(const struct rule_expr *e, struct buf *out) {
    put_expr(e, out, 0, false);
}

void rules_describe_expr(const struct rule_expr *e, struct buf *out) {
    put_expr(e, out, 0, true);
}

/* A value's name in the rule: regions by path-free name, industries by code. */
static void put_value(const struct rule_cond *c, int v, struct buf *out) {
    const struct field_def *f = schema_field(c->field);
    if (f->type == FT_REGION) {
        buf_printf(out, "\"%lld\"", (long long)region_at(v)->code);
    } else if (f->type == FT_INDUSTRY) {
        buf_json_str(out, industry_at(v)->code);
    } else {
        buf_json_str(out, f->values[v]);
    }
}

/* A value's name for people: a region by name (with the parent's where the name is ambiguous:
 * 市中区（济南市）), an industry by name (in “” when a list holds it and the name has its own
 * 、), an enum or set value as written. */
static void put_value_words(const struct rule_cond *c, int v, struct buf *out) {
    const struct field_def *f = schema_field(c->field);
    if (f->type == FT_REGION) {
        const struct region *r = region_at(v);
        struct error e;
        buf_puts(out, r->name);
        if (region_find(r->name, strlen(r->name), &e) != v && r->parent >= 0)
            buf_printf(out, "（%s）", region_at(r->parent)->name);
    } else if (f->type == FT_INDUSTRY) {
        const char *name = industry_at(v)->name;
        bool quote = c->n_values > 1 && strstr(name, "、");
        buf_printf(out, quote ? "“%s”" : "%s", name);
    } else {
        rules_puts_quoted(out, f->values[v]);
    }
}

static void put_values(const struct rule_cond *c, struct buf *out, bool words) {
    const struct field_def *f = schema_field(c->field);
    bool list = c->n_values > 1 && !words;
    if (list) buf_putc(out, '[');
    for (int i = 0; i < c->n_values; i++) {
        if (i) buf_puts(out, words ? "、" : ", ");
        if (words) {
            put_value_words(c, c->values[i], out);
        } else if (f->type == FT_REGION) {
            /* names read better; the code where a name is ambiguous (市中区) */
            const struct region *r = region_at(c->values[i]);
            struct error e;
            if (region_find(r->name, strlen(r->name), &e) == c->values[i])
                buf_puts(out, r->name);
            else
                put_value(c, c->values[i], out);
        } else {
            put_value(c, c->values[i], out);
        }
    }
    if (list) buf_putc(out, ']');
}

void rules_describe_values(const struct rule_cond *c, struct buf *out) {
    put_values(c, out, true);
}

/* One atom; is_negated (words only) says it stands under an odd number of 非 and is spelt as
 * its negation: 非 营业收入 >= 100万元 → 营业收入 低于 100万元. */
static void put_atom(const struct rule_cond *c, struct buf *out, bool words, bool is_negated) {
    const struct field_def *f = c->field < F_COUNT ? schema_field(c->field) : NULL;
    switch (c->kind) {
    case RC_CMP: {
        enum rule_op op = is_negated ? rules_op_negate(c->op) : c->op;
        put_expr(c->lhs, out, 0, words);
        buf_printf(out, " %s ", words ? rules_op_words(op, c->lhs->dim) : rules_op_text(op));
        if (c->is_simple && c->rhs->kind == RE_CONST) {
            rules_format_const(c->rhs->dim, c->rhs->k, f->type == FT_RATIO || c->rhs->is_percent,
                               out);
            if (c->rhs->dim == RD_NUM && f->type == FT_INT && f->unit[0] &&
                decimal_places(c->rhs->k) >= 0)
                buf_puts(out, f->unit);
        } else {
            put_expr(c->rhs, out, 0, words);
        }
        break;
    }
    case RC_IN:
        if (!words)
            buf_printf(out, "%s 属于 ", f->label);
        else if (f->type == FT_ENUM && c->n_values == 1) /* one value of a list: 上市阶段 为 上市 */
            buf_printf(out, "%s %s ", f->label, is_negated ? "不为" : "为");
        else
            buf_printf(out, "%s %s ", f->label, is_negated ? "不属于" : "属于");
        put_values(c, out, words);
        break;
    case RC_HAS:
        if (!words)
            buf_printf(out, "%s 包含 ", f->label);
        else if (c->n_values > 1)
            buf_printf(out, "%s %s ", f->label, is_negated ? "不同时包含" : "同时包含");
        else
            buf_printf(out, "%s %s ", f->label, is_negated ? "不包含" : "包含");
        put_values(c, out, words);
        break;
    case RC_BOOL:
        if (words)
            buf_printf(out, "%s：%s", f->label, is_negated ? "否" : "是");
        else
            buf_puts(out, f->label);
        break;
    default:
        break;
    }
}

/* precedence: 或 0, 且 1, 非 and atoms 2. In words a 非 is pushed down to the atoms (De Morgan:
 * 非 (A 且 B) reads as 非A 或 非B), so people never have to resolve a negation themselves. */
static void put_cond(const struct rule_cond *c, struct buf *out, int min_prec, bool words,
                     bool is_negated) {
    switch (c->kind) {
    case RC_AND:
    case RC_OR: {
        bool is_or = (c->kind == RC_OR) != is_negated;
        int p = is_or ? 0 : 1;
        if (p < min_prec) put_open(out, words);
        for (int i = 0; i < c->n_kids; i++) {
            if (i) buf_puts(out, is_or ? " 或 " : " 且 ");
            put_cond(c->kids[i], out, p + 1, words, is_negated);
        }
        if (p < min_prec) put_close(out, words);
        break;
    }
    case RC_NOT:
        if (words) {
            put_cond(c->kids[0], out, min_prec, words, !is_negated);
        } else {
            buf_puts(out, "非 ");
            put_cond(c->kids[0], out, 2, words, false);
        }
        break;
    case RC_TRUE:
        if (words) buf_puts(out, is_negated ? "不可能满足" : "无条件");
        break;
    default:
        put_atom(c, out, words, is_negated);
        break;
    }
}

void rules_format_cond(const struct rule_cond *c, struct buf *out) {
    put_cond(c, out, 0, false, false);
}

void rules_describe_cond(const struct rule_cond *c, bool is_negated, struct buf *out) {
    put_cond(c, out, 0, true, is_negated);
}

void rules_format(const struct rule *r, struct buf *out) {
    char a[16], b[16];
    for (int i = 0; i < r->n_versions; i++) {
        const struct rule_version *v = &r->versions[i];
        if (v->name[0] || v->from != INT32_MIN || v->to != INT32_MAX) {
            if (i) buf_putc(out, '\n');
            buf_puts(out, "版本 ");
            buf_json_str(out, v->name);
            if (v->from != INT32_MIN) buf_printf(out, " 自 %s", date_format(v->from, a, sizeof a));
            if (v->to != INT32_MAX) buf_printf(out, " 至 %s", date_format(v->to, b, sizeof b));
            buf_putc(out, '\n');
        }
        if (v->cond->kind != RC_TRUE) {
            rules_format_cond(v->cond, out);
            buf_putc(out, '\n');
        }
        if (v->award) {
            buf_puts(out, "奖励 = ");
            rules_format_expr(v->award->expr, out);
            buf_putc(out, '\n');
        }
    }
}
