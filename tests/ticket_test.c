/* Tests for src/ticket: working-day deadlines across holidays and 调休 working weekends
 * (table-driven: tests/data/ticket/workdays.tsv over tests/data/ticket/holidays-cn.tsv), the
 * calendar seeded into a new store, and on SQLite and PostgreSQL: routing by topic and region,
 * the state machine, escalation of overdue requests, FAQ entries and statistics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "search/search.h"
#include "ticket/ticket.h"
#include "tstore.h"
#include "util/date.h"

static int32_t day(const char *s) {
    int32_t d = 0;
    struct error err;
    date_parse(s, strlen(s), &d, &err);
    return d;
}

static bool load_cal(struct ticket_calendar *c) {
    char path[512];
    snprintf(path, sizeof path, "%s/ticket/holidays-cn.tsv", test_data_dir());
    size_t len;
    char *text = test_read_file(path, &len);
    struct error err;
    bool ok = text && ticket_calendar_parse(text, len, c, &err) == 0;
    free(text);
    return ok;
}

TEST(ticket_workdays_table) {
    struct ticket_calendar c;
    CHECK(load_cal(&c));
    char path[512];
    snprintf(path, sizeof path, "%s/ticket/workdays.tsv", test_data_dir());
    size_t len;
    char *text = test_read_file(path, &len);
    CHECK(text != NULL);
    int n = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        if (*line == '#') continue;
        char from[16], want[16];
        int k;
        if (sscanf(line, "%15[^\t]\t%d\t%15[^\t]", from, &k, want) != 3) continue;
        test_case(line);
        int32_t got = ticket_add_workdays(&c, day(from), k);
        char buf[16];
        CHECK_STR(date_format(got, buf, sizeof buf), want);
        CHECK_INT(ticket_workdays_between(&c, day(from), got), k);
        n++;
    }
    CHECK(n >= 10);
    free(text);
    CHECK(ticket_is_workday(&c, day("2026-02-14")));  /* 调休: a Saturday worked */
    CHECK(!ticket_is_workday(&c, day("2026-10-05"))); /* 国庆 */
    CHECK(!ticket_is_workday(&c, day("2026-03-08"))); /* an ordinary Sunday */
    CHECK_INT(ticket_workdays_between(&c, day("2026-10-22"), day("2026-09-18")), -20);
    ticket_calendar_release(&c);
}

TEST(ticket_calendar_bad_input) {
    struct ticket_calendar c;
    struct error err;
    const char *bad = "# x\n2026-01-01\tholiday\t元旦\n2026-13-01\tholiday\tx\n";
    CHECK_INT(ticket_calendar_parse(bad, strlen(bad), &c, &err), ERR_INVALID);
    CHECK_INT(err.line, 3);
    const char *bad2 = "2026-01-01\tvacation\tx\n";
    CHECK(ticket_calendar_parse(bad2, strlen(bad2), &c, &err) != 0);
    CHECK_INT(err.line, 1);
    const char *bad3 = "2026-01-01 holiday\n";
    CHECK_INT(ticket_calendar_parse(bad3, strlen(bad3), &c, &err), ERR_PARSE);
}

static int64_t count(struct store *s, const char *sql) {
    int64_t n = -1;
    struct error err;
    store_sql_int(s, sql, NULL, 0, 0, &n, &err);
    return n;
}

STORE_TEST(ticket_route_states_escalation) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    struct ticket_calendar cal;
    CHECK_INT(ticket_calendar_load(s, &cal, &err), 0); /* seeded from the shipped calendar */
    CHECK(count(s, "SELECT COUNT(*) FROM ticket_calendar") >= 70);
    CHECK(!ticket_is_workday(&cal, day("2026-10-02")));
    int laoshan = region_by_code(370212), town = region_by_code(370212001);
    CHECK(laoshan >= 0 && town >= 0);
    CHECK_INT(ticket_route_put(s, "*", -1, LEVEL_HUB, "市级服务枢纽", 1, 0, &err), 0);
    CHECK_INT(ticket_route_put(s, "*", laoshan, LEVEL_CENTRE, "崂山区服务中心", 2, 0, &err), 0);
    CHECK_INT(ticket_route_put(s, "water", laoshan, LEVEL_COMMISSIONER, "崂山区水务局", 3, 2, &err),
              0);
    CHECK_INT(ticket_route_put(s, "water", -1, LEVEL_COMMISSIONER, "市水务局", 4, 0, &err), 0);
    CHECK_INT(ticket_route_put(s, "", -1, 0, "x", 0, 0, &err), ERR_INVALID);
    /* a problem in a town of 崂山: the district's water bureau (most specific), 2 working days */
    struct ticket_new n = {.kind = TICKET_PROBLEM,
                           .topic = "water",
                           .region = town,
                           .requester = "91370200MA00000001",
                           .title = "厂区停水",
                           .body = "自 9 月 24 日起厂区停水,影响生产。"};
    int64_t id = 0;
    CHECK_INT(ticket_file(s, &cal, &n, day("2026-09-24"), 100, &id, &err), 0);
    struct arena a;
    arena_init(&a, 4096);
    struct ticket tk;
    CHECK_INT(ticket_get(s, id, &a, &tk, &err), 0);
    CHECK_STR(tk.state, "assigned");
    CHECK_STR(tk.dept, "崂山区水务局");
    CHECK_INT(tk.assignee, 3);
    char buf[16];
    CHECK_STR(date_format(tk.due, buf, sizeof buf), "2026-09-29"); /* 中秋 25–27 skipped */
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox WHERE topic = 'ticket'"), 1);
    /* elsewhere in the city: the city bureau; an unknown topic: nobody below the hub */
    n.region = region_by_code(370202);
    int64_t id2, id3;
    CHECK_INT(ticket_file(s, &cal, &n, day("2026-09-24"), 100, &id2, &err), 0);
    CHECK_INT(ticket_get(s, id2, &a, &tk, &err), 0);
    CHECK_STR(tk.dept, "市水务局");
    n.topic = "tax";
    n.kind = TICKET_DISCLOSURE;
    n.region = town;
    CHECK_INT(ticket_file(s, &cal, &n, day("2026-09-18"), 100, &id3, &err), 0);
    CHECK_INT(ticket_get(s, id3, &a, &tk, &err), 0);
    CHECK_STR(tk.dept, "崂山区服务中心"); /* "*" at the centre level is the first that fits */
    CHECK_INT(tk.level, LEVEL_CENTRE);
    CHECK_STR(date_format(tk.due, buf, sizeof buf), "2026-10-22"); /* 依申请公开: 20 days */
    /* states */
    CHECK_INT(ticket_move(s, id, "closed", "u:1", NULL, 5, NULL, day("2026-09-25"), 200, &err),
              ERR_CONFLICT);
    CHECK_INT(ticket_move(s, id, "in_progress", "u:3", NULL, 0, NULL, day("2026-09-25"), 200, &err),
              0);
    CHECK_INT(ticket_move(s, id, "answered", "u:3", "", 0, NULL, day("2026-09-28"), 300, &err),
              ERR_INVALID);
    CHECK_INT(ticket_move(s, id, "answered", "u:3", "已恢复供水。", 0, NULL, day("2026-09-28"), 300,
                          &err),
              0);
    CHECK_INT(ticket_move(s, id, "closed", "91370200MA00000001", NULL, 6, NULL, day("2026-09-29"),
                          400, &err),
              ERR_INVALID);
    CHECK_INT(ticket_move(s, id, "closed", "91370200MA00000001", NULL, 4, NULL, day("2026-09-29"),
                          400, &err),
              0);
    CHECK_INT(ticket_move(s, id2, "transferred", "u:4", "请供电部门处理", 0, "国网青岛供电公司",
                          day("2026-09-25"), 500, &err),
              0);
    CHECK_INT(ticket_get(s, id2, &a, &tk, &err), 0);
    CHECK_STR(tk.state, "assigned");
    CHECK_STR(tk.dept, "国网青岛供电公司");
    CHECK_INT(count(s, "SELECT COUNT(*) FROM ticket_event WHERE to_state = 'transferred'"), 1);
    /* escalation: id2 due 2026-09-29, still open on 10-09: up to the centre, not again until 2
     * working days later, then the hub */
    int64_t moved = 0;
    CHECK_INT(ticket_escalate_overdue(s, &cal, day("2026-09-29"), 600, &moved, &err), 0);
    CHECK_INT(moved, 0);
    CHECK_INT(ticket_escalate_overdue(s, &cal, day("2026-10-09"), 600, &moved, &err), 0);
    CHECK_INT(moved, 1);
    CHECK_INT(ticket_get(s, id2, &a, &tk, &err), 0);
    CHECK_INT(tk.level, LEVEL_HUB); /* 市南区 has no centre route: the hub */
    CHECK_STR(tk.dept, "市级服务枢纽");
    CHECK_INT(ticket_escalate_overdue(s, &cal, day("2026-10-12"), 700, &moved, &err), 0);
    CHECK_INT(moved, 0); /* at the top */
    CHECK_INT(ticket_escalate_overdue(s, &cal, day("2026-10-23"), 800, &moved, &err), 0);
    CHECK_INT(moved, 1); /* id3 past 10-22: centre → hub */
    CHECK_INT(ticket_get(s, id3, &a, &tk, &err), 0);
    CHECK_INT(tk.level, LEVEL_HUB);
    CHECK_INT(tk.escalations, 1);
    /* statistics */
    char *json = NULL;
    CHECK_INT(ticket_stats_json(s, day("2026-10-23"), &json, &err), 0);
    CHECK(json && strstr(json, "\"by_topic\"") && strstr(json, "\"by_dept\""));
    CHECK(json && strstr(json, "\"total\":{\"count\":3,\"open\":2,\"answered\":1,\"on_time\":1"));
    CHECK(json && strstr(json, "\"satisfaction_x100\":400"));
    free(json);
    arena_release(&a);
    ticket_calendar_release(&cal);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(ticket_faq_searchable) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    struct ticket_calendar cal;
    CHECK_INT(ticket_calendar_load(s, &cal, &err), 0);
    struct policy p = {.code = "F-1",
                       .title = "高企培育政策",
                       .department = "科技局",
                       .region = -1,
                       .published = STORE_NO_DATE,
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_PUBLISHED};
    CHECK_INT(store_put_policy(s, &p, &err), 0);
    struct clause c = {.policy_id = p.id,
                       .seq = 1,
                       .title = "高企认定奖励",
                       .text = "……",
                       .rule = "营业收入 >= 100万元",
                       .version = 1,
                       .valid_from = STORE_NO_DATE,
                       .valid_to = STORE_NO_DATE,
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_PUBLISHED,
                       .award_cap_fen = -1};
    CHECK_INT(store_put_clause(s, &c, &err), 0);
    struct ticket_new n = {.kind = TICKET_QUESTION,
                           .topic = "policy",
                           .region = -1,
                           .requester = "u:9",
                           .title = "高企认定奖励何时兑现",
                           .body = "请问奖励什么时候发放?",
                           .clause_id = c.id};
    int64_t id, faq;
    CHECK_INT(ticket_file(s, &cal, &n, day("2026-03-02"), 1, &id, &err), 0);
    CHECK_INT(ticket_publish_faq(s, id, 0, 2, &faq, &err), ERR_CONFLICT); /* not answered */
    CHECK_INT(ticket_move(s, id, "answered", "u:1", "认定次年第二季度统一兑现。", 0, NULL,
                          day("2026-03-03"), 3, &err),
              0);
    CHECK_INT(ticket_publish_faq(s, id, 0, 4, &faq, &err), 0);
    struct search_doc_list l;
    search_doc_list_init(&l);
    CHECK_INT(ticket_faq_search_docs(s, &l, &err), 0);
    CHECK_INT((int)l.n_docs, 1);
    if (l.n_docs) {
        CHECK_STR(l.docs[0].policy_id, "F-1");
        CHECK_INT(l.docs[0].ref, c.id);
        CHECK(strstr(l.docs[0].text, "第二季度") != NULL);
    }
    search_doc_list_release(&l);
    ticket_calendar_release(&cal);
    store_close(s);
    remove_temp(t);
}
