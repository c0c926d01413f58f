/* Owns answering atoms on a generation: per segment, a comparison becomes a rank threshold found by
 * binary search over the column's distinct values (exact: ratios by cross products, money in fen),
 * then a walk down the bit slices (O'Neil's bit-sliced comparison); categorical atoms are bitmap
 * look-ups. Also one row's values rebuilt from the columns, and counts by value. Does not own
 * building (build.c) or generations (gen.c). */
#include <stdatomic.h>
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

/* The ranks an atom accepts: [lo, hi), or everything known outside it when negated (≠). */
struct rank_range {
    uint32_t lo, hi;
    bool negated;
};

static struct rank_range rank_range_of(const struct col *c, const struct index_atom *a) {
    uint32_t lt = bound(c, a->r, true), le = bound(c, a->r, false), nd = c->n_distinct;
    switch (a->op) {
    case INDEX_LT:
        return (struct rank_range){0, lt, false};
    case INDEX_LE:
        return (struct rank_range){0, le, false};
    case INDEX_GE:
        return (struct rank_range){lt, nd, false};
    case INDEX_GT:
        return (struct rank_range){le, nd, false};
    case INDEX_EQ:
        return (struct rank_range){lt, le, false};
    case INDEX_NE:
        return (struct rank_range){lt, le, true};
    default:
        break;
    }
    return (struct rank_range){0, 0, false};
}

/* Rows read from a bitmap at a time by the scans; their rank reads are prefetched together. */
#define SCAN_BATCH 512

/* Rows of scope (all in the segment starting at base) whose rank is in the range, by reading each
 * row's rank: one sequential read per row, where the bit slices cost two bitmap operations per
 * slice whatever the scope. NULL when out of memory. */
static roaring_bitmap_t *rank_scan(const roaring_bitmap_t *scope, const struct col *c,
                                   uint32_t base, struct rank_range rr) {
    uint64_t card = roaring_bitmap_get_cardinality(scope);
    uint32_t *out = malloc((size_t)(card ? card : 1) * sizeof *out);
    if (!out) return NULL;
    uint32_t buf[SCAN_BATCH], width = rr.hi - rr.lo, n;
    size_t m = 0;
    roaring_uint32_iterator_t it;
    roaring_init_iterator(scope, &it);
    while ((n = roaring_read_uint32_iterator(&it, buf, SCAN_BATCH)) > 0) {
        /* sparse rows are a cache miss each: ask for all of the batch's first, so the misses
         * overlap instead of following one another */
        for (uint32_t i = 0; i < n; i++)
            __builtin_prefetch(&c->rank[buf[i] - base]);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t rank = c->rank[buf[i] - base];
            bool in = rank - rr.lo < width; /* unsigned: lo <= rank < hi */
            out[m] = buf[i];
            m += rank != UINT32_MAX && in != rr.negated;
        }
    }
    roaring_bitmap_t *r = index_bitmap_of_sorted(out, m);
    free(out);
    return r;
}

/* Scanning a scope costs a few instructions per row; the slices cost two operations per slice and
 * container, each a pass over at most 8 KiB (bitmap containers) or over the scope's rows in it
 * (array containers, where the scan always wins). So scan unless the scope is dense. */
static _Atomic int numeric_method = INDEX_NUMERIC_AUTO;

void index_set_numeric_method(enum index_numeric_method m) {
    atomic_store(&numeric_method, (int)m);
}

static bool prefer_scan(const roaring_bitmap_t *scope, const struct col *c, uint32_t n_rows) {
    int m = atomic_load(&numeric_method);
    if (m != INDEX_NUMERIC_AUTO) return m == INDEX_NUMERIC_SCAN;
    uint64_t card = roaring_bitmap_get_cardinality(scope);
    uint64_t containers = ((uint64_t)n_rows + 65535) / 65536 + 1;
    return card < 375 * (uint64_t)(c->n_slices ? c->n_slices : 1) * containers;
}

static roaring_bitmap_t *numeric_true(const roaring_bitmap_t *scope, const struct seg *s,
                                      const struct col *c, const struct index_atom *a) {
    struct rank_range rr = rank_range_of(c, a);
    if (c->rank && prefer_scan(scope, c, s->n)) return rank_scan(scope, c, s->base, rr);
    roaring_bitmap_t *known = roaring_bitmap_andnot(scope, c->missing);
    roaring_bitmap_t *r = NULL;
    switch (a->op) {
    case INDEX_LT:
    case INDEX_LE:
        r = rank_cmp(c, known, rr.hi, false);
        break;
    case INDEX_GE:
    case INDEX_GT:
        r = rank_cmp(c, known, rr.lo, false);
        roaring_bitmap_xor_inplace(r, known);
        break;
    case INDEX_EQ:
    case INDEX_NE:
        r = rr.lo < rr.hi ? rank_cmp(c, known, rr.lo, true) : roaring_bitmap_create();
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

/* The atom on the rows of segment s that lie in scope (s->all ∩ the caller's rows); u may be NULL
 * (TRUE only: a push list does not need UNKNOWN). A NULL result means out of memory. */
static void seg_atom(const struct seg *s, const roaring_bitmap_t *scope, const struct index_atom *a,
                     roaring_bitmap_t **t, roaring_bitmap_t **u) {
    const struct col *c = &s->col[a->field];
    switch (c->kind) {
    case COL_INT:
    case COL_RATIO:
        *t = numeric_true(scope, s, c, a);
        if (u) *u = roaring_bitmap_and(c->missing, scope);
        return;
    case COL_CAT:
    case COL_SET:
        *t = and_or_empty(c->vals[a->i], scope);
        if (a->op == INDEX_NE && *t) {
            roaring_bitmap_t *known = roaring_bitmap_andnot(scope, c->missing);
            roaring_bitmap_xor_inplace(*t, known); /* t ⊆ known */
            roaring_bitmap_free(known);
        }
        if (u) *u = roaring_bitmap_and(c->missing, scope);
        return;
    case COL_TREE: {
        int node = (int)a->i;
        bool is_inner = false;
        for (int k = 0; a->op == INDEX_EQ && k < c->n_nodes && !is_inner; k++)
            is_inner = tree_parent(a->field, k) == node;
        *t = and_or_empty(a->op == INDEX_WITHIN || !is_inner ? c->within[node] : c->exact[node],
                          scope);
        if (u) *u = tree_unknown(scope, c, a->field, node);
        return;
    }
    case COL_NONE:
        break;
    }
    *t = roaring_bitmap_create();
    if (u) *u = roaring_bitmap_create();
}

int index_eval_atom(const struct index_gen *g, const struct index_atom *a, roaring_bitmap_t **t,
                    roaring_bitmap_t **u, struct error *err) {
    return index_eval_atom_within(g, a, NULL, t, u, err);
}

/* within lies in segment s: true when its first and last rows do (the plans pass subsets of the
 * live rows, so with one segment the copy s->all ∩ within is skipped). */
static bool inside_seg(const struct seg *s, const roaring_bitmap_t *within) {
    return roaring_bitmap_is_empty(within) || (roaring_bitmap_minimum(within) >= s->base &&
                                               roaring_bitmap_maximum(within) - s->base < s->n);
}

int index_eval_atom_within(const struct index_gen *g, const struct index_atom *a,
                           const roaring_bitmap_t *within, roaring_bitmap_t **t,
                           roaring_bitmap_t **u, struct error *err) {
    int rc = check_atom(a, err);
    if (rc) return rc;
    roaring_bitmap_t *rt = NULL, *ru = NULL;
    bool oom = false;
    for (int k = 0; k < g->n_seg && !oom; k++) {
        roaring_bitmap_t *st = NULL, *su = NULL;
        const struct seg *s = g->seg[k];
        if (!within) {
            seg_atom(s, s->all, a, &st, u ? &su : NULL);
        } else if (g->n_seg == 1 && inside_seg(s, within)) {
            seg_atom(s, within, a, &st, u ? &su : NULL);
        } else {
            roaring_bitmap_t *scope = roaring_bitmap_and(s->all, within);
            if (scope) seg_atom(s, scope, a, &st, u ? &su : NULL);
            if (scope) roaring_bitmap_free(scope);
        }
        oom = !st || (u && !su);
        if (!rt) {
            rt = st;
            ru = su;
            continue;
        }
        if (st) roaring_bitmap_or_inplace(rt, st);
        if (su) roaring_bitmap_or_inplace(ru, su);
        if (st) roaring_bitmap_free(st);
        if (su) roaring_bitmap_free(su);
    }
    if (!oom && !rt) {
        rt = roaring_bitmap_create();
        if (u) ru = roaring_bitmap_create();
    }
    oom = oom || !rt || (u && !ru);
    if (!oom && g->deleted && !roaring_bitmap_is_empty(g->deleted)) {
        roaring_bitmap_andnot_inplace(rt, g->deleted);
        if (u) roaring_bitmap_andnot_inplace(ru, g->deleted);
    }
    if (oom) {
        if (rt) roaring_bitmap_free(rt);
        if (ru) roaring_bitmap_free(ru);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    *t = rt;
    if (u) *u = ru;
    return 0;
}

/* ---- conjunctions ---- */

static bool is_numeric(enum col_kind k) {
    return k == COL_INT || k == COL_RATIO;
}

/* The bitmap a categorical atom keeps in segment s (NULL = no row), and whether it is removed
 * (≠: known rows without the value) rather than kept. */
static const roaring_bitmap_t *cat_bitmap(const struct seg *s, const struct index_atom *a,
                                          bool *is_removed) {
    const struct col *c = &s->col[a->field];
    *is_removed = false;
    if (c->kind == COL_TREE) {
        int node = (int)a->i;
        bool is_inner = false;
        for (int k = 0; a->op == INDEX_EQ && k < c->n_nodes && !is_inner; k++)
            is_inner = tree_parent(a->field, k) == node;
        return a->op == INDEX_WITHIN || !is_inner ? c->within[node] : c->exact[node];
    }
    *is_removed = a->op == INDEX_NE;
    return c->vals[a->i];
}

struct ranked {
    const struct index_atom *a;
    uint64_t card;
};

static int cmp_ranked(const void *x, const void *y) {
    uint64_t a = ((const struct ranked *)x)->card, b = ((const struct ranked *)y)->card;
    return (a > b) - (a < b);
}

/* Rows of r (all in segment s) where every numeric atom holds, in one pass: each row's ranks are
 * read once per atom, and one bitmap is built for all of them. NULL when out of memory. */
static roaring_bitmap_t *fused_scan(const roaring_bitmap_t *r, const struct seg *s,
                                    const struct index_atom *const *num, int n) {
    const uint32_t *rank[INDEX_AND_MAX];
    struct rank_range rr[INDEX_AND_MAX];
    for (int j = 0; j < n; j++) {
        rank[j] = s->col[num[j]->field].rank;
        rr[j] = rank_range_of(&s->col[num[j]->field], num[j]);
    }
    uint64_t card = roaring_bitmap_get_cardinality(r);
    uint32_t *out = malloc((size_t)(card ? card : 1) * sizeof *out);
    if (!out) return NULL;
    uint32_t buf[SCAN_BATCH], got;
    size_t m = 0;
    roaring_uint32_iterator_t it;
    roaring_init_iterator(r, &it);
    /* a batch of rows at a time, one atom at a time: the batch's rank reads of an atom are
     * prefetched together (sparse rows miss the cache; the misses overlap), then the rows that
     * hold are kept, in place, for the next atom */
    while ((got = roaring_read_uint32_iterator(&it, buf, SCAN_BATCH)) > 0) {
        uint32_t left = got;
        for (uint32_t i = 0; i < left; i++)
            buf[i] -= s->base;
        for (int j = 0; j < n && left > 0; j++) {
            const uint32_t *rk = rank[j];
            uint32_t lo = rr[j].lo, width = rr[j].hi - rr[j].lo, kept = 0;
            bool neg = rr[j].negated;
            for (uint32_t i = 0; i < left; i++)
                __builtin_prefetch(&rk[buf[i]]);
            for (uint32_t i = 0; i < left; i++) {
                uint32_t k = rk[buf[i]];
                buf[kept] = buf[i];
                kept += k != UINT32_MAX && (k - lo < width) != neg;
            }
            left = kept;
        }
        for (uint32_t i = 0; i < left; i++)
            out[m++] = buf[i] + s->base;
    }
    roaring_bitmap_t *x = index_bitmap_of_sorted(out, m);
    free(out);
    return x;
}

/* The conjunction on the rows of scope (inside segment s): categorical atoms first, most selective
 * first, as bitmap intersections; then numeric atoms, by their slices while the rows left are
 * dense and by one fused scan of the ranks once they are sparse. NULL when out of memory. */
static roaring_bitmap_t *seg_and(const struct seg *s, const struct index_atom *atoms, int n,
                                 const roaring_bitmap_t *scope) {
    struct ranked cat[INDEX_AND_MAX];
    const struct index_atom *num[INDEX_AND_MAX];
    int n_cat = 0, n_num = 0;
    for (int i = 0; i < n; i++) {
        const struct index_atom *a = &atoms[i];
        if (is_numeric(s->col[a->field].kind)) {
            num[n_num++] = a;
            continue;
        }
        bool is_removed;
        const roaring_bitmap_t *bm = cat_bitmap(s, a, &is_removed);
        uint64_t k = bm ? roaring_bitmap_get_cardinality(bm) : 0;
        cat[n_cat++] = (struct ranked){a, is_removed ? s->n - k : k};
    }
    qsort(cat, (size_t)n_cat, sizeof *cat, cmp_ranked);
    roaring_bitmap_t *r = NULL; /* NULL: still all of scope */
    /* the whole segment (a push list over every live row): the first bitmap needs no intersecting
     */
    bool is_whole = roaring_bitmap_get_cardinality(scope) == s->n;
    for (int i = 0; i < n_cat; i++) {
        const struct col *c = &s->col[cat[i].a->field];
        bool is_removed;
        const roaring_bitmap_t *bm = cat_bitmap(s, cat[i].a, &is_removed);
        if (!bm && !is_removed) {
            if (r) roaring_bitmap_free(r);
            return roaring_bitmap_create();
        }
        if (!r) {
            r = is_removed ? roaring_bitmap_andnot(scope, bm ? bm : c->missing)
                : is_whole ? roaring_bitmap_copy(bm)
                           : roaring_bitmap_and(scope, bm);
            if (!r) return NULL;
        } else if (!is_removed) {
            roaring_bitmap_and_inplace(r, bm);
        } else if (bm) {
            roaring_bitmap_andnot_inplace(r, bm);
        }
        if (is_removed) roaring_bitmap_andnot_inplace(r, c->missing);
        if (roaring_bitmap_is_empty(r)) return r;
    }
    if (!r && !(r = roaring_bitmap_copy(scope))) return NULL;
    /* the narrowest range first (its share of the distinct values, a free estimate): the fused scan
     * reads a row's next rank only while the row still holds */
    struct ranked nr[INDEX_AND_MAX];
    for (int j = 0; j < n_num; j++) {
        const struct col *c = &s->col[num[j]->field];
        struct rank_range rr = rank_range_of(c, num[j]);
        uint64_t width = rr.hi - rr.lo;
        nr[j] = (struct ranked){num[j], rr.negated ? c->n_distinct - width : width};
        nr[j].card = c->n_distinct ? nr[j].card * 1000000 / c->n_distinct : 0;
    }
    qsort(nr, (size_t)n_num, sizeof *nr, cmp_ranked);
    for (int j = 0; j < n_num; j++)
        num[j] = nr[j].a;
    for (int j = 0; j < n_num; j++) {
        const struct col *c = &s->col[num[j]->field];
        roaring_bitmap_t *x;
        if (c->rank && prefer_scan(r, c, s->n)) {
            x = fused_scan(r, s, num + j, n_num - j);
            j = n_num;
        } else {
            x = numeric_true(r, s, c, num[j]);
        }
        roaring_bitmap_free(r);
        if (!(r = x) || roaring_bitmap_is_empty(r)) return r;
    }
    return r;
}

int index_eval_and(const struct index_gen *g, const struct index_atom *atoms, int n,
                   const roaring_bitmap_t *within, roaring_bitmap_t **t, struct error *err) {
    if (n > INDEX_AND_MAX)
        return error_set(err, ERR_TOO_LARGE, "条件过多", "too many conditions in a conjunction");
    for (int i = 0; i < n; i++) {
        int rc = check_atom(&atoms[i], err);
        if (rc) return rc;
    }
    roaring_bitmap_t *r = NULL;
    bool oom = false;
    for (int k = 0; k < g->n_seg && !oom; k++) {
        const struct seg *s = g->seg[k];
        roaring_bitmap_t *x = NULL;
        if (!within) {
            x = seg_and(s, atoms, n, s->all);
        } else if (g->n_seg == 1 && inside_seg(s, within)) {
            x = seg_and(s, atoms, n, within);
        } else {
            roaring_bitmap_t *scope = roaring_bitmap_and(s->all, within);
            if (scope) x = seg_and(s, atoms, n, scope);
            if (scope) roaring_bitmap_free(scope);
        }
        oom = !x;
        if (!r) {
            r = x;
        } else if (x) {
            roaring_bitmap_or_inplace(r, x);
            roaring_bitmap_free(x);
        }
    }
    if (!oom && !r) oom = !(r = roaring_bitmap_create());
    if (oom) {
        if (r) roaring_bitmap_free(r);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    if (g->deleted && !roaring_bitmap_is_empty(g->deleted))
        roaring_bitmap_andnot_inplace(r, g->deleted);
    *t = r;
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

size_t index_gen_ids(const struct index_gen *g, const roaring_bitmap_t *rows, int64_t *ids) {
    uint32_t buf[SCAN_BATCH], got;
    size_t m = 0;
    roaring_uint32_iterator_t it;
    roaring_init_iterator(rows, &it);
    while ((got = roaring_read_uint32_iterator(&it, buf, SCAN_BATCH)) > 0) {
        for (uint32_t i = 0; i < got; i++) {
            const struct seg *s = g->n_seg > 1 && buf[i] >= g->seg[1]->base ? g->seg[1] : g->seg[0];
            __builtin_prefetch(&s->ids[buf[i] - s->base]);
        }
        for (uint32_t i = 0; i < got; i++) {
            const struct seg *s = g->n_seg > 1 && buf[i] >= g->seg[1]->base ? g->seg[1] : g->seg[0];
            ids[m++] = buf[i] - s->base < s->n ? s->ids[buf[i] - s->base] : -1;
        }
    }
    return m;
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
