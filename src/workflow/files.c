/* Owns application attachments: stored in the database with their SHA-256, at most
 * WORKFLOW_FILE_MAX bytes each and WORKFLOW_FILES_MAX per application, the declared content type
 * checked against the bytes (a "PDF" must start like one). Does not own the application's state
 * (workflow.c) beyond refusing files once it has left draft/returned. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/utf8.h"
#include "workflow/internal.h"

static bool starts(const void *data, size_t len, const char *magic, size_t n) {
    return len >= n && memcmp(data, magic, n) == 0;
}

/* Whether the bytes are what the declared type says. */
static bool content_matches(const char *type, const void *data, size_t len) {
    if (strcmp(type, "application/pdf") == 0) return starts(data, len, "%PDF-", 5);
    if (strcmp(type, "image/png") == 0) return starts(data, len, "\x89PNG\r\n\x1a\n", 8);
    if (strcmp(type, "image/jpeg") == 0) return starts(data, len, "\xff\xd8\xff", 3);
    if (strcmp(type, "application/zip") == 0 ||
        strncmp(type, "application/vnd.openxmlformats-officedocument.", 46) == 0)
        return starts(data, len, "PK\x03\x04", 4);
    if (strcmp(type, "text/plain") == 0 || strcmp(type, "text/csv") == 0)
        return !memchr(data, 0, len) && utf8_is_valid(data, len, NULL);
    return false;
}

static int check_name(const char *name, struct error *err) {
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 200 || !utf8_is_valid(name, n, NULL) || strpbrk(name, "/\\") ||
        name[0] == '.') {
        error_set(err, ERR_INVALID, "文件名无效", "the file name is not valid");
        return error_field(err, "name");
    }
    return 0;
}

int workflow_attach(struct store *s, const struct actor *who, int64_t id, const char *name,
                    const char *content_type, const void *data, size_t len, int64_t now,
                    int64_t *file_id, struct error *err) {
    if (who->role != ROLE_ENTERPRISE)
        return error_set(err, ERR_FORBIDDEN, "只有申报企业可以上传附件",
                         "only the applicant may attach files");
    int rc = check_name(name, err);
    if (rc) return rc;
    if (len == 0 || len > WORKFLOW_FILE_MAX)
        return error_set(err, ERR_TOO_LARGE, "附件须为 1 字节至 10 MiB",
                         "an attachment must be 1 byte to 10 MiB");
    if (!content_type || !content_matches(content_type, data, len)) {
        error_set(err, ERR_INVALID, "附件内容与类型 %s 不符（允许 PDF、PNG、JPEG、Office、文本）",
                  "the content is not %s (PDF, PNG, JPEG, Office files and text are allowed)",
                  content_type ? content_type : "?");
        return error_field(err, "content_type");
    }
    rc = store_begin(s, err);
    if (rc) return rc;
    struct store_val a[] = {store_val_int(id), store_val_text(who->uscc)};
    struct store_rows *r = NULL;
    rc = store_sql(s, "SELECT state, uscc FROM application WHERE id = ?", a, 1, &r, err);
    if (rc) return wf_fail(s, rc);
    if (store_rows_count(r) != 1)
        rc = error_set(err, ERR_NOTFOUND, "申请 %lld 不存在", "application %lld does not exist",
                       (long long)id);
    else if (strcmp(store_rows_text(r, 0, 1), who->uscc) != 0)
        rc = error_set(err, ERR_FORBIDDEN, "无权访问申请 %lld",
                       "application %lld is outside your scope", (long long)id);
    else if (strcmp(store_rows_text(r, 0, 0), "draft") != 0 &&
             strcmp(store_rows_text(r, 0, 0), "returned") != 0)
        rc = error_set(err, ERR_CONFLICT, "申请已提交，不能再上传附件",
                       "the application was submitted; files can no longer be added");
    store_rows_free(r);
    int64_t n = 0;
    if (!rc)
        rc = store_sql_int(s, "SELECT COUNT(*) FROM application_file WHERE application_id = ?", a,
                           1, 0, &n, err);
    if (!rc && n >= WORKFLOW_FILES_MAX)
        rc = error_set(err, ERR_TOO_LARGE, "每份申请最多 %d 个附件",
                       "at most %d files per application", WORKFLOW_FILES_MAX);
    char hash[HASH_SHA256_HEX + 1];
    hash_sha256(data, len, hash);
    struct store_val f[] = {
        store_val_int(id),           store_val_text(name), store_val_text(content_type),
        store_val_int((int64_t)len), store_val_text(hash), store_val_blob(data, len),
        store_val_int(now)};
    if (!rc)
        rc = store_sql_int(s,
                           "INSERT INTO application_file (application_id, name, content_type, "
                           "size, sha256, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                           "RETURNING id",
                           f, 7, 0, file_id, err);
    json_t *after = json_pack("{s:I,s:s,s:I,s:s}", "file_id", (json_int_t)(rc ? 0 : *file_id),
                              "name", name, "size", (json_int_t)len, "sha256", hash);
    if (!rc) rc = audit_append(s, who, "attach", "application", id, NULL, after, NULL, err);
    json_decref(after);
    if (rc) return wf_fail(s, rc);
    return store_commit(s, err);
}

int workflow_file(struct store *s, const struct actor *who, int64_t id, int64_t file_id,
                  char **data, size_t *len, json_t **meta, struct error *err) {
    *data = NULL;
    *meta = NULL;
    json_t *app = NULL;
    int rc = workflow_get(s, who, id, 0, &app, err); /* its scope check */
    json_decref(app);
    if (rc) return rc;
    struct store_val a[] = {store_val_int(file_id), store_val_int(id)};
    struct store_rows *r = NULL;
    rc = store_sql(s,
                   "SELECT name, content_type, sha256, data FROM application_file WHERE id = ? "
                   "AND application_id = ?",
                   a, 2, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return error_set(err, ERR_NOTFOUND, "附件不存在", "no such file");
    }
    const void *p = store_rows_blob(r, 0, 3, len);
    *data = malloc(*len ? *len : 1);
    if (*data) memcpy(*data, p, *len);
    *meta = json_pack("{s:s,s:s,s:s}", "name", store_rows_text(r, 0, 0), "content_type",
                      store_rows_text(r, 0, 1), "sha256", store_rows_text(r, 0, 2));
    store_rows_free(r);
    return *data ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}
