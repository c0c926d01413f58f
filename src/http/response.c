/* Owns building responses: JSON bodies, the one error shape ({"error": {"code", "zh", "en",
 * "field"/"line"/"col"}}), extra headers, and the status for each err_code. Does not send
 * anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

void http_response_init(struct http_response *res) {
    memset(res, 0, sizeof *res);
    res->status = 500;
    res->content_type = "application/json; charset=utf-8";
}

void http_response_release(struct http_response *res) {
    free(res->body);
    res->body = NULL;
    res->body_len = 0;
}

void http_reply_json_owned(struct http_response *res, char *text) {
    if (!text) {
        http_reply_error(res, 500, "nomem", "内存不足", "out of memory");
        return;
    }
    http_reply_text(res, 200, "application/json; charset=utf-8", text, strlen(text));
    free(text);
}

void http_reply_text(struct http_response *res, int status, const char *content_type,
                     const char *body, size_t len) {
    free(res->body);
    res->body = malloc(len + 1);
    res->status = status;
    res->content_type = content_type;
    if (!res->body) {
        res->status = 500;
        res->body_len = 0;
        return;
    }
    memcpy(res->body, body, len);
    res->body[len] = 0;
    res->body_len = len;
}

void http_reply_json(struct http_response *res, int status, json_t *v) {
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    free(res->body);
    res->content_type = "application/json; charset=utf-8";
    if (!s) {
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"zh\":\"内存不足\",\"en\":\"out of memory\"}}";
        res->body = strdup(oom);
        res->body_len = res->body ? strlen(oom) : 0;
        res->status = 500;
        return;
    }
    res->body = s;
    res->body_len = strlen(s);
    res->status = status;
}

json_t *http_error_json(const char *code, const char *zh, const char *en) {
    json_t *e = json_object();
    json_object_set_new(e, "code", json_string(code));
    json_object_set_new(e, "zh", json_string(zh));
    json_object_set_new(e, "en", json_string(en));
    json_t *o = json_object();
    json_object_set_new(o, "error", e);
    return o;
}

void http_reply_error(struct http_response *res, int status, const char *code, const char *zh,
                      const char *en) {
    http_reply_json(res, status, http_error_json(code, zh, en));
}

void http_reply_forbidden(struct http_response *res) {
    http_reply_error(res, 403, "out_of_scope", "超出当前账号的权限范围(其他企业、区市或部门)",
                     "outside this account's scope (another enterprise, district or department)");
}

int http_status_for(int code) {
    switch (code) {
    case ERR_INVALID:
        return 422;
    case ERR_PARSE:
    case ERR_RANGE:
    case ERR_UTF8:
        return 400;
    case ERR_NOTFOUND:
        return 404;
    case ERR_CONFLICT:
        return 409;
    case ERR_TOO_LARGE:
        return 413;
    case ERR_FORBIDDEN:
        return 403;
    case ERR_UNSUPPORTED:
        return 415;
    default:
        return 500;
    }
}

void http_reply_err(struct http_response *res, int status, const struct error *e) {
    json_t *o = http_error_json(error_code_name(e->code), e->zh, e->en);
    json_t *inner = json_object_get(o, "error");
    if (e->field[0]) json_object_set_new(inner, "field", json_string(e->field));
    if (e->line > 0) {
        json_object_set_new(inner, "line", json_integer(e->line));
        json_object_set_new(inner, "col", json_integer(e->col));
    }
    http_reply_json(res, status ? status : http_status_for(e->code), o);
}

void http_add_header(struct http_response *res, const char *name, const char *value) {
    if (res->n_headers == HTTP_MAX_RESPONSE_HEADERS) return;
    snprintf(res->headers[res->n_headers].name, sizeof res->headers[0].name, "%s", name);
    snprintf(res->headers[res->n_headers].value, sizeof res->headers[0].value, "%s", value);
    res->n_headers++;
}
