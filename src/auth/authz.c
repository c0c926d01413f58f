/* Owns the authorisation matrix: the rows of authz.def as a table, looking a route up and saying
 * whether a role may call it. Does not own the object checks (auth_sees_*, role.c) or where the
 * check runs (src/http/router.c). */
#include <string.h>

#include "auth/auth.h"

#define R(x) (1u << ROLE_##x)
#define NETWORK (R(COMMISSIONER) | R(STATION) | R(CENTRE) | R(HUB))
#define STAFF (NETWORK | R(OFFICER) | R(REVIEWER) | R(FINANCE) | R(ADMIN))
#define ORGANISER (NETWORK | R(OFFICER) | R(ADMIN))
#define PARTIES (R(ENTERPRISE) | R(BANK) | R(INVESTOR))
#define ANY_SIGNED_IN (((1u << ROLE_COUNT) - 1) & ~R(ANON))

static const struct authz_rule rules[] = {
#define AUTHZ(method, pattern, scope, roles) {method, pattern, AUTHZ_##scope, roles},
#include "auth/authz.def"
#undef AUTHZ
};

int authz_count(void) {
    return (int)(sizeof rules / sizeof *rules);
}

const struct authz_rule *authz_at(int i) {
    return i >= 0 && i < authz_count() ? &rules[i] : NULL;
}

const struct authz_rule *authz_find(const char *method, const char *pattern) {
    for (int i = 0; i < authz_count(); i++)
        if (strcmp(rules[i].method, method) == 0 && strcmp(rules[i].pattern, pattern) == 0)
            return &rules[i];
    return NULL;
}

bool authz_allows(const struct authz_rule *r, enum role role) {
    if (!r) return false;
    if (r->scope == AUTHZ_PUBLIC) return true;
    return role > ROLE_ANON && role < ROLE_COUNT && (r->roles & (1u << role));
}

const char *authz_scope_key(enum authz_scope s) {
    static const char *const keys[] = {"public", "signed_in",  "enterprise",
                                       "region", "department", "admin"};
    return s >= 0 && s < (int)(sizeof keys / sizeof *keys) ? keys[s] : NULL;
}
