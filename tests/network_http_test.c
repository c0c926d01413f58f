/* The service network's endpoints (src/http/api_network.c) on a small synthetic Qingdao with the
 * demo network, signed in as each role (tests/tauth.h): a commissioner's queue and packages agree
 * with src/network run directly on the same store; another commissioner's queue, another district's
 * enterprise, a visit for someone else and a commissioner's reassignment are 403; anonymous is
 * 401; visits are added, changed, listed and deleted; a centre reassigns within its district only
 * and the history says who and why; statistics per centre add up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "http/http.h"
#include "index/index.h"
#include "match/match.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "tauth.h"
#include "tdemo.h"
#include "test.h"
#include "util/date.h"

static char db_path[256];

static int status_of(struct http_server *srv, const struct tauth *t, const char *method,
                     const char *target, const char *body) {
    int st;
    json_decref(tauth_call(srv, t, method, target, body, &st));
    return st;
}

/* Binds a signed-in user to a unit (the unit's user_ref is the user's name). */
static void bind_user(struct store *s, const struct tauth *t, int64_t unit) {
    struct error err;
    struct store_val args[] = {store_val_text(t->actor.username), store_val_int(unit)};
    CHECK_INT(
        store_sql(s, "UPDATE network_units SET user_ref = ? WHERE id = ?", args, 2, NULL, &err), 0);
}

static struct store *make_db(int n) {
    struct error err;
    struct store *s = tdemo_store(db_path, sizeof db_path, "network_http", 13, n);
    if (!s) return NULL;
    int np, nc;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    CHECK_INT(demo_generate_clauses(s, 3, 40, &err), 0);
    CHECK_INT(demo_network(s, 13, n, 500, "data/demo/policies.json", &err), 0);
    return s;
}

/* The commissioner with the longest queue, another of a different district, and the queue's first
 * enterprise; computed with src/network directly. */
struct picks {
    int64_t mine, other, centre, other_centre, station;
    char uscc[20], other_uscc[20];
    int64_t total, stake, stake_first;
    int n_pack;
};

static bool pick(struct store *s, struct network *n, struct picks *pk) {
    struct error err;
    int32_t today = date_today();
    struct index_gen *g;
    struct match_catalog *cat;
    if (index_load(s, today, &g, &err) || match_catalog_load(s, today, &cat, &err)) return false;
    memset(pk, 0, sizeof *pk);
    for (int i = 0; i < n->n_units; i++) {
        const struct network_unit *u = &n->units[i];
        if (u->kind != NETWORK_COMMISSIONER) continue;
        struct network_queue q;
        if (network_queue(n, g, cat, u->id, NULL, 1, 5, &q, &err)) return false;
        if (q.total > pk->total) {
            pk->mine = u->id;
            pk->total = q.total;
            pk->stake = q.stake_fen;
            memcpy(pk->uscc, q.items[0].uscc, 20);
            pk->stake_first = q.items[0].stake_fen;
        }
        network_queue_release(&q);
    }
    const struct network_unit *m = network_unit(n, pk->mine);
    pk->station = m->parent_id;
    pk->centre = network_unit(n, m->parent_id)->parent_id;
    for (int i = 0; i < n->n_units && !pk->other; i++) {
        const struct network_unit *u = &n->units[i];
        if (u->kind != NETWORK_COMMISSIONER || u->region == m->region) continue;
        struct network_queue q;
        if (network_queue(n, g, cat, u->id, NULL, 1, 1, &q, &err)) return false;
        if (q.n) {
            pk->other = u->id;
            pk->other_centre = network_unit(n, u->parent_id)->parent_id;
            memcpy(pk->other_uscc, q.items[0].uscc, 20);
        }
        network_queue_release(&q);
    }
    struct profile *p = malloc(sizeof *p);
    struct arena a;
    arena_init(&a, 4096);
    struct network_pack_item *items = malloc((size_t)cat->n_in * sizeof *items);
    if (store_get_enterprise(s, pk->uscc, p, &a, NULL, &err)) return false;
    profile_derive(p, today, NULL);
    network_pack(cat, p, today, NULL, items, &pk->n_pack);
    free(items);
    free(p);
    arena_release(&a);
    match_catalog_free(cat);
    index_gen_release(g);
    return pk->other != 0;
}

TEST(network_http_roles) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = make_db(3000);
    if (!s) return;
    struct network *n;
    CHECK_INT(network_load(s, &n, &err), 0);
    struct picks pk;
    CHECK(pick(s, n, &pk));
    struct tauth cm, cm2, centre, hub, ent, officer;
    char town[32], town2[32], district[32];
    snprintf(town, sizeof town, "%lld",
             (long long)region_at(network_unit(n, pk.mine)->towns[0])->code);
    snprintf(town2, sizeof town2, "%lld",
             (long long)region_at(network_unit(n, pk.other)->towns[0])->code);
    CHECK_INT(tauth_sign_in(s, ROLE_COMMISSIONER, NULL, town, NULL, &cm), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_COMMISSIONER, NULL, town2, NULL, &cm2), 0);
    snprintf(district, sizeof district, "%lld",
             (long long)region_at(network_unit(n, pk.centre)->region)->code);
    CHECK_INT(tauth_sign_in(s, ROLE_CENTRE, NULL, district, NULL, &centre), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_HUB, NULL, NULL, NULL, &hub), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, pk.uscc, NULL, NULL, &ent), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_OFFICER, NULL, NULL, "青岛市科学技术局", &officer), 0);
    bind_user(s, &cm, pk.mine);
    bind_user(s, &cm2, pk.other);
    bind_user(s, &centre, pk.centre);
    network_free(n);
    CHECK_INT(network_load(s, &n, &err), 0);

    struct http_config cfg = {.port = 0, .db = db_path, .threads = 2};
    struct http_server *srv = NULL;
    CHECK_INT(http_server_new(&cfg, &srv, &err), 0);
    if (!srv) return;
    char path[256], body[512];
    int st;

    /* who: anonymous 401, other roles 403, the commissioner its own unit */
    CHECK_INT(status_of(srv, NULL, "GET", "/api/network/units", NULL), 401);
    CHECK_INT(status_of(srv, &officer, "GET", "/api/network/units", NULL), 403);
    CHECK_INT(status_of(srv, &ent, "GET", "/api/network/units", NULL), 403);
    json_t *o = tauth_call(srv, &cm, "GET", "/api/network/units", NULL, &st);
    CHECK_INT(st, 200);
    CHECK_INT(json_integer_value(json_object_get(o, "id")), pk.mine);
    json_decref(o);
    o = tauth_call(srv, &hub, "GET", "/api/network/units?depth=1", NULL, &st);
    CHECK_INT(st, 200);
    CHECK_INT(json_array_size(json_object_get(o, "children")), 10);
    CHECK_INT(json_integer_value(json_object_get(o, "commissioners")), 500);
    json_decref(o);

    /* the queue: the same as src/network's; another's is 403 */
    snprintf(path, sizeof path, "/api/network/commissioners/%lld/queue?page_size=5",
             (long long)pk.mine);
    o = tauth_call(srv, &cm, "GET", path, NULL, &st);
    CHECK_INT(st, 200);
    CHECK_INT(json_integer_value(json_object_get(o, "total")), pk.total);
    CHECK_INT(json_integer_value(json_object_get(o, "stake_fen")), pk.stake);
    json_t *first = json_array_get(json_object_get(o, "enterprises"), 0);
    CHECK_STR(json_string_value(json_object_get(first, "uscc")), pk.uscc);
    json_decref(o);
    CHECK_INT(status_of(srv, &cm2, "GET", path, NULL), 403);
    /* the whole queue as CSV: a header and one line per enterprise, money in 元 to the fen */
    snprintf(path, sizeof path, "/api/network/commissioners/%lld/queue?format=csv",
             (long long)pk.mine);
    {
        struct http_header h[2];
        struct http_input in = {
            .method = "GET", .target = path, .headers = h, .n_headers = tauth_headers(&cm, h)};
        struct http_response res;
        http_server_handle(srv, &in, &res);
        CHECK_INT(res.status, 200);
        CHECK(res.content_type && strncmp(res.content_type, "text/csv", 8) == 0);
        int lines = 0;
        for (size_t i = 0; i < res.body_len; i++)
            lines += res.body[i] == '\n';
        CHECK_INT(lines, pk.total + 1);
        char yuan[32];
        snprintf(yuan, sizeof yuan, "%lld.%02lld", (long long)(pk.stake_first / 100),
                 (long long)(pk.stake_first % 100));
        CHECK(res.body && strstr(res.body, yuan) != NULL);
        http_response_release(&res);
    }
    snprintf(path, sizeof path, "/api/network/commissioners/%lld/queue?format=pdf",
             (long long)pk.mine);
    CHECK_INT(status_of(srv, &cm, "GET", path, NULL), 400);
    snprintf(path, sizeof path, "/api/network/commissioners/%lld/queue?page_size=5",
             (long long)pk.mine);
    CHECK_INT(status_of(srv, &centre, "GET", path, NULL), 200);
    CHECK_INT(status_of(srv, &hub, "GET", path, NULL), 200);
    snprintf(path, sizeof path, "/api/network/commissioners/%lld/queue", (long long)pk.other);
    CHECK_INT(status_of(srv, &centre, "GET", path, NULL), 403); /* another district's */

    /* the package: the engine's clauses; another district's enterprise is 403 */
    snprintf(path, sizeof path, "/api/network/enterprises/%s/pack", pk.uscc);
    o = tauth_call(srv, &cm, "GET", path, NULL, &st);
    CHECK_INT(st, 200);
    CHECK_INT(json_array_size(json_object_get(o, "clauses")), pk.n_pack);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(o, "commissioner"), "id")),
              pk.mine);
    json_decref(o);
    CHECK_INT(status_of(srv, &ent, "GET", path, NULL), 200); /* the enterprise itself */
    CHECK_INT(status_of(srv, &cm2, "GET", path, NULL), 403);
    snprintf(path, sizeof path, "/api/network/enterprises/%s/pack", pk.other_uscc);
    CHECK_INT(status_of(srv, &cm, "GET", path, NULL), 403);
    CHECK_INT(status_of(srv, &ent, "GET", path, NULL), 403);

    /* visits: own enterprise 201; someone else's enterprise or commissioner 403; bad input 422 */
    snprintf(body, sizeof body,
             "{\"uscc\":\"%s\",\"date\":\"2026-03-01\",\"topic\":\"宣讲高企政策\","
             "\"next_step\":\"回访\",\"next_date\":\"2026-03-08\"}",
             pk.uscc);
    o = tauth_call(srv, &cm, "POST", "/api/network/visits", body, &st);
    CHECK_INT(st, 201);
    int64_t visit = json_integer_value(json_object_get(o, "id"));
    CHECK_INT(json_integer_value(json_object_get(o, "commissioner_id")), pk.mine);
    CHECK(json_is_true(json_object_get(o, "is_overdue")) ==
          (date_today() > date_from_ymd(2026, 3, 8)));
    json_decref(o);
    CHECK_INT(status_of(srv, &cm2, "POST", "/api/network/visits", body), 403);
    snprintf(body, sizeof body, "{\"uscc\":\"%s\",\"topic\":\"x\",\"commissioner_id\":%lld}",
             pk.uscc, (long long)pk.other);
    CHECK_INT(status_of(srv, &centre, "POST", "/api/network/visits", body), 403);
    snprintf(body, sizeof body, "{\"uscc\":\"%s\",\"topic\":\"\"}", pk.uscc);
    CHECK_INT(status_of(srv, &cm, "POST", "/api/network/visits", body), 422);
    snprintf(path, sizeof path, "/api/network/visits/%lld", (long long)visit);
    o = tauth_call(srv, &cm, "PUT", path, "{\"is_done\":true,\"outcome\":\"已申报\"}", &st);
    CHECK_INT(st, 200);
    CHECK(json_is_true(json_object_get(o, "is_done")));
    CHECK_STR(json_string_value(json_object_get(o, "outcome")), "已申报");
    CHECK_STR(json_string_value(json_object_get(o, "topic")), "宣讲高企政策");
    json_decref(o);
    CHECK_INT(status_of(srv, &cm2, "PUT", path, "{\"is_done\":false}"), 403);
    CHECK_INT(status_of(srv, &cm2, "DELETE", path, NULL), 403);
    CHECK_INT(status_of(srv, &cm2, "GET", path, NULL), 403);
    snprintf(path, sizeof path, "/api/network/enterprises/%s/visits", pk.uscc);
    o = tauth_call(srv, &ent, "GET", path, NULL, &st);
    CHECK_INT(st, 200);
    CHECK(json_integer_value(json_object_get(o, "total")) >= 1);
    json_decref(o);
    snprintf(path, sizeof path, "/api/network/visits/%lld", (long long)visit);
    CHECK_INT(status_of(srv, &cm, "DELETE", path, NULL), 200);
    CHECK_INT(status_of(srv, &cm, "GET", path, NULL), 404);

    /* reassignment: not by a commissioner; a centre within its district, with the history */
    snprintf(path, sizeof path, "/api/network/enterprises/%s/reassign", pk.uscc);
    int64_t to = 0;
    for (int i = 0; i < n->n_units && !to; i++)
        if (n->units[i].kind == NETWORK_COMMISSIONER && n->units[i].id != pk.mine &&
            network_is_under(n, n->units[i].id, pk.centre))
            to = n->units[i].id;
    snprintf(body, sizeof body, "{\"to\":%lld,\"reason\":\"企业要求更换专员\"}", (long long)to);
    CHECK_INT(status_of(srv, &cm, "POST", path, body), 403);
    snprintf(body, sizeof body, "{\"to\":%lld,\"reason\":\"跨区\"}", (long long)pk.other);
    CHECK_INT(status_of(srv, &centre, "POST", path, body), 403);
    snprintf(body, sizeof body, "{\"to\":%lld,\"reason\":\"\"}", (long long)to);
    CHECK_INT(status_of(srv, &centre, "POST", path, body), 422);
    snprintf(body, sizeof body, "{\"to\":%lld,\"reason\":\"企业要求更换专员\"}", (long long)to);
    o = tauth_call(srv, &centre, "POST", path, body, &st);
    CHECK_INT(st, 200);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(o, "commissioner"), "id")), to);
    json_t *h0 = json_array_get(json_object_get(o, "history"), 0);
    CHECK_STR(json_string_value(json_object_get(h0, "by")), centre.actor.username);
    CHECK_STR(json_string_value(json_object_get(h0, "reason")), "企业要求更换专员");
    CHECK_INT(json_integer_value(json_object_get(h0, "from_id")), pk.mine);
    json_decref(o);
    snprintf(path, sizeof path, "/api/network/enterprises/%s/pack", pk.uscc);
    CHECK_INT(status_of(srv, &cm, "GET", path, NULL), 403); /* no longer its enterprise */

    /* a unit changed: the centre deactivates a commissioner of its district; not another's */
    snprintf(path, sizeof path, "/api/network/units/%lld", (long long)to);
    o = tauth_call(srv, &centre, "PUT", path, "{\"is_active\":false,\"phone\":\"13800000000\"}",
                   &st);
    CHECK_INT(st, 200);
    CHECK(json_is_false(json_object_get(o, "is_active")));
    CHECK_STR(json_string_value(json_object_get(o, "phone")), "13800000000");
    json_decref(o);
    CHECK_INT(status_of(srv, &cm, "PUT", path, "{\"is_active\":true}"), 403);
    snprintf(path, sizeof path, "/api/network/units/%lld", (long long)pk.other);
    CHECK_INT(status_of(srv, &centre, "PUT", path, "{\"is_active\":false}"), 403);
    snprintf(path, sizeof path, "/api/network/units/%lld", (long long)pk.mine);
    CHECK_INT(status_of(srv, &centre, "PUT", path, "{\"name\":\"\"}"), 422);

    /* statistics per centre: ten centres; the hub sees them, a commissioner cannot ask the hub's */
    o = tauth_call(srv, &hub, "GET", "/api/network/stats?by=centre", NULL, &st);
    CHECK_INT(st, 200);
    CHECK_INT(json_array_size(json_object_get(o, "units")), 10);
    json_decref(o);
    snprintf(path, sizeof path, "/api/network/stats?under=%lld&stake=1", (long long)pk.station);
    o = tauth_call(srv, &centre, "GET", path, NULL, &st);
    CHECK_INT(st, 200);
    json_t *units = json_object_get(o, "units");
    int64_t assigned = 0;
    for (size_t i = 0; i < json_array_size(units); i++)
        assigned += json_integer_value(json_object_get(json_array_get(units, i), "assigned"));
    CHECK(assigned > 0);
    json_decref(o);
    snprintf(path, sizeof path, "/api/network/stats?under=%lld",
             (long long)network_unit(n, pk.centre)->parent_id);
    CHECK_INT(status_of(srv, &cm, "GET", path, NULL), 403);

    http_server_free(srv);
    network_free(n);
    store_close(s);
    unlink(db_path);
}
