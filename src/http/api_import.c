/* Owns the upload endpoints: POST /api/import (a CSV or XLSX file as the request body → the
 * import summary with every rejected row's row, column, field and reason) and GET
 * /api/import/template (the Excel template). Reading, checking and storing rows is src/import's;
 * this file only carries bytes in and the summary out. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/internal.h"
#include "import/import.h"

#define IMPORT_BODY_LIMIT ((size_t)64 << 20) /* 64 MiB: a few hundred thousand rows */

static const char xlsx_type[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* The file name tells the format when the content does not: ?filename=, else the Content-Type. */
static const char *upload_name(struct http_request *req) {
    const char *name = http_query(req, "filename");
    if (name && *name) return name;
    const char *type = http_header(req, "Content-Type");
    if (type && strncmp(type, xlsx_type, sizeof xlsx_type - 1) == 0) return "upload.xlsx";
    return "upload.csv";
}

static void import_upload(struct http_request *req, struct http_response *res) {
    size_t len;
    const char *body = http_body(req, &len);
    if (len == 0) {
        http_reply_error(res, 400, "bad_request", "请求体为空:请上传 CSV 或 XLSX 文件",
                         "the body is empty: upload a CSV or XLSX file");
        return;
    }
    int64_t max_issues, dry;
    if (http_query_int(req, "max_errors", 100, 1, 10000, &max_issues, res) < 0 ||
        http_query_int(req, "dry_run", 0, 0, 1, &dry, res) < 0)
        return;
    struct store *st = NULL;
    if (!dry && !(st = http_store(req, res))) return;
    struct import_options o = {
        .format = IMPORT_AUTO, .is_dry_run = dry != 0, .max_issues = (int)max_issues};
    struct import_result r;
    import_result_init(&r);
    struct error err;
    error_clear(&err);
    if (import_buffer(st, body, len, upload_name(req), &o, &r, &err) < 0) {
        import_result_release(&r);
        /* a file that cannot be imported at all (no USCC column, unreadable) is the sender's */
        http_reply_err(res, err.code == ERR_DB || err.code == ERR_NOMEM ? 500 : 422, &err);
        return;
    }
    json_t *out = import_result_to_json(&r);
    json_object_set_new(out, "dry_run", json_boolean(dry != 0));
    import_result_release(&r);
    http_reply_json(res, 200, out);
}

static void template_xlsx(struct http_request *req, struct http_response *res) {
    (void)req;
    char path[] = "/tmp/duijie_template_XXXXXX.xlsx";
    int fd = mkstemps(path, 5);
    if (fd < 0) {
        http_reply_error(res, 500, "io", "无法创建临时文件", "cannot create a temporary file");
        return;
    }
    close(fd);
    struct error err;
    error_clear(&err);
    struct stat st;
    FILE *f = NULL;
    char *data = NULL;
    if (import_write_template(path, &err) < 0 || stat(path, &st) != 0 || !(f = fopen(path, "rb")) ||
        !(data = malloc((size_t)st.st_size + 1)) ||
        fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        if (!err.code) error_set(&err, ERR_IO, "无法生成模板", "cannot write the template");
        http_reply_err(res, 500, &err);
    } else {
        http_reply_text(res, 200, xlsx_type, data, (size_t)st.st_size);
        http_add_header(
            res, "Content-Disposition",
            "attachment; filename=\"enterprise-template.xlsx\"; "
            "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx");
    }
    free(data);
    if (f) fclose(f);
    unlink(path);
}

void http_routes_import(struct http_router *r) {
    http_route(r, "POST", "/api/import", import_upload, IMPORT_BODY_LIMIT);
    http_route(r, "GET", "/api/import/template", template_xlsx, 0);
}
