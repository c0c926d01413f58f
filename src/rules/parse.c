/* Owns rules_compile: the recursive-descent parser over the lexer's tokens, name resolution
 * through the field dictionary and reference data, type checking (money with money, dates with
 * dates, units that fit the field), constant folding, and lowering of tiers in conditions to
 * and/or of plain comparisons. Evaluation, formatting and SQL live in eval.c, fmt.c and sql.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "rules/internal.h"
#include "util/utf8.h"

struct parser {
    struct token *t; /* tokens, ending with T_EOF */
    int pos;
    struct arena *a;
    struct error *err;
    struct rule_version *v; /* the version being parsed (atoms are collected into it) */
    struct rule_cond *atoms[RULES_MAX_ATOMS];
    int n_atoms;
};

#define NOMEM(ps) error_set_text((ps)->err, ERR_NOMEM, "内存不足", "out of memory")

static struct token *peek(struct parser *ps) {
    return &ps->t[ps->pos];
}

static struct token *next(struct parser *ps) {
    struct token *t = &ps->t[ps->pos];
    if (t->kind != T_EOF) ps->pos++;
    return t;
}

static bool accept(struct parser *ps, enum tok_kind k) {
    if (peek(ps)->kind != k) return false;
    next(ps);
    return true;
}

/* The token as people see it, for messages: its text, or its kind at the end. */
static void tok_show(const struct token *t, char *buf, size_t n) {
    if (t->kind == T_EOF) {
        snprintf(buf, n, "结尾 / end of rule");
        return;
    }
    int l = (int)(t->len > 40 ? 40 : t->len);
    snprintf(buf, n, "“%.*s”", l, t->text);
}

static int fail_at(struct parser *ps, const struct token *t, const char *zh, const char *en) {
    error_set_text(ps->err, ERR_PARSE, zh, en);
    return error_at(ps->err, t->line, t->col);
}

/* "expected X, found Y" at the current token. */
static int expected(struct parser *ps, const char *what_zh, const char *what_en) {
    struct token *t = peek(ps);
    char shown[96], zh[320], en[320];
    tok_show(t, shown, sizeof shown);
    snprintf(zh, sizeof zh, "这里应为%s,却是%s", what_zh, shown);
    snprintf(en, sizeof en, "expected %s, found %s", what_en, shown);
    return fail_at(ps, t, zh, en);
}

static int expect(struct parser *ps, enum tok_kind k, const char *zh, const char *en) {
    if (accept(ps, k)) return 0;
    return expected(ps, zh, en);
}

static void *alloc(struct parser *ps, size_t n) {
    return arena_alloc(ps->a, n);
}

/* ---- names ---- */

static const struct field_def *resolve_field(struct parser *ps, const struct token *t, int *rc) {
    const struct field_def *f = schema_find(t->text, t->len);
    if (f) {
        *rc = 0;
        return f;
    }
    const struct field_def *s = schema_suggest(t->text, t->len);
    char zh[320], en[320];
    int l = (int)(t->len > 60 ? 60 : t->len);
    if (s) {
        snprintf(zh, sizeof zh, "未知字段“%.*s”,是否想写“%s”?", l, t->text, s->label);
        snprintf(en, sizeof en, "unknown field \"%.*s\"; did you mean \"%s\" (%s)?", l, t->text,
                 s->label, s->key);
    } else {
        snprintf(zh, sizeof zh, "未知字段“%.*s”(字段见 docs/FIELDS.md)", l, t->text);
        snprintf(en, sizeof en, "unknown field \"%.*s\" (see docs/FIELDS.md for fields)", l,
                 t->text);
    }
    *rc = fail_at(ps, t, zh, en);
    return NULL;
}

int rules_field_dim(enum field_id f) {
    switch (schema_field(f)->type) {
    case FT_INT:
    case FT_RATIO:
        return RD_NUM;
    case FT_MONEY:
        return RD_MONEY;
    case FT_DATE:
        return RD_DATE;
    default:
        return -1;
    }
}

static const char *dim_zh(enum rule_dim d) {
    return d == RD_MONEY ? "金额" : d == RD_DATE ? "日期" : "数值";
}

static const char *dim_en(enum rule_dim d) {
    return d == RD_MONEY ? "an amount of money" : d == RD_DATE ? "a date" : "a number";
}

/* ---- expressions ---- */

static struct rule_expr *new_expr(struct parser *ps, enum rule_expr_kind k, const struct token *t) {
    struct rule_expr *e = alloc(ps, sizeof *e);
    if (!e) return NULL;
    e->kind = k;
    e->line = t->line;
    e->col = t->col;
    e->field = F_COUNT;
    e->k = (struct ratio){0, 1};
    return e;
}

static int parse_expr(struct parser *ps, struct rule_expr **out);

/* A number token as a constant: 元 units make money in whole fen, dates are days. */
static int number_const(struct parser *ps, const struct token *t, struct rule_expr **out) {
    struct rule_expr *e = new_expr(ps, RE_CONST, t);
    if (!e) return NOMEM(ps);
    if (t->kind == T_DATE) {
        e->dim = RD_DATE;
        e->k = (struct ratio){t->date, 1};
    } else if (t->q.unit == UNIT_YUAN) {
        struct ratio fen;
        if (!ratio_mul(t->q.value, (struct ratio){100, 1}, &fen))
            return fail_at(ps, t, "金额太大", "amount too large");
        fen = ratio_reduce(fen);
        if (fen.den != 1)
            return fail_at(ps, t, "金额精确到分,不能有更小的零头",
                           "an amount is exact to the fen (0.01 yuan); no smaller fractions");
        e->dim = RD_MONEY;
        e->k = fen;
    } else if (t->q.unit == UNIT_MONTH || t->q.unit == UNIT_DAY) {
        return fail_at(ps, t, "月、日只能与日期比较,这里请用年或写日期",
                       "months and days are not supported here; use years or a date");
    } else {
        e->dim = RD_NUM;
        e->k = ratio_reduce(t->q.value);
        e->is_percent = t->q.unit == UNIT_PERCENT;
    }
    *out = e;
    return 0;
}

static bool is_const(const struct rule_expr *e) {
    return e->kind == RE_CONST;
}

/* Folds a binary operation on two constants; false when it cannot (overflow, ÷ 0). */
static bool fold(enum rule_expr_kind k, struct ratio a, struct ratio b, struct ratio *out) {
    switch (k) {
    case RE_ADD:
        return ratio_add(a, b, out);
    case RE_SUB:
        return ratio_sub(a, b, out);
    case RE_MUL:
        return ratio_mul(a, b, out);
    case RE_DIV:
        return b.num != 0 && ratio_div(a, b, out);
    case RE_MIN:
    case RE_CAP:
        *out = ratio_cmp(a, b) <= 0 ? a : b;
        return true;
    case RE_MAX:
        *out = ratio_cmp(a, b) >= 0 ? a : b;
        return true;
    default:
        return false;
    }
}

/* Checks the dims of a binary node and sets its dim; folds constants (not caps: a cap is kept
 * so the explanation can say it). */
static int binary(struct parser *ps, enum rule_expr_kind k, const struct token *t,
                  struct rule_expr *a, struct rule_expr *b, struct rule_expr **out) {
    enum rule_dim d;
    bool ok = true;
    switch (k) {
    case RE_ADD:
    case RE_SUB:
    case RE_MIN:
    case RE_MAX:
    case RE_CAP:
        ok = a->dim == b->dim && (a->dim != RD_DATE || k != RE_ADD);
        d = k == RE_SUB && a->dim == RD_DATE ? RD_NUM : a->dim;
        break;
    case RE_MUL:
        ok = a->dim == RD_NUM || b->dim == RD_NUM;
        ok = ok && a->dim != RD_DATE && b->dim != RD_DATE;
        d = a->dim == RD_NUM ? b->dim : a->dim;
        break;
    default: /* RE_DIV */
        ok = (b->dim == RD_NUM || a->dim == b->dim) && a->dim != RD_DATE && b->dim != RD_DATE;
        d = b->dim == RD_NUM ? a->dim : RD_NUM;
        break;
    }
    if (!ok) {
        char zh[320], en[320];
        snprintf(zh, sizeof zh, "类型不符:%s与%s不能这样运算", dim_zh(a->dim), dim_zh(b->dim));
        snprintf(en, sizeof en, "type mismatch: cannot combine %s with %s this way", dim_en(a->dim),
                 dim_en(b->dim));
        return fail_at(ps, t, zh, en);
    }
    struct ratio r;
    if (is_const(a) && is_const(b) && k != RE_CAP && fold(k, a->k, b->k, &r)) {
        a->k = ratio_reduce(r);
        a->dim = d;
        a->is_percent = a->is_percent && b->is_percent && (k == RE_ADD || k == RE_SUB);
        *out = a;
        return 0;
    }
    if (k == RE_DIV && is_const(b) && b->k.num == 0)
        return fail_at(ps, t, "除数为 0", "division by zero");
    struct rule_expr *e = new_expr(ps, k, t);
    if (!e) return NOMEM(ps);
    e->line = a->line;
    e->col = a->col;
    e->a = a;
    e->b = b;
    e->dim = d;
    *out = e;
    return 0;
}

static bool is_sep(enum tok_kind k) {
    return k == T_SEMI || k == T_COMMA;
}

/* 分档(subject; op bound: amount; …; 否则 amount) */
static int parse_tier(struct parser *ps, const struct token *kw, struct rule_expr **out) {
    int rc;
    if ((rc = expect(ps, T_LPAREN, "“(”", "\"(\""))) return rc;
    struct rule_expr *e = new_expr(ps, RE_TIER, kw);
    if (!e) return NOMEM(ps);
    if ((rc = parse_expr(ps, &e->a))) return rc;
    struct rule_tier tiers[32];
    int n = 0;
    bool has_else = false;
    while (is_sep(peek(ps)->kind)) {
        next(ps);
        if (peek(ps)->kind == T_RPAREN) break;
        if (n == 32) return fail_at(ps, peek(ps), "分档最多 32 档", "at most 32 tiers");
        if (has_else)
            return fail_at(ps, peek(ps), "“否则”必须是最后一档", "\"else\" must be the last tier");
        struct rule_tier *ti = &tiers[n];
        memset(ti, 0, sizeof *ti);
        if (accept(ps, T_ELSE)) {
            ti->is_else = has_else = true;
            accept(ps, T_COLON);
        } else {
            struct token *op = peek(ps);
            if (op->kind != T_OP)
                return expected(ps, "比较符(如 <= 5000万元)或“否则”",
                                "a comparison (like <= 5000万元) or \"else\"");
            next(ps);
            ti->op = op->op;
            struct rule_expr *bound;
            if ((rc = parse_expr(ps, &bound))) return rc;
            if (!is_const(bound))
                return fail_at(ps, op, "分档界限必须是常数", "a tier bound must be a constant");
            if (bound->dim != e->a->dim) {
                char zh[320], en[320];
                snprintf(zh, sizeof zh, "分档界限应为%s", dim_zh(e->a->dim));
                snprintf(en, sizeof en, "a tier bound must be %s", dim_en(e->a->dim));
                return fail_at(ps, op, zh, en);
            }
            ti->bound = bound->k;
            if ((rc = expect(ps, T_COLON, "“:”", "\":\""))) return rc;
        }
        struct token *at = peek(ps);
        if ((rc = parse_expr(ps, &ti->amount))) return rc;
        if (n > 0 && ti->amount->dim != tiers[0].amount->dim)
            return fail_at(ps, at, "各档的数额类型必须一致",
                           "all tiers must give the same kind of value");
        n++;
    }
    if (n == 0) return expected(ps, "“;” 和至少一档", "\";\" and at least one tier");
    if ((rc = expect(ps, T_RPAREN, "“)”", "\")\""))) return rc;
    e->tiers = alloc(ps, sizeof *e->tiers * (size_t)n);
    if (!e->tiers) return NOMEM(ps);
    memcpy(e->tiers, tiers, sizeof *tiers * (size_t)n);
    e->n_tiers = n;
    e->dim = tiers[0].amount->dim;
    *out = e;
    return 0;
}

/* 分别(资质; "制造业单项冠军": 300万元; "专精特新中小企业": 50万元) */
static int parse_choice(struct parser *ps, const struct token *kw, struct rule_expr **out) {
    int rc;
    if ((rc = expect(ps, T_LPAREN, "“(”", "\"(\""))) return rc;
    struct token *ft = peek(ps);
    if (ft->kind != T_IDENT) return expected(ps, "字段名(如 资质)", "a field name (like 资质)");
    next(ps);
    const struct field_def *f = resolve_field(ps, ft, &rc);
    if (!f) return rc;
    if (f->type != FT_SET && f->type != FT_ENUM)
        return fail_at(ps, ft, "“分别”只能按资质或枚举字段选择",
                       "\"choose\" works on a set or enum field (like 资质)");
    struct rule_expr *e = new_expr(ps, RE_CHOICE, kw);
    if (!e) return NOMEM(ps);
    e->field = f->id;
    struct rule_choice ch[64];
    int n = 0;
    while (is_sep(peek(ps)->kind)) {
        next(ps);
        if (peek(ps)->kind == T_RPAREN) break;
        if (n == 64) return fail_at(ps, peek(ps), "最多 64 项", "at most 64 entries");
        struct token *vt = peek(ps);
        if (vt->kind != T_STRING && vt->kind != T_IDENT)
            return expected(ps, "取值(如 \"高新技术企业\")", "a value (like \"高新技术企业\")");
        next(ps);
        int idx = schema_value_index(f, vt->text, vt->len);
        if (idx < 0) {
            char zh[320], en[320];
            int l = (int)(vt->len > 60 ? 60 : vt->len);
            snprintf(zh, sizeof zh, "“%s”没有取值“%.*s”", f->label, l, vt->text);
            snprintf(en, sizeof en, "%s has no value \"%.*s\"", f->key, l, vt->text);
            return fail_at(ps, vt, zh, en);
        }
        if ((rc = expect(ps, T_COLON, "“:”", "\":\""))) return rc;
        struct token *at = peek(ps);
        ch[n].value = idx;
        if ((rc = parse_expr(ps, &ch[n].amount))) return rc;
        if (n > 0 && ch[n].amount->dim != ch[0].amount->dim)
            return fail_at(ps, at, "各项的数额类型必须一致",
                           "all entries must give the same kind of value");
        n++;
    }
    if (n == 0) return expected(ps, "“;” 和至少一项", "\";\" and at least one entry");
    if ((rc = expect(ps, T_RPAREN, "“)”", "\")\""))) return rc;
    e->choices = alloc(ps, sizeof *e->choices * (size_t)n);
    if (!e->choices) return NOMEM(ps);
    memcpy(e->choices, ch, sizeof *ch * (size_t)n);
    e->n_choices = n;
    e->dim = ch[0].amount->dim;
    *out = e;
    return 0;
}

static int parse_factor(struct parser *ps, struct rule_expr **out) {
    struct token *t = peek(ps);
    int rc;
    switch (t->kind) {
    case T_MINUS: {
        next(ps);
        struct rule_expr *x;
        if ((rc = parse_factor(ps, &x))) return rc;
        struct rule_expr *zero = new_expr(ps, RE_CONST, t);
        if (!zero) return NOMEM(ps);
        zero->dim = x->dim;
        return binary(ps, RE_SUB, t, zero, x, out);
    }
    case T_NUMBER:
    case T_DATE:
        next(ps);
        return number_const(ps, t, out);
    case T_LPAREN:
        next(ps);
        if ((rc = parse_expr(ps, out))) return rc;
        return expect(ps, T_RPAREN, "“)”", "\")\"");
    case T_MIN:
    case T_MAX: {
        next(ps);
        if ((rc = expect(ps, T_LPAREN, "“(”", "\"(\""))) return rc;
        struct rule_expr *acc;
        if ((rc = parse_expr(ps, &acc))) return rc;
        if (peek(ps)->kind != T_COMMA) return expected(ps, "“,”", "\",\"");
        while (accept(ps, T_COMMA)) {
            struct rule_expr *b;
            if ((rc = parse_expr(ps, &b))) return rc;
            if ((rc = binary(ps, t->kind == T_MIN ? RE_MIN : RE_MAX, t, acc, b, &acc))) return rc;
        }
        *out = acc;
        return expect(ps, T_RPAREN, "“)”", "\")\"");
    }
    case T_TIER:
        next(ps);
        return parse_tier(ps, t, out);
    case T_CHOICE:
        next(ps);
        return parse_choice(ps, t, out);
    case T_IDENT: {
        next(ps);
        const struct field_def *f = resolve_field(ps, t, &rc);
        if (!f) return rc;
        int d = rules_field_dim(f->id);
        if (d < 0) {
            char zh[320], en[320];
            snprintf(zh, sizeof zh, "“%s”不是数值字段,不能参与计算或比较大小", f->label);
            snprintf(en, sizeof en,
                     "\"%s\" is not a numeric field; it cannot be compared or computed with",
                     f->key);
            return fail_at(ps, t, zh, en);
        }
        struct rule_expr *e = new_expr(ps, RE_FIELD, t);
        if (!e) return NOMEM(ps);
        e->field = f->id;
        e->dim = (enum rule_dim)d;
        *out = e;
        return 0;
    }
    default:
        return expected(ps, "字段、数值或“(”", "a field, a number or \"(\"");
    }
}

static int parse_term(struct parser *ps, struct rule_expr **out) {
    int rc = parse_factor(ps, out);
    while (!rc && (peek(ps)->kind == T_MUL || peek(ps)->kind == T_DIV)) {
        struct token *t = next(ps);
        struct rule_expr *b;
        if ((rc = parse_factor(ps, &b))) return rc;
        rc = binary(ps, t->kind == T_MUL ? RE_MUL : RE_DIV, t, *out, b, out);
    }
    return rc;
}

static int parse_expr(struct parser *ps, struct rule_expr **out) {
    int rc = parse_term(ps, out);
    while (!rc && (peek(ps)->kind == T_PLUS || peek(ps)->kind == T_MINUS)) {
        struct token *t = next(ps);
        struct rule_expr *b;
        if ((rc = parse_term(ps, &b))) return rc;
        rc = binary(ps, t->kind == T_PLUS ? RE_ADD : RE_SUB, t, *out, b, out);
    }
    return rc;
}

/* ---- conditions ---- */

static struct rule_cond *new_cond(struct parser *ps, enum rule_cond_kind k, int line, int col) {
    struct rule_cond *c = alloc(ps, sizeof *c);
    if (!c) return NULL;
    c->kind = k;
    c->line = line;
    c->col = col;
    c->atom = -1;
    c->field = F_COUNT;
    c->k = (struct ratio){0, 1};
    return c;
}

static int add_atom(struct parser *ps, struct rule_cond *c, const struct token *t) {
    if (ps->n_atoms == RULES_MAX_ATOMS)
        return fail_at(ps, t, "条件太多(每个版本最多 128 个)",
                       "too many conditions (at most 128 per version)");
    c->atom = ps->n_atoms;
    ps->atoms[ps->n_atoms++] = c;
    return 0;
}

static struct rule_cond *wrap(struct parser *ps, enum rule_cond_kind k, struct rule_cond **kids,
                              int n) {
    struct rule_cond *c = new_cond(ps, k, kids[0]->line, kids[0]->col);
    if (!c) return NULL;
    c->kids = alloc(ps, sizeof *c->kids * (size_t)n);
    if (!c->kids) return NULL;
    memcpy(c->kids, kids, sizeof *kids * (size_t)n);
    c->n_kids = n;
    return c;
}

static struct rule_cond *negate(struct parser *ps, struct rule_cond *x) {
    return wrap(ps, RC_NOT, &x, 1);
}

static enum rule_op flip(enum rule_op op) {
    switch (op) {
    case RO_LT:
        return RO_GT;
    case RO_LE:
        return RO_GE;
    case RO_GT:
        return RO_LT;
    case RO_GE:
        return RO_LE;
    default:
        return op;
    }
}

/* Does a constant's unit fit the field it is compared with (500人 for 从业人员, not 500万元)? */
static int check_unit(struct parser *ps, const struct field_def *f, const struct token *kt) {
    if (kt->kind != T_NUMBER) return 0;
    enum unit u = kt->q.unit;
    bool ok = true;
    if (f->type == FT_MONEY)
        ok = u == UNIT_YUAN;
    else if (f->type == FT_RATIO)
        ok = u == UNIT_PERCENT || u == UNIT_NONE;
    else if (strcmp(f->unit, "人") == 0)
        ok = u == UNIT_PERSON || u == UNIT_NONE;
    else if (strcmp(f->unit, "年") == 0)
        ok = u == UNIT_YEAR || u == UNIT_NONE;
    else if (strcmp(f->unit, "项") == 0)
        ok = u == UNIT_ITEM || u == UNIT_NONE;
    if (ok) return 0;
    char zh[320], en[320];
    int l = (int)(kt->len > 40 ? 40 : kt->len);
    if (f->type == FT_MONEY) {
        snprintf(zh, sizeof zh, "“%s”是金额,“%.*s”应带单位 元、万元 或 亿元", f->label, l,
                 kt->text);
        snprintf(en, sizeof en, "\"%s\" is money: \"%.*s\" needs a unit 元, 万元 or 亿元", f->key,
                 l, kt->text);
    } else {
        snprintf(zh, sizeof zh, "“%.*s”的单位与“%s”(单位 %s)不符", l, kt->text, f->label,
                 f->unit[0] ? f->unit : "无");
        snprintf(en, sizeof en, "the unit of \"%.*s\" does not fit \"%s\" (unit %s)", l, kt->text,
                 f->key, f->unit[0] ? f->unit : "none");
    }
    return fail_at(ps, kt, zh, en);
}

/* lhs op rhs with tiers lowered: x op 分档(s; op1 b1: a1; op2 b2: a2; 否则 a3) becomes
 * (s op1 b1 且 x op a1) 或 (非 s op1 b1 且 s op2 b2 且 x op a2) 或 (非 … 且 x op a3). */
static int make_cmp(struct parser *ps, const struct token *t, struct rule_expr *lhs,
                    enum rule_op op, struct rule_expr *rhs, struct rule_cond **out);

static int simple_cmp(struct parser *ps, const struct token *t, struct rule_expr *subject,
                      enum rule_op op, struct ratio bound, struct rule_cond **out) {
    struct rule_expr *k = new_expr(ps, RE_CONST, t);
    if (!k) return NOMEM(ps);
    k->dim = subject->dim;
    k->k = bound;
    k->is_percent = subject->kind == RE_FIELD && schema_field(subject->field)->type == FT_RATIO;
    return make_cmp(ps, t, subject, op, k, out);
}

static int lower_tier(struct parser *ps, const struct token *t, struct rule_expr *x,
                      enum rule_op op, struct rule_expr *tier, bool tier_left,
                      struct rule_cond **out) {
    struct rule_cond *alts[32];
    int rc;
    for (int i = 0; i < tier->n_tiers; i++) {
        struct rule_cond *parts[34];
        int n = 0;
        for (int j = 0; j < i; j++) {
            struct rule_cond *b;
            if ((rc = simple_cmp(ps, t, tier->a, tier->tiers[j].op, tier->tiers[j].bound, &b)))
                return rc;
            if (!(parts[n++] = negate(ps, b))) return NOMEM(ps);
        }
        if (!tier->tiers[i].is_else &&
            (rc = simple_cmp(ps, t, tier->a, tier->tiers[i].op, tier->tiers[i].bound, &parts[n++])))
            return rc;
        rc = tier_left ? make_cmp(ps, t, tier->tiers[i].amount, op, x, &parts[n])
                       : make_cmp(ps, t, x, op, tier->tiers[i].amount, &parts[n]);
        if (rc) return rc;
        n++;
        alts[i] = n == 1 ? parts[0] : wrap(ps, RC_AND, parts, n);
        if (!alts[i]) return NOMEM(ps);
    }
    *out = tier->n_tiers == 1 ? alts[0] : wrap(ps, RC_OR, alts, tier->n_tiers);
    return *out ? 0 : NOMEM(ps);
}

static int make_cmp(struct parser *ps, const struct token *t, struct rule_expr *lhs,
                    enum rule_op op, struct rule_expr *rhs, struct rule_cond **out) {
    if (rhs->kind == RE_TIER) return lower_tier(ps, t, lhs, op, rhs, false, out);
    if (lhs->kind == RE_TIER) return lower_tier(ps, t, rhs, op, lhs, true, out);
    if (lhs->dim != rhs->dim) {
        char zh[320], en[320];
        snprintf(zh, sizeof zh, "类型不符:%s不能与%s比较", dim_zh(lhs->dim), dim_zh(rhs->dim));
        snprintf(en, sizeof en, "type mismatch: cannot compare %s with %s", dim_en(lhs->dim),
                 dim_en(rhs->dim));
        return fail_at(ps, t, zh, en);
    }
    if (is_const(lhs) && !is_const(rhs)) {
        struct rule_expr *tmp = lhs;
        lhs = rhs;
        rhs = tmp;
        op = flip(op);
    }
    struct rule_cond *c = new_cond(ps, RC_CMP, lhs->line, lhs->col);
    if (!c) return NOMEM(ps);
    c->op = op;
    c->lhs = lhs;
    c->rhs = rhs;
    if (lhs->kind == RE_FIELD && is_const(rhs)) {
        c->is_simple = true;
        c->field = lhs->field;
        c->k = rhs->k;
        /* the constant as the field holds it: a whole-number field against 2.5 stays exact */
        if (schema_field(lhs->field)->type == FT_RATIO) rhs->is_percent = true;
    }
    int rc = add_atom(ps, c, t);
    if (rc) return rc;
    *out = c;
    return 0;
}

/* One value on the right of 属于 / 包含 / = for a region, industry, enum or set field. */
static int value_index(struct parser *ps, const struct field_def *f, const struct token *vt,
                       int *out) {
    char zh[320], en[320];
    int l = (int)(vt->len > 60 ? 60 : vt->len);
    if (vt->kind != T_STRING && vt->kind != T_IDENT && vt->kind != T_NUMBER && vt->kind != T_ELSE)
        return fail_at(ps, vt, "这里应为取值(名称或 \"…\")", "expected a value (a name or \"…\")");
    struct error e;
    error_clear(&e);
    if (f->type == FT_REGION) {
        int idx = region_find(vt->text, vt->len, &e);
        if (idx >= 0) {
            *out = idx;
            return 0;
        }
        snprintf(zh, sizeof zh, "未知地区“%.*s”:%.200s", l, vt->text, e.zh);
        snprintf(en, sizeof en, "unknown region \"%.*s\": %.200s", l, vt->text, e.en);
    } else if (f->type == FT_INDUSTRY) {
        bool fallback = false;
        int idx = industry_find(vt->text, vt->len, &fallback, &e);
        if (idx >= 0) {
            *out = idx;
            return 0;
        }
        snprintf(zh, sizeof zh, "未知行业“%.*s”(用 GB/T 4754-2017 代码或名称)", l, vt->text);
        snprintf(en, sizeof en, "unknown industry \"%.*s\" (use a GB/T 4754-2017 code or name)", l,
                 vt->text);
    } else {
        int idx = schema_value_index(f, vt->text, vt->len);
        if (idx >= 0) {
            *out = idx;
            return 0;
        }
        struct buf b;
        buf_init(&b);
        for (int i = 0; f->values && f->values[i]; i++)
            buf_printf(&b, "%s%s", i ? "、" : "", f->values[i]);
        snprintf(zh, sizeof zh, "“%s”没有取值“%.*s”;可选:%.150s", f->label, l, vt->text,
                 buf_str(&b));
        snprintf(en, sizeof en, "%s has no value \"%.*s\"; one of: %.150s", f->key, l, vt->text,
                 buf_str(&b));
        buf_release(&b);
    }
    return fail_at(ps, vt, zh, en);
}

/* A value or a [list] of values. */
static int parse_values(struct parser *ps, const struct field_def *f, int **vals, int *n) {
    int tmp[256];
    int k = 0, rc;
    bool list = accept(ps, T_LBRACK);
    do {
        if (k == 256)
            return fail_at(ps, peek(ps), "列表最多 256 项", "at most 256 values in a list");
        if ((rc = value_index(ps, f, peek(ps), &tmp[k]))) return rc;
        next(ps);
        k++;
    } while (list && accept(ps, T_COMMA));
    if (list && (rc = expect(ps, T_RBRACK, "“,” 或 “]”", "\",\" or \"]\""))) return rc;
    *vals = alloc(ps, sizeof **vals * (size_t)k);
    if (!*vals) return NOMEM(ps);
    memcpy(*vals, tmp, sizeof *tmp * (size_t)k);
    *n = k;
    return 0;
}

/* 资质 包含 任一 [a, b] is (资质 包含 a 或 资质 包含 b): one atom per value, so the index and the
 * SQL see only plain membership. */
static int parse_has_any(struct parser *ps, const struct token *ft, const struct field_def *f,
                         bool neg, struct rule_cond **out) {
    int *vals, n, rc;
    if ((rc = parse_values(ps, f, &vals, &n))) return rc;
    struct rule_cond *kids[256];
    for (int i = 0; i < n; i++) {
        if (!(kids[i] = new_cond(ps, RC_HAS, ft->line, ft->col))) return NOMEM(ps);
        kids[i]->field = f->id;
        kids[i]->values = &vals[i];
        kids[i]->n_values = 1;
        if ((rc = add_atom(ps, kids[i], ft))) return rc;
    }
    struct rule_cond *c = n == 1 ? kids[0] : wrap(ps, RC_OR, kids, n);
    if (c && neg) c = negate(ps, c);
    *out = c;
    return c ? 0 : NOMEM(ps);
}

/* An atom on a non-numeric field: 注册地 属于 青岛市, 资质 包含 "高企", 上市阶段 = "上市", 失信. */
static int parse_named_atom(struct parser *ps, const struct token *ft, const struct field_def *f,
                            struct rule_cond **out) {
    struct token *t = peek(ps);
    bool neg = false;
    enum tok_kind k = t->kind;
    if (k == T_NOT && (ps->t[ps->pos + 1].kind == T_IN || ps->t[ps->pos + 1].kind == T_HAS)) {
        next(ps);
        neg = true;
        k = peek(ps)->kind;
        t = peek(ps);
    }
    if (k == T_NOT_IN || k == T_NOT_HAS) neg = true;
    bool is_in = k == T_IN || k == T_NOT_IN || (k == T_OP && (t->op == RO_EQ || t->op == RO_NE));
    bool is_has = k == T_HAS || k == T_NOT_HAS;
    if (k == T_OP && t->op == RO_NE) neg = true;
    struct rule_cond *c;
    int rc;
    char zh[320], en[320];
    if (f->type == FT_BOOL) {
        if (is_in && k == T_OP) {
            next(ps);
            struct token *vt = next(ps);
            bool truth;
            if ((vt->len == 3 && memcmp(vt->text, "是", 3) == 0) ||
                (vt->len == 4 && strncasecmp(vt->text, "true", 4) == 0))
                truth = true;
            else if ((vt->len == 3 && memcmp(vt->text, "否", 3) == 0) ||
                     (vt->len == 5 && strncasecmp(vt->text, "false", 5) == 0))
                truth = false;
            else
                return fail_at(ps, vt, "这里应为 是 或 否", "expected 是/否 (true/false)");
            neg = neg != !truth;
        } else if (is_in || is_has) {
            snprintf(zh, sizeof zh, "“%s”是是非字段:直接写“%s”或“非 %s”", f->label, f->label,
                     f->label);
            snprintf(en, sizeof en, "\"%s\" is yes/no: write \"%s\" or \"not %s\"", f->key, f->key,
                     f->key);
            return fail_at(ps, t, zh, en);
        }
        if (!(c = new_cond(ps, RC_BOOL, ft->line, ft->col))) return NOMEM(ps);
        c->field = f->id;
    } else if (f->type == FT_SET) {
        if (!is_has) {
            snprintf(zh, sizeof zh, "“%s”是多值字段,这里应为“包含”", f->label);
            snprintf(en, sizeof en, "\"%s\" holds a set: expected \"has\" (包含)", f->key);
            return fail_at(ps, t, zh, en);
        }
        next(ps);
        if (accept(ps, T_ANY)) return parse_has_any(ps, ft, f, neg, out);
        if (!(c = new_cond(ps, RC_HAS, ft->line, ft->col))) return NOMEM(ps);
        c->field = f->id;
        if ((rc = parse_values(ps, f, &c->values, &c->n_values))) return rc;
    } else if (f->type == FT_TEXT) {
        snprintf(zh, sizeof zh, "“%s”是文本字段,不能用于条件", f->label);
        snprintf(en, sizeof en, "\"%s\" is free text and cannot be used in a condition", f->key);
        return fail_at(ps, ft, zh, en);
    } else {
        if (!is_in) {
            if (is_has)
                snprintf(zh, sizeof zh, "“%s”只有一个值,这里应为“属于”或“=”", f->label);
            else
                snprintf(zh, sizeof zh, "“%s”之后应为“属于”或“=”", f->label);
            snprintf(en, sizeof en, "expected \"in\" (属于) or \"=\" after \"%s\"", f->key);
            return fail_at(ps, t, zh, en);
        }
        next(ps);
        if (!(c = new_cond(ps, RC_IN, ft->line, ft->col))) return NOMEM(ps);
        c->field = f->id;
        if ((rc = parse_values(ps, f, &c->values, &c->n_values))) return rc;
    }
    if ((rc = add_atom(ps, c, ft))) return rc;
    if (neg && !(c = negate(ps, c))) return NOMEM(ps);
    *out = c;
    return 0;
}

static int parse_or(struct parser *ps, struct rule_cond **out);

static int parse_atom(struct parser *ps, struct rule_cond **out) {
    struct token *t = peek(ps);
    int rc;
    if (t->kind == T_IDENT) {
        const struct field_def *f = schema_find(t->text, t->len);
        if (f && rules_field_dim(f->id) < 0) {
            next(ps);
            return parse_named_atom(ps, t, f, out);
        }
    }
    struct rule_expr *lhs, *rhs;
    if ((rc = parse_expr(ps, &lhs))) return rc;
    struct token *op = peek(ps);
    struct token *kt = op;
    enum rule_op o;
    if (op->kind == T_OP) {
        next(ps);
        kt = peek(ps);
        if ((rc = parse_expr(ps, &rhs))) return rc;
        o = op->op;
    } else if (op->kind == T_NUMBER || op->kind == T_DATE || op->kind == T_LPAREN) {
        /* 营业收入 2000万元以上 / 从业人员 500人以下: 以上 and 以下 include the number */
        if ((rc = parse_expr(ps, &rhs))) return rc;
        op = peek(ps);
        if (op->kind != T_ABOVE && op->kind != T_BELOW)
            return expected(ps, "“以上”或“以下”", "\"以上\" or \"以下\" (at least / at most)");
        next(ps);
        o = op->kind == T_ABOVE ? RO_GE : RO_LE;
    } else {
        return expected(ps, "比较符(>= > <= < = !=)", "a comparison (>= > <= < = !=)");
    }
    if (lhs->kind == RE_FIELD && is_const(rhs) &&
        (rc = check_unit(ps, schema_field(lhs->field), kt)))
        return rc;
    return make_cmp(ps, op, lhs, o, rhs, out);
}

/* "(" may open a condition or an arithmetic expression: try the condition, and fall back when a
 * comparison or an operator follows the ")". */
static int parse_primary(struct parser *ps, struct rule_cond **out) {
    if (peek(ps)->kind != T_LPAREN) return parse_atom(ps, out);
    int save = ps->pos, save_atoms = ps->n_atoms;
    next(ps);
    int rc = parse_or(ps, out);
    if (!rc && accept(ps, T_RPAREN)) {
        enum tok_kind k = peek(ps)->kind;
        if (k != T_OP && k != T_PLUS && k != T_MINUS && k != T_MUL && k != T_DIV) return 0;
    }
    struct error first = *ps->err;
    ps->pos = save;
    ps->n_atoms = save_atoms;
    error_clear(ps->err);
    rc = parse_atom(ps, out);
    if (rc && first.code) *ps->err = first; /* the condition reading explains better */
    return rc;
}

static int parse_unary(struct parser *ps, struct rule_cond **out) {
    if (peek(ps)->kind == T_NOT) {
        next(ps);
        struct rule_cond *x;
        int rc = parse_unary(ps, &x);
        if (rc) return rc;
        *out = negate(ps, x);
        return *out ? 0 : NOMEM(ps);
    }
    return parse_primary(ps, out);
}

static int parse_list(struct parser *ps, enum tok_kind sep, enum rule_cond_kind kind,
                      int (*sub)(struct parser *, struct rule_cond **), struct rule_cond **out) {
    struct rule_cond *kids[RULES_MAX_ATOMS];
    int n = 0, rc;
    if ((rc = sub(ps, &kids[n++]))) return rc;
    while (accept(ps, sep)) {
        if (n == RULES_MAX_ATOMS) return fail_at(ps, peek(ps), "条件太多", "too many conditions");
        if ((rc = sub(ps, &kids[n]))) return rc;
        /* flatten: a 且 (b 且 c) is one list */
        if (kids[n]->kind == kind && kids[n]->n_kids + n < RULES_MAX_ATOMS) {
            struct rule_cond *in = kids[n];
            for (int i = 0; i < in->n_kids; i++)
                kids[n++] = in->kids[i];
        } else {
            n++;
        }
    }
    if (n == 1) {
        *out = kids[0];
        return 0;
    }
    *out = wrap(ps, kind, kids, n);
    return *out ? 0 : NOMEM(ps);
}

static int parse_and(struct parser *ps, struct rule_cond **out) {
    return parse_list(ps, T_AND, RC_AND, parse_unary, out);
}

static int parse_or(struct parser *ps, struct rule_cond **out) {
    return parse_list(ps, T_OR, RC_OR, parse_and, out);
}

/* ---- award, version, file ---- */

static int parse_award(struct parser *ps, struct rule_award **out) {
    struct token *kw = next(ps); /* T_AWARD */
    int rc;
    if (!(peek(ps)->kind == T_OP && peek(ps)->op == RO_EQ) && !accept(ps, T_COLON))
        return expected(ps, "“=”", "\"=\"");
    if (peek(ps)->kind == T_OP) next(ps);
    struct rule_award *a = alloc(ps, sizeof *a);
    if (!a) return NOMEM(ps);
    a->line = kw->line;
    a->col = kw->col;
    struct token *at = peek(ps);
    if ((rc = parse_expr(ps, &a->expr))) return rc;
    /* ，最高 X / , cap X / 不超过 X */
    for (;;) {
        int save = ps->pos;
        accept(ps, T_COMMA);
        struct token *ct = peek(ps);
        if (ct->kind == T_CAP || (ct->kind == T_OP && ct->op == RO_LE)) {
            next(ps);
            struct rule_expr *cap;
            if ((rc = parse_expr(ps, &cap))) return rc;
            if ((rc = binary(ps, RE_CAP, ct, a->expr, cap, &a->expr))) return rc;
            continue;
        }
        ps->pos = save;
        break;
    }
    if (a->expr->dim != RD_MONEY)
        return fail_at(ps, at, "奖励必须是金额(带 元、万元 或 亿元)",
                       "an award must be an amount of money (元, 万元 or 亿元)");
    *out = a;
    return 0;
}

static bool body_start(enum tok_kind k) {
    return k != T_EOF && k != T_VERSION;
}

static int parse_body(struct parser *ps, struct rule_version *v) {
    int rc;
    ps->n_atoms = 0;
    struct token *t = peek(ps);
    if (t->kind == T_AWARD || !body_start(t->kind)) {
        if (!(v->cond = new_cond(ps, RC_TRUE, t->line, t->col))) return NOMEM(ps);
    } else if ((rc = parse_or(ps, &v->cond))) {
        return rc;
    }
    if (peek(ps)->kind == T_AWARD && (rc = parse_award(ps, &v->award))) return rc;
    if (body_start(peek(ps)->kind))
        return expected(ps, "“且”、“或”、“奖励”或结尾", "\"and\", \"or\", \"award\" or the end");
    v->n_atoms = ps->n_atoms;
    v->atoms = alloc(ps, sizeof *v->atoms * (size_t)(ps->n_atoms ? ps->n_atoms : 1));
    if (!v->atoms) return NOMEM(ps);
    memcpy(v->atoms, ps->atoms, sizeof *v->atoms * (size_t)ps->n_atoms);
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < v->n_atoms; i++) {
        buf_clear(&b);
        rules_format_cond(v->atoms[i], &b);
        if (!(v->atoms[i]->text = arena_strdup(ps->a, buf_str(&b)))) break;
    }
    bool oom = b.is_oom || (v->n_atoms && !v->atoms[v->n_atoms - 1]->text);
    buf_release(&b);
    if (oom) return NOMEM(ps);
    return 0;
}

/* 版本 "2026" 自 2026-01-01 至 2027-12-31 */
static int parse_version_header(struct parser *ps, struct rule_version *v) {
    next(ps);
    struct token *nt = peek(ps);
    if (nt->kind != T_STRING && nt->kind != T_IDENT && nt->kind != T_NUMBER)
        return expected(ps, "版本名(如 \"2026\")", "a version name (like \"2026\")");
    next(ps);
    snprintf(v->name, sizeof v->name, "%.*s", (int)(nt->len > 63 ? 63 : nt->len), nt->text);
    if (accept(ps, T_FROM)) {
        if (peek(ps)->kind != T_DATE)
            return expected(ps, "日期(如 2026-01-01)", "a date (like 2026-01-01)");
        v->from = next(ps)->date;
    }
    if (accept(ps, T_TO)) {
        if (peek(ps)->kind != T_DATE)
            return expected(ps, "日期(如 2027-12-31)", "a date (like 2027-12-31)");
        v->to = next(ps)->date;
    }
    if (v->from > v->to)
        return fail_at(ps, nt, "有效期的开始晚于结束", "the validity starts after it ends");
    return 0;
}

static int parse_file(struct parser *ps, struct rule *r) {
    struct rule_version vs[32];
    int n = 0, rc;
    do {
        if (n == 32) return fail_at(ps, peek(ps), "最多 32 个版本", "at most 32 versions");
        struct rule_version *v = &vs[n];
        memset(v, 0, sizeof *v);
        v->from = INT32_MIN;
        v->to = INT32_MAX;
        struct token *vt = peek(ps);
        if (vt->kind == T_VERSION && (rc = parse_version_header(ps, v))) return rc;
        if (n > 0 && vt->kind != T_VERSION) return expected(ps, "“版本”", "\"version\"");
        if (vt->kind != T_VERSION && peek(ps)->kind == T_EOF && n == 0)
            return expected(ps, "条件或“奖励”", "a condition or \"award\"");
        if ((rc = parse_body(ps, v))) return rc;
        for (int i = 0; i < n; i++)
            if (vs[i].from <= v->to && v->from <= vs[i].to)
                return fail_at(ps, vt, "版本的有效期与前面的版本重叠",
                               "this version's validity overlaps an earlier version's");
        n++;
    } while (peek(ps)->kind == T_VERSION);
    if (peek(ps)->kind != T_EOF) return expected(ps, "结尾", "the end of the rule");
    r->versions = alloc(ps, sizeof *r->versions * (size_t)n);
    if (!r->versions) return NOMEM(ps);
    memcpy(r->versions, vs, sizeof *vs * (size_t)n);
    r->n_versions = n;
    return 0;
}

int rules_compile(const char *src, size_t len, const char *name, struct rule **out,
                  struct error *err) {
    *out = NULL;
    error_clear(err);
    size_t bad;
    if (!utf8_is_valid(src, len, &bad)) {
        int line = 1, col = 1;
        for (const char *p = src; p < src + bad;) {
            int32_t cp = utf8_next(&p, src + bad);
            if (cp == '\n')
                line++, col = 1;
            else
                col++;
        }
        error_set(err, ERR_UTF8, "第 %zu 字节不是有效的 UTF-8", "invalid UTF-8 at byte %zu", bad);
        err->offset = (int64_t)bad;
        return error_at(err, line, col);
    }
    if (memchr(src, 0, len))
        return error_set_text(err, ERR_PARSE, "规则中有 NUL 字符", "NUL character in the rule");
    int rc = refdata_load(err);
    if (rc) return rc;
    struct rule *r = calloc(1, sizeof *r);
    if (!r) return error_set_text(err, ERR_NOMEM, "内存不足", "out of memory");
    arena_init(&r->arena, 16384);
    size_t flen;
    char *folded = utf8_fold_width(src, len, &flen);
    char *text = folded ? arena_strndup(&r->arena, folded, flen) : NULL;
    free(folded);
    r->name = name ? arena_strdup(&r->arena, name) : NULL;
    if (!text || (name && !r->name)) {
        rules_free(r);
        return error_set_text(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    struct token_list toks;
    rc = rules_lex(text, flen, &r->arena, &toks, err);
    if (!rc) {
        struct parser ps = {.t = toks.items, .a = &r->arena, .err = err};
        rc = parse_file(&ps, r);
    }
    if (rc) {
        rules_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void rules_free(struct rule *r) {
    if (!r) return;
    arena_release(&r->arena);
    free(r);
}

const struct rule_version *rules_version_at(const struct rule *r, int32_t date) {
    for (int i = 0; i < r->n_versions; i++)
        if (r->versions[i].from <= date && date <= r->versions[i].to) return &r->versions[i];
    return NULL;
}
