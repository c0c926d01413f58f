/* Owns answering atoms on a generation: per segment, a comparison becomes a rank threshold found by
 * binary search over the column's distinct values (exact: ratios by cross products, money in fen),
 * then a walk down the bit slices (O'Neil's bit-sliced comparison); categorical atoms are bitmap
 * look-ups. Also one row's values rebuilt from the columns, and counts by value. Does not own
 * building (build.c) or generations (gen.c). */
#include <stdlib.h>
#include <string.h>

#include "index/segment.h"
#include "refdata/refdata.h"

/* r ∩ scope, or an empty bitmap when r is NULL (no row). */
static roaring_bitmap_t *and_or_empty(const roaring_bitmap_t *r, const roaring_bitmap_t *scope) {
    return r ? roaring_bitmap_and(r, scope) : roaring_bitmap_create();
}

/* Number of distinct values < c (strict = true) or <= c. */
static uint32_t bound(const struct col *c, struct ratio k, bool strict) {
    uint32_t lo = 0, hi = c->n_distinct;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        struct ratio v = c->kind == COL_INT ? (struct ratio){c->ivals[mid], 1} : c->rvals[mid];
        int cmp = ratio_cmp(v, k);
        if (cmp < 0 || (!strict && cmp == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Rows of the segment whose rank is < k, or == k when want_eq. known = rows with a value. */
static roaring_bitmap_t *rank_cmp(const struct col *c, const roaring_bitmap_t *known, uint32_t k,
                                  bool want_eq) {
    if (!want_eq && k == 0) return roaring_bitmap_create();
    if (!want_eq && k >= c->n_distinct) return roaring_bitmap_copy(known);
    if (want_eq && k >= c->n_distinct) return roaring_bitmap_create();
    roaring_bitmap_t *lt = roaring_bitmap_create();
    roaring_bitmap_t *eq = roaring_bitmap_copy(known);
    for (int b = c->n_slices - 1; b >= 0; b--) {
        if ((k >> b) & 1) {
            if (!want_eq) {
                roaring_bitmap_t *x = roaring_bitmap_andnot(eq, c->slices[b]);
                roaring_bitmap_or_inplace(lt, x);
                roaring_bitmap_free(x);
            }
            roaring_bitmap_and_inplace(eq, c->slices[b]);
        } else {
            roaring_bitmap_andnot_inplace(eq, c->slices[b]);
        }
    }
    if (want_eq) {
        roaring_bitmap_free(lt);
        return eq;
    }
    roaring_bitmap_free(eq);
    return lt;
}

static roaring_bitmap_t *numeric_true(const roaring_bitmap_t *scope, const struct col *c,
                                      const struct index_atom *a) {
    roaring_bitmap_t *known = roaring_bitmap_andnot(scope, c->missing);
    roaring_bitmap_t *r = NULL;
    uint32_t lo = bound(c, a->r, true), hi = bound(c, a->r, false);
    switch (a->op) {
    case INDEX_LT:
        r = rank_cmp(c, known, lo, false);
        break;
    case INDEX_LE:
        r = rank_cmp(c, known, hi, false);
        break;
    case INDEX_GE:
        r = rank_cmp(c, known, lo, false);
        roaring_bitmap_xor_inplace(r, known);
        break;
    case INDEX_GT:
        r = rank_cmp(c, known, hi, false);
        roaring_bitmap_xor_inplace(r, known);
        break;
    case INDEX_EQ:
    case INDEX_NE:
        r = lo < hi ? rank_cmp(c, known, lo, true) : roaring_bitmap_create();
        if (a->op == INDEX_NE) roaring_bitmap_xor_inplace(r, known);
        break;
    default:
        break;
    }
    roaring_bitmap_free(known);
    return r;
}

static int tree_parent(enum field_id f, int node) {
    return schema_field(f)->type == FT_REGION ? region_at(node)->parent : industry_at(node)->parent;
}

/* UNKNOWN for a region/industry atom: missing, or known only at a level above the constant. */
static roaring_bitmap_t *tree_unknown(const roaring_bitmap_t *scope, const struct col *c,
                                      enum field_id f, int node) {
    roaring_bitmap_t *u = roaring_bitmap_and(c->missing, scope);
    for (int k = tree_parent(f, node); k >= 0; k = tree_parent(f, k))
        if (c->exact[k]) {
            roaring_bitmap_t *x = roaring_bitmap_and(c->exact[k], scope);
            roaring_bitmap_or_inplace(u, x);
            roaring_bitmap_free(x);
        }
    return u;
}

static bool op_fits(enum col_kind k, enum index_op op) {
    switch (k) {
    case COL_INT:
    case COL_RATIO:
        return op <= INDEX_GE;
    case COL_CAT:
        return op == INDEX_EQ || op == INDEX_NE;
    case COL_SET:
        return op == INDEX_HAS;
    case COL_TREE:
        return op == INDEX_EQ || op == INDEX_WITHIN;
    case COL_NONE:
        break;
    }
    return false;
}

static int check_atom(const struct index_atom *a, struct error *err) {
    if ((int)a->field < 0 || a->field >= F_COUNT)
        return error_set(err, ERR_INVALID, "未知字段", "unknown field");
    const struct field_def *d = schema_field(a->field);
    enum col_kind k = index_col_kind(d->type);
    if (!op_fits(k, a->op))
        return error_set(err, ERR_INVALID, "字段 %s 不支持该比较",
                         "field %s does not support this operator", d->key);
    if ((k == COL_INT || k == COL_RATIO) && a->r.den <= 0)
        return error_set(err, ERR_INVALID, "比较常数的分母必须为正",
                         "constant with a bad denominator");
    int64_t n = k == COL_TREE        ? (d->type == FT_REGION ? region_count() : industry_count())
                : d->type == FT_BOOL ? 2
                                     : schema_value_count(d);
    if (k != COL_INT && k != COL_RATIO && (a->i < 0 || a->i >= n))
        return error_set(err, ERR_INVALID, "字段 %s 的比较值超出范围",
                         "constant out of range for field %s", d->key);
    return 0;
}

/* The atom on the rows of segment s that lie in scope (s->all ∩ the caller's rows). */
static void seg_atom(const struct seg *s, const roaring_bitmap_t *scope, const struct index_atom *a,
                     roaring_bitmap_t **t, roaring_bitmap_t **u) {
    const struct col *c = &s->col[a->field];
    switch (c->kind) {
    case COL_INT:
    case COL_RATIO:
        *t = numeric_true(scope, c, a);
        *u = roaring_bitmap_and(c->missing, scope);
        return;
    case COL_CAT:
    case COL_SET:
        *t = and_or_empty(c->vals[a->i], scope);
        if (a->op == INDEX_NE) {
            roaring_bitmap_t *known = roaring_bitmap_andnot(scope, c->missing);
            roaring_bitmap_xor_inplace(*t, known); /* t ⊆ known */
            roaring_bitmap_free(known);
        }
        *u = roaring_bitmap_and(c->missing, scope);
        return;
    case COL_TREE: {
        int node = (int)a->i;
        bool is_inner = false;
        for (int k = 0; k < c->n_nodes && !is_inner; k++)
            is_inner = tree_parent(a->field, k) == node;
        *t = and_or_empty(a->op == INDEX_WITHIN || !is_inner ? c->within[node] : c->exact[node],
                          scope);
        *u = tree_unknown(scope, c, a->field, node);
        return;
    }
    case COL_NONE:
        break;
    }
    *t = roaring_bitmap_create();
    *u = roaring_bitmap_create();
}

int index_eval_atom(const struct index_gen *g, const struct index_atom *a, roaring_bitmap_t **t,
                    roaring_bitmap_t **u, struct error *err) {
    return index_eval_atom_within(g, a, NULL, t, u, err);
}

int index_eval_atom_within(const struct index_gen *g, const struct index_atom *a,
                           const roaring_bitmap_t *within, roaring_bitmap_t **t,
                           roaring_bitmap_t **u, struct error *err) {
    int rc = check_atom(a, err);
    if (rc) return rc;
    *t = NULL;
    *u = NULL;
    for (int k = 0; k < g->n_seg; k++) {
        roaring_bitmap_t *st, *su;
        const struct seg *s = g->seg[k];
        if (within) {
            roaring_bitmap_t *scope = roaring_bitmap_and(s->all, within);
            seg_atom(s, scope, a, &st, &su);
            roaring_bitmap_free(scope);
        } else {
            seg_atom(s, s->all, a, &st, &su);
        }
        if (!*t) {
            *t = st;
            *u = su;
            continue;
        }
        roaring_bitmap_or_inplace(*t, st);
        roaring_bitmap_or_inplace(*u, su);
        roaring_bitmap_free(st);
        roaring_bitmap_free(su);
    }
    if (!*t) {
        *t = roaring_bitmap_create();
        *u = roaring_bitmap_create();
    }
    if (g->deleted && !roaring_bitmap_is_empty(g->deleted)) {
        roaring_bitmap_andnot_inplace(*t, g->deleted);
        roaring_bitmap_andnot_inplace(*u, g->deleted);
    }
    if (!*t || !*u) {
        if (*t) roaring_bitmap_free(*t);
        if (*u) roaring_bitmap_free(*u);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    return 0;
}

/* ---- one row ---- */

const struct seg *index_seg_of(const struct index_gen *g, uint32_t row) {
    for (int k = 0; k < g->n_seg; k++)
        if (row >= g->seg[k]->base && row - g->seg[k]->base < g->seg[k]->n) return g->seg[k];
    return NULL;
}

void index_seg_value(const struct seg *s, uint32_t row, enum field_id f, struct value *v) {
    memset(v, 0, sizeof *v);
    v->r.den = 1;
    const struct col *c = &s->col[f];
    if (f == F_USCC) {
        v->has = true;
        v->s = s->uscc[row - s->base];
        return;
    }
    uint32_t local = row - s->base;
    switch (c->kind) {
    case COL_INT:
    case COL_RATIO: {
        uint32_t rank = c->rank[local];
        if (rank == UINT32_MAX) return;
        v->has = true;
        if (c->kind == COL_INT)
            v->i = c->ivals[rank];
        else
            v->r = c->rvals[rank];
        return;
    }
    case COL_CAT:
        if (c->cat[local] == 0xff) return;
        v->has = true;
        v->i = c->cat[local];
        return;
    case COL_SET:
        if (roaring_bitmap_contains(c->missing, row)) return;
        v->has = true;
        v->i = (int64_t)c->mask[local];
        return;
    case COL_TREE:
        if (c->code[local] < 0) return;
        v->has = true;
        v->i = c->code[local];
        return;
    case COL_NONE:
        break;
    }
}

void index_row_value(const struct index_gen *g, uint32_t row, enum field_id f, struct value *v) {
    const struct seg *s = index_seg_of(g, row);
    if (s) {
        index_seg_value(s, row, f, v);
        return;
    }
    memset(v, 0, sizeof *v);
    v->r.den = 1;
}

void index_row_profile(const struct index_gen *g, uint32_t row, struct profile *p) {
    profile_clear(p);
    const struct seg *s = index_seg_of(g, row);
    if (!s) return;
    for (int f = 0; f < F_COUNT; f++)
        index_seg_value(s, row, (enum field_id)f, &p->v[f]);
}

static bool tree_within(enum field_id f, int node, int ancestor) {
    return schema_field(f)->type == FT_REGION ? region_is_within(node, ancestor)
                                              : industry_is_within(node, ancestor);
}

enum tri index_row_atom(const struct index_gen *g, uint32_t row, const struct index_atom *a) {
    const struct seg *s = index_seg_of(g, row);
    if (!s || check_atom(a, NULL)) return TRI_UNKNOWN;
    struct value v;
    index_seg_value(s, row, a->field, &v);
    if (!v.has) return TRI_UNKNOWN;
    enum col_kind k = s->col[a->field].kind;
    if (k == COL_INT || k == COL_RATIO) {
        int cmp = ratio_cmp(k == COL_INT ? (struct ratio){v.i, 1} : v.r, a->r);
        bool ok = a->op == INDEX_EQ   ? cmp == 0
                  : a->op == INDEX_NE ? cmp != 0
                  : a->op == INDEX_LT ? cmp < 0
                  : a->op == INDEX_LE ? cmp <= 0
                  : a->op == INDEX_GT ? cmp > 0
                                      : cmp >= 0;
        return ok ? TRI_TRUE : TRI_FALSE;
    }
    if (k == COL_CAT) return (v.i == a->i) == (a->op == INDEX_EQ) ? TRI_TRUE : TRI_FALSE;
    if (k == COL_SET) return ((uint64_t)v.i >> a->i) & 1 ? TRI_TRUE : TRI_FALSE;
    /* tree: within / exact; a value above the constant's level cannot decide */
    int node = (int)v.i, c = (int)a->i;
    if (a->op == INDEX_EQ ? node == c : tree_within(a->field, node, c)) return TRI_TRUE;
    if (node != c && tree_within(a->field, c, node)) return TRI_UNKNOWN;
    return TRI_FALSE;
}

uint64_t index_count_value(const struct index_gen *g, const roaring_bitmap_t *set, enum field_id f,
                           int64_t v) {
    uint64_t n = 0;
    for (int k = 0; k < g->n_seg; k++) {
        const struct col *c = &g->seg[k]->col[f];
        const roaring_bitmap_t *bm = NULL;
        if (c->kind == COL_TREE && v >= 0 && v < c->n_nodes) bm = c->within[v];
        if ((c->kind == COL_CAT || c->kind == COL_SET) && v >= 0 && v < c->n_values)
            bm = c->vals[v];
        if (bm) n += roaring_bitmap_and_cardinality(set, bm);
    }
    return n;
}

/* ---- by USCC ---- */

int64_t index_seg_find(const struct seg *s, const char *uscc) {
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(s->uscc[s->by_uscc[mid]], uscc);
        if (cmp == 0) return s->by_uscc[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int index_find_uscc(const struct index_gen *g, const char *uscc, uint32_t *row) {
    for (int k = g->n_seg - 1; k >= 0; k--) {
        int64_t r = index_seg_find(g->seg[k], uscc);
        if (r < 0) continue;
        uint32_t gr = g->seg[k]->base + (uint32_t)r;
        if (g->deleted && roaring_bitmap_contains(g->deleted, gr)) continue;
        *row = gr;
        return 0;
    }
    return ERR_NOTFOUND;
}

int64_t index_row_id(const struct index_gen *g, uint32_t row) {
    const struct seg *s = index_seg_of(g, row);
    return s ? s->ids[row - s->base] : -1;
}

const char *index_row_uscc(const struct index_gen *g, uint32_t row, char *buf, size_t n) {
    const struct seg *s = index_seg_of(g, row);
    if (n) buf[0] = 0;
    if (s && n) {
        strncpy(buf, s->uscc[row - s->base], n - 1);
        buf[n - 1] = 0;
    }
    return buf;
}
