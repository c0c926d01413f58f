/* Owns `duijie serve`: options, printing the bound address, and waiting for SIGINT/SIGTERM to stop
 * gracefully. The server itself is src/http. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"
#include "notify/notify.h"
#include "store/store.h"

static int parse_int(const char *s, int min, int max, int *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max) return -1;
    *out = (int)v;
    return 0;
}

int cli_serve(int argc, char **argv) {
    struct http_config cfg = {
        .bind = "127.0.0.1", .port = 8080, .db = store_default_uri(), .web_root = "web"};
    const char *v;
    if ((v = cli_option(argc, argv, "--port")) && parse_int(v, 0, 65535, &cfg.port) < 0) {
        fprintf(stderr, "duijie serve: 无效的端口 / bad --port %s\n", v);
        return 2;
    }
    if ((v = cli_option(argc, argv, "--threads")) && parse_int(v, 1, 256, &cfg.threads) < 0) {
        fprintf(stderr, "duijie serve: 无效的线程数 / bad --threads %s\n", v);
        return 2;
    }
    if ((v = cli_option(argc, argv, "--bind"))) cfg.bind = v;
    if ((v = cli_option(argc, argv, "--db"))) cfg.db = strcmp(v, "none") == 0 ? NULL : v;
    /* a streaming replica for the reads src/http/replica.c marks; else $DUIJIE_DB_READ */
    if ((v = cli_option(argc, argv, "--db-read")) || ((v = getenv("DUIJIE_DB_READ")) && *v))
        cfg.db_read = strcmp(v, "none") == 0 ? NULL : v;
    if ((v = cli_option(argc, argv, "--web"))) cfg.web_root = strcmp(v, "none") == 0 ? NULL : v;
    cfg.is_cookie_secure = cli_flag(argc, argv, "--secure-cookies");
    cfg.is_behind_proxy = cli_flag(argc, argv, "--behind-proxy");

    /* Block the stop signals before any thread starts so that only sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct error err;
    error_clear(&err);
    struct http_server *s;
    if (http_server_new(&cfg, &s, &err) < 0 || http_server_listen(s, &err) < 0) {
        cli_print_error("duijie serve", &err);
        return 1;
    }
    struct notify_sender *sender = NULL; /* --notify: deliver messages in this process too */
    if (cfg.db && (cli_flag(argc, argv, "--notify") || getenv("DUIJIE_NOTIFY_SEND"))) {
        struct notify_sender_config nc;
        notify_config_from_env(&nc);
        if (notify_sender_start(cfg.db, &nc, &sender, &err) < 0)
            cli_print_error("duijie serve: notify", &err);
    }
    printf("listening on http://%s:%d\n", cfg.bind, http_server_port(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "duijie serve: 收到信号 %d, 正在停止 / stopping on signal %d\n", sig, sig);
    notify_sender_stop(sender);
    http_server_free(s);
    return 0;
}
