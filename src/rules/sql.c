/* Owns rules_sql: a compiled condition as three SQL WHERE clauses (eligible, unknown, ineligible)
 * over the enterprise tables of docs/STORE.md, for SQLite and PostgreSQL. Each clause is built only
 * from AND and OR of atom predicates that select a row exactly when the atom is true (resp.
 * false, unknown); a NULL anywhere just leaves the row out. Because AND and OR are monotone, a
 * row is selected exactly when the Kleene value says so; no NOT is ever applied to a NULL.
 * Semantics come from the same tree rules_eval_cond walks; tests check the two agree. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "refdata/refdata.h"
#include "rules/internal.h"
#include "util/date.h"

enum side { S_TRUE, S_FALSE, S_UNKNOWN };

struct sqlgen {
    enum rules_dialect d;
    int32_t today;
    struct error *err;
    int rc;
};

static const char *neg_op(enum rule_op op) {
    switch (op) {
    case RO_EQ:
        return "<>";
    case RO_NE:
        return "=";
    case RO_LT:
        return ">=";
    case RO_LE:
        return ">";
    case RO_GT:
        return "<=";
    default:
        return "<";
    }
}

static const char *sql_op(enum rule_op op) {
    return op == RO_NE ? "<>" : rules_op_text(op);
}

/* The stored column of a field, or NULL when it is computed from others. */
static const char *column(enum field_id f) {
    switch (f) {
    case F_ESTABLISHED:
        return "established";
    case F_EMPLOYEES:
        return "employees";
    case F_REVENUE:
        return "revenue";
    case F_ASSETS:
        return "assets";
    case F_LIABILITIES:
        return "liabilities";
    case F_RD_EXPENSE:
        return "rd_expense";
    case F_RD_STAFF:
        return "rd_staff";
    case F_TAX_PAID:
        return "tax_paid";
    case F_EQUIPMENT_INVESTMENT:
        return "equipment_investment";
    case F_INVENTION_PATENTS:
        return "invention_patents";
    case F_RD_EXPENSE_3Y:
        return "rd_expense_3y";
    case F_REVENUE_3Y:
        return "revenue_3y";
    case F_OWNERSHIP:
        return "ownership";
    case F_TAX_CREDIT:
        return "tax_credit";
    case F_LISTING_STAGE:
        return "listing_stage";
    case F_SIZE:
        return "size";
    case F_DISHONEST:
        return "dishonest";
    case F_QUALIFICATIONS:
        return "qualifications";
    default:
        return NULL;
    }
}

/* A derived ratio as numerator / denominator columns (defined only when the denominator > 0). */
static bool ratio_parts(enum field_id f, const char **num, const char **den) {
    switch (f) {
    case F_RD_RATIO:
        *num = "rd_expense", *den = "revenue";
        return true;
    case F_RD_STAFF_RATIO:
        *num = "rd_staff", *den = "employees";
        return true;
    case F_DEBT_RATIO:
        *num = "liabilities", *den = "assets";
        return true;
    case F_RD_RATIO_3Y:
        *num = "rd_expense_3y", *den = "revenue_3y";
        return true;
    case F_REVENUE_GROWTH:
        *num = "(revenue - revenue_prev)", *den = "revenue_prev";
        return true;
    default:
        return false;
    }
}

static int unsupported(struct sqlgen *g, const char *zh, const char *en) {
    if (!g->rc) g->rc = error_set_text(g->err, ERR_UNSUPPORTED, zh, en);
    return g->rc;
}

/* col * den op num, with the multiplication left out when den is 1. */
static void put_scaled_cmp(struct buf *b, const char *col, const char *op, struct ratio k) {
    k = ratio_reduce(k);
    if (k.den == 1)
        buf_printf(b, "%s %s %lld", col, op, (long long)k.num);
    else
        buf_printf(b, "%s * %lld %s %lld", col, (long long)k.den, op, (long long)k.num);
}

/* ---- 成立年限: whole years from established to today (0 when in the future) ---- */

/* The latest established date whose age on `today` is at least m (m ≥ 1). */
static int32_t age_threshold(int32_t today, int64_t m) {
    if (m > 3000) return INT32_MIN / 2;
    int32_t lo = today - (int32_t)(m + 2) * 367, hi = today; /* age(lo) ≥ m > age(hi) */
    while (hi - lo > 1) {
        int32_t mid = lo + (hi - lo) / 2;
        if (date_years_between(mid, today) >= m)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* age >= m as "selected iff", or its negation. */
static void put_age_ge(struct sqlgen *g, struct buf *b, int64_t m, bool negate) {
    if (m <= 0) {
        buf_puts(b, negate ? "1 = 0" : "established IS NOT NULL");
        return;
    }
    buf_printf(b, "established %s %d", negate ? ">" : "<=", age_threshold(g->today, m));
}

static int64_t ceil_r(struct ratio k) {
    int64_t f = ratio_floor(k);
    return ratio_cmp(k, (struct ratio){f, 1}) == 0 ? f : f + 1;
}

static void put_age(struct sqlgen *g, const struct rule_cond *c, enum side s, struct buf *b) {
    if (s == S_UNKNOWN) {
        buf_puts(b, "established IS NULL");
        return;
    }
    struct ratio k = ratio_reduce(c->k);
    bool whole = k.den == 1;
    int64_t fl = ratio_floor(k), ce = ceil_r(k);
    bool neg = s == S_FALSE;
    switch (c->op) {
    case RO_GE:
        put_age_ge(g, b, ce, neg);
        break;
    case RO_GT:
        put_age_ge(g, b, fl + 1, neg);
        break;
    case RO_LE:
        put_age_ge(g, b, fl + 1, !neg);
        break;
    case RO_LT:
        put_age_ge(g, b, ce, !neg);
        break;
    case RO_EQ:
    case RO_NE: {
        bool want_eq = (c->op == RO_EQ) != neg;
        if (!whole) {
            buf_puts(b, want_eq ? "1 = 0" : "established IS NOT NULL");
        } else if (want_eq) {
            buf_putc(b, '(');
            put_age_ge(g, b, k.num, false);
            buf_puts(b, " AND ");
            put_age_ge(g, b, k.num + 1, true);
            buf_putc(b, ')');
        } else {
            buf_putc(b, '(');
            put_age_ge(g, b, k.num, true);
            buf_puts(b, " OR ");
            put_age_ge(g, b, k.num + 1, false);
            buf_putc(b, ')');
        }
        break;
    }
    }
}

/* ---- linear expressions: value = sql / den with den a positive constant ---- */

struct lin {
    struct buf sql;
    int64_t den;
    char cols[8][32]; /* the columns it reads (for the unknown side) */
    int n_cols;
};

static bool lin_build(struct sqlgen *g, const struct rule_expr *e, struct lin *out);

static void lin_add_col(struct lin *l, const char *c) {
    for (int i = 0; i < l->n_cols; i++)
        if (strcmp(l->cols[i], c) == 0) return;
    if (l->n_cols < 8) snprintf(l->cols[l->n_cols++], sizeof l->cols[0], "%s", c);
}

static bool lin_build(struct sqlgen *g, const struct rule_expr *e, struct lin *out) {
    buf_init(&out->sql);
    out->den = 1;
    out->n_cols = 0;
    if (e->kind == RE_CONST) {
        struct ratio k = ratio_reduce(e->k);
        buf_printf(&out->sql, "%lld", (long long)k.num);
        out->den = k.den;
        return true;
    }
    if (e->kind == RE_FIELD) {
        const char *c = column(e->field);
        if (!c || schema_field(e->field)->type == FT_RATIO) {
            unsupported(g, "条件中的这种计算无法精确写成 SQL",
                        "this arithmetic in a condition cannot be written exactly in SQL");
            return false;
        }
        buf_puts(&out->sql, c);
        lin_add_col(out, c);
        return true;
    }
    if (e->kind != RE_ADD && e->kind != RE_SUB && e->kind != RE_MUL && e->kind != RE_DIV) {
        unsupported(g, "条件中的 min/max/分档/分别 无法写成 SQL",
                    "min/max/tier/choose inside a condition cannot be written in SQL");
        return false;
    }
    struct lin a, b;
    if (!lin_build(g, e->a, &a)) return false;
    if (!lin_build(g, e->b, &b)) {
        buf_release(&a.sql);
        return false;
    }
    bool ok = true;
    if (e->kind == RE_ADD || e->kind == RE_SUB) {
        buf_printf(&out->sql, "(%s * %lld %s %s * %lld)", buf_str(&a.sql), (long long)b.den,
                   e->kind == RE_ADD ? "+" : "-", buf_str(&b.sql), (long long)a.den);
        out->den = a.den * b.den;
    } else if (e->kind == RE_MUL && (e->a->kind == RE_CONST || e->b->kind == RE_CONST)) {
        buf_printf(&out->sql, "(%s * %s)", buf_str(&a.sql), buf_str(&b.sql));
        out->den = a.den * b.den;
    } else if (e->kind == RE_DIV && e->b->kind == RE_CONST && e->b->k.num != 0) {
        struct ratio k = ratio_reduce(e->b->k);
        int64_t num = k.num < 0 ? -k.num : k.num;
        buf_printf(&out->sql, "(%s * %lld)", buf_str(&a.sql),
                   (long long)(k.num < 0 ? -k.den : k.den));
        out->den = a.den * num;
    } else {
        ok = false;
        unsupported(
            g, "条件中字段与字段相乘或相除无法精确写成 SQL",
            "multiplying or dividing fields in a condition cannot be written exactly in SQL");
    }
    for (int i = 0; i < a.n_cols; i++)
        lin_add_col(out, a.cols[i]);
    for (int i = 0; i < b.n_cols; i++)
        lin_add_col(out, b.cols[i]);
    buf_release(&a.sql);
    buf_release(&b.sql);
    return ok;
}

static void put_general_cmp(struct sqlgen *g, const struct rule_cond *c, enum side s,
                            struct buf *b) {
    struct lin l, r;
    if (!lin_build(g, c->lhs, &l)) return;
    if (!lin_build(g, c->rhs, &r)) {
        buf_release(&l.sql);
        return;
    }
    if (s == S_UNKNOWN) {
        buf_putc(b, '(');
        for (int i = 0; i < l.n_cols; i++)
            buf_printf(b, "%s%s IS NULL", i ? " OR " : "", l.cols[i]);
        for (int i = 0; i < r.n_cols; i++)
            buf_printf(b, "%s%s IS NULL", i || l.n_cols ? " OR " : "", r.cols[i]);
        if (!l.n_cols && !r.n_cols) buf_puts(b, "1 = 0");
        buf_putc(b, ')');
    } else {
        buf_printf(b, "(%s * %lld %s %s * %lld)", buf_str(&l.sql), (long long)r.den,
                   s == S_TRUE ? sql_op(c->op) : neg_op(c->op), buf_str(&r.sql), (long long)l.den);
    }
    buf_release(&l.sql);
    buf_release(&r.sql);
}

static void put_cmp(struct sqlgen *g, const struct rule_cond *c, enum side s, struct buf *b) {
    if (!c->is_simple) {
        put_general_cmp(g, c, s, b);
        return;
    }
    if (c->field == F_AGE_YEARS) {
        put_age(g, c, s, b);
        return;
    }
    const char *num, *den;
    if (ratio_parts(c->field, &num, &den)) {
        struct ratio k = ratio_reduce(c->k);
        if (s == S_UNKNOWN)
            buf_printf(b, "(%s IS NULL OR %s IS NULL OR %s <= 0)",
                       strcmp(num, "(revenue - revenue_prev)") == 0 ? "revenue" : num, den, den);
        else
            buf_printf(b, "(%s > 0 AND %s * %lld %s %s * %lld)", den, num, (long long)k.den,
                       s == S_TRUE ? sql_op(c->op) : neg_op(c->op), den, (long long)k.num);
        return;
    }
    const char *col = column(c->field);
    if (!col) {
        unsupported(g, "该字段没有对应的列", "this field has no column");
        return;
    }
    if (s == S_UNKNOWN)
        buf_printf(b, "%s IS NULL", col);
    else
        put_scaled_cmp(b, col, s == S_TRUE ? sql_op(c->op) : neg_op(c->op), c->k);
}

/* ---- regions and industries ---- */

static void put_code_list(struct buf *b, const int64_t *codes, int n) {
    for (int i = 0; i < n; i++)
        buf_printf(b, "%s%lld", i ? ", " : "", (long long)codes[i]);
}

/* The 6-digit code range [lo, hi] whose codes (and their 9-digit towns, lo*1000 .. hi*1000+999)
 * are exactly the regions within `want` — checked against refdata, since a region whose code does
 * not nest by prefix would make the ranges wrong. False when they are not exact (or for towns). */
static bool code_ranges(int want, int64_t *lo, int64_t *hi) {
    const struct region *r = region_at(want);
    if (r->level == REGION_TOWN) return false;
    int64_t span = r->level == REGION_PROVINCE ? 10000 : r->level == REGION_CITY ? 100 : 1;
    *lo = r->code;
    *hi = r->code + span - 1;
    for (int i = 0; i < region_count(); i++) {
        int64_t c = region_at(i)->code, c6 = c >= 1000000 ? c / 1000 : c;
        bool in_range = c6 >= *lo && c6 <= *hi;
        if (in_range != region_is_within(i, want)) return false;
    }
    return true;
}

/* For one rule region R: the three disjoint predicates over non-null region columns. */
static void put_region_one(const struct rule_cond *c, int want, enum side s, struct buf *b) {
    const struct region *r = region_at(want);
    int64_t anc[4];
    int n_anc = 0;
    for (int p = r->parent; p >= 0; p = region_at(p)->parent)
        anc[n_anc++] = region_at(p)->code;
    if (c->field == F_TAX_REGION) {
        /* one column: lists of every code within, from refdata */
        if (s == S_UNKNOWN) {
            if (!n_anc) {
                buf_puts(b, "1 = 0");
                return;
            }
            buf_puts(b, "tax_region_code IN (");
            put_code_list(b, anc, n_anc);
            buf_putc(b, ')');
            return;
        }
        int64_t lo6, hi6;
        if (code_ranges(want, &lo6, &hi6)) {
            /* NBS codes nest by prefix: two ranges (6-digit and 9-digit codes), indexable */
            if (s == S_TRUE)
                buf_printf(b,
                           "(tax_region_code BETWEEN %lld AND %lld OR tax_region_code BETWEEN "
                           "%lld AND %lld)",
                           (long long)lo6, (long long)hi6, (long long)lo6 * 1000,
                           (long long)hi6 * 1000 + 999);
            else
                buf_printf(b,
                           "(tax_region_code NOT BETWEEN %lld AND %lld AND tax_region_code "
                           "NOT BETWEEN %lld AND %lld",
                           (long long)lo6, (long long)hi6, (long long)lo6 * 1000,
                           (long long)hi6 * 1000 + 999);
            for (int i = 0; s == S_FALSE && i < n_anc; i++)
                buf_printf(b, " AND tax_region_code <> %lld", (long long)anc[i]);
            if (s == S_FALSE) buf_putc(b, ')');
            return;
        }
        buf_printf(b, "tax_region_code %s (", s == S_TRUE ? "IN" : "NOT IN");
        int k = 0;
        for (int i = 0; i < region_count(); i++)
            if (region_is_within(i, want))
                buf_printf(b, "%s%lld", k++ ? ", " : "", (long long)region_at(i)->code);
        if (s == S_FALSE)
            for (int i = 0; i < n_anc; i++)
                buf_printf(b, ", %lld", (long long)anc[i]);
        buf_putc(b, ')');
        return;
    }
    switch (r->level) {
    case REGION_PROVINCE: {
        if (s == S_UNKNOWN) {
            buf_puts(b, "1 = 0");
            return;
        }
        struct buf cities;
        buf_init(&cities);
        int k = 0;
        for (int i = 0; i < region_count(); i++)
            if (region_at(i)->level == REGION_CITY && region_at(i)->parent == want)
                buf_printf(&cities, "%s%lld", k++ ? ", " : "", (long long)region_at(i)->code);
        if (s == S_TRUE)
            buf_printf(b, "(region_code = %lld OR region_city IN (%s))", (long long)r->code,
                       buf_str(&cities));
        else
            buf_printf(b,
                       "(region_code <> %lld AND (region_city IS NULL OR region_city NOT IN (%s)))",
                       (long long)r->code, buf_str(&cities));
        buf_release(&cities);
        return;
    }
    case REGION_CITY:
        if (s == S_TRUE)
            buf_printf(b, "region_city = %lld", (long long)r->code);
        else if (s == S_UNKNOWN)
            buf_printf(b, "region_code = %lld", (long long)anc[0]);
        else
            buf_printf(b, "(region_city <> %lld OR (region_city IS NULL AND region_code <> %lld))",
                       (long long)r->code, (long long)anc[0]);
        return;
    case REGION_COUNTY:
        if (s == S_TRUE) {
            buf_printf(b, "region_county = %lld", (long long)r->code);
        } else if (s == S_UNKNOWN) {
            buf_puts(b, "region_code IN (");
            put_code_list(b, anc, n_anc);
            buf_putc(b, ')');
        } else {
            buf_printf(b,
                       "(region_county <> %lld OR (region_county IS NULL AND region_code NOT IN (",
                       (long long)r->code);
            put_code_list(b, anc, n_anc);
            buf_puts(b, ")))");
        }
        return;
    default:
        if (s == S_TRUE) {
            buf_printf(b, "region_code = %lld", (long long)r->code);
        } else if (s == S_UNKNOWN) {
            buf_puts(b, "region_code IN (");
            put_code_list(b, anc, n_anc);
            buf_putc(b, ')');
        } else {
            buf_printf(b, "region_code NOT IN (%lld, ", (long long)r->code);
            put_code_list(b, anc, n_anc);
            buf_putc(b, ')');
        }
        return;
    }
}

static void put_industry_one(int want, enum side s, struct buf *b) {
    const struct industry *ind = industry_at(want);
    /* the codes above it (coarser): the enterprise's value there leaves the atom unknown */
    struct buf up;
    buf_init(&up);
    for (int p = ind->parent; p >= 0; p = industry_at(p)->parent)
        buf_printf(&up, "%s'%s'", up.len ? ", " : "", industry_at(p)->code);
    if (ind->level == INDUSTRY_SECTION) {
        if (s == S_UNKNOWN)
            buf_puts(b, "1 = 0");
        else
            buf_printf(b, "industry_section %s '%s'", s == S_TRUE ? "=" : "<>", ind->code);
    } else if (ind->level == INDUSTRY_DIVISION) {
        if (s == S_TRUE)
            buf_printf(b, "industry_division = '%s'", ind->code);
        else if (s == S_UNKNOWN)
            buf_printf(b, "industry IN (%s)", buf_str(&up));
        else
            buf_printf(b,
                       "(industry_division <> '%s' OR (industry_division IS NULL AND industry NOT "
                       "IN (%s)))",
                       ind->code, buf_str(&up));
    } else {
        /* a group or class: every code within, listed from refdata (indexable, no collation) */
        struct buf within;
        buf_init(&within);
        for (int i = 0; i < industry_count(); i++)
            if (industry_is_within(i, want))
                buf_printf(&within, "%s'%s'", within.len ? ", " : "", industry_at(i)->code);
        if (s == S_TRUE)
            buf_printf(b, "industry IN (%s)", buf_str(&within));
        else if (s == S_UNKNOWN)
            buf_printf(b, "industry IN (%s)", buf_str(&up));
        else
            buf_printf(b, "industry NOT IN (%s, %s)", buf_str(&within), buf_str(&up));
        buf_release(&within);
    }
    buf_release(&up);
}

/* 属于 over a hierarchy: true if within one value; unknown if coarser than one (and within
 * none); false otherwise. */
static void put_hier(const struct rule_cond *c, enum side s, struct buf *b) {
    bool is_region = schema_field(c->field)->type == FT_REGION;
    const char *null_col = c->field == F_REGION       ? "region_code"
                           : c->field == F_TAX_REGION ? "tax_region_code"
                                                      : "industry";
    const char *join = s == S_FALSE ? " AND " : " OR ";
    if (s == S_UNKNOWN) buf_printf(b, "(%s IS NULL OR ((", null_col);
    buf_putc(b, '(');
    for (int i = 0; i < c->n_values; i++) {
        if (i) buf_puts(b, join);
        if (is_region)
            put_region_one(c, c->values[i], s, b);
        else
            put_industry_one(c->values[i], s, b);
    }
    buf_putc(b, ')');
    if (s == S_UNKNOWN) {
        /* …and not true for any value: each value is unknown or false */
        buf_puts(b, ")");
        for (int i = 0; i < c->n_values; i++) {
            buf_puts(b, " AND (");
            if (is_region) {
                put_region_one(c, c->values[i], S_UNKNOWN, b);
                buf_puts(b, " OR ");
                put_region_one(c, c->values[i], S_FALSE, b);
            } else {
                put_industry_one(c->values[i], S_UNKNOWN, b);
                buf_puts(b, " OR ");
                put_industry_one(c->values[i], S_FALSE, b);
            }
            buf_putc(b, ')');
        }
        buf_puts(b, "))");
    }
}

static void put_atom(struct sqlgen *g, const struct rule_cond *c, enum side s, struct buf *b) {
    const char *col = c->field < F_COUNT ? column(c->field) : NULL;
    switch (c->kind) {
    case RC_CMP:
        put_cmp(g, c, s, b);
        return;
    case RC_IN:
        if (schema_field(c->field)->type != FT_ENUM) {
            put_hier(c, s, b);
            return;
        }
        if (s == S_UNKNOWN) {
            buf_printf(b, "%s IS NULL", col);
            return;
        }
        buf_printf(b, "%s %s (", col, s == S_TRUE ? "IN" : "NOT IN");
        for (int i = 0; i < c->n_values; i++)
            buf_printf(b, "%s%d", i ? ", " : "", c->values[i]);
        buf_putc(b, ')');
        return;
    case RC_HAS: {
        if (s == S_UNKNOWN) {
            buf_puts(b, "qualifications IS NULL");
            return;
        }
        int64_t mask = 0;
        for (int i = 0; i < c->n_values; i++)
            mask |= (int64_t)1 << c->values[i];
        if (s == S_FALSE) {
            buf_printf(b, "(qualifications & %lld) <> %lld", (long long)mask, (long long)mask);
            return;
        }
        buf_putc(b, '(');
        for (int i = 0; i < c->n_values; i++)
            buf_printf(b,
                       "%sid IN (SELECT enterprise_id FROM enterprise_qualification WHERE "
                       "qualification = %d)",
                       i ? " AND " : "", c->values[i]);
        buf_putc(b, ')');
        return;
    }
    case RC_BOOL:
        buf_printf(b, s == S_TRUE ? "%s <> 0" : s == S_FALSE ? "%s = 0" : "%s IS NULL", col);
        return;
    default:
        buf_puts(b, s == S_TRUE ? "1 = 1" : "1 = 0");
        return;
    }
}

static void put_side(struct sqlgen *g, const struct rule_cond *c, enum side s, struct buf *b);

/* n-ary 且/或: for 且, true = all true, false = any false, unknown = every kid true-or-unknown and
 * one unknown; 或 mirrors it. */
static void put_junction(struct sqlgen *g, const struct rule_cond *c, enum side s, struct buf *b) {
    bool is_and = c->kind == RC_AND;
    if (s != S_UNKNOWN) {
        bool all = (s == S_TRUE) == is_and;
        buf_putc(b, '(');
        for (int i = 0; i < c->n_kids; i++) {
            if (i) buf_puts(b, all ? " AND " : " OR ");
            put_side(g, c->kids[i], s, b);
        }
        buf_putc(b, ')');
        return;
    }
    enum side other = is_and ? S_TRUE : S_FALSE;
    buf_puts(b, "((");
    for (int i = 0; i < c->n_kids; i++) {
        if (i) buf_puts(b, " OR ");
        put_side(g, c->kids[i], S_UNKNOWN, b);
    }
    buf_putc(b, ')');
    for (int i = 0; i < c->n_kids; i++) {
        buf_puts(b, " AND (");
        put_side(g, c->kids[i], other, b);
        buf_puts(b, " OR ");
        put_side(g, c->kids[i], S_UNKNOWN, b);
        buf_putc(b, ')');
    }
    buf_putc(b, ')');
}

static void put_side(struct sqlgen *g, const struct rule_cond *c, enum side s, struct buf *b) {
    switch (c->kind) {
    case RC_AND:
    case RC_OR:
        put_junction(g, c, s, b);
        return;
    case RC_NOT:
        put_side(g, c->kids[0], s == S_TRUE ? S_FALSE : s == S_FALSE ? S_TRUE : S_UNKNOWN, b);
        return;
    default:
        buf_putc(b, '(');
        put_atom(g, c, s, b);
        buf_putc(b, ')');
        return;
    }
}

int rules_sql(const struct rule_cond *c, enum rules_dialect d, int32_t today, struct buf *eligible,
              struct buf *unknown, struct buf *ineligible, struct error *err) {
    struct sqlgen g = {d, today, err, 0};
    struct buf *out[3] = {eligible, ineligible, unknown};
    enum side sides[3] = {S_TRUE, S_FALSE, S_UNKNOWN};
    for (int i = 0; i < 3; i++) {
        if (!out[i]) continue;
        struct buf tmp;
        buf_init(&tmp);
        put_side(&g, c, sides[i], &tmp);
        if (!g.rc) buf_append(out[i], tmp.data ? tmp.data : "", tmp.len);
        buf_release(&tmp);
        if (g.rc) return g.rc;
    }
    return 0;
}
