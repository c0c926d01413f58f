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
    struct http_router router;
    struct store_pool pool;
    struct store_watch *watch; /* owned; PostgreSQL only: other replicas' writes, NULL else */
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
    struct actor actor; /* who is asking: ROLE_ANON until a session cookie is accepted */
};

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

/* Marks the match endpoints' published clauses stale (a status changed without the clause count
 * changing): the next match request reloads them. api_match.c. */
void http_match_invalidate(void);
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

#endif
