/* Owns the 对接会 state changes made on someone's behalf, each with its audit entry (src/audit) in
 * the same transaction as the change: registration (event_register), check-in (event_checkin),
 * no-shows (event_noshow), meeting requests sent (event_request_send) and their status changes
 * (event_request_accept / _decline / _cancel, event_request_status for any other an organiser
 * sets) with the meeting a dropped request loses, and the schedule computed or repaired
 * (event_schedule / event_schedule_repair on the event, every placement before and after), and
 * the follow-up intents recorded after it (event_intent). Who,
 * role and time come from audit_append; the object is the participant (dock_participant) or the
 * request (dock_request), before → after. The rules themselves (the day, the deadline, the seats,
 * the check-in window) are store_flows.c's; who may do what is the HTTP layer's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "dock/dock_store.h"

int dock_register_as(struct store *s, int64_t event_id, json_t *participant, int32_t today,
                     const struct actor *who, int64_t *id, struct error *err) {
    bool is_mine = false;
    int64_t pid = 0;
    json_t *row = NULL;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = dock_register(s, event_id, participant, today, &pid, err);
    if (!rc) rc = dock_get(s, "participant", pid, &row, err);
    if (!rc)
        rc = audit_append(s, who, "event_register", "dock_participant", pid, NULL, row, NULL, err);
    json_decref(row);
    if (!rc && id) *id = pid;
    return dock_tx_end(s, is_mine, rc, err);
}

/* The participant's row, checked to be the event's (ERR_NOTFOUND otherwise). */
static int participant_row(struct store *s, int64_t event_id, int64_t pid, json_t **out,
                           struct error *err) {
    int rc = dock_get(s, "participant", pid, out, err);
    if (!rc && json_integer_value(json_object_get(*out, "event_id")) != event_id) {
        json_decref(*out);
        *out = NULL;
        rc = error_set(err, ERR_NOTFOUND, "活动 %lld 没有参会者 %lld",
                       "event %lld has no participant %lld", (long long)event_id, (long long)pid);
    }
    return rc;
}

int dock_check_in_as(struct store *s, int64_t event_id, int64_t pid, int64_t t,
                     const struct actor *who, struct error *err) {
    bool is_mine = false;
    json_t *row = NULL;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = participant_row(s, event_id, pid, &row, err);
    if (!rc) rc = dock_check_in(s, event_id, pid, t, err);
    if (!rc) {
        json_t *old = json_object_get(row, "checked_in_at");
        json_t *before = json_pack("{s:I, s:O}", "event_id", (json_int_t)event_id, "checked_in_at",
                                   old ? old : json_null());
        json_t *after = json_pack("{s:I, s:I}", "event_id", (json_int_t)event_id, "checked_in_at",
                                  (json_int_t)t);
        rc = audit_append(s, who, "event_checkin", "dock_participant", pid, before, after, NULL,
                          err);
        json_decref(before), json_decref(after);
    }
    json_decref(row);
    return dock_tx_end(s, is_mine, rc, err);
}

/* The participant's meetings (all, or only with other) as [{request_id, no_show}], in id order. */
static int meetings_of(struct store *s, int64_t event_id, int64_t pid, int64_t other, json_t **out,
                       struct error *err) {
    struct store_val a[] = {store_val_int(event_id), store_val_int(pid),   store_val_int(pid),
                            store_val_int(other),    store_val_int(other), store_val_int(other)};
    return dock_query(s,
                      "SELECT m.request_id, m.no_show FROM dock_meeting m JOIN dock_request r ON"
                      " r.id = m.request_id WHERE m.event_id = ? AND (r.a_id = ? OR r.b_id = ?)"
                      " AND (? = 0 OR r.a_id = ? OR r.b_id = ?) ORDER BY m.request_id",
                      a, 6, "ib", out, err);
}

int dock_no_show_as(struct store *s, int64_t event_id, int64_t pid, int64_t other, bool is_no_show,
                    const struct actor *who, struct error *err) {
    bool is_mine = false;
    json_t *before = NULL, *after = NULL;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = meetings_of(s, event_id, pid, other, &before, err);
    if (!rc) rc = dock_no_show(s, event_id, pid, other, is_no_show, err);
    if (!rc) rc = meetings_of(s, event_id, pid, other, &after, err);
    if (!rc) {
        json_t *b = json_pack("{s:I, s:I, s:o}", "event_id", (json_int_t)event_id, "with",
                              (json_int_t)other, "meetings", before);
        json_t *a = json_pack("{s:I, s:I, s:o}", "event_id", (json_int_t)event_id, "with",
                              (json_int_t)other, "meetings", after);
        before = after = NULL;
        rc = audit_append(s, who, "event_noshow", "dock_participant", pid, b, a, NULL, err);
        json_decref(b), json_decref(a);
    }
    json_decref(before), json_decref(after);
    return dock_tx_end(s, is_mine, rc, err);
}

int dock_request_send_as(struct store *s, json_t *request, const struct actor *who, int64_t *id,
                         struct error *err) {
    bool is_mine = false;
    int64_t rid = 0;
    json_t *row = NULL;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = dock_put(s, "request", request, &rid, err);
    if (!rc) rc = dock_get(s, "request", rid, &row, err);
    if (!rc)
        rc = audit_append(s, who, "event_request_send", "dock_request", rid, NULL, row, NULL, err);
    json_decref(row);
    if (!rc && id) *id = rid;
    return dock_tx_end(s, is_mine, rc, err);
}

/* The request's status and its meeting (slot, table, no_show; null when none). */
static int request_state(struct store *s, int64_t rid, json_t **out, struct error *err) {
    *out = NULL;
    json_t *rows = NULL;
    struct store_val a = store_val_int(rid);
    int rc = dock_query(s,
                        "SELECT r.event_id, r.status, m.slot, m.tbl AS \"table\", m.no_show FROM"
                        " dock_request r LEFT JOIN dock_meeting m ON m.request_id = r.id WHERE"
                        " r.id = ?",
                        &a, 1, "isiib", &rows, err);
    if (!rc && json_array_size(rows) == 0)
        rc = error_set(err, ERR_NOTFOUND, "没有洽谈请求 %lld", "no meeting request %lld",
                       (long long)rid);
    if (!rc) *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return rc;
}

static const char *status_action(const char *status) {
    if (strcmp(status, "已接受") == 0) return "event_request_accept";
    if (strcmp(status, "已拒绝") == 0) return "event_request_decline";
    if (strcmp(status, "已取消") == 0) return "event_request_cancel";
    return "event_request_status";
}

int dock_request_status_as(struct store *s, int64_t event_id, int64_t rid, const char *status,
                           const struct actor *who, struct error *err) {
    if (!status || !*status) {
        error_set(err, ERR_INVALID, "须给出 status", "status is required");
        return error_field(err, "status");
    }
    bool is_mine = false;
    json_t *before = NULL, *after = NULL;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = request_state(s, rid, &before, err);
    if (!rc && json_integer_value(json_object_get(before, "event_id")) != event_id)
        rc = error_set(err, ERR_NOTFOUND, "本活动没有洽谈请求 %lld",
                       "the event has no meeting request %lld", (long long)rid);
    if (!rc) {
        json_t *upd = json_pack("{s:I, s:s}", "id", (json_int_t)rid, "status", status);
        rc = dock_put(s, "request", upd, NULL, err);
        json_decref(upd);
    }
    if (!rc && strcmp(status, "已接受") != 0) { /* its meeting, if any, is gone */
        struct store_val a = store_val_int(rid);
        rc = store_sql(s, "DELETE FROM dock_meeting WHERE request_id = ?", &a, 1, NULL, err);
    }
    if (!rc) rc = request_state(s, rid, &after, err);
    if (!rc)
        rc = audit_append(s, who, status_action(status), "dock_request", rid, before, after, NULL,
                          err);
    json_decref(before), json_decref(after);
    return dock_tx_end(s, is_mine, rc, err);
}

/* The event's placements as [[request_id, slot, table], …] in request order. */
static int placements(struct store *s, int64_t event_id, json_t **out, struct error *err) {
    struct store_val a = store_val_int(event_id);
    struct store_rows *r = NULL;
    int rc = store_sql(s,
                       "SELECT request_id, slot, tbl FROM dock_meeting WHERE event_id = ? ORDER BY"
                       " request_id",
                       &a, 1, &r, err);
    *out = rc ? NULL : json_array();
    for (int i = 0; !rc && i < store_rows_count(r); i++)
        json_array_append_new(*out, json_pack("[I, I, I]", (json_int_t)store_rows_int(r, i, 0),
                                              (json_int_t)store_rows_int(r, i, 1),
                                              (json_int_t)store_rows_int(r, i, 2)));
    store_rows_free(r);
    return rc;
}

int dock_schedule_as(struct store *s, int64_t event_id, bool is_repair, const struct actor *who,
                     struct dock_schedule_stats *st, struct error *err) {
    bool is_mine = false;
    json_t *before = NULL, *after = NULL;
    struct dock_schedule_stats mine = {0};
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = placements(s, event_id, &before, err);
    if (!rc) rc = dock_schedule(s, event_id, is_repair, &mine, err);
    if (!rc) rc = placements(s, event_id, &after, err);
    if (!rc) {
        json_t *b = json_pack("{s:I, s:o}", "event_id", (json_int_t)event_id, "meetings", before);
        json_t *a = json_pack("{s:I, s:b, s:i, s:i, s:i, s:s, s:o}", "event_id",
                              (json_int_t)event_id, "repair", is_repair, "requests",
                              mine.n_requests, "placed", mine.n_placed, "moved", mine.n_moved,
                              "method", mine.method ? mine.method : "", "meetings", after);
        before = after = NULL;
        rc = audit_append(s, who, is_repair ? "event_schedule_repair" : "event_schedule",
                          "dock_event", event_id, b, a, NULL, err);
        json_decref(b), json_decref(a);
    }
    json_decref(before), json_decref(after);
    if (!rc && st) *st = mine;
    return dock_tx_end(s, is_mine, rc, err);
}

int dock_intent_add_as(struct store *s, json_t *intent, const struct actor *who, int64_t *id,
                       struct error *err) {
    bool is_mine = false;
    int64_t iid = 0;
    json_t *row = NULL;
    int rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = dock_put(s, "intent", intent, &iid, err);
    if (!rc) rc = dock_get(s, "intent", iid, &row, err);
    if (!rc) rc = audit_append(s, who, "event_intent", "dock_intent", iid, NULL, row, NULL, err);
    json_decref(row);
    if (!rc && id) *id = iid;
    return dock_tx_end(s, is_mine, rc, err);
}
