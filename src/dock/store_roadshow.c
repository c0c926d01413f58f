/* Owns the roadshow workflows on the dock tables (常态化资本路演): the firm line-up in
 * presentation order, investor registration with its checks (the day, the deadline, twice, the
 * seats) and withdrawal (each with its audit entry), check-in on the day, follow-ups recorded
 * after, and roadshow_report's input built from stored rows. The time slots and the funnel are
 * roadshow.c's; who may call what is the HTTP layer's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "dock/dock.h"
#include "dock/dock_store.h"
#include "util/date.h"

static int conflict(struct error *err, const char *field, const char *zh, const char *en) {
    error_set_text(err, ERR_CONFLICT, zh, en);
    return error_field(err, field);
}

static int count(struct store *s, const char *sql, int64_t a, int64_t b, int64_t *n,
                 struct error *err) {
    struct store_val v[] = {store_val_int(a), store_val_int(b)};
    return store_sql_int(s, sql, v, 2, 0, n, err);
}

/* Seats are counted, then taken, in one transaction. SQLite's write transaction (BEGIN IMMEDIATE)
 * runs one at a time already; on PostgreSQL (READ COMMITTED) two registrations could both count
 * one seat left, so the roadshow's row is locked first (SELECT … FOR UPDATE, held to the commit):
 * the second waits, then counts the first one's seat. A withdrawal takes the same lock. */
static int lock_roadshow(struct store *s, int64_t roadshow_id, struct error *err) {
    if (store_kind(s) != STORE_POSTGRES) return 0;
    struct store_val v = store_val_int(roadshow_id);
    int64_t got = 0;
    return store_sql_int(s, "SELECT id FROM dock_roadshow WHERE id = ? FOR UPDATE", &v, 1, 0, &got,
                         err);
}

static bool in_lineup(struct store *s, int64_t roadshow_id, int64_t project_id, struct error *err) {
    int64_t n = 0;
    count(s, "SELECT COUNT(*) FROM dock_roadshow_firm WHERE roadshow_id = ? AND project_id = ?",
          roadshow_id, project_id, &n, err);
    return n > 0;
}

int dock_roadshow_lineup(struct store *s, int64_t roadshow_id, json_t *project_ids,
                         struct error *err) {
    json_t *rs = NULL;
    int rc = dock_get(s, "roadshow", roadshow_id, &rs, err);
    json_decref(rs);
    if (rc) return rc;
    if (!json_is_array(project_ids) || json_array_size(project_ids) > 1000) {
        error_set(err, ERR_INVALID, "projects 须为项目编号数组（至多 1000 个）",
                  "projects must be an array of project ids (at most 1000)");
        return error_field(err, "projects");
    }
    bool is_mine;
    rc = dock_tx_begin(s, &is_mine, err);
    struct store_val a = store_val_int(roadshow_id);
    if (!rc)
        rc = store_sql(s, "DELETE FROM dock_roadshow_firm WHERE roadshow_id = ?", &a, 1, NULL, err);
    size_t i;
    json_t *id;
    json_array_foreach(project_ids, i, id) {
        if (rc) break;
        json_t *p = NULL;
        if (!json_is_integer(id) ||
            dock_get(s, "invest_project", json_integer_value(id), &p, err)) {
            error_set(err, ERR_INVALID, "第 %zu 个项目不存在", "project %zu does not exist", i + 1);
            rc = error_field(err, "projects");
            break;
        }
        json_decref(p);
        json_t *row = json_pack("{s:I, s:O, s:I}", "roadshow_id", (json_int_t)roadshow_id,
                                "project_id", id, "seq", (json_int_t)i + 1);
        rc = dock_put(s, "roadshow_firm", row, NULL, err);
        json_decref(row);
        if (rc == ERR_CONFLICT) {
            error_set(err, ERR_INVALID, "第 %zu 个项目重复", "project %zu is repeated", i + 1);
            rc = error_field(err, "projects");
        }
    }
    return dock_tx_end(s, is_mine, rc, err);
}

/* The registration's checks against the stored roadshow, in the order a person would ask. */
static int may_register(struct store *s, json_t *rs, int64_t roadshow_id, int64_t investor_id,
                        json_t *firms, int32_t today, struct error *err) {
    char d[16], t[16];
    const char *ds = json_string_value(json_object_get(rs, "date"));
    const char *dl = json_string_value(json_object_get(rs, "reg_deadline"));
    int32_t day = 0, deadline = 0;
    date_parse(ds, strlen(ds), &day, err);
    date_format(today, t, sizeof t);
    if (today > day) {
        error_set(err, ERR_CONFLICT, "路演已于 %s 举行，%s 不能再报名",
                  "the roadshow took place on %s; registration is closed (%s)", ds, t);
        return error_field(err, "date");
    }
    if (dl && !date_parse(dl, strlen(dl), &deadline, err) && today > deadline) {
        error_set(err, ERR_CONFLICT, "报名已于 %s 截止（今天 %s）",
                  "registration closed on %s (today is %s)", date_format(deadline, d, sizeof d), t);
        return error_field(err, "reg_deadline");
    }
    int64_t n = 0;
    int rc = count(s,
                   "SELECT COUNT(*) FROM dock_roadshow_investor WHERE roadshow_id = ? AND"
                   " investor_id = ?",
                   roadshow_id, investor_id, &n, err);
    if (!rc && n)
        return conflict(err, "investor_id", "该投资机构已报名本场路演",
                        "this investor is already registered for the roadshow");
    json_t *cap = json_object_get(rs, "capacity");
    if (!rc && json_is_integer(cap)) {
        struct store_val v = store_val_int(roadshow_id);
        rc = store_sql_int(s, "SELECT COUNT(*) FROM dock_roadshow_investor WHERE roadshow_id = ?",
                           &v, 1, 0, &n, err);
        if (!rc && n >= json_integer_value(cap)) {
            error_set(err, ERR_CONFLICT, "本场路演 %lld 个席位已满", "all %lld seats are taken",
                      (long long)json_integer_value(cap));
            return error_field(err, "capacity");
        }
    }
    size_t i;
    json_t *id;
    json_array_foreach(firms, i, id) {
        if (rc) break;
        if (!json_is_integer(id) || !in_lineup(s, roadshow_id, json_integer_value(id), err)) {
            error_set(err, ERR_INVALID, "第 %zu 家企业不在本场路演名单中",
                      "firm %zu is not in the roadshow's line-up", i + 1);
            return error_field(err, "firms");
        }
    }
    return rc;
}

int dock_roadshow_register(struct store *s, int64_t roadshow_id, int64_t investor_id, json_t *firms,
                           int32_t today, int64_t *id, struct error *err) {
    return dock_roadshow_register_as(s, roadshow_id, investor_id, firms, today, NULL, id, err);
}

int dock_roadshow_register_as(struct store *s, int64_t roadshow_id, int64_t investor_id,
                              json_t *firms, int32_t today, const struct actor *who, int64_t *id,
                              struct error *err) {
    int64_t reg_id = 0;
    if (firms && !json_is_array(firms)) {
        error_set(err, ERR_INVALID, "firms 须为项目编号数组", "firms must be an array of ids");
        return error_field(err, "firms");
    }
    json_t *rs = NULL, *inv = NULL;
    bool is_mine = false;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = lock_roadshow(s, roadshow_id, err);
    if (!rc) rc = dock_get(s, "roadshow", roadshow_id, &rs, err);
    if (!rc && dock_get(s, "investor", investor_id, &inv, err)) {
        error_set(err, ERR_INVALID, "投资机构 %lld 不存在", "investor %lld does not exist",
                  (long long)investor_id);
        rc = error_field(err, "investor_id");
    }
    json_decref(inv);
    json_t *empty = json_array();
    if (!rc) rc = may_register(s, rs, roadshow_id, investor_id, firms ? firms : empty, today, err);
    json_decref(rs);
    if (!rc) {
        char d[16];
        json_t *row = json_pack("{s:I, s:I, s:s, s:O}", "roadshow_id", (json_int_t)roadshow_id,
                                "investor_id", (json_int_t)investor_id, "registered_on",
                                date_format(today, d, sizeof d), "firms", firms ? firms : empty);
        rc = dock_put(s, "roadshow_investor", row, &reg_id, err);
        json_decref(row);
        if (rc == ERR_CONFLICT) /* registered meanwhile */
            conflict(err, "investor_id", "该投资机构已报名本场路演",
                     "this investor is already registered for the roadshow");
    }
    json_decref(empty);
    json_t *stored = NULL; /* the audit entry keeps the row as stored, in the same transaction */
    if (!rc) rc = dock_get(s, "roadshow_investor", reg_id, &stored, err);
    if (!rc)
        rc = audit_append(s, who, "roadshow_register", "roadshow_registration", reg_id, NULL,
                          stored, NULL, err);
    json_decref(stored);
    if (!rc && id) *id = reg_id;
    return dock_tx_end(s, is_mine, rc, err);
}

/* The registration reg_id of the roadshow (ERR_NOTFOUND when it is another roadshow's). */
static int registration_of(struct store *s, int64_t roadshow_id, int64_t reg_id, json_t **out,
                           struct error *err) {
    int rc = dock_get(s, "roadshow_investor", reg_id, out, err);
    if (!rc && json_integer_value(json_object_get(*out, "roadshow_id")) != roadshow_id) {
        json_decref(*out);
        *out = NULL;
        rc = error_set(err, ERR_NOTFOUND, "本场路演没有报名 %lld",
                       "the roadshow has no registration %lld", (long long)reg_id);
    }
    return rc;
}

/* Whether the investor may still withdraw on day today: through the deadline day (or the
 * roadshow's day when there is none), and not once checked in. */
static int may_withdraw(json_t *rs, json_t *reg, int32_t today, struct error *err) {
    const char *ds = json_string_value(json_object_get(rs, "date"));
    const char *dl = json_string_value(json_object_get(rs, "reg_deadline"));
    int32_t day = 0, deadline = 0;
    char t[16], d[16];
    date_format(today, t, sizeof t);
    if (ds && !date_parse(ds, strlen(ds), &day, err) && today > day) {
        error_set(err, ERR_CONFLICT, "路演已于 %s 举行，%s 不能再取消报名",
                  "the roadshow took place on %s; a registration cannot be withdrawn (%s)", ds, t);
        return error_field(err, "date");
    }
    if (dl && !date_parse(dl, strlen(dl), &deadline, err) && today > deadline) {
        error_set(err, ERR_CONFLICT, "报名已于 %s 截止，%s 不能再取消报名，请联系主办方",
                  "registration closed on %s; it cannot be withdrawn on %s (ask the organiser)",
                  date_format(deadline, d, sizeof d), t);
        return error_field(err, "reg_deadline");
    }
    if (json_is_integer(json_object_get(reg, "checked_in_at")))
        return conflict(err, "checked_in_at", "已签到，不能取消报名",
                        "checked in already; the registration cannot be withdrawn");
    return 0;
}

int dock_roadshow_withdraw(struct store *s, int64_t roadshow_id, int64_t reg_id,
                           int64_t investor_id, int32_t today, const struct actor *who,
                           struct error *err) {
    json_t *rs = NULL, *reg = NULL;
    bool is_mine = false;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = lock_roadshow(s, roadshow_id, err);
    if (!rc) rc = dock_get(s, "roadshow", roadshow_id, &rs, err);
    if (!rc) rc = registration_of(s, roadshow_id, reg_id, &reg, err);
    if (!rc && investor_id &&
        json_integer_value(json_object_get(reg, "investor_id")) != investor_id)
        rc = error_set(err, ERR_FORBIDDEN, "只能取消本机构的报名",
                       "only the investor's own registration can be withdrawn");
    if (!rc && investor_id) rc = may_withdraw(rs, reg, today, err);
    int64_t n = 0;
    if (!rc)
        rc =
            count(s, "SELECT COUNT(*) FROM dock_followup WHERE roadshow_id = ? AND investor_id = ?",
                  roadshow_id, json_integer_value(json_object_get(reg, "investor_id")), &n, err);
    if (!rc && n)
        rc = conflict(err, "followups", "该投资机构已有路演后跟进记录，不能取消报名",
                      "the investor has follow-ups recorded; the registration cannot be removed");
    if (!rc) rc = dock_delete(s, "roadshow_investor", reg_id, err);
    if (!rc)
        rc = audit_append(s, who, investor_id ? "roadshow_withdraw" : "roadshow_remove",
                          "roadshow_registration", reg_id, reg, NULL, NULL, err);
    json_decref(rs), json_decref(reg);
    return dock_tx_end(s, is_mine, rc, err);
}

int dock_roadshow_check_in(struct store *s, int64_t roadshow_id, int64_t reg_id, int64_t t,
                           struct error *err) {
    json_t *rs = NULL, *reg = NULL;
    int rc = dock_get(s, "roadshow", roadshow_id, &rs, err);
    if (!rc) rc = registration_of(s, roadshow_id, reg_id, &reg, err);
    json_decref(reg);
    if (rc) {
        json_decref(rs);
        return rc;
    }
    /* the day in China (UTC+8) of t against the roadshow's day */
    int32_t day = (int32_t)((t + 8 * 3600) / 86400 - ((t + 8 * 3600) % 86400 < 0)), date = 0;
    const char *ds = json_string_value(json_object_get(rs, "date"));
    if (ds) date_parse(ds, strlen(ds), &date, err);
    if (day != date) {
        char d[16];
        error_set(err, ERR_CONFLICT, "只能在路演当天（%s）签到，今天是 %s",
                  "check-in is on the roadshow's day (%s); today is %s", ds ? ds : "",
                  date_format(day, d, sizeof d));
        json_decref(rs);
        return error_field(err, "date");
    }
    json_decref(rs);
    struct store_val a[] = {store_val_int(t), store_val_int(reg_id)};
    return store_sql(s, "UPDATE dock_roadshow_investor SET checked_in_at = ? WHERE id = ?", a, 2,
                     NULL, err);
}

int dock_roadshow_followup(struct store *s, int64_t roadshow_id, json_t *followup, int32_t today,
                           int64_t *id, struct error *err) {
    json_t *rs = NULL;
    int rc = dock_get(s, "roadshow", roadshow_id, &rs, err);
    if (rc) return rc;
    if (!json_is_object(followup)) {
        json_decref(rs);
        return error_set(err, ERR_INVALID, "跟进记录须为 JSON 对象",
                         "a follow-up is a JSON object");
    }
    json_t *o = json_deep_copy(followup);
    json_object_set_new(o, "roadshow_id", json_integer(roadshow_id));
    char d[16];
    if (!json_object_get(o, "date"))
        json_object_set_new(o, "date", json_string(date_format(today, d, sizeof d)));
    int64_t inv = json_integer_value(json_object_get(o, "investor_id"));
    int64_t prj = json_integer_value(json_object_get(o, "project_id"));
    int64_t n = 0;
    rc = count(s,
               "SELECT COUNT(*) FROM dock_roadshow_investor WHERE roadshow_id = ? AND"
               " investor_id = ?",
               roadshow_id, inv, &n, err);
    if (!rc && n == 0) {
        error_set(err, ERR_INVALID, "投资机构 %lld 未报名本场路演",
                  "investor %lld did not register for the roadshow", (long long)inv);
        rc = error_field(err, "investor_id");
    }
    if (!rc && !in_lineup(s, roadshow_id, prj, err)) {
        error_set(err, ERR_INVALID, "项目 %lld 不在本场路演名单中",
                  "project %lld is not in the roadshow's line-up", (long long)prj);
        rc = error_field(err, "project_id");
    }
    const char *fd = json_string_value(json_object_get(o, "date"));
    const char *rd = json_string_value(json_object_get(rs, "date"));
    if (!rc && fd && strcmp(fd, rd) < 0) { /* both YYYY-MM-DD once valid */
        error_set(err, ERR_INVALID, "跟进日期 %s 早于路演日期 %s",
                  "the follow-up date %s is before the roadshow (%s)", fd, rd);
        rc = error_field(err, "date");
    }
    if (!rc) rc = dock_put(s, "followup", o, id, err);
    json_decref(o), json_decref(rs);
    return rc;
}

int dock_roadshow_input(struct store *s, int64_t roadshow_id, json_t **out, struct error *err) {
    json_t *rs = NULL, *firms = NULL, *regs = NULL, *fus = NULL;
    struct store_val a = store_val_int(roadshow_id);
    int rc = dock_get(s, "roadshow", roadshow_id, &rs, err);
    if (!rc)
        rc = dock_query(s,
                        "SELECT f.project_id, p.name, p.uscc, p.stage, p.industry, p.amount_fen,"
                        " p.summary, f.seq FROM dock_roadshow_firm f JOIN dock_invest_project p"
                        " ON p.id = f.project_id WHERE f.roadshow_id = ? ORDER BY f.seq",
                        &a, 1, "issssisi", &firms, err);
    if (!rc)
        rc = dock_query(s,
                        "SELECT r.id, r.investor_id, i.name AS investor, i.org_id, r.registered_on,"
                        " r.firms, r.checked_in_at FROM dock_roadshow_investor r JOIN dock_investor"
                        " i ON i.id = r.investor_id WHERE r.roadshow_id = ? ORDER BY r.id",
                        &a, 1, "iisidji", &regs, err);
    if (!rc)
        rc = dock_query(s,
                        "SELECT u.id, u.investor_id, i.name AS investor, i.org_id, u.project_id,"
                        " p.name AS firm, p.uscc, u.status, u.amount_fen, u.date, u.note FROM"
                        " dock_followup u JOIN dock_investor i ON i.id = u.investor_id JOIN"
                        " dock_invest_project p ON p.id = u.project_id WHERE u.roadshow_id = ?"
                        " ORDER BY u.id",
                        &a, 1, "iisiisssids", &fus, err);
    if (rc) {
        json_decref(rs), json_decref(firms), json_decref(regs), json_decref(fus);
        return rc;
    }
    json_object_set_new(rs, "firms", firms);
    json_object_set_new(rs, "registrations", regs);
    json_object_set_new(rs, "followups", fus);
    *out = rs;
    return 0;
}
