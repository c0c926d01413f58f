/* Owns reading a request: the raw target split into decoded path segments and query arguments
 * (percent-decoding, UTF-8 checks, refusing "." and ".." segments), and the accessors handlers use
 * (params, query, headers, JSON body). Does not route and does not touch sockets. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/internal.h"
#include "util/utf8.h"

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..len) into the arena ('+' is a space in query parts). Returns NULL on a
 * malformed escape or an encoded NUL; *is_bad_utf8 is set when the result is not UTF-8. */
static char *decode(struct arena *a, const char *s, size_t len, bool plus_is_space,
                    bool *is_bad_utf8) {
    char *out = arena_alloc(a, len + 1);
    if (!out) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= len) return NULL;
            int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0) return NULL;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == 0) return NULL;
        out[n++] = c;
    }
    out[n] = 0;
    *is_bad_utf8 = !utf8_is_valid(out, n, NULL);
    return out;
}

static int bad_target(struct http_response *res, const char *code, const char *zh, const char *en) {
    http_reply_error(res, 400, code, zh, en);
    return -1;
}

static int parse_path(struct http_request *req, const char *p, size_t len,
                      struct http_response *res) {
    size_t i = 0;
    while (i < len) {
        while (i < len && p[i] == '/')
            i++;
        if (i >= len) break;
        size_t j = i;
        while (j < len && p[j] != '/')
            j++;
        if (req->n_segs == HTTP_MAX_SEGMENTS)
            return bad_target(res, "bad_path", "路径层级过多", "too many path segments");
        bool is_bad_utf8 = false;
        char *seg = decode(&req->arena, p + i, j - i, false, &is_bad_utf8);
        if (!seg)
            return bad_target(res, "bad_path", "路径中的百分号编码无效",
                              "malformed percent-encoding in the path");
        if (is_bad_utf8)
            return bad_target(res, "bad_utf8", "路径不是有效的 UTF-8",
                              "the path is not valid UTF-8");
        if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0)
            return bad_target(res, "bad_path", "路径中不允许出现 . 或 ..",
                              "\".\" and \"..\" are not allowed in paths");
        req->segs[req->n_segs++] = seg;
        i = j;
    }
    size_t total = 1;
    for (int k = 0; k < req->n_segs; k++)
        total += strlen(req->segs[k]) + 1;
    req->path = arena_alloc(&req->arena, total + 1);
    if (!req->path) return bad_target(res, "internal", "内存不足", "out of memory");
    req->path[0] = '/'; /* "/" when there are no segments */
    char *w = req->path;
    for (int k = 0; k < req->n_segs; k++) {
        *w++ = '/';
        size_t n = strlen(req->segs[k]);
        memcpy(w, req->segs[k], n);
        w += n;
        *w = 0;
    }
    return 0;
}

static int parse_query(struct http_request *req, const char *q, size_t len,
                       struct http_response *res) {
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && q[j] != '&' && q[j] != ';')
            j++;
        if (j > i) {
            if (req->n_query == HTTP_MAX_QUERY)
                return bad_target(res, "bad_query", "查询参数过多", "too many query arguments");
            const char *eq = memchr(q + i, '=', j - i);
            size_t klen = eq ? (size_t)(eq - (q + i)) : j - i;
            bool bad_k = false, bad_v = false;
            char *k = decode(&req->arena, q + i, klen, true, &bad_k);
            char *v = eq ? decode(&req->arena, eq + 1, (size_t)(q + j - eq - 1), true, &bad_v)
                         : arena_strdup(&req->arena, "");
            if (!k || !v)
                return bad_target(res, "bad_query", "查询参数中的百分号编码无效",
                                  "malformed percent-encoding in the query");
            if (bad_k || bad_v) {
                http_reply_error(res, 400, "bad_utf8", "查询参数不是有效的 UTF-8",
                                 "a query argument is not valid UTF-8");
                return -1;
            }
            req->query_keys[req->n_query] = k;
            req->query_values[req->n_query] = v;
            req->n_query++;
        }
        i = j + 1;
    }
    return 0;
}

int request_parse_target(struct http_request *req, const char *target, struct http_response *res) {
    if (!target || !*target)
        return bad_target(res, "bad_request", "缺少请求路径", "missing request target");
    /* absolute-form (proxies): http://host/path?q */
    if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
        const char *p = strstr(target, "://") + 3;
        p = strchr(p, '/');
        target = p ? p : "/";
    }
    if (target[0] != '/')
        return bad_target(res, "bad_request", "请求路径必须以 / 开头",
                          "the target must start with /");
    size_t len = strcspn(target, "#");
    const char *qm = memchr(target, '?', len);
    size_t plen = qm ? (size_t)(qm - target) : len;
    if (parse_path(req, target, plen, res) < 0) return -1;
    if (qm && parse_query(req, qm + 1, len - plen - 1, res) < 0) return -1;
    return 0;
}

void text_position(const char *s, size_t len, size_t off, int *line, int *col) {
    int l = 1, c = 1;
    const char *p = s, *end = s + (off < len ? off : len);
    while (p < end) {
        if (*p == '\n') {
            l++;
            c = 1;
            p++;
            continue;
        }
        utf8_next(&p, end);
        c++;
    }
    *line = l;
    *col = c;
}

/* ---- accessors ---- */

const char *http_method(const struct http_request *req) {
    return req->in->method;
}
const char *http_path(const struct http_request *req) {
    return req->path;
}
struct arena *http_arena(struct http_request *req) {
    return &req->arena;
}
struct http_server *http_request_server(const struct http_request *req) {
    return req->server;
}

const char *http_param(const struct http_request *req, const char *name) {
    for (int i = 0; i < req->n_params; i++)
        if (strcmp(req->param_names[i], name) == 0) return req->param_values[i];
    return NULL;
}

const char *http_query(const struct http_request *req, const char *name) {
    for (int i = 0; i < req->n_query; i++)
        if (strcmp(req->query_keys[i], name) == 0) return req->query_values[i];
    return NULL;
}

int http_query_int(struct http_request *req, const char *name, int64_t def, int64_t min,
                   int64_t max, int64_t *out, struct http_response *res) {
    const char *s = http_query(req, name);
    *out = def;
    if (!s || !*s) return 0;
    const char *p = s;
    bool neg = *p == '-';
    if (neg) p++;
    int64_t v = 0;
    int digits = 0;
    for (; *p; p++, digits++) {
        if (!isdigit((unsigned char)*p) || digits >= 18) break;
        v = v * 10 + (*p - '0');
    }
    if (*p || digits == 0 || (neg ? -v : v) < min || (neg ? -v : v) > max) {
        char zh[200], en[200];
        snprintf(zh, sizeof zh, "参数 %s 应为 %lld 到 %lld 之间的整数", name, (long long)min,
                 (long long)max);
        snprintf(en, sizeof en, "argument %s must be an integer from %lld to %lld", name,
                 (long long)min, (long long)max);
        json_t *e = http_error_json("bad_query", zh, en);
        json_object_set_new(json_object_get(e, "error"), "field", json_string(name));
        http_reply_json(res, 400, e);
        return -1;
    }
    *out = neg ? -v : v;
    return 0;
}

const char *http_header(const struct http_request *req, const char *name) {
    for (int i = 0; i < req->in->n_headers; i++)
        if (req->in->headers[i].name && strcasecmp(req->in->headers[i].name, name) == 0)
            return req->in->headers[i].value;
    return NULL;
}

int http_param_id(struct http_request *req, struct http_response *res, int64_t *id) {
    const char *s = http_param(req, "id");
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || *end || v <= 0) {
        http_reply_error(res, 400, "invalid", "编号应为正整数", "the id must be a positive number");
        return -1;
    }
    *id = v;
    return 0;
}

const char *http_body(const struct http_request *req, size_t *len) {
    *len = req->in->body_len;
    return req->in->body ? req->in->body : "";
}

json_t *http_body_json(struct http_request *req, struct http_response *res) {
    size_t len;
    const char *body = http_body(req, &len);
    size_t bad = 0;
    if (!utf8_is_valid(body, len, &bad)) {
        int line, col;
        text_position(body, len, bad, &line, &col);
        char zh[160], en[160];
        snprintf(zh, sizeof zh, "请求体第 %d 行第 %d 列不是有效的 UTF-8", line, col);
        snprintf(en, sizeof en, "the body is not valid UTF-8 at line %d, column %d", line, col);
        json_t *e = http_error_json("bad_utf8", zh, en);
        json_object_set_new(json_object_get(e, "error"), "line", json_integer(line));
        json_object_set_new(json_object_get(e, "error"), "col", json_integer(col));
        http_reply_json(res, 400, e);
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        char zh[400], en[400];
        snprintf(zh, sizeof zh, "请求体不是有效的 JSON (第 %d 行第 %d 列): %s", je.line, je.column,
                 je.text);
        snprintf(en, sizeof en, "the body is not valid JSON at line %d, column %d: %s", je.line,
                 je.column, je.text);
        json_t *e = http_error_json("bad_json", zh, en);
        json_object_set_new(json_object_get(e, "error"), "line", json_integer(je.line));
        json_object_set_new(json_object_get(e, "error"), "col", json_integer(je.column));
        http_reply_json(res, 400, e);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        http_reply_error(res, 400, "bad_json", "请求体应为 JSON 对象",
                         "the body must be a JSON object");
        return NULL;
    }
    return v;
}
