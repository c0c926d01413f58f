/* Owns the wire protocols of the external channels: SMTP (EHLO, MAIL FROM, RCPT TO, DATA; UTF-8
 * subject as RFC 2047, body in base64) and an HTTP/1.1 POST of JSON with an HMAC-SHA256 signature
 * header for the SMS and WeChat gateways, each over a plain socket or TLS: SMTP with STARTTLS
 * (required by default) or implicit TLS (port 465, "smtps"), webhooks over https://. TLS is
 * OpenSSL's, under this file's own socket code: the server's certificate is verified against the
 * system's CAs (or a configured CA file) and its name (DNS name or IP address) checked, unless the
 * test-only insecure flag is set. Does not decide what is sent or when (send.c). */
#include <arpa/inet.h>
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
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

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

/* A connection: the socket, and the TLS session once there is one. */
struct conn {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
};

static void conn_close(struct conn *c) {
    if (c->ssl) {
        if (SSL_is_init_finished(c->ssl))
            SSL_shutdown(c->ssl); /* close_notify; the answer is not waited for */
        SSL_free(c->ssl);
    }
    if (c->ctx) SSL_CTX_free(c->ctx);
    if (c->fd >= 0) close(c->fd);
    *c = (struct conn){.fd = -1};
}

static int send_all(struct conn *c, const char *p, size_t n, struct error *err) {
    while (n) {
        int k = 0;
        if (c->ssl) {
            size_t w = 0;
            if (SSL_write_ex(c->ssl, p, n, &w) == 1) k = (int)w;
        } else {
            ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);
            k = r > 0 ? (int)r : 0;
        }
        if (k <= 0)
            return error_set(err, ERR_IO, "发送失败 (%s)", "send failed (%s)",
                             c->ssl ? "TLS" : strerror(errno));
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Up to n bytes; 0 at the end, -1 on an error or a timeout. */
static long conn_recv(struct conn *c, void *p, size_t n) {
    if (c->ssl) {
        size_t got = 0;
        if (SSL_read_ex(c->ssl, p, n, &got) == 1) return (long)got;
        return SSL_get_error(c->ssl, 0) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
    }
    return (long)recv(c->fd, p, n, 0);
}

/* The TLS handshake on c's socket: TLS 1.2 at least, the peer's certificate verified against the
 * configured CA file (or the system's) and its name checked against host (an IP address against
 * the certificate's IP entries), SNI for a DNS name. An error names what failed (the verifier's
 * reason for a refused certificate). */
static int conn_tls(struct conn *c, const struct notify_sender_config *cfg, const char *host,
                    struct error *err) {
    ERR_clear_error();
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (!c->ctx) return error_set(err, ERR_NOMEM, "TLS 初始化失败", "TLS: cannot initialise");
    SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
    if (cfg->tls_insecure) {
        SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
    } else {
        SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
        int ok = cfg->ca_file ? SSL_CTX_load_verify_locations(c->ctx, cfg->ca_file, NULL)
                              : SSL_CTX_set_default_verify_paths(c->ctx);
        if (ok != 1)
            return error_set(err, ERR_IO, "无法读取 CA 证书 %s", "cannot read the CA file %s",
                             cfg->ca_file ? cfg->ca_file : "(system)");
    }
    c->ssl = SSL_new(c->ctx);
    if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
        return error_set(err, ERR_NOMEM, "TLS 初始化失败", "TLS: cannot initialise");
    unsigned char addr[16];
    bool is_ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
    if (!cfg->tls_insecure) {
        X509_VERIFY_PARAM *vp = SSL_get0_param(c->ssl);
        int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, host)
                       : X509_VERIFY_PARAM_set1_host(vp, host, 0);
        if (ok != 1)
            return error_set(err, ERR_INVALID, "TLS: 无效主机名 %s", "TLS: bad host name %s", host);
    }
    if (!is_ip) SSL_set_tlsext_host_name(c->ssl, host);
    if (SSL_connect(c->ssl) != 1) {
        long v = SSL_get_verify_result(c->ssl);
        char why[256];
        if (v != X509_V_OK)
            snprintf(why, sizeof why, "certificate: %s", X509_verify_cert_error_string(v));
        else
            ERR_error_string_n(ERR_peek_last_error(), why, sizeof why);
        SSL_free(c->ssl);
        c->ssl = NULL; /* no close_notify on a failed handshake */
        return error_set(err, ERR_IO, "TLS 握手失败 %s (%s)", "TLS handshake with %s failed (%s)",
                         host, why[0] ? why : "connection closed");
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

/* Reads one SMTP reply (all its lines); returns the code or -1. is_starttls (may be NULL) is set
 * when a line of it is the STARTTLS extension (an EHLO reply). */
static int smtp_reply(struct conn *c, char *last, size_t n, bool *is_starttls) {
    char line[1024];
    size_t len = 0;
    for (;;) {
        char ch;
        long k = conn_recv(c, &ch, 1);
        if (k <= 0) return -1;
        if (ch != '\n') {
            if (len < sizeof line - 1) line[len++] = ch;
            continue;
        }
        if (len && line[len - 1] == '\r') len--;
        line[len] = 0;
        if (len < 3) return -1;
        if (is_starttls && len >= 12 && strncasecmp(line + 4, "STARTTLS", 8) == 0 &&
            (len == 12 || line[12] == ' '))
            *is_starttls = true;
        if (len == 3 || line[3] == ' ') {
            size_t keep = len < n - 1 ? len : n - 1;
            memcpy(last, line, keep);
            last[keep] = 0;
            return atoi(line);
        }
        len = 0;
    }
}

static int smtp_step_x(struct conn *c, const char *cmd, int want, bool *is_starttls,
                       struct error *err) {
    char last[512];
    if (cmd && send_all(c, cmd, strlen(cmd), err)) return err->code;
    int code = smtp_reply(c, last, sizeof last, is_starttls);
    if (code / 100 != want / 100)
        return error_set(err, ERR_IO, "邮件服务器拒绝: %s", "the SMTP server refused: %s",
                         code < 0 ? "(no reply)" : last);
    return 0;
}

static int smtp_step(struct conn *c, const char *cmd, int want, struct error *err) {
    return smtp_step_x(c, cmd, want, NULL, err);
}

int notify_smtp_tls_mode(const struct notify_sender_config *c, const char *port) {
    if (c->smtp_tls && strcmp(c->smtp_tls, "none") == 0) return NOTIFY_TLS_NONE;
    if (c->smtp_tls && strcmp(c->smtp_tls, "implicit") == 0) return NOTIFY_TLS_IMPLICIT;
    if (c->smtp_tls && strcmp(c->smtp_tls, "starttls") == 0) return NOTIFY_TLS_STARTTLS;
    if (c->smtp_tls && *c->smtp_tls) return -1;
    return strcmp(port, "465") == 0 ? NOTIFY_TLS_IMPLICIT : NOTIFY_TLS_STARTTLS;
}

int notify_smtp_send(const struct notify_sender_config *c, const struct wire_msg *m,
                     struct error *err) {
    char host[256], port[16];
    if (split_host_port(c->smtp, host, sizeof host, port, sizeof port, "25", err)) return err->code;
    int mode = notify_smtp_tls_mode(c, port);
    if (mode < 0)
        return error_set(err, ERR_INVALID, "SMTP TLS 方式应为 starttls、implicit 或 none",
                         "the SMTP TLS mode is starttls, implicit or none");
    struct conn cn = {.fd = dial(host, port, c->timeout_ms, err)};
    if (cn.fd < 0) return err->code;
    const char *from = c->mail_from ? c->mail_from : "noreply@duijie.local";
    struct buf b;
    buf_init(&b);
    int rc = mode == NOTIFY_TLS_IMPLICIT ? conn_tls(&cn, c, host, err) : 0;
    bool is_starttls = false;
    if (!rc) rc = smtp_step(&cn, NULL, 220, err);
    if (!rc) rc = smtp_step_x(&cn, "EHLO duijie\r\n", 250, &is_starttls, err);
    if (!rc && mode == NOTIFY_TLS_STARTTLS) {
        /* required: a server that does not offer it gets nothing (no silent downgrade) */
        if (!is_starttls)
            rc = error_set(err, ERR_IO, "邮件服务器不支持 STARTTLS",
                           "the SMTP server offers no "
                           "STARTTLS");
        if (!rc) rc = smtp_step(&cn, "STARTTLS\r\n", 220, err);
        if (!rc) rc = conn_tls(&cn, c, host, err);
        if (!rc) rc = smtp_step(&cn, "EHLO duijie\r\n", 250, err); /* again, over TLS */
    }
    if (!rc) {
        buf_printf(&b, "MAIL FROM:<%s>\r\n", from);
        rc = smtp_step(&cn, buf_str(&b), 250, err);
    }
    if (!rc) {
        buf_clear(&b);
        buf_printf(&b, "RCPT TO:<%s>\r\n", m->to);
        rc = smtp_step(&cn, buf_str(&b), 250, err);
    }
    if (!rc) rc = smtp_step(&cn, "DATA\r\n", 354, err);
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
                      : smtp_step(&cn, buf_str(&b), 250, err);
    }
    if (!rc) smtp_step(&cn, "QUIT\r\n", 221, err); /* the message is accepted whatever QUIT says */
    buf_release(&b);
    conn_close(&cn);
    if (!rc) error_clear(err);
    return rc;
}

int notify_webhook_post(const struct notify_sender_config *c, const char *url, const char *json,
                        const char *key, int64_t now, struct error *err) {
    bool is_tls = strncmp(url, "https://", 8) == 0;
    if (!is_tls && strncmp(url, "http://", 7) != 0)
        return error_set(err, ERR_UNSUPPORTED, "网关地址须为 http(s)://主机:端口/路径",
                         "a gateway URL must be http(s)://host:port/path");
    const char *hp = url + (is_tls ? 8 : 7), *slash = strchr(hp, '/');
    char hostport[300], host[256], port[16];
    size_t hl = slash ? (size_t)(slash - hp) : strlen(hp);
    if (hl >= sizeof hostport)
        return error_set(err, ERR_INVALID, "网关地址过长", "the gateway URL is too long");
    memcpy(hostport, hp, hl);
    hostport[hl] = 0;
    if (split_host_port(hostport, host, sizeof host, port, sizeof port, is_tls ? "443" : "80", err))
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
    struct conn cn = {.fd = dial(host, port, c->timeout_ms, err)};
    if (cn.fd < 0) {
        buf_release(&b);
        return err->code;
    }
    int rc = is_tls ? conn_tls(&cn, c, host, err) : 0;
    if (!rc) rc = send_all(&cn, buf_str(&b), b.len, err);
    buf_release(&b);
    char head[4096]; /* the status line; the rest is read (to the close) and dropped */
    size_t n = 0;
    while (!rc) {
        char scratch[1024];
        bool is_head = n < sizeof head - 1;
        long k = is_head ? conn_recv(&cn, head + n, sizeof head - 1 - n)
                         : conn_recv(&cn, scratch, sizeof scratch);
        if (k <= 0) break;
        if (is_head) n += (size_t)k;
    }
    conn_close(&cn);
    if (rc) return rc;
    head[n] = 0;
    int status = 0;
    if (sscanf(head, "HTTP/1.%*d %d", &status) != 1)
        return error_set(err, ERR_IO, "网关无应答", "no answer from the gateway");
    if (status < 200 || status > 299)
        return error_set(err, ERR_IO, "网关返回 %d", "the gateway answered %d", status);
    return 0;
}
