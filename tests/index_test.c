/* Tests for src/index: every atom's TRUE/UNKNOWN bitmaps agree with a direct evaluation of the
 * profiles for random constants (exact ratios, money in fen, regions and industries at every
 * level); rows rebuild their values; updates and removals are seen by the next acquire, through the
 * delta and through a merge; readers during generation swaps (TSAN_TEST: run under
 * ThreadSanitizer). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fake_profiles.h"
#include "index/index.h"
#include "index/segment.h"
#include "test.h"

#define TODAY_Y 2026

static int32_t today(void) {
    return date_from_ymd(TODAY_Y, 6, 30);
}

/* The atom on one profile, straight from the values: the oracle the bitmaps must agree with. */
static enum tri direct_atom(const struct profile *p, const struct index_atom *a) {
    const struct field_def *d = schema_field(a->field);
    const struct value *v = &p->v[a->field];
    if (!v->has) return TRI_UNKNOWN;
    switch (d->type) {
    case FT_INT:
    case FT_MONEY:
    case FT_DATE:
    case FT_RATIO: {
        int c = ratio_cmp(d->type == FT_RATIO ? v->r : (struct ratio){v->i, 1}, a->r);
        bool ok = a->op == INDEX_EQ   ? c == 0
                  : a->op == INDEX_NE ? c != 0
                  : a->op == INDEX_LT ? c < 0
                  : a->op == INDEX_LE ? c <= 0
                  : a->op == INDEX_GT ? c > 0
                                      : c >= 0;
        return ok ? TRI_TRUE : TRI_FALSE;
    }
    case FT_ENUM:
    case FT_BOOL:
        return (v->i == a->i) == (a->op == INDEX_EQ) ? TRI_TRUE : TRI_FALSE;
    case FT_SET:
        return (v->i >> a->i) & 1 ? TRI_TRUE : TRI_FALSE;
    case FT_REGION:
    case FT_INDUSTRY: {
        bool (*within)(int, int) = d->type == FT_REGION ? region_is_within : industry_is_within;
        int node = (int)v->i, c = (int)a->i;
        if (a->op == INDEX_EQ ? node == c : within(node, c)) return TRI_TRUE;
        if (node != c && within(c, node)) return TRI_UNKNOWN;
        return TRI_FALSE;
    }
    default:
        return TRI_UNKNOWN;
    }
}

static void random_atom(uint64_t *s, const struct profile *ps, int n, struct index_atom *a) {
    static const enum field_id fields[] = {
        F_REGION,        F_TAX_REGION,        F_INDUSTRY,       F_ESTABLISHED,
        F_OWNERSHIP,     F_EMPLOYEES,         F_REVENUE,        F_ASSETS,
        F_RD_EXPENSE,    F_INVENTION_PATENTS, F_QUALIFICATIONS, F_TAX_CREDIT,
        F_LISTING_STAGE, F_DISHONEST,         F_AGE_YEARS,      F_RD_RATIO,
        F_DEBT_RATIO,    F_REVENUE_GROWTH,    F_RD_EXPENSE_3Y,  F_RD_RATIO_3Y,
        F_SIZE};
    memset(a, 0, sizeof *a);
    a->field = fields[fake_below(s, (int64_t)(sizeof fields / sizeof *fields))];
    a->r = (struct ratio){0, 1};
    const struct field_def *d = schema_field(a->field);
    const struct value *pick = &ps[fake_below(s, n)].v[a->field];
    switch (d->type) {
    case FT_INT:
    case FT_MONEY:
    case FT_DATE:
    case FT_RATIO:
        a->op = (enum index_op)fake_below(s, 6);
        if (pick->has && fake_below(s, 2))
            a->r = d->type == FT_RATIO ? pick->r : (struct ratio){pick->i, 1};
        else if (d->type == FT_RATIO)
            a->r = (struct ratio){fake_below(s, 300) - 50, 100};
        else
            a->r = (struct ratio){fake_below(s, 4000000000) - 100, fake_below(s, 3) ? 1 : 3};
        break;
    case FT_ENUM:
    case FT_BOOL:
        a->op = fake_below(s, 2) ? INDEX_EQ : INDEX_NE;
        a->i = fake_below(s, d->type == FT_BOOL ? 2 : schema_value_count(d));
        break;
    case FT_SET:
        a->op = INDEX_HAS;
        a->i = fake_below(s, schema_value_count(d));
        break;
    case FT_REGION:
    case FT_INDUSTRY:
        a->op = fake_below(s, 4) ? INDEX_WITHIN : INDEX_EQ;
        if (pick->has && fake_below(s, 2)) {
            int node = (int)pick->i; /* the value itself or one of its ancestors */
            for (int up = (int)fake_below(s, 3); up > 0; up--) {
                int parent =
                    d->type == FT_REGION ? region_at(node)->parent : industry_at(node)->parent;
                if (parent >= 0) node = parent;
            }
            a->i = node;
        } else {
            a->i = d->type == FT_REGION ? fake_region(s) : fake_below(s, industry_count());
        }
        break;
    default:
        break;
    }
}

struct fixture {
    int n;
    struct profile *ps;
    char (*uscc)[19];
};

static void fixture_make(struct fixture *fx, int n, uint64_t seed) {
    fx->n = n;
    fx->ps = malloc((size_t)n * sizeof *fx->ps);
    fx->uscc = malloc((size_t)n * sizeof *fx->uscc);
    uint64_t s = seed;
    for (int i = 0; i < n; i++)
        fake_profile(&fx->ps[i], &s, i, today(), fx->uscc[i]);
}

static void fixture_release(struct fixture *fx) {
    free(fx->ps);
    free(fx->uscc);
}

static struct index_gen *build(const struct fixture *fx) {
    struct index_builder *b;
    struct error err;
    CHECK_INT(index_builder_new(today(), &b, &err), 0);
    for (int i = 0; i < fx->n; i++)
        CHECK_INT(index_builder_add(b, 1000 + i, &fx->ps[i], &err), 0);
    struct index_gen *g = NULL;
    CHECK_INT(index_builder_finish(b, &g, &err), 0);
    return g;
}

/* Checks every live row of g against profiles looked up by USCC (NULL profile = must be absent). */
static int compare_atoms(const struct index_gen *g, const struct fixture *fx, const bool *is_gone,
                         int n_atoms, uint64_t seed) {
    uint64_t s = seed;
    int bad = 0;
    for (int k = 0; k < n_atoms && bad < 5; k++) {
        struct index_atom a;
        random_atom(&s, fx->ps, fx->n, &a);
        roaring_bitmap_t *t, *u;
        struct error err;
        if (index_eval_atom(g, &a, &t, &u, &err)) {
            test_failf(__FILE__, __LINE__, "atom on %s failed: %s", schema_field(a.field)->key,
                       err.en);
            bad++;
            continue;
        }
        /* restricted to a random half of the rows: the same answers, cut to that half */
        roaring_bitmap_t *w = roaring_bitmap_create(), *tw, *uw;
        for (uint32_t r = 0; r < index_gen_rows(g); r++)
            if (fake_below(&s, 2)) roaring_bitmap_add(w, r);
        CHECK_INT(index_eval_atom_within(g, &a, w, &tw, &uw, &err), 0);
        roaring_bitmap_t *tc = roaring_bitmap_and(t, w), *uc = roaring_bitmap_and(u, w);
        if (!roaring_bitmap_equals(tw, tc) || !roaring_bitmap_equals(uw, uc)) {
            test_failf(__FILE__, __LINE__, "within: field %s op %d differs",
                       schema_field(a.field)->key, a.op);
            bad++;
        }
        roaring_bitmap_free(w);
        roaring_bitmap_free(tw);
        roaring_bitmap_free(uw);
        roaring_bitmap_free(tc);
        roaring_bitmap_free(uc);
        for (int i = 0; i < fx->n; i++) {
            uint32_t row;
            int found = index_find_uscc(g, fx->uscc[i], &row);
            if (is_gone && is_gone[i]) {
                if (found == 0) bad++;
                continue;
            }
            if (found) {
                bad++;
                continue;
            }
            enum tri want = direct_atom(&fx->ps[i], &a);
            enum tri got = roaring_bitmap_contains(t, row)   ? TRI_TRUE
                           : roaring_bitmap_contains(u, row) ? TRI_UNKNOWN
                                                             : TRI_FALSE;
            if (roaring_bitmap_contains(t, row) && roaring_bitmap_contains(u, row)) got = -1;
            if (got != want || index_row_atom(g, row, &a) != want) {
                if (bad < 5)
                    test_failf(__FILE__, __LINE__, "row %d field %s op %d: got %d want %d", i,
                               schema_field(a.field)->key, a.op, got, want);
                bad++;
            }
        }
        roaring_bitmap_free(t);
        roaring_bitmap_free(u);
    }
    return bad;
}

/* Conjunctions of 1–5 random atoms (index_eval_and, the push list's path) on every row and on a
 * random tenth of them, against the direct evaluation: TRUE exactly where every atom is TRUE. */
static int compare_conjunctions(const struct index_gen *g, const struct fixture *fx,
                                const bool *is_gone, int n_conj, uint64_t seed) {
    uint64_t s = seed;
    int bad = 0;
    for (int k = 0; k < n_conj && bad < 5; k++) {
        struct index_atom a[5];
        int n = 1 + (int)fake_below(&s, 5);
        for (int j = 0; j < n; j++)
            random_atom(&s, fx->ps, fx->n, &a[j]);
        roaring_bitmap_t *w = NULL;
        if (fake_below(&s, 2)) {
            w = roaring_bitmap_create();
            for (uint32_t r = 0; r < index_gen_rows(g); r++)
                if (fake_below(&s, 10) == 0) roaring_bitmap_add(w, r);
        }
        roaring_bitmap_t *t;
        struct error err;
        if (index_eval_and(g, a, n, w, &t, &err)) {
            test_failf(__FILE__, __LINE__, "conjunction failed: %s", err.en);
            bad++;
            if (w) roaring_bitmap_free(w);
            continue;
        }
        for (int i = 0; i < fx->n; i++) {
            uint32_t row;
            if ((is_gone && is_gone[i]) || index_find_uscc(g, fx->uscc[i], &row)) continue;
            bool want = !w || roaring_bitmap_contains(w, row);
            for (int j = 0; j < n; j++)
                want = want && direct_atom(&fx->ps[i], &a[j]) == TRI_TRUE;
            if (roaring_bitmap_contains(t, row) != want) {
                if (bad < 5)
                    test_failf(__FILE__, __LINE__, "conjunction %d (%d atoms), row %d: got %d", k,
                               n, i, !want);
                bad++;
            }
        }
        roaring_bitmap_t *live = roaring_bitmap_andnot(t, index_gen_live(g));
        if (!roaring_bitmap_is_empty(live)) bad++; /* never a deleted row */
        roaring_bitmap_free(live);
        roaring_bitmap_free(t);
        if (w) roaring_bitmap_free(w);
    }
    return bad;
}

TEST(index_atoms_agree_with_direct_evaluation) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct fixture fx;
    fixture_make(&fx, 3000, 42);
    struct index_gen *g = build(&fx);
    CHECK_INT(index_gen_count(g), 3000);
    CHECK_INT(compare_atoms(g, &fx, NULL, 400, 7), 0);
    CHECK_INT(compare_conjunctions(g, &fx, NULL, 200, 8), 0);
    index_gen_release(g);
    fixture_release(&fx);
}

/* Numeric atoms and conjunctions give the same rows whether the rank columns are scanned or the bit
 * slices walked (the cost model picks one per call; both must be exact), on every row and on
 * sparse and dense scopes. 70,000 rows: more than one container, so the slices work on bitmaps. */
TEST(index_numeric_scan_and_slices_agree) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct fixture fx;
    fixture_make(&fx, 70000, 4242);
    struct index_gen *g = build(&fx);
    static const enum index_numeric_method methods[] = {INDEX_NUMERIC_SCAN, INDEX_NUMERIC_SLICES,
                                                        INDEX_NUMERIC_AUTO};
    for (int m = 0; m < 3; m++) {
        index_set_numeric_method(methods[m]);
        CHECK_INT(compare_atoms(g, &fx, NULL, 15, 100 + (uint64_t)m), 0);
        CHECK_INT(compare_conjunctions(g, &fx, NULL, 15, 200 + (uint64_t)m), 0);
    }
    index_set_numeric_method(INDEX_NUMERIC_AUTO);
    index_gen_release(g);
    fixture_release(&fx);
}

/* index_bitmap_of_sorted (through the portable format) holds exactly the rows given: empty, sparse,
 * a container at the array/bitset border (4096 and 4097 values), a full container, many keys. */
TEST(index_bitmap_of_sorted_equals_adding_rows) {
    uint64_t s = 555;
    uint32_t *v = malloc(300000 * sizeof *v);
    static const uint32_t densities[] = {0, 1, 50, 4096, 4097, 30000, 65536};
    int bad = 0;
    for (int d = 0; d < 7; d++)
        for (int rep = 0; rep < 3; rep++) {
            size_t n = 0;
            uint32_t start = (uint32_t)fake_below(&s, 5) * 65536;
            for (uint32_t key = 0; key < 4 && n < 300000; key++) {
                /* densities[d] distinct values in container start/65536 + key */
                uint32_t want = densities[d] < 65536 && rep == 1 && key == 2 ? 0 : densities[d];
                uint32_t step = want ? 65536 / want : 1,
                         off = want ? (uint32_t)fake_below(&s, step) : 0;
                for (uint32_t i = 0; i < want; i++)
                    v[n++] = start + key * 65536 + off + i * step;
            }
            roaring_bitmap_t *a = index_bitmap_of_sorted(v, n), *b = roaring_bitmap_of_ptr(n, v);
            if (!a || !roaring_bitmap_equals(a, b) || roaring_bitmap_get_cardinality(a) != n) bad++;
            if (a) {
                roaring_bitmap_t *c = roaring_bitmap_copy(a); /* usable like any other bitmap */
                roaring_bitmap_and_inplace(c, b);
                bad += roaring_bitmap_get_cardinality(c) != n;
                roaring_bitmap_free(c);
                roaring_bitmap_free(a);
            }
            roaring_bitmap_free(b);
        }
    CHECK_INT(bad, 0);
    free(v);
}

TEST(index_rows_rebuild_their_values) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct fixture fx;
    fixture_make(&fx, 500, 99);
    struct index_gen *g = build(&fx);
    struct profile *p = malloc(sizeof *p);
    int bad = 0;
    for (int i = 0; i < fx.n; i++) {
        uint32_t row;
        CHECK_INT(index_find_uscc(g, fx.uscc[i], &row), 0);
        CHECK_INT(index_row_id(g, row), 1000 + i);
        index_row_profile(g, row, p);
        for (int f = 0; f < F_COUNT; f++) {
            const struct value *a = &fx.ps[i].v[f], *b = &p->v[f];
            if (f == F_NAME) continue;
            if (a->has != b->has) bad++;
            if (!a->has) continue;
            if (schema_field((enum field_id)f)->type == FT_RATIO)
                bad += ratio_cmp(a->r, b->r) != 0;
            else if (f == F_USCC)
                bad += strcmp(a->s, b->s) != 0;
            else
                bad += a->i != b->i;
        }
    }
    CHECK_INT(bad, 0);
    uint32_t row;
    CHECK_INT(index_find_uscc(g, "913799999999999999", &row), ERR_NOTFOUND);
    free(p);
    index_gen_release(g);
    fixture_release(&fx);
}

TEST(index_rejects_bad_atoms) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct fixture fx;
    fixture_make(&fx, 10, 5);
    struct index_gen *g = build(&fx);
    roaring_bitmap_t *t, *u;
    struct index_atom a = {F_QUALIFICATIONS, INDEX_LT, 0, {1, 1}};
    CHECK_INT(index_eval_atom(g, &a, &t, &u, &err), ERR_INVALID);
    a = (struct index_atom){F_OWNERSHIP, INDEX_EQ, 99, {0, 1}};
    CHECK_INT(index_eval_atom(g, &a, &t, &u, &err), ERR_INVALID);
    a = (struct index_atom){F_REVENUE, INDEX_GE, 0, {1, 0}};
    CHECK_INT(index_eval_atom(g, &a, &t, &u, &err), ERR_INVALID);
    a = (struct index_atom){F_NAME, INDEX_EQ, 0, {0, 1}};
    CHECK_INT(index_eval_atom(g, &a, &t, &u, &err), ERR_INVALID);
    index_gen_release(g);
    fixture_release(&fx);
}

/* Ratios compare exactly: 1/3 < 33333333/99999998 although both print as 33.33%. */
TEST(index_ratios_are_exact) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct index_builder *b;
    CHECK_INT(index_builder_new(today(), &b, &err), 0);
    struct profile *p = malloc(sizeof *p);
    char uscc[2][19] = {"913700000000000001", "913700000000000002"};
    int64_t rd[2] = {100000000, 33333333}, rev[2] = {300000000, 99999998};
    for (int i = 0; i < 2; i++) {
        profile_clear(p);
        p->v[F_USCC] = (struct value){.has = true, .s = uscc[i], .r = {0, 1}};
        p->v[F_RD_EXPENSE] = (struct value){.has = true, .i = rd[i], .r = {0, 1}};
        p->v[F_REVENUE] = (struct value){.has = true, .i = rev[i], .r = {0, 1}};
        profile_derive(p, today(), NULL);
        CHECK_INT(index_builder_add(b, i, p, &err), 0);
    }
    struct index_gen *g;
    CHECK_INT(index_builder_finish(b, &g, &err), 0);
    roaring_bitmap_t *t, *u;
    struct index_atom a = {F_RD_RATIO, INDEX_GT, 0, {1, 3}};
    CHECK_INT(index_eval_atom(g, &a, &t, &u, &err), 0);
    CHECK_INT(roaring_bitmap_get_cardinality(t), 1);
    CHECK(roaring_bitmap_contains(t, 1));
    roaring_bitmap_free(t);
    roaring_bitmap_free(u);
    a = (struct index_atom){F_RD_RATIO, INDEX_EQ, 0, {2, 6}};
    CHECK_INT(index_eval_atom(g, &a, &t, &u, &err), 0);
    CHECK_INT(roaring_bitmap_get_cardinality(t), 1);
    CHECK(roaring_bitmap_contains(t, 0));
    CHECK_INT(roaring_bitmap_get_cardinality(u), 0);
    roaring_bitmap_free(t);
    roaring_bitmap_free(u);
    free(p);
    index_gen_release(g);
}

/* Updates: replaced and new enterprises are seen by the next acquire, old values are gone, through
 * a small delta and through a merge into a new base; a removal too. */
TEST(index_updates_are_seen) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct fixture fx;
    fixture_make(&fx, 6000, 1234);
    int n0 = 4000; /* the first build holds rows 0..3999 */
    struct fixture first = {n0, fx.ps, fx.uscc};
    struct index *ix = index_new(today());
    index_publish(ix, build(&first));
    /* round 1: 50 edits of existing rows (fresh values under old USCCs) + 50 new */
    uint64_t s = 77;
    struct profile *upd = malloc(200 * sizeof *upd);
    char(*uu)[19] = malloc(200 * sizeof *uu);
    int64_t ids[200];
    for (int k = 0; k < 100; k++) {
        int i = k < 50 ? (int)fake_below(&s, n0) : n0 + k;
        fake_profile(&upd[k], &s, i, today(), uu[k]);
        fx.ps[i] = upd[k];
        memcpy(fx.uscc[i], uu[k], 19);
        fx.ps[i].v[F_USCC].s = fx.uscc[i];
        ids[k] = 1000 + i;
    }
    CHECK_INT(index_update(ix, ids, upd, 100, &err), 0);
    bool *gone = calloc((size_t)fx.n, sizeof *gone);
    for (int i = n0 + 100; i < fx.n; i++)
        gone[i] = true;
    for (int i = n0; i < n0 + 50; i++)
        gone[i] = true;
    struct index_gen *g = index_acquire(ix);
    CHECK_INT(index_gen_segments(g), 2);
    { /* the bulk id read (push lists) equals one row at a time, across both segments */
        const roaring_bitmap_t *live = index_gen_live(g);
        uint64_t n_live = roaring_bitmap_get_cardinality(live);
        int64_t *bulk = malloc(n_live * sizeof *bulk);
        CHECK_INT(index_gen_ids(g, live, bulk), n_live);
        uint64_t k = 0, bad = 0;
        roaring_uint32_iterator_t it;
        for (roaring_init_iterator(live, &it); it.has_value; roaring_advance_uint32_iterator(&it))
            bad += bulk[k++] != index_row_id(g, it.current_value);
        CHECK_INT(bad, 0);
        CHECK(bulk[n_live - 1] >= 1000 + n0); /* the delta's rows are there */
        free(bulk);
    }
    CHECK_INT(compare_atoms(g, &fx, gone, 60, 11), 0);
    CHECK_INT(compare_conjunctions(g, &fx, gone, 40, 21), 0);
    index_gen_release(g);
    /* removal */
    CHECK_INT(index_remove(ix, fx.uscc[3], &err), 0);
    CHECK_INT(index_remove(ix, fx.uscc[3], &err), ERR_NOTFOUND);
    gone[3] = true;
    g = index_acquire(ix);
    CHECK_INT(compare_atoms(g, &fx, gone, 30, 12), 0);
    index_gen_release(g);
    /* round 2: 1900 new rows in one update; the delta passes 4096 + n/16 only with the next ones */
    struct fixture rest = {fx.n - n0 - 100, fx.ps + n0 + 100, fx.uscc + n0 + 100};
    int64_t *ids2 = malloc((size_t)rest.n * sizeof *ids2);
    for (int i = 0; i < rest.n; i++)
        ids2[i] = 1000 + n0 + 100 + i;
    CHECK_INT(index_update(ix, ids2, rest.ps, rest.n, &err), 0);
    for (int i = n0 + 100; i < fx.n; i++)
        gone[i] = false;
    g = index_acquire(ix);
    CHECK_INT(compare_atoms(g, &fx, gone, 30, 13), 0);
    CHECK_INT(compare_conjunctions(g, &fx, gone, 30, 23), 0);
    CHECK_INT(index_gen_count(g), fx.n - 50 - 1);
    index_gen_release(g);
    /* round 3: re-send everything: the delta outgrows the limit and is merged into one base */
    CHECK_INT(index_update(ix, ids2, rest.ps, rest.n, &err), 0);
    CHECK_INT(index_update(ix, ids2, rest.ps, rest.n, &err), 0);
    struct fixture all4k = {n0, fx.ps, fx.uscc};
    int64_t *ids3 = malloc((size_t)n0 * sizeof *ids3);
    for (int i = 0; i < n0; i++)
        ids3[i] = 1000 + i;
    gone[3] = false; /* re-added */
    CHECK_INT(index_update(ix, ids3, all4k.ps, all4k.n, &err), 0);
    g = index_acquire(ix);
    CHECK_INT(index_gen_segments(g), 1);
    CHECK_INT(compare_atoms(g, &fx, gone, 30, 14), 0);
    CHECK_INT(index_gen_count(g), fx.n - 50);
    index_gen_release(g);
    free(ids2);
    free(ids3);
    free(gone);
    free(upd);
    free(uu);
    index_free(ix);
    fixture_release(&fx);
}

/* TSAN_TEST: readers acquire, query and release while a writer keeps publishing generations. In
 * generation k every enterprise has k employees, so a reader that sees a torn or freed generation
 * would count a different number than the live rows. */
struct swap_ctx {
    struct index *ix;
    atomic_int stop;
    atomic_int errors;
    atomic_int reads;
};

static void *swap_reader(void *arg) {
    struct swap_ctx *c = arg;
    while (!atomic_load(&c->stop)) {
        struct index_gen *g = index_acquire(c->ix);
        if (index_gen_count(g) > 0) {
            uint32_t row = roaring_bitmap_minimum(index_gen_live(g));
            struct value v;
            struct profile *p = malloc(sizeof *p);
            index_row_profile(g, row, p);
            v = p->v[F_EMPLOYEES];
            free(p);
            struct index_atom a = {F_EMPLOYEES, INDEX_EQ, 0, {v.i, 1}};
            roaring_bitmap_t *t, *u;
            struct error err;
            if (index_eval_atom(g, &a, &t, &u, &err) ||
                roaring_bitmap_get_cardinality(t) != index_gen_count(g))
                atomic_fetch_add(&c->errors, 1);
            else {
                roaring_bitmap_free(t);
                roaring_bitmap_free(u);
            }
        }
        index_gen_release(g);
        atomic_fetch_add(&c->reads, 1);
    }
    return NULL;
}

TEST(tsan_index_readers_during_swaps) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct swap_ctx c = {.ix = index_new(today())};
    atomic_init(&c.stop, 0);
    atomic_init(&c.errors, 0);
    atomic_init(&c.reads, 0);
    pthread_t th[3];
    for (int k = 0; k < 3; k++)
        pthread_create(&th[k], NULL, swap_reader, &c);
    struct profile *p = malloc(sizeof *p);
    char uscc[19];
    for (int gen = 1; gen <= 40; gen++) {
        struct index_builder *b;
        CHECK_INT(index_builder_new(today(), &b, &err), 0);
        for (int i = 0; i < 200; i++) {
            profile_clear(p);
            snprintf(uscc, sizeof uscc, "9137%014d", i);
            p->v[F_USCC] = (struct value){.has = true, .s = uscc, .r = {0, 1}};
            p->v[F_EMPLOYEES] = (struct value){.has = true, .i = gen, .r = {0, 1}};
            CHECK_INT(index_builder_add(b, i, p, &err), 0);
        }
        struct index_gen *g;
        CHECK_INT(index_builder_finish(b, &g, &err), 0);
        index_publish(c.ix, g);
        if (gen % 10 == 0) { /* an update through the delta: all 200 move to the next count */
            struct profile *ps = malloc(200 * sizeof *ps);
            char(*uu)[19] = malloc(200 * sizeof *uu);
            for (int i = 0; i < 200; i++) {
                profile_clear(&ps[i]);
                snprintf(uu[i], 19, "9137%014d", i);
                ps[i].v[F_USCC] = (struct value){.has = true, .s = uu[i], .r = {0, 1}};
                ps[i].v[F_EMPLOYEES] = (struct value){.has = true, .i = 1000 + gen, .r = {0, 1}};
            }
            CHECK_INT(index_update(c.ix, NULL, ps, 200, &err), 0);
            free(ps);
            free(uu);
        }
    }
    atomic_store(&c.stop, 1);
    for (int k = 0; k < 3; k++)
        pthread_join(th[k], NULL);
    CHECK_INT(atomic_load(&c.errors), 0);
    CHECK(atomic_load(&c.reads) > 0);
    free(p);
    index_free(c.ix);
}
