/* src/auth: users, passwords, sessions and rate limits on both stores (STORE_TEST), then the HTTP
 * side: the login endpoints, the cookie, CSRF, and the authorisation matrix walked for every role.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "demo/demo.h"
#include "http/internal.h"
#include "refdata/refdata.h"
#include "tauth.h"
#include "test.h"
#include "tstore.h"

#define DEMO_USCC "91370212MA3C000013"

static struct actor user_of(const char *name, enum role role) {
    struct actor u = {.role = role, .region = -1};
    snprintf(u.username, sizeof u.username, "%s", name);
    return u;
}

static int login(struct store *s, const char *user, const char *pw, const char *client, int *retry,
                 struct actor *a) {
    char session[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
    struct error err;
    error_clear(&err);
    return auth_login(s, user, pw, client, session, csrf, a, retry, &err);
}

STORE_TEST(auth_users) {
    struct store *s = open_temp(t);
    if (!s) return;
    auth_set_password_cost(1, 8);
    struct error err;
    error_clear(&err);
    int64_t id = 0;
    struct actor u = user_of("admin1", ROLE_ADMIN);
    CHECK_INT(auth_user_add(s, &u, "correct horse", &id, &err), 0);
    CHECK(id > 0);
    CHECK_INT(auth_user_add(s, &u, "correct horse", &id, &err), ERR_CONFLICT);
    /* bad usernames, passwords, scopes */
    struct actor bad = user_of("has space", ROLE_ADMIN);
    CHECK_INT(auth_user_add(s, &bad, "correct horse", &id, &err), ERR_INVALID);
    CHECK_STR(err.field, "username");
    bad = user_of("short", ROLE_ADMIN);
    CHECK_INT(auth_user_add(s, &bad, "1234567", &id, &err), ERR_INVALID);
    CHECK_INT(auth_user_add(s, &bad, "12345678\xff", &id, &err), ERR_UTF8);
    bad = user_of("ent", ROLE_ENTERPRISE);
    CHECK_INT(auth_user_add(s, &bad, "correct horse", &id, &err), ERR_INVALID);
    snprintf(bad.uscc, sizeof bad.uscc, "91370212MA3C000014");
    CHECK_INT(auth_user_add(s, &bad, "correct horse", &id, &err), ERR_INVALID);
    bad = user_of("off", ROLE_OFFICER);
    CHECK_INT(auth_user_add(s, &bad, "correct horse", &id, &err), ERR_INVALID);
    bad = user_of("centre", ROLE_CENTRE);
    CHECK_INT(auth_user_add(s, &bad, "correct horse", &id, &err), ERR_INVALID);
    bad = user_of("anon", ROLE_ANON);
    CHECK_INT(auth_user_add(s, &bad, "correct horse", &id, &err), ERR_INVALID);
    /* a centre keeps its district through the store */
    struct actor c = user_of("centre1", ROLE_CENTRE);
    c.region = region_by_code(370202);
    CHECK_INT(auth_user_add(s, &c, "correct horse", &id, &err), 0);
    struct actor got;
    bool is_disabled = true;
    CHECK_INT(auth_user_get(s, "centre1", &got, &is_disabled, &err), 0);
    CHECK_INT(got.role, ROLE_CENTRE);
    CHECK_INT(got.region, region_by_code(370202));
    CHECK(!is_disabled);
    CHECK_INT(auth_user_get(s, "nobody", &got, NULL, &err), ERR_NOTFOUND);
    /* the stored hash is an argon2id encoded string, never the password */
    struct store_rows *r = NULL;
    CHECK_INT(store_sql(s, "SELECT password_hash FROM users WHERE username = 'admin1'", NULL, 0, &r,
                        &err),
              0);
    CHECK(strncmp(store_rows_text(r, 0, 0), "$argon2id$", 10) == 0);
    CHECK(!strstr(store_rows_text(r, 0, 0), "correct horse"));
    store_rows_free(r);
    /* role change: checked against the scope (an admin has no department to be an officer) */
    CHECK_INT(auth_user_set_role(s, "admin1", ROLE_OFFICER, &err), ERR_INVALID);
    CHECK_INT(auth_user_set_role(s, "admin1", ROLE_HUB, &err), 0);
    CHECK_INT(auth_user_set_role(s, "nobody", ROLE_HUB, &err), ERR_NOTFOUND);
    CHECK_INT(auth_user_get(s, "admin1", &got, NULL, &err), 0);
    CHECK_INT(got.role, ROLE_HUB);
    int retry = 0;
    CHECK_INT(auth_user_passwd(s, "admin1", "new password!", &err), 0);
    CHECK_INT(login(s, "admin1", "correct horse", "", &retry, &got), ERR_FORBIDDEN);
    CHECK_INT(login(s, "admin1", "new password!", "", &retry, &got), 0);
    CHECK_INT(auth_user_passwd(s, "nobody", "new password!", &err), ERR_NOTFOUND);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(auth_sessions) {
    struct store *s = open_temp(t);
    if (!s) return;
    auth_set_password_cost(1, 8);
    struct error err;
    error_clear(&err);
    int64_t id;
    struct actor u = user_of("ent1", ROLE_ENTERPRISE);
    snprintf(u.uscc, sizeof u.uscc, DEMO_USCC);
    CHECK_INT(auth_user_add(s, &u, "Demo@2026", &id, &err), 0);
    char session[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1], csrf2[AUTH_TOKEN_LEN + 1];
    struct actor a;
    int retry = 0;
    CHECK_INT(auth_login(s, "ent1", "Demo@2026", "10.0.0.1", session, csrf, &a, &retry, &err), 0);
    CHECK_INT((int)strlen(session), AUTH_TOKEN_LEN);
    CHECK_INT((int)strlen(csrf), AUTH_TOKEN_LEN);
    CHECK(strcmp(session, csrf) != 0);
    CHECK_STR(a.uscc, DEMO_USCC);
    struct actor b;
    CHECK_INT(auth_session_actor(s, session, &b, csrf2, &err), 0);
    CHECK_INT(b.role, ROLE_ENTERPRISE);
    CHECK_STR(b.username, "ent1");
    CHECK_STR(csrf2, csrf);
    /* the store keeps a hash of the id, not the id */
    int64_t n = -1;
    struct store_val arg = store_val_text(session);
    CHECK_INT(store_sql_int(s, "SELECT COUNT(*) FROM sessions WHERE id = ?", &arg, 1, 0, &n, &err),
              0);
    CHECK_INT(n, 0);
    /* unknown, malformed */
    char other[AUTH_TOKEN_LEN + 1];
    memcpy(other, session, sizeof other);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    CHECK_INT(auth_session_actor(s, other, &b, NULL, &err), ERR_NOTFOUND);
    CHECK_INT(auth_session_actor(s, "abc", &b, NULL, &err), ERR_NOTFOUND);
    CHECK_INT(auth_session_actor(s, "", &b, NULL, &err), ERR_NOTFOUND);
    /* expired: absolute, then idle */
    CHECK_INT(store_sql(s, "UPDATE sessions SET expires = 1", NULL, 0, NULL, &err), 0);
    CHECK_INT(auth_session_actor(s, session, &b, NULL, &err), ERR_NOTFOUND);
    CHECK_INT(b.role, ROLE_ANON);
    CHECK_INT(login(s, "ent1", "Demo@2026", "", &retry, &a), 0);
    CHECK_INT(auth_login(s, "ent1", "Demo@2026", "", session, csrf, &a, &retry, &err), 0);
    struct store_val idle = store_val_int((int64_t)time(NULL) - AUTH_IDLE_SECONDS - 1);
    CHECK_INT(store_sql(s, "UPDATE sessions SET last_seen = ?", &idle, 1, NULL, &err), 0);
    CHECK_INT(auth_session_actor(s, session, &b, NULL, &err), ERR_NOTFOUND);
    /* logout ends it; disabling ends every session and refuses sign-in */
    CHECK_INT(auth_login(s, "ent1", "Demo@2026", "", session, csrf, &a, &retry, &err), 0);
    CHECK_INT(auth_session_actor(s, session, &b, NULL, &err), 0);
    CHECK_INT(auth_logout(s, session, &err), 0);
    CHECK_INT(auth_session_actor(s, session, &b, NULL, &err), ERR_NOTFOUND);
    CHECK_INT(auth_logout(s, session, &err), 0);
    CHECK_INT(auth_login(s, "ent1", "Demo@2026", "", session, csrf, &a, &retry, &err), 0);
    CHECK_INT(auth_user_set_disabled(s, "ent1", true, &err), 0);
    CHECK_INT(auth_session_actor(s, session, &b, NULL, &err), ERR_NOTFOUND);
    CHECK_INT(auth_login(s, "ent1", "Demo@2026", "", session, csrf, &a, &retry, &err),
              ERR_FORBIDDEN);
    CHECK(strstr(err.en, "disabled") != NULL);
    CHECK_INT(retry, 0);
    CHECK_INT(auth_user_set_disabled(s, "ent1", false, &err), 0);
    CHECK_INT(auth_login(s, "ent1", "Demo@2026", "", session, csrf, &a, &retry, &err), 0);
    /* a role change ends the sessions too, so the new role applies at once */
    CHECK_INT(auth_user_set_role(s, "ent1", ROLE_BANK, &err), 0);
    CHECK_INT(auth_session_actor(s, session, &b, NULL, &err), ERR_NOTFOUND);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(auth_rate_limit) {
    struct store *s = open_temp(t);
    if (!s) return;
    auth_set_password_cost(1, 8);
    struct error err;
    error_clear(&err);
    int64_t id;
    struct actor u = user_of("hub1", ROLE_HUB), a;
    CHECK_INT(auth_user_add(s, &u, "right password", &id, &err), 0);
    int retry = 0;
    /* a success clears the username's failures */
    for (int i = 0; i < AUTH_LOCK_USER - 1; i++)
        CHECK_INT(login(s, "hub1", "wrong password", "10.0.0.1", &retry, &a), ERR_FORBIDDEN);
    CHECK_INT(login(s, "hub1", "right password", "10.0.0.1", &retry, &a), 0);
    for (int i = 0; i < AUTH_LOCK_USER; i++) {
        CHECK_INT(login(s, "hub1", "wrong password", "10.0.0.2", &retry, &a), ERR_FORBIDDEN);
        CHECK_INT(retry, 0);
    }
    /* locked: even the right password, from anywhere, for about 15 minutes */
    CHECK_INT(login(s, "hub1", "right password", "10.0.0.3", &retry, &a), ERR_FORBIDDEN);
    CHECK(retry > AUTH_LOCK_WINDOW - 60 && retry <= AUTH_LOCK_WINDOW);
    /* once the failures are older than the window, it opens again */
    struct store_val old = store_val_int((int64_t)time(NULL) - AUTH_LOCK_WINDOW - 1);
    CHECK_INT(store_sql(s, "UPDATE login_attempts SET failed_at = ?", &old, 1, NULL, &err), 0);
    CHECK_INT(login(s, "hub1", "right password", "10.0.0.3", &retry, &a), 0);
    CHECK_INT(retry, 0);
    /* one address guessing many usernames (unknown ones too) is locked as a whole */
    char name[32];
    for (int i = 0; i < AUTH_LOCK_CLIENT; i++) {
        snprintf(name, sizeof name, "guess%d", i);
        CHECK_INT(login(s, name, "wrong password", "10.9.9.9", &retry, &a), ERR_FORBIDDEN);
        CHECK_INT(retry, 0);
    }
    CHECK_INT(login(s, "hub1", "right password", "10.9.9.9", &retry, &a), ERR_FORBIDDEN);
    CHECK(retry > 0);
    CHECK_INT(login(s, "hub1", "right password", "10.0.0.4", &retry, &a), 0);
    store_close(s);
    remove_temp(t);
}

TEST(auth_matrix_rows) {
    /* every row names a method, an /api pattern, and roles unless public; no duplicates */
    for (int i = 0; i < authz_count(); i++) {
        const struct authz_rule *r = authz_at(i);
        CHECK(strncmp(r->pattern, "/api/", 5) == 0);
        CHECK(r->scope == AUTHZ_PUBLIC ? r->roles == 0 : r->roles != 0);
        CHECK(!(r->roles & 1u)); /* anonymous only through PUBLIC */
        CHECK(authz_find(r->method, r->pattern) == r);
        CHECK(authz_scope_key(r->scope) != NULL);
    }
    CHECK(authz_find("GET", "/api/nothing") == NULL);
    CHECK(authz_allows(authz_find("GET", "/api/search"), ROLE_ANON));
    CHECK(!authz_allows(authz_find("POST", "/api/policies"), ROLE_ANON));
    CHECK(!authz_allows(authz_find("POST", "/api/policies"), ROLE_ENTERPRISE));
    CHECK(authz_allows(authz_find("POST", "/api/policies"), ROLE_OFFICER));
    CHECK(auth_token_equal("abc", "abc"));
    CHECK(!auth_token_equal("abc", "abd"));
    CHECK(!auth_token_equal("abc", "abcd"));
}

/* ---- over HTTP (without a socket) ---- */

struct hreply {
    int status;
    json_t *json;
    char headers[2048];
};

static void hcall(struct http_server *srv, const char *method, const char *target, const char *body,
                  const char *cookie, const char *csrf, struct hreply *out) {
    struct http_header h[2];
    int n = 0;
    if (cookie) h[n++] = (struct http_header){"Cookie", cookie};
    if (csrf) h[n++] = (struct http_header){"X-CSRF-Token", csrf};
    struct http_input in = {.method = method,
                            .target = target,
                            .headers = h,
                            .n_headers = n,
                            .body = body,
                            .body_len = body ? strlen(body) : 0,
                            .client = "192.0.2.7"};
    struct http_response res;
    http_server_handle(srv, &in, &res);
    memset(out, 0, sizeof *out);
    out->status = res.status;
    out->json = res.body ? json_loadb(res.body, res.body_len, 0, NULL) : NULL;
    size_t used = 0;
    for (int i = 0; i < res.n_headers; i++)
        used += (size_t)snprintf(out->headers + used, sizeof out->headers - used, "%s: %s\n",
                                 res.headers[i].name, res.headers[i].value);
    http_response_release(&res);
}

static const char *hcode(const struct hreply *r) {
    return json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
}

static const char *hstr(const struct hreply *r, const char *key) {
    return json_string_value(json_object_get(r->json, key));
}

static char http_db[128];

static struct http_server *auth_server(bool is_secure) {
    struct error err;
    error_clear(&err);
    snprintf(http_db, sizeof http_db, "/tmp/duijie_auth_http_%d.db", (int)getpid());
    unlink(http_db);
    struct http_config cfg = {.db = http_db, .threads = 2, .is_cookie_secure = is_secure};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return NULL;
    }
    return srv;
}

static void auth_server_free(struct http_server *srv) {
    http_server_free(srv);
    char p[160];
    unlink(http_db);
    snprintf(p, sizeof p, "%s-wal", http_db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", http_db);
    unlink(p);
}

/* The session cookie's "name=value" from a Set-Cookie header, into out. */
static void cookie_of(const struct hreply *r, char *out, size_t cap) {
    out[0] = 0;
    const char *p = strstr(r->headers, "Set-Cookie: ");
    if (!p) return;
    p += 12;
    size_t n = strcspn(p, ";\n");
    snprintf(out, cap, "%.*s", (int)n, p);
}

TEST(auth_http_login_cookie_csrf) {
    struct http_server *srv = auth_server(false);
    if (!srv) return;
    struct tauth ent;
    CHECK_INT(tauth_sign_in_db(http_db, ROLE_ENTERPRISE, DEMO_USCC, NULL, NULL, &ent), 0);
    char body[160];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"wrong password\"}",
             ent.actor.username);
    struct hreply r;
    hcall(srv, "POST", "/api/auth/login", body, NULL, NULL, &r);
    CHECK_INT(r.status, 401);
    CHECK_STR(hcode(&r), "login_failed");
    CHECK(!strstr(r.headers, "Set-Cookie"));
    json_decref(r.json);
    hcall(srv, "POST", "/api/auth/login", "{\"username\":1}", NULL, NULL, &r);
    CHECK_INT(r.status, 400);
    json_decref(r.json);

    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", ent.actor.username,
             TAUTH_PASSWORD);
    hcall(srv, "POST", "/api/auth/login", body, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(hstr(&r, "role"), "enterprise");
    CHECK_STR(hstr(&r, "label"), "企业用户");
    CHECK_STR(json_string_value(json_object_get(json_object_get(r.json, "scope"), "uscc")),
              DEMO_USCC);
    char csrf[AUTH_TOKEN_LEN + 1];
    snprintf(csrf, sizeof csrf, "%s", hstr(&r, "csrf") ? hstr(&r, "csrf") : "");
    CHECK_INT((int)strlen(csrf), AUTH_TOKEN_LEN);
    CHECK(strstr(r.headers, "Set-Cookie: duijie_session=") != NULL);
    CHECK(strstr(r.headers, "; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200") != NULL);
    CHECK(!strstr(r.headers, "Secure"));
    char cookie[128];
    cookie_of(&r, cookie, sizeof cookie);
    json_decref(r.json);

    /* the cookie among others */
    char cookies[256];
    snprintf(cookies, sizeof cookies, "theme=dark; %s; lang=zh", cookie);
    hcall(srv, "GET", "/api/auth/me", NULL, cookies, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(json_is_true(json_object_get(r.json, "signed_in")));
    json_t *user = json_object_get(r.json, "user");
    CHECK_STR(json_string_value(json_object_get(user, "username")), ent.actor.username);
    CHECK_STR(json_string_value(json_object_get(user, "role")), "enterprise");
    CHECK_STR(json_string_value(json_object_get(user, "role_label")), "企业用户");
    CHECK_STR(hstr(&r, "csrf"), csrf);
    json_decref(r.json);
    /* nobody signed in, or a cookie that names no session: 401 */
    hcall(srv, "GET", "/api/auth/me", NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 401);
    CHECK_STR(hcode(&r), "unauthenticated");
    json_decref(r.json);
    hcall(srv, "GET", "/api/auth/me", NULL, "duijie_session=nonsense", NULL, &r);
    CHECK_INT(r.status, 401);
    json_decref(r.json);

    /* a state change from a session needs its CSRF token: missing, wrong, another session's */
    const char *upd = "{\"uscc\":\"" DEMO_USCC "\",\"name\":\"青岛测试企业\"}";
    hcall(srv, "POST", "/api/enterprises", upd, cookie, NULL, &r);
    CHECK_INT(r.status, 403);
    CHECK_STR(hcode(&r), "csrf");
    CHECK(json_string_length(json_object_get(json_object_get(r.json, "error"), "zh")) > 0);
    json_decref(r.json);
    char wrong[AUTH_TOKEN_LEN + 1];
    memcpy(wrong, csrf, sizeof wrong);
    wrong[5] = wrong[5] == '0' ? '1' : '0';
    hcall(srv, "POST", "/api/enterprises", upd, cookie, wrong, &r);
    CHECK_INT(r.status, 403);
    CHECK_STR(hcode(&r), "csrf");
    json_decref(r.json);
    hcall(srv, "POST", "/api/enterprises", upd, cookie, ent.csrf, &r);
    CHECK_INT(r.status, 403);
    json_decref(r.json);
    hcall(srv, "POST", "/api/enterprises", upd, cookie, csrf, &r);
    CHECK_INT(r.status, 201);
    json_decref(r.json);
    /* GET needs no token; a role not in the row is 403, nobody signed in 401 */
    hcall(srv, "GET", "/api/enterprises", NULL, cookie, NULL, &r);
    CHECK_INT(r.status, 403);
    CHECK_STR(hcode(&r), "role_forbidden");
    json_decref(r.json);
    hcall(srv, "GET", "/api/enterprises", NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 401);
    CHECK_STR(hcode(&r), "unauthenticated");
    json_decref(r.json);
    hcall(srv, "GET", "/api/enterprises/" DEMO_USCC, NULL, cookie, NULL, &r);
    CHECK_INT(r.status, 200);
    json_decref(r.json);

    /* logout: needs the token too; afterwards the cookie signs nobody in */
    hcall(srv, "POST", "/api/auth/logout", NULL, cookie, NULL, &r);
    CHECK_INT(r.status, 403);
    json_decref(r.json);
    hcall(srv, "POST", "/api/auth/logout", NULL, cookie, csrf, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "Set-Cookie: duijie_session=; Path=/; HttpOnly; SameSite=Lax; "
                            "Max-Age=0") != NULL);
    json_decref(r.json);
    hcall(srv, "GET", "/api/enterprises/" DEMO_USCC, NULL, cookie, NULL, &r);
    CHECK_INT(r.status, 401);
    json_decref(r.json);
    auth_server_free(srv);
}

TEST(auth_http_rate_limit_and_secure_cookie) {
    struct http_server *srv = auth_server(true);
    if (!srv) return;
    struct tauth hub;
    CHECK_INT(tauth_sign_in_db(http_db, ROLE_HUB, NULL, NULL, NULL, &hub), 0);
    char body[160];
    struct hreply r;
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", hub.actor.username,
             TAUTH_PASSWORD);
    hcall(srv, "POST", "/api/auth/login", body, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "; Secure") != NULL);
    json_decref(r.json);
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"guess guess\"}",
             hub.actor.username);
    for (int i = 0; i < AUTH_LOCK_USER; i++) {
        hcall(srv, "POST", "/api/auth/login", body, NULL, NULL, &r);
        CHECK_INT(r.status, 401);
        json_decref(r.json);
    }
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", hub.actor.username,
             TAUTH_PASSWORD);
    hcall(srv, "POST", "/api/auth/login", body, NULL, NULL, &r);
    CHECK_INT(r.status, 429);
    CHECK_STR(hcode(&r), "too_many_attempts");
    const char *ra = strstr(r.headers, "Retry-After: ");
    CHECK(ra != NULL);
    if (ra) {
        int secs = atoi(ra + 13);
        CHECK(secs > 0 && secs <= AUTH_LOCK_WINDOW);
    }
    json_decref(r.json);
    /* the session made before the lock still works: the lock is on signing in */
    hcall(srv, "GET", "/api/enterprises", NULL, hub.cookie, NULL, &r);
    CHECK_INT(r.status, 200);
    json_decref(r.json);
    /* an expired session is nobody */
    struct store *s = NULL;
    struct error err;
    CHECK_INT(store_open(http_db, &s, &err), 0);
    if (s) {
        CHECK_INT(store_sql(s, "UPDATE sessions SET expires = 1", NULL, 0, NULL, &err), 0);
        store_close(s);
    }
    hcall(srv, "GET", "/api/enterprises", NULL, hub.cookie, NULL, &r);
    CHECK_INT(r.status, 401);
    json_decref(r.json);
    auth_server_free(srv);
}

/* ---- the authorisation matrix, walked ---- */

#define USCC_SHINAN "91370212MA3C000013"  /* an enterprise in 市南区 (370202) */
#define USCC_LAOSHAN "91370212MA3C000026" /* one in 崂山区 (370212) */
#define DEPT_OWN "青岛市科学技术局"
#define DEPT_OTHER "青岛市工业和信息化局"

struct fixture {
    struct http_server *srv;
    struct tauth who[ROLE_COUNT]; /* [ROLE_ANON] stays empty */
    int64_t policy_own, policy_other, clause_own;
};

static int sign_in_role(enum role r, struct tauth *t) {
    switch (r) {
    case ROLE_ENTERPRISE:
        return tauth_sign_in_db(http_db, r, USCC_SHINAN, NULL, NULL, t);
    case ROLE_COMMISSIONER:
    case ROLE_STATION:
    case ROLE_CENTRE:
        return tauth_sign_in_db(http_db, r, NULL, "370202", NULL, t);
    case ROLE_OFFICER:
        return tauth_sign_in_db(http_db, r, NULL, NULL, DEPT_OWN, t);
    default:
        return tauth_sign_in_db(http_db, r, NULL, NULL, NULL, t);
    }
}

/* POSTs a policy of a department as the administrator; its id and first clause's id. */
static void make_policy(struct fixture *f, const char *dept, int64_t *id, int64_t *clause) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"title\":\"%s测试政策\",\"department\":\"%s\",\"clauses\":[{\"title\":\"营收奖励\","
             "\"text\":\"营业收入不低于100万元的,奖励50万元。\",\"rule\":\"营业收入 >= "
             "100万元\\n奖励 = 50万元\"}]}",
             dept, dept);
    struct hreply r;
    const struct tauth *a = &f->who[ROLE_ADMIN];
    hcall(f->srv, "POST", "/api/policies", body, a->cookie, a->csrf, &r);
    CHECK_INT(r.status, 201);
    *id = json_integer_value(json_object_get(r.json, "id"));
    *clause = json_integer_value(
        json_object_get(json_array_get(json_object_get(r.json, "clauses"), 0), "id"));
    json_decref(r.json);
}

static bool fixture_init(struct fixture *f) {
    memset(f, 0, sizeof *f);
    if (!(f->srv = auth_server(false))) return false;
    for (int r = ROLE_ANON + 1; r < ROLE_COUNT; r++)
        if (sign_in_role((enum role)r, &f->who[r]) < 0) return false;
    const struct tauth *a = &f->who[ROLE_ADMIN];
    struct hreply r;
    hcall(f->srv, "POST", "/api/enterprises",
          "{\"uscc\":\"" USCC_SHINAN "\",\"name\":\"市南测试企业\",\"region\":\"市南区\"}",
          a->cookie, a->csrf, &r);
    CHECK_INT(r.status, 201);
    json_decref(r.json);
    hcall(f->srv, "POST", "/api/enterprises",
          "{\"uscc\":\"" USCC_LAOSHAN "\",\"name\":\"崂山测试企业\",\"region\":\"崂山区\"}",
          a->cookie, a->csrf, &r);
    CHECK_INT(r.status, 201);
    json_decref(r.json);
    int64_t other_clause;
    make_policy(f, DEPT_OWN, &f->policy_own, &f->clause_own);
    make_policy(f, DEPT_OTHER, &f->policy_other, &other_clause);
    return f->policy_own > 0 && f->policy_other > 0 && f->clause_own > 0;
}

/* The pattern with its parameters filled: enterprises by the 市南区 one (the enterprise user's
 * own, inside the district roles' area), policies and clauses by the officer's department's. */
static void fill(const struct fixture *f, const char *pattern, char *out, size_t cap) {
    size_t n = 0;
    out[0] = 0;
    for (const char *p = pattern; *p && n + 1 < cap;) {
        if (*p != '{') {
            out[n++] = *p++;
            out[n] = 0;
            continue;
        }
        const char *e = strchr(p, '}');
        size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
        char value[32] = "1";
        if (strncmp(p, "{uscc}", len) == 0)
            snprintf(value, sizeof value, USCC_SHINAN);
        else if (strstr(out, "/api/policies/") && strncmp(p, "{id}", len) == 0)
            snprintf(value, sizeof value, "%lld", (long long)f->policy_own);
        else if (strstr(out, "/api/clauses/") && strncmp(p, "{id}", len) == 0)
            snprintf(value, sizeof value, "%lld", (long long)f->clause_own);
        n += (size_t)snprintf(out + n, cap - n, "%s", value);
        p += len;
    }
}

/* Refused by the matrix (not by a handler's own check, which has other codes). */
static bool is_refused(const struct hreply *r) {
    const char *code = hcode(r);
    return r->status == 401 || (r->status == 403 && code && strcmp(code, "role_forbidden") == 0);
}

TEST(auth_matrix_walk) {
    struct fixture f;
    if (!fixture_init(&f)) {
        test_failf(__FILE__, __LINE__, "fixture");
        if (f.srv) auth_server_free(f.srv);
        return;
    }
    /* every /api route has a row, and every row a route */
    const struct http_router *rt = &f.srv->router;
    for (int i = 0; i < rt->n; i++) {
        test_case(rt->routes[i].pattern);
        if (strncmp(rt->routes[i].pattern, "/api/", 5) == 0) CHECK(rt->routes[i].authz != NULL);
    }
    for (int k = 0; k < authz_count(); k++) {
        const struct authz_rule *row = authz_at(k);
        bool has_route = false;
        for (int i = 0; i < rt->n; i++)
            has_route |= rt->routes[i].authz == row;
        test_case(row->pattern);
        CHECK(has_route);
    }
    /* every row × every role */
    int n_calls = 0;
    for (int k = 0; k < authz_count(); k++) {
        const struct authz_rule *row = authz_at(k);
        char target[256], name[300];
        fill(&f, row->pattern, target, sizeof target);
        for (int role = ROLE_ANON; role < ROLE_COUNT; role++) {
            snprintf(name, sizeof name, "%s %s as %s", row->method, target,
                     role_key((enum role)role));
            test_case(name);
            const struct tauth *t = &f.who[role];
            bool is_anon = role == ROLE_ANON;
            struct hreply r;
            hcall(f.srv, row->method, target, strcmp(row->method, "GET") ? "{}" : NULL,
                  is_anon ? NULL : t->cookie, is_anon ? NULL : t->csrf, &r);
            n_calls++;
            if (authz_allows(row, (enum role)role)) {
                CHECK(!is_refused(&r));
            } else {
                CHECK_INT(r.status, is_anon ? 401 : 403);
                CHECK_STR(hcode(&r), is_anon ? "unauthenticated" : "role_forbidden");
                CHECK(json_string_length(json_object_get(json_object_get(r.json, "error"), "zh")));
            }
            json_decref(r.json);
            if (!is_anon && strcmp(row->pattern, "/api/auth/logout") == 0)
                CHECK_INT(sign_in_role((enum role)role, &f.who[role]), 0); /* it signed out */
        }
    }
    CHECK_INT(n_calls, authz_count() * ROLE_COUNT);
    auth_server_free(f.srv);
}

/* Reaching outside one's scope by changing an id: another enterprise, another district, another
 * department's policy. */
TEST(auth_scope_by_id) {
    struct fixture f;
    if (!fixture_init(&f)) {
        test_failf(__FILE__, __LINE__, "fixture");
        if (f.srv) auth_server_free(f.srv);
        return;
    }
    static const struct {
        enum role role;
        const char *method, *target, *body;
        int status;
    } cases[] = {
        /* an enterprise: itself only */
        {ROLE_ENTERPRISE, "GET", "/api/enterprises/" USCC_SHINAN, NULL, 200},
        {ROLE_ENTERPRISE, "GET", "/api/enterprises/" USCC_LAOSHAN, NULL, 403},
        {ROLE_ENTERPRISE, "GET", "/api/enterprises/91110000710925462X", NULL, 403},
        {ROLE_ENTERPRISE, "GET", "/api/enterprises/" USCC_SHINAN "/matches", NULL, 200},
        {ROLE_ENTERPRISE, "GET", "/api/enterprises/" USCC_LAOSHAN "/matches", NULL, 403},
        {ROLE_ENTERPRISE, "POST", "/api/enterprises",
         "{\"uscc\":\"" USCC_LAOSHAN "\",\"name\":\"改别人的\"}", 403},
        {ROLE_ENTERPRISE, "POST", "/api/enterprises",
         "{\"uscc\":\"" USCC_SHINAN "\",\"name\":\"市南测试企业\",\"region\":\"市南区\"}", 201},
        /* a district's centre and commissioner: their district only */
        {ROLE_CENTRE, "GET", "/api/enterprises/" USCC_SHINAN, NULL, 200},
        {ROLE_CENTRE, "GET", "/api/enterprises/" USCC_LAOSHAN, NULL, 403},
        {ROLE_COMMISSIONER, "GET", "/api/enterprises/" USCC_LAOSHAN, NULL, 403},
        {ROLE_COMMISSIONER, "GET", "/api/enterprises/" USCC_LAOSHAN "/matches", NULL, 403},
        {ROLE_CENTRE, "GET", "/api/enterprises?region=370212", NULL, 403},
        {ROLE_CENTRE, "GET", "/api/enterprises?region=370200", NULL, 403},
        {ROLE_CENTRE, "GET", "/api/enterprises?region=370202", NULL, 200},
        {ROLE_STATION, "POST", "/api/enterprises",
         "{\"uscc\":\"" USCC_LAOSHAN "\",\"name\":\"崂山测试企业\",\"region\":\"市南区\"}", 403},
        {ROLE_STATION, "POST", "/api/enterprises",
         "{\"uscc\":\"" USCC_SHINAN "\",\"name\":\"市南测试企业\",\"region\":\"崂山区\"}", 403},
        {ROLE_HUB, "GET", "/api/enterprises/" USCC_LAOSHAN, NULL, 200},
        /* a department's officer: its policies only */
        {ROLE_OFFICER, "POST", "/api/policies",
         "{\"title\":\"越权\",\"department\":\"" DEPT_OTHER "\",\"clauses\":[{\"text\":\"x\","
         "\"rule\":\"营业收入 >= 100万元\\n奖励 = 1万元\"}]}",
         403},
    };
    struct hreply r;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_case(cases[i].target);
        const struct tauth *t = &f.who[cases[i].role];
        hcall(f.srv, cases[i].method, cases[i].target, cases[i].body, t->cookie, t->csrf, &r);
        CHECK_INT(r.status, cases[i].status);
        if (cases[i].status == 403) CHECK_STR(hcode(&r), "out_of_scope");
        json_decref(r.json);
    }
    /* the centre's list is cut to its district without asking */
    const struct tauth *c = &f.who[ROLE_CENTRE];
    hcall(f.srv, "GET", "/api/enterprises", NULL, c->cookie, NULL, &r);
    CHECK_INT(json_integer_value(json_object_get(r.json, "total")), 1);
    json_decref(r.json);
    char target[128];
    snprintf(target, sizeof target, "/api/clauses/%lld/enterprises?region=370212",
             (long long)f.clause_own);
    hcall(f.srv, "GET", target, NULL, c->cookie, NULL, &r);
    CHECK_INT(r.status, 403);
    json_decref(r.json);
    /* publishing: another department's policy no, its own yes */
    const struct tauth *o = &f.who[ROLE_OFFICER];
    snprintf(target, sizeof target, "/api/policies/%lld/publish", (long long)f.policy_other);
    hcall(f.srv, "POST", target, NULL, o->cookie, o->csrf, &r);
    CHECK_INT(r.status, 403);
    CHECK_STR(hcode(&r), "out_of_scope");
    json_decref(r.json);
    snprintf(target, sizeof target, "/api/policies/%lld/publish", (long long)f.policy_own);
    hcall(f.srv, "POST", target, NULL, o->cookie, o->csrf, &r);
    CHECK_INT(r.status, 200);
    json_decref(r.json);
    /* an officer's new policy without a department is its department's */
    hcall(f.srv, "POST", "/api/policies",
          "{\"title\":\"本部门\",\"clauses\":[{\"text\":\"x\",\"rule\":\"营业收入 >= "
          "100万元\\n奖励 = 1万元\"}]}",
          o->cookie, o->csrf, &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(hstr(&r, "department"), DEPT_OWN);
    json_decref(r.json);
    auth_server_free(f.srv);
}

/* The served OpenAPI document names every registered /api route with its method. */
TEST(auth_openapi_lists_every_route) {
    struct http_config cfg = {.threads = 2};
    struct http_server *srv = NULL;
    struct error err;
    error_clear(&err);
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return;
    }
    struct http_input in = {.method = "GET", .target = "/api/openapi.yaml"};
    struct http_response res;
    http_server_handle(srv, &in, &res);
    CHECK_INT(res.status, 200);
    CHECK(strncmp(res.content_type, "application/yaml", 16) == 0);
    const char *doc = res.body ? res.body : "";
    CHECK(strstr(doc, "\nopenapi: 3.0") != NULL);
    CHECK(strstr(doc, "\npaths:\n") != NULL);
    for (int i = 0; i < srv->router.n; i++) {
        const struct route *rt = &srv->router.routes[i];
        if (strncmp(rt->pattern, "/api/", 5) != 0) continue;
        char path[320], want[24], method[8] = "";
        snprintf(path, sizeof path, "\n  %s:\n", rt->pattern);
        for (size_t k = 0; rt->method[k] && k + 1 < sizeof method; k++) {
            method[k] = (char)(rt->method[k] | 0x20); /* lower case */
            method[k + 1] = 0;
        }
        snprintf(want, sizeof want, "\n    %s:", method);
        test_case(rt->pattern);
        const char *at = strstr(doc, path);
        CHECK(at != NULL);
        if (!at) continue;
        /* "\n    get:" within this path's entry (before the next path) */
        const char *body = at + strlen(path) - 1, *next = strstr(body, "\n  /");
        const char *hit = strstr(body, want);
        CHECK(hit != NULL && (!next || hit < next));
    }
    http_response_release(&res);
    http_server_free(srv);
}

/* `duijie demo`'s users: one per role, the documented password, bound to real demo data. */
STORE_TEST(auth_demo_users) {
    struct store *s = open_temp(t);
    if (!s) return;
    auth_set_password_cost(1, 8);
    struct error err;
    error_clear(&err);
    CHECK_INT(demo_add_users(s, 1, 2000, &err), 0);
    CHECK_INT(demo_add_users(s, 1, 2000, &err), 0); /* again: the passwords come back */
    int64_t n = 0;
    CHECK_INT(store_sql_int(s, "SELECT COUNT(*) FROM users", NULL, 0, 0, &n, &err), 0);
    CHECK_INT(n, ROLE_COUNT - 1);
    for (int r = ROLE_ANON + 1; r < ROLE_COUNT; r++) {
        char name[64];
        snprintf(name, sizeof name, "demo_%s", role_key((enum role)r));
        test_case(name);
        struct actor a;
        int retry;
        CHECK_INT(login(s, name, DEMO_PASSWORD, "", &retry, &a), 0);
        CHECK_INT(a.role, r);
    }
    struct actor e, c, o;
    CHECK_INT(auth_user_get(s, "demo_enterprise", &e, NULL, &err), 0);
    CHECK_INT(auth_user_get(s, "demo_commissioner", &c, NULL, &err), 0);
    CHECK_INT(auth_user_get(s, "demo_officer", &o, NULL, &err), 0);
    CHECK_STR(o.dept, DEMO_DEPARTMENT);
    /* the enterprise is a generated one in 市南区, within its commissioner's area */
    struct profile *p = malloc(sizeof *p);
    struct demo_text dt;
    bool found = false;
    for (int64_t i = 0; p && i < 2000 && !found; i++) {
        profile_clear(p);
        demo_enterprise(1, i, p, &dt);
        if (strcmp(dt.uscc, e.uscc) == 0) {
            found = true;
            int region = (int)p->v[F_REGION].i;
            CHECK(region_is_within(region, region_by_code(370202)));
            CHECK(auth_sees_enterprise(&c, e.uscc, region));
        }
    }
    free(p);
    CHECK(found);
    /* the officer's department owns demo policies */
    int np, nc;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    struct arena a;
    arena_init(&a, 4096);
    struct policy *pols = NULL;
    int n_pol = 0, owned = 0;
    CHECK_INT(store_list_policies(s, -1, &a, &pols, &n_pol, &err), 0);
    for (int i = 0; i < n_pol; i++)
        owned += auth_sees_department(&o, pols[i].department);
    CHECK(owned > 0 && owned < n_pol);
    arena_release(&a);
    store_close(s);
    remove_temp(t);
}
