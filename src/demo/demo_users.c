/* Owns the demo's users: one per role, named demo_<role key> with the documented password
 * DEMO_PASSWORD, bound to the synthetic city so each role has something to see: the enterprise
 * user to the first demo enterprise in 市南区, the commissioner and the station to its town, the
 * centre to 市南区, the officer to 青岛市科学技术局 (which owns demo policies). Users, passwords
 * and the checks are src/auth's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "demo/demo.h"
#include "refdata/refdata.h"

#define DEMO_DISTRICT 370202 /* 市南区 */

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

int demo_add_users(struct store *s, uint64_t seed, int64_t n_enterprises, struct error *err) {
    int rc = refdata_load(err);
    if (rc < 0) return rc;
    int district = region_by_code(DEMO_DISTRICT), town = district;
    struct demo_text t;
    memset(&t, 0, sizeof t);
    bool has_enterprise = first_in(seed, n_enterprises, district, &t, &town) >= 0;
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
