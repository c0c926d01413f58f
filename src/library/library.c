/* Owns the library's tables (documents with their versions and original files, links between
 * documents), putting a document or a new version of one, validity, browsing with facets, the
 * JSON of one document with its clauses, links and history, and the search feed. Reads the clause
 * store for a document's clauses; does not own policies or clauses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nettle/sha2.h>

#include "library/library.h"
#include "refdata/refdata.h"
#include "search/search.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/utf8.h"

const char *const store_module_library[] = {
    "CREATE TABLE library_doc (id {ID}, series TEXT NOT NULL, version BIGINT NOT NULL, title TEXT "
    "NOT NULL, doc_no TEXT, authority TEXT, level TEXT, region BIGINT NOT NULL, theme TEXT, kind "
    "TEXT NOT NULL, issued BIGINT, effective BIGINT, validity TEXT NOT NULL, replaced_by BIGINT "
    "NOT NULL, policy_id BIGINT NOT NULL, file_name TEXT, file_mime TEXT, file_hash TEXT, "
    "file_len BIGINT NOT NULL, file {BLOB}, body TEXT, note TEXT, is_current BIGINT NOT NULL, "
    "created BIGINT NOT NULL, UNIQUE (series, version));"
    "CREATE INDEX library_doc_current ON library_doc (is_current, issued);"
    "CREATE TABLE library_link (doc_id BIGINT NOT NULL, other_id BIGINT NOT NULL, kind TEXT NOT "
    "NULL, PRIMARY KEY (doc_id, other_id));",
    NULL};

#define NO_DATE INT32_MIN
#define DOC_COLS                                                                                   \
    "id, series, version, title, doc_no, authority, level, region, theme, kind, issued, "          \
    "effective, validity, replaced_by, policy_id, file_name, file_mime, file_hash, file_len, "     \
    "note, is_current, created"

static bool opt_text(const char *s, size_t max) {
    return !s || (strlen(s) <= max && utf8_is_valid(s, strlen(s), NULL));
}

static bool one_of(const char *s, const char *const *set) {
    for (; *set; set++)
        if (strcmp(s, *set) == 0) return true;
    return false;
}

static const char *const validities[] = {"有效", "失效", "废止", NULL};
static const char *const kinds[] = {"policy", "interpretation", "related", NULL};
static const char *const levels[] = {"国家", "省", "市", "区", NULL};

static int validate(const struct library_doc *d, size_t file_len, struct error *err) {
    const char *field = NULL;
    if (!d->title || !*d->title || !opt_text(d->title, 500))
        field = "title";
    else if (!opt_text(d->doc_no, 100))
        field = "doc_no";
    else if (!opt_text(d->authority, 200))
        field = "authority";
    else if (d->level && !one_of(d->level, levels))
        field = "level";
    else if (!opt_text(d->theme, 100))
        field = "theme";
    else if (d->kind && !one_of(d->kind, kinds))
        field = "kind";
    else if (d->validity && !one_of(d->validity, validities))
        field = "validity";
    else if (!opt_text(d->file_name, 255) || !opt_text(d->file_mime, 100))
        field = "file_name";
    else if (!opt_text(d->body, 4 << 20))
        field = "body";
    else if (!opt_text(d->note, 1000))
        field = "note";
    else if (!opt_text(d->series, 200) || (!d->series && !d->doc_no))
        field = "series";
    else if (file_len > (size_t)64 << 20)
        field = "file";
    if (!field) return 0;
    error_set(err, ERR_INVALID, "字段 %s 缺失、过长、不是有效的 UTF-8 或取值不在允许范围内",
              "field %s is missing, too long, not valid UTF-8 or not an allowed value", field);
    return error_field(err, field);
}

static void sha256_hex(const void *p, size_t len, char hex[65]) {
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, len, p);
    sha256_digest(&c, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static struct store_val date_val(int32_t d) {
    return d == NO_DATE ? store_val_null() : store_val_int(d);
}

/* The current version is the same document (nothing to add) when every field and the file match. */
static int same_as_current(struct store *s, const struct library_doc *d, int64_t *id, int *version,
                           struct error *err) {
    struct store_val a[] = {store_val_text(d->series)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT id, version, title, COALESCE(doc_no, ''), COALESCE(authority, ''), "
                       "COALESCE(level, ''), region, COALESCE(theme, ''), kind, COALESCE(issued, "
                       "-2147483648), COALESCE(effective, -2147483648), validity, policy_id, "
                       "COALESCE(file_hash, ''), COALESCE(body, '') FROM library_doc WHERE series "
                       "= ? AND is_current = 1",
                       a, 1, &r, err);
    if (rc) return rc;
    *id = 0;
    *version = 0;
    if (store_rows_count(r) == 1) {
#define T(col, v) (strcmp(store_rows_text(r, 0, col), (v) ? (v) : "") == 0)
        bool same = T(2, d->title) && T(3, d->doc_no) && T(4, d->authority) && T(5, d->level) &&
                    store_rows_int(r, 0, 6) == d->region && T(7, d->theme) && T(8, d->kind) &&
                    store_rows_int(r, 0, 9) == d->issued &&
                    store_rows_int(r, 0, 10) == d->effective && T(11, d->validity) &&
                    store_rows_int(r, 0, 12) == d->policy_id && T(13, d->file_hash) &&
                    T(14, d->body);
#undef T
        *version = (int)store_rows_int(r, 0, 1);
        if (same) *id = store_rows_int(r, 0, 0);
    }
    store_rows_free(r);
    return 0;
}

int library_put(struct store *s, struct library_doc *d, const void *file, size_t file_len,
                int64_t now, struct error *err) {
    if (!d->series) d->series = d->doc_no;
    if (!d->kind) d->kind = "policy";
    if (!d->validity) d->validity = "有效";
    int rc = validate(d, file_len, err);
    if (rc) return rc;
    d->file_hash[0] = 0;
    if (file) sha256_hex(file, file_len, d->file_hash);
    d->file_len = file ? (int64_t)file_len : 0;
    int64_t same_id;
    int version;
    rc = same_as_current(s, d, &same_id, &version, err);
    if (rc) return rc;
    if (same_id) {
        d->id = same_id;
        d->version = version;
        d->is_current = true;
        return 0;
    }
    rc = store_begin(s, err);
    if (rc) return rc;
    struct store_val k[] = {store_val_text(d->series)};
    rc = store_sql(s, "UPDATE library_doc SET is_current = 0 WHERE series = ?", k, 1, NULL, err);
    d->version = version + 1;
    struct store_val a[] = {store_val_text(d->series),
                            store_val_int(d->version),
                            store_val_text(d->title),
                            store_val_text(d->doc_no),
                            store_val_text(d->authority),
                            store_val_text(d->level),
                            store_val_int(d->region),
                            store_val_text(d->theme),
                            store_val_text(d->kind),
                            date_val(d->issued),
                            date_val(d->effective),
                            store_val_text(d->validity),
                            store_val_int(d->replaced_by),
                            store_val_int(d->policy_id),
                            store_val_text(d->file_name),
                            store_val_text(d->file_mime),
                            store_val_text(file ? d->file_hash : NULL),
                            store_val_int(d->file_len),
                            file ? store_val_blob(file, file_len) : store_val_null(),
                            store_val_text(d->body),
                            store_val_text(d->note),
                            store_val_int(now)};
    if (!rc)
        rc =
            store_sql_int(s,
                          "INSERT INTO library_doc (series, version, title, doc_no, authority, "
                          "level, region, theme, kind, issued, effective, validity, replaced_by, "
                          "policy_id, file_name, file_mime, file_hash, file_len, file, body, note, "
                          "is_current, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                          "?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id",
                          a, 22, 0, &d->id, err);
    if (!rc) rc = store_commit(s, err);
    if (rc) store_rollback(s);
    d->is_current = !rc;
    return rc;
}

int library_file(struct store *s, int64_t id, void **data, size_t *len, char *mime, size_t n_mime,
                 char *name, size_t n_name, struct error *err) {
    struct store_val a[] = {store_val_int(id)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT file, COALESCE(file_mime, 'application/octet-stream'), "
                       "COALESCE(file_name, 'document') FROM library_doc WHERE id = ? AND file IS "
                       "NOT NULL",
                       a, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return error_set(err, ERR_NOTFOUND, "该文件没有原件", "the document has no original file");
    }
    const void *p = store_rows_blob(r, 0, 0, len);
    *data = malloc(*len ? *len : 1);
    if (*data) memcpy(*data, p, *len);
    snprintf(mime, n_mime, "%s", store_rows_text(r, 0, 1));
    snprintf(name, n_name, "%s", store_rows_text(r, 0, 2));
    store_rows_free(r);
    return *data ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

int library_set_validity(struct store *s, int64_t id, const char *validity, int64_t replaced_by,
                         struct error *err) {
    if (!validity || !one_of(validity, validities)) {
        error_set(err, ERR_INVALID, "效力应为 有效、失效 或 废止",
                  "validity must be 有效, 失效 or 废止");
        return error_field(err, "validity");
    }
    struct store_val a[] = {store_val_text(validity), store_val_int(replaced_by),
                            store_val_int(id)};
    int rc = store_sql(s, "UPDATE library_doc SET validity = ?, replaced_by = ? WHERE id = ?", a, 3,
                       NULL, err);
    if (!rc && store_sql_changes(s) != 1)
        rc = error_set(err, ERR_NOTFOUND, "没有该文件", "no such document");
    return rc;
}

int library_link(struct store *s, int64_t doc_id, int64_t other_id, const char *kind,
                 struct error *err) {
    if (!kind || (strcmp(kind, "interpretation") != 0 && strcmp(kind, "related") != 0))
        return error_set(err, ERR_INVALID, "关联类型应为 interpretation 或 related",
                         "the link kind must be interpretation or related");
    if (doc_id == other_id)
        return error_set(err, ERR_INVALID, "不能关联自身", "a document cannot link to itself");
    int64_t n = 0;
    struct store_val b[] = {store_val_int(doc_id), store_val_int(other_id)};
    int rc =
        store_sql_int(s, "SELECT COUNT(*) FROM library_doc WHERE id IN (?, ?)", b, 2, 0, &n, err);
    if (!rc && n != 2) rc = error_set(err, ERR_NOTFOUND, "没有该文件", "no such document");
    struct store_val a[] = {store_val_int(doc_id), store_val_int(other_id), store_val_text(kind)};
    if (!rc)
        rc = store_sql(s,
                       "INSERT INTO library_link (doc_id, other_id, kind) VALUES (?, ?, ?) ON "
                       "CONFLICT (doc_id, other_id) DO UPDATE SET kind = excluded.kind",
                       a, 3, NULL, err);
    return rc;
}

static json_t *date_json(const struct store_rows *r, int i, int col) {
    if (store_rows_is_null(r, i, col)) return json_null();
    char buf[16];
    return json_string(date_format((int32_t)store_rows_int(r, i, col), buf, sizeof buf));
}

static json_t *text_json(const struct store_rows *r, int i, int col) {
    return store_rows_is_null(r, i, col) ? json_null() : json_string(store_rows_text(r, i, col));
}

/* One row of DOC_COLS as JSON. */
static json_t *row_json(const struct store_rows *r, int i) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(store_rows_int(r, i, 0)));
    json_object_set_new(o, "series", json_string(store_rows_text(r, i, 1)));
    json_object_set_new(o, "version", json_integer(store_rows_int(r, i, 2)));
    json_object_set_new(o, "title", json_string(store_rows_text(r, i, 3)));
    json_object_set_new(o, "doc_no", text_json(r, i, 4));
    json_object_set_new(o, "authority", text_json(r, i, 5));
    json_object_set_new(o, "level", text_json(r, i, 6));
    int reg = (int)store_rows_int(r, i, 7);
    char name[256] = "";
    if (reg >= 0) region_path(reg, name, sizeof name);
    json_object_set_new(o, "region", reg >= 0 ? json_string(name) : json_null());
    json_object_set_new(o, "region_code",
                        reg >= 0 ? json_integer(region_at(reg)->code) : json_null());
    json_object_set_new(o, "theme", text_json(r, i, 8));
    json_object_set_new(o, "kind", json_string(store_rows_text(r, i, 9)));
    json_object_set_new(o, "issued", date_json(r, i, 10));
    json_object_set_new(o, "effective", date_json(r, i, 11));
    json_object_set_new(o, "validity", json_string(store_rows_text(r, i, 12)));
    int64_t rb = store_rows_int(r, i, 13);
    json_object_set_new(o, "replaced_by", rb ? json_integer(rb) : json_null());
    int64_t pid = store_rows_int(r, i, 14);
    json_object_set_new(o, "policy_id", pid ? json_integer(pid) : json_null());
    json_object_set_new(o, "file_name", text_json(r, i, 15));
    json_object_set_new(o, "file_mime", text_json(r, i, 16));
    json_object_set_new(o, "file_sha256", text_json(r, i, 17));
    json_object_set_new(o, "file_len", json_integer(store_rows_int(r, i, 18)));
    json_object_set_new(o, "note", text_json(r, i, 19));
    json_object_set_new(o, "is_current", json_boolean(store_rows_int(r, i, 20) != 0));
    return o;
}

static int add_clauses(struct store *s, json_t *o, int64_t policy_id, struct error *err) {
    json_t *arr = json_array();
    json_object_set_new(o, "clauses", arr);
    if (!policy_id) return 0;
    struct arena a;
    arena_init(&a, 1 << 14);
    struct clause *cs;
    int n;
    int rc = store_list_clauses(s, policy_id, -1, &a, &cs, &n, err);
    for (int i = 0; !rc && i < n; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "id", json_integer(cs[i].id));
        json_object_set_new(c, "seq", json_integer(cs[i].seq));
        json_object_set_new(c, "title", json_string(cs[i].title ? cs[i].title : ""));
        json_object_set_new(c, "status",
                            json_string(cs[i].status == POLICY_PUBLISHED ? "published"
                                        : cs[i].status == POLICY_EXPIRED ? "expired"
                                                                         : "draft"));
        json_array_append_new(arr, c);
    }
    arena_release(&a);
    return rc;
}

int library_doc_json(struct store *s, int64_t id, char **out, struct error *err) {
    struct store_val a[] = {store_val_int(id)};
    struct store_rows *r;
    int rc = store_sql(s, "SELECT " DOC_COLS " FROM library_doc WHERE id = ?", a, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return error_set(err, ERR_NOTFOUND, "没有编号为 %lld 的文件", "no document %lld",
                         (long long)id);
    }
    json_t *o = row_json(r, 0);
    char *series = strdup(store_rows_text(r, 0, 1));
    int64_t pid = store_rows_int(r, 0, 14);
    store_rows_free(r);
    rc = add_clauses(s, o, pid, err);
    /* links both ways: an interpretation linked to a policy shows on each */
    json_t *links = json_array();
    json_object_set_new(o, "links", links);
    struct store_val b[] = {store_val_int(id), store_val_int(id)};
    if (!rc)
        rc = store_sql(s,
                       "SELECT l.kind, d.id, d.title, d.doc_no, CASE WHEN l.doc_id = ? THEN 'to' "
                       "ELSE 'from' END FROM library_link l JOIN library_doc d ON d.id = CASE WHEN "
                       "l.doc_id = ? THEN l.other_id ELSE l.doc_id END WHERE l.doc_id = ? OR "
                       "l.other_id = ? ORDER BY d.id",
                       (struct store_val[]){b[0], b[1], b[0], b[1]}, 4, &r, err);
    if (!rc) {
        for (int i = 0; i < store_rows_count(r); i++) {
            json_t *l = json_object();
            json_object_set_new(l, "kind", json_string(store_rows_text(r, i, 0)));
            json_object_set_new(l, "id", json_integer(store_rows_int(r, i, 1)));
            json_object_set_new(l, "title", json_string(store_rows_text(r, i, 2)));
            json_object_set_new(l, "doc_no", text_json(r, i, 3));
            json_object_set_new(l, "direction", json_string(store_rows_text(r, i, 4)));
            json_array_append_new(links, l);
        }
        store_rows_free(r);
    }
    struct store_val c[] = {store_val_text(series)};
    if (!rc)
        rc = store_sql(s, "SELECT " DOC_COLS " FROM library_doc WHERE series = ? ORDER BY version",
                       c, 1, &r, err);
    if (!rc) {
        json_t *h = json_array();
        for (int i = 0; i < store_rows_count(r); i++)
            json_array_append_new(h, row_json(r, i));
        json_object_set_new(o, "history", h);
        store_rows_free(r);
    }
    free(series);
    if (!rc) *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return rc;
}

static void facet_add(json_t *f, const char *name, const char *value) {
    json_t *o = json_object_get(f, name);
    if (!o) json_object_set_new(f, name, o = json_object());
    const char *v = value && *value ? value : "(未填)";
    json_object_set_new(o, v, json_integer(json_integer_value(json_object_get(o, v)) + 1));
}

int library_browse_json(struct store *s, const struct library_query *q, char **out,
                        struct error *err) {
    char like[300] = "";
    if (q->q) {
        if (!opt_text(q->q, 200))
            return error_set(err, ERR_INVALID, "查询词过长或不是有效的 UTF-8",
                             "the query is too long or not valid UTF-8");
        snprintf(like, sizeof like, "%%%s%%", q->q);
    }
    int32_t from = q->year ? date_from_ymd(q->year, 1, 1) : NO_DATE;
    int32_t to = q->year ? date_from_ymd(q->year, 12, 31) : NO_DATE;
    struct store_val a[] = {store_val_text(q->authority),
                            store_val_text(q->authority),
                            store_val_text(q->level),
                            store_val_text(q->level),
                            store_val_text(q->theme),
                            store_val_text(q->theme),
                            store_val_text(q->validity),
                            store_val_text(q->validity),
                            store_val_text(q->kind),
                            store_val_text(q->kind),
                            store_val_int(q->year),
                            store_val_int(from),
                            store_val_int(to),
                            store_val_text(q->q ? like : NULL),
                            store_val_text(q->q ? like : NULL),
                            store_val_text(q->q ? like : NULL)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT " DOC_COLS " FROM library_doc WHERE is_current = 1 AND (CAST(? AS "
                       "TEXT) IS NULL OR authority = ?) AND (CAST(? AS TEXT) IS NULL OR level = ?) "
                       "AND (CAST(? AS TEXT) IS NULL OR theme = ?) AND (CAST(? AS TEXT) IS NULL OR "
                       "validity = ?) AND (CAST(? AS TEXT) IS NULL OR kind = ?) AND (? = 0 OR "
                       "(issued >= ? AND issued <= ?)) AND (CAST(? AS TEXT) IS NULL OR title LIKE "
                       "? OR doc_no LIKE ?) ORDER BY issued DESC, id DESC",
                       a, 16, &r, err);
    if (rc) return rc;
    int page_size = q->page_size > 0 && q->page_size <= 200 ? q->page_size : 20;
    int page = q->page > 0 ? q->page : 1;
    json_t *o = json_object(), *rows = json_array(), *facets = json_object();
    int total = 0;
    for (int i = 0; i < store_rows_count(r); i++) {
        int reg = (int)store_rows_int(r, i, 7);
        if (q->region >= 0 && (reg < 0 || !region_is_within(reg, q->region))) continue;
        total++;
        facet_add(facets, "authority", store_rows_text(r, i, 5));
        facet_add(facets, "level", store_rows_text(r, i, 6));
        facet_add(facets, "theme", store_rows_text(r, i, 8));
        facet_add(facets, "validity", store_rows_text(r, i, 12));
        char year[8] = "";
        if (!store_rows_is_null(r, i, 10)) {
            int y, m, d;
            date_to_ymd((int32_t)store_rows_int(r, i, 10), &y, &m, &d);
            snprintf(year, sizeof year, "%d", y);
        }
        facet_add(facets, "year", year);
        if (total > (page - 1) * page_size && total <= page * page_size)
            json_array_append_new(rows, row_json(r, i));
    }
    store_rows_free(r);
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "page", json_integer(page));
    json_object_set_new(o, "page_size", json_integer(page_size));
    json_object_set_new(o, "documents", rows);
    json_object_set_new(o, "facets", facets);
    *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return *out ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

int library_search_docs(struct store *s, struct search_doc_list *l, struct error *err) {
    struct store_rows *r;
    int rc =
        store_sql(s,
                  "SELECT id, title, doc_no, authority, region, issued, effective, validity, "
                  "COALESCE(body, ''), theme FROM library_doc WHERE is_current = 1 ORDER BY id",
                  NULL, 0, &r, err);
    if (rc) return rc;
    for (int i = 0; !rc && i < store_rows_count(r); i++) {
        char id[32], region[32] = "";
        snprintf(id, sizeof id, "doc-%lld", (long long)store_rows_int(r, i, 0));
        int reg = (int)store_rows_int(r, i, 4);
        if (reg >= 0) snprintf(region, sizeof region, "%lld", (long long)region_at(reg)->code);
        const char *validity = store_rows_text(r, i, 7);
        struct search_doc d = {
            .id = id,
            .title = store_rows_text(r, i, 1),
            .policy_title = store_rows_is_null(r, i, 2) ? NULL : store_rows_text(r, i, 2),
            .text = store_rows_text(r, i, 8),
            .department = store_rows_is_null(r, i, 3) ? NULL : store_rows_text(r, i, 3),
            .region = reg >= 0 ? region : NULL,
            .kind = store_rows_is_null(r, i, 9) ? "政策文件" : store_rows_text(r, i, 9),
            .issued =
                store_rows_is_null(r, i, 5) ? SEARCH_NO_DATE : (int32_t)store_rows_int(r, i, 5),
            .valid_from =
                store_rows_is_null(r, i, 6) ? SEARCH_NO_DATE : (int32_t)store_rows_int(r, i, 6),
            .valid_to = SEARCH_NO_DATE,
            .is_repealed = strcmp(validity, "有效") != 0,
            .amount_fen = -1};
        rc = search_doc_list_add(l, &d, err);
    }
    store_rows_free(r);
    return rc;
}
