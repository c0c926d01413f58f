/* Min-cost max-flow for the meeting scheduler (internal to src/dock). Primal–dual: Dijkstra on
 * reduced costs finds the cheapest augmenting distance, then Dinic pushes a blocking flow through
 * every arc of reduced cost zero, so a phase handles all paths of one cost at once. With all costs
 * zero it is plain Dinic. Arcs are added to a list, then laid out by tail node (CSR) when the flow
 * runs, so the searches read memory in order. */
#ifndef DUIJIE_DOCK_FLOW_H
#define DUIJIE_DOCK_FLOW_H

#include <stdbool.h>
#include <stdint.h>

struct flow {
    int n, m, cap_m;
    int *from, *to;        /* owned: per added arc (its reverse is implicit until the layout) */
    int64_t *cap0, *cost0; /* owned: per added arc */
    /* after the layout: 2m half-arcs grouped by tail; pos[e] is added arc e's half-arc, rev[] the
     * paired half-arc */
    int *start, *head, *rev, *pos; /* owned */
    int64_t *cap, *cost;           /* owned: residual capacity, cost per unit */
    int64_t *pot, *dist;           /* owned: per node */
    int *level, *it, *heap;        /* owned: per node scratch */
    bool is_oom;
};

int flow_init(struct flow *f, int n, int m_hint);
void flow_release(struct flow *f);
/* Adds arc u → v; returns its index for flow_on. */
int flow_arc(struct flow *f, int u, int v, int64_t cap, int64_t cost);
/* Maximum flow from s to t of minimum cost among maximum flows; *cost gets that cost. Costs may
 * be negative as long as there is no negative cycle (the scheduler's graphs are acyclic). −1 when
 * out of memory. Call once. */
int64_t flow_run(struct flow *f, int s, int t, int64_t *cost);
/* Flow on added arc e after flow_run. */
static inline int64_t flow_on(const struct flow *f, int e) {
    return f->cap[f->rev[f->pos[e]]];
}

#endif
