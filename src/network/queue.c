/* Owns what a commissioner brings and to whom: the service package (服务包) of one enterprise (the
 * clauses it qualifies for, might qualify for, or misses by one condition, with awards, deadlines,
 * departments and why) and a commissioner's queue (the enterprises assigned to them, ranked by
 * money at stake, then deadline). Eligibility is the matching engine's (match_enterprise over the
 * catalog, rules_eval_cond for the one failing condition); rows come from the index's region
 * bitmaps, never from SQL per enterprise. Does not own assignment (assign.c) or visits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"
#include "match/match.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/num.h"
#include "util/utf8.h"

const char *network_fit_key(enum network_fit f) {
    static const char *const keys[] = {"qualifies", "might", "nearly"};
    return f >= 0 && f <= NETWORK_NEARLY ? keys[f] : NULL;
}

const char *network_fit_label(enum network_fit f) {
    static const char *const labels[] = {"符合", "可能符合（缺数据）", "差一项"};
    return f >= 0 && f <= NETWORK_NEARLY ? labels[f] : NULL;
}

/* The one failing conjunct when exactly one conjunct of the rule's top-level AND (of two or more)
 * is FALSE and every other one TRUE; NULL otherwise. A rule that is a single condition is never
 * "nearly": failing it is failing the rule. */
static const struct rule_cond *nearly_cond(const struct rule_version *v, const struct profile *p) {
    const struct rule_cond *c = v->cond;
    if (!c || c->kind != RC_AND || c->n_kids < 2) return NULL;
    const struct rule_cond *failing = NULL;
    for (int k = 0; k < c->n_kids; k++) {
        enum tri t = rules_eval_cond(c->kids[k], p);
        if (t == TRI_UNKNOWN) return NULL;
        if (t == TRI_FALSE) {
            if (failing) return NULL;
            failing = c->kids[k];
        }
    }
    return failing;
}

static int cmp_items(const void *pa, const void *pb) {
    const struct network_pack_item *a = pa, *b = pb;
    if (a->fit != b->fit) return a->fit < b->fit ? -1 : 1;
    int64_t fa = a->has_award ? a->award_fen : -1, fb = b->has_award ? b->award_fen : -1;
    if (fa != fb) return fa > fb ? -1 : 1;
    if (a->deadline != b->deadline) return a->deadline < b->deadline ? -1 : 1;
    return (a->clause_id > b->clause_id) - (a->clause_id < b->clause_id);
}

/* Fills items from hits (match_enterprise's, every clause); returns the count. */
static int pack_from_hits(const struct match_catalog *cat, const struct profile *p, int32_t today,
                          const struct network_applied *applied, const struct match_hit *hits,
                          struct network_pack_item *items) {
    int n = 0;
    const char *uscc = p->v[F_USCC].has ? p->v[F_USCC].s : "";
    for (int i = 0; i < cat->n_in; i++) {
        const struct match_hit *h = &hits[i];
        if (h->deadline < today) continue; /* too late to apply: nothing to bring */
        if (applied && applied->fn && applied->fn(applied->ctx, uscc, h->id)) continue;
        struct network_pack_item it = {h->clause,    h->id,        NETWORK_QUALIFIES,
                                       h->has_award, h->award_fen, h->deadline};
        if (h->result == TRI_UNKNOWN) {
            it.fit = NETWORK_MIGHT;
        } else if (h->result == TRI_FALSE) {
            const struct rule_version *v = cat->in[h->clause].rule;
            if (!nearly_cond(v, p)) continue;
            it.fit = NETWORK_NEARLY;
            it.has_award = v->award && rules_award(v->award, p, &it.award_fen, NULL, 0);
            if (!it.has_award) it.award_fen = 0;
        }
        items[n++] = it;
    }
    qsort(items, (size_t)n, sizeof *items, cmp_items);
    return n;
}

int network_pack(const struct match_catalog *cat, const struct profile *p, int32_t today,
                 const struct network_applied *applied, struct network_pack_item *items,
                 int *n_items) {
    *n_items = 0;
    struct match_hit *hits = malloc((size_t)(cat->n_in ? cat->n_in : 1) * sizeof *hits);
    if (!hits) return ERR_NOMEM;
    int rc = match_enterprise(cat->set, p, hits);
    if (!rc) *n_items = pack_from_hits(cat, p, today, applied, hits, items);
    free(hits);
    return rc;
}

/* ---- the package as JSON ---- */

int network_put_contact(struct store *s, const char *department, const char *contact,
                        struct error *err) {
    if (!department || !*department || !contact || !*contact ||
        !utf8_is_valid(department, strlen(department), NULL) ||
        !utf8_is_valid(contact, strlen(contact), NULL) || strlen(department) > 200 ||
        strlen(contact) > 400)
        return error_set(err, ERR_INVALID, "部门和联系方式应为有效文本",
                         "department and contact must be valid text");
    struct store_val args[] = {store_val_text(department), store_val_text(contact)};
    return store_sql(s,
                     "INSERT INTO network_contacts (department, contact) VALUES (?, ?) ON "
                     "CONFLICT (department) DO UPDATE SET contact = excluded.contact",
                     args, 2, NULL, err);
}

const char *network_contact(struct store *s, const char *department, struct arena *a) {
    if (!department) return NULL;
    struct store_val arg = store_val_text(department);
    struct store_rows *r;
    struct error err;
    if (store_sql(s, "SELECT contact FROM network_contacts WHERE department = ?", &arg, 1, &r,
                  &err))
        return NULL;
    const char *c = store_rows_count(r) ? arena_strdup(a, store_rows_text(r, 0, 0)) : NULL;
    store_rows_free(r);
    return c;
}

static json_t *cond_json(const struct rule_cond *c) {
    struct buf b;
    buf_init(&b);
    rules_describe_cond(c, false, &b);
    json_t *s = json_string(buf_str(&b));
    buf_release(&b);
    return s;
}

/* Why: the evaluator's per-condition explanation; what is missing: the unknown fields (might)
 * or the failing condition (nearly). */
static void explain(const struct match_catalog *cat, const struct network_pack_item *it,
                    const struct profile *p, json_t *o) {
    struct rule_eval *ev = malloc(sizeof *ev);
    struct error err;
    if (!ev || match_explain(cat->set, it->clause, p, ev, &err)) {
        free(ev);
        return;
    }
    json_t *why = match_explanation_json(ev), *missing = json_array();
    if (it->fit == NETWORK_MIGHT)
        for (int i = 0; i < ev->n_missing; i++)
            json_array_append_new(missing, json_string(schema_field(ev->missing[i])->label));
    if (it->fit == NETWORK_NEARLY) {
        const struct rule_cond *c = nearly_cond(cat->in[it->clause].rule, p);
        if (c) json_array_append_new(missing, cond_json(c));
    }
    json_object_set_new(o, "why", why);
    json_object_set_new(o, "missing", missing);
    if (ev->has_award) json_object_set_new(o, "award_text", json_string(ev->award_text));
    free(ev);
}

static json_t *money_json(int64_t fen) {
    char buf[64];
    return json_string(money_format(fen, buf, sizeof buf));
}

static json_t *item_json(struct store *s, const struct match_catalog *cat,
                         const struct network_pack_item *it, const struct profile *p, int32_t today,
                         struct arena *a) {
    const struct clause *cl = &cat->clauses[cat->clause_of[it->clause]];
    struct policy pol = {0};
    struct error err;
    bool has_policy = store_get_policy(s, cl->policy_id, &pol, a, &err) == 0;
    json_t *o = json_object();
    char day[16];
    json_object_set_new(o, "clause_id", json_integer(it->clause_id));
    json_object_set_new(o, "title", json_string(cl->title ? cl->title : ""));
    json_object_set_new(o, "kind", cl->kind ? json_string(cl->kind) : json_null());
    json_object_set_new(o, "is_exempt", json_boolean(cl->is_exempt));
    json_object_set_new(o, "policy_id", json_integer(cl->policy_id));
    json_object_set_new(o, "policy", json_string(has_policy && pol.title ? pol.title : ""));
    json_object_set_new(o, "doc_no",
                        has_policy && pol.doc_no ? json_string(pol.doc_no) : json_null());
    const char *dept = has_policy ? pol.department : NULL;
    const char *contact = network_contact(s, dept, a);
    json_object_set_new(o, "department", dept ? json_string(dept) : json_null());
    json_object_set_new(o, "contact", contact ? json_string(contact) : json_null());
    json_object_set_new(o, "fit", json_string(network_fit_key(it->fit)));
    json_object_set_new(o, "fit_label", json_string(network_fit_label(it->fit)));
    json_object_set_new(o, "award_fen", it->has_award ? json_integer(it->award_fen) : json_null());
    json_object_set_new(o, "award", it->has_award ? money_json(it->award_fen) : json_null());
    bool has_deadline = it->deadline != INT32_MAX;
    json_object_set_new(o, "deadline",
                        has_deadline ? json_string(date_format(it->deadline, day, 16))
                                     : json_null());
    json_object_set_new(o, "days_left",
                        has_deadline ? json_integer(it->deadline - today) : json_null());
    explain(cat, it, p, o);
    return o;
}

json_t *network_pack_json(struct store *s, const struct match_catalog *cat, const struct profile *p,
                          const struct network_pack_item *items, int n_items, int32_t today,
                          struct arena *a) {
    json_t *o = json_object(), *list = json_array();
    char buf[160], day[16];
    int64_t sum[3] = {0, 0, 0};
    int count[3] = {0, 0, 0};
    for (int i = 0; i < n_items; i++) {
        count[items[i].fit]++;
        if (items[i].has_award) sum[items[i].fit] += items[i].award_fen;
        json_array_append_new(list, item_json(s, cat, &items[i], p, today, a));
    }
    json_object_set_new(o, "uscc", json_string(p->v[F_USCC].has ? p->v[F_USCC].s : ""));
    json_object_set_new(o, "name", p->v[F_NAME].has ? json_string(p->v[F_NAME].s) : json_null());
    json_object_set_new(o, "region",
                        p->v[F_REGION].has
                            ? json_string(region_path((int)p->v[F_REGION].i, buf, sizeof buf))
                            : json_null());
    json_object_set_new(o, "date", json_string(date_format(today, day, sizeof day)));
    for (int f = 0; f <= NETWORK_NEARLY; f++) {
        char key[32];
        snprintf(key, sizeof key, "%s_count", network_fit_key((enum network_fit)f));
        json_object_set_new(o, key, json_integer(count[f]));
        snprintf(key, sizeof key, "%s_fen", network_fit_key((enum network_fit)f));
        json_object_set_new(o, key, json_integer(sum[f]));
    }
    json_object_set_new(o, "clauses", list);
    return o;
}

/* ---- a commissioner's queue ---- */

static int cmp_queue(const void *pa, const void *pb) {
    const struct network_queue_item *a = pa, *b = pb;
    if (a->stake_fen != b->stake_fen) return a->stake_fen > b->stake_fen ? -1 : 1;
    if (a->deadline != b->deadline) return a->deadline < b->deadline ? -1 : 1;
    if (a->nearly_fen != b->nearly_fen) return a->nearly_fen > b->nearly_fen ? -1 : 1;
    return strcmp(a->uscc, b->uscc);
}

/* The rows the commissioner may be assigned: its towns' rows and its reassigned enterprises. */
static int candidate_rows(const struct network *n, const struct index_gen *g,
                          const struct network_unit *u, int64_t commissioner,
                          roaring_bitmap_t *rows, struct error *err) {
    /* its towns, and the enterprises known only to the districts of its towns */
    for (int i = 0; i < 2 * u->n_towns; i++) {
        int town = u->towns[i % u->n_towns];
        struct index_atom a = {F_REGION, INDEX_WITHIN, town, {0, 1}};
        if (i >= u->n_towns) {
            int d = region_ancestor(town, REGION_COUNTY);
            bool is_first = d >= 0;
            for (int k = 0; k < i - u->n_towns && is_first; k++)
                is_first = region_ancestor(u->towns[k], REGION_COUNTY) != d;
            if (!is_first) continue;
            a = (struct index_atom){F_REGION, INDEX_EQ, d, {0, 1}};
        }
        roaring_bitmap_t *t, *unk;
        int rc = index_eval_atom(g, &a, &t, &unk, err);
        if (rc) return rc;
        roaring_bitmap_or_inplace(rows, t);
        roaring_bitmap_free(t);
        roaring_bitmap_free(unk);
    }
    for (int i = 0; i < n->n_overrides; i++) {
        uint32_t row;
        if (n->override_to[i] == commissioner && index_find_uscc(g, n->override_uscc[i], &row) == 0)
            roaring_bitmap_add(rows, row);
    }
    return 0;
}

struct queue_work {
    const struct network *net;
    const struct index_gen *g;
    const struct match_catalog *cat;
    const struct network_applied *applied;
    int64_t commissioner;
    struct profile *p;
    struct match_hit *hits;
    struct network_pack_item *items;
    struct network_queue_item *all;
    int64_t n_all, cap;
    struct network_queue *out;
};

static int queue_row(struct queue_work *w, uint32_t row) {
    char uscc[20];
    index_row_uscc(w->g, row, uscc, sizeof uscc);
    struct value reg;
    index_row_value(w->g, row, F_REGION, &reg);
    int region = reg.has ? (int)reg.i : -1;
    if (network_assigned(w->net, uscc, region) != w->commissioner) return 0;
    w->out->n_assigned++;
    index_row_profile(w->g, row, w->p);
    if (match_enterprise(w->cat->set, w->p, w->hits)) return ERR_NOMEM;
    int n = pack_from_hits(w->cat, w->p, index_gen_today(w->g), w->applied, w->hits, w->items);
    if (!n) return 0;
    if (w->n_all == w->cap) {
        int64_t cap = w->cap ? w->cap * 2 : 256;
        void *x = realloc(w->all, (size_t)cap * sizeof *w->all);
        if (!x) return ERR_NOMEM;
        w->all = x;
        w->cap = cap;
    }
    struct network_queue_item *q = &w->all[w->n_all++];
    memset(q, 0, sizeof *q);
    q->row = row;
    memcpy(q->uscc, uscc, sizeof q->uscc);
    q->region = region;
    q->deadline = INT32_MAX;
    for (int i = 0; i < n; i++) {
        const struct network_pack_item *it = &w->items[i];
        q->n_qualifies += it->fit == NETWORK_QUALIFIES;
        q->n_might += it->fit == NETWORK_MIGHT;
        q->n_nearly += it->fit == NETWORK_NEARLY;
        int64_t fen = it->has_award ? it->award_fen : 0;
        if (it->fit == NETWORK_NEARLY)
            q->nearly_fen += fen;
        else
            q->stake_fen += fen;
        if (it->fit == NETWORK_QUALIFIES) q->qualifies_fen += fen;
        if (it->deadline < q->deadline) q->deadline = it->deadline;
    }
    w->out->stake_fen += q->stake_fen;
    return 0;
}

static bool row_cb(uint32_t row, void *ctx) {
    return queue_row(ctx, row) == 0;
}

int network_queue(const struct network *n, const struct index_gen *g,
                  const struct match_catalog *cat, int64_t commissioner,
                  const struct network_applied *applied, int page, int page_size,
                  struct network_queue *out, struct error *err) {
    memset(out, 0, sizeof *out);
    const struct network_unit *u = network_unit(n, commissioner);
    if (!u || u->kind != NETWORK_COMMISSIONER)
        return error_set(err, ERR_NOTFOUND, "没有编号为 %lld 的政策服务专员",
                         "no commissioner %lld", (long long)commissioner);
    if (page < 1 || page_size < 1 || page_size > 100000)
        return error_set(err, ERR_INVALID, "页码或每页条数无效", "bad page or page size");
    struct queue_work w = {n, g, cat, applied, commissioner, NULL, NULL, NULL, NULL, 0, 0, out};
    size_t m = (size_t)(cat->n_in ? cat->n_in : 1);
    w.p = malloc(sizeof *w.p);
    w.hits = malloc(m * sizeof *w.hits);
    w.items = malloc(m * sizeof *w.items);
    roaring_bitmap_t *rows = roaring_bitmap_create();
    int rc = !w.p || !w.hits || !w.items || !rows ? ERR_NOMEM : 0;
    if (!rc) rc = candidate_rows(n, g, u, commissioner, rows, err);
    if (!rc) {
        roaring_bitmap_and_inplace(rows, index_gen_live(g));
        if (!roaring_iterate(rows, row_cb, &w)) rc = ERR_NOMEM;
    }
    if (rc == ERR_NOMEM) error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc) {
        if (w.n_all) qsort(w.all, (size_t)w.n_all, sizeof *w.all, cmp_queue);
        out->total = w.n_all;
        int64_t first = (int64_t)(page - 1) * page_size;
        int64_t take = first < w.n_all ? w.n_all - first : 0;
        if (take > page_size) take = page_size;
        out->items = malloc((size_t)(take ? take : 1) * sizeof *out->items);
        if (!out->items) {
            rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        } else {
            if (take) memcpy(out->items, w.all + first, (size_t)take * sizeof *out->items);
            out->n = (int)take;
        }
    }
    roaring_bitmap_free(rows);
    free(w.all);
    free(w.items);
    free(w.hits);
    free(w.p);
    return rc;
}

void network_queue_release(struct network_queue *q) {
    free(q->items);
    memset(q, 0, sizeof *q);
}

/* ---- the money at stake for statistics ---- */

int network_stats_stake(const struct network *n, const struct index_gen *g,
                        const struct match_catalog *cat, const struct network_applied *applied,
                        bool by_centre, struct network_stat *out, int n_out, struct error *err) {
    /* per unit position: the stat row its enterprises count to (-1 none) */
    int *slot = malloc((size_t)(n->n_units ? n->n_units : 1) * sizeof *slot);
    struct profile *p = malloc(sizeof *p);
    size_t m = (size_t)(cat->n_in ? cat->n_in : 1);
    struct match_hit *hits = malloc(m * sizeof *hits);
    struct network_pack_item *items = malloc(m * sizeof *items);
    int rc = 0;
    if (!slot || !p || !hits || !items) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int i = 0; !rc && i < n->n_units; i++) {
        slot[i] = -1;
        const struct network_unit *u = &n->units[i];
        if (u->kind != NETWORK_COMMISSIONER) continue;
        for (int k = 0; k < n_out; k++)
            if (by_centre ? network_is_under(n, u->id, out[k].unit_id) : out[k].unit_id == u->id)
                slot[i] = k;
    }
    for (int k = 0; !rc && k < n_out; k++)
        out[k].has_stake = true;
    roaring_uint32_iterator_t *it = rc ? NULL : roaring_create_iterator(index_gen_live(g));
    for (; it && it->has_value; roaring_advance_uint32_iterator(it)) {
        uint32_t row = it->current_value;
        char uscc[20];
        index_row_uscc(g, row, uscc, sizeof uscc);
        struct value reg;
        index_row_value(g, row, F_REGION, &reg);
        const struct network_unit *c =
            network_unit(n, network_assigned(n, uscc, reg.has ? (int)reg.i : -1));
        int k = c ? slot[c - n->units] : -1;
        if (k < 0) continue;
        out[k].assigned++;
        index_row_profile(g, row, p);
        if (match_enterprise(cat->set, p, hits)) {
            rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
            break;
        }
        int n_items = pack_from_hits(cat, p, index_gen_today(g), applied, hits, items);
        if (!n_items) continue;
        out[k].queue++;
        for (int i = 0; i < n_items; i++)
            if (items[i].has_award && items[i].fit != NETWORK_NEARLY)
                out[k].stake_fen += items[i].award_fen;
    }
    if (it) roaring_free_uint32_iterator(it);
    free(items);
    free(hits);
    free(p);
    free(slot);
    return rc;
}
