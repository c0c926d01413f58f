/* Docking through the HTTP API signed in as each party (tests/tauth.h). Roadshows (常态化资本路演):
 * the line-up and each firm's slot to the minute, investor registration refused after the day,
 * after the deadline, twice and beyond the seats (409 with the field), withdrawal (an investor its
 * own through the deadline, an organiser any) and check-in on the day, follow-ups and the funnel as
 * exact fractions, and who may do and see what: an investor registers itself only, organisers
 * manage, a firm sees only its own slot, others are refused. Event registration and check-in
 * rules; a participant's availability (its own only, 422 on bad stretches, audited). Each
 * roadshow registration has its audit entry (who, what, when), a refused one none.
 * 揭榜挂帅 state changes through the endpoints (apply, select, milestones, cancel), allowed
 * and refused. */
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

/* The error's field of a refused call, "" when none; checks the status too. */
static void check_refused(struct http_server *srv, const struct tauth *who, const char *method,
                          const char *target, const char *body, int status, const char *field,
                          int line) {
    struct reply r = ask(srv, who, method, target, body);
    json_t *e = json_object_get(r.json, "error");
    const char *f = json_string_value(json_object_get(e, "field"));
    if (r.status != status || strcmp(f ? f : "", field) != 0 ||
        !json_string_value(json_object_get(e, "zh")) ||
        !json_string_value(json_object_get(e, "en")))
        test_failf(__FILE__, line, "%s %s: got %d field \"%s\", want %d \"%s\"", method, target,
                   r.status, f ? f : "", status, field);
    json_decref(r.json);
}
#define REFUSED(srv, who, m, t, b, st, field) check_refused(srv, who, m, t, b, st, field, __LINE__)

/* Creates a record as the organiser and returns its id. */
static int64_t make(struct http_server *srv, const struct tauth *org, const char *kind,
                    const char *body) {
    char t[96];
    snprintf(t, sizeof t, "/api/dock/records/%s", kind);
    struct reply r = ask(srv, org, "POST", t, body);
    int64_t id = r.status == 201 ? json_integer_value(json_object_get(r.json, "id")) : 0;
    if (!id) test_failf(__FILE__, __LINE__, "record %s: %d", kind, r.status);
    json_decref(r.json);
    return id;
}

static int64_t new_roadshow(struct http_server *srv, const struct tauth *org, int32_t day,
                            int32_t deadline, int capacity) {
    char d[16], dl[16], body[256];
    snprintf(body, sizeof body,
             "{\"name\":\"常态化资本路演\",\"date\":\"%s\",\"start\":\"14:00\","
             "\"minutes_per_firm\":8,\"gap_min\":2,\"capacity\":%d,\"reg_deadline\":\"%s\"}",
             date_format(day, d, sizeof d), capacity, date_format(deadline, dl, sizeof dl));
    struct reply r = ask(srv, org, "POST", "/api/dock/roadshows", body);
    CHECK_INT(r.status, 201);
    int64_t id = json_integer_value(json_object_get(r.json, "id"));
    CHECK_INT(json_integer_value(json_object_get(r.json, "start_min")), 14 * 60);
    json_decref(r.json);
    return id;
}

struct cast {
    struct tauth org, inv_a, inv_b, inv_none, ent_1, ent_2, bank;
    int64_t inv[3], prj[4];
};

static char usccs[3][20]; /* valid codes: 17 characters and the check character */

static void make_usccs(void) {
    for (int i = 0; i < 3; i++) {
        memcpy(usccs[i], "91370212MA3R0001", 16);
        usccs[i][16] = (char)('1' + i), usccs[i][17] = 0;
        usccs[i][17] = uscc_check_char(usccs[i]), usccs[i][18] = 0;
    }
}

static int set_org(struct store *s, const struct tauth *t, int64_t org) {
    struct error err;
    struct store_val a[] = {store_val_int(org), store_val_text(t->actor.username)};
    return store_sql(s, "UPDATE users SET org_id = ? WHERE username = ?", a, 2, NULL, &err);
}

static struct http_server *setup(const char *path, struct cast *c) {
    struct error err;
    struct store *s;
    unlink(path);
    if (refdata_load(&err) || store_open(path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return NULL;
    }
    make_usccs();
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &c->org), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_INVESTOR, NULL, NULL, NULL, &c->inv_a), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_INVESTOR, NULL, NULL, NULL, &c->inv_b), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_INVESTOR, NULL, NULL, NULL, &c->inv_none), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, usccs[0], NULL, NULL, &c->ent_1), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, usccs[1], NULL, NULL, &c->ent_2), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_BANK, NULL, NULL, NULL, &c->bank), 0);
    CHECK_INT(set_org(s, &c->inv_a, 901), 0);
    CHECK_INT(set_org(s, &c->inv_b, 902), 0);
    CHECK_INT(set_org(s, &c->inv_none, 903), 0); /* no investor record of its own */
    store_close(s);
    struct http_config cfg = {.port = 0, .db = path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return NULL;
    }
    c->inv[0] = make(srv, &c->org, "investor", "{\"name\":\"青岛科创母基金\",\"org_id\":901}");
    c->inv[1] = make(srv, &c->org, "investor", "{\"name\":\"海创投资\",\"org_id\":902}");
    c->inv[2] = make(srv, &c->org, "investor", "{\"name\":\"蓝色资本\",\"org_id\":904}");
    for (int i = 0; i < 3; i++) {
        char body[160];
        snprintf(
            body, sizeof body,
            "{\"uscc\":\"%s\",\"name\":\"项目%d\",\"stage\":\"A轮\",\"amount_fen\":\"%d000万元\"}",
            usccs[i], i + 1, i + 1);
        c->prj[i] = make(srv, &c->org, "invest_project", body);
    }
    c->prj[3] = make(srv, &c->org, "invest_project", "{\"name\":\"未入选项目\"}");
    return srv;
}

static json_t *agenda_item(json_t *rs, size_t i) {
    return json_array_get(json_object_get(rs, "agenda"), i);
}

/* The line-up and the slots: P2, P1, P3 from 14:00, 8 minutes each with 2-minute gaps. */
static void lineup(struct http_server *srv, struct cast *c, int64_t rs) {
    char t[96], body[128];
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/lineup", (long long)rs);
    snprintf(body, sizeof body, "{\"projects\":[%lld,%lld,%lld]}", (long long)c->prj[1],
             (long long)c->prj[0], (long long)c->prj[2]);
    CHECK_INT(status_of(srv, &c->inv_a, "PUT", t, body), 403);
    CHECK_INT(status_of(srv, &c->ent_1, "PUT", t, body), 403);
    REFUSED(srv, &c->org, "PUT", t, "{\"projects\":[99999]}", 422, "projects");
    snprintf(body, sizeof body, "{\"projects\":[%lld,%lld]}", (long long)c->prj[0],
             (long long)c->prj[0]);
    REFUSED(srv, &c->org, "PUT", t, body, 422, "projects");
    snprintf(body, sizeof body, "{\"projects\":[%lld,%lld,%lld]}", (long long)c->prj[1],
             (long long)c->prj[0], (long long)c->prj[2]);
    struct reply r = ask(srv, &c->org, "PUT", t, body);
    CHECK_INT(r.status, 200);
    static const char *const want[][2] = {
        {"14:00", "14:08"}, {"14:10", "14:18"}, {"14:20", "14:28"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *e = agenda_item(r.json, i);
        CHECK_STR(json_string_value(json_object_get(e, "start")), want[i][0]);
        CHECK_STR(json_string_value(json_object_get(e, "end")), want[i][1]);
        CHECK_INT(json_integer_value(json_object_get(e, "order")), (int64_t)i + 1);
    }
    CHECK_INT(json_integer_value(json_object_get(agenda_item(r.json, 0), "project_id")), c->prj[1]);
    CHECK_STR(json_string_value(json_object_get(r.json, "end")), "14:28");
    json_decref(r.json);
}

/* The audit entries on roadshow registrations (reg 0 = all), read as the administrator. */
static int64_t audit_total(struct http_server *srv, struct cast *c, int64_t reg) {
    char t[128];
    snprintf(t, sizeof t, "/api/audit?object_type=roadshow_registration&object_id=%lld",
             (long long)reg);
    struct reply r = ask(srv, &c->org, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    int64_t n = json_integer_value(json_object_get(r.json, "total"));
    json_decref(r.json);
    return n;
}

/* Registration reg has one audit entry: who (the user and role), what (roadshow_register, the
 * row as stored), when (between asking and now). */
static void registration_audited(struct http_server *srv, struct cast *c, int64_t reg,
                                 const struct tauth *who, time_t asked) {
    char t[128];
    snprintf(t, sizeof t, "/api/audit?object_type=roadshow_registration&object_id=%lld",
             (long long)reg);
    struct reply r = ask(srv, &c->org, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    CHECK_INT((int64_t)json_array_size(items), 1);
    json_t *e = json_array_get(items, 0);
    CHECK_STR(json_string_value(json_object_get(e, "action")), "roadshow_register");
    CHECK_INT(json_integer_value(json_object_get(e, "actor_id")), who->actor.user_id);
    CHECK_STR(json_string_value(json_object_get(e, "actor_role")), role_key(who->actor.role));
    int64_t at = json_integer_value(json_object_get(e, "at"));
    CHECK(at >= (int64_t)asked && at <= (int64_t)time(NULL));
    json_t *after = json_object_get(e, "after");
    CHECK_INT(json_integer_value(json_object_get(after, "id")), reg);
    CHECK(json_is_null(json_object_get(e, "before")));
    json_decref(r.json);
}

static void registrations(struct http_server *srv, struct cast *c, int64_t rs) {
    char t[96], body[128];
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/registrations", (long long)rs);
    snprintf(body, sizeof body, "{\"firms\":[%lld]}", (long long)c->prj[0]);
    CHECK_INT(status_of(srv, NULL, "POST", t, body), 401);
    CHECK_INT(status_of(srv, &c->ent_1, "POST", t, body), 403);
    CHECK_INT(status_of(srv, &c->bank, "POST", t, body), 403);
    CHECK_INT(status_of(srv, &c->inv_none, "POST", t, body), 403); /* no investor record */
    snprintf(body, sizeof body, "{\"investor_id\":%lld,\"firms\":[]}", (long long)c->inv[1]);
    CHECK_INT(status_of(srv, &c->inv_a, "POST", t, body), 403); /* for another investor */
    snprintf(body, sizeof body, "{\"firms\":[%lld]}", (long long)c->prj[3]);
    REFUSED(srv, &c->inv_a, "POST", t, body, 422, "firms"); /* not in the line-up */
    snprintf(body, sizeof body, "{\"firms\":[%lld]}", (long long)c->prj[0]);
    int64_t before = audit_total(srv, c, 0);
    time_t asked = time(NULL);
    struct reply r = ask(srv, &c->inv_a, "POST", t, body);
    CHECK_INT(r.status, 201);
    CHECK_INT(json_integer_value(json_object_get(r.json, "investor_id")), c->inv[0]);
    int64_t reg = json_integer_value(json_object_get(r.json, "id"));
    json_decref(r.json);
    registration_audited(srv, c, reg, &c->inv_a, asked);
    REFUSED(srv, &c->inv_a, "POST", t, body, 409, "investor_id"); /* twice */
    CHECK_INT(audit_total(srv, c, 0), before + 1); /* a refused one leaves no entry */
    snprintf(body, sizeof body, "{\"firms\":[%lld,%lld]}", (long long)c->prj[0],
             (long long)c->prj[2]);
    CHECK_INT(status_of(srv, &c->inv_b, "POST", t, body), 201);
    snprintf(body, sizeof body, "{\"investor_id\":%lld}", (long long)c->inv[2]);
    REFUSED(srv, &c->org, "POST", t, body, 409, "capacity"); /* two seats, both taken */
    REFUSED(srv, &c->org, "POST", t, "{}", 422, "investor_id");
}

static void visibility(struct http_server *srv, struct cast *c, int64_t rs) {
    char t[96];
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld", (long long)rs);
    CHECK_INT(status_of(srv, &c->bank, "GET", t, NULL), 403);
    CHECK_INT(status_of(srv, NULL, "GET", t, NULL), 401);
    /* a firm: its own slot only, nobody's registrations */
    struct reply r = ask(srv, &c->ent_1, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT((int64_t)json_array_size(json_object_get(r.json, "agenda")), 1);
    CHECK_STR(json_string_value(json_object_get(agenda_item(r.json, 0), "start")), "14:10");
    CHECK(!json_object_get(r.json, "registrations") && !json_object_get(r.json, "funnel"));
    json_decref(r.json);
    r = ask(srv, &c->ent_2, "GET", t, NULL);
    CHECK_STR(json_string_value(json_object_get(agenda_item(r.json, 0), "start")), "14:00");
    json_decref(r.json);
    /* an investor: the programme, its own registration */
    r = ask(srv, &c->inv_a, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT((int64_t)json_array_size(json_object_get(r.json, "agenda")), 3);
    json_t *regs = json_object_get(r.json, "registrations");
    CHECK_INT((int64_t)json_array_size(regs), 1);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(regs, 0), "investor_id")),
              c->inv[0]);
    CHECK(!json_object_get(r.json, "funnel"));
    json_decref(r.json);
    /* the organiser: everything; who asked for each firm */
    r = ask(srv, &c->org, "GET", t, NULL);
    CHECK_INT((int64_t)json_array_size(json_object_get(r.json, "registrations")), 2);
    CHECK_INT(json_integer_value(json_object_get(agenda_item(r.json, 1), "investors_asking")), 2);
    CHECK_INT(json_integer_value(json_object_get(agenda_item(r.json, 2), "investors_asking")), 1);
    CHECK_INT(json_integer_value(json_object_get(agenda_item(r.json, 0), "investors_asking")), 0);
    json_decref(r.json);
    /* the list: seats left, and whether the investor asking is registered */
    r = ask(srv, &c->inv_b, "GET", "/api/dock/roadshows", NULL);
    CHECK_INT(r.status, 200);
    json_t *first = json_array_get(json_object_get(r.json, "roadshows"), 0);
    CHECK_INT(json_integer_value(json_object_get(first, "seats_left")), 0);
    CHECK(json_is_true(json_object_get(first, "is_registered")));
    json_decref(r.json);
}

static void followups(struct http_server *srv, struct cast *c, int64_t rs, int32_t day) {
    char t[96], body[256], d[16], before[16];
    date_format(day + 1, d, sizeof d);
    date_format(day - 1, before, sizeof before);
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/followups", (long long)rs);
    snprintf(body, sizeof body, "{\"project_id\":%lld,\"status\":\"尽调\",\"date\":\"%s\"}",
             (long long)c->prj[0], d);
    CHECK_INT(status_of(srv, &c->ent_1, "POST", t, body), 403);
    CHECK_INT(status_of(srv, &c->inv_none, "POST", t, body), 403);
    CHECK_INT(status_of(srv, &c->inv_a, "POST", t, body), 201);
    snprintf(body, sizeof body, "{\"project_id\":%lld,\"status\":\"约谈\",\"date\":\"%s\"}",
             (long long)c->prj[2], d);
    CHECK_INT(status_of(srv, &c->inv_a, "POST", t, body), 201);
    snprintf(body, sizeof body,
             "{\"investor_id\":%lld,\"project_id\":%lld,\"status\":\"约谈\",\"date\":\"%s\"}",
             (long long)c->inv[1], (long long)c->prj[0], d);
    CHECK_INT(status_of(srv, &c->inv_a, "POST", t, body), 403); /* as another investor */
    snprintf(body, sizeof body, "{\"project_id\":%lld,\"status\":\"约谈\",\"date\":\"%s\"}",
             (long long)c->prj[3], d);
    REFUSED(srv, &c->inv_a, "POST", t, body, 422, "project_id");
    snprintf(body, sizeof body, "{\"project_id\":%lld,\"status\":\"约谈\",\"date\":\"%s\"}",
             (long long)c->prj[0], before);
    REFUSED(srv, &c->inv_a, "POST", t, body, 422, "date");
    snprintf(body, sizeof body, "{\"project_id\":%lld,\"status\":\"投了\",\"date\":\"%s\"}",
             (long long)c->prj[0], d);
    REFUSED(srv, &c->inv_a, "POST", t, body, 422, "status");
    snprintf(body, sizeof body,
             "{\"investor_id\":%lld,\"project_id\":%lld,\"status\":\"约谈\",\"date\":\"%s\"}",
             (long long)c->inv[2], (long long)c->prj[0], d);
    REFUSED(srv, &c->org, "POST", t, body, 422, "investor_id"); /* never registered */
    snprintf(body, sizeof body,
             "{\"investor_id\":%lld,\"project_id\":%lld,\"status\":\"签约\",\"amount_fen\":"
             "\"500万元\",\"date\":\"%s\"}",
             (long long)c->inv[1], (long long)c->prj[0], d);
    CHECK_INT(status_of(srv, &c->org, "POST", t, body), 201);
    /* the funnel: 3 firms; P1 (尽调, 签约) and P3 (约谈) followed up; P1 to diligence and a deal */
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld", (long long)rs);
    struct reply r = ask(srv, &c->org, "GET", t, NULL);
    json_t *f = json_object_get(r.json, "funnel");
    CHECK_INT(json_integer_value(json_object_get(f, "firms")), 3);
    CHECK_INT(json_integer_value(json_object_get(f, "firms_followed_up")), 2);
    CHECK_INT(json_integer_value(json_object_get(f, "firms_diligence")), 1);
    CHECK_INT(json_integer_value(json_object_get(f, "firms_signed")), 1);
    CHECK_STR(json_string_value(json_object_get(json_object_get(f, "followup_rate"), "percent")),
              "66.67%");
    CHECK_STR(json_string_value(json_object_get(json_object_get(f, "signed_rate"), "percent")),
              "33.33%");
    CHECK_INT(json_integer_value(json_object_get(f, "investors_following_up")), 2);
    CHECK_INT(json_integer_value(json_object_get(f, "signed_amount_fen")), 500000000);
    CHECK_INT((int64_t)json_array_size(json_object_get(r.json, "followups")), 3);
    json_decref(r.json);
    r = ask(srv, &c->inv_a, "GET", t, NULL); /* its own follow-ups only */
    CHECK_INT((int64_t)json_array_size(json_object_get(r.json, "followups")), 2);
    json_decref(r.json);
}

static int64_t new_event(struct http_server *srv, const struct tauth *org, int32_t day,
                         int32_t deadline, int capacity) {
    char d[16], dl[16], body[256];
    snprintf(body, sizeof body,
             "{\"name\":\"金企对接会\",\"date\":\"%s\",\"start_min\":540,\"slot_min\":20,"
             "\"n_slots\":4,\"n_tables\":2,\"capacity\":%d,\"reg_deadline\":\"%s\"}",
             date_format(day, d, sizeof d), capacity, date_format(deadline, dl, sizeof dl));
    return make(srv, org, "event", body);
}

/* A participant's availability through the API: its owner (and organisers) only, the stretches
 * back as slots, 422 on "ranges" with both languages, each change audited with who made it. The
 * event (new_event) runs 09:00–10:20 in four 20-minute slots. */
static void availability(struct http_server *srv, struct cast *c, int64_t ev, int64_t pid) {
    char t[128];
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants/%lld/availability", (long long)ev,
             (long long)pid);
    struct reply r = ask(srv, &c->ent_1, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    CHECK(json_is_true(json_object_get(r.json, "all_day")));
    CHECK_INT((int64_t)json_array_size(json_object_get(r.json, "slots")), 4);
    json_decref(r.json);
    const char *morning = "{\"ranges\":[{\"from\":\"09:00\",\"to\":\"09:40\"}]}";
    CHECK_INT(status_of(srv, NULL, "GET", t, NULL), 401);
    CHECK_INT(status_of(srv, &c->ent_2, "GET", t, NULL), 403); /* another enterprise's */
    CHECK_INT(status_of(srv, &c->ent_2, "PUT", t, morning), 403);
    CHECK_INT(status_of(srv, &c->bank, "PUT", t, morning), 403);
    CHECK_INT(status_of(srv, &c->inv_a, "PUT", t, morning), 403);
    r = ask(srv, &c->ent_1, "PUT", t, morning);
    CHECK_INT(r.status, 200);
    CHECK(json_is_false(json_object_get(r.json, "all_day")));
    CHECK_INT(json_integer_value(json_object_get(r.json, "available_slots")), 2);
    json_t *back = json_array_get(json_object_get(r.json, "ranges"), 0);
    CHECK_STR(json_string_value(json_object_get(back, "from")), "09:00");
    CHECK_STR(json_string_value(json_object_get(back, "to")), "09:40");
    CHECK(json_is_false(
        json_object_get(json_array_get(json_object_get(r.json, "slots"), 2), "available")));
    json_decref(r.json);
    REFUSED(srv, &c->ent_1, "PUT", t,
            "{\"ranges\":[{\"from\":\"09:00\",\"to\":\"09:40\"},"
            "{\"from\":\"09:20\",\"to\":\"10:00\"}]}",
            422, "ranges"); /* overlapping */
    REFUSED(srv, &c->ent_1, "PUT", t, "{\"ranges\":[{\"from\":\"09:00\",\"to\":\"15:00\"}]}", 422,
            "ranges"); /* after the event's hours */
    REFUSED(srv, &c->ent_1, "PUT", t, "{}", 422, "ranges");
    r = ask(srv, &c->ent_1, "GET", t, NULL); /* refused changes left it as it was */
    CHECK_INT(json_integer_value(json_object_get(r.json, "available_slots")), 2);
    json_decref(r.json);
    r = ask(srv, &c->org, "PUT", t, "{\"all_day\":true}");
    CHECK_INT(r.status, 200);
    CHECK(json_is_true(json_object_get(r.json, "all_day")));
    json_decref(r.json);
    /* three entries, newest first: the organiser's, the enterprise's own, its registration */
    snprintf(t, sizeof t, "/api/audit?object_type=dock_participant&object_id=%lld", (long long)pid);
    r = ask(srv, &c->org, "GET", t, NULL);
    CHECK_INT(json_integer_value(json_object_get(r.json, "total")), 3);
    json_t *items = json_object_get(r.json, "items");
    json_t *e0 = json_array_get(items, 0), *e1 = json_array_get(items, 1);
    CHECK_STR(json_string_value(json_object_get(json_array_get(items, 2), "action")),
              "event_register");
    CHECK_STR(json_string_value(json_object_get(e0, "action")), "event_availability");
    CHECK_INT(json_integer_value(json_object_get(e0, "actor_id")), c->org.actor.user_id);
    CHECK_INT(json_integer_value(json_object_get(e1, "actor_id")), c->ent_1.actor.user_id);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(e1, "after"), "avail_mask")), 3);
    json_decref(r.json);
}

/* Event registration through the API: 409 with the field after the day, after the deadline,
 * twice (the same enterprise or organisation) and beyond the places; check-in on the day only. */
static void event_rules(struct http_server *srv, struct cast *c, int32_t today) {
    char t[96];
    const char *me = "{\"name\":\"我\"}";
    int64_t past = new_event(srv, &c->org, today - 1, today - 2, 10);
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants", (long long)past);
    REFUSED(srv, &c->inv_a, "POST", t, me, 409, "date");
    int64_t closed = new_event(srv, &c->org, today + 3, today - 1, 10);
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants", (long long)closed);
    REFUSED(srv, &c->inv_a, "POST", t, me, 409, "reg_deadline");
    int64_t open = new_event(srv, &c->org, today + 1, today + 1, 2);
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants", (long long)open);
    struct reply r = ask(srv, &c->ent_1, "POST", t, "{\"name\":\"项目1公司\"}");
    CHECK_INT(r.status, 201);
    int64_t pid = json_integer_value(json_object_get(r.json, "id"));
    json_decref(r.json);
    REFUSED(srv, &c->ent_1, "POST", t, "{\"name\":\"项目1公司（二）\"}", 409, "uscc");
    availability(srv, c, open, pid);
    CHECK_INT(status_of(srv, &c->inv_a, "POST", t, me), 201);
    REFUSED(srv, &c->inv_a, "POST", t, "{\"name\":\"我（二）\"}", 409, "capacity");
    /* the event is tomorrow: no check-in today */
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants/%lld/checkin", (long long)open,
             (long long)pid);
    REFUSED(srv, &c->org, "POST", t, NULL, 409, "date");
    int64_t now = new_event(srv, &c->org, today, today, 10);
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants", (long long)now);
    CHECK_INT(status_of(srv, &c->inv_a, "POST", t, me), 201);
    REFUSED(srv, &c->inv_a, "POST", t, "{\"name\":\"我（二）\"}", 409, "org_id");
    /* the directory: names and kinds only, own marked; a party not registered is refused */
    CHECK_INT(status_of(srv, &c->ent_1, "POST", t, "{\"name\":\"项目1公司\"}"), 201);
    snprintf(t, sizeof t, "/api/dock/events/%lld/directory", (long long)now);
    r = ask(srv, &c->ent_1, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    CHECK_INT((int)json_array_size(items), 2);
    int n_mine = 0;
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) {
        n_mine += json_is_true(json_object_get(x, "mine"));
        CHECK(json_object_get(x, "uscc") == NULL);
        CHECK(json_object_get(x, "org_id") == NULL);
        if (json_is_true(json_object_get(x, "mine")))
            CHECK_STR(json_string_value(json_object_get(x, "name")), "项目1公司");
    }
    CHECK_INT(n_mine, 1);
    json_decref(r.json);
    CHECK_INT(status_of(srv, &c->inv_b, "GET", t, NULL), 403);
    CHECK_INT(status_of(srv, &c->org, "GET", t, NULL), 200);
    snprintf(t, sizeof t, "/api/dock/events/%lld/participants", (long long)now);
    /* follow-up intents: a party for its own participant only */
    snprintf(t, sizeof t, "/api/dock/events/%lld/intents", (long long)now);
    const char *mine = "{\"from_party\":\"我\",\"to_party\":\"某企业\",\"status\":\"联系\"}";
    const char *other = "{\"from_party\":\"别人\",\"to_party\":\"某企业\",\"status\":\"联系\"}";
    CHECK_INT(status_of(srv, &c->inv_a, "POST", t, mine), 201);
    CHECK_INT(status_of(srv, &c->inv_a, "POST", t, other), 403);
    CHECK_INT(status_of(srv, &c->inv_b, "POST", t, mine), 403); /* 我 is inv_a's */
    CHECK_INT(status_of(srv, &c->org, "POST", t, other), 201);
}

/* A challenge's state after a call (NULL when it failed), checking the status. */
static void challenge_call(struct http_server *srv, const struct tauth *who, const char *target,
                           const char *body, int status, const char *state, int line) {
    struct reply r = ask(srv, who, "POST", target, body);
    const char *got = json_string_value(json_object_get(r.json, "state"));
    const char *field =
        json_string_value(json_object_get(json_object_get(r.json, "error"), "field"));
    if (r.status != status || (state && (!got || strcmp(got, state) != 0)) ||
        (status == 409 && !(field && *field)))
        test_failf(__FILE__, line, "POST %s: %d %s, want %d %s", target, r.status,
                   got ? got : (field ? field : "-"), status, state ? state : "-");
    json_decref(r.json);
}
#define CH(who, t, b, st, state) challenge_call(srv, who, t, b, st, state, __LINE__)

static int64_t new_challenge(struct http_server *srv, struct cast *c, int32_t today) {
    char d[16], body[256];
    snprintf(body, sizeof body,
             "{\"uscc\":\"%s\",\"title\":\"膜组件国产化\",\"reward_fen\":\"10万元\","
             "\"deadline\":\"%s\"}",
             usccs[0], date_format(today + 30, d, sizeof d));
    int64_t id = make(srv, &c->org, "challenge", body);
    for (int i = 1; i <= 2; i++) {
        snprintf(body, sizeof body,
                 "{\"challenge_id\":%lld,\"seq\":%d,\"name\":\"阶段%d\",\"share\":\"50%%\","
                 "\"due\":\"%s\"}",
                 (long long)id, i, i, date_format(today + 60 * i, d, sizeof d));
        make(srv, &c->org, "milestone", body);
    }
    return id;
}

/* 发榜 → 揭榜中 → 已选定 → 实施中 → 已完成, each refused step with 409 on "state"; and 撤榜. */
static void challenges(struct http_server *srv, struct cast *c, int32_t today) {
    char t[128], b[128], d[16];
    int64_t id = new_challenge(srv, c, today);
    snprintf(b, sizeof b, "{\"done\":\"%s\"}", date_format(today, d, sizeof d));
    char sel[96];
    snprintf(sel, sizeof sel, "{\"solver\":\"%s\"}", usccs[1]);
#define AT(suffix) (snprintf(t, sizeof t, "/api/dock/challenges/%lld%s", (long long)id, suffix), t)
    CH(&c->org, AT("/select"), sel, 409, NULL);       /* 发榜: nobody applied */
    CH(&c->org, AT("/milestones/1"), b, 409, NULL);   /* 发榜: nobody selected */
    CH(&c->ent_2, AT("/apply"), "{}", 200, "揭榜中"); /* 发榜 → 揭榜中 */
    CH(&c->org, AT("/milestones/1"), b, 409, NULL);   /* 揭榜中: nobody selected */
    CH(&c->ent_2, AT("/cancel"), NULL, 403, NULL);    /* not its challenge */
    CH(&c->org, AT("/select"), sel, 200, "已选定");   /* 揭榜中 → 已选定 */
    CH(&c->org, AT("/select"), sel, 409, NULL);       /* once */
    CH(&c->org, AT("/apply"), "{\"solver\":\"晚到者\"}", 409, NULL); /* closed */
    CH(&c->org, AT("/milestones/1"), b, 200, "实施中");              /* 已选定 → 实施中 */
    CH(&c->org, AT("/milestones/1"), b, 409, NULL);                  /* done already (field done) */
    CH(&c->org, AT("/milestones/9"), b, 404, NULL);                  /* no such milestone */
    CH(&c->org, AT("/milestones/2"), b, 200, "已完成"); /* the last: 实施中 → 已完成 */
    CH(&c->ent_1, AT("/cancel"), NULL, 409, NULL);      /* done: too late */
    CH(&c->org, AT("/apply"), "{\"solver\":\"晚到者\"}", 409, NULL);
    /* withdrawn by its owner while open to applications, then nothing more happens */
    id = new_challenge(srv, c, today);
    CH(&c->ent_2, AT("/apply"), "{}", 200, "揭榜中");
    CH(&c->ent_2, AT("/cancel"), NULL, 403, NULL);
    CH(&c->ent_1, AT("/cancel"), NULL, 200, "已撤榜"); /* 揭榜中 → 已撤榜 */
    CH(&c->ent_1, AT("/cancel"), NULL, 409, NULL);
    CH(&c->org, AT("/select"), sel, 409, NULL);
    CH(&c->org, AT("/apply"), "{\"solver\":\"晚到者\"}", 409, NULL);
    CH(&c->org, AT("/milestones/1"), b, 409, NULL);
    /* selected, then withdrawn by the organiser */
    id = new_challenge(srv, c, today);
    CH(&c->ent_2, AT("/apply"), "{}", 200, "揭榜中");
    CH(&c->org, AT("/select"), sel, 200, "已选定");
    CH(&c->org, AT("/cancel"), NULL, 200, "已撤榜");
    CH(&c->org, AT("/milestones/1"), b, 409, NULL);
#undef AT
}

/* The id of a registration from a 201 reply (0 and a failure otherwise). */
static int64_t registered(struct http_server *srv, const struct tauth *who, const char *target,
                          const char *body) {
    struct reply r = ask(srv, who, "POST", target, body);
    int64_t id = r.status == 201 ? json_integer_value(json_object_get(r.json, "id")) : 0;
    if (!id) test_failf(__FILE__, __LINE__, "register %s: %d", target, r.status);
    json_decref(r.json);
    return id;
}

static int64_t seats_left(struct http_server *srv, const struct tauth *who, int64_t rs) {
    char t[96];
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/registrations", (long long)rs);
    struct reply r = ask(srv, who, "GET", t, NULL);
    CHECK_INT(r.status, 200);
    int64_t n = json_integer_value(json_object_get(r.json, "seats_left"));
    json_decref(r.json);
    return n;
}

/* Withdrawal through the endpoints: an investor its own, through the deadline, 409 naming the
 * field after it; an organiser any; the seat comes back. Check-in on the day only; the
 * registrations and the line-up as spreadsheets, for organisers only. */
static void withdrawals(struct http_server *srv, struct cast *c, int32_t today) {
    char t[96], u[192], body[96];
    int64_t rs = new_roadshow(srv, &c->org, today + 7, today + 3, 1);
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/registrations", (long long)rs);
    int64_t ra = registered(srv, &c->inv_a, t, "{}");
    REFUSED(srv, &c->inv_b, "POST", t, "{}", 409, "capacity");
    CHECK_INT(seats_left(srv, &c->org, rs), 0);
    snprintf(u, sizeof u, "%s/%lld", t, (long long)ra);
    CHECK_INT(status_of(srv, NULL, "DELETE", u, NULL), 401);
    CHECK_INT(status_of(srv, &c->ent_1, "DELETE", u, NULL), 403);
    CHECK_INT(status_of(srv, &c->bank, "DELETE", u, NULL), 403);
    CHECK_INT(status_of(srv, &c->inv_b, "DELETE", u, NULL), 403); /* another investor's */
    CHECK_INT(status_of(srv, &c->inv_a, "DELETE", u, NULL), 200);
    CHECK_INT(status_of(srv, &c->inv_a, "DELETE", u, NULL), 404);
    CHECK_INT(seats_left(srv, &c->org, rs), 1);
    int64_t rb = registered(srv, &c->inv_b, t, "{}"); /* the seat freed */
    /* the deadline moved into the past: the investor may no longer withdraw, the organiser may */
    char d[16], rec[128];
    snprintf(body, sizeof body, "{\"reg_deadline\":\"%s\"}", date_format(today - 1, d, sizeof d));
    snprintf(rec, sizeof rec, "/api/dock/records/roadshow/%lld", (long long)rs);
    CHECK_INT(status_of(srv, &c->org, "PUT", rec, body), 200);
    snprintf(u, sizeof u, "%s/%lld", t, (long long)rb);
    REFUSED(srv, &c->inv_b, "DELETE", u, NULL, 409, "reg_deadline");
    /* check-in: organisers only, on the day only */
    snprintf(u, sizeof u, "%s/%lld/checkin", t, (long long)rb);
    CHECK_INT(status_of(srv, &c->inv_b, "POST", u, "{}"), 403);
    REFUSED(srv, &c->org, "POST", u, "{}", 409, "date");
    snprintf(u, sizeof u, "%s/%lld", t, (long long)rb);
    CHECK_INT(status_of(srv, &c->org, "DELETE", u, NULL), 200);
    CHECK_INT(seats_left(srv, &c->org, rs), 1);
    /* a roadshow today: check in, then the investor cannot withdraw */
    int64_t now = new_roadshow(srv, &c->org, today, today, 5);
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/registrations", (long long)now);
    int64_t rn = registered(srv, &c->inv_a, t, "{}");
    snprintf(u, sizeof u, "%s/%lld/checkin", t, (long long)rn);
    struct reply r = ask(srv, &c->org, "POST", u, "{}");
    CHECK_INT(r.status, 200);
    CHECK(json_is_integer(json_object_get(r.json, "checked_in_at")));
    json_decref(r.json);
    snprintf(u, sizeof u, "%s/%lld", t, (long long)rn);
    REFUSED(srv, &c->inv_a, "DELETE", u, NULL, 409, "checked_in_at");
    /* another roadshow's registration through this one's path */
    snprintf(u, sizeof u, "/api/dock/roadshows/%lld/registrations/%lld", (long long)rs,
             (long long)rn);
    CHECK_INT(status_of(srv, &c->org, "DELETE", u, NULL), 404);
    /* the lists: JSON with check-in, spreadsheets; organisers only */
    r = ask(srv, &c->org, "GET", t, NULL);
    json_t *it = json_array_get(json_object_get(r.json, "items"), 0);
    CHECK_STR(json_string_value(json_object_get(it, "checked_in")), "已签到");
    CHECK_INT(json_integer_value(json_object_get(r.json, "seats_left")), 4);
    json_decref(r.json);
    CHECK_INT(status_of(srv, &c->inv_a, "GET", t, NULL), 403);
    snprintf(u, sizeof u, "%s?format=xlsx", t);
    CHECK_INT(status_of(srv, &c->org, "GET", u, NULL), 200);
    snprintf(u, sizeof u, "%s?format=pdf", t);
    CHECK_INT(status_of(srv, &c->org, "GET", u, NULL), 400);
    snprintf(u, sizeof u, "/api/dock/roadshows/%lld/lineup?format=csv", (long long)now);
    CHECK_INT(status_of(srv, &c->org, "GET", u, NULL), 200);
    CHECK_INT(status_of(srv, &c->inv_a, "GET", u, NULL), 403);
}

TEST(dock_parties_http) {
    char path[128];
    snprintf(path, sizeof path, "/tmp/duijie_dock_parties_%d.db", (int)getpid());
    struct cast c;
    struct http_server *srv = setup(path, &c);
    if (!srv) return;
    int32_t today = date_today();
    /* who may create one */
    const char *body = "{\"name\":\"x\",\"date\":\"2030-01-01\",\"start\":\"09:00\","
                       "\"minutes_per_firm\":10}";
    CHECK_INT(status_of(srv, &c.inv_a, "POST", "/api/dock/roadshows", body), 403);
    CHECK_INT(status_of(srv, &c.ent_1, "POST", "/api/dock/roadshows", body), 403);
    REFUSED(srv, &c.org, "POST", "/api/dock/roadshows",
            "{\"name\":\"x\",\"date\":\"2030-01-01\",\"start\":\"25:00\",\"minutes_per_firm\":10}",
            422, "start");
    REFUSED(srv, &c.org, "POST", "/api/dock/roadshows",
            "{\"name\":\"x\",\"date\":\"2030-01-01\",\"start\":\"09:00\",\"minutes_per_firm\":0}",
            422, "minutes_per_firm");
    int64_t rs = new_roadshow(srv, &c.org, today + 7, today + 3, 2);
    lineup(srv, &c, rs);
    registrations(srv, &c, rs);
    visibility(srv, &c, rs);
    followups(srv, &c, rs, today + 7);
    /* after the deadline, and after the day */
    char t[96], b[64];
    snprintf(b, sizeof b, "{\"firms\":[]}");
    int64_t late = new_roadshow(srv, &c.org, today + 5, today - 1, 10);
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/registrations", (long long)late);
    REFUSED(srv, &c.inv_a, "POST", t, b, 409, "reg_deadline");
    int64_t past = new_roadshow(srv, &c.org, today - 1, today - 3, 10);
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/registrations", (long long)past);
    REFUSED(srv, &c.inv_a, "POST", t, b, 409, "date");
    /* on the deadline day itself, still open */
    int64_t last = new_roadshow(srv, &c.org, today, today, 10);
    snprintf(t, sizeof t, "/api/dock/roadshows/%lld/registrations", (long long)last);
    CHECK_INT(status_of(srv, &c.inv_a, "POST", t, b), 201);
    CHECK_INT(status_of(srv, &c.org, "GET", "/api/dock/roadshows/99999", NULL), 404);
    withdrawals(srv, &c, today);
    event_rules(srv, &c, today);
    challenges(srv, &c, today);
    http_server_free(srv);
    unlink(path);
}

/* The programme's arithmetic without the store: slots exact to the minute, a programme that runs
 * past midnight refused, and the funnel's fractions. */
TEST(dock_roadshow_report) {
    struct error err;
    json_t *in = json_pack("{s:i, s:i, s:i, s:[{s:i}, {s:i}, {s:i}]}", "start_min", 23 * 60,
                           "minutes_per_firm", 15, "gap_min", 5, "firms", "project_id", 7,
                           "project_id", 8, "project_id", 9);
    json_t *rep = roadshow_report(in, &err);
    CHECK(rep != NULL);
    CHECK_STR(json_string_value(json_object_get(rep, "end")), "23:55");
    CHECK_STR(json_string_value(json_object_get(agenda_item(rep, 2), "start")), "23:40");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(rep, "funnel"), "firms")), 3);
    json_decref(rep);
    json_object_set_new(in, "minutes_per_firm", json_integer(17)); /* 23:00 + 3×17 + 2×5 > 24:00 */
    CHECK(roadshow_report(in, &err) == NULL);
    CHECK_INT(err.code, ERR_RANGE);
    CHECK_STR(err.field, "minutes_per_firm");
    json_object_set_new(in, "minutes_per_firm", json_integer(15));
    json_object_set_new(
        in, "followups",
        json_pack("[{s:i, s:i, s:s}]", "investor_id", 1, "project_id", 7, "status", "放弃"));
    rep = roadshow_report(in, &err);
    json_t *f = json_object_get(rep, "funnel");
    CHECK_INT(json_integer_value(json_object_get(f, "firms_followed_up")), 1);
    CHECK_INT(json_integer_value(json_object_get(f, "firms_diligence")), 0);
    CHECK_STR(json_string_value(json_object_get(json_object_get(f, "investor_rate"), "percent")),
              "—"); /* nobody registered */
    json_decref(rep), json_decref(in);
}
