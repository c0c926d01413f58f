/* Owns the officer's policy endpoints: POST /api/policies/extract (policy text → clauses with
 * byte and UTF-16 offsets for highlighting, the extraction and a proposed rule each), POST
 * /api/policies (a draft policy and its edited clauses, every rule compiled first, stored in one
 * transaction or not at all), GET /api/policies, GET /api/policies/{id}, POST
 * /api/policies/{id}/publish (policy and clauses published; the match endpoints see them at once)
 * and GET /api/clauses/{id}. Does not own extraction (src/extract), the rule language
 * (src/rules), matching (api_match.c) or the tables (src/store). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract/extract.h"
#include "http/internal.h"
#include "notify/notify.h"
#include "rules/rules.h"
#include "store/store.h"
#include "text/policy_text.h"
#include "util/date.h"
#include "util/utf8.h"

#define POLICY_BODY_LIMIT ((size_t)8 << 20) /* 8 MiB of policy text */
#define POLICY_MAX_CLAUSES 1000

/* UTF-16 code units in s[0..n) (what a JavaScript string index counts); s is valid UTF-8. */
static int64_t utf16_units(const char *s, size_t n) {
    int64_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80) continue; /* a continuation byte */
        u += c >= 0xF0 ? 2 : 1;           /* a 4-byte sequence is a surrogate pair */
    }
    return u;
}

/* The file name an upload's Content-Type stands for when ?filename= is not given: the converter
 * tells kinds by content, the name only breaks ties (an HTML fragment, a .docx that is not one). */
static const char *upload_name(const char *ct) {
    if (!ct) return NULL;
    if (strstr(ct, "wordprocessingml")) return "upload.docx";
    if (strstr(ct, "text/html")) return "upload.html";
    if (strstr(ct, "application/pdf")) return "upload.pdf";
    if (strstr(ct, "msword")) return "upload.doc";
    return NULL;
}

/* POST /api/policies/extract  {"text": "…"}, or a policy file's bytes with the file's Content-Type
 * (text/plain in UTF-8 or GB18030, text/html, Word .docx, application/octet-stream; ?filename=
 * gives the name): converted to text first (src/text/docfile.c), which the answer carries. */
static void policy_extract(struct http_request *req, struct http_response *res) {
    size_t len;
    const char *body = http_body(req, &len);
    const char *ct = http_header(req, "Content-Type");
    const char *text = body;
    json_t *j = NULL;
    char *converted = NULL;
    struct text_doc_info info = {NULL, NULL};
    const char *filename = http_query(req, "filename");
    if (!(ct && strstr(ct, "json"))) {
        struct error cerr;
        error_clear(&cerr);
        size_t clen;
        if (text_from_document(body ? body : "", body ? len : 0,
                               filename ? filename : upload_name(ct), &converted, &clen, &info,
                               &cerr)) {
            http_reply_err(res, 0, &cerr);
            return;
        }
        text = converted;
        len = clen;
    } else {
        if (!(j = http_body_json(req, res))) return;
        text = json_string_value(json_object_get(j, "text"));
        if (!text) {
            json_decref(j);
            http_reply_error(res, 400, "invalid", "缺少 text(政策文本)",
                             "text (the policy's text) is missing");
            return;
        }
        len = json_string_length(json_object_get(j, "text"));
    }
    if (!text) text = "";
    struct extract_result r;
    struct error err;
    error_clear(&err);
    if (extract_policy(text, len, &r, &err)) {
        extract_result_release(&r);
        json_decref(j);
        free(converted);
        http_reply_err(res, 400, &err);
        return;
    }
    json_t *out = json_object(), *list = json_array();
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < r.n_clauses; i++) {
        const struct extract_clause *c = &r.clauses[i];
        buf_clear(&b);
        extract_clause_json(c, &b);
        json_t *o = json_loadb(buf_str(&b), b.len, 0, NULL);
        if (!o) continue;
        json_object_set_new(o, "seq", json_integer(i + 1));
        json_object_set_new(o, "start16", json_integer(utf16_units(text, c->start)));
        json_object_set_new(o, "end16", json_integer(utf16_units(text, c->end)));
        struct rule *ru;
        struct error re;
        error_clear(&re);
        bool ok = rules_compile(c->rule, strlen(c->rule), "rule", &ru, &re) == 0;
        if (ok) rules_free(ru);
        json_object_set_new(o, "rule_ok", json_boolean(ok));
        json_array_append_new(list, o);
    }
    buf_release(&b);
    json_object_set_new(out, "text", json_stringn(text, len));
    json_object_set_new(out, "n_clauses", json_integer(r.n_clauses));
    json_object_set_new(out, "clauses", list);
    if (info.kind) {
        json_t *src = json_object();
        json_object_set_new(src, "kind", json_string(info.kind));
        json_object_set_new(src, "encoding", json_string(info.encoding));
        if (filename) json_object_set_new(src, "filename", json_string(filename));
        json_object_set_new(out, "source", src);
    }
    extract_result_release(&r);
    json_decref(j);
    free(converted);
    http_reply_json(res, 200, out);
}

static json_t *date_json(int32_t d) {
    char buf[16];
    return d == STORE_NO_DATE ? json_null() : json_string(date_format(d, buf, sizeof buf));
}

static const char *status_name(int s) {
    return s == POLICY_PUBLISHED ? "published" : s == POLICY_EXPIRED ? "expired" : "draft";
}

static json_t *policy_json(const struct policy *p) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(p->id));
    json_object_set_new(o, "code", json_string(p->code ? p->code : ""));
    json_object_set_new(o, "title", json_string(p->title ? p->title : ""));
    json_object_set_new(o, "doc_no", p->doc_no ? json_string(p->doc_no) : json_null());
    json_object_set_new(o, "department", p->department ? json_string(p->department) : json_null());
    json_object_set_new(o, "level", p->level ? json_string(p->level) : json_null());
    json_object_set_new(o, "published", date_json(p->published));
    json_object_set_new(o, "deadline", date_json(p->deadline));
    json_object_set_new(o, "status", json_string(status_name(p->status)));
    return o;
}

static json_t *clause_json(const struct clause *c) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "policy_id", json_integer(c->policy_id));
    json_object_set_new(o, "seq", json_integer(c->seq));
    json_object_set_new(o, "title", json_string(c->title ? c->title : ""));
    json_object_set_new(o, "text", json_string(c->text ? c->text : ""));
    json_object_set_new(o, "rule", json_string(c->rule ? c->rule : ""));
    json_object_set_new(o, "kind", c->kind ? json_string(c->kind) : json_null());
    json_object_set_new(o, "version", json_integer(c->version));
    json_object_set_new(o, "deadline", date_json(c->deadline));
    json_object_set_new(o, "status", json_string(status_name(c->status)));
    return o;
}

/* A clause's title when the officer gave none: its first characters. */
static const char *default_title(const char *text, int seq, struct arena *a) {
    if (!text || !*text) {
        char *t = arena_alloc(a, 32);
        snprintf(t, 32, "第%d条", seq);
        return t;
    }
    size_t n = 0;
    for (int chars = 0; text[n] && chars < 24; chars++) {
        n++;
        while ((text[n] & 0xC0) == 0x80)
            n++;
    }
    return arena_strndup(a, text, n);
}

/* POST /api/policies  {"title", "code"?, "doc_no"?, "department"?, "level"?, "source"?,
 * "deadline"?, "clauses": [{"title"?, "text", "rule", "kind"?}]} */
static void policy_create(struct http_request *req, struct http_response *res) {
    json_t *j = http_body_json(req, res);
    if (!j) return;
    struct arena *a = http_arena(req);
    struct error err;
    error_clear(&err);
    json_t *cls = json_object_get(j, "clauses");
    const char *title = http_json_text(j, "title");
    if (!title || !json_is_array(cls) || json_array_size(cls) == 0 ||
        json_array_size(cls) > POLICY_MAX_CLAUSES) {
        json_decref(j);
        http_reply_error(res, 400, "invalid", "需要 title(政策名称)和至少一条 clauses(条款)",
                         "title and at least one clause are required");
        return;
    }
    struct policy p = {.region = -1, .published = STORE_NO_DATE, .deadline = STORE_NO_DATE};
    p.title = title;
    p.code = http_json_text(j, "code");
    p.doc_no = http_json_text(j, "doc_no");
    p.department = http_json_text(j, "department");
    const struct actor *who = http_actor(req);
    if (!p.department && who->dept[0]) p.department = arena_strdup(a, who->dept);
    if (!auth_sees_department(who, p.department)) {
        json_decref(j);
        http_reply_forbidden(res);
        return;
    }
    p.level = http_json_text(j, "level");
    p.source = http_json_text(j, "source");
    p.status = POLICY_DRAFT;
    if (http_json_date(j, "deadline", &p.deadline, &err)) {
        json_decref(j);
        http_reply_err(res, 400, &err);
        return;
    }
    if (!p.code) { /* a fresh key: the title's hash and the time */
        uint64_t h = 1469598103934665603ULL;
        for (const char *s = title; *s; s++)
            h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        char *code = arena_alloc(a, 64);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(code, 64, "P-%08llx-%lld%03ld", (unsigned long long)(h & 0xffffffffu),
                 (long long)ts.tv_sec, ts.tv_nsec / 1000000);
        p.code = code;
    }
    size_t n = json_array_size(cls);
    struct clause *cs = arena_alloc(a, n * sizeof *cs);
    /* every rule first: nothing is stored unless all compile */
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(cls, i);
        const char *rule = json_string_value(json_object_get(c, "rule"));
        const char *text = json_string_value(json_object_get(c, "text"));
        const char *ct = http_json_text(c, "title");
        if (!ct) ct = default_title(text, (int)i + 1, a);
        struct rule *r;
        if (!rule || !*rule) error_set(&err, ERR_INVALID, "条款缺少规则", "the clause has no rule");
        if (!rule || !*rule || rules_compile(rule, strlen(rule), ct, &r, &err)) {
            char zh[800], en[800];
            snprintf(zh, sizeof zh, "第 %zu 条(%s)的规则有误,第 %d 行第 %d 列:%s", i + 1, ct,
                     err.line, err.col, err.zh);
            snprintf(en, sizeof en, "clause %zu (%s): rule error at line %d, col %d: %s", i + 1, ct,
                     err.line, err.col, err.en);
            json_t *o = http_error_json("invalid", zh, en);
            json_t *inner = json_object_get(o, "error");
            json_object_set_new(inner, "clause", json_integer((json_int_t)i + 1));
            json_object_set_new(inner, "title", json_string(ct));
            json_object_set_new(inner, "line", json_integer(err.line));
            json_object_set_new(inner, "col", json_integer(err.col));
            json_decref(j);
            http_reply_json(res, 400, o);
            return;
        }
        rules_free(r);
        cs[i] = (struct clause){.seq = (int)i + 1,
                                .title = ct,
                                .text = text ? text : "",
                                .rule = rule,
                                .kind = http_json_text(c, "kind"),
                                .version = 1,
                                .valid_from = STORE_NO_DATE,
                                .valid_to = STORE_NO_DATE,
                                .deadline = p.deadline,
                                .status = POLICY_DRAFT,
                                .award_cap_fen = -1};
    }
    struct store *s = http_store(req, res);
    if (!s) {
        json_decref(j);
        return;
    }
    int rc = store_begin(s, &err);
    if (!rc) rc = store_put_policy(s, &p, &err);
    for (size_t i = 0; !rc && i < n; i++) {
        cs[i].policy_id = p.id;
        rc = store_put_clause(s, &cs[i], &err);
    }
    if (!rc) rc = store_commit(s, &err);
    if (rc) {
        store_rollback(s);
        json_decref(j);
        http_reply_err(res, 0, &err);
        return;
    }
    json_t *o = policy_json(&p), *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, clause_json(&cs[i]));
    json_object_set_new(o, "clauses", list);
    json_decref(j);
    http_reply_json(res, 201, o);
}

/* A draft is its department's (and the city-wide roles') until it is published: everyone else
 * sees published and expired policies only. */
static bool may_see(const struct http_request *req, const struct policy *p) {
    return p->status != POLICY_DRAFT || auth_sees_department(http_actor(req), p->department);
}

/* GET /api/policies?status=draft|published */
static void policy_list(struct http_request *req, struct http_response *res) {
    const char *st = http_query(req, "status");
    int status = -1;
    if (st && *st)
        status = strcmp(st, "draft") == 0       ? POLICY_DRAFT
                 : strcmp(st, "published") == 0 ? POLICY_PUBLISHED
                 : strcmp(st, "expired") == 0   ? POLICY_EXPIRED
                                                : -2;
    if (status == -2) {
        http_reply_error(res, 400, "invalid", "status 应为 draft、published 或 expired",
                         "status must be draft, published or expired");
        return;
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    struct policy *ps;
    int n;
    if (store_list_policies(s, status, http_arena(req), &ps, &n, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    json_t *list = json_array();
    int shown = 0;
    for (int i = 0; i < n; i++)
        if (may_see(req, &ps[i])) {
            json_array_append_new(list, policy_json(&ps[i]));
            shown++;
        }
    http_reply_json(res, 200, http_page_json(shown, NULL, "policies", list));
}

static int policy_with_clauses(struct store *s, int64_t id, struct arena *a, json_t **out,
                               struct error *err) {
    struct policy p;
    struct clause *cs;
    int n, rc = store_get_policy(s, id, &p, a, err);
    if (!rc) rc = store_list_clauses(s, id, -1, a, &cs, &n, err);
    if (rc) return rc;
    json_t *o = policy_json(&p), *list = json_array();
    json_object_set_new(o, "source", p.source ? json_string(p.source) : json_null());
    for (int i = 0; i < n; i++)
        json_array_append_new(list, clause_json(&cs[i]));
    json_object_set_new(o, "clauses", list);
    *out = o;
    return 0;
}

/* GET /api/policies/{id} */
static void policy_get(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *s = http_store_id(req, res, &id);
    if (!s) return;
    struct error err;
    struct policy p;
    if (store_get_policy(s, id, &p, http_arena(req), &err) == 0 && !may_see(req, &p)) {
        http_reply_error(res, 404, "notfound", "没有这个政策", "no such policy");
        return;
    }
    json_t *o;
    if (policy_with_clauses(s, id, http_arena(req), &o, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_json(res, 200, o);
}

/* POST /api/policies/{id}/publish */
static void policy_publish(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *s = http_store_id(req, res, &id);
    if (!s) return;
    struct error err;
    error_clear(&err);
    struct arena *a = http_arena(req);
    struct policy p;
    struct clause *cs = NULL;
    int n = 0;
    int rc = store_get_policy(s, id, &p, a, &err);
    if (!rc && !auth_sees_department(http_actor(req), p.department)) {
        http_reply_forbidden(res);
        return;
    }
    if (!rc) rc = store_list_clauses(s, id, -1, a, &cs, &n, &err);
    if (!rc) rc = store_begin(s, &err);
    if (!rc) {
        rc = store_set_policy_status(s, id, POLICY_PUBLISHED, &err);
        for (int i = 0; !rc && i < n; i++)
            rc = store_set_clause_status(s, cs[i].id, POLICY_PUBLISHED, &err);
        if (!rc) rc = notify_publish_later(s, id, time(NULL), &err); /* src/notify tells firms */
        if (!rc) rc = store_commit(s, &err);
        if (rc) store_rollback(s);
    }
    json_t *o;
    if (!rc) {
        http_match_invalidate();
        http_search_invalidate();
        rc = policy_with_clauses(s, id, a, &o, &err);
    }
    if (rc) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_json(res, 200, o);
}

/* GET /api/clauses/{id} */
static void clause_get(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *s = http_store_id(req, res, &id);
    if (!s) return;
    struct error err;
    struct clause c;
    if (store_get_clause(s, id, &c, http_arena(req), &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_json(res, 200, clause_json(&c));
}

void http_routes_policy(struct http_router *r) {
    http_route(r, "POST", "/api/policies/extract", policy_extract, POLICY_BODY_LIMIT);
    http_route(r, "POST", "/api/policies", policy_create, POLICY_BODY_LIMIT);
    http_route(r, "GET", "/api/policies", policy_list, 0);
    http_route(r, "GET", "/api/policies/{id}", policy_get, 0);
    http_route(r, "POST", "/api/policies/{id}/publish", policy_publish, 0);
    http_route(r, "GET", "/api/clauses/{id}", clause_get, 0);
}
