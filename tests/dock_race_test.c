/* Roadshow seats and event capacity under concurrent registration, on SQLite and PostgreSQL
 * (STORE_TEST: tests/sh/store_pg.sh runs store_pg_*): sixteen threads, each with its own
 * connection, register sixteen different investors (participants) at once for five seats; exactly
 * five succeed, the others are refused on "capacity", and five rows are stored. Without the row
 * lock in store_roadshow.c / store_flows.c PostgreSQL (READ COMMITTED) lets two count the same
 * free seat; each stored registration has exactly one audit entry. Also withdrawal at the store:
 * the investor's own only, through the deadline day, not once checked in, not with follow-ups; the
 * audit log keeps the registration; the seat comes back.
 */
#include <pthread.h>

#include "dock/dock.h"
#include "dock/dock_store.h"
#include "tstore.h"
#include "util/date.h"

enum { N_THREADS = 16, SEATS = 5, ROUNDS = 4 };

struct racer {
    const char *path;
    pthread_barrier_t *go;
    bool is_event;
    int64_t target, who; /* the roadshow (event) and the investor id (participant number) */
    int rc;
    char field[64];
};

static void *race_one(void *arg) {
    struct racer *r = arg;
    struct store *s = NULL;
    struct error err;
    error_clear(&err);
    r->rc = store_open(r->path, &s, &err);
    pthread_barrier_wait(r->go);
    if (r->rc) return NULL;
    if (r->is_event) {
        char text[96];
        snprintf(text, sizeof text, "{\"name\":\"参会者%lld\",\"kind\":\"专家\"}",
                 (long long)r->who);
        json_t *p = json_loads(text, 0, NULL);
        r->rc = dock_register(s, r->target, p, date_today(), NULL, &err);
        json_decref(p);
    } else {
        r->rc = dock_roadshow_register(s, r->target, r->who, NULL, date_today(), NULL, &err);
    }
    snprintf(r->field, sizeof r->field, "%s", err.field);
    store_close(s);
    return NULL;
}

/* Fires N_THREADS registrations at once; returns how many succeeded (the rest must be refused on
 * capacity). */
static int race(struct tstore *t, bool is_event, int64_t target, const int64_t *who) {
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, N_THREADS);
    struct racer r[N_THREADS];
    pthread_t th[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        r[i] = (struct racer){
            .path = t->path, .go = &go, .is_event = is_event, .target = target, .who = who[i]};
        pthread_create(&th[i], NULL, race_one, &r[i]);
    }
    int ok = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(th[i], NULL);
        if (r[i].rc == 0) {
            ok++;
        } else if (r[i].rc != ERR_CONFLICT || strcmp(r[i].field, "capacity") != 0) {
            test_failf(__FILE__, __LINE__, "registration %d: rc %d field \"%s\"", i, r[i].rc,
                       r[i].field);
        }
    }
    pthread_barrier_destroy(&go);
    return ok;
}

static int64_t rows(struct store *s, const char *sql, int64_t id) {
    struct store_val v = store_val_int(id);
    int64_t n = -1;
    struct error err;
    store_sql_int(s, sql, &v, 1, 0, &n, &err);
    return n;
}

STORE_TEST(dock_roadshow_seats_race) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    int64_t inv[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        char text[64];
        snprintf(text, sizeof text, "{\"name\":\"投资机构%d\"}", i);
        json_t *o = json_loads(text, 0, NULL);
        CHECK_INT(dock_put(s, "investor", o, &inv[i], &err), 0);
        json_decref(o);
    }
    for (int round = 0; round < ROUNDS; round++) {
        json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i}", "name", "路演", "date", "2099-01-01",
                              "start_min", 540, "minutes_per_firm", 10, "capacity", SEATS);
        int64_t rs = 0;
        CHECK_INT(dock_put(s, "roadshow", o, &rs, &err), 0);
        json_decref(o);
        CHECK_INT(race(t, false, rs, inv), SEATS);
        CHECK_INT(rows(s, "SELECT COUNT(*) FROM dock_roadshow_investor WHERE roadshow_id = ?", rs),
                  SEATS);
        /* each stored registration has its audit entry (same transaction), the refused none */
        CHECK_INT(rows(s,
                       "SELECT COUNT(*) FROM audit_log a JOIN dock_roadshow_investor r ON r.id ="
                       " a.object_id WHERE a.action = 'roadshow_register' AND a.object_type ="
                       " 'roadshow_registration' AND r.roadshow_id = ?",
                       rs),
                  SEATS);
    }
    CHECK_INT(
        rows(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'roadshow_register' AND ? = 0", 0),
        SEATS * ROUNDS);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(dock_event_capacity_race) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    int64_t who[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        who[i] = i + 1;
    for (int round = 0; round < ROUNDS; round++) {
        json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i}", "name", "对接会", "date",
                              "2099-01-01", "start_min", 540, "slot_min", 20, "n_slots", 4,
                              "n_tables", 3, "capacity", SEATS);
        int64_t ev = 0;
        CHECK_INT(dock_put(s, "event", o, &ev, &err), 0);
        json_decref(o);
        CHECK_INT(race(t, true, ev, who), SEATS);
        CHECK_INT(rows(s, "SELECT COUNT(*) FROM dock_participant WHERE event_id = ?", ev), SEATS);
    }
    store_close(s);
    remove_temp(t);
}

STORE_TEST(dock_roadshow_withdraw) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    int64_t a = 0, b = 0, rs = 0, ra = 0, rb = 0, prj = 0;
    json_t *o = json_loads("{\"name\":\"甲基金\"}", 0, NULL);
    CHECK_INT(dock_put(s, "investor", o, &a, &err), 0);
    json_decref(o);
    o = json_loads("{\"name\":\"乙基金\"}", 0, NULL);
    CHECK_INT(dock_put(s, "investor", o, &b, &err), 0);
    json_decref(o);
    o = json_loads("{\"name\":\"项目\"}", 0, NULL);
    CHECK_INT(dock_put(s, "invest_project", o, &prj, &err), 0);
    json_decref(o);
    /* 2026-12-08 = day 20795, deadline 2026-12-05 = 20792; one seat */
    o = json_loads("{\"name\":\"路演\",\"date\":\"2026-12-08\",\"start_min\":540,"
                   "\"minutes_per_firm\":10,\"capacity\":1,\"reg_deadline\":\"2026-12-05\"}",
                   0, NULL);
    CHECK_INT(dock_put(s, "roadshow", o, &rs, &err), 0);
    json_decref(o);
    json_t *ids = json_pack("[I]", (json_int_t)prj);
    CHECK_INT(dock_roadshow_lineup(s, rs, ids, &err), 0);
    json_decref(ids);
    CHECK_INT(dock_roadshow_register(s, rs, a, NULL, 20790, &ra, &err), 0);
    CHECK_INT(dock_roadshow_register(s, rs, b, NULL, 20790, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "capacity");
    /* only its own; not after the deadline; an unknown one */
    CHECK_INT(dock_roadshow_withdraw(s, rs, ra, b, 20790, NULL, &err), ERR_FORBIDDEN);
    CHECK_INT(dock_roadshow_withdraw(s, rs, ra, a, 20793, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "reg_deadline");
    CHECK_INT(dock_roadshow_withdraw(s, rs, ra + 100, a, 20790, NULL, &err), ERR_NOTFOUND);
    /* on the deadline day itself: withdrawn, audited, the seat free for b */
    CHECK_INT(dock_roadshow_withdraw(s, rs, ra, a, 20792, NULL, &err), 0);
    CHECK_INT(rows(s,
                   "SELECT COUNT(*) FROM audit_log WHERE action = 'roadshow_withdraw' AND"
                   " object_type = 'roadshow_registration' AND object_id = ?",
                   ra),
              1);
    CHECK_INT(rows(s, "SELECT COUNT(*) FROM dock_roadshow_investor WHERE id = ?", ra), 0);
    CHECK_INT(dock_roadshow_register(s, rs, b, NULL, 20791, &rb, &err), 0);
    /* check-in: only on the day (2026-12-08 00:00 UTC+8 = 1796659200); then no withdrawal */
    CHECK_INT(dock_roadshow_check_in(s, rs, rb, 1796659200 - 1, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "date");
    CHECK_INT(dock_roadshow_check_in(s, rs, rb, 1796659200, &err), 0);
    CHECK_INT(dock_roadshow_withdraw(s, rs, rb, b, 20792, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "checked_in_at");
    CHECK_INT(dock_roadshow_withdraw(s, rs, rb, b, 20796, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "date");
    /* a follow-up keeps it even from the organiser */
    json_t *fu = json_pack("{s:I, s:I, s:s, s:s}", "investor_id", (json_int_t)b, "project_id",
                           (json_int_t)prj, "status", "约谈", "date", "2026-12-09");
    int64_t fid = 0;
    CHECK_INT(dock_roadshow_followup(s, rs, fu, 20796, &fid, &err), 0);
    json_decref(fu);
    CHECK_INT(dock_roadshow_withdraw(s, rs, rb, 0, 20796, NULL, &err), ERR_CONFLICT);
    CHECK_STR(err.field, "followups");
    CHECK_INT(dock_delete(s, "followup", fid, &err), 0);
    CHECK_INT(dock_roadshow_withdraw(s, rs, rb, 0, 20796, NULL, &err), 0); /* the organiser */
    CHECK_INT(rows(s,
                   "SELECT COUNT(*) FROM audit_log WHERE action = 'roadshow_remove' AND"
                   " object_id = ?",
                   rb),
              1);
    /* the funnel counts check-ins */
    json_t *in = NULL;
    CHECK_INT(dock_roadshow_register(s, rs, a, NULL, 20790, &ra, &err), 0);
    CHECK_INT(dock_roadshow_check_in(s, rs, ra, 1796659200 + 3600, &err), 0);
    CHECK_INT(dock_roadshow_input(s, rs, &in, &err), 0);
    json_t *rep = in ? roadshow_report(in, &err) : NULL;
    json_t *f = json_object_get(rep, "funnel");
    CHECK_INT(json_integer_value(json_object_get(f, "investors_checked_in")), 1);
    CHECK_STR(json_string_value(json_object_get(json_object_get(f, "attendance_rate"), "percent")),
              "100%");
    json_decref(rep), json_decref(in);
    store_close(s);
    remove_temp(t);
}
