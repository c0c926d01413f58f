/* Owns the matching half of the docking API: investors ↔ financing projects both ways with
 * scores and reasons, two-way selection (双向选择: rankings kept, a stable assignment computed and
 * stored with why each pair was or was not formed), needs ↔ capabilities both ways with reasons,
 * 揭榜挂帅 challenges (apply, select, milestones, the report) and the intent funnel. Investors
 * see their own matches, enterprises their own projects, needs and challenges, organisers all.
 * Scoring and stability are src/dock's (match.c, stable.c, events.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/dock_api.h"
#include "util/date.h"

static json_t *money_text(json_t *fen) {
    char buf[48];
    int64_t v = json_integer_value(fen);
    snprintf(buf, sizeof buf, "%lld.%02lld元", (long long)(v / 100), (long long)(v % 100));
    return json_string(buf);
}

static json_t *id_text(json_t *row) {
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
    return json_string(buf);
}

static void copy_if(json_t *to, const char *to_key, json_t *from, const char *key) {
    json_t *v = json_object_get(from, key);
    if (v && !json_is_null(v)) json_object_set(to, to_key, v);
}

/* match_investors' input from the stored investors and projects. */
static int investors_input(struct store *st, json_t **out, json_t **inv_rows, json_t **proj_rows,
                           struct error *err) {
    if (dock_list(st, "investor", NULL, store_val_null(), 0, 0, inv_rows, err)) return err->code;
    if (dock_list(st, "invest_project", NULL, store_val_null(), 0, 0, proj_rows, err)) {
        json_decref(*inv_rows);
        return err->code;
    }
    json_t *inv = json_array(), *pro = json_array(), *r;
    size_t i;
    json_array_foreach(*inv_rows, i, r) {
        json_t *o = json_pack("{s:o}", "id", id_text(r));
        copy_if(o, "name", r, "name");
        copy_if(o, "stages", r, "stages");
        copy_if(o, "industries", r, "industries");
        copy_if(o, "regions", r, "regions");
        copy_if(o, "capacity", r, "capacity");
        if (json_is_integer(json_object_get(r, "ticket_min_fen")))
            json_object_set_new(o, "ticket_min", money_text(json_object_get(r, "ticket_min_fen")));
        if (json_is_integer(json_object_get(r, "ticket_max_fen")))
            json_object_set_new(o, "ticket_max", money_text(json_object_get(r, "ticket_max_fen")));
        json_array_append_new(inv, o);
    }
    json_array_foreach(*proj_rows, i, r) {
        json_t *o = json_pack("{s:o}", "id", id_text(r));
        copy_if(o, "enterprise", r, "name");
        copy_if(o, "stage", r, "stage");
        copy_if(o, "industry", r, "industry");
        copy_if(o, "region", r, "region");
        copy_if(o, "summary", r, "summary");
        copy_if(o, "capacity", r, "capacity");
        if (json_is_integer(json_object_get(r, "amount_fen")))
            json_object_set_new(o, "amount", money_text(json_object_get(r, "amount_fen")));
        json_array_append_new(pro, o);
    }
    *out = json_pack("{s:o, s:o, s:i, s:i}", "investors", inv, "projects", pro, "min_score", 40,
                     "top", 10);
    return 0;
}

/* Ids (as text) of the rows the actor owns: its investor records or its enterprise's projects. */
static json_t *own_ids(const struct actor *a, json_t *rows, bool is_investor) {
    json_t *ids = json_object(), *r;
    size_t i;
    json_array_foreach(rows, i, r) {
        bool mine = is_investor
                        ? a->role == ROLE_INVESTOR && a->org_id &&
                              json_integer_value(json_object_get(r, "org_id")) == a->org_id
                        : a->role == ROLE_ENTERPRISE && a->uscc[0] &&
                              json_string_value(json_object_get(r, "uscc")) &&
                              strcmp(json_string_value(json_object_get(r, "uscc")), a->uscc) == 0;
        if (mine) json_object_set_new(ids, json_string_value(id_text(r)), json_true());
    }
    return ids;
}

static json_t *keep_ids(json_t *list, const char *key, json_t *ids) {
    json_t *out = json_array(), *x;
    size_t i;
    json_array_foreach(list, i, x) {
        if (json_object_get(ids, json_string_value(json_object_get(x, key))))
            json_array_append(out, x);
    }
    return out;
}

/* GET /api/dock/investors/match */
static void investors_match(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    enum dock_view v = dock_view_of(who);
    if (v == DOCK_BANK || v == DOCK_NONE) {
        dock_forbidden(res);
        return;
    }
    struct store *st = http_store(req, res);
    if (!st) return;
    struct error err;
    error_clear(&err);
    json_t *in = NULL, *inv = NULL, *pro = NULL;
    if (investors_input(st, &in, &inv, &pro, &err)) {
        dock_fail(res, &err);
        return;
    }
    json_t *out = match_investors(in, &err);
    json_decref(in);
    if (out && (v == DOCK_INVESTOR || v == DOCK_ENTERPRISE)) {
        bool is_inv = v == DOCK_INVESTOR;
        json_t *ids = own_ids(who, is_inv ? inv : pro, is_inv);
        const char *side = is_inv ? "investors" : "projects";
        json_object_set_new(out, side, keep_ids(json_object_get(out, side), "id", ids));
        json_object_del(out, is_inv ? "projects" : "investors");
        json_object_set_new(
            out, "assignment",
            keep_ids(json_object_get(out, "assignment"), is_inv ? "investor" : "project", ids));
        json_object_set_new(out, "first_choices_missed",
                            keep_ids(json_object_get(out, "first_choices_missed"),
                                     is_inv ? "investor" : "project", ids));
        json_decref(ids);
    }
    json_decref(inv), json_decref(pro);
    if (!out) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, out);
}

/* ---- 双向选择 ---- */

/* POST /api/dock/selection/ranks {"side": "project"|"investor", "owner_id", "ranking": [ids]}:
 * replaces the owner's ranking. */
static void selection_ranks(struct http_request *req, struct http_response *res) {
    struct store *st = http_store(req, res);
    if (!st) return;
    json_t *in = http_body_json(req, res);
    if (!in) return;
    const char *side = json_string_value(json_object_get(in, "side"));
    int64_t owner = json_integer_value(json_object_get(in, "owner_id"));
    json_t *ranking = json_object_get(in, "ranking");
    struct error err;
    error_clear(&err);
    bool is_inv = side && strcmp(side, "investor") == 0;
    json_t *row = NULL;
    if (!side || (!is_inv && strcmp(side, "project") != 0) || !json_is_array(ranking) ||
        json_array_size(ranking) > 200 ||
        dock_get(st, is_inv ? "investor" : "invest_project", owner, &row, &err)) {
        json_decref(in);
        http_reply_error(res, 422, "bad_ranking",
                         "须给出 side（project/investor）、存在的 owner_id 与 ranking 数组",
                         "side (project/investor), an existing owner_id and a ranking array");
        return;
    }
    const struct actor *who = http_actor(req);
    enum dock_view v = dock_view_of(who);
    json_t *one = json_array();
    json_array_append(one, row);
    json_t *mine = own_ids(who, one, is_inv);
    bool ok = v == DOCK_ORGANISER || v == DOCK_AREA || json_object_size(mine) > 0;
    json_decref(one), json_decref(mine), json_decref(row);
    if (!ok) {
        json_decref(in);
        dock_forbidden(res);
        return;
    }
    int rc = store_begin(st, &err);
    struct store_val a[] = {store_val_text(side), store_val_int(owner)};
    if (!rc)
        rc = store_sql(st, "DELETE FROM dock_rank WHERE side = ? AND owner_id = ?", a, 2, NULL,
                       &err);
    json_t *x;
    size_t i;
    json_array_foreach(ranking, i, x) {
        if (rc) break;
        json_t *p = NULL;
        if (!json_is_integer(x) ||
            dock_get(st, is_inv ? "invest_project" : "investor", json_integer_value(x), &p, &err)) {
            rc = error_set(&err, ERR_INVALID, "ranking 第 %zu 项不存在",
                           "ranking item %zu not found", i + 1);
            break;
        }
        json_decref(p);
        json_t *r = json_pack("{s:s, s:I, s:I, s:i}", "side", side, "owner_id", (json_int_t)owner,
                              "partner_id", json_integer_value(x), "rank", (int)i + 1);
        rc = dock_put(st, "rank", r, NULL, &err);
        json_decref(r);
        if (rc == ERR_CONFLICT)
            error_set(&err, ERR_INVALID, "ranking 中有重复", "ranking names a partner twice");
    }
    if (rc)
        store_rollback(st);
    else
        rc = store_commit(st, &err);
    if (rc) {
        json_decref(in);
        http_reply_err(res, rc == ERR_CONFLICT || rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    http_reply_json(res, 200,
                    json_pack("{s:s, s:I, s:O}", "side", side, "owner_id", (json_int_t)owner,
                              "ranking", ranking));
    json_decref(in);
}

static int index_in(json_t *rows, int64_t id) {
    json_t *r;
    size_t i;
    json_array_foreach(rows, i, r) {
        if (json_integer_value(json_object_get(r, "id")) == id) return (int)i;
    }
    return -1;
}

/* A side's preference lists: the stored ranking where the owner gave one, else the partners it
 * scores 40 or more with, best first (match_investors' lists). */
static void prefs_of(json_t *owners, json_t *partners, json_t *ranks, const char *side,
                     json_t *scored, const char *list_key, int *pref, int *start) {
    int n = 0;
    json_t *o;
    size_t i;
    json_array_foreach(owners, i, o) {
        start[i] = n;
        int64_t oid = json_integer_value(json_object_get(o, "id"));
        json_t *r;
        size_t k;
        json_array_foreach(ranks, k, r) {
            if (strcmp(json_string_value(json_object_get(r, "side")), side) == 0 &&
                json_integer_value(json_object_get(r, "owner_id")) == oid) {
                int j = index_in(partners, json_integer_value(json_object_get(r, "partner_id")));
                if (j >= 0) pref[n++] = j;
            }
        }
        if (n > start[i]) continue;
        json_t *s;
        json_array_foreach(scored, k, s) {
            if (atoll(json_string_value(json_object_get(s, "id"))) != oid) continue;
            json_t *p;
            size_t m;
            json_array_foreach(json_object_get(s, list_key), m, p) {
                int j = index_in(partners, atoll(json_string_value(json_object_get(p, "id"))));
                if (j >= 0) pref[n++] = j;
            }
        }
    }
    start[json_array_size(owners)] = n;
}

static int *caps_of(json_t *rows) {
    int *c = calloc(json_array_size(rows) + 1, sizeof *c);
    json_t *r;
    size_t i;
    json_array_foreach(rows, i, r) {
        json_t *v = json_object_get(r, "capacity");
        if (c)
            c[i] = json_is_integer(v) && json_integer_value(v) > 0 ? (int)json_integer_value(v) : 1;
    }
    return c;
}

static int store_selection(struct store *st, const struct stable_input *in,
                           const struct stable_result *r, json_t *pro, json_t *inv, json_t *out,
                           struct error *err) {
    int rc = store_begin(st, err);
    if (!rc) rc = store_sql(st, "DELETE FROM dock_selection", NULL, 0, NULL, err);
    int64_t now = (int64_t)time(NULL);
    for (int k = 0; !rc && k < r->n_pairs; k++) {
        const struct stable_pair *p = &r->pairs[k];
        json_t *pj = json_array_get(pro, (size_t)p->a), *ij = json_array_get(inv, (size_t)p->b);
        char why[1024];
        stable_explain(in, r, p->a, p->b, json_string_value(json_object_get(pj, "name")),
                       json_string_value(json_object_get(ij, "name")), why, sizeof why);
        json_t *row =
            json_pack("{s:O, s:O, s:i, s:i, s:s, s:I}", "project_id", json_object_get(pj, "id"),
                      "investor_id", json_object_get(ij, "id"), "rank_project", p->rank_a + 1,
                      "rank_investor", p->rank_b + 1, "why", why, "computed_at", (json_int_t)now);
        rc = dock_put(st, "selection", row, NULL, err);
        json_object_set(row, "project", json_object_get(pj, "name"));
        json_object_set(row, "investor", json_object_get(ij, "name"));
        json_array_append_new(out, row);
    }
    if (rc)
        store_rollback(st);
    else
        rc = store_commit(st, err);
    return rc;
}

/* POST /api/dock/selection/compute: a stable assignment from the rankings, stored; each project's
 * first choice it did not get says why. */
static void selection_compute(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    struct store *st = http_store(req, res);
    if (!st) return;
    struct error err;
    error_clear(&err);
    json_t *in = NULL, *inv = NULL, *pro = NULL, *ranks = NULL, *scored = NULL;
    if (investors_input(st, &in, &inv, &pro, &err)) {
        dock_fail(res, &err);
        return;
    }
    scored = match_investors(in, &err);
    json_decref(in);
    if (!scored || dock_list(st, "rank", NULL, store_val_null(), 0, 0, &ranks, &err)) {
        json_decref(scored), json_decref(inv), json_decref(pro);
        dock_fail(res, &err);
        return;
    }
    size_t na = json_array_size(pro), nb = json_array_size(inv), nr = json_array_size(ranks);
    size_t cap = na * nb + nr + 1;
    int *pref_a = calloc(cap, sizeof *pref_a), *pref_b = calloc(cap, sizeof *pref_b);
    int *start_a = calloc(na + 1, sizeof *start_a), *start_b = calloc(nb + 1, sizeof *start_b);
    int *cap_a = caps_of(pro), *cap_b = caps_of(inv);
    struct stable_result r = {0};
    int rc = pref_a && pref_b && start_a && start_b && cap_a && cap_b
                 ? 0
                 : error_set(&err, ERR_NOMEM, "内存不足", "out of memory");
    struct stable_input si = {(int)na, (int)nb, cap_a, cap_b, pref_a, start_a, pref_b, start_b};
    json_t *pairs = json_array();
    if (!rc) {
        prefs_of(pro, inv, ranks, "project", json_object_get(scored, "projects"), "investors",
                 pref_a, start_a);
        prefs_of(inv, pro, ranks, "investor", json_object_get(scored, "investors"), "projects",
                 pref_b, start_b);
        rc = stable_match(&si, &r, &err);
    }
    if (!rc) rc = store_selection(st, &si, &r, pro, inv, pairs, &err);
    json_t *missed = json_array();
    for (size_t a = 0; !rc && a < na; a++) {
        if (start_a[a] == start_a[a + 1]) continue;
        int b = pref_a[start_a[a]];
        bool got = false;
        for (int k = 0; k < r.n_pairs; k++)
            got |= r.pairs[k].a == (int)a && r.pairs[k].b == b;
        if (got) continue;
        char why[1024];
        json_t *pj = json_array_get(pro, a), *ij = json_array_get(inv, (size_t)b);
        stable_explain(&si, &r, (int)a, b, json_string_value(json_object_get(pj, "name")),
                       json_string_value(json_object_get(ij, "name")), why, sizeof why);
        json_array_append_new(missed,
                              json_pack("{s:O, s:O, s:s}", "project_id", json_object_get(pj, "id"),
                                        "investor_id", json_object_get(ij, "id"), "why_not", why));
    }
    int n_prop = r.n_proposals;
    stable_result_release(&r);
    free(pref_a), free(pref_b), free(start_a), free(start_b), free(cap_a), free(cap_b);
    json_decref(scored), json_decref(inv), json_decref(pro), json_decref(ranks);
    if (rc) {
        json_decref(pairs), json_decref(missed);
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200,
                    json_pack("{s:o, s:o, s:i}", "pairs", pairs, "first_choices_missed", missed,
                              "proposals", n_prop));
}

/* GET /api/dock/selection: the stored assignment (investors and enterprises: their own pairs). */
static void selection_get(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    enum dock_view v = dock_view_of(who);
    if (v == DOCK_BANK || v == DOCK_NONE) {
        dock_forbidden(res);
        return;
    }
    struct store *st = http_store(req, res);
    if (!st) return;
    struct error err;
    json_t *rows = NULL;
    struct store_val a[] = {store_val_int(who->role == ROLE_INVESTOR ? who->org_id : 0),
                            store_val_text(who->role == ROLE_ENTERPRISE ? who->uscc : NULL),
                            store_val_int(v == DOCK_INVESTOR), store_val_int(v == DOCK_ENTERPRISE)};
    if (dock_query(st,
                   "SELECT s.project_id, p.name AS project, p.uscc, s.investor_id, i.name AS"
                   " investor, s.rank_project, s.rank_investor, s.why, s.computed_at FROM"
                   " dock_selection s JOIN dock_invest_project p ON p.id = s.project_id JOIN"
                   " dock_investor i ON i.id = s.investor_id WHERE (i.org_id = ? OR p.uscc = ? OR"
                   " (CAST(? AS BIGINT) = 0 AND CAST(? AS BIGINT) = 0)) ORDER BY s.project_id,"
                   " s.investor_id",
                   a, 4, "issisiisi", &rows, &err)) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, json_pack("{s:o}", "pairs", rows));
}

/* ---- needs ↔ capabilities ---- */

static json_t *need_side(json_t *rows, bool is_need) {
    json_t *out = json_array(), *r;
    size_t i;
    json_array_foreach(rows, i, r) {
        json_t *o = json_pack("{s:o}", "id", id_text(r));
        copy_if(o, "owner", r, "uscc");
        copy_if(o, "kind", r, "kind");
        copy_if(o, "industry", r, "industry");
        copy_if(o, "region", r, "region");
        copy_if(o, "text", r, "text");
        copy_if(o, "title", r, "title");
        const char *money = is_need ? "budget_fen" : "price_fen";
        if (json_is_integer(json_object_get(r, money)))
            json_object_set_new(o, is_need ? "budget" : "price",
                                money_text(json_object_get(r, money)));
        if (is_need) copy_if(o, "deadline", r, "deadline");
        json_array_append_new(out, o);
    }
    return out;
}

/* GET /api/dock/needs/match: both ways; an enterprise sees its own needs and capabilities. */
static void needs_match(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    enum dock_view v = dock_view_of(who);
    if (v != DOCK_ORGANISER && v != DOCK_AREA && v != DOCK_ENTERPRISE) {
        dock_forbidden(res);
        return;
    }
    int32_t today;
    struct store *st;
    if (dock_today(req, &today, res) || !(st = http_store(req, res))) return;
    struct error err;
    error_clear(&err);
    json_t *needs = NULL, *caps = NULL;
    if (dock_list(st, "need", NULL, store_val_null(), 0, 0, &needs, &err) ||
        dock_list(st, "capability", NULL, store_val_null(), 0, 0, &caps, &err)) {
        json_decref(needs);
        dock_fail(res, &err);
        return;
    }
    char d[16];
    json_t *in =
        json_pack("{s:o, s:o, s:s, s:i}", "needs", need_side(needs, true), "capabilities",
                  need_side(caps, false), "date", date_format(today, d, sizeof d), "top", 5);
    json_decref(needs), json_decref(caps);
    json_t *out = match_needs(in, &err);
    json_decref(in);
    if (!out) {
        dock_fail(res, &err);
        return;
    }
    if (v == DOCK_ENTERPRISE) {
        const char *keys[] = {"needs", "capabilities"};
        for (int k = 0; k < 2; k++) {
            json_t *kept = json_array(), *x;
            size_t i;
            json_array_foreach(json_object_get(out, keys[k]), i, x) {
                if (strcmp(json_string_value(json_object_get(x, "owner")), who->uscc) == 0)
                    json_array_append(kept, x);
            }
            json_object_set_new(out, keys[k], kept);
        }
    }
    http_reply_json(res, 200, out);
}

/* ---- 揭榜挂帅 ---- */

static json_t *challenge_input(struct store *st, json_t *c, struct error *err) {
    json_t *apps = NULL, *ms = NULL;
    int64_t id = json_integer_value(json_object_get(c, "id"));
    if (dock_list(st, "application", "challenge_id", store_val_int(id), 0, 0, &apps, err))
        return NULL;
    if (dock_list(st, "milestone", "challenge_id", store_val_int(id), 0, 0, &ms, err)) {
        json_decref(apps);
        return NULL;
    }
    json_t *o = json_pack("{s:o}", "id", id_text(c));
    copy_if(o, "owner", c, "uscc");
    copy_if(o, "title", c, "title");
    copy_if(o, "deadline", c, "deadline");
    copy_if(o, "cancelled", c, "cancelled_on");
    json_object_set_new(o, "reward", money_text(json_object_get(c, "reward_fen")));
    json_t *al = json_array(), *x, *ml = json_array();
    size_t i;
    json_array_foreach(apps, i, x)
        json_array_append_new(al, json_pack("{s:O, s:O}", "solver", json_object_get(x, "solver"),
                                            "date", json_object_get(x, "date")));
    json_array_foreach(ms, i, x) {
        json_t *m = json_object();
        copy_if(m, "name", x, "name");
        copy_if(m, "share", x, "share");
        copy_if(m, "due", x, "due");
        copy_if(m, "done", x, "done");
        json_array_append_new(ml, m);
    }
    json_object_set_new(o, "applications", al);
    json_object_set_new(o, "milestones", ml);
    if (json_is_string(json_object_get(c, "solver")))
        json_object_set_new(o, "selected",
                            json_pack("{s:O, s:O}", "solver", json_object_get(c, "solver"), "date",
                                      json_object_get(c, "selected_on")));
    json_decref(apps), json_decref(ms);
    return o;
}

static json_t *challenge_of(struct http_request *req, struct store *st, int64_t *id,
                            struct http_response *res) {
    if (dock_param_id(req, "id", id, res)) return NULL;
    json_t *c = NULL;
    struct error err;
    if (dock_get(st, "challenge", *id, &c, &err)) {
        dock_fail(res, &err);
        return NULL;
    }
    return c;
}

static bool owns_challenge(const struct actor *a, json_t *c) {
    enum dock_view v = dock_view_of(a);
    return v == DOCK_ORGANISER || v == DOCK_AREA ||
           (v == DOCK_ENTERPRISE &&
            strcmp(json_string_value(json_object_get(c, "uscc")), a->uscc) == 0);
}

/* The challenge {id} of the request's store when the actor owns it (or organises): a reply and
 * NULL otherwise. */
static json_t *owned_challenge(struct http_request *req, struct http_response *res,
                               struct store **st, int64_t *id) {
    json_t *c = (*st = http_store(req, res)) ? challenge_of(req, *st, id, res) : NULL;
    if (c && !owns_challenge(http_actor(req), c)) {
        json_decref(c);
        dock_forbidden(res);
        return NULL;
    }
    return c;
}

/* Whether the action may happen to the challenge now (challenge_next on its state today); a 409
 * naming "state" and false when not. is_last: the milestone being done is the last one open. */
static bool challenge_may(struct store *st, json_t *c, enum challenge_action act, bool is_last,
                          struct http_response *res) {
    struct error err;
    error_clear(&err);
    char d[16];
    json_t *one = challenge_input(st, c, &err), *out = NULL;
    if (one) {
        json_t *in = json_pack("{s:s, s:[o]}", "date", date_format(date_today(), d, sizeof d),
                               "challenges", one);
        out = challenge_report(in, &err);
        json_decref(in);
    }
    const char *name = json_string_value(
        json_object_get(json_array_get(json_object_get(out, "challenges"), 0), "state"));
    int from = challenge_state_of(name);
    enum challenge_state to;
    int rc = from < 0 ? (err.code ? err.code : ERR_INVALID)
                      : challenge_next((enum challenge_state)from, act, is_last, &to, &err);
    json_decref(out);
    if (rc) http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
    return rc == 0;
}

static void challenge_reply(struct http_request *req, struct store *st, json_t *c,
                            struct http_response *res) {
    int32_t today;
    if (dock_today(req, &today, res)) return;
    struct error err;
    error_clear(&err);
    json_t *one = challenge_input(st, c, &err);
    if (!one) {
        dock_fail(res, &err);
        return;
    }
    char d[16];
    json_t *in =
        json_pack("{s:s, s:[o]}", "date", date_format(today, d, sizeof d), "challenges", one);
    json_t *out = challenge_report(in, &err);
    json_decref(in);
    if (!out) {
        dock_fail(res, &err);
        return;
    }
    json_t *rep = json_incref(json_array_get(json_object_get(out, "challenges"), 0));
    json_decref(out);
    http_reply_json(res, 200, rep);
}

static void challenge_get(struct http_request *req, struct http_response *res) {
    struct store *st = http_store(req, res);
    int64_t id;
    json_t *c = st ? challenge_of(req, st, &id, res) : NULL;
    if (!c) return;
    challenge_reply(req, st, c, res);
    json_decref(c);
}

/* POST /api/dock/challenges/{id}/apply {solver, note}: 揭榜 (an enterprise under its own name). */
static void challenge_apply(struct http_request *req, struct http_response *res) {
    struct store *st = http_store(req, res);
    int64_t id;
    json_t *c = st ? challenge_of(req, st, &id, res) : NULL;
    if (!c) return;
    const struct actor *who = http_actor(req);
    enum dock_view v = dock_view_of(who);
    json_t *in = http_body_json(req, res);
    if (!in) {
        json_decref(c);
        return;
    }
    if (v == DOCK_ENTERPRISE) {
        struct profile *p = malloc(sizeof *p);
        if (p && !dock_profile_from_store(st, who->uscc, p, http_arena(req)) && p->v[F_NAME].has)
            json_object_set_new(in, "solver", json_string(p->v[F_NAME].s));
        else
            json_object_set_new(in, "solver", json_string(who->uscc));
        free(p);
    } else if (v != DOCK_ORGANISER && v != DOCK_AREA) {
        json_decref(in), json_decref(c);
        dock_forbidden(res);
        return;
    }
    if (!challenge_may(st, c, CHALLENGE_APPLY, false, res)) {
        json_decref(in), json_decref(c);
        return;
    }
    json_object_set_new(in, "challenge_id", json_integer(id));
    if (!json_object_get(in, "date")) {
        char d[16];
        json_object_set_new(in, "date", json_string(date_format(date_today(), d, sizeof d)));
    }
    struct error err;
    error_clear(&err);
    int rc = dock_put(st, "application", in, NULL, &err);
    json_decref(in);
    if (rc) {
        json_decref(c);
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    challenge_reply(req, st, c, res);
    json_decref(c);
}

/* POST /api/dock/challenges/{id}/select {solver, date}: the owner picks a solver who applied; the
 * report refuses one who did not (or applied after the deadline) and nothing is kept. */
static void challenge_select(struct http_request *req, struct http_response *res) {
    struct store *st;
    int64_t id;
    json_t *c = owned_challenge(req, res, &st, &id);
    if (!c) return;
    if (!challenge_may(st, c, CHALLENGE_SELECT, false, res)) {
        json_decref(c);
        return;
    }
    json_t *in = http_body_json(req, res);
    if (!in) {
        json_decref(c);
        return;
    }
    char d[16];
    json_t *upd = json_pack("{s:I, s:O, s:o}", "id", (json_int_t)id, "solver",
                            json_object_get(in, "solver"), "selected_on",
                            json_object_get(in, "date")
                                ? json_incref(json_object_get(in, "date"))
                                : json_string(date_format(date_today(), d, sizeof d)));
    json_decref(in);
    struct error err;
    error_clear(&err);
    int rc = store_begin(st, &err);
    if (!rc) rc = dock_put(st, "challenge", upd, NULL, &err);
    json_decref(upd);
    json_t *now = NULL, *one = NULL, *rep = NULL;
    if (!rc) rc = dock_get(st, "challenge", id, &now, &err);
    if (!rc && !(one = challenge_input(st, now, &err))) rc = err.code;
    if (!rc) {
        json_t *wrap = json_pack("{s:[O]}", "challenges", one);
        if (!(rep = challenge_report(wrap, &err))) rc = err.code ? err.code : ERR_INVALID;
        json_decref(wrap);
    }
    if (rc)
        store_rollback(st);
    else
        rc = store_commit(st, &err);
    json_decref(one), json_decref(rep), json_decref(c);
    if (rc) {
        json_decref(now);
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    challenge_reply(req, st, now, res);
    json_decref(now);
}

/* POST /api/dock/challenges/{id}/milestones/{seq} {done: "2026-12-01"} */
static void milestone_done(struct http_request *req, struct http_response *res) {
    struct store *st;
    int64_t id, seq;
    json_t *c = owned_challenge(req, res, &st, &id);
    if (!c) return;
    if (dock_param_id(req, "seq", &seq, res)) {
        json_decref(c);
        return;
    }
    json_t *in = http_body_json(req, res);
    if (!in) {
        json_decref(c);
        return;
    }
    struct error err;
    error_clear(&err);
    struct store_val a[] = {store_val_int(id), store_val_int(seq)};
    int64_t mid = 0, n_open = 0, is_open = 0;
    int rc = store_sql_int(st, "SELECT id FROM dock_milestone WHERE challenge_id = ? AND seq = ?",
                           a, 2, 0, &mid, &err);
    if (!rc && mid == 0)
        rc = error_set(&err, ERR_NOTFOUND, "榜单没有第 %lld 个里程碑",
                       "the challenge has no milestone %lld", (long long)seq);
    if (!rc)
        rc = store_sql_int(st,
                           "SELECT COUNT(*) FROM dock_milestone WHERE challenge_id = ? AND done IS"
                           " NULL",
                           a, 1, 0, &n_open, &err);
    if (!rc)
        rc = store_sql_int(st,
                           "SELECT COUNT(*) FROM dock_milestone WHERE challenge_id = ? AND seq = ?"
                           " AND done IS NULL",
                           a, 2, 0, &is_open, &err);
    bool is_done = json_is_string(json_object_get(in, "done"));
    if (!rc && is_done && !is_open) {
        error_set(&err, ERR_CONFLICT, "第 %lld 个里程碑已完成", "milestone %lld is done already",
                  (long long)seq);
        rc = error_field(&err, "done");
    }
    if (rc) {
        json_decref(in), json_decref(c);
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    /* marking one done is a step of the state machine; clearing a date (a correction) is not */
    if (is_done && !challenge_may(st, c, CHALLENGE_MILESTONE, n_open == 1, res)) {
        json_decref(in), json_decref(c);
        return;
    }
    json_t *upd =
        json_pack("{s:I, s:O}", "id", (json_int_t)mid, "done",
                  json_object_get(in, "done") ? json_object_get(in, "done") : json_null());
    if (!rc) rc = dock_put(st, "milestone", upd, NULL, &err);
    json_decref(upd), json_decref(in);
    if (rc) {
        json_decref(c);
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    challenge_reply(req, st, c, res);
    json_decref(c);
}

/* POST /api/dock/challenges/{id}/cancel: 撤榜 today, by its owner or an organiser, any time
 * before it is done, lapsed or cancelled. */
static void challenge_cancel(struct http_request *req, struct http_response *res) {
    struct store *st;
    int64_t id;
    json_t *c = owned_challenge(req, res, &st, &id);
    if (!c) return;
    if (!challenge_may(st, c, CHALLENGE_CANCEL, false, res)) {
        json_decref(c);
        return;
    }
    char d[16];
    json_t *upd = json_pack("{s:I, s:s}", "id", (json_int_t)id, "cancelled_on",
                            date_format(date_today(), d, sizeof d));
    struct error err;
    error_clear(&err);
    json_t *now = NULL;
    int rc = dock_put(st, "challenge", upd, NULL, &err);
    json_decref(upd), json_decref(c);
    if (!rc) rc = dock_get(st, "challenge", id, &now, &err);
    if (rc) {
        dock_fail(res, &err);
        return;
    }
    challenge_reply(req, st, now, res);
    json_decref(now);
}

/* ---- intents ---- */

/* GET /api/dock/intents/funnel: needs → needs with an intent → deals. */
static void intents_get(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    struct store *st = http_store(req, res);
    if (!st) return;
    struct error err;
    error_clear(&err);
    json_t *rows = NULL, *needs = NULL;
    if (dock_list(st, "intent", NULL, store_val_null(), 0, 0, &rows, &err) ||
        dock_query(st, "SELECT id FROM dock_need ORDER BY id", NULL, 0, "i", &needs, &err)) {
        json_decref(rows);
        dock_fail(res, &err);
        return;
    }
    json_t *ids = json_array(), *x, *list = json_array();
    size_t i;
    json_array_foreach(needs, i, x) json_array_append_new(ids, id_text(x));
    int n_other = 0; /* intents not about a need (after an event): outside the funnel */
    json_array_foreach(rows, i, x) {
        if (!json_is_integer(json_object_get(x, "need_id"))) {
            n_other++;
            continue;
        }
        json_t *o = json_pack("{s:o}", "id", id_text(x));
        char b[24];
        snprintf(b, sizeof b, "%lld", (long long)json_integer_value(json_object_get(x, "need_id")));
        json_object_set_new(o, "need", json_string(b));
        copy_if(o, "from", x, "from_party");
        copy_if(o, "to", x, "to_party");
        copy_if(o, "status", x, "status");
        copy_if(o, "date", x, "date");
        if (json_is_integer(json_object_get(x, "amount_fen")))
            json_object_set_new(o, "amount", money_text(json_object_get(x, "amount_fen")));
        json_array_append_new(list, o);
    }
    json_t *in = json_pack("{s:o, s:o}", "needs", ids, "intents", list);
    json_t *out = intents_funnel(in, &err);
    json_decref(in), json_decref(needs);
    if (!out) {
        json_decref(rows);
        dock_fail(res, &err);
        return;
    }
    json_object_set_new(out, "other_intents", json_integer(n_other));
    json_object_set_new(out, "items", rows);
    http_reply_json(res, 200, out);
}

void http_routes_dock_match(struct http_router *r) {
    http_route(r, "GET", "/api/dock/investors/match", investors_match, 0);
    http_route(r, "POST", "/api/dock/selection/ranks", selection_ranks, 0);
    http_route(r, "POST", "/api/dock/selection/compute", selection_compute, 0);
    http_route(r, "GET", "/api/dock/selection", selection_get, 0);
    http_route(r, "GET", "/api/dock/needs/match", needs_match, 0);
    http_route(r, "GET", "/api/dock/challenges/{id}", challenge_get, 0);
    http_route(r, "POST", "/api/dock/challenges/{id}/apply", challenge_apply, 0);
    http_route(r, "POST", "/api/dock/challenges/{id}/select", challenge_select, 0);
    http_route(r, "POST", "/api/dock/challenges/{id}/milestones/{seq}", milestone_done, 0);
    http_route(r, "POST", "/api/dock/challenges/{id}/cancel", challenge_cancel, 0);
    http_route(r, "GET", "/api/dock/intents/funnel", intents_get, 0);
}
