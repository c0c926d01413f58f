/* Owns the min-cost max-flow of flow.h. Knows nothing of meetings; schedule.c builds the graph. */
#include "dock/flow.h"

#include <stdlib.h>
#include <string.h>

#define INF INT64_MAX

int flow_init(struct flow *f, int n, int m_hint) {
    memset(f, 0, sizeof *f);
    f->n = n;
    f->cap_m = m_hint > 16 ? m_hint : 16;
    f->head = malloc((size_t)n * sizeof *f->head);
    f->pot = calloc((size_t)n, sizeof *f->pot);
    f->dist = malloc((size_t)n * sizeof *f->dist);
    f->level = malloc((size_t)n * sizeof *f->level);
    f->it = malloc((size_t)n * sizeof *f->it);
    f->heap = malloc((size_t)n * 2 * sizeof *f->heap);
    f->next = malloc((size_t)f->cap_m * sizeof *f->next);
    f->to = malloc((size_t)f->cap_m * sizeof *f->to);
    f->cap = malloc((size_t)f->cap_m * sizeof *f->cap);
    f->cost = malloc((size_t)f->cap_m * sizeof *f->cost);
    if (!f->head || !f->pot || !f->dist || !f->level || !f->it || !f->heap || !f->next || !f->to ||
        !f->cap || !f->cost) {
        f->is_oom = true;
        return -1;
    }
    memset(f->head, 0xff, (size_t)n * sizeof *f->head);
    return 0;
}

void flow_release(struct flow *f) {
    free(f->head), free(f->pot), free(f->dist), free(f->level), free(f->it), free(f->heap);
    free(f->next), free(f->to), free(f->cap), free(f->cost);
    memset(f, 0, sizeof *f);
}

static bool grow(struct flow *f) {
    int cap = f->cap_m * 2;
    int *nx = realloc(f->next, (size_t)cap * sizeof *nx);
    if (nx) f->next = nx;
    int *to = realloc(f->to, (size_t)cap * sizeof *to);
    if (to) f->to = to;
    int64_t *c = realloc(f->cap, (size_t)cap * sizeof *c);
    if (c) f->cap = c;
    int64_t *co = realloc(f->cost, (size_t)cap * sizeof *co);
    if (co) f->cost = co;
    if (!nx || !to || !c || !co) return false;
    f->cap_m = cap;
    return true;
}

static void add_half(struct flow *f, int u, int v, int64_t cap, int64_t cost) {
    int e = f->m++;
    f->to[e] = v;
    f->cap[e] = cap;
    f->cost[e] = cost;
    f->next[e] = f->head[u];
    f->head[u] = e;
}

int flow_arc(struct flow *f, int u, int v, int64_t cap, int64_t cost) {
    if (f->is_oom) return -1;
    if (f->m + 2 > f->cap_m && !grow(f)) {
        f->is_oom = true;
        return -1;
    }
    int e = f->m;
    add_half(f, u, v, cap, cost);
    add_half(f, v, u, 0, -cost);
    return e;
}

/* Initial potentials: shortest distances from s with negative costs (Bellman–Ford with a queue;
 * the scheduler's graphs are acyclic and shallow, so this is a few passes). */
static void initial_potentials(struct flow *f, int s) {
    int *queue = f->heap, *in_q = f->level;
    for (int v = 0; v < f->n; v++)
        f->pot[v] = INF, in_q[v] = 0;
    int qh = 0, qn = 0, cap = f->n * 2;
    f->pot[s] = 0;
    queue[qn++ % cap] = s, in_q[s] = 1;
    while (qh != qn) {
        int u = queue[qh++ % cap];
        in_q[u] = 0;
        for (int e = f->head[u]; e >= 0; e = f->next[e]) {
            int v = f->to[e];
            if (f->cap[e] > 0 && f->pot[u] + f->cost[e] < f->pot[v]) {
                f->pot[v] = f->pot[u] + f->cost[e];
                if (!in_q[v]) queue[qn++ % cap] = v, in_q[v] = 1;
            }
        }
    }
    for (int v = 0; v < f->n; v++)
        if (f->pot[v] == INF) f->pot[v] = 0;
}

/* Binary heap of nodes keyed by dist; heap[] holds nodes, level[] their position (−1 = out). */
static void heap_up(struct flow *f, int i) {
    int *h = f->heap, *pos = f->level;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (f->dist[h[p]] <= f->dist[h[i]]) break;
        int t = h[p];
        h[p] = h[i], h[i] = t;
        pos[h[p]] = p, pos[h[i]] = i;
        i = p;
    }
}

static void heap_down(struct flow *f, int i, int n) {
    int *h = f->heap, *pos = f->level;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && f->dist[h[l]] < f->dist[h[m]]) m = l;
        if (r < n && f->dist[h[r]] < f->dist[h[m]]) m = r;
        if (m == i) break;
        int t = h[m];
        h[m] = h[i], h[i] = t;
        pos[h[m]] = m, pos[h[i]] = i;
        i = m;
    }
}

/* Dijkstra on reduced costs; returns false when t is unreachable. Then raises potentials by
 * min(dist, dist[t]) so every residual arc keeps a non-negative reduced cost. */
static bool dijkstra(struct flow *f, int s, int t) {
    int n = 0, *pos = f->level;
    for (int v = 0; v < f->n; v++)
        f->dist[v] = INF, pos[v] = -1;
    f->dist[s] = 0;
    f->heap[n] = s, pos[s] = n++;
    while (n > 0) {
        int u = f->heap[0];
        f->heap[0] = f->heap[--n];
        pos[f->heap[0]] = 0;
        pos[u] = -2; /* settled */
        if (n) heap_down(f, 0, n);
        for (int e = f->head[u]; e >= 0; e = f->next[e]) {
            int v = f->to[e];
            if (f->cap[e] <= 0 || pos[v] == -2) continue;
            int64_t d = f->dist[u] + f->cost[e] + f->pot[u] - f->pot[v];
            if (d >= f->dist[v]) continue;
            f->dist[v] = d;
            if (pos[v] == -1) f->heap[n] = v, pos[v] = n++;
            heap_up(f, pos[v]);
        }
    }
    if (f->dist[t] == INF) return false;
    int64_t dt = f->dist[t];
    for (int v = 0; v < f->n; v++)
        f->pot[v] += f->dist[v] < dt ? f->dist[v] : dt;
    return true;
}

static bool admissible(const struct flow *f, int u, int e) {
    int v = f->to[e];
    return f->cap[e] > 0 && f->cost[e] + f->pot[u] - f->pot[v] == 0;
}

/* BFS levels over admissible arcs; false when t is not reached. */
static bool levels(struct flow *f, int s, int t) {
    int *q = f->heap, qh = 0, qn = 0;
    for (int v = 0; v < f->n; v++)
        f->level[v] = -1;
    f->level[s] = 0;
    q[qn++] = s;
    while (qh < qn) {
        int u = q[qh++];
        for (int e = f->head[u]; e >= 0; e = f->next[e]) {
            int v = f->to[e];
            if (f->level[v] < 0 && admissible(f, u, e)) {
                f->level[v] = f->level[u] + 1;
                q[qn++] = v;
            }
        }
    }
    return f->level[t] >= 0;
}

static int64_t push(struct flow *f, int u, int t, int64_t limit) {
    if (u == t) return limit;
    for (; f->it[u] >= 0; f->it[u] = f->next[f->it[u]]) {
        int e = f->it[u], v = f->to[e];
        if (f->level[v] != f->level[u] + 1 || !admissible(f, u, e)) continue;
        int64_t got = push(f, v, t, limit < f->cap[e] ? limit : f->cap[e]);
        if (got > 0) {
            f->cap[e] -= got;
            f->cap[e ^ 1] += got;
            return got;
        }
    }
    return 0;
}

int64_t flow_run(struct flow *f, int s, int t, int64_t *cost) {
    if (f->is_oom) return -1;
    initial_potentials(f, s);
    int64_t total = 0;
    while (dijkstra(f, s, t)) {
        while (levels(f, s, t)) {
            memcpy(f->it, f->head, (size_t)f->n * sizeof *f->it);
            int64_t got;
            while ((got = push(f, s, t, INF)) > 0)
                total += got;
        }
    }
    int64_t c = 0;
    for (int e = 0; e < f->m; e += 2)
        c += flow_on(f, e) * f->cost[e];
    if (cost) *cost = c;
    return total;
}
