/* `duijie notify …`: queue the messages of a published policy, the deadline reminders and the
 * digests (`notify digest [--date D]`: the commissioners' daily digest by hand); send what is due
 * (at a rate, once or until stopped); preferences; the outbox's counts. The work is src/notify's;
 * this file reads arguments and prints JSON. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "index/index.h"
#include "notify/notify.h"
#include "store/store.h"
#include "util/date.h"

static volatile sig_atomic_t is_stopping;

static void on_signal(int sig) {
    (void)sig;
    is_stopping = 1;
}

static const char *opt_env(int argc, char **argv, const char *name, const char *env) {
    const char *v = cli_option(argc, argv, name);
    return v ? v : getenv(env);
}

static int opt_int(int argc, char **argv, const char *name, int def) {
    const char *v = cli_option(argc, argv, name);
    return v ? atoi(v) : def;
}

static void notify_cli_config(int argc, char **argv, struct notify_sender_config *c) {
    notify_config_from_env(c);
    c->smtp = opt_env(argc, argv, "--smtp", "DUIJIE_SMTP");
    c->smtp_tls = opt_env(argc, argv, "--smtp-tls", "DUIJIE_SMTP_TLS");
    c->ca_file = opt_env(argc, argv, "--ca-file", "DUIJIE_TLS_CA_FILE");
    if (cli_flag(argc, argv, "--tls-insecure")) c->tls_insecure = true;
    if (c->tls_insecure)
        fprintf(stderr, "notify: TLS 证书不校验(仅供测试) / TLS certificates NOT verified (tests "
                        "only)\n");
    c->mail_from = opt_env(argc, argv, "--from", "DUIJIE_MAIL_FROM");
    c->sms_url = opt_env(argc, argv, "--sms-url", "DUIJIE_SMS_URL");
    c->wechat_url = opt_env(argc, argv, "--wechat-url", "DUIJIE_WECHAT_URL");
    c->secret = opt_env(argc, argv, "--secret", "DUIJIE_WEBHOOK_SECRET");
    c->base_url = opt_env(argc, argv, "--base-url", "DUIJIE_BASE_URL");
    const char *rate = cli_option(argc, argv, "--rate");
    if (rate) c->rate = strtod(rate, NULL); /* "50" or "50/s" */
    c->batch = opt_int(argc, argv, "--batch", 0);
    c->max_attempts = opt_int(argc, argv, "--max-attempts", 0);
    c->backoff_s = opt_int(argc, argv, "--backoff", 0);
    c->lease_s = opt_int(argc, argv, "--lease", 0);
    c->timeout_ms = opt_int(argc, argv, "--timeout-ms", 10000);
}

/* Publish events first (they need the enterprise index, loaded only when one is pending). */
static int run_events(struct store *s, struct error *err) {
    struct notify_counts n;
    int rc = notify_run_pending(s, notify_now(), &n, err);
    if (!rc && n.eligible + n.unknown + n.nearly)
        fprintf(stderr,
                "notify: publish events: %lld firms qualify, %lld might, %lld nearly; %lld "
                "messages queued\n",
                (long long)n.eligible, (long long)n.unknown, (long long)n.nearly,
                (long long)n.queued);
    return rc;
}

static int send_cmd(struct store *s, int argc, char **argv, struct error *err) {
    struct notify_sender_config c;
    notify_cli_config(argc, argv, &c);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN); /* a peer gone mid-write is an error to record (TLS writes too) */
    struct notify_send_stats st = {0};
    int rc =
        notify_recover(s, &c, cli_flag(argc, argv, "--recover"), notify_now(), &st.recovered, err);
    bool is_once = cli_flag(argc, argv, "--once");
    int64_t next_digest = 0;
    if (is_once) c.digest_at = -1; /* --once: the due messages only */
    while (!rc && !is_stopping) {
        notify_digest_tick(s, &c, &next_digest); /* the commissioners' digest, at its time */
        rc = run_events(s, err);
        if (rc) break;
        int64_t before = st.claimed;
        rc = notify_send_batch(s, &c, &st, err);
        if (rc || st.claimed > before) continue;
        if (is_once) break;
        struct timespec d = {.tv_sec = 1};
        nanosleep(&d, NULL);
        if (!rc) rc = notify_recover(s, &c, false, notify_now(), NULL, err);
    }
    if (rc) return rc;
    json_t *o = json_object();
    json_object_set_new(o, "claimed", json_integer(st.claimed));
    json_object_set_new(o, "sent", json_integer(st.sent));
    json_object_set_new(o, "retried", json_integer(st.retried));
    json_object_set_new(o, "failed", json_integer(st.failed));
    json_object_set_new(o, "recovered", json_integer(st.recovered));
    cli_print_json(o);
    json_decref(o);
    return 0;
}

static json_t *counts_json(const struct notify_counts *n) {
    json_t *o = json_object();
    json_object_set_new(o, "eligible", json_integer(n->eligible));
    json_object_set_new(o, "unknown", json_integer(n->unknown));
    json_object_set_new(o, "nearly", json_integer(n->nearly));
    json_object_set_new(o, "queued", json_integer(n->queued));
    return o;
}

static int with_index(struct store *s, int argc, char **argv, struct error *err) {
    int32_t today = date_today();
    const char *d = cli_option(argc, argv, "--date");
    if (d && date_parse(d, strlen(d), &today, err)) return err->code;
    struct index_gen *g;
    int rc = index_load(s, today, &g, err);
    if (rc) return rc;
    struct notify_counts n = {0};
    if (strcmp(argv[0], "publish") == 0) {
        if (argc < 2 || atoll(argv[1]) <= 0)
            rc = error_set(err, ERR_INVALID, "用法: notify publish 政策编号",
                           "usage: notify publish POLICY_ID");
        else
            rc = notify_policy_published(s, g, atoll(argv[1]), notify_now(), &n, err);
    } else {
        rc = notify_deadlines(s, g, today, notify_now(), &n, err);
    }
    index_gen_release(g);
    if (rc) return rc;
    json_t *o = counts_json(&n);
    cli_print_json(o);
    json_decref(o);
    return 0;
}

/* The commissioners' digest of --date (default today, Beijing) by hand: the same run the server's
 * scheduler makes, recorded for the day; keys make a second run queue nothing. */
static int digest_cmd(struct store *s, int argc, char **argv, struct error *err) {
    int32_t day = date_today();
    const char *d = cli_option(argc, argv, "--date");
    if (d && date_parse(d, strlen(d), &day, err)) return err->code;
    struct notify_digest_stats st;
    int rc = notify_digest_day(s, day, notify_now(), &st, err);
    if (rc) return rc;
    char dbuf[16];
    json_t *o = json_object();
    json_object_set_new(o, "day", json_string(date_format(day, dbuf, sizeof dbuf)));
    json_object_set_new(o, "clauses", json_integer(st.clauses));
    json_object_set_new(o, "commissioners", json_integer(st.commissioners));
    json_object_set_new(o, "told", json_integer(st.told));
    json_object_set_new(o, "empty", json_integer(st.empty));
    json_object_set_new(o, "no_user", json_integer(st.no_user));
    json_object_set_new(o, "matches", json_integer(st.matches));
    json_object_set_new(o, "overdue", json_integer(st.overdue));
    json_object_set_new(o, "queued", json_integer(st.queued));
    cli_print_json(o);
    json_decref(o);
    return 0;
}

/* JSON lines on stdin, {"key", "to", "topic", "subject", "body", "ref"}, in one transaction. */
static int enqueue_lines(struct store *s, struct error *err) {
    struct notify_queue *q;
    int rc = notify_queue_new(s, notify_now(), &q, err);
    if (rc) return rc;
    char *line = NULL;
    size_t cap = 0;
    int n_line = 0;
    while (!rc && cli_read_line(stdin, &line, &cap) >= 0) {
        n_line++;
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        if (!o) {
            rc = error_set(err, ERR_PARSE, "第 %d 行不是 JSON: %s", "line %d is not JSON: %s",
                           n_line, je.text);
            break;
        }
        const char *topic = json_string_value(json_object_get(o, "topic"));
        const char *body = json_string_value(json_object_get(o, "body"));
        struct notify_msg m = {.key = json_string_value(json_object_get(o, "key")),
                               .recipient = json_string_value(json_object_get(o, "to")),
                               .topic = topic ? topic : "notice",
                               .subject = json_string_value(json_object_get(o, "subject")),
                               .body = body ? body : "",
                               .ref = json_string_value(json_object_get(o, "ref"))};
        rc = notify_queue_add(q, &m, err);
        if (rc) error_at(err, n_line, 0);
        json_decref(o);
    }
    free(line);
    int64_t n = 0;
    rc = notify_queue_end(q, rc, &n, err);
    if (!rc) printf("{\"queued\":%lld}\n", (long long)n);
    return rc;
}

static int enqueue_cmd(struct store *s, int argc, char **argv, struct error *err) {
    if (cli_flag(argc, argv, "--jsonl")) return enqueue_lines(s, err);
    struct notify_msg m = {.key = cli_option(argc, argv, "--key"),
                           .recipient = cli_option(argc, argv, "--to"),
                           .topic = cli_option(argc, argv, "--topic"),
                           .subject = cli_option(argc, argv, "--subject"),
                           .body = cli_option(argc, argv, "--body"),
                           .ref = cli_option(argc, argv, "--ref")};
    if (!m.topic) m.topic = "notice";
    if (!m.body) m.body = "";
    bool is_new = false;
    int rc = notify_enqueue(s, &m, notify_now(), &is_new, err);
    if (!rc) printf("{\"queued\":%s}\n", is_new ? "true" : "false");
    return rc;
}

static int prefs_cmd(struct store *s, int argc, char **argv, struct error *err) {
    if (argc < 2)
        return error_set(err, ERR_INVALID, "用法: notify prefs 接收人 [--channels ..]",
                         "usage: notify prefs RECIPIENT [--channels inapp,email] [--email A] …");
    struct notify_prefs p;
    int rc = notify_prefs_get(s, argv[1], &p, err);
    if (rc) return rc;
    const char *v;
    if ((v = cli_option(argc, argv, "--channels")))
        for (int c = 1; c < NOTIFY_CHANNEL_COUNT; c++)
            p.channels[c] = notify_topic_wanted(v, notify_channel_key((enum notify_channel)c));
    if ((v = cli_option(argc, argv, "--topics"))) snprintf(p.topics, sizeof p.topics, "%s", v);
    if ((v = cli_option(argc, argv, "--email"))) snprintf(p.email, sizeof p.email, "%s", v);
    if ((v = cli_option(argc, argv, "--phone"))) snprintf(p.phone, sizeof p.phone, "%s", v);
    if ((v = cli_option(argc, argv, "--wechat"))) snprintf(p.wechat, sizeof p.wechat, "%s", v);
    if (cli_flag(argc, argv, "--digest")) p.is_digest = true;
    rc = notify_prefs_put(s, &p, err);
    if (!rc) printf("{\"recipient\":\"%s\",\"unsubscribe\":\"%s\"}\n", p.recipient, p.unsub_token);
    return rc;
}

static int stats_cmd(struct store *s, struct error *err) {
    char *out;
    int rc = notify_stats_json(s, &out, err);
    if (rc) return rc;
    puts(out);
    free(out);
    return 0;
}

int cli_notify(int argc, char **argv) {
    if (argc < 1) {
        fprintf(stderr, "usage: duijie notify send|publish ID|deadlines|digest [--date D]|enqueue|"
                        "prefs R|stats [--db URI]\n");
        return 2;
    }
    const char *db = cli_option(argc, argv, "--db");
    struct store *s;
    struct error err;
    error_clear(&err);
    int rc = store_open(db ? db : store_default_uri(), &s, &err);
    if (rc) {
        cli_print_error("notify", &err);
        return 1;
    }
    const char *cmd = argv[0];
    if (strcmp(cmd, "send") == 0)
        rc = send_cmd(s, argc, argv, &err);
    else if (strcmp(cmd, "publish") == 0 || strcmp(cmd, "deadlines") == 0)
        rc = with_index(s, argc, argv, &err);
    else if (strcmp(cmd, "enqueue") == 0)
        rc = enqueue_cmd(s, argc, argv, &err);
    else if (strcmp(cmd, "prefs") == 0)
        rc = prefs_cmd(s, argc, argv, &err);
    else if (strcmp(cmd, "stats") == 0)
        rc = stats_cmd(s, &err);
    else if (strcmp(cmd, "digest") == 0)
        rc = digest_cmd(s, argc, argv, &err);
    else
        rc = error_set(&err, ERR_INVALID, "未知子命令 %s", "unknown subcommand %s", cmd);
    store_close(s);
    if (rc) {
        cli_print_error("notify", &err);
        return 1;
    }
    return 0;
}
