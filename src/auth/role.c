/* Owns the role table (keys, Chinese labels) and the scope checks of auth.h. Does not own users,
 * sessions or the authorisation matrix (the other files of src/auth). */
#include <string.h>

#include "auth/auth.h"
#include "refdata/refdata.h"

static const struct {
    const char *key, *label;
} roles[ROLE_COUNT] = {
    [ROLE_ANON] = {"anonymous", "访客"},
    [ROLE_ENTERPRISE] = {"enterprise", "企业用户"},
    [ROLE_COMMISSIONER] = {"commissioner", "政策服务专员"},
    [ROLE_STATION] = {"station", "服务站"},
    [ROLE_CENTRE] = {"centre", "区(市)服务中心"},
    [ROLE_HUB] = {"hub", "市级服务枢纽"},
    [ROLE_OFFICER] = {"officer", "政策发布人员"},
    [ROLE_REVIEWER] = {"reviewer", "审核人员"},
    [ROLE_FINANCE] = {"finance", "财政兑付人员"},
    [ROLE_BANK] = {"bank", "银行"},
    [ROLE_INVESTOR] = {"investor", "投资机构"},
    [ROLE_ADMIN] = {"admin", "系统管理员"},
};

const char *role_key(enum role r) {
    return r >= 0 && r < ROLE_COUNT ? roles[r].key : NULL;
}

const char *role_label(enum role r) {
    return r >= 0 && r < ROLE_COUNT ? roles[r].label : NULL;
}

enum role role_from_key(const char *key) {
    for (int r = 0; key && r < ROLE_COUNT; r++)
        if (strcmp(roles[r].key, key) == 0) return (enum role)r;
    return ROLE_ANON;
}

static bool in_area(const struct actor *a, int region) {
    return a->region < 0 || (region >= 0 && region_is_within(region, a->region));
}

bool auth_sees_enterprise(const struct actor *a, const char *uscc, int region) {
    switch (a->role) {
    case ROLE_ENTERPRISE:
        return uscc && a->uscc[0] && strcmp(a->uscc, uscc) == 0;
    case ROLE_COMMISSIONER:
    case ROLE_STATION:
    case ROLE_CENTRE:
    case ROLE_REVIEWER:
    case ROLE_FINANCE:
    case ROLE_OFFICER:
        return in_area(a, region);
    case ROLE_HUB:
    case ROLE_ADMIN:
        return true;
    default:
        return false;
    }
}

bool auth_sees_department(const struct actor *a, const char *department) {
    switch (a->role) {
    case ROLE_OFFICER:
    case ROLE_REVIEWER:
    case ROLE_FINANCE:
        return !a->dept[0] || (department && strcmp(a->dept, department) == 0);
    case ROLE_HUB:
    case ROLE_ADMIN:
        return true;
    default:
        return false;
    }
}
