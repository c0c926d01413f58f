/* Owns the sender thread `duijie serve` runs when configured: the same loop as `duijie notify
 * send` (publish events, batches of due messages, recovery after the lease) on a store connection
 * of its own, stopped by a flag it checks between messages; and the commissioners' daily digest,
 * run by the same loop once its time of day (DUIJIE_DIGEST_AT, Beijing time) has come and the
 * day is not recorded done (a restart after the time runs the missed one at once). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify/notify.h"
#include "store/store.h"

struct notify_sender {
    pthread_t thread;
    atomic_bool is_stopping;
    struct notify_sender_config c;
    struct store *s;
    int64_t next_digest; /* unix time the digest is next due (notify_digest_tick) */
};

void notify_config_from_env(struct notify_sender_config *c) {
    memset(c, 0, sizeof *c);
    c->smtp = getenv("DUIJIE_SMTP");
    c->smtp_tls = getenv("DUIJIE_SMTP_TLS");
    c->ca_file = getenv("DUIJIE_TLS_CA_FILE");
    const char *insecure = getenv("DUIJIE_TLS_INSECURE");
    c->tls_insecure = insecure && strcmp(insecure, "1") == 0;
    c->mail_from = getenv("DUIJIE_MAIL_FROM");
    c->sms_url = getenv("DUIJIE_SMS_URL");
    c->wechat_url = getenv("DUIJIE_WECHAT_URL");
    c->secret = getenv("DUIJIE_WEBHOOK_SECRET");
    c->base_url = getenv("DUIJIE_BASE_URL");
    const char *rate = getenv("DUIJIE_NOTIFY_RATE");
    c->rate = rate ? strtod(rate, NULL) : 0;
    const char *at = getenv("DUIJIE_DIGEST_AT");
    struct error err;
    c->digest_at = NOTIFY_DIGEST_AT_DEFAULT;
    if (at && notify_digest_parse_at(at, &c->digest_at, &err)) {
        char buf[400];
        fprintf(stderr, "DUIJIE_DIGEST_AT: %s (digest at 08:00)\n",
                error_format(&err, buf, sizeof buf));
        c->digest_at = NOTIFY_DIGEST_AT_DEFAULT;
    }
}

static void *run(void *arg) {
    struct notify_sender *t = arg;
    struct notify_send_stats st = {0};
    while (!atomic_load(&t->is_stopping)) {
        struct error err;
        error_clear(&err);
        int64_t before = st.claimed;
        notify_digest_tick(t->s, &t->c, &t->next_digest);
        int rc = notify_run_pending(t->s, notify_now(), NULL, &err);
        if (!rc) rc = notify_send_batch(t->s, &t->c, &st, &err);
        if (rc) {
            char buf[800];
            fprintf(stderr, "notify sender: %s\n", error_format(&err, buf, sizeof buf));
        }
        if (!rc && st.claimed > before) continue;
        notify_recover(t->s, &t->c, false, notify_now(), NULL, &err);
        struct timespec d = {.tv_sec = 1};
        nanosleep(&d, NULL);
    }
    return NULL;
}

int notify_sender_start(const char *db, const struct notify_sender_config *c,
                        struct notify_sender **out, struct error *err) {
    struct notify_sender *t = calloc(1, sizeof *t);
    if (!t) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    t->c = *c;
    atomic_init(&t->is_stopping, false);
    int rc = store_open(db, &t->s, err);
    if (!rc && pthread_create(&t->thread, NULL, run, t) != 0)
        rc = error_set(err, ERR_NOMEM, "无法启动发送线程", "cannot start the sender thread");
    if (rc) {
        if (t->s) store_close(t->s);
        free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void notify_sender_stop(struct notify_sender *t) {
    if (!t) return;
    atomic_store(&t->is_stopping, true);
    pthread_join(t->thread, NULL);
    store_close(t->s);
    free(t);
}
