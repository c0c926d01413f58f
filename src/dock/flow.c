/* Owns the min-cost max-flow of flow.h. Knows nothing of meetings; schedule.c builds the graph. */
#include "dock/flow.h"

#include <stdlib.h>
#include <string.h>

#define INF INT64_MAX

int flow_init(struct flow *f, int n, int m_hint) {
    memset(f, 0, sizeof *f);
    f->n = n;
    f->cap_m = m_hint > 16 ? m_hint : 16;
    f->from = malloc((size_t)f->cap_m * sizeof *f->from);
    f->to = malloc((size_t)f->cap_m * sizeof *f->to);
    f->cap0 = malloc((size_t)f->cap_m * sizeof *f->cap0);
    f->cost0 = malloc((size_t)f->cap_m * sizeof *f->cost0);
    f->pot = calloc((size_t)n + 1, sizeof *f->pot);
    f->dist = malloc(((size_t)n + 1) * sizeof *f->dist);
    f->level = malloc(((size_t)n + 1) * sizeof *f->level);
    f->it = malloc(((size_t)n + 1) * sizeof *f->it);
    f->heap = malloc(((size_t)n + 1) * 2 * sizeof *f->heap);
    if (!f->from || !f->to || !f->cap0 || !f->cost0 || !f->pot || !f->dist || !f->level || !f->it ||
        !f->heap) {
        f->is_oom = true;
        return -1;
    }
    return 0;
}

void flow_release(struct flow *f) {
    free(f->from), free(f->to), free(f->cap0), free(f->cost0);
    free(f->start), free(f->head), free(f->rev), free(f->pos), free(f->cap), free(f->cost);
    free(f->pot), free(f->dist), free(f->level), free(f->it), free(f->heap);
    memset(f, 0, sizeof *f);
}

static bool grow(struct flow *f) {
    int cap = f->cap_m * 2;
    int *fr = realloc(f->from, (size_t)cap * sizeof *fr);
    if (fr) f->from = fr;
    int *to = realloc(f->to, (size_t)cap * sizeof *to);
    if (to) f->to = to;
    int64_t *c = realloc(f->cap0, (size_t)cap * sizeof *c);
    if (c) f->cap0 = c;
    int64_t *co = realloc(f->cost0, (size_t)cap * sizeof *co);
    if (co) f->cost0 = co;
    if (!fr || !to || !c || !co) return false;
    f->cap_m = cap;
    return true;
}

int flow_arc(struct flow *f, int u, int v, int64_t cap, int64_t cost) {
    if (f->is_oom) return -1;
    if (f->m == f->cap_m && !grow(f)) {
        f->is_oom = true;
        return -1;
    }
    int e = f->m++;
    f->from[e] = u, f->to[e] = v, f->cap0[e] = cap, f->cost0[e] = cost;
    return e;
}

/* Lays the 2m half-arcs out by tail node: half-arcs of node u are start[u] .. start[u+1]. */
static int layout(struct flow *f) {
    size_t h = 2 * (size_t)f->m + 1;
    f->start = calloc((size_t)f->n + 2, sizeof *f->start);
    f->head = malloc(h * sizeof *f->head);
    f->rev = malloc(h * sizeof *f->rev);
    f->pos = malloc(((size_t)f->m + 1) * sizeof *f->pos);
    f->cap = malloc(h * sizeof *f->cap);
    f->cost = malloc(h * sizeof *f->cost);
    if (!f->start || !f->head || !f->rev || !f->pos || !f->cap || !f->cost) return -1;
    for (int e = 0; e < f->m; e++)
        f->start[f->from[e] + 1]++, f->start[f->to[e] + 1]++;
    for (int v = 0; v < f->n; v++)
        f->start[v + 1] += f->start[v];
    int *fill = f->it;
    memcpy(fill, f->start, (size_t)f->n * sizeof *fill);
    for (int e = 0; e < f->m; e++) {
        int a = fill[f->from[e]]++, b = fill[f->to[e]]++;
        f->head[a] = f->to[e], f->cap[a] = f->cap0[e], f->cost[a] = f->cost0[e], f->rev[a] = b;
        f->head[b] = f->from[e], f->cap[b] = 0, f->cost[b] = -f->cost0[e], f->rev[b] = a;
        f->pos[e] = a;
    }
    return 0;
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
        for (int e = f->start[u]; e < f->start[u + 1]; e++) {
            int v = f->head[e];
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
        for (int e = f->start[u]; e < f->start[u + 1]; e++) {
            int v = f->head[e];
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

/* Residual arc of reduced cost zero (after dijkstra raised the potentials). */
static bool admissible(const struct flow *f, int u, int e) {
    return f->cap[e] > 0 && f->cost[e] + f->pot[u] - f->pot[f->head[e]] == 0;
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
        for (int e = f->start[u]; e < f->start[u + 1]; e++) {
            int v = f->head[e];
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
    for (; f->it[u] < f->start[u + 1]; f->it[u]++) {
        int e = f->it[u], v = f->head[e];
        if (f->level[v] != f->level[u] + 1 || !admissible(f, u, e)) continue;
        int64_t got = push(f, v, t, limit < f->cap[e] ? limit : f->cap[e]);
        if (got > 0) {
            f->cap[e] -= got;
            f->cap[f->rev[e]] += got;
            return got;
        }
    }
    return 0;
}

int64_t flow_run(struct flow *f, int s, int t, int64_t *cost) {
    if (f->is_oom || layout(f)) return -1;
    initial_potentials(f, s);
    int64_t total = 0;
    while (dijkstra(f, s, t)) {
        while (levels(f, s, t)) {
            memcpy(f->it, f->start, (size_t)f->n * sizeof *f->it);
            int64_t got;
            while ((got = push(f, s, t, INF)) > 0)
                total += got;
        }
    }
    int64_t c = 0;
    for (int e = 0; e < f->m; e++)
        c += flow_on(f, e) * f->cost0[e];
    if (cost) *cost = c;
    return total;
}
