/* Signing in for HTTP tests: tauth_sign_in makes a user of any role and scope in the store and a
 * session for it, and gives the Cookie header value and the CSRF token to send. Every request of
 * a signed-in session carries the cookie; every POST/PUT/PATCH/DELETE also the token:
 *
 *     struct tauth t;
 *     tauth_sign_in_db(db_path, ROLE_OFFICER, NULL, NULL, "青岛市科学技术局", &t);
 *     struct http_header h[2];
 *     struct http_input in = {.method = "POST", .target = "/api/policies", .headers = h,
 *                             .n_headers = tauth_headers(&t, h), .body = …};
 *
 * Passwords are hashed at argon2id's smallest cost here (auth_set_password_cost), to keep tests
 * quick. */
#ifndef DUIJIE_TESTS_TAUTH_H
#define DUIJIE_TESTS_TAUTH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auth/auth.h"
#include "http/http.h"
#include "refdata/refdata.h"
#include "store/store.h"

#define TAUTH_PASSWORD "tauth-password-1"

struct tauth {
    char cookie[128];              /* the Cookie header's value: "duijie_session=…" */
    char csrf[AUTH_TOKEN_LEN + 1]; /* the X-CSRF-Token header's value */
    char session[AUTH_TOKEN_LEN + 1];
    struct actor actor;
};

static int tauth_seq __attribute__((unused));

/* A new user (named after the role and a counter) with the scope given, signed in. uscc: the
 * enterprise user's USCC; region: a code or name ("370202", "市南区"), NULL = the whole city; dept:
 * the department, NULL = none. Returns 0, or a negative code with the reason on stderr. */
static inline int tauth_sign_in(struct store *s, enum role role, const char *uscc,
                                const char *region, const char *dept, struct tauth *out) {
    struct error err;
    error_clear(&err);
    memset(out, 0, sizeof *out);
    auth_set_password_cost(1, 8);
    int rc = refdata_load(&err);
    struct actor u = {.role = role, .region = -1};
    snprintf(u.username, sizeof u.username, "t_%s_%d", role_key(role), ++tauth_seq);
    snprintf(u.uscc, sizeof u.uscc, "%s", uscc ? uscc : "");
    snprintf(u.dept, sizeof u.dept, "%s", dept ? dept : "");
    if (rc == 0 && region && (u.region = region_find(region, strlen(region), &err)) < 0)
        rc = u.region;
    int64_t id = 0;
    int retry = 0;
    if (rc == 0) rc = auth_user_add(s, &u, TAUTH_PASSWORD, &id, &err);
    if (rc == 0)
        rc = auth_login(s, u.username, TAUTH_PASSWORD, "", out->session, out->csrf, &out->actor,
                        &retry, &err);
    if (rc < 0) {
        fprintf(stderr, "tauth_sign_in %s: %s\n", role_key(role), err.en);
        return rc;
    }
    snprintf(out->cookie, sizeof out->cookie, "duijie_session=%s", out->session);
    return 0;
}

/* The same on the store at a path or URI (opened and closed here). */
static inline int tauth_sign_in_db(const char *db, enum role role, const char *uscc,
                                   const char *region, const char *dept, struct tauth *out) {
    struct store *s = NULL;
    struct error err;
    error_clear(&err);
    int rc = store_open(db, &s, &err);
    if (rc < 0) {
        fprintf(stderr, "tauth_sign_in_db %s: %s\n", db, err.en);
        return rc;
    }
    rc = tauth_sign_in(s, role, uscc, region, dept, out);
    store_close(s);
    return rc;
}

/* Fills h with the Cookie and X-CSRF-Token headers of t; returns how many (2). */
static inline int tauth_headers(const struct tauth *t, struct http_header h[2]) {
    h[0] = (struct http_header){"Cookie", t->cookie};
    h[1] = (struct http_header){"X-CSRF-Token", t->csrf};
    return 2;
}

/* One answer as the tests read it: the status, the body (NUL-terminated, owned), the body parsed
 * as JSON (NULL when empty or not JSON), the content type and Content-Disposition ("" when none).
 * Give it back with tauth_reply_release. */
struct tauth_reply {
    int status;
    char *body;
    size_t len;
    json_t *json;
    char type[64];
    char disposition[256];
};

static inline void tauth_reply_release(struct tauth_reply *r) {
    json_decref(r->json);
    free(r->body);
    r->json = NULL;
    r->body = NULL;
}

/* One request to srv as who (NULL: anonymous): body_len bytes of body (NULL: none) sent as ctype
 * (NULL: no Content-Type header). Handled in this thread, no socket. */
static inline struct tauth_reply tauth_send(struct http_server *srv, const struct tauth *who,
                                            const char *method, const char *target,
                                            const char *ctype, const char *body, size_t body_len) {
    struct http_header h[3];
    int n = 0;
    if (ctype) h[n++] = (struct http_header){"Content-Type", ctype};
    if (who) n += tauth_headers(who, h + n);
    struct http_input in = {.method = method,
                            .target = target,
                            .headers = h,
                            .n_headers = n,
                            .body = body,
                            .body_len = body ? body_len : 0};
    struct http_response res;
    http_server_handle(srv, &in, &res);
    struct tauth_reply r = {.status = res.status, .len = res.body_len};
    r.body = malloc(res.body_len + 1);
    if (r.body) {
        if (res.body_len) memcpy(r.body, res.body, res.body_len);
        r.body[res.body_len] = 0;
    }
    r.json = res.body_len ? json_loadb(res.body, res.body_len, 0, NULL) : NULL;
    snprintf(r.type, sizeof r.type, "%s", res.content_type ? res.content_type : "");
    for (int i = 0; i < res.n_headers; i++)
        if (strcmp(res.headers[i].name, "Content-Disposition") == 0)
            snprintf(r.disposition, sizeof r.disposition, "%s", res.headers[i].value);
    http_response_release(&res);
    return r;
}

/* The same with a JSON body (NULL: none, and no Content-Type); the status in *status and the body
 * parsed (NULL when empty or not JSON; the caller decrefs). */
static inline json_t *tauth_call(struct http_server *srv, const struct tauth *who,
                                 const char *method, const char *target, const char *body,
                                 int *status) {
    struct tauth_reply r = tauth_send(srv, who, method, target, body ? "application/json" : NULL,
                                      body, body ? strlen(body) : 0);
    *status = r.status;
    json_t *j = r.json;
    r.json = NULL;
    tauth_reply_release(&r);
    return j;
}

#endif
