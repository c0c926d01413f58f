/* Owns the request tables (requests, their history, routes, FAQ entries, the calendar's table),
 * filing with routing and a deadline, the state machine, escalation of overdue requests, FAQ
 * publication and the statistics. The calendar's arithmetic is calendar.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify/notify.h"
#include "refdata/refdata.h"
#include "search/search.h"
#include "store/store.h"
#include "ticket/ticket.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/utf8.h"

const char *const store_module_ticket[] = {
    "CREATE TABLE ticket_calendar (day BIGINT PRIMARY KEY, kind TEXT NOT NULL, name TEXT);"
    "CREATE TABLE ticket_route (id {ID}, topic TEXT NOT NULL, region BIGINT NOT NULL, level "
    "BIGINT NOT NULL, dept TEXT NOT NULL, assignee BIGINT NOT NULL, sla_days BIGINT NOT NULL, "
    "UNIQUE (topic, region, level));"
    "CREATE TABLE ticket (id {ID}, kind TEXT NOT NULL, topic TEXT NOT NULL, region BIGINT NOT "
    "NULL, requester TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, clause_id BIGINT NOT "
    "NULL, state TEXT NOT NULL, level BIGINT NOT NULL, dept TEXT, assignee BIGINT NOT NULL, filed "
    "BIGINT NOT NULL, due BIGINT NOT NULL, escalate_at BIGINT, answered BIGINT, answer TEXT, "
    "satisfaction BIGINT NOT NULL DEFAULT 0, escalations BIGINT NOT NULL DEFAULT 0, created "
    "BIGINT NOT NULL, updated BIGINT NOT NULL);"
    "CREATE INDEX ticket_open ON ticket (state, due);"
    "CREATE INDEX ticket_requester ON ticket (requester);"
    "CREATE TABLE ticket_event (id {ID}, ticket_id BIGINT NOT NULL, at BIGINT NOT NULL, by_whom "
    "TEXT, from_state TEXT, to_state TEXT NOT NULL, note TEXT);"
    "CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id);"
    "CREATE TABLE ticket_faq (id {ID}, ticket_id BIGINT NOT NULL UNIQUE, clause_id BIGINT NOT "
    "NULL, question TEXT NOT NULL, answer TEXT NOT NULL, published BIGINT NOT NULL);",
    NULL};

static const char *const kind_keys[] = {"question", "disclosure", "problem"};
static const int kind_sla[] = {5, 20, 3}; /* working days; 依申请公开: 20 by law */

const char *ticket_kind_key(enum ticket_kind k) {
    return (unsigned)k < TICKET_KIND_COUNT ? kind_keys[k] : NULL;
}

int ticket_kind_from_key(const char *key) {
    for (int i = 0; key && i < TICKET_KIND_COUNT; i++)
        if (strcmp(key, kind_keys[i]) == 0) return i;
    return -1;
}

static bool is_text(const char *s, size_t max) {
    return s && *s && strlen(s) <= max && utf8_is_valid(s, strlen(s), NULL);
}

int ticket_route_put(struct store *s, const char *topic, int region, int level, const char *dept,
                     int64_t assignee, int sla_days, struct error *err) {
    if (!is_text(topic, 31) || !is_text(dept, 95) || level < 0 || level > LEVEL_HUB ||
        sla_days < 0 || sla_days > 60)
        return error_set(err, ERR_INVALID, "路由需要主题、部门、层级(0–3)和 0–60 个工作日",
                         "a route needs a topic, a department, a level 0–3 and 0–60 working days");
    struct store_val a[] = {store_val_text(topic),   store_val_int(region),
                            store_val_int(level),    store_val_text(dept),
                            store_val_int(assignee), store_val_int(sla_days)};
    return store_sql(s,
                     "INSERT INTO ticket_route (topic, region, level, dept, assignee, sla_days) "
                     "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (topic, region, level) DO UPDATE SET "
                     "dept = excluded.dept, assignee = excluded.assignee, sla_days = "
                     "excluded.sla_days",
                     a, 6, NULL, err);
}

struct route {
    bool is_found;
    int level;
    char dept[96];
    int64_t assignee;
    int sla_days;
};

/* The most specific route at `level` or above: the topic itself before "*", then the smallest
 * region containing the request's. */
static int route_find(struct store *s, const char *topic, int region, int level, struct route *out,
                      struct error *err) {
    memset(out, 0, sizeof *out);
    for (int lv = level; lv <= LEVEL_HUB && !out->is_found; lv++) {
        struct store_val a[] = {store_val_int(lv), store_val_text(topic)};
        struct store_rows *r;
        int rc = store_sql(s,
                           "SELECT topic, region, dept, assignee, sla_days FROM ticket_route WHERE "
                           "level = ? AND (topic = ? OR topic = '*')",
                           a, 2, &r, err);
        if (rc) return rc;
        int best = -1, best_region = -1;
        bool best_exact = false;
        for (int i = 0; i < store_rows_count(r); i++) {
            int rr = (int)store_rows_int(r, i, 1);
            bool exact = strcmp(store_rows_text(r, i, 0), "*") != 0;
            if (rr >= 0 && (region < 0 || !region_is_within(region, rr))) continue;
            bool better = best < 0 || (exact && !best_exact) ||
                          (exact == best_exact && rr >= 0 &&
                           (best_region < 0 || region_is_within(rr, best_region)));
            if (better) {
                best = i;
                best_region = rr;
                best_exact = exact;
            }
        }
        if (best >= 0) {
            out->is_found = true;
            out->level = lv;
            snprintf(out->dept, sizeof out->dept, "%s", store_rows_text(r, best, 2));
            out->assignee = store_rows_int(r, best, 3);
            out->sla_days = (int)store_rows_int(r, best, 4);
        }
        store_rows_free(r);
    }
    return 0;
}

static int add_event(struct store *s, int64_t id, int64_t now, const char *by, const char *from,
                     const char *to, const char *note, struct error *err) {
    struct store_val a[] = {store_val_int(id),    store_val_int(now), store_val_text(by),
                            store_val_text(from), store_val_text(to), store_val_text(note)};
    return store_sql(s,
                     "INSERT INTO ticket_event (ticket_id, at, by_whom, from_state, to_state, "
                     "note) VALUES (?, ?, ?, ?, ?, ?)",
                     a, 6, NULL, err);
}

/* Tells the requester (src/notify): one message per event. */
static int tell(struct store *s, int64_t id, const char *requester, const char *subject,
                const char *body, int64_t now, struct error *err) {
    int64_t ev = 0;
    int rc = store_sql_int(s, "SELECT MAX(id) FROM ticket_event", NULL, 0, 0, &ev, err);
    if (rc) return rc;
    char key[96], ref[48];
    snprintf(key, sizeof key, "ticket:%lld:%lld", (long long)id, (long long)ev);
    snprintf(ref, sizeof ref, "ticket:%lld", (long long)id);
    struct notify_msg m = {.key = key,
                           .recipient = requester,
                           .topic = "ticket",
                           .subject = subject,
                           .body = body,
                           .ref = ref};
    return notify_enqueue(s, &m, now, NULL, err);
}

int ticket_file(struct store *s, const struct ticket_calendar *cal, const struct ticket_new *t,
                int32_t today, int64_t now, int64_t *id, struct error *err) {
    if ((unsigned)t->kind >= TICKET_KIND_COUNT) {
        error_set(err, ERR_INVALID, "诉求类型无效", "unknown request kind");
        return error_field(err, "kind");
    }
    if (!is_text(t->topic, 31)) {
        error_set(err, ERR_INVALID, "缺少主题", "the topic is missing");
        return error_field(err, "topic");
    }
    if (!is_text(t->title, 200)) {
        error_set(err, ERR_INVALID, "标题为 1–200 字节的文本", "the title is 1–200 bytes of text");
        return error_field(err, "title");
    }
    if (!is_text(t->body, 20000)) {
        error_set(err, ERR_INVALID, "内容为 1–20000 字节的文本", "the text is 1–20000 bytes");
        return error_field(err, "body");
    }
    if (!is_text(t->requester, 63))
        return error_set(err, ERR_INVALID, "缺少诉求人", "the requester is missing");
    struct route r;
    int rc = route_find(s, t->topic, t->region, LEVEL_COMMISSIONER, &r, err);
    if (rc) return rc;
    int sla = r.sla_days > 0 ? r.sla_days : kind_sla[t->kind];
    if (t->kind == TICKET_DISCLOSURE && sla > 20) sla = 20;
    int32_t due = ticket_add_workdays(cal, today, sla);
    const char *state = r.is_found ? "assigned" : "received";
    rc = store_begin(s, err);
    if (rc) return rc;
    struct store_val a[] = {store_val_text(kind_keys[t->kind]),
                            store_val_text(t->topic),
                            store_val_int(t->region),
                            store_val_text(t->requester),
                            store_val_text(t->title),
                            store_val_text(t->body),
                            store_val_int(t->clause_id),
                            store_val_text(state),
                            store_val_int(r.is_found ? r.level : LEVEL_HUB),
                            store_val_text(r.is_found ? r.dept : NULL),
                            store_val_int(r.assignee),
                            store_val_int(today),
                            store_val_int(due),
                            store_val_int(now),
                            store_val_int(now)};
    rc =
        store_sql_int(s,
                      "INSERT INTO ticket (kind, topic, region, requester, title, body, clause_id, "
                      "state, level, dept, assignee, filed, due, created, updated) VALUES (?, ?, "
                      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      a, 15, 0, id, err);
    if (!rc) rc = add_event(s, *id, now, t->requester, NULL, "received", NULL, err);
    if (!rc && r.is_found) rc = add_event(s, *id, now, "route", "received", state, r.dept, err);
    char body[512];
    int y, m, d;
    date_to_ymd(due, &y, &m, &d);
    snprintf(body, sizeof body,
             "您的诉求「%.200s」(编号 %lld)已受理%s%s,承诺办结时限 %d年%d月%d日。", t->title,
             (long long)*id, r.is_found ? ",承办单位:" : "", r.is_found ? r.dept : "", y, m, d);
    if (!rc) rc = tell(s, *id, t->requester, "诉求已受理", body, now, err);
    if (!rc) rc = store_commit(s, err);
    if (rc) store_rollback(s);
    return rc;
}

int ticket_get(struct store *s, int64_t id, struct arena *a, struct ticket *out,
               struct error *err) {
    struct store_val v[] = {store_val_int(id)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT id, kind, topic, state, requester, dept, region, level, assignee, "
                       "clause_id, filed, due, answered, satisfaction, escalations, title, body, "
                       "answer FROM ticket WHERE id = ?",
                       v, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return error_set(err, ERR_NOTFOUND, "没有编号为 %lld 的诉求", "no request %lld",
                         (long long)id);
    }
    memset(out, 0, sizeof *out);
    out->id = store_rows_int(r, 0, 0);
    snprintf(out->kind, sizeof out->kind, "%s", store_rows_text(r, 0, 1));
    snprintf(out->topic, sizeof out->topic, "%s", store_rows_text(r, 0, 2));
    snprintf(out->state, sizeof out->state, "%s", store_rows_text(r, 0, 3));
    snprintf(out->requester, sizeof out->requester, "%s", store_rows_text(r, 0, 4));
    snprintf(out->dept, sizeof out->dept, "%s", store_rows_text(r, 0, 5));
    out->region = (int)store_rows_int(r, 0, 6);
    out->level = (int)store_rows_int(r, 0, 7);
    out->assignee = store_rows_int(r, 0, 8);
    out->clause_id = store_rows_int(r, 0, 9);
    out->filed = (int32_t)store_rows_int(r, 0, 10);
    out->due = (int32_t)store_rows_int(r, 0, 11);
    out->answered = store_rows_is_null(r, 0, 12) ? INT32_MIN : (int32_t)store_rows_int(r, 0, 12);
    out->satisfaction = (int)store_rows_int(r, 0, 13);
    out->escalations = (int)store_rows_int(r, 0, 14);
    out->title = arena_strdup(a, store_rows_text(r, 0, 15));
    out->body = arena_strdup(a, store_rows_text(r, 0, 16));
    out->answer = store_rows_is_null(r, 0, 17) ? NULL : arena_strdup(a, store_rows_text(r, 0, 17));
    store_rows_free(r);
    return 0;
}

static bool is_open(const char *state) {
    return strcmp(state, "received") == 0 || strcmp(state, "assigned") == 0 ||
           strcmp(state, "in_progress") == 0;
}

/* Checks the move and says what the row becomes. */
static int check_move(const struct ticket *t, const char *to, const char *text, int satisfaction,
                      const char *dept, struct error *err) {
    const char *from = t->state;
    bool ok = false;
    if (strcmp(to, "in_progress") == 0)
        ok = strcmp(from, "assigned") == 0;
    else if (strcmp(to, "answered") == 0) /* the hub answers what no route took ('received') */
        ok = is_open(from);
    else if (strcmp(to, "closed") == 0)
        ok = strcmp(from, "answered") == 0;
    else if (strcmp(to, "transferred") == 0)
        ok = is_open(from);
    else
        return error_set(err, ERR_INVALID, "未知状态 %s", "unknown state %s", to);
    if (!ok)
        return error_set(err, ERR_CONFLICT, "诉求处于「%s」,不能转为「%s」",
                         "a request in state %s cannot move to %s", from, to);
    if (strcmp(to, "answered") == 0 && !is_text(text, 20000)) {
        error_set(err, ERR_INVALID, "答复内容不能为空", "the answer is missing");
        return error_field(err, "answer");
    }
    if (strcmp(to, "closed") == 0 && (satisfaction < 1 || satisfaction > 5)) {
        error_set(err, ERR_INVALID, "满意度应为 1–5", "satisfaction must be 1–5");
        return error_field(err, "satisfaction");
    }
    if (strcmp(to, "transferred") == 0 && !is_text(dept, 95)) {
        error_set(err, ERR_INVALID, "转办需要目标部门", "a transfer needs the department");
        return error_field(err, "dept");
    }
    if (text && !utf8_is_valid(text, strlen(text), NULL))
        return error_set(err, ERR_UTF8, "文本不是有效的 UTF-8", "text is not valid UTF-8");
    return 0;
}

int ticket_move(struct store *s, int64_t id, const char *to, const char *by, const char *text,
                int satisfaction, const char *dept, int32_t today, int64_t now, struct error *err) {
    struct arena a;
    arena_init(&a, 4096);
    struct ticket t;
    int rc = ticket_get(s, id, &a, &t, err);
    if (!rc) rc = check_move(&t, to, text, satisfaction, dept, err);
    if (!rc) rc = store_begin(s, err);
    if (rc) {
        arena_release(&a);
        return rc;
    }
    const char *final = strcmp(to, "transferred") == 0 ? "assigned" : to;
    struct store_val v[] = {store_val_text(final),
                            store_val_text(strcmp(to, "transferred") == 0 ? dept : t.dept),
                            store_val_int(now), store_val_int(id), store_val_text(t.state)};
    rc = store_sql(s,
                   "UPDATE ticket SET state = ?, dept = ?, updated = ? WHERE id = ? AND state = ?",
                   v, 5, NULL, err);
    if (!rc && store_sql_changes(s) != 1)
        rc = error_set(err, ERR_CONFLICT, "诉求已被他人更新", "the request changed meanwhile");
    if (!rc && strcmp(to, "answered") == 0) {
        struct store_val w[] = {store_val_int(today), store_val_text(text), store_val_int(id)};
        rc = store_sql(s, "UPDATE ticket SET answered = ?, answer = ? WHERE id = ?", w, 3, NULL,
                       err);
    }
    if (!rc && strcmp(to, "closed") == 0) {
        struct store_val w[] = {store_val_int(satisfaction), store_val_int(id)};
        rc = store_sql(s, "UPDATE ticket SET satisfaction = ? WHERE id = ?", w, 2, NULL, err);
    }
    if (!rc)
        rc = add_event(s, id, now, by, t.state, to, strcmp(to, "transferred") == 0 ? dept : text,
                       err);
    if (!rc && strcmp(to, "transferred") == 0)
        rc = add_event(s, id, now, by, "transferred", "assigned", dept, err);
    if (!rc && strcmp(to, "answered") == 0) {
        char body[1024];
        snprintf(body, sizeof body, "您的诉求「%.200s」(编号 %lld)已答复:%.600s", t.title,
                 (long long)id, text);
        rc = tell(s, id, t.requester, "诉求已答复", body, now, err);
    }
    if (!rc) rc = store_commit(s, err);
    if (rc) store_rollback(s);
    arena_release(&a);
    return rc;
}

#define ESCALATION_GRACE 2 /* working days a level has after an escalation before the next */

int ticket_escalate_overdue(struct store *s, const struct ticket_calendar *cal, int32_t today,
                            int64_t now, int64_t *n, struct error *err) {
    *n = 0;
    struct store_val a[] = {store_val_int(today), store_val_int(today), store_val_int(LEVEL_HUB)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT id, topic, region, level, state FROM ticket WHERE state IN "
                       "('received', 'assigned', 'in_progress') AND due < ? AND (escalate_at IS "
                       "NULL OR escalate_at <= ?) AND level < ? ORDER BY id",
                       a, 3, &r, err);
    if (rc) return rc;
    for (int i = 0; !rc && i < store_rows_count(r); i++) {
        int64_t id = store_rows_int(r, i, 0);
        int level = (int)store_rows_int(r, i, 3) + 1;
        struct route rt;
        rc = route_find(s, store_rows_text(r, i, 1), (int)store_rows_int(r, i, 2), level, &rt, err);
        if (rc) break;
        if (rt.is_found) level = rt.level;
        rc = store_begin(s, err);
        if (rc) break;
        struct store_val v[] = {store_val_int(level),
                                store_val_text(rt.is_found ? rt.dept : NULL),
                                store_val_int(rt.assignee),
                                store_val_text(rt.is_found ? "assigned" : store_rows_text(r, i, 4)),
                                store_val_int(ticket_add_workdays(cal, today, ESCALATION_GRACE)),
                                store_val_int(now),
                                store_val_int(id)};
        rc = store_sql(s,
                       "UPDATE ticket SET level = ?, dept = COALESCE(?, dept), assignee = ?, "
                       "state = ?, escalate_at = ?, escalations = escalations + 1, updated = ? "
                       "WHERE id = ?",
                       v, 7, NULL, err);
        static const char *const names[] = {"专员", "服务站", "区(市)服务中心", "市级枢纽"};
        char note[160];
        snprintf(note, sizeof note, "超期升级至%s%s%s", names[level], rt.is_found ? ":" : "",
                 rt.is_found ? rt.dept : "");
        if (!rc)
            rc = add_event(s, id, now, "system", store_rows_text(r, i, 4), "escalated", note, err);
        if (!rc) rc = store_commit(s, err);
        if (rc)
            store_rollback(s);
        else
            (*n)++;
    }
    store_rows_free(r);
    return rc;
}

int ticket_publish_faq(struct store *s, int64_t id, int64_t clause_id, int64_t now, int64_t *faq_id,
                       struct error *err) {
    struct arena a;
    arena_init(&a, 4096);
    struct ticket t;
    int rc = ticket_get(s, id, &a, &t, err);
    if (!rc && strcmp(t.kind, "question") != 0)
        rc = error_set(err, ERR_CONFLICT, "只有政策咨询可发布为常见问题",
                       "only policy questions become FAQ entries");
    if (!rc && !t.answer)
        rc = error_set(err, ERR_CONFLICT, "诉求尚未答复", "the request has no answer yet");
    int64_t cid = clause_id ? clause_id : t.clause_id;
    if (!rc && cid <= 0)
        rc = error_set(err, ERR_INVALID, "常见问题需要关联条款", "an FAQ entry needs a clause");
    if (!rc) {
        struct clause c;
        rc = store_get_clause(s, cid, &c, &a, err);
    }
    if (!rc) {
        struct store_val v[] = {store_val_int(id), store_val_int(cid), store_val_text(t.title),
                                store_val_text(t.answer), store_val_int(now)};
        rc = store_sql_int(s,
                           "INSERT INTO ticket_faq (ticket_id, clause_id, question, answer, "
                           "published) VALUES (?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO UPDATE "
                           "SET clause_id = excluded.clause_id, answer = excluded.answer "
                           "RETURNING id",
                           v, 5, 0, faq_id, err);
    }
    arena_release(&a);
    return rc;
}

int ticket_faq_search_docs(struct store *s, struct search_doc_list *l, struct error *err) {
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT f.id, f.clause_id, f.question, f.answer, f.published, p.code, "
                       "p.title, p.department FROM ticket_faq f JOIN clause c ON c.id = "
                       "f.clause_id JOIN policy p ON p.id = c.policy_id ORDER BY f.id",
                       NULL, 0, &r, err);
    if (rc) return rc;
    for (int i = 0; !rc && i < store_rows_count(r); i++) {
        char id[32];
        snprintf(id, sizeof id, "faq-%lld", (long long)store_rows_int(r, i, 0));
        struct search_doc d = {.id = id,
                               .policy_id = store_rows_text(r, i, 5),
                               .title = store_rows_text(r, i, 2),
                               .policy_title = store_rows_text(r, i, 6),
                               .text = store_rows_text(r, i, 3),
                               .department = store_rows_text(r, i, 7),
                               .kind = "常见问题",
                               .issued = (int32_t)(store_rows_int(r, i, 4) / 86400),
                               .valid_from = SEARCH_NO_DATE,
                               .valid_to = SEARCH_NO_DATE,
                               .amount_fen = -1,
                               .ref = store_rows_int(r, i, 1)};
        rc = search_doc_list_add(l, &d, err);
    }
    store_rows_free(r);
    return rc;
}

static json_t *group(struct store *s, const char *expr, int32_t today, bool is_region,
                     struct error *err) {
    char sql[900];
    snprintf(sql, sizeof sql,
             "SELECT %s, COUNT(*), SUM(CASE WHEN state IN ('received', 'assigned', "
             "'in_progress') THEN 1 ELSE 0 END), SUM(CASE WHEN answered IS NOT NULL THEN 1 ELSE "
             "0 END), SUM(CASE WHEN answered IS NOT NULL AND answered <= due THEN 1 ELSE 0 END), "
             "SUM(CASE WHEN answered IS NULL AND due < ? THEN 1 ELSE 0 END), SUM(CASE WHEN "
             "satisfaction > 0 THEN 1 ELSE 0 END), SUM(satisfaction) FROM ticket GROUP BY %s "
             "ORDER BY 2 DESC, 1",
             expr, expr);
    struct store_val a[] = {store_val_int(today)};
    struct store_rows *r;
    if (store_sql(s, sql, a, 1, &r, err)) return NULL;
    json_t *arr = json_array();
    for (int i = 0; i < store_rows_count(r); i++) {
        json_t *o = json_object();
        if (is_region) {
            int reg = (int)store_rows_int(r, i, 0);
            char name[256] = "全市";
            if (reg >= 0) region_path(reg, name, sizeof name);
            json_object_set_new(o, "code",
                                reg >= 0 ? json_integer(region_at(reg)->code) : json_null());
            json_object_set_new(o, "name", json_string(name));
        } else {
            json_object_set_new(o, "name", json_string(store_rows_text(r, i, 0)));
        }
        int64_t answered = store_rows_int(r, i, 3), on_time = store_rows_int(r, i, 4);
        int64_t rated = store_rows_int(r, i, 6), sum = store_rows_int(r, i, 7);
        json_object_set_new(o, "count", json_integer(store_rows_int(r, i, 1)));
        json_object_set_new(o, "open", json_integer(store_rows_int(r, i, 2)));
        json_object_set_new(o, "answered", json_integer(answered));
        json_object_set_new(o, "on_time", json_integer(on_time));
        json_object_set_new(o, "overdue_open", json_integer(store_rows_int(r, i, 5)));
        /* per mille and hundredths, integers: exact and rounded half up */
        json_object_set_new(o, "on_time_permille",
                            answered ? json_integer((on_time * 1000 + answered / 2) / answered)
                                     : json_null());
        json_object_set_new(o, "rated", json_integer(rated));
        json_object_set_new(o, "satisfaction_sum", json_integer(sum));
        json_object_set_new(o, "satisfaction_x100",
                            rated ? json_integer((sum * 100 + rated / 2) / rated) : json_null());
        json_array_append_new(arr, o);
    }
    store_rows_free(r);
    return arr;
}

int ticket_stats_json(struct store *s, int32_t today, char **out, struct error *err) {
    json_t *o = json_object();
    static const char *const dims[][2] = {{"by_topic", "topic"},
                                          {"by_dept", "COALESCE(dept, '')"},
                                          {"by_region", "region"},
                                          {"by_kind", "kind"}};
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof dims / sizeof *dims; i++) {
        json_t *g = group(s, dims[i][1], today, strcmp(dims[i][0], "by_region") == 0, err);
        if (!g)
            rc = err->code ? err->code : ERR_DB;
        else
            json_object_set_new(o, dims[i][0], g);
    }
    if (!rc) { /* the whole: the sum over kinds */
        static const char *const keys[] = {"count",   "open",         "answered",
                                           "on_time", "overdue_open", "rated"};
        json_t *total = json_object(), *kinds = json_object_get(o, "by_kind");
        int64_t sums[6] = {0}, sat = 0;
        for (size_t i = 0; i < json_array_size(kinds); i++) {
            json_t *k = json_array_get(kinds, i);
            for (int j = 0; j < 6; j++)
                sums[j] += json_integer_value(json_object_get(k, keys[j]));
            sat += json_integer_value(json_object_get(k, "satisfaction_sum"));
        }
        for (int j = 0; j < 6; j++)
            json_object_set_new(total, keys[j], json_integer(sums[j]));
        json_object_set_new(total, "on_time_permille",
                            sums[2] ? json_integer((sums[3] * 1000 + sums[2] / 2) / sums[2])
                                    : json_null());
        json_object_set_new(total, "satisfaction_x100",
                            sums[5] ? json_integer((sat * 100 + sums[5] / 2) / sums[5])
                                    : json_null());
        json_object_set_new(o, "total", total);
    }
    if (!rc) *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return rc;
}

static json_t *day_json(const struct store_rows *r, int i, int col) {
    if (store_rows_is_null(r, i, col)) return json_null();
    char buf[16];
    return json_string(date_format((int32_t)store_rows_int(r, i, col), buf, sizeof buf));
}

#define TICKET_COLS                                                                                \
    "id, kind, topic, state, requester, dept, region, level, assignee, clause_id, filed, due, "    \
    "answered, satisfaction, escalations, title, body, answer"

static json_t *ticket_row_json(const struct store_rows *r, int i, int32_t today) {
    static const char *const levels[] = {"commissioner", "station", "centre", "hub"};
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(store_rows_int(r, i, 0)));
    json_object_set_new(o, "kind", json_string(store_rows_text(r, i, 1)));
    json_object_set_new(o, "topic", json_string(store_rows_text(r, i, 2)));
    const char *state = store_rows_text(r, i, 3);
    json_object_set_new(o, "state", json_string(state));
    json_object_set_new(o, "requester", json_string(store_rows_text(r, i, 4)));
    json_object_set_new(o, "dept",
                        store_rows_is_null(r, i, 5) ? json_null()
                                                    : json_string(store_rows_text(r, i, 5)));
    int reg = (int)store_rows_int(r, i, 6);
    char name[256] = "";
    if (reg >= 0) region_path(reg, name, sizeof name);
    json_object_set_new(o, "region", reg >= 0 ? json_string(name) : json_null());
    json_object_set_new(o, "region_code",
                        reg >= 0 ? json_integer(region_at(reg)->code) : json_null());
    int level = (int)store_rows_int(r, i, 7);
    json_object_set_new(o, "level", json_string(levels[level >= 0 && level <= 3 ? level : 3]));
    json_object_set_new(o, "assignee", json_integer(store_rows_int(r, i, 8)));
    int64_t cid = store_rows_int(r, i, 9);
    json_object_set_new(o, "clause_id", cid ? json_integer(cid) : json_null());
    json_object_set_new(o, "filed", day_json(r, i, 10));
    json_object_set_new(o, "due", day_json(r, i, 11));
    json_object_set_new(o, "answered", day_json(r, i, 12));
    json_object_set_new(o, "overdue",
                        json_boolean(is_open(state) && store_rows_int(r, i, 11) < today));
    int sat = (int)store_rows_int(r, i, 13);
    json_object_set_new(o, "satisfaction", sat ? json_integer(sat) : json_null());
    json_object_set_new(o, "escalations", json_integer(store_rows_int(r, i, 14)));
    json_object_set_new(o, "title", json_string(store_rows_text(r, i, 15)));
    json_object_set_new(o, "body", json_string(store_rows_text(r, i, 16)));
    json_object_set_new(o, "answer",
                        store_rows_is_null(r, i, 17) ? json_null()
                                                     : json_string(store_rows_text(r, i, 17)));
    return o;
}

int ticket_list_json(struct store *s, const struct ticket_query *q, int32_t today, char **out,
                     struct error *err) {
    bool is_open_only = q->state && strcmp(q->state, "open") == 0;
    struct store_val a[] = {store_val_text(q->requester),
                            store_val_text(q->requester),
                            store_val_text(q->dept),
                            store_val_text(q->dept),
                            store_val_int(is_open_only),
                            store_val_text(is_open_only ? NULL : q->state),
                            store_val_text(is_open_only ? NULL : q->state)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT " TICKET_COLS " FROM ticket WHERE (CAST(? AS TEXT) IS NULL OR "
                       "requester = ?) AND (CAST(? AS TEXT) IS NULL OR dept = ?) AND (? = 0 OR "
                       "state IN ('received', 'assigned', 'in_progress')) AND (CAST(? AS TEXT) IS "
                       "NULL OR state = ?) ORDER BY id DESC",
                       a, 7, &r, err);
    if (rc) return rc;
    int page_size = q->page_size > 0 && q->page_size <= 200 ? q->page_size : 20;
    int page = q->page > 0 ? q->page : 1;
    json_t *o = json_object(), *list = json_array();
    int total = 0;
    for (int i = 0; i < store_rows_count(r); i++) {
        int reg = (int)store_rows_int(r, i, 6);
        if (q->region >= 0 && (reg < 0 || !region_is_within(reg, q->region))) continue;
        total++;
        if (total > (page - 1) * page_size && total <= page * page_size)
            json_array_append_new(list, ticket_row_json(r, i, today));
    }
    store_rows_free(r);
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "tickets", list);
    *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return 0;
}

int ticket_json(struct store *s, int64_t id, int32_t today, char **out, struct error *err) {
    struct store_val a[] = {store_val_int(id)};
    struct store_rows *r;
    int rc = store_sql(s, "SELECT " TICKET_COLS " FROM ticket WHERE id = ?", a, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return error_set(err, ERR_NOTFOUND, "没有编号为 %lld 的诉求", "no request %lld",
                         (long long)id);
    }
    json_t *o = ticket_row_json(r, 0, today);
    store_rows_free(r);
    rc = store_sql(s,
                   "SELECT at, by_whom, from_state, to_state, note FROM ticket_event WHERE "
                   "ticket_id = ? ORDER BY id",
                   a, 1, &r, err);
    if (!rc) {
        json_t *h = json_array();
        for (int i = 0; i < store_rows_count(r); i++) {
            json_t *e = json_object();
            json_object_set_new(e, "at", json_integer(store_rows_int(r, i, 0)));
            json_object_set_new(e, "by", json_string(store_rows_text(r, i, 1)));
            json_object_set_new(
                e, "from",
                store_rows_is_null(r, i, 2) ? json_null() : json_string(store_rows_text(r, i, 2)));
            json_object_set_new(e, "to", json_string(store_rows_text(r, i, 3)));
            json_object_set_new(
                e, "note",
                store_rows_is_null(r, i, 4) ? json_null() : json_string(store_rows_text(r, i, 4)));
            json_array_append_new(h, e);
        }
        json_object_set_new(o, "history", h);
        store_rows_free(r);
        *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    }
    json_decref(o);
    return rc;
}

int ticket_faq_json(struct store *s, int64_t clause_id, char **out, struct error *err) {
    struct store_val a[] = {store_val_int(clause_id)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT id, ticket_id, question, answer, published FROM ticket_faq WHERE "
                       "clause_id = ? ORDER BY id",
                       a, 1, &r, err);
    if (rc) return rc;
    json_t *list = json_array();
    for (int i = 0; i < store_rows_count(r); i++) {
        json_t *f = json_object();
        json_object_set_new(f, "id", json_integer(store_rows_int(r, i, 0)));
        json_object_set_new(f, "question", json_string(store_rows_text(r, i, 2)));
        json_object_set_new(f, "answer", json_string(store_rows_text(r, i, 3)));
        json_object_set_new(f, "published", json_integer(store_rows_int(r, i, 4)));
        json_array_append_new(list, f);
    }
    store_rows_free(r);
    json_t *o = json_object();
    json_object_set_new(o, "clause_id", json_integer(clause_id));
    json_object_set_new(o, "faq", list);
    *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return 0;
}
