/* Fuzz target for the request layer: target parsing (percent-decoding, UTF-8, "." and ".."),
 * routing with {params}, query arguments, JSON bodies and the error replies, through
 * http_server_handle with the real routes (no store, so handlers stop at validation or 503) and
 * a web root. Input: "METHOD\nTARGET\nBODY...". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

static struct http_server *server;

static void param_echo(struct http_request *req, struct http_response *res) {
    json_t *o = json_object();
    json_object_set_new(o, "a", json_string(http_param(req, "a")));
    json_object_set_new(o, "b", json_string(http_param(req, "b")));
    int64_t n;
    if (http_query_int(req, "n", 0, -5, 5, &n, res) < 0) {
        json_decref(o);
        return;
    }
    json_t *body = http_body_json(req, res);
    if (body) json_object_set_new(o, "body", body);
    http_reply_json(res, 200, o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!server) {
        struct http_config cfg = {.web_root = "web", .threads = 1};
        struct error err;
        if (http_server_new(&cfg, &server, &err) < 0) {
            cfg.web_root = NULL;
            if (http_server_new(&cfg, &server, &err) < 0) abort();
        }
        http_route(&server->router, "POST", "/api/fuzz/{a}/{b}", param_echo, 4096);
    }
    char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = 0;
    char *method = copy, *target = "", *body = "";
    size_t body_len = 0;
    char *nl = memchr(copy, '\n', size);
    if (nl) {
        *nl = 0;
        target = nl + 1;
        char *nl2 = memchr(target, '\n', size - (size_t)(target - copy));
        if (nl2) {
            *nl2 = 0;
            body = nl2 + 1;
            body_len = size - (size_t)(body - copy);
        }
    }
    struct http_header h = {"If-None-Match", body};
    struct http_input in = {.method = method,
                            .target = target,
                            .headers = &h,
                            .n_headers = 1,
                            .body = body,
                            .body_len = body_len};
    struct http_response res;
    http_server_handle(server, &in, &res);
    if (res.status < 200 || res.status > 599 || (res.status != 304 && !res.body)) abort();
    http_response_release(&res);
    (void)http_server_body_limit(server, method, target);
    free(copy);
    return 0;
}
