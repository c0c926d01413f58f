/* The service network (src/network): units and their checks, assignment (deterministic, balanced,
 * a new commissioner takes only enterprises of its own), reassignment with its history, visits
 * and overdue next steps, scope by role, and the queue and service package against the matching
 * engine run directly on the same store (tables on SQLite and PostgreSQL through STORE_TEST). */
#include <stdlib.h>

#include "demo/demo.h"
#include "index/index.h"
#include "match/match.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "tstore.h"
#include "util/date.h"
#include "workflow/workflow.h"

/* The first n towns of a district (refdata indexes). */
static int towns_of(int64_t district, int *out, int n) {
    int d = region_by_code(district), k = 0;
    for (int r = 0; r < region_count() && k < n; r++)
        if (region_at(r)->level == REGION_TOWN && region_at(r)->parent == d) out[k++] = r;
    return k;
}

struct small_net {
    int64_t hub, centre, station, other_centre, other_station;
    int64_t comm[5];
    int towns[4];
};

/* Hub, 崂山区 centre with a station over two towns and four commissioners, and 市南区's centre
 * with one station and one commissioner. */
static bool make_small(struct store *s, struct small_net *n) {
    struct error err;
    CHECK_INT(towns_of(370212, n->towns, 4), 4);
    struct network_unit hub = {.kind = NETWORK_HUB, .name = "市级枢纽", .is_active = true};
    if (network_put_unit(s, &hub, &err)) return false;
    n->hub = hub.id;
    struct network_unit ce = {.kind = NETWORK_CENTRE,
                              .parent_id = hub.id,
                              .name = "崂山区服务中心",
                              .region = region_by_code(370212),
                              .phone = "0532-88990000",
                              .is_active = true};
    if (network_put_unit(s, &ce, &err)) return false;
    n->centre = ce.id;
    struct network_unit st = {.kind = NETWORK_STATION,
                              .parent_id = ce.id,
                              .name = "一站",
                              .n_towns = 2,
                              .is_active = true};
    st.towns[0] = n->towns[0];
    st.towns[1] = n->towns[1];
    if (network_put_unit(s, &st, &err)) return false;
    n->station = st.id;
    for (int i = 0; i < 4; i++) {
        char name[32], user[32];
        snprintf(name, sizeof name, "专员%d", i);
        snprintf(user, sizeof user, "zy%d", i);
        struct network_unit c = {.kind = NETWORK_COMMISSIONER,
                                 .parent_id = st.id,
                                 .name = name,
                                 .user_ref = user,
                                 .n_towns = 2,
                                 .is_active = true};
        c.towns[0] = n->towns[0];
        c.towns[1] = n->towns[1];
        if (network_put_unit(s, &c, &err)) return false;
        n->comm[i] = c.id;
    }
    int sn[1];
    towns_of(370202, sn, 1);
    struct network_unit ce2 = {.kind = NETWORK_CENTRE,
                               .parent_id = hub.id,
                               .name = "市南区服务中心",
                               .region = region_by_code(370202),
                               .is_active = true};
    if (network_put_unit(s, &ce2, &err)) return false;
    n->other_centre = ce2.id;
    struct network_unit st2 = {.kind = NETWORK_STATION,
                               .parent_id = ce2.id,
                               .name = "二站",
                               .n_towns = 1,
                               .towns = {sn[0]},
                               .is_active = true};
    if (network_put_unit(s, &st2, &err)) return false;
    n->other_station = st2.id;
    struct network_unit c2 = {.kind = NETWORK_COMMISSIONER,
                              .parent_id = st2.id,
                              .name = "专员五",
                              .user_ref = "zy5",
                              .n_towns = 1,
                              .towns = {sn[0]},
                              .is_active = true};
    if (network_put_unit(s, &c2, &err)) return false;
    n->comm[4] = c2.id;
    return true;
}

STORE_TEST(network_units) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct small_net sn;
    CHECK(make_small(s, &sn));
    /* the checks: a second hub, a wrong parent, a town outside the district or the station */
    struct network_unit bad = {.kind = NETWORK_HUB, .name = "又一个枢纽", .is_active = true};
    CHECK_INT(network_put_unit(s, &bad, &err), ERR_INVALID);
    CHECK(bad.id == 0);
    bad = (struct network_unit){.kind = NETWORK_STATION,
                                .parent_id = sn.hub,
                                .name = "x",
                                .n_towns = 1,
                                .towns = {sn.towns[0]}};
    CHECK_INT(network_put_unit(s, &bad, &err), ERR_INVALID);
    CHECK_STR(err.field, "parent_id");
    int sn_town[1];
    towns_of(370202, sn_town, 1);
    bad = (struct network_unit){.kind = NETWORK_STATION,
                                .parent_id = sn.centre,
                                .name = "x",
                                .n_towns = 1,
                                .towns = {sn_town[0]}};
    CHECK_INT(network_put_unit(s, &bad, &err), ERR_INVALID);
    CHECK_STR(err.field, "towns");
    bad = (struct network_unit){.kind = NETWORK_COMMISSIONER,
                                .parent_id = sn.station,
                                .name = "x",
                                .n_towns = 1,
                                .towns = {sn.towns[2]}};
    CHECK_INT(network_put_unit(s, &bad, &err), ERR_INVALID);
    bad = (struct network_unit){.kind = NETWORK_COMMISSIONER,
                                .parent_id = sn.station,
                                .name = "\xff\xfe",
                                .n_towns = 1,
                                .towns = {sn.towns[0]}};
    CHECK_INT(network_put_unit(s, &bad, &err), ERR_UTF8);
    bad = (struct network_unit){.kind = NETWORK_COMMISSIONER,
                                .parent_id = sn.station,
                                .name = "x",
                                .user_ref = "zy1",
                                .n_towns = 1,
                                .towns = {sn.towns[0]}};
    CHECK_INT(network_put_unit(s, &bad, &err), ERR_INVALID); /* the user has a unit already */
    CHECK_STR(err.field, "user");
    bad = (struct network_unit){
        .kind = NETWORK_CENTRE, .parent_id = sn.hub, .name = "x", .region = sn.towns[0]};
    CHECK_INT(network_put_unit(s, &bad, &err), ERR_INVALID);

    struct network *n;
    CHECK_INT(network_load(s, &n, &err), 0);
    CHECK_INT(n->n_units, 10);
    const struct network_unit *c = network_unit(n, sn.comm[2]);
    CHECK(c && c->kind == NETWORK_COMMISSIONER && c->n_towns == 2);
    CHECK(c && c->region == region_by_code(370212));
    CHECK(network_unit_of_user(n, "zy2") == c);
    CHECK(network_is_under(n, sn.comm[2], sn.hub));
    CHECK(network_is_under(n, sn.comm[2], sn.centre));
    CHECK(!network_is_under(n, sn.comm[2], sn.other_centre));
    CHECK_INT(n->town_first[sn.towns[0] + 1] - n->town_first[sn.towns[0]], 4);
    network_free(n);

    /* an update: deactivate a commissioner; it takes no town's enterprises any more */
    struct network_unit upd = {.id = sn.comm[3],
                               .kind = NETWORK_COMMISSIONER,
                               .parent_id = sn.station,
                               .name = "专员3",
                               .user_ref = "zy3",
                               .n_towns = 1,
                               .towns = {sn.towns[1]},
                               .is_active = false};
    CHECK_INT(network_put_unit(s, &upd, &err), 0);
    CHECK_INT(network_load(s, &n, &err), 0);
    CHECK_INT(n->town_first[sn.towns[0] + 1] - n->town_first[sn.towns[0]], 3);
    CHECK_INT(network_unit(n, sn.comm[3])->n_towns, 1);
    network_free(n);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(network_assign) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct small_net sn;
    CHECK(make_small(s, &sn));
    struct network *n;
    CHECK_INT(network_load(s, &n, &err), 0);
    enum { N = 20000 };
    static char uscc[N][20];
    static int64_t first[N];
    struct profile *p = malloc(sizeof *p);
    struct demo_text dt;
    int64_t count[4] = {0};
    for (int i = 0; i < N; i++) {
        demo_enterprise(5, i, p, &dt);
        memcpy(uscc[i], dt.uscc, 20);
        first[i] = network_assigned(n, uscc[i], sn.towns[i % 2]);
        for (int k = 0; k < 4; k++)
            count[k] += first[i] == sn.comm[k];
    }
    free(p);
    /* balanced: each of four within 5% of a quarter */
    for (int k = 0; k < 4; k++)
        CHECK(count[k] > N / 4 * 95 / 100 && count[k] < N / 4 * 105 / 100);
    CHECK_INT(count[0] + count[1] + count[2] + count[3], N);
    /* not in a covered town: unassigned; a district alone: one of the district's */
    CHECK_INT(network_assigned(n, uscc[0], sn.towns[2]), 0);
    int64_t by_district = network_assigned(n, uscc[0], region_by_code(370212));
    CHECK(by_district == sn.comm[0] || by_district == sn.comm[1] || by_district == sn.comm[2] ||
          by_district == sn.comm[3]);
    CHECK_INT(network_assigned(n, uscc[0], region_by_code(370200)), 0); /* the city: none */
    network_free(n);
    /* deterministic: the same on a fresh load */
    CHECK_INT(network_load(s, &n, &err), 0);
    int same = 0;
    for (int i = 0; i < N; i++)
        same += network_assigned(n, uscc[i], sn.towns[i % 2]) == first[i];
    CHECK_INT(same, N);
    network_free(n);
    /* a fifth commissioner in the first town takes some of its enterprises and moves no other */
    struct network_unit c = {.kind = NETWORK_COMMISSIONER,
                             .parent_id = sn.station,
                             .name = "新",
                             .n_towns = 1,
                             .towns = {sn.towns[0]},
                             .is_active = true};
    CHECK_INT(network_put_unit(s, &c, &err), 0);
    CHECK_INT(network_load(s, &n, &err), 0);
    int moved = 0, wrong = 0;
    for (int i = 0; i < N; i++) {
        int64_t now = network_assigned(n, uscc[i], sn.towns[i % 2]);
        if (now == first[i]) continue;
        if (now == c.id && i % 2 == 0)
            moved++;
        else
            wrong++;
    }
    CHECK_INT(wrong, 0);
    CHECK(moved > N / 2 / 5 * 90 / 100 && moved < N / 2 / 5 * 110 / 100);
    network_free(n);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(network_reassign) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct small_net sn;
    CHECK(make_small(s, &sn));
    struct network *n;
    CHECK_INT(network_load(s, &n, &err), 0);
    struct profile *p = malloc(sizeof *p);
    struct demo_text dt;
    demo_enterprise(5, 1, p, &dt);
    free(p);
    int town = sn.towns[0];
    int64_t auto_c = network_assigned(n, dt.uscc, town);
    int64_t to = auto_c == sn.comm[0] ? sn.comm[1] : sn.comm[0];
    CHECK_INT(network_reassign(s, n, dt.uscc, town, to, "hub1", "", 1000, &err), ERR_INVALID);
    CHECK_INT(network_reassign(s, n, dt.uscc, town, sn.station, "hub1", "x", 1000, &err),
              ERR_INVALID); /* a station is no commissioner */
    CHECK_INT(network_reassign(s, n, "91370200MA3C", town, to, "hub1", "x", 1000, &err),
              ERR_INVALID);
    CHECK_INT(network_reassign(s, n, dt.uscc, town, auto_c, "hub1", "x", 1000, &err), ERR_CONFLICT);
    CHECK_INT(network_reassign(s, n, dt.uscc, town, to, "hub1", "企业搬迁到新厂区", 1000, &err), 0);
    network_free(n);
    CHECK_INT(network_load(s, &n, &err), 0);
    CHECK_INT(network_assigned(n, dt.uscc, town), to);
    CHECK_INT(network_assigned_auto(n, dt.uscc, town), auto_c);
    /* to another district's commissioner, then back to the town's */
    CHECK_INT(network_reassign(s, n, dt.uscc, town, sn.comm[4], "hub1", "跨区服务", 2000, &err), 0);
    network_free(n);
    CHECK_INT(network_load(s, &n, &err), 0);
    CHECK_INT(network_assigned(n, dt.uscc, town), sn.comm[4]);
    CHECK_INT(network_reassign(s, n, dt.uscc, town, 0, "hub2", "恢复按属地分配", 3000, &err), 0);
    network_free(n);
    CHECK_INT(network_load(s, &n, &err), 0);
    CHECK_INT(network_assigned(n, dt.uscc, town), auto_c);
    CHECK_INT(n->n_overrides, 0);
    struct arena a;
    arena_init(&a, 4096);
    struct network_reassignment *h;
    int n_h;
    CHECK_INT(network_history(s, dt.uscc, &a, &h, &n_h, &err), 0);
    CHECK_INT(n_h, 3);
    if (n_h == 3) {
        CHECK_INT(h[0].from_id, auto_c);
        CHECK_INT(h[0].to_id, to);
        CHECK_STR(h[0].reason, "企业搬迁到新厂区");
        CHECK_STR(h[0].by, "hub1");
        CHECK_INT(h[1].from_id, to);
        CHECK_INT(h[1].to_id, sn.comm[4]);
        CHECK_INT(h[2].to_id, 0);
        CHECK_INT(h[2].at, 3000);
    }
    arena_release(&a);
    network_free(n);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(network_visits) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct small_net sn;
    CHECK(make_small(s, &sn));
    struct profile *p = malloc(sizeof *p);
    struct demo_text a1, a2;
    demo_enterprise(5, 1, p, &a1);
    demo_enterprise(5, 2, p, &a2);
    free(p);
    int32_t today = date_from_ymd(2026, 3, 1);
    struct network_visit v = {.commissioner_id = sn.comm[0],
                              .date = today - 30,
                              .topic = "宣讲高企认定奖励",
                              .outcome = "有意向",
                              .next_step = "回访",
                              .next_date = today - 5,
                              .by = "zy0"};
    memcpy(v.uscc, a1.uscc, 20);
    CHECK_INT(network_put_visit(s, &v, &err), 0);
    int64_t first = v.id;
    struct network_visit w = v;
    w.id = 0;
    w.date = today - 2;
    w.next_date = today + 10;
    CHECK_INT(network_put_visit(s, &w, &err), 0);
    struct network_visit x = v;
    x.id = 0;
    memcpy(x.uscc, a2.uscc, 20);
    x.commissioner_id = sn.comm[1];
    x.next_step = NULL;
    x.next_date = STORE_NO_DATE;
    CHECK_INT(network_put_visit(s, &x, &err), 0);
    /* bad input */
    struct network_visit b = v;
    b.id = 0;
    b.topic = "";
    CHECK_INT(network_put_visit(s, &b, &err), ERR_INVALID);
    CHECK_STR(err.field, "topic");
    b.topic = "x";
    b.next_date = b.date - 1;
    CHECK_INT(network_put_visit(s, &b, &err), ERR_INVALID);
    b.next_date = STORE_NO_DATE;
    memcpy(b.uscc, "91370200XXXXXXXXXX", 19);
    CHECK_INT(network_put_visit(s, &b, &err), ERR_INVALID);

    struct arena a;
    arena_init(&a, 4096);
    struct network_visit *list;
    int n;
    int64_t total;
    struct network_visit_query q = {.uscc = a1.uscc, .page = 1, .page_size = 10};
    CHECK_INT(network_list_visits(s, &q, today, &a, &list, &n, &total, &err), 0);
    CHECK_INT(n, 2);
    CHECK_INT(total, 2);
    if (n == 2) {
        CHECK_INT(list[0].id, w.id); /* newest first */
        CHECK(!list[0].is_overdue);
        CHECK(list[1].is_overdue);
        CHECK_STR(list[1].topic, "宣讲高企认定奖励");
    }
    q = (struct network_visit_query){
        .commissioner_id = sn.comm[0], .is_overdue_only = true, .page = 1, .page_size = 10};
    CHECK_INT(network_list_visits(s, &q, today, &a, &list, &n, &total, &err), 0);
    CHECK_INT(n, 1);
    CHECK_INT(n ? list[0].id : 0, first);
    /* done: no longer overdue */
    v.is_done = true;
    CHECK_INT(network_put_visit(s, &v, &err), 0);
    CHECK_INT(network_list_visits(s, &q, today, &a, &list, &n, &total, &err), 0);
    CHECK_INT(n, 0);
    struct network_visit got;
    CHECK_INT(network_get_visit(s, first, today, &got, &a, &err), 0);
    CHECK(got.is_done && !got.is_overdue);

    /* stats per commissioner and per centre */
    struct network *net;
    CHECK_INT(network_load(s, &net, &err), 0);
    struct network_stat st[16];
    int n_st;
    CHECK_INT(network_stats(s, net, sn.centre, false, today - 365, today, today, st, &n_st, &err),
              0);
    CHECK_INT(n_st, 4);
    int64_t visits = 0, served = 0;
    for (int i = 0; i < n_st; i++) {
        visits += st[i].visits;
        served += st[i].enterprises_served;
        if (st[i].unit_id == sn.comm[0]) CHECK_INT(st[i].visits, 2);
    }
    CHECK_INT(visits, 3);
    CHECK_INT(served, 2);
    CHECK_INT(network_stats(s, net, 0, true, today - 365, today, today, st, &n_st, &err), 0);
    CHECK_INT(n_st, 2);
    for (int i = 0; i < n_st; i++)
        CHECK_INT(st[i].visits, st[i].unit_id == sn.centre ? 3 : 0);
    network_free(net);

    CHECK_INT(network_delete_visit(s, first, &err), 0);
    CHECK_INT(network_delete_visit(s, first, &err), ERR_NOTFOUND);
    CHECK_INT(network_get_visit(s, first, today, &got, &a, &err), ERR_NOTFOUND);
    arena_release(&a);
    store_close(s);
    remove_temp(t);
}

TEST(network_scope) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct tstore t = {0};
    struct store *s = open_temp(&t);
    CHECK(s != NULL);
    if (!s) return;
    struct small_net sn;
    CHECK(make_small(s, &sn));
    struct network *n;
    CHECK_INT(network_load(s, &n, &err), 0);
    struct profile *p = malloc(sizeof *p);
    struct demo_text dt;
    demo_enterprise(5, 3, p, &dt);
    free(p);
    int town = sn.towns[0], other_town = n->units[n->n_units - 1].towns[0];
    int64_t mine = network_assigned(n, dt.uscc, town);
    int64_t other = mine == sn.comm[0] ? sn.comm[1] : sn.comm[0];
    struct actor a = {.role = ROLE_COMMISSIONER, .org_id = mine, .region = -1};
    CHECK(network_sees_enterprise(n, &a, dt.uscc, town));
    a.org_id = other;
    CHECK(!network_sees_enterprise(n, &a, dt.uscc, town)); /* the same town, not assigned */
    a.org_id = 0;
    snprintf(a.username, sizeof a.username, "zy5"); /* by user name: another district */
    CHECK(!network_sees_enterprise(n, &a, dt.uscc, town));
    CHECK(network_sees_unit(n, &a, sn.comm[4]));
    CHECK(!network_sees_unit(n, &a, sn.comm[0]));
    a = (struct actor){.role = ROLE_STATION, .org_id = sn.station, .region = -1};
    CHECK(network_sees_enterprise(n, &a, dt.uscc, town));
    CHECK(!network_sees_enterprise(n, &a, dt.uscc, other_town));
    CHECK(network_sees_unit(n, &a, sn.comm[3]));
    CHECK(!network_sees_unit(n, &a, sn.centre));
    a = (struct actor){.role = ROLE_CENTRE, .org_id = sn.other_centre, .region = -1};
    CHECK(!network_sees_enterprise(n, &a, dt.uscc, town));
    CHECK(network_sees_enterprise(n, &a, dt.uscc, other_town));
    a.org_id = 0; /* a centre manager known only by district (auth's region) */
    a.region = region_by_code(370212);
    CHECK(network_sees_enterprise(n, &a, dt.uscc, town));
    CHECK(network_actor_unit(n, &a) == NULL);
    a = (struct actor){.role = ROLE_HUB, .region = -1};
    CHECK(network_sees_enterprise(n, &a, dt.uscc, other_town));
    CHECK(network_actor_unit(n, &a) == network_unit(n, sn.hub));
    a = (struct actor){.role = ROLE_ENTERPRISE, .region = -1};
    memcpy(a.uscc, dt.uscc, 20);
    CHECK(network_sees_enterprise(n, &a, dt.uscc, town));
    CHECK(!network_sees_unit(n, &a, sn.hub));
    a = (struct actor){.role = ROLE_BANK, .region = -1};
    CHECK(!network_sees_enterprise(n, &a, dt.uscc, town));
    /* a commissioner whose org_id names a station is not that station */
    a = (struct actor){.role = ROLE_COMMISSIONER, .org_id = sn.station, .region = -1};
    CHECK(!network_sees_enterprise(n, &a, dt.uscc, town));
    network_free(n);
    store_close(s);
    remove_temp(&t);
}

/* ---- the queue and the service package against the engine ---- */

static struct store *demo_store(struct tstore *t, int n_enterprises) {
    struct store *s = open_temp(t);
    if (!s) return NULL;
    struct error err;
    struct profile *p = malloc(sizeof *p);
    struct demo_text dt;
    CHECK_INT(store_begin_bulk(s, &err), 0);
    for (int i = 0; i < n_enterprises; i++) {
        demo_enterprise(7, i, p, &dt);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    CHECK_INT(store_commit(s, &err), 0);
    free(p);
    int np, nc;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    CHECK_INT(demo_generate_clauses(s, 3, 60, &err), 0);
    CHECK_INT(demo_network(s, 7, n_enterprises, 500, "data/demo/policies.json", &err), 0);
    return s;
}

static bool applied_one(void *ctx, const char *uscc, int64_t clause_id) {
    (void)uscc;
    return clause_id == *(const int64_t *)ctx;
}

TEST(network_queue_engine) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct tstore t = {0};
    struct store *s = demo_store(&t, 4000);
    CHECK(s != NULL);
    if (!s) return;
    int32_t today = date_today();
    struct network *n;
    struct index_gen *g;
    struct match_catalog *cat;
    CHECK_INT(network_load(s, &n, &err), 0);
    CHECK_INT(index_load(s, today, &g, &err), 0);
    CHECK_INT(match_catalog_load(s, today, &cat, &err), 0);
    int n_comm = 0;
    for (int i = 0; i < n->n_units; i++)
        n_comm += n->units[i].kind == NETWORK_COMMISSIONER;
    CHECK(n_comm >= 495 && n_comm <= 505);
    CHECK_INT(n_comm, 500);

    /* the engine directly: every enterprise, its commissioner and its package */
    struct profile *p = malloc(sizeof *p);
    struct network_pack_item *items = malloc((size_t)cat->n_in * sizeof *items);
    struct match_hit *hits = malloc((size_t)cat->n_in * sizeof *hits);
    int64_t busiest = 0, best_n = -1;
    int64_t *per = calloc((size_t)n->units[n->n_units - 1].id + 1, sizeof *per);
    struct arena a;
    arena_init(&a, 1 << 16);
    int n_checked = 0, n_nearly = 0;
    for (uint32_t row = 0; row < index_gen_rows(g); row++) {
        char uscc[20];
        index_row_uscc(g, row, uscc, sizeof uscc);
        CHECK_INT(store_get_enterprise(s, uscc, p, &a, NULL, &err), 0);
        profile_derive(p, today, NULL);
        int64_t c = network_assigned(n, uscc, p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1);
        int n_items;
        CHECK_INT(network_pack(cat, p, today, NULL, items, &n_items), 0);
        if (c && n_items) per[c]++;
        if (c && per[c] > best_n) {
            best_n = per[c];
            busiest = c;
        }
        /* the package agrees with match_enterprise: qualifies = eligible, might = unknown */
        if (n_checked++ < 400) {
            CHECK_INT(match_enterprise(cat->set, p, hits), 0);
            int n_e = 0, n_u = 0, p_e = 0, p_u = 0;
            for (int k = 0; k < cat->n_in; k++) {
                if (hits[k].deadline < today) continue; /* too late: not in a package */
                n_e += hits[k].result == TRI_TRUE;
                n_u += hits[k].result == TRI_UNKNOWN;
            }
            for (int k = 0; k < n_items; k++) {
                p_e += items[k].fit == NETWORK_QUALIFIES;
                p_u += items[k].fit == NETWORK_MIGHT;
                if (items[k].fit != NETWORK_NEARLY) continue;
                n_nearly++;
                struct rule_eval ev;
                CHECK_INT(match_explain(cat->set, items[k].clause, p, &ev, &err), 0);
                CHECK(ev.result == TRI_FALSE);
                /* one conjunct of the rule's AND is false, every other one true */
                const struct rule_cond *rc = cat->in[items[k].clause].rule->cond;
                int n_false = 0, n_true = 0;
                for (int j = 0; rc->kind == RC_AND && j < rc->n_kids; j++) {
                    enum tri r = rules_eval_cond(rc->kids[j], p);
                    n_false += r == TRI_FALSE;
                    n_true += r == TRI_TRUE;
                }
                CHECK_INT(n_false, 1);
                CHECK_INT(n_true, rc->n_kids - 1);
            }
            CHECK_INT(p_e, n_e);
            CHECK_INT(p_u, n_u);
        }
        arena_release(&a);
        arena_init(&a, 1 << 16);
    }
    CHECK(n_nearly > 0);
    CHECK(best_n > 0);

    /* the busiest commissioner's queue: the same enterprises, ranked, paged */
    struct network_queue q;
    CHECK_INT(network_queue(n, g, cat, busiest, NULL, 1, 1000, &q, &err), 0);
    CHECK_INT(q.total, best_n);
    CHECK_INT(q.n, best_n);
    int64_t stake = 0;
    for (int i = 0; i < q.n; i++) {
        stake += q.items[i].stake_fen;
        if (i) {
            const struct network_queue_item *x = &q.items[i - 1], *y = &q.items[i];
            CHECK(x->stake_fen > y->stake_fen ||
                  (x->stake_fen == y->stake_fen && x->deadline <= y->deadline));
        }
        /* its amounts are the package's on the stored profile */
        CHECK_INT(store_get_enterprise(s, q.items[i].uscc, p, &a, NULL, &err), 0);
        profile_derive(p, today, NULL);
        CHECK_INT(network_assigned(n, q.items[i].uscc, q.items[i].region), busiest);
        int n_items;
        CHECK_INT(network_pack(cat, p, today, NULL, items, &n_items), 0);
        int64_t sum = 0, near = 0;
        for (int k = 0; k < n_items; k++) {
            CHECK(items[k].deadline >= today);
            int64_t fen = items[k].has_award ? items[k].award_fen : 0;
            if (items[k].fit == NETWORK_NEARLY)
                near += fen;
            else
                sum += fen;
        }
        CHECK_INT(sum, q.items[i].stake_fen);
        CHECK_INT(near, q.items[i].nearly_fen);
        CHECK_INT(n_items, q.items[i].n_qualifies + q.items[i].n_might + q.items[i].n_nearly);
    }
    CHECK_INT(stake, q.stake_fen);
    struct network_queue q2;
    CHECK_INT(network_queue(n, g, cat, busiest, NULL, 2, 2, &q2, &err), 0);
    CHECK_INT(q2.total, q.total);
    if (q.n >= 4 && q2.n == 2) {
        CHECK_STR(q2.items[0].uscc, q.items[2].uscc);
        CHECK_STR(q2.items[1].uscc, q.items[3].uscc);
    }
    network_queue_release(&q2);

    /* applied for: a clause left out of the package and the queue's sums */
    if (q.n) {
        CHECK_INT(store_get_enterprise(s, q.items[0].uscc, p, &a, NULL, &err), 0);
        profile_derive(p, today, NULL);
        int n_items;
        CHECK_INT(network_pack(cat, p, today, NULL, items, &n_items), 0);
        struct network_applied ap = {.fn = NULL};
        CHECK_INT(network_applied_from_store(s, &ap, &err), 0);
        CHECK(ap.note != NULL || ap.fn != NULL); /* a note until the workflow tables are there */
        int n2;
        int64_t skip = items[0].clause_id;
        struct network_pack_item *items2 = malloc((size_t)cat->n_in * sizeof *items2);
        struct network_applied one = {.fn = applied_one, .ctx = &skip};
        CHECK_INT(network_pack(cat, p, today, &one, items2, &n2), 0);
        CHECK_INT(n2, n_items - 1);
        for (int k = 0; k < n2; k++)
            CHECK(items2[k].clause_id != skip);
        network_applied_release(&ap);
        /* an application (the workflow module's) leaves its clause out of package and queue;
         * a 免申即享 clause takes none, so the first other one */
        for (int k = 0; k < n_items; k++)
            if (!cat->clauses[cat->clause_of[items[k].clause]].is_exempt) {
                skip = items[k].clause_id;
                break;
            }
        struct actor admin = {.role = ROLE_ADMIN, .region = -1, .user_id = 1};
        int64_t app_id;
        CHECK_INT(workflow_create(s, &admin, skip, q.items[0].uscc, 1000, &app_id, &err), 0);
        CHECK_INT(network_applied_from_store(s, &ap, &err), 0);
        CHECK(ap.fn != NULL && ap.note == NULL);
        CHECK_INT(network_pack(cat, p, today, &ap, items2, &n2), 0);
        CHECK_INT(n2, n_items - 1);
        for (int k = 0; k < n2; k++)
            CHECK(items2[k].clause_id != skip);
        struct network_queue qa;
        CHECK_INT(network_queue(n, g, cat, busiest, &ap, 1, 1000, &qa, &err), 0);
        for (int i = 0; i < qa.n; i++)
            if (strcmp(qa.items[i].uscc, q.items[0].uscc) == 0)
                CHECK_INT(qa.items[i].n_qualifies + qa.items[i].n_might + qa.items[i].n_nearly,
                          n_items - 1);
        network_queue_release(&qa);
        network_applied_release(&ap);
        free(items2);

        /* the package as JSON */
        json_t *j = network_pack_json(s, cat, p, items, n_items, today, &a);
        json_t *list = json_object_get(j, "clauses");
        CHECK_INT((int)json_array_size(list), n_items);
        json_t *first = json_array_get(list, 0);
        CHECK_INT(json_integer_value(json_object_get(first, "clause_id")), items[0].clause_id);
        CHECK(json_object_get(first, "why") != NULL);
        CHECK(json_is_string(json_object_get(first, "department")));
        CHECK_STR(json_string_value(json_object_get(j, "uscc")), q.items[0].uscc);
        json_decref(j);
    }
    network_queue_release(&q);
    /* not a commissioner */
    CHECK_INT(network_queue(n, g, cat, n->units[0].id, NULL, 1, 10, &q, &err), ERR_NOTFOUND);
    arena_release(&a);
    free(per);
    free(hits);
    free(items);
    free(p);
    match_catalog_free(cat);
    index_gen_release(g);
    network_free(n);
    store_close(s);
    remove_temp(&t);
}
