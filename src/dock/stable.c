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
struct held {
    int *a, *rank; /* slices of pools */
    int n, cap;
};

static void held_push(struct held *h, int a, int rank) {
    int i = h->n++;
    h->a[i] = a, h->rank[i] = rank;
    while (i > 0 && h->rank[(i - 1) / 2] < h->rank[i]) {
        int p = (i - 1) / 2, ta = h->a[p], tr = h->rank[p];
        h->a[p] = h->a[i], h->rank[p] = h->rank[i], h->a[i] = ta, h->rank[i] = tr;
        i = p;
    }
}

static int held_pop(struct held *h) {
    int top = h->a[0];
    h->n--;
    h->a[0] = h->a[h->n], h->rank[0] = h->rank[h->n];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && h->rank[l] > h->rank[m]) m = l;
        if (r < h->n && h->rank[r] > h->rank[m]) m = r;
        if (m == i) break;
        int ta = h->a[m], tr = h->rank[m];
        h->a[m] = h->a[i], h->rank[m] = h->rank[i], h->a[i] = ta, h->rank[i] = tr;
        i = m;
    }
    return top;
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
    int *pool_a = malloc(((size_t)lb + 1) * sizeof *pool_a),
        *pool_r = malloc(((size_t)lb + 1) * sizeof *pool_r);
    int *next = calloc((size_t)na + 1, sizeof *next),
        *n_held = calloc((size_t)na + 1, sizeof *n_held);
    int *queue = malloc(((size_t)na + 1) * sizeof *queue);
    char *in_q = calloc((size_t)na + 1, 1);
    if (!rk || !held || !pool_a || !pool_r || !next || !n_held || !queue || !in_q) {
        rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        goto done;
    }
    for (int b = 0; b < nb; b++) {
        for (int k = in->start_b[b]; k < in->start_b[b + 1]; k++)
            rk[k] = (struct ranked){in->pref_b[k], k - in->start_b[b]};
        qsort(rk + in->start_b[b], (size_t)(in->start_b[b + 1] - in->start_b[b]), sizeof *rk,
              ranked_cmp);
        int len = in->start_b[b + 1] - in->start_b[b];
        held[b] = (struct held){pool_a + in->start_b[b], pool_r + in->start_b[b], 0,
                                in->cap_b[b] < len ? in->cap_b[b] : len};
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
                if (h->rank[0] < r) continue; /* b prefers everyone it holds */
                int loser = held_pop(h);
                n_held[loser]--;
                if (!in_q[loser]) queue[(qh + qn++) % (na + 1)] = loser, in_q[loser] = 1;
            }
            held_push(h, a, r);
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
            int a = held[b].a[k];
            out->pairs[out->n_pairs++] =
                (struct stable_pair){a, b, rank_on(in->pref_a, in->start_a, a, b), held[b].rank[k]};
        }
done:
    free(rk), free(held), free(pool_a), free(pool_r), free(next), free(n_held), free(queue),
        free(in_q);
    return rc;
}

void stable_result_release(struct stable_result *r) {
    free(r->pairs);
    memset(r, 0, sizeof *r);
}

/* How many partners x has and the worst rank among them (on x's own list). */
static void partners(const struct stable_result *r, bool side_a, int x, int *n, int *worst) {
    *n = 0, *worst = -1;
    for (int k = 0; k < r->n_pairs; k++) {
        const struct stable_pair *p = &r->pairs[k];
        if ((side_a ? p->a : p->b) != x) continue;
        (*n)++;
        int rank = side_a ? p->rank_a : p->rank_b;
        if (rank > *worst) *worst = rank;
    }
}

void stable_explain(const struct stable_input *in, const struct stable_result *r, int a, int b,
                    const char *name_a, const char *name_b, char *buf, size_t n) {
    const char *x = name_a ? name_a : "a", *y = name_b ? name_b : "b";
    int ra = rank_on(in->pref_a, in->start_a, a, b), rb = rank_on(in->pref_b, in->start_b, b, a);
    for (int k = 0; k < r->n_pairs; k++)
        if (r->pairs[k].a == a && r->pairs[k].b == b) {
            snprintf(
                buf, n,
                "双方互选：%1$s 把 %2$s 排第 %3$d，%2$s 把 %1$s 排第 %4$d / matched: %1$s ranks "
                "%2$s #%3$d, %2$s ranks %1$s #%4$d",
                x, y, ra + 1, rb + 1);
            return;
        }
    if (ra < 0 || rb < 0) {
        const char *p = ra < 0 ? x : y, *q = ra < 0 ? y : x;
        snprintf(buf, n, "%1$s 未将 %2$s 列入意向 / %1$s did not choose %2$s", p, q);
        return;
    }
    int na, wa, nb, wb;
    partners(r, true, a, &na, &wa);
    partners(r, false, b, &nb, &wb);
    bool a_full = na >= in->cap_a[a] && wa < ra;
    if (a_full || (nb >= in->cap_b[b] && wb < rb))
        snprintf(
            buf, n,
            "%1$s 的 %3$d 个名额已满，均为其更靠前的意向（最靠后的排第 %4$d，%2$s 排第 %5$d） / "
            "%1$s is full (%3$d) with partners it ranks higher (worst #%4$d, %2$s is #%5$d)",
            a_full ? x : y, a_full ? y : x, a_full ? in->cap_a[a] : in->cap_b[b],
            (a_full ? wa : wb) + 1, (a_full ? ra : rb) + 1);
    else
        snprintf(buf, n, "阻塞对：结果不稳定 / blocking pair: the result is not stable");
}
