/* Owns GET /api/stats/money?by=clause|policy|department|district|industry|year|month: paid totals
 * (exact fen) per group within the caller's scope, approved-but-unpaid money and application
 * counts by state, for the dashboard. The sums are src/workflow's (workflow_stats).
 *
 * Also GET /api/stats/dashboard: everything the dashboard's first screen shows in one answer (the
 * page made 48 requests before: money five times, the network twice, and a policy read and a rule
 * preview per clause). It reuses the same sources, not new sums: workflow_stats per grouping, the
 * match endpoints' index and published clauses (each clause's rule counted as POST
 * /api/match/preview counts it, once per index generation, catalog and scope: match_coverage's
 * cache), network_stats per centre and per commissioner. It does not own any of those figures.
 * Eligible vs applied per clause joins the two: workflow_applicants' firms as rows of the index,
 * the clause's rule evaluated on those rows only (per request: a new application must show). */
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"
#include "index/index.h"
#include "match/match.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "store/store.h"
#include "util/date.h"
#include "workflow/workflow.h"

#define DASH_CLAUSES 40       /* the coverage chart's clauses (it stays readable up to this) */
#define DASH_COMMISSIONERS 20 /* the commissioners with the most visits */

static void money(struct http_request *req, struct http_response *res) {
    const char *by = http_query(req, "by");
    struct store *s = http_store(req, res);
    if (!s) return;
    json_t *o = NULL;
    struct error err;
    if (workflow_stats(s, http_actor(req), by && *by ? by : "clause", &o, &err))
        http_reply_err(res, 0, &err);
    else
        http_reply_json(res, 200, o);
}

/* {"paid_fen", "payments", "approved_unpaid_fen", "applications", "by_month": groups, …}: the
 * totals once, the groups of each grouping the charts draw. *by_clause: the clause groups (the
 * coverage joins them), the caller's. */
static int dash_money(struct store *s, const struct actor *who, json_t **out, json_t **by_clause,
                      struct error *err) {
    static const char *const bys[] = {"month", "district", "policy", "industry", "clause"};
    json_t *o = json_object();
    *by_clause = NULL;
    for (size_t i = 0; i < sizeof bys / sizeof bys[0]; i++) {
        json_t *st = NULL;
        if (workflow_stats(s, who, bys[i], &st, err)) {
            json_decref(o);
            return -1;
        }
        if (i == 0) {
            const char *keys[] = {"paid_fen", "payments", "approved_unpaid_fen", "applications"};
            for (size_t k = 0; k < 4; k++)
                json_object_set(o, keys[k], json_object_get(st, keys[k]));
        }
        json_t *groups = json_object_get(st, "groups");
        if (strcmp(bys[i], "clause") == 0) {
            *by_clause = json_incref(groups);
        } else {
            char key[32];
            snprintf(key, sizeof key, "by_%s", bys[i]);
            json_object_set(o, key, groups);
        }
        json_decref(st);
    }
    *out = o;
    return 0;
}

/* The payments and paid fen of a clause in the clause groups of workflow_stats. */
static void clause_paid(const json_t *groups, int64_t id, json_t *into) {
    size_t i;
    json_t *g;
    json_int_t payments = 0, paid = 0;
    json_array_foreach(groups, i, g) {
        const json_t *key = json_object_get(g, "key");
        int64_t k = json_is_integer(key)
                        ? (int64_t)json_integer_value(key)
                        : (json_is_string(key) ? atoll(json_string_value(key)) : 0);
        if (k != id) continue;
        payments = json_integer_value(json_object_get(g, "payments"));
        paid = json_integer_value(json_object_get(g, "paid_fen"));
        break;
    }
    json_object_set_new(into, "payments", json_integer(payments));
    json_object_set_new(into, "paid_fen", json_integer(paid));
}

/* Who applied for what, as rows of the index: the actor's view of workflow_applicants, turned
 * into one bitmap per clause on demand. NULL pairs when the actor sees no applications. */
struct applied {
    const struct index_gen *g;
    struct workflow_applicant *pairs; /* by clause id */
    int64_t n;
    const struct actor *who;
    const struct policy *pols; /* published, in id order: a clause's department */
    int n_pols;
};

/* Whether the actor sees the applications of clause c at all (workflow_sees_department for the
 * department of c's policy): where it does not, they are unknown to it, not zero. */
static bool applied_visible(const struct applied *ap, const struct clause *c) {
    if (!ap->pairs) return false;
    for (int lo = 0, hi = ap->n_pols - 1; lo <= hi;) {
        int mid = lo + (hi - lo) / 2;
        if (ap->pols[mid].id == c->policy_id)
            return workflow_sees_department(ap->who, ap->pols[mid].department);
        if (ap->pols[mid].id < c->policy_id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return false;
}

/* The rows of the enterprises that applied for clause id (a new bitmap; firms no longer in the
 * index are left out: they are not counted as eligible either). */
static roaring_bitmap_t *applied_rows(const struct applied *ap, int64_t id) {
    roaring_bitmap_t *b = roaring_bitmap_create();
    int64_t lo = 0, hi = ap->n;
    while (lo < hi) { /* the first pair of the clause */
        int64_t mid = lo + (hi - lo) / 2;
        if (ap->pairs[mid].clause_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int64_t i = lo; i < ap->n && ap->pairs[i].clause_id == id; i++) {
        uint32_t row;
        if (index_find_uscc(ap->g, ap->pairs[i].uscc, &row) == 0) roaring_bitmap_add(b, row);
    }
    return b;
}

/* On clause c: *applied (firms that applied or were paid without applying) and *missed (eligible
 * today and never applied: the firms that miss out), both written into o; false (and both null in
 * o) when the actor cannot see the clause's applications. eligible: the clause's eligible count on
 * the actor's rows. */
static int clause_applied(const struct applied *ap, const struct clause *c,
                          const struct rule_cond *cond, const roaring_bitmap_t *scope,
                          uint64_t eligible, json_t *o, bool *is_seen, uint64_t *applied,
                          uint64_t *missed, struct error *err) {
    *applied = *missed = 0;
    *is_seen = applied_visible(ap, c);
    if (!*is_seen) {
        json_object_set_new(o, "applied", json_null());
        json_object_set_new(o, "missed", json_null());
        return 0;
    }
    roaring_bitmap_t *rows = applied_rows(ap, c->id);
    if (scope) roaring_bitmap_and_inplace(rows, scope);
    uint64_t applied_eligible = 0;
    *applied = roaring_bitmap_get_cardinality(rows);
    if (*applied) { /* the rule on the applicants' rows only: a sparse scope costs little */
        struct match_sets sets;
        if (match_cond_within(ap->g, cond, rows, &sets, err)) {
            roaring_bitmap_free(rows);
            return -1;
        }
        applied_eligible = roaring_bitmap_get_cardinality(sets.eligible);
        match_sets_release(&sets);
    }
    roaring_bitmap_free(rows);
    *missed = eligible - applied_eligible;
    json_object_set_new(o, "applied", json_integer((json_int_t)*applied));
    json_object_set_new(o, "missed", json_integer((json_int_t)*missed));
    return 0;
}

/* {"date", "enterprises", "clauses_total", "no_one_eligible", "nobody_applied", "missed",
 * "clauses": [{id, policy_id, title, is_exempt, eligible, unknown, applied, missed, payments,
 * paid_fen}]}: each published clause in force today counted on the caller's rows, the first
 * DASH_CLAUSES listed; the totals count over all of them. The eligible and unknown counts are
 * match_coverage's, computed once per generation, catalog and scope (the caller's region); the
 * money and the applications joined to them are this request's. applied: firms that applied
 * (past draft) or were paid without applying (免申即享); missed: eligible today and never applied
 * — "the firms that miss out", listed by GET /api/clauses/{id}/enterprises?status=missed;
 * nobody_applied: clauses someone is eligible for and nobody applied for. scope: the caller's
 * rows (NULL = all), to cut the applicants to. */
static int dash_coverage(const struct index_gen *g, const struct match_catalog *cat, int region,
                         const roaring_bitmap_t *scope, const json_t *by_clause,
                         const struct applied *ap, json_t **out, struct error *err) {
    const struct match_coverage *cv;
    if (match_coverage(g, cat, region, &cv, err)) return -1;
    int32_t today = index_gen_today(g);
    json_t *list = json_array();
    int64_t n_unapplied = 0;
    uint64_t missed_total = 0;
    bool is_any_visible = false;
    for (int k = 0; k < cv->n; k++) {
        const struct clause *c = &cat->clauses[cv->clause[k]];
        const struct rule_version *v = rules_version_at(cat->rules[cv->clause[k]], today);
        json_t *o = json_object();
        bool is_seen;
        uint64_t applied, missed;
        if (clause_applied(ap, c, v->cond, scope, cv->eligible[k], o, &is_seen, &applied, &missed,
                           err)) {
            json_decref(o);
            json_decref(list);
            match_coverage_release(cv);
            return -1;
        }
        if (is_seen) {
            is_any_visible = true;
            missed_total += missed;
            if (cv->eligible[k] && !applied) n_unapplied++;
        }
        if (k >= DASH_CLAUSES) {
            json_decref(o);
            continue;
        }
        json_object_set_new(o, "id", json_integer(c->id));
        json_object_set_new(o, "policy_id", json_integer(c->policy_id));
        json_object_set_new(o, "title", json_string(c->title ? c->title : ""));
        json_object_set_new(o, "is_exempt", json_boolean(c->is_exempt));
        json_object_set_new(o, "eligible", json_integer((json_int_t)cv->eligible[k]));
        json_object_set_new(o, "unknown", json_integer((json_int_t)cv->unknown[k]));
        clause_paid(by_clause, c->id, o);
        json_array_append_new(list, o);
    }
    char day[16];
    *out = json_object();
    json_object_set_new(*out, "date", json_string(date_format(today, day, sizeof day)));
    json_object_set_new(*out, "enterprises", json_integer((json_int_t)cv->rows));
    json_object_set_new(*out, "clauses_total", json_integer(cv->n));
    json_object_set_new(*out, "no_one_eligible", json_integer(cv->n_none));
    /* over the clauses whose applications the actor sees (null when none) */
    json_object_set_new(*out, "nobody_applied",
                        is_any_visible ? json_integer(n_unapplied) : json_null());
    json_object_set_new(*out, "missed",
                        is_any_visible ? json_integer((json_int_t)missed_total) : json_null());
    json_object_set_new(*out, "clauses", list);
    match_coverage_release(cv);
    return 0;
}

static int by_visits(const void *a, const void *b) {
    const struct network_stat *x = a, *y = b;
    if (x->visits != y->visits) return x->visits < y->visits ? 1 : -1;
    return x->unit_id < y->unit_id ? -1 : x->unit_id > y->unit_id;
}

/* {"from", "to", "centres": [...], "commissioners": [...]} (the last year, as GET
 * /api/network/stats; the commissioners with the most visits), or JSON null for a caller with no
 * unit in the network. */
static int dash_network(struct store *s, const struct actor *who, json_t **out, struct error *err) {
    struct network *n;
    if (network_load(s, &n, err)) return -1;
    const struct network_unit *unit = network_actor_unit(n, who);
    if (!unit) {
        network_free(n);
        *out = json_null();
        return 0;
    }
    int32_t today = date_today(), from = today - 365;
    struct network_stat *st = malloc((size_t)(n->n_units ? n->n_units : 1) * sizeof *st);
    json_t *o = json_object();
    char day[16];
    json_object_set_new(o, "from", json_string(date_format(from, day, sizeof day)));
    json_object_set_new(o, "to", json_string(date_format(today, day, sizeof day)));
    int rc = st ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int centre = 1; !rc && centre >= 0; centre--) {
        int n_st = 0;
        rc = network_stats(s, n, unit->id, centre, from, today, today, st, &n_st, err);
        if (rc) break;
        int keep = n_st;
        if (!centre) {
            qsort(st, (size_t)n_st, sizeof *st, by_visits);
            if (keep > DASH_COMMISSIONERS) keep = DASH_COMMISSIONERS;
        }
        json_t *list = json_array();
        for (int i = 0; i < keep; i++)
            json_array_append_new(list, network_stat_json(n, &st[i]));
        json_object_set_new(o, centre ? "centres" : "commissioners", list);
        if (!centre) json_object_set_new(o, "commissioners_total", json_integer(n_st));
    }
    free(st);
    network_free(n);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

/* The rows an area-scoped caller counts (its region's), NULL for the whole city: the cut POST
 * /api/match/preview makes. */
static int dash_scope(const struct actor *who, const struct index_gen *g, roaring_bitmap_t **out,
                      struct error *err) {
    *out = NULL;
    if (who->region < 0) return 0;
    struct index_atom a = {F_REGION, INDEX_WITHIN, who->region, {0, 1}};
    return index_eval_atom_within(g, &a, NULL, out, NULL, err);
}

/* GET /api/stats/dashboard: {"policies", "money", "coverage", "network"}. */
static void dashboard(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    const struct match_catalog *cat;
    void *token = NULL;
    struct index_gen *g = http_match_acquire(req, res, &cat, &token);
    if (!g) return;
    json_t *o = json_object(), *m = NULL, *by_clause = NULL, *cov = NULL, *net = NULL;
    roaring_bitmap_t *scope = NULL; /* the caller's rows, to cut the applicants to */
    struct policy *pols;
    int n_pols = 0;
    int rc = store_list_policies(s, POLICY_PUBLISHED, http_arena(req), &pols, &n_pols, &err);
    if (!rc) rc = dash_money(s, who, &m, &by_clause, &err);
    struct applied ap = {g, NULL, 0, who, pols, n_pols};
    if (!rc && workflow_may_list(who)) {
        rc = workflow_applicants(s, who, 0, &ap.pairs, &ap.n, &err);
        if (!rc) rc = dash_scope(who, g, &scope, &err);
    }
    if (!rc) rc = dash_coverage(g, cat, who->region, scope, by_clause, &ap, &cov, &err);
    free(ap.pairs);
    if (scope) roaring_bitmap_free(scope);
    if (!rc) rc = dash_network(s, who, &net, &err);
    http_match_release(g, token);
    json_decref(by_clause);
    if (rc) {
        json_decref(o);
        json_decref(m);
        json_decref(cov);
        http_reply_err(res, 0, &err);
        return;
    }
    json_object_set_new(o, "policies", json_integer(n_pols));
    json_object_set_new(o, "money", m);
    json_object_set_new(o, "coverage", cov);
    json_object_set_new(o, "network", net);
    http_reply_json(res, 200, o);
}

void http_routes_stats(struct http_router *r) {
    http_route(r, "GET", "/api/stats/money", money, 0);
    http_route(r, "GET", "/api/stats/dashboard", dashboard, 0);
}
