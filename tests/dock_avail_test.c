/* A matchmaking-event participant's availability. avail_from_ranges / avail_describe against the
 * cases in tests/data/dock/availability.json (adding a case needs no C). At the store
 * (STORE_TEST, SQLite and PostgreSQL): setting it writes the mask and one audit entry in the same
 * transaction, counts the meetings it leaves outside, and the organiser's repair and a fresh
 * computation then place the participant only in slots it can attend; refused after the event,
 * for another event's participant, and for bad stretches (nothing changes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
