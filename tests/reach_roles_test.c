/* The reach endpoints signed in as each role (tests/tauth.h): a firm files a request and follows
 * it, another firm and a commissioner of another district get 403 and empty lists, the district's
 * commissioner sees it, the department's officer works it, only the requester closes it; the
 * inbox gets the request's messages once the sender runs and is the recipient's alone; preferences
 * are validated; library writes are for officers; statistics for staff; the calendar for the
 * administrator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"
#include "notify/notify.h"
#include "store/store.h"
#include "tauth.h"
#include "test.h"
#include "ticket/ticket.h"

/* as t, a JSON request (tests/tauth.h) */
static struct tauth_reply as(struct http_server *srv, const struct tauth *t, const char *method,
                             const char *target, const char *body) {
    return tauth_send(srv, t, method, target, "application/json", body, body ? strlen(body) : 0);
}

static int status(struct http_server *srv, const struct tauth *t, const char *method,
                  const char *target, const char *body) {
    struct tauth_reply r = as(srv, t, method, target, body);
    tauth_reply_release(&r);
    return r.status;
}

static int64_t int_at(json_t *o, const char *key) {
    return json_integer_value(json_object_get(o, key));
}

#define FIRM_A "91370212MA0000001H"
#define FIRM_B "91370212MA0000002L"

TEST(reach_roles_tickets_inbox_library) {
    char dir[] = "/tmp/duijie-reach-roles-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/r.db", dir);
    struct store *s;
    struct error err;
    CHECK_INT(store_open(path, &s, &err), 0);
    CHECK_INT(ticket_route_put(s, "water", region_by_code(370212), LEVEL_COMMISSIONER,
                               "崂山区水务局", 0, 0, &err),
              0);
    struct tauth a, b, com_ls, com_sn, officer, admin;
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, FIRM_A, "崂山区", NULL, &a), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, FIRM_B, "崂山区", NULL, &b), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_COMMISSIONER, NULL, "崂山区", NULL, &com_ls), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_COMMISSIONER, NULL, "市南区", NULL, &com_sn), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_OFFICER, NULL, NULL, "崂山区水务局", &officer), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &admin), 0);
    store_close(s);

    struct http_config cfg = {.port = 0, .db = path, .threads = 2};
    struct http_server *srv;
    CHECK_INT(http_server_new(&cfg, &srv, &err), 0);
    struct tauth_reply r = as(srv, &a, "POST", "/api/tickets",
                              "{\"kind\":\"problem\",\"topic\":\"water\",\"region\":\"崂山区\","
                              "\"title\":\"厂区停水\",\"body\":\"自昨日起停水\"}");
    CHECK_INT(r.status, 201);
    int64_t id = int_at(r.json, "id");
    CHECK_STR(json_string_value(json_object_get(r.json, "dept")), "崂山区水务局");
    CHECK_STR(json_string_value(json_object_get(r.json, "state")), "assigned");
    tauth_reply_release(&r);
    char t1[64], t2[64];
    snprintf(t1, sizeof t1, "/api/tickets/%lld", (long long)id);
    snprintf(t2, sizeof t2, "/api/tickets/%lld/move", (long long)id);
    CHECK_INT(status(srv, &a, "GET", t1, NULL), 200);
    CHECK_INT(status(srv, &b, "GET", t1, NULL), 403);      /* another firm */
    CHECK_INT(status(srv, &com_sn, "GET", t1, NULL), 403); /* another district */
    CHECK_INT(status(srv, &com_ls, "GET", t1, NULL), 200);
    r = as(srv, &b, "GET", "/api/tickets", NULL);
    CHECK_INT(int_at(r.json, "total"), 0);
    tauth_reply_release(&r);
    r = as(srv, &com_sn, "GET", "/api/tickets", NULL);
    CHECK_INT(int_at(r.json, "total"), 0);
    tauth_reply_release(&r);
    r = as(srv, &com_ls, "GET", "/api/tickets?state=open", NULL);
    CHECK_INT(int_at(r.json, "total"), 1);
    tauth_reply_release(&r);
    r = as(srv, &officer, "GET", "/api/tickets", NULL);
    CHECK_INT(int_at(r.json, "total"), 1);
    tauth_reply_release(&r);
    /* the requester cannot work it; the officer can; only the requester closes */
    CHECK_INT(status(srv, &a, "POST", t2, "{\"state\":\"in_progress\"}"), 403);
    CHECK_INT(status(srv, &officer, "POST", t2, "{\"state\":\"in_progress\"}"), 200);
    CHECK_INT(status(srv, &officer, "POST", t2, "{\"state\":\"answered\",\"text\":\"已恢复供水\"}"),
              200);
    CHECK_INT(status(srv, &officer, "POST", t2, "{\"state\":\"closed\",\"satisfaction\":5}"), 403);
    CHECK_INT(status(srv, &a, "POST", t2, "{\"state\":\"closed\",\"satisfaction\":9}"), 422);
    CHECK_INT(status(srv, &a, "POST", t2, "{\"state\":\"closed\",\"satisfaction\":5}"), 200);
    CHECK_INT(status(srv, &a, "POST", t2, "{\"state\":\"closed\",\"satisfaction\":5}"), 409);
    /* statistics: staff only */
    CHECK_INT(status(srv, &a, "GET", "/api/tickets/stats", NULL), 403);
    r = as(srv, &com_ls, "GET", "/api/tickets/stats", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(json_object_get(r.json, "total"), "count"), 1);
    tauth_reply_release(&r);
    {
        struct http_header h[2];
        struct http_input in = {.method = "GET",
                                .target = "/api/tickets/stats?format=csv",
                                .headers = h,
                                .n_headers = tauth_headers(&com_ls, h)};
        struct http_response res;
        http_server_handle(srv, &in, &res);
        CHECK_INT(res.status, 200);
        CHECK(res.body && strstr(res.body, "维度,名称,诉求数") &&
              strstr(res.body, "承办单位,崂山区水务局,1"));
        http_response_release(&res);
    }
    CHECK_INT(status(srv, &com_ls, "GET", "/api/tickets/stats?format=pdf", NULL), 400);

    /* the inbox: the sender delivers the request's messages to the firm's inbox only */
    CHECK_INT(store_open(path, &s, &err), 0);
    struct notify_sender_config nc = {0};
    struct notify_send_stats st = {0};
    CHECK_INT(notify_send_batch(s, &nc, &st, &err), 0);
    CHECK(st.sent >= 2); /* received, answered */
    store_close(s);
    r = as(srv, &a, "GET", "/api/notify/inbox", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(r.json, "unread"), st.sent);
    int64_t msg = int_at(json_array_get(json_object_get(r.json, "messages"), 0), "id");
    tauth_reply_release(&r);
    r = as(srv, &b, "GET", "/api/notify/inbox", NULL);
    CHECK_INT(int_at(r.json, "total"), 0);
    tauth_reply_release(&r);
    char rd[64];
    snprintf(rd, sizeof rd, "/api/notify/inbox/%lld/read", (long long)msg);
    CHECK_INT(status(srv, &b, "POST", rd, NULL), 404); /* not B's message */
    r = as(srv, &a, "POST", rd, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(r.json, "unread"), st.sent - 1);
    tauth_reply_release(&r);
    /* preferences */
    CHECK_INT(status(srv, &a, "POST", "/api/notify/prefs", "{\"channels\":[\"inapp\",\"fax\"]}"),
              422);
    CHECK_INT(status(srv, &a, "POST", "/api/notify/prefs", "{\"channels\":[\"inapp\",\"email\"]}"),
              422); /* no address */
    r = as(srv, &a, "POST", "/api/notify/prefs",
           "{\"channels\":[\"inapp\",\"email\"],\"email\":\"boss@example.cn\",\"quiet_from\":1320,"
           "\"quiet_to\":480}");
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(r.json, "quiet_to"), 480);
    tauth_reply_release(&r);
    r = as(srv, &a, "GET", "/api/notify/prefs", NULL);
    CHECK_STR(json_string_value(json_object_get(r.json, "email")), "boss@example.cn");
    tauth_reply_release(&r);
    /* receipts and outbox stats are staff's */
    CHECK_INT(status(srv, &a, "GET", "/api/policies/1/receipts", NULL), 403);
    CHECK_INT(status(srv, &com_ls, "GET", "/api/policies/1/receipts", NULL), 200);
    CHECK_INT(status(srv, &com_ls, "GET", "/api/notify/stats", NULL), 403);
    CHECK_INT(status(srv, &admin, "GET", "/api/notify/stats", NULL), 200);

    /* library writes: officers, not firms */
    const char *doc =
        "{\"title\":\"供水保障办法\",\"doc_no\":\"崂水发〔2026〕1号\",\"level\":\"区\","
        "\"region\":\"崂山区\",\"issued\":\"2026-01-05\",\"file_name\":\"a.pdf\","
        "\"file_mime\":\"application/pdf\",\"file_base64\":\"JVBERi0xLjQ=\"}";
    CHECK_INT(status(srv, &a, "POST", "/api/library", doc), 403);
    r = as(srv, &officer, "POST", "/api/library", doc);
    CHECK_INT(r.status, 201);
    CHECK_INT(int_at(r.json, "file_len"), 8); /* "%PDF-1.4" */
    tauth_reply_release(&r);
    CHECK_INT(status(srv, &officer, "POST", "/api/library",
                     "{\"title\":\"x\",\"doc_no\":\"y\","
                     "\"file_base64\":\"!!!\"}"),
              422);
    /* the calendar: the administrator's */
    CHECK_INT(status(srv, &officer, "POST", "/api/calendar",
                     "{\"date\":\"2026-12-31\","
                     "\"kind\":\"holiday\"}"),
              403);
    CHECK_INT(status(srv, &admin, "POST", "/api/calendar",
                     "{\"date\":\"2026-12-31\","
                     "\"kind\":\"holiday\"}"),
              200);
    r = as(srv, NULL, "GET", "/api/calendar?year=2026", NULL);
    char *text = json_dumps(r.json, 0);
    CHECK(text && strstr(text, "2026-12-31"));
    free(text);
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
