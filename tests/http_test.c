/* The HTTP layer: routing, target parsing and errors without a socket; then a real server on port
 * 0 spoken to over TCP (keep-alive, limits, concurrent clients). TSAN_TEST: the tsan_ tests run
 * under ThreadSanitizer too. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "http/internal.h"
#include "enterprise/enterprise.h"
#include "schema/schema.h"
#include "tauth.h"
#include "test.h"

/* ---- fixtures ---- */

static char web_dir[256];

static void make_web_dir(void) {
    snprintf(web_dir, sizeof web_dir, "/tmp/duijie_http_test_%d", (int)getpid());
    mkdir(web_dir, 0755);
    char p[512];
    snprintf(p, sizeof p, "%s/index.html", web_dir);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs("<!doctype html><title>对接</title>", f);
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/app.css", web_dir);
    if ((f = fopen(p, "w"))) {
        fputs("body{}", f);
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/.secret", web_dir);
    if ((f = fopen(p, "w"))) {
        fputs("no", f);
        fclose(f);
    }
}

static void remove_web_dir(void) {
    const char *names[] = {"index.html", "app.css", ".secret"};
    char p[512];
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", web_dir, names[i]);
        unlink(p);
    }
    rmdir(web_dir);
}

/* POST /api/test/echo: the JSON body back, to exercise body parsing; limit 1 KiB. */
static void echo(struct http_request *req, struct http_response *res) {
    json_t *v = http_body_json(req, res);
    if (!v) return;
    http_reply_json(res, 200, v);
}

static void params(struct http_request *req, struct http_response *res) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(http_param(req, "id")));
    json_object_set_new(o, "sub", json_string(http_param(req, "sub")));
    const char *q = http_query(req, "q");
    json_object_set_new(o, "q", q ? json_string(q) : json_null());
    int64_t n;
    if (http_query_int(req, "n", 7, 1, 100, &n, res) < 0) {
        json_decref(o);
        return;
    }
    json_object_set_new(o, "n", json_integer(n));
    http_reply_json(res, 200, o);
}

static void literal(struct http_request *req, struct http_response *res) {
    (void)req;
    http_reply_json(res, 200, json_string("literal"));
}

static struct http_server *server_for_test(void) {
    make_web_dir();
    struct http_config cfg = {.port = 0, .web_root = web_dir, .threads = 4};
    struct http_server *s = NULL;
    struct error err;
    error_clear(&err);
    if (http_server_new(&cfg, &s, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return NULL;
    }
    http_route(&s->router, "POST", "/api/test/echo", echo, 1024);
    http_route(&s->router, "GET", "/api/test/{id}/x/{sub}", params, 0);
    http_route(&s->router, "GET", "/api/test/fixed/x/{sub}", literal, 0);
    /* the test routes have no row in src/auth/authz.def: open them to anyone here */
    static const struct authz_rule open_to_all = {"*", "/api/test/*", AUTHZ_PUBLIC, 0};
    for (int i = 0; i < s->router.n; i++)
        if (strncmp(s->router.routes[i].pattern, "/api/test/", 10) == 0)
            s->router.routes[i].authz = &open_to_all;
    return s;
}

struct reply {
    int status;
    json_t *json;
    char *body;
    size_t len;
    char headers[4096];
};

static void reply_release(struct reply *r) {
    json_decref(r->json);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* The session call() sends (store_server signs in an administrator); NULL = anonymous. */
static struct tauth *signed_in;

static void call(struct http_server *s, const char *method, const char *target, const char *body,
                 struct reply *out) {
    struct http_header h[2];
    struct http_input in = {.method = method,
                            .target = target,
                            .body = body,
                            .body_len = body ? strlen(body) : 0,
                            .headers = h,
                            .n_headers = signed_in ? tauth_headers(signed_in, h) : 0};
    struct http_response res;
    http_server_handle(s, &in, &res);
    memset(out, 0, sizeof *out);
    out->status = res.status;
    out->body = res.body;
    out->len = res.body_len;
    res.body = NULL;
    size_t used = 0;
    for (int i = 0; i < res.n_headers; i++)
        used += (size_t)snprintf(out->headers + used, sizeof out->headers - used, "%s: %s\r\n",
                                 res.headers[i].name, res.headers[i].value);
    if (strncmp(res.content_type, "application/json", 16) == 0)
        out->json = json_loadb(out->body, out->len, JSON_DECODE_ANY, NULL);
    http_response_release(&res);
}

static const char *err_code(const struct reply *r) {
    return json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
}

/* ---- without a socket ---- */

TEST(http_routes_and_params) {
    struct http_server *s = server_for_test();
    if (!s) return;
    struct reply r;
    call(s, "GET", "/api/test/%E9%9D%92%E5%B2%9B/x/b%20c?q=%E5%B4%82+%E5%B1%B1&n=12", NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(json_string_value(json_object_get(r.json, "id")), "青岛");
    CHECK_STR(json_string_value(json_object_get(r.json, "sub")), "b c");
    CHECK_STR(json_string_value(json_object_get(r.json, "q")), "崂 山");
    CHECK_INT(json_integer_value(json_object_get(r.json, "n")), 12);
    reply_release(&r);
    /* the most literal route wins, whatever the registration order */
    call(s, "GET", "/api/test/fixed/x/1", NULL, &r);
    CHECK_STR(json_string_value(r.json), "literal");
    reply_release(&r);
    call(s, "GET", "//api//test/a/x/b/?n=", NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_integer_value(json_object_get(r.json, "n")), 7);
    reply_release(&r);
    call(s, "GET", "http://example.org/api/health", NULL, &r);
    CHECK_INT(r.status, 200);
    reply_release(&r);
    call(s, "HEAD", "/api/health", NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "Cache-Control: no-store") != NULL);
    reply_release(&r);
    http_server_free(s);
    remove_web_dir();
}

TEST(http_errors) {
    struct http_server *s = server_for_test();
    if (!s) return;
    static const struct {
        const char *method, *target, *body;
        int status;
        const char *code;
    } cases[] = {
        {"GET", "/api/nothing", NULL, 404, "not_found"},
        {"DELETE", "/api/health", NULL, 405, "method_not_allowed"},
        {"PUT", "/index.html", NULL, 405, "method_not_allowed"},
        {"GET", "/api/test/a/x/b?n=abc", NULL, 400, "bad_query"},
        {"GET", "/api/test/a/x/b?n=1000", NULL, 400, "bad_query"},
        {"GET", "/api/test/a/x/b?n=99999999999999999999999", NULL, 400, "bad_query"},
        {"GET", "/api/health?q=%zz", NULL, 400, "bad_query"},
        {"GET", "/api/health?q=%", NULL, 400, "bad_query"},
        {"GET", "/api/health?q=%00", NULL, 400, "bad_query"},
        {"GET", "/api/health?q=%C3%28", NULL, 400, "bad_utf8"},
        {"GET", "/api/%ff", NULL, 400, "bad_utf8"},
        {"GET", "/api/%2", NULL, 400, "bad_path"},
        {"GET", "/web/../etc/passwd", NULL, 400, "bad_path"},
        {"GET", "/%2e%2e/etc/passwd", NULL, 400, "bad_path"},
        {"GET", "/.", NULL, 400, "bad_path"},
        {"GET", "/.secret", NULL, 404, "not_found"},
        {"GET", "/..%2fetc%2fpasswd", NULL, 404, "not_found"},
        {"GET", "/nothing.js", NULL, 404, "not_found"},
        {"GET", "*", NULL, 400, "bad_request"},
        {"GET", "", NULL, 400, "bad_request"},
        {"POST", "/api/test/echo", "{\"a\": 1,}", 400, "bad_json"},
        {"POST", "/api/test/echo", "[1]", 400, "bad_json"},
        {"POST", "/api/test/echo", "", 400, "bad_json"},
        {"POST", "/api/test/echo", "{\"a\": \"\xe9\x9d\"}", 400, "bad_utf8"},
        {"POST", "/api/test/echo", "{\"a\": 1, \"a\": 2}", 400, "bad_json"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_case(cases[i].target[0] ? cases[i].target : "(empty)");
        struct reply r;
        call(s, cases[i].method, cases[i].target, cases[i].body, &r);
        CHECK_INT(r.status, cases[i].status);
        CHECK_STR(err_code(&r), cases[i].code);
        const json_t *e = json_object_get(r.json, "error");
        CHECK(json_string_length(json_object_get(e, "zh")) > 0);
        CHECK(json_string_length(json_object_get(e, "en")) > 0);
        reply_release(&r);
    }
    test_case("bad json position");
    struct reply r;
    call(s, "POST", "/api/test/echo", "{\n  \"名称\": 1,\n  oops\n}", &r);
    const json_t *e = json_object_get(r.json, "error");
    CHECK_INT(json_integer_value(json_object_get(e, "line")), 3);
    /* jansson points at the end of the bad token: "  oops" */
    CHECK_INT(json_integer_value(json_object_get(e, "col")), 6);
    reply_release(&r);
    test_case("bad utf8 position");
    call(s, "POST", "/api/test/echo", "{\"a\":\n\"青\xff\"}", &r);
    e = json_object_get(r.json, "error");
    CHECK_INT(json_integer_value(json_object_get(e, "line")), 2);
    CHECK_INT(json_integer_value(json_object_get(e, "col")), 3);
    reply_release(&r);
    test_case("405 names the allowed methods");
    call(s, "POST", "/api/health", "{}", &r);
    CHECK(strstr(r.headers, "Allow: GET, HEAD") != NULL);
    reply_release(&r);
    test_case("body over the route limit");
    char big[2048];
    memset(big, ' ', sizeof big - 1);
    big[0] = '{';
    big[sizeof big - 2] = '}';
    big[sizeof big - 1] = 0;
    call(s, "POST", "/api/test/echo", big, &r);
    CHECK_INT(r.status, 413);
    CHECK_STR(err_code(&r), "too_large");
    reply_release(&r);
    CHECK_INT(http_server_body_limit(s, "POST", "/api/test/echo"), 1024);
    CHECK_INT(http_server_body_limit(s, "GET", "/x"), HTTP_BODY_LIMIT_DEFAULT);
    http_server_free(s);
    remove_web_dir();
}

TEST(http_static_files) {
    struct http_server *s = server_for_test();
    if (!s) return;
    struct reply r;
    struct http_input in = {.method = "GET", .target = "/"};
    struct http_response res;
    http_server_handle(s, &in, &res);
    CHECK_INT(res.status, 200);
    CHECK_STR(res.content_type, "text/html; charset=utf-8");
    CHECK(res.body && strstr(res.body, "对接") != NULL);
    const char *etag = NULL;
    for (int i = 0; i < res.n_headers; i++)
        if (strcmp(res.headers[i].name, "ETag") == 0) etag = res.headers[i].value;
    CHECK(etag != NULL);
    struct http_header h = {"If-None-Match", etag ? etag : ""};
    struct http_input in2 = {
        .method = "GET", .target = "/index.html", .headers = &h, .n_headers = 1};
    struct http_response res2;
    http_server_handle(s, &in2, &res2);
    CHECK_INT(res2.status, 304);
    CHECK_INT(res2.body_len, 0);
    http_response_release(&res);
    http_response_release(&res2);
    call(s, "GET", "/app.css", NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "Cache-Control: no-cache") != NULL);
    reply_release(&r);
    http_server_free(s);
    remove_web_dir();
}

TEST(http_reference_endpoints) {
    struct http_server *s = server_for_test();
    if (!s) return;
    struct reply r;
    call(s, "GET", "/api/health", NULL, &r);
    CHECK_STR(json_string_value(json_object_get(r.json, "status")), "ok");
    reply_release(&r);

    call(s, "GET", "/api/fields", NULL, &r);
    json_t *fields = json_object_get(r.json, "fields");
    CHECK_INT(json_array_size(fields), F_COUNT);
    CHECK_STR(json_string_value(json_object_get(json_array_get(fields, 0), "key")), "uscc");
    reply_release(&r);

    call(s, "GET", "/api/regions", NULL, &r);
    CHECK_INT(json_integer_value(json_object_get(r.json, "code")), 370200);
    json_t *counties = json_object_get(r.json, "children");
    CHECK_INT(json_array_size(counties), 10);
    size_t towns = 0;
    for (size_t i = 0; i < json_array_size(counties); i++)
        towns += json_array_size(json_object_get(json_array_get(counties, i), "children"));
    CHECK(towns > 100);
    reply_release(&r);
    call(s, "GET", "/api/regions?root=%E5%B4%82%E5%B1%B1%E5%8C%BA", NULL, &r); /* 崂山区 */
    CHECK_INT(json_integer_value(json_object_get(r.json, "code")), 370212);
    reply_release(&r);
    call(s, "GET", "/api/regions?root=nowhere", NULL, &r);
    CHECK_INT(r.status, 404);
    reply_release(&r);

    call(s, "GET", "/api/industries", NULL, &r);
    CHECK_INT(json_integer_value(json_object_get(r.json, "total")), 20);
    reply_release(&r);
    call(s, "GET", "/api/industries?q=C3911", NULL, &r);
    json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
    CHECK_STR(json_string_value(json_object_get(first, "code")), "3911");
    CHECK_STR(json_string_value(json_object_get(first, "section")), "C");
    reply_release(&r);
    call(s, "GET", "/api/industries?q=%E8%BD%AF%E4%BB%B6&limit=3", NULL, &r); /* 软件 */
    CHECK(json_integer_value(json_object_get(r.json, "total")) >= 2);
    CHECK(json_array_size(json_object_get(r.json, "items")) <= 3);
    reply_release(&r);
    call(s, "GET", "/api/industries?parent=39", NULL, &r);
    CHECK_INT(json_integer_value(json_object_get(r.json, "total")), 9);
    reply_release(&r);
    call(s, "GET", "/api/industries?parent=ZZ", NULL, &r);
    CHECK_INT(r.status, 404);
    reply_release(&r);
    http_server_free(s);
    remove_web_dir();
}

/* ---- over a socket ---- */

/* Bytes received on a connection and not yet consumed (pipelined responses arrive together). */
static _Thread_local char rbuf[1 << 16];
static _Thread_local size_t rhave;

static int connect_to(int port) {
    rhave = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

/* Reads one response (headers, then Content-Length bytes) into out; status, or -1. */
static int read_response(int fd, struct reply *out) {
    memset(out, 0, sizeof *out);
    char *end = NULL;
    for (;;) {
        rbuf[rhave] = 0;
        if ((end = strstr(rbuf, "\r\n\r\n"))) break;
        if (rhave == sizeof rbuf - 1) return -1;
        ssize_t k = recv(fd, rbuf + rhave, sizeof rbuf - 1 - rhave, 0);
        if (k <= 0) return -1;
        rhave += (size_t)k;
    }
    size_t head = (size_t)(end - rbuf) + 4;
    snprintf(out->headers, sizeof out->headers, "%.*s", (int)head, rbuf);
    if (sscanf(rbuf, "HTTP/1.1 %d", &out->status) != 1) return -1;
    const char *cl = strcasestr(out->headers, "\r\nContent-Length:");
    size_t len = cl ? strtoul(cl + 17, NULL, 10) : 0;
    while (rhave < head + len) {
        if (head + len >= sizeof rbuf) return -1;
        ssize_t k = recv(fd, rbuf + rhave, sizeof rbuf - 1 - rhave, 0);
        if (k <= 0) return -1;
        rhave += (size_t)k;
    }
    out->body = malloc(len + 1);
    if (!out->body) return -1;
    memcpy(out->body, rbuf + head, len);
    out->body[len] = 0;
    out->len = len;
    memmove(rbuf, rbuf + head + len, rhave - head - len);
    rhave -= head + len;
    out->json = json_loadb(out->body, len, 0, NULL);
    return out->status;
}

static struct http_server *listening_server(void) {
    struct http_server *s = server_for_test();
    if (!s) return NULL;
    struct error err;
    error_clear(&err);
    if (http_server_listen(s, &err) < 0) {
        test_failf(__FILE__, __LINE__, "listen: %s", err.en);
        http_server_free(s);
        return NULL;
    }
    return s;
}

TEST(http_socket_keepalive_and_limits) {
    struct http_server *s = listening_server();
    if (!s) return;
    int port = http_server_port(s);
    CHECK(port > 0);
    int fd = connect_to(port);
    CHECK(fd >= 0);
    if (fd < 0) goto out;
    struct reply r;
    /* three requests on one connection */
    for (int i = 0; i < 3; i++) {
        const char *req = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
        CHECK(send_all(fd, req, strlen(req)));
        CHECK_INT(read_response(fd, &r), 200);
        CHECK_STR(json_string_value(json_object_get(r.json, "status")), "ok");
        CHECK(strstr(r.headers, "X-Content-Type-Options: nosniff") != NULL);
        CHECK(strstr(r.headers, "frame-ancestors 'none'") != NULL);
        reply_release(&r);
    }
    /* pipelined: two requests in one write */
    const char *two = "GET /api/fields HTTP/1.1\r\nHost: x\r\n\r\n"
                      "POST /api/test/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n"
                      "{\"a\":[1]}";
    CHECK(send_all(fd, two, strlen(two)));
    CHECK_INT(read_response(fd, &r), 200);
    CHECK(json_object_get(r.json, "fields") != NULL);
    reply_release(&r);
    CHECK_INT(read_response(fd, &r), 200);
    CHECK_STR(r.body, "{\"a\":[1]}");
    reply_release(&r);
    /* chunked body past the limit: read and dropped, then 413 */
    char chunk[3000];
    size_t n = (size_t)snprintf(chunk, sizeof chunk,
                                "POST /api/test/echo HTTP/1.1\r\nHost: x\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n400\r\n");
    memset(chunk + n, ' ', 1024);
    n += 1024;
    n += (size_t)snprintf(chunk + n, sizeof chunk - n, "\r\n2\r\n{}\r\n0\r\n\r\n");
    CHECK(send_all(fd, chunk, n));
    CHECK_INT(read_response(fd, &r), 413);
    reply_release(&r);
    close(fd);
    /* a Content-Length over the limit is refused before the body is read */
    fd = connect_to(port);
    const char *big = "POST /api/test/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n";
    CHECK(send_all(fd, big, strlen(big)));
    CHECK_INT(read_response(fd, &r), 413);
    CHECK_STR(err_code(&r), "too_large");
    reply_release(&r);
    close(fd);
    /* garbage instead of HTTP: an error or a closed connection, and the server lives on */
    fd = connect_to(port);
    const char *junk = "\x01\x02 nonsense \xff\xfe\r\n\r\n";
    CHECK(send_all(fd, junk, strlen(junk)));
    if (read_response(fd, &r) > 0) CHECK(r.status >= 400);
    reply_release(&r);
    close(fd);
    fd = connect_to(port);
    const char *ok = "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    CHECK(send_all(fd, ok, strlen(ok)));
    CHECK_INT(read_response(fd, &r), 200);
    reply_release(&r);
    close(fd);
out:
    http_server_free(s);
    remove_web_dir();
}

struct client_arg {
    int port;
    int n_ok;
};

static void *client(void *p) {
    struct client_arg *a = p;
    int fd = connect_to(a->port);
    if (fd < 0) return NULL;
    for (int i = 0; i < 50; i++) {
        const char *req = i % 2 ? "GET /api/industries?q=39 HTTP/1.1\r\nHost: x\r\n\r\n"
                                : "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
        struct reply r;
        if (!send_all(fd, req, strlen(req)) || read_response(fd, &r) != 200) {
            reply_release(&r);
            break;
        }
        if (r.json) a->n_ok++;
        reply_release(&r);
    }
    close(fd);
    return NULL;
}

TEST(tsan_http_concurrent_clients) {
    struct http_server *s = listening_server();
    if (!s) return;
    enum { N = 8 };
    pthread_t t[N];
    struct client_arg args[N];
    for (int i = 0; i < N; i++) {
        args[i] = (struct client_arg){http_server_port(s), 0};
        pthread_create(&t[i], NULL, client, &args[i]);
    }
    int total = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        total += args[i].n_ok;
    }
    CHECK_INT(total, N * 50);
    http_server_free(s);
    remove_web_dir();
}

/* ---- the enterprise endpoints, on a real store in a temporary file ---- */

static char db_file[300];
static struct tauth admin;

/* A server on a fresh store with an administrator signed in (call() sends its session). */
static struct http_server *store_server(void) {
    make_web_dir();
    snprintf(db_file, sizeof db_file, "%s/test.db", web_dir);
    struct http_config cfg = {.port = 0, .db = db_file, .web_root = web_dir, .threads = 3};
    struct http_server *s = NULL;
    struct error err;
    error_clear(&err);
    if (http_server_new(&cfg, &s, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return NULL;
    }
    if (tauth_sign_in_db(db_file, ROLE_ADMIN, NULL, NULL, NULL, &admin) < 0) {
        test_failf(__FILE__, __LINE__, "no administrator session");
        http_server_free(s);
        return NULL;
    }
    signed_in = &admin;
    return s;
}

static void remove_store(void) {
    signed_in = NULL;
    char p[320];
    unlink(db_file);
    snprintf(p, sizeof p, "%s-wal", db_file);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_file);
    unlink(p);
    remove_web_dir();
}

static const char *field_text(const json_t *profile, const char *key, const char *what) {
    return json_string_value(
        json_object_get(json_object_get(json_object_get(profile, "fields"), key), what));
}

TEST(http_enterprise_endpoints) {
    struct http_server *s = store_server();
    if (!s) return;
    struct reply r;
    call(s, "POST", "/api/enterprises",
         "{\"统一社会信用代码\":\"９１３５０１００ｍ０００１００ｙ４３\",\"企业名称\":"
         "\"青岛测试锅炉有限公司\","
         "\"注册地\":\"崂山区\",\"行业\":\"C3411\",\"从业人员\":250,\"营业收入\":\"3000万元\","
         "\"研发费用\":\"150万元\",\"成立日期\":\"2015-03-01\",\"资质\":[\"高新技术企业\"]}",
         &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(json_string_value(json_object_get(r.json, "uscc")), "91350100M000100Y43");
    CHECK(strstr(r.headers, "Location: /api/enterprises/91350100M000100Y43") != NULL);
    reply_release(&r);
    call(s, "POST", "/api/enterprises",
         "{\"uscc\":\"914403001922038216\",\"name\":\"深圳某零售\",\"region\":\"370202\","
         "\"industry\":\"5211\",\"employees\":9}",
         &r);
    CHECK_INT(r.status, 201);
    reply_release(&r);

    call(s, "GET", "/api/enterprises/91350100m000100y43?date=2026-11-24", NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(field_text(r.json, "size", "value"), "小型");
    CHECK_STR(field_text(r.json, "size", "explain"),
              "工业: 从业人员 250人 → 小型; 营业收入 3,000万元 → 中型; 取较小者 → 小型");
    CHECK_STR(field_text(r.json, "rd_ratio", "text"), "5%");
    CHECK_INT(json_integer_value(json_object_get(
                  json_object_get(json_object_get(r.json, "fields"), "revenue"), "value")),
              3000000000);
    CHECK_STR(json_string_value(json_object_get(r.json, "evaluated_on")), "2026-11-24");
    reply_release(&r);

    call(s, "GET", "/api/health", NULL, &r);
    CHECK_STR(json_string_value(json_object_get(r.json, "store")), "sqlite");
    CHECK_INT(json_integer_value(json_object_get(r.json, "enterprises")), 2);
    reply_release(&r);

    static const struct {
        const char *target;
        int total;
    } lists[] = {
        {"/api/enterprises", 2},
        {"/api/enterprises?region=%E5%B4%82%E5%B1%B1%E5%8C%BA", 1},   /* 崂山区 */
        {"/api/enterprises?region=370200", 2},                        /* the city holds both */
        {"/api/enterprises?industry=C", 1},                           /* section */
        {"/api/enterprises?industry=%E5%88%B6%E9%80%A0%E4%B8%9A", 1}, /* 制造业 */
        {"/api/enterprises?size=%E5%B0%8F%E5%9E%8B", 1},              /* 小型 */
        {"/api/enterprises?size=micro", 1},
        {"/api/enterprises?q=%E9%94%85%E7%82%89", 1}, /* 锅炉 */
        {"/api/enterprises?q=9144", 1},
        {"/api/enterprises?q=nothing-like-it", 0},
        {"/api/enterprises?page=2&page_size=1", 2},
    };
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        test_case(lists[i].target);
        call(s, "GET", lists[i].target, NULL, &r);
        CHECK_INT(r.status, 200);
        CHECK_INT(json_integer_value(json_object_get(r.json, "total")), lists[i].total);
        reply_release(&r);
    }
    test_case("list rows");
    call(s, "GET", "/api/enterprises?page=2&page_size=1", NULL, &r);
    json_t *items = json_object_get(r.json, "items");
    CHECK_INT(json_array_size(items), 1);
    json_t *row = json_array_get(items, 0);
    CHECK_STR(json_string_value(json_object_get(row, "uscc")), "914403001922038216");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(row, "region"), "code")), 370202);
    CHECK_STR(json_string_value(json_object_get(row, "size")), "微型");
    reply_release(&r);

    static const struct {
        const char *method, *target, *body;
        int status;
        const char *code, *field;
    } bad[] = {
        {"GET", "/api/enterprises/91350100M000100Y44", NULL, 400, "invalid", "uscc"},
        {"GET", "/api/enterprises/91110000710925462X", NULL, 404, "not_found", NULL},
        {"GET", "/api/enterprises/91350100M000100Y43?date=2026-13-01", NULL, 400, NULL, "date"},
        {"GET", "/api/enterprises?region=%E7%81%AB%E6%98%9F", NULL, 400, NULL, "region"},
        {"GET", "/api/enterprises?industry=ZZ", NULL, 400, NULL, "industry"},
        {"GET", "/api/enterprises?size=huge", NULL, 400, "invalid", "size"},
        {"GET", "/api/enterprises?page_size=201", NULL, 400, "bad_query", "page_size"},
        {"GET", "/api/enterprises?page=0", NULL, 400, "bad_query", "page"},
        {"POST", "/api/enterprises", "{\"name\":\"x\"}", 422, "invalid", NULL},
        {"POST", "/api/enterprises", "{\"uscc\":\"91350100M000100I43\",\"name\":\"x\"}", 422,
         "invalid", NULL},
        {"POST", "/api/enterprises", "{\"uscc\":", 400, "bad_json", NULL},
        {"PUT", "/api/enterprises", "{}", 405, "method_not_allowed", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        test_case(bad[i].target);
        call(s, bad[i].method, bad[i].target, bad[i].body, &r);
        CHECK_INT(r.status, bad[i].status);
        const json_t *e = json_object_get(r.json, "error");
        if (bad[i].code) CHECK_STR(json_string_value(json_object_get(e, "code")), bad[i].code);
        if (bad[i].field) CHECK_STR(json_string_value(json_object_get(e, "field")), bad[i].field);
        reply_release(&r);
    }
    test_case("every bad field named");
    call(s, "POST", "/api/enterprises",
         "{\"uscc\":\"91350100M000100Y44\",\"营业收入\":\"很多\",\"nosuch\":1}", &r);
    CHECK_INT(r.status, 422);
    json_t *fe = json_object_get(json_object_get(r.json, "error"), "fields");
    CHECK_INT(json_array_size(fe), 4); /* revenue, nosuch, uscc check digit, missing name */
    bool has_revenue = false;
    for (size_t i = 0; i < json_array_size(fe); i++) {
        json_t *x = json_array_get(fe, i);
        if (strcmp(json_string_value(json_object_get(x, "field")), "revenue") == 0) {
            has_revenue = true;
            CHECK(json_string_length(json_object_get(x, "zh")) > 0);
            CHECK(json_string_length(json_object_get(x, "en")) > 0);
        }
    }
    CHECK(has_revenue);
    reply_release(&r);
    test_case("an update keeps one row");
    call(s, "POST", "/api/enterprises",
         "{\"uscc\":\"914403001922038216\",\"name\":\"深圳某零售(更名)\",\"employees\":12}", &r);
    CHECK_INT(r.status, 201);
    reply_release(&r);
    call(s, "GET", "/api/enterprises/914403001922038216", NULL, &r);
    CHECK_STR(json_string_value(json_object_get(r.json, "name")), "深圳某零售(更名)");
    reply_release(&r);
    call(s, "GET", "/api/health", NULL, &r);
    CHECK_INT(json_integer_value(json_object_get(r.json, "enterprises")), 2);
    reply_release(&r);
    http_server_free(s);
    remove_store();
}

struct writer_arg {
    int port;
    int base;
    int n_ok;
};

/* One client writing enterprises while others read lists, over keep-alive. */
static void *writer(void *p) {
    struct writer_arg *a = p;
    int fd = connect_to(a->port);
    if (fd < 0) return NULL;
    for (int i = 0; i < 20; i++) {
        char first17[18], body[256], req[512];
        snprintf(first17, sizeof first17, "91370212MA%07d", a->base + i);
        snprintf(body, sizeof body,
                 "{\"uscc\":\"%s%c\",\"name\":\"并发企业%d\",\"region\":\"崂山区\"}", first17,
                 uscc_check_char(first17), a->base + i);
        int n = snprintf(req, sizeof req,
                         "POST /api/enterprises HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
                         "X-CSRF-Token: %s\r\nContent-Length: %zu\r\n\r\n%s",
                         admin.cookie, admin.csrf, strlen(body), body);
        struct reply r;
        if (!send_all(fd, req, (size_t)n) || read_response(fd, &r) != 201) {
            reply_release(&r);
            break;
        }
        a->n_ok++;
        reply_release(&r);
    }
    close(fd);
    return NULL;
}

static void *reader(void *p) {
    struct writer_arg *a = p;
    int fd = connect_to(a->port);
    if (fd < 0) return NULL;
    char req[256];
    snprintf(req, sizeof req,
             "GET /api/enterprises?region=370212&page_size=50 HTTP/1.1\r\nHost: x\r\n"
             "Cookie: %s\r\n\r\n",
             admin.cookie);
    for (int i = 0; i < 20; i++) {
        struct reply r;
        if (!send_all(fd, req, strlen(req)) || read_response(fd, &r) != 200) {
            reply_release(&r);
            break;
        }
        a->n_ok++;
        reply_release(&r);
    }
    close(fd);
    return NULL;
}

TEST(tsan_http_store_readers_and_writers) {
    struct http_server *s = store_server();
    if (!s) return;
    struct error err;
    error_clear(&err);
    if (http_server_listen(s, &err) < 0) {
        test_failf(__FILE__, __LINE__, "listen: %s", err.en);
        http_server_free(s);
        remove_store();
        return;
    }
    enum { W = 2, R = 4 };
    pthread_t t[W + R];
    struct writer_arg args[W + R];
    for (int i = 0; i < W + R; i++) {
        args[i] = (struct writer_arg){http_server_port(s), i * 1000, 0};
        pthread_create(&t[i], NULL, i < W ? writer : reader, &args[i]);
    }
    int ok = 0;
    for (int i = 0; i < W + R; i++) {
        pthread_join(t[i], NULL);
        ok += args[i].n_ok;
    }
    CHECK_INT(ok, (W + R) * 20);
    struct reply r;
    call(s, "GET", "/api/health", NULL, &r);
    CHECK_INT(json_integer_value(json_object_get(r.json, "enterprises")), W * 20);
    reply_release(&r);
    http_server_free(s);
    remove_store();
}

TEST(http_import_upload) {
    struct http_server *s = store_server();
    if (!s) return;
    struct reply r;
    const char *csv = "统一社会信用代码,企业名称,注册地,营业收入\n"
                      "91350100M000100Y43,青岛导入一号,崂山区,3000万元\n"
                      "91350100M000100Y44,校验码错,崂山区,1\n"
                      "914403001922038216,青岛导入二号,市南区,很多\n"
                      "91110000710925462X,青岛导入三号,黄岛区,1.5亿\n";
    call(s, "POST", "/api/import?dry_run=1", csv, &r);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_integer_value(json_object_get(r.json, "rows_read")), 4);
    CHECK_INT(json_integer_value(json_object_get(r.json, "stored")), 0);
    CHECK(json_is_true(json_object_get(r.json, "dry_run")));
    reply_release(&r);
    call(s, "POST", "/api/import?filename=a.csv", csv, &r);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_integer_value(json_object_get(r.json, "stored")), 2);
    CHECK_INT(json_integer_value(json_object_get(r.json, "rejected")), 2);
    json_t *errors = json_object_get(r.json, "errors");
    CHECK(json_array_size(errors) >= 2);
    json_t *first = json_array_get(errors, 0);
    CHECK_INT(json_integer_value(json_object_get(first, "row")), 3);
    CHECK(json_string_length(json_object_get(first, "zh")) > 0);
    reply_release(&r);
    call(s, "GET", "/api/enterprises/91110000710925462X", NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(field_text(r.json, "revenue", "text"), "15,000万元");
    reply_release(&r);
    call(s, "POST", "/api/import", "名称,地址\nx,y\n", &r);
    CHECK_INT(r.status, 422);
    reply_release(&r);
    call(s, "POST", "/api/import", "", &r);
    CHECK_INT(r.status, 400);
    reply_release(&r);
    call(s, "POST", "/api/import?dry_run=2", csv, &r);
    CHECK_INT(r.status, 400);
    reply_release(&r);
    CHECK_INT(http_server_body_limit(s, "POST", "/api/import"), (size_t)64 << 20);
    struct http_input in = {.method = "GET", .target = "/api/import/template"};
    struct http_response res;
    http_server_handle(s, &in, &res);
    CHECK_INT(res.status, 200);
    CHECK(res.body_len > 1000 && memcmp(res.body, "PK", 2) == 0);
    http_response_release(&res);
    http_server_free(s);
    remove_store();
}
