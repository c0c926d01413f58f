/* A matchmaking-event participant's availability. avail_from_ranges / avail_describe against the
 * cases in tests/data/dock/availability.json (adding a case needs no C). At the store
 * (STORE_TEST, SQLite and PostgreSQL): setting it writes the mask and one audit entry in the same
 * transaction, counts the meetings it leaves outside, and the organiser's repair and a fresh
 * computation then place the participant only in slots it can attend; refused after the event,
 * for another event's participant, and for bad stretches (nothing changes). The audited event
 * changes (registration, requests, check-in, no-show) and the organiser's view with its
 * conflicts, at the store on both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "dock/dock.h"
#include "dock/dock_store.h"
#include "tstore.h"
#include "util/date.h"

static json_t *load_cases(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/dock/availability.json", test_data_dir());
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) test_failf(__FILE__, __LINE__, "%s: %s", path, je.text);
    return j;
}

static uint64_t mask_of_slots(json_t *slots) {
    uint64_t m = 0;
    size_t i;
    json_t *s;
    json_array_foreach(slots, i, s) m |= UINT64_C(1) << json_integer_value(s);
    return m;
}

TEST(dock_avail_cases) {
    json_t *spec = load_cases();
    if (!spec) return;
    json_t *events = json_object_get(spec, "events"), *c;
    size_t i;
    int n = 0;
    json_array_foreach(json_object_get(spec, "cases"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        test_case(name);
        json_t *ev = json_object_get(events, json_string_value(json_object_get(c, "event")));
        struct agenda_clock clk = {date_from_ymd(2026, 12, 15),
                                   (int)json_integer_value(json_object_get(ev, "start_min")),
                                   (int)json_integer_value(json_object_get(ev, "slot_min")),
                                   (int)json_integer_value(json_object_get(ev, "gap_min"))};
        int n_slots = (int)json_integer_value(json_object_get(ev, "n_slots"));
        struct error err;
        error_clear(&err);
        uint64_t mask = 0;
        int rc = avail_from_ranges(&clk, n_slots, json_object_get(c, "ranges"), &mask, &err);
        json_t *want_err = json_object_get(c, "error");
        if (want_err) {
            const char *zh = json_string_value(json_object_get(want_err, "zh"));
            const char *en = json_string_value(json_object_get(want_err, "en"));
            const char *field = json_string_value(json_object_get(want_err, "field"));
            if (rc != ERR_INVALID || strcmp(err.field, field) != 0 || !strstr(err.zh, zh) ||
                !strstr(err.en, en))
                test_failf(__FILE__, __LINE__, "%s: rc %d field \"%s\" zh \"%s\" en \"%s\"", name,
                           rc, err.field, err.zh, err.en);
            n++;
            continue;
        }
        if (rc) {
            test_failf(__FILE__, __LINE__, "%s: %s / %s", name, err.zh, err.en);
            continue;
        }
        uint64_t want = mask_of_slots(json_object_get(c, "slots"));
        if (mask != want)
            test_failf(__FILE__, __LINE__, "%s: mask %llx, want %llx", name,
                       (unsigned long long)mask, (unsigned long long)want);
        json_t *d = avail_describe(&clk, n_slots, mask);
        if (!json_equal(json_object_get(d, "ranges"), json_object_get(c, "back"))) {
            char *g = json_dumps(json_object_get(d, "ranges"), JSON_COMPACT);
            test_failf(__FILE__, __LINE__, "%s: described back as %s", name, g ? g : "?");
            free(g);
        }
        CHECK(json_is_true(json_object_get(d, "all_day")) ==
              json_is_true(json_object_get(c, "all_day")));
        CHECK_INT(json_integer_value(json_object_get(d, "available_slots")),
                  (int64_t)json_array_size(json_object_get(c, "slots")));
        CHECK_INT((int64_t)json_array_size(json_object_get(d, "slots")), n_slots);
        json_decref(d);
        n++;
    }
    CHECK(n >= 18);
    json_decref(spec);
}

static int64_t count(struct store *s, const char *sql, int64_t id) {
    struct store_val v = store_val_int(id);
    int64_t n = -1;
    struct error err;
    store_sql_int(s, sql, &v, 1, 0, &n, &err);
    return n;
}

/* Slots of participant pid's stored meetings, as a mask. */
static uint64_t meeting_slots(struct store *s, int64_t pid) {
    struct store_val a[] = {store_val_int(pid), store_val_int(pid)};
    struct store_rows *rows = NULL;
    struct error err;
    uint64_t m = 0;
    if (store_sql(s,
                  "SELECT m.slot FROM dock_meeting m JOIN dock_request r ON r.id = m.request_id"
                  " WHERE r.a_id = ? OR r.b_id = ?",
                  a, 2, &rows, &err) == 0)
        for (int i = 0; i < store_rows_count(rows); i++)
            m |= UINT64_C(1) << store_rows_int(rows, i, 0);
    store_rows_free(rows);
    return m;
}

STORE_TEST(dock_availability) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    error_clear(&err);
    /* 2026-12-15 (day 20802), 09:00, eight 30-minute slots: 09:00 … 12:30–13:00, two tables */
    json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "name", "对接会", "date", "2026-12-15",
                          "start_min", 540, "slot_min", 30, "n_slots", 8, "n_tables", 2);
    int64_t ev = 0, other_ev = 0;
    CHECK_INT(dock_put(s, "event", o, &ev, &err), 0);
    CHECK_INT(dock_put(s, "event", o, &other_ev, &err), 0);
    json_decref(o);
    /* an investor asked by five firms: one meeting per slot, all placed */
    int64_t inv = 0, firm[5], stranger = 0;
    o = json_pack("{s:s, s:s}", "name", "投资人", "kind", "投资机构");
    CHECK_INT(dock_register(s, ev, o, 20800, &inv, &err), 0);
    json_decref(o);
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "企业%d", i + 1);
        o = json_pack("{s:s, s:s}", "name", name, "kind", "企业");
        CHECK_INT(dock_register(s, ev, o, 20800, &firm[i], &err), 0);
        json_decref(o);
        o = json_pack("{s:I, s:I, s:I, s:s}", "event_id", (json_int_t)ev, "a_id",
                      (json_int_t)firm[i], "b_id", (json_int_t)inv, "status", "已接受");
        CHECK_INT(dock_put(s, "request", o, NULL, &err), 0);
        json_decref(o);
    }
    o = json_pack("{s:s, s:s}", "name", "别的活动", "kind", "专家");
    CHECK_INT(dock_register(s, other_ev, o, 20800, &stranger, &err), 0);
    json_decref(o);
    struct dock_schedule_stats st;
    CHECK_INT(dock_schedule(s, ev, false, &st, &err), 0);
    CHECK_INT(st.n_placed, 5);
    /* all day to begin with */
    json_t *got = NULL;
    CHECK_INT(dock_availability(s, ev, inv, &got, &err), 0);
    CHECK(json_is_true(json_object_get(got, "all_day")));
    CHECK_INT(json_integer_value(json_object_get(got, "meetings_outside")), 0);
    json_decref(got);
    /* free 09:00–10:00 and 11:00–12:00 only: slots 0, 1, 4, 5 */
    json_t *ranges = json_loads("[{\"from\":\"09:00\",\"to\":\"10:00\"},"
                                "{\"from\":\"11:00\",\"to\":\"12:00\"}]",
                                0, NULL);
    int64_t audits = count(s, "SELECT COUNT(*) FROM audit_log WHERE object_id = ?", inv);
    uint64_t before = meeting_slots(s, inv), want = 0x33;
    CHECK_INT(dock_set_availability(s, ev, inv, ranges, 20801, NULL, &got, &err), 0);
    CHECK_INT(json_integer_value(json_object_get(got, "available_slots")), 4);
    CHECK_INT(json_integer_value(json_object_get(got, "meetings_outside")),
              __builtin_popcountll(before & ~want));
    json_decref(got);
    CHECK_INT(count(s, "SELECT avail_mask FROM dock_participant WHERE id = ?", inv), (int64_t)want);
    CHECK_INT(count(s,
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'event_availability' AND"
                    " object_type = 'dock_participant' AND object_id = ?",
                    inv),
              1);
    /* the organiser's repair moves what no longer fits; four slots, so four of five meetings */
    CHECK_INT(dock_schedule(s, ev, true, &st, &err), 0);
    CHECK_INT(st.n_placed, 4);
    CHECK((meeting_slots(s, inv) & ~want) == 0);
    CHECK_INT(dock_schedule(s, ev, false, &st, &err), 0);
    CHECK_INT(st.n_placed, 4);
    CHECK_INT(meeting_slots(s, inv), (int64_t)want);
    CHECK_INT(
        count(s, "SELECT COUNT(*) FROM dock_request WHERE event_id = ? AND reason IS NOT NULL", ev),
        1);
    /* refused: a bad stretch (nothing stored, no entry), after the day, another event's */
    json_t *bad = json_loads("[{\"from\":\"09:00\",\"to\":\"10:00\"},"
                             "{\"from\":\"09:30\",\"to\":\"11:00\"}]",
                             0, NULL);
    CHECK_INT(dock_set_availability(s, ev, inv, bad, 20801, NULL, &got, &err), ERR_INVALID);
    CHECK_STR(err.field, "ranges");
    CHECK(got == NULL);
    CHECK_INT(count(s, "SELECT avail_mask FROM dock_participant WHERE id = ?", inv), (int64_t)want);
    CHECK_INT(dock_set_availability(s, ev, inv, ranges, 20803, NULL, &got, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "date");
    CHECK_INT(dock_set_availability(s, ev, stranger, ranges, 20801, NULL, &got, &err),
              ERR_NOTFOUND);
    CHECK_INT(dock_availability(s, ev, stranger, &got, &err), ERR_NOTFOUND);
    /* on the day itself it may still change; all day again stores NULL */
    CHECK_INT(dock_set_availability(s, ev, inv, NULL, 20802, NULL, &got, &err), 0);
    CHECK(json_is_true(json_object_get(got, "all_day")));
    json_decref(got);
    CHECK_INT(
        count(s, "SELECT COUNT(*) FROM dock_participant WHERE id = ? AND avail_mask IS NULL", inv),
        1);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM audit_log WHERE object_id = ?", inv), audits + 2);
    json_decref(ranges), json_decref(bad);
    store_close(s);
    remove_temp(t);
}

/* The newest audit entry on the object: its action, and its "after" (a new reference). */
static json_t *newest_entry(struct store *s, const char *type, int64_t id, const char **action) {
    json_t *items = NULL, *e = NULL;
    int64_t total = 0;
    struct error err;
    *action = "";
    if (audit_list(s, type, id, 0, 1, &items, &total, &err) == 0)
        e = json_incref(json_array_get(items, 0));
    json_decref(items);
    static char buf[64];
    snprintf(buf, sizeof buf, "%s", e ? json_string_value(json_object_get(e, "action")) : "");
    *action = buf;
    return e;
}

static json_t *conflicts_named(json_t *view, int64_t pid, const char *kind) {
    json_t *out = json_array(), *x;
    size_t i;
    json_array_foreach(json_object_get(view, "conflicts"), i, x) {
        if (json_integer_value(json_object_get(x, "participant_id")) == pid &&
            strcmp(json_string_value(json_object_get(x, "kind")), kind) == 0)
            json_array_append(out, x);
    }
    return out;
}

/* The audited event changes and the organiser's view at the store (SQLite and PostgreSQL): each
 * change and its entry commit together, a refused one leaves neither; the view names who never
 * said, a meeting outside a participant's stretches and two meetings in one slot. */
STORE_TEST(dock_event_view) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    error_clear(&err);
    /* 2026-12-15 (day 20802), 09:00, four 30-minute slots, two tables */
    json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "name", "对接会", "date", "2026-12-15",
                          "start_min", 540, "slot_min", 30, "n_slots", 4, "n_tables", 2);
    int64_t ev = 0, other_ev = 0, p[3];
    CHECK_INT(dock_put(s, "event", o, &ev, &err), 0);
    CHECK_INT(dock_put(s, "event", o, &other_ev, &err), 0);
    json_decref(o);
    const char *names[] = {"甲企业", "乙银行", "丙投资"}, *act;
    for (int i = 0; i < 3; i++) {
        o = json_pack("{s:s, s:s}", "name", names[i], "kind", i ? "银行" : "企业");
        CHECK_INT(dock_register_as(s, ev, o, 20800, NULL, &p[i], &err), 0);
        json_decref(o);
        json_t *e = newest_entry(s, "dock_participant", p[i], &act);
        CHECK_STR(act, "event_register");
        CHECK_STR(json_string_value(json_object_get(json_object_get(e, "after"), "name")),
                  names[i]);
        json_decref(e);
    }
    int64_t n_audit = count(s, "SELECT COUNT(*) FROM audit_log WHERE seq > ?", 0);
    o = json_pack("{s:s, s:s}", "name", "甲企业", "kind", "专家"); /* the same name twice */
    CHECK_INT(dock_register_as(s, ev, o, 20800, NULL, NULL, &err), ERR_CONFLICT);
    json_decref(o);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM audit_log WHERE seq > ?", 0), n_audit);
    int64_t r01 = 0, r02 = 0;
    o = json_pack("{s:I, s:I, s:I, s:s}", "event_id", (json_int_t)ev, "a_id", (json_int_t)p[0],
                  "b_id", (json_int_t)p[1], "status", "已接受");
    CHECK_INT(dock_request_send_as(s, o, NULL, &r01, &err), 0);
    json_decref(o);
    o = json_pack("{s:I, s:I, s:I, s:s}", "event_id", (json_int_t)ev, "a_id", (json_int_t)p[0],
                  "b_id", (json_int_t)p[2], "status", "待确认");
    CHECK_INT(dock_request_send_as(s, o, NULL, &r02, &err), 0);
    json_decref(o);
    json_t *e = newest_entry(s, "dock_request", r02, &act);
    CHECK_STR(act, "event_request_send");
    json_decref(e);
    CHECK_INT(dock_request_status_as(s, ev, r02, "已接受", NULL, &err), 0);
    e = newest_entry(s, "dock_request", r02, &act);
    CHECK_STR(act, "event_request_accept");
    CHECK_STR(json_string_value(json_object_get(json_object_get(e, "after"), "status")), "已接受");
    json_decref(e);
    struct dock_schedule_stats st;
    CHECK_INT(dock_schedule_as(s, ev, false, NULL, &st, &err), 0);
    CHECK_INT(st.n_placed, 2);
    e = newest_entry(s, "dock_event", ev, &act);
    CHECK_STR(act, "event_schedule");
    CHECK_INT((int64_t)json_array_size(json_object_get(json_object_get(e, "after"), "meetings")),
              2);
    json_decref(e);
    /* refused: another event's request, an unknown status; nothing changes, nothing is written */
    n_audit = count(s, "SELECT COUNT(*) FROM audit_log WHERE seq > ?", 0);
    CHECK_INT(dock_request_status_as(s, other_ev, r01, "已取消", NULL, &err), ERR_NOTFOUND);
    CHECK(dock_request_status_as(s, ev, r01, "随便", NULL, &err) < 0);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM dock_meeting WHERE request_id = ?", r01), 1);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM audit_log WHERE seq > ?", 0), n_audit);
    /* declined after it was placed: its meeting goes, the entry keeps where it was */
    CHECK_INT(dock_request_status_as(s, ev, r02, "已拒绝", NULL, &err), 0);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM dock_meeting WHERE request_id = ?", r02), 0);
    e = newest_entry(s, "dock_request", r02, &act);
    CHECK_STR(act, "event_request_decline");
    CHECK(json_is_null(json_object_get(json_object_get(e, "after"), "slot")));
    json_decref(e);
    json_t *rows = NULL;
    int64_t total = 0;
    CHECK_INT(audit_list(s, "dock_request", r02, 0, 10, &rows, &total, &err), 0);
    json_t *dec = json_array_get(rows, 0);
    CHECK(json_is_integer(json_object_get(json_object_get(dec, "before"), "slot")));
    json_decref(rows);
    /* check-in on the day (10:00 in China is 02:00 UTC) */
    int64_t at = (int64_t)20802 * 86400 + 2 * 3600;
    CHECK_INT(dock_check_in_as(s, ev, p[1], at, NULL, &err), 0);
    e = newest_entry(s, "dock_participant", p[1], &act);
    CHECK_STR(act, "event_checkin");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(e, "after"), "checked_in_at")),
              at);
    json_decref(e);
    CHECK_INT(dock_check_in_as(s, ev, p[1], at + 86400, NULL, &err), ERR_CONFLICT);
    CHECK_INT(dock_no_show_as(s, ev, p[1], 0, true, NULL, &err), 0);
    e = newest_entry(s, "dock_participant", p[1], &act);
    CHECK_STR(act, "event_noshow");
    json_decref(e);

    /* the view: nobody has said yet; 甲企业 has one meeting (with 乙银行) */
    json_t *v = NULL;
    CHECK_INT(dock_event_availability(s, ev, &v, &err), 0);
    CHECK_INT(json_integer_value(json_object_get(v, "participants")), 3);
    CHECK_INT(json_integer_value(json_object_get(v, "not_set")), 3);
    CHECK_INT((int64_t)json_array_size(json_object_get(v, "conflicts")), 0);
    int slot = -1;
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(v, "items"), i, x) {
        if (json_integer_value(json_object_get(x, "id")) != p[0]) continue;
        json_t *m = json_array_get(json_object_get(x, "meetings"), 0);
        slot = (int)json_integer_value(json_object_get(m, "slot"));
        CHECK_STR(json_string_value(json_object_get(m, "with")), "乙银行");
        CHECK(json_is_true(json_object_get(m, "no_show")));
    }
    json_decref(v);
    CHECK(slot >= 0 && slot < 4);
    /* 甲企业 free only in another slot; 丙投资 all day (said); and 甲 × 丙 placed in 甲's slot */
    int free_slot = (slot + 1) % 4;
    char from[8], to[8];
    snprintf(from, sizeof from, "%02d:%02d", (540 + 30 * free_slot) / 60,
             (540 + 30 * free_slot) % 60);
    snprintf(to, sizeof to, "%02d:%02d", (570 + 30 * free_slot) / 60, (570 + 30 * free_slot) % 60);
    json_t *ranges = json_pack("[{s:s, s:s}]", "from", from, "to", to);
    CHECK_INT(dock_set_availability(s, ev, p[0], ranges, 20801, NULL, &v, &err), 0);
    json_decref(v), json_decref(ranges);
    CHECK_INT(dock_set_availability(s, ev, p[2], NULL, 20801, NULL, &v, &err), 0);
    json_decref(v);
    CHECK_INT(dock_request_status_as(s, ev, r02, "已接受", NULL, &err), 0);
    struct store_val a[] = {store_val_int(ev), store_val_int(r02), store_val_int(slot)};
    CHECK_INT(store_sql(s,
                        "INSERT INTO dock_meeting (event_id, request_id, slot, tbl, no_show)"
                        " VALUES (?, ?, ?, 1, 0)",
                        a, 3, NULL, &err),
              0);
    CHECK_INT(dock_event_availability(s, ev, &v, &err), 0);
    CHECK_INT(json_integer_value(json_object_get(v, "not_set")), 1); /* 乙银行 */
    json_t *out = conflicts_named(v, p[0], "outside");
    CHECK_INT((int64_t)json_array_size(out), 2);
    const char *text = json_string_value(json_object_get(json_array_get(out, 0), "text"));
    CHECK(text && strstr(text, "甲企业") && strstr(text, "不在其可洽谈时段内") &&
          strstr(text, from));
    json_decref(out);
    json_t *over = conflicts_named(v, p[0], "overlap");
    CHECK_INT((int64_t)json_array_size(over), 1);
    text = json_string_value(json_object_get(json_array_get(over, 0), "text"));
    CHECK(text && strstr(text, "乙银行") && strstr(text, "丙投资"));
    json_decref(over);
    CHECK_INT(json_integer_value(json_object_get(v, "with_conflicts")), 1);
    json_decref(v);
    CHECK_INT(dock_event_availability(s, 999999, &v, &err), ERR_NOTFOUND);

    struct audit_report rep;
    CHECK_INT(audit_verify(s, &rep, &err), 0);
    CHECK_INT(rep.problem, AUDIT_OK);
    store_close(s);
    remove_temp(t);
}
