/* Owns the notification endpoints: the signed-in person's inbox (站内信: list, mark read), their
 * subscriptions and preferences, the unsubscribe link of every email (no sign-in: the token is
 * the key), a policy's read receipts for the staff whose area the firms lie in (who has not read
 * it), and the outbox's counts for the hub. The work is src/notify's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/internal.h"
#include "notify/notify.h"
#include "refdata/refdata.h"
#include "store/store.h"

/* The actor's recipient key: an enterprise's USCC, else "u:<user id>"; NULL (and 401) when not
 * signed in. */
static const char *recipient_of(struct http_request *req, struct http_response *res) {
    const struct actor *a = http_actor(req);
    if (a->role == ROLE_ANON) {
        http_reply_error(res, 401, "unauthorized", "请先登录", "sign in first");
        return NULL;
    }
    if (a->role == ROLE_ENTERPRISE && a->uscc[0]) return a->uscc;
    char *r = arena_alloc(http_arena(req), 32);
    snprintf(r, 32, "u:%lld", (long long)a->user_id);
    return r;
}

/* GET /api/notify/inbox?unread=1&page=N */
static void inbox_list(struct http_request *req, struct http_response *res) {
    const char *who = recipient_of(req, res);
    if (!who) return;
    int64_t page, unread;
    if (http_query_int(req, "page", 1, 1, 100000, &page, res)) return;
    if (http_query_int(req, "unread", 0, 0, 1, &unread, res)) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    char *out = NULL;
    if (notify_inbox_json(s, who, unread != 0, (int)page, 20, &out, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_json_owned(res, out);
}

/* POST /api/notify/inbox/{id}/read */
static void inbox_read(struct http_request *req, struct http_response *res) {
    const char *who = recipient_of(req, res);
    if (!who) return;
    char *end;
    long long id = strtoll(http_param(req, "id"), &end, 10);
    if (*end || id <= 0) {
        http_reply_error(res, 400, "invalid", "编号应为正整数", "the id must be a positive number");
        return;
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    if (notify_inbox_read(s, who, id, (int64_t)time(NULL), &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "unread", json_integer(notify_inbox_unread(s, who)));
    http_reply_json(res, 200, o);
}

static json_t *prefs_json(const struct notify_prefs *p) {
    json_t *o = json_object(), *ch = json_array();
    for (int c = 0; c < NOTIFY_CHANNEL_COUNT; c++)
        if (p->channels[c] || c == NOTIFY_INAPP)
            json_array_append_new(ch, json_string(notify_channel_key((enum notify_channel)c)));
    json_object_set_new(o, "recipient", json_string(p->recipient));
    json_object_set_new(o, "channels", ch);
    json_object_set_new(o, "topics", json_string(p->topics));
    json_object_set_new(o, "quiet_from",
                        p->quiet_from >= 0 ? json_integer(p->quiet_from) : json_null());
    json_object_set_new(o, "quiet_to", p->quiet_to >= 0 ? json_integer(p->quiet_to) : json_null());
    json_object_set_new(o, "digest", json_boolean(p->is_digest));
    json_object_set_new(o, "email", json_string(p->email));
    json_object_set_new(o, "phone", json_string(p->phone));
    json_object_set_new(o, "wechat", json_string(p->wechat));
    return o;
}

/* GET /api/notify/prefs */
static void prefs_get(struct http_request *req, struct http_response *res) {
    const char *who = recipient_of(req, res);
    if (!who) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    struct notify_prefs p;
    if (notify_prefs_get(s, who, &p, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_json(res, 200, prefs_json(&p));
}

static void copy_str(json_t *o, const char *key, char *dst, size_t n) {
    json_t *v = json_object_get(o, key);
    if (json_is_string(v)) snprintf(dst, n, "%s", json_string_value(v));
}

/* POST /api/notify/prefs {channels: [...], topics, quiet_from, quiet_to, digest, email, phone,
 * wechat}; fields left out keep their value */
static void prefs_put(struct http_request *req, struct http_response *res) {
    const char *who = recipient_of(req, res);
    if (!who) return;
    json_t *j = http_body_json(req, res);
    if (!j) return;
    struct store *s = http_store(req, res);
    if (!s) {
        json_decref(j);
        return;
    }
    struct error err;
    error_clear(&err);
    struct notify_prefs p;
    int rc = notify_prefs_get(s, who, &p, &err);
    json_t *ch = json_object_get(j, "channels");
    if (json_is_array(ch)) {
        for (int c = 1; c < NOTIFY_CHANNEL_COUNT; c++)
            p.channels[c] = false;
        size_t i;
        json_t *v;
        json_array_foreach(ch, i, v) {
            int c = notify_channel_from_key(json_string_value(v));
            if (c < 0) {
                rc = error_set(&err, ERR_INVALID, "未知渠道", "unknown channel");
                error_field(&err, "channels");
            } else {
                p.channels[c] = true;
            }
        }
    }
    copy_str(j, "topics", p.topics, sizeof p.topics);
    copy_str(j, "email", p.email, sizeof p.email);
    copy_str(j, "phone", p.phone, sizeof p.phone);
    copy_str(j, "wechat", p.wechat, sizeof p.wechat);
    json_t *qf = json_object_get(j, "quiet_from"), *qt = json_object_get(j, "quiet_to");
    if (qf) p.quiet_from = json_is_integer(qf) ? (int)json_integer_value(qf) : -1;
    if (qt) p.quiet_to = json_is_integer(qt) ? (int)json_integer_value(qt) : -1;
    if (json_object_get(j, "digest")) p.is_digest = json_is_true(json_object_get(j, "digest"));
    json_decref(j);
    if (!rc) rc = notify_prefs_put(s, &p, &err);
    if (rc) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_json(res, 200, prefs_json(&p));
}

/* GET /api/notify/unsubscribe?token=… (the link in every email) */
static void unsubscribe(struct http_request *req, struct http_response *res) {
    const char *token = http_query(req, "token");
    if (!token || !*token) {
        http_reply_error(res, 400, "invalid", "缺少退订令牌", "the token is missing");
        return;
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    char who[64];
    if (notify_unsubscribe(s, token, who, sizeof who, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    static const char page[] =
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>已退订</title>"
        "<p>已退订邮件、短信和微信通知。站内信仍会保留,您可在“订阅设置”中重新开启。</p></html>";
    http_reply_text(res, 200, "text/html; charset=utf-8", page, sizeof page - 1);
}

static bool is_staff(const struct actor *a) {
    return a->role == ROLE_COMMISSIONER || a->role == ROLE_STATION || a->role == ROLE_CENTRE ||
           a->role == ROLE_HUB || a->role == ROLE_OFFICER || a->role == ROLE_ADMIN;
}

/* GET /api/policies/{id}/receipts?unread=1: the firms told about the policy, within the actor's
 * area, and whether each has read it */
static void receipts(struct http_request *req, struct http_response *res) {
    const struct actor *a = http_actor(req);
    if (a->role == ROLE_ANON) {
        http_reply_error(res, 401, "unauthorized", "请先登录", "sign in first");
        return;
    }
    if (!is_staff(a)) {
        http_reply_error(res, 403, "forbidden", "无权查看阅读回执", "not allowed to see receipts");
        return;
    }
    char *end;
    long long pid = strtoll(http_param(req, "id"), &end, 10);
    int64_t unread;
    if (*end || pid <= 0) {
        http_reply_error(res, 400, "invalid", "编号应为正整数", "the id must be a positive number");
        return;
    }
    if (http_query_int(req, "unread", 0, 0, 1, &unread, res)) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    struct notify_receipt_row *rows;
    int n;
    if (notify_receipts(s, pid, &rows, &n, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    json_t *o = json_object(), *list = json_array();
    int64_t seen = 0, total = 0;
    for (int i = 0; i < n; i++) {
        int region = rows[i].region_code ? region_by_code(rows[i].region_code) : -1;
        if (!auth_sees_enterprise(a, rows[i].uscc, region)) continue;
        total++;
        seen += rows[i].first_read != 0;
        if (unread && rows[i].first_read) continue;
        json_t *r = json_object();
        json_object_set_new(r, "uscc", json_string(rows[i].uscc));
        json_object_set_new(r, "read", json_boolean(rows[i].first_read != 0));
        json_object_set_new(r, "first_read",
                            rows[i].first_read ? json_integer(rows[i].first_read) : json_null());
        json_array_append_new(list, r);
    }
    free(rows);
    json_object_set_new(o, "policy_id", json_integer(pid));
    json_object_set_new(o, "told", json_integer(total));
    json_object_set_new(o, "read", json_integer(seen));
    json_object_set_new(o, "firms", list);
    http_reply_json(res, 200, o);
}

/* GET /api/notify/stats (hub, administrator) */
static void stats(struct http_request *req, struct http_response *res) {
    const struct actor *a = http_actor(req);
    if (a->role != ROLE_HUB && a->role != ROLE_ADMIN) {
        http_reply_error(res, a->role == ROLE_ANON ? 401 : 403, "forbidden", "无权查看",
                         "not allowed");
        return;
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    char *out = NULL;
    if (notify_stats_json(s, &out, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_reply_json_owned(res, out);
}

void http_routes_notify(struct http_router *r) {
    http_route(r, "GET", "/api/notify/inbox", inbox_list, 0);
    http_route(r, "POST", "/api/notify/inbox/{id}/read", inbox_read, 0);
    http_route(r, "GET", "/api/notify/prefs", prefs_get, 0);
    http_route(r, "POST", "/api/notify/prefs", prefs_put, 0);
    http_route(r, "GET", "/api/notify/unsubscribe", unsubscribe, 0);
    http_route(r, "GET", "/api/policies/{id}/receipts", receipts, 0);
    http_route(r, "GET", "/api/notify/stats", stats, 0);
}
