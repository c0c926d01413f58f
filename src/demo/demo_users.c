/* Owns the demo's users: one per role, named demo_<role key> with the documented password
 * DEMO_PASSWORD, bound to the synthetic city so each role has something to see: the enterprise
 * user to the demo enterprise of the first 市南区 enterprise's town that is eligible for the most
 * open clauses one applies for (so 我的政策 is rich), the commissioner and the station to that
 * town, the centre to 市南区, the officer to 青岛市科学技术局 (which owns demo policies). Users,
 * passwords and the checks are src/auth's; which clauses a firm meets is src/match's (the only
 * place the demo asks the rules). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "demo/demo.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "util/date.h"

#define DEMO_DISTRICT 370202 /* 市南区 */

#define DEMO_CANDIDATES 300 /* firms of the town weighed for the enterprise user */

/* The first of the n demo enterprises registered in the district; -1 when none is. */
static int64_t first_in(uint64_t seed, int64_t n, int district, struct demo_text *t, int *town) {
    struct profile *p = malloc(sizeof *p);
    int64_t found = -1;
    for (int64_t i = 0; p && i < n && found < 0; i++) {
        profile_clear(p);
        demo_enterprise(seed, i, p, t);
        int r = p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
        if (r >= 0 && region_is_within(r, district)) {
            found = i;
            *town = r;
        }
    }
    free(p);
    return found;
}

/* How good a showcase firm p is for 我的政策: eligible clauses one can still apply for (deadline
 * not passed, not 免申即享) count most, then eligible clauses still open, then whether some open
 * clause is unknown (a 填写 to show), then any eligible clause. */
static int64_t showcase_score(const struct match_catalog *cat, struct profile *p,
                              struct match_hit *hits, int32_t today) {
    profile_derive(p, today, NULL);
    if (match_enterprise(cat->set, p, hits)) return -1;
    int64_t to_apply = 0, open = 0, eligible = 0, unknown = 0;
    for (int k = 0; k < cat->n_in; k++) {
        const struct clause *c = &cat->clauses[cat->clause_of[hits[k].clause]];
        bool is_open = hits[k].deadline >= today;
        if (hits[k].result == TRI_UNKNOWN && is_open) unknown = 1;
        if (hits[k].result != TRI_TRUE) continue;
        eligible++;
        open += is_open;
        to_apply += is_open && !c->is_exempt;
    }
    return to_apply * 10000 + open * 100 + unknown * 10 + eligible;
}

/* Of the first DEMO_CANDIDATES demo enterprises registered in `town`, the one with the best
 * showcase_score; stays `first` (copied into t) when no clause is published or memory fails. */
static void pick_showcase(struct store *s, uint64_t seed, int64_t n, int64_t first, int town,
                          struct demo_text *t) {
    struct match_catalog *cat = NULL;
    struct error err;
    error_clear(&err);
    int32_t today = date_today();
    if (match_catalog_load(s, today, &cat, &err)) return;
    struct profile *p = malloc(sizeof *p);
    struct match_hit *hits = malloc((size_t)(cat->n_in ? cat->n_in : 1) * sizeof *hits);
    struct demo_text cand;
    int64_t best = -1;
    for (int64_t i = first, seen = 0; p && hits && cat->n_in && i < n && seen < DEMO_CANDIDATES;
         i++) {
        profile_clear(p);
        demo_enterprise(seed, i, p, &cand);
        if (!p->v[F_REGION].has || (int)p->v[F_REGION].i != town) continue;
        seen++;
        int64_t score = showcase_score(cat, p, hits, today);
        if (score > best) {
            best = score;
            *t = cand;
        }
    }
    free(hits);
    free(p);
    match_catalog_free(cat);
}

int demo_add_users(struct store *s, uint64_t seed, int64_t n_enterprises, struct error *err) {
    int rc = refdata_load(err);
    if (rc < 0) return rc;
    int district = region_by_code(DEMO_DISTRICT), town = district;
    struct demo_text t;
    memset(&t, 0, sizeof t);
    int64_t first = first_in(seed, n_enterprises, district, &t, &town);
    bool has_enterprise = first >= 0;
    if (has_enterprise) pick_showcase(s, seed, n_enterprises, first, town, &t);
    for (int r = ROLE_ANON + 1; r < ROLE_COUNT && !rc; r++) {
        struct actor u = {.role = (enum role)r, .region = -1};
        snprintf(u.username, sizeof u.username, "demo_%s", role_key(u.role));
        switch (u.role) {
        case ROLE_ENTERPRISE:
            if (!has_enterprise) continue;
            snprintf(u.uscc, sizeof u.uscc, "%s", t.uscc);
            break;
        case ROLE_COMMISSIONER:
        case ROLE_STATION:
            u.region = town;
            break;
        case ROLE_CENTRE:
            u.region = district;
            break;
        case ROLE_OFFICER:
            snprintf(u.dept, sizeof u.dept, "%s", DEMO_DEPARTMENT);
            break;
        case ROLE_BANK:
        case ROLE_INVESTOR:
            u.org_id = 1; /* the demo's first bank; the first investor belongs to organisation 1 */
            break;
        default:
            break;
        }
        /* one left by an earlier run (or added by a run at the same moment, the ERR_CONFLICT):
         * the documented password works again */
        struct actor old = {.user_id = 0};
        int64_t id;
        rc = auth_user_get(s, u.username, &old, NULL, err);
        if (rc == ERR_NOTFOUND) rc = auth_user_add(s, &u, DEMO_PASSWORD, &id, err);
        if (rc == 0 && old.user_id) rc = auth_user_passwd(s, u.username, DEMO_PASSWORD, err);
        if (rc == ERR_CONFLICT) rc = auth_user_passwd(s, u.username, DEMO_PASSWORD, err);
    }
    return rc;
}
