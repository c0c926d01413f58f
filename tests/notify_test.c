/* Tests for src/notify on SQLite and PostgreSQL: who a published policy reaches (eligible, might,
 * nearly with the missing condition), that a second run queues nothing, preferences (topics,
 * channels, quiet hours, digest), the inbox and read receipts, deadline reminders that skip firms
 * which applied, and the sender's claim/retry/recovery against a channel that fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"
#include "notify/notify.h"
#include "refdata/refdata.h"
#include "tstore.h"
#include "util/date.h"

/* Four firms: A qualifies, B might (revenue missing), C nearly (too few employees), D does not. */
static const struct {
    const char *uscc;
    int employees;   /* -1 missing */
    int64_t revenue; /* fen; -1 missing */
} firms[] = {
    {"91370200MA00000001", 100, 2000000000},
    {"91370200MA00000002", 100, -1},
    {"91370200MA00000003", 10, 2000000000},
    {"91370200MA00000004", 10, 10000000},
};

#define RULE "从业人员 >= 50 且 营业收入 >= 1000万元"

static struct index_gen *four_firms(int32_t today) {
    struct index_builder *b;
    struct error err;
    if (index_builder_new(today, &b, &err)) return NULL;
    for (int i = 0; i < 4; i++) {
        struct profile p;
        profile_clear(&p);
        p.v[F_USCC] = (struct value){.has = true, .s = firms[i].uscc};
        p.v[F_REGION] = (struct value){.has = true, .i = region_by_code(370212)};
        if (firms[i].employees >= 0)
            p.v[F_EMPLOYEES] = (struct value){.has = true, .i = firms[i].employees};
        if (firms[i].revenue >= 0)
            p.v[F_REVENUE] = (struct value){.has = true, .i = firms[i].revenue};
        profile_derive(&p, today, NULL);
        if (index_builder_add(b, i + 1, &p, &err)) return NULL;
    }
    struct index_gen *g;
    return index_builder_finish(b, &g, &err) ? NULL : g;
}

static int64_t put_policy(struct store *s, int status, int32_t deadline) {
    struct error err;
    struct policy p = {.code = "T-1",
                       .title = "青岛市测试政策",
                       .doc_no = "青测〔2026〕1号",
                       .department = "青岛市科学技术局",
                       .region = -1,
                       .published = date_today(),
                       .deadline = deadline,
                       .status = status};
    if (store_put_policy(s, &p, &err)) return 0;
    struct clause c = {.policy_id = p.id,
                       .seq = 1,
                       .title = "规上企业奖励",
                       .text = "……",
                       .rule = RULE,
                       .version = 1,
                       .valid_from = STORE_NO_DATE,
                       .valid_to = STORE_NO_DATE,
                       .deadline = deadline,
                       .status = status,
                       .award_cap_fen = -1};
    if (store_put_clause(s, &c, &err)) return 0;
    return p.id;
}

static int64_t count(struct store *s, const char *sql) {
    int64_t n = -1;
    struct error err;
    store_sql_int(s, sql, NULL, 0, 0, &n, &err);
    return n;
}

STORE_TEST(notify_publish_sets_and_idempotency) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct index_gen *g = four_firms(date_today());
    CHECK(g != NULL);
    int64_t pid = put_policy(s, POLICY_PUBLISHED, STORE_NO_DATE);
    CHECK(pid > 0);
    struct notify_counts n;
    struct error err;
    CHECK_INT(notify_policy_published(s, g, pid, 1000, &n, &err), 0);
    CHECK_INT(n.eligible, 1);
    CHECK_INT(n.unknown, 1);
    CHECK_INT(n.nearly, 1);
    CHECK_INT(n.queued, 3);
    struct store_rows *r;
    CHECK_INT(store_sql(s,
                        "SELECT recipient, subject, body, msg_key, channel, state FROM "
                        "notify_outbox ORDER BY recipient",
                        NULL, 0, &r, &err),
              0);
    CHECK_INT(store_rows_count(r), 3);
    CHECK_STR(store_rows_text(r, 0, 0), firms[0].uscc);
    CHECK(strstr(store_rows_text(r, 0, 1), "您符合") != NULL);
    CHECK(strstr(store_rows_text(r, 1, 1), "您可能符合") != NULL);
    CHECK(strstr(store_rows_text(r, 2, 2), "从业人员") != NULL); /* what is missing */
    CHECK(strstr(store_rows_text(r, 2, 2), "青测〔2026〕1号") != NULL);
    CHECK(strncmp(store_rows_text(r, 0, 3), "publish:", 8) == 0);
    CHECK_STR(store_rows_text(r, 0, 4), "inapp");
    CHECK_STR(store_rows_text(r, 0, 5), "queued");
    store_rows_free(r);
    /* a second publish queues nothing new */
    CHECK_INT(notify_policy_published(s, g, pid, 2000, &n, &err), 0);
    CHECK_INT(n.queued, 0);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox"), 3);
    /* a draft reaches nobody */
    struct policy d = {.code = "T-2",
                       .title = "草稿",
                       .region = -1,
                       .published = STORE_NO_DATE,
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_DRAFT};
    CHECK_INT(store_put_policy(s, &d, &err), 0);
    CHECK_INT(notify_policy_published(s, g, d.id, 3000, &n, &err), 0);
    CHECK_INT(n.queued, 0);
    index_gen_release(g);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(notify_prefs_channels_topics_quiet) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    struct notify_prefs p;
    CHECK_INT(notify_prefs_get(s, firms[0].uscc, &p, &err), 0);
    CHECK(p.channels[NOTIFY_INAPP] && !p.channels[NOTIFY_EMAIL]);
    p.channels[NOTIFY_EMAIL] = true;
    CHECK_INT(notify_prefs_put(s, &p, &err), ERR_INVALID); /* no address */
    CHECK_STR(err.field, "email");
    snprintf(p.email, sizeof p.email, "boss@example.cn");
    p.quiet_from = 22 * 60;
    p.quiet_to = 8 * 60;
    CHECK_INT(notify_prefs_put(s, &p, &err), 0);
    CHECK(strlen(p.unsub_token) == 32);
    /* 2026-03-02 23:30 Beijing = 15:30 UTC: deferred to 08:00 Beijing (00:00 UTC next day) */
    int64_t at = (int64_t)date_from_ymd(2026, 3, 2) * 86400 + 15 * 3600 + 30 * 60;
    CHECK_INT(notify_after_quiet(at, p.quiet_from, p.quiet_to),
              (int64_t)date_from_ymd(2026, 3, 3) * 86400);
    CHECK_INT(notify_after_quiet(at - 3 * 3600, p.quiet_from, p.quiet_to), at - 3 * 3600);
    struct notify_msg m = {.key = "k1",
                           .recipient = firms[0].uscc,
                           .topic = "publish",
                           .subject = "主题",
                           .body = "正文"};
    bool is_new = false;
    CHECK_INT(notify_enqueue(s, &m, at, &is_new, &err), 0);
    CHECK(is_new);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox"), 2);
    int64_t next = 0;
    CHECK_INT(store_sql_int(s, "SELECT next_at FROM notify_outbox WHERE channel = 'email'", NULL, 0,
                            0, &next, &err),
              0);
    CHECK_INT(next, (int64_t)date_from_ymd(2026, 3, 3) * 86400);
    CHECK_INT(notify_enqueue(s, &m, at, &is_new, &err), 0);
    CHECK(!is_new);
    /* topics: deadline only; a publish message reaches no channel, an application one does */
    snprintf(p.topics, sizeof p.topics, "deadline");
    CHECK_INT(notify_prefs_put(s, &p, &err), 0);
    m.key = "k2";
    CHECK_INT(notify_enqueue(s, &m, at, &is_new, &err), 0);
    CHECK(!is_new);
    m.key = "k3";
    m.topic = "application";
    CHECK_INT(notify_enqueue(s, &m, at, &is_new, &err), 0);
    CHECK(is_new);
    snprintf(p.topics, sizeof p.topics, "DROP TABLE");
    CHECK_INT(notify_prefs_put(s, &p, &err), ERR_INVALID);
    /* digest: held, then merged into one message per channel */
    snprintf(p.topics, sizeof p.topics, "*");
    p.is_digest = true;
    CHECK_INT(notify_prefs_put(s, &p, &err), 0);
    for (int i = 0; i < 3; i++) {
        char k[16];
        snprintf(k, sizeof k, "h%d", i);
        m.key = k;
        CHECK_INT(notify_enqueue(s, &m, at, NULL, &err), 0);
    }
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox WHERE state = 'held'"), 3);
    int64_t nd = 0;
    CHECK_INT(notify_flush_held(s, date_from_ymd(2026, 3, 3), at, &nd, &err), 0);
    CHECK_INT(nd, 1);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox WHERE state = 'merged'"), 3);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox WHERE topic = 'digest' AND body LIKE "
                       "'3. %'"),
              0);
    /* unsubscribe: external channels off, queued email cancelled */
    char who[64];
    CHECK_INT(notify_unsubscribe(s, "nope", who, sizeof who, &err), ERR_NOTFOUND);
    CHECK_INT(notify_unsubscribe(s, p.unsub_token, who, sizeof who, &err), 0);
    CHECK_STR(who, firms[0].uscc);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox WHERE channel = 'email' AND state IN "
                       "('queued', 'held')"),
              0);
    CHECK_INT(notify_prefs_get(s, firms[0].uscc, &p, &err), 0);
    CHECK(!p.channels[NOTIFY_EMAIL]);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(notify_deadline_reminders_skip_applied) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    int32_t today = date_today();
    struct index_gen *g = four_firms(today);
    CHECK(put_policy(s, POLICY_PUBLISHED, today + 7) > 0);
    struct notify_counts n;
    struct error err;
    /* no application yet: the eligible firm is reminded */
    CHECK_INT(notify_deadlines(s, g, today, 10, &n, &err), 0);
    CHECK_INT(n.queued, 1);
    CHECK_INT(notify_deadlines(s, g, today, 10, &n, &err), 0);
    CHECK_INT(n.queued, 0);
    CHECK_INT(notify_deadlines(s, g, today + 1, 10, &n, &err), 0); /* 6 days: nothing */
    CHECK_INT(n.queued, 0);
    /* a draft is not an application; a submitted one is (the workflow's table) */
    CHECK_INT(store_sql(s,
                        "INSERT INTO application (clause_id, policy_id, clause_title, department, "
                        "uscc, enterprise_name, region_code, district_code, section, state, "
                        "eligibility, form_json, created_by, created_at, updated_at, state_since) "
                        "VALUES (1, 1, 'x', 'x', '91370200MA00000001', 'x', 0, 0, 'C', 'draft', "
                        "'eligible', '{}', 1, 0, 0, 0)",
                        NULL, 0, NULL, &err),
              0);
    CHECK_INT(notify_deadlines(s, g, today + 6, 10, &n, &err), 0);
    CHECK_INT(n.queued, 1); /* the 1-day reminder: only a draft */
    CHECK_INT(store_sql(s, "DELETE FROM notify_outbox WHERE msg_key LIKE 'deadline:%:1:%'", NULL, 0,
                        NULL, &err),
              0);
    CHECK_INT(store_sql(s, "UPDATE application SET state = 'submitted'", NULL, 0, NULL, &err), 0);
    CHECK_INT(notify_deadlines(s, g, today + 6, 10, &n, &err), 0);
    CHECK_INT(n.queued, 0);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox WHERE msg_key LIKE 'deadline:%:7:%'"),
              1);
    /* application events and commissioner assignment: once each */
    CHECK_INT(
        notify_application_changed(s, 9, 1, firms[0].uscc, "规上企业奖励", "approved", 10, &err),
        0);
    CHECK_INT(
        notify_application_changed(s, 9, 1, firms[0].uscc, "规上企业奖励", "approved", 10, &err),
        0);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox WHERE topic = 'application'"), 1);
    CHECK_INT(notify_commissioner_assigned(s, firms[1].uscc, 5, "王专员", "0532-1234", 10, &err),
              0);
    CHECK_INT(count(s, "SELECT COUNT(*) FROM notify_outbox WHERE topic = 'commissioner'"), 1);
    index_gen_release(g);
    store_close(s);
    remove_temp(t);
}
