/* Owns the application and 免申即享 endpoints: lists (filters, paging, ?format=xlsx|csv export),
 * create, the form, attachments, one POST per state-machine action, and the batches. Every rule
 * (who may do what, in which state, the cap, the deadline) is src/workflow's; this file parses
 * requests and maps its errors to statuses (forbidden 403, conflict 409, invalid 422). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "http/internal.h"
#include "index/index.h"
#include "store/store.h"
#include "util/date.h"
#include "workflow/workflow.h"

#define EXPORT_MAX_ROWS 10000

static void reply_error(struct http_response *res, const struct error *err) {
    http_reply_err(res, 0, err);
}

static bool path_id(struct http_request *req, const char *name, int64_t *id,
                    struct http_response *res) {
    const char *s = http_param(req, name);
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        http_reply_error(res, 404, "notfound", "没有这个编号", "no such id");
        return false;
    }
    *id = v;
    return true;
}

/* -1 (no export), EXPORT_CSV or EXPORT_XLSX; on a bad value a 400 is in res and -2 returned. */
static int export_format(struct http_request *req, struct http_response *res) {
    const char *f = http_query(req, "format");
    if (!f || !*f || strcmp(f, "json") == 0) return -1;
    int v = export_format_from_name(f);
    if (v < 0) {
        http_reply_error(res, 400, "invalid", "format 应为 json、xlsx 或 csv",
                         "format must be json, xlsx or csv");
        return -2;
    }
    return v;
}

static void reply_export(struct http_response *res, const struct export_column *cols, int n,
                         const json_t *rows, const char *name, enum export_format f) {
    char *out = NULL;
    size_t len = 0;
    struct error err;
    if (export_json(cols, n, rows, name, f, &out, &len, &err)) {
        reply_error(res, &err);
        return;
    }
    http_reply_text(res, 200, export_content_type(f), out, len);
    free(out);
    char disp[128];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", name, export_extension(f));
    http_add_header(res, "Content-Disposition", disp);
}

static void reply_list(struct http_response *res, json_t *rows, int64_t total, int64_t page,
                       int64_t page_size) {
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "page", json_integer(page));
    json_object_set_new(o, "page_size", json_integer(page_size));
    json_object_set_new(o, "items", rows);
    http_reply_json(res, 200, o);
}

/* ---- applications ---- */

static const struct export_column app_cols[] = {
    {"id", "申请编号", EXPORT_INT},
    {"enterprise_name", "企业名称", EXPORT_TEXT},
    {"uscc", "统一社会信用代码", EXPORT_TEXT},
    {"clause_title", "条款", EXPORT_TEXT},
    {"department", "主管部门", EXPORT_TEXT},
    {"state_label", "状态", EXPORT_TEXT},
    {"computed_fen", "测算金额(元)", EXPORT_MONEY},
    {"amount_fen", "批准金额(元)", EXPORT_MONEY},
    {"paid_on", "兑现日期", EXPORT_DATE},
    {"payment_ref", "支付凭证号", EXPORT_TEXT},
    {"overdue", "是否超期", EXPORT_TEXT},
};

static void list_applications(struct http_request *req, struct http_response *res) {
    struct workflow_query q = {.state = -1};
    int64_t page, page_size, clause;
    int f = export_format(req, res);
    if (f == -2 || http_query_int(req, "page", 1, 1, 1000000, &page, res) < 0 ||
        http_query_int(req, "page_size", 20, 1, 200, &page_size, res) < 0 ||
        http_query_int(req, "clause_id", 0, 0, INT64_MAX, &clause, res) < 0)
        return;
    const char *st = http_query(req, "state");
    if (st && *st && (q.state = workflow_state_from_key(st)) < 0) {
        http_reply_error(res, 400, "invalid", "未知状态", "unknown state");
        return;
    }
    const char *uscc = http_query(req, "uscc");
    q.uscc = uscc && *uscc ? uscc : NULL;
    const char *od = http_query(req, "overdue");
    q.is_overdue = od && (strcmp(od, "1") == 0 || strcmp(od, "true") == 0);
    q.clause_id = clause;
    q.offset = f >= 0 ? 0 : (page - 1) * page_size;
    q.limit = f >= 0 ? EXPORT_MAX_ROWS : (int)page_size;
    struct store *s = http_store(req, res);
    if (!s) return;
    json_t *rows = NULL;
    int64_t total = 0;
    struct error err;
    if (workflow_list(s, http_actor(req), &q, (int64_t)time(NULL), &rows, &total, &err)) {
        reply_error(res, &err);
        return;
    }
    if (f >= 0) {
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) json_object_set_new(
            r, "overdue", json_string(json_is_true(json_object_get(r, "overdue")) ? "是" : "否"));
        reply_export(res, app_cols, (int)(sizeof app_cols / sizeof *app_cols), rows, "applications",
                     (enum export_format)f);
        json_decref(rows);
        return;
    }
    reply_list(res, rows, total, page, page_size);
}

static void create_application(struct http_request *req, struct http_response *res) {
    json_t *body = http_body_json(req, res);
    if (!body) return;
    json_t *c = json_object_get(body, "clause_id");
    const char *uscc = json_string_value(json_object_get(body, "uscc"));
    if (!json_is_integer(c)) {
        json_decref(body);
        http_reply_error(res, 422, "invalid", "缺少 clause_id", "clause_id is missing");
        return;
    }
    struct store *s = http_store(req, res);
    int64_t id = 0;
    struct error err;
    if (s && workflow_create(s, http_actor(req), json_integer_value(c), uscc, (int64_t)time(NULL),
                             &id, &err))
        reply_error(res, &err);
    else if (s)
        http_reply_json(res, 201, json_pack("{s:I}", "id", (json_int_t)id));
    json_decref(body);
}

static void get_application(struct http_request *req, struct http_response *res) {
    int64_t id;
    if (!path_id(req, "id", &id, res)) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    json_t *o = NULL;
    struct error err;
    if (workflow_get(s, http_actor(req), id, (int64_t)time(NULL), &o, &err))
        reply_error(res, &err);
    else
        http_reply_json(res, 200, o);
}

static void update_form(struct http_request *req, struct http_response *res) {
    int64_t id;
    if (!path_id(req, "id", &id, res)) return;
    json_t *body = http_body_json(req, res);
    if (!body) return;
    struct store *s = http_store(req, res);
    struct error err;
    if (s && workflow_update_form(s, http_actor(req), id, json_object_get(body, "values"),
                                  (int64_t)time(NULL), &err))
        reply_error(res, &err);
    else if (s)
        http_reply_json(res, 200, json_pack("{s:I}", "id", (json_int_t)id));
    json_decref(body);
}

/* POST /api/applications/{id}/<action>: the action is the path's last segment. */
static void step(struct http_request *req, struct http_response *res) {
    int64_t id;
    if (!path_id(req, "id", &id, res)) return;
    const char *path = http_path(req);
    const char *last = strrchr(path, '/');
    int action = workflow_action_from_key(last ? last + 1 : "");
    json_t *body = http_body_json(req, res);
    if (!body) return;
    struct workflow_step st = {.action = (enum workflow_action)action,
                               .comment = json_string_value(json_object_get(body, "comment")),
                               .reason = json_string_value(json_object_get(body, "reason")),
                               .payment_ref =
                                   json_string_value(json_object_get(body, "payment_ref")),
                               .paid_on = STORE_NO_DATE};
    json_t *amount = json_object_get(body, "amount_fen");
    st.has_amount = json_is_integer(amount);
    st.amount_fen = json_integer_value(amount);
    const char *paid = json_string_value(json_object_get(body, "paid_on"));
    struct error err;
    error_clear(&err);
    if ((amount && !json_is_integer(amount) && !json_is_null(amount)) ||
        (paid && date_parse(paid, strlen(paid), &st.paid_on, &err))) {
        json_decref(body);
        http_reply_error(res, 422, "invalid", "amount_fen 须为整数(分)，paid_on 须为日期",
                         "amount_fen must be an integer (fen) and paid_on a date");
        return;
    }
    struct store *s = http_store(req, res);
    if (s && workflow_step(s, http_actor(req), id, &st, (int64_t)time(NULL), &err))
        reply_error(res, &err);
    else if (s) {
        json_t *o = NULL;
        if (workflow_get(s, http_actor(req), id, (int64_t)time(NULL), &o, &err))
            reply_error(res, &err);
        else
            http_reply_json(res, 200, o);
    }
    json_decref(body);
}

static void attach(struct http_request *req, struct http_response *res) {
    int64_t id;
    if (!path_id(req, "id", &id, res)) return;
    const char *name = http_query(req, "name");
    const char *type = http_header(req, "Content-Type");
    char ctype[128] = "";
    if (type) { /* "text/plain; charset=utf-8" → "text/plain" */
        snprintf(ctype, sizeof ctype, "%s", type);
        ctype[strcspn(ctype, "; ")] = 0;
    }
    size_t len = 0;
    const char *body = http_body(req, &len);
    struct store *s = http_store(req, res);
    int64_t fid = 0;
    struct error err;
    if (s && workflow_attach(s, http_actor(req), id, name, ctype, body, len, (int64_t)time(NULL),
                             &fid, &err))
        reply_error(res, &err);
    else if (s)
        http_reply_json(res, 201, json_pack("{s:I}", "id", (json_int_t)fid));
}

static void get_file(struct http_request *req, struct http_response *res) {
    int64_t id, fid;
    if (!path_id(req, "id", &id, res) || !path_id(req, "file_id", &fid, res)) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    char *data = NULL;
    size_t len = 0;
    json_t *meta = NULL;
    struct error err;
    if (workflow_file(s, http_actor(req), id, fid, &data, &len, &meta, &err)) {
        reply_error(res, &err);
        return;
    }
    /* served as a download, never rendered: the stored type only names what it is */
    http_reply_text(res, 200, "application/octet-stream", data, len);
    http_add_header(res, "Content-Disposition", "attachment");
    http_add_header(res, "X-Content-Type-Options", "nosniff");
    http_add_header(res, "X-Content-SHA256", json_string_value(json_object_get(meta, "sha256")));
    free(data);
    json_decref(meta);
}

/* ---- 免申即享 batches ---- */

static void list_batches(struct http_request *req, struct http_response *res) {
    struct store *s = http_store(req, res);
    if (!s) return;
    json_t *rows = NULL;
    struct error err;
    if (workflow_exempt_list(s, http_actor(req), &rows, &err))
        reply_error(res, &err);
    else
        reply_list(res, rows, (int64_t)json_array_size(rows), 1, (int64_t)json_array_size(rows));
}

static void create_batch(struct http_request *req, struct http_response *res) {
    json_t *body = http_body_json(req, res);
    if (!body) return;
    json_t *c = json_object_get(body, "clause_id");
    struct store *s = json_is_integer(c) ? http_store(req, res) : NULL;
    int64_t id = 0;
    struct error err;
    int64_t now = (int64_t)time(NULL);
    /* the server's own index (the match endpoints' generation, kept current by the change
     * notices): a batch costs one bitmap evaluation, not an index load */
    const struct match_catalog *cat;
    void *token = NULL;
    struct index_gen *g = s ? http_match_acquire(req, res, &cat, &token) : NULL;
    if (!json_is_integer(c))
        http_reply_error(res, 422, "invalid", "缺少 clause_id", "clause_id is missing");
    else if (g && workflow_exempt_create(s, http_actor(req), json_integer_value(c), g,
                                         index_gen_today(g), now, &id, &err))
        reply_error(res, &err);
    else if (g)
        http_reply_json(res, 201, json_pack("{s:I}", "id", (json_int_t)id));
    if (g) http_match_release(g, token);
    json_decref(body);
}

static const struct export_column entry_cols[] = {
    {"uscc", "统一社会信用代码", EXPORT_TEXT}, {"enterprise_name", "企业名称", EXPORT_TEXT},
    {"district_code", "区市代码", EXPORT_INT}, {"section", "行业门类", EXPORT_TEXT},
    {"amount_fen", "金额(元)", EXPORT_MONEY},  {"state", "状态", EXPORT_TEXT},
    {"reason", "移除理由", EXPORT_TEXT},
};

static void get_batch(struct http_request *req, struct http_response *res) {
    int64_t id, page, page_size;
    int f = export_format(req, res);
    if (f == -2 || !path_id(req, "id", &id, res) ||
        http_query_int(req, "page", 1, 1, 1000000, &page, res) < 0 ||
        http_query_int(req, "page_size", 100, 1, 1000, &page_size, res) < 0)
        return;
    struct store *s = http_store(req, res);
    if (!s) return;
    json_t *o = NULL;
    struct error err;
    int64_t offset = f >= 0 ? 0 : (page - 1) * page_size;
    int limit = f >= 0 ? 1000000 : (int)page_size;
    if (workflow_exempt_get(s, http_actor(req), id, offset, limit, &o, &err)) {
        reply_error(res, &err);
        return;
    }
    if (f >= 0) {
        reply_export(res, entry_cols, (int)(sizeof entry_cols / sizeof *entry_cols),
                     json_object_get(o, "entries"), "exempt-batch", (enum export_format)f);
        json_decref(o);
        return;
    }
    http_reply_json(res, 200, o);
}

static void batch_step(struct http_request *req, struct http_response *res) {
    int64_t id;
    if (!path_id(req, "id", &id, res)) return;
    json_t *body = http_body_json(req, res);
    if (!body) return;
    const char *last = strrchr(http_path(req), '/') + 1;
    struct store *s = http_store(req, res);
    if (!s) {
        json_decref(body);
        return;
    }
    struct error err;
    error_clear(&err);
    int64_t now = (int64_t)time(NULL);
    int rc;
    if (strcmp(last, "confirm") == 0)
        rc = workflow_exempt_confirm(s, http_actor(req), id, now, &err);
    else if (strcmp(last, "remove") == 0)
        rc = workflow_exempt_remove(s, http_actor(req), id,
                                    json_string_value(json_object_get(body, "uscc")),
                                    !json_is_true(json_object_get(body, "restore")),
                                    json_string_value(json_object_get(body, "reason")), now, &err);
    else {
        const char *paid = json_string_value(json_object_get(body, "paid_on"));
        int32_t day = STORE_NO_DATE;
        if (paid) date_parse(paid, strlen(paid), &day, &err);
        rc =
            workflow_exempt_pay(s, http_actor(req), id, day,
                                json_string_value(json_object_get(body, "payment_ref")), now, &err);
    }
    json_decref(body);
    if (rc) {
        reply_error(res, &err);
        return;
    }
    json_t *o = NULL;
    if (workflow_exempt_get(s, http_actor(req), id, 0, 100, &o, &err))
        reply_error(res, &err);
    else
        http_reply_json(res, 200, o);
}

/* ---- payments ---- */

static const struct export_column pay_cols[] = {
    {"id", "兑现编号", EXPORT_INT},
    {"source", "来源", EXPORT_TEXT},
    {"clause_title", "条款", EXPORT_TEXT},
    {"department", "主管部门", EXPORT_TEXT},
    {"uscc", "统一社会信用代码", EXPORT_TEXT},
    {"enterprise_name", "企业名称", EXPORT_TEXT},
    {"amount_fen", "金额(元)", EXPORT_MONEY},
    {"paid_on", "兑现日期", EXPORT_DATE},
    {"payment_ref", "支付凭证号", EXPORT_TEXT},
};

static void list_payments(struct http_request *req, struct http_response *res) {
    int64_t page, page_size, clause;
    int f = export_format(req, res);
    if (f == -2 || http_query_int(req, "page", 1, 1, 1000000, &page, res) < 0 ||
        http_query_int(req, "page_size", 20, 1, 200, &page_size, res) < 0 ||
        http_query_int(req, "clause_id", 0, 0, INT64_MAX, &clause, res) < 0)
        return;
    struct store *s = http_store(req, res);
    if (!s) return;
    json_t *rows = NULL;
    int64_t total = 0;
    struct error err;
    if (workflow_payments(s, http_actor(req), clause, f >= 0 ? 0 : (page - 1) * page_size,
                          f >= 0 ? EXPORT_MAX_ROWS : (int)page_size, &rows, &total, &err)) {
        reply_error(res, &err);
        return;
    }
    if (f >= 0) {
        reply_export(res, pay_cols, (int)(sizeof pay_cols / sizeof *pay_cols), rows, "payments",
                     (enum export_format)f);
        json_decref(rows);
        return;
    }
    reply_list(res, rows, total, page, page_size);
}

void http_routes_workflow(struct http_router *r) {
    http_route(r, "GET", "/api/applications", list_applications, 0);
    http_route(r, "POST", "/api/applications", create_application, 0);
    http_route(r, "GET", "/api/applications/{id}", get_application, 0);
    http_route(r, "POST", "/api/applications/{id}/form", update_form, 0);
    for (int a = 0; a < WF_ACTION_COUNT; a++) {
        char pattern[64];
        snprintf(pattern, sizeof pattern, "/api/applications/{id}/%s", workflow_action_key(a));
        http_route(r, "POST", pattern, step, 0);
    }
    http_route(r, "POST", "/api/applications/{id}/files", attach, WORKFLOW_FILE_MAX);
    http_route(r, "GET", "/api/applications/{id}/files/{file_id}", get_file, 0);
    http_route(r, "GET", "/api/exempt-batches", list_batches, 0);
    http_route(r, "POST", "/api/exempt-batches", create_batch, 0);
    http_route(r, "GET", "/api/exempt-batches/{id}", get_batch, 0);
    http_route(r, "POST", "/api/exempt-batches/{id}/remove", batch_step, 0);
    http_route(r, "POST", "/api/exempt-batches/{id}/confirm", batch_step, 0);
    http_route(r, "POST", "/api/exempt-batches/{id}/pay", batch_step, 0);
    http_route(r, "GET", "/api/payments", list_payments, 0);
}
