/* Benchmark of signing in and of what a session costs each request, on a fresh SQLite store:
 *   - sign-in (argon2id at the production cost t=2, m=19 MiB, p=1), against the same sign-in at
 *     the smallest cost (what the work factor adds);
 *   - a session lookup (auth_session_actor: the id's one-way hash, then one indexed join), against
 *     the naive design that keeps the id itself and looks it up by the same join (what hashing the
 *     id adds);
 *   - a signed-in request through the server (GET /api/auth/me with the cookie), against an
 *     anonymous request of the same size (GET /api/health): the session hook's cost per request.
 * Figures go to bench/tmp/auth.json. BENCH_AUTH_LOOKUPS sets the number of lookups (default
 * 20000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "http/http.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "clock.h"

#define N_SESSIONS 1000

static void die(const char *what, const struct error *e) {
    fprintf(stderr, "bench auth: %s: %s / %s\n", what, e ? e->zh : "", e ? e->en : "");
    exit(1);
}

static char sessions[N_SESSIONS][AUTH_TOKEN_LEN + 1];

/* ms per sign-in of user `name` over n sign-ins. */
static double time_logins(struct store *s, const char *name, int n) {
    char csrf[AUTH_TOKEN_LEN + 1], id[AUTH_TOKEN_LEN + 1];
    struct actor a;
    struct error err;
    int retry;
    double t0 = now_ms();
    for (int i = 0; i < n; i++)
        if (auth_login(s, name, "bench password", "", id, csrf, &a, &retry, &err))
            die("login", &err);
    return (now_ms() - t0) / n;
}

static void add_user(struct store *s, const char *name) {
    struct actor u = {.role = ROLE_HUB, .region = -1};
    snprintf(u.username, sizeof u.username, "%s", name);
    int64_t id;
    struct error err;
    if (auth_user_add(s, &u, "bench password", &id, &err)) die("user add", &err);
}

/* Total ms of n requests of target, with the cookie when it is not NULL. */
static double time_requests(struct http_server *srv, const char *target, const char *cookie, int n,
                            int want) {
    struct http_header h = {"Cookie", cookie};
    struct http_input in = {
        .method = "GET", .target = target, .headers = &h, .n_headers = cookie ? 1 : 0};
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        struct http_response res;
        http_server_handle(srv, &in, &res);
        if (res.status != want) {
            fprintf(stderr, "bench auth: %s answered %d\n", target, res.status);
            exit(1);
        }
        http_response_release(&res);
    }
    return now_ms() - t0;
}

int main(void) {
    struct error err;
    if (refdata_load(&err)) die("refdata", &err);
    const char *env = getenv("BENCH_AUTH_LOOKUPS");
    int n_lookups = env ? atoi(env) : 20000;
    if (n_lookups < 100) n_lookups = 100;
    char dir[] = "/tmp/duijie-bench-auth-XXXXXX", path[128];
    if (!mkdtemp(dir)) die("mkdtemp", NULL);
    snprintf(path, sizeof path, "%s/a.db", dir);
    struct store *s;
    if (store_open(path, &s, &err)) die("store", &err);

    /* sign-in: production cost, then the smallest */
    add_user(s, "costly");
    double login_ms = time_logins(s, "costly", 10);
    auth_set_password_cost(1, 8);
    add_user(s, "cheap");
    double cheap_ms = time_logins(s, "cheap", 200);

    /* sessions: N_SESSIONS live ones; the naive table keeps the plain ids */
    char csrf[AUTH_TOKEN_LEN + 1];
    struct actor a;
    int retry;
    if (store_sql(s,
                  "CREATE TABLE naive_sessions (id TEXT PRIMARY KEY, user_id BIGINT, csrf TEXT, "
                  "expires BIGINT, last_seen BIGINT)",
                  NULL, 0, NULL, &err))
        die("naive table", &err);
    if (store_begin(s, &err)) die("begin", &err);
    for (int i = 0; i < N_SESSIONS; i++) {
        if (auth_login(s, "cheap", "bench password", "", sessions[i], csrf, &a, &retry, &err))
            die("login", &err);
        struct store_val args[] = {store_val_text(sessions[i]), store_val_int(a.user_id),
                                   store_val_text(csrf), store_val_int(INT32_MAX),
                                   store_val_int((int64_t)time(NULL))};
        if (store_sql(s, "INSERT INTO naive_sessions VALUES (?, ?, ?, ?, ?)", args, 5, NULL, &err))
            die("naive insert", &err);
    }
    if (store_commit(s, &err)) die("commit", &err);
    double t0 = now_ms();
    for (int i = 0; i < n_lookups; i++)
        if (auth_session_actor(s, sessions[(i * 7919) % N_SESSIONS], &a, csrf, &err))
            die("lookup", &err);
    double lookup_ms = now_ms() - t0;
    t0 = now_ms();
    for (int i = 0; i < n_lookups; i++) {
        struct store_val arg = store_val_text(sessions[(i * 7919) % N_SESSIONS]);
        struct store_rows *r = NULL;
        if (store_sql(s,
                      "SELECT u.id, u.username, u.role, u.uscc, u.region_code, u.dept, u.org_id, "
                      "u.disabled, s.csrf, s.expires, s.last_seen FROM naive_sessions s JOIN "
                      "users u ON u.id = s.user_id WHERE s.id = ?",
                      &arg, 1, &r, &err) ||
            store_rows_count(r) != 1)
            die("naive lookup", &err);
        store_rows_free(r);
    }
    double naive_ms = now_ms() - t0;
    store_close(s);

    /* through the server: the session hook on every request */
    struct http_config cfg = {.db = path, .threads = 2};
    struct http_server *srv;
    if (http_server_new(&cfg, &srv, &err)) die("server", &err);
    char cookie[128];
    snprintf(cookie, sizeof cookie, "duijie_session=%s", sessions[0]);
    int n_req = n_lookups / 4;
    double signed_ms = time_requests(srv, "/api/auth/me", cookie, n_req, 200);
    double anon_ms = time_requests(srv, "/api/health", NULL, n_req, 200);
    http_server_free(srv);

    printf("sign-in, argon2id t=2 m=19MiB   %8.2f ms   (t=1 m=8KiB: %.3f ms, %.0fx)\n", login_ms,
           cheap_ms, login_ms / cheap_ms);
    printf("session lookup (hashed id)     %8.4f ms   (naive plain id: %.4f ms, %.2fx)\n",
           lookup_ms / n_lookups, naive_ms / n_lookups, lookup_ms / naive_ms);
    printf(
        "signed-in GET /api/auth/me      %8.4f ms   (anonymous GET /api/health: %.4f ms, %.2fx)\n",
        signed_ms / n_req, anon_ms / n_req, signed_ms / anon_ms);
    mkdir("bench/tmp", 0755);
    FILE *f = fopen("bench/tmp/auth.json", "w");
    if (f) {
        fprintf(
            f,
            "{\"figures\": [\n"
            "{\"name\": \"auth sign-in argon2id t=2 m=19MiB (ms each)\", \"duijie_ms\": %.3f, "
            "\"naive_ms\": %.4f, \"naive\": \"argon2id t=1 m=8KiB\"},\n"
            "{\"name\": \"auth session lookup, hashed id (ms each, %d lookups)\", "
            "\"duijie_ms\": %.5f, \"naive_ms\": %.5f, \"naive\": \"plain id in the table\"},\n"
            "{\"name\": \"auth signed-in request /api/auth/me (ms each)\", \"duijie_ms\": %.5f, "
            "\"naive_ms\": %.5f, \"naive\": \"anonymous /api/health\"}\n]}\n",
            login_ms, cheap_ms, n_lookups, lookup_ms / n_lookups, naive_ms / n_lookups,
            signed_ms / n_req, anon_ms / n_req);
        fclose(f);
    }
    unlink(path);
    char p[160];
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    rmdir(dir);
    return 0;
}
