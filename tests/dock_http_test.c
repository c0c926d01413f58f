/* The docking endpoints (src/http/api_dock*.c) without a socket, on a small demo city with the
 * docking demo: one loan's schedule against the worked example, 贷比三家 for a stored enterprise
 * (both methods to the fen, subsidies, ordering, bad input), a financing need posted, matched to
 * banks and moved through the bank pipeline (out-of-order steps refused), totals, records with
 * validation, and an event from registration through check-in, requests, the schedule, a late
 * cancellation repaired without moving the other meetings, no-shows and the agenda as JSON and
 * iCalendar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "dock/dock.h"
#include "http/dock_api.h"
#include "http/http.h"
#include "import/import.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "tauth.h"
#include "test.h"
#include "util/date.h"

struct reply {
    int status;
    json_t *json;
    char *text; /* the body (binary for XLSX), len bytes */
    size_t len;
    char type[64];
};

static struct tauth organiser; /* every call is an administrator's (an organiser) */

/* A JSON request as who (NULL = nobody signed in), through tests/tauth.h. */
static struct reply call_as(struct http_server *srv, const struct tauth *who, const char *method,
                            const char *target, const char *body) {
    struct tauth_reply t =
        tauth_send(srv, who, method, target, "application/json", body, body ? strlen(body) : 0);
    struct reply r = {.status = t.status, .json = t.json, .text = t.body, .len = t.len};
    snprintf(r.type, sizeof r.type, "%s", t.type);
    return r;
}

static struct reply call(struct http_server *srv, const char *method, const char *target,
                         const char *body) {
    return call_as(srv, &organiser, method, target, body);
}

/* An export read back with the importer's readers: row 1's cells and the count of rows. */
struct sheet {
    int n_rows;
    char head[8][64];
    char last[8][64]; /* the last row's cells */
};

static int sheet_row(void *ctx, const struct import_row *row) {
    struct sheet *g = ctx;
    if (row->bad) return 0;
    if (row->row > g->n_rows) g->n_rows = row->row;
    for (int k = 0; k < row->n && row->cells[k].col < 8; k++) {
        const struct import_cell *c = &row->cells[k];
        char *to = row->row == 1 ? g->head[c->col] : g->last[c->col];
        snprintf(to, 64, "%.*s", (int)c->len, c->s);
    }
    return 0;
}

static struct sheet read_back(const char *body, size_t len, bool is_xlsx) {
    struct sheet g = {0};
    struct error err;
    error_clear(&err);
    struct import_reader_opts o = {.on_row = sheet_row, .ctx = &g};
    int rc = is_xlsx ? import_read_xlsx(body, len, &o, &err) : import_read_csv(body, len, &o, &err);
    CHECK_INT(rc, 0);
    return g;
}

static void done(struct reply *r) {
    json_decref(r->json);
    free(r->text);
}

static int64_t int_at(json_t *o, const char *key) {
    return json_integer_value(json_object_get(o, key));
}

static void loans(struct http_server *srv, const char *uscc) {
    /* the worked example of docs/DOCK.md: 100万元, 4.35%, 12 months, equal instalments */
    struct reply r = call(srv, "POST", "/api/dock/loans/schedule",
                          "{\"principal\":\"100万元\",\"rate_bp\":435,\"months\":12,\"method\":"
                          "\"equal-instalment\"}");
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(r.json, "total_interest_fen"), 2371879);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(r.json, "payments_fen"), 0)),
              8530990);
    done(&r);
    r = call(srv, "POST", "/api/dock/loans/schedule", "{\"principal\":\"1万元\",\"months\":0}");
    CHECK_INT(r.status, 422);
    done(&r);

    char target[256];
    snprintf(target, sizeof target,
             "/api/dock/loans/compare?uscc=%s&amount=%%E4%%B8%%80%%E7%%99%%BE%%E4%%B8%%87&months=12"
             "&date=2026-11-24",
             uscc); /* amount=一百万 */
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    json_t *offers = json_object_get(r.json, "offers"), *o;
    CHECK(json_array_size(offers) >= 12);
    CHECK(json_is_array(json_object_get(r.json, "subsidies_eligible")));
    size_t i;
    int rank = 0, checked = 0;
    json_array_foreach(offers, i, o) {
        const char *e = json_string_value(json_object_get(o, "eligibility"));
        int k = strcmp(e, "eligible") == 0 ? 0 : strcmp(e, "unknown") == 0 ? 1 : 2;
        CHECK(k >= rank); /* eligible first, then unknown, then ineligible */
        rank = k;
        /* both methods to the fen, recomputed here from the offer's terms */
        json_t *m = json_object_get(o, "methods");
        struct loan_terms t = {int_at(o, "amount_fen"),
                               (int32_t)int_at(json_object_get(o, "at_max_rate"), "rate_bp"),
                               (int32_t)int_at(o, "months"), LOAN_EQUAL_PRINCIPAL};
        struct loan_schedule s = {0};
        struct error err;
        if (t.principal_fen > 0 && loan_schedule_compute(&t, &s, &err) == 0) {
            json_t *ep = json_object_get(m, "equal-principal");
            CHECK(int_at(ep, "total_interest_fen") == s.total_interest_fen);
            CHECK(int_at(ep, "first_payment_fen") == s.items[0].payment_fen);
            int64_t sum = 0;
            for (int k2 = 0; k2 < s.n; k2++)
                sum += s.items[k2].principal_fen;
            CHECK(sum == t.principal_fen);
            checked++;
            loan_schedule_release(&s);
        }
        CHECK(json_object_get(m, "equal-instalment") != NULL);
        /* a subsidy never raises the cost */
        if (!json_is_null(json_object_get(o, "subsidy")))
            CHECK(int_at(o, "net_cost_fen") <=
                  int_at(json_object_get(o, "at_max_rate"), "net_cost_fen"));
    }
    CHECK(checked >= 12);
    done(&r);
    r = call(srv, "GET", "/api/dock/loans/compare", NULL);
    CHECK_INT(r.status, 400);
    done(&r);
    r = call(srv, "GET", "/api/dock/loans/compare?uscc=91370200000000000X", NULL);
    CHECK_INT(r.status, 404);
    done(&r);
    snprintf(target, sizeof target, "/api/dock/loans/compare?uscc=%s&amount=abc", uscc);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 400);
    done(&r);
}

static void financing(struct http_server *srv, const char *uscc) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"uscc\":\"%s\",\"amount_fen\":\"200万元\",\"months\":12,\"purpose\":\"订单备货\","
             "\"posted\":\"2026-11-10\"}",
             uscc);
    struct reply r = call(srv, "POST", "/api/dock/financing?date=2026-11-24", body);
    CHECK_INT(r.status, 201);
    int64_t id = int_at(r.json, "id");
    json_t *banks = json_object_get(r.json, "banks");
    CHECK(json_array_size(banks) >= 1);
    int64_t bank = int_at(json_array_get(banks, 0), "id");
    CHECK_STR(json_string_value(json_object_get(r.json, "contact_due")), "2026-11-13");
    CHECK(json_string_value(json_object_get(r.json, "enterprise")) != NULL);
    done(&r);
    char target[128];
    snprintf(target, sizeof target, "/api/dock/financing/%lld/steps?date=2026-11-24",
             (long long)id);
    /* 放款 before 授信: refused, nothing kept */
    snprintf(
        body, sizeof body,
        "{\"bank_id\":%lld,\"step\":\"放款\",\"amount_fen\":\"100万元\",\"date\":\"2026-11-12\"}",
        (long long)bank);
    r = call(srv, "POST", target, body);
    CHECK_INT(r.status, 422);
    done(&r);
    const char *steps[] = {
        "{\"step\":\"响应\",\"date\":\"2026-11-10\"}",
        "{\"step\":\"联系\",\"date\":\"2026-11-11\"}",
        "{\"step\":\"对接\",\"date\":\"2026-11-14\"}",
        "{\"step\":\"授信\",\"date\":\"2026-11-16\",\"amount_fen\":\"150万元\"}",
        "{\"step\":\"放款\",\"date\":\"2026-11-20\",\"amount_fen\":\"150万元\"}"};
    for (int k = 0; k < 5; k++) {
        snprintf(body, sizeof body, "{\"bank_id\":%lld,%s", (long long)bank, steps[k] + 1);
        r = call(srv, "POST", target, body);
        CHECK_INT(r.status, 201);
        done(&r);
    }
    snprintf(target, sizeof target, "/api/dock/financing/%lld", (long long)id);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(json_string_value(json_object_get(r.json, "status")), "已放款");
    CHECK_INT((int)json_array_size(json_object_get(r.json, "steps")), 5);
    done(&r);
    r = call(srv, "GET", "/api/dock/financing?date=2026-11-24", NULL);
    CHECK_INT(r.status, 200);
    json_t *n, *mine = NULL;
    size_t i;
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    json_array_foreach(json_object_get(r.json, "needs"), i, n) {
        if (strcmp(json_string_value(json_object_get(n, "id")), ids) == 0) mine = n;
    }
    CHECK(mine != NULL);
    if (mine) {
        CHECK_INT(int_at(mine, "loan_fen"), 150000000);
        /* 跟进 was never recorded and its deadline (2026-11-17) passed */
        CHECK_INT((int)json_array_size(json_object_get(mine, "overdue")), 1);
    }
    json_t *tot = json_object_get(r.json, "totals");
    CHECK(int_at(tot, "total_fen") >= 150000000);
    CHECK(int_at(json_object_get(tot, "by_month"), "2026-11") >= 150000000);
    done(&r);
    r = call(srv, "GET", "/api/dock/financing?date=2026-11-24&format=csv", NULL);
    CHECK_INT(r.status, 200);
    struct sheet g = read_back(r.text, r.len, false);
    CHECK(g.n_rows >= 2);
    CHECK_STR(g.head[4], "融资金额（元）");
    done(&r);
    r = call(srv, "GET", "/api/dock/financing/999999", NULL);
    CHECK_INT(r.status, 404);
    done(&r);
}

static void records(struct http_server *srv) {
    struct reply r = call(srv, "GET", "/api/dock/records/nothing", NULL);
    CHECK_INT(r.status, 404);
    done(&r);
    r = call(srv, "POST", "/api/dock/records/need",
             "{\"uscc\":\"x\",\"kind\":\"别的\",\"text\":\"t\"}");
    CHECK_INT(r.status, 422);
    CHECK_STR(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
              "kind");
    done(&r);
    r = call(srv, "GET", "/api/dock/records/product?by=bank_id&value=1", NULL);
    CHECK_INT(r.status, 200);
    CHECK(json_array_size(json_object_get(r.json, "items")) >= 3);
    done(&r);
    r = call(srv, "GET", "/api/dock/projects?date=2026-11-24", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT((int)json_array_size(json_object_get(r.json, "categories")), 5);
    done(&r);
    r = call(srv, "GET", "/api/dock/listing?date=2026-11-24&region=%E5%B4%82%E5%B1%B1%E5%8C%BA",
             NULL);
    CHECK_INT(r.status, 200);
    json_t *st0 = json_array_get(json_object_get(r.json, "stages"), 0);
    CHECK_INT(int_at(st0, "target"), 100);
    done(&r);
}

/* "request id" → [slot, table] of the event's schedule. */
static json_t *schedule_map(struct http_server *srv, const char *target) {
    struct reply r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    json_t *map = json_object(), *m;
    size_t i;
    json_array_foreach(json_object_get(r.json, "meetings"), i, m) {
        char k[24];
        snprintf(k, sizeof k, "%lld", (long long)int_at(m, "request_id"));
        json_object_set_new(map, k, json_pack("[I, I]", int_at(m, "slot"), int_at(m, "table")));
    }
    done(&r);
    return map;
}

static void event(struct http_server *srv) {
    char today[16], text[256]; /* today: registration still open, check-in open */
    date_format(date_today(), today, sizeof today);
    snprintf(text, sizeof text,
             "{\"name\":\"测试对接会\",\"date\":\"%s\",\"start_min\":540,"
             "\"slot_min\":20,\"gap_min\":5,\"n_slots\":3,\"n_tables\":2}",
             today);
    struct reply r = call(srv, "POST", "/api/dock/records/event", text);
    CHECK_INT(r.status, 201);
    int64_t ev = int_at(r.json, "id");
    done(&r);
    char target[160], body[256];
    snprintf(target, sizeof target, "/api/dock/events/%lld/participants", (long long)ev);
    int64_t pid[8];
    for (int i = 0; i < 8; i++) {
        snprintf(body, sizeof body, "{\"name\":\"参会者%d\",\"kind\":\"%s\"}", i,
                 i < 2 ? "投资机构" : "企业");
        r = call(srv, "POST", target, body);
        CHECK_INT(r.status, 201);
        pid[i] = int_at(r.json, "id");
        done(&r);
    }
    r = call(srv, "POST", target, "{\"name\":\"参会者0\",\"kind\":\"企业\"}");
    CHECK_INT(r.status, 409);
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/participants/%lld/checkin",
             (long long)ev, (long long)pid[3]);
    r = call(srv, "POST", target, NULL);
    CHECK_INT(r.status, 200);
    CHECK(int_at(r.json, "checked_in_at") > 0);
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/participants/999999/checkin",
             (long long)ev);
    r = call(srv, "POST", target, NULL);
    CHECK_INT(r.status, 404);
    done(&r);
    /* 6 enterprises × 2 investors = 12 requests; 2 × 3 slots = 6 meetings at most */
    snprintf(target, sizeof target, "/api/dock/events/%lld/requests", (long long)ev);
    for (int e = 2; e < 8; e++)
        for (int b = 0; b < 2; b++) {
            snprintf(body, sizeof body, "{\"a_id\":%lld,\"b_id\":%lld,\"priority\":%d}",
                     (long long)pid[e], (long long)pid[b], e % 3);
            r = call(srv, "POST", target, body);
            CHECK_INT(r.status, 201);
            CHECK_STR(json_string_value(json_object_get(r.json, "status")), "已接受");
            CHECK(int_at(r.json, "id") > 0);
            done(&r);
        }
    r = call(srv, "POST", target, "{\"a_id\":1,\"b_id\":999999}");
    CHECK_INT(r.status, 422);
    done(&r);
    /* only between participants registered for this event, and not with oneself */
    snprintf(body, sizeof body, "{\"a_id\":%lld,\"b_id\":999999}", (long long)pid[2]);
    r = call(srv, "POST", target, body);
    CHECK_INT(r.status, 422);
    CHECK_STR(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
              "b_id");
    done(&r);
    snprintf(body, sizeof body, "{\"a_id\":%lld,\"b_id\":%lld}", (long long)pid[2],
             (long long)pid[2]);
    r = call(srv, "POST", target, body);
    CHECK_INT(r.status, 422);
    CHECK_STR(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
              "b_id");
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/schedule", (long long)ev);
    r = call(srv, "POST", target, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(r.json, "placed"), 6);
    CHECK_INT(int_at(r.json, "upper_bound"), 6);
    CHECK(json_is_true(json_object_get(r.json, "optimal")));
    done(&r);
    json_t *before = schedule_map(srv, target);
    CHECK_INT((int)json_object_size(before), 6);
    /* cancel one placed meeting late, and add a new request; repair */
    const char *gone = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(before, key, v) {
        gone = key;
        break;
    }
    snprintf(target, sizeof target, "/api/dock/events/%lld/requests/%s", (long long)ev, gone);
    r = call(srv, "POST", target, "{\"status\":\"已取消\"}");
    CHECK_INT(r.status, 200);
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/schedule?repair=1", (long long)ev);
    r = call(srv, "POST", target, NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(r.json, "moved"), 0);
    CHECK_INT(int_at(r.json, "placed"), 6);
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/schedule", (long long)ev);
    json_t *after = schedule_map(srv, target);
    int kept = 0;
    json_object_foreach(before, key, v) {
        if (strcmp(key, gone) == 0) continue;
        kept += json_equal(v, json_object_get(after, key));
    }
    CHECK_INT(kept, 5);
    CHECK(json_object_get(after, gone) == NULL);
    json_decref(before), json_decref(after);
    /* no-show, then the agenda of an investor as JSON and iCalendar */
    snprintf(target, sizeof target, "/api/dock/events/%lld/participants/%lld/noshow", (long long)ev,
             (long long)pid[0]);
    r = call(srv, "POST", target, "{\"no_show\":true}");
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(r.json, "no_shows"), 3);
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld", (long long)ev);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(int_at(r.json, "no_shows"), 3);
    CHECK_INT(int_at(r.json, "checked_in"), 1);
    CHECK_INT(int_at(r.json, "participants"), 8);
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/agenda/%lld", (long long)ev,
             (long long)pid[1]);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    json_t *ms = json_object_get(r.json, "meetings");
    CHECK_INT((int)json_array_size(ms), 3);
    snprintf(text, sizeof text, "%s 09:00", today);
    CHECK_STR(json_string_value(json_object_get(json_array_get(ms, 0), "start")), text);
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/agenda/%lld?format=ics", (long long)ev,
             (long long)pid[1]);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    CHECK(strncmp(r.type, "text/calendar", 13) == 0);
    CHECK(strncmp(r.text, "BEGIN:VCALENDAR\r\n", 17) == 0);
    int n_events = 0;
    for (const char *p = r.text; (p = strstr(p, "BEGIN:VEVENT")); p++)
        n_events++;
    CHECK_INT(n_events, 3);
    done(&r);
    /* exports, read back: the hall's schedule (CSV and XLSX), participants, one agenda */
    snprintf(target, sizeof target, "/api/dock/events/%lld/schedule?format=csv", (long long)ev);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    CHECK(strncmp(r.type, "text/csv", 8) == 0);
    struct sheet g = read_back(r.text, r.len, false);
    CHECK_INT(g.n_rows, 1 + 6);
    CHECK_STR(g.head[2], "桌号");
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/schedule?format=xlsx", (long long)ev);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    g = read_back(r.text, r.len, true);
    CHECK_INT(g.n_rows, 1 + 6);
    CHECK_STR(g.head[3], "参会方甲");
    CHECK_STR(g.last[0], "09:50"); /* the last slot: 09:00 + 2 × (20 + 5) minutes */
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/participants?format=csv", (long long)ev);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    g = read_back(r.text, r.len, false);
    CHECK_INT(g.n_rows, 1 + 8);
    CHECK_STR(g.last[1], "参会者7");
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/agenda/%lld?format=xlsx", (long long)ev,
             (long long)pid[1]);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 200);
    g = read_back(r.text, r.len, true);
    CHECK_INT(g.n_rows, 1 + 3);
    CHECK_STR(g.head[3], "洽谈对象");
    done(&r);
    snprintf(target, sizeof target, "/api/dock/events/%lld/schedule?format=pdf", (long long)ev);
    r = call(srv, "GET", target, NULL);
    CHECK_INT(r.status, 400);
    done(&r);
    /* a follow-up intent after the event */
    snprintf(target, sizeof target, "/api/dock/events/%lld/intents", (long long)ev);
    r = call(srv, "POST", target,
             "{\"from_party\":\"参会者1\",\"to_party\":\"参会者2\",\"status\":\"洽谈\"}");
    CHECK_INT(r.status, 201);
    CHECK_INT(int_at(r.json, "event_id"), ev);
    done(&r);
}

static void matching(struct http_server *srv) {
    struct reply r = call(srv, "GET", "/api/dock/investors/match", NULL);
    CHECK_INT(r.status, 200);
    CHECK(json_array_size(json_object_get(r.json, "projects")) > 0);
    done(&r);
    r = call(srv, "POST", "/api/dock/selection/ranks",
             "{\"side\":\"investor\",\"owner_id\":1,\"ranking\":[2,2]}");
    CHECK_INT(r.status, 422);
    done(&r);
    r = call(srv, "POST", "/api/dock/selection/compute", NULL);
    CHECK_INT(r.status, 200);
    size_t n_pairs = json_array_size(json_object_get(r.json, "pairs"));
    CHECK(n_pairs > 0);
    done(&r);
    r = call(srv, "GET", "/api/dock/selection", NULL);
    CHECK_INT(r.status, 200);
    CHECK(json_array_size(json_object_get(r.json, "pairs")) == n_pairs);
    done(&r);
    r = call(srv, "GET", "/api/dock/needs/match?date=2026-11-24", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT((int)json_array_size(json_object_get(r.json, "needs")), 6);
    done(&r);
    r = call(srv, "GET", "/api/dock/intents/funnel", NULL);
    CHECK_INT(r.status, 200);
    CHECK_INT(int_at(r.json, "needs"), 6);
    done(&r);
    r = call(srv, "POST", "/api/dock/challenges/1/select", "{\"solver\":\"无人\"}");
    CHECK_INT(r.status, 422); /* never applied */
    done(&r);
    r = call(srv, "POST", "/api/dock/challenges/1/apply", "{\"solver\":\"青岛膜科技\"}");
    CHECK_INT(r.status, 200);
    done(&r);
    r = call(srv, "POST", "/api/dock/challenges/1/select", "{\"solver\":\"青岛膜科技\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(json_string_value(json_object_get(r.json, "solver")), "青岛膜科技");
    done(&r);
}

TEST(dock_http_flow) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    char path[128];
    snprintf(path, sizeof path, "/tmp/duijie_dock_http_%d.db", (int)getpid());
    unlink(path);
    struct store *s;
    if (store_open(path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    CHECK_INT(store_begin(s, &err), 0);
    for (int i = 0; i < 600; i++) {
        demo_enterprise(3, i, p, &t);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    CHECK_INT(demo_dock(s, 3, 600, 60, &err), 0);
    CHECK_INT(store_commit(s, &err), 0);
    demo_enterprise(3, 0, p, &t);
    char uscc[20];
    snprintf(uscc, sizeof uscc, "%s", t.uscc);
    free(p);
    CHECK_INT(tauth_sign_in(s, ROLE_ADMIN, NULL, NULL, NULL, &organiser), 0);
    store_close(s);
    struct http_config cfg = {.port = 0, .db = path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return;
    }
    loans(srv, uscc);
    financing(srv, uscc);
    records(srv);
    event(srv);
    matching(srv);
    http_server_free(srv);
    unlink(path);
}

/* Who sees what, until signed-in HTTP tests (tests/tauth.h) can ask as each role. */
TEST(dock_http_views) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct actor a = {.role = ROLE_ENTERPRISE, .region = -1};
    snprintf(a.uscc, sizeof a.uscc, "91370212MA3C000001");
    CHECK_INT(dock_view_of(&a), DOCK_ENTERPRISE);
    CHECK(dock_sees_uscc(&a, "91370212MA3C000001", "崂山区"));
    CHECK(!dock_sees_uscc(&a, "91370212MA3C000002", "崂山区"));
    a = (struct actor){.role = ROLE_CENTRE, .region = region_find("崂山区", 9, &err)};
    CHECK(a.region >= 0);
    CHECK_INT(dock_view_of(&a), DOCK_AREA);
    CHECK(dock_sees_uscc(&a, "x", "中韩街道")); /* a town of 崂山区 */
    CHECK(!dock_sees_uscc(&a, "x", "市南区"));
    a.region = -1;
    CHECK_INT(dock_view_of(&a), DOCK_ORGANISER);
    a = (struct actor){.role = ROLE_BANK, .org_id = 2, .region = -1};
    CHECK_INT(dock_view_of(&a), DOCK_BANK);
    CHECK(!dock_sees_uscc(&a, "91370212MA3C000001", "崂山区"));
    a.role = ROLE_INVESTOR;
    CHECK_INT(dock_view_of(&a), DOCK_INVESTOR);
    a.role = ROLE_FINANCE;
    CHECK_INT(dock_view_of(&a), DOCK_NONE);
}

static int status_as(struct http_server *srv, const struct tauth *who, const char *method,
                     const char *target, const char *body) {
    struct reply r = call_as(srv, who, method, target, body);
    int st = r.status;
    done(&r);
    return st;
}

/* Signed in as each party: an enterprise acts only for itself, a bank only on needs matched to it
 * and only for itself, an investor sees no financing, nobody signed in gets nothing. */
TEST(dock_http_roles) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    char path[128];
    snprintf(path, sizeof path, "/tmp/duijie_dock_roles_%d.db", (int)getpid());
    unlink(path);
    struct store *s;
    if (store_open(path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store: %s", err.en);
        return;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text ta, tb;
    CHECK_INT(store_begin(s, &err), 0);
    for (int i = 0; i < 300; i++) {
        demo_enterprise(5, i, p, &ta);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    CHECK_INT(demo_dock(s, 5, 300, 20, &err), 0);
    CHECK_INT(store_commit(s, &err), 0);
    demo_enterprise(5, 0, p, &ta);
    demo_enterprise(5, 1, p, &tb);
    free(p);
    /* enterprise 0's first financing need, a bank matched to it and one that is not */
    struct store_val u = store_val_text(ta.uscc);
    int64_t need = 0, bank_in = 0, bank_out = 0;
    CHECK_INT(store_sql_int(s, "SELECT MIN(id) FROM dock_financing WHERE uscc = ?", &u, 1, 0, &need,
                            &err),
              0);
    struct store_val nv = store_val_int(need);
    CHECK_INT(store_sql_int(s, "SELECT MIN(bank_id) FROM dock_financing_bank WHERE need_id = ?",
                            &nv, 1, 0, &bank_in, &err),
              0);
    store_sql_int(s,
                  "SELECT MIN(id) FROM dock_bank WHERE id NOT IN (SELECT bank_id FROM"
                  " dock_financing_bank WHERE need_id = ?)",
                  &nv, 1, 0, &bank_out, &err);
    struct tauth ent_a, ent_b, bank, other_bank, investor;
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, ta.uscc, NULL, NULL, &ent_a), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_ENTERPRISE, tb.uscc, NULL, NULL, &ent_b), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_BANK, NULL, NULL, NULL, &bank), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_BANK, NULL, NULL, NULL, &other_bank), 0);
    CHECK_INT(tauth_sign_in(s, ROLE_INVESTOR, NULL, NULL, NULL, &investor), 0);
    struct store_val b1[] = {store_val_int(bank_in), store_val_text(bank.actor.username)};
    struct store_val b2[] = {store_val_int(bank_out), store_val_text(other_bank.actor.username)};
    CHECK_INT(store_sql(s, "UPDATE users SET org_id = ? WHERE username = ?", b1, 2, NULL, &err), 0);
    CHECK_INT(store_sql(s, "UPDATE users SET org_id = ? WHERE username = ?", b2, 2, NULL, &err), 0);
    store_close(s);
    struct http_config cfg = {.port = 0, .db = path, .threads = 2};
    struct http_server *srv = NULL;
    if (http_server_new(&cfg, &srv, &err) < 0) {
        test_failf(__FILE__, __LINE__, "server: %s", err.en);
        return;
    }
    char t[256], body[256];
    CHECK(need > 0 && bank_in > 0 && bank_out > 0 && bank_out != bank_in);
    /* nobody signed in */
    CHECK_INT(status_as(srv, NULL, "GET", "/api/dock/events", NULL), 401);
    /* 贷比三家: an enterprise for itself only */
    snprintf(t, sizeof t, "/api/dock/loans/compare?uscc=%s", ta.uscc);
    CHECK_INT(status_as(srv, &ent_a, "GET", t, NULL), 200);
    CHECK_INT(status_as(srv, &ent_b, "GET", t, NULL), 403);
    /* financing: post for oneself, not for another */
    snprintf(body, sizeof body, "{\"uscc\":\"%s\",\"amount_fen\":\"50万元\"}", tb.uscc);
    CHECK_INT(status_as(srv, &ent_a, "POST", "/api/dock/financing", body), 403);
    CHECK_INT(status_as(srv, &ent_b, "POST", "/api/dock/financing", body), 201);
    snprintf(t, sizeof t, "/api/dock/financing/%lld", (long long)need);
    CHECK_INT(status_as(srv, &ent_a, "GET", t, NULL), 200);
    CHECK_INT(status_as(srv, &ent_b, "GET", t, NULL), 403);
    CHECK_INT(status_as(srv, &bank, "GET", t, NULL), 200);
    CHECK_INT(status_as(srv, &other_bank, "GET", t, NULL), 403);
    CHECK_INT(status_as(srv, &investor, "GET", "/api/dock/financing", NULL), 403);
    /* an enterprise's list holds only its own needs; a bank's only those matched to it */
    struct reply r = call_as(srv, &ent_b, "GET", "/api/dock/financing", NULL);
    CHECK_INT(r.status, 200);
    json_t *n;
    size_t i;
    json_array_foreach(json_object_get(r.json, "needs"), i, n)
        CHECK_STR(json_string_value(json_object_get(n, "uscc")), tb.uscc);
    done(&r);
    r = call_as(srv, &other_bank, "GET", "/api/dock/financing", NULL);
    CHECK_INT(r.status, 200);
    char ns[24];
    snprintf(ns, sizeof ns, "%lld", (long long)need);
    json_array_foreach(json_object_get(r.json, "needs"), i, n)
        CHECK(strcmp(json_string_value(json_object_get(n, "id")), ns) != 0);
    done(&r);
    /* a bank records its own steps only, on needs matched to it */
    snprintf(t, sizeof t, "/api/dock/financing/%lld/steps", (long long)need);
    snprintf(body, sizeof body, "{\"bank_id\":%lld,\"step\":\"响应\"}", (long long)bank_out);
    CHECK_INT(status_as(srv, &bank, "POST", t, body), 403);
    CHECK_INT(status_as(srv, &other_bank, "POST", t, body), 403);
    CHECK_INT(status_as(srv, &ent_a, "POST", t, body), 403);
    CHECK_INT(status_as(srv, &bank, "POST", t, "{\"step\":\"跟进\"}"), 201); /* its own */
    /* records: not public kinds are the organiser's; an enterprise's own needs only */
    CHECK_INT(status_as(srv, &ent_a, "GET", "/api/dock/records/intent", NULL), 403);
    CHECK_INT(status_as(srv, &bank, "DELETE", "/api/dock/records/bank/1", NULL), 403);
    /* events: check-in and scheduling are the organiser's */
    CHECK_INT(status_as(srv, &ent_a, "POST", "/api/dock/events/1/schedule", NULL), 403);
    CHECK_INT(status_as(srv, &bank, "POST", "/api/dock/events/1/participants/1/checkin", NULL),
              403);
    /* another party's agenda: participant 1 is a bank's representative without an org */
    CHECK_INT(status_as(srv, &ent_a, "GET", "/api/dock/events/1/agenda/1", NULL), 403);
    http_server_free(srv);
    unlink(path);
}
