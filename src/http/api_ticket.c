/* Owns the request (诉求) endpoints: filing and tracking one's own requests, the officer's and the
 * service network's queue (scoped: a department's officer sees its department, a commissioner,
 * station or centre its area, the hub and the administrator everything), moving a request
 * through its states, publishing an answer as an FAQ entry (search reindexes), a clause's FAQ,
 * statistics, escalation on demand, the holiday calendar and the routes (administrator). The work
 * is src/ticket's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "http/internal.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "ticket/ticket.h"
#include "util/date.h"

static const char *requester_of(struct http_request *req) {
    const struct actor *a = http_actor(req);
    if (a->role == ROLE_ENTERPRISE && a->uscc[0]) return a->uscc;
    char *r = arena_alloc(http_arena(req), 32);
    snprintf(r, 32, "u:%lld", (long long)a->user_id);
    return r;
}

static bool signed_in(struct http_request *req, struct http_response *res) {
    if (http_actor(req)->role != ROLE_ANON) return true;
    http_reply_error(res, 401, "unauthorized", "请先登录", "sign in first");
    return false;
}

/* Staff who work requests, and how far they see: false for everyone else. */
static bool works_tickets(const struct actor *a) {
    switch (a->role) {
    case ROLE_COMMISSIONER:
    case ROLE_STATION:
    case ROLE_CENTRE:
    case ROLE_HUB:
    case ROLE_OFFICER:
    case ROLE_ADMIN:
        return true;
    default:
        return false;
    }
}

static bool is_top(const struct actor *a) {
    return a->role == ROLE_HUB || a->role == ROLE_ADMIN;
}

/* Whether the actor may see (and, if staff, work) the ticket. */
static bool sees(struct http_request *req, const struct ticket *t) {
    const struct actor *a = http_actor(req);
    if (strcmp(t->requester, requester_of(req)) == 0) return true;
    if (!works_tickets(a)) return false;
    if (is_top(a)) return true;
    if (a->role == ROLE_OFFICER) return a->dept[0] == 0 || strcmp(a->dept, t->dept) == 0;
    return a->region < 0 || (t->region >= 0 && region_is_within(t->region, a->region));
}

/* The ticket, checked against the actor's scope (404 when outside it, as if absent). */
static struct store *load(struct http_request *req, struct http_response *res, struct ticket *t) {
    int64_t id;
    if (!signed_in(req, res) || http_param_id(req, res, &id)) return NULL;
    struct store *s = http_store(req, res);
    if (!s) return NULL;
    struct error err;
    error_clear(&err);
    if (ticket_get(s, id, http_arena(req), t, &err)) {
        http_reply_err(res, 0, &err);
        return NULL;
    }
    if (!sees(req, t)) {
        http_reply_error(res, 403, "forbidden", "无权查看该诉求",
                         "not allowed to see this request");
        return NULL;
    }
    return s;
}

/* POST /api/tickets {kind, topic, region, title, body, clause_id} */
static void ticket_create(struct http_request *req, struct http_response *res) {
    if (!signed_in(req, res)) return;
    json_t *j = http_body_json(req, res);
    if (!j) return;
    struct error err;
    error_clear(&err);
    struct ticket_new n = {.kind = (enum ticket_kind)ticket_kind_from_key(
                               json_string_value(json_object_get(j, "kind"))),
                           .topic = json_string_value(json_object_get(j, "topic")),
                           .requester = requester_of(req),
                           .title = json_string_value(json_object_get(j, "title")),
                           .body = json_string_value(json_object_get(j, "body")),
                           .clause_id = json_integer_value(json_object_get(j, "clause_id"))};
    int rc = http_json_region(json_object_get(j, "region"), "region", &n.region, &err);
    struct store *s = rc ? NULL : http_store(req, res);
    if (!rc && !s) {
        json_decref(j);
        return;
    }
    struct ticket_calendar cal = {0};
    int64_t id = 0;
    if (!rc) rc = ticket_calendar_load(s, &cal, &err);
    if (!rc) rc = ticket_file(s, &cal, &n, date_today(), (int64_t)time(NULL), &id, &err);
    ticket_calendar_release(&cal);
    json_decref(j);
    char *out = NULL;
    if (!rc) rc = ticket_json(s, id, date_today(), &out, &err);
    http_reply_result(res, rc, &err, 201, out);
}

/* GET /api/tickets?state=open|…&mine=1&page=N */
static void ticket_list(struct http_request *req, struct http_response *res) {
    if (!signed_in(req, res)) return;
    const struct actor *a = http_actor(req);
    struct http_page page;
    int64_t mine;
    if (http_query_page(req, 20, 0, &page, res)) return;
    if (http_query_int(req, "mine", 0, 0, 1, &mine, res)) return;
    struct ticket_query q = {.region = -1,
                             .state = http_query(req, "state"),
                             .page = (int)page.page,
                             .page_size = (int)page.size};
    if (mine || !works_tickets(a)) {
        q.requester = requester_of(req);
    } else if (a->role == ROLE_OFFICER) {
        if (a->dept[0]) q.dept = a->dept;
    } else if (!is_top(a)) {
        q.region = a->region;
    }
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    char *out = NULL;
    int rc = ticket_list_json(s, &q, date_today(), &out, &err);
    http_reply_result(res, rc, &err, 200, out);
}

/* GET /api/tickets/{id} */
static void ticket_one(struct http_request *req, struct http_response *res) {
    struct ticket t;
    struct store *s = load(req, res, &t);
    if (!s) return;
    struct error err;
    error_clear(&err);
    char *out = NULL;
    int rc = ticket_json(s, t.id, date_today(), &out, &err);
    http_reply_result(res, rc, &err, 200, out);
}

/* POST /api/tickets/{id}/move {state, text, satisfaction, dept}: closing (with the rating) is the
 * requester's; every other move is the staff's */
static void ticket_move_h(struct http_request *req, struct http_response *res) {
    struct ticket t;
    struct store *s = load(req, res, &t);
    if (!s) return;
    json_t *j = http_body_json(req, res);
    if (!j) return;
    const char *to = json_string_value(json_object_get(j, "state"));
    const struct actor *a = http_actor(req);
    bool is_requester = strcmp(t.requester, requester_of(req)) == 0;
    bool ok = to && (strcmp(to, "closed") == 0 ? is_requester : works_tickets(a));
    if (!ok) {
        json_decref(j);
        http_reply_error(res, 403, "forbidden", "无权进行该操作", "not allowed to make this move");
        return;
    }
    char by[48];
    snprintf(by, sizeof by, "%s", requester_of(req));
    struct error err;
    error_clear(&err);
    int rc = ticket_move(s, t.id, to, by, json_string_value(json_object_get(j, "text")),
                         (int)json_integer_value(json_object_get(j, "satisfaction")),
                         json_string_value(json_object_get(j, "dept")), date_today(),
                         (int64_t)time(NULL), &err);
    json_decref(j);
    char *out = NULL;
    if (!rc) rc = ticket_json(s, t.id, date_today(), &out, &err);
    http_reply_result(res, rc, &err, 200, out);
}

/* POST /api/tickets/{id}/faq {clause_id} */
static void ticket_faq_publish(struct http_request *req, struct http_response *res) {
    struct ticket t;
    struct store *s = load(req, res, &t);
    if (!s) return;
    if (!works_tickets(http_actor(req))) {
        http_reply_error(res, 403, "forbidden", "无权发布常见问题", "not allowed to publish FAQ");
        return;
    }
    json_t *j = http_body_json(req, res);
    if (!j) return;
    int64_t cid = json_integer_value(json_object_get(j, "clause_id"));
    json_decref(j);
    struct error err;
    error_clear(&err);
    int64_t faq = 0;
    if (ticket_publish_faq(s, t.id, cid, (int64_t)time(NULL), &faq, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    http_search_invalidate(); /* the FAQ entry is searchable at the next query */
    json_t *o = json_object();
    json_object_set_new(o, "faq_id", json_integer(faq));
    http_reply_json(res, 201, o);
}

/* GET /api/clauses/{id}/faq (public) */
static void clause_faq(struct http_request *req, struct http_response *res) {
    int64_t id;
    struct store *s = http_store_id(req, res, &id);
    if (!s) return;
    struct error err;
    error_clear(&err);
    char *out = NULL;
    int rc = ticket_faq_json(s, id, &out, &err);
    http_reply_result(res, rc, &err, 200, out);
}

/* The statistics as one sheet: a row per dimension value (src/export). */
static void stats_export(const char *json_text, int format, struct http_response *res) {
    static const struct export_column cols[] = {{"dimension", "维度", EXPORT_TEXT},
                                                {"name", "名称", EXPORT_TEXT},
                                                {"count", "诉求数", EXPORT_INT},
                                                {"open", "在办", EXPORT_INT},
                                                {"answered", "已答复", EXPORT_INT},
                                                {"on_time", "按期答复", EXPORT_INT},
                                                {"on_time_permille", "按期率(‰)", EXPORT_INT},
                                                {"overdue_open", "超期在办", EXPORT_INT},
                                                {"rated", "评价数", EXPORT_INT},
                                                {"satisfaction_x100", "满意度(×100)", EXPORT_INT}};
    static const char *const dims[][2] = {
        {"by_topic", "主题"}, {"by_dept", "承办单位"}, {"by_region", "地区"}, {"by_kind", "类型"}};
    json_t *all = json_loads(json_text, 0, NULL), *rows = json_array();
    for (size_t d = 0; all && d < sizeof dims / sizeof *dims; d++) {
        json_t *arr = json_object_get(all, dims[d][0]), *v;
        size_t i;
        json_array_foreach(arr, i, v) {
            json_t *row = json_deep_copy(v);
            json_object_set_new(row, "dimension", json_string(dims[d][1]));
            json_array_append_new(rows, row);
        }
    }
    http_reply_export(res, cols, (int)(sizeof cols / sizeof *cols), rows, "诉求统计",
                      "ticket-stats", format);
    json_decref(rows);
    json_decref(all);
}

/* GET /api/tickets/stats[?format=json|xlsx|csv] */
static void ticket_stats(struct http_request *req, struct http_response *res) {
    if (!signed_in(req, res)) return;
    if (!works_tickets(http_actor(req))) {
        http_reply_error(res, 403, "forbidden", "无权查看统计", "not allowed to see statistics");
        return;
    }
    int f = http_query_format(req, res);
    if (f == -2) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    char *out = NULL;
    int rc = ticket_stats_json(s, date_today(), &out, &err);
    if (rc || f < 0) {
        http_reply_result(res, rc, &err, 200, out);
        return;
    }
    stats_export(out, f, res);
    free(out);
}

static bool top_only(struct http_request *req, struct http_response *res) {
    if (!signed_in(req, res)) return false;
    if (is_top(http_actor(req))) return true;
    http_reply_error(res, 403, "forbidden", "仅市级枢纽或管理员可操作",
                     "only the hub or an administrator may do this");
    return false;
}

/* POST /api/tickets/escalate: escalate overdue requests now (the daily job does it too) */
static void ticket_escalate(struct http_request *req, struct http_response *res) {
    if (!top_only(req, res)) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    struct ticket_calendar cal;
    int64_t n = 0;
    int rc = ticket_calendar_load(s, &cal, &err);
    if (!rc) {
        rc = ticket_escalate_overdue(s, &cal, date_today(), (int64_t)time(NULL), &n, &err);
        ticket_calendar_release(&cal);
    }
    if (rc) {
        http_reply_err(res, 0, &err);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "escalated", json_integer(n));
    http_reply_json(res, 200, o);
}

/* GET /api/calendar?year=2026 */
static void calendar_get(struct http_request *req, struct http_response *res) {
    int64_t year;
    if (http_query_int(req, "year", 2026, 2000, 2100, &year, res)) return;
    struct store *s = http_store(req, res);
    if (!s) return;
    struct error err;
    error_clear(&err);
    struct ticket_calendar cal;
    if (ticket_calendar_load(s, &cal, &err)) {
        http_reply_err(res, 0, &err);
        return;
    }
    int32_t from = date_from_ymd((int)year, 1, 1), to = date_from_ymd((int)year, 12, 31);
    json_t *o = json_object(), *h = json_array(), *w = json_array();
    char buf[16];
    for (int i = 0; i < cal.n_holidays; i++)
        if (cal.holidays[i] >= from && cal.holidays[i] <= to)
            json_array_append_new(h, json_string(date_format(cal.holidays[i], buf, sizeof buf)));
    for (int i = 0; i < cal.n_workdays; i++)
        if (cal.workdays[i] >= from && cal.workdays[i] <= to)
            json_array_append_new(w, json_string(date_format(cal.workdays[i], buf, sizeof buf)));
    ticket_calendar_release(&cal);
    json_object_set_new(o, "year", json_integer(year));
    json_object_set_new(o, "holidays", h);
    json_object_set_new(o, "workdays", w);
    http_reply_json(res, 200, o);
}

/* {"ok": true} when rc is 0, else err. */
static void reply_done(struct http_response *res, int rc, const struct error *err) {
    if (rc)
        http_reply_err(res, 0, err);
    else
        http_reply_json(res, 200, json_pack("{s:b}", "ok", 1));
}

/* POST /api/calendar {date, kind: holiday|workday|null, name} (administrator) */
static void calendar_put(struct http_request *req, struct http_response *res) {
    if (!signed_in(req, res)) return;
    if (http_actor(req)->role != ROLE_ADMIN) {
        http_reply_error(res, 403, "forbidden", "仅管理员可维护节假日", "administrators only");
        return;
    }
    json_t *j = http_body_json(req, res);
    if (!j) return;
    struct error err;
    error_clear(&err);
    int32_t day = INT32_MIN;
    int rc = http_json_date(j, "date", &day, &err);
    if (!rc && day == INT32_MIN)
        rc = error_set(&err, ERR_INVALID, "缺少日期", "the date is missing");
    struct store *s = rc ? NULL : http_store(req, res);
    if (!rc && !s) {
        json_decref(j);
        return;
    }
    if (!rc)
        rc = ticket_calendar_set(s, day, json_string_value(json_object_get(j, "kind")),
                                 json_string_value(json_object_get(j, "name")), &err);
    json_decref(j);
    reply_done(res, rc, &err);
}

/* POST /api/ticket-routes {topic, region, level, dept, assignee, sla_days} (hub, administrator) */
static void route_put(struct http_request *req, struct http_response *res) {
    if (!top_only(req, res)) return;
    json_t *j = http_body_json(req, res);
    if (!j) return;
    struct error err;
    error_clear(&err);
    int region = -1;
    int rc = http_json_region(json_object_get(j, "region"), "region", &region, &err);
    struct store *s = rc ? NULL : http_store(req, res);
    if (!rc && !s) {
        json_decref(j);
        return;
    }
    if (!rc)
        rc = ticket_route_put(s, json_string_value(json_object_get(j, "topic")), region,
                              (int)json_integer_value(json_object_get(j, "level")),
                              json_string_value(json_object_get(j, "dept")),
                              json_integer_value(json_object_get(j, "assignee")),
                              (int)json_integer_value(json_object_get(j, "sla_days")), &err);
    json_decref(j);
    reply_done(res, rc, &err);
}

void http_routes_ticket(struct http_router *r) {
    http_route(r, "POST", "/api/tickets", ticket_create, 0);
    http_route(r, "GET", "/api/tickets", ticket_list, 0);
    http_route(r, "GET", "/api/tickets/stats", ticket_stats, 0);
    http_route(r, "POST", "/api/tickets/escalate", ticket_escalate, 0);
    http_route(r, "GET", "/api/tickets/{id}", ticket_one, 0);
    http_route(r, "POST", "/api/tickets/{id}/move", ticket_move_h, 0);
    http_route(r, "POST", "/api/tickets/{id}/faq", ticket_faq_publish, 0);
    http_route(r, "GET", "/api/clauses/{id}/faq", clause_faq, 0);
    http_route(r, "GET", "/api/calendar", calendar_get, 0);
    http_route(r, "POST", "/api/calendar", calendar_put, 0);
    http_route(r, "POST", "/api/ticket-routes", route_put, 0);
}
