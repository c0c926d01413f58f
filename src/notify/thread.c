/* Owns the sender thread `duijie serve` runs when configured: the same loop as `duijie notify
 * send` (publish events, batches of due messages, recovery after the lease) on a store connection
 * of its own, stopped by a flag it checks between messages. */
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
};

void notify_config_from_env(struct notify_sender_config *c) {
    memset(c, 0, sizeof *c);
    c->smtp = getenv("DUIJIE_SMTP");
    c->mail_from = getenv("DUIJIE_MAIL_FROM");
    c->sms_url = getenv("DUIJIE_SMS_URL");
    c->wechat_url = getenv("DUIJIE_WECHAT_URL");
    c->secret = getenv("DUIJIE_WEBHOOK_SECRET");
    c->base_url = getenv("DUIJIE_BASE_URL");
    const char *rate = getenv("DUIJIE_NOTIFY_RATE");
    c->rate = rate ? strtod(rate, NULL) : 0;
}

static void *run(void *arg) {
    struct notify_sender *t = arg;
    struct notify_send_stats st = {0};
    while (!atomic_load(&t->is_stopping)) {
        struct error err;
        error_clear(&err);
        int64_t before = st.claimed;
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
