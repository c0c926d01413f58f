/* Owns the service network's endpoints under /api/network: the units tree and one unit, adding a
 * unit, commissioners, an enterprise's assignment and its reassignment (with history), a
 * commissioner's queue, an enterprise's service package (服务包), visits (list, add, read, change,
 * delete) and service statistics. Every request loads the network snapshot from the store (a few
 * hundred rows) and evaluates with the match endpoints' index and catalog (http_match_acquire).
 * Scope: a commissioner sees the enterprises assigned to it, a station its commissioners', a
 * centre its district, the hub and administrators everything (network_sees_*); anonymous callers
 * get 401, other roles 403. The network itself is src/network's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "http/internal.h"
#include "index/index.h"
#include "match/match.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"

/* One request's view of the network. */
struct net {
    struct store *s;
    struct network *n;
    const struct actor *a;
    const struct network_unit *unit; /* the actor's unit; NULL for roles outside the network */
    int32_t today;
    struct error err;
};

static bool is_network_role(enum role r) {
    return r == ROLE_HUB || r == ROLE_ADMIN || r == ROLE_CENTRE || r == ROLE_STATION ||
           r == ROLE_COMMISSIONER;
}

/* Opens the request's view; on failure res is set. need_unit: only the network's own roles (with
 * a unit) may call. */
static bool net_open(struct http_request *req, struct http_response *res, struct net *x,
                     bool need_unit) {
    memset(x, 0, sizeof *x);
    error_clear(&x->err);
    x->a = http_actor(req);
    x->today = date_today();
    if (x->a->role == ROLE_ANON) {
        http_reply_error(res, 401, "unauthorized", "请先登录", "sign in first");
        return false;
    }
    if (need_unit && !is_network_role(x->a->role)) {
        http_reply_error(res, 403, "out_of_scope", "无权访问服务网络",
                         "not allowed in the network");
        return false;
    }
    if (!(x->s = http_store(req, res))) return false;
    if (network_load(x->s, &x->n, &x->err)) {
        http_reply_err(res, 0, &x->err);
        return false;
    }
    x->unit = network_actor_unit(x->n, x->a);
    if (need_unit && !x->unit) {
        network_free(x->n);
        x->n = NULL;
        http_reply_error(res, 403, "out_of_scope", "您的账号没有对应的服务网络单位",
                         "your account has no unit in the network");
        return false;
    }
    return true;
}

static void net_close(struct net *x) {
    network_free(x->n);
}

/* Loads the network again after a write; false with res set when it cannot be read. */
static bool net_reload(struct net *x, struct http_response *res) {
    network_free(x->n);
    x->n = NULL;
    if (!network_load(x->s, &x->n, &x->err)) return true;
    http_reply_err(res, 0, &x->err);
    return false;
}

static void forbidden(struct http_response *res) {
    http_reply_error(res, 403, "out_of_scope", "超出您的服务范围", "outside your scope");
}

/* The enterprise (by the {uscc} segment) with its region, and whether the actor sees it; false
 * with res set (404 unknown, 403 outside the scope). */
static bool enterprise(struct http_request *req, struct http_response *res, struct net *x,
                       const char *uscc, struct profile *p, int *region) {
    if (store_get_enterprise(x->s, uscc, p, http_arena(req), NULL, &x->err)) {
        http_reply_err(res, 0, &x->err);
        return false;
    }
    *region = p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
    if (!network_sees_enterprise(x->n, x->a, p->v[F_USCC].s, *region)) {
        forbidden(res);
        return false;
    }
    return true;
}

/* ---- units ---- */

/* GET /api/network/units?depth=N — the actor's unit and what lies under it */
static void units_tree(struct http_request *req, struct http_response *res) {
    struct net x;
    if (!net_open(req, res, &x, true)) return;
    int64_t depth;
    if (http_query_int(req, "depth", 2, 0, 3, &depth, res) == 0)
        http_reply_json(res, 200, network_tree_json(x.n, x.unit, (int)depth));
    net_close(&x);
}

/* GET /api/network/units/{id} */
static void unit_get(struct http_request *req, struct http_response *res) {
    struct net x;
    int64_t id;
    if (http_param_id(req, res, &id) || !net_open(req, res, &x, true)) return;
    const struct network_unit *u = network_unit(x.n, id);
    if (!u)
        http_reply_error(res, 404, "notfound", "没有这个单位", "no such unit");
    else if (!network_sees_unit(x.n, x.a, id))
        forbidden(res);
    else
        http_reply_json(res, 200, network_tree_json(x.n, u, 1));
    net_close(&x);
}

static int towns_from_json(json_t *arr, struct network_unit *u, struct error *err) {
    size_t i;
    json_t *t;
    u->n_towns = 0;
    json_array_foreach(arr, i, t) {
        if (u->n_towns == NETWORK_MAX_TOWNS)
            return error_set(err, ERR_TOO_LARGE, "镇街过多", "too many towns");
        int r;
        int rc = http_json_region(t, "towns", &r, err);
        if (rc) return rc;
        if (r < 0) {
            error_set(err, ERR_INVALID, "镇街不能为空", "a town must not be empty");
            return error_field(err, "towns");
        }
        u->towns[u->n_towns++] = r;
    }
    return 0;
}

/* POST /api/network/units {"kind", "parent_id", "name", "contact", "phone", "address", "user",
 * "region", "towns": [...]} — under the actor's own unit (the hub: anywhere). */
static void unit_post(struct http_request *req, struct http_response *res) {
    struct net x;
    if (!net_open(req, res, &x, true)) return;
    json_t *b = http_body_json(req, res);
    if (!b) {
        net_close(&x);
        return;
    }
    struct network_unit u = {.is_active = true, .region = -1};
    u.kind = network_kind_from_key(json_string_value(json_object_get(b, "kind")));
    u.parent_id = json_integer_value(json_object_get(b, "parent_id"));
    u.name = json_string_value(json_object_get(b, "name"));
    u.contact = json_string_value(json_object_get(b, "contact"));
    u.phone = json_string_value(json_object_get(b, "phone"));
    u.address = json_string_value(json_object_get(b, "address"));
    u.user_ref = json_string_value(json_object_get(b, "user"));
    int rc = http_json_region(json_object_get(b, "region"), "region", &u.region, &x.err);
    if (!rc) rc = towns_from_json(json_object_get(b, "towns"), &u, &x.err);
    if (!rc && (x.a->role == ROLE_COMMISSIONER || !u.parent_id ||
                !network_sees_unit(x.n, x.a, u.parent_id))) {
        forbidden(res);
    } else if (rc || network_put_unit(x.s, &u, &x.err)) {
        http_reply_err(res, 0, &x.err);
    } else if (net_reload(&x, res)) {
        http_reply_json(res, 201, network_unit_json(x.n, network_unit(x.n, u.id)));
    }
    json_decref(b);
    net_close(&x);
}

/* PUT /api/network/units/{id} — the fields given replace the unit's (kind and parent stay):
 * "name", "contact", "phone", "address", "user", "towns", "is_active" (false: a commissioner
 * takes no enterprises; its towns' others take them over). */
static void unit_put(struct http_request *req, struct http_response *res) {
    struct net x;
    int64_t id;
    if (http_param_id(req, res, &id) || !net_open(req, res, &x, true)) return;
    const struct network_unit *old = network_unit(x.n, id);
    json_t *b = NULL;
    if (!old) {
        http_reply_error(res, 404, "notfound", "没有这个单位", "no such unit");
    } else if (x.a->role == ROLE_COMMISSIONER || !network_sees_unit(x.n, x.a, id)) {
        forbidden(res);
    } else if ((b = http_body_json(req, res))) {
        struct network_unit u = *old;
        const char *keys[] = {"name", "contact", "phone", "address", "user"};
        const char **fields[] = {&u.name, &u.contact, &u.phone, &u.address, &u.user_ref};
        for (int k = 0; k < 5; k++)
            if (json_object_get(b, keys[k]))
                *fields[k] = json_string_value(json_object_get(b, keys[k]));
        if (json_object_get(b, "is_active"))
            u.is_active = json_is_true(json_object_get(b, "is_active"));
        int rc = json_object_get(b, "towns")
                     ? towns_from_json(json_object_get(b, "towns"), &u, &x.err)
                     : 0;
        if (rc || network_put_unit(x.s, &u, &x.err))
            http_reply_err(res, 0, &x.err);
        else if (net_reload(&x, res))
            http_reply_json(res, 200, network_unit_json(x.n, network_unit(x.n, id)));
    }
    json_decref(b);
    net_close(&x);
}

/* GET /api/network/commissioners?under=ID — the commissioners in the actor's scope */
static void commissioners(struct http_request *req, struct http_response *res) {
    struct net x;
    if (!net_open(req, res, &x, true)) return;
    int64_t under;
    if (http_query_int(req, "under", x.unit->id, 1, INT64_MAX, &under, res) == 0) {
        if (!network_sees_unit(x.n, x.a, under)) {
            forbidden(res);
        } else {
            json_t *list = json_array();
            for (int i = 0; i < x.n->n_units; i++)
                if (x.n->units[i].kind == NETWORK_COMMISSIONER &&
                    network_is_under(x.n, x.n->units[i].id, under))
                    json_array_append_new(list, network_unit_json(x.n, &x.n->units[i]));
            http_reply_json(
                res, 200,
                http_page_json((int64_t)json_array_size(list), NULL, "commissioners", list));
        }
    }
    net_close(&x);
}

/* ---- assignment ---- */

static json_t *assignment_json(struct http_request *req, struct net *x, const char *uscc,
                               int region) {
    int64_t id = network_assigned(x->n, uscc, region);
    const struct network_unit *u = network_unit(x->n, id);
    json_t *o = json_object(), *hist = json_array();
    json_object_set_new(o, "uscc", json_string(uscc));
    json_object_set_new(o, "commissioner", u ? network_unit_json(x->n, u) : json_null());
    json_object_set_new(o, "is_manual",
                        json_boolean(id != network_assigned_auto(x->n, uscc, region)));
    struct network_reassignment *h;
    int n_h;
    if (network_history(x->s, uscc, http_arena(req), &h, &n_h, &x->err) == 0)
        for (int i = 0; i < n_h; i++)
            json_array_append_new(hist, network_reassignment_json(x->n, &h[i]));
    json_object_set_new(o, "history", hist);
    return o;
}

/* GET /api/network/enterprises/{uscc}/assignment */
static void assignment_get(struct http_request *req, struct http_response *res) {
    struct net x;
    if (!net_open(req, res, &x, true)) return;
    struct profile *p = malloc(sizeof *p);
    int region;
    if (p && enterprise(req, res, &x, http_param(req, "uscc"), p, &region))
        http_reply_json(res, 200, assignment_json(req, &x, p->v[F_USCC].s, region));
    free(p);
    net_close(&x);
}

/* POST /api/network/enterprises/{uscc}/reassign {"to": id | 0, "reason": "…"} — a station, centre
 * or the hub moves an enterprise it sees to a commissioner under it (0: back to the town's). */
static void reassign(struct http_request *req, struct http_response *res) {
    struct net x;
    if (!net_open(req, res, &x, true)) return;
    json_t *b = NULL;
    struct profile *p = malloc(sizeof *p);
    int region;
    if (x.a->role == ROLE_COMMISSIONER) {
        forbidden(res);
    } else if (p && enterprise(req, res, &x, http_param(req, "uscc"), p, &region) &&
               (b = http_body_json(req, res))) {
        int64_t to = json_integer_value(json_object_get(b, "to"));
        const char *reason = json_string_value(json_object_get(b, "reason"));
        const char *by = x.a->username[0] ? x.a->username : role_key(x.a->role);
        if (to && !network_sees_unit(x.n, x.a, to))
            forbidden(res);
        else if (network_reassign(x.s, x.n, p->v[F_USCC].s, region, to, by, reason,
                                  (int64_t)time(NULL), &x.err))
            http_reply_err(res, 0, &x.err);
        else if (net_reload(&x, res))
            http_reply_json(res, 200, assignment_json(req, &x, p->v[F_USCC].s, region));
    }
    json_decref(b);
    free(p);
    net_close(&x);
}

/* ---- queue and package ---- */

static const struct export_column queue_columns[] = {
    {"rank", "序号", EXPORT_INT},
    {"uscc", "统一社会信用代码", EXPORT_TEXT},
    {"name", "企业名称", EXPORT_TEXT},
    {"region", "所在区域", EXPORT_TEXT},
    {"qualifies", "符合条款数", EXPORT_INT},
    {"might", "可能符合条款数", EXPORT_INT},
    {"nearly", "差一项条款数", EXPORT_INT},
    {"stake_fen", "可争取金额(元)", EXPORT_MONEY},
    {"qualifies_fen", "其中符合条件(元)", EXPORT_MONEY},
    {"nearly_fen", "差一项可争取(元)", EXPORT_MONEY},
    {"deadline", "最近截止日期", EXPORT_DATE},
};

/* GET /api/network/commissioners/{id}/queue?page=&page_size=&format=json|xlsx|csv (an export
 * holds the whole queue, up to 100,000 enterprises) */
static void queue(struct http_request *req, struct http_response *res) {
    struct net x;
    int64_t id;
    struct http_page pg;
    int f = http_query_format(req, res);
    if (f == -2 || http_param_id(req, res, &id)) return;
    if (http_query_page(req, 20, 500, &pg, res)) return;
    if (f >= 0) pg = (struct http_page){.page = 1, .size = 100000}; /* the whole queue */
    if (!net_open(req, res, &x, true)) return;
    const struct network_unit *u = network_unit(x.n, id);
    if (!u || u->kind != NETWORK_COMMISSIONER) {
        http_reply_error(res, 404, "notfound", "没有这位专员", "no such commissioner");
    } else if (!network_sees_unit(x.n, x.a, id)) {
        forbidden(res);
    } else {
        const struct match_catalog *cat;
        void *token;
        struct index_gen *g = http_match_acquire(req, res, &cat, &token);
        struct network_applied ap = {0};
        struct network_queue q;
        if (g && (network_applied_from_store(x.s, &ap, &x.err) ||
                  network_queue(x.n, g, cat, id, &ap, (int)pg.page, (int)pg.size, &q, &x.err))) {
            http_reply_err(res, 0, &x.err);
        } else if (g) {
            json_t *o = network_queue_json(x.s, x.n, u, &q, (int)pg.page, (int)pg.size,
                                           index_gen_today(g), ap.note, http_arena(req));
            if (f >= 0) {
                http_reply_export(res, queue_columns,
                                  (int)(sizeof queue_columns / sizeof *queue_columns),
                                  json_object_get(o, "enterprises"), "服务队列", "queue", f);
                json_decref(o);
            } else {
                http_reply_json(res, 200, o);
            }
            network_queue_release(&q);
        }
        network_applied_release(&ap);
        if (g) http_match_release(g, token);
    }
    net_close(&x);
}

/* GET /api/network/enterprises/{uscc}/pack — also for the enterprise itself */
static void pack(struct http_request *req, struct http_response *res) {
    struct net x;
    if (!net_open(req, res, &x, false)) return;
    struct profile *p = malloc(sizeof *p);
    int region;
    if (p && enterprise(req, res, &x, http_param(req, "uscc"), p, &region)) {
        const struct match_catalog *cat;
        void *token;
        struct index_gen *g = http_match_acquire(req, res, &cat, &token);
        struct network_pack_item *items =
            g ? malloc((size_t)(cat->n_in ? cat->n_in : 1) * sizeof *items) : NULL;
        struct network_applied ap = {0};
        int n_items = 0;
        if (g) {
            int32_t today = index_gen_today(g);
            profile_derive(p, today, NULL);
            if (!items || network_applied_from_store(x.s, &ap, &x.err) ||
                network_pack(cat, p, today, &ap, items, &n_items)) {
                if (!x.err.code) error_set(&x.err, ERR_NOMEM, "内存不足", "out of memory");
                http_reply_err(res, 0, &x.err);
            } else {
                json_t *o = network_pack_json(x.s, cat, p, items, n_items, today, http_arena(req));
                const struct network_unit *u =
                    network_unit(x.n, network_assigned(x.n, p->v[F_USCC].s, region));
                json_object_set_new(o, "commissioner", u ? network_unit_json(x.n, u) : json_null());
                json_object_set_new(o, "note", ap.note ? json_string(ap.note) : json_null());
                http_reply_json(res, 200, o);
            }
            http_match_release(g, token);
        }
        network_applied_release(&ap);
        free(items);
    }
    free(p);
    net_close(&x);
}

/* ---- visits ---- */

static void visits_reply(struct http_request *req, struct http_response *res, struct net *x,
                         const struct network_visit_query *q) {
    struct network_visit *v;
    int n;
    int64_t total;
    if (network_list_visits(x->s, q, x->today, http_arena(req), &v, &n, &total, &x->err)) {
        http_reply_err(res, 0, &x->err);
        return;
    }
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, network_visit_json(x->n, &v[i]));
    struct http_page p = {.page = q->page, .size = q->page_size};
    http_reply_json(res, 200, http_page_json(total, &p, "visits", list));
}

static bool visit_query(struct http_request *req, struct http_response *res,
                        struct network_visit_query *q) {
    struct http_page p;
    if (http_query_page(req, 20, 500, &p, res)) return false;
    const char *o = http_query(req, "overdue");
    q->is_overdue_only = o && strcmp(o, "1") == 0;
    q->page = (int)p.page;
    q->page_size = (int)p.size;
    return true;
}

/* GET /api/network/enterprises/{uscc}/visits */
static void visits_of_enterprise(struct http_request *req, struct http_response *res) {
    struct net x;
    struct network_visit_query q = {0};
    if (!visit_query(req, res, &q) || !net_open(req, res, &x, false)) return;
    struct profile *p = malloc(sizeof *p);
    int region;
    if (p && enterprise(req, res, &x, http_param(req, "uscc"), p, &region)) {
        q.uscc = p->v[F_USCC].s;
        visits_reply(req, res, &x, &q);
    }
    free(p);
    net_close(&x);
}

/* GET /api/network/commissioners/{id}/visits?overdue=1 */
static void visits_of_commissioner(struct http_request *req, struct http_response *res) {
    struct net x;
    struct network_visit_query q = {0};
    if (http_param_id(req, res, &q.commissioner_id) || !visit_query(req, res, &q) ||
        !net_open(req, res, &x, true))
        return;
    if (!network_sees_unit(x.n, x.a, q.commissioner_id))
        forbidden(res);
    else
        visits_reply(req, res, &x, &q);
    net_close(&x);
}

/* The visit from a JSON body over v (a new one, or the stored one being changed). */
static int visit_from_json(json_t *b, struct network_visit *v, struct net *x) {
    int rc = 0;
    const char *s;
    if ((s = json_string_value(json_object_get(b, "uscc"))))
        snprintf(v->uscc, sizeof v->uscc, "%.19s", s);
    if (json_object_get(b, "commissioner_id"))
        v->commissioner_id = json_integer_value(json_object_get(b, "commissioner_id"));
    rc = http_json_date(b, "date", &v->date, &x->err);
    if (!rc && json_object_get(b, "next_date")) {
        v->next_date = STORE_NO_DATE; /* given empty: none */
        rc = http_json_date(b, "next_date", &v->next_date, &x->err);
    }
    if ((s = json_string_value(json_object_get(b, "topic")))) v->topic = s;
    if (json_object_get(b, "outcome"))
        v->outcome = json_string_value(json_object_get(b, "outcome"));
    if (json_object_get(b, "next_step"))
        v->next_step = json_string_value(json_object_get(b, "next_step"));
    if (json_object_get(b, "is_done")) v->is_done = json_is_true(json_object_get(b, "is_done"));
    v->by = x->a->username[0] ? x->a->username : role_key(x->a->role);
    v->at = (int64_t)time(NULL);
    return rc;
}

/* Whether the actor may write this visit: the enterprise in its scope and the commissioner its
 * own (a commissioner) or under its unit. */
static bool may_write(struct net *x, const struct network_visit *v, int region) {
    const struct network_unit *c = network_unit(x->n, v->commissioner_id);
    if (!c || c->kind != NETWORK_COMMISSIONER) return false;
    if (x->a->role == ROLE_COMMISSIONER && c != x->unit) return false;
    return network_sees_unit(x->n, x->a, c->id) &&
           network_sees_enterprise(x->n, x->a, v->uscc, region);
}

static bool visit_region(struct http_request *req, struct net *x, const char *uscc, int *region) {
    struct profile *p = malloc(sizeof *p);
    bool ok = p && store_get_enterprise(x->s, uscc, p, http_arena(req), NULL, &x->err) == 0;
    *region = ok && p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
    free(p);
    return ok;
}

/* POST /api/network/visits; PUT /api/network/visits/{id} */
static void visit_write(struct http_request *req, struct http_response *res, bool is_new) {
    struct net x;
    int64_t id = 0;
    if (!is_new && http_param_id(req, res, &id)) return;
    if (!net_open(req, res, &x, true)) return;
    json_t *b = http_body_json(req, res);
    struct network_visit v = {.date = x.today, .next_date = STORE_NO_DATE};
    int region;
    if (!b) {
        net_close(&x);
        return;
    }
    if (x.a->role == ROLE_COMMISSIONER) v.commissioner_id = x.unit->id;
    int rc = is_new ? 0 : network_get_visit(x.s, id, x.today, &v, http_arena(req), &x.err);
    if (!rc && !is_new && (!visit_region(req, &x, v.uscc, &region) || !may_write(&x, &v, region))) {
        forbidden(res); /* the stored visit must be the actor's to change */
        rc = 1;
    }
    if (!rc) rc = visit_from_json(b, &v, &x);
    if (rc < 0) {
        http_reply_err(res, 0, &x.err);
    } else if (!rc && !visit_region(req, &x, v.uscc, &region)) {
        http_reply_err(res, 0, &x.err);
    } else if (!rc && !may_write(&x, &v, region)) {
        forbidden(res);
    } else if (!rc && network_put_visit(x.s, &v, &x.err)) {
        http_reply_err(res, 0, &x.err);
    } else if (!rc && !network_get_visit(x.s, v.id, x.today, &v, http_arena(req), &x.err)) {
        http_reply_json(res, is_new ? 201 : 200, network_visit_json(x.n, &v));
    } else if (!rc) {
        http_reply_err(res, 0, &x.err);
    }
    json_decref(b);
    net_close(&x);
}

static void visit_post(struct http_request *req, struct http_response *res) {
    visit_write(req, res, true);
}

static void visit_put(struct http_request *req, struct http_response *res) {
    visit_write(req, res, false);
}

/* GET and DELETE /api/network/visits/{id} */
static void visit_one(struct http_request *req, struct http_response *res) {
    struct net x;
    int64_t id;
    if (http_param_id(req, res, &id) || !net_open(req, res, &x, true)) return;
    struct network_visit v;
    int region;
    bool is_delete = strcmp(http_method(req), "DELETE") == 0;
    if (network_get_visit(x.s, id, x.today, &v, http_arena(req), &x.err) ||
        !visit_region(req, &x, v.uscc, &region))
        http_reply_err(res, 0, &x.err);
    else if (is_delete ? !may_write(&x, &v, region)
                       : !network_sees_enterprise(x.n, x.a, v.uscc, region))
        forbidden(res);
    else if (!is_delete)
        http_reply_json(res, 200, network_visit_json(x.n, &v));
    else if (network_delete_visit(x.s, id, &x.err))
        http_reply_err(res, 0, &x.err);
    else
        http_reply_json(res, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
    net_close(&x);
}

/* ---- statistics ---- */

/* GET /api/network/stats?by=commissioner|centre&under=ID&from=&to=&stake=1 */
static void stats(struct http_request *req, struct http_response *res) {
    struct net x;
    if (!net_open(req, res, &x, true)) return;
    const char *by = http_query(req, "by");
    bool by_centre = by && strcmp(by, "centre") == 0;
    int rc = 0;
    int32_t from = x.today - 365, to = x.today; /* the last year by default */
    const char *f = http_query(req, "from"), *t = http_query(req, "to");
    if ((f && *f && date_parse(f, strlen(f), &from, &x.err)) ||
        (t && *t && date_parse(t, strlen(t), &to, &x.err)))
        rc = -1;
    int64_t under;
    if (http_query_int(req, "under", x.unit->id, 1, INT64_MAX, &under, res) < 0) {
        net_close(&x);
        return;
    }
    struct network_stat *st = malloc((size_t)(x.n->n_units ? x.n->n_units : 1) * sizeof *st);
    int n_st = 0;
    const char *stake = http_query(req, "stake");
    if (rc) {
        http_reply_err(res, 400, &x.err);
    } else if (!network_sees_unit(x.n, x.a, under)) {
        forbidden(res);
    } else if (!st ||
               network_stats(x.s, x.n, under, by_centre, from, to, x.today, st, &n_st, &x.err)) {
        http_reply_err(res, 0, &x.err);
    } else {
        const struct match_catalog *cat;
        void *token = NULL;
        struct index_gen *g = NULL;
        struct network_applied ap = {0};
        if (stake && strcmp(stake, "1") == 0) {
            g = http_match_acquire(req, res, &cat, &token);
            rc = !g || network_applied_from_store(x.s, &ap, &x.err) ||
                 network_stats_stake(x.n, g, cat, &ap, by_centre, st, n_st, &x.err);
            if (rc && g) http_reply_err(res, 0, &x.err);
        }
        if (!rc) {
            json_t *o = json_object(), *list = json_array();
            char day[16];
            for (int i = 0; i < n_st; i++)
                json_array_append_new(list, network_stat_json(x.n, &st[i]));
            json_object_set_new(o, "by", json_string(by_centre ? "centre" : "commissioner"));
            json_object_set_new(o, "under", json_integer(under));
            json_object_set_new(o, "from", json_string(date_format(from, day, sizeof day)));
            json_object_set_new(o, "to", json_string(date_format(to, day, sizeof day)));
            json_object_set_new(o, "units", list);
            http_reply_json(res, 200, o);
        }
        network_applied_release(&ap);
        if (g) http_match_release(g, token);
    }
    free(st);
    net_close(&x);
}

void http_routes_network(struct http_router *r) {
    http_route(r, "GET", "/api/network/units", units_tree, 0);
    http_route(r, "POST", "/api/network/units", unit_post, 64 * 1024);
    http_route(r, "GET", "/api/network/units/{id}", unit_get, 0);
    http_route(r, "PUT", "/api/network/units/{id}", unit_put, 64 * 1024);
    http_route(r, "GET", "/api/network/commissioners", commissioners, 0);
    http_route(r, "GET", "/api/network/commissioners/{id}/queue", queue, 0);
    http_route(r, "GET", "/api/network/commissioners/{id}/visits", visits_of_commissioner, 0);
    http_route(r, "GET", "/api/network/enterprises/{uscc}/assignment", assignment_get, 0);
    http_route(r, "POST", "/api/network/enterprises/{uscc}/reassign", reassign, 16 * 1024);
    http_route(r, "GET", "/api/network/enterprises/{uscc}/pack", pack, 0);
    http_route(r, "GET", "/api/network/enterprises/{uscc}/visits", visits_of_enterprise, 0);
    http_route(r, "POST", "/api/network/visits", visit_post, 64 * 1024);
    http_route(r, "GET", "/api/network/visits/{id}", visit_one, 0);
    http_route(r, "PUT", "/api/network/visits/{id}", visit_put, 64 * 1024);
    http_route(r, "DELETE", "/api/network/visits/{id}", visit_one, 0);
    http_route(r, "GET", "/api/network/stats", stats, 0);
}
