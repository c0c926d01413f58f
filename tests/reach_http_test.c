/* The reach endpoints (api_notify.c, api_ticket.c, api_library.c) without a socket. Until the
 * sessions land every request is anonymous here, so these tests cover what anyone may do and
 * what they may not: the library is public (browse with facets, one document with its history,
 * the original file byte for byte, bad filters refused), the unsubscribe link works without
 * signing in and a bad token is 404, and every personal or staff endpoint answers 401 to an
 * anonymous caller (writes to the library too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"
#include "library/library.h"
#include "notify/notify.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "tauth.h"
#include "test.h"
#include "util/date.h"

/* anonymous, a JSON request (tests/tauth.h) */
static struct tauth_reply call(struct http_server *srv, const char *method, const char *target,
                               const char *body) {
    return tauth_send(srv, NULL, method, target, "application/json", body, body ? strlen(body) : 0);
}

static int status_of(struct http_server *srv, const char *method, const char *target,
                     const char *body) {
    struct tauth_reply r = call(srv, method, target, body);
    tauth_reply_release(&r);
    return r.status;
}

TEST(reach_http_public_and_anonymous) {
    char dir[] = "/tmp/duijie-reach-http-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/r.db", dir);
    struct store *s;
    struct error err;
    CHECK_INT(store_open(path, &s, &err), 0);
    const char file[] = "%PDF-1.4 青岛\x00\x01";
    struct library_doc d = {.title = "关于支持专精特新企业发展的若干政策",
                            .doc_no = "青政发〔2025〕8号",
                            .authority = "青岛市人民政府",
                            .level = "市",
                            .region = region_by_code(370200),
                            .theme = "企业培育",
                            .issued = date_from_ymd(2025, 6, 1),
                            .effective = INT32_MIN,
                            .file_name = "zjtx.pdf",
                            .file_mime = "application/pdf"};
    CHECK_INT(library_put(s, &d, file, sizeof file, 1, &err), 0);
    struct notify_prefs p;
    CHECK_INT(notify_prefs_get(s, "91370200MA00000001", &p, &err), 0);
    p.channels[NOTIFY_EMAIL] = true;
    snprintf(p.email, sizeof p.email, "a@example.cn");
    CHECK_INT(notify_prefs_put(s, &p, &err), 0);
    store_close(s);

    struct http_config cfg = {.port = 0, .db = path, .threads = 2};
    struct http_server *srv;
    CHECK_INT(http_server_new(&cfg, &srv, &err), 0);
    struct tauth_reply r = call(srv, "GET", "/api/library?level=%E5%B8%82&year=2025", NULL);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body, "\"total\":1") && strstr(r.body, "青政发〔2025〕8号"));
    CHECK(strstr(r.body, "\"facets\":{\"authority\":{\"青岛市人民政府\":1}"));
    tauth_reply_release(&r);
    r = call(srv, "GET", "/api/library?year=2024", NULL);
    CHECK(strstr(r.body, "\"total\":0"));
    tauth_reply_release(&r);
    CHECK_INT(status_of(srv, "GET", "/api/library?region=%E7%81%AB%E6%98%9F", NULL), 400);
    CHECK_INT(status_of(srv, "GET", "/api/library?year=abc", NULL), 400);
    char target[64];
    snprintf(target, sizeof target, "/api/library/%lld", (long long)d.id);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body, "\"history\":[{"));
    CHECK(strstr(r.body, d.file_hash));
    tauth_reply_release(&r);
    snprintf(target, sizeof target, "/api/library/%lld/file", (long long)d.id);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT((int)r.len, (int)sizeof file);
    CHECK(r.len == sizeof file && memcmp(r.body, file, sizeof file) == 0);
    CHECK_STR(r.type, "application/pdf");
    tauth_reply_release(&r);
    CHECK_INT(status_of(srv, "GET", "/api/library/999", NULL), 404);
    CHECK_INT(status_of(srv, "GET", "/api/library/x", NULL), 400);
    /* writes need a signed-in officer */
    CHECK_INT(status_of(srv, "POST", "/api/library", "{\"title\":\"x\"}"), 401);
    /* unsubscribe: by token, no sign-in */
    char url[128];
    snprintf(url, sizeof url, "/api/notify/unsubscribe?token=%s", p.unsub_token);
    r = call(srv, "GET", url, NULL);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body, "已退订") != NULL);
    tauth_reply_release(&r);
    CHECK_INT(status_of(srv, "GET", "/api/notify/unsubscribe?token=nope", NULL), 404);
    CHECK_INT(status_of(srv, "GET", "/api/notify/unsubscribe", NULL), 400);
    /* personal and staff endpoints: 401 without a session */
    CHECK_INT(status_of(srv, "GET", "/api/notify/inbox", NULL), 401);
    CHECK_INT(status_of(srv, "POST", "/api/notify/inbox/1/read", NULL), 401);
    CHECK_INT(status_of(srv, "GET", "/api/notify/prefs", NULL), 401);
    CHECK_INT(status_of(srv, "POST", "/api/notify/prefs", "{}"), 401);
    CHECK_INT(status_of(srv, "GET", "/api/policies/1/receipts", NULL), 401);
    CHECK_INT(status_of(srv, "GET", "/api/notify/stats", NULL), 401);
    CHECK_INT(status_of(srv, "POST", "/api/tickets", "{\"kind\":\"problem\"}"), 401);
    CHECK_INT(status_of(srv, "GET", "/api/tickets", NULL), 401);
    CHECK_INT(status_of(srv, "GET", "/api/tickets/1", NULL), 401);
    CHECK_INT(status_of(srv, "POST", "/api/tickets/1/move", "{\"state\":\"closed\"}"), 401);
    CHECK_INT(status_of(srv, "GET", "/api/tickets/stats", NULL), 401);
    CHECK_INT(status_of(srv, "POST", "/api/tickets/escalate", NULL), 401);
    CHECK_INT(status_of(srv, "POST", "/api/calendar", "{\"date\":\"2026-01-01\"}"), 401);
    CHECK_INT(status_of(srv, "POST", "/api/ticket-routes", "{}"), 401);
    /* public reading: the calendar (seeded) and a clause's FAQ */
    r = call(srv, "GET", "/api/calendar?year=2026", NULL);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body, "\"2026-02-14\"") != NULL); /* a 调休 Saturday */
    CHECK(strstr(r.body, "\"2026-10-01\"") != NULL);
    tauth_reply_release(&r);
    r = call(srv, "GET", "/api/clauses/1/faq", NULL);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body, "\"faq\":[]") != NULL);
    tauth_reply_release(&r);
    http_server_free(srv);
    char p2[160];
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
    unlink(path);
    rmdir(dir);
}
