/* Owns the sign-in endpoints: POST /api/auth/login (sets the session cookie: HttpOnly,
 * SameSite=Lax, Path=/, Secure when configured; 429 with Retry-After while locked), POST
 * /api/auth/logout and GET /api/auth/me (who is signed in, the role's label and scope, the CSRF
 * token the pages send back; 401 from the router when nobody is). Users, passwords and sessions are
 * src/auth's; the cookie check on every request is router.c's. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "http/internal.h"
#include "refdata/refdata.h"

static void set_cookie(struct http_request *req, struct http_response *res, const char *value,
                       int max_age) {
    char c[256];
    snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
             HTTP_SESSION_COOKIE, value, max_age, req->server->is_cookie_secure ? "; Secure" : "");
    http_add_header(res, "Set-Cookie", c);
}

static json_t *scope_json(const struct actor *a) {
    json_t *o = json_object();
    json_object_set_new(o, "uscc", a->uscc[0] ? json_string(a->uscc) : json_null());
    if (a->region >= 0) {
        json_t *r = json_object();
        json_object_set_new(r, "code", json_integer(region_at(a->region)->code));
        json_object_set_new(r, "name", json_string(region_at(a->region)->name));
        json_object_set_new(o, "region", r);
    } else {
        json_object_set_new(o, "region", json_null());
    }
    json_object_set_new(o, "dept", a->dept[0] ? json_string(a->dept) : json_null());
    json_object_set_new(o, "org_id", a->org_id ? json_integer(a->org_id) : json_null());
    return o;
}

/* {signed_in, user: {username, role, role_label}, role, label, scope, csrf}: what the pages need
 * to show and send. */
static json_t *who_json(const struct actor *a, const char *csrf) {
    json_t *o = json_object();
    json_object_set_new(o, "signed_in", json_boolean(a->user_id != 0));
    json_t *u = json_object();
    json_object_set_new(u, "username", json_string(a->username));
    json_object_set_new(u, "role", json_string(role_key(a->role)));
    json_object_set_new(u, "role_label", json_string(role_label(a->role)));
    json_object_set_new(o, "user", a->user_id ? u : json_null());
    if (!a->user_id) json_decref(u);
    json_object_set_new(o, "role", json_string(role_key(a->role)));
    json_object_set_new(o, "label", json_string(role_label(a->role)));
    json_object_set_new(o, "scope", scope_json(a));
    json_object_set_new(o, "csrf", a->user_id ? json_string(csrf) : json_null());
    return o;
}

static void login(struct http_request *req, struct http_response *res) {
    json_t *body = http_body_json(req, res);
    if (!body) return;
    const char *username = json_string_value(json_object_get(body, "username"));
    const char *password = json_string_value(json_object_get(body, "password"));
    if (!username || !password) {
        json_decref(body);
        http_reply_error(res, 400, "invalid", "需要用户名 (username) 和密码 (password)",
                         "username and password are required");
        return;
    }
    struct store *st = http_store(req, res);
    if (!st) {
        json_decref(body);
        return;
    }
    char session[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
    struct actor a;
    int retry_after = 0;
    struct error err;
    error_clear(&err);
    int rc =
        auth_login(st, username, password, http_client(req), session, csrf, &a, &retry_after, &err);
    json_decref(body);
    if (rc == 0) {
        set_cookie(req, res, session, AUTH_SESSION_SECONDS);
        http_reply_json(res, 200, who_json(&a, csrf));
    } else if (retry_after > 0) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", retry_after);
        http_reply_error(res, 429, "too_many_attempts", err.zh, err.en);
        http_add_header(res, "Retry-After", secs);
    } else if (rc == ERR_FORBIDDEN) {
        http_reply_error(res, 401, "login_failed", err.zh, err.en);
    } else {
        http_reply_err(res, 0, &err);
    }
}

static void logout(struct http_request *req, struct http_response *res) {
    if (req->session[0]) {
        struct store *st = http_store(req, res);
        struct error err;
        error_clear(&err);
        if (!st) return;
        if (auth_logout(st, req->session, &err) < 0) {
            http_reply_err(res, 0, &err);
            return;
        }
    }
    set_cookie(req, res, "", 0);
    json_t *o = json_object();
    json_object_set_new(o, "signed_in", json_false());
    http_reply_json(res, 200, o);
}

static void me(struct http_request *req, struct http_response *res) {
    http_reply_json(res, 200, who_json(&req->actor, req->csrf));
}

void http_routes_auth(struct http_router *r) {
    http_route(r, "POST", "/api/auth/login", login, 4096);
    http_route(r, "POST", "/api/auth/logout", logout, 0);
    http_route(r, "GET", "/api/auth/me", me, 0);
}
