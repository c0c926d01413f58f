/* The shared list and form glue of src/http/list.c as the endpoints that use it answer: ?page=
 * bounds (the same everywhere), ?format= (json, csv, xlsx, anything else 400) with the
 * spreadsheet's file name, a module's result or its error with the field, JSON body dates and
 * regions (name or code, empty = none), and the JSON page shapes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"
#include "store/store.h"
#include "tauth.h"
#include "test.h"

/* as t, a JSON request (tests/tauth.h) */
static struct tauth_reply ask(struct http_server *srv, const struct tauth *t, const char *method,
                              const char *target, const char *body) {
    return tauth_send(srv, t, method, target, "application/json", body, body ? strlen(body) : 0);
}

static int status_of(struct http_server *srv, const struct tauth *t, const char *method,
                     const char *target, const char *body) {
    struct tauth_reply r = ask(srv, t, method, target, body);
    tauth_reply_release(&r);
    return r.status;
}

/* The "field" of an error reply; "" when none. */
static const char *error_field_of(const struct tauth_reply *r) {
    const char *f = json_string_value(json_object_get(json_object_get(r->json, "error"), "field"));
    return f ? f : "";
}

TEST(http_list_pages_formats_and_fields) {
    char dir[] = "/tmp/duijie-http-list-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/l.db", dir);
    struct store *s;
    struct error err;
    CHECK_INT(store_open(path, &s, &err), 0);
    struct tauth officer, admin, hub;
    CHECK_INT(tauth_sign_in(s, ROLE_OFFICER, NULL, NULL, "崂山区科技局", &officer), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &admin), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_HUB, NULL, NULL, NULL, &hub), 0);
    store_close(s);
    struct http_config cfg = {.port = 0, .db = path, .threads = 2};
    struct http_server *srv;
    CHECK_INT(http_server_new(&cfg, &srv, &err), 0);

    /* ?page=: 1 to 1,000,000 on every list; the library's page size is its own */
    struct tauth_reply r = ask(srv, NULL, "GET", "/api/library?page=500000", NULL);
    CHECK_INT(r.status, 200);
    tauth_reply_release(&r);
    r = ask(srv, NULL, "GET", "/api/library?page=0", NULL);
    CHECK_INT(r.status, 400);
    CHECK_STR(error_field_of(&r), "page");
    tauth_reply_release(&r);
    CHECK_INT(status_of(srv, NULL, "GET", "/api/library?page=1000001", NULL), 400);
    CHECK_INT(status_of(srv, &hub, "GET", "/api/tickets?page=1000000", NULL), 200);
    CHECK_INT(status_of(srv, &hub, "GET", "/api/tickets?page=-1", NULL), 400);

    /* a JSON body's region as a code number, dates checked with the field named */
    r = ask(srv, &officer, "POST", "/api/library",
            "{\"title\":\"科技创新券管理办法\",\"doc_no\":\"崂科发〔2026〕2号\",\"level\":\"区\","
            "\"region\":370212,\"issued\":\"2026年2月1日\",\"effective\":\"\"}");
    CHECK_INT(r.status, 201);
    CHECK_STR(json_string_value(json_object_get(r.json, "region")), "青岛市崂山区");
    int64_t id = json_integer_value(json_object_get(r.json, "id"));
    CHECK(id > 0);
    tauth_reply_release(&r);
    r = ask(srv, &officer, "POST", "/api/library",
            "{\"title\":\"x\",\"doc_no\":\"y\",\"issued\":\"2026-13-45\"}");
    CHECK(r.status >= 400 && r.status < 500);
    CHECK_STR(error_field_of(&r), "issued");
    tauth_reply_release(&r);
    r = ask(srv, &officer, "POST", "/api/library",
            "{\"title\":\"x\",\"doc_no\":\"y\",\"region\":\"火星\"}");
    CHECK(r.status >= 400 && r.status < 500);
    CHECK_STR(error_field_of(&r), "region");
    tauth_reply_release(&r);

    /* a change answers with the document as it now is; an error with its status */
    char target[96];
    snprintf(target, sizeof target, "/api/library/%lld/validity", (long long)id);
    r = ask(srv, &officer, "POST", target, "{\"validity\":\"失效\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(json_string_value(json_object_get(r.json, "validity")), "失效");
    tauth_reply_release(&r);
    r = ask(srv, &officer, "POST", target, "{\"validity\":\"半效\"}");
    CHECK_INT(r.status, 422);
    CHECK_STR(error_field_of(&r), "validity");
    tauth_reply_release(&r);
    CHECK_INT(status_of(srv, NULL, "GET", "/api/library/0", NULL), 400);
    CHECK_INT(status_of(srv, NULL, "GET", "/api/library/99999", NULL), 404);

    /* ?format=: json as without it, csv and xlsx as attachments, anything else 400 */
    r = ask(srv, &hub, "GET", "/api/tickets/stats?format=json", NULL);
    CHECK_INT(r.status, 200);
    CHECK(json_object_get(r.json, "by_topic") != NULL);
    tauth_reply_release(&r);
    r = ask(srv, &hub, "GET", "/api/tickets/stats?format=csv", NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.disposition, "attachment; filename=\"ticket-stats.csv\"");
    tauth_reply_release(&r);
    r = ask(srv, &hub, "GET", "/api/tickets/stats?format=xlsx", NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.disposition, "attachment; filename=\"ticket-stats.xlsx\"");
    tauth_reply_release(&r);
    CHECK_INT(status_of(srv, &hub, "GET", "/api/tickets/stats?format=pdf", NULL), 400);

    /* a required date: absent or empty is the same error */
    CHECK_INT(status_of(srv, &admin, "POST", "/api/calendar", "{\"kind\":\"holiday\"}"), 422);
    CHECK_INT(status_of(srv, &admin, "POST", "/api/calendar", "{\"date\":\"\"}"), 422);
    r = ask(srv, &admin, "POST", "/api/calendar", "{\"date\":\"2026-13-01\"}");
    CHECK(r.status >= 400 && r.status < 500);
    CHECK_STR(error_field_of(&r), "date");
    tauth_reply_release(&r);
    r = ask(srv, &admin, "POST", "/api/calendar", "{\"date\":\"2026-10-09\",\"kind\":\"workday\"}");
    CHECK_INT(r.status, 200);
    CHECK(json_is_true(json_object_get(r.json, "ok")));
    tauth_reply_release(&r);

    /* a route's region: a name or a code number, unknown ones named */
    CHECK_INT(
        status_of(srv, &hub, "POST", "/api/ticket-routes",
                  "{\"topic\":\"tax\",\"region\":370212,\"level\":1,\"dept\":\"崂山区税务局\","
                  "\"sla_days\":5}"),
        200);
    r = ask(srv, &hub, "POST", "/api/ticket-routes",
            "{\"topic\":\"tax\",\"region\":\"火星\",\"level\":1,\"dept\":\"x\"}");
    CHECK(r.status >= 400 && r.status < 500);
    CHECK_STR(error_field_of(&r), "region");
    tauth_reply_release(&r);

    /* a list shown whole: total and its items, no page */
    r = ask(srv, &officer, "GET", "/api/policies", NULL);
    CHECK_INT(r.status, 200);
    CHECK(json_is_integer(json_object_get(r.json, "total")));
    CHECK(json_is_array(json_object_get(r.json, "policies")));
    CHECK(json_object_get(r.json, "page") == NULL);
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
