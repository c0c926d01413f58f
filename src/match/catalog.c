/* Owns the catalog: the store's published clauses, each rule compiled once and the versions in
 * force on the evaluation date gathered into one flat clause set for enterprise → clauses. Does
 * not own matching itself (plan.c, clauses.c). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"
#include "store/store.h"

void match_catalog_free(struct match_catalog *c) {
    if (!c) return;
    match_clauses_free(c->set);
    for (int i = 0; c->rules && i < c->n_clauses; i++)
        rules_free(c->rules[i]);
    free(c->rules);
    free(c->in);
    free(c->clause_of);
    arena_release(&c->arena);
    free(c);
}

int match_catalog_load(struct store *s, int32_t today, struct match_catalog **out,
                       struct error *err) {
    struct match_catalog *c = calloc(1, sizeof *c);
    if (!c) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    arena_init(&c->arena, 1 << 16);
    int rc = store_list_clauses(s, 0, POLICY_PUBLISHED, &c->arena, &c->clauses, &c->n_clauses, err);
    size_t m = c->n_clauses > 0 ? (size_t)c->n_clauses : 1;
    if (!rc) {
        c->rules = calloc(m, sizeof *c->rules);
        c->in = calloc(m, sizeof *c->in);
        c->clause_of = calloc(m, sizeof *c->clause_of);
        if (!c->rules || !c->in || !c->clause_of)
            rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; !rc && i < c->n_clauses; i++) {
        const struct clause *cl = &c->clauses[i];
        struct error e;
        if (!cl->rule || rules_compile(cl->rule, strlen(cl->rule), cl->title, &c->rules[i], &e)) {
            c->n_failed++;
            continue;
        }
        const struct rule_version *v = rules_version_at(c->rules[i], today);
        if (!v || !v->cond) continue;
        c->clause_of[c->n_in] = i;
        c->in[c->n_in++] = (struct match_clause_in){
            cl->id, v, cl->deadline == STORE_NO_DATE ? INT32_MAX : cl->deadline};
    }
    if (!rc) rc = match_clauses_new(c->in, c->n_in, &c->set, err);
    static atomic_uint_fast64_t serials;
    c->serial = atomic_fetch_add(&serials, 1) + 1;
    if (rc) {
        match_catalog_free(c);
        return rc;
    }
    *out = c;
    return 0;
}
