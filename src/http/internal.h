/* Shared between the files of src/http only (never included from outside): the router's table,
 * the server's state, a parsed request. The public face is http.h. */
#ifndef DUIJIE_HTTP_INTERNAL_H
#define DUIJIE_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "auth/auth.h"
#include "http/http.h"

#define HTTP_MAX_SEGMENTS 32
#define HTTP_MAX_PARAMS 8
#define HTTP_MAX_QUERY 64

struct route_segment {
    char *text; /* owned; the literal, or the parameter's name */
    bool is_param;
};

struct route {
    char method[8];
    char *pattern; /* owned */
    struct route_segment segs[HTTP_MAX_SEGMENTS];
    int n_segs;
    int n_literal;
    http_handler fn;
    size_t max_body;
    bool is_replica_read;           /* may read from the replica (replica.c's table) */
    const struct authz_rule *authz; /* its row of src/auth/authz.def; NULL = none: refused */
};

struct http_router {
    struct route *routes; /* owned */
    int n, cap;
    int n_bad; /* registrations refused (a malformed pattern): http_server_new fails */
};

void router_init(struct http_router *r);
void router_release(struct http_router *r);

struct store_pool {
    struct store **stores; /* owned: one connection each, opened at start */
    int *free_slots;       /* stack of free indexes */
    int n, n_free;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

struct http_server {
    char *bind;     /* owned */
    int port;       /* requested, then bound */
    char *db;       /* owned; NULL = no store */
    char *web_root; /* owned, resolved by realpath; NULL = no static files */
    int threads;
    bool is_cookie_secure; /* the session cookie says Secure (served over HTTPS) */
    bool is_behind_proxy;  /* the client address is the last of X-Forwarded-For */
    struct http_router router;
    struct store_pool pool;
    struct store_watch *watch;   /* owned; PostgreSQL only: other replicas' writes, NULL else */
    struct notice_state *notice; /* owned; applies the watch's notices (notice.c); NULL without */
    char *db_read;               /* owned; a streaming replica for reads (replica.c); NULL = none */
    struct store_pool read_pool;
    struct replica_sync {
        pthread_mutex_t mu;
        uint64_t target_version; /* the watch version whose primary position is target_lsn */
        char target_lsn[32];
        uint64_t synced_version; /* the replica has replayed the changes up to this version */
        int64_t down_until;      /* unix seconds: the replica failed, read from the primary */
        int64_t checked;         /* unix seconds of the last check that it answers */
    } sync;
    struct MHD_Daemon *daemon; /* NULL until listening */
    atomic_int in_flight;      /* requests received and not yet completed */
};

/* A request as the router sees it; lives for one http_server_handle call. */
struct http_request {
    struct http_server *server;
    const struct http_input *in;
    const char *method; /* HEAD routed as GET */
    char *path;         /* decoded, in arena */
    char *segs[HTTP_MAX_SEGMENTS];
    int n_segs;
    const char *param_names[HTTP_MAX_PARAMS];
    const char *param_values[HTTP_MAX_PARAMS];
    int n_params;
    char *query_keys[HTTP_MAX_QUERY];
    char *query_values[HTTP_MAX_QUERY];
    int n_query;
    struct arena arena;
    struct store *store; /* taken from the pool on first http_store, given back after */
    int store_slot;
    struct store_pool *store_pool; /* the pool store_slot belongs to (the primary's or replica's) */
    const struct route *route;     /* the route being served; NULL before dispatch */
    uint64_t watch_version;        /* the change notices the request's store is known to reflect */
    struct actor actor;            /* who is asking: ROLE_ANON until a session cookie is accepted */
    char session[AUTH_TOKEN_LEN + 1]; /* the accepted session id; "" when anonymous */
    char csrf[AUTH_TOKEN_LEN + 1];    /* its CSRF token */
};

#define HTTP_SESSION_COOKIE "duijie_session"

/* The value of a cookie of the request into out (truncated to fit); false when absent. */
bool http_cookie(const struct http_request *req, const char *name, char *out, size_t cap);
/* A list's region filter cut to the actor's region (authz scope REGION): none given becomes the
 * actor's own; one outside it is a 403 in res and -1. Roles of the whole city change nothing. */
int http_scope_region(struct http_request *req, int *region, struct http_response *res);
/* The address the request came from (see http_config.is_behind_proxy); "" when unknown. */
const char *http_client(const struct http_request *req);

/* Splits and decodes in->target into req (path segments, query). On bad input fills res with a
 * 400 and returns -1. */
int request_parse_target(struct http_request *req, const char *target, struct http_response *res);
/* Line and column (1-based, in characters) of byte offset off in s. */
void text_position(const char *s, size_t len, size_t off, int *line, int *col);

/* Static files under the web root (GET/HEAD of paths outside /api). */
void static_serve(struct http_request *req, struct http_response *res);

/* Store pool: opened in http_server_new when a db is configured. */
int pool_open(struct store_pool *p, const char *db, int n, struct error *err);
void pool_close(struct store_pool *p);
struct store *pool_take(struct store_pool *p, int *slot);
void pool_give(struct store_pool *p, int slot);

/* Read replicas (replica.c): which routes may read from the replica, the replica's pool, choosing
 * a request's connection (http_store), read-your-writes after a write, and the health figures. */
void replica_mark_routes(struct http_router *r);
int replica_open(struct http_server *s, struct error *err);
void replica_close(struct http_server *s);
/* The connection for req (pool and slot recorded in req) or NULL when the server has no store. */
struct store *replica_take(struct http_request *req);
/* After the handler: a successful write hands the client the primary's WAL position (a cookie),
 * so that its next reads wait for the replica or go to the primary. */
void replica_after(struct http_request *req, struct http_response *res);
/* The "read_store" object of GET /api/health: "ok", "retrying" (a recent failure: reads go to the
 * primary) or "unreachable", the replay position and lag. */
json_t *replica_health(struct http_request *req);
/* The change-notice version the request's data reflects (api_match.c, api_search.c compare it
 * with what their index was loaded at). */
uint64_t http_watch_version(const struct http_request *req);

/* Change notices (notice.c): a thread applying the watch's payloads to the index and catalog;
 * started with the server when it has a watch. notice_is_stale: changes went unheard and the full
 * reload is not done yet. notice_health: the "notices" object of GET /api/health (with_recent: and
 * the last applications, GET /api/health?notices=recent). */
int notice_start(struct http_server *s, struct error *err);
void notice_stop(struct http_server *s);
bool notice_is_stale(const struct http_server *s);
json_t *notice_health(const struct http_server *s, bool with_recent);

/* Marks the match endpoints' published clauses stale (a status changed without the clause count
 * changing): the next match request reloads them. api_match.c. */
void http_match_invalidate(void);
/* notice.c: reloads the published clauses from s (the primary) now and swaps them in, when the
 * index is loaded for srv (1; 0 when nothing is loaded yet); requests go on meanwhile. */
int http_match_reload_catalog(const struct http_server *srv, struct store *s, struct error *err);
/* An enterprise this server has just written (id, profile as stored): the match index takes it at
 * once (index_update), so the server's next match answers reflect the write. api_match.c. */
struct profile;
void http_match_note_enterprise(const struct http_server *srv, int64_t id, const struct profile *p);
/* An enterprise gone from the store (another replica deleted it): out of the index. */
void http_match_note_removed(const struct http_server *srv, const char *uscc);
/* A whole new index generation and catalog built from s in the background (requests go on with
 * the current one), for notice.c: 1 when reloaded, 0 when nothing is loaded yet (the first
 * request loads it), negative on failure. */
int http_match_reload(const struct http_server *srv, struct store *s, struct error *err);
/* The match endpoints' current index generation and published clauses (api_match.c), for other
 * endpoints that evaluate enterprises with the same engine state (api_network.c). NULL with res
 * set when they cannot be loaded; give both back with http_match_release. */
struct index_gen;
struct match_catalog;
struct index_gen *http_match_acquire(struct http_request *req, struct http_response *res,
                                     const struct match_catalog **cat, void **token);
void http_match_release(struct index_gen *g, void *token);
/* The same for the search index (a published clause is searchable at once). api_search.c. */
void http_search_invalidate(void);
/* notice.c: rebuilds the search index from s (the primary) now, when one is loaded for srv (1;
 * 0 when none is: the first search loads it); searches go on meanwhile. api_search.c. */
int http_search_rebuild(const struct http_server *srv, struct store *s, struct error *err);

#endif
