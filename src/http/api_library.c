/* Owns the document library endpoints: browsing with filters and facets and one document with
 * its clauses, 政策解读, related documents and history (public: policies are public documents),
 * the original file, and — for policy officers, the hub and the administrator — adding a
 * document or a new version (the file as base64 in JSON), setting its validity and linking
 * documents. The work is src/library's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nettle/base64.h>

#include "http/internal.h"
#include "library/library.h"
#include "text/policy_text.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"

#define LIBRARY_BODY_LIMIT ((size_t)96 << 20) /* a 64 MiB file in base64 */

static bool may_edit(struct http_request *req, struct http_response *res) {
    const struct actor *a = http_actor(req);
    if (a->role == ROLE_OFFICER || a->role == ROLE_HUB || a->role == ROLE_ADMIN) return true;
    http_reply_error(res, a->role == ROLE_ANON ? 401 : 403, "forbidden",
                     "仅政策发布部门、市级枢纽或管理员可维护文件库",
                     "only policy officers, the hub or administrators maintain the library");
    return false;
}

/* GET /api/library?authority=&level=&theme=&validity=&kind=&region=&year=&q=&page= */
static void library_browse(struct http_request *req, struct http_response *res) {
    int64_t year;
    struct http_page page;
    if (http_query_int(req, "year", 0, 0, 2100, &year, res)) return;
    if (http_query_page(req, 20, 0, &page, res)) return;
    struct library_query q = {.authority = http_query_filter(req, "authority"),
                              .level = http_query_filter(req, "level"),
                              .theme = http_query_filter(req, "theme"),
                              .validity = http_query_filter(req, "validity"),
                              .kind = http_query_filter(req, "kind"),
                              .q = http_query_filter(req, "q"),
                              .region = -1,
                              .year = (int)year,
                              .page = (int)page.page,
                              .page_size = (int)page.size};
    struct error err;
    error_clear(&err);
    const char *reg = http_query(req, "region");
    if (reg && *reg) {
        q.region = region_find(reg, strlen(reg), &err);
        if (q.region < 0) {
            http_reply_err(res, 400, &err);
            return;
        }
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    char *out = NULL;
    int rc = library_browse_json(s, &q, &out, &err);
    http_reply_result(res, rc, &err, 200, out);
}

/* Answers a change that returned rc with the document as it now is (status 200 or 201); a change
 * searchable at once (is_searched) drops the search index. */
static void reply_doc(struct http_response *res, struct store *s, int64_t id, int rc,
                      struct error *err, int status, bool is_searched) {
    char *out = NULL;
    if (!rc) rc = library_doc_json(s, id, &out, err);
    if (!rc && is_searched) http_search_invalidate();
    http_reply_result(res, rc, err, status, out);
}

/* GET /api/library/{id} */
static void library_one(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *s = http_store_id(req, res, &id);
    if (!s) return;
    struct error err;
    error_clear(&err);
    reply_doc(res, s, id, 0, &err, 200, false);
}

/* GET /api/library/{id}/file: the original, as stored */
static void library_file_get(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *s = http_store_id(req, res, &id);
    if (!s) return;
    struct error err;
    error_clear(&err);
    void *data;
    size_t len;
    char mime[128], name[256];
    if (library_file(s, id, &data, &len, mime, sizeof mime, name, sizeof name, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    /* content types the browser may show inline; anything else downloads */
    static const char *const known[] = {"application/pdf", "text/html; charset=utf-8",
                                        "application/vnd.openxmlformats-officedocument."
                                        "wordprocessingml.document",
                                        "text/plain; charset=utf-8"};
    const char *ct = "application/octet-stream";
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strncmp(mime, known[i], strcspn(known[i], ";")) == 0) ct = known[i];
    http_reply_text(res, 200, ct, data, len);
    free(data);
    http_add_header(res, "Content-Disposition", "attachment");
    http_add_header(res, "X-Content-Type-Options", "nosniff");
}

/* POST /api/library {title, doc_no, series, authority, level, region, theme, kind, issued,
 * effective, validity, policy_id, file_name, file_mime, file_base64, body, note}; without a body
 * the file's own text is the body */
static void library_create(struct http_request *req, struct http_response *res) {
    if (!may_edit(req, res)) return;
    json_t *j = http_body_json(req, res);
    if (!j) return;
    struct error err;
    error_clear(&err);
    struct library_doc d = {.title = http_json_text(j, "title"),
                            .doc_no = http_json_text(j, "doc_no"),
                            .series = http_json_text(j, "series"),
                            .authority = http_json_text(j, "authority"),
                            .level = http_json_text(j, "level"),
                            .region = -1,
                            .issued = INT32_MIN,
                            .effective = INT32_MIN,
                            .theme = http_json_text(j, "theme"),
                            .kind = http_json_text(j, "kind"),
                            .validity = http_json_text(j, "validity"),
                            .policy_id = json_integer_value(json_object_get(j, "policy_id")),
                            .file_name = http_json_text(j, "file_name"),
                            .file_mime = http_json_text(j, "file_mime"),
                            .body = http_json_text(j, "body"),
                            .note = http_json_text(j, "note")};
    int rc = http_json_date(j, "issued", &d.issued, &err);
    if (!rc) rc = http_json_date(j, "effective", &d.effective, &err);
    if (!rc) rc = http_json_region(json_object_get(j, "region"), "region", &d.region, &err);
    uint8_t *file = NULL;
    size_t file_len = 0;
    const char *b64 = http_json_text(j, "file_base64");
    if (!rc && b64) {
        size_t n = strlen(b64);
        file = malloc(BASE64_DECODE_LENGTH(n) + 1);
        struct base64_decode_ctx ctx;
        base64_decode_init(&ctx);
        if (!file || !base64_decode_update(&ctx, &file_len, file, n, b64) ||
            !base64_decode_final(&ctx)) {
            error_set(&err, ERR_INVALID, "文件不是有效的 base64", "the file is not valid base64");
            rc = error_field(&err, "file_base64");
        }
    }
    /* a file without its text: the text is read from the file (Word, PDF, a web page, a text:
     * src/text/docfile.c), so the search finds the document by its words; a file that gives no
     * text (a scan) is kept all the same */
    char *read_text = NULL;
    if (!rc && file && file_len && (!d.body || !d.body[0])) {
        struct error ignored;
        error_clear(&ignored);
        size_t n;
        if (text_from_document((const char *)file, file_len, d.file_name, &read_text, &n, NULL,
                               &ignored) == 0)
            d.body = read_text;
    }
    struct store *s = rc ? NULL : http_store(req, res);
    if (!rc && !s) {
        free(read_text);
        free(file);
        json_decref(j);
        return;
    }
    if (!rc) rc = library_put(s, &d, file, file_len, (int64_t)time(NULL), &err);
    free(read_text);
    free(file);
    json_decref(j);
    reply_doc(res, s, d.id, rc, &err, 201, true);
}

/* A maintainer's change to document {id}: its id, the JSON body (the caller frees it) and the
 * store; NULL with res set when any of them fails. */
static json_t *change_open(struct http_request *req, struct http_response *res, int64_t *id,
                           struct store **s) {
    if (!may_edit(req, res) || http_param_id(req, res, id)) return NULL;
    json_t *j = http_body_json(req, res);
    if (j && !(*s = http_store(req, res))) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* POST /api/library/{id}/validity {validity, replaced_by} */
static void library_validity(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *s;
    json_t *j = change_open(req, res, &id, &s);
    if (!j) return;
    struct error err;
    error_clear(&err);
    int rc = library_set_validity(s, id, http_json_text(j, "validity"),
                                  json_integer_value(json_object_get(j, "replaced_by")), &err);
    json_decref(j);
    reply_doc(res, s, id, rc, &err, 200, true);
}

/* POST /api/library/{id}/links {other_id, kind: interpretation|related} */
static void library_links(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *s;
    json_t *j = change_open(req, res, &id, &s);
    if (!j) return;
    struct error err;
    error_clear(&err);
    int rc = library_link(s, id, json_integer_value(json_object_get(j, "other_id")),
                          http_json_text(j, "kind"), &err);
    json_decref(j);
    reply_doc(res, s, id, rc, &err, 200, false);
}

void http_routes_library(struct http_router *r) {
    http_route(r, "GET", "/api/library", library_browse, 0);
    http_route(r, "POST", "/api/library", library_create, LIBRARY_BODY_LIMIT);
    http_route(r, "GET", "/api/library/{id}", library_one, 0);
    http_route(r, "GET", "/api/library/{id}/file", library_file_get, 0);
    http_route(r, "POST", "/api/library/{id}/validity", library_validity, 0);
    http_route(r, "POST", "/api/library/{id}/links", library_links, 0);
}
