/* Tests for src/match: the bitmap plan, the nearly-eligible groups, the enterprise → clauses flat
 * form and the breakdowns agree with the rules evaluator (rules_eval_cond) on every status,
 * unknowns included, for random condition trees (and/or/not over every atom kind, arithmetic atoms
 * too) and the demo policies' rules, over random profiles; updates to the index are seen. */
#include <stdlib.h>
#include <string.h>

#include "fake_profiles.h"
#include "match/match.h"
#include "test.h"

static int32_t today(void) {
    return date_from_ymd(2026, 6, 30);
}

struct world {
    int n;
    struct profile *ps;
    char (*uscc)[19];
    struct index_gen *g;
};

static void world_make(struct world *w, int n, uint64_t seed) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    w->n = n;
    w->ps = malloc((size_t)n * sizeof *w->ps);
    w->uscc = malloc((size_t)n * sizeof *w->uscc);
    uint64_t s = seed;
    struct index_builder *b;
    CHECK_INT(index_builder_new(today(), &b, &err), 0);
    for (int i = 0; i < n; i++) {
        fake_profile(&w->ps[i], &s, i, today(), w->uscc[i]);
        CHECK_INT(index_builder_add(b, i + 1, &w->ps[i], &err), 0);
    }
    CHECK_INT(index_builder_finish(b, &w->g, &err), 0);
}

static void world_release(struct world *w) {
    index_gen_release(w->g);
    free(w->ps);
    free(w->uscc);
}

/* ---- random condition trees, built directly in an arena ---- */

static struct rule_expr *expr_field(struct arena *a, enum field_id f) {
    struct rule_expr *e = arena_alloc(a, sizeof *e);
    e->kind = RE_FIELD;
    e->field = f;
    enum field_type t = schema_field(f)->type;
    e->dim = t == FT_MONEY ? RD_MONEY : t == FT_DATE ? RD_DATE : RD_NUM;
    return e;
}

static struct rule_expr *expr_const(struct arena *a, struct ratio k, enum rule_dim dim) {
    struct rule_expr *e = arena_alloc(a, sizeof *e);
    e->kind = RE_CONST;
    e->k = k;
    e->dim = dim;
    return e;
}

static int *values_of(struct arena *a, int n) {
    return arena_alloc(a, (size_t)(n ? n : 1) * sizeof(int));
}

static struct rule_cond *random_atom(struct arena *a, uint64_t *s, const struct world *w) {
    static const enum field_id nums[] = {F_EMPLOYEES,   F_REVENUE,        F_RD_EXPENSE,
                                         F_ESTABLISHED, F_AGE_YEARS,      F_RD_RATIO,
                                         F_DEBT_RATIO,  F_REVENUE_GROWTH, F_INVENTION_PATENTS};
    struct rule_cond *c = arena_alloc(a, sizeof *c);
    c->atom = 0;
    const struct profile *pick = &w->ps[fake_below(s, w->n)];
    switch (fake_below(s, 7)) {
    case 0:
    case 1: { /* field op constant */
        enum field_id f = nums[fake_below(s, (int64_t)(sizeof nums / sizeof *nums))];
        const struct value *v = &pick->v[f];
        bool is_ratio = schema_field(f)->type == FT_RATIO;
        c->kind = RC_CMP;
        c->is_simple = true;
        c->field = f;
        c->op = (enum rule_op)fake_below(s, 6);
        if (v->has && fake_below(s, 2))
            c->k = is_ratio ? v->r : (struct ratio){v->i, 1};
        else
            c->k = is_ratio ? (struct ratio){fake_below(s, 40), 100}
                            : (struct ratio){fake_below(s, 3000000000), 1};
        c->lhs = expr_field(a, f);
        c->rhs = expr_const(a, c->k, c->lhs->dim);
        return c;
    }
    case 2: { /* arithmetic: rd_expense × 20 >= revenue (a residual atom) */
        c->kind = RC_CMP;
        c->is_simple = false;
        c->field = F_COUNT;
        c->op = (enum rule_op)fake_below(s, 6);
        struct rule_expr *m = arena_alloc(a, sizeof *m);
        m->kind = RE_MUL;
        m->dim = RD_MONEY;
        m->a = expr_field(a, F_RD_EXPENSE);
        m->b = expr_const(a, (struct ratio){fake_below(s, 40) + 1, 1}, RD_NUM);
        c->lhs = m;
        c->rhs = expr_field(a, F_REVENUE);
        return c;
    }
    case 3: { /* region or industry within one of 1–3 nodes */
        bool is_region = fake_below(s, 2);
        enum field_id f = is_region ? F_REGION : F_INDUSTRY;
        c->kind = RC_IN;
        c->field = f;
        c->n_values = (int)fake_below(s, 3) + 1;
        c->values = values_of(a, c->n_values);
        for (int i = 0; i < c->n_values; i++) {
            int node = is_region ? fake_region(s) : (int)fake_below(s, industry_count());
            if (pick->v[f].has && fake_below(s, 2)) {
                node = (int)pick->v[f].i;
                int up = (int)fake_below(s, 3);
                for (; up > 0; up--) {
                    int p = is_region ? region_at(node)->parent : industry_at(node)->parent;
                    if (p >= 0) node = p;
                }
            }
            c->values[i] = node;
        }
        return c;
    }
    case 4: { /* enum in */
        enum field_id f = fake_below(s, 2) ? F_SIZE : F_OWNERSHIP;
        c->kind = RC_IN;
        c->field = f;
        c->n_values = (int)fake_below(s, 2) + 1;
        c->values = values_of(a, c->n_values);
        for (int i = 0; i < c->n_values; i++)
            c->values[i] = (int)fake_below(s, schema_value_count(schema_field(f)));
        return c;
    }
    case 5: { /* qualifications held */
        c->kind = RC_HAS;
        c->field = F_QUALIFICATIONS;
        c->n_values = (int)fake_below(s, 2) + 1;
        c->values = values_of(a, c->n_values);
        for (int i = 0; i < c->n_values; i++)
            c->values[i] = (int)fake_below(s, 4);
        return c;
    }
    default:
        c->kind = RC_BOOL;
        c->field = F_DISHONEST;
        return c;
    }
}

static struct rule_cond *random_cond(struct arena *a, uint64_t *s, const struct world *w,
                                     int depth) {
    int64_t pick = depth > 2 ? 0 : fake_below(s, 5);
    if (pick <= 1) return random_atom(a, s, w);
    struct rule_cond *c = arena_alloc(a, sizeof *c);
    c->atom = -1;
    if (pick == 2) {
        c->kind = RC_NOT;
        c->n_kids = 1;
    } else {
        c->kind = pick == 3 ? RC_AND : RC_OR;
        c->n_kids = 2 + (int)fake_below(s, 3);
    }
    c->kids = arena_alloc(a, (size_t)c->n_kids * sizeof *c->kids);
    for (int i = 0; i < c->n_kids; i++)
        c->kids[i] = random_cond(a, s, w, depth + 1);
    return c;
}

/* A top-level AND of 3–6 random subtrees: the shape of a real clause. */
static struct rule_cond *random_rule(struct arena *a, uint64_t *s, const struct world *w) {
    struct rule_cond *c = arena_alloc(a, sizeof *c);
    c->kind = RC_AND;
    c->atom = -1;
    c->n_kids = 3 + (int)fake_below(s, 4);
    c->kids = arena_alloc(a, (size_t)c->n_kids * sizeof *c->kids);
    for (int i = 0; i < c->n_kids; i++)
        c->kids[i] = random_cond(a, s, w, 1);
    return c;
}

static enum tri status_in(const struct match_sets *m, uint32_t row) {
    bool e = roaring_bitmap_contains(m->eligible, row),
         u = roaring_bitmap_contains(m->unknown, row),
         f = roaring_bitmap_contains(m->ineligible, row);
    if (e + u + f != 1) return (enum tri)7;
    return e ? TRI_TRUE : u ? TRI_UNKNOWN : TRI_FALSE;
}

/* Plan, eligible-only plan and nearly groups against the evaluator, over all rows of w. */
static int check_plan(const struct world *w, const struct rule_cond *c) {
    struct match_sets m;
    struct error err;
    if (match_cond(w->g, c, &m, &err)) return 1000;
    struct match_nearly nl;
    if (match_nearly(w->g, c, &nl, &err)) return 1000;
    roaring_bitmap_t *el;
    if (match_eligible(w->g, c, &el, &err)) return 1000;
    int bad = roaring_bitmap_equals(el, m.eligible) ? 0 : 1;
    roaring_bitmap_free(el);
    int k = c->kind == RC_AND ? c->n_kids : 1;
    for (int i = 0; i < w->n; i++) {
        uint32_t row;
        if (index_find_uscc(w->g, w->uscc[i], &row)) {
            bad++;
            continue;
        }
        enum tri want = rules_eval_cond(c, &w->ps[i]);
        if (status_in(&m, row) != want) bad++;
        /* nearly: exactly one conjunct FALSE, all others TRUE */
        int n_false = 0, n_true = 0, which = -1;
        for (int j = 0; j < k; j++) {
            enum tri r = rules_eval_cond(c->kind == RC_AND ? c->kids[j] : c, &w->ps[i]);
            if (r == TRI_FALSE) {
                n_false++;
                which = j;
            }
            n_true += r == TRI_TRUE;
        }
        bool is_near = n_false == 1 && n_true == k - 1;
        for (int j = 0; j < nl.n_groups; j++)
            if (roaring_bitmap_contains(nl.groups[j].rows, row) != (is_near && which == j)) bad++;
    }
    match_sets_release(&m);
    match_nearly_release(&nl);
    return bad;
}

TEST(match_plan_agrees_with_evaluator_on_random_rules) {
    struct world w;
    world_make(&w, 1500, 2024);
    struct arena a;
    arena_init(&a, 1 << 16);
    uint64_t s = 31337;
    int bad = 0;
    for (int r = 0; r < 150 && bad == 0; r++) {
        struct rule_cond *c =
            fake_below(&s, 4) ? random_rule(&a, &s, &w) : random_cond(&a, &s, &w, 0);
        bad += check_plan(&w, c);
        if (bad) test_failf(__FILE__, __LINE__, "rule %d: %d disagreements", r, bad);
    }
    CHECK_INT(bad, 0);
    arena_release(&a);
    world_release(&w);
}

/* The same with each numeric method forced (rank scans, bit slices): the plans' answers must not
 * depend on which the cost model picks. */
TEST(match_plan_agrees_whatever_numeric_method) {
    struct world w;
    world_make(&w, 1500, 4711);
    struct arena a;
    arena_init(&a, 1 << 16);
    static const enum index_numeric_method methods[] = {INDEX_NUMERIC_SCAN, INDEX_NUMERIC_SLICES};
    int bad = 0;
    for (int m = 0; m < 2 && bad == 0; m++) {
        index_set_numeric_method(methods[m]);
        uint64_t s = 999 + (uint64_t)m;
        for (int r = 0; r < 60 && bad == 0; r++) {
            struct rule_cond *c =
                fake_below(&s, 4) ? random_rule(&a, &s, &w) : random_cond(&a, &s, &w, 0);
            bad += check_plan(&w, c);
            if (bad)
                test_failf(__FILE__, __LINE__, "method %d rule %d: %d disagreements", m, r, bad);
        }
    }
    index_set_numeric_method(INDEX_NUMERIC_AUTO);
    CHECK_INT(bad, 0);
    arena_release(&a);
    world_release(&w);
}

/* The demo policies' rules (data/demo/policies.json), compiled by the rules module. */
TEST(match_plan_agrees_on_demo_rules) {
    struct world w;
    world_make(&w, 2000, 77);
    json_error_t je;
    json_t *doc = json_load_file("data/demo/policies.json", 0, &je);
    if (!doc) {
        test_skip("data/demo/policies.json not readable from the working directory");
        world_release(&w);
        return;
    }
    size_t i, j;
    json_t *pol, *cl;
    int n_rules = 0, bad = 0;
    json_array_foreach(doc, i, pol) {
        json_array_foreach(json_object_get(pol, "clauses"), j, cl) {
            const char *src = json_string_value(json_object_get(cl, "rule"));
            if (!src) continue;
            struct rule *r;
            struct error err;
            if (rules_compile(src, strlen(src), "demo", &r, &err)) continue;
            const struct rule_version *v = rules_version_at(r, today());
            if (v && v->cond) {
                n_rules++;
                int b = check_plan(&w, v->cond);
                if (b) test_failf(__FILE__, __LINE__, "rule %s: %d disagreements", src, b);
                bad += b;
            }
            rules_free(r);
        }
    }
    CHECK(n_rules > 0);
    CHECK_INT(bad, 0);
    json_decref(doc);
    world_release(&w);
}

TEST(match_enterprise_agrees_with_evaluator) {
    struct world w;
    world_make(&w, 300, 555);
    struct arena a;
    arena_init(&a, 1 << 16);
    uint64_t s = 99;
    enum { N = 300 };
    struct rule_version *vs = arena_alloc(&a, N * sizeof *vs);
    struct match_clause_in in[N];
    for (int k = 0; k < N; k++) {
        /* some clauses share their atoms: the same tree twice */
        vs[k].cond = k % 5 == 4 ? vs[k - 1].cond : random_rule(&a, &s, &w);
        struct rule_award *aw = arena_alloc(&a, sizeof *aw);
        aw->expr = arena_alloc(&a, sizeof *aw->expr);
        *aw->expr = (struct rule_expr){
            .kind = RE_CONST, .dim = RD_MONEY, .k = {fake_below(&s, 5) * 1000000, 1}};
        vs[k].award = k % 7 ? aw : NULL;
        in[k] = (struct match_clause_in){1000 + k, &vs[k], today() + (int32_t)fake_below(&s, 50)};
    }
    struct match_clauses *cs;
    struct error err;
    CHECK_INT(match_clauses_new(in, N, &cs, &err), 0);
    CHECK(match_clauses_atoms(cs) > 0);
    struct match_hit *hits = malloc(N * sizeof *hits);
    int bad = 0, order_bad = 0;
    for (int i = 0; i < w.n; i++) {
        CHECK_INT(match_enterprise(cs, &w.ps[i], hits), 0);
        bool seen[N] = {0};
        for (int h = 0; h < N; h++) {
            int k = hits[h].clause;
            seen[k] = true;
            if (hits[h].result != rules_eval_cond(vs[k].cond, &w.ps[i])) bad++;
            if (hits[h].id != 1000 + k) bad++;
            int64_t fen = 0;
            bool has = hits[h].result != TRI_FALSE && vs[k].award &&
                       rules_award(vs[k].award, &w.ps[i], &fen, NULL, 0);
            if (hits[h].has_award != has || (has && hits[h].award_fen != fen)) bad++;
            if (h == 0) continue;
            const struct match_hit *p = &hits[h - 1], *q = &hits[h];
            int rp = p->result == TRI_TRUE ? 0 : p->result == TRI_UNKNOWN ? 1 : 2;
            int rq = q->result == TRI_TRUE ? 0 : q->result == TRI_UNKNOWN ? 1 : 2;
            if (rp > rq) order_bad++;
            if (rp == rq && rp < 2 && p->has_award == q->has_award && p->award_fen < q->award_fen)
                order_bad++;
            if (rp == rq && rp == 2 && p->deadline > q->deadline) order_bad++;
        }
        for (int k = 0; k < N; k++)
            bad += !seen[k];
    }
    CHECK_INT(bad, 0);
    CHECK_INT(order_bad, 0);
    struct rule_eval *ev = malloc(sizeof *ev);
    CHECK_INT(match_explain(cs, 0, &w.ps[0], ev, &err), 0);
    CHECK_INT(ev->result, rules_eval_cond(vs[0].cond, &w.ps[0]));
    free(ev);
    free(hits);
    match_clauses_free(cs);
    arena_release(&a);
    world_release(&w);
}

TEST(match_breakdown_counts_by_district_section_size) {
    struct world w;
    world_make(&w, 2000, 808);
    struct match_breakdown bd;
    match_breakdown(w.g, index_gen_live(w.g), &bd);
    CHECK_INT(bd.total, 2000);
    int city = region_by_code(370200);
    for (int d = 0; d < bd.n_district; d++) {
        uint64_t n = 0;
        for (int i = 0; i < w.n; i++)
            n += w.ps[i].v[F_REGION].has &&
                 region_is_within((int)w.ps[i].v[F_REGION].i, bd.district[d].value);
        CHECK_INT(bd.district[d].n, n);
        CHECK(region_at(bd.district[d].value)->parent == city);
    }
    CHECK(bd.n_district > 0);
    uint64_t sections = 0;
    for (int k = 0; k < bd.n_section; k++)
        sections += bd.section[k].n;
    uint64_t with_industry = 0;
    for (int i = 0; i < w.n; i++)
        with_industry += w.ps[i].v[F_INDUSTRY].has;
    CHECK_INT(sections, with_industry);
    for (int k = 0; k < bd.n_size; k++) {
        uint64_t n = 0;
        for (int i = 0; i < w.n; i++)
            n += w.ps[i].v[F_SIZE].has && w.ps[i].v[F_SIZE].i == bd.size[k].value;
        CHECK_INT(bd.size[k].n, n);
    }
    world_release(&w);
}

/* An update to the index is seen by the next plan: an enterprise made to qualify appears. */
TEST(match_sees_updates) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct world w;
    world_make(&w, 500, 4242);
    struct index *ix = index_new(today());
    index_gen_retain(w.g);
    index_publish(ix, w.g);
    const char *src = "资质 包含 \"高新技术企业\" 且 营业收入 >= 1234万元";
    struct rule *r;
    if (rules_compile(src, strlen(src), "t", &r, &err)) {
        test_failf(__FILE__, __LINE__, "compile: %s", err.en);
        index_free(ix);
        world_release(&w);
        return;
    }
    const struct rule_cond *c = rules_version_at(r, today())->cond;
    struct index_gen *g = index_acquire(ix);
    struct match_sets m;
    CHECK_INT(match_cond(g, c, &m, &err), 0);
    uint64_t before = roaring_bitmap_get_cardinality(m.eligible);
    match_sets_release(&m);
    index_gen_release(g);
    /* enterprise 7 now holds 高企 and has 2,000万元 revenue */
    struct profile p = w.ps[7];
    int hi =
        schema_value_index(schema_field(F_QUALIFICATIONS), "高新技术企业", strlen("高新技术企业"));
    p.v[F_QUALIFICATIONS] = (struct value){.has = true, .i = INT64_C(1) << hi, .r = {0, 1}};
    p.v[F_REVENUE] = (struct value){.has = true, .i = 2000000000, .r = {0, 1}};
    profile_derive(&p, today(), NULL);
    bool was = rules_eval_cond(c, &w.ps[7]) == TRI_TRUE;
    int64_t id = 8;
    CHECK_INT(index_update(ix, &id, &p, 1, &err), 0);
    g = index_acquire(ix);
    CHECK_INT(match_cond(g, c, &m, &err), 0);
    uint32_t row;
    CHECK_INT(index_find_uscc(g, w.uscc[7], &row), 0);
    CHECK(roaring_bitmap_contains(m.eligible, row));
    CHECK_INT(roaring_bitmap_get_cardinality(m.eligible), before + (was ? 0 : 1));
    match_sets_release(&m);
    index_gen_release(g);
    rules_free(r);
    index_free(ix);
    world_release(&w);
}
