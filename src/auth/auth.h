/* Who is acting: users, roles and the scope each role acts within; users with argon2id passwords,
 * sessions kept in the store (so any replica answers any request), login rate limits, and the
 * authorisation matrix (authz.def: which roles may call which endpoint). docs/AUTH.md. Every module
 * that answers a person asks this header, never a role name of its own: http_actor(req) gives the
 * actor of a request, and auth_sees_* say whether an object lies within the actor's scope (an
 * enterprise only itself; a district's commissioner or centre only that district; a department's
 * officer only its policies). */
#ifndef DUIJIE_AUTH_H
#define DUIJIE_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct store;

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

/* ---- users (user.c; table users of store module "auth") ---- */

#define AUTH_TOKEN_LEN 64 /* a session id or CSRF token: 32 random bytes as hex */

/* Adds a user with the scope in u (username, role, uscc, region index or -1, dept, org_id); u's
 * user_id is ignored. Checks the username (1-63 letters, digits, ._-), the password (8-128 bytes,
 * UTF-8), the role (not anonymous) and that the role has what its scope needs (an enterprise user a
 * valid USCC, an officer a department). A taken username is ERR_CONFLICT. */
int auth_user_add(struct store *s, const struct actor *u, const char *password, int64_t *id,
                  struct error *err);
int auth_user_passwd(struct store *s, const char *username, const char *password,
                     struct error *err);
/* Changes the role (the scope fields stay; the same checks as auth_user_add) and ends the user's
 * sessions, so the new role applies at once. */
int auth_user_set_role(struct store *s, const char *username, enum role role, struct error *err);
/* Disabling ends the user's sessions and refuses sign-in. */
int auth_user_set_disabled(struct store *s, const char *username, bool is_disabled,
                           struct error *err);
/* The user's actor (without signing in); ERR_NOTFOUND when there is no such user. */
int auth_user_get(struct store *s, const char *username, struct actor *a, bool *is_disabled,
                  struct error *err);
/* Every user in username order. */
typedef void (*auth_user_cb)(const struct actor *a, bool is_disabled, void *ctx);
int auth_user_each(struct store *s, auth_user_cb cb, void *ctx, struct error *err);
/* The argon2id cost of new hashes (t passes over m_kib KiB); defaults t=2, m=19 MiB, p=1. Hashes
 * record their cost, so lowering it (tests) leaves earlier ones valid. Not thread-safe: call it
 * before serving. */
void auth_set_password_cost(uint32_t t, uint32_t m_kib);

/* ---- sessions and sign-in (session.c) ---- */

#define AUTH_SESSION_SECONDS (12 * 3600) /* a session ends 12 h after sign-in at the latest */
#define AUTH_IDLE_SECONDS (2 * 3600)     /* and after 2 h without a request */
#define AUTH_LOCK_WINDOW 900             /* failures counted over 15 min lock for 15 min: */
#define AUTH_LOCK_USER 5                 /* per username */
#define AUTH_LOCK_CLIENT 20              /* per client address (offices share one) */

/* Signs in: checks the rate limits, then the password (argon2id_verify, constant time; the same
 * work is done for an unknown username), and on success creates a session. session and csrf get
 * AUTH_TOKEN_LEN hex characters; a is the user's actor. A wrong username or password, or a
 * disabled user, is ERR_FORBIDDEN; while the username or the client address is locked,
 * ERR_FORBIDDEN with *retry_after set to the seconds left (0 otherwise). client: the address the
 * request came from ("" when unknown). */
int auth_login(struct store *s, const char *username, const char *password, const char *client,
               char session[AUTH_TOKEN_LEN + 1], char csrf[AUTH_TOKEN_LEN + 1], struct actor *a,
               int *retry_after, struct error *err);
/* The actor of a live session and its CSRF token (csrf may be NULL); ERR_NOTFOUND when the id is
 * unknown, expired (absolute or idle) or its user disabled. Moves last_seen on (at most once a
 * minute, to keep reads cheap). */
int auth_session_actor(struct store *s, const char *session, struct actor *a,
                       char csrf[AUTH_TOKEN_LEN + 1], struct error *err);
/* Ends the session (no error when it is already gone). */
int auth_logout(struct store *s, const char *session, struct error *err);
/* Constant-time comparison of two NUL-terminated tokens. */
bool auth_token_equal(const char *a, const char *b);

/* ---- the authorisation matrix (authz.c, rows in authz.def) ---- */

/* What kind of object check the handler makes after the router let the role in. */
enum authz_scope {
    AUTHZ_PUBLIC,     /* anyone, signed in or not */
    AUTHZ_SIGNED_IN,  /* the listed roles; nothing more to check */
    AUTHZ_ENTERPRISE, /* one enterprise: auth_sees_enterprise */
    AUTHZ_REGION,     /* lists cut to the actor's region */
    AUTHZ_DEPARTMENT, /* one department's policies: auth_sees_department */
    AUTHZ_ADMIN,      /* city-wide administration */
};

struct authz_rule {
    const char *method;  /* "GET", "POST", … */
    const char *pattern; /* exactly as registered with http_route: "/api/enterprises/{uscc}" */
    enum authz_scope scope;
    uint32_t roles; /* bit (1u << role) per role allowed; ignored for AUTHZ_PUBLIC */
};

int authz_count(void);
const struct authz_rule *authz_at(int i);
/* The row for a route; NULL when the route has none (the router then refuses it). */
const struct authz_rule *authz_find(const char *method, const char *pattern);
bool authz_allows(const struct authz_rule *r, enum role role);
/* "public", "signed_in", "enterprise", "region", "department", "admin". */
const char *authz_scope_key(enum authz_scope s);

#endif
