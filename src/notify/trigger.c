/* Owns the triggers: who is told what when a policy is published (the matching engine's eligible,
 * unknown and nearly-eligible sets of each clause), when a deadline nears, when an application
 * moves, when a commissioner is assigned (the commissioners' daily digest is digest.c's). Each
 * message gets a key naming the event and the recipient, so running a trigger twice queues nothing
 * new. Does not deliver (send.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"
#include "match/match.h"
#include "notify/notify.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/date.h"

enum event_kind { EV_ELIGIBLE, EV_UNKNOWN, EV_NEARLY };

struct clause_ctx {
    const struct policy *p;
    const struct clause *c;
    char deadline[64];
};

static void deadline_text(const struct clause *c, const struct policy *p, char *out, size_t n) {
    int32_t d = c->deadline != STORE_NO_DATE ? c->deadline : p->deadline;
    if (d == STORE_NO_DATE) {
        snprintf(out, n, "申报不设截止日期");
        return;
    }
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    snprintf(out, n, "申报截止 %d年%d月%d日", y, m, dd);
}

static void publish_text(const struct clause_ctx *x, enum event_kind k, const char *missing,
                         struct buf *subject, struct buf *body) {
    const char *title = x->c->title ? x->c->title : "";
    static const char *const lead[] = {"您符合", "您可能符合", "您差一项条件即符合"};
    buf_clear(subject);
    buf_clear(body);
    buf_printf(subject, "新政策：%s「%s」", lead[k], title);
    buf_printf(body, "《%s》", x->p->title ? x->p->title : "");
    if (x->p->doc_no) buf_printf(body, "（%s）", x->p->doc_no);
    buf_printf(body, "第%d条「%s」已发布。", x->c->seq, title);
    if (k == EV_ELIGIBLE)
        buf_puts(body, "根据贵企业在平台的数据，贵企业符合申报条件。");
    else if (k == EV_UNKNOWN)
        buf_puts(body, "贵企业可能符合申报条件，但平台缺少部分数据，请补充企业信息后确认。");
    else
        buf_printf(body, "贵企业还差一项条件：%s。", missing);
    buf_printf(body, "%s。", x->deadline);
}

/* Queues one message per row of set. */
static int queue_set(struct notify_queue *q, const struct index_gen *g, const roaring_bitmap_t *set,
                     const struct clause_ctx *x, enum event_kind k, const char *missing,
                     int64_t *count, struct error *err) {
    struct buf subject, body;
    buf_init(&subject);
    buf_init(&body);
    publish_text(x, k, missing, &subject, &body);
    char ref[64];
    snprintf(ref, sizeof ref, "policy:%lld:clause:%lld", (long long)x->p->id, (long long)x->c->id);
    roaring_uint32_iterator_t *it = roaring_create_iterator(set);
    int rc = 0;
    for (; !rc && it->has_value; roaring_advance_uint32_iterator(it)) {
        char uscc[24], key[96];
        index_row_uscc(g, it->current_value, uscc, sizeof uscc);
        snprintf(key, sizeof key, "publish:%lld:%d:%s", (long long)x->c->id, x->c->version, uscc);
        struct notify_msg m = {.key = key,
                               .recipient = uscc,
                               .channel = NOTIFY_INAPP,
                               .topic = "publish",
                               .subject = buf_str(&subject),
                               .body = buf_str(&body),
                               .ref = ref};
        rc = notify_queue_add(q, &m, err);
        (*count)++;
    }
    roaring_free_uint32_iterator(it);
    buf_release(&subject);
    buf_release(&body);
    return rc;
}

static int publish_clause(struct notify_queue *q, const struct index_gen *g,
                          const struct clause_ctx *x, struct notify_counts *n, struct error *err) {
    struct rule *ru;
    const char *src = x->c->rule ? x->c->rule : "";
    int rc = rules_compile(src, strlen(src), "clause", &ru, err);
    if (rc) return rc;
    const struct rule_version *v = rules_version_at(ru, index_gen_today(g));
    if (!v) {
        rules_free(ru);
        return 0; /* no version in force today: nobody qualifies now */
    }
    struct match_sets sets;
    struct match_nearly near = {0};
    rc = match_cond(g, v->cond, &sets, err);
    if (!rc) rc = match_nearly(g, v->cond, &near, err);
    if (!rc) rc = queue_set(q, g, sets.eligible, x, EV_ELIGIBLE, NULL, &n->eligible, err);
    if (!rc) rc = queue_set(q, g, sets.unknown, x, EV_UNKNOWN, NULL, &n->unknown, err);
    struct buf cond;
    buf_init(&cond);
    for (int i = 0; !rc && i < near.n_groups; i++) {
        buf_clear(&cond);
        rules_describe_cond(near.groups[i].cond, false, &cond); /* for people: 不低于, not >= */
        rc = queue_set(q, g, near.groups[i].rows, x, EV_NEARLY, buf_str(&cond), &n->nearly, err);
    }
    buf_release(&cond);
    match_sets_release(&sets);
    match_nearly_release(&near);
    rules_free(ru);
    return rc;
}

int notify_policy_published(struct store *s, const struct index_gen *g, int64_t policy_id,
                            int64_t now, struct notify_counts *out, struct error *err) {
    struct notify_counts n = {0};
    struct arena a;
    arena_init(&a, 1 << 14);
    struct policy p;
    struct clause *cs = NULL;
    int n_cs = 0;
    int rc = store_get_policy(s, policy_id, &p, &a, err);
    if (!rc) rc = store_list_clauses(s, policy_id, POLICY_PUBLISHED, &a, &cs, &n_cs, err);
    struct notify_queue *q = NULL;
    if (!rc && p.status == POLICY_PUBLISHED) rc = notify_queue_new(s, now, &q, err);
    for (int i = 0; !rc && q && i < n_cs; i++) {
        struct clause_ctx x = {.p = &p, .c = &cs[i]};
        deadline_text(&cs[i], &p, x.deadline, sizeof x.deadline);
        rc = publish_clause(q, g, &x, &n, err);
    }
    rc = notify_queue_end(q, rc, &n.queued, err);
    arena_release(&a);
    if (out) *out = n;
    return rc;
}

int notify_publish_later(struct store *s, int64_t policy_id, int64_t now, struct error *err) {
    struct store_val a[] = {store_val_int(policy_id), store_val_int(now)};
    return store_sql(s, "INSERT INTO notify_event (kind, ref_id, created) VALUES ('publish', ?, ?)",
                     a, 2, NULL, err);
}

int64_t notify_events_pending(struct store *s) {
    int64_t n = 0;
    struct error err;
    if (store_sql_int(s, "SELECT COUNT(*) FROM notify_event WHERE done IS NULL", NULL, 0, 0, &n,
                      &err))
        return 0;
    return n;
}

int notify_run_events(struct store *s, const struct index_gen *g, int64_t now,
                      struct notify_counts *out, struct error *err) {
    struct notify_counts total = {0};
    struct store_rows *r;
    int rc = store_sql(s, "SELECT id, ref_id FROM notify_event WHERE done IS NULL ORDER BY id",
                       NULL, 0, &r, err);
    if (rc) return rc;
    for (int i = 0; !rc && i < store_rows_count(r); i++) {
        struct notify_counts n;
        rc = notify_policy_published(s, g, store_rows_int(r, i, 1), now, &n, err);
        if (rc == ERR_NOTFOUND) { /* the policy is gone: nothing to tell */
            error_clear(err);
            rc = 0;
            n = (struct notify_counts){0};
        }
        struct store_val a[] = {store_val_int(now), store_val_int(n.queued),
                                store_val_int(store_rows_int(r, i, 0))};
        if (!rc)
            rc = store_sql(s, "UPDATE notify_event SET done = ?, queued = ? WHERE id = ?", a, 3,
                           NULL, err);
        total.eligible += n.eligible;
        total.unknown += n.unknown;
        total.nearly += n.nearly;
        total.queued += n.queued;
    }
    store_rows_free(r);
    if (out) *out = total;
    return rc;
}

int notify_run_pending(struct store *s, int64_t now, struct notify_counts *out, struct error *err) {
    if (out) *out = (struct notify_counts){0};
    if (notify_events_pending(s) == 0) return 0;
    struct index_gen *g;
    int rc = index_load(s, date_today(), &g, err);
    if (rc) return rc;
    rc = notify_run_events(s, g, now, out, err);
    index_gen_release(g);
    return rc;
}

/* ---- deadlines ---- */

/* Rows of firms that applied to the clause (the workflow's table `application`: anything past a
 * draft and not rejected), removed from set. A store without that table has no applications. */
static void remove_applied(struct store *s, const struct index_gen *g, int64_t clause_id,
                           roaring_bitmap_t *set) {
    struct store_val a[] = {store_val_int(clause_id)};
    struct store_rows *r;
    struct error err;
    if (store_sql(s,
                  "SELECT uscc FROM application WHERE clause_id = ? AND state NOT IN "
                  "('draft', 'rejected')",
                  a, 1, &r, &err))
        return;
    for (int i = 0; i < store_rows_count(r); i++) {
        uint32_t row;
        if (index_find_uscc(g, store_rows_text(r, i, 0), &row) == 0)
            roaring_bitmap_remove(set, row);
    }
    store_rows_free(r);
}

static int remind_clause(struct store *s, struct notify_queue *q, const struct index_gen *g,
                         const struct policy *p, const struct clause *c, int days, bool has_apps,
                         int64_t *count, struct error *err) {
    struct rule *ru;
    const char *src = c->rule ? c->rule : "";
    int rc = rules_compile(src, strlen(src), "clause", &ru, err);
    if (rc) return rc;
    const struct rule_version *v = rules_version_at(ru, index_gen_today(g));
    roaring_bitmap_t *set = NULL;
    if (v) rc = match_eligible(g, v->cond, &set, err);
    if (!rc && set) {
        if (has_apps) remove_applied(s, g, c->id, set);
        char subject[512], body[1024], ref[64], dl[64];
        deadline_text(c, p, dl, sizeof dl);
        snprintf(subject, sizeof subject, "申报提醒：「%s」还有%d天截止", c->title ? c->title : "",
                 days);
        snprintf(body, sizeof body,
                 "贵企业符合《%s》第%d条「%s」的申报条件，尚未申报。%s，请及时办理。",
                 p->title ? p->title : "", c->seq, c->title ? c->title : "", dl);
        snprintf(ref, sizeof ref, "policy:%lld:clause:%lld", (long long)p->id, (long long)c->id);
        roaring_uint32_iterator_t *it = roaring_create_iterator(set);
        for (; !rc && it->has_value; roaring_advance_uint32_iterator(it)) {
            char uscc[24], key[96];
            index_row_uscc(g, it->current_value, uscc, sizeof uscc);
            snprintf(key, sizeof key, "deadline:%lld:%d:%s", (long long)c->id, days, uscc);
            struct notify_msg m = {.key = key,
                                   .recipient = uscc,
                                   .topic = "deadline",
                                   .subject = subject,
                                   .body = body,
                                   .ref = ref};
            rc = notify_queue_add(q, &m, err);
            (*count)++;
        }
        roaring_free_uint32_iterator(it);
    }
    if (set) roaring_bitmap_free(set);
    rules_free(ru);
    return rc;
}

int notify_deadlines(struct store *s, const struct index_gen *g, int32_t today, int64_t now,
                     struct notify_counts *out, struct error *err) {
    struct notify_counts n = {0};
    struct arena a;
    arena_init(&a, 1 << 14);
    struct clause *cs = NULL;
    int n_cs = 0;
    int rc = store_list_clauses(s, 0, POLICY_PUBLISHED, &a, &cs, &n_cs, err);
    /* asked before the queue's transaction: on PostgreSQL a failed statement spoils it */
    int64_t ignored;
    struct error e2;
    bool has_apps = store_sql_int(s, "SELECT COUNT(*) FROM application WHERE 1 = 0", NULL, 0, 0,
                                  &ignored, &e2) == 0;
    struct notify_queue *q = NULL;
    if (!rc) rc = notify_queue_new(s, now, &q, err);
    for (int i = 0; !rc && i < n_cs; i++) {
        struct policy p;
        rc = store_get_policy(s, cs[i].policy_id, &p, &a, err);
        if (rc) break;
        int32_t d = cs[i].deadline != STORE_NO_DATE ? cs[i].deadline : p.deadline;
        if (d == STORE_NO_DATE || (d - today != 7 && d - today != 1)) continue;
        rc = remind_clause(s, q, g, &p, &cs[i], d - today, has_apps, &n.eligible, err);
    }
    rc = notify_queue_end(q, rc, &n.queued, err);
    arena_release(&a);
    if (out) *out = n;
    return rc;
}

/* ---- single events ---- */

static const char *state_label(const char *state) {
    static const char *const map[][2] = {
        {"draft", "草稿"},      {"submitted", "已提交"},  {"accepted", "已受理"},
        {"reviewed", "已审核"}, {"returned", "退回补正"}, {"approved", "审核通过"},
        {"rejected", "未通过"}, {"paid", "已兑付"},       {"withdrawn", "已撤回"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i][0], state) == 0) return map[i][1];
    return state;
}

int notify_application_changed(struct store *s, int64_t application_id, int64_t event_id,
                               const char *uscc, const char *clause_title, const char *state,
                               int64_t now, struct error *err) {
    if (!uscc || !state)
        return error_set(err, ERR_INVALID, "缺少企业或状态", "the firm or the state is missing");
    char key[96], subject[512], body[1024], ref[48];
    snprintf(key, sizeof key, "app:%lld:%lld", (long long)application_id, (long long)event_id);
    snprintf(subject, sizeof subject, "申报进度：%s", state_label(state));
    snprintf(body, sizeof body, "贵企业关于「%s」的申报（编号 %lld）状态已更新为「%s」。",
             clause_title ? clause_title : "", (long long)application_id, state_label(state));
    snprintf(ref, sizeof ref, "app:%lld", (long long)application_id);
    struct notify_msg m = {.key = key,
                           .recipient = uscc,
                           .topic = "application",
                           .subject = subject,
                           .body = body,
                           .ref = ref};
    return notify_enqueue(s, &m, now, NULL, err);
}

int notify_commissioner_assigned(struct store *s, const char *uscc, int64_t commissioner_id,
                                 const char *commissioner_name, const char *contact, int64_t now,
                                 struct error *err) {
    if (!uscc || !commissioner_name)
        return error_set(err, ERR_INVALID, "缺少企业或专员",
                         "the firm or the commissioner is missing");
    char key[96], body[1024];
    snprintf(key, sizeof key, "commissioner:%s:%lld", uscc, (long long)commissioner_id);
    snprintf(body, sizeof body, "已为贵企业指派政策服务专员 %s%s%s，可咨询政策和申报事宜。",
             commissioner_name, contact && *contact ? "，联系方式 " : "", contact ? contact : "");
    struct notify_msg m = {.key = key,
                           .recipient = uscc,
                           .topic = "commissioner",
                           .subject = "已为您指派政策服务专员",
                           .body = body,
                           .ref = NULL};
    return notify_enqueue(s, &m, now, NULL, err);
}

/* ---- held messages (recipients who asked for a digest) ---- */

int notify_flush_held(struct store *s, int32_t day, int64_t now, int64_t *n_digests,
                      struct error *err) {
    *n_digests = 0;
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT recipient, channel, subject FROM notify_outbox WHERE state = 'held' "
                       "ORDER BY recipient, channel, id",
                       NULL, 0, &r, err);
    if (rc) return rc;
    char dbuf[16];
    date_format(day, dbuf, sizeof dbuf);
    rc = store_begin(s, err);
    int n = store_rows_count(r);
    for (int i = 0; !rc && i < n;) {
        const char *rcpt = store_rows_text(r, i, 0), *ch = store_rows_text(r, i, 1);
        struct buf body;
        buf_init(&body);
        int j = i, k = 0;
        for (; j < n && strcmp(store_rows_text(r, j, 0), rcpt) == 0 &&
               strcmp(store_rows_text(r, j, 1), ch) == 0;
             j++)
            buf_printf(&body, "%d. %s\n", ++k, store_rows_text(r, j, 2));
        char key[160], subject[128];
        snprintf(key, sizeof key, "held:%s:%s:%s", rcpt, ch, dbuf);
        snprintf(subject, sizeof subject, "政策通每日汇总（%d 条）", k);
        struct store_val a[] = {
            store_val_text(key),     store_val_text(rcpt),           store_val_text(ch),
            store_val_text(subject), store_val_text(buf_str(&body)), store_val_int(now),
            store_val_int(now)};
        rc = store_sql(s,
                       "INSERT INTO notify_outbox (msg_key, recipient, channel, topic, subject, "
                       "body, created, next_at) VALUES (?, ?, ?, 'digest', ?, ?, ?, ?) ON CONFLICT "
                       "(msg_key) DO NOTHING",
                       a, 7, NULL, err);
        if (!rc) *n_digests += store_sql_changes(s);
        struct store_val b[] = {store_val_text(rcpt), store_val_text(ch)};
        if (!rc)
            rc = store_sql(s,
                           "UPDATE notify_outbox SET state = 'merged' WHERE state = 'held' AND "
                           "recipient = ? AND channel = ?",
                           b, 2, NULL, err);
        buf_release(&body);
        i = j;
    }
    store_rows_free(r);
    if (!rc) return store_commit(s, err);
    store_rollback(s);
    return rc;
}
