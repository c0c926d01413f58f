/* Owns the workflows on the dock tables: posting a financing need (deadlines, the banks it is
 * matched to), recording bank steps checked against the need's whole history, the inputs that
 * loan_compare and financing_report take built from stored rows, listing stage moves, event
 * registration, check-in, no-shows and the stored meeting schedule (computed or repaired).
 * The arithmetic is dock.h's; the generic record path is store_tables.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dock/dock.h"
#include "dock/dock_store.h"
#include "util/date.h"

static json_t *money_text(int64_t fen) {
    char buf[48];
    snprintf(buf, sizeof buf, "%lld.%02lld元", (long long)(fen / 100), (long long)(fen % 100));
    return json_string(buf);
}

static json_t *date_text(int32_t d) {
    char buf[16];
    return json_string(date_format(d, buf, sizeof buf));
}

/* Runs fn inside a transaction unless one is open already. */
int dock_tx_begin(struct store *s, bool *is_mine, struct error *err) {
    int rc = store_begin(s, err);
    *is_mine = rc == 0;
    if (rc == ERR_CONFLICT) rc = 0, error_clear(err);
    return rc;
}

int dock_tx_end(struct store *s, bool is_mine, int rc, struct error *err) {
    if (!is_mine) return rc;
    if (rc) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}

/* ---- 贷比三家 input ---- */

static void copy_key(json_t *to, const char *to_key, json_t *from, const char *key) {
    json_t *v = json_object_get(from, key);
    if (v && !json_is_null(v)) json_object_set(to, to_key, v);
}

int dock_compare_input(struct store *s, json_t **out, struct error *err) {
    json_t *rows = NULL, *subs = NULL;
    int rc = dock_query(
        s,
        "SELECT p.id, b.name AS bank, p.bank_id, p.name, p.collateral, p.amount_min_fen,"
        " p.amount_max_fen, p.rate_min_bp, p.rate_max_bp, p.months_min, p.months_max, p.method,"
        " p.rule, p.fees, p.criteria, p.quota FROM dock_product p JOIN dock_bank b ON"
        " b.id = p.bank_id WHERE p.published = 1 ORDER BY p.id",
        NULL, 0, "isissiiiiiissjjj", &rows, err);
    if (!rc) rc = dock_list(s, "subsidy", NULL, store_val_null(), 0, 0, &subs, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    json_t *products = json_array(), *r;
    size_t i;
    json_array_foreach(rows, i, r) {
        json_t *p = json_object();
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r, "id")));
        json_object_set_new(p, "id", json_string(id));
        copy_key(p, "bank", r, "bank");
        copy_key(p, "bank_id", r, "bank_id");
        copy_key(p, "name", r, "name");
        copy_key(p, "collateral", r, "collateral");
        json_t *v;
        if ((v = json_object_get(r, "amount_min_fen")) && json_is_integer(v))
            json_object_set_new(p, "amount_min", money_text(json_integer_value(v)));
        if ((v = json_object_get(r, "amount_max_fen")) && json_is_integer(v))
            json_object_set_new(p, "amount_max", money_text(json_integer_value(v)));
        copy_key(p, "rate_min_bp", r, "rate_min_bp");
        copy_key(p, "rate_max_bp", r, "rate_max_bp");
        copy_key(p, "months_min", r, "months_min");
        copy_key(p, "months_max", r, "months_max");
        copy_key(p, "method", r, "method");
        copy_key(p, "rule", r, "rule");
        copy_key(p, "fees", r, "fees");
        copy_key(p, "criteria", r, "criteria");
        copy_key(p, "quota", r, "quota");
        json_array_append_new(products, p);
    }
    json_t *subsidies = json_array();
    json_array_foreach(subs, i, r) {
        json_t *o = json_object();
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r, "id")));
        json_object_set_new(o, "id", json_string(id));
        copy_key(o, "name", r, "name");
        copy_key(o, "rate_bp", r, "rate_bp");
        copy_key(o, "share", r, "share");
        json_t *v;
        if ((v = json_object_get(r, "cap_fen")) && json_is_integer(v))
            json_object_set_new(o, "cap_fen", json_incref(v));
        copy_key(o, "paid_month", r, "paid_month");
        copy_key(o, "collateral", r, "collateral");
        copy_key(o, "criteria", r, "criteria");
        copy_key(o, "rule", r, "rule");
        json_array_append_new(subsidies, o);
    }
    json_decref(rows), json_decref(subs);
    *out = json_pack("{s:o, s:o}", "products", products, "subsidies", subsidies);
    return 0;
}

/* ---- 融资需求 ---- */

static int32_t date_or(json_t *o, const char *key, int32_t dflt) {
    const char *s = json_string_value(json_object_get(o, key));
    int32_t d;
    return s && !date_parse(s, strlen(s), &d, NULL) ? d : dflt;
}

/* Banks with a published product the profile may qualify for (eligible or unknown). */
static int match_banks(struct store *s, const struct profile *p, int64_t need_id, int64_t amount,
                       int32_t months, int32_t today, struct error *err) {
    json_t *in = NULL;
    int rc = dock_compare_input(s, &in, err);
    if (rc) return rc;
    json_t *banks = json_object();
    if (p) {
        char d[16];
        json_object_set_new(in, "date", json_string(date_format(today, d, sizeof d)));
        json_t *req = json_object();
        json_object_set_new(req, "amount", money_text(amount));
        if (months > 0) json_object_set_new(req, "months", json_integer(months));
        json_object_set_new(in, "request", req);
        json_t *cmp = loan_compare_profile(in, p, err);
        if (!cmp) rc = err->code ? err->code : ERR_INVALID;
        json_t *o;
        size_t i;
        json_array_foreach(json_object_get(cmp, "offers"), i, o) {
            const char *e = json_string_value(json_object_get(o, "eligibility"));
            if (e && strcmp(e, "ineligible") != 0)
                json_object_set_new(banks, json_string_value(json_object_get(o, "bank")),
                                    json_true());
        }
        json_decref(cmp);
    } else {
        json_t *o;
        size_t i;
        json_array_foreach(json_object_get(in, "products"), i, o)
            json_object_set_new(banks, json_string_value(json_object_get(o, "bank")), json_true());
    }
    const char *name;
    json_t *v;
    json_object_foreach(banks, name, v) {
        if (rc) break;
        struct store_val a[] = {store_val_int(need_id), store_val_text(name)};
        rc = store_sql(
            s,
            "INSERT INTO dock_financing_bank (need_id, bank_id) SELECT CAST(? AS BIGINT), id"
            " FROM"
            " dock_bank WHERE name = ?",
            a, 2, NULL, err);
    }
    json_decref(banks), json_decref(in);
    return rc;
}

int dock_financing_post(struct store *s, json_t *need, const struct profile *p, int32_t today,
                        int64_t *id, struct error *err) {
    if (!json_is_object(need))
        return error_set(err, ERR_INVALID, "融资需求须为 JSON 对象", "a need is a JSON object");
    json_t *o = json_deep_copy(need);
    int32_t posted = date_or(o, "posted", today);
    const char *keys[3] = {"respond_due", "contact_due", "follow_due"};
    const int days[3] = {1, 3, 7};
    if (!json_object_get(o, "posted")) json_object_set_new(o, "posted", date_text(posted));
    for (int k = 0; k < 3; k++)
        if (!json_object_get(o, keys[k]))
            json_object_set_new(o, keys[k], date_text(posted + days[k]));
    if (!json_object_get(o, "status")) json_object_set_new(o, "status", json_string("待响应"));
    bool is_mine;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = dock_put(s, "financing", o, id, err);
    if (!rc) {
        json_t *row = NULL;
        rc = dock_get(s, "financing", *id, &row, err);
        if (!rc)
            rc = match_banks(s, p, *id, json_integer_value(json_object_get(row, "amount_fen")),
                             (int32_t)json_integer_value(json_object_get(row, "months")), today,
                             err);
        json_decref(row);
    }
    json_decref(o);
    return dock_tx_end(s, is_mine, rc, err);
}

/* One need with its events as financing_report reads it. */
static json_t *need_input(json_t *row, json_t *steps) {
    json_t *n = json_object();
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
    json_object_set_new(n, "id", json_string(id));
    copy_key(n, "enterprise", row, "enterprise");
    copy_key(n, "uscc", row, "uscc");
    copy_key(n, "region", row, "region");
    json_object_set_new(n, "amount",
                        money_text(json_integer_value(json_object_get(row, "amount_fen"))));
    copy_key(n, "amount_fen", row, "amount_fen");
    copy_key(n, "months", row, "months");
    copy_key(n, "purpose", row, "purpose");
    copy_key(n, "posted", row, "posted");
    json_t *ev = json_array(), *st;
    size_t i;
    json_array_foreach(steps, i, st) {
        if (json_integer_value(json_object_get(st, "need_id")) !=
            json_integer_value(json_object_get(row, "id")))
            continue;
        json_t *e = json_object();
        copy_key(e, "bank", st, "bank");
        copy_key(e, "step", st, "step");
        copy_key(e, "date", st, "date");
        json_t *a = json_object_get(st, "amount_fen");
        if (json_is_integer(a)) json_object_set_new(e, "amount", money_text(json_integer_value(a)));
        json_array_append_new(ev, e);
    }
    json_object_set_new(n, "events", ev);
    return n;
}

int dock_financing_input(struct store *s, int64_t bank_id, const char *uscc, int32_t today,
                         json_t **out, struct error *err) {
    json_t *needs = NULL, *steps = NULL;
    struct store_val a[] = {store_val_int(bank_id), store_val_int(bank_id), store_val_text(uscc),
                            store_val_text(uscc)};
    int rc = dock_query(
        s,
        "SELECT id, uscc, enterprise, region, amount_fen, months, purpose, posted, respond_due,"
        " contact_due, follow_due FROM dock_financing WHERE (CAST(? AS BIGINT) = 0 OR id IN "
        "(SELECT need_id FROM"
        " dock_financing_bank WHERE bank_id = ?)) AND (CAST(? AS TEXT) IS NULL OR uscc = ?) ORDER "
        "BY id",
        a, 4, "isssiisdddd", &needs, err);
    if (!rc)
        rc = dock_query(s,
                        "SELECT t.need_id, b.name AS bank, t.step, t.date, t.amount_fen FROM"
                        " dock_financing_step t JOIN dock_bank b ON b.id = t.bank_id ORDER BY"
                        " t.need_id, t.date, t.id",
                        NULL, 0, "issdi", &steps, err);
    if (rc) {
        json_decref(needs);
        return rc;
    }
    json_t *list = json_array(), *row;
    size_t i;
    json_array_foreach(needs, i, row) json_array_append_new(list, need_input(row, steps));
    json_decref(needs), json_decref(steps);
    *out = json_pack("{s:o, s:o}", "date", date_text(today), "needs", list);
    return 0;
}

int dock_financing_step(struct store *s, int64_t need_id, json_t *step, int32_t today, int64_t *id,
                        struct error *err) {
    if (!json_is_object(step))
        return error_set(err, ERR_INVALID, "步骤须为 JSON 对象", "a step is a JSON object");
    json_t *o = json_deep_copy(step);
    json_object_set_new(o, "need_id", json_integer(need_id));
    if (!json_object_get(o, "date")) json_object_set_new(o, "date", date_text(today));
    bool is_mine;
    json_t *need = NULL;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = dock_get(s, "financing", need_id, &need, err);
    if (!rc) rc = dock_put(s, "step", o, id, err);
    json_t *in = NULL, *rep = NULL;
    if (!rc) { /* the whole history must still make sense */
        struct store_val a[] = {store_val_int(need_id)};
        json_t *steps = NULL;
        rc = dock_query(s,
                        "SELECT t.need_id, b.name AS bank, t.step, t.date, t.amount_fen FROM"
                        " dock_financing_step t JOIN dock_bank b ON b.id = t.bank_id WHERE"
                        " t.need_id = ? ORDER BY t.date, t.id",
                        a, 1, "issdi", &steps, err);
        if (!rc) {
            in = json_pack("{s:o, s:[o]}", "date", date_text(today), "needs",
                           need_input(need, steps));
            rep = financing_report(in, err);
            if (!rep) rc = err->code ? err->code : ERR_INVALID;
        }
        json_decref(steps);
    }
    if (!rc) {
        json_t *n0 = json_array_get(json_object_get(rep, "needs"), 0);
        struct store_val a[] = {store_val_text(json_string_value(json_object_get(n0, "status"))),
                                store_val_int(need_id)};
        rc = store_sql(s, "UPDATE dock_financing SET status = ? WHERE id = ?", a, 2, NULL, err);
    }
    json_decref(in), json_decref(rep), json_decref(need), json_decref(o);
    return dock_tx_end(s, is_mine, rc, err);
}

/* ---- 上市梯队 ---- */

int dock_listing_move(struct store *s, const char *uscc, const char *name, const char *stage,
                      int32_t date, struct error *err) {
    bool is_mine;
    int rc = dock_tx_begin(s, &is_mine, err);
    json_t *h = json_pack("{s:s, s:s, s:o}", "uscc", uscc ? uscc : "", "stage", stage ? stage : "",
                          "date", date_text(date));
    if (!rc) rc = dock_put(s, "listing_history", h, NULL, err);
    json_decref(h);
    if (!rc) {
        struct store_val a[] = {store_val_text(uscc), store_val_text(name), store_val_text(stage),
                                store_val_int(date)};
        rc =
            store_sql(s,
                      "INSERT INTO dock_listing_firm (uscc, name, stage, since) VALUES (?, ?, ?, ?)"
                      " ON CONFLICT (uscc) DO UPDATE SET stage = excluded.stage,"
                      " since = excluded.since, name = COALESCE(excluded.name,"
                      " dock_listing_firm.name)",
                      a, 4, NULL, err);
    }
    return dock_tx_end(s, is_mine, rc, err);
}

/* ---- events ---- */

/* A date column of the event ("2026-12-08"), or def when absent. */
static int32_t event_day(json_t *ev, const char *key, int32_t def) {
    const char *s = json_string_value(json_object_get(ev, key));
    int32_t d = def;
    if (s && date_parse(s, strlen(s), &d, NULL)) d = def;
    return d;
}

static int refuse(struct error *err, int code, const char *field, const char *zh, const char *en) {
    error_set_text(err, code, zh, en);
    return error_field(err, field);
}

/* The registration's checks: the day, the deadline, the seats, and the party registered twice
 * (the same enterprise, or the same bank or investor organisation). */
static int may_register(struct store *s, json_t *ev, int64_t event_id, json_t *p, int32_t today,
                        struct error *err) {
    int32_t day = event_day(ev, "date", 0), deadline = event_day(ev, "reg_deadline", INT32_MAX);
    char d[16];
    if (today > day) {
        error_set(err, ERR_CONFLICT, "活动已于 %s 举行，不能再报名",
                  "the event took place on %s; registration is closed",
                  date_format(day, d, sizeof d));
        return error_field(err, "date");
    }
    if (today > deadline) {
        error_set(err, ERR_CONFLICT, "报名已于 %s 截止", "registration closed on %s",
                  date_format(deadline, d, sizeof d));
        return error_field(err, "reg_deadline");
    }
    struct store_val a[] = {store_val_int(event_id), store_val_null(), store_val_null()};
    int64_t n = 0;
    int rc = store_sql_int(s, "SELECT COUNT(*) FROM dock_participant WHERE event_id = ?", a, 1, 0,
                           &n, err);
    json_t *cap = json_object_get(ev, "capacity");
    if (!rc && json_is_integer(cap) && n >= json_integer_value(cap)) {
        error_set(err, ERR_CONFLICT, "本场活动 %lld 个名额已满", "all %lld places are taken",
                  (long long)json_integer_value(cap));
        return error_field(err, "capacity");
    }
    const char *uscc = json_string_value(json_object_get(p, "uscc"));
    const char *kind = json_string_value(json_object_get(p, "kind"));
    json_t *org = json_object_get(p, "org_id");
    if (!rc && uscc && *uscc) {
        a[1] = store_val_text(uscc);
        rc = store_sql_int(s,
                           "SELECT COUNT(*) FROM dock_participant WHERE event_id = ? AND uscc = ?",
                           a, 2, 0, &n, err);
        if (!rc && n)
            return refuse(err, ERR_CONFLICT, "uscc", "该企业已报名本场活动",
                          "this enterprise is already registered for the event");
    }
    if (!rc && json_is_integer(org) && json_integer_value(org) > 0 && kind) {
        a[1] = store_val_int(json_integer_value(org)), a[2] = store_val_text(kind);
        rc = store_sql_int(s,
                           "SELECT COUNT(*) FROM dock_participant WHERE event_id = ? AND org_id = ?"
                           " AND kind = ?",
                           a, 3, 0, &n, err);
        if (!rc && n)
            return refuse(err, ERR_CONFLICT, "org_id", "该机构已报名本场活动",
                          "this organisation is already registered for the event");
    }
    return rc;
}

int dock_register(struct store *s, int64_t event_id, json_t *participant, int32_t today,
                  int64_t *id, struct error *err) {
    json_t *ev = NULL;
    int rc = dock_get(s, "event", event_id, &ev, err);
    if (rc) return rc;
    if (!json_is_object(participant)) {
        json_decref(ev);
        return error_set(err, ERR_INVALID, "参会者须为 JSON 对象",
                         "a participant is a JSON object");
    }
    json_t *o = json_deep_copy(participant);
    json_object_set_new(o, "event_id", json_integer(event_id));
    if (!json_object_get(o, "registered_on"))
        json_object_set_new(o, "registered_on", date_text(today));
    bool is_mine;
    rc = dock_tx_begin(s, &is_mine, err);
    if (!rc && store_kind(s) == STORE_POSTGRES) {
        /* count then insert is one step only while the event's row is locked (PostgreSQL runs
         * READ COMMITTED; SQLite's BEGIN IMMEDIATE is serial already): see lock_roadshow */
        struct store_val v = store_val_int(event_id);
        int64_t got = 0;
        rc = store_sql_int(s, "SELECT id FROM dock_event WHERE id = ? FOR UPDATE", &v, 1, 0, &got,
                           err);
    }
    if (!rc) rc = may_register(s, ev, event_id, o, today, err);
    if (!rc) rc = dock_put(s, "participant", o, id, err);
    json_decref(o), json_decref(ev);
    if (rc == ERR_CONFLICT && !err->field[0])
        refuse(err, ERR_CONFLICT, "name", "该活动已有同名参会者",
               "a participant of that name is registered");
    return dock_tx_end(s, is_mine, rc, err);
}

static int participant_check(struct store *s, int64_t event_id, int64_t pid, struct error *err) {
    struct store_val a[] = {store_val_int(pid), store_val_int(event_id)};
    int64_t n = 0;
    int rc = store_sql_int(s, "SELECT COUNT(*) FROM dock_participant WHERE id = ? AND event_id = ?",
                           a, 2, 0, &n, err);
    if (!rc && n == 0)
        rc = error_set(err, ERR_NOTFOUND, "活动 %lld 没有参会者 %lld",
                       "event %lld has no participant %lld", (long long)event_id, (long long)pid);
    return rc;
}

int dock_check_in(struct store *s, int64_t event_id, int64_t participant_id, int64_t t,
                  struct error *err) {
    int rc = participant_check(s, event_id, participant_id, err);
    json_t *ev = NULL;
    if (!rc) rc = dock_get(s, "event", event_id, &ev, err);
    if (rc) return rc;
    /* the day in China (UTC+8) of t against the window, by default the event's day */
    int32_t day = (int32_t)((t + 8 * 3600) / 86400 - ((t + 8 * 3600) % 86400 < 0));
    int32_t date = event_day(ev, "date", 0);
    int32_t from = event_day(ev, "checkin_from", date), to = event_day(ev, "checkin_to", date);
    json_decref(ev);
    if (day < from || day > to) {
        char a[16], b[16], d[16];
        bool is_window = from != date || to != date;
        error_set(err, ERR_CONFLICT, "签到时间 %s 不在签到期 %s 至 %s 内",
                  "check-in on %s is outside the check-in window %s to %s",
                  date_format(day, d, sizeof d), date_format(from, a, sizeof a),
                  date_format(to, b, sizeof b));
        return error_field(err, !is_window ? "date" : day < from ? "checkin_from" : "checkin_to");
    }
    struct store_val a[] = {store_val_int(t), store_val_int(participant_id)};
    return store_sql(s, "UPDATE dock_participant SET checked_in_at = ? WHERE id = ?", a, 2, NULL,
                     err);
}

int dock_no_show(struct store *s, int64_t event_id, int64_t participant_id, int64_t other,
                 bool is_no_show, struct error *err) {
    int rc = participant_check(s, event_id, participant_id, err);
    if (rc) return rc;
    struct store_val a[] = {store_val_int(is_no_show),     store_val_int(event_id),
                            store_val_int(participant_id), store_val_int(participant_id),
                            store_val_int(other),          store_val_int(other),
                            store_val_int(other)};
    return store_sql(s,
                     "UPDATE dock_meeting SET no_show = ? WHERE event_id = ? AND request_id IN"
                     " (SELECT id FROM dock_request WHERE (a_id = ? OR b_id = ?) AND (? = 0 OR"
                     " a_id = ? OR b_id = ?))",
                     a, 7, NULL, err);
}

struct loaded {
    int n_part, n_req;
    int64_t *pid; /* participant ids, index = sched participant */
    uint64_t *avail;
    bool has_avail;
    struct sched_request *req;
    int64_t *rid; /* request ids */
    int *prev_slot, *prev_table;
};

static void loaded_release(struct loaded *l) {
    free(l->pid), free(l->avail), free(l->req), free(l->rid), free(l->prev_slot),
        free(l->prev_table);
}

static int index_of(const struct loaded *l, int64_t id) {
    int lo = 0, hi = l->n_part - 1; /* pid is sorted (ORDER BY id) */
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (l->pid[mid] == id) return mid;
        if (l->pid[mid] < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int load_event(struct store *s, int64_t event_id, int n_slots, struct loaded *l,
                      struct error *err) {
    memset(l, 0, sizeof *l);
    struct store_val a = store_val_int(event_id);
    struct store_rows *pr = NULL, *rr = NULL;
    int rc =
        store_sql(s, "SELECT id, avail_mask FROM dock_participant WHERE event_id = ? ORDER BY id",
                  &a, 1, &pr, err);
    if (!rc)
        rc = store_sql(s,
                       "SELECT r.id, r.a_id, r.b_id, r.priority, m.slot, m.tbl FROM dock_request r"
                       " LEFT JOIN dock_meeting m ON m.request_id = r.id WHERE r.event_id = ? AND"
                       " r.status = '已接受' ORDER BY r.id",
                       &a, 1, &rr, err);
    if (rc) {
        store_rows_free(pr);
        return rc;
    }
    l->n_part = store_rows_count(pr), l->n_req = store_rows_count(rr);
    size_t np = (size_t)l->n_part + 1, nr = (size_t)l->n_req + 1;
    l->pid = calloc(np, sizeof *l->pid), l->avail = calloc(np, sizeof *l->avail);
    l->req = calloc(nr, sizeof *l->req), l->rid = calloc(nr, sizeof *l->rid);
    l->prev_slot = calloc(nr, sizeof *l->prev_slot),
    l->prev_table = calloc(nr, sizeof *l->prev_table);
    if (!l->pid || !l->avail || !l->req || !l->rid || !l->prev_slot || !l->prev_table)
        rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    uint64_t all = n_slots >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n_slots) - 1;
    for (int i = 0; !rc && i < l->n_part; i++) {
        l->pid[i] = store_rows_int(pr, i, 0);
        l->avail[i] = store_rows_is_null(pr, i, 1) ? all : (uint64_t)store_rows_int(pr, i, 1) & all;
        l->has_avail |= l->avail[i] != all;
    }
    for (int i = 0; !rc && i < l->n_req; i++) {
        l->rid[i] = store_rows_int(rr, i, 0);
        int x = index_of(l, store_rows_int(rr, i, 1)), y = index_of(l, store_rows_int(rr, i, 2));
        if (x < 0 || y < 0) {
            rc = error_set(err, ERR_INVALID, "请求 %lld 指向不属于本活动的参会者",
                           "request %lld names a participant not in the event",
                           (long long)l->rid[i]);
            break;
        }
        int64_t pri = store_rows_int(rr, i, 3);
        l->req[i] = (struct sched_request){x, y, pri < 0 ? 0 : pri > 9 ? 9 : (int)pri};
        bool placed = !store_rows_is_null(rr, i, 4);
        l->prev_slot[i] = placed ? (int)store_rows_int(rr, i, 4) : -1;
        l->prev_table[i] = placed ? (int)store_rows_int(rr, i, 5) : -1;
    }
    store_rows_free(pr), store_rows_free(rr);
    return rc;
}

static int save_schedule(struct store *s, int64_t event_id, const struct loaded *l,
                         const struct sched_result *r, struct error *err) {
    struct store_val a = store_val_int(event_id);
    int rc = store_sql(s, "DELETE FROM dock_meeting WHERE event_id = ?", &a, 1, NULL, err);
    for (int i = 0; !rc && i < l->n_req; i++) {
        struct store_val u[] = {
            store_val_text(r->slot[i] >= 0 ? NULL : sched_reason_zh(r->reason[i])),
            store_val_int(l->rid[i])};
        rc = store_sql(s, "UPDATE dock_request SET reason = ? WHERE id = ?", u, 2, NULL, err);
        if (rc || r->slot[i] < 0) continue;
        struct store_val m[] = {store_val_int(event_id), store_val_int(l->rid[i]),
                                store_val_int(r->slot[i]), store_val_int(r->table[i])};
        rc = store_sql(s,
                       "INSERT INTO dock_meeting (event_id, request_id, slot, tbl, no_show) VALUES"
                       " (?, ?, ?, ?, 0)",
                       m, 4, NULL, err);
    }
    if (!rc) {
        struct store_val e[] = {store_val_int((int64_t)time(NULL)), store_val_int(r->upper_bound),
                                store_val_text(r->method), store_val_int(event_id)};
        rc = store_sql(s,
                       "UPDATE dock_event SET computed_at = ?, upper_bound = ?, method = ? WHERE"
                       " id = ?",
                       e, 4, NULL, err);
    }
    return rc;
}

int dock_schedule(struct store *s, int64_t event_id, bool is_repair, struct dock_schedule_stats *st,
                  struct error *err) {
    json_t *ev = NULL;
    int rc = dock_get(s, "event", event_id, &ev, err);
    if (rc) return rc;
    int n_slots = (int)json_integer_value(json_object_get(ev, "n_slots"));
    int n_tables = (int)json_integer_value(json_object_get(ev, "n_tables"));
    json_decref(ev);
    bool is_mine;
    if ((rc = dock_tx_begin(s, &is_mine, err))) return rc;
    struct loaded l;
    struct sched_result r = {0};
    rc = load_event(s, event_id, n_slots, &l, err);
    if (!rc) {
        struct sched_instance in = {.n_participants = l.n_part,
                                    .n_slots = n_slots,
                                    .n_tables = n_tables,
                                    .avail = l.has_avail ? l.avail : NULL,
                                    .req = l.req,
                                    .n_req = l.n_req};
        rc = is_repair ? sched_repair(&in, l.prev_slot, l.prev_table, &r, err)
                       : sched_solve(&in, &r, err);
        if (!rc) rc = sched_check(&in, &r, err);
    }
    if (!rc) rc = save_schedule(s, event_id, &l, &r, err);
    if (!rc && st)
        *st = (struct dock_schedule_stats){.n_requests = l.n_req,
                                           .n_placed = r.n_placed,
                                           .upper_bound = r.upper_bound,
                                           .n_covered = r.n_covered,
                                           .n_wanting = r.n_wanting,
                                           .n_moved = r.n_moved,
                                           .is_optimal = r.is_optimal,
                                           .method = r.method};
    sched_result_release(&r);
    loaded_release(&l);
    return dock_tx_end(s, is_mine, rc, err);
}

int dock_meetings(struct store *s, int64_t event_id, json_t **out, struct error *err) {
    struct store_val a = store_val_int(event_id);
    return dock_query(s,
                      "SELECT pa.name AS a, pb.name AS b, m.slot, m.tbl AS \"table\", m.request_id,"
                      " r.a_id, r.b_id, m.no_show FROM dock_meeting m JOIN dock_request r ON r.id ="
                      " m.request_id JOIN dock_participant pa ON pa.id = r.a_id JOIN"
                      " dock_participant pb ON pb.id = r.b_id WHERE m.event_id = ? ORDER BY m.slot,"
                      " m.tbl",
                      &a, 1, "ssiiiiib", out, err);
}
