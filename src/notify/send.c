/* Owns delivery: claiming due messages by a state transition (queued → sending, with an attempt
 * id and a row in notify_attempt written before anything leaves), delivering them (the inbox in
 * the same transaction that marks them sent: exactly once; email and webhooks over wire.c: at
 * least once), retry with exponential backoff, and taking back what a dead sender left
 * 'sending'. The boundary: a crash after the remote end accepted a message and before 'sent' is
 * recorded sends it again on recovery; the key travels with it (Message-ID, Idempotency-Key) so
 * the far end can drop the repeat. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "notify/notify_internal.h"
#include "store/store.h"

int64_t notify_backoff(const struct notify_sender_config *c, int attempt) {
    int64_t d = c->backoff_s > 0 ? c->backoff_s : 30;
    for (int i = 1; i < attempt && d < 86400; i++)
        d *= 2;
    return d < 86400 ? d : 86400;
}

static int lease_of(const struct notify_sender_config *c) {
    return c->lease_s > 0 ? c->lease_s : 300;
}

int notify_recover(struct store *s, const struct notify_sender_config *c, bool is_all, int64_t now,
                   int64_t *n, struct error *err) {
    int64_t before = is_all ? now + 1 : now - lease_of(c);
    struct store_val a[] = {store_val_int(before)};
    int rc = store_begin(s, err);
    if (rc) return rc;
    rc = store_sql(s,
                   "UPDATE notify_attempt SET outcome = 'unacknowledged' WHERE outcome = 'sending' "
                   "AND attempt_id IN (SELECT attempt_id FROM notify_outbox WHERE state = "
                   "'sending' AND claimed_at < ?)",
                   a, 1, NULL, err);
    if (!rc)
        rc = store_sql(s,
                       "UPDATE notify_outbox SET state = 'queued', last_error = 'unacknowledged: "
                       "the sender stopped before the delivery was confirmed' WHERE state = "
                       "'sending' AND claimed_at < ?",
                       a, 1, NULL, err);
    int64_t k = rc ? 0 : store_sql_changes(s);
    if (!rc) rc = store_commit(s, err);
    if (rc) store_rollback(s);
    if (n) *n = k;
    return rc;
}

struct claimed {
    int64_t id;
    const char *key, *recipient, *topic, *subject, *body, *ref;
    int channel;
    int attempts;
};

static void attempt_id(char *out, size_t n) {
    static int64_t seq;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(out, n, "%d-%lld.%09ld-%lld", (int)getpid(), (long long)ts.tv_sec, ts.tv_nsec,
             (long long)++seq);
}

static int claim(struct store *s, const struct notify_sender_config *c, const char *aid,
                 int64_t now, struct store_rows **rows, struct error *err) {
    int batch = c->batch > 0 ? c->batch : 50;
    struct store_val a[] = {store_val_text(aid), store_val_int(now), store_val_int(now),
                            store_val_int(now), store_val_int(batch)};
    int rc = store_begin(s, err);
    if (rc) return rc;
    /* state = 'queued' is checked again on the row itself: of two senders only one claims it */
    rc = store_sql(s,
                   "UPDATE notify_outbox SET state = 'sending', attempt_id = ?, claimed_at = ?, "
                   "attempts = attempts + 1 WHERE state = 'queued' AND next_at <= ? AND id IN "
                   "(SELECT id FROM notify_outbox WHERE state = 'queued' AND next_at <= ? ORDER BY "
                   "next_at, id LIMIT ?)",
                   a, 5, NULL, err);
    struct store_val b[] = {store_val_text(aid)};
    if (!rc)
        rc = store_sql(s,
                       "INSERT INTO notify_attempt (outbox_id, attempt_id, started, outcome) "
                       "SELECT id, attempt_id, claimed_at, 'sending' FROM notify_outbox WHERE "
                       "attempt_id = ?",
                       b, 1, NULL, err);
    if (!rc) rc = store_commit(s, err);
    if (rc) {
        store_rollback(s);
        return rc;
    }
    return store_sql(s,
                     "SELECT id, msg_key, recipient, channel, topic, subject, body, ref, attempts "
                     "FROM notify_outbox WHERE attempt_id = ? AND state = 'sending' ORDER BY id",
                     b, 1, rows, err);
}

static struct claimed row_at(const struct store_rows *r, int i) {
    return (struct claimed){.id = store_rows_int(r, i, 0),
                            .key = store_rows_text(r, i, 1),
                            .recipient = store_rows_text(r, i, 2),
                            .channel = notify_channel_from_key(store_rows_text(r, i, 3)),
                            .topic = store_rows_text(r, i, 4),
                            .subject = store_rows_text(r, i, 5),
                            .body = store_rows_text(r, i, 6),
                            .ref = store_rows_is_null(r, i, 7) ? NULL : store_rows_text(r, i, 7),
                            .attempts = (int)store_rows_int(r, i, 8)};
}

static int mark_sent(struct store *s, int64_t id, const char *aid, int64_t now, struct error *err) {
    struct store_val a[] = {store_val_int(now), store_val_int(id), store_val_text(aid)};
    int rc = store_sql(s,
                       "UPDATE notify_outbox SET state = 'sent', sent_at = ?, last_error = NULL "
                       "WHERE id = ? AND attempt_id = ?",
                       a, 3, NULL, err);
    struct store_val b[] = {store_val_int(now), store_val_int(id), store_val_text(aid)};
    if (!rc)
        rc = store_sql(s,
                       "UPDATE notify_attempt SET outcome = 'ok', finished = ? WHERE outbox_id = ? "
                       "AND attempt_id = ?",
                       b, 3, NULL, err);
    return rc;
}

/* The inbox rows of a batch, in one transaction with their 'sent' marks. */
static int deliver_inapp(struct store *s, const struct store_rows *r, const char *aid, int64_t now,
                         struct notify_send_stats *st, struct error *err) {
    int rc = store_begin(s, err);
    int64_t n = 0;
    for (int i = 0; !rc && i < store_rows_count(r); i++) {
        struct claimed m = row_at(r, i);
        if (m.channel != NOTIFY_INAPP) continue;
        struct store_val a[] = {store_val_int(m.id),     store_val_text(m.recipient),
                                store_val_text(m.topic), store_val_text(m.subject),
                                store_val_text(m.body),  store_val_text(m.ref),
                                store_val_int(now)};
        rc = store_sql(s,
                       "INSERT INTO notify_inbox (outbox_id, recipient, topic, subject, body, ref, "
                       "created) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (outbox_id) DO NOTHING",
                       a, 7, NULL, err);
        if (!rc) rc = mark_sent(s, m.id, aid, now, err);
        n++;
    }
    if (!rc) rc = store_commit(s, err);
    if (rc) {
        store_rollback(s);
        return rc;
    }
    st->sent += n;
    return 0;
}

static int record_failure(struct store *s, const struct notify_sender_config *c,
                          const struct claimed *m, const char *aid, const char *why, int64_t now,
                          struct notify_send_stats *st, struct error *err) {
    int max = c->max_attempts > 0 ? c->max_attempts : 8;
    bool is_final = m->attempts >= max;
    struct store_val a[] = {store_val_text(is_final ? "failed" : "queued"),
                            store_val_int(now + notify_backoff(c, m->attempts)),
                            store_val_text(why), store_val_int(m->id), store_val_text(aid)};
    int rc = store_begin(s, err);
    if (!rc)
        rc = store_sql(s,
                       "UPDATE notify_outbox SET state = ?, next_at = ?, last_error = ? WHERE id = "
                       "? AND attempt_id = ?",
                       a, 5, NULL, err);
    struct store_val b[] = {store_val_int(now), store_val_text(why), store_val_int(m->id),
                            store_val_text(aid)};
    if (!rc)
        rc = store_sql(s,
                       "UPDATE notify_attempt SET outcome = 'error', finished = ?, error = ? WHERE "
                       "outbox_id = ? AND attempt_id = ?",
                       b, 4, NULL, err);
    if (!rc) rc = store_commit(s, err);
    if (rc) {
        store_rollback(s);
        return rc;
    }
    if (is_final)
        st->failed++;
    else
        st->retried++;
    return 0;
}

static int deliver_external(struct store *s, const struct notify_sender_config *c,
                            const struct claimed *m, struct error *err) {
    struct notify_prefs p;
    int rc = notify_prefs_get(s, m->recipient, &p, err);
    if (rc) return rc;
    if (m->channel == NOTIFY_EMAIL) {
        if (!c->smtp)
            return error_set(err, ERR_UNSUPPORTED, "未配置邮件服务器", "no SMTP server configured");
        if (!*p.email)
            return error_set(err, ERR_INVALID, "接收人没有邮箱", "the recipient has no email");
        char unsub[512];
        snprintf(unsub, sizeof unsub, "%s/api/notify/unsubscribe?token=%s",
                 c->base_url ? c->base_url : "", p.unsub_token);
        struct wire_msg w = {.key = m->key,
                             .to = p.email,
                             .subject = m->subject,
                             .body = m->body,
                             .unsubscribe = unsub};
        return notify_smtp_send(c, &w, err);
    }
    const char *url = m->channel == NOTIFY_SMS ? c->sms_url : c->wechat_url;
    const char *to = m->channel == NOTIFY_SMS ? p.phone : p.wechat;
    if (!url)
        return error_set(err, ERR_UNSUPPORTED, "未配置%s网关", "no %s gateway configured",
                         notify_channel_key((enum notify_channel)m->channel));
    if (!*to)
        return error_set(err, ERR_INVALID, "接收人没有%s地址", "the recipient has no %s address",
                         notify_channel_key((enum notify_channel)m->channel));
    json_t *o = json_object();
    json_object_set_new(o, "key", json_string(m->key));
    json_object_set_new(o, "channel",
                        json_string(notify_channel_key((enum notify_channel)m->channel)));
    json_object_set_new(o, "to", json_string(to));
    json_object_set_new(o, "recipient", json_string(m->recipient));
    json_object_set_new(o, "topic", json_string(m->topic));
    json_object_set_new(o, "subject", json_string(m->subject));
    json_object_set_new(o, "body", json_string(m->body));
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!text) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    rc = notify_webhook_post(c, url, text, m->key, notify_now(), err);
    free(text);
    return rc;
}

static void pace(const struct notify_sender_config *c, struct timespec *last) {
    if (c->rate <= 0) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double gap = 1.0 / c->rate;
    double since =
        (double)(now.tv_sec - last->tv_sec) + (double)(now.tv_nsec - last->tv_nsec) / 1e9;
    if (last->tv_sec && since < gap) {
        double w = gap - since;
        struct timespec d = {.tv_sec = (time_t)w, .tv_nsec = (long)((w - (double)(time_t)w) * 1e9)};
        nanosleep(&d, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, last);
}

int notify_send_batch(struct store *s, const struct notify_sender_config *c,
                      struct notify_send_stats *st, struct error *err) {
    char aid[80];
    attempt_id(aid, sizeof aid);
    struct store_rows *r;
    int rc = claim(s, c, aid, notify_now(), &r, err);
    if (rc) return rc;
    int n = store_rows_count(r);
    st->claimed += n;
    rc = deliver_inapp(s, r, aid, notify_now(), st, err);
    static struct timespec last;
    for (int i = 0; !rc && i < n; i++) {
        struct claimed m = row_at(r, i);
        if (m.channel == NOTIFY_INAPP) continue;
        pace(c, &last);
        struct error we;
        error_clear(&we);
        if (m.channel < 0)
            error_set(&we, ERR_INVALID, "未知渠道", "unknown channel");
        else
            deliver_external(s, c, &m, &we);
        int64_t now = notify_now();
        if (we.code) {
            char why[700];
            snprintf(why, sizeof why, "%s / %s", we.zh, we.en);
            rc = record_failure(s, c, &m, aid, why, now, st, err);
        } else {
            rc = store_begin(s, err);
            if (!rc) rc = mark_sent(s, m.id, aid, now, err);
            if (!rc) rc = store_commit(s, err);
            if (rc)
                store_rollback(s);
            else
                st->sent++;
        }
    }
    store_rows_free(r);
    return rc;
}
