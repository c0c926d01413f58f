/* Owns clause → enterprises: a rule's condition tree evaluated as a bitmap plan over one index
 * generation. Each node yields (T, U) — rows where it is TRUE and UNKNOWN; FALSE is live − T − U —
 * combined by Kleene logic: AND: T = T1∩T2, U = (T1∪U1)∩(T2∪U2) − T; OR: T = T1∪T2, U = (U1∪U2) −
 * T; NOT swaps TRUE and FALSE. Atoms the index cannot answer (arithmetic over fields) run the rules
 * evaluator on each row in scope. Also nearly-eligible groups and the dashboard breakdown. Does not
 * own enterprise → clauses (clauses.c). */
#include <stdlib.h>
#include <string.h>

#include "match/match.h"
#include "refdata/refdata.h"

struct tu {
    roaring_bitmap_t *t, *u;
};

static void tu_release(struct tu *x) {
    if (x->t) roaring_bitmap_free(x->t);
    if (x->u) roaring_bitmap_free(x->u);
    x->t = x->u = NULL;
}

static int oom(struct error *err) {
    return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

/* a := a AND b (b released). */
static void tu_and(struct tu *a, struct tu *b) {
    roaring_bitmap_or_inplace(a->u, a->t); /* a->u := T1 ∪ U1 */
    roaring_bitmap_or_inplace(b->u, b->t);
    roaring_bitmap_and_inplace(a->t, b->t);
    roaring_bitmap_and_inplace(a->u, b->u);
    roaring_bitmap_andnot_inplace(a->u, a->t);
    tu_release(b);
}

/* a := a AND b (b released), when b was evaluated on T1 ∪ U1 (so T2 ∪ U2 ⊆ T1 ∪ U1): then (T1 ∪ U1)
 * ∩ (T2 ∪ U2) is T2 ∪ U2, and the AND costs three bitmap operations instead of five. */
static void tu_and_on_rest(struct tu *a, struct tu *b) {
    roaring_bitmap_or_inplace(b->u, b->t); /* T2 ∪ U2 */
    roaring_bitmap_and_inplace(a->t, b->t);
    roaring_bitmap_andnot_inplace(b->u, a->t);
    roaring_bitmap_free(a->u);
    a->u = b->u;
    b->u = NULL;
    tu_release(b);
}

/* a := a OR b (b released). */
static void tu_or(struct tu *a, struct tu *b) {
    roaring_bitmap_or_inplace(a->t, b->t);
    roaring_bitmap_or_inplace(a->u, b->u);
    roaring_bitmap_andnot_inplace(a->u, a->t);
    tu_release(b);
}

static void tu_not(const roaring_bitmap_t *scope, struct tu *a) {
    roaring_bitmap_t *f = roaring_bitmap_andnot(scope, a->t);
    roaring_bitmap_andnot_inplace(f, a->u);
    roaring_bitmap_free(a->t);
    a->t = f;
}

static int atom(const struct index_gen *g, const roaring_bitmap_t *scope, enum field_id f,
                enum index_op op, int64_t i, struct ratio r, struct tu *out, struct error *err) {
    struct index_atom a = {f, op, i, r};
    return index_eval_atom_within(g, &a, scope, &out->t, &out->u, err);
}

static void expr_fields(const struct rule_expr *e, bool *need) {
    if (!e) return;
    if (e->kind == RE_FIELD || e->kind == RE_CHOICE) need[e->field] = true;
    expr_fields(e->a, need);
    expr_fields(e->b, need);
    for (int i = 0; i < e->n_tiers; i++)
        expr_fields(e->tiers[i].amount, need);
    for (int i = 0; i < e->n_choices; i++)
        expr_fields(e->choices[i].amount, need);
}

struct residual_ctx {
    const struct index_gen *g;
    const struct rule_cond *c;
    const bool *need;
    struct profile *p;
    roaring_bitmap_t *t, *u;
};

static bool residual_row(uint32_t row, void *arg) {
    struct residual_ctx *x = arg;
    for (int f = 0; f < F_COUNT; f++)
        if (x->need[f]) index_row_value(x->g, row, (enum field_id)f, &x->p->v[f]);
    enum tri r = rules_eval_cond(x->c, x->p);
    if (r == TRI_TRUE) roaring_bitmap_add(x->t, row);
    if (r == TRI_UNKNOWN) roaring_bitmap_add(x->u, row);
    return true;
}

/* An atom with arithmetic: the rules evaluator on the fields it reads, row by row. */
static int residual(const struct index_gen *g, const roaring_bitmap_t *scope,
                    const struct rule_cond *c, struct tu *out, struct error *err) {
    bool need[F_COUNT] = {0};
    expr_fields(c->lhs, need);
    expr_fields(c->rhs, need);
    struct profile *p = malloc(sizeof *p);
    out->t = roaring_bitmap_create();
    out->u = roaring_bitmap_create();
    if (!p || !out->t || !out->u) {
        free(p);
        tu_release(out);
        return oom(err);
    }
    profile_clear(p);
    struct residual_ctx x = {g, c, need, p, out->t, out->u};
    roaring_iterate(scope, residual_row, &x);
    free(p);
    roaring_bitmap_run_optimize(out->t);
    return 0;
}

/* RC_IN (OR over the values) and RC_HAS (AND over them). */
static int membership(const struct index_gen *g, const roaring_bitmap_t *scope,
                      const struct rule_cond *c, struct tu *out, struct error *err) {
    enum field_type t = schema_field(c->field)->type;
    enum index_op op = c->kind == RC_HAS                      ? INDEX_HAS
                       : (t == FT_REGION || t == FT_INDUSTRY) ? INDEX_WITHIN
                                                              : INDEX_EQ;
    if (c->n_values <= 0)
        return error_set(err, ERR_INVALID, "条件没有取值", "condition without values");
    int rc = atom(g, scope, c->field, op, c->values[0], (struct ratio){0, 1}, out, err);
    for (int i = 1; !rc && i < c->n_values; i++) {
        struct tu b;
        rc = atom(g, scope, c->field, op, c->values[i], (struct ratio){0, 1}, &b, err);
        if (rc) break;
        if (c->kind == RC_HAS)
            tu_and(out, &b);
        else
            tu_or(out, &b);
    }
    if (rc) tu_release(out);
    return rc;
}

/* Cheap, selective atoms first: later conjuncts are evaluated only on the rows still undecided. */
static int cost(const struct rule_cond *c) {
    switch (c->kind) {
    case RC_IN:
    case RC_HAS:
    case RC_BOOL:
    case RC_TRUE:
        return 0;
    case RC_CMP:
        return c->is_simple ? 1 : 3;
    default:
        return 2;
    }
}

static int eval_node(const struct index_gen *g, const roaring_bitmap_t *scope,
                     const struct rule_cond *c, struct tu *out, struct error *err);

/* AND: rows already FALSE cannot change, so each next conjunct runs on T ∪ U so far; OR: rows
 * already TRUE cannot change, so each next disjunct runs on the rest of the scope. */
static int eval_junction(const struct index_gen *g, const roaring_bitmap_t *scope,
                         const struct rule_cond *c, struct tu *out, struct error *err) {
    int order[RULES_MAX_ATOMS], n = 0;
    for (int level = 0; level <= 3; level++)
        for (int i = 0; i < c->n_kids && n < RULES_MAX_ATOMS; i++)
            if (cost(c->kids[i]) == level) order[n++] = i;
    if (n != c->n_kids) return error_set(err, ERR_TOO_LARGE, "条件过多", "too many conditions");
    int rc = eval_node(g, scope, c->kids[order[0]], out, err);
    for (int i = 1; !rc && i < n; i++) {
        roaring_bitmap_t *rest = c->kind == RC_AND ? roaring_bitmap_or(out->t, out->u)
                                                   : roaring_bitmap_andnot(scope, out->t);
        struct tu b;
        rc = eval_node(g, rest, c->kids[order[i]], &b, err);
        roaring_bitmap_free(rest);
        if (rc) break;
        if (c->kind == RC_AND)
            tu_and_on_rest(out, &b);
        else
            tu_or(out, &b);
    }
    if (rc) tu_release(out);
    return rc;
}

/* (T, U) of c over the rows of scope; both are subsets of it. */
static int eval_node(const struct index_gen *g, const roaring_bitmap_t *scope,
                     const struct rule_cond *c, struct tu *out, struct error *err) {
    out->t = out->u = NULL;
    switch (c->kind) {
    case RC_TRUE:
        out->t = roaring_bitmap_copy(scope);
        out->u = roaring_bitmap_create();
        return 0;
    case RC_BOOL:
        return atom(g, scope, c->field, INDEX_EQ, 1, (struct ratio){0, 1}, out, err);
    case RC_CMP:
        if (!c->is_simple) return residual(g, scope, c, out, err);
        return atom(g, scope, c->field, (enum index_op)(INDEX_EQ + (c->op - RO_EQ)), 0, c->k, out,
                    err);
    case RC_IN:
    case RC_HAS:
        return membership(g, scope, c, out, err);
    case RC_NOT: {
        int rc = eval_node(g, scope, c->kids[0], out, err);
        if (!rc) tu_not(scope, out);
        return rc;
    }
    case RC_AND:
    case RC_OR:
        return eval_junction(g, scope, c, out, err);
    }
    return error_set(err, ERR_INVALID, "未知的条件类型", "unknown condition kind");
}

int match_cond(const struct index_gen *g, const struct rule_cond *c, struct match_sets *out,
               struct error *err) {
    return match_cond_within(g, c, NULL, out, err);
}

int match_cond_within(const struct index_gen *g, const struct rule_cond *c,
                      const roaring_bitmap_t *scope, struct match_sets *out, struct error *err) {
    memset(out, 0, sizeof *out);
    if (!scope) scope = index_gen_live(g);
    struct tu x;
    int rc = eval_node(g, scope, c, &x, err);
    if (rc) return rc;
    out->eligible = x.t;
    out->unknown = x.u;
    out->ineligible = roaring_bitmap_andnot(scope, x.t);
    roaring_bitmap_andnot_inplace(out->ineligible, x.u);
    return 0;
}

void match_sets_release(struct match_sets *s) {
    if (s->eligible) roaring_bitmap_free(s->eligible);
    if (s->unknown) roaring_bitmap_free(s->unknown);
    if (s->ineligible) roaring_bitmap_free(s->ineligible);
    memset(s, 0, sizeof *s);
}

/* TRUE of an atom the index answers, without its UNKNOWN: IN is TRUE where one value is, HAS where
 * every value is. */
static int atom_true(const struct index_gen *g, const roaring_bitmap_t *scope,
                     const struct rule_cond *c, roaring_bitmap_t **t, struct error *err) {
    struct index_atom a = {c->field, INDEX_EQ, 1, {0, 1}};
    if (c->kind == RC_CMP) {
        a.op = (enum index_op)(INDEX_EQ + (c->op - RO_EQ));
        a.i = 0;
        a.r = c->k;
    }
    if (c->kind == RC_BOOL || c->kind == RC_CMP)
        return index_eval_atom_within(g, &a, scope, t, NULL, err);
    enum field_type ft = schema_field(c->field)->type;
    a.op = c->kind == RC_HAS                        ? INDEX_HAS
           : (ft == FT_REGION || ft == FT_INDUSTRY) ? INDEX_WITHIN
                                                    : INDEX_EQ;
    if (c->n_values <= 0)
        return error_set(err, ERR_INVALID, "条件没有取值", "condition without values");
    *t = NULL;
    for (int i = 0; i < c->n_values; i++) {
        roaring_bitmap_t *x;
        a.i = c->values[i];
        int rc = index_eval_atom_within(g, &a, *t && c->kind == RC_HAS ? *t : scope, &x, NULL, err);
        if (rc) {
            if (*t) roaring_bitmap_free(*t);
            *t = NULL;
            return rc;
        }
        if (!*t) {
            *t = x;
        } else if (c->kind == RC_HAS) {
            roaring_bitmap_free(*t); /* x was computed within *t */
            *t = x;
        } else {
            roaring_bitmap_or_inplace(*t, x);
            roaring_bitmap_free(x);
        }
    }
    return 0;
}

/* The atoms whose conjunction is kid's TRUE set, when the index can answer it that way: a bool, a
 * simple comparison, one value of an enum/region/industry, every value of a set, and the negation
 * of a bool, a comparison or one enum value (TRUE of NOT x is FALSE of x: known and not x). Returns
 * the number of atoms added to a (at most room), or -1. */
static int kid_atoms(const struct rule_cond *c, struct index_atom *a, int room) {
    bool neg = false;
    if (c->kind == RC_NOT) {
        neg = true;
        c = c->kids[0];
    }
    enum field_type ft = c->kind == RC_TRUE || c->kind == RC_AND || c->kind == RC_OR ||
                                 c->kind == RC_NOT || (c->kind == RC_CMP && !c->is_simple)
                             ? FT_TEXT
                             : schema_field(c->field)->type;
    if (room < 1) return -1;
    switch (c->kind) {
    case RC_BOOL:
        a[0] = (struct index_atom){c->field, INDEX_EQ, neg ? 0 : 1, {0, 1}};
        return 1;
    case RC_CMP: {
        if (!c->is_simple) return -1;
        static const enum rule_op flip[] = {RO_NE, RO_EQ, RO_GE, RO_GT, RO_LE, RO_LT};
        enum rule_op op = neg ? flip[c->op] : c->op;
        a[0] = (struct index_atom){c->field, (enum index_op)(INDEX_EQ + (op - RO_EQ)), 0, c->k};
        return 1;
    }
    case RC_IN:
        if (c->n_values != 1) return -1;
        if (ft == FT_REGION || ft == FT_INDUSTRY) {
            if (neg) return -1;
            a[0] = (struct index_atom){c->field, INDEX_WITHIN, c->values[0], {0, 1}};
            return 1;
        }
        a[0] = (struct index_atom){c->field, neg ? INDEX_NE : INDEX_EQ, c->values[0], {0, 1}};
        return 1;
    case RC_HAS:
        if (neg || c->n_values < 1 || c->n_values > room) return -1;
        for (int i = 0; i < c->n_values; i++)
            a[i] = (struct index_atom){c->field, INDEX_HAS, c->values[i], {0, 1}};
        return c->n_values;
    default:
        return -1;
    }
}

static bool atom_is_numeric(const struct index_atom *a) {
    enum field_type t = schema_field(a->field)->type;
    return t == FT_INT || t == FT_MONEY || t == FT_DATE || t == FT_RATIO;
}

static int eval_true(const struct index_gen *g, const roaring_bitmap_t *scope,
                     const struct rule_cond *c, roaring_bitmap_t **t, struct error *err);

/* TRUE of an AND: the kids the index answers as atoms go to it as two conjunctions — categorical
 * atoms (bitmap intersections) before the other cheap kids, numeric ones after, once the rows left
 * are few — then the remaining kids in cost order on what is left. */
static int and_true(const struct index_gen *g, const roaring_bitmap_t *scope,
                    const struct rule_cond *c, roaring_bitmap_t **t, struct error *err) {
    struct index_atom cat[INDEX_AND_MAX], num[INDEX_AND_MAX], tmp[INDEX_AND_MAX];
    int n_cat = 0, n_num = 0, rest[RULES_MAX_ATOMS], n_rest = 0;
    for (int i = 0; i < c->n_kids; i++) {
        int k = kid_atoms(c->kids[i], tmp, INDEX_AND_MAX - (n_cat > n_num ? n_cat : n_num));
        for (int j = 0; j < k; j++)
            if (atom_is_numeric(&tmp[j]))
                num[n_num++] = tmp[j];
            else
                cat[n_cat++] = tmp[j];
        if (k < 0 && n_rest < RULES_MAX_ATOMS) rest[n_rest++] = i;
        if (k < 0 && n_rest == RULES_MAX_ATOMS)
            return error_set(err, ERR_TOO_LARGE, "条件过多", "too many conditions");
    }
    roaring_bitmap_t *acc;
    int rc = index_eval_and(g, cat, n_cat, scope, &acc, err);
    if (rc) return rc;
    for (int level = 0; level <= 3; level++) {
        if (level == 1 && n_num && !roaring_bitmap_is_empty(acc)) {
            roaring_bitmap_t *x;
            if ((rc = index_eval_and(g, num, n_num, acc, &x, err))) break;
            roaring_bitmap_free(acc);
            acc = x;
        }
        for (int i = 0; i < n_rest && !roaring_bitmap_is_empty(acc); i++) {
            if (cost(c->kids[rest[i]]) != level) continue;
            roaring_bitmap_t *x;
            if ((rc = eval_true(g, acc, c->kids[rest[i]], &x, err))) break;
            roaring_bitmap_free(acc);
            acc = x;
        }
        if (rc) break;
    }
    if (rc) {
        roaring_bitmap_free(acc);
        return rc;
    }
    *t = acc;
    return 0;
}

/* TRUE only: under AND each next conjunct runs on the rows TRUE so far (not TRUE ∪ UNKNOWN), so a
 * push list touches ever fewer rows (and_true); under OR each next disjunct on the rows not yet
 * TRUE. NOT needs its child's UNKNOWN, so it takes the full path unless it is an atom's negation.
 */
static int eval_true(const struct index_gen *g, const roaring_bitmap_t *scope,
                     const struct rule_cond *c, roaring_bitmap_t **t, struct error *err) {
    if (c->kind == RC_AND) return and_true(g, scope, c, t, err);
    if (c->kind == RC_OR) {
        int order[RULES_MAX_ATOMS], n = 0;
        for (int level = 0; level <= 3; level++)
            for (int i = 0; i < c->n_kids && n < RULES_MAX_ATOMS; i++)
                if (cost(c->kids[i]) == level) order[n++] = i;
        if (n != c->n_kids) return error_set(err, ERR_TOO_LARGE, "条件过多", "too many conditions");
        roaring_bitmap_t *acc = roaring_bitmap_create(), *rest = roaring_bitmap_copy(scope);
        int rc = 0;
        for (int i = 0; !rc && i < n; i++) {
            roaring_bitmap_t *k;
            if ((rc = eval_true(g, rest, c->kids[order[i]], &k, err))) break;
            roaring_bitmap_or_inplace(acc, k);
            roaring_bitmap_andnot_inplace(rest, k);
            roaring_bitmap_free(k);
        }
        roaring_bitmap_free(rest);
        if (rc) {
            roaring_bitmap_free(acc);
            return rc;
        }
        *t = acc;
        return 0;
    }
    struct index_atom a[INDEX_AND_MAX];
    int n = kid_atoms(c, a, INDEX_AND_MAX);
    if (n > 0) return index_eval_and(g, a, n, scope, t, err);
    if (c->kind == RC_IN) return atom_true(g, scope, c, t, err);
    struct tu x;
    int rc = eval_node(g, scope, c, &x, err);
    if (rc) return rc;
    roaring_bitmap_free(x.u);
    *t = x.t;
    return 0;
}

int match_eligible(const struct index_gen *g, const struct rule_cond *c, roaring_bitmap_t **out,
                   struct error *err) {
    return eval_true(g, index_gen_live(g), c, out, err);
}

/* Conjuncts in cost order over shrinking scopes: P = rows TRUE on every conjunct so far; the scope
 * of the next conjunct is P and the rows FALSE on exactly one conjunct so far and TRUE on the
 * others (the groups so far), since no other row can still fail at most one. A conjunct's group is
 * the rows of P where it is FALSE, kept only where every later conjunct is TRUE.
 *
 * The scope is carried from step to step (scope ∩ T, plus the new group) rather than rebuilt as P
 * ∪ every group, and a group is cut down to the rows TRUE on every later conjunct once at the end
 * (by the intersection of the later conjuncts' TRUE sets, built backwards) rather than at every
 * later step: two bitmap operations a step and one a group instead of one per earlier group per
 * step, which at 2M rows, with groups of a million rows, was half of the time. */
int match_nearly(const struct index_gen *g, const struct rule_cond *c, struct match_nearly *out,
                 struct error *err) {
    return match_nearly_within(g, c, NULL, out, err);
}

/* Each group cut to the rows TRUE on every later conjunct: suffix = T[order[k-1]] ∩ … taken
 * backwards. Frees the TRUE sets. */
static int nearly_finish(struct match_nearly *out, const int *order, int k,
                         roaring_bitmap_t **t_of) {
    roaring_bitmap_t *suffix = NULL; /* NULL: every row (no later conjunct) */
    int rc = 0;
    for (int step = k - 1; step >= 0; step--) {
        int j = order[step];
        if (suffix && out->groups[j].rows) roaring_bitmap_and_inplace(out->groups[j].rows, suffix);
        if (!suffix) {
            suffix = t_of[j];
        } else {
            roaring_bitmap_and_inplace(suffix, t_of[j]);
            roaring_bitmap_free(t_of[j]);
        }
        t_of[j] = NULL;
        if (!suffix) rc = ERR_NOMEM;
    }
    if (suffix) roaring_bitmap_free(suffix);
    return rc;
}

int match_nearly_within(const struct index_gen *g, const struct rule_cond *c,
                        const roaring_bitmap_t *rows, struct match_nearly *out, struct error *err) {
    memset(out, 0, sizeof *out);
    int k = c->kind == RC_AND ? c->n_kids : 1;
    const struct rule_cond *const *kids =
        c->kind == RC_AND ? (const struct rule_cond *const *)c->kids : &c;
    int order[RULES_MAX_ATOMS], n = 0;
    for (int level = 0; level <= 3; level++)
        for (int i = 0; i < k && n < RULES_MAX_ATOMS; i++)
            if (cost(kids[i]) == level) order[n++] = i;
    if (n != k) return error_set(err, ERR_TOO_LARGE, "条件过多", "too many conditions");
    out->groups = calloc((size_t)k, sizeof *out->groups);
    roaring_bitmap_t **t_of = calloc((size_t)k, sizeof *t_of); /* each conjunct's TRUE rows */
    if (!out->groups || !t_of) {
        free(t_of);
        match_nearly_release(out);
        return oom(err);
    }
    out->n_groups = k;
    for (int i = 0; i < k; i++)
        out->groups[i].cond = kids[i];
    roaring_bitmap_t *p = roaring_bitmap_copy(rows ? rows : index_gen_live(g));
    roaring_bitmap_t *scope = roaring_bitmap_copy(p); /* P ∪ the groups so far */
    int rc = p && scope ? 0 : oom(err);
    for (int step = 0; !rc && step < k; step++) {
        int j = order[step];
        struct tu x;
        if ((rc = eval_node(g, scope, kids[j], &x, err))) break;
        roaring_bitmap_t *f = roaring_bitmap_andnot(p, x.t); /* P's rows neither TRUE ... */
        roaring_bitmap_andnot_inplace(f, x.u);               /* ... nor UNKNOWN: FALSE */
        out->groups[j].rows = f;
        roaring_bitmap_and_inplace(p, x.t);
        if (step + 1 < k) {
            roaring_bitmap_and_inplace(scope, x.t); /* the groups' rows still TRUE, and P's */
            roaring_bitmap_or_inplace(scope, f);
        }
        t_of[j] = x.t;
        roaring_bitmap_free(x.u);
    }
    if (p) roaring_bitmap_free(p);
    if (scope) roaring_bitmap_free(scope);
    if (!rc && nearly_finish(out, order, k, t_of)) rc = oom(err);
    for (int i = 0; i < k; i++)
        if (t_of[i]) roaring_bitmap_free(t_of[i]);
    free(t_of);
    for (int i = 0; !rc && i < k; i++)
        if (!out->groups[i].rows) rc = oom(err);
    if (rc) match_nearly_release(out);
    return rc;
}

void match_nearly_release(struct match_nearly *n) {
    for (int i = 0; n->groups && i < n->n_groups; i++)
        if (n->groups[i].rows) roaring_bitmap_free(n->groups[i].rows);
    free(n->groups);
    memset(n, 0, sizeof *n);
}

void match_breakdown(const struct index_gen *g, const roaring_bitmap_t *set,
                     struct match_breakdown *out) {
    memset(out, 0, sizeof *out);
    out->total = roaring_bitmap_get_cardinality(set);
    int city = region_by_code(370200);
    for (int r = 0; r < region_count() && out->n_district < 32; r++) {
        const struct region *x = region_at(r);
        if (x->level != REGION_COUNTY || x->parent != city) continue;
        uint64_t n = index_count_value(g, set, F_REGION, r);
        if (n) out->district[out->n_district++] = (struct match_count){r, n};
    }
    for (int i = 0; i < industry_count() && out->n_section < 32; i++) {
        if (industry_at(i)->level != INDUSTRY_SECTION) continue;
        uint64_t n = index_count_value(g, set, F_INDUSTRY, i);
        if (n) out->section[out->n_section++] = (struct match_count){i, n};
    }
    for (int s = 0; s < 4; s++) {
        uint64_t n = index_count_value(g, set, F_SIZE, s);
        if (n) out->size[out->n_size++] = (struct match_count){s, n};
    }
}
