/* The HTTP server: `duijie serve`'s JSON API and static web UI on libmicrohttpd (thread pool,
 * keep-alive), a router that route files add to, and the helpers handlers use to read a request
 * and answer it. Parsing of the request target, routing, limits and error replies live here, in
 * one layer that also runs without a socket (http_server_handle) so tests and the fuzzer reach it.
 *
 * Adding endpoints: write src/http/api_<name>.c with
 *     void http_routes_<name>(struct http_router *r) { http_route(r, "GET", "/api/x/{id}", fn, 0);
 * } and add the line `HTTP_ROUTES(<name>)` to src/http/routes.def. Nothing else changes. */
#ifndef DUIJIE_HTTP_H
#define DUIJIE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/arena.h"
#include "util/error.h"

struct store;
struct actor;

#define HTTP_VERSION "0.1.0"
#define HTTP_BODY_LIMIT_DEFAULT ((size_t)1 << 20) /* 1 MiB: JSON bodies */

/* ---- the server ---- */

struct http_config {
    const char *bind;     /* IPv4 address to listen on; NULL = "127.0.0.1" */
    int port;             /* 0 = any free port (see http_server_port) */
    const char *db;       /* store URI ("data/duijie.db"); NULL = no store: its endpoints say 503 */
    const char *web_root; /* folder of static files; NULL = none served */
    int threads;          /* worker threads (and store connections); 0 = CPUs, at least 2 */
    const char *db_read;  /* a PostgreSQL streaming replica for the reads marked in replica.c;
                             NULL = every read goes to db */
    bool is_cookie_secure; /* the session cookie gets Secure (HTTPS in front); default off */
    bool is_behind_proxy;  /* a reverse proxy in front: the client address (for login rate
                              limits) is the last entry of X-Forwarded-For */
};

struct http_server;

/* Loads reference data, opens the store connections and builds the routes; listens nowhere yet.
 */
int http_server_new(const struct http_config *cfg, struct http_server **out, struct error *err);
/* Starts listening (libmicrohttpd thread pool). */
int http_server_listen(struct http_server *s, struct error *err);
/* The port actually bound (after http_server_listen), 0 before. */
int http_server_port(const struct http_server *s);
/* Stops accepting, lets requests in flight finish (up to a few seconds), closes everything. */
void http_server_free(struct http_server *s);

/* ---- one request without a socket ---- */

struct http_header {
    const char *name;
    const char *value;
};

struct http_input {
    const char *method; /* "GET", "POST", ... */
    const char *target; /* raw request target as sent: "/api/enterprises?q=%E9%9D%92" */
    const struct http_header *headers;
    int n_headers;
    const char *body;
    size_t body_len;
    bool is_body_too_large; /* the body went past the route's limit and was dropped */
    const char *client;     /* the peer's address ("" or NULL when unknown) */
};

#define HTTP_MAX_RESPONSE_HEADERS 12

/* What a request gets back. body is malloc'd and owned by the response. */
struct http_response {
    int status;
    char *body;
    size_t body_len;
    const char *content_type; /* a static string */
    int n_headers;
    struct {
        char name[32];
        char value[256];
    } headers[HTTP_MAX_RESPONSE_HEADERS];
};

void http_response_init(struct http_response *res);
void http_response_release(struct http_response *res);
/* Routes and answers one request completely: parsing, routing, limits, errors. Never fails: every
 * problem becomes a 4xx/5xx JSON error in res. Thread-safe. */
void http_server_handle(struct http_server *s, const struct http_input *in,
                        struct http_response *res);
/* The body limit for a request (by its route), so the socket layer can refuse early with 413. */
size_t http_server_body_limit(struct http_server *s, const char *method, const char *target);

/* ---- routes ---- */

struct http_router;
struct http_request;

typedef void (*http_handler)(struct http_request *req, struct http_response *res);

/* Adds a route. pattern: literal segments and "{name}" segments ("/api/enterprises/{uscc}");
 * the most literal match wins. max_body: body limit in bytes, 0 = HTTP_BODY_LIMIT_DEFAULT. GET
 * routes answer HEAD too. Returns 0, or ERR_INVALID for a malformed pattern. */
int http_route(struct http_router *r, const char *method, const char *pattern, http_handler fn,
               size_t max_body);

/* ---- reading a request (inside a handler) ---- */

const char *http_method(const struct http_request *req);
const char *http_path(const struct http_request *req); /* decoded, valid UTF-8 */
/* A "{name}" segment of the route; never NULL inside a handler of a route that has it. */
const char *http_param(const struct http_request *req, const char *name);
/* A query argument, decoded and valid UTF-8; NULL when absent. An empty value gives "". */
const char *http_query(const struct http_request *req, const char *name);
/* An integer query argument in [min, max]; def when absent or empty. On a bad value fills res
 * with a 400 naming the argument and returns -1. */
int http_query_int(struct http_request *req, const char *name, int64_t def, int64_t min,
                   int64_t max, int64_t *out, struct http_response *res);
/* A request header (case-insensitive name); NULL when absent. */
const char *http_header(const struct http_request *req, const char *name);
/* The "{id}" segment as a positive integer; on anything else fills res with a 400 and returns -1.
 */
int http_param_id(struct http_request *req, struct http_response *res, int64_t *id);
const char *http_body(const struct http_request *req, size_t *len);
/* The body parsed as a JSON object. On bad UTF-8 or bad JSON fills res with a 400 giving the
 * line and column and returns NULL. The caller owns the result. */
json_t *http_body_json(struct http_request *req, struct http_response *res);
/* Who sent the request (auth/auth.h): the signed-in user's role and scope, or ROLE_ANON. Never
 * NULL inside a handler. The router has already refused roles the route's row of
 * src/auth/authz.def does not list (and state changes without the session's CSRF token); the
 * handler checks the object with auth_sees_enterprise / auth_sees_department, answering
 * http_reply_forbidden. */
const struct actor *http_actor(const struct http_request *req);
/* Memory that lives until the response is sent. */
struct arena *http_arena(struct http_request *req);
struct http_server *http_request_server(const struct http_request *req);

/* The store connection for this request (taken from the server's pool on first use and given
 * back when the handler returns), or NULL with a 503 in res when the server has no store. Its
 * type is struct store from store/store.h. */
struct store *http_store(struct http_request *req, struct http_response *res);

/* ---- answering ---- */

/* Sends v (reference stolen) with the status; keys in insertion order, UTF-8 unescaped. */
void http_reply_json(struct http_response *res, int status, json_t *v);
/* Sends a malloc'd JSON text with 200 and frees it; NULL (out of memory) becomes a 500. */
void http_reply_json_owned(struct http_response *res, char *text);
/* Sends a ready JSON text (copied). */
void http_reply_text(struct http_response *res, int status, const char *content_type,
                     const char *body, size_t len);
/* {"error": {"code": code, "zh": zh, "en": en}}. */
void http_reply_error(struct http_response *res, int status, const char *code, const char *zh,
                      const char *en);
/* The same from a struct error, with field/line/col when it has them. The status is chosen from
 * the error code when status is 0. */
void http_reply_err(struct http_response *res, int status, const struct error *e);
/* The error object itself (for handlers that add more to it). */
json_t *http_error_json(const char *code, const char *zh, const char *en);
/* Adds a response header (name and value copied, truncated to fit). */
void http_add_header(struct http_response *res, const char *name, const char *value);

/* 403 "forbidden": the object lies outside the actor's scope (another enterprise, district or
 * department). */
void http_reply_forbidden(struct http_response *res); /* code "out_of_scope" */

/* ---- lists, exports and form fields (list.c): the glue every list endpoint shares ---- */

#define HTTP_PAGE_MAX 1000000 /* the highest ?page= any list accepts */

struct export_column;

/* A page of a list: its number (from 1) and its size in rows. */
struct http_page {
    int64_t page;
    int64_t size;
};

/* ?page= (1 to HTTP_PAGE_MAX, default 1) and ?page_size= (1 to max_size, default def_size);
 * max_size 0: the list has one page size, def_size, and ignores ?page_size. On a bad value fills
 * res with a 400 naming the argument and returns -1. */
int http_query_page(struct http_request *req, int def_size, int max_size, struct http_page *p,
                    struct http_response *res);
/* The "{id}" segment (http_param_id) and the request's store (http_store): NULL with res set (400,
 * 503) when either fails. */
struct store *http_store_id(struct http_request *req, struct http_response *res, int64_t *id);
/* A filter of the query string: NULL when absent or empty (an empty filter means any). */
const char *http_query_filter(const struct http_request *req, const char *name);
/* {"total": total, "page": p->page, "page_size": p->size, key: items} (items stolen); p NULL
 * leaves out page and page_size (a list shown whole). */
json_t *http_page_json(int64_t total, const struct http_page *p, const char *key, json_t *items);
/* ?format=: -1 for JSON (absent, empty or "json"), else EXPORT_CSV or EXPORT_XLSX
 * (export/export.h); anything else fills res with a 400 and gives -2. */
int http_query_format(struct http_request *req, struct http_response *res);
/* Sends rows (a JSON array of objects) as a spreadsheet in format (from http_query_format) with
 * the sheet named sheet, as the attachment file.xlsx or file.csv. */
void http_reply_export(struct http_response *res, const struct export_column *cols, int n_cols,
                       const json_t *rows, const char *sheet, const char *file, int format);
/* Answers what a module made: its malloc'd JSON text out (freed) with status when rc is 0, else
 * err (status from its code). out NULL with rc 0 (out of memory) becomes a 500. */
void http_reply_result(struct http_response *res, int rc, const struct error *err, int status,
                       char *out);
/* A JSON body's text field: NULL when absent, not a string or empty. */
const char *http_json_text(const json_t *o, const char *key);
/* A JSON body's date field ("2026-03-01", "2026年3月1日", …) into *out; absent or empty leaves
 * *out as it is. A bad date is an error naming key. */
int http_json_date(const json_t *o, const char *key, int32_t *out, struct error *err);
/* A region given as a name or code (string or integer) into *out (refdata index); absent, null
 * or "" gives -1. An unknown region is an error naming field. */
int http_json_region(const json_t *v, const char *field, int *out, struct error *err);

/* The status for an err_code (ERR_NOTFOUND → 404, ERR_INVALID → 422, ...). */
int http_status_for(int code);

#endif
