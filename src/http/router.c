/* Owns the route table and dispatch: patterns with {params}, choosing the most literal match,
 * 404/405 (with Allow), 413 for bodies over the route's limit, the session hook (the session
 * cookie gives the request's actor; state changes need the session's CSRF token), refusing roles
 * the route's row of src/auth/authz.def does not list, the static-file fallback outside /api, and
 * giving the request's store connection back. Route files register themselves through
 * routes.def; this file never names an endpoint. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/internal.h"
#include "refdata/refdata.h"

void router_init(struct http_router *r) {
    memset(r, 0, sizeof *r);
}

void router_release(struct http_router *r) {
    for (int i = 0; i < r->n; i++) {
        free(r->routes[i].pattern);
        for (int k = 0; k < r->routes[i].n_segs; k++)
            free(r->routes[i].segs[k].text);
    }
    free(r->routes);
    memset(r, 0, sizeof *r);
}

int http_route(struct http_router *r, const char *method, const char *pattern, http_handler fn,
               size_t max_body) {
    if (!method || strlen(method) >= sizeof r->routes[0].method || !pattern || pattern[0] != '/' ||
        !fn) {
        r->n_bad++;
        return ERR_INVALID;
    }
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 32;
        struct route *nr = realloc(r->routes, (size_t)cap * sizeof *nr);
        if (!nr) {
            r->n_bad++;
            return ERR_NOMEM;
        }
        r->routes = nr;
        r->cap = cap;
    }
    struct route *rt = &r->routes[r->n];
    memset(rt, 0, sizeof *rt);
    strcpy(rt->method, method);
    rt->fn = fn;
    rt->max_body = max_body ? max_body : HTTP_BODY_LIMIT_DEFAULT;
    rt->authz = authz_find(method, pattern);
    rt->pattern = strdup(pattern);
    if (!rt->pattern) {
        r->n_bad++;
        return ERR_NOMEM;
    }
    for (const char *p = pattern; *p;) {
        while (*p == '/')
            p++;
        if (!*p) break;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        bool is_param = n >= 3 && p[0] == '{' && p[n - 1] == '}';
        if (rt->n_segs == HTTP_MAX_SEGMENTS || (!is_param && memchr(p, '{', n))) goto bad;
        struct route_segment *s = &rt->segs[rt->n_segs++];
        s->is_param = is_param;
        s->text = is_param ? strndup(p + 1, n - 2) : strndup(p, n);
        if (!s->text) goto bad;
        if (!is_param) rt->n_literal++;
        p += n;
    }
    r->n++;
    return 0;
bad:
    for (int k = 0; k < rt->n_segs; k++)
        free(rt->segs[k].text);
    free(rt->pattern);
    r->n_bad++;
    return ERR_INVALID;
}

static bool route_matches_path(const struct route *rt, const struct http_request *req) {
    if (rt->n_segs != req->n_segs) return false;
    for (int k = 0; k < rt->n_segs; k++)
        if (!rt->segs[k].is_param && strcmp(rt->segs[k].text, req->segs[k]) != 0) return false;
    return true;
}

/* The best route for the request's path and method; NULL when none. *allow gets the methods the
 * path does accept (for 405), when it is not NULL. */
static const struct route *route_find(const struct http_router *r, const struct http_request *req,
                                      const char *method, char *allow, size_t allow_len) {
    const struct route *best = NULL;
    if (allow) allow[0] = 0;
    for (int i = 0; i < r->n; i++) {
        const struct route *rt = &r->routes[i];
        if (!route_matches_path(rt, req)) continue;
        if (strcmp(rt->method, method) != 0) {
            if (allow && !strstr(allow, rt->method)) {
                size_t used = strlen(allow);
                snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "", rt->method);
                if (strcmp(rt->method, "GET") == 0 && !strstr(allow, "HEAD")) {
                    used = strlen(allow);
                    snprintf(allow + used, allow_len - used, ", HEAD");
                }
            }
            continue;
        }
        if (!best || rt->n_literal > best->n_literal) best = rt;
    }
    return best;
}

static bool is_api_path(const struct http_request *req) {
    return req->n_segs >= 1 && strcmp(req->segs[0], "api") == 0;
}

static void request_begin(struct http_request *req, struct http_server *s,
                          const struct http_input *in) {
    memset(req, 0, sizeof *req);
    req->server = s;
    req->in = in;
    req->store_slot = -1;
    req->actor.region = -1; /* anonymous until the session says otherwise */
    req->method = strcmp(in->method, "HEAD") == 0 ? "GET" : in->method;
    arena_init(&req->arena, 8192);
}

const struct actor *http_actor(const struct http_request *req) {
    return &req->actor;
}

static void request_end(struct http_request *req) {
    if (req->store_slot >= 0) pool_give(req->store_pool, req->store_slot);
    arena_release(&req->arena);
}

static void too_large(struct http_response *res, size_t limit) {
    char zh[160], en[160];
    snprintf(zh, sizeof zh, "请求体超过上限 %zu 字节", limit);
    snprintf(en, sizeof en, "the request body is over the limit of %zu bytes", limit);
    http_reply_error(res, 413, "too_large", zh, en);
}

bool http_cookie(const struct http_request *req, const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    for (int i = 0; i < req->in->n_headers; i++) {
        if (strcasecmp(req->in->headers[i].name, "Cookie") != 0) continue;
        for (const char *p = req->in->headers[i].value; p && *p;) {
            while (*p == ' ' || *p == ';')
                p++;
            const char *end = strchr(p, ';');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
                snprintf(out, cap, "%.*s", (int)(len - n - 1), p + n + 1);
                return true;
            }
            p += len;
        }
    }
    return false;
}

const char *http_client(const struct http_request *req) {
    if (req->server->is_behind_proxy) {
        const char *fwd = http_header(req, "X-Forwarded-For");
        if (fwd) {
            const char *last = strrchr(fwd, ',');
            last = last ? last + 1 : fwd;
            while (*last == ' ')
                last++;
            return last;
        }
    }
    return req->in->client ? req->in->client : "";
}

/* Fills req->actor from the session cookie when it names a live session; anonymous otherwise.
 * Sessions are read on the primary, on a connection of their own: a replica may not have a new
 * session yet and cannot move last_seen, while the handler may still read from the replica. */
static void session_begin(struct http_request *req, struct http_response *res) {
    char id[AUTH_TOKEN_LEN + 2];
    if (!req->server->pool.n || !http_cookie(req, HTTP_SESSION_COOKIE, id, sizeof id)) return;
    struct error err;
    error_clear(&err);
    struct actor a;
    int slot;
    struct store *st = pool_take(&req->server->pool, &slot);
    int rc = auth_session_actor(st, id, &a, req->csrf, &err);
    pool_give(&req->server->pool, slot);
    if (rc == 0) {
        req->actor = a;
        memcpy(req->session, id, sizeof req->session); /* a valid id is AUTH_TOKEN_LEN long */
    } else {
        req->csrf[0] = 0;
        if (rc != ERR_NOTFOUND) http_reply_err(res, 503, &err); /* the store failed */
    }
}

int http_scope_region(struct http_request *req, int *region, struct http_response *res) {
    int own = req->actor.region;
    if (own < 0) return 0; /* the whole city */
    if (*region < 0) {
        *region = own;
        return 0;
    }
    if (region_is_within(*region, own)) return 0;
    http_reply_forbidden(res);
    return -1;
}

static bool is_state_change(const char *method) {
    return strcmp(method, "GET") != 0 && strcmp(method, "OPTIONS") != 0;
}

/* 0 when the actor may call the route; otherwise fills res (401, 403) and returns -1. */
static int authorise(struct http_request *req, const struct route *rt, struct http_response *res) {
    if (req->actor.user_id && is_state_change(req->method)) {
        const char *token = http_header(req, "X-CSRF-Token");
        if (!token || !auth_token_equal(token, req->csrf)) {
            http_reply_error(res, 403, "csrf",
                             "缺少或错误的 CSRF 令牌 (请求头 X-CSRF-Token),请刷新页面后重试",
                             "missing or wrong CSRF token (header X-CSRF-Token); reload the page");
            return -1;
        }
    }
    if (!rt->authz) {
        http_reply_error(res, 403, "forbidden", "该接口未列入权限表",
                         "this endpoint has no row "
                         "in the authorisation matrix");
        return -1;
    }
    if (authz_allows(rt->authz, req->actor.role)) return 0;
    if (!req->actor.user_id)
        http_reply_error(res, 401, "unauthenticated", "请先登录", "sign in first");
    else
        http_reply_error(res, 403, "role_forbidden", "当前角色无权使用此功能",
                         "this role may not use this endpoint");
    return -1;
}

static void dispatch(struct http_request *req, struct http_response *res) {
    char allow[64];
    const struct route *rt =
        route_find(&req->server->router, req, req->method, allow, sizeof allow);
    if (rt) {
        if (req->in->is_body_too_large || req->in->body_len > rt->max_body) {
            too_large(res, rt->max_body);
            return;
        }
        for (int k = 0; k < rt->n_segs && req->n_params < HTTP_MAX_PARAMS; k++) {
            if (!rt->segs[k].is_param) continue;
            req->param_names[req->n_params] = rt->segs[k].text;
            req->param_values[req->n_params] = req->segs[k];
            req->n_params++;
        }
        req->route = rt;
        session_begin(req, res);
        if (res->body || authorise(req, rt, res) < 0) return;
        rt->fn(req, res);
        replica_after(req, res);
        if (!res->body) http_reply_error(res, 500, "internal", "处理程序未给出响应", "no response");
        return;
    }
    if (allow[0]) {
        http_reply_error(res, 405, "method_not_allowed", "该路径不支持此请求方法",
                         "this method is not allowed on this path");
        http_add_header(res, "Allow", allow);
        return;
    }
    if (is_api_path(req)) {
        http_reply_error(res, 404, "not_found", "没有这个接口", "no such endpoint");
        return;
    }
    if (strcmp(req->method, "GET") != 0) {
        http_reply_error(res, 405, "method_not_allowed", "静态文件只支持 GET 和 HEAD",
                         "static files accept GET and HEAD only");
        http_add_header(res, "Allow", "GET, HEAD");
        return;
    }
    static_serve(req, res);
}

void http_server_handle(struct http_server *s, const struct http_input *in,
                        struct http_response *res) {
    http_response_init(res);
    struct http_request req;
    request_begin(&req, s, in);
    if (!in->method || !*in->method)
        http_reply_error(res, 400, "bad_request", "缺少请求方法", "missing method");
    else if (request_parse_target(&req, in->target, res) == 0)
        dispatch(&req, res);
    if (is_api_path(&req)) {
        bool has_cache = false;
        for (int i = 0; i < res->n_headers; i++)
            if (strcmp(res->headers[i].name, "Cache-Control") == 0) has_cache = true;
        if (!has_cache) http_add_header(res, "Cache-Control", "no-store");
    }
    request_end(&req);
}

size_t http_server_body_limit(struct http_server *s, const char *method, const char *target) {
    struct http_input in = {.method = method ? method : "GET", .target = target};
    struct http_response res;
    http_response_init(&res);
    struct http_request req;
    request_begin(&req, s, &in);
    size_t limit = HTTP_BODY_LIMIT_DEFAULT;
    if (request_parse_target(&req, target, &res) == 0) {
        const struct route *rt = route_find(&s->router, &req, req.method, NULL, 0);
        if (rt) limit = rt->max_body;
    }
    request_end(&req);
    http_response_release(&res);
    return limit;
}
