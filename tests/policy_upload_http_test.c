/* POST /api/policies/extract with a policy file's bytes (src/http/api_policy.c over
 * src/text/docfile.c), without a socket: a Word file and a GB18030 text come back as their text
 * with the clauses proposed on it, the same clauses as the pasted text, and so does a PDF (its
 * sentences whole again); a damaged PDF is 400 with the message the page shows, a file that is not
 * a Word document 422, bytes in no encoding 400, a body over the route's limit 413, and a reviewer
 * may not call it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/base64.h>

#include "http/http.h"
#include "store/store.h"
#include "text/policy_text.h"
#include "tauth.h"
#include "test.h"

static struct tauth officer, reviewer;

/* One upload as who: the bytes with that Content-Type (NULL: none) to target. */
static json_t *upload(struct http_server *srv, const struct tauth *who, const char *target,
                      const char *ct, const char *body, size_t len, bool too_large, int *status) {
    struct http_header h[3];
    int n = tauth_headers(who, h);
    if (ct) h[n++] = (struct http_header){"Content-Type", ct};
    struct http_input in = {.method = "POST",
                            .target = target,
                            .headers = h,
                            .n_headers = n,
                            .body = body,
                            .body_len = len,
                            .is_body_too_large = too_large};
    struct http_response res;
    http_server_handle(srv, &in, &res);
    *status = res.status;
    json_t *j = res.body ? json_loadb(res.body, res.body_len, 0, NULL) : NULL;
    http_response_release(&res);
    return j;
}

static const char *error_zh(json_t *o) {
    const char *s = json_string_value(json_object_get(json_object_get(o, "error"), "zh"));
    return s ? s : "";
}

static char *data_file(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", test_data_dir(), name);
    return test_read_file(path, len);
}

/* A store with an officer and a reviewer signed in and a server on it (no socket). */
struct env {
    char db[256];
    struct store *s;
    struct http_server *srv;
};

static bool env_up(struct env *e, const char *name) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    snprintf(e->db, sizeof e->db, "/tmp/duijie_%s_%d.db", name, (int)getpid());
    unlink(e->db);
    e->srv = NULL;
    if (store_open(e->db, &e->s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return false;
    }
    CHECK_INT(tauth_sign_in(e->s, ROLE_OFFICER, NULL, NULL, "青岛市科学技术局", &officer), 0);
    CHECK_INT(tauth_sign_in(e->s, ROLE_REVIEWER, NULL, NULL, NULL, &reviewer), 0);
    struct http_config cfg = {.port = 0, .db = e->db, .threads = 1};
    if (http_server_new(&cfg, &e->srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        store_close(e->s);
        unlink(e->db);
        return false;
    }
    return true;
}

static void env_down(struct env *e) {
    http_server_free(e->srv);
    store_close(e->s);
    unlink(e->db);
}

TEST(policy_upload_http) {
    struct env e0;
    if (!env_up(&e0, "policy_upload")) return;
    struct http_server *srv = e0.srv;
    int st;
    size_t dlen, tlen, glen;
    char *docx = data_file("docfile/hitech.docx", &dlen);
    char *txt = data_file("extract/hitech_article11.txt", &tlen);
    char *gb = data_file("docfile/articles_gb18030.txt", &glen);
    CHECK(docx && txt && gb);
    if (!docx || !txt || !gb) goto out;

    /* the pasted text: the reference */
    json_t *req = json_object();
    json_object_set_new(req, "text", json_stringn(txt, tlen));
    char *rb = json_dumps(req, 0);
    json_decref(req);
    json_t *pasted = upload(srv, &officer, "/api/policies/extract", "application/json", rb,
                            strlen(rb), false, &st);
    free(rb);
    CHECK_INT(st, 200);
    CHECK(json_object_get(pasted, "source") == NULL);

    /* the Word file: its text comes back (Word's list numbers rebuilt) with the same clauses */
    json_t *word = upload(srv, &officer, "/api/policies/extract?filename=%E9%AB%98%E6%96%B0.docx",
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                          docx, dlen, false, &st);
    CHECK_INT(st, 200);
    CHECK_STR(json_string_value(json_object_get(word, "text")), txt);
    json_t *src = json_object_get(word, "source");
    CHECK_STR(json_string_value(json_object_get(src, "kind")), "docx");
    CHECK_STR(json_string_value(json_object_get(src, "filename")), "高新.docx");
    json_t *a = json_object_get(pasted, "clauses"), *b = json_object_get(word, "clauses");
    CHECK(json_array_size(a) >= 8);
    CHECK_INT(json_array_size(b), json_array_size(a));
    for (size_t i = 0; i < json_array_size(a) && i < json_array_size(b); i++) {
        json_t *x = json_array_get(a, i), *y = json_array_get(b, i);
        CHECK_STR(json_string_value(json_object_get(y, "text")),
                  json_string_value(json_object_get(x, "text")));
        CHECK_INT(json_integer_value(json_object_get(y, "start16")),
                  json_integer_value(json_object_get(x, "start16")));
        CHECK_STR(json_string_value(json_object_get(y, "rule")),
                  json_string_value(json_object_get(x, "rule")));
    }
    json_decref(word);

    /* a PDF printed on a narrow page (sentences broken by its width): the text comes back with
     * the sentences whole (a title line above them) and the same clauses and rules */
    size_t plen;
    char *pdf = text_pdf_available() ? data_file("docfile/hitech_pdf.pdf", &plen) : NULL;
    if (pdf) {
        json_t *pj = upload(srv, &officer, "/api/policies/extract?filename=%E9%AB%98%E6%96%B0.pdf",
                            "application/pdf", pdf, plen, false, &st);
        CHECK_INT(st, 200);
        CHECK_STR(json_string_value(json_object_get(json_object_get(pj, "source"), "kind")), "pdf");
        const char *pt = json_string_value(json_object_get(pj, "text"));
        CHECK(pt && strstr(pt, "获得对其主要产品") != NULL);
        b = json_object_get(pj, "clauses");
        CHECK_INT(json_array_size(b), json_array_size(a));
        for (size_t i = 0; i < json_array_size(a) && i < json_array_size(b); i++) {
            json_t *x = json_array_get(a, i), *y = json_array_get(b, i);
            CHECK_STR(json_string_value(json_object_get(y, "text")),
                      json_string_value(json_object_get(x, "text")));
            CHECK_STR(json_string_value(json_object_get(y, "rule")),
                      json_string_value(json_object_get(x, "rule")));
        }
        json_decref(pj);
        free(pdf);
    } else {
        test_skip("pdftotext (poppler-utils) not installed: the PDF upload");
    }
    json_decref(pasted);

    /* a .txt from Windows in GB18030, sent as the browser sends a file of unknown type */
    json_t *g = upload(srv, &officer, "/api/policies/extract?filename=a.txt",
                       "application/octet-stream", gb, glen, false, &st);
    CHECK_INT(st, 200);
    CHECK_STR(json_string_value(json_object_get(json_object_get(g, "source"), "encoding")),
              "GB18030");
    const char *gt = json_string_value(json_object_get(g, "text"));
    CHECK(gt && strstr(gt, "𠮷") != NULL);
    CHECK(json_array_size(json_object_get(g, "clauses")) > 0);
    json_decref(g);

    /* refusals, each with the message the page shows */
    json_t *e = upload(srv, &officer, "/api/policies/extract?filename=scan.pdf", "application/pdf",
                       "%PDF-1.4\n%%EOF\n", 15, false, &st);
    CHECK_INT(st, text_pdf_available() ? 400 : 415);
    CHECK(strstr(error_zh(e), text_pdf_available() ? "文件已损坏" : "未安装") != NULL);
    json_decref(e);
    e = upload(srv, &officer, "/api/policies/extract?filename=x.docx",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx,
               dlen / 2, false, &st);
    CHECK_INT(st, 422);
    CHECK(strstr(error_zh(e), "不是 Word 文档") != NULL);
    json_decref(e);
    e = upload(srv, &officer, "/api/policies/extract", "text/plain", "abc\x81\x20", 5, false, &st);
    CHECK_INT(st, 400);
    CHECK_STR(json_string_value(json_object_get(json_object_get(e, "error"), "code")), "utf8");
    json_decref(e);
    e = upload(srv, &officer, "/api/policies/extract", "application/octet-stream", "", 0, true,
               &st);
    CHECK_INT(st, 413);
    json_decref(e);
    e = upload(srv, &reviewer, "/api/policies/extract", "text/plain", "第一条", 9, false, &st);
    CHECK_INT(st, 403);
    json_decref(e);

out:
    free(docx);
    free(txt);
    free(gb);
    env_down(&e0);
}

static int64_t library_add(struct http_server *srv, const char *title, const char *file_name,
                           const char *file, size_t file_len, const char *body) {
    char *b64 = malloc(BASE64_ENCODE_RAW_LENGTH(file_len) + 1);
    if (!b64) return 0;
    base64_encode_raw(b64, file_len, (const uint8_t *)file);
    b64[BASE64_ENCODE_RAW_LENGTH(file_len)] = 0;
    static int seq;
    char doc_no[64];
    snprintf(doc_no, sizeof doc_no, "青科规〔2026〕%d号", ++seq);
    json_t *req =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title", title, "doc_no", doc_no, "kind",
                  "policy", "validity", "有效", "file_name", file_name, "file_base64", b64);
    if (body) json_object_set_new(req, "body", json_string(body));
    char *text = json_dumps(req, 0);
    int st;
    json_t *r = tauth_call(srv, &officer, "POST", "/api/library", text, &st);
    CHECK_INT(st, 201);
    if (st != 201) test_failf(__FILE__, __LINE__, "%s: %s", title, error_zh(r));
    int64_t id = json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    free(text);
    json_decref(req);
    free(b64);
    return id;
}

/* Whether GET /api/search?q=words lists library document id. */
static bool search_finds(struct http_server *srv, const char *q, int64_t id) {
    char target[512], want[32];
    snprintf(target, sizeof target, "/api/search?q=%s", q);
    snprintf(want, sizeof want, "doc-%lld", (long long)id);
    int st;
    json_t *r = tauth_call(srv, NULL, "GET", target, NULL, &st);
    CHECK_INT(st, 200);
    bool found = false;
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(r, "hits"), i, h) found =
        found || strcmp(json_string_value(json_object_get(h, "id")) ?: "", want) == 0;
    json_decref(r);
    return found;
}

/* POST /api/library with the original file and no text: the file's own text (Word, PDF) is the
 * document's body, so the search finds it by words only the file holds; a text given with the
 * file is kept as given; a scan without a text layer is still stored. */
TEST(policy_upload_library_reads_the_file) {
    struct env e0;
    if (!env_up(&e0, "library_upload")) return;
    struct http_server *srv = e0.srv;
    size_t dlen, plen, slen;
    char *docx = data_file("docfile/hitech.docx", &dlen);
    char *pdf = data_file("docfile/hitech_pdf.pdf", &plen);
    char *scan = data_file("docfile/scan.pdf", &slen);
    CHECK(docx && pdf && scan);
    if (docx && pdf && scan) {
        /* %E7%9F%A5%E8%AF%86%E4%BA%A7%E6%9D%83 = 知识产权, in the Word file's text only */
        int64_t word =
            library_add(srv, "高新技术企业认定办法（Word 原件）", "hitech.docx", docx, dlen, NULL);
        CHECK(word > 0);
        CHECK(search_finds(srv, "%E7%9F%A5%E8%AF%86%E4%BA%A7%E6%9D%83", word));
        int64_t given = library_add(srv, "高新技术企业认定办法（摘要）", "hitech.docx", docx, dlen,
                                    "只收录摘要：认定条件见原件。");
        CHECK(given > 0);
        CHECK(!search_finds(srv, "%E7%9F%A5%E8%AF%86%E4%BA%A7%E6%9D%83", given));
        if (text_pdf_available()) {
            /* 严重环境违法 (the PDF's last sentence, which the page broke in two) */
            int64_t p =
                library_add(srv, "高新技术企业认定办法（PDF 原件）", "hitech.pdf", pdf, plen, NULL);
            CHECK(search_finds(srv, "%E4%B8%A5%E9%87%8D%E7%8E%AF%E5%A2%83%E8%BF%9D%E6%B3%95", p));
        } else {
            test_skip("pdftotext (poppler-utils) not installed: the PDF in the library");
        }
        int64_t sc = library_add(srv, "扫描件", "scan.pdf", scan, slen, NULL);
        CHECK(sc > 0);
        char target[64];
        snprintf(target, sizeof target, "/api/library/%lld/file", (long long)sc);
        struct tauth_reply f = tauth_send(srv, NULL, "GET", target, NULL, NULL, 0);
        CHECK_INT(f.status, 200);
        CHECK(f.len == slen && memcmp(f.body, scan, slen) == 0);
        tauth_reply_release(&f);
    }
    free(docx);
    free(pdf);
    free(scan);
    env_down(&e0);
}
