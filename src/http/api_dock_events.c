/* Owns the matchmaking-event (对接会) endpoints: events with their counts, registration,
 * check-in and no-shows, meeting requests and their acceptance, the schedule (computed, or
 * repaired after late changes without moving what need not move) as a slot × table grid with clock
 * times, each participant's agenda as JSON or iCalendar, and follow-up intents. Organisers see
 * and do everything; an enterprise, bank or investor acts for the participants that are its own.
 * The scheduling is src/dock's (schedule.c, agenda.c); the tables dock_store.h's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "http/dock_api.h"
#include "util/buf.h"
#include "util/date.h"

static bool is_organiser(const struct actor *a) {
    enum dock_view v = dock_view_of(a);
    return v == DOCK_ORGANISER || v == DOCK_AREA;
}

/* Whether the participant record is the actor's own (its enterprise, bank or investor). */
static bool owns(const struct actor *a, json_t *p) {
    const char *kind = json_string_value(json_object_get(p, "kind"));
    const char *uscc = json_string_value(json_object_get(p, "uscc"));
    int64_t org = json_integer_value(json_object_get(p, "org_id"));
    switch (a->role) {
    case ROLE_ENTERPRISE:
        return uscc && a->uscc[0] && strcmp(uscc, a->uscc) == 0;
    case ROLE_BANK:
        return org && org == a->org_id && kind && strcmp(kind, "银行") == 0;
    case ROLE_INVESTOR:
        return org && org == a->org_id && kind && strcmp(kind, "投资机构") == 0;
    default:
        return false;
    }
}

/* The event (a reply and NULL when absent). */
static json_t *event_of(struct http_request *req, struct store *st, int64_t *id,
                        struct http_response *res) {
    if (dock_param_id(req, "id", id, res)) return NULL;
    json_t *ev = NULL;
    struct error err;
    if (dock_get(st, "event", *id, &ev, &err)) {
        dock_fail(res, &err);
        return NULL;
    }
    return ev;
}

/* The participant {pid} of event id (a reply and NULL when absent or not the actor's). */
static json_t *participant_of(struct http_request *req, struct store *st, int64_t event_id,
                              const char *param, int64_t *pid, struct http_response *res) {
    if (dock_param_id(req, param, pid, res)) return NULL;
    json_t *p = NULL;
    struct error err;
    if (dock_get(st, "participant", *pid, &p, &err)) {
        dock_fail(res, &err);
        return NULL;
    }
    if (json_integer_value(json_object_get(p, "event_id")) != event_id) {
        json_decref(p);
        http_reply_error(res, 404, "not_found", "该活动没有这位参会者",
                         "no such participant in this event");
        return NULL;
    }
    if (!is_organiser(http_actor(req)) && !owns(http_actor(req), p)) {
        json_decref(p);
        dock_forbidden(res);
        return NULL;
    }
    return p;
}

/* The request's store with the event {id} known to exist (a reply and NULL when not). */
static struct store *event_store(struct http_request *req, struct http_response *res, int64_t *id) {
    struct store *st = http_store(req, res);
    json_t *ev = st ? event_of(req, st, id, res) : NULL;
    bool is_found = ev != NULL;
    json_decref(ev);
    return is_found ? st : NULL;
}

/* event_store, and the participant {pid} of that event the actor may act for. */
static struct store *participant_store(struct http_request *req, struct http_response *res,
                                       int64_t *id, int64_t *pid) {
    struct store *st = event_store(req, res, id);
    json_t *p = st ? participant_of(req, st, *id, "pid", pid, res) : NULL;
    bool is_found = p != NULL;
    json_decref(p);
    return is_found ? st : NULL;
}

/* event_store (into *st), and the event's participants (a new list); NULL once the reply is
 * sent. */
static json_t *event_participants(struct http_request *req, struct http_response *res, int64_t *id,
                                  struct store **st) {
    *st = event_store(req, res, id);
    if (!*st) return NULL;
    json_t *list = NULL;
    struct error err;
    if (dock_list(*st, "participant", "event_id", store_val_int(*id), 0, 0, &list, &err)) {
        dock_fail(res, &err);
        return NULL;
    }
    return list;
}

static void event_counts(struct store *st, json_t *ev, int64_t id) {
    json_object_set_new(ev, "participants",
                        json_integer(dock_count(
                            st, "SELECT COUNT(*) FROM dock_participant WHERE event_id = ?", id)));
    json_object_set_new(ev, "checked_in",
                        json_integer(dock_count(st,
                                                "SELECT COUNT(*) FROM dock_participant WHERE"
                                                " event_id = ? AND checked_in_at IS NOT NULL",
                                                id)));
    json_object_set_new(ev, "requests_accepted",
                        json_integer(dock_count(st,
                                                "SELECT COUNT(*) FROM dock_request WHERE event_id ="
                                                " ? AND status = '已接受'",
                                                id)));
    json_object_set_new(
        ev, "meetings",
        json_integer(dock_count(st, "SELECT COUNT(*) FROM dock_meeting WHERE event_id = ?", id)));
    json_object_set_new(ev, "no_shows",
                        json_integer(dock_count(st,
                                                "SELECT COUNT(*) FROM dock_meeting WHERE event_id ="
                                                " ? AND no_show = 1",
                                                id)));
}

static void events_list(struct http_request *req, struct http_response *res) {
    struct store *st = http_store(req, res);
    if (!st) return;
    json_t *list = NULL, *ev;
    struct error err;
    if (dock_list(st, "event", NULL, store_val_null(), 0, 0, &list, &err)) {
        dock_fail(res, &err);
        return;
    }
    size_t i;
    json_array_foreach(list, i, ev)
        event_counts(st, ev, json_integer_value(json_object_get(ev, "id")));
    http_reply_json(res, 200, json_pack("{s:o}", "events", list));
}

static void event_get(struct http_request *req, struct http_response *res) {
    struct store *st = http_store(req, res);
    int64_t id;
    json_t *ev = st ? event_of(req, st, &id, res) : NULL;
    if (!ev) return;
    event_counts(st, ev, id);
    http_reply_json(res, 200, ev);
}

/* GET /api/dock/events/{id}/participants: everyone for organisers, one's own otherwise. */
static const struct export_column participant_cols[] = {
    {"id", "编号", EXPORT_INT},
    {"name", "参会者", EXPORT_TEXT},
    {"kind", "类别", EXPORT_TEXT},
    {"uscc", "统一社会信用代码", EXPORT_TEXT},
    {"registered_on", "报名日期", EXPORT_DATE},
    {"checked_in", "签到", EXPORT_TEXT},
    {"meetings", "洽谈场数", EXPORT_INT},
};

static void participants_list(struct http_request *req, struct http_response *res) {
    int fmt = http_query_format(req, res);
    if (fmt == -2) return;
    int64_t id;
    struct store *st;
    json_t *list = event_participants(req, res, &id, &st), *p;
    if (!list) return;
    struct error err;
    const struct actor *who = http_actor(req);
    if (!is_organiser(who)) {
        json_t *mine = json_array();
        size_t i;
        json_array_foreach(list, i, p) {
            if (owns(who, p)) json_array_append(mine, p);
        }
        json_decref(list);
        list = mine;
    }
    if (fmt >= 0) {
        size_t i;
        json_array_foreach(list, i, p) {
            bool is_in = json_is_integer(json_object_get(p, "checked_in_at"));
            json_object_set_new(p, "checked_in", json_string(is_in ? "已签到" : "未签到"));
            int64_t pid = json_integer_value(json_object_get(p, "id")), n = 0;
            struct store_val a[] = {store_val_int(pid), store_val_int(pid)};
            store_sql_int(st,
                          "SELECT COUNT(*) FROM dock_meeting m JOIN dock_request r ON r.id ="
                          " m.request_id WHERE r.a_id = ? OR r.b_id = ?",
                          a, 2, 0, &n, &err);
            json_object_set_new(p, "meetings", json_integer(n));
        }
        http_reply_export(res, participant_cols,
                          (int)(sizeof participant_cols / sizeof *participant_cols), list, "参会者",
                          "participants", fmt);
        json_decref(list);
        return;
    }
    http_reply_json(res, 200, json_pack("{s:I, s:o}", "event_id", (json_int_t)id, "items", list));
}

/* POST /api/dock/events/{id}/participants {name, kind, uscc, org_id, avail_mask}: an organiser
 * registers anyone; an enterprise, bank or investor registers itself. */
static void participant_register(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *st = event_store(req, res, &id);
    if (!st) return;
    json_t *in = http_body_json(req, res);
    if (!in) return;
    const struct actor *who = http_actor(req);
    if (!is_organiser(who)) {
        const char *kind = who->role == ROLE_ENTERPRISE ? "企业"
                           : who->role == ROLE_BANK     ? "银行"
                           : who->role == ROLE_INVESTOR ? "投资机构"
                                                        : NULL;
        if (!kind) {
            json_decref(in);
            dock_forbidden(res);
            return;
        }
        json_object_set_new(in, "kind", json_string(kind));
        if (who->role == ROLE_ENTERPRISE)
            json_object_set_new(in, "uscc", json_string(who->uscc));
        else
            json_object_set_new(in, "org_id", json_integer(who->org_id));
        json_object_del(in, "checked_in_at");
    }
    struct error err;
    error_clear(&err);
    int64_t pid = 0;
    int rc = dock_register_as(st, id, in, date_today(), who, &pid, &err);
    json_decref(in);
    json_t *p = NULL;
    if (!rc) rc = dock_get(st, "participant", pid, &p, &err);
    if (rc) {
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    http_reply_json(res, 201, p);
}

static void participant_checkin(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int64_t id, pid;
    struct store *st = participant_store(req, res, &id, &pid);
    if (!st) return;
    struct error err;
    error_clear(&err);
    int64_t t = (int64_t)time(NULL);
    json_t *p = NULL;
    if (dock_check_in_as(st, id, pid, t, http_actor(req), &err) ||
        dock_get(st, "participant", pid, &p, &err)) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, p);
}

/* POST …/participants/{pid}/noshow {"with": other participant id (optional), "no_show": true} */
static void participant_noshow(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int64_t id, pid;
    struct store *st = participant_store(req, res, &id, &pid);
    if (!st) return;
    size_t len = 0;
    http_body(req, &len);
    json_t *in = len ? http_body_json(req, res) : json_object();
    if (!in) return;
    json_t *with = json_object_get(in, "with"), *flag = json_object_get(in, "no_show");
    struct error err;
    error_clear(&err);
    int rc = dock_no_show_as(st, id, pid, json_is_integer(with) ? json_integer_value(with) : 0,
                             !flag || json_is_true(flag), http_actor(req), &err);
    json_decref(in);
    if (rc) {
        dock_fail(res, &err);
        return;
    }
    struct store_val a[] = {store_val_int(id), store_val_int(pid), store_val_int(pid)};
    int64_t n = 0;
    store_sql_int(st,
                  "SELECT COUNT(*) FROM dock_meeting m JOIN dock_request r ON r.id = m.request_id"
                  " WHERE m.event_id = ? AND m.no_show = 1 AND (r.a_id = ? OR r.b_id = ?)",
                  a, 3, 0, &n, &err);
    http_reply_json(
        res, 200,
        json_pack("{s:I, s:I}", "participant_id", (json_int_t)pid, "no_shows", (json_int_t)n));
}

/* GET /api/dock/events/{id}/participants/{pid}/availability: the slots the participant can attend
 * with clock times, as stretches too, and its meetings outside them (the participant's owner or
 * an organiser). */
static void availability_get(struct http_request *req, struct http_response *res) {
    int64_t id, pid;
    struct store *st = participant_store(req, res, &id, &pid);
    if (!st) return;
    json_t *out = NULL;
    struct error err;
    error_clear(&err);
    if (dock_availability(st, id, pid, &out, &err)) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, out);
}

/* PUT …/availability {"ranges": [{"from": "09:00", "to": "11:00"}, …]} or {"all_day": true}: the
 * participant's owner (or an organiser) says when it can meet; 422 on "ranges" for a stretch that
 * overlaps another, lies outside the event's hours or holds no whole slot, 409 on "date" after the
 * event. Audited; the schedule follows when the organiser computes or repairs it. */
static void availability_put(struct http_request *req, struct http_response *res) {
    int64_t id, pid;
    struct store *st = participant_store(req, res, &id, &pid);
    if (!st) return;
    json_t *in = http_body_json(req, res);
    if (!in) return;
    struct error err;
    error_clear(&err);
    json_t *ranges = json_object_get(in, "ranges"), *out = NULL;
    int rc = ERR_INVALID;
    if (ranges || json_is_true(json_object_get(in, "all_day"))) {
        rc = dock_set_availability(st, id, pid, ranges, date_today(), http_actor(req), &out, &err);
    } else {
        error_set(&err, ERR_INVALID, "须给出 ranges（可洽谈的时间段）或 all_day: true",
                  "give ranges (the times free to meet) or all_day: true");
        error_field(&err, "ranges");
    }
    json_decref(in);
    if (rc) {
        http_reply_err(res, rc == ERR_INVALID || rc == ERR_RANGE ? 422 : 0, &err);
        return;
    }
    http_reply_json(res, 200, out);
}

/* GET /api/dock/events/{id}/availability: the organiser's one-screen view of who can meet when:
 * every participant's stretches (and who never said), its scheduled meetings, and the conflicts
 * (a meeting outside a participant's stretches, two meetings in one slot) in Chinese with the
 * names. Organisers only (parties see their own through …/participants/{pid}/availability). */
static void event_availability(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int64_t id;
    struct store *st = event_store(req, res, &id);
    if (!st) return;
    json_t *out = NULL;
    struct error err;
    error_clear(&err);
    if (dock_event_availability(st, id, &out, &err)) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, out);
}

/* GET /api/dock/events/{id}/requests: all for organisers, those naming one's own otherwise. */
static void requests_list(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *st = event_store(req, res, &id);
    if (!st) return;
    struct store_val a = store_val_int(id);
    json_t *list = NULL, *parts = NULL;
    struct error err;
    if (dock_query(st,
                   "SELECT r.id, r.a_id, pa.name AS a, r.b_id, pb.name AS b, r.priority, r.status,"
                   " r.reason, m.slot, m.tbl AS \"table\" FROM dock_request r JOIN dock_participant"
                   " pa ON pa.id = r.a_id JOIN dock_participant pb ON pb.id = r.b_id LEFT JOIN"
                   " dock_meeting m ON m.request_id = r.id WHERE r.event_id = ? ORDER BY r.id",
                   &a, 1, "iisisissii", &list, &err) ||
        dock_list(st, "participant", "event_id", store_val_int(id), 0, 0, &parts, &err)) {
        json_decref(list);
        dock_fail(res, &err);
        return;
    }
    const struct actor *who = http_actor(req);
    if (!is_organiser(who)) {
        json_t *mine_ids = json_object(), *p, *r;
        size_t i;
        json_array_foreach(parts, i, p) {
            char k[24];
            snprintf(k, sizeof k, "%lld", (long long)json_integer_value(json_object_get(p, "id")));
            if (owns(who, p)) json_object_set_new(mine_ids, k, json_true());
        }
        json_t *mine = json_array();
        json_array_foreach(list, i, r) {
            char ka[24], kb[24];
            snprintf(ka, sizeof ka, "%lld",
                     (long long)json_integer_value(json_object_get(r, "a_id")));
            snprintf(kb, sizeof kb, "%lld",
                     (long long)json_integer_value(json_object_get(r, "b_id")));
            if (json_object_get(mine_ids, ka) || json_object_get(mine_ids, kb))
                json_array_append(mine, r);
        }
        json_decref(list), json_decref(mine_ids);
        list = mine;
    }
    json_decref(parts);
    http_reply_json(res, 200, json_pack("{s:I, s:o}", "event_id", (json_int_t)id, "items", list));
}

/* POST /api/dock/events/{id}/requests {a_id, b_id, priority}: an organiser (accepted at once
 * unless status is given) or the owner of a (待确认 until b accepts). */
static void request_new(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *st = event_store(req, res, &id);
    if (!st) return;
    json_t *in = http_body_json(req, res);
    if (!in) return;
    const struct actor *who = http_actor(req);
    struct error err;
    error_clear(&err);
    int64_t ids[2] = {json_integer_value(json_object_get(in, "a_id")),
                      json_integer_value(json_object_get(in, "b_id"))};
    json_t *pa = NULL;
    for (int k = 0; k < 2; k++) {
        json_t *p = NULL;
        const char *field = k ? "b_id" : "a_id";
        if (dock_get(st, "participant", ids[k], &p, &err) ||
            json_integer_value(json_object_get(p, "event_id")) != id || (k && ids[1] == ids[0])) {
            json_decref(p), json_decref(pa), json_decref(in);
            if (k && ids[1] == ids[0])
                error_set(&err, ERR_INVALID, "不能与自己洽谈", "a participant cannot meet itself");
            else
                error_set(&err, ERR_INVALID, "%s 须为本活动已报名的参会者",
                          "%s must be a participant registered for this event", field);
            error_field(&err, field);
            http_reply_err(res, 422, &err);
            return;
        }
        if (k == 0)
            pa = p;
        else
            json_decref(p);
    }
    bool org = is_organiser(who);
    if (!org && !owns(who, pa)) {
        json_decref(pa), json_decref(in);
        dock_forbidden(res);
        return;
    }
    json_decref(pa);
    json_object_set_new(in, "event_id", json_integer(id));
    if (!org || !json_object_get(in, "status"))
        json_object_set_new(in, "status", json_string(org ? "已接受" : "待确认"));
    json_object_del(in, "reason");
    int64_t rid = 0;
    int rc = dock_request_send_as(st, in, who, &rid, &err);
    json_decref(in);
    json_t *row = NULL;
    if (!rc) rc = dock_get(st, "request", rid, &row, &err);
    if (rc) {
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    http_reply_json(res, 201, row);
}

/* POST /api/dock/events/{id}/requests/{rid} {status}: b's owner accepts or declines, a's owner
 * cancels; an organiser sets any status. */
static void request_status(struct http_request *req, struct http_response *res) {
    int64_t id, rid;
    struct store *st = event_store(req, res, &id);
    if (!st) return;
    if (dock_param_id(req, "rid", &rid, res)) return;
    struct error err;
    error_clear(&err);
    json_t *r = NULL;
    if (dock_get(st, "request", rid, &r, &err)) {
        dock_fail(res, &err);
        return;
    }
    json_t *in = http_body_json(req, res);
    if (!in) {
        json_decref(r);
        return;
    }
    const char *status = json_string_value(json_object_get(in, "status"));
    const struct actor *who = http_actor(req);
    bool ok = json_integer_value(json_object_get(r, "event_id")) == id && status;
    if (ok && !is_organiser(who)) {
        json_t *pa = NULL, *pb = NULL;
        dock_get(st, "participant", json_integer_value(json_object_get(r, "a_id")), &pa, &err);
        dock_get(st, "participant", json_integer_value(json_object_get(r, "b_id")), &pb, &err);
        ok = (strcmp(status, "已取消") == 0 && (owns(who, pa) || owns(who, pb))) ||
             ((strcmp(status, "已接受") == 0 || strcmp(status, "已拒绝") == 0) && owns(who, pb));
        json_decref(pa), json_decref(pb);
        if (!ok) {
            json_decref(in), json_decref(r);
            dock_forbidden(res);
            return;
        }
    }
    json_decref(r);
    r = NULL;
    /* the change, the meeting it drops and the audit entry commit together */
    int rc = dock_request_status_as(st, id, rid, status, who, &err);
    json_decref(in); /* status pointed into it */
    if (!rc) rc = dock_get(st, "request", rid, &r, &err);
    if (rc) {
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    http_reply_json(res, 200, r);
}

/* POST /api/dock/events/{id}/schedule[?repair=1] */
static void schedule_compute(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int64_t id, repair;
    struct store *st = event_store(req, res, &id);
    if (!st) return;
    if (http_query_int(req, "repair", 0, 0, 1, &repair, res) < 0) return;
    struct dock_schedule_stats s;
    struct error err;
    error_clear(&err);
    if (dock_schedule_as(st, id, repair != 0, http_actor(req), &s, &err)) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200,
                    json_pack("{s:I, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:s}", "event_id",
                              (json_int_t)id, "repair", (int)repair, "requests", s.n_requests,
                              "placed", s.n_placed, "upper_bound", s.upper_bound, "covered",
                              s.n_covered, "wanting", s.n_wanting, "moved", s.n_moved, "optimal",
                              s.is_optimal, "method", s.method ? s.method : ""));
}

static struct agenda_clock clock_of(json_t *ev) {
    int32_t day = 0;
    const char *d = json_string_value(json_object_get(ev, "date"));
    if (d) date_parse(d, strlen(d), &day, NULL);
    return (struct agenda_clock){day, (int)json_integer_value(json_object_get(ev, "start_min")),
                                 (int)json_integer_value(json_object_get(ev, "slot_min")),
                                 (int)json_integer_value(json_object_get(ev, "gap_min"))};
}

static void clock_text(const struct agenda_clock *c, int slot, bool is_end, char *buf, size_t n) {
    int m = c->start_min + slot * (c->slot_min + c->gap_min) + (is_end ? c->slot_min : 0);
    snprintf(buf, n, "%02d:%02d", (m / 60) % 24, m % 60);
}

/* GET /api/dock/events/{id}/schedule: the meetings and the slot × table grid. */
static const struct export_column meeting_cols[] = {
    {"start", "开始", EXPORT_TEXT},   {"end", "结束", EXPORT_TEXT},
    {"table_no", "桌号", EXPORT_INT}, {"a", "参会方甲", EXPORT_TEXT},
    {"b", "参会方乙", EXPORT_TEXT},   {"no_show_text", "缺席", EXPORT_TEXT},
};

static const struct export_column agenda_cols[] = {
    {"start", "开始", EXPORT_TEXT},
    {"end", "结束", EXPORT_TEXT},
    {"table_no", "桌号", EXPORT_INT},
    {"with", "洽谈对象", EXPORT_TEXT},
};

static void schedule_get(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int fmt = http_query_format(req, res);
    if (fmt == -2) return;
    struct store *st = http_store(req, res);
    int64_t id;
    json_t *ev = st ? event_of(req, st, &id, res) : NULL;
    if (!ev) return;
    json_t *m = NULL;
    struct error err;
    if (dock_meetings(st, id, &m, &err)) {
        json_decref(ev);
        dock_fail(res, &err);
        return;
    }
    struct agenda_clock c = clock_of(ev);
    int n_slots = (int)json_integer_value(json_object_get(ev, "n_slots"));
    int n_tables = (int)json_integer_value(json_object_get(ev, "n_tables"));
    json_t *slots = json_array();
    for (int s = 0; s < n_slots; s++) {
        char a[8], b[8];
        clock_text(&c, s, false, a, sizeof a), clock_text(&c, s, true, b, sizeof b);
        json_t *tables = json_array();
        for (int t = 0; t < n_tables; t++)
            json_array_append_new(tables, json_null());
        json_array_append_new(slots, json_pack("{s:i, s:s, s:s, s:o}", "slot", s, "start", a, "end",
                                               b, "tables", tables));
    }
    json_t *x;
    size_t i;
    json_array_foreach(m, i, x) {
        int s = (int)json_integer_value(json_object_get(x, "slot"));
        int t = (int)json_integer_value(json_object_get(x, "table"));
        json_t *row = json_object_get(json_array_get(slots, (size_t)s), "tables");
        if (row && t >= 0 && t < n_tables) json_array_set(row, (size_t)t, x);
    }
    if (fmt >= 0) { /* every meeting in time order: the hall's list of agendas */
        json_array_foreach(m, i, x) {
            int s = (int)json_integer_value(json_object_get(x, "slot"));
            char a[8], b[8];
            clock_text(&c, s, false, a, sizeof a), clock_text(&c, s, true, b, sizeof b);
            json_object_set_new(x, "start", json_string(a));
            json_object_set_new(x, "end", json_string(b));
            json_object_set_new(x, "table_no",
                                json_integer(json_integer_value(json_object_get(x, "table")) + 1));
            bool is_no = json_is_true(json_object_get(x, "no_show"));
            json_object_set_new(x, "no_show_text", json_string(is_no ? "缺席" : ""));
        }
        http_reply_export(res, meeting_cols, (int)(sizeof meeting_cols / sizeof *meeting_cols), m,
                          "洽谈安排", "schedule", fmt);
        json_decref(m), json_decref(ev), json_decref(slots);
        return;
    }
    event_counts(st, ev, id);
    http_reply_json(res, 200,
                    json_pack("{s:o, s:o, s:o}", "event", ev, "meetings", m, "grid", slots));
}

/* GET /api/dock/events/{id}/agenda/{pid}[?format=ics] */
static void agenda_get(struct http_request *req, struct http_response *res) {
    struct store *st = http_store(req, res);
    int64_t id, pid;
    json_t *ev = st ? event_of(req, st, &id, res) : NULL;
    if (!ev) return;
    json_t *p = participant_of(req, st, id, "pid", &pid, res);
    if (!p) {
        json_decref(ev);
        return;
    }
    const char *name = json_string_value(json_object_get(p, "name"));
    json_t *m = NULL;
    struct error err;
    error_clear(&err);
    struct agenda_clock c = clock_of(ev);
    json_t *agenda = NULL;
    if (!dock_meetings(st, id, &m, &err)) {
        json_t *mine = json_array(), *x;
        size_t i;
        json_array_foreach(m, i, x) {
            if (json_integer_value(json_object_get(x, "a_id")) == pid ||
                json_integer_value(json_object_get(x, "b_id")) == pid)
                json_array_append(mine, x);
        }
        agenda = agenda_build(mine, &c, &err);
        json_decref(mine);
    }
    json_decref(m);
    if (!agenda) {
        json_decref(ev), json_decref(p);
        dock_fail(res, &err);
        return;
    }
    const char *format = http_query(req, "format");
    if (format && strcmp(format, "ics") == 0) {
        struct buf b;
        buf_init(&b);
        int rc =
            agenda_ics(agenda, name, json_string_value(json_object_get(ev, "name")), &c, &b, &err);
        if (rc) {
            dock_fail(res, &err);
        } else {
            http_reply_text(res, 200, "text/calendar; charset=utf-8", buf_str(&b), b.len);
            char cd[96];
            snprintf(cd, sizeof cd, "attachment; filename=\"agenda-%lld-%lld.ics\"", (long long)id,
                     (long long)pid);
            http_add_header(res, "Content-Disposition", cd);
        }
        buf_release(&b);
        json_decref(agenda), json_decref(ev), json_decref(p);
        return;
    }
    json_t *list = json_object_get(agenda, name);
    int fmt = http_query_format(req, res);
    if (fmt != -1) { /* csv or xlsx (a bad format has its 400 already) */
        size_t i;
        json_t *x;
        json_array_foreach(list, i, x) {
            json_int_t tno = json_integer_value(json_object_get(x, "table")) + 1;
            json_object_set_new(x, "table_no", json_integer(tno));
        }
        json_t *empty = json_array();
        if (fmt >= 0)
            http_reply_export(res, agenda_cols, (int)(sizeof agenda_cols / sizeof *agenda_cols),
                              list ? list : empty, "个人日程", "agenda", fmt);
        json_decref(empty), json_decref(agenda), json_decref(ev), json_decref(p);
        return;
    }
    http_reply_json(res, 200,
                    json_pack("{s:O, s:o, s:O}", "event", ev, "participant", p, "meetings",
                              list ? list : json_array()));
    json_decref(agenda), json_decref(ev);
}

/* POST /api/dock/events/{id}/intents {from_party, to_party, status, about, outcome, amount_fen,
 * date}: a follow-up intent after the event (organisers, or a party for one of its own
 * participants: from_party names it, 403 otherwise). */
static void intent_new(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *st = event_store(req, res, &id);
    if (!st) return;
    const struct actor *who = http_actor(req);
    if (!is_organiser(who) && dock_view_of(who) == DOCK_NONE) {
        dock_forbidden(res);
        return;
    }
    json_t *in = http_body_json(req, res);
    if (!in) return;
    struct error err;
    error_clear(&err);
    if (!is_organiser(who)) { /* from one of its own participants in this event only */
        const char *from = json_string_value(json_object_get(in, "from_party"));
        json_t *ps = NULL, *p;
        size_t i;
        bool is_mine = false;
        if (from && !dock_list(st, "participant", "event_id", store_val_int(id), 0, 0, &ps, &err))
            json_array_foreach(ps, i, p) {
                const char *name = json_string_value(json_object_get(p, "name"));
                if (name && strcmp(name, from) == 0 && owns(who, p)) is_mine = true;
            }
        json_decref(ps);
        if (!is_mine) {
            json_decref(in);
            dock_forbidden(res);
            return;
        }
    }
    json_object_set_new(in, "event_id", json_integer(id));
    if (!json_object_get(in, "date")) {
        char d[16];
        json_object_set_new(in, "date", json_string(date_format(date_today(), d, sizeof d)));
    }
    int64_t iid = 0;
    json_t *row = NULL;
    int rc = dock_intent_add_as(st, in, who, &iid, &err);
    json_decref(in);
    if (!rc) rc = dock_get(st, "intent", iid, &row, &err);
    if (rc) {
        http_reply_err(res, rc == ERR_INVALID ? 422 : 0, &err);
        return;
    }
    http_reply_json(res, 201, row);
}

/* GET /api/dock/events/{id}/directory: who else is registered, as name and kind only (no codes,
 * contacts or availability), so a participant can pick whom to ask for a 1:1 meeting; "mine" marks
 * the caller's own. A party must be registered itself (403 otherwise); organisers see all. */
static void participants_directory(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *st;
    json_t *list = event_participants(req, res, &id, &st), *p;
    if (!list) return;
    const struct actor *who = http_actor(req);
    bool org = is_organiser(who), is_in = org;
    json_t *items = json_array();
    size_t i;
    json_array_foreach(list, i, p) {
        bool mine = !org && owns(who, p);
        is_in = is_in || mine;
        json_array_append_new(items,
                              json_pack("{s:O, s:O, s:O, s:b}", "id", json_object_get(p, "id"),
                                        "name", json_object_get(p, "name"), "kind",
                                        json_object_get(p, "kind"), "mine", mine));
    }
    json_decref(list);
    if (!is_in) {
        json_decref(items);
        dock_forbidden(res);
        return;
    }
    http_reply_json(res, 200, json_pack("{s:I, s:o}", "event_id", (json_int_t)id, "items", items));
}

void http_routes_dock_events(struct http_router *r) {
    http_route(r, "GET", "/api/dock/events", events_list, 0);
    http_route(r, "GET", "/api/dock/events/{id}", event_get, 0);
    http_route(r, "GET", "/api/dock/events/{id}/participants", participants_list, 0);
    http_route(r, "POST", "/api/dock/events/{id}/participants", participant_register, 0);
    http_route(r, "GET", "/api/dock/events/{id}/directory", participants_directory, 0);
    http_route(r, "POST", "/api/dock/events/{id}/participants/{pid}/checkin", participant_checkin,
               0);
    http_route(r, "POST", "/api/dock/events/{id}/participants/{pid}/noshow", participant_noshow, 0);
    http_route(r, "GET", "/api/dock/events/{id}/participants/{pid}/availability", availability_get,
               0);
    http_route(r, "PUT", "/api/dock/events/{id}/participants/{pid}/availability", availability_put,
               0);
    http_route(r, "GET", "/api/dock/events/{id}/availability", event_availability, 0);
    http_route(r, "GET", "/api/dock/events/{id}/requests", requests_list, 0);
    http_route(r, "POST", "/api/dock/events/{id}/requests", request_new, 0);
    http_route(r, "POST", "/api/dock/events/{id}/requests/{rid}", request_status, 0);
    http_route(r, "POST", "/api/dock/events/{id}/schedule", schedule_compute, 0);
    http_route(r, "GET", "/api/dock/events/{id}/schedule", schedule_get, 0);
    http_route(r, "GET", "/api/dock/events/{id}/agenda/{pid}", agenda_get, 0);
    http_route(r, "POST", "/api/dock/events/{id}/intents", intent_new, 0);
}
