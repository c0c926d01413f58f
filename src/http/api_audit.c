/* Owns the audit endpoints: GET /api/audit (entries for an object, newest first, paged, or
 * ?format=xlsx|csv) and GET /api/audit/verify (the chain walk). Administrators see every entry; a
 * reviewer or finance officer those of one application they may see. The log is src/audit's. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "export/export.h"
#include "http/internal.h"
#include "store/store.h"

static const struct export_column audit_cols[] = {
    {"seq", "序号", EXPORT_INT},           {"at", "时间(Unix秒)", EXPORT_INT},
    {"actor_id", "用户", EXPORT_INT},      {"actor_role", "角色", EXPORT_TEXT},
    {"action", "操作", EXPORT_TEXT},       {"object_type", "对象类型", EXPORT_TEXT},
    {"object_id", "对象编号", EXPORT_INT}, {"hash", "哈希", EXPORT_TEXT},
};

static void list_audit(struct http_request *req, struct http_response *res) {
    const struct actor *who = http_actor(req);
    if (who->role != ROLE_ADMIN) {
        http_reply_error(res, 403, "forbidden", "只有系统管理员可以查看审计日志",
                         "only an administrator reads the audit log");
        return;
    }
    int64_t page, page_size, object_id;
    if (http_query_int(req, "page", 1, 1, 1000000, &page, res) < 0 ||
        http_query_int(req, "page_size", 50, 1, 500, &page_size, res) < 0 ||
        http_query_int(req, "object_id", 0, 0, INT64_MAX, &object_id, res) < 0)
        return;
    const char *type = http_query(req, "object_type");
    const char *fmt = http_query(req, "format");
    int f = fmt && *fmt && strcmp(fmt, "json") != 0 ? export_format_from_name(fmt) : -1;
    if (fmt && *fmt && strcmp(fmt, "json") != 0 && f < 0) {
        http_reply_error(res, 400, "invalid", "format 应为 json、xlsx 或 csv",
                         "format must be json, xlsx or csv");
        return;
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    json_t *rows = NULL;
    int64_t total = 0;
    struct error err;
    if (audit_list(s, type && *type ? type : NULL, object_id, f >= 0 ? 0 : (page - 1) * page_size,
                   f >= 0 ? 10000 : (int)page_size, &rows, &total, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    if (f >= 0) {
        char *out = NULL;
        size_t len = 0;
        if (export_json(audit_cols, (int)(sizeof audit_cols / sizeof *audit_cols), rows, "audit",
                        (enum export_format)f, &out, &len, &err))
            http_reply_err(res, 0, &err);
        else {
            http_reply_text(res, 200, export_content_type((enum export_format)f), out, len);
            http_add_header(res, "Content-Disposition",
                            f == EXPORT_XLSX ? "attachment; filename=\"audit.xlsx\""
                                             : "attachment; filename=\"audit.csv\"");
        }
        free(out);
        json_decref(rows);
        return;
    }
    http_reply_json(res, 200,
                    json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)total, "page",
                              (json_int_t)page, "page_size", (json_int_t)page_size, "items", rows));
}

static void verify(struct http_request *req, struct http_response *res) {
    if (http_actor(req)->role != ROLE_ADMIN) {
        http_reply_error(res, 403, "forbidden", "只有系统管理员可以校验审计链",
                         "only an administrator verifies the audit chain");
        return;
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    struct audit_report rep;
    struct error err;
    if (audit_verify(s, &rep, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_json(res, 200,
                    json_pack("{s:b,s:s,s:I,s:I,s:I,s:s,s:s,s:s}", "ok", rep.problem == AUDIT_OK,
                              "problem", audit_problem_name(rep.problem), "seq",
                              (json_int_t)rep.bad_seq, "entries", (json_int_t)rep.n_entries,
                              "head_seq", (json_int_t)rep.head_seq, "head_hash", rep.head_hash,
                              "zh", rep.zh, "en", rep.en));
}

void http_routes_audit(struct http_router *r) {
    http_route(r, "GET", "/api/audit", list_audit, 0);
    http_route(r, "GET", "/api/audit/verify", verify, 0);
}
