/* The dock module's tables (src/dock/store_tables.c, store_flows.c) on SQLite and PostgreSQL:
 * records round trip with money, dates and JSON columns; bad values are refused naming the field;
 * a financing need is linked to the banks whose products the enterprise may qualify for, and a
 * step out of order is refused and leaves nothing behind; an event's registration, check-in,
 * schedule, no-shows, and a repair after a cancellation and a new request that moves nothing that
 * need not move. */
#include "dock/dock.h"
#include "dock/dock_store.h"
#include "refdata/refdata.h"
#include "tstore.h"

static json_t *obj(const char *text) {
    json_t *o = json_loads(text, 0, NULL);
    CHECK(o != NULL);
    return o;
}

static int put_json(struct store *s, const char *kind, const char *text, int64_t *id,
                    struct error *err) {
    json_t *o = obj(text);
    int rc = dock_put(s, kind, o, id, err);
    json_decref(o);
    return rc;
}

STORE_TEST(dock_records) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    int64_t bank = 0, prod = 0;
    CHECK_INT(put_json(s, "bank", "{\"name\":\"青岛银行\",\"region\":\"青岛市\"}", &bank, &err), 0);
    char text[512];
    snprintf(text, sizeof text,
             "{\"bank_id\":%lld,\"name\":\"科技贷\",\"collateral\":\"信用\",\"amount_min_fen\":"
             "\"10万元\",\"amount_max_fen\":100000000,\"rate_min_bp\":345,\"method\":\"等额本息\","
             "\"criteria\":[{\"field\":\"注册地\",\"op\":\"in\",\"values\":[\"青岛市\"]}],"
             "\"published\":true}",
             (long long)bank);
    CHECK_INT(put_json(s, "product", text, &prod, &err), 0);
    json_t *got = NULL;
    CHECK_INT(dock_get(s, "product", prod, &got, &err), 0);
    CHECK(json_integer_value(json_object_get(got, "amount_min_fen")) == 10000000);
    CHECK(json_integer_value(json_object_get(got, "amount_max_fen")) == 100000000);
    CHECK_STR(json_string_value(json_object_get(got, "collateral")), "信用");
    CHECK(json_is_true(json_object_get(got, "published")));
    CHECK_STR(json_string_value(
                  json_object_get(json_array_get(json_object_get(got, "criteria"), 0), "field")),
              "注册地");
    CHECK(json_is_null(json_object_get(got, "rate_max_bp")));
    json_decref(got);
    /* PATCH: only the keys given change */
    snprintf(text, sizeof text, "{\"id\":%lld,\"rate_max_bp\":395}", (long long)prod);
    CHECK_INT(put_json(s, "product", text, NULL, &err), 0);
    CHECK_INT(dock_get(s, "product", prod, &got, &err), 0);
    CHECK_INT(json_integer_value(json_object_get(got, "rate_max_bp")), 395);
    CHECK_INT(json_integer_value(json_object_get(got, "rate_min_bp")), 345);
    json_decref(got);
    /* bad values name the field */
    CHECK_INT(put_json(s, "product", "{\"bank_id\":1,\"name\":\"x\",\"collateral\":\"房子\"}", NULL,
                       &err),
              ERR_INVALID);
    CHECK_STR(err.field, "collateral");
    CHECK_INT(put_json(s, "product", "{\"bank_id\":1,\"collateral\":\"信用\"}", NULL, &err),
              ERR_INVALID);
    CHECK_STR(err.field, "name");
    CHECK_INT(put_json(s, "bank", "{\"name\":\"x\",\"colour\":\"red\"}", NULL, &err), ERR_INVALID);
    CHECK_STR(err.field, "colour");
    CHECK_INT(
        put_json(s, "need",
                 "{\"uscc\":\"x\",\"kind\":\"技术难题\",\"text\":\"t\",\"deadline\":\"明天\"}",
                 NULL, &err),
        ERR_INVALID);
    CHECK_STR(err.field, "deadline");
    CHECK_INT(put_json(s, "need",
                       "{\"uscc\":\"x\",\"kind\":\"技术难题\",\"text\":\"t\",\"budget_fen\":-5}",
                       NULL, &err),
              ERR_INVALID);
    json_t *bad = json_pack("{s:s, s:s#}", "name", "ok", "region", "\xff\xfe", (size_t)2);
    CHECK(bad == NULL || dock_put(s, "bank", bad, NULL, &err) == ERR_INVALID);
    json_decref(bad);
    CHECK_INT(put_json(s, "bank", "{\"name\":\"青岛银行\"}", NULL, &err), ERR_CONFLICT);
    CHECK_INT(put_json(s, "bank", "{\"id\":999,\"name\":\"无\"}", NULL, &err), ERR_NOTFOUND);
    /* dates and lists */
    int64_t need = 0;
    CHECK_INT(
        put_json(s, "need",
                 "{\"uscc\":\"91370212MA3C000001\",\"kind\":\"采购需求\",\"text\":\"采购网关\","
                 "\"deadline\":\"2026年12月31日\",\"budget_fen\":\"50万元\"}",
                 &need, &err),
        0);
    json_t *list = NULL;
    CHECK_INT(dock_list(s, "need", "uscc", store_val_text("91370212MA3C000001"), 0, 0, &list, &err),
              0);
    CHECK_INT((int)json_array_size(list), 1);
    CHECK_STR(json_string_value(json_object_get(json_array_get(list, 0), "deadline")),
              "2026-12-31");
    CHECK(json_integer_value(json_object_get(json_array_get(list, 0), "budget_fen")) == 50000000);
    json_decref(list);
    CHECK_INT(dock_list(s, "need", "nope", store_val_int(1), 0, 0, &list, &err), ERR_INVALID);
    CHECK_INT(dock_delete(s, "need", need, &err), 0);
    CHECK_INT(dock_delete(s, "need", need, &err), ERR_NOTFOUND);
    CHECK_INT(dock_get(s, "nothing", 1, &got, &err), ERR_INVALID);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(dock_financing) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    int64_t b1 = 0, b2 = 0;
    CHECK_INT(put_json(s, "bank", "{\"name\":\"甲银行\"}", &b1, &err), 0);
    CHECK_INT(put_json(s, "bank", "{\"name\":\"乙银行\"}", &b2, &err), 0);
    char text[512];
    /* 甲 lends to firms in 青岛; 乙 only to firms with 20+ invention patents */
    snprintf(text, sizeof text,
             "{\"bank_id\":%lld,\"name\":\"青岛贷\",\"collateral\":\"信用\",\"rate_min_bp\":400,"
             "\"criteria\":[{\"field\":\"注册地\",\"op\":\"in\",\"values\":[\"青岛市\"]}],"
             "\"published\":true}",
             (long long)b1);
    CHECK_INT(put_json(s, "product", text, NULL, &err), 0);
    snprintf(text, sizeof text,
             "{\"bank_id\":%lld,\"name\":\"专利贷\",\"collateral\":\"知识产权质押\","
             "\"rate_min_bp\":400,\"criteria\":[{\"field\":\"发明专利\",\"op\":\">=\",\"value\":"
             "20}],\"published\":true}",
             (long long)b2);
    CHECK_INT(put_json(s, "product", text, NULL, &err), 0);
    struct profile p;
    profile_clear(&p);
    struct arena a;
    arena_init(&a, 4096);
    struct field_errors fe = {0};
    json_t *ent = obj("{\"uscc\":\"91370212MA3C000001\",\"name\":\"海纳\",\"注册地\":\"崂山区\","
                      "\"发明专利\":3}");
    CHECK_INT(profile_from_json(&p, ent, &a, &fe), 0);
    json_decref(ent);
    int32_t today = 20781; /* 2026-11-24 */
    json_t *need = obj("{\"uscc\":\"91370212MA3C000001\",\"enterprise\":\"海纳\",\"region\":"
                       "\"崂山区\",\"amount_fen\":\"300万元\",\"months\":12,\"purpose\":\"周转\","
                       "\"posted\":\"2026-11-10\"}");
    int64_t id = 0;
    CHECK_INT(dock_financing_post(s, need, &p, today, &id, &err), 0);
    json_decref(need);
    json_t *row = NULL;
    CHECK_INT(dock_get(s, "financing", id, &row, &err), 0);
    CHECK_STR(json_string_value(json_object_get(row, "respond_due")), "2026-11-11");
    CHECK_STR(json_string_value(json_object_get(row, "follow_due")), "2026-11-17");
    json_decref(row);
    /* only 甲 is linked: 乙 sees nothing */
    json_t *in = NULL;
    CHECK_INT(dock_financing_input(s, b1, NULL, today, &in, &err), 0);
    CHECK_INT((int)json_array_size(json_object_get(in, "needs")), 1);
    json_decref(in);
    CHECK_INT(dock_financing_input(s, b2, NULL, today, &in, &err), 0);
    CHECK_INT((int)json_array_size(json_object_get(in, "needs")), 0);
    json_decref(in);
    /* 授信 before 对接 is refused and nothing is stored */
    snprintf(text, sizeof text,
             "{\"bank_id\":%lld,\"step\":\"授信\",\"amount_fen\":\"300万元\",\"date\":"
             "\"2026-11-12\"}",
             (long long)b1);
    json_t *st = obj(text);
    CHECK(dock_financing_step(s, id, st, today, NULL, &err) != 0);
    json_decref(st);
    int64_t n = -1;
    CHECK_INT(store_sql_int(s, "SELECT COUNT(*) FROM dock_financing_step", NULL, 0, 0, &n, &err),
              0);
    CHECK_INT(n, 0);
    const char *steps[][3] = {{"响应", "2026-11-10", NULL},
                              {"对接", "2026-11-13", NULL},
                              {"授信", "2026-11-15", "300万元"},
                              {"放款", "2026-11-20", "200万元"}};
    for (int k = 0; k < 4; k++) {
        snprintf(text, sizeof text, "{\"bank_id\":%lld,\"step\":\"%s\",\"date\":\"%s\"%s%s%s}",
                 (long long)b1, steps[k][0], steps[k][1], steps[k][2] ? ",\"amount_fen\":\"" : "",
                 steps[k][2] ? steps[k][2] : "", steps[k][2] ? "\"" : "");
        st = obj(text);
        CHECK_INT(dock_financing_step(s, id, st, today, NULL, &err), 0);
        json_decref(st);
    }
    /* a loan above the credit granted is refused */
    snprintf(text, sizeof text,
             "{\"bank_id\":%lld,\"step\":\"放款\",\"amount_fen\":\"200万元\",\"date\":"
             "\"2026-11-21\"}",
             (long long)b1);
    st = obj(text);
    CHECK(dock_financing_step(s, id, st, today, NULL, &err) != 0);
    json_decref(st);
    CHECK_INT(dock_get(s, "financing", id, &row, &err), 0);
    CHECK_STR(json_string_value(json_object_get(row, "status")), "已放款");
    json_decref(row);
    CHECK_INT(dock_financing_input(s, 0, "91370212MA3C000001", today, &in, &err), 0);
    json_t *rep = financing_report(in, &err);
    CHECK(rep != NULL);
    json_t *tot = json_object_get(rep, "totals");
    CHECK(json_integer_value(json_object_get(tot, "total_fen")) == 200000000);
    CHECK(json_integer_value(json_object_get(json_object_get(tot, "by_bank"), "甲银行")) ==
          200000000);
    CHECK(json_integer_value(json_object_get(json_object_get(tot, "by_district"), "崂山区")) ==
          200000000);
    /* 联系 and 跟进 were never recorded: overdue */
    json_t *over = json_object_get(json_array_get(json_object_get(rep, "needs"), 0), "overdue");
    CHECK_INT((int)json_array_size(over), 2);
    json_decref(rep), json_decref(in);
    arena_release(&a);
    store_close(s);
    remove_temp(t);
}

/* Meetings as "request_id:slot:table" strings, in request order. */
static json_t *placed_map(struct store *s, int64_t ev) {
    json_t *m = NULL, *map = json_object(), *x;
    struct error err;
    CHECK_INT(dock_meetings(s, ev, &m, &err), 0);
    size_t i;
    json_array_foreach(m, i, x) {
        char k[32];
        snprintf(k, sizeof k, "%lld",
                 (long long)json_integer_value(json_object_get(x, "request_id")));
        json_object_set_new(map, k,
                            json_pack("[I, I]", json_integer_value(json_object_get(x, "slot")),
                                      json_integer_value(json_object_get(x, "table"))));
    }
    json_decref(m);
    return map;
}

STORE_TEST(dock_event_flow) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    int64_t ev = 0;
    CHECK_INT(put_json(s, "event",
                       "{\"name\":\"对接会\",\"date\":\"2026-12-08\",\"start_min\":540,"
                       "\"slot_min\":20,\"gap_min\":5,\"n_slots\":4,\"n_tables\":3}",
                       &ev, &err),
              0);
    int64_t pid[10];
    for (int i = 0; i < 10; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"name\":\"P%d\",\"kind\":\"%s\"}", i,
                 i < 3 ? "银行" : "企业");
        json_t *o = obj(text);
        CHECK_INT(dock_register(s, ev, o, 20781, &pid[i], &err), 0);
        CHECK_INT(dock_register(s, ev, o, 20781, NULL, &err), ERR_CONFLICT);
        json_decref(o);
    }
    /* check-in on the event's day in Qingdao only: 2026-12-08 00:00 to 23:59 UTC+8 */
    CHECK_INT(dock_check_in(s, ev, pid[4], 1796659200 - 1, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "date");
    CHECK_INT(dock_check_in(s, ev, pid[4], 1796659200 + 86400, &err), ERR_CONFLICT);
    CHECK_INT(dock_check_in(s, ev, pid[4], 1796659200 + 86399, &err), 0);
    CHECK_INT(dock_check_in(s, ev, pid[4], 1796691600, &err), 0);
    CHECK_INT(dock_check_in(s, ev, 99999, 1796691600, &err), ERR_NOTFOUND);
    json_t *p4 = NULL;
    CHECK_INT(dock_get(s, "participant", pid[4], &p4, &err), 0);
    CHECK(json_integer_value(json_object_get(p4, "checked_in_at")) == 1796691600);
    json_decref(p4);
    /* each enterprise asks each bank: 21 requests, 3 banks × 4 slots = 12 meetings at most */
    int64_t rid[7][3];
    for (int e = 3; e < 10; e++)
        for (int b = 0; b < 3; b++) {
            char text[160];
            snprintf(text, sizeof text,
                     "{\"event_id\":%lld,\"a_id\":%lld,\"b_id\":%lld,\"status\":\"已接受\"}",
                     (long long)ev, (long long)pid[e], (long long)pid[b]);
            CHECK_INT(put_json(s, "request", text, &rid[e - 3][b], &err), 0);
        }
    struct dock_schedule_stats st;
    CHECK_INT(dock_schedule(s, ev, false, &st, &err), 0);
    CHECK_INT(st.n_placed, 12);
    CHECK_INT(st.upper_bound, 12);
    CHECK(st.is_optimal);
    CHECK_INT(st.n_covered, 10);
    json_t *before = placed_map(s, ev);
    CHECK_INT((int)json_object_size(before), 12);
    /* no-show: every meeting of P5 */
    CHECK_INT(dock_no_show(s, ev, pid[5], 0, true, &err), 0);
    int64_t n = 0;
    CHECK_INT(store_sql_int(s, "SELECT COUNT(*) FROM dock_meeting WHERE no_show = 1", NULL, 0, 0,
                            &n, &err),
              0);
    struct store_val a5[] = {store_val_int(pid[5]), store_val_int(pid[5])};
    int64_t m5 = 0;
    CHECK_INT(store_sql_int(s,
                            "SELECT COUNT(*) FROM dock_meeting m JOIN dock_request r ON r.id ="
                            " m.request_id WHERE r.a_id = ? OR r.b_id = ?",
                            a5, 2, 0, &m5, &err),
              0);
    CHECK_INT(n, m5);
    /* a late cancellation of a placed meeting, then repair: the others stay exactly where they
     * were and the freed place is reused */
    const char *gone = NULL;
    json_t *v;
    const char *key;
    json_object_foreach(before, key, v) {
        gone = key;
        break;
    }
    char text[160];
    snprintf(text, sizeof text, "{\"id\":%s,\"status\":\"已取消\"}", gone);
    CHECK_INT(put_json(s, "request", text, NULL, &err), 0);
    CHECK_INT(dock_schedule(s, ev, true, &st, &err), 0);
    CHECK_INT(st.n_moved, 0);
    json_t *after = placed_map(s, ev);
    CHECK(json_object_get(after, gone) == NULL);
    int kept = 0;
    json_object_foreach(before, key, v) {
        if (strcmp(key, gone) == 0) continue;
        json_t *w = json_object_get(after, key);
        kept += w && json_equal(v, w);
    }
    CHECK_INT(kept, 11);
    CHECK_INT(st.n_placed, 12); /* a waiting request took the freed place */
    json_decref(before), json_decref(after);
    /* a fourth bank arrives late and two enterprises ask for it: repair places both and moves
     * at most two meetings per new one; every other meeting stays where it was */
    snprintf(text, sizeof text, "{\"id\":%lld,\"n_tables\":5}", (long long)ev);
    CHECK_INT(put_json(s, "event", text, NULL, &err), 0); /* the hall was full: 4 × 3 */
    before = placed_map(s, ev);
    json_t *o = obj("{\"name\":\"P10\",\"kind\":\"银行\"}");
    int64_t late = 0;
    CHECK_INT(dock_register(s, ev, o, 20781, &late, &err), 0);
    json_decref(o);
    for (int e = 3; e < 5; e++) {
        snprintf(text, sizeof text,
                 "{\"event_id\":%lld,\"a_id\":%lld,\"b_id\":%lld,\"status\":\"已接受\"}",
                 (long long)ev, (long long)pid[e], (long long)late);
        CHECK_INT(put_json(s, "request", text, NULL, &err), 0);
    }
    CHECK_INT(dock_schedule(s, ev, true, &st, &err), 0);
    CHECK_INT(st.n_placed, 14);
    CHECK(st.n_moved <= 4);
    after = placed_map(s, ev);
    int same = 0;
    json_object_foreach(before, key, v) same += json_equal(v, json_object_get(after, key));
    CHECK_INT(same, 12 - st.n_moved);
    json_decref(before), json_decref(after);
    store_close(s);
    remove_temp(t);
}

/* Registration and check-in rules (refused with ERR_CONFLICT and the field): after the event's
 * day, after the deadline, beyond the places, the same enterprise or organisation twice; check-in
 * only within the window (by default the event's day in UTC+8). */
STORE_TEST(dock_event_rules) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    int64_t ev = 0; /* 2026-12-08 = day 20795; deadline 2026-12-05 = 20792 */
    CHECK_INT(put_json(s, "event",
                       "{\"name\":\"对接会\",\"date\":\"2026-12-08\",\"start_min\":540,"
                       "\"slot_min\":20,\"n_slots\":4,\"n_tables\":3,\"capacity\":3,"
                       "\"reg_deadline\":\"2026-12-05\",\"checkin_from\":\"2026-12-07\"}",
                       &ev, &err),
              0);
    json_t *a = obj("{\"name\":\"甲\",\"kind\":\"企业\",\"uscc\":\"91370212MA3RS00011\"}");
    json_t *a2 = obj("{\"name\":\"甲二\",\"kind\":\"企业\",\"uscc\":\"91370212MA3RS00011\"}");
    json_t *b = obj("{\"name\":\"乙\",\"kind\":\"银行\",\"org_id\":7}");
    json_t *b2 = obj("{\"name\":\"乙二\",\"kind\":\"银行\",\"org_id\":7}");
    json_t *c = obj("{\"name\":\"丙\",\"kind\":\"投资机构\",\"org_id\":7}"); /* another kind */
    json_t *d = obj("{\"name\":\"丁\",\"kind\":\"专家\"}");
    CHECK_INT(dock_register(s, ev, a, 20796, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "date");
    CHECK_INT(dock_register(s, ev, a, 20793, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "reg_deadline");
    CHECK_INT(dock_register(s, ev, a, 20792, NULL, &err), 0); /* on the deadline day */
    CHECK_INT(dock_register(s, ev, a, 20792, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "uscc");
    CHECK_INT(dock_register(s, ev, a2, 20792, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "uscc");
    int64_t pb = 0;
    CHECK_INT(dock_register(s, ev, b, 20790, &pb, &err), 0);
    CHECK_INT(dock_register(s, ev, b2, 20790, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "org_id");
    CHECK_INT(dock_register(s, ev, c, 20790, NULL, &err), 0);
    CHECK_INT(dock_register(s, ev, d, 20790, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "capacity");
    /* the window 2026-12-07 to the day: 2026-12-07 00:00 UTC+8 = 1796572800 */
    CHECK_INT(dock_check_in(s, ev, pb, 1796572800 - 1, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "checkin_from");
    CHECK_INT(dock_check_in(s, ev, pb, 1796572800, &err), 0);
    CHECK_INT(dock_check_in(s, ev, pb, 1796659200 + 86400, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "checkin_to");
    json_decref(a), json_decref(a2), json_decref(b), json_decref(b2), json_decref(c),
        json_decref(d);
    store_close(s);
    remove_temp(t);
}
