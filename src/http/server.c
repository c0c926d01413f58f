/* Owns the server's life and the libmicrohttpd glue: configuration, the route files (routes.def),
 * the thread-pool daemon, collecting each request's raw target, headers and body (refusing
 * bodies over the route's limit with 413, early when Content-Length says so), security headers,
 * and a graceful stop that lets requests in flight finish. What a request means is router.c's. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http/internal.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/buf.h"

#define HTTP_ROUTES(name) void http_routes_##name(struct http_router *r);
#include "http/routes.def"
#undef HTTP_ROUTES

static void add_routes(struct http_router *r) {
#define HTTP_ROUTES(name) http_routes_##name(r);
#include "http/routes.def"
#undef HTTP_ROUTES
}

static char *dup_or_null(const char *s) {
    return s ? strdup(s) : NULL;
}

int http_server_new(const struct http_config *cfg, struct http_server **out, struct error *err) {
    *out = NULL;
    int rc = refdata_load(err);
    if (rc < 0) return rc;
    struct http_server *s = calloc(1, sizeof *s);
    if (!s) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    s->bind = strdup(cfg->bind ? cfg->bind : "127.0.0.1");
    s->port = cfg->port;
    s->db = dup_or_null(cfg->db);
    s->db_read = dup_or_null(cfg->db_read);
    pthread_mutex_init(&s->sync.mu, NULL);
    s->threads = cfg->threads;
    s->is_cookie_secure = cfg->is_cookie_secure;
    s->is_behind_proxy = cfg->is_behind_proxy;
    if (s->threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->threads = n < 2 ? 2 : n > 64 ? 64 : (int)n;
    }
    router_init(&s->router);
    s->pool.n = 0;
    atomic_init(&s->in_flight, 0);
    if (!s->bind || (cfg->db && !s->db) || (cfg->db_read && !s->db_read)) {
        http_server_free(s);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    if (cfg->web_root) {
        char real[PATH_MAX];
        if (!realpath(cfg->web_root, real) || !(s->web_root = strdup(real))) {
            http_server_free(s);
            return error_set(err, ERR_IO, "找不到网页目录 %s", "web folder %s not found",
                             cfg->web_root);
        }
    }
    add_routes(&s->router);
    replica_mark_routes(&s->router);
    if (s->router.n_bad) {
        http_server_free(s);
        return error_set(err, ERR_INVALID, "有 %d 条路由定义无效",
                         "%d route definitions are invalid", s->router.n_bad);
    }
    if (s->db && (rc = pool_open(&s->pool, s->db, s->threads, err)) < 0) {
        http_server_free(s);
        return rc;
    }
    /* on PostgreSQL, writes by other replicas reach the index through change notices */
    if (s->db && store_kind(s->pool.stores[0]) == STORE_POSTGRES &&
        ((rc = store_watch_new(s->db, &s->watch, err)) < 0 || (rc = notice_start(s, err)) < 0)) {
        http_server_free(s);
        return rc;
    }
    if (s->db_read && (!s->db || (rc = replica_open(s, err)) < 0)) {
        if (!s->db) rc = error_set(err, ERR_INVALID, "--db-read 需要 --db", "--db-read needs --db");
        http_server_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* ---- libmicrohttpd glue ---- */

/* One request's state across the access handler's calls. */
struct conn_req {
    struct http_server *server;
    char *target; /* owned: the raw target, from the URI log callback */
    struct buf body;
    size_t limit;
    bool is_started;
    bool is_too_large;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
    (void)c;
    struct http_server *s = cls;
    struct conn_req *cr = calloc(1, sizeof *cr);
    if (!cr) return NULL;
    cr->server = s;
    cr->target = strdup(uri ? uri : "");
    buf_init(&cr->body);
    atomic_fetch_add(&s->in_flight, 1);
    return cr;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)c;
    (void)toe;
    struct http_server *s = cls;
    struct conn_req *cr = *con_cls;
    if (!cr) return;
    free(cr->target);
    buf_release(&cr->body);
    free(cr);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static enum MHD_Result send_response(struct MHD_Connection *c, struct http_response *res,
                                     bool hsts) {
    struct MHD_Response *r =
        MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        http_response_release(res);
        return MHD_NO;
    }
    res->body = NULL; /* libmicrohttpd frees it now */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (hsts) MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    MHD_add_response_header(r, "Server", "duijie/" HTTP_VERSION);
    for (int i = 0; i < res->n_headers; i++)
        MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ok;
}

struct header_list {
    struct http_header items[64];
    int n;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value) {
    (void)kind;
    struct header_list *h = cls;
    if (h->n == (int)(sizeof h->items / sizeof *h->items)) return MHD_NO;
    h->items[h->n++] = (struct http_header){key, value ? value : ""};
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)version;
    struct http_server *s = cls;
    struct conn_req *cr = *con_cls;
    if (!cr) {
        /* no URI callback ran (out of memory there): answer from the decoded url */
        cr = on_uri(s, url, c);
        if (!cr) return MHD_NO;
        *con_cls = cr;
    }
    if (!cr->is_started) {
        cr->is_started = true;
        cr->limit = http_server_body_limit(s, method, cr->target);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > cr->limit) {
            struct http_input in = {.method = method, .target = cr->target, .is_body_too_large = 1};
            struct http_response res;
            http_server_handle(s, &in, &res);
            return send_response(c, &res, s->is_cookie_secure);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!cr->is_too_large) {
            if (cr->body.len + *upload_data_size > cr->limit) {
                cr->is_too_large = true;
                buf_release(&cr->body);
            } else {
                buf_append(&cr->body, upload_data, *upload_data_size);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct header_list headers = {.n = 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &headers);
    char client[INET6_ADDRSTRLEN] = "";
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, client,
                  sizeof client);
    else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, client,
                  sizeof client);
    struct http_input in = {
        .client = client,
        .method = method,
        .target = cr->target,
        .headers = headers.items,
        .n_headers = headers.n,
        .body = cr->body.data,
        .body_len = cr->body.len,
        .is_body_too_large = cr->is_too_large || cr->body.is_oom,
    };
    struct http_response res;
    http_server_handle(s, &in, &res);
    return send_response(c, &res, s->is_cookie_secure);
}

int http_server_listen(struct http_server *s, struct error *err) {
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)s->port);
    if (s->port < 0 || s->port > 65535 || inet_pton(AF_INET, s->bind, &addr.sin_addr) != 1)
        return error_set(err, ERR_INVALID, "无效的监听地址 %s:%d", "bad listen address %s:%d",
                         s->bind, s->port);
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->threads, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
        MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 << 10,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 512u, MHD_OPTION_END);
    if (!s->daemon)
        return error_set(err, ERR_IO, "无法在 %s:%d 上监听 (端口被占用?)",
                         "cannot listen on %s:%d (port in use?)", s->bind, s->port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info) s->port = info->port;
    return 0;
}

int http_server_port(const struct http_server *s) {
    return s->daemon ? s->port : 0;
}

void http_server_free(struct http_server *s) {
    if (!s) return;
    if (s->daemon) {
        MHD_socket fd = MHD_quiesce_daemon(s->daemon);
        /* requests already received get up to 5 s to finish */
        for (int i = 0; i < 500 && atomic_load(&s->in_flight) > 0; i++)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        MHD_stop_daemon(s->daemon);
        if (fd != MHD_INVALID_SOCKET) close(fd);
    }
    notice_stop(s); /* before its watch */
    store_watch_free(s->watch);
    replica_close(s);
    if (s->pool.n) pool_close(&s->pool);
    router_release(&s->router);
    free(s->bind);
    free(s->db);
    free(s->db_read);
    pthread_mutex_destroy(&s->sync.mu);
    free(s->web_root);
    free(s);
}

struct store *http_store(struct http_request *req, struct http_response *res) {
    if (req->store) return req->store;
    if (!req->server->pool.n) {
        http_reply_error(res, 503, "no_store", "服务器未配置数据库", "the server has no store");
        return NULL;
    }
    req->store = replica_take(req); /* the primary, or the replica for the reads it may serve */
    return req->store;
}
