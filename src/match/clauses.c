/* Owns enterprise → clauses: every published clause's condition compiled once into a flat form —
 * atoms shared between clauses (the same 注册地 属于 青岛市 is decided once per enterprise) and a
 * preorder program per clause whose AND/OR short-circuit — then, per enterprise, each clause's
 * three-valued result, the estimated award of those eligible or unknown (the rules evaluator's
 * rules_award), and the ranking. Atoms with arithmetic use rules_eval_cond itself. Does not own the
 * bitmap plans (plan.c). */
#include <stdlib.h>
#include <string.h>

#include "match/match.h"
#include "refdata/refdata.h"

enum fa_kind { FA_INT, FA_RATIO, FA_CAT, FA_SET, FA_TREE, FA_BOOL, FA_COND };

/* One distinct atom. */
struct fatom {
    enum fa_kind kind;
    enum rule_op op;
    enum field_id field;
    enum field_type type;
    struct ratio k;    /* FA_INT, FA_RATIO */
    uint64_t mask;     /* FA_CAT: values accepted; FA_SET: values required */
    const int *values; /* FA_TREE: refdata indexes (in the rule's arena) */
    int n_values;
    const struct rule_cond *cond; /* FA_COND: evaluated by the rules module */
    uint64_t hash;
};

enum pkind { P_TRUE, P_ATOM, P_AND, P_OR, P_NOT };

/* A node of a clause's program in preorder; `end` is the index after its subtree. */
struct pnode {
    uint8_t kind;
    uint32_t arg; /* P_ATOM: atom index */
    uint32_t end;
};

struct match_clauses {
    struct match_clause_in *in; /* copy of the input (owned) */
    int n;
    struct fatom *atoms; /* owned */
    int n_atoms, cap_atoms;
    int *table; /* open addressing over atoms by hash: index+1, 0 = empty (owned) */
    size_t table_cap;
    struct pnode *prog; /* all programs, concatenated (owned) */
    uint32_t n_prog, cap_prog;
    uint32_t *start; /* clause → first node (owned) */
    int *order;      /* clauses by (deadline, id): the order of ties and of ineligible ones */
    int *rank_of;    /* clause → position in order */
    const struct rule_award **award; /* clause → its award (NULL = none), kept here so the hot
                                        loop does not chase each rule's arena */
    int64_t *const_fen;              /* clause → the award when it is a constant, else -1 */
    int64_t *order_id;               /* id of order[k] (read in sequence for ineligible hits) */
    int32_t *order_deadline;         /* deadline of order[k] */
};

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdULL;
}

static bool atom_equal(const struct fatom *a, const struct fatom *b) {
    if (a->kind != b->kind || a->field != b->field || a->op != b->op || a->mask != b->mask ||
        a->n_values != b->n_values || a->cond != b->cond)
        return false;
    if ((a->kind == FA_INT || a->kind == FA_RATIO) && ratio_cmp(a->k, b->k) != 0) return false;
    for (int i = 0; a->kind == FA_TREE && i < a->n_values; i++)
        if (a->values[i] != b->values[i]) return false;
    return true;
}

static int table_grow(struct match_clauses *cs) {
    size_t cap = cs->table_cap ? cs->table_cap * 2 : 1024;
    int *t = calloc(cap, sizeof *t);
    if (!t) return ERR_NOMEM;
    for (int i = 0; i < cs->n_atoms; i++) {
        size_t h = (size_t)cs->atoms[i].hash & (cap - 1);
        while (t[h])
            h = (h + 1) & (cap - 1);
        t[h] = i + 1;
    }
    free(cs->table);
    cs->table = t;
    cs->table_cap = cap;
    return 0;
}

/* The index of an atom equal to a, adding it when new; -1 when out of memory. */
static int intern(struct match_clauses *cs, struct fatom *a) {
    uint64_t h = mix(mix(mix(a->kind, a->field), a->op), a->mask);
    if (a->kind == FA_INT || a->kind == FA_RATIO) {
        struct ratio r = ratio_reduce(a->k);
        h = mix(mix(h, (uint64_t)r.num), (uint64_t)r.den);
    }
    for (int i = 0; a->kind == FA_TREE && i < a->n_values; i++)
        h = mix(h, (uint64_t)a->values[i]);
    h = mix(h, (uint64_t)(uintptr_t)a->cond);
    a->hash = h;
    if ((size_t)(cs->n_atoms + 1) * 2 > cs->table_cap && table_grow(cs)) return -1;
    size_t s = (size_t)h & (cs->table_cap - 1);
    for (; cs->table[s]; s = (s + 1) & (cs->table_cap - 1))
        if (atom_equal(&cs->atoms[cs->table[s] - 1], a)) return cs->table[s] - 1;
    if (cs->n_atoms == cs->cap_atoms) {
        int cap = cs->cap_atoms ? cs->cap_atoms * 2 : 256;
        struct fatom *p = realloc(cs->atoms, (size_t)cap * sizeof *p);
        if (!p) return -1;
        cs->atoms = p;
        cs->cap_atoms = cap;
    }
    cs->atoms[cs->n_atoms] = *a;
    cs->table[s] = cs->n_atoms + 1;
    return cs->n_atoms++;
}

static int flat_atom(const struct rule_cond *c, struct fatom *a) {
    memset(a, 0, sizeof *a);
    a->field = c->field;
    a->cond = NULL;
    enum field_type t = c->kind == RC_CMP && !c->is_simple ? FT_TEXT : schema_field(c->field)->type;
    a->type = t;
    switch (c->kind) {
    case RC_CMP:
        if (!c->is_simple) {
            a->kind = FA_COND;
            a->cond = c;
            a->field = F_COUNT;
            return 0;
        }
        a->kind = t == FT_RATIO ? FA_RATIO : FA_INT;
        a->op = c->op;
        a->k = c->k;
        return 0;
    case RC_BOOL:
        a->kind = FA_BOOL;
        return 0;
    case RC_HAS:
    case RC_IN:
        if (c->kind == RC_IN && (t == FT_REGION || t == FT_INDUSTRY)) {
            a->kind = FA_TREE;
            a->values = c->values;
            a->n_values = c->n_values;
            return 0;
        }
        a->kind = c->kind == RC_HAS ? FA_SET : FA_CAT;
        for (int i = 0; i < c->n_values; i++) {
            if (c->values[i] < 0 || c->values[i] >= 64) return ERR_INVALID;
            a->mask |= UINT64_C(1) << c->values[i];
        }
        return 0;
    default:
        return ERR_INVALID;
    }
}

static int emit(struct match_clauses *cs, uint8_t kind, uint32_t arg) {
    if (cs->n_prog == cs->cap_prog) {
        uint32_t cap = cs->cap_prog ? cs->cap_prog * 2 : 1024;
        struct pnode *p = realloc(cs->prog, cap * sizeof *p);
        if (!p) return -1;
        cs->prog = p;
        cs->cap_prog = cap;
    }
    cs->prog[cs->n_prog] = (struct pnode){kind, arg, 0};
    return (int)cs->n_prog++;
}

static int compile(struct match_clauses *cs, const struct rule_cond *c, struct error *err) {
    int at;
    switch (c->kind) {
    case RC_TRUE:
        at = emit(cs, P_TRUE, 0);
        break;
    case RC_AND:
    case RC_OR:
    case RC_NOT:
        at = emit(cs, c->kind == RC_AND ? P_AND : c->kind == RC_OR ? P_OR : P_NOT, 0);
        for (int i = 0; at >= 0 && i < c->n_kids; i++) {
            int rc = compile(cs, c->kids[i], err);
            if (rc) return rc;
        }
        break;
    default: {
        struct fatom a;
        if (flat_atom(c, &a))
            return error_set(err, ERR_INVALID, "无法编译的条件",
                             "a condition that cannot be compiled");
        int k = intern(cs, &a);
        at = k < 0 ? -1 : emit(cs, P_ATOM, (uint32_t)k);
    }
    }
    if (at < 0) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    cs->prog[at].end = cs->n_prog;
    return 0;
}

static int cmp_deadline(const void *x, const void *y, void *ctx) {
    const struct match_clauses *cs = ctx;
    const struct match_clause_in *a = &cs->in[*(const int *)x], *b = &cs->in[*(const int *)y];
    if (a->deadline != b->deadline) return a->deadline < b->deadline ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

int match_clauses_new(const struct match_clause_in *in, int n, struct match_clauses **out,
                      struct error *err) {
    struct match_clauses *cs = calloc(1, sizeof *cs);
    if (!cs) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    size_t m = n > 0 ? (size_t)n : 1;
    cs->n = n;
    cs->in = malloc(m * sizeof *cs->in);
    cs->start = malloc(m * sizeof *cs->start);
    cs->order = malloc(m * sizeof *cs->order);
    cs->rank_of = malloc(m * sizeof *cs->rank_of);
    cs->award = malloc(m * sizeof *cs->award);
    cs->const_fen = malloc(m * sizeof *cs->const_fen);
    struct profile *empty = malloc(sizeof *empty);
    if (empty) profile_clear(empty);
    int rc = cs->in && cs->start && cs->order && cs->rank_of && cs->award && cs->const_fen &&
                     empty && !table_grow(cs)
                 ? 0
                 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int i = 0; !rc && i < n; i++) {
        cs->in[i] = in[i];
        cs->start[i] = cs->n_prog;
        if (!in[i].rule || !in[i].rule->cond) {
            rc = error_set(err, ERR_INVALID, "条款 %lld 没有规则", "clause %lld has no rule",
                           (long long)in[i].id);
            break;
        }
        rc = compile(cs, in[i].rule->cond, err);
        cs->order[i] = i;
        cs->award[i] = in[i].rule->award;
        /* 奖励 = 20万元: the evaluator's own answer, once (it needs no field) */
        cs->const_fen[i] = -1;
        int64_t fen;
        if (cs->award[i] && cs->award[i]->expr && cs->award[i]->expr->kind == RE_CONST &&
            rules_award(cs->award[i], empty, &fen, NULL, 0))
            cs->const_fen[i] = fen;
    }
    free(empty);
    if (rc) {
        match_clauses_free(cs);
        return rc;
    }
    qsort_r(cs->order, (size_t)n, sizeof *cs->order, cmp_deadline, cs);
    cs->order_id = malloc(m * sizeof *cs->order_id);
    cs->order_deadline = malloc(m * sizeof *cs->order_deadline);
    if (!cs->order_id || !cs->order_deadline) {
        match_clauses_free(cs);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; i < n; i++) {
        cs->rank_of[cs->order[i]] = i;
        cs->order_id[i] = in[cs->order[i]].id;
        cs->order_deadline[i] = in[cs->order[i]].deadline;
    }
    *out = cs;
    return 0;
}

void match_clauses_free(struct match_clauses *cs) {
    if (!cs) return;
    free(cs->in);
    free(cs->atoms);
    free(cs->table);
    free(cs->prog);
    free(cs->start);
    free(cs->order);
    free(cs->rank_of);
    free(cs->award);
    free(cs->const_fen);
    free(cs->order_id);
    free(cs->order_deadline);
    free(cs);
}

int match_clauses_count(const struct match_clauses *cs) {
    return cs->n;
}

int match_clauses_atoms(const struct match_clauses *cs) {
    return cs->n_atoms;
}

/* ---- one enterprise ---- */

static enum tri eval_atom(const struct fatom *a, const struct profile *p) {
    if (a->kind == FA_COND) return rules_eval_cond(a->cond, p);
    const struct value *v = &p->v[a->field];
    if (!v->has) return TRI_UNKNOWN;
    int cmp;
    switch (a->kind) {
    case FA_INT:
        if (a->k.den == 1)
            cmp = (v->i > a->k.num) - (v->i < a->k.num);
        else
            cmp = ratio_cmp((struct ratio){v->i, 1}, a->k);
        return rules_op_holds(a->op, cmp) ? TRI_TRUE : TRI_FALSE;
    case FA_RATIO:
        return rules_op_holds(a->op, ratio_cmp(v->r, a->k)) ? TRI_TRUE : TRI_FALSE;
    case FA_BOOL:
        return v->i ? TRI_TRUE : TRI_FALSE;
    case FA_CAT:
        return v->i >= 0 && v->i < 64 && (a->mask >> v->i) & 1 ? TRI_TRUE : TRI_FALSE;
    case FA_SET:
        return ((uint64_t)v->i & a->mask) == a->mask ? TRI_TRUE : TRI_FALSE;
    case FA_TREE: {
        enum tri r = TRI_FALSE;
        int x = (int)v->i;
        bool is_region = a->type == FT_REGION;
        for (int i = 0; i < a->n_values; i++) {
            int want = a->values[i];
            if (is_region ? region_is_within(x, want) : industry_is_within(x, want))
                return TRI_TRUE;
            if (is_region ? region_is_within(want, x) : industry_is_within(want, x))
                r = TRI_UNKNOWN;
        }
        return r;
    }
    case FA_COND:
        break;
    }
    return TRI_UNKNOWN;
}

struct run {
    const struct match_clauses *cs;
    const struct profile *p;
    uint8_t *memo; /* per atom: 0xff = not yet evaluated */
};

static enum tri run_node(struct run *r, uint32_t at) {
    const struct pnode *n = &r->cs->prog[at];
    switch (n->kind) {
    case P_TRUE:
        return TRI_TRUE;
    case P_ATOM:
        if (r->memo[n->arg] == 0xff)
            r->memo[n->arg] = (uint8_t)eval_atom(&r->cs->atoms[n->arg], r->p);
        return (enum tri)r->memo[n->arg];
    case P_NOT:
        return tri_not(run_node(r, at + 1));
    case P_AND: {
        enum tri acc = TRI_TRUE;
        for (uint32_t k = at + 1; k < n->end && acc != TRI_FALSE; k = r->cs->prog[k].end)
            acc = tri_and(acc, run_node(r, k));
        return acc;
    }
    case P_OR: {
        enum tri acc = TRI_FALSE;
        for (uint32_t k = at + 1; k < n->end && acc != TRI_TRUE; k = r->cs->prog[k].end)
            acc = tri_or(acc, run_node(r, k));
        return acc;
    }
    }
    return TRI_UNKNOWN;
}

static int cmp_hits(const void *x, const void *y, void *arg) {
    const struct match_clauses *cs = arg;
    const struct match_hit *a = x, *b = y;
    if (a->result != b->result) return a->result == TRI_TRUE ? -1 : 1; /* eligible first */
    if (a->has_award != b->has_award) return a->has_award ? -1 : 1;
    if (a->award_fen != b->award_fen) return a->award_fen > b->award_fen ? -1 : 1;
    return cs->rank_of[a->clause] - cs->rank_of[b->clause];
}

/* One pass writes the eligible and unknown hits to the front of hits (few: they are sorted), and
 * a byte per clause; the ineligible ones (most) are then appended in the precomputed (deadline,
 * id) order. Every write is sequential: no permutation of 10,000 hits. */
int match_enterprise(const struct match_clauses *cs, const struct profile *p,
                     struct match_hit *hits) {
    uint8_t stack_memo[8192], stack_res[16384];
    bool is_big = cs->n_atoms > (int)sizeof stack_memo, is_many = cs->n > (int)sizeof stack_res;
    uint8_t *memo = is_big ? malloc((size_t)cs->n_atoms) : stack_memo;
    uint8_t *res = is_many ? malloc((size_t)cs->n) : stack_res;
    if (!memo || !res) {
        if (is_big) free(memo);
        if (is_many) free(res);
        return ERR_NOMEM;
    }
    memset(memo, 0xff, (size_t)cs->n_atoms);
    struct run r = {cs, p, memo};
    int n_hit = 0;
    for (int i = 0; i < cs->n; i++) {
        enum tri t = run_node(&r, cs->start[i]);
        res[i] = (uint8_t)t;
        if (t == TRI_FALSE) continue;
        struct match_hit *h = &hits[n_hit++];
        *h = (struct match_hit){i, cs->in[i].id, t, false, 0, cs->in[i].deadline};
        if (cs->const_fen[i] >= 0) {
            h->has_award = true;
            h->award_fen = cs->const_fen[i];
        } else if (cs->award[i]) {
            h->has_award = rules_award(cs->award[i], p, &h->award_fen, NULL, 0);
        }
    }
    qsort_r(hits, (size_t)n_hit, sizeof *hits, cmp_hits, (void *)cs);
    for (int k = 0; k < cs->n; k++) {
        int c = cs->order[k];
        if (res[c] == TRI_FALSE)
            hits[n_hit++] =
                (struct match_hit){c, cs->order_id[k], TRI_FALSE, false, 0, cs->order_deadline[k]};
    }
    if (is_big) free(memo);
    if (is_many) free(res);
    return 0;
}

int match_explain(const struct match_clauses *cs, int clause, const struct profile *p,
                  struct rule_eval *out, struct error *err) {
    if (clause < 0 || clause >= cs->n)
        return error_set(err, ERR_NOTFOUND, "没有这个条款", "no such clause");
    return rules_eval(cs->in[clause].rule, p, out, err);
}
