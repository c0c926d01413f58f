/* Owns a matchmaking-event participant's stored availability (dock_participant.avail_mask): read
 * back as slots and stretches with clock times, and changed from the stretches the participant
 * gives (avail.c turns them into slots) together with its audit entry in one transaction, with how
 * many of the participant's scheduled meetings the change leaves outside (the organiser's repair
 * moves them). Who may change whose is the HTTP layer's; the schedule is store_flows.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "dock/dock.h"
#include "dock/dock_store.h"
#include "util/date.h"

/* The event's clock and slot count, checked. */
static int event_clock(json_t *ev, struct agenda_clock *c, int *n_slots, struct error *err) {
    int32_t day = 0;
    const char *d = json_string_value(json_object_get(ev, "date"));
    if (d) date_parse(d, strlen(d), &day, NULL);
    *c = (struct agenda_clock){day, (int)json_integer_value(json_object_get(ev, "start_min")),
                               (int)json_integer_value(json_object_get(ev, "slot_min")),
                               (int)json_integer_value(json_object_get(ev, "gap_min"))};
    *n_slots = (int)json_integer_value(json_object_get(ev, "n_slots"));
    return avail_check_event(c, *n_slots, err);
}

/* The participant of the event (ERR_NOTFOUND when it is another event's or none). */
static int participant_in(struct store *s, int64_t event_id, int64_t pid, json_t **p,
                          struct error *err) {
    int rc = dock_get(s, "participant", pid, p, err);
    if (!rc && json_integer_value(json_object_get(*p, "event_id")) != event_id) {
        json_decref(*p);
        *p = NULL;
        rc = error_set(err, ERR_NOTFOUND, "活动 %lld 没有参会者 %lld",
                       "event %lld has no participant %lld", (long long)event_id, (long long)pid);
    }
    return rc;
}

static uint64_t mask_of(json_t *p, uint64_t all) {
    json_t *m = json_object_get(p, "avail_mask");
    return json_is_integer(m) ? (uint64_t)json_integer_value(m) & all : all;
}

/* How many of the participant's scheduled meetings fall in slots outside mask. */
static int outside(struct store *s, int64_t event_id, int64_t pid, uint64_t mask, int *n,
                   struct error *err) {
    struct store_val a[] = {store_val_int(event_id), store_val_int(pid), store_val_int(pid)};
    struct store_rows *rows = NULL;
    int rc =
        store_sql(s,
                  "SELECT m.slot FROM dock_meeting m JOIN dock_request r ON r.id = m.request_id"
                  " WHERE m.event_id = ? AND (r.a_id = ? OR r.b_id = ?)",
                  a, 3, &rows, err);
    *n = 0;
    for (int i = 0; !rc && i < store_rows_count(rows); i++) {
        int64_t slot = store_rows_int(rows, i, 0);
        *n += slot < 0 || slot >= 64 || !(mask >> slot & 1);
    }
    store_rows_free(rows);
    return rc;
}

/* avail_describe's answer plus the ids and the meetings left outside. */
static json_t *describe(const struct agenda_clock *c, int n_slots, int64_t event_id, int64_t pid,
                        uint64_t mask, int n_outside) {
    json_t *o = avail_describe(c, n_slots, mask);
    json_object_set_new(o, "event_id", json_integer(event_id));
    json_object_set_new(o, "participant_id", json_integer(pid));
    json_object_set_new(o, "meetings_outside", json_integer(n_outside));
    return o;
}

int dock_availability(struct store *s, int64_t event_id, int64_t pid, json_t **out,
                      struct error *err) {
    *out = NULL;
    json_t *ev = NULL, *p = NULL;
    struct agenda_clock c;
    int n_slots = 0, n = 0;
    int rc = dock_get(s, "event", event_id, &ev, err);
    if (!rc) rc = event_clock(ev, &c, &n_slots, err);
    if (!rc) rc = participant_in(s, event_id, pid, &p, err);
    uint64_t mask = rc ? 0 : mask_of(p, avail_all(n_slots));
    if (!rc) rc = outside(s, event_id, pid, mask, &n, err);
    if (!rc) *out = describe(&c, n_slots, event_id, pid, mask, n);
    json_decref(ev), json_decref(p);
    return rc;
}

int dock_set_availability(struct store *s, int64_t event_id, int64_t pid, json_t *ranges,
                          int32_t today, const struct actor *who, json_t **out, struct error *err) {
    *out = NULL;
    json_t *ev = NULL, *p = NULL;
    struct agenda_clock c;
    int n_slots = 0, n = 0;
    uint64_t mask = 0;
    int rc = dock_get(s, "event", event_id, &ev, err);
    if (!rc) rc = event_clock(ev, &c, &n_slots, err);
    if (!rc && today > c.day) {
        char d[16], t[16];
        error_set(err, ERR_CONFLICT, "活动已于 %s 举行，%s 不能再修改可洽谈时段",
                  "the event took place on %s; availability cannot change on %s",
                  date_format(c.day, d, sizeof d), date_format(today, t, sizeof t));
        rc = error_field(err, "date");
    }
    uint64_t all = avail_all(n_slots);
    if (!rc) rc = ranges ? avail_from_ranges(&c, n_slots, ranges, &mask, err) : (mask = all, 0);
    json_decref(ev);
    if (rc) return rc;
    bool is_mine = false;
    rc = dock_tx_begin(s, &is_mine, err);
    if (!rc) rc = participant_in(s, event_id, pid, &p, err);
    json_t *before = NULL, *after = NULL;
    if (!rc) {
        json_t *old = json_object_get(p, "avail_mask");
        before = json_pack("{s:O}", "avail_mask", old ? old : json_null());
        after = json_pack("{s:o}", "avail_mask",
                          mask == all ? json_null() : json_integer((json_int_t)mask));
        struct store_val a[] = {mask == all ? store_val_null() : store_val_int((int64_t)mask),
                                store_val_int(pid)};
        rc = store_sql(s, "UPDATE dock_participant SET avail_mask = ? WHERE id = ?", a, 2, NULL,
                       err);
    }
    if (!rc)
        rc = audit_append(s, who, "event_availability", "dock_participant", pid, before, after,
                          NULL, err);
    if (!rc) rc = outside(s, event_id, pid, mask, &n, err);
    json_decref(before), json_decref(after), json_decref(p);
    rc = dock_tx_end(s, is_mine, rc, err);
    if (!rc) *out = describe(&c, n_slots, event_id, pid, mask, n);
    return rc;
}
