/* Owns the canonical text of rules: rules_format (what `duijie fmt` prints), conditions and
 * expressions for explanations, and constants for people ("500万元", "5%", "2025-01-01"). The
 * canonical form parses back to the same tree, so fmt(fmt(x)) == fmt(x). */
#include <stdio.h>
#include <string.h>

#include "refdata/refdata.h"
#include "rules/internal.h"
#include "util/date.h"

const char *rules_op_text(enum rule_op op) {
    static const char *const t[] = {"=", "!=", "<", "<=", ">", ">="};
    return (unsigned)op < 6 ? t[op] : "?";
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

static void put_expr(const struct rule_expr *e, struct buf *out, int min_prec) {
    bool paren = prec(e) < min_prec;
    if (paren) buf_putc(out, '(');
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
        put_expr(e->a, out, p);
        buf_puts(out, ops[e->kind]);
        put_expr(e->b, out, p + 1);
        break;
    }
    case RE_MIN:
    case RE_MAX:
        buf_puts(out, e->kind == RE_MIN ? "min(" : "max(");
        put_expr(e->a, out, 0);
        buf_puts(out, ", ");
        put_expr(e->b, out, 0);
        buf_putc(out, ')');
        break;
    case RE_CAP:
        put_expr(e->a, out, 1);
        buf_puts(out, ", 最高 ");
        put_expr(e->b, out, 1);
        break;
    case RE_TIER:
        buf_puts(out, "分档(");
        put_expr(e->a, out, 0);
        for (int i = 0; i < e->n_tiers; i++) {
            const struct rule_tier *t = &e->tiers[i];
            buf_puts(out, "; ");
            if (t->is_else) {
                buf_puts(out, "否则 ");
            } else {
                bool pct = e->a->kind == RE_FIELD && schema_field(e->a->field)->type == FT_RATIO;
                buf_printf(out, "%s ", rules_op_text(t->op));
                rules_format_const(e->a->dim, t->bound, pct, out);
                buf_puts(out, ": ");
            }
            put_expr(t->amount, out, 0);
        }
        buf_putc(out, ')');
        break;
    case RE_CHOICE: {
        const struct field_def *f = schema_field(e->field);
        buf_printf(out, "分别(%s", f->label);
        for (int i = 0; i < e->n_choices; i++) {
            buf_puts(out, "; ");
            buf_json_str(out, f->values[e->choices[i].value]);
            buf_puts(out, ": ");
            put_expr(e->choices[i].amount, out, 0);
        }
        buf_putc(out, ')');
        break;
    }
    }
    if (paren) buf_putc(out, ')');
}

void rules_format_expr(const struct rule_expr *e, struct buf *out) {
    put_expr(e, out, 0);
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

static void put_values(const struct rule_cond *c, struct buf *out) {
    const struct field_def *f = schema_field(c->field);
    bool list = c->n_values > 1;
    if (list) buf_putc(out, '[');
    for (int i = 0; i < c->n_values; i++) {
        if (i) buf_puts(out, ", ");
        if (f->type == FT_REGION) {
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

static void put_atom(const struct rule_cond *c, struct buf *out) {
    const struct field_def *f = c->field < F_COUNT ? schema_field(c->field) : NULL;
    switch (c->kind) {
    case RC_CMP: {
        put_expr(c->lhs, out, 0);
        buf_printf(out, " %s ", rules_op_text(c->op));
        if (c->is_simple && c->rhs->kind == RE_CONST) {
            rules_format_const(c->rhs->dim, c->rhs->k, f->type == FT_RATIO || c->rhs->is_percent,
                               out);
            if (c->rhs->dim == RD_NUM && f->type == FT_INT && f->unit[0] &&
                decimal_places(c->rhs->k) >= 0)
                buf_puts(out, f->unit);
        } else {
            put_expr(c->rhs, out, 0);
        }
        break;
    }
    case RC_IN:
        buf_printf(out, "%s 属于 ", f->label);
        put_values(c, out);
        break;
    case RC_HAS:
        buf_printf(out, "%s 包含 ", f->label);
        put_values(c, out);
        break;
    case RC_BOOL:
        buf_puts(out, f->label);
        break;
    default:
        break;
    }
}

static void put_cond(const struct rule_cond *c, struct buf *out, int min_prec) {
    /* precedence: 或 0, 且 1, 非 and atoms 2 */
    switch (c->kind) {
    case RC_AND:
    case RC_OR: {
        int p = c->kind == RC_OR ? 0 : 1;
        if (p < min_prec) buf_putc(out, '(');
        for (int i = 0; i < c->n_kids; i++) {
            if (i) buf_puts(out, c->kind == RC_OR ? " 或 " : " 且 ");
            put_cond(c->kids[i], out, p + 1);
        }
        if (p < min_prec) buf_putc(out, ')');
        break;
    }
    case RC_NOT:
        buf_puts(out, "非 ");
        put_cond(c->kids[0], out, 2);
        break;
    case RC_TRUE:
        break;
    default:
        put_atom(c, out);
        break;
    }
}

void rules_format_cond(const struct rule_cond *c, struct buf *out) {
    put_cond(c, out, 0);
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
