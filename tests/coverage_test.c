/* match_coverage, the dashboard's per-clause counts cached on the generation: the cached answer is
 * the computed one (city-wide and for a district, each its own), a second call on the same
 * generation and catalog is the same object, an enterprise removed or updated (a new generation)
 * and clauses published (a new catalog) change the answer instead of serving the old one.
 * TSAN_TEST: tsan_coverage_* run under ThreadSanitizer — concurrent first requests share one
 * computation while a writer publishes generations. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index/index.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "tdemo.h"
#include "test.h"
#include "util/date.h"

struct fixture {
    char path[256];
    struct store *s;
    struct index_gen *g;
    struct match_catalog *cat;
    int district; /* 市南区's region index */
};

static bool fixture_init(struct fixture *fx, const char *name, int n_firms, int n_clauses) {
    struct error err;
    memset(fx, 0, sizeof *fx);
    CHECK_INT(refdata_load(&err), 0);
    fx->s = tdemo_store(fx->path, sizeof fx->path, name, 23, n_firms);
    if (!fx->s) return false;
    CHECK_INT(demo_generate_clauses(fx->s, 5, n_clauses, &err), 0);
    CHECK_INT(index_load(fx->s, date_today(), &fx->g, &err), 0);
    CHECK_INT(match_catalog_load(fx->s, date_today(), &fx->cat, &err), 0);
    fx->district = region_find("市南区", strlen("市南区"), &err);
    CHECK(fx->district >= 0);
    return fx->g && fx->cat && fx->district >= 0;
}

/* An index whose current generation is the fixture's (edits then publish new ones). */
static struct index *fixture_index(struct fixture *fx) {
    struct index *ix = index_new(index_gen_today(fx->g));
    index_gen_retain(fx->g);
    index_publish(ix, fx->g);
    return ix;
}

static void fixture_release(struct fixture *fx) {
    if (fx->g) index_gen_release(fx->g);
    match_catalog_free(fx->cat);
    if (fx->s) store_close(fx->s);
    unlink(fx->path);
}

static bool same_coverage(const struct match_coverage *a, const struct match_coverage *b) {
    if (a->rows != b->rows || a->n != b->n || a->n_none != b->n_none) return false;
    for (int k = 0; k < a->n; k++)
        if (a->clause[k] != b->clause[k] || a->eligible[k] != b->eligible[k] ||
            a->unknown[k] != b->unknown[k])
            return false;
    return true;
}

/* The cached answer equals the computed one, and each clause's counts equal match_cond_within's
 * on the same scope (what POST /api/match/preview counts). */
static void check_against_compute(const struct index_gen *g, const struct match_catalog *cat,
                                  int region, const struct match_coverage *cached) {
    struct error err;
    const struct match_coverage *fresh = NULL;
    CHECK_INT(match_coverage_compute(g, cat, region, &fresh, &err), 0);
    if (!fresh) return;
    CHECK(same_coverage(cached, fresh));
    match_coverage_release(fresh);
}

TEST(coverage_cached_equals_computed) {
    struct fixture fx;
    if (!fixture_init(&fx, "cov_same", 1200, 30)) {
        fixture_release(&fx);
        return;
    }
    struct error err;
    const struct match_coverage *city = NULL, *again = NULL, *dist = NULL, *dist2 = NULL;
    CHECK_INT(match_coverage(fx.g, fx.cat, -1, &city, &err), 0);
    CHECK_INT(match_coverage(fx.g, fx.cat, fx.district, &dist, &err), 0);
    CHECK_INT(match_coverage(fx.g, fx.cat, -1, &again, &err), 0);
    CHECK_INT(match_coverage(fx.g, fx.cat, fx.district, &dist2, &err), 0);
    if (!city || !dist || !again || !dist2) return;
    CHECK(city == again); /* a lookup: the same answer object */
    CHECK(dist == dist2);
    CHECK(city != dist); /* the district has its own entry */
    CHECK_INT(city->rows, 1200);
    CHECK(dist->rows > 0 && dist->rows < city->rows);
    CHECK(city->n >= 30);
    check_against_compute(fx.g, fx.cat, -1, city);
    check_against_compute(fx.g, fx.cat, fx.district, dist);
    /* the district's counts are its rows' only: never above the city's, and below for some */
    int n_below = 0;
    for (int k = 0; k < city->n; k++) {
        CHECK(dist->eligible[k] <= city->eligible[k]);
        n_below += dist->eligible[k] < city->eligible[k];
    }
    CHECK(n_below > 0);
    /* one clause's counts, independently: match_cond_within on the district's rows */
    roaring_bitmap_t *scope = NULL;
    struct index_atom a = {F_REGION, INDEX_WITHIN, fx.district, {0, 1}};
    CHECK_INT(index_eval_atom_within(fx.g, &a, NULL, &scope, NULL, &err), 0);
    const struct rule_version *v =
        rules_version_at(fx.cat->rules[dist->clause[0]], index_gen_today(fx.g));
    struct match_sets sets;
    CHECK_INT(match_cond_within(fx.g, v->cond, scope, &sets, &err), 0);
    CHECK_INT(roaring_bitmap_get_cardinality(sets.eligible), dist->eligible[0]);
    CHECK_INT(roaring_bitmap_get_cardinality(sets.unknown), dist->unknown[0]);
    match_sets_release(&sets);
    roaring_bitmap_free(scope);
    match_coverage_release(city);
    match_coverage_release(again);
    match_coverage_release(dist);
    match_coverage_release(dist2);
    fixture_release(&fx);
}

/* More scopes than slots: every answer still right, evicted ones recomputed. */
TEST(coverage_evicts_beyond_slots) {
    struct fixture fx;
    if (!fixture_init(&fx, "cov_evict", 400, 12)) {
        fixture_release(&fx);
        return;
    }
    struct error err;
    int n_regions = 0;
    for (int r = 0; r < region_count() && n_regions < MATCH_COVERAGE_SCOPES + 4; r++) {
        if (region_at(r)->level != REGION_TOWN || !region_is_within(r, fx.district)) continue;
        const struct match_coverage *c = NULL;
        CHECK_INT(match_coverage(fx.g, fx.cat, r, &c, &err), 0);
        if (!c) break;
        check_against_compute(fx.g, fx.cat, r, c);
        match_coverage_release(c);
        n_regions++;
    }
    for (int r = -1; r < 4; r++) { /* and the first ones again, perhaps evicted */
        const struct match_coverage *c = NULL;
        CHECK_INT(match_coverage(fx.g, fx.cat, r, &c, &err), 0);
        if (c) check_against_compute(fx.g, fx.cat, r, c);
        match_coverage_release(c);
    }
    CHECK(n_regions > 0);
    fixture_release(&fx);
}

/* The first clause with an eligible row of the city, and one such row; -1 when none. */
static int eligible_clause(const struct index_gen *g, const struct match_catalog *cat,
                           const struct match_coverage *c, uint32_t *row) {
    for (int k = 0; k < c->n; k++) {
        if (!c->eligible[k]) continue;
        const struct rule_version *v =
            rules_version_at(cat->rules[c->clause[k]], index_gen_today(g));
        struct match_sets sets;
        struct error err;
        if (match_cond_within(g, v->cond, NULL, &sets, &err)) return -1;
        *row = roaring_bitmap_minimum(sets.eligible);
        match_sets_release(&sets);
        return k;
    }
    return -1;
}

TEST(coverage_new_generation_recounts) {
    struct fixture fx;
    if (!fixture_init(&fx, "cov_gen", 800, 20)) {
        fixture_release(&fx);
        return;
    }
    struct error err;
    struct index *ix = fixture_index(&fx);
    struct index_gen *g1 = index_acquire(ix);
    const struct match_coverage *c1 = NULL;
    CHECK_INT(match_coverage(g1, fx.cat, -1, &c1, &err), 0);
    uint32_t row = 0;
    int k = c1 ? eligible_clause(g1, fx.cat, c1, &row) : -1;
    CHECK(k >= 0);
    if (k < 0) {
        match_coverage_release(c1);
        index_gen_release(g1);
        index_free(ix);
        fixture_release(&fx);
        return;
    }
    /* an enterprise eligible for clause k leaves: the next generation counts one fewer */
    char uscc[32];
    index_row_uscc(g1, row, uscc, sizeof uscc);
    CHECK_INT(index_remove(ix, uscc, &err), 0);
    struct index_gen *g2 = index_acquire(ix);
    CHECK(g2 != g1);
    const struct match_coverage *c2 = NULL;
    CHECK_INT(match_coverage(g2, fx.cat, -1, &c2, &err), 0);
    if (c2) {
        CHECK_INT(c2->rows, c1->rows - 1);
        CHECK_INT(c2->eligible[k], c1->eligible[k] - 1);
        check_against_compute(g2, fx.cat, -1, c2);
    }
    /* it comes back (an edit through the delta segment): counted again */
    struct profile *p = malloc(sizeof *p);
    index_row_profile(g1, row, p);
    int64_t id = index_row_id(g1, row);
    CHECK_INT(index_update(ix, &id, p, 1, &err), 0);
    free(p);
    struct index_gen *g3 = index_acquire(ix);
    const struct match_coverage *c3 = NULL;
    CHECK_INT(match_coverage(g3, fx.cat, -1, &c3, &err), 0);
    if (c3) {
        CHECK_INT(c3->rows, c1->rows);
        CHECK_INT(c3->eligible[k], c1->eligible[k]);
        check_against_compute(g3, fx.cat, -1, c3);
    }
    /* the old generation's cache still answers its own readers, unchanged */
    const struct match_coverage *c1b = NULL;
    CHECK_INT(match_coverage(g1, fx.cat, -1, &c1b, &err), 0);
    CHECK(c1b == c1);
    match_coverage_release(c1b);
    match_coverage_release(c1);
    match_coverage_release(c2);
    match_coverage_release(c3);
    index_gen_release(g1);
    index_gen_release(g2);
    index_gen_release(g3);
    index_free(ix);
    fixture_release(&fx);
}

/* A run of edits of one enterprise each — a firm takes another's values (its district, sizes,
 * money), loses every value but its district (unknowns), leaves, or a new firm arrives — each
 * carried over with match_coverage_carry: after every edit the new generation's cached answers
 * (city-wide and a district's) are the carried ones, not recounted, and equal a full recount. */
TEST(coverage_carried_over_edits_equals_recount) {
    struct fixture fx;
    if (!fixture_init(&fx, "cov_carry", 900, 24)) {
        fixture_release(&fx);
        return;
    }
    struct error err;
    struct index *ix = fixture_index(&fx);
    struct index_gen *g = index_acquire(ix);
    const struct match_coverage *c0 = NULL, *d0 = NULL;
    CHECK_INT(match_coverage(g, fx.cat, -1, &c0, &err), 0);
    CHECK_INT(match_coverage(g, fx.cat, fx.district, &d0, &err), 0);
    match_coverage_release(c0);
    match_coverage_release(d0);
    struct profile *p = malloc(sizeof *p);
    char uscc[32], fresh[32];
    uint64_t seed = 7;
    int n_carried = 0, n_moved = 0;
    for (int step = 0; p && step < 40; step++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        uint32_t n_live = (uint32_t)index_gen_count(g), a, b;
        roaring_bitmap_select(index_gen_live(g), (uint32_t)(seed >> 33) % n_live, &a);
        roaring_bitmap_select(index_gen_live(g), (uint32_t)(seed >> 13) % n_live, &b);
        index_row_uscc(g, a, uscc, sizeof uscc);
        int kind = step % 4;
        int rc;
        if (kind == 2) { /* a leaves */
            rc = index_remove(ix, uscc, &err);
        } else {
            index_row_profile(g, b, p); /* b's values … */
            int64_t id = index_row_id(g, a);
            if (kind == 1) { /* … or none but b's district */
                struct value region = p->v[F_REGION];
                profile_clear(p);
                p->v[F_REGION] = region;
            }
            if (kind == 3) { /* … for a new firm */
                snprintf(fresh, sizeof fresh, "91370200TEST%05dX", step);
                p->v[F_USCC] = (struct value){.has = true, .s = fresh};
                id = 1000000 + step;
            } else {
                p->v[F_USCC] = (struct value){.has = true, .s = uscc};
            }
            rc = index_update(ix, &id, p, 1, &err);
        }
        CHECK_INT(rc, 0);
        struct index_gen *next = index_acquire(ix);
        const char *who = kind == 3 ? fresh : uscc;
        n_carried += match_coverage_carry(g, next, fx.cat, who);
        for (int scope = 0; scope < 2; scope++) {
            int region = scope ? fx.district : -1;
            const struct match_coverage *was = NULL, *now = NULL;
            CHECK_INT(match_coverage(g, fx.cat, region, &was, &err), 0);
            CHECK_INT(match_coverage(next, fx.cat, region, &now, &err), 0);
            if (was && now) {
                check_against_compute(next, fx.cat, region, now);
                for (int k = 0; k < now->n; k++)
                    n_moved +=
                        now->eligible[k] != was->eligible[k] || now->unknown[k] != was->unknown[k];
            }
            match_coverage_release(was);
            match_coverage_release(now);
        }
        index_gen_release(g);
        g = next;
    }
    CHECK_INT(n_carried, 80); /* both scopes, every edit: none was recounted */
    CHECK(n_moved > 10);      /* and the edits did move counts */
    /* nothing to carry: a generation without answers, and the same generation */
    struct index_gen *bare = NULL;
    CHECK_INT(index_load(fx.s, index_gen_today(fx.g), &bare, &err), 0);
    if (bare) CHECK_INT(match_coverage_carry(bare, g, fx.cat, uscc), 0);
    CHECK_INT(match_coverage_carry(g, g, fx.cat, uscc), 0);
    if (bare) index_gen_release(bare);
    free(p);
    index_gen_release(g);
    index_free(ix);
    fixture_release(&fx);
}

/* A new catalog on the same generation (clauses published) gets its own answer, equal to a
 * recount, in which only the new clauses were counted. */
TEST(coverage_new_catalog_recounts) {
    struct fixture fx;
    if (!fixture_init(&fx, "cov_cat", 600, 10)) {
        fixture_release(&fx);
        return;
    }
    struct error err;
    const struct match_coverage *c1 = NULL, *c2 = NULL;
    CHECK_INT(match_coverage(fx.g, fx.cat, -1, &c1, &err), 0);
    /* ten more clauses published: same generation, a new catalog */
    CHECK_INT(demo_generate_clauses(fx.s, 6, 10, &err), 0);
    struct match_catalog *cat2 = NULL;
    CHECK_INT(match_catalog_load(fx.s, date_today(), &cat2, &err), 0);
    if (!c1 || !cat2) return;
    CHECK(cat2->serial != fx.cat->serial);
    uint64_t before = match_coverage_counted();
    CHECK_INT(match_coverage(fx.g, cat2, -1, &c2, &err), 0);
    if (c2) {
        CHECK(c2->n > c1->n);
        /* only the new clauses were counted: the others' rules did not change, their counts
         * came from the previous catalog's answer */
        CHECK_INT(match_coverage_counted() - before, (uint64_t)(c2->n - c1->n));
        check_against_compute(fx.g, cat2, -1, c2);
    }
    match_coverage_release(c1);
    match_coverage_release(c2);
    match_catalog_free(cat2);
    fixture_release(&fx);
}

/* ---- TSAN_TEST: concurrent first requests, and readers while a writer publishes ---- */

struct race {
    struct index *ix;
    const struct match_catalog *cat;
    const struct index_gen *g; /* the fixed generation of the first phase */
    int region;
    const struct match_coverage *got[4];
    atomic_int stop, errors, reads;
};

struct racer {
    struct race *r;
    int k;
};

static void *first_request(void *arg) {
    struct racer *me = arg;
    struct error err;
    if (match_coverage(me->r->g, me->r->cat, me->r->region, &me->r->got[me->k], &err))
        atomic_fetch_add(&me->r->errors, 1);
    return NULL;
}

TEST(tsan_coverage_concurrent_first_requests) {
    struct fixture fx;
    if (!fixture_init(&fx, "cov_tsan1", 300, 8)) {
        fixture_release(&fx);
        return;
    }
    struct race r = {.cat = fx.cat, .g = fx.g, .region = fx.district};
    atomic_init(&r.errors, 0);
    pthread_t th[4];
    struct racer me[4];
    for (int k = 0; k < 4; k++) {
        me[k] = (struct racer){&r, k};
        pthread_create(&th[k], NULL, first_request, &me[k]);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    CHECK_INT(atomic_load(&r.errors), 0);
    /* one computation shared: every thread holds the same answer */
    for (int k = 1; k < 4; k++)
        CHECK(r.got[k] == r.got[0]);
    if (r.got[0]) check_against_compute(fx.g, fx.cat, fx.district, r.got[0]);
    for (int k = 0; k < 4; k++)
        match_coverage_release(r.got[k]);
    fixture_release(&fx);
}

static void *swap_reader(void *arg) {
    struct race *r = arg;
    int i = 0;
    while (!atomic_load(&r->stop)) {
        struct index_gen *g = index_acquire(r->ix);
        int region = i++ % 2 ? r->region : -1;
        const struct match_coverage *c = NULL, *fresh = NULL;
        struct error err;
        if (match_coverage(g, r->cat, region, &c, &err) ||
            match_coverage_compute(g, r->cat, region, &fresh, &err) || !same_coverage(c, fresh))
            atomic_fetch_add(&r->errors, 1);
        match_coverage_release(c);
        match_coverage_release(fresh);
        index_gen_release(g);
        atomic_fetch_add(&r->reads, 1);
    }
    return NULL;
}

TEST(tsan_coverage_readers_during_swaps) {
    struct fixture fx;
    if (!fixture_init(&fx, "cov_tsan2", 300, 8)) {
        fixture_release(&fx);
        return;
    }
    struct error err;
    struct race r = {.ix = fixture_index(&fx), .cat = fx.cat, .region = fx.district};
    atomic_init(&r.stop, 0);
    atomic_init(&r.errors, 0);
    atomic_init(&r.reads, 0);
    pthread_t th[3];
    for (int k = 0; k < 3; k++)
        pthread_create(&th[k], NULL, swap_reader, &r);
    /* the writer: each round removes a row and puts it back (two generations), carrying the
     * answers over each time as the server does (match_coverage_carry) while the readers may be
     * counting the same new generation: a reader's answer must equal a recount either way */
    struct profile *p = malloc(sizeof *p);
    for (int round = 0; round < 10; round++) {
        uint32_t row = (uint32_t)(round * 7);
        index_row_profile(fx.g, row, p);
        int64_t id = index_row_id(fx.g, row);
        char uscc[32];
        index_row_uscc(fx.g, row, uscc, sizeof uscc);
        struct index_gen *before = index_acquire(r.ix);
        CHECK_INT(index_remove(r.ix, uscc, &err), 0);
        struct index_gen *gone = index_acquire(r.ix);
        match_coverage_carry(before, gone, r.cat, uscc);
        CHECK_INT(index_update(r.ix, &id, p, 1, &err), 0);
        struct index_gen *back = index_acquire(r.ix);
        match_coverage_carry(gone, back, r.cat, uscc);
        index_gen_release(before);
        index_gen_release(gone);
        index_gen_release(back);
    }
    free(p);
    atomic_store(&r.stop, 1);
    for (int k = 0; k < 3; k++)
        pthread_join(th[k], NULL);
    CHECK_INT(atomic_load(&r.errors), 0);
    CHECK(atomic_load(&r.reads) > 0);
    index_free(r.ix);
    fixture_release(&fx);
}
