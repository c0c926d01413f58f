/* Owns generations and their publication: a generation is a base segment, an optional delta segment
 * and the set of deleted rows, immutable once made. The holder publishes one by an atomic pointer
 * swap; a reader announces itself on a counter, loads the pointer and takes a reference, so the
 * writer (after the swap) only has to wait for readers caught between those two steps before it may
 * drop its reference to the old generation. Readers never lock; writers take a mutex among
 * themselves. Updates rebuild only the delta. Does not own building or queries. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "index/segment.h"

struct index {
    _Atomic(struct index_gen *) cur; /* one reference held by the holder */
    atomic_int entering;             /* readers between loading cur and taking their reference */
    pthread_mutex_t write_lock;      /* serialises writers */
    int32_t today;
};

int index_gen_make(int32_t today, struct seg *base, struct seg *delta, roaring_bitmap_t *deleted,
                   struct index_gen **out, struct error *err) {
    struct index_gen *g = calloc(1, sizeof *g);
    if (!g) {
        index_seg_release(base);
        index_seg_release(delta);
        if (deleted) roaring_bitmap_free(deleted);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    atomic_init(&g->refs, 1);
    pthread_mutex_init(&g->extra_mu, NULL);
    g->today = today;
    if (base) g->seg[g->n_seg++] = base;
    if (delta) g->seg[g->n_seg++] = delta;
    g->deleted = deleted ? deleted : roaring_bitmap_create();
    g->live = roaring_bitmap_create();
    for (int k = 0; k < g->n_seg; k++) {
        roaring_bitmap_or_inplace(g->live, g->seg[k]->all);
        g->n_rows = g->seg[k]->base + g->seg[k]->n;
    }
    roaring_bitmap_andnot_inplace(g->live, g->deleted);
    roaring_bitmap_run_optimize(g->live);
    *out = g;
    return 0;
}

void index_gen_retain(struct index_gen *g) {
    atomic_fetch_add(&g->refs, 1);
}

void index_gen_release(struct index_gen *g) {
    if (!g || atomic_fetch_sub(&g->refs, 1) != 1) return;
    for (int k = 0; k < g->n_seg; k++)
        index_seg_release(g->seg[k]);
    roaring_bitmap_free(g->deleted);
    roaring_bitmap_free(g->live);
    for (int k = 0; k < INDEX_GEN_EXTRAS; k++)
        if (g->extra[k].key) g->extra[k].drop(g->extra[k].p);
    pthread_mutex_destroy(&g->extra_mu);
    free(g);
}

/* The generation's data stays immutable: only the extras' slots change, under their own lock (the
 * generation was allocated writable, so casting the const away is sound). */
void *index_gen_extra(const struct index_gen *cg, const void *key, void *(*make)(void),
                      void (*drop)(void *p)) {
    struct index_gen *g = (struct index_gen *)(uintptr_t)cg;
    void *p = NULL;
    pthread_mutex_lock(&g->extra_mu);
    int k = 0;
    while (k < INDEX_GEN_EXTRAS && g->extra[k].key && g->extra[k].key != key)
        k++;
    if (k < INDEX_GEN_EXTRAS && g->extra[k].key) {
        p = g->extra[k].p;
    } else if (k < INDEX_GEN_EXTRAS && make && (p = make()) != NULL) {
        g->extra[k].key = key;
        g->extra[k].p = p;
        g->extra[k].drop = drop;
    }
    pthread_mutex_unlock(&g->extra_mu);
    return p;
}

uint32_t index_gen_rows(const struct index_gen *g) {
    return g->n_rows;
}
const roaring_bitmap_t *index_gen_live(const struct index_gen *g) {
    return g->live;
}
uint64_t index_gen_count(const struct index_gen *g) {
    return roaring_bitmap_get_cardinality(g->live);
}
int32_t index_gen_today(const struct index_gen *g) {
    return g->today;
}
int index_gen_segments(const struct index_gen *g) {
    return g->n_seg;
}

size_t index_gen_bytes(const struct index_gen *g) {
    size_t n = sizeof *g + roaring_bitmap_size_in_bytes(g->deleted) +
               roaring_bitmap_size_in_bytes(g->live);
    for (int k = 0; k < g->n_seg; k++)
        n += g->seg[k]->bytes;
    return n;
}

/* ---- the holder ---- */

struct index *index_new(int32_t today) {
    struct index *ix = calloc(1, sizeof *ix);
    if (!ix) return NULL;
    struct index_gen *g;
    if (index_gen_make(today, NULL, NULL, NULL, &g, NULL)) {
        free(ix);
        return NULL;
    }
    ix->today = today;
    atomic_init(&ix->cur, g);
    atomic_init(&ix->entering, 0);
    pthread_mutex_init(&ix->write_lock, NULL);
    return ix;
}

void index_free(struct index *ix) {
    if (!ix) return;
    index_gen_release(atomic_load(&ix->cur));
    pthread_mutex_destroy(&ix->write_lock);
    free(ix);
}

struct index_gen *index_acquire(struct index *ix) {
    atomic_fetch_add(&ix->entering, 1);
    struct index_gen *g = atomic_load(&ix->cur);
    atomic_fetch_add(&g->refs, 1);
    atomic_fetch_sub(&ix->entering, 1);
    return g;
}

/* With write_lock held. A reader that loaded the old pointer incremented `entering` before the
 * exchange (sequentially consistent order), and decrements it only after taking its reference; once
 * the counter reads zero after the exchange, no reader can still be about to touch `old` without a
 * reference, and later readers load the new pointer. */
static void publish_locked(struct index *ix, struct index_gen *g) {
    struct index_gen *old = atomic_exchange(&ix->cur, g);
    while (atomic_load(&ix->entering) != 0)
        sched_yield();
    index_gen_release(old);
}

void index_publish(struct index *ix, struct index_gen *g) {
    pthread_mutex_lock(&ix->write_lock);
    publish_locked(ix, g);
    pthread_mutex_unlock(&ix->write_lock);
}

/* ---- updates ---- */

static int add_row(struct index_builder *b, const struct seg *s, uint32_t row, struct error *err) {
    struct profile *p = malloc(sizeof *p);
    if (!p) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    profile_clear(p);
    for (int f = 0; f < F_COUNT; f++)
        index_seg_value(s, row, (enum field_id)f, &p->v[f]);
    int rc = index_builder_add(b, s->ids[row - s->base], p, err);
    free(p);
    return rc;
}

/* Adds every live row of s to b. */
static int add_live(struct index_builder *b, const struct seg *s, const roaring_bitmap_t *deleted,
                    struct error *err) {
    for (uint32_t r = 0; r < s->n; r++) {
        if (roaring_bitmap_contains(deleted, s->base + r)) continue;
        int rc = add_row(b, s, s->base + r, err);
        if (rc) return rc;
    }
    return 0;
}

/* Marks deleted every row carrying the USCC of one of the new profiles. */
static void mark_replaced(const struct index_gen *g, const struct profile *ps, int n,
                          roaring_bitmap_t *deleted) {
    for (int i = 0; i < n; i++) {
        const char *u = ps[i].v[F_USCC].s;
        if (!ps[i].v[F_USCC].has || !u) continue;
        for (int k = 0; k < g->n_seg; k++) {
            int64_t r = index_seg_find(g->seg[k], u);
            if (r >= 0) roaring_bitmap_add(deleted, g->seg[k]->base + (uint32_t)r);
        }
    }
}

static bool is_last_of(const struct profile *ps, int n, int i) {
    for (int j = i + 1; j < n; j++)
        if (ps[j].v[F_USCC].s && ps[i].v[F_USCC].s &&
            strcmp(ps[j].v[F_USCC].s, ps[i].v[F_USCC].s) == 0)
            return false;
    return true;
}

/* The next generation after old with ps replacing or adding rows (ps may be empty). */
static int next_gen(const struct index_gen *old, int32_t today, roaring_bitmap_t *deleted,
                    const int64_t *ids, const struct profile *ps, int n, struct index_gen **out,
                    struct error *err) {
    struct seg *base = old->n_seg ? old->seg[0] : NULL;
    const struct seg *delta = old->n_seg > 1 ? old->seg[1] : NULL;
    uint32_t n_delta = (delta ? delta->n : 0) + (uint32_t)n;
    /* a delta past a sixteenth of the base (and past a small floor) is merged into a new base */
    bool merge = !base || n_delta > 4096 + base->n / 16;
    struct index_builder *b;
    int rc = index_builder_new_at(today, merge ? 0 : base->n, &b, err);
    if (rc) return rc;
    if (merge && base) rc = add_live(b, base, deleted, err);
    if (!rc && delta) rc = add_live(b, delta, deleted, err);
    for (int i = 0; !rc && i < n; i++)
        if (is_last_of(ps, n, i)) rc = index_builder_add(b, ids ? ids[i] : 0, &ps[i], err);
    if (rc) {
        index_builder_free(b);
        return rc;
    }
    bool is_empty = index_builder_rows(b) == 0;
    struct seg *s = NULL;
    if (is_empty)
        index_builder_free(b);
    else if ((rc = index_builder_finish_seg(b, &s, err)))
        return rc;
    roaring_bitmap_t *del = roaring_bitmap_create();
    if (!merge) { /* deleted rows of the base stay deleted; the delta was rebuilt without its own */
        roaring_bitmap_or_inplace(del, deleted);
        if (base->n < old->n_rows) roaring_bitmap_remove_range(del, base->n, old->n_rows);
        roaring_bitmap_run_optimize(del);
        atomic_fetch_add(&base->refs, 1); /* shared with old, which the holder keeps alive */
        return index_gen_make(today, base, s, del, out, err);
    }
    return index_gen_make(today, s, NULL, del, out, err);
}

int index_update(struct index *ix, const int64_t *ids, const struct profile *ps, int n,
                 struct error *err) {
    pthread_mutex_lock(&ix->write_lock);
    struct index_gen *old = atomic_load(&ix->cur); /* writers are serialised: it cannot go away */
    roaring_bitmap_t *deleted = roaring_bitmap_copy(old->deleted);
    mark_replaced(old, ps, n, deleted);
    struct index_gen *g;
    int rc = next_gen(old, ix->today, deleted, ids, ps, n, &g, err);
    roaring_bitmap_free(deleted);
    if (!rc) publish_locked(ix, g);
    pthread_mutex_unlock(&ix->write_lock);
    return rc;
}

int index_remove(struct index *ix, const char *uscc, struct error *err) {
    pthread_mutex_lock(&ix->write_lock);
    struct index_gen *old = atomic_load(&ix->cur);
    uint32_t row;
    int rc = index_find_uscc(old, uscc, &row);
    if (rc) {
        pthread_mutex_unlock(&ix->write_lock);
        return error_set(err, ERR_NOTFOUND, "索引中没有企业 %s", "no enterprise %s in the index",
                         uscc);
    }
    roaring_bitmap_t *deleted = roaring_bitmap_copy(old->deleted);
    roaring_bitmap_add(deleted, row);
    struct index_gen *g;
    rc = next_gen(old, ix->today, deleted, NULL, NULL, 0, &g, err);
    roaring_bitmap_free(deleted);
    if (!rc) publish_locked(ix, g);
    pthread_mutex_unlock(&ix->write_lock);
    return rc;
}
