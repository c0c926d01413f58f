/* Owns the JSON shapes of the network shared by `duijie network` and the API: units (and the
 * tree), queue pages, visits, reassignments and statistics. The package's JSON is queue.c's. Does
 * not decide who may see what. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network/network.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"
#include "util/num.h"

static json_t *str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

static json_t *date_or_null(int32_t d) {
    char buf[16];
    return d == STORE_NO_DATE || d == INT32_MAX ? json_null()
                                                : json_string(date_format(d, buf, sizeof buf));
}

static json_t *money(int64_t fen) {
    char buf[64];
    return json_string(money_format(fen, buf, sizeof buf));
}

json_t *network_unit_json(const struct network *n, const struct network_unit *u) {
    json_t *o = json_object(), *towns = json_array();
    char buf[160];
    json_object_set_new(o, "id", json_integer(u->id));
    json_object_set_new(o, "kind", json_string(network_kind_key(u->kind)));
    json_object_set_new(o, "kind_label", json_string(network_kind_label(u->kind)));
    json_object_set_new(o, "parent_id", u->parent_id ? json_integer(u->parent_id) : json_null());
    json_object_set_new(o, "name", json_string(u->name));
    json_object_set_new(o, "contact", str_or_null(u->contact));
    json_object_set_new(o, "phone", str_or_null(u->phone));
    json_object_set_new(o, "address", str_or_null(u->address));
    json_object_set_new(o, "user", str_or_null(u->user_ref));
    json_object_set_new(o, "region_code",
                        u->region >= 0 ? json_integer(region_at(u->region)->code) : json_null());
    json_object_set_new(o, "region",
                        u->region >= 0 ? json_string(region_path(u->region, buf, sizeof buf))
                                       : json_null());
    for (int i = 0; i < u->n_towns; i++) {
        json_t *t = json_object();
        json_object_set_new(t, "code", json_integer(region_at(u->towns[i])->code));
        json_object_set_new(t, "name", json_string(region_at(u->towns[i])->name));
        json_array_append_new(towns, t);
    }
    json_object_set_new(o, "towns", towns);
    json_object_set_new(o, "is_active", json_boolean(u->is_active));
    (void)n;
    return o;
}

/* The unit with its children (recursively), "commissioners" counted at every level. */
static json_t *tree(const struct network *n, const struct network_unit *u, int depth, int max_depth,
                    int *n_commissioners) {
    json_t *o = network_unit_json(n, u), *kids = json_array();
    int count = u->kind == NETWORK_COMMISSIONER;
    for (int i = 0; i < n->n_units; i++) {
        if (n->units[i].parent_id != u->id) continue;
        int sub = 0;
        json_t *k = tree(n, &n->units[i], depth + 1, max_depth, &sub);
        count += sub;
        if (depth < max_depth)
            json_array_append_new(kids, k);
        else
            json_decref(k);
    }
    json_object_set_new(o, "commissioners", json_integer(count));
    if (u->kind != NETWORK_COMMISSIONER)
        json_object_set_new(o, "children", kids);
    else
        json_decref(kids);
    *n_commissioners = count;
    return o;
}

json_t *network_tree_json(const struct network *n, const struct network_unit *root, int max_depth) {
    int count;
    return tree(n, root, 0, max_depth, &count);
}

json_t *network_queue_json(struct store *s, const struct network *n,
                           const struct network_unit *commissioner, const struct network_queue *q,
                           int page, int page_size, int32_t today, const char *note,
                           struct arena *a) {
    json_t *o = json_object(), *list = json_array();
    char buf[160];
    json_object_set_new(o, "commissioner", network_unit_json(n, commissioner));
    json_object_set_new(o, "date", date_or_null(today));
    json_object_set_new(o, "assigned", json_integer(q->n_assigned));
    json_object_set_new(o, "total", json_integer(q->total));
    json_object_set_new(o, "stake_fen", json_integer(q->stake_fen));
    json_object_set_new(o, "stake", money(q->stake_fen));
    json_object_set_new(o, "page", json_integer(page));
    json_object_set_new(o, "page_size", json_integer(page_size));
    json_object_set_new(o, "note", str_or_null(note));
    struct profile *p = malloc(sizeof *p);
    for (int i = 0; i < q->n; i++) {
        const struct network_queue_item *it = &q->items[i];
        json_t *x = json_object();
        struct error err;
        json_object_set_new(x, "rank", json_integer((json_int_t)(page - 1) * page_size + i + 1));
        json_object_set_new(x, "uscc", json_string(it->uscc));
        bool has = p && store_get_enterprise(s, it->uscc, p, a, NULL, &err) == 0;
        json_object_set_new(x, "name",
                            has && p->v[F_NAME].has ? json_string(p->v[F_NAME].s) : json_null());
        json_object_set_new(x, "region",
                            it->region >= 0 ? json_string(region_path(it->region, buf, sizeof buf))
                                            : json_null());
        json_object_set_new(x, "qualifies", json_integer(it->n_qualifies));
        json_object_set_new(x, "might", json_integer(it->n_might));
        json_object_set_new(x, "nearly", json_integer(it->n_nearly));
        json_object_set_new(x, "stake_fen", json_integer(it->stake_fen));
        json_object_set_new(x, "stake", money(it->stake_fen));
        json_object_set_new(x, "qualifies_fen", json_integer(it->qualifies_fen));
        json_object_set_new(x, "nearly_fen", json_integer(it->nearly_fen));
        json_object_set_new(x, "deadline", date_or_null(it->deadline));
        json_object_set_new(x, "days_left",
                            it->deadline == INT32_MAX ? json_null()
                                                      : json_integer(it->deadline - today));
        json_array_append_new(list, x);
    }
    free(p);
    json_object_set_new(o, "enterprises", list);
    return o;
}

json_t *network_visit_json(const struct network *n, const struct network_visit *v) {
    json_t *o = json_object();
    const struct network_unit *c = n ? network_unit(n, v->commissioner_id) : NULL;
    json_object_set_new(o, "id", json_integer(v->id));
    json_object_set_new(o, "uscc", json_string(v->uscc));
    json_object_set_new(o, "commissioner_id", json_integer(v->commissioner_id));
    json_object_set_new(o, "commissioner", c ? json_string(c->name) : json_null());
    json_object_set_new(o, "date", date_or_null(v->date));
    json_object_set_new(o, "topic", json_string(v->topic ? v->topic : ""));
    json_object_set_new(o, "outcome", str_or_null(v->outcome));
    json_object_set_new(o, "next_step", str_or_null(v->next_step));
    json_object_set_new(o, "next_date", date_or_null(v->next_date));
    json_object_set_new(o, "is_done", json_boolean(v->is_done));
    json_object_set_new(o, "is_overdue", json_boolean(v->is_overdue));
    json_object_set_new(o, "by", str_or_null(v->by));
    json_object_set_new(o, "at", json_integer(v->at));
    return o;
}

json_t *network_reassignment_json(const struct network *n, const struct network_reassignment *r) {
    json_t *o = json_object();
    const struct network_unit *from = r->from_id ? network_unit(n, r->from_id) : NULL;
    const struct network_unit *to = r->to_id ? network_unit(n, r->to_id) : NULL;
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "uscc", json_string(r->uscc));
    json_object_set_new(o, "from_id", r->from_id ? json_integer(r->from_id) : json_null());
    json_object_set_new(o, "from", from ? json_string(from->name) : json_null());
    json_object_set_new(o, "to_id", r->to_id ? json_integer(r->to_id) : json_null());
    json_object_set_new(o, "to", to ? json_string(to->name) : json_string("按属地自动分配"));
    json_object_set_new(o, "by", json_string(r->by));
    json_object_set_new(o, "at", json_integer(r->at));
    json_object_set_new(o, "reason", json_string(r->reason));
    return o;
}

json_t *network_stat_json(const struct network *n, const struct network_stat *st) {
    json_t *o = json_object();
    const struct network_unit *u = network_unit(n, st->unit_id);
    json_object_set_new(o, "unit_id", json_integer(st->unit_id));
    json_object_set_new(o, "name", u ? json_string(u->name) : json_null());
    json_object_set_new(o, "kind", u ? json_string(network_kind_key(u->kind)) : json_null());
    json_object_set_new(o, "visits", json_integer(st->visits));
    json_object_set_new(o, "enterprises_served", json_integer(st->enterprises_served));
    json_object_set_new(o, "overdue", json_integer(st->overdue));
    if (st->has_stake) {
        json_object_set_new(o, "assigned", json_integer(st->assigned));
        json_object_set_new(o, "queue", json_integer(st->queue));
        json_object_set_new(o, "stake_fen", json_integer(st->stake_fen));
        json_object_set_new(o, "stake", money(st->stake_fen));
    }
    return o;
}
