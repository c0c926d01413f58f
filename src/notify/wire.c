/* Owns the wire protocols of the external channels: SMTP over a plain socket (EHLO, MAIL FROM,
 * RCPT TO, DATA; UTF-8 subject as RFC 2047, body in base64) and an HTTP/1.1 POST of JSON with an
 * HMAC-SHA256 signature header for the SMS and WeChat gateways. No TLS: a city's gateways sit on
 * its own network (docs/REACH.md). Does not decide what is sent or when (send.c). */
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "notify/notify_internal.h"
#include "util/buf.h"

void notify_hmac_hex(const char *key, const void *msg, size_t len, char hex[65]) {
    struct hmac_sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    hmac_sha256_set_key(&ctx, strlen(key), (const uint8_t *)key);
    hmac_sha256_update(&ctx, len, msg);
    hmac_sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

void notify_sha256_hex(const void *msg, size_t len, char hex[65]) {
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, msg);
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void base64_append(struct buf *b, const char *s, size_t len, size_t wrap) {
    char *out = malloc(BASE64_ENCODE_RAW_LENGTH(len) + 1);
    if (!out) {
        b->is_oom = true;
        return;
    }
    base64_encode_raw(out, len, (const uint8_t *)s);
    size_t n = BASE64_ENCODE_RAW_LENGTH(len);
    for (size_t i = 0; i < n; i += wrap ? wrap : n) {
        size_t k = wrap && n - i > wrap ? wrap : n - i;
        buf_append(b, out + i, k);
        if (wrap) buf_puts(b, "\r\n");
    }
    free(out);
}

/* "host:port" → a connected socket with timeouts, or -1 with err set. */
static int dial(const char *host, const char *port, int timeout_ms, struct error *err) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(host, port, &hints, &res) != 0) {
        error_set(err, ERR_IO, "无法解析地址 %s", "cannot resolve %s", host);
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        error_set(err, ERR_IO, "无法连接 %s:%s (%s)", "cannot connect to %s:%s (%s)", host, port,
                  strerror(errno));
    return fd;
}

static int send_all(int fd, const char *p, size_t n, struct error *err) {
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0)
            return error_set(err, ERR_IO, "发送失败 (%s)", "send failed (%s)", strerror(errno));
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Splits "host:port" (the last colon). */
static int split_host_port(const char *hp, char *host, size_t nh, char *port, size_t np,
                           const char *def_port, struct error *err) {
    const char *c = strrchr(hp, ':');
    size_t hl = c ? (size_t)(c - hp) : strlen(hp);
    if (!hl || hl >= nh || (c && strlen(c + 1) >= np))
        return error_set(err, ERR_INVALID, "地址格式应为 主机:端口", "an address is host:port");
    memcpy(host, hp, hl);
    host[hl] = 0;
    snprintf(port, np, "%s", c ? c + 1 : def_port);
    return 0;
}

/* Reads one SMTP reply (all its lines); returns the code or -1. */
static int smtp_reply(int fd, char *last, size_t n) {
    char line[1024];
    size_t len = 0;
    for (;;) {
        char ch;
        ssize_t k = recv(fd, &ch, 1, 0);
        if (k <= 0) return -1;
        if (ch != '\n') {
            if (len < sizeof line - 1) line[len++] = ch;
            continue;
        }
        if (len && line[len - 1] == '\r') len--;
        line[len] = 0;
        if (len < 3) return -1;
        if (len == 3 || line[3] == ' ') {
            size_t keep = len < n - 1 ? len : n - 1;
            memcpy(last, line, keep);
            last[keep] = 0;
            return atoi(line);
        }
        len = 0;
    }
}

static int smtp_step(int fd, const char *cmd, int want, struct error *err) {
    char last[512];
    if (cmd && send_all(fd, cmd, strlen(cmd), err)) return err->code;
    int code = smtp_reply(fd, last, sizeof last);
    if (code / 100 != want / 100)
        return error_set(err, ERR_IO, "邮件服务器拒绝: %s", "the SMTP server refused: %s",
                         code < 0 ? "(no reply)" : last);
    return 0;
}

int notify_smtp_send(const struct notify_sender_config *c, const struct wire_msg *m,
                     struct error *err) {
    char host[256], port[16];
    if (split_host_port(c->smtp, host, sizeof host, port, sizeof port, "25", err)) return err->code;
    int fd = dial(host, port, c->timeout_ms, err);
    if (fd < 0) return err->code;
    const char *from = c->mail_from ? c->mail_from : "noreply@duijie.local";
    struct buf b;
    buf_init(&b);
    int rc = smtp_step(fd, NULL, 220, err);
    if (!rc) rc = smtp_step(fd, "EHLO duijie\r\n", 250, err);
    if (!rc) {
        buf_printf(&b, "MAIL FROM:<%s>\r\n", from);
        rc = smtp_step(fd, buf_str(&b), 250, err);
    }
    if (!rc) {
        buf_clear(&b);
        buf_printf(&b, "RCPT TO:<%s>\r\n", m->to);
        rc = smtp_step(fd, buf_str(&b), 250, err);
    }
    if (!rc) rc = smtp_step(fd, "DATA\r\n", 354, err);
    if (!rc) {
        char id[65];
        notify_sha256_hex(m->key, strlen(m->key), id);
        buf_clear(&b);
        buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?", from, m->to);
        base64_append(&b, m->subject, strlen(m->subject), 0);
        buf_printf(&b, "?=\r\nMessage-ID: <%s@duijie>\r\nX-Duijie-Key: %s\r\n", id, m->key);
        if (m->unsubscribe) buf_printf(&b, "List-Unsubscribe: <%s>\r\n", m->unsubscribe);
        buf_puts(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n");
        struct buf text;
        buf_init(&text);
        buf_puts(&text, m->body);
        if (m->unsubscribe) buf_printf(&text, "\n\n退订:%s\n", m->unsubscribe);
        base64_append(&b, buf_str(&text), text.len, 76); /* base64: no line starts with '.' */
        buf_release(&text);
        buf_puts(&b, ".\r\n");
        rc = b.is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
                      : smtp_step(fd, buf_str(&b), 250, err);
    }
    if (!rc) smtp_step(fd, "QUIT\r\n", 221, err); /* the message is accepted whatever QUIT says */
    buf_release(&b);
    close(fd);
    if (!rc) error_clear(err);
    return rc;
}

int notify_webhook_post(const struct notify_sender_config *c, const char *url, const char *json,
                        const char *key, int64_t now, struct error *err) {
    if (strncmp(url, "http://", 7) != 0)
        return error_set(err, ERR_UNSUPPORTED, "网关地址须为 http://主机:端口/路径",
                         "a gateway URL must be http://host:port/path");
    const char *hp = url + 7, *slash = strchr(hp, '/');
    char hostport[300], host[256], port[16];
    size_t hl = slash ? (size_t)(slash - hp) : strlen(hp);
    if (hl >= sizeof hostport)
        return error_set(err, ERR_INVALID, "网关地址过长", "the gateway URL is too long");
    memcpy(hostport, hp, hl);
    hostport[hl] = 0;
    if (split_host_port(hostport, host, sizeof host, port, sizeof port, "80", err))
        return err->code;
    char sig[65];
    notify_hmac_hex(c->secret ? c->secret : "", json, strlen(json), sig);
    struct buf b;
    buf_init(&b);
    buf_printf(&b,
               "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json; charset=utf-8\r\n"
               "Content-Length: %zu\r\nX-Duijie-Signature: sha256=%s\r\nX-Duijie-Timestamp: "
               "%lld\r\nIdempotency-Key: %s\r\nConnection: close\r\n\r\n%s",
               slash ? slash : "/", hostport, strlen(json), sig, (long long)now, key, json);
    int fd = dial(host, port, c->timeout_ms, err);
    if (fd < 0) {
        buf_release(&b);
        return err->code;
    }
    int rc = send_all(fd, buf_str(&b), b.len, err);
    buf_release(&b);
    char head[4096]; /* the status line; the rest is read (to the close) and dropped */
    size_t n = 0;
    while (!rc) {
        char scratch[1024];
        bool is_head = n < sizeof head - 1;
        ssize_t k = is_head ? recv(fd, head + n, sizeof head - 1 - n, 0)
                            : recv(fd, scratch, sizeof scratch, 0);
        if (k <= 0) break;
        if (is_head) n += (size_t)k;
    }
    close(fd);
    if (rc) return rc;
    head[n] = 0;
    int status = 0;
    if (sscanf(head, "HTTP/1.%*d %d", &status) != 1)
        return error_set(err, ERR_IO, "网关无应答", "no answer from the gateway");
    if (status < 200 || status > 299)
        return error_set(err, ERR_IO, "网关返回 %d", "the gateway answered %d", status);
    return 0;
}
