/* Owns evaluation of a compiled rule against one enterprise profile: three-valued (Kleene)
 * conditions, exact arithmetic on ratios (money in fen), the award rounded to the fen, and the
 * explanation of each atom and of the award's arithmetic. Reads profiles; never changes them. */
#include <stdio.h>
#include <string.h>

#include "refdata/refdata.h"
#include "rules/internal.h"

bool rules_field_value(const struct profile *p, enum field_id f, struct ratio *out) {
    const struct value *v = &p->v[f];
    if (!v->has) return false;
    if (schema_field(f)->type == FT_RATIO)
        *out = v->r;
    else
        *out = (struct ratio){v->i, 1};
    return true;
}

/* For a missing derived field, the input field whose absence caused it (研发费用占比 → 研发费用
 * or 营业收入), so "missing" tells people what to supply; the field itself when none is absent
 * (a zero denominator, an undecidable size). */
static enum field_id base_missing(enum field_id f, const struct profile *p) {
    static const enum field_id parts[][4] = {
        [F_AGE_YEARS] = {F_ESTABLISHED, F_COUNT, F_COUNT, F_COUNT},
        [F_RD_RATIO] = {F_RD_EXPENSE, F_REVENUE, F_COUNT, F_COUNT},
        [F_RD_STAFF_RATIO] = {F_RD_STAFF, F_EMPLOYEES, F_COUNT, F_COUNT},
        [F_DEBT_RATIO] = {F_LIABILITIES, F_ASSETS, F_COUNT, F_COUNT},
        [F_REVENUE_GROWTH] = {F_REVENUE, F_COUNT, F_COUNT, F_COUNT},
        [F_RD_RATIO_3Y] = {F_RD_EXPENSE_3Y, F_REVENUE_3Y, F_COUNT, F_COUNT},
        [F_SIZE] = {F_INDUSTRY, F_EMPLOYEES, F_REVENUE, F_ASSETS},
    };
    if (f >= sizeof parts / sizeof *parts || !schema_field(f)->is_derived) return f;
    for (int i = 0; i < 4; i++) {
        enum field_id b = parts[f][i];
        if (b == F_USCC) break; /* a row not listed: all zero */
        if (b < F_COUNT && !p->v[b].has) return b;
    }
    return f;
}

/* The value of an expression: VAL_OK with *out, VAL_MISSING (a field, in *missing), or VAL_NONE
 * (÷ 0, overflow). */
enum val { VAL_OK, VAL_MISSING, VAL_NONE };

static enum val eval_expr(const struct rule_expr *e, const struct profile *p, struct ratio *out,
                          enum field_id *missing);

static enum val eval_tier(const struct rule_expr *e, const struct profile *p, struct ratio *out,
                          enum field_id *missing) {
    struct ratio s;
    enum val r = eval_expr(e->a, p, &s, missing);
    if (r != VAL_OK) return r;
    for (int i = 0; i < e->n_tiers; i++) {
        const struct rule_tier *t = &e->tiers[i];
        if (t->is_else || rules_op_holds(t->op, ratio_cmp(s, t->bound)))
            return eval_expr(t->amount, p, out, missing);
    }
    *out = (struct ratio){0, 1}; /* below every bracket: nothing */
    return VAL_OK;
}

static enum val eval_choice(const struct rule_expr *e, const struct profile *p, struct ratio *out,
                            enum field_id *missing) {
    const struct value *v = &p->v[e->field];
    if (!v->has) {
        *missing = e->field;
        return VAL_MISSING;
    }
    bool is_set = schema_field(e->field)->type == FT_SET;
    for (int i = 0; i < e->n_choices; i++) {
        int k = e->choices[i].value;
        if (is_set ? (v->i >> k) & 1 : v->i == k)
            return eval_expr(e->choices[i].amount, p, out, missing);
    }
    *out = (struct ratio){0, 1};
    return VAL_OK;
}

static enum val eval_expr(const struct rule_expr *e, const struct profile *p, struct ratio *out,
                          enum field_id *missing) {
    struct ratio a, b;
    enum val r;
    switch (e->kind) {
    case RE_CONST:
        *out = e->k;
        return VAL_OK;
    case RE_FIELD:
        if (rules_field_value(p, e->field, out)) return VAL_OK;
        *missing = e->field;
        return VAL_MISSING;
    case RE_TIER:
        return eval_tier(e, p, out, missing);
    case RE_CHOICE:
        return eval_choice(e, p, out, missing);
    default:
        break;
    }
    if ((r = eval_expr(e->a, p, &a, missing)) != VAL_OK) return r;
    if ((r = eval_expr(e->b, p, &b, missing)) != VAL_OK) return r;
    bool ok;
    switch (e->kind) {
    case RE_ADD:
        ok = ratio_add(a, b, out);
        break;
    case RE_SUB:
        ok = ratio_sub(a, b, out);
        break;
    case RE_MUL:
        ok = ratio_mul(a, b, out);
        break;
    case RE_DIV:
        ok = b.num != 0 && ratio_div(a, b, out);
        break;
    case RE_MAX:
        *out = ratio_cmp(a, b) >= 0 ? a : b;
        ok = true;
        break;
    default: /* RE_MIN, RE_CAP */
        *out = ratio_cmp(a, b) <= 0 ? a : b;
        ok = true;
        break;
    }
    if (!ok) return VAL_NONE;
    *out = ratio_reduce(*out);
    return VAL_OK;
}

/* Hierarchy membership: TRUE inside, UNKNOWN when the enterprise's value is coarser than the
 * rule's (青岛市 known, 崂山区 asked), FALSE otherwise. */
static enum tri eval_in(const struct rule_cond *c, const struct value *v) {
    enum field_type t = schema_field(c->field)->type;
    enum tri r = TRI_FALSE;
    int x = (int)v->i;
    for (int i = 0; i < c->n_values; i++) {
        int want = c->values[i];
        if (t == FT_REGION) {
            if (region_is_within(x, want)) return TRI_TRUE;
            if (region_is_within(want, x)) r = TRI_UNKNOWN;
        } else if (t == FT_INDUSTRY) {
            if (industry_is_within(x, want)) return TRI_TRUE;
            if (industry_is_within(want, x)) r = TRI_UNKNOWN;
        } else if (x == want) {
            return TRI_TRUE;
        }
    }
    return r;
}

static enum tri eval_atom(const struct rule_cond *c, const struct profile *p,
                          enum field_id *missing) {
    if (c->kind == RC_CMP) {
        struct ratio a, b;
        enum val r = eval_expr(c->lhs, p, &a, missing);
        if (r == VAL_OK) r = eval_expr(c->rhs, p, &b, missing);
        if (r != VAL_OK) return TRI_UNKNOWN;
        return rules_op_holds(c->op, ratio_cmp(a, b)) ? TRI_TRUE : TRI_FALSE;
    }
    const struct value *v = &p->v[c->field];
    if (!v->has) {
        *missing = c->field;
        return TRI_UNKNOWN;
    }
    switch (c->kind) {
    case RC_IN:
        return eval_in(c, v);
    case RC_HAS:
        for (int i = 0; i < c->n_values; i++)
            if (!((v->i >> c->values[i]) & 1)) return TRI_FALSE;
        return TRI_TRUE;
    case RC_BOOL:
        return v->i ? TRI_TRUE : TRI_FALSE;
    default:
        return TRI_TRUE;
    }
}

enum tri rules_eval_cond(const struct rule_cond *c, const struct profile *p) {
    enum field_id missing = F_COUNT;
    switch (c->kind) {
    case RC_TRUE:
        return TRI_TRUE;
    case RC_NOT:
        return tri_not(rules_eval_cond(c->kids[0], p));
    case RC_AND: {
        enum tri r = TRI_TRUE;
        for (int i = 0; i < c->n_kids && r != TRI_FALSE; i++)
            r = tri_and(r, rules_eval_cond(c->kids[i], p));
        return r;
    }
    case RC_OR: {
        enum tri r = TRI_FALSE;
        for (int i = 0; i < c->n_kids && r != TRI_TRUE; i++)
            r = tri_or(r, rules_eval_cond(c->kids[i], p));
        return r;
    }
    default:
        return eval_atom(c, p, &missing);
    }
}

/* ---- explanation ---- */

/* A field's value for people: schema_format_value's (money in 万元 / 元, exact), with any ASCII
 * quotes of a dictionary value (专精特新"小巨人"企业) made full-width. */
static void fmt_field_value(enum field_id f, const struct profile *p, char *buf, size_t n) {
    schema_format_value(schema_field(f), &p->v[f], buf, n);
    if (!strchr(buf, '"')) return;
    struct buf b;
    buf_init(&b);
    rules_puts_quoted(&b, buf);
    snprintf(buf, n, "%s", buf_str(&b));
    buf_release(&b);
}

/* src into dst (n bytes); a text too long is cut at a character boundary and ends in "…", so
 * what people read stays valid UTF-8. */
static void put_text(char *dst, size_t n, const char *src) {
    size_t len = strlen(src);
    if (len < n) {
        memcpy(dst, src, len + 1);
        return;
    }
    size_t cut = n - 4; /* room for "…" (3 bytes) and the NUL */
    while (cut > 0 && ((unsigned char)src[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(dst, src, cut);
    memcpy(dst + cut, "…", 4);
}

/* Ends a text: whether the condition as the clause asks for it (非 applied) is met. */
static const char *verdict(enum tri outcome) {
    return outcome == TRI_TRUE ? "（满足）" : "（不满足）";
}

/* The actual relation between two values in words: 低于 / 高于 / 等于 (dates 早于 / 晚于). */
static const char *relation_words(int cmp, enum rule_dim dim) {
    if (cmp == 0) return "等于";
    if (dim == RD_DATE) return cmp < 0 ? "早于" : "晚于";
    return cmp < 0 ? "低于" : "高于";
}

/* Why an atom is unknown: a missing value, arithmetic without a value, or a region / industry
 * known only more coarsely than the rule asks. */
static void explain_unknown(const struct rule_cond *c, const struct profile *p,
                            const struct rule_atom_result *ar, struct buf *b) {
    if (ar->missing < F_COUNT) {
        buf_printf(b, "缺少“%s”，无法判断是否满足“%s”", schema_field(ar->missing)->label,
                   ar->condition);
    } else if (c->kind == RC_CMP) {
        buf_printf(b, "无法计算（除数为 0 或溢出），无法判断是否满足“%s”", ar->condition);
    } else {
        char v[200];
        fmt_field_value(c->field, p, v, sizeof v);
        buf_printf(b, "%s只知道是 %s，不够细，无法判断是否满足“%s”", schema_field(c->field)->label,
                   v, ar->condition);
    }
}

/* "营业收入 1,800万元，低于 2,000万元（不满足）": the actual relation between the value and the
 * bound, then whether the condition (非 applied) is met. */
static void explain_cmp(const struct rule_cond *c, const struct profile *p,
                        const struct rule_atom_result *ar, struct buf *b) {
    struct ratio a, k;
    enum field_id m;
    eval_expr(c->lhs, p, &a, &m);
    eval_expr(c->rhs, p, &k, &m);
    bool pct = c->is_simple && schema_field(c->field)->type == FT_RATIO;
    if (c->lhs->kind == RE_FIELD && !pct) {
        char v[96];
        fmt_field_value(c->lhs->field, p, v, sizeof v);
        buf_printf(b, "%s %s", schema_field(c->lhs->field)->label, v);
    } else {
        /* a ratio exactly (4.99999998%, not a rounded 5% beside a bound of 5%) */
        if (c->lhs->kind == RE_FIELD)
            buf_printf(b, "%s ", schema_field(c->lhs->field)->label);
        else {
            rules_describe_expr(c->lhs, b);
            buf_puts(b, " = ");
        }
        rules_describe_const(c->lhs->dim, a, pct, b);
    }
    buf_printf(b, "，%s ", relation_words(ratio_cmp(a, k), c->lhs->dim));
    rules_format_const(c->rhs->dim, k, pct || c->rhs->is_percent, b);
    const struct field_def *f = c->is_simple ? schema_field(c->field) : NULL;
    if (f && f->type == FT_INT && f->unit[0] && ratio_reduce(k).den == 1) buf_puts(b, f->unit);
    buf_puts(b, verdict(ar->outcome));
}

/* "注册地：济南市，不属于 青岛市（不满足）", "资质：高新技术企业，不包含
 * 专精特新中小企业（不满足）", "失信：否（满足）". */
static void explain_member(const struct rule_cond *c, const struct profile *p,
                           const struct rule_atom_result *ar, struct buf *b) {
    const struct field_def *f = schema_field(c->field);
    char v[200];
    fmt_field_value(c->field, p, v, sizeof v);
    bool holds = ar->truth == TRI_TRUE;
    if (c->kind == RC_BOOL || (c->kind == RC_IN && f->type == FT_ENUM && c->n_values == 1)) {
        buf_printf(b, "%s：%s%s", f->label, v, verdict(ar->outcome));
        return;
    }
    const char *rel = c->kind == RC_IN  ? (holds ? "属于" : "不属于")
                      : c->n_values > 1 ? (holds ? "同时包含" : "未同时包含")
                                        : (holds ? "包含" : "不包含");
    buf_printf(b, "%s：%s，%s ", f->label, v[0] ? v : "无", rel);
    rules_describe_values(c, b);
    buf_puts(b, verdict(ar->outcome));
}

static void explain_atom(const struct rule_cond *c, const struct profile *p,
                         struct rule_atom_result *ar) {
    struct buf b;
    buf_init(&b);
    if (!c->text) rules_format_cond(c, &b); /* an atom the compiler made (a lowered tier) */
    put_text(ar->rule, sizeof ar->rule, c->text ? c->text : buf_str(&b));
    buf_clear(&b);
    rules_describe_cond(c, ar->is_negated, &b);
    put_text(ar->condition, sizeof ar->condition, buf_str(&b));
    buf_clear(&b);
    if (ar->truth == TRI_UNKNOWN)
        explain_unknown(c, p, ar, &b);
    else if (c->kind == RC_CMP)
        explain_cmp(c, p, ar, &b);
    else
        explain_member(c, p, ar, &b);
    put_text(ar->text, sizeof ar->text, buf_str(&b));
    buf_release(&b);
}

/* Evaluates with every atom recorded (no short-circuit, so the explanation is complete);
 * is_negated: c stands under an odd number of 非. */
static enum tri eval_full(const struct rule_cond *c, const struct profile *p, bool is_negated,
                          struct rule_eval *out) {
    switch (c->kind) {
    case RC_TRUE:
        return TRI_TRUE;
    case RC_NOT:
        return tri_not(eval_full(c->kids[0], p, !is_negated, out));
    case RC_AND:
    case RC_OR: {
        enum tri r = c->kind == RC_AND ? TRI_TRUE : TRI_FALSE;
        for (int i = 0; i < c->n_kids; i++) {
            enum tri k = eval_full(c->kids[i], p, is_negated, out);
            r = c->kind == RC_AND ? tri_and(r, k) : tri_or(r, k);
        }
        return r;
    }
    default: {
        struct rule_atom_result *ar = &out->atoms[c->atom];
        ar->atom = c;
        ar->missing = F_COUNT;
        ar->truth = eval_atom(c, p, &ar->missing);
        ar->is_negated = is_negated;
        ar->outcome = is_negated ? tri_not(ar->truth) : ar->truth;
        if (ar->truth != TRI_UNKNOWN) ar->missing = F_COUNT;
        if (ar->missing < F_COUNT) ar->missing = base_missing(ar->missing, p);
        explain_atom(c, p, ar);
        return ar->truth;
    }
    }
}

/* Marks the atoms that decided node c's value r: for 且 false the false children, for 或 true the
 * true ones, for unknown the unknown ones, otherwise all. */
static void mark(const struct rule_cond *c, enum tri r, const struct profile *p,
                 struct rule_eval *out) {
    switch (c->kind) {
    case RC_TRUE:
        return;
    case RC_NOT:
        mark(c->kids[0], tri_not(r), p, out);
        return;
    case RC_AND:
    case RC_OR: {
        enum tri dominant = c->kind == RC_AND ? TRI_FALSE : TRI_TRUE;
        for (int i = 0; i < c->n_kids; i++) {
            enum tri k = rules_eval_cond(c->kids[i], p);
            if (r == TRI_UNKNOWN ? k == TRI_UNKNOWN : (r == dominant ? k == r : true))
                mark(c->kids[i], k, p, out);
        }
        return;
    }
    default:
        out->atoms[c->atom].is_decisive = true;
    }
}

int rules_eval(const struct rule_version *v, const struct profile *p, struct rule_eval *out,
               struct error *err) {
    (void)err;
    out->n_atoms = v->n_atoms;
    out->n_missing = 0;
    out->has_award = false;
    out->award_fen = 0;
    out->award_text[0] = 0;
    memset(out->atoms, 0, sizeof out->atoms[0] * (size_t)v->n_atoms);
    out->result = eval_full(v->cond, p, false, out);
    mark(v->cond, out->result, p, out);
    for (int i = 0; i < v->n_atoms; i++) {
        enum field_id m = out->atoms[i].missing;
        if (out->atoms[i].outcome != TRI_UNKNOWN || m >= F_COUNT) continue;
        bool seen = false;
        for (int j = 0; j < out->n_missing; j++)
            seen = seen || out->missing[j] == m;
        if (!seen) out->missing[out->n_missing++] = m;
    }
    if (v->award && out->result != TRI_FALSE)
        out->has_award =
            rules_award(v->award, p, &out->award_fen, out->award_text, sizeof out->award_text);
    return 0;
}

/* ---- award ---- */

/* The expression with each field's value beside its name: "设备投资额 4,200万元 × 10%". */
static void put_valued(const struct rule_expr *e, const struct profile *p, struct buf *b) {
    struct ratio v;
    enum field_id m;
    switch (e->kind) {
    case RE_FIELD: {
        char t[96];
        fmt_field_value(e->field, p, t, sizeof t);
        buf_printf(b, "%s %s", schema_field(e->field)->label, p->v[e->field].has ? t : "（缺）");
        return;
    }
    case RE_CONST:
        rules_format_expr(e, b);
        return;
    case RE_ADD:
    case RE_SUB:
    case RE_MUL:
    case RE_DIV: {
        static const char *const ops[] = {
            [RE_ADD] = " + ", [RE_SUB] = " - ", [RE_MUL] = " × ", [RE_DIV] = " ÷ "};
        bool pa = (e->kind == RE_MUL || e->kind == RE_DIV) &&
                  (e->a->kind == RE_ADD || e->a->kind == RE_SUB);
        bool pb = e->kind != RE_ADD && e->b->kind != RE_CONST && e->b->kind != RE_FIELD;
        if (pa) buf_puts(b, "（");
        put_valued(e->a, p, b);
        if (pa) buf_puts(b, "）");
        buf_puts(b, ops[e->kind]);
        if (pb) buf_puts(b, "（");
        put_valued(e->b, p, b);
        if (pb) buf_puts(b, "）");
        return;
    }
    case RE_MIN:
    case RE_MAX:
        buf_puts(b, e->kind == RE_MIN ? "较小值（" : "较大值（");
        put_valued(e->a, p, b);
        buf_puts(b, "，");
        put_valued(e->b, p, b);
        buf_puts(b, "）");
        return;
    case RE_CAP:
        put_valued(e->a, p, b);
        return;
    case RE_TIER:
    case RE_CHOICE:
        rules_describe_expr(e, b);
        if (eval_expr(e, p, &v, &m) == VAL_OK) {
            buf_puts(b, " → ");
            rules_format_const(e->dim, v, false, b);
        }
        return;
    }
}

bool rules_award(const struct rule_award *a, const struct profile *p, int64_t *fen, char *text,
                 size_t text_len) {
    struct ratio v;
    enum field_id missing = F_COUNT;
    enum val r = eval_expr(a->expr, p, &v, &missing);
    struct buf b;
    buf_init(&b);
    bool ok = r == VAL_OK && ratio_round(v, fen);
    if (ok && *fen < 0) *fen = 0;
    const struct rule_expr *e = a->expr;
    if (!ok) {
        if (missing < F_COUNT)
            buf_printf(&b, "缺少“%s”，无法计算奖励", schema_field(missing)->label);
        else
            buf_puts(&b, "奖励无法计算（除数为 0 或溢出）");
    } else if (e->kind == RE_CONST) {
        rules_format_const(RD_MONEY, e->k, false, &b);
    } else {
        const struct rule_expr *body = e;
        while (body->kind == RE_CAP)
            body = body->a;
        struct ratio bv;
        put_valued(body, p, &b);
        if (body->kind != RE_TIER && body->kind != RE_CHOICE &&
            eval_expr(body, p, &bv, &missing) == VAL_OK) {
            buf_puts(&b, " = ");
            rules_format_const(RD_MONEY, bv, false, &b);
        }
        for (const struct rule_expr *c = e; c->kind == RE_CAP; c = c->a) {
            buf_puts(&b, "（最高 ");
            rules_describe_expr(c->b, &b);
            buf_puts(&b, "）");
        }
        char t[64];
        if (e->kind == RE_CAP || ratio_cmp(ratio_reduce(v), (struct ratio){*fen, 1}) != 0)
            buf_printf(&b, " → %s", money_format(*fen, t, sizeof t));
    }
    if (text && text_len > 4) put_text(text, text_len, buf_str(&b));
    buf_release(&b);
    return ok;
}
