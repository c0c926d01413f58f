/* Owns the document list and reading documents from JSON files: demo policies with clauses,
 * annotated clause lines (clauses.jsonl, with policy titles from src/NNN.txt next to it), and
 * plain document arrays. Does not index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "search/search.h"
#include "text/number.h"
#include "util/date.h"
#include "util/utf8.h"

static int nomem(struct error *err) {
    return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

void search_doc_list_init(struct search_doc_list *l) {
    memset(l, 0, sizeof *l);
    arena_init(&l->arena, 256 * 1024);
}

void search_doc_list_release(struct search_doc_list *l) {
    free(l->docs);
    arena_release(&l->arena);
    memset(l, 0, sizeof *l);
}

static const char *cp(struct arena *a, const char *s) {
    return s ? arena_strdup(a, s) : NULL;
}

int search_doc_list_add(struct search_doc_list *l, const struct search_doc *d, struct error *err) {
    if (l->n_docs == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct search_doc *x = realloc(l->docs, cap * sizeof *x);
        if (!x) return nomem(err);
        l->docs = x;
        l->cap = cap;
    }
    struct search_doc *o = &l->docs[l->n_docs];
    *o = *d;
    o->id = cp(&l->arena, d->id);
    o->policy_id = cp(&l->arena, d->policy_id);
    o->title = cp(&l->arena, d->title);
    o->policy_title = cp(&l->arena, d->policy_title);
    o->subject = cp(&l->arena, d->subject);
    o->text = cp(&l->arena, d->text);
    o->department = cp(&l->arena, d->department);
    o->region = cp(&l->arena, d->region);
    o->kind = cp(&l->arena, d->kind);
    o->deadline = cp(&l->arena, d->deadline);
    o->contact = cp(&l->arena, d->contact);
    l->n_docs++;
    return 0;
}

static void doc_defaults(struct search_doc *d) {
    memset(d, 0, sizeof *d);
    d->issued = d->valid_from = d->valid_to = SEARCH_NO_DATE;
    d->amount_fen = -1;
}

static const char *str(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int date_of(json_t *o, const char *key, int32_t *out, struct error *err) {
    const char *s = str(o, key);
    if (!s || !*s) return 0;
    int rc = date_parse(s, strlen(s), out, err);
    return rc ? error_field(err, key) : 0;
}

/* A money value: an integer number of yuan (as in clauses.jsonl) or text ("20万元"). */
static int64_t money_of(json_t *v) {
    if (json_is_integer(v) && json_integer_value(v) >= 0 &&
        json_integer_value(v) <= INT64_MAX / 100)
        return (int64_t)json_integer_value(v) * 100;
    if (json_is_string(v)) {
        int64_t fen;
        struct error e;
        const char *s = json_string_value(v);
        if (!text_parse_money(s, strlen(s), &fen, &e)) return fen;
    }
    return -1;
}

static int add_policy(struct search_doc_list *l, json_t *p, struct error *err) {
    const char *pid = str(p, "id");
    json_t *clauses = json_object_get(p, "clauses");
    struct search_doc d;
    doc_defaults(&d);
    d.policy_id = pid;
    d.policy_title = str(p, "title");
    d.department = str(p, "department");
    d.region = str(p, "region");
    d.contact = str(p, "contact");
    int rc = date_of(p, "issued", &d.issued, err);
    if (!rc) rc = date_of(p, "effective_from", &d.valid_from, err);
    if (!rc) rc = date_of(p, "effective_to", &d.valid_to, err);
    if (rc) return rc;
    const char *status = str(p, "status");
    d.is_repealed = status && (!strcmp(status, "废止") || !strcmp(status, "repealed"));
    if (!pid || !json_is_array(clauses))
        return error_set(err, ERR_INVALID, "政策缺少 id 或 clauses",
                         "a policy needs id and clauses");
    for (size_t i = 0; i < json_array_size(clauses); i++) {
        json_t *c = json_array_get(clauses, i);
        char id[160];
        snprintf(id, sizeof id, "%s.%zu", pid, i + 1);
        struct search_doc cd = d;
        cd.id = id;
        cd.title = str(c, "title");
        cd.text = str(c, "text");
        cd.kind = str(c, "kind");
        cd.deadline = str(c, "deadline");
        cd.subject = str(c, "subject");
        cd.amount_fen = money_of(json_object_get(c, "amount"));
        if (!cd.text)
            return error_set(err, ERR_INVALID, "条款 %s 缺少 text", "clause %s has no text", id);
        if ((rc = search_doc_list_add(l, &cd, err))) return rc;
    }
    return 0;
}

static int add_plain(struct search_doc_list *l, json_t *o, struct error *err) {
    struct search_doc d;
    doc_defaults(&d);
    d.id = str(o, "id");
    d.policy_id = str(o, "policy_id");
    d.title = str(o, "title");
    d.policy_title = str(o, "policy_title");
    d.subject = str(o, "subject");
    d.text = str(o, "text");
    d.department = str(o, "department");
    d.region = str(o, "region");
    d.kind = str(o, "kind");
    d.deadline = str(o, "deadline");
    d.contact = str(o, "contact");
    int rc = date_of(o, "issued", &d.issued, err);
    if (!rc) rc = date_of(o, "valid_from", &d.valid_from, err);
    if (!rc) rc = date_of(o, "valid_to", &d.valid_to, err);
    if (rc) return rc;
    const char *status = str(o, "status");
    d.is_repealed = status && (!strcmp(status, "废止") || !strcmp(status, "repealed") ||
                               !strcmp(status, "失效") || !strcmp(status, "expired"));
    d.amount_fen = money_of(json_object_get(o, "amount"));
    if (!d.id || !d.text)
        return error_set(err, ERR_INVALID, "文档缺少 id 或 text", "a document needs id and text");
    return search_doc_list_add(l, &d, err);
}

/* "# source: URL | TITLE" on the first line of DIR/src/NNN.txt. */
static char *policy_title_of(const char *path, const char *pid) {
    char file[1024];
    const char *slash = strrchr(path, '/');
    int dl = slash ? (int)(slash - path + 1) : 0;
    snprintf(file, sizeof file, "%.*ssrc/%s.txt", dl, path, pid);
    FILE *f = fopen(file, "r");
    if (!f) return NULL;
    char line[2048];
    char *title = NULL;
    if (fgets(line, sizeof line, f)) {
        char *bar = strstr(line, " | ");
        if (bar && !strncmp(line, "# source:", 9)) {
            title = strdup(bar + 3);
            if (title) title[strcspn(title, "\r\n")] = 0;
        }
    }
    fclose(f);
    return title;
}

static int add_clause_line(struct search_doc_list *l, json_t *c, const char *path,
                           struct error *err) {
    struct search_doc d;
    doc_defaults(&d);
    d.id = str(c, "id");
    d.text = str(c, "text");
    d.subject = str(c, "subject");
    d.department = str(c, "department");
    d.deadline = str(c, "deadline");
    d.contact = str(c, "contact");
    if (!d.id || !d.text)
        return error_set(err, ERR_INVALID, "条款缺少 id 或 text", "a clause needs id and text");
    char pid[64];
    snprintf(pid, sizeof pid, "%.*s", (int)strcspn(d.id, "-"), d.id);
    d.policy_id = pid;
    char *title = policy_title_of(path, pid);
    d.policy_title = title;
    json_t *benefits = json_object_get(c, "benefits");
    for (size_t i = 0; i < json_array_size(benefits); i++) {
        json_t *b = json_array_get(benefits, i);
        if (!d.kind) d.kind = str(b, "kind");
        static const char *const keys[] = {"min", "max", "cap"};
        for (int k = 0; k < 3; k++) {
            int64_t v = money_of(json_object_get(b, keys[k]));
            if (v > d.amount_fen) d.amount_fen = v;
        }
    }
    int rc = search_doc_list_add(l, &d, err);
    free(title);
    return rc;
}

static int add_value(struct search_doc_list *l, json_t *v, const char *path, bool is_line,
                     struct error *err) {
    if (!json_is_object(v))
        return error_set(err, ERR_INVALID, "应为 JSON 对象", "expected a JSON object");
    if (json_object_get(v, "clauses")) return add_policy(l, v, err);
    if (is_line && json_object_get(v, "benefits")) return add_clause_line(l, v, path, err);
    return add_plain(l, v, err);
}

static int load_lines(struct search_doc_list *l, const char *data, size_t len, const char *path,
                      struct error *err) {
    size_t i = 0;
    int line = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && data[j] != '\n')
            j++;
        line++;
        size_t tl = j - i;
        const char *t = utf8_trim(data + i, &tl);
        if (tl) {
            json_error_t je;
            json_t *v = json_loadb(t, tl, 0, &je);
            int rc = v ? add_value(l, v, path, true, err)
                       : error_set(err, ERR_PARSE, "JSON 错误:%s", "JSON error: %s", je.text);
            json_decref(v);
            if (rc) return error_at(err, line, v ? 1 : je.column);
        }
        i = j + 1;
    }
    return 0;
}

int search_load_json(struct search_doc_list *l, const char *path, struct error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return error_set(err, ERR_IO, "无法打开 %s", "cannot open %s", path);
    struct buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (b.is_oom) {
        buf_release(&b);
        return nomem(err);
    }
    const char *data = b.data ? b.data : "";
    size_t bad;
    int rc = 0;
    if (!utf8_is_valid(data, b.len, &bad)) {
        rc = error_set(err, ERR_UTF8, "%s 第 %zu 字节不是有效的 UTF-8",
                       "%s: invalid UTF-8 at byte %zu", path, bad);
        if (err) err->offset = (int64_t)bad;
    } else {
        size_t k = 0;
        while (k < b.len &&
               (data[k] == ' ' || data[k] == '\n' || data[k] == '\r' || data[k] == '\t'))
            k++;
        if (k < b.len && data[k] == '[') {
            json_error_t je;
            json_t *arr = json_loadb(data, b.len, 0, &je);
            if (!arr) {
                rc = error_set(err, ERR_PARSE, "%s JSON 错误:%s", "%s: JSON error: %s", path,
                               je.text);
                error_at(err, je.line, je.column);
            }
            for (size_t i = 0; !rc && i < json_array_size(arr); i++)
                rc = add_value(l, json_array_get(arr, i), path, false, err);
            json_decref(arr);
        } else {
            rc = load_lines(l, data, b.len, path, err);
        }
    }
    buf_release(&b);
    return rc;
}
