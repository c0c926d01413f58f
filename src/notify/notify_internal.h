/* Shared between the files of src/notify only: the wire protocols send.c calls. */
#ifndef DUIJIE_NOTIFY_INTERNAL_H
#define DUIJIE_NOTIFY_INTERNAL_H

#include "notify/notify.h"

struct wire_msg {
    const char *key; /* the outbox key: X-Duijie-Key and the Message-ID, for deduplication */
    const char *to;  /* email address */
    const char *subject, *body;
    const char *unsubscribe; /* the link, or NULL */
};

/* Delivers one email; 0 once the server has accepted the DATA (250). */
int notify_smtp_send(const struct notify_sender_config *c, const struct wire_msg *m,
                     struct error *err);
/* POSTs json to url with X-Duijie-Signature: sha256=HMAC(secret, body) and Idempotency-Key; 0 on
 * a 2xx answer. */
int notify_webhook_post(const struct notify_sender_config *c, const char *url, const char *json,
                        const char *key, int64_t now, struct error *err);
void notify_sha256_hex(const void *msg, size_t len, char hex[65]);

enum { NOTIFY_TLS_NONE, NOTIFY_TLS_STARTTLS, NOTIFY_TLS_IMPLICIT };
/* The SMTP connection's TLS: c->smtp_tls ("none", "starttls", "implicit"), else implicit on port
 * 465 and STARTTLS (required) on any other; -1 for an unknown word. */
int notify_smtp_tls_mode(const struct notify_sender_config *c, const char *port);

#endif
