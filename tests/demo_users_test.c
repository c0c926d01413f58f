/* demo_enterprise is a showcase: with the demo policies published, the firm it is bound to is, of
 * the demo firms of its town, one eligible for the most clauses one can still apply for (deadline
 * not passed, not 免申即享), and it is eligible for something. */
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "demo/demo.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "test.h"
#include "tstore.h"
#include "util/date.h"

/* Clauses p is eligible for: all of them, and those one can still apply for. */
static void count_eligible(const struct match_catalog *cat, struct profile *p, int32_t today,
                           int *eligible, int *to_apply) {
    struct match_hit *hits = malloc((size_t)(cat->n_in ? cat->n_in : 1) * sizeof *hits);
    *eligible = *to_apply = 0;
    profile_derive(p, today, NULL);
    if (hits && match_enterprise(cat->set, p, hits) == 0) {
        for (int k = 0; k < cat->n_in; k++) {
            if (hits[k].result != TRI_TRUE) continue;
            const struct clause *c = &cat->clauses[cat->clause_of[hits[k].clause]];
            (*eligible)++;
            *to_apply += hits[k].deadline >= today && !c->is_exempt;
        }
    }
    free(hits);
}

STORE_TEST(demo_users_showcase) {
    struct store *s = open_temp(t);
    if (!s) return;
    auth_set_password_cost(1, 8);
    struct error err;
    error_clear(&err);
    int np = 0, nc = 0;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    CHECK(nc > 0);
    CHECK_INT(demo_add_users(s, 5, 2000, &err), 0);
    struct actor e;
    CHECK_INT(auth_user_get(s, "demo_enterprise", &e, NULL, &err), 0);
    int32_t today = date_today();
    struct match_catalog *cat = NULL;
    CHECK_INT(match_catalog_load(s, today, &cat, &err), 0);
    struct profile *p = malloc(sizeof *p);
    struct demo_text dt;
    int town = -1, best = -1, mine_apply = -1, mine_eligible = -1;
    /* the bound firm and its town first, then every firm of that town */
    for (int64_t i = 0; p && cat && i < 2000 && town < 0; i++) {
        profile_clear(p);
        demo_enterprise(5, i, p, &dt);
        if (strcmp(dt.uscc, e.uscc) != 0) continue;
        town = (int)p->v[F_REGION].i;
        count_eligible(cat, p, today, &mine_eligible, &mine_apply);
    }
    CHECK(town >= 0 && region_is_within(town, region_by_code(370202)));
    for (int64_t i = 0; p && cat && town >= 0 && i < 2000; i++) {
        profile_clear(p);
        demo_enterprise(5, i, p, &dt);
        if ((int)p->v[F_REGION].i != town) continue;
        int el, ap;
        count_eligible(cat, p, today, &el, &ap);
        if (ap > best) best = ap;
    }
    CHECK_INT(mine_apply, best);
    CHECK(mine_eligible > 0);
    free(p);
    match_catalog_free(cat);
    store_close(s);
    remove_temp(t);
}
