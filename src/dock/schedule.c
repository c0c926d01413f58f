/* Owns 1:1 meeting schedules for matchmaking events (对接会): the exact flow + edge-colouring
 * method, the flow upper bound and local search where availability or a non-bipartite request
 * graph makes the problem hard, repair after late changes, the greedy baseline and the checker.
 * Does not own participants' names, the JSON contract (schedule_json.c) or storage. */
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "dock/flow.h"

static const char *const reason_keys[] = {
    "placed", "self",   "duplicate",   "no_common_slot",
    "a_full", "b_full", "tables_full", "not_chosen",
};
static const char *const reason_zh[] = {
    "已安排",
    "不能与自己会谈",
    "重复的请求",
    "双方没有共同的空闲时段",
    "发起方在其可参加的每个时段都已有会谈",
    "受邀方在其可参加的每个时段都已有会谈",
    "双方都能参加的时段桌位已满",
    "双方仍有空闲但时段错开：安排它需挤掉更多会谈",
};

const char *sched_reason_key(enum sched_reason r) {
    return reason_keys[r];
}
const char *sched_reason_zh(enum sched_reason r) {
    return reason_zh[r];
}

/* Everything the methods share: availability masks, the live requests (not self, not a repeat),
 * adjacency, and the two sides when the request graph is bipartite. */
struct prep {
    const struct sched_instance *in;
    int n, S, T;
    uint64_t full;
    uint64_t *av;  /* owned: availability ∩ the event's slots */
    bool *is_live; /* owned: per request */
    int *side;     /* owned: 0/1 per participant when bipartite */
    int *deg;      /* owned: live requests per participant */
    bool is_bipartite;
    bool is_limited; /* someone cannot attend every slot */
};

struct pair_ix {
    int lo, hi, ix;
};

static int pair_cmp(const void *x, const void *y) {
    const struct pair_ix *a = x, *b = y;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    return a->ix < b->ix ? -1 : a->ix > b->ix;
}

static int check_instance(const struct sched_instance *in, struct error *err) {
    if (in->n_slots < 1 || in->n_slots > SCHED_MAX_SLOTS)
        return error_set(err, ERR_RANGE, "时段数须在 1 至 %d 之间",
                         "the number of slots must be 1 to %d", SCHED_MAX_SLOTS);
    if (in->n_tables < 1 || in->n_tables > 1000000)
        return error_set(err, ERR_RANGE, "桌位数须在 1 至 1000000 之间",
                         "the number of tables must be 1 to 1000000");
    if (in->n_participants < 0 || in->n_req < 0 || in->n_req > 50000000)
        return error_set(err, ERR_RANGE, "参与者或请求数须在 0 至 5000 万之间",
                         "participants and requests must number 0 to 50 million");
    for (int r = 0; r < in->n_req; r++) {
        const struct sched_request *q = &in->req[r];
        if (q->a < 0 || q->a >= in->n_participants || q->b < 0 || q->b >= in->n_participants)
            return error_set(err, ERR_RANGE, "第 %d 个请求的参与者编号超出范围",
                             "request %d names a participant out of range", r + 1);
        if (q->priority < 0 || q->priority > SCHED_MAX_PRIORITY)
            return error_set(err, ERR_RANGE, "第 %d 个请求的优先级须在 0 至 9 之间",
                             "request %d: priority must be 0 to 9", r + 1);
    }
    return 0;
}

static void prep_release(struct prep *p) {
    free(p->av), free(p->is_live), free(p->side), free(p->deg);
    memset(p, 0, sizeof *p);
}

/* 2-colours the live request graph; false when an odd cycle exists. */
static bool two_colour(struct prep *p) {
    const struct sched_instance *in = p->in;
    int n = p->n, *start = calloc((size_t)n + 1, sizeof(int)), *adj = NULL, *q = NULL;
    bool ok = start != NULL;
    if (ok) {
        for (int r = 0; r < in->n_req; r++)
            if (p->is_live[r]) start[in->req[r].a + 1]++, start[in->req[r].b + 1]++;
        for (int v = 0; v < n; v++)
            start[v + 1] += start[v];
        adj = malloc((size_t)start[n] * sizeof(int) + 1);
        q = malloc((size_t)n * sizeof(int) + 1);
        ok = adj && q;
    }
    if (ok) {
        int *fill = p->deg; /* reused as a cursor, recomputed below */
        memcpy(fill, start, (size_t)n * sizeof(int));
        for (int r = 0; r < in->n_req; r++) {
            if (!p->is_live[r]) continue;
            adj[fill[in->req[r].a]++] = in->req[r].b;
            adj[fill[in->req[r].b]++] = in->req[r].a;
        }
        for (int v = 0; v < n; v++)
            p->side[v] = -1, p->deg[v] = start[v + 1] - start[v];
        for (int v0 = 0; v0 < n && ok; v0++) {
            if (p->side[v0] >= 0) continue;
            int qh = 0, qn = 0;
            p->side[v0] = 0;
            q[qn++] = v0;
            while (qh < qn && ok) {
                int u = q[qh++];
                for (int k = start[u]; k < start[u + 1]; k++) {
                    int w = adj[k];
                    if (p->side[w] < 0)
                        p->side[w] = 1 - p->side[u], q[qn++] = w;
                    else if (p->side[w] == p->side[u])
                        ok = false;
                }
            }
        }
    }
    free(start), free(adj), free(q);
    return ok;
}

static int prep_init(struct prep *p, const struct sched_instance *in, struct error *err) {
    memset(p, 0, sizeof *p);
    int rc = check_instance(in, err);
    if (rc) return rc;
    p->in = in;
    p->n = in->n_participants, p->S = in->n_slots, p->T = in->n_tables;
    p->full = p->S == 64 ? ~(uint64_t)0 : (((uint64_t)1 << p->S) - 1);
    size_t n1 = (size_t)p->n + 1, r1 = (size_t)in->n_req + 1;
    p->av = malloc(n1 * sizeof *p->av);
    p->is_live = calloc(r1, sizeof *p->is_live);
    p->side = malloc(n1 * sizeof *p->side);
    p->deg = calloc(n1, sizeof *p->deg);
    struct pair_ix *pairs = malloc(r1 * sizeof *pairs);
    if (!p->av || !p->is_live || !p->side || !p->deg || !pairs) {
        free(pairs);
        prep_release(p);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int v = 0; v < p->n; v++) {
        p->av[v] = (in->avail ? in->avail[v] : p->full) & p->full;
        if (p->av[v] != p->full) p->is_limited = true;
    }
    int np = 0;
    for (int r = 0; r < in->n_req; r++) {
        int a = in->req[r].a, b = in->req[r].b;
        if (a != b) pairs[np++] = (struct pair_ix){a < b ? a : b, a < b ? b : a, r};
    }
    qsort(pairs, (size_t)np, sizeof *pairs, pair_cmp);
    for (int k = 0; k < np; k++)
        if (k == 0 || pairs[k].lo != pairs[k - 1].lo || pairs[k].hi != pairs[k - 1].hi)
            p->is_live[pairs[k].ix] = true;
    free(pairs);
    p->is_bipartite = two_colour(p);
    return 0;
}

static int result_alloc(struct sched_result *out, int n_req, struct error *err) {
    memset(out, 0, sizeof *out);
    size_t n = (size_t)n_req + 1;
    out->slot = malloc(n * sizeof *out->slot);
    out->table = malloc(n * sizeof *out->table);
    out->reason = malloc(n * sizeof *out->reason);
    if (!out->slot || !out->table || !out->reason) {
        sched_result_release(out);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int r = 0; r < n_req; r++)
        out->slot[r] = out->table[r] = -1, out->reason[r] = SCHED_NOT_CHOSEN;
    return 0;
}

void sched_result_release(struct sched_result *r) {
    free(r->slot), free(r->table), free(r->reason);
    memset(r, 0, sizeof *r);
}

/* ---- the flow: most meetings, then most participants with one, then priority ---- */

/* Builds and runs the flow. Participant v may take cap(v) = |its slots| meetings; the first unit
 * costs −K (K above any priority total, so covering one more participant beats any priorities),
 * each request arc −priority. Bipartite: left side from the source, right side to the sink.
 * Otherwise the double cover (every participant on both sides, each request both ways), whose
 * flow / 2 bounds the meetings. chosen[r] gets whether request r carries flow. Returns the bound
 * on meetings, −1 when out of memory. */
static int flow_choose(const struct prep *p, bool *chosen) {
    const struct sched_instance *in = p->in;
    bool dbl = !p->is_bipartite;
    int n = p->n, base = 3, nodes = base + n * (dbl ? 2 : 1);
    int64_t K = 1;
    for (int r = 0; r < in->n_req; r++)
        if (p->is_live[r]) K += in->req[r].priority;
    struct flow f;
    int *arc = malloc(((size_t)in->n_req + 1) * 2 * sizeof *arc);
    if (!arc || flow_init(&f, nodes, 4 * in->n_req + 8 * n + 8)) {
        free(arc);
        flow_release(&f);
        return -1;
    }
    int64_t st = (int64_t)p->S * p->T;
    flow_arc(&f, 0, 1, dbl ? 2 * st : st, 0);
    for (int v = 0; v < n; v++) {
        if (!p->deg[v]) continue;
        int64_t cap = __builtin_popcountll(p->av[v]);
        int left = dbl || p->side[v] == 0, right = dbl || p->side[v] == 1;
        int lv = base + v, rv = dbl ? base + n + v : base + v;
        if (cap == 0) continue;
        if (left) flow_arc(&f, 1, lv, 1, -K), flow_arc(&f, 1, lv, cap - 1, 0);
        if (right) flow_arc(&f, rv, 2, 1, -K), flow_arc(&f, rv, 2, cap - 1, 0);
    }
    for (int r = 0; r < in->n_req; r++) {
        arc[2 * r] = arc[2 * r + 1] = -1;
        int a = in->req[r].a, b = in->req[r].b;
        if (!p->is_live[r] || !(p->av[a] & p->av[b])) continue;
        int pr = in->req[r].priority;
        if (dbl) {
            arc[2 * r] = flow_arc(&f, base + a, base + n + b, 1, -pr);
            arc[2 * r + 1] = flow_arc(&f, base + b, base + n + a, 1, -pr);
        } else {
            int l = p->side[a] == 0 ? a : b, rr = l == a ? b : a;
            arc[2 * r] = flow_arc(&f, base + l, base + rr, 1, -pr);
        }
    }
    int64_t total = flow_run(&f, 0, 2, NULL);
    if (total >= 0)
        for (int r = 0; r < in->n_req; r++)
            chosen[r] = (arc[2 * r] >= 0 && flow_on(&f, arc[2 * r]) > 0) ||
                        (arc[2 * r + 1] >= 0 && flow_on(&f, arc[2 * r + 1]) > 0);
    flow_release(&f);
    free(arc);
    return total < 0 ? -1 : (int)(dbl ? total / 2 : total);
}

/* ---- exact: König edge colouring, balanced across slots ---- */

struct colouring {
    const struct sched_instance *in;
    int S;
    int *at;   /* at[v * S + c] = request coloured c at v, or −1 */
    int *col;  /* per request: colour or −1 */
    int *cnt;  /* per colour */
    int *path; /* scratch */
};

static int other(const struct sched_request *q, int v) {
    return q->a == v ? q->b : q->a;
}

static int free_colour(const struct colouring *c, int v) {
    for (int k = 0; k < c->S; k++)
        if (c->at[v * c->S + k] < 0) return k;
    return -1;
}

/* Collects the path from v alternating colours x, y, x, ... into c->path; returns its length. */
static int alt_path(struct colouring *c, int v, int x, int y) {
    int len = 0, col = x;
    for (int e; (e = c->at[v * c->S + col]) >= 0;) {
        c->path[len++] = e;
        v = other(&c->in->req[e], v);
        col = col == x ? y : x;
    }
    return len;
}

static void set_colour(struct colouring *c, int e, int col) {
    const struct sched_request *q = &c->in->req[e];
    if (c->col[e] >= 0) {
        c->at[q->a * c->S + c->col[e]] = c->at[q->b * c->S + c->col[e]] = -1;
        c->cnt[c->col[e]]--;
    }
    c->col[e] = col;
    if (col >= 0) {
        c->at[q->a * c->S + col] = c->at[q->b * c->S + col] = e;
        c->cnt[col]++;
    }
}

/* Two passes, because the path's edges share endpoints: first clear every edge, parking its new
 * colour in col[] as −1 − colour, then colour them. */
static void swap_path(struct colouring *c, int len, int x, int y) {
    for (int k = 0; k < len; k++)
        set_colour(c, c->path[k], -1 - (c->col[c->path[k]] == x ? y : x));
    for (int k = 0; k < len; k++) {
        int e = c->path[k], col = -1 - c->col[e];
        c->col[e] = -1;
        set_colour(c, e, col);
    }
}

/* Colours e with a colour free at both ends, after flipping an alternating path if needed: x is
 * free at a, y at b; if x is taken at b, the x/y path from b cannot reach a in a bipartite graph
 * (König), so swapping it frees x at b. */
static void colour_edge(struct colouring *c, int e) {
    const struct sched_request *q = &c->in->req[e];
    int x = free_colour(c, q->a), y = free_colour(c, q->b);
    if (c->at[q->b * c->S + x] >= 0) {
        int len = alt_path(c, q->b, x, y);
        swap_path(c, len, x, y);
    }
    set_colour(c, e, x);
}

/* de Werra: while a colour class exceeds T tables, swap an x/y alternating path that has one more
 * x edge than y edges, x the largest class and y the smallest. */
static void balance(struct colouring *c, int n, int T) {
    for (;;) {
        int x = 0, y = 0;
        for (int k = 1; k < c->S; k++) {
            if (c->cnt[k] > c->cnt[x]) x = k;
            if (c->cnt[k] < c->cnt[y]) y = k;
        }
        if (c->cnt[x] <= T) return;
        int before = c->cnt[x];
        for (int v = 0; v < n && c->cnt[x] > T && c->cnt[y] < T; v++) {
            if (c->at[v * c->S + x] < 0 || c->at[v * c->S + y] >= 0) continue;
            int len = alt_path(c, v, x, y);
            if (len % 2 == 1) swap_path(c, len, x, y);
        }
        if (c->cnt[x] == before)
            return; /* cannot happen (cnt[x] > cnt[y]); sched_check would say */
    }
}

static int colour_chosen(const struct prep *p, const bool *chosen, int *slot) {
    const struct sched_instance *in = p->in;
    struct colouring c = {in, p->S, NULL, NULL, NULL, NULL};
    c.at = malloc(((size_t)p->n * (size_t)p->S + 1) * sizeof *c.at);
    c.col = malloc(((size_t)in->n_req + 1) * sizeof *c.col);
    c.cnt = calloc((size_t)p->S, sizeof *c.cnt);
    c.path = malloc(((size_t)in->n_req + 1) * sizeof *c.path);
    int rc = -1;
    if (c.at && c.col && c.cnt && c.path) {
        memset(c.at, 0xff, ((size_t)p->n * (size_t)p->S + 1) * sizeof *c.at);
        for (int r = 0; r < in->n_req; r++)
            c.col[r] = -1;
        for (int r = 0; r < in->n_req; r++)
            if (chosen[r]) colour_edge(&c, r);
        balance(&c, p->n, p->T);
        for (int r = 0; r < in->n_req; r++)
            slot[r] = c.col[r];
        rc = 0;
    }
    free(c.at), free(c.col), free(c.cnt), free(c.path);
    return rc;
}

/* ---- local search: availability limits or a request graph with odd cycles ---- */

struct state {
    const struct prep *p;
    uint64_t *busy; /* owned: per participant, slots taken */
    int *who;       /* owned: who[v * S + s] = request v meets in slot s, or −1 */
    int *used;      /* owned: meetings per slot */
    int *cnt;       /* owned: meetings per participant */
    uint64_t room;  /* slots with a free table */
    int *slot;      /* the result's slot array */
};

static int state_init(struct state *st, const struct prep *p, int *slot) {
    memset(st, 0, sizeof *st);
    st->p = p;
    st->slot = slot;
    st->busy = calloc((size_t)p->n + 1, sizeof *st->busy);
    st->who = malloc(((size_t)p->n * (size_t)p->S + 1) * sizeof *st->who);
    st->used = calloc((size_t)p->S, sizeof *st->used);
    st->cnt = calloc((size_t)p->n + 1, sizeof *st->cnt);
    if (!st->busy || !st->who || !st->used || !st->cnt) return -1;
    memset(st->who, 0xff, ((size_t)p->n * (size_t)p->S + 1) * sizeof *st->who);
    st->room = p->full;
    return 0;
}

static void state_release(struct state *st) {
    free(st->busy), free(st->who), free(st->used), free(st->cnt);
}

static void place(struct state *st, int r, int s) {
    const struct sched_request *q = &st->p->in->req[r];
    int S = st->p->S;
    st->slot[r] = s;
    st->busy[q->a] |= (uint64_t)1 << s, st->busy[q->b] |= (uint64_t)1 << s;
    st->who[q->a * S + s] = st->who[q->b * S + s] = r;
    st->cnt[q->a]++, st->cnt[q->b]++;
    if (++st->used[s] >= st->p->T) st->room &= ~((uint64_t)1 << s);
}

static void unplace(struct state *st, int r) {
    const struct sched_request *q = &st->p->in->req[r];
    int S = st->p->S, s = st->slot[r];
    st->slot[r] = -1;
    st->busy[q->a] &= ~((uint64_t)1 << s), st->busy[q->b] &= ~((uint64_t)1 << s);
    st->who[q->a * S + s] = st->who[q->b * S + s] = -1;
    st->cnt[q->a]--, st->cnt[q->b]--;
    st->used[s]--;
    st->room |= (uint64_t)1 << s;
}

static uint64_t open_slots(const struct state *st, int r) {
    const struct sched_request *q = &st->p->in->req[r];
    return st->p->av[q->a] & st->p->av[q->b] & ~st->busy[q->a] & ~st->busy[q->b] & st->room;
}

static bool place_direct(struct state *st, int r) {
    uint64_t m = open_slots(st, r);
    if (!m) return false;
    place(st, r, __builtin_ctzll(m));
    return true;
}

/* Places r in a slot both can attend by moving the (at most two) meetings in the way to other
 * slots; everything is put back when that fails. *moved counts meetings moved. */
static bool place_eject(struct state *st, int r, int *moved) {
    const struct sched_request *q = &st->p->in->req[r];
    int S = st->p->S;
    for (uint64_t m = st->p->av[q->a] & st->p->av[q->b]; m; m &= m - 1) {
        int s = __builtin_ctzll(m);
        int block[2] = {st->who[q->a * S + s], st->who[q->b * S + s]};
        if (block[0] < 0 && block[1] < 0) continue; /* free for both: only the tables are full */
        for (int k = 0; k < 2; k++)
            if (block[k] >= 0) unplace(st, block[k]);
        bool ok = st->used[s] < st->p->T;
        if (ok) place(st, r, s);
        int k = 0;
        for (; ok && k < 2; k++)
            if (block[k] >= 0 && !place_direct(st, block[k])) ok = false;
        if (ok) {
            *moved += (block[0] >= 0) + (block[1] >= 0);
            return true;
        }
        for (int j = 0; j < k - 1; j++) /* undo the re-placed blockers, then r */
            if (block[j] >= 0) unplace(st, block[j]);
        if (st->slot[r] >= 0) unplace(st, r);
        for (int j = 0; j < 2; j++)
            if (block[j] >= 0) place(st, block[j], s);
    }
    return false;
}

/* Gives participant u its first meeting by taking the place of a meeting whose other side keeps
 * another one; the displaced meeting is placed elsewhere when it can be. Never fewer meetings. */
static bool cover(struct state *st, int r, int u, int *moved) {
    const struct sched_request *q = &st->p->in->req[r];
    int v = other(q, u), S = st->p->S;
    for (uint64_t m = st->p->av[u] & st->p->av[v]; m; m &= m - 1) {
        int s = __builtin_ctzll(m), e = st->who[v * S + s];
        if (e < 0 || st->cnt[other(&st->p->in->req[e], v)] < 2) continue;
        unplace(st, e);
        place(st, r, s);
        if (!place_direct(st, e)) place_eject(st, e, moved);
        (*moved)++;
        return true;
    }
    return false;
}

#define KEMPE_MAX_PATH 64

/* Places r = (a, b) in slot x, free for a, after swapping slots x and y along the alternating path
 * that starts at b with its x meeting (Kempe chain; y is free for b). Every meeting on the path
 * must be able to attend its new slot, the path must not reach a, and the tables of x and y must
 * still suffice. The path is short or the attempt is dropped. */
static bool kempe_try(struct state *st, int r, int x, int y, int *moved) {
    const struct prep *p = st->p;
    const struct sched_request *q = &p->in->req[r];
    int S = p->S, path[KEMPE_MAX_PATH], len = 0, v = q->b, col = x;
    int dx = 1, dy = 0; /* change in meetings per slot: r joins x */
    for (int e; (e = st->who[v * S + col]) >= 0;) {
        if (len == KEMPE_MAX_PATH) return false;
        const struct sched_request *m = &p->in->req[e];
        int to = col == x ? y : x;
        if (!((p->av[m->a] & p->av[m->b]) >> to & 1)) return false;
        path[len++] = e;
        v = other(m, v);
        if (v == q->a) return false;
        dx += col == x ? -1 : 1, dy += col == x ? 1 : -1;
        col = to;
    }
    if (st->used[x] + dx > p->T || st->used[y] + dy > p->T) return false;
    int to_slot[KEMPE_MAX_PATH];
    for (int k = 0; k < len; k++)
        to_slot[k] = st->slot[path[k]] == x ? y : x, unplace(st, path[k]);
    for (int k = 0; k < len; k++)
        place(st, path[k], to_slot[k]);
    place(st, r, x);
    *moved += len;
    return true;
}

static bool place_kempe(struct state *st, int r, int *moved) {
    const struct prep *p = st->p;
    const struct sched_request *q = &p->in->req[r];
    uint64_t common = p->av[q->a] & p->av[q->b];
    for (uint64_t mx = common & ~st->busy[q->a]; mx; mx &= mx - 1)
        for (uint64_t my = common & ~st->busy[q->b] & ~(mx & -mx); my; my &= my - 1)
            if (kempe_try(st, r, __builtin_ctzll(mx), __builtin_ctzll(my), moved)) return true;
    return false;
}

/* Places what it can; with is_repair, never takes a placed meeting's place (cover) so confirmed
 * meetings only move, never drop. */
static void local_search(struct state *st, const bool *chosen, bool is_repair, int *moved) {
    const struct prep *p = st->p;
    const struct sched_instance *in = p->in;
    for (int pass = 0; pass < 3; pass++)
        for (int r = 0; r < in->n_req; r++)
            if (p->is_live[r] && st->slot[r] < 0 && (pass > 0 || chosen[r]))
                if (!place_direct(st, r) && !place_eject(st, r, moved) && pass == 2)
                    place_kempe(st, r, moved);
    for (int r = 0; r < in->n_req && !is_repair; r++) {
        if (!p->is_live[r] || st->slot[r] >= 0) continue;
        const struct sched_request *q = &in->req[r];
        if (st->cnt[q->a] == 0 && st->cnt[q->b] > 0)
            cover(st, r, q->a, moved);
        else if (st->cnt[q->b] == 0 && st->cnt[q->a] > 0)
            cover(st, r, q->b, moved);
    }
}

/* ---- results ---- */

static void explain_unplaced(const struct prep *p, const struct state *st,
                             struct sched_result *out) {
    const struct sched_instance *in = p->in;
    for (int r = 0; r < in->n_req; r++) {
        if (out->slot[r] >= 0) {
            out->reason[r] = SCHED_PLACED;
            continue;
        }
        const struct sched_request *q = &in->req[r];
        uint64_t common = p->av[q->a] & p->av[q->b];
        if (q->a == q->b)
            out->reason[r] = SCHED_SELF;
        else if (!p->is_live[r])
            out->reason[r] = SCHED_DUPLICATE;
        else if (!common)
            out->reason[r] = SCHED_NO_COMMON_SLOT;
        else if (!(p->av[q->a] & ~st->busy[q->a]))
            out->reason[r] = SCHED_A_FULL;
        else if (!(p->av[q->b] & ~st->busy[q->b]))
            out->reason[r] = SCHED_B_FULL;
        else if (!(common & st->room))
            out->reason[r] = SCHED_TABLES_FULL;
        else
            out->reason[r] = SCHED_NOT_CHOSEN;
    }
}

static size_t cell(int s, int T, int t) {
    return (size_t)s * (size_t)T + (size_t)t;
}

/* Tables: a request keeps prev_table when given and still free in its slot, the rest take the
 * lowest free tables. */
static int assign_tables(const struct prep *p, struct sched_result *out, const int *prev_slot,
                         const int *prev_table) {
    const struct sched_instance *in = p->in;
    size_t n = (size_t)p->S * (size_t)p->T;
    if (n > (size_t)64 << 20) n = 0; /* huge halls: tables are just numbered in order */
    unsigned char *taken = n ? calloc(n, 1) : NULL;
    int *next = calloc((size_t)p->S, sizeof *next);
    if ((n && !taken) || !next) {
        free(taken), free(next);
        return -1;
    }
    for (int r = 0; r < in->n_req && prev_table && taken; r++) {
        int s = out->slot[r], t = prev_table[r];
        if (s >= 0 && prev_slot[r] == s && t >= 0 && t < p->T && !taken[cell(s, p->T, t)])
            taken[cell(s, p->T, t)] = 1, out->table[r] = t;
    }
    for (int r = 0; r < in->n_req; r++) {
        int s = out->slot[r];
        if (s < 0 || out->table[r] >= 0) continue;
        while (taken && taken[cell(s, p->T, next[s])])
            next[s]++;
        out->table[r] = next[s]++;
        if (taken) taken[cell(s, p->T, out->table[r])] = 1;
    }
    free(taken), free(next);
    return 0;
}

static int finish(const struct prep *p, struct state *st, struct sched_result *out,
                  const int *prev_slot, const int *prev_table, struct error *err) {
    const struct sched_instance *in = p->in;
    explain_unplaced(p, st, out);
    if (assign_tables(p, out, prev_slot, prev_table))
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    bool *wants = calloc((size_t)p->n + 1, sizeof *wants);
    if (!wants) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    out->n_placed = 0, out->priority_sum = 0;
    for (int r = 0; r < in->n_req; r++) {
        const struct sched_request *q = &in->req[r];
        if (p->is_live[r] && (p->av[q->a] & p->av[q->b])) wants[q->a] = wants[q->b] = true;
        if (out->slot[r] >= 0) out->n_placed++, out->priority_sum += q->priority;
    }
    out->n_covered = out->n_wanting = 0;
    for (int v = 0; v < p->n; v++)
        out->n_wanting += wants[v], out->n_covered += st->cnt[v] > 0;
    free(wants);
    return 0;
}

static int solve(const struct sched_instance *in, const int *prev_slot, const int *prev_table,
                 struct sched_result *out, struct error *err) {
    struct prep p;
    int rc = prep_init(&p, in, err);
    if (rc) return rc;
    if ((rc = result_alloc(out, in->n_req, err))) {
        prep_release(&p);
        return rc;
    }
    struct state st;
    bool *chosen = calloc((size_t)in->n_req + 1, sizeof *chosen);
    if (!chosen || state_init(&st, &p, out->slot)) goto oom;
    int bound = flow_choose(&p, chosen);
    if (bound < 0) goto oom;
    out->upper_bound = bound;
    if (!prev_slot && p.is_bipartite && !p.is_limited) {
        if (colour_chosen(&p, chosen, out->slot)) goto oom;
        for (int r = 0; r < in->n_req; r++) {
            int s = out->slot[r];
            out->slot[r] = -1;
            if (s >= 0) place(&st, r, s);
        }
        out->is_optimal = true;
        out->method = "flow+edge-colouring";
    } else {
        int moved = 0;
        for (int r = 0; prev_slot && r < in->n_req; r++) {
            int s = prev_slot[r];
            if (s >= 0 && s < p.S && p.is_live[r] && (open_slots(&st, r) >> s & 1))
                place(&st, r, s);
        }
        local_search(&st, chosen, prev_slot != NULL, &moved);
        out->method = prev_slot ? "repair" : "flow-bound+local-search";
        for (int r = 0; prev_slot && r < in->n_req; r++)
            out->n_moved += p.is_live[r] && prev_slot[r] >= 0 && out->slot[r] != prev_slot[r];
    }
    rc = finish(&p, &st, out, prev_slot, prev_table, err);
    if (!prev_slot && out->n_placed == out->upper_bound && p.is_bipartite) out->is_optimal = true;
    state_release(&st);
    free(chosen);
    prep_release(&p);
    if (rc) sched_result_release(out);
    return rc;
oom:
    state_release(&st);
    free(chosen);
    prep_release(&p);
    sched_result_release(out);
    return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

int sched_solve(const struct sched_instance *in, struct sched_result *out, struct error *err) {
    return solve(in, NULL, NULL, out, err);
}

int sched_repair(const struct sched_instance *in, const int *prev_slot, const int *prev_table,
                 struct sched_result *out, struct error *err) {
    return solve(in, prev_slot, prev_table, out, err);
}

int sched_greedy(const struct sched_instance *in, struct sched_result *out, struct error *err) {
    struct prep p;
    int rc = prep_init(&p, in, err);
    if (rc) return rc;
    if ((rc = result_alloc(out, in->n_req, err))) {
        prep_release(&p);
        return rc;
    }
    struct state st;
    if (state_init(&st, &p, out->slot)) {
        state_release(&st);
        prep_release(&p);
        sched_result_release(out);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int r = 0; r < in->n_req; r++)
        if (p.is_live[r]) place_direct(&st, r);
    out->method = "greedy";
    rc = finish(&p, &st, out, NULL, NULL, err);
    out->upper_bound = -1;
    state_release(&st);
    prep_release(&p);
    if (rc) sched_result_release(out);
    return rc;
}

static int u64_cmp(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Two meetings at one table in one slot: sort (slot, table, request) keys and look at neighbours.
 */
static int check_tables(const struct sched_instance *in, const struct sched_result *r,
                        struct error *err) {
    uint64_t *keys = malloc(((size_t)in->n_req + 1) * sizeof *keys);
    if (!keys) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    size_t n = 0;
    for (int k = 0; k < in->n_req; k++)
        if (r->slot[k] >= 0)
            keys[n++] = (uint64_t)r->slot[k] << 52 | (uint64_t)r->table[k] << 26 | (uint64_t)k;
    qsort(keys, n, sizeof *keys, u64_cmp);
    int rc = 0;
    for (size_t i = 1; i < n && !rc; i++)
        if (keys[i] >> 26 == keys[i - 1] >> 26)
            rc = error_set(err, ERR_CONFLICT, "第 %d 与第 %d 个请求同桌同时段",
                           "requests %d and %d share a table in one slot",
                           (int)(keys[i - 1] & 0x3ffffff) + 1, (int)(keys[i] & 0x3ffffff) + 1);
    free(keys);
    return rc;
}

int sched_check(const struct sched_instance *in, const struct sched_result *r, struct error *err) {
    int rc = check_instance(in, err);
    if (rc) return rc;
    int S = in->n_slots, T = in->n_tables;
    uint64_t *busy = calloc((size_t)in->n_participants + 1, sizeof *busy);
    int *per_slot = calloc((size_t)S, sizeof *per_slot), placed = 0;
    if (!busy || !per_slot) {
        free(busy), free(per_slot);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int k = 0; k < in->n_req && !rc; k++) {
        int s = r->slot[k], t = r->table[k];
        const struct sched_request *q = &in->req[k];
        if (s < 0) {
            if (t >= 0 || r->reason[k] == SCHED_PLACED)
                rc = error_set(err, ERR_INVALID, "第 %d 个请求未安排却有桌位或原因",
                               "request %d: unplaced but has a table or no reason", k + 1);
            continue;
        }
        uint64_t bit = (uint64_t)1 << s;
        if (s >= S || t < 0 || t >= T || q->a == q->b)
            rc = error_set(err, ERR_INVALID, "第 %d 个请求的时段或桌位无效",
                           "request %d: bad slot or table", k + 1);
        else if ((busy[q->a] | busy[q->b]) & bit)
            rc = error_set(err, ERR_CONFLICT, "第 %d 个请求：有人同一时段两场会谈",
                           "request %d: someone is in two meetings in slot %d", k + 1, s);
        else if (in->avail && !(in->avail[q->a] & in->avail[q->b] & bit))
            rc = error_set(err, ERR_CONFLICT, "第 %d 个请求：不在双方可参加的时段",
                           "request %d: slot %d is outside someone's availability", k + 1, s);
        busy[q->a] |= bit, busy[q->b] |= bit;
        per_slot[s < S && s >= 0 ? s : 0]++, placed++;
    }
    for (int s = 0; s < S && !rc; s++)
        if (per_slot[s] > T)
            rc = error_set(err, ERR_CONFLICT, "时段 %d 的会谈多于桌位",
                           "slot %d has more meetings than tables", s);
    if (!rc) rc = check_tables(in, r, err);
    if (!rc && placed != r->n_placed)
        rc = error_set(err, ERR_INVALID, "已安排数不符", "n_placed does not match");
    free(busy), free(per_slot);
    return rc;
}
