/* Owns the glue every list and form endpoint shares: ?page=/?page_size= and filters from the
 * query string, the JSON page ({"total", "page", "page_size", <items>}), ?format= and the
 * spreadsheet reply (src/export), the object's id with the store, answering with a module's JSON
 * text or its error, and reading the usual fields of a JSON body (text, date, region). Does not own
 * what is listed (the modules) nor the request's parsing (request.c) or the response's shape
 * (response.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "http/internal.h"
#include "refdata/refdata.h"
#include "util/date.h"

int http_query_page(struct http_request *req, int def_size, int max_size, struct http_page *p,
                    struct http_response *res) {
    p->size = def_size;
    if (http_query_int(req, "page", 1, 1, HTTP_PAGE_MAX, &p->page, res) < 0) return -1;
    if (max_size > 0 && http_query_int(req, "page_size", def_size, 1, max_size, &p->size, res) < 0)
        return -1;
    return 0;
}

struct store *http_store_id(struct http_request *req, struct http_response *res, int64_t *id) {
    return http_param_id(req, res, id) ? NULL : http_store(req, res);
}

const char *http_query_filter(const struct http_request *req, const char *name) {
    const char *v = http_query(req, name);
    return v && *v ? v : NULL;
}

json_t *http_page_json(int64_t total, const struct http_page *p, const char *key, json_t *items) {
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer(total));
    if (p) {
        json_object_set_new(o, "page", json_integer(p->page));
        json_object_set_new(o, "page_size", json_integer(p->size));
    }
    json_object_set_new(o, key, items);
    return o;
}

int http_query_format(struct http_request *req, struct http_response *res) {
    const char *f = http_query(req, "format");
    if (!f || !*f || strcmp(f, "json") == 0) return -1;
    int v = export_format_from_name(f);
    if (v >= 0) return v;
    http_reply_error(res, 400, "invalid", "format 应为 json、xlsx 或 csv",
                     "format must be json, xlsx or csv");
    return -2;
}

void http_reply_export(struct http_response *res, const struct export_column *cols, int n_cols,
                       const json_t *rows, const char *sheet, const char *file, int format) {
    enum export_format f = (enum export_format)format;
    char *out = NULL;
    size_t len = 0;
    struct error err;
    error_clear(&err);
    if (export_json(cols, n_cols, rows, sheet, f, &out, &len, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_text(res, 200, export_content_type(f), out, len);
    free(out);
    char disp[160];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", file, export_extension(f));
    http_add_header(res, "Content-Disposition", disp);
}

void http_reply_result(struct http_response *res, int rc, const struct error *err, int status,
                       char *out) {
    if (rc) {
        free(out);
        http_reply_err(res, 0, err);
        return;
    }
    if (!out) {
        http_reply_error(res, 500, "nomem", "内存不足", "out of memory");
        return;
    }
    http_reply_text(res, status, "application/json; charset=utf-8", out, strlen(out));
    free(out);
}

const char *http_json_text(const json_t *o, const char *key) {
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

int http_json_date(const json_t *o, const char *key, int32_t *out, struct error *err) {
    const char *s = http_json_text(o, key);
    if (!s) return 0;
    int32_t d;
    if (date_parse(s, strlen(s), &d, err)) return error_field(err, key);
    *out = d;
    return 0;
}

int http_json_region(const json_t *v, const char *field, int *out, struct error *err) {
    *out = -1;
    if (!v || json_is_null(v)) return 0;
    char code[32];
    const char *s = json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(code, sizeof code, "%lld", (long long)json_integer_value(v));
        s = code;
    }
    if (!s) {
        error_set(err, ERR_INVALID, "地区无效", "bad region");
        return error_field(err, field);
    }
    if (!*s) return 0;
    int r = region_find(s, strlen(s), err);
    if (r < 0) return error_field(err, field);
    *out = r;
    return 0;
}
