/* Owns a matchmaking-event participant's stored availability (dock_participant.avail_mask): read
 * back as slots and stretches with clock times, and changed from the stretches the participant
 * gives (avail.c turns them into slots) together with its audit entry in one transaction, with how
 * many of the participant's scheduled meetings the change leaves outside (the organiser's repair
 * moves them); and the organiser's view of a whole event: everyone's stretches (and who never
 * said), the meetings scheduled against them and the conflicts, named in Chinese. Who may change or
 * see whose is the HTTP layer's; the schedule is store_flows.c's. */
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

/* ---- the organiser's view of a whole event ---- */

struct who_row {
    int64_t id;
    json_t *o; /* the participant's entry (borrowed from the answer) */
    uint64_t mask;
};

static int who_cmp(const void *x, const void *y) {
    const struct who_row *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

static struct who_row *who_find(struct who_row *w, size_t n, int64_t id) {
    struct who_row key = {id, NULL, 0};
    return bsearch(&key, w, n, sizeof *w, who_cmp);
}

/* "09:00–11:00、14:00–16:00", or "无" for no stretch. */
static void ranges_text(json_t *ranges, char *buf, size_t n) {
    size_t len = 0;
    json_t *r;
    size_t i;
    buf[0] = 0;
    json_array_foreach(ranges, i, r) {
        int k = snprintf(buf + len, n - len, "%s%s–%s", i ? "、" : "",
                         json_string_value(json_object_get(r, "from")),
                         json_string_value(json_object_get(r, "to")));
        if (k < 0 || (size_t)k >= n - len) break;
        len += (size_t)k;
    }
    if (!buf[0]) snprintf(buf, n, "无");
}

/* A conflict for the participant p at slot (the slot's clock times from slots), in both the
 * participant's list and the event's. */
static void add_conflict(json_t *all, json_t *p, const char *kind, int slot, json_t *slots,
                         json_t *with, json_t *request_ids, const char *text) {
    json_t *sl = json_array_get(slots, (size_t)slot);
    json_t *c =
        json_pack("{s:s, s:O, s:O, s:i, s:s, s:s, s:o, s:o, s:s}", "kind", kind, "participant_id",
                  json_object_get(p, "id"), "participant", json_object_get(p, "name"), "slot", slot,
                  "start", sl ? json_string_value(json_object_get(sl, "start")) : "", "end",
                  sl ? json_string_value(json_object_get(sl, "end")) : "", "with", with,
                  "request_ids", request_ids, "text", text);
    json_array_append(all, c);
    json_array_append_new(json_object_get(p, "conflicts"), c);
}

/* The participant's conflicts: each meeting in a slot outside its availability, and each slot
 * holding two or more of its meetings (its meetings are in slot order). */
static void find_conflicts(json_t *all, json_t *p, uint64_t mask, int n_slots, json_t *slots) {
    json_t *ms = json_object_get(p, "meetings");
    const char *name = json_string_value(json_object_get(p, "name"));
    char avail[400], text[1200];
    ranges_text(json_object_get(p, "ranges"), avail, sizeof avail);
    size_t n = json_array_size(ms);
    for (size_t i = 0; i < n; i++) {
        json_t *m = json_array_get(ms, i);
        int slot = (int)json_integer_value(json_object_get(m, "slot"));
        const char *with = json_string_value(json_object_get(m, "with"));
        if (slot < 0 || slot >= n_slots || !(mask >> slot & 1)) {
            snprintf(text, sizeof text, "%s 在 %s–%s 与 %s 的洽谈不在其可洽谈时段内（可洽谈：%s）",
                     name, json_string_value(json_object_get(m, "start")),
                     json_string_value(json_object_get(m, "end")), with, avail);
            add_conflict(all, p, "outside", slot, slots, json_pack("[s]", with),
                         json_pack("[O]", json_object_get(m, "request_id")), text);
        }
        size_t j = i + 1;
        while (j < n && json_integer_value(json_object_get(json_array_get(ms, j), "slot")) == slot)
            j++;
        if (j - i < 2) continue;
        json_t *names = json_array(), *ids = json_array();
        size_t len = 0;
        char list[800];
        list[0] = 0;
        for (size_t k = i; k < j; k++) {
            json_t *x = json_array_get(ms, k);
            const char *w = json_string_value(json_object_get(x, "with"));
            json_array_append_new(names, json_string(w));
            json_array_append(ids, json_object_get(x, "request_id"));
            int q = snprintf(list + len, sizeof list - len, "%s%s", k > i ? "、" : "", w);
            if (q > 0 && (size_t)q < sizeof list - len) len += (size_t)q;
        }
        snprintf(text, sizeof text, "%s 在 %s–%s 同时有 %zu 场洽谈：与 %s", name,
                 json_string_value(json_object_get(m, "start")),
                 json_string_value(json_object_get(m, "end")), j - i, list);
        add_conflict(all, p, "overlap", slot, slots, names, ids, text);
        /* the meetings after the first in this slot were checked against the mask in turn */
        for (size_t k = i + 1; k < j; k++) {
            json_t *x = json_array_get(ms, k);
            if (mask >> slot & 1) continue;
            const char *w = json_string_value(json_object_get(x, "with"));
            snprintf(text, sizeof text, "%s 在 %s–%s 与 %s 的洽谈不在其可洽谈时段内（可洽谈：%s）",
                     name, json_string_value(json_object_get(x, "start")),
                     json_string_value(json_object_get(x, "end")), w, avail);
            add_conflict(all, p, "outside", slot, slots, json_pack("[s]", w),
                         json_pack("[O]", json_object_get(x, "request_id")), text);
        }
        i = j - 1;
    }
}

int dock_event_availability(struct store *s, int64_t event_id, json_t **out, struct error *err) {
    *out = NULL;
    json_t *ev = NULL;
    struct agenda_clock c;
    int n_slots = 0;
    int rc = dock_get(s, "event", event_id, &ev, err);
    if (!rc) rc = event_clock(ev, &c, &n_slots, err);
    json_decref(ev);
    if (rc) return rc;
    uint64_t all = avail_all(n_slots);
    struct store_val a = store_val_int(event_id);
    struct store_rows *pr = NULL, *sr = NULL, *mr = NULL;
    rc = store_sql(s,
                   "SELECT id, name, kind, avail_mask, checked_in_at FROM dock_participant WHERE"
                   " event_id = ? ORDER BY id",
                   &a, 1, &pr, err);
    /* who has said when it is free: its availability is audited (all day too, which stores no
     * mask), so the audit log's entries tell "set to all day" from "never set" */
    if (!rc)
        rc = store_sql(s,
                       "SELECT DISTINCT object_id FROM audit_log WHERE object_type ="
                       " 'dock_participant' AND action = 'event_availability' AND object_id IN"
                       " (SELECT id FROM dock_participant WHERE event_id = ?)",
                       &a, 1, &sr, err);
    if (!rc)
        rc = store_sql(s,
                       "SELECT m.request_id, m.slot, m.tbl, m.no_show, r.a_id, r.b_id FROM"
                       " dock_meeting m JOIN dock_request r ON r.id = m.request_id WHERE"
                       " m.event_id = ? ORDER BY m.slot, m.tbl, m.request_id",
                       &a, 1, &mr, err);
    int np = rc ? 0 : store_rows_count(pr);
    struct who_row *w = calloc((size_t)np + 1, sizeof *w);
    if (!rc && !w) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (rc) {
        store_rows_free(pr), store_rows_free(sr), store_rows_free(mr), free(w);
        return rc;
    }
    json_t *whole = avail_describe(&c, n_slots, all);
    json_t *slots = json_incref(json_object_get(whole, "slots"));
    json_t *people = json_array(), *conflicts = json_array();
    for (int i = 0; i < np; i++) {
        w[i].id = store_rows_int(pr, i, 0);
        w[i].mask = store_rows_is_null(pr, i, 3) ? all : (uint64_t)store_rows_int(pr, i, 3) & all;
        json_t *d = avail_describe(&c, n_slots, w[i].mask);
        w[i].o = json_pack("{s:I, s:s?, s:s?, s:b, s:b, s:b, s:O, s:O, s:[], s:[]}", "id",
                           (json_int_t)w[i].id, "name", store_rows_text(pr, i, 1), "kind",
                           store_rows_text(pr, i, 2), "checked_in", !store_rows_is_null(pr, i, 4),
                           "set", !store_rows_is_null(pr, i, 3), "all_day", w[i].mask == all,
                           "available_slots", json_object_get(d, "available_slots"), "ranges",
                           json_object_get(d, "ranges"), "meetings", "conflicts");
        json_decref(d);
        json_array_append_new(people, w[i].o);
    }
    /* ids come ordered from the query; sorted again so bsearch holds whatever the collation */
    qsort(w, (size_t)np, sizeof *w, who_cmp);
    for (int i = 0; i < store_rows_count(sr); i++) {
        struct who_row *x = who_find(w, (size_t)np, store_rows_int(sr, i, 0));
        if (x) json_object_set_new(x->o, "set", json_true());
    }
    for (int i = 0; i < store_rows_count(mr); i++) {
        int64_t rid = store_rows_int(mr, i, 0);
        int slot = (int)store_rows_int(mr, i, 1), table = (int)store_rows_int(mr, i, 2);
        bool is_no_show = store_rows_int(mr, i, 3) != 0;
        struct who_row *pa = who_find(w, (size_t)np, store_rows_int(mr, i, 4));
        struct who_row *pb = who_find(w, (size_t)np, store_rows_int(mr, i, 5));
        if (!pa || !pb) continue; /* a meeting with a participant of another event: not ours */
        json_t *sl = json_array_get(slots, (size_t)slot);
        const char *st = sl ? json_string_value(json_object_get(sl, "start")) : "—";
        const char *en = sl ? json_string_value(json_object_get(sl, "end")) : "—";
        for (int k = 0; k < 2; k++) {
            struct who_row *me = k ? pb : pa, *other = k ? pa : pb;
            json_array_append_new(json_object_get(me->o, "meetings"),
                                  json_pack("{s:I, s:i, s:i, s:s, s:s, s:O, s:I, s:b}",
                                            "request_id", (json_int_t)rid, "slot", slot, "table",
                                            table, "start", st, "end", en, "with",
                                            json_object_get(other->o, "name"), "with_id",
                                            (json_int_t)other->id, "no_show", is_no_show));
        }
    }
    int n_unset = 0, n_conflicted = 0;
    for (int i = 0; i < np; i++) {
        find_conflicts(conflicts, w[i].o, w[i].mask, n_slots, slots);
        n_unset += !json_is_true(json_object_get(w[i].o, "set"));
        n_conflicted += json_array_size(json_object_get(w[i].o, "conflicts")) > 0;
    }
    *out = json_pack("{s:I, s:O, s:O, s:o, s:i, s:i, s:i, s:I, s:o, s:o}", "event_id",
                     (json_int_t)event_id, "hours", json_object_get(whole, "hours"), "slot_min",
                     json_object_get(whole, "slot_min"), "slots", slots, "participants", np,
                     "not_set", n_unset, "with_conflicts", n_conflicted, "meetings",
                     (json_int_t)store_rows_count(mr), "conflicts", conflicts, "items", people);
    json_decref(whole);
    store_rows_free(pr), store_rows_free(sr), store_rows_free(mr), free(w);
    return 0;
}
