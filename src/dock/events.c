/* Owns roadshow agendas (常态化资本路演: firm order and times, each investor's times) and the
 * intent funnel (意向: needs → intents → deals, exact conversion figures). Does not own 1:1 meeting
 * schedules (schedule.c) or storage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "refdata/refdata.h"
#include "text/number.h"
#include "util/date.h"

struct firm {
    const char *id, *name;
    int section;    /* industry 门类 (refdata index) or −1 */
    int demand;     /* investors who asked for it */
    int sec_demand; /* investors who asked for any firm of its 门类 (sum) */
    int order;      /* input order */
};

static int firm_cmp(const void *x, const void *y) {
    const struct firm *a = x, *b = y;
    if (a->section != b->section) {
        if (a->sec_demand != b->sec_demand) return a->sec_demand > b->sec_demand ? -1 : 1;
        return a->section < b->section ? -1 : 1;
    }
    if (a->demand != b->demand) return a->demand > b->demand ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void clock_text(int32_t day, int minutes, char *buf, size_t n) {
    char d[16];
    int32_t dd = day + minutes / 1440;
    int m = minutes % 1440;
    snprintf(buf, n, "%s %02d:%02d", date_format(dd, d, sizeof d), m / 60, m % 60);
}

static int firm_index(const struct firm *f, size_t n, const char *id) {
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(f[i].id, id) == 0) return (int)i;
    return -1;
}

json_t *roadshow_agenda(json_t *in, struct error *err) {
    json_t *jf = json_object_get(in, "firms"), *jr = json_object_get(in, "registrations");
    const char *ds = json_string_value(json_object_get(in, "date"));
    const char *st = json_string_value(json_object_get(in, "start"));
    json_t *per = json_object_get(in, "minutes_per_firm"),
           *gapj = json_object_get(in, "gap_minutes");
    int32_t day;
    int hh, mm;
    if (!json_is_array(jf) || json_array_size(jf) > 10000 || !ds ||
        date_parse(ds, strlen(ds), &day, err) || !st || sscanf(st, "%d:%d", &hh, &mm) != 2 ||
        hh < 0 || hh > 23 || mm < 0 || mm > 59 || !json_is_integer(per) ||
        json_integer_value(per) < 1 || json_integer_value(per) > 240 ||
        (gapj && (!json_is_integer(gapj) || json_integer_value(gapj) < 0 ||
                  json_integer_value(gapj) > 240))) {
        error_set(
            err, ERR_INVALID,
            "须有 firms（至多 10000）、date、start（HH:MM）与 minutes_per_firm（1–240）",
            "firms (at most 10000), date, start (HH:MM) and minutes_per_firm (1-240) are required");
        return NULL;
    }
    int minutes = (int)json_integer_value(per), gap = gapj ? (int)json_integer_value(gapj) : 0;
    size_t n = json_array_size(jf), i;
    struct firm *f = calloc(n + 1, sizeof *f);
    if (!f) {
        error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        return NULL;
    }
    json_t *x;
    json_array_foreach(jf, i, x) {
        f[i].id = json_string_value(json_object_get(x, "id"));
        f[i].name = json_string_value(json_object_get(x, "name"));
        if (!f[i].id || firm_index(f, i, f[i].id) >= 0) {
            free(f);
            error_set(err, ERR_INVALID, "第 %zu 家企业缺少 id 或 id 重复",
                      "firm %zu: id missing or repeated", i + 1);
            return NULL;
        }
        if (!f[i].name) f[i].name = f[i].id;
        const char *ind = json_string_value(json_object_get(x, "industry"));
        bool fb;
        struct error ierr;
        int k = ind ? industry_find(ind, strlen(ind), &fb, &ierr) : -1;
        f[i].section = k >= 0 ? industry_ancestor(k, INDUSTRY_SECTION) : -1;
        f[i].order = (int)i;
    }
    json_array_foreach(jr, i, x) {
        json_t *list = json_object_get(x, "firms"), *id;
        size_t k;
        if (!json_string_value(json_object_get(x, "investor")) || !json_is_array(list)) {
            free(f);
            error_set(err, ERR_INVALID, "第 %zu 条报名须有 investor 与 firms",
                      "registration %zu needs investor and firms", i + 1);
            return NULL;
        }
        json_array_foreach(list, k, id) {
            int fi = firm_index(f, n, json_string_value(id));
            if (fi < 0) {
                free(f);
                error_set(err, ERR_INVALID, "第 %zu 条报名提到未知企业",
                          "registration %zu names an unknown firm", i + 1);
                return NULL;
            }
            f[fi].demand++;
        }
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++)
            if (f[b].section == f[a].section) f[a].sec_demand += f[b].demand;
    qsort(f, n, sizeof *f, firm_cmp);
    json_t *agenda = json_array(), *by_inv = json_object();
    int start = hh * 60 + mm;
    for (i = 0; i < n; i++) {
        char a[32], b[32];
        int t0 = start + (int)i * (minutes + gap);
        clock_text(day, t0, a, sizeof a);
        clock_text(day, t0 + minutes, b, sizeof b);
        json_array_append_new(agenda,
                              json_pack("{s:i, s:s, s:s, s:s?, s:s, s:s, s:i}", "order", (int)i + 1,
                                        "id", f[i].id, "name", f[i].name, "sector",
                                        f[i].section >= 0 ? industry_at(f[i].section)->name : NULL,
                                        "start", a, "end", b, "investors", f[i].demand));
    }
    json_array_foreach(jr, i, x) {
        const char *inv = json_string_value(json_object_get(x, "investor"));
        json_t *mine = json_array();
        for (size_t k = 0; k < n; k++) {
            json_t *id;
            size_t q;
            json_array_foreach(json_object_get(x, "firms"), q, id) {
                if (strcmp(json_string_value(id), f[k].id) != 0) continue;
                json_t *slot = json_array_get(agenda, k);
                json_array_append_new(mine, json_pack("{s:s, s:O}", "firm", f[k].id, "start",
                                                      json_object_get(slot, "start")));
                break;
            }
        }
        json_object_set_new(by_inv, inv, mine);
    }
    free(f);
    return json_pack("{s:o, s:o}", "agenda", agenda, "investors", by_inv);
}

static const char *const statuses[] = {"联系", "洽谈", "签约", "放弃"};
enum { ST_CONTACT, ST_TALK, ST_DEAL, ST_DROP, N_ST };

static json_t *fraction(int64_t num, int64_t den) {
    char pct[48];
    struct ratio r = {num, den > 0 ? den : 1};
    ratio_format_percent(r, pct, sizeof pct);
    return json_pack("{s:I, s:I, s:s}", "num", (json_int_t)num, "den", (json_int_t)den, "percent",
                     den > 0 ? pct : "—");
}

json_t *intents_funnel(json_t *in, struct error *err) {
    json_t *needs = json_object_get(in, "needs"), *intents = json_object_get(in, "intents");
    if (!json_is_array(intents) || !(json_is_integer(needs) || json_is_array(needs)) ||
        (json_is_integer(needs) && json_integer_value(needs) < 0)) {
        error_set(err, ERR_INVALID, "须有 intents 数组与 needs（数量或 id 数组）",
                  "intents array and needs (a count or ids) required");
        return NULL;
    }
    int64_t n_needs =
        json_is_integer(needs) ? json_integer_value(needs) : (int64_t)json_array_size(needs);
    size_t n = json_array_size(intents), i;
    const char **ids = calloc(n + 1, sizeof *ids);
    char *has_deal = calloc(n + 1, 1);
    int by_status[N_ST] = {0}, n_with = 0, n_deal = 0;
    int64_t deal_fen = 0;
    json_t *by_month = json_object(), *x;
    int rc = ids && has_deal ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    size_t n_ids = 0;
    json_array_foreach(intents, i, x) {
        if (rc) break;
        const char *need = json_string_value(json_object_get(x, "need"));
        const char *s = json_string_value(json_object_get(x, "status"));
        const char *d = json_string_value(json_object_get(x, "date"));
        int st = -1;
        for (int k = 0; s && k < N_ST; k++)
            if (strcmp(s, statuses[k]) == 0) st = k;
        int32_t day;
        if (!need || st < 0 || !d || date_parse(d, strlen(d), &day, err)) {
            rc = error_set(err, ERR_INVALID,
                           "第 %zu 条意向须有 need、status（联系/洽谈/签约/放弃）与 date",
                           "intent %zu needs need, status (联系/洽谈/签约/放弃) and date", i + 1);
            break;
        }
        if (json_is_array(needs)) {
            bool known = false;
            json_t *id;
            size_t k;
            json_array_foreach(needs, k, id) known |=
                json_is_string(id) && strcmp(json_string_value(id), need) == 0;
            if (!known) {
                rc = error_set(err, ERR_INVALID, "第 %zu 条意向指向未知需求 %s",
                               "intent %zu names unknown need %s", i + 1, need);
                break;
            }
        }
        by_status[st]++;
        char month[8], db[16];
        snprintf(month, sizeof month, "%.7s", date_format(day, db, sizeof db));
        json_t *c = json_object_get(by_month, month);
        json_object_set_new(by_month, month, json_integer((c ? json_integer_value(c) : 0) + 1));
        size_t k = 0;
        while (k < n_ids && strcmp(ids[k], need) != 0)
            k++;
        if (k == n_ids) ids[n_ids++] = need, n_with++;
        if (st == ST_DEAL) {
            const char *amt = json_string_value(json_object_get(x, "amount"));
            int64_t fen = 0;
            if (amt && text_parse_money(amt, strlen(amt), &fen, err)) {
                rc = error_field(err, "amount");
                break;
            }
            deal_fen += fen;
            if (!has_deal[k]) has_deal[k] = 1, n_deal++;
        }
    }
    free(ids), free(has_deal);
    if (rc || n_with > n_needs) {
        if (!rc)
            error_set(err, ERR_INVALID, "有意向的需求多于需求总数",
                      "more needs with intents than needs");
        json_decref(by_month);
        return NULL;
    }
    json_t *st = json_object();
    for (int k = 0; k < N_ST; k++)
        json_object_set_new(st, statuses[k], json_integer(by_status[k]));
    return json_pack("{s:I, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:I}", "needs", (json_int_t)n_needs,
                     "needs_with_intent", n_with, "needs_with_deal", n_deal, "intent_rate",
                     fraction(n_with, n_needs), "deal_rate", fraction(n_deal, n_with),
                     "overall_rate", fraction(n_deal, n_needs), "by_status", st, "by_month",
                     by_month, "deal_amount_fen", (json_int_t)deal_fen);
}

/* ---- 揭榜挂帅 ---- */

static int day_of(json_t *o, const char *key, int32_t *out, bool required, struct error *err) {
    const char *s = json_string_value(json_object_get(o, key));
    *out = INT32_MAX;
    if (!s)
        return required ? error_set(err, ERR_INVALID, "缺少日期 %s", "date %s missing", key) : 0;
    return date_parse(s, strlen(s), out, err);
}

/* A share as "30%", "0.3" or "1/3". */
static int share_of(const char *s, struct ratio *out, struct error *err) {
    long long num, den;
    int used = 0;
    if (sscanf(s, "%lld/%lld%n", &num, &den, &used) == 2 && s[used] == 0) {
        if (den <= 0 || num < 0) return error_set(err, ERR_INVALID, "比例无效", "bad share");
        *out = (struct ratio){num, den};
        return 0;
    }
    return text_parse_ratio(s, strlen(s), out, err);
}

static json_t *milestones_of(json_t *ms, int64_t reward, int32_t today, int64_t *paid,
                             int *n_overdue, int *n_done, struct error *err) {
    struct ratio total = {0, 1};
    size_t n = json_array_size(ms), i;
    json_t *m, *out = json_array();
    int64_t given = 0;
    *paid = 0, *n_overdue = 0, *n_done = 0;
    json_array_foreach(ms, i, m) {
        const char *name = json_string_value(json_object_get(m, "name"));
        const char *sh = json_string_value(json_object_get(m, "share"));
        struct ratio share;
        int32_t due, done;
        if (!name || !sh || share_of(sh, &share, err) || share.num <= 0 ||
            day_of(m, "due", &due, true, err) || day_of(m, "done", &done, false, err) ||
            !ratio_add(total, share, &total)) {
            error_set(err, ERR_INVALID, "第 %zu 个里程碑须有 name、share（如 30%%）与 due",
                      "milestone %zu needs name, share (30%%) and due", i + 1);
            json_decref(out);
            return NULL;
        }
        int64_t pay;
        struct ratio amt;
        if (i + 1 == n)
            pay = reward - given; /* the last settles the remainder */
        else if (!ratio_mul((struct ratio){reward, 1}, share, &amt) || !ratio_round(amt, &pay))
            pay = 0;
        given += pay;
        bool is_done = done != INT32_MAX && done <= today, is_late = !is_done && today > due;
        if (is_done) *paid += pay, (*n_done)++;
        *n_overdue += is_late;
        char ds[16];
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "name", name,
                                             "share", sh, "due", date_format(due, ds, sizeof ds),
                                             "payment_fen", (json_int_t)pay, "state",
                                             is_done   ? "已完成"
                                             : is_late ? "逾期"
                                                       : "未到期",
                                             "overdue", is_late));
    }
    if (n && ratio_cmp(total, (struct ratio){1, 1}) != 0) {
        error_set(err, ERR_INVALID, "里程碑比例之和须为 100%%",
                  "milestone shares must add up to 100%%");
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *one_challenge(json_t *c, int32_t today, struct error *err) {
    const char *id = json_string_value(json_object_get(c, "id"));
    const char *rs = json_string_value(json_object_get(c, "reward"));
    int64_t reward;
    int32_t deadline;
    if (!id || !rs || text_parse_money(rs, strlen(rs), &reward, err) ||
        day_of(c, "deadline", &deadline, true, err)) {
        error_set(err, ERR_INVALID, "榜单 %s 须有 id、reward 与 deadline",
                  "challenge %s needs id, reward and deadline", id ? id : "?");
        return NULL;
    }
    json_t *apps = json_object_get(c, "applications"), *a, *sel = json_object_get(c, "selected");
    size_t i;
    int n_apps = 0;
    json_array_foreach(apps, i, a) {
        int32_t d;
        if (!json_string_value(json_object_get(a, "solver")) || day_of(a, "date", &d, true, err) ||
            d > deadline) {
            error_set(err, ERR_INVALID, "榜单 %s 第 %zu 个揭榜须有 solver 且在截止日前",
                      "challenge %s, application %zu: solver missing or after the deadline", id,
                      i + 1);
            return NULL;
        }
        n_apps += d <= today;
    }
    const char *chosen = json_string_value(json_object_get(sel, "solver"));
    if (chosen) {
        bool applied = false;
        json_array_foreach(apps, i, a) applied |=
            strcmp(json_string_value(json_object_get(a, "solver")), chosen) == 0;
        if (!applied) {
            error_set(err, ERR_INVALID, "榜单 %s 选定的 %s 未揭榜",
                      "challenge %s: %s was selected without applying", id, chosen);
            return NULL;
        }
    }
    int64_t paid;
    int n_overdue, n_done;
    json_t *ms = milestones_of(json_object_get(c, "milestones"), reward, today, &paid, &n_overdue,
                               &n_done, err);
    if (!ms) {
        char zh[700], en[700];
        snprintf(zh, sizeof zh, "榜单 %.64s：%.280s", id, err->zh);
        snprintf(en, sizeof en, "challenge %.64s: %.280s", id, err->en);
        error_set_text(err, ERR_INVALID, zh, en);
        return NULL;
    }
    size_t n_ms = json_array_size(ms);
    int32_t cancelled;
    if (day_of(c, "cancelled", &cancelled, false, err)) {
        json_decref(ms);
        return NULL;
    }
    const char *state = !chosen                          ? (today > deadline ? "流榜"
                                                            : n_apps         ? "揭榜中"
                                                                             : "发榜")
                        : n_ms && (size_t)n_done == n_ms ? "已完成"
                        : n_done                         ? "实施中"
                                                         : "已选定";
    if (cancelled <= today && strcmp(state, "已完成") != 0) state = "已撤榜";
    return json_pack("{s:s, s:s?, s:s, s:i, s:s?, s:I, s:I, s:i, s:o}", "id", id, "title",
                     json_string_value(json_object_get(c, "title")), "state", state, "applications",
                     n_apps, "solver", chosen, "reward_fen", (json_int_t)reward, "paid_fen",
                     (json_int_t)paid, "overdue_milestones", n_overdue, "milestones", ms);
}

json_t *challenge_report(json_t *in, struct error *err) {
    json_t *cs = json_object_get(in, "challenges"), *c;
    int32_t today = date_today();
    const char *d = json_string_value(json_object_get(in, "date"));
    if (!json_is_array(cs) || (d && date_parse(d, strlen(d), &today, err))) {
        if (!json_is_array(cs))
            error_set(err, ERR_INVALID, "须有 challenges 数组", "challenges array needed");
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_array_foreach(cs, i, c) {
        json_t *one = one_challenge(c, today, err);
        if (!one) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, one);
    }
    return json_pack("{s:o}", "challenges", out);
}

/* ---- 揭榜挂帅: the state machine ---- */

static const char *const state_names[N_CHALLENGE_STATES] = {"发榜",   "揭榜中", "已选定", "实施中",
                                                            "已完成", "流榜",   "已撤榜"};
static const char *const action_names[N_CHALLENGE_ACTIONS] = {"揭榜", "选定", "完成里程碑", "撤榜"};

const char *challenge_state_name(enum challenge_state s) {
    return s < N_CHALLENGE_STATES ? state_names[s] : "?";
}

int challenge_state_of(const char *name) {
    for (int i = 0; name && i < N_CHALLENGE_STATES; i++)
        if (strcmp(state_names[i], name) == 0) return i;
    return -1;
}

const char *challenge_action_name(enum challenge_action a) {
    return a < N_CHALLENGE_ACTIONS ? action_names[a] : "?";
}

int challenge_next(enum challenge_state from, enum challenge_action act, bool is_last,
                   enum challenge_state *to, struct error *err) {
    enum challenge_state next = from;
    const char *why_zh = NULL, *why_en = NULL;
    switch (act) {
    case CHALLENGE_APPLY:
        if (from == CHALLENGE_OPEN || from == CHALLENGE_APPLIED)
            next = CHALLENGE_APPLIED;
        else
            why_zh = "揭榜已结束", why_en = "applications are closed";
        break;
    case CHALLENGE_SELECT:
        if (from == CHALLENGE_APPLIED)
            next = CHALLENGE_SELECTED;
        else if (from == CHALLENGE_OPEN)
            why_zh = "尚无人揭榜", why_en = "nobody has applied";
        else
            why_zh = "不能再选定揭榜方", why_en = "a solver can no longer be selected";
        break;
    case CHALLENGE_MILESTONE:
        if (from == CHALLENGE_SELECTED || from == CHALLENGE_IN_PROGRESS)
            next = is_last ? CHALLENGE_DONE : CHALLENGE_IN_PROGRESS;
        else if (from == CHALLENGE_OPEN || from == CHALLENGE_APPLIED)
            why_zh = "尚未选定揭榜方", why_en = "no solver has been selected";
        else
            why_zh = "榜单已结束", why_en = "the challenge is over";
        break;
    case CHALLENGE_CANCEL:
        if (from <= CHALLENGE_IN_PROGRESS)
            next = CHALLENGE_CANCELLED;
        else
            why_zh = "榜单已结束", why_en = "the challenge is over";
        break;
    default:
        why_zh = "未知操作", why_en = "unknown action";
    }
    if (why_zh) {
        char zh[160], en[160];
        snprintf(zh, sizeof zh, "榜单处于“%s”，不能%s：%s", challenge_state_name(from),
                 challenge_action_name(act), why_zh);
        snprintf(en, sizeof en, "the challenge is %s, no %s: %s", challenge_state_name(from),
                 challenge_action_name(act), why_en);
        error_set_text(err, ERR_CONFLICT, zh, en);
        return error_field(err, "state");
    }
    *to = next;
    return 0;
}
