/* Owns coverage: every published clause in force counted (eligible, unknown) on one scope of a
 * generation, and the cache that makes the dashboard's repeated requests a lookup. At a city's
 * size a count is ~1 ms per clause, so thousands of clauses are seconds: once per generation.
 *
 * Where the cache lives: on the generation (index_gen_extra), not in a global. A generation is
 * immutable, so its counts can only go stale by the catalog changing (a clause published or
 * withdrawn swaps the catalog while the index stays); every enterprise edit publishes a new
 * generation, whose cache starts with the old one's answers shifted by that one enterprise
 * (match_coverage_carry: its outcome per clause before and after, not a recount), and the old
 * cache is freed with the old generation when its last reader lets go. A global keyed by the
 * generation's address would need its own rule for when an entry dies, and an address can be reused
 * after a free; the catalog's part of the key is its serial, not its address, for the same reason.
 * Memory: MATCH_COVERAGE_SCOPES entries per live generation (city-wide plus the districts and areas
 * that asked), each 20 bytes per published clause, the least recently used evicted.
 *
 * A new catalog (a clause published, changed or withdrawn) on a generation that has an answer for
 * the previous one: the clauses whose rule source did not change (same id, same SHA-256 key) are
 * copied from that answer and only the others counted — publishing one clause counts one clause.
 *
 * Two first requests for the same key at once: one computes, the other waits for it (a condition
 * variable) rather than computing too. At 2,000,000 enterprises and thousands of clauses the count
 * is seconds of CPU; two threads doing it on a loaded server each take longer than one does, and
 * the waiter gets the same answer no later. If the count fails, the waiter computes itself.
 *
 * Does not own the scope's meaning (the caller's region, as POST /api/match/preview cuts it) nor
 * the dashboard's JSON (src/http/api_stats.c). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"
#include "store/store.h"
#include "util/hash.h"

static void coverage_retain(const struct match_coverage *c) {
    atomic_fetch_add(&((struct match_coverage *)(uintptr_t)c)->refs, 1);
}

void match_coverage_release(const struct match_coverage *cc) {
    struct match_coverage *c = (struct match_coverage *)(uintptr_t)cc;
    if (!c || atomic_fetch_sub(&c->refs, 1) != 1) return;
    free(c->clause);
    free(c->clause_id);
    free(c->rule_key);
    free(c->eligible);
    free(c->unknown);
    free(c);
}

static atomic_uint_fast64_t counted; /* clauses counted on an index, since the process started */

uint64_t match_coverage_counted(void) {
    return atomic_load(&counted);
}

/* The clause's rule source as a key: two catalogs' clauses with the same id and key have the same
 * version in force on a day, so the same counts on a generation (SHA-256's first 64 bits). */
static uint64_t rule_key(const struct clause *cl) {
    char hex[HASH_SHA256_HEX + 1];
    const char *r = cl->rule ? cl->rule : "";
    hash_sha256(r, strlen(r), hex);
    uint64_t k = 0;
    for (int i = 0; i < 16; i++)
        k = k << 4 | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
    return k;
}

/* The entry of donor for clause id (donors are in clause id order), -1 when none. */
static int donor_find(const struct match_coverage *donor, int64_t id) {
    int lo = 0, hi = donor->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (donor->clause_id[mid] == id) return mid;
        if (donor->clause_id[mid] < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static struct match_coverage *coverage_alloc(size_t m) {
    struct match_coverage *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    atomic_init(&c->refs, 1);
    c->clause = malloc(m * sizeof *c->clause);
    c->clause_id = malloc(m * sizeof *c->clause_id);
    c->rule_key = malloc(m * sizeof *c->rule_key);
    c->eligible = malloc(m * sizeof *c->eligible);
    c->unknown = malloc(m * sizeof *c->unknown);
    if (!c->clause || !c->clause_id || !c->rule_key || !c->eligible || !c->unknown) {
        match_coverage_release(c);
        return NULL;
    }
    return c;
}

/* The rows registered within region (NULL for the whole city): the cut of POST /api/match/preview
 * for an area-scoped caller. */
static int scope_rows(const struct index_gen *g, int region, roaring_bitmap_t **out,
                      struct error *err) {
    *out = NULL;
    if (region < 0) return 0;
    struct index_atom a = {F_REGION, INDEX_WITHIN, region, {0, 1}};
    return index_eval_atom_within(g, &a, NULL, out, NULL, err);
}

/* The coverage of cat on g for region; a clause donor (an answer for another catalog on the same
 * generation and region, NULL: none) has with the same id and rule source is copied from it, the
 * others are counted. */
static int coverage_compute(const struct index_gen *g, const struct match_catalog *cat, int region,
                            const struct match_coverage *donor, const struct match_coverage **out,
                            struct error *err) {
    struct match_coverage *c = coverage_alloc(cat->n_clauses > 0 ? (size_t)cat->n_clauses : 1);
    if (!c) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    roaring_bitmap_t *scope = NULL;
    int rc = scope_rows(g, region, &scope, err);
    int32_t today = index_gen_today(g);
    for (int i = 0; !rc && i < cat->n_clauses; i++) {
        const struct rule_version *v =
            cat->rules[i] ? rules_version_at(cat->rules[i], today) : NULL;
        if (!v || !v->cond) continue;
        int k = c->n;
        c->clause[k] = i;
        c->clause_id[k] = cat->clauses[i].id;
        c->rule_key[k] = rule_key(&cat->clauses[i]);
        int d = donor ? donor_find(donor, c->clause_id[k]) : -1;
        if (d >= 0 && donor->rule_key[d] == c->rule_key[k]) {
            c->eligible[k] = donor->eligible[d];
            c->unknown[k] = donor->unknown[d];
        } else {
            struct match_sets sets;
            rc = match_cond_within(g, v->cond, scope, &sets, err);
            if (rc) break;
            c->eligible[k] = roaring_bitmap_get_cardinality(sets.eligible);
            c->unknown[k] = roaring_bitmap_get_cardinality(sets.unknown);
            match_sets_release(&sets);
            atomic_fetch_add(&counted, 1);
        }
        if (!c->eligible[k]) c->n_none++;
        c->n++;
    }
    c->rows = scope ? roaring_bitmap_get_cardinality(scope) : index_gen_count(g);
    if (scope) roaring_bitmap_free(scope);
    if (rc) {
        match_coverage_release(c);
        return rc;
    }
    *out = c;
    return 0;
}

int match_coverage_compute(const struct index_gen *g, const struct match_catalog *cat, int region,
                           const struct match_coverage **out, struct error *err) {
    return coverage_compute(g, cat, region, NULL, out, err);
}

/* ---- the cache on a generation ---- */

struct cov_slot {
    bool is_used;    /* holds a key: an answer, or one being computed */
    uint64_t serial; /* the key: catalog serial and region */
    int region;      /* (-1: the whole city) */
    uint64_t used;   /* the cache's tick when last read (least recently used goes first) */
    const struct match_coverage *cov; /* one reference; NULL while being computed */
};

struct cov_cache {
    pthread_mutex_t mu;
    pthread_cond_t done; /* a computation finished (or failed) */
    uint64_t tick;
    struct cov_slot slot[MATCH_COVERAGE_SCOPES];
};

static const char cache_key; /* this module's index_gen_extra key */

static void *cache_new(void) {
    struct cov_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->done, NULL);
    return c;
}

static void cache_free(void *p) {
    struct cov_cache *c = p;
    for (int k = 0; k < MATCH_COVERAGE_SCOPES; k++)
        match_coverage_release(c->slot[k].cov);
    pthread_cond_destroy(&c->done);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static struct cov_slot *find(struct cov_cache *c, uint64_t serial, int region) {
    for (int k = 0; k < MATCH_COVERAGE_SCOPES; k++) {
        struct cov_slot *s = &c->slot[k];
        if (s->is_used && s->serial == serial && s->region == region) return s;
    }
    return NULL;
}

/* A free slot, else the least recently used finished one (its answer dropped); NULL when every
 * slot is being computed. */
static struct cov_slot *victim(struct cov_cache *c) {
    struct cov_slot *best = NULL;
    for (int k = 0; k < MATCH_COVERAGE_SCOPES; k++) {
        struct cov_slot *s = &c->slot[k];
        if (!s->is_used) return s;
        if (s->cov && (!best || s->used < best->used)) best = s;
    }
    if (best) {
        match_coverage_release(best->cov);
        best->cov = NULL;
        best->is_used = false;
    }
    return best;
}

int match_coverage(const struct index_gen *g, const struct match_catalog *cat, int region,
                   const struct match_coverage **out, struct error *err) {
    struct cov_cache *c = index_gen_extra(g, &cache_key, cache_new, cache_free);
    if (!c) return match_coverage_compute(g, cat, region, out, err); /* no slot: uncached */
    pthread_mutex_lock(&c->mu);
    struct cov_slot *s;
    while ((s = find(c, cat->serial, region)) != NULL && !s->cov)
        pthread_cond_wait(&c->done, &c->mu); /* another request is counting this key */
    if (s) {
        s->used = ++c->tick;
        coverage_retain(s->cov);
        *out = s->cov;
        pthread_mutex_unlock(&c->mu);
        return 0;
    }
    /* an answer for another catalog (before a clause was published or withdrawn) on this
     * generation and region: its clauses that did not change are copied, not counted */
    const struct match_coverage *donor = NULL;
    uint64_t donor_used = 0;
    for (int k = 0; k < MATCH_COVERAGE_SCOPES; k++) {
        const struct cov_slot *d = &c->slot[k];
        if (d->is_used && d->cov && d->region == region && d->serial != cat->serial &&
            d->used >= donor_used) {
            donor = d->cov; /* the most recently read: the latest catalog before this one */
            donor_used = d->used;
        }
    }
    if (donor) coverage_retain(donor);
    s = victim(c);
    if (s) {
        *s = (struct cov_slot){true, cat->serial, region, ++c->tick, NULL};
    }
    pthread_mutex_unlock(&c->mu);
    int rc = coverage_compute(g, cat, region, donor, out, err);
    match_coverage_release(donor);
    if (!s) return rc; /* every slot busy counting other scopes: answered, not kept */
    pthread_mutex_lock(&c->mu);
    if (rc) {
        s->is_used = false; /* a waiter finds no key and counts itself */
    } else {
        coverage_retain(*out);
        s->cov = *out;
    }
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

/* ---- carrying the answers over an edit of one enterprise ---- */

/* The enterprise's outcome per catalog clause on g (res[i], TRI_FALSE for clauses not in force)
 * and whether its row is in each scope; *is_here false when g has no live row for uscc. */
struct one_row {
    bool is_here;
    uint32_t row;
    enum tri *res;
};

static int one_row_eval(const struct index_gen *g, const struct match_catalog *cat,
                        const char *uscc, struct profile *p, struct match_hit *hits,
                        struct one_row *o) {
    for (int i = 0; i < cat->n_clauses; i++)
        o->res[i] = TRI_FALSE;
    o->is_here = index_find_uscc(g, uscc, &o->row) == 0;
    if (!o->is_here) return 0;
    index_row_profile(g, o->row, p);
    if (match_enterprise(cat->set, p, hits)) return ERR_NOMEM;
    for (int k = 0; k < cat->n_in; k++)
        o->res[cat->clause_of[hits[k].clause]] = hits[k].result;
    return 0;
}

static bool in_scope(const struct index_gen *g, const struct one_row *o, int region) {
    if (!o->is_here) return false;
    if (region < 0) return true;
    struct index_atom a = {F_REGION, INDEX_WITHIN, region, {0, 1}};
    return index_row_atom(g, o->row, &a) == TRI_TRUE;
}

/* from's counts moved by the one enterprise: NULL when they do not fit the catalog (another day's
 * clauses in force) or would go below zero (they were not this catalog's). */
static struct match_coverage *shifted(const struct match_coverage *from,
                                      const struct match_catalog *cat, bool was, bool is,
                                      const enum tri *before, const enum tri *after) {
    if (from->n != cat->n_in) return NULL;
    for (int k = 0; k < from->n; k++)
        if (from->clause[k] != cat->clause_of[k]) return NULL;
    struct match_coverage *c = coverage_alloc(from->n > 0 ? (size_t)from->n : 1);
    if (!c) return NULL;
    bool is_ok = from->rows > 0 || !was;
    c->n = from->n;
    c->rows = from->rows - (was ? 1 : 0) + (is ? 1 : 0);
    for (int k = 0; is_ok && k < c->n; k++) {
        int i = from->clause[k];
        enum tri b = was ? before[i] : TRI_FALSE, a = is ? after[i] : TRI_FALSE;
        c->clause[k] = i;
        c->clause_id[k] = from->clause_id[k];
        c->rule_key[k] = from->rule_key[k];
        c->eligible[k] = from->eligible[k];
        c->unknown[k] = from->unknown[k];
        if ((b == TRI_TRUE && !c->eligible[k]) || (b == TRI_UNKNOWN && !c->unknown[k])) {
            is_ok = false;
            break;
        }
        c->eligible[k] = c->eligible[k] - (b == TRI_TRUE) + (a == TRI_TRUE);
        c->unknown[k] = c->unknown[k] - (b == TRI_UNKNOWN) + (a == TRI_UNKNOWN);
        if (!c->eligible[k]) c->n_none++;
    }
    if (!is_ok) {
        match_coverage_release(c);
        return NULL;
    }
    return c;
}

int match_coverage_carry(const struct index_gen *g_old, const struct index_gen *g_new,
                         const struct match_catalog *cat, const char *uscc) {
    struct cov_cache *from = index_gen_extra(g_old, &cache_key, NULL, cache_free);
    if (!from || g_old == g_new) return 0;
    /* the finished answers for this catalog, each with a reference of ours */
    const struct match_coverage *cov[MATCH_COVERAGE_SCOPES];
    int region[MATCH_COVERAGE_SCOPES], n = 0;
    pthread_mutex_lock(&from->mu);
    for (int k = 0; k < MATCH_COVERAGE_SCOPES; k++) {
        const struct cov_slot *s = &from->slot[k];
        if (!s->is_used || !s->cov || s->serial != cat->serial) continue;
        coverage_retain(s->cov);
        cov[n] = s->cov;
        region[n++] = s->region;
    }
    pthread_mutex_unlock(&from->mu);
    if (!n) return 0;
    size_t m = cat->n_clauses > 0 ? (size_t)cat->n_clauses : 1;
    struct profile *p = malloc(sizeof *p);
    struct match_hit *hits = malloc((cat->n_in > 0 ? (size_t)cat->n_in : 1) * sizeof *hits);
    struct one_row was = {false, 0, malloc(m * sizeof(enum tri))};
    struct one_row is = {false, 0, malloc(m * sizeof(enum tri))};
    int carried = 0;
    bool is_ok = p && hits && was.res && is.res &&
                 one_row_eval(g_old, cat, uscc, p, hits, &was) == 0 &&
                 one_row_eval(g_new, cat, uscc, p, hits, &is) == 0;
    struct cov_cache *to = is_ok ? index_gen_extra(g_new, &cache_key, cache_new, cache_free) : NULL;
    for (int j = 0; j < n; j++) {
        struct match_coverage *c = to ? shifted(cov[j], cat, in_scope(g_old, &was, region[j]),
                                                in_scope(g_new, &is, region[j]), was.res, is.res)
                                      : NULL;
        match_coverage_release(cov[j]);
        if (!c) continue;
        pthread_mutex_lock(&to->mu);
        struct cov_slot *s = find(to, cat->serial, region[j]) ? NULL : victim(to);
        if (s) {
            *s = (struct cov_slot){true, cat->serial, region[j], ++to->tick, c};
            carried++;
        }
        pthread_mutex_unlock(&to->mu);
        if (!s) match_coverage_release(c); /* a request counted it first (or no room) */
    }
    free(p);
    free(hits);
    free(was.res);
    free(is.res);
    return carried;
}
