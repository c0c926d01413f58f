/* Owns the notify tables (outbox, delivery attempts, inbox, preferences, read receipts), queueing
 * with idempotent keys, the preferences and the inbox. The triggers that decide who hears what are
 * in trigger.c; delivery is send.c and wire.c. Knows nothing of HTTP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "notify/notify.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/utf8.h"

const char *const store_module_notify[] = {
    "CREATE TABLE notify_outbox (id {ID}, msg_key TEXT NOT NULL UNIQUE, recipient TEXT NOT NULL, "
    "channel TEXT NOT NULL, topic TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, ref "
    "TEXT, created BIGINT NOT NULL, next_at BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, "
    "state TEXT NOT NULL DEFAULT 'queued', attempt_id TEXT, claimed_at BIGINT, sent_at BIGINT, "
    "last_error TEXT);"
    "CREATE INDEX notify_outbox_due ON notify_outbox (state, next_at);"
    "CREATE INDEX notify_outbox_rcpt ON notify_outbox (recipient);"
    "CREATE INDEX notify_outbox_attempt ON notify_outbox (attempt_id);"
    "CREATE TABLE notify_attempt (id {ID}, outbox_id BIGINT NOT NULL, attempt_id TEXT NOT NULL, "
    "started BIGINT NOT NULL, finished BIGINT, outcome TEXT NOT NULL, error TEXT);"
    "CREATE INDEX notify_attempt_msg ON notify_attempt (outbox_id);"
    "CREATE TABLE notify_inbox (id {ID}, outbox_id BIGINT UNIQUE, recipient TEXT NOT NULL, topic "
    "TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, ref TEXT, created BIGINT NOT NULL, "
    "read_at BIGINT);"
    "CREATE INDEX notify_inbox_rcpt ON notify_inbox (recipient, id);"
    "CREATE TABLE notify_prefs (recipient TEXT PRIMARY KEY, channels TEXT NOT NULL, topics TEXT "
    "NOT NULL, quiet_from BIGINT NOT NULL, quiet_to BIGINT NOT NULL, digest BIGINT NOT NULL, "
    "email TEXT, phone TEXT, wechat TEXT, unsub_token TEXT UNIQUE, updated BIGINT NOT NULL);"
    "CREATE TABLE notify_receipt (policy_id BIGINT NOT NULL, uscc TEXT NOT NULL, first_read "
    "BIGINT NOT NULL, PRIMARY KEY (policy_id, uscc));"
    "CREATE TABLE notify_event (id {ID}, kind TEXT NOT NULL, ref_id BIGINT NOT NULL, created "
    "BIGINT NOT NULL, done BIGINT, queued BIGINT);"
    "CREATE INDEX notify_event_pending ON notify_event (done);",
    /* 2: the commissioners' daily digest, one row per day (digest.c) */
    "CREATE TABLE notify_digest_day (day BIGINT PRIMARY KEY, started BIGINT NOT NULL, done "
    "BIGINT, queued BIGINT);",
    NULL};

static const char *const channel_keys[] = {"inapp", "email", "sms", "wechat"};

const char *notify_channel_key(enum notify_channel c) {
    return (unsigned)c < NOTIFY_CHANNEL_COUNT ? channel_keys[c] : NULL;
}

int notify_channel_from_key(const char *key) {
    for (int i = 0; key && i < NOTIFY_CHANNEL_COUNT; i++)
        if (strcmp(key, channel_keys[i]) == 0) return i;
    return -1;
}

int64_t notify_now(void) {
    return (int64_t)time(NULL);
}

/* Topics a recipient cannot turn off: their own business. */
static bool is_mandatory(const char *topic) {
    return strcmp(topic, "application") == 0 || strcmp(topic, "ticket") == 0 ||
           strcmp(topic, "commissioner") == 0;
}

bool notify_topic_wanted(const char *topics, const char *topic) {
    if (!topics || is_mandatory(topic)) return true;
    size_t n = strlen(topic);
    for (const char *p = topics; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if ((len == 1 && *p == '*') || (len == n && memcmp(p, topic, n) == 0)) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

int64_t notify_after_quiet(int64_t now, int quiet_from, int quiet_to) {
    if (quiet_from < 0 || quiet_to < 0 || quiet_from == quiet_to) return now;
    int64_t local = now + 8 * 3600; /* Beijing time */
    int m = (int)((local % 86400) / 60);
    bool is_quiet =
        quiet_from < quiet_to ? m >= quiet_from && m < quiet_to : m >= quiet_from || m < quiet_to;
    if (!is_quiet) return now;
    int wait = (quiet_to - m + 1440) % 1440;
    return now - local % 60 + (int64_t)wait * 60;
}

/* ---- preferences ---- */

static void prefs_default(struct notify_prefs *p, const char *recipient) {
    memset(p, 0, sizeof *p);
    snprintf(p->recipient, sizeof p->recipient, "%s", recipient);
    p->channels[NOTIFY_INAPP] = true;
    strcpy(p->topics, "*");
    p->quiet_from = p->quiet_to = -1;
}

static void channels_text(const bool *ch, char *out, size_t n) {
    out[0] = 0;
    for (int c = 0; c < NOTIFY_CHANNEL_COUNT; c++)
        if (ch[c] || c == NOTIFY_INAPP)
            snprintf(out + strlen(out), n - strlen(out), "%s%s", *out ? "," : "", channel_keys[c]);
}

static void channels_parse(const char *t, bool *ch) {
    for (int c = 0; c < NOTIFY_CHANNEL_COUNT; c++)
        ch[c] = c == NOTIFY_INAPP || notify_topic_wanted(t, channel_keys[c]);
}

#define PREFS_COLS                                                                                 \
    "recipient, channels, topics, quiet_from, quiet_to, digest, email, phone, wechat, unsub_token"

static void prefs_from_row(const struct store_rows *r, int i, struct notify_prefs *p) {
    prefs_default(p, store_rows_text(r, i, 0));
    channels_parse(store_rows_text(r, i, 1), p->channels);
    snprintf(p->topics, sizeof p->topics, "%s", store_rows_text(r, i, 2));
    p->quiet_from = (int)store_rows_int(r, i, 3);
    p->quiet_to = (int)store_rows_int(r, i, 4);
    p->is_digest = store_rows_int(r, i, 5) != 0;
    snprintf(p->email, sizeof p->email, "%s", store_rows_text(r, i, 6));
    snprintf(p->phone, sizeof p->phone, "%s", store_rows_text(r, i, 7));
    snprintf(p->wechat, sizeof p->wechat, "%s", store_rows_text(r, i, 8));
    snprintf(p->unsub_token, sizeof p->unsub_token, "%s", store_rows_text(r, i, 9));
}

int notify_prefs_get(struct store *s, const char *recipient, struct notify_prefs *out,
                     struct error *err) {
    struct store_val a[] = {store_val_text(recipient)};
    struct store_rows *r;
    int rc =
        store_sql(s, "SELECT " PREFS_COLS " FROM notify_prefs WHERE recipient = ?", a, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) == 1)
        prefs_from_row(r, 0, out);
    else
        prefs_default(out, recipient);
    store_rows_free(r);
    return 0;
}

static void new_token(char out[40]) {
    unsigned char b[16];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(b, 1, sizeof b, f) : 0;
    if (f) fclose(f);
    for (size_t i = got; i < sizeof b; i++) /* no urandom: the clock (still unique per row) */
        b[i] = (unsigned char)(rand() ^ (int)clock());
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static bool is_topic_list(const char *t) {
    for (const char *p = t; *p; p++)
        if (!(*p == ',' || *p == '*' || *p == '_' || (*p >= 'a' && *p <= 'z'))) return false;
    return *t != 0;
}

int notify_prefs_put(struct store *s, struct notify_prefs *p, struct error *err) {
    if (!*p->recipient)
        return error_set(err, ERR_INVALID, "缺少接收人", "the recipient is missing");
    if (!is_topic_list(p->topics)) {
        error_set(err, ERR_INVALID, "订阅主题应为逗号分隔的主题名或 *",
                  "topics must be a comma list of topic names or *");
        return error_field(err, "topics");
    }
    bool no_quiet = p->quiet_from == -1 && p->quiet_to == -1;
    if (!no_quiet &&
        (p->quiet_from < 0 || p->quiet_from > 1439 || p->quiet_to < 0 || p->quiet_to > 1439)) {
        error_set(err, ERR_INVALID, "免打扰时段应在 0–1439 分钟之间",
                  "quiet hours must be minutes 0–1439");
        return error_field(err, "quiet_from");
    }
    if (p->channels[NOTIFY_EMAIL] && !strchr(p->email, '@')) {
        error_set(err, ERR_INVALID, "开启邮件通知需要有效的邮箱地址",
                  "email notices need a valid email address");
        return error_field(err, "email");
    }
    if (p->channels[NOTIFY_SMS] && !*p->phone) {
        error_set(err, ERR_INVALID, "开启短信通知需要手机号", "SMS notices need a phone number");
        return error_field(err, "phone");
    }
    if (p->channels[NOTIFY_WECHAT] && !*p->wechat) {
        error_set(err, ERR_INVALID, "开启微信通知需要绑定微信", "WeChat notices need an openid");
        return error_field(err, "wechat");
    }
    const char *fields[] = {p->recipient, p->topics, p->email, p->phone, p->wechat};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (!utf8_is_valid(fields[i], strlen(fields[i]), NULL))
            return error_set(err, ERR_UTF8, "文本不是有效的 UTF-8", "text is not valid UTF-8");
    if (!*p->unsub_token) {
        struct notify_prefs old;
        int rc = notify_prefs_get(s, p->recipient, &old, err);
        if (rc) return rc;
        if (*old.unsub_token)
            memcpy(p->unsub_token, old.unsub_token, sizeof p->unsub_token);
        else
            new_token(p->unsub_token);
    }
    char ch[64];
    channels_text(p->channels, ch, sizeof ch);
    struct store_val a[] = {store_val_text(p->recipient),
                            store_val_text(ch),
                            store_val_text(p->topics),
                            store_val_int(no_quiet ? -1 : p->quiet_from),
                            store_val_int(no_quiet ? -1 : p->quiet_to),
                            store_val_int(p->is_digest),
                            store_val_text(*p->email ? p->email : NULL),
                            store_val_text(*p->phone ? p->phone : NULL),
                            store_val_text(*p->wechat ? p->wechat : NULL),
                            store_val_text(p->unsub_token),
                            store_val_int(notify_now())};
    return store_sql(s,
                     "INSERT INTO notify_prefs (" PREFS_COLS ", updated) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (recipient) DO UPDATE SET "
                     "channels = excluded.channels, topics = excluded.topics, quiet_from = "
                     "excluded.quiet_from, quiet_to = excluded.quiet_to, digest = excluded.digest, "
                     "email = excluded.email, phone = excluded.phone, wechat = excluded.wechat, "
                     "updated = excluded.updated",
                     a, 11, NULL, err);
}

int notify_unsubscribe(struct store *s, const char *token, char *recipient, size_t n,
                       struct error *err) {
    struct store_val a[] = {store_val_text(token)};
    struct store_rows *r;
    int rc =
        store_sql(s, "SELECT recipient FROM notify_prefs WHERE unsub_token = ?", a, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return error_set(err, ERR_NOTFOUND, "退订链接无效", "no such unsubscribe link");
    }
    snprintf(recipient, n, "%s", store_rows_text(r, 0, 0));
    store_rows_free(r);
    rc = store_sql(s, "UPDATE notify_prefs SET channels = 'inapp' WHERE unsub_token = ?", a, 1,
                   NULL, err);
    if (rc) return rc;
    /* what is queued for the external channels is not sent either */
    struct store_val b[] = {store_val_text(recipient)};
    return store_sql(s,
                     "UPDATE notify_outbox SET state = 'cancelled', last_error = 'unsubscribed' "
                     "WHERE recipient = ? AND channel <> 'inapp' AND state IN ('queued', 'held')",
                     b, 1, NULL, err);
}

/* ---- the queue ---- */

#define QUEUE_BATCH 128
#define QUEUE_COLS 10

struct notify_queue {
    struct store *s;
    bool owns_tx;
    int64_t now;
    struct arena batch_arena; /* strings of the rows not yet flushed */
    struct store_val vals[QUEUE_BATCH * QUEUE_COLS];
    int n;
    int64_t n_new;
    char *sql_full;         /* the INSERT for a full batch (the statement SQLite keeps prepared) */
    struct strmap prefs_of; /* recipient → index in prefs (recipients with saved prefs) */
    struct notify_prefs *prefs; /* owned */
    int n_prefs;
};

static char *insert_sql(int rows) {
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "INSERT INTO notify_outbox (msg_key, recipient, channel, topic, subject, body, "
                 "ref, created, next_at, state) VALUES ");
    for (int i = 0; i < rows; i++)
        buf_puts(&b, i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    buf_puts(&b, " ON CONFLICT (msg_key) DO NOTHING");
    return buf_detach(&b);
}

static int load_prefs(struct notify_queue *q, struct error *err) {
    struct store_rows *r;
    int rc = store_sql(q->s,
                       "SELECT " PREFS_COLS " FROM notify_prefs WHERE channels <> 'inapp' OR "
                       "topics <> '*'",
                       NULL, 0, &r, err);
    if (rc) return rc;
    int n = store_rows_count(r);
    q->prefs = calloc((size_t)n + 1, sizeof *q->prefs);
    if (!q->prefs) {
        store_rows_free(r);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; i < n; i++) {
        prefs_from_row(r, i, &q->prefs[i]);
        const char *k = q->prefs[i].recipient;
        if (!strmap_put(&q->prefs_of, k, strlen(k), i)) rc = ERR_NOMEM;
    }
    q->n_prefs = n;
    store_rows_free(r);
    return rc ? error_set(err, rc, "内存不足", "out of memory") : 0;
}

int notify_queue_new(struct store *s, int64_t now, struct notify_queue **out, struct error *err) {
    struct notify_queue *q = calloc(1, sizeof *q);
    if (!q) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    q->s = s;
    q->now = now;
    arena_init(&q->batch_arena, 1 << 16);
    strmap_init(&q->prefs_of);
    q->sql_full = insert_sql(QUEUE_BATCH);
    int rc = q->sql_full ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc) rc = load_prefs(q, err);
    if (!rc) { /* inside the caller's transaction when one is open */
        struct error e2;
        if (store_begin(s, &e2) == 0) q->owns_tx = true;
    }
    if (rc) {
        notify_queue_abort(q);
        return rc;
    }
    *out = q;
    return 0;
}

static int flush(struct notify_queue *q, struct error *err) {
    if (!q->n) return 0;
    char *sql = q->n == QUEUE_BATCH ? q->sql_full : insert_sql(q->n);
    if (!sql) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int rc = store_sql(q->s, sql, q->vals, q->n * QUEUE_COLS, NULL, err);
    if (!rc) q->n_new += store_sql_changes(q->s);
    if (sql != q->sql_full) free(sql);
    q->n = 0;
    arena_release(&q->batch_arena);
    arena_init(&q->batch_arena, 1 << 16);
    return rc;
}

static int add_row(struct notify_queue *q, const struct notify_msg *m, const char *key,
                   enum notify_channel ch, int64_t next_at, const char *state, struct error *err) {
    struct arena *a = &q->batch_arena;
    struct store_val *v = &q->vals[q->n * QUEUE_COLS];
    const char *ks = arena_strdup(a, key), *rs = arena_strdup(a, m->recipient);
    const char *ts = arena_strdup(a, m->topic), *ss = arena_strdup(a, m->subject);
    const char *bs = arena_strdup(a, m->body), *fs = m->ref ? arena_strdup(a, m->ref) : NULL;
    if (!ks || !rs || !ts || !ss || !bs || (m->ref && !fs))
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    v[0] = store_val_text(ks);
    v[1] = store_val_text(rs);
    v[2] = store_val_text(channel_keys[ch]);
    v[3] = store_val_text(ts);
    v[4] = store_val_text(ss);
    v[5] = store_val_text(bs);
    v[6] = store_val_text(fs);
    v[7] = store_val_int(q->now);
    v[8] = store_val_int(next_at);
    v[9] = store_val_text(state);
    return ++q->n == QUEUE_BATCH ? flush(q, err) : 0;
}

static bool is_text_ok(const char *s) {
    return s && *s && utf8_is_valid(s, strlen(s), NULL);
}

int notify_queue_add(struct notify_queue *q, const struct notify_msg *m, struct error *err) {
    if (!is_text_ok(m->key) || !is_text_ok(m->recipient) || !is_text_ok(m->topic) ||
        !is_text_ok(m->subject) || !m->body || !utf8_is_valid(m->body, strlen(m->body), NULL) ||
        (m->ref && !utf8_is_valid(m->ref, strlen(m->ref), NULL)))
        return error_set(err, ERR_INVALID, "消息缺少键、接收人、主题或标题,或不是有效的 UTF-8",
                         "a message needs a key, recipient, topic and subject in valid UTF-8");
    int64_t k;
    const struct notify_prefs *p = NULL;
    if (strmap_get(&q->prefs_of, m->recipient, strlen(m->recipient), &k)) p = &q->prefs[k];
    if (p && !notify_topic_wanted(p->topics, m->topic)) return 0;
    int rc = add_row(q, m, m->key, NOTIFY_INAPP, q->now, "queued", err);
    for (int c = NOTIFY_EMAIL; !rc && p && c < NOTIFY_CHANNEL_COUNT; c++) {
        if (!p->channels[c]) continue;
        char key[512];
        snprintf(key, sizeof key, "%s:%s", m->key, channel_keys[c]);
        int64_t at = notify_after_quiet(q->now, p->quiet_from, p->quiet_to);
        rc = add_row(q, m, key, (enum notify_channel)c, at, p->is_digest ? "held" : "queued", err);
    }
    return rc;
}

static void queue_free(struct notify_queue *q) {
    arena_release(&q->batch_arena);
    strmap_release(&q->prefs_of);
    free(q->prefs);
    free(q->sql_full);
    free(q);
}

int notify_queue_finish(struct notify_queue *q, int64_t *n_new, struct error *err) {
    int rc = flush(q, err);
    if (q->owns_tx) {
        if (!rc) rc = store_commit(q->s, err);
        if (rc) store_rollback(q->s);
    }
    if (n_new) *n_new = rc ? 0 : q->n_new;
    queue_free(q);
    return rc;
}

void notify_queue_abort(struct notify_queue *q) {
    if (q->owns_tx) store_rollback(q->s);
    queue_free(q);
}

int notify_queue_end(struct notify_queue *q, int rc, int64_t *n_new, struct error *err) {
    if (!q) return rc;
    if (!rc) return notify_queue_finish(q, n_new, err);
    notify_queue_abort(q);
    return rc;
}

int notify_enqueue(struct store *s, const struct notify_msg *m, int64_t now, bool *is_new,
                   struct error *err) {
    struct notify_queue *q;
    int rc = notify_queue_new(s, now, &q, err);
    if (rc) return rc;
    int64_t n = 0;
    rc = notify_queue_end(q, notify_queue_add(q, m, err), &n, err);
    if (is_new) *is_new = n > 0;
    return rc;
}

/* ---- inbox and receipts ---- */

int notify_receipt(struct store *s, int64_t policy_id, const char *uscc, int64_t now,
                   struct error *err) {
    struct store_val a[] = {store_val_int(policy_id), store_val_text(uscc), store_val_int(now)};
    return store_sql(s,
                     "INSERT INTO notify_receipt (policy_id, uscc, first_read) VALUES (?, ?, ?) "
                     "ON CONFLICT (policy_id, uscc) DO NOTHING",
                     a, 3, NULL, err);
}

int notify_inbox_read(struct store *s, const char *recipient, int64_t id, int64_t now,
                      struct error *err) {
    struct store_val a[] = {store_val_int(id), store_val_text(recipient)};
    struct store_rows *r;
    int rc =
        store_sql(s, "SELECT ref FROM notify_inbox WHERE id = ? AND recipient = ?", a, 2, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return error_set(err, ERR_NOTFOUND, "没有这条站内信", "no such message");
    }
    long long pid = 0;
    bool is_policy = sscanf(store_rows_text(r, 0, 0), "policy:%lld", &pid) == 1;
    store_rows_free(r);
    struct store_val b[] = {store_val_int(now), store_val_int(id)};
    rc = store_sql(s, "UPDATE notify_inbox SET read_at = ? WHERE id = ? AND read_at IS NULL", b, 2,
                   NULL, err);
    if (!rc && is_policy && strncmp(recipient, "u:", 2) != 0)
        rc = notify_receipt(s, pid, recipient, now, err);
    return rc;
}

int64_t notify_inbox_unread(struct store *s, const char *recipient) {
    struct store_val a[] = {store_val_text(recipient)};
    int64_t n = 0;
    struct error err;
    if (store_sql_int(s,
                      "SELECT COUNT(*) FROM notify_inbox WHERE recipient = ? AND read_at IS NULL",
                      a, 1, 0, &n, &err))
        return -1;
    return n;
}

int notify_inbox_json(struct store *s, const char *recipient, bool is_unread_only, int page,
                      int page_size, char **out, struct error *err) {
    if (page < 1) page = 1;
    if (page_size < 1 || page_size > 200) page_size = 20;
    struct store_val a[] = {store_val_text(recipient), store_val_int(is_unread_only),
                            store_val_int(page_size),
                            store_val_int((int64_t)(page - 1) * page_size)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT id, topic, subject, body, ref, created, read_at FROM notify_inbox "
                       "WHERE recipient = ? AND (? = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT "
                       "? OFFSET ?",
                       a, 4, &r, err);
    if (rc) return rc;
    int64_t total = 0;
    rc = store_sql_int(s, "SELECT COUNT(*) FROM notify_inbox WHERE recipient = ?", a, 1, 0, &total,
                       err);
    json_t *o = json_object(), *list = json_array();
    json_object_set_new(o, "unread", json_integer(notify_inbox_unread(s, recipient)));
    json_object_set_new(o, "total", json_integer(total));
    for (int i = 0; i < store_rows_count(r); i++) {
        json_t *m = json_object();
        json_object_set_new(m, "id", json_integer(store_rows_int(r, i, 0)));
        json_object_set_new(m, "topic", json_string(store_rows_text(r, i, 1)));
        json_object_set_new(m, "subject", json_string(store_rows_text(r, i, 2)));
        json_object_set_new(m, "body", json_string(store_rows_text(r, i, 3)));
        json_object_set_new(m, "ref",
                            store_rows_is_null(r, i, 4) ? json_null()
                                                        : json_string(store_rows_text(r, i, 4)));
        json_object_set_new(m, "created", json_integer(store_rows_int(r, i, 5)));
        json_object_set_new(m, "read", json_boolean(!store_rows_is_null(r, i, 6)));
        json_array_append_new(list, m);
    }
    store_rows_free(r);
    json_object_set_new(o, "messages", list);
    if (!rc) *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return rc;
}

int notify_receipts(struct store *s, int64_t policy_id, struct notify_receipt_row **rows, int *n,
                    struct error *err) {
    char like[48];
    snprintf(like, sizeof like, "policy:%lld:%%", (long long)policy_id);
    struct store_val a[] = {store_val_int(policy_id), store_val_text(like)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT i.recipient, MAX(e.region_code), MAX(r.first_read) FROM "
                       "notify_inbox i LEFT JOIN notify_receipt r ON r.policy_id = ? AND r.uscc = "
                       "i.recipient LEFT JOIN enterprise e ON e.uscc = i.recipient WHERE i.ref "
                       "LIKE ? GROUP BY i.recipient ORDER BY i.recipient",
                       a, 2, &r, err);
    if (rc) return rc;
    *n = store_rows_count(r);
    *rows = calloc((size_t)*n + 1, sizeof **rows);
    if (!*rows) {
        store_rows_free(r);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; i < *n; i++) {
        snprintf((*rows)[i].uscc, sizeof(*rows)[i].uscc, "%s", store_rows_text(r, i, 0));
        (*rows)[i].region_code = store_rows_int(r, i, 1);
        (*rows)[i].first_read = store_rows_int(r, i, 2);
    }
    store_rows_free(r);
    return 0;
}

int notify_stats_json(struct store *s, char **out, struct error *err) {
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT channel, state, COUNT(*) FROM notify_outbox GROUP BY channel, state "
                       "ORDER BY channel, state",
                       NULL, 0, &r, err);
    if (rc) return rc;
    json_t *o = json_object();
    for (int i = 0; i < store_rows_count(r); i++) {
        const char *ch = store_rows_text(r, i, 0);
        json_t *c = json_object_get(o, ch);
        if (!c) json_object_set_new(o, ch, c = json_object());
        json_object_set_new(c, store_rows_text(r, i, 1), json_integer(store_rows_int(r, i, 2)));
    }
    store_rows_free(r);
    *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return 0;
}
