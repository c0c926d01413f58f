/* Who is acting: users, roles and the scope each role acts within (the authorisation matrix, the
 * sessions and passwords live in src/auth's .c files; docs/AUTH.md). Every module that answers a
 * person asks this header, never a role name of its own: http_actor(req) gives the actor of a
 * request, and auth_sees_* say whether an object lies within the actor's scope (an enterprise
 * only itself; a district's commissioner or centre only that district; a department's officer
 * only its policies). */
#ifndef DUIJIE_AUTH_H
#define DUIJIE_AUTH_H

#include <stdbool.h>
#include <stdint.h>

enum role {
    ROLE_ANON = 0,     /* not signed in */
    ROLE_ENTERPRISE,   /* 企业用户: bound to one USCC */
    ROLE_COMMISSIONER, /* 政策服务专员: an area (towns) of a station */
    ROLE_STATION,      /* 服务站站长 */
    ROLE_CENTRE,       /* 区(市)服务中心: a district */
    ROLE_HUB,          /* 市级枢纽: the whole city */
    ROLE_OFFICER,      /* 政策发布 (a department's policies) */
    ROLE_REVIEWER,     /* 审核 */
    ROLE_FINANCE,      /* 财政兑付 */
    ROLE_BANK,         /* 银行 */
    ROLE_INVESTOR,     /* 投资机构 */
    ROLE_ADMIN,        /* 系统管理员 */
    ROLE_COUNT
};

struct actor {
    int64_t user_id; /* 0 when not signed in */
    enum role role;
    char username[64];
    char uscc[20];  /* ROLE_ENTERPRISE: its enterprise; "" otherwise */
    int region;     /* refdata region index of the area the role acts in; -1 = the whole city */
    char dept[96];  /* officer, reviewer, finance: the department (policy.department); "" = all */
    int64_t org_id; /* bank or investor: its organisation; network roles: their unit; 0 none */
};

/* "enterprise", "commissioner", … (stable keys for the API and the CLI); NULL past the end. */
const char *role_key(enum role r);
/* 企业用户, 政策服务专员, … */
const char *role_label(enum role r);
/* The role for a key; ROLE_ANON when unknown. */
enum role role_from_key(const char *key);

/* Whether the actor may see or act on an enterprise (by USCC and refdata region index). */
bool auth_sees_enterprise(const struct actor *a, const char *uscc, int region);
/* Whether the actor may act on a policy of the department. */
bool auth_sees_department(const struct actor *a, const char *department);

#endif
