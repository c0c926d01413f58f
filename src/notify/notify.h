/* Reaching people (站内信, email, SMS, WeChat): an outbox of messages keyed for idempotency, the
 * in-app inbox with read flags, each recipient's preferences (topics, channels, quiet hours,
 * digest or immediate), read receipts of policies by enterprise, the triggers that fill the
 * outbox (a clause published, a deadline near, an application's state, a commissioner assigned,
 * the commissioners' daily digest) and the sender that empties it at a configured rate.
 *
 * A recipient is a USCC (an enterprise) or "u:<user id>" (a person). Every message has a key
 * ("publish:<clause>:<version>:<uscc>"); queueing a key that is already there does nothing, so a
 * trigger may run twice. Delivery is at least once for external channels (email, webhooks) and
 * exactly once for the inbox: docs/REACH.md says where the boundary lies. */
#ifndef DUIJIE_NOTIFY_H
#define DUIJIE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct store;
struct index_gen;
struct notify_sender_config;

enum notify_channel {
    NOTIFY_INAPP = 0, /* 站内信: always on */
    NOTIFY_EMAIL,
    NOTIFY_SMS,
    NOTIFY_WECHAT,
    NOTIFY_CHANNEL_COUNT
};

/* "inapp", "email", "sms", "wechat"; NULL past the end. */
const char *notify_channel_key(enum notify_channel c);
/* -1 when unknown. */
int notify_channel_from_key(const char *key);

/* ---- the outbox ---- */

struct notify_msg {
    const char *key;       /* idempotency key, unique over the outbox */
    const char *recipient; /* USCC or "u:<id>" */
    enum notify_channel channel;
    const char *topic;   /* "publish", "deadline", "application", "commissioner", "digest" … */
    const char *subject; /* one line */
    const char *body;    /* plain text */
    const char *ref;     /* what it is about ("clause:12", "policy:3", "app:9"), or NULL */
};

/* Queueing many messages: one transaction (the caller's, or one of its own), one prepared
 * multi-row INSERT … ON CONFLICT DO NOTHING reused for every batch. Messages on other channels
 * than the inbox are added per the recipient's preferences (see notify_prefs), deferred past quiet
 * hours, held for the digest when the recipient asked for one. */
struct notify_queue;
int notify_queue_new(struct store *s, int64_t now, struct notify_queue **out, struct error *err);
/* Adds m (copied); flushes a batch when full. */
int notify_queue_add(struct notify_queue *q, const struct notify_msg *m, struct error *err);
/* Flushes and commits (when the queue opened the transaction); *n_new (may be NULL) gets how many
 * rows were new (keys already queued are not counted). Frees q in every case. */
int notify_queue_finish(struct notify_queue *q, int64_t *n_new, struct error *err);
/* Rolls back what the queue wrote (when it opened the transaction) and frees it. */
void notify_queue_abort(struct notify_queue *q);
/* Ends a queue after work that returned rc: finishes it when rc is 0, aborts it otherwise; returns
 * rc or the finish's error. A NULL q (never opened) returns rc. */
int notify_queue_end(struct notify_queue *q, int rc, int64_t *n_new, struct error *err);

/* One message on its own (its own transaction unless one is open). *is_new when it was queued. */
int notify_enqueue(struct store *s, const struct notify_msg *m, int64_t now, bool *is_new,
                   struct error *err);

/* ---- triggers ---- */

struct notify_counts {
    int64_t eligible, unknown, nearly; /* firms found per event kind, over every clause */
    int64_t queued;                    /* rows new in the outbox (all channels) */
};

/* A policy was published: for each of its published clauses (the version in force today), every
 * firm in g that qualifies, might qualify (a value is missing) or nearly qualifies (one condition
 * fails: the message says which), one message each, key
 * "publish:<clause>:<version>:<uscc>". Runs in one transaction. */
int notify_policy_published(struct store *s, const struct index_gen *g, int64_t policy_id,
                            int64_t now, struct notify_counts *out, struct error *err);

/* For the publish endpoint: records, inside the caller's transaction, that the policy's firms are
 * to be told; the sender (notify_run_events) does it with the current index, so publishing stays
 * quick and a crash between the two loses nothing (the event stays until it is done). */
int notify_publish_later(struct store *s, int64_t policy_id, int64_t now, struct error *err);
/* Events not yet done. */
int64_t notify_events_pending(struct store *s);
/* Runs every pending event against g (notify_policy_published) and marks it done. */
int notify_run_events(struct store *s, const struct index_gen *g, int64_t now,
                      struct notify_counts *out, struct error *err);

/* notify_run_events with the store's enterprises loaded into an index for today, only when an
 * event is pending (the sender's loop calls it). */
int notify_run_pending(struct store *s, int64_t now, struct notify_counts *out, struct error *err);

/* Deadline reminders for `today`: for every published clause whose deadline is 7 or 1 days away,
 * every firm that qualifies and has not applied (the workflow's table `applications`, columns
 * uscc and clause_id, read when it exists), key "deadline:<clause>:<days>:<uscc>". */
int notify_deadlines(struct store *s, const struct index_gen *g, int32_t today, int64_t now,
                     struct notify_counts *out, struct error *err);

/* For the workflow: an application moved to a new state. event_id makes the key
 * ("app:<application>:<event>") so the same change is told once. */
int notify_application_changed(struct store *s, int64_t application_id, int64_t event_id,
                               const char *uscc, const char *clause_title, const char *state,
                               int64_t now, struct error *err);

/* A commissioner was assigned to the firm (key "commissioner:<uscc>:<user id>"). */
int notify_commissioner_assigned(struct store *s, const char *uscc, int64_t commissioner_id,
                                 const char *commissioner_name, const char *contact, int64_t now,
                                 struct error *err);

/* ---- the commissioners' daily digest (digest.c) ---- */

struct notify_digest_stats {
    int clauses;           /* published the day before */
    int64_t commissioners; /* active commissioners of the network */
    int64_t told;          /* of them, with something to report and a user account */
    int64_t empty;         /* nothing new and nothing overdue: no message */
    int64_t no_user;       /* something to report but no (enabled) user account to tell */
    int64_t matches;       /* firm × clause lines over every digest */
    int64_t overdue;       /* overdue items over every digest */
    int64_t queued;        /* rows new in the outbox (0 when the day's digests were there) */
};

/* The digest for `day` (Beijing) to every active commissioner of the service network with a user
 * account: the enterprises assigned to them (network_assigned) that g finds eligible for the
 * clauses of the policies published on day − 1, named (first few per clause), and their overdue
 * items: applications past their state's limit (workflow), open requests of their towns past the
 * deadline (tickets), visit next steps past their date. Key "digest:<user id>:<day>": running it
 * twice queues nothing new. A commissioner with nothing to report gets no message. */
int notify_daily_digest(struct store *s, const struct index_gen *g, int32_t day, int64_t now,
                        struct notify_digest_stats *out, struct error *err);
/* notify_daily_digest with an index of the store loaded for day, recorded in notify_digest_day
 * (started, then done); the scheduler skips a day recorded done. */
int notify_digest_day(struct store *s, int32_t day, int64_t now, struct notify_digest_stats *out,
                      struct error *err);
/* For a sender's loop: runs the digest when its time (c->digest_at; -1 = never) has come and the
 * day is not recorded done (by this process, another replica or `notify digest`), then sets *next
 * to the following time. *next starts at 0: the first call takes today's time, so a sender
 * started after it runs the missed day at once. Says what it did on stderr. */
void notify_digest_tick(struct store *s, const struct notify_sender_config *c, int64_t *next);
/* Whether the digest of day is recorded done. */
int notify_digest_is_done(struct store *s, int32_t day);
/* The Beijing day (UTC+8) of unix time t. */
int32_t notify_local_day(int64_t t);
/* Unix time of at_minute (minutes after midnight, Beijing) on day. */
int64_t notify_digest_time(int32_t day, int at_minute);
/* The first digest time strictly after now. */
int64_t notify_digest_next(int64_t now, int at_minute);
/* "HH:MM" (Beijing) → minutes after midnight; "off" → -1. */
int notify_digest_parse_at(const char *s, int *minute, struct error *err);

/* Held messages (recipients who asked for a digest) of each recipient and channel combined into
 * one message, key "held:<recipient>:<channel>:<day>"; the originals are marked 'merged'. */
int notify_flush_held(struct store *s, int32_t day, int64_t now, int64_t *n_digests,
                      struct error *err);

/* ---- preferences (订阅) ---- */

struct notify_prefs {
    char recipient[64];
    bool channels[NOTIFY_CHANNEL_COUNT]; /* the inbox is always on whatever this says */
    char topics[256];                    /* comma-separated topics subscribed to; "*" = all */
    int quiet_from;  /* minutes after midnight (Beijing time) quiet hours start; -1 none */
    int quiet_to;    /* minutes after midnight they end (may wrap past midnight) */
    bool is_digest;  /* external channels: one message a day instead of each */
    char email[128]; /* addresses for the channels */
    char phone[32];
    char wechat[64];      /* openid */
    char unsub_token[40]; /* in every email's unsubscribe link; set on first save */
};

/* Defaults (inbox only, all topics, no quiet hours) when none saved. */
int notify_prefs_get(struct store *s, const char *recipient, struct notify_prefs *out,
                     struct error *err);
/* Validates (known topics syntax, email with '@', quiet hours in 0..1439) and saves. */
int notify_prefs_put(struct store *s, struct notify_prefs *p, struct error *err);
/* The unsubscribe link's token: every external channel off for its recipient. ERR_NOTFOUND when
 * no such token. */
int notify_unsubscribe(struct store *s, const char *token, char *recipient, size_t n,
                       struct error *err);
/* Whether topic is among a comma list ("*" matches all). */
bool notify_topic_wanted(const char *topics, const char *topic);
/* The first moment at or after now (seconds) outside the quiet hours [from, to) (Beijing time). */
int64_t notify_after_quiet(int64_t now, int quiet_from, int quiet_to);

/* ---- the inbox (站内信) and read receipts ---- */

/* Marks one inbox message read (only the recipient's own; ERR_NOTFOUND otherwise). A message
 * about a policy or clause also records the policy's read receipt for an enterprise. */
int notify_inbox_read(struct store *s, const char *recipient, int64_t id, int64_t now,
                      struct error *err);
int64_t notify_inbox_unread(struct store *s, const char *recipient);
/* The firm has seen the policy (first time kept). */
int notify_receipt(struct store *s, int64_t policy_id, const char *uscc, int64_t now,
                   struct error *err);

/* A page of the recipient's inbox, newest first, as JSON text (malloc'd): {"unread", "total",
 * "messages": [{id, topic, subject, body, ref, created, read}]}. */
int notify_inbox_json(struct store *s, const char *recipient, bool is_unread_only, int page,
                      int page_size, char **out, struct error *err);

/* One firm told about a policy and whether it has read it (the commissioner's queue). */
struct notify_receipt_row {
    char uscc[20];
    int64_t region_code; /* the enterprise's registered region (NBS code), 0 unknown */
    int64_t first_read;  /* seconds; 0 = not read */
};
/* Every firm whose inbox got a message about the policy, with its read receipt; rows malloc'd. */
int notify_receipts(struct store *s, int64_t policy_id, struct notify_receipt_row **rows, int *n,
                    struct error *err);

/* Outbox counts by channel and state as JSON text (malloc'd). */
int notify_stats_json(struct store *s, char **out, struct error *err);

/* ---- the sender ---- */

struct notify_sender_config {
    const char *smtp;       /* "host:port" of the SMTP server; NULL = email not configured */
    const char *smtp_tls;   /* "starttls" (required), "implicit" (TLS from the first byte) or
                               "none"; NULL = implicit on port 465, else starttls */
    const char *ca_file;    /* PEM CAs the servers' certificates must chain to; NULL = system */
    bool tls_insecure;      /* tests only: no certificate or name check */
    const char *mail_from;  /* envelope and From: address */
    const char *sms_url;    /* "http(s)://host:port/path" of the SMS gateway's webhook */
    const char *wechat_url; /* the same for WeChat template messages */
    const char *secret;     /* HMAC-SHA256 key for the webhooks' X-Duijie-Signature */
    const char *base_url;   /* for the unsubscribe link ("https://zc.qingdao.gov.cn") */
    double rate;            /* messages a second at most; 0 = as fast as they go */
    int batch;              /* rows claimed at once; 0 = 50 */
    int max_attempts;       /* then 'failed'; 0 = 8 */
    int backoff_s;          /* first retry after this many seconds, doubling; 0 = 30 */
    int lease_s;            /* a 'sending' row claimed longer ago is taken back; 0 = 300 */
    int timeout_ms;         /* per connection; 0 = 10000 */
    int digest_at; /* the commissioners' digest (serve's sender thread): minutes after midnight,
                      Beijing time; -1 = off. notify_config_from_env: DUIJIE_DIGEST_AT, 08:00 */
};

#define NOTIFY_DIGEST_AT_DEFAULT (8 * 60)

struct notify_send_stats {
    int64_t claimed, sent, retried, failed, recovered;
};

/* Fills c from the environment: DUIJIE_SMTP, DUIJIE_SMTP_TLS, DUIJIE_TLS_CA_FILE,
 * DUIJIE_TLS_INSECURE (=1; tests only), DUIJIE_MAIL_FROM, DUIJIE_SMS_URL,
 * DUIJIE_WECHAT_URL, DUIJIE_WEBHOOK_SECRET, DUIJIE_BASE_URL, DUIJIE_NOTIFY_RATE (messages a
 * second), DUIJIE_DIGEST_AT ("HH:MM" or "off"; default 08:00); the rest 0 (defaults). */
void notify_config_from_env(struct notify_sender_config *c);

/* A sender thread for `duijie serve`: its own store connection on db, the publish events, then
 * batches of due messages; idle, it waits a second; rows a dead sender left are taken back after
 * the lease. notify_sender_stop finishes the message in hand and joins. */
struct notify_sender;
int notify_sender_start(const char *db, const struct notify_sender_config *c,
                        struct notify_sender **out, struct error *err);
void notify_sender_stop(struct notify_sender *t);

/* Takes back rows left 'sending' by a sender that died: those claimed more than lease seconds ago
 * (or all of them when is_all: this is the only sender) go back to 'queued' with their attempt
 * recorded as unacknowledged. */
int notify_recover(struct store *s, const struct notify_sender_config *c, bool is_all, int64_t now,
                   int64_t *n, struct error *err);
/* Claims and delivers one batch of due messages; *n_claimed 0 means nothing was due. */
int notify_send_batch(struct store *s, const struct notify_sender_config *c,
                      struct notify_send_stats *st, struct error *err);
/* The delay before retry k (1-based): backoff × 2^(k-1), at most a day. */
int64_t notify_backoff(const struct notify_sender_config *c, int attempt);

/* ---- primitives shared with the tests ---- */

/* HMAC-SHA256 of msg under key as 64 lower-case hex digits + NUL into hex. */
void notify_hmac_hex(const char *key, const void *msg, size_t len, char hex[65]);
/* Seconds since 1970 (the clock notify uses; tests pass their own `now`). */
int64_t notify_now(void);

#endif
