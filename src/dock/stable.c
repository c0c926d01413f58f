/* Owns two-way selection (双向选择): many-to-many deferred acceptance with capacities, and the
 * explanation of why a pair was or was not formed. Does not own scores or how preference lists
 * are built (match.c), nor names or storage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"

static int rank_on(const int *pref, const int *start, int who, int whom) {
    for (int k = start[who]; k < start[who + 1]; k++)
        if (pref[k] == whom) return k - start[who];
    return -1;
}

static int check_lists(const int *pref, const int *start, const int *cap, int n, int n_other,
                       const char *side, struct error *err) {
    int *seen = calloc((size_t)n_other + 1, sizeof *seen); /* seen[j] = i + 1 when i listed j */
    if (!seen) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        if (cap[i] < 0 || start[i + 1] < start[i])
            rc = error_set(err, ERR_INVALID, "%s 方第 %d 个的名额或意向列表无效",
                           "side %s, entry %d: bad capacity or list", side, i + 1);
        for (int k = start[i]; k < start[i + 1] && !rc; k++) {
            int j = pref[k];
            if (j < 0 || j >= n_other)
                rc = error_set(err, ERR_RANGE, "%s 方第 %d 个的意向超出范围",
                               "side %s, entry %d: a choice out of range", side, i + 1);
            else if (seen[j] == i + 1)
                rc = error_set(err, ERR_INVALID, "%s 方第 %d 个的意向重复",
                               "side %s, entry %d: a choice listed twice", side, i + 1);
            else
                seen[j] = i + 1;
        }
    }
    free(seen);
    return rc;
}

/* b's rank of every a it lists, sorted by a for binary search. */
struct ranked {
    int a, rank;
};

static int ranked_cmp(const void *x, const void *y) {
    const struct ranked *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

static int rank_fast(const struct ranked *r, const int *start, int b, int a) {
    int lo = start[b], hi = start[b + 1] - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (r[mid].a == a) return r[mid].rank;
        if (r[mid].a < a)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* b's held proposers: a max-heap on b's rank, so the worst is on top. */
struct held_item {
    int a, rank, rank_a; /* proposer, its rank on b's list, b's rank on its list */
};

struct held {
    struct held_item *it; /* a slice of the pool */
    int n, cap;
};

static void held_swap(struct held *h, int i, int j) {
    struct held_item t = h->it[i];
    h->it[i] = h->it[j], h->it[j] = t;
}

static void held_push(struct held *h, struct held_item x) {
    int i = h->n++;
    h->it[i] = x;
    while (i > 0 && h->it[(i - 1) / 2].rank < h->it[i].rank) {
        held_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static int held_pop(struct held *h) {
    int top = h->it[0].a;
    h->it[0] = h->it[--h->n];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && h->it[l].rank > h->it[m].rank) m = l;
        if (r < h->n && h->it[r].rank > h->it[m].rank) m = r;
        if (m == i) break;
        held_swap(h, i, m);
        i = m;
    }
    return top;
}

static int pair_cmp(const void *x, const void *y) {
    const struct stable_pair *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/* Sorts the pairs and fills the per-side counts and worst ranks. */
static int summarise(const struct stable_input *in, struct stable_result *out) {
    out->n_of_a = calloc((size_t)in->n_a + 1, sizeof(int));
    out->worst_of_a = malloc(((size_t)in->n_a + 1) * sizeof(int));
    out->n_of_b = calloc((size_t)in->n_b + 1, sizeof(int));
    out->worst_of_b = malloc(((size_t)in->n_b + 1) * sizeof(int));
    if (!out->n_of_a || !out->worst_of_a || !out->n_of_b || !out->worst_of_b) return -1;
    memset(out->worst_of_a, 0xff, ((size_t)in->n_a + 1) * sizeof(int));
    memset(out->worst_of_b, 0xff, ((size_t)in->n_b + 1) * sizeof(int));
    qsort(out->pairs, (size_t)out->n_pairs, sizeof *out->pairs, pair_cmp);
    for (int k = 0; k < out->n_pairs; k++) {
        const struct stable_pair *p = &out->pairs[k];
        out->n_of_a[p->a]++, out->n_of_b[p->b]++;
        if (p->rank_a > out->worst_of_a[p->a]) out->worst_of_a[p->a] = p->rank_a;
        if (p->rank_b > out->worst_of_b[p->b]) out->worst_of_b[p->b] = p->rank_b;
    }
    return 0;
}

int stable_match(const struct stable_input *in, struct stable_result *out, struct error *err) {
    memset(out, 0, sizeof *out);
    if (in->n_a < 0 || in->n_b < 0) return error_set(err, ERR_RANGE, "人数为负", "negative count");
    int rc = check_lists(in->pref_a, in->start_a, in->cap_a, in->n_a, in->n_b, "a", err);
    if (!rc) rc = check_lists(in->pref_b, in->start_b, in->cap_b, in->n_b, in->n_a, "b", err);
    if (rc) return rc;
    int na = in->n_a, nb = in->n_b, lb = in->start_b[nb];
    struct ranked *rk = malloc(((size_t)lb + 1) * sizeof *rk);
    struct held *held = calloc((size_t)nb + 1, sizeof *held);
    struct held_item *pool = malloc(((size_t)lb + 1) * sizeof *pool);
    int *next = calloc((size_t)na + 1, sizeof *next),
        *n_held = calloc((size_t)na + 1, sizeof *n_held);
    int *queue = malloc(((size_t)na + 1) * sizeof *queue);
    char *in_q = calloc((size_t)na + 1, 1);
    if (!rk || !held || !pool || !next || !n_held || !queue || !in_q) {
        rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        goto done;
    }
    for (int b = 0; b < nb; b++) {
        for (int k = in->start_b[b]; k < in->start_b[b + 1]; k++)
            rk[k] = (struct ranked){in->pref_b[k], k - in->start_b[b]};
        qsort(rk + in->start_b[b], (size_t)(in->start_b[b + 1] - in->start_b[b]), sizeof *rk,
              ranked_cmp);
        int len = in->start_b[b + 1] - in->start_b[b];
        held[b] = (struct held){pool + in->start_b[b], 0, in->cap_b[b] < len ? in->cap_b[b] : len};
    }
    /* a circular queue of proposers that still have room and choices */
    int qh = 0, qn = 0;
    for (int a = 0; a < na; a++)
        queue[qn++] = a, in_q[a] = 1;
    while (qn > 0) {
        int a = queue[qh];
        qh = (qh + 1) % (na + 1), qn--;
        in_q[a] = 0;
        while (n_held[a] < in->cap_a[a] && in->start_a[a] + next[a] < in->start_a[a + 1]) {
            int b = in->pref_a[in->start_a[a] + next[a]++];
            out->n_proposals++;
            int r = rank_fast(rk, in->start_b, b, a);
            struct held *h = &held[b];
            if (r < 0 || h->cap == 0) continue;
            if (h->n == h->cap) {
                if (h->it[0].rank < r) continue; /* b prefers everyone it holds */
                int loser = held_pop(h);
                n_held[loser]--;
                if (!in_q[loser]) queue[(qh + qn++) % (na + 1)] = loser, in_q[loser] = 1;
            }
            held_push(h, (struct held_item){a, r, next[a] - 1});
            n_held[a]++;
        }
    }
    int total = 0;
    for (int b = 0; b < nb; b++)
        total += held[b].n;
    out->pairs = malloc(((size_t)total + 1) * sizeof *out->pairs);
    if (!out->pairs) {
        rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        goto done;
    }
    for (int b = 0; b < nb; b++)
        for (int k = 0; k < held[b].n; k++) {
            const struct held_item *x = &held[b].it[k];
            out->pairs[out->n_pairs++] = (struct stable_pair){x->a, b, x->rank_a, x->rank};
        }
    if (summarise(in, out)) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
done:
    if (rc) stable_result_release(out);
    free(rk), free(held), free(pool), free(next), free(n_held), free(queue), free(in_q);
    return rc;
}

void stable_result_release(struct stable_result *r) {
    free(r->pairs), free(r->n_of_a), free(r->worst_of_a), free(r->n_of_b), free(r->worst_of_b);
    memset(r, 0, sizeof *r);
}

void stable_explain(const struct stable_input *in, const struct stable_result *r, int a, int b,
                    const char *name_a, const char *name_b, char *buf, size_t n) {
    const char *x = name_a ? name_a : "a", *y = name_b ? name_b : "b";
    int ra = rank_on(in->pref_a, in->start_a, a, b), rb = rank_on(in->pref_b, in->start_b, b, a);
    struct stable_pair key = {a, b, 0, 0};
    if (bsearch(&key, r->pairs, (size_t)r->n_pairs, sizeof key, pair_cmp)) {
        snprintf(buf, n, "双方互选：%1$s 把 %2$s 排第 %3$d，%2$s 把 %1$s 排第 %4$d", x, y, ra + 1,
                 rb + 1);
        return;
    }
    if (ra < 0 || rb < 0) {
        const char *p = ra < 0 ? x : y, *q = ra < 0 ? y : x;
        snprintf(buf, n, "%1$s 未将 %2$s 列入意向", p, q);
        return;
    }
    int na = r->n_of_a[a], wa = r->worst_of_a[a], nb = r->n_of_b[b], wb = r->worst_of_b[b];
    bool a_full = na >= in->cap_a[a] && wa < ra;
    if (a_full || (nb >= in->cap_b[b] && wb < rb))
        snprintf(buf, n,
                 "%1$s 的 %3$d 个名额已满，均为其更靠前的意向（最靠后的排第 %4$d，%2$s 排第 %5$d）",
                 a_full ? x : y, a_full ? y : x, a_full ? in->cap_a[a] : in->cap_b[b],
                 (a_full ? wa : wb) + 1, (a_full ? ra : rb) + 1);
    else
        snprintf(buf, n, "阻塞对：结果不稳定");
}
