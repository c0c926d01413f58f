/* Owns the roadshow endpoints (常态化资本路演): roadshows with their programme (each firm's time
 * slot from the line-up order), the line-up from financing projects, investor registrations with
 * their checks, withdrawal and check-in, the line-up and registrations as spreadsheets, and
 * follow-ups recorded after with the conversion funnel. Organisers see and do
 * everything; an investor registers itself and records its own follow-ups, and sees the programme,
 * its registration and its follow-ups; an enterprise sees its own slots. The slots and the funnel
 * are src/dock's roadshow.c, the tables and checks store_roadshow.c's. */
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

/* The investor record (dock_investor id) of an investor user's organisation, 0 when none. */
static int64_t own_investor(struct store *st, const struct actor *a) {
    if (a->role != ROLE_INVESTOR || a->org_id <= 0) return 0;
    struct store_val v = store_val_int(a->org_id);
    int64_t id = 0;
    struct error err;
    store_sql_int(st, "SELECT MIN(id) FROM dock_investor WHERE org_id = ?", &v, 1, 0, &id, &err);
    return id;
}

static void reply_fail(struct http_response *res, int rc, const struct error *err) {
    http_reply_err(res, rc == ERR_INVALID ? 422 : 0, err);
}

/* GET /api/dock/roadshows: every roadshow with its counts; an investor also sees whether it is
 * registered. */
static void roadshows_list(struct http_request *req, struct http_response *res) {
    struct store *st = http_store(req, res);
    if (!st) return;
    json_t *list = NULL, *rs;
    struct error err;
    if (dock_list(st, "roadshow", NULL, store_val_null(), 0, 0, &list, &err)) {
        dock_fail(res, &err);
        return;
    }
    int64_t mine = own_investor(st, http_actor(req));
    size_t i;
    json_array_foreach(list, i, rs) {
        int64_t id = json_integer_value(json_object_get(rs, "id"));
        int64_t n_reg =
            dock_count(st, "SELECT COUNT(*) FROM dock_roadshow_investor WHERE roadshow_id = ?", id);
        json_object_set_new(
            rs, "firms",
            json_integer(dock_count(
                st, "SELECT COUNT(*) FROM dock_roadshow_firm WHERE roadshow_id = ?", id)));
        json_object_set_new(rs, "registered", json_integer(n_reg));
        json_t *cap = json_object_get(rs, "capacity");
        json_object_set_new(rs, "seats_left",
                            json_is_integer(cap) ? json_integer(json_integer_value(cap) - n_reg)
                                                 : json_null());
        if (mine) {
            struct store_val a[] = {store_val_int(id), store_val_int(mine)};
            int64_t n = 0;
            store_sql_int(st,
                          "SELECT COUNT(*) FROM dock_roadshow_investor WHERE roadshow_id = ? AND"
                          " investor_id = ?",
                          a, 2, 0, &n, &err);
            json_object_set_new(rs, "is_registered", json_boolean(n > 0));
        }
    }
    http_reply_json(res, 200, json_pack("{s:o}", "roadshows", list));
}

/* POST /api/dock/roadshows {name, date, start_min | start "HH:MM", minutes_per_firm, gap_min,
 * capacity, reg_deadline, place} (organisers). */
static void roadshow_new(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    struct store *st = http_store(req, res);
    if (!st) return;
    json_t *in = http_body_json(req, res);
    if (!in) return;
    struct error err;
    error_clear(&err);
    int rc = 0;
    const char *start = json_string_value(json_object_get(in, "start"));
    if (start) {
        int hh, mm, used = 0;
        if (sscanf(start, "%d:%d%n", &hh, &mm, &used) != 2 || start[used] || hh < 0 || hh > 23 ||
            mm < 0 || mm > 59) {
            error_set(&err, ERR_INVALID, "start 须为 HH:MM", "start must be HH:MM");
            rc = error_field(&err, "start");
        } else {
            json_object_set_new(in, "start_min", json_integer(hh * 60 + mm));
        }
        json_object_del(in, "start");
    }
    json_object_del(in, "id");
    json_t *check =
        json_pack("{s:O?, s:O?, s:O?, s:[]}", "start_min", json_object_get(in, "start_min"),
                  "minutes_per_firm", json_object_get(in, "minutes_per_firm"), "gap_min",
                  json_object_get(in, "gap_min"), "firms");
    json_t *ok = rc ? NULL : roadshow_report(check, &err); /* the clock's ranges */
    json_decref(check);
    if (!rc && !ok) rc = err.code;
    json_decref(ok);
    int64_t id = 0;
    json_t *row = NULL;
    if (!rc) rc = dock_put(st, "roadshow", in, &id, &err);
    json_decref(in);
    if (!rc) rc = dock_get(st, "roadshow", id, &row, &err);
    if (rc) {
        reply_fail(res, rc, &err);
        return;
    }
    http_reply_json(res, 201, row);
}

/* The roadshow's stored input and its report (a reply and -1 on failure). */
static int load(struct http_request *req, struct http_response *res, struct store **st, int64_t *id,
                json_t **in, json_t **rep) {
    if (!(*st = http_store_id(req, res, id))) return -1;
    struct error err;
    error_clear(&err);
    *in = NULL, *rep = NULL;
    if (dock_roadshow_input(*st, *id, in, &err) || !(*rep = roadshow_report(*in, &err))) {
        json_decref(*in);
        return dock_fail(res, &err);
    }
    return 0;
}

/* Keeps the items of list (an array in o) whose key equals v. */
static void keep_only(json_t *o, const char *list, const char *key, json_t *v) {
    json_t *kept = json_array(), *x;
    size_t i;
    json_array_foreach(json_object_get(o, list), i, x) {
        if (json_equal(json_object_get(x, key), v)) json_array_append(kept, x);
    }
    json_object_set_new(o, list, kept);
}

/* GET /api/dock/roadshows/{id}: an organiser the whole of it (programme, registrations,
 * follow-ups, funnel); an investor the programme, its registration and its follow-ups; an
 * enterprise its own slots. */
static void roadshow_get(struct http_request *req, struct http_response *res) {
    struct store *st;
    int64_t id;
    json_t *in, *rep;
    if (load(req, res, &st, &id, &in, &rep)) return;
    json_t *agenda = json_object_get(rep, "agenda");
    json_object_set(in, "agenda", agenda);
    json_object_set(in, "end", json_object_get(rep, "end"));
    json_object_del(in, "firms"); /* the agenda holds them, with their times */
    const struct actor *who = http_actor(req);
    if (is_organiser(who)) {
        json_object_set(in, "funnel", json_object_get(rep, "funnel"));
    } else if (who->role == ROLE_INVESTOR) {
        json_t *mine = json_integer(own_investor(st, who));
        keep_only(in, "registrations", "investor_id", mine);
        keep_only(in, "followups", "investor_id", mine);
        json_decref(mine);
    } else {
        json_t *u = json_string(who->uscc);
        json_object_del(in, "registrations");
        json_object_del(in, "followups");
        keep_only(in, "agenda", "uscc", u);
        json_decref(u);
    }
    json_decref(rep);
    http_reply_json(res, 200, in);
}

/* PUT /api/dock/roadshows/{id}/lineup {"projects": [financing project ids in order]}. */
static void lineup_put(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int64_t id;
    struct store *st;
    if (!(st = http_store_id(req, res, &id))) return;
    json_t *body = http_body_json(req, res);
    if (!body) return;
    struct error err;
    error_clear(&err);
    int rc = dock_roadshow_lineup(st, id, json_object_get(body, "projects"), &err);
    json_decref(body);
    if (rc) {
        reply_fail(res, rc, &err);
        return;
    }
    json_t *in, *rep;
    if (load(req, res, &st, &id, &in, &rep)) return;
    json_decref(in);
    json_object_del(rep, "funnel");
    http_reply_json(res, 200, rep);
}

/* The investor a registration or follow-up is for: an investor user's own (403 for another's),
 * or the body's investor_id for organisers. */
static int investor_for(struct http_request *req, struct http_response *res, struct store *st,
                        json_t *body, int64_t *inv) {
    const struct actor *who = http_actor(req);
    json_t *given = json_object_get(body, "investor_id");
    if (is_organiser(who)) {
        *inv = json_integer_value(given);
        if (json_is_integer(given) && *inv > 0) return 0;
        struct error err;
        error_set(&err, ERR_INVALID, "须给出 investor_id", "investor_id is required");
        error_field(&err, "investor_id");
        http_reply_err(res, 422, &err);
        return -1;
    }
    *inv = own_investor(st, who);
    if (*inv && (!given || json_integer_value(given) == *inv)) return 0;
    dock_forbidden(res);
    return -1;
}

/* The roadshow {id}, the store, the JSON body and the investor it is for (investor_for): the body,
 * or a reply and NULL. */
static json_t *investor_body(struct http_request *req, struct http_response *res, struct store **st,
                             int64_t *id, int64_t *inv) {
    json_t *body = NULL;
    if (!(*st = http_store_id(req, res, id)) || !(body = http_body_json(req, res))) return NULL;
    if (investor_for(req, res, *st, body, inv)) {
        json_decref(body);
        return NULL;
    }
    return body;
}

/* POST /api/dock/roadshows/{id}/registrations {investor_id (organisers), firms: [project ids]}. */
static void registration_new(struct http_request *req, struct http_response *res) {
    int64_t id, inv, rid = 0;
    struct store *st;
    json_t *body = investor_body(req, res, &st, &id, &inv);
    if (!body) return;
    struct error err;
    error_clear(&err);
    json_t *row = NULL;
    int rc = dock_roadshow_register_as(st, id, inv, json_object_get(body, "firms"), date_today(),
                                       http_actor(req), &rid, &err);
    json_decref(body);
    if (!rc) rc = dock_get(st, "roadshow_investor", rid, &row, &err);
    if (rc) {
        reply_fail(res, rc, &err);
        return;
    }
    http_reply_json(res, 201, row);
}

/* POST /api/dock/roadshows/{id}/followups {investor_id (organisers), project_id, status,
 * amount_fen, date, note}. */
static void followup_new(struct http_request *req, struct http_response *res) {
    int64_t id, inv, fid = 0;
    struct store *st;
    json_t *body = investor_body(req, res, &st, &id, &inv);
    if (!body) return;
    json_object_set_new(body, "investor_id", json_integer(inv));
    json_object_del(body, "id");
    struct error err;
    error_clear(&err);
    json_t *row = NULL;
    int rc = dock_roadshow_followup(st, id, body, date_today(), &fid, &err);
    json_decref(body);
    if (!rc) rc = dock_get(st, "followup", fid, &row, &err);
    if (rc) {
        reply_fail(res, rc, &err);
        return;
    }
    http_reply_json(res, 201, row);
}

/* The registration {rid} of the roadshow {id} as the path gives them (a reply and -1 when not). */
static int reg_params(struct http_request *req, struct http_response *res, struct store **st,
                      int64_t *id, int64_t *rid) {
    if (dock_param_id(req, "id", id, res) || dock_param_id(req, "rid", rid, res)) return -1;
    return (*st = http_store(req, res)) ? 0 : -1;
}

/* DELETE /api/dock/roadshows/{id}/registrations/{rid}: an investor withdraws its own (through
 * the deadline, 409 naming the field after it), an organiser removes any; the seat is freed and
 * the audit log keeps the registration as it was. */
static void registration_delete(struct http_request *req, struct http_response *res) {
    int64_t id, rid;
    struct store *st;
    if (reg_params(req, res, &st, &id, &rid)) return;
    const struct actor *who = http_actor(req);
    int64_t inv = 0;
    if (!is_organiser(who) && !(inv = own_investor(st, who))) {
        dock_forbidden(res);
        return;
    }
    struct error err;
    error_clear(&err);
    int rc = dock_roadshow_withdraw(st, id, rid, inv, date_today(), who, &err);
    if (rc) {
        reply_fail(res, rc, &err);
        return;
    }
    http_reply_json(res, 200, json_pack("{s:I, s:b}", "id", (json_int_t)rid, "withdrawn", 1));
}

/* POST /api/dock/roadshows/{id}/registrations/{rid}/checkin (organisers, on the day). */
static void registration_checkin(struct http_request *req, struct http_response *res) {
    if (dock_need_organiser(req, res)) return;
    int64_t id, rid;
    struct store *st;
    if (reg_params(req, res, &st, &id, &rid)) return;
    struct error err;
    error_clear(&err);
    json_t *row = NULL;
    if (dock_roadshow_check_in(st, id, rid, (int64_t)time(NULL), &err) ||
        dock_get(st, "roadshow_investor", rid, &row, &err)) {
        dock_fail(res, &err);
        return;
    }
    http_reply_json(res, 200, row);
}

/* load for an organiser's list, with ?format= (http_query_format's) in *fmt. */
static int organiser_load(struct http_request *req, struct http_response *res, int *fmt,
                          struct store **st, int64_t *id, json_t **in, json_t **rep) {
    if (dock_need_organiser(req, res) || (*fmt = http_query_format(req, res)) == -2) return -1;
    return load(req, res, st, id, in, rep);
}

static const struct export_column lineup_cols[] = {
    {"order", "出场顺序", EXPORT_INT},
    {"start", "开始", EXPORT_TEXT},
    {"end", "结束", EXPORT_TEXT},
    {"name", "企业 / 项目", EXPORT_TEXT},
    {"uscc", "统一社会信用代码", EXPORT_TEXT},
    {"stage", "阶段", EXPORT_TEXT},
    {"industry", "行业", EXPORT_TEXT},
    {"amount_fen", "融资额（元）", EXPORT_MONEY},
    {"investors_asking", "想听的投资机构数", EXPORT_INT},
};

/* GET /api/dock/roadshows/{id}/lineup?format=csv|xlsx (organisers): the programme as a sheet. */
static void lineup_export(struct http_request *req, struct http_response *res) {
    int fmt;
    struct store *st;
    int64_t id;
    json_t *in, *rep;
    if (organiser_load(req, res, &fmt, &st, &id, &in, &rep)) return;
    json_decref(in);
    if (fmt < 0) {
        json_object_del(rep, "funnel");
        http_reply_json(res, 200, rep);
        return;
    }
    http_reply_export(res, lineup_cols, (int)(sizeof lineup_cols / sizeof *lineup_cols),
                      json_object_get(rep, "agenda"), "路演出场顺序", "roadshow-lineup", fmt);
    json_decref(rep);
}

static const struct export_column registration_cols[] = {
    {"id", "报名编号", EXPORT_INT},
    {"investor", "投资机构", EXPORT_TEXT},
    {"registered_on", "报名日期", EXPORT_DATE},
    {"firm_names", "想听的企业", EXPORT_TEXT},
    {"checked_in", "签到", EXPORT_TEXT},
    {"followups", "跟进记录数", EXPORT_INT},
};

/* GET /api/dock/roadshows/{id}/registrations[?format=csv|xlsx] (organisers): the registrations
 * with the firms each asked for by name, check-in, the follow-ups recorded, and seats left. */
static void registrations_list(struct http_request *req, struct http_response *res) {
    int fmt;
    struct store *st;
    int64_t id;
    json_t *in, *rep;
    if (organiser_load(req, res, &fmt, &st, &id, &in, &rep)) return;
    json_decref(rep);
    json_t *regs = json_object_get(in, "registrations"), *firms = json_object_get(in, "firms");
    json_t *r, *f, *x;
    size_t i, k, q;
    json_array_foreach(regs, i, r) {
        struct buf names; /* the firms asked for, by name, in line-up order */
        buf_init(&names);
        json_array_foreach(firms, k, f) {
            json_array_foreach(json_object_get(r, "firms"), q, x) {
                if (json_equal(x, json_object_get(f, "project_id"))) {
                    if (names.len) buf_puts(&names, "、");
                    buf_puts(&names, json_string_value(json_object_get(f, "name")));
                    break;
                }
            }
        }
        json_object_set_new(r, "firm_names", json_string(buf_str(&names)));
        buf_release(&names);
        bool is_in = json_is_integer(json_object_get(r, "checked_in_at"));
        json_object_set_new(r, "checked_in", json_string(is_in ? "已签到" : "未签到"));
        int n = 0;
        json_array_foreach(json_object_get(in, "followups"), k, x) {
            if (json_equal(json_object_get(x, "investor_id"), json_object_get(r, "investor_id")))
                n++;
        }
        json_object_set_new(r, "followups", json_integer(n));
    }
    if (fmt >= 0) {
        http_reply_export(res, registration_cols,
                          (int)(sizeof registration_cols / sizeof *registration_cols), regs,
                          "路演报名", "roadshow-registrations", fmt);
        json_decref(in);
        return;
    }
    json_t *cap = json_object_get(in, "capacity");
    json_int_t n_reg = (json_int_t)json_array_size(regs);
    json_t *out = json_pack("{s:I, s:O, s:I, s:o, s:O}", "roadshow_id", (json_int_t)id, "capacity",
                            cap ? cap : json_null(), "registered", n_reg, "seats_left",
                            json_is_integer(cap) ? json_integer(json_integer_value(cap) - n_reg)
                                                 : json_null(),
                            "items", regs);
    json_decref(in);
    http_reply_json(res, 200, out);
}

void http_routes_dock_roadshow(struct http_router *r) {
    http_route(r, "GET", "/api/dock/roadshows", roadshows_list, 0);
    http_route(r, "POST", "/api/dock/roadshows", roadshow_new, 0);
    http_route(r, "GET", "/api/dock/roadshows/{id}", roadshow_get, 0);
    http_route(r, "PUT", "/api/dock/roadshows/{id}/lineup", lineup_put, 0);
    http_route(r, "GET", "/api/dock/roadshows/{id}/lineup", lineup_export, 0);
    http_route(r, "GET", "/api/dock/roadshows/{id}/registrations", registrations_list, 0);
    http_route(r, "POST", "/api/dock/roadshows/{id}/registrations", registration_new, 0);
    http_route(r, "DELETE", "/api/dock/roadshows/{id}/registrations/{rid}", registration_delete, 0);
    http_route(r, "POST", "/api/dock/roadshows/{id}/registrations/{rid}/checkin",
               registration_checkin, 0);
    http_route(r, "POST", "/api/dock/roadshows/{id}/followups", followup_new, 0);
}
