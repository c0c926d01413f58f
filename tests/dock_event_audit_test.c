/* 对接会 through the HTTP API, signed in as an organiser, two enterprises and an investor: every
 * state change of an event leaves its audit entry (who, role, when, which participant or request,
 * before → after) read back through /api/audit — registration, a meeting request sent, accepted,
 * declined and cancelled (its meeting dropped), the schedule computed, check-in, no-show and a
 * follow-up intent — a refused change none, and the chain still verifies. Then the organiser's
 * availability view (GET /api/dock/events/{id}/availability): everyone's stretches, who never said
 * (all day said is said), the meetings against them, and the conflicts named in Chinese (a meeting
 * outside a participant's stretches; two meetings in one slot); parties are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dock/dock.h"
#include "enterprise/enterprise.h"
#include "http/http.h"
#include "store/store.h"
#include "tauth.h"
#include "test.h"
#include "util/date.h"

struct reply {
    int status;
    json_t *json;
};

/* A JSON request as who (NULL = nobody signed in), through tests/tauth.h: status and JSON. */
static struct reply ask(struct http_server *srv, const struct tauth *who, const char *method,
                        const char *target, const char *body) {
    struct tauth_reply t =
        tauth_send(srv, who, method, target, "application/json", body, body ? strlen(body) : 0);
    struct reply r = {.status = t.status, .json = t.json};
    t.json = NULL;
    tauth_reply_release(&t);
    return r;
}

static int status_of(struct http_server *srv, const struct tauth *who, const char *method,
                     const char *target, const char *body) {
    struct reply r = ask(srv, who, method, target, body);
    json_decref(r.json);
    return r.status;
}

/* The id of what a call created (201), 0 (and a failure) otherwise. */
static int64_t created(struct http_server *srv, const struct tauth *who, const char *target,
                       const char *body, int line) {
    struct reply r = ask(srv, who, "POST", target, body);
    int64_t id = r.status == 201 ? json_integer_value(json_object_get(r.json, "id")) : 0;
    if (!id) test_failf(__FILE__, line, "POST %s %s: %d", target, body, r.status);
    json_decref(r.json);
    return id;
}

struct cast {
    struct tauth org, ent_1, ent_2, inv;
    struct http_server *srv;
    int64_t ev, p1, p2, p3; /* the event; 甲企业 (ent_1), 乙企业 (ent_2), 丙投资 (inv) */
};

static int set_org(struct store *s, const struct tauth *t, int64_t org) {
    struct error err;
    struct store_val a[] = {store_val_int(org), store_val_text(t->actor.username)};
    return store_sql(s, "UPDATE users SET org_id = ? WHERE username = ?", a, 2, NULL, &err);
}

static bool setup(const char *path, struct cast *c) {
    struct error err;
    struct store *s;
    unlink(path);
    if (refdata_load(&err) || store_open(path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return false;
    }
    char u[2][20];
    for (int i = 0; i < 2; i++) {
        memcpy(u[i], "91370212MA3R0002", 16);
        u[i][16] = (char)('1' + i), u[i][17] = 0;
        u[i][17] = uscc_check_char(u[i]), u[i][18] = 0;
    }
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &c->org), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, u[0], NULL, NULL, &c->ent_1), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, u[1], NULL, NULL, &c->ent_2), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_INVESTOR, NULL, NULL, NULL, &c->inv), 0);
    CHECK_INT(set_org(s, &c->inv, 901), 0);
    store_close(s);
    struct http_config cfg = {.port = 0, .db = path, .threads = 2};
    if (http_server_new(&cfg, &c->srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return false;
    }
    return true;
}

/* The audit entries on one object, newest first (read as the administrator). */
static json_t *entries(struct cast *c, const char *type, int64_t id) {
    char t[128];
    snprintf(t, sizeof t, "/api/audit?object_type=%s&object_id=%lld", type, (long long)id);
    struct reply r = ask(c->srv, &c->org, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    json_t *items = json_incref(json_object_get(r.json, "items"));
    json_decref(r.json);
    return items ? items : json_array();
}

static int64_t audit_count(struct cast *c) {
    struct reply r = ask(c->srv, &c->org, "GET", "/api/audit", NULL);
    int64_t n = json_integer_value(json_object_get(r.json, "total"));
    json_decref(r.json);
    return n;
}

/* The newest entry on the object: its action, who made it, made between asked and now. */
static json_t *newest(struct cast *c, const char *type, int64_t id, const char *action,
                      const struct tauth *who, time_t asked, int line) {
    json_t *items = entries(c, type, id);
    json_t *e = json_incref(json_array_get(items, 0));
    json_decref(items);
    const char *got = json_string_value(json_object_get(e, "action"));
    int64_t at = json_integer_value(json_object_get(e, "at"));
    if (!e || !got || strcmp(got, action) != 0 ||
        json_integer_value(json_object_get(e, "actor_id")) != who->actor.user_id ||
        strcmp(json_string_value(json_object_get(e, "actor_role")), role_key(who->actor.role)) !=
            0 ||
        at < (int64_t)asked || at > (int64_t)time(NULL))
        test_failf(__FILE__, line, "%s %lld: newest entry %s, want %s by %s", type, (long long)id,
                   got ? got : "(none)", action, who->actor.username);
    return e ? e : json_object();
}

static const char *field_of(json_t *e, const char *side, const char *key) {
    return json_string_value(json_object_get(json_object_get(e, side), key));
}

/* Registration, requests and their answers, check-in and no-show, each audited. */
static void audited(struct cast *c) {
    char t[128], body[160];
    time_t asked = time(NULL);
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants", (long long)c->ev);
    c->p1 = created(c->srv, &c->ent_1, t, "{\"name\":\"甲企业\"}", __LINE__);
    c->p2 = created(c->srv, &c->ent_2, t, "{\"name\":\"乙企业\"}", __LINE__);
    c->p3 = created(c->srv, &c->inv, t, "{\"name\":\"丙投资\"}", __LINE__);
    json_t *e = newest(c, "dock_participant", c->p1, "event_register", &c->ent_1, asked, __LINE__);
    CHECK(json_is_null(json_object_get(e, "before")));
    CHECK_STR(field_of(e, "after", "name"), "甲企业");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(e, "after"), "event_id")), c->ev);
    json_decref(e);
    e = newest(c, "dock_participant", c->p3, "event_register", &c->inv, asked, __LINE__);
    CHECK_STR(field_of(e, "after", "kind"), "投资机构");
    json_decref(e);
    /* refused: the same enterprise twice; nothing is written */
    int64_t n = audit_count(c);
    CHECK_INT(status_of(c->srv, &c->ent_1, "POST", t, "{\"name\":\"甲企业二\"}"), 409);
    CHECK_INT(audit_count(c), n);

    /* a request sent, accepted; one declined; one cancelled after it was scheduled */
    snprintf(t, sizeof t, "/api/dock/events/%lld/requests", (long long)c->ev);
    snprintf(body, sizeof body, "{\"a_id\":%lld,\"b_id\":%lld}", (long long)c->p1,
             (long long)c->p3);
    int64_t r13 = created(c->srv, &c->ent_1, t, body, __LINE__);
    e = newest(c, "dock_request", r13, "event_request_send", &c->ent_1, asked, __LINE__);
    CHECK(json_is_null(json_object_get(e, "before")));
    CHECK_STR(field_of(e, "after", "status"), "待确认");
    json_decref(e);
    snprintf(body, sizeof body, "{\"a_id\":%lld,\"b_id\":%lld}", (long long)c->p2,
             (long long)c->p3);
    int64_t r23 = created(c->srv, &c->ent_2, t, body, __LINE__);
    snprintf(body, sizeof body, "{\"a_id\":%lld,\"b_id\":%lld}", (long long)c->p1,
             (long long)c->p2);
    int64_t r12 = created(c->srv, &c->ent_1, t, body, __LINE__);
    n = audit_count(c);
    snprintf(t, sizeof t, "/api/dock/events/%lld/requests/%lld", (long long)c->ev, (long long)r13);
    CHECK_INT(status_of(c->srv, &c->ent_1, "POST", t, "{\"status\":\"已接受\"}"), 403); /* a's */
    CHECK_INT(audit_count(c), n);
    CHECK_INT(status_of(c->srv, &c->inv, "POST", t, "{\"status\":\"已接受\"}"), 200);
    e = newest(c, "dock_request", r13, "event_request_accept", &c->inv, asked, __LINE__);
    CHECK_STR(field_of(e, "before", "status"), "待确认");
    CHECK_STR(field_of(e, "after", "status"), "已接受");
    json_decref(e);
    snprintf(t, sizeof t, "/api/dock/events/%lld/requests/%lld", (long long)c->ev, (long long)r23);
    CHECK_INT(status_of(c->srv, &c->inv, "POST", t, "{\"status\":\"已拒绝\"}"), 200);
    e = newest(c, "dock_request", r23, "event_request_decline", &c->inv, asked, __LINE__);
    CHECK_STR(field_of(e, "after", "status"), "已拒绝");
    json_decref(e);
    snprintf(t, sizeof t, "/api/dock/events/%lld/requests/%lld", (long long)c->ev, (long long)r12);
    CHECK_INT(status_of(c->srv, &c->ent_2, "POST", t, "{\"status\":\"已接受\"}"), 200);
    snprintf(t, sizeof t, "/api/dock/events/%lld/schedule", (long long)c->ev);
    struct reply r = ask(c->srv, &c->org, "POST", t, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_integer_value(json_object_get(r.json, "placed")), 2);
    json_decref(r.json);
    e = newest(c, "dock_event", c->ev, "event_schedule", &c->org, asked, __LINE__);
    CHECK_INT((int64_t)json_array_size(json_object_get(json_object_get(e, "before"), "meetings")),
              0);
    CHECK_INT((int64_t)json_array_size(json_object_get(json_object_get(e, "after"), "meetings")),
              2);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(e, "after"), "placed")), 2);
    json_decref(e);
    snprintf(t, sizeof t, "/api/dock/events/%lld/requests/%lld", (long long)c->ev, (long long)r12);
    CHECK_INT(status_of(c->srv, &c->ent_1, "POST", t, "{\"status\":\"已取消\"}"), 200);
    e = newest(c, "dock_request", r12, "event_request_cancel", &c->ent_1, asked, __LINE__);
    CHECK_STR(field_of(e, "before", "status"), "已接受");
    CHECK(json_is_integer(json_object_get(json_object_get(e, "before"), "slot")));
    CHECK_STR(field_of(e, "after", "status"), "已取消");
    CHECK(json_is_null(json_object_get(json_object_get(e, "after"), "slot"))); /* dropped */
    json_decref(e);
    json_t *all = entries(c, "dock_request", r12);
    CHECK_INT((int64_t)json_array_size(all), 3); /* sent, accepted, cancelled */
    json_decref(all);

    /* check-in (the event is today) and a no-show, by the organiser */
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants/%lld/checkin", (long long)c->ev,
             (long long)c->p1);
    CHECK_INT(status_of(c->srv, &c->org, "POST", t, NULL), 200);
    e = newest(c, "dock_participant", c->p1, "event_checkin", &c->org, asked, __LINE__);
    CHECK(json_is_null(json_object_get(json_object_get(e, "before"), "checked_in_at")));
    int64_t at = json_integer_value(json_object_get(json_object_get(e, "after"), "checked_in_at"));
    CHECK(at >= (int64_t)asked && at <= (int64_t)time(NULL));
    json_decref(e);
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants/%lld/noshow", (long long)c->ev,
             (long long)c->p3);
    CHECK_INT(status_of(c->srv, &c->org, "POST", t, "{\"no_show\":true}"), 200);
    e = newest(c, "dock_participant", c->p3, "event_noshow", &c->org, asked, __LINE__);
    json_t *mb = json_array_get(json_object_get(json_object_get(e, "before"), "meetings"), 0);
    json_t *ma = json_array_get(json_object_get(json_object_get(e, "after"), "meetings"), 0);
    CHECK_INT(json_integer_value(json_object_get(ma, "request_id")), r13);
    CHECK(!json_is_true(json_object_get(mb, "no_show")));
    CHECK(json_is_true(json_object_get(ma, "no_show")));
    json_decref(e);
    CHECK_INT(status_of(c->srv, &c->org, "POST", t, "{\"no_show\":false}"), 200); /* undone */
    /* a follow-up intent from its own participant */
    snprintf(t, sizeof t, "/api/dock/events/%lld/intents", (long long)c->ev);
    int64_t iid = created(c->srv, &c->inv, t,
                          "{\"from_party\":\"丙投资\",\"to_party\":\"甲企业\",\"status\":\"联系\"}",
                          __LINE__);
    e = newest(c, "dock_intent", iid, "event_intent", &c->inv, asked, __LINE__);
    CHECK_STR(field_of(e, "after", "to_party"), "甲企业");
    json_decref(e);

    r = ask(c->srv, &c->org, "GET", "/api/audit/verify", NULL);
    CHECK_INT(r.status, 200);
    CHECK(json_is_true(json_object_get(r.json, "ok")));
    json_decref(r.json);
}

/* The conflicts in the view whose participant is name and kind is kind. */
static json_t *conflicts_of(json_t *view, const char *name, const char *kind) {
    json_t *out = json_array(), *x;
    size_t i;
    json_array_foreach(json_object_get(view, "conflicts"), i, x) {
        if (strcmp(json_string_value(json_object_get(x, "participant")), name) == 0 &&
            strcmp(json_string_value(json_object_get(x, "kind")), kind) == 0)
            json_array_append(out, x);
    }
    return out;
}

static json_t *item_of(json_t *view, int64_t id) {
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(view, "items"), i, x) {
        if (json_integer_value(json_object_get(x, "id")) == id) return x;
    }
    return NULL;
}

/* The organiser's view. After audited(): 甲企业 × 丙投资 is the one meeting left. */
static void organiser_view(struct cast *c, const char *path) {
    char t[128], a[128];
    snprintf(t, sizeof t, "/api/dock/events/%lld/availability", (long long)c->ev);
    CHECK_INT(status_of(c->srv, NULL, "GET", t, NULL), 401);
    CHECK_INT(status_of(c->srv, &c->ent_1, "GET", t, NULL), 403);
    CHECK_INT(status_of(c->srv, &c->inv, "GET", t, NULL), 403);
    CHECK_INT(status_of(c->srv, &c->org, "GET", "/api/dock/events/99999/availability", NULL), 404);
    struct reply r = ask(c->srv, &c->org, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_integer_value(json_object_get(r.json, "participants")), 3);
    CHECK_INT(json_integer_value(json_object_get(r.json, "not_set")), 3);
    CHECK_INT((int64_t)json_array_size(json_object_get(r.json, "conflicts")), 0);
    CHECK_INT((int64_t)json_array_size(json_object_get(r.json, "slots")), 4);
    json_t *me = item_of(r.json, c->p1);
    CHECK(json_is_false(json_object_get(me, "set")));
    CHECK(json_is_true(json_object_get(me, "all_day")));
    json_t *m = json_array_get(json_object_get(me, "meetings"), 0);
    CHECK_STR(json_string_value(json_object_get(m, "with")), "丙投资");
    int slot = (int)json_integer_value(json_object_get(m, "slot"));
    CHECK(slot >= 0 && slot < 4);
    json_decref(r.json);

    /* 甲企业 says it is free everywhere but its meeting's slot (09:00 + 20 min a slot) */
    int from = slot == 0 ? 560 : 540, to = slot == 0 ? 620 : 540 + 20 * slot;
    snprintf(a, sizeof a, "/api/dock/events/%lld/participants/%lld/availability", (long long)c->ev,
             (long long)c->p1);
    char body[128];
    snprintf(body, sizeof body, "{\"ranges\":[{\"from\":\"%02d:%02d\",\"to\":\"%02d:%02d\"}]}",
             from / 60, from % 60, to / 60, to % 60);
    CHECK_INT(status_of(c->srv, &c->ent_1, "PUT", a, body), 200);
    snprintf(a, sizeof a, "/api/dock/events/%lld/participants/%lld/availability", (long long)c->ev,
             (long long)c->p2);
    CHECK_INT(status_of(c->srv, &c->ent_2, "PUT", a, "{\"all_day\":true}"), 200);
    /* and a second meeting in the same slot (no endpoint makes one: written here) */
    snprintf(a, sizeof a, "/api/dock/events/%lld/requests", (long long)c->ev);
    snprintf(body, sizeof body, "{\"a_id\":%lld,\"b_id\":%lld}", (long long)c->p1,
             (long long)c->p2);
    int64_t r12 = created(c->srv, &c->org, a, body, __LINE__);
    struct store *s = NULL;
    struct error err;
    if (store_open(path, &s, &err) == 0) {
        struct store_val v[] = {store_val_int(c->ev), store_val_int(r12), store_val_int(slot)};
        CHECK_INT(store_sql(s,
                            "INSERT INTO dock_meeting (event_id, request_id, slot, tbl, no_show)"
                            " VALUES (?, ?, ?, 1, 0)",
                            v, 3, NULL, &err),
                  0);
        store_close(s);
    } else {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
    }

    r = ask(c->srv, &c->org, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_integer_value(json_object_get(r.json, "not_set")), 1); /* 丙投资 only */
    CHECK(json_is_true(json_object_get(item_of(r.json, c->p2), "set")));  /* all day, said */
    CHECK(json_is_false(json_object_get(item_of(r.json, c->p3), "set")));
    me = item_of(r.json, c->p1);
    CHECK(json_is_false(json_object_get(me, "all_day")));
    CHECK_INT(json_integer_value(json_object_get(me, "available_slots")), 3);
    CHECK_INT((int64_t)json_array_size(json_object_get(me, "meetings")), 2);
    json_t *out = conflicts_of(r.json, "甲企业", "outside");
    CHECK_INT((int64_t)json_array_size(out), 2); /* both its meetings lie in the slot it left */
    const char *text = json_string_value(json_object_get(json_array_get(out, 0), "text"));
    CHECK(text && strstr(text, "甲企业") && strstr(text, "不在其可洽谈时段内"));
    CHECK(text && (strstr(text, "丙投资") || strstr(text, "乙企业")));
    json_decref(out);
    json_t *over = conflicts_of(r.json, "甲企业", "overlap");
    CHECK_INT((int64_t)json_array_size(over), 1);
    text = json_string_value(json_object_get(json_array_get(over, 0), "text"));
    CHECK(text && strstr(text, "同时有 2 场洽谈") && strstr(text, "丙投资") &&
          strstr(text, "乙企业"));
    CHECK_INT(json_integer_value(json_object_get(json_array_get(over, 0), "slot")), slot);
    json_decref(over);
    /* the others: one meeting each in that slot, all day: no conflict */
    CHECK_INT((int64_t)json_array_size(json_object_get(item_of(r.json, c->p2), "conflicts")), 0);
    CHECK_INT((int64_t)json_array_size(json_object_get(item_of(r.json, c->p3), "conflicts")), 0);
    CHECK_INT(json_integer_value(json_object_get(r.json, "with_conflicts")), 1);
    /* every sentence is Chinese: no Latin letters */
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(r.json, "conflicts"), i, x) {
        const char *s2 = json_string_value(json_object_get(x, "text"));
        bool is_latin = false;
        for (const char *p = s2 ? s2 : ""; *p; p++)
            is_latin = is_latin || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
        CHECK(!is_latin);
    }
    json_decref(r.json);
}

TEST(dock_event_audit_http) {
    char path[128];
    snprintf(path, sizeof path, "/tmp/duijie_dock_event_audit_%d.db", (int)getpid());
    struct cast c = {0};
    if (!setup(path, &c)) return;
    char d[16], body[256];
    snprintf(body, sizeof body,
             "{\"name\":\"金企对接会\",\"date\":\"%s\",\"start_min\":540,\"slot_min\":20,"
             "\"n_slots\":4,\"n_tables\":2,\"capacity\":10}",
             date_format(date_today(), d, sizeof d));
    c.ev = created(c.srv, &c.org, "/api/dock/records/event", body, __LINE__);
    audited(&c);
    organiser_view(&c, path);
    http_server_free(c.srv);
    unlink(path);
}
