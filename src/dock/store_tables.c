/* Owns the dock module's tables (store_module_dock, created by store_open through modules.def)
 * and the generic record path over them: one descriptor per kind of record names its columns and
 * their types, and dock_put / dock_get / dock_list / dock_delete turn JSON objects into rows and
 * back with validation. The workflows on these records (financing steps, schedules, the demo) are
 * in store_flows.c and store_demo.c; the arithmetic is dock.h's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock_store.h"
#include "text/number.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/utf8.h"

const char *const store_module_dock[] = {
    "CREATE TABLE dock_bank (id {ID}, name TEXT NOT NULL UNIQUE, region TEXT, contact TEXT);"
    "CREATE TABLE dock_product (id {ID}, bank_id BIGINT NOT NULL, code TEXT, name TEXT NOT NULL,"
    " collateral TEXT NOT NULL, amount_min_fen BIGINT, amount_max_fen BIGINT, rate_min_bp BIGINT,"
    " rate_max_bp BIGINT, months_min BIGINT, months_max BIGINT, method TEXT, rule TEXT,"
    " fees TEXT, criteria TEXT, quota TEXT, published BIGINT, updated_at BIGINT);"
    "CREATE INDEX dock_product_bank ON dock_product (bank_id);"
    "CREATE TABLE dock_subsidy (id {ID}, name TEXT NOT NULL, policy_id BIGINT, rate_bp BIGINT,"
    " share TEXT, cap_fen BIGINT, paid_month BIGINT, collateral TEXT, criteria TEXT, rule TEXT);"
    "CREATE TABLE dock_financing (id {ID}, uscc TEXT NOT NULL, enterprise TEXT, region TEXT,"
    " amount_fen BIGINT NOT NULL, months BIGINT, purpose TEXT, posted BIGINT, respond_due BIGINT,"
    " contact_due BIGINT, follow_due BIGINT, status TEXT);"
    "CREATE INDEX dock_financing_uscc ON dock_financing (uscc);"
    "CREATE TABLE dock_financing_bank (need_id BIGINT NOT NULL, bank_id BIGINT NOT NULL,"
    " PRIMARY KEY (need_id, bank_id));"
    "CREATE INDEX dock_financing_bank_bank ON dock_financing_bank (bank_id);"
    "CREATE TABLE dock_financing_step (id {ID}, need_id BIGINT NOT NULL, bank_id BIGINT NOT NULL,"
    " step TEXT NOT NULL, amount_fen BIGINT, date BIGINT NOT NULL, note TEXT);"
    "CREATE INDEX dock_financing_step_need ON dock_financing_step (need_id);"
    "CREATE TABLE dock_project (id {ID}, uscc TEXT, name TEXT NOT NULL, category TEXT NOT NULL,"
    " amount_fen BIGINT, months BIGINT, summary TEXT);"
    "CREATE TABLE dock_listing_firm (id {ID}, uscc TEXT NOT NULL UNIQUE, name TEXT, region TEXT,"
    " stage TEXT NOT NULL, since BIGINT);"
    "CREATE TABLE dock_listing_history (id {ID}, uscc TEXT NOT NULL, stage TEXT NOT NULL,"
    " date BIGINT NOT NULL);"
    "CREATE INDEX dock_listing_history_uscc ON dock_listing_history (uscc);"
    "CREATE TABLE dock_listing_target (id {ID}, region TEXT NOT NULL, stage TEXT NOT NULL,"
    " target BIGINT NOT NULL, UNIQUE (region, stage));"
    "CREATE TABLE dock_listing_reward (id {ID}, name TEXT NOT NULL, stage TEXT NOT NULL,"
    " amount_fen BIGINT NOT NULL, criteria TEXT);"
    "CREATE TABLE dock_investor (id {ID}, name TEXT NOT NULL, org_id BIGINT, stages TEXT,"
    " industries TEXT, regions TEXT, ticket_min_fen BIGINT, ticket_max_fen BIGINT,"
    " capacity BIGINT);"
    "CREATE TABLE dock_invest_project (id {ID}, uscc TEXT, name TEXT NOT NULL, stage TEXT,"
    " amount_fen BIGINT, industry TEXT, region TEXT, summary TEXT, capacity BIGINT);"
    "CREATE TABLE dock_rank (id {ID}, side TEXT NOT NULL, owner_id BIGINT NOT NULL,"
    " partner_id BIGINT NOT NULL, rank BIGINT NOT NULL, UNIQUE (side, owner_id, partner_id));"
    "CREATE TABLE dock_selection (id {ID}, project_id BIGINT NOT NULL, investor_id BIGINT NOT NULL,"
    " rank_project BIGINT, rank_investor BIGINT, why TEXT, computed_at BIGINT);"
    "CREATE TABLE dock_need (id {ID}, uscc TEXT NOT NULL, title TEXT, kind TEXT NOT NULL,"
    " industry TEXT, region TEXT, budget_fen BIGINT, deadline BIGINT, text TEXT NOT NULL,"
    " status TEXT);"
    "CREATE TABLE dock_capability (id {ID}, uscc TEXT NOT NULL, title TEXT, kind TEXT NOT NULL,"
    " industry TEXT, region TEXT, price_fen BIGINT, text TEXT NOT NULL);"
    "CREATE TABLE dock_challenge (id {ID}, uscc TEXT NOT NULL, title TEXT NOT NULL,"
    " reward_fen BIGINT NOT NULL, deadline BIGINT NOT NULL, solver TEXT, selected_on BIGINT,"
    " text TEXT);"
    "CREATE TABLE dock_application (id {ID}, challenge_id BIGINT NOT NULL, solver TEXT NOT NULL,"
    " date BIGINT NOT NULL, note TEXT, UNIQUE (challenge_id, solver));"
    "CREATE TABLE dock_milestone (id {ID}, challenge_id BIGINT NOT NULL, seq BIGINT NOT NULL,"
    " name TEXT NOT NULL, share TEXT NOT NULL, due BIGINT, done BIGINT,"
    " UNIQUE (challenge_id, seq));"
    "CREATE TABLE dock_intent (id {ID}, need_id BIGINT, event_id BIGINT, from_party TEXT NOT NULL,"
    " to_party TEXT NOT NULL, about TEXT, status TEXT NOT NULL, outcome TEXT, amount_fen BIGINT,"
    " date BIGINT NOT NULL);"
    "CREATE TABLE dock_event (id {ID}, name TEXT NOT NULL, kind TEXT, date BIGINT NOT NULL,"
    " start_min BIGINT NOT NULL, slot_min BIGINT NOT NULL, gap_min BIGINT, n_slots BIGINT NOT NULL,"
    " n_tables BIGINT NOT NULL, place TEXT, computed_at BIGINT, upper_bound BIGINT,"
    " method TEXT);"
    "CREATE TABLE dock_participant (id {ID}, event_id BIGINT NOT NULL, name TEXT NOT NULL,"
    " kind TEXT NOT NULL, uscc TEXT, org_id BIGINT, avail_mask BIGINT, registered_on BIGINT,"
    " checked_in_at BIGINT, UNIQUE (event_id, name));"
    "CREATE TABLE dock_request (id {ID}, event_id BIGINT NOT NULL, a_id BIGINT NOT NULL,"
    " b_id BIGINT NOT NULL, priority BIGINT, status TEXT NOT NULL, reason TEXT);"
    "CREATE INDEX dock_request_event ON dock_request (event_id);"
    "CREATE TABLE dock_meeting (id {ID}, event_id BIGINT NOT NULL, request_id BIGINT NOT NULL"
    " UNIQUE, slot BIGINT NOT NULL, tbl BIGINT NOT NULL, no_show BIGINT);"
    "CREATE INDEX dock_meeting_event ON dock_meeting (event_id);",
    /* 2: roadshows (常态化资本路演) of their own; events get a registration deadline, a capacity
     * and a check-in window; challenges can be withdrawn (撤榜) */
    "CREATE TABLE dock_roadshow (id {ID}, name TEXT NOT NULL, date BIGINT NOT NULL,"
    " start_min BIGINT NOT NULL, minutes_per_firm BIGINT NOT NULL, gap_min BIGINT,"
    " capacity BIGINT, reg_deadline BIGINT, place TEXT);"
    "CREATE TABLE dock_roadshow_firm (id {ID}, roadshow_id BIGINT NOT NULL,"
    " project_id BIGINT NOT NULL, seq BIGINT NOT NULL, UNIQUE (roadshow_id, project_id));"
    "CREATE TABLE dock_roadshow_investor (id {ID}, roadshow_id BIGINT NOT NULL,"
    " investor_id BIGINT NOT NULL, registered_on BIGINT NOT NULL, firms TEXT,"
    " UNIQUE (roadshow_id, investor_id));"
    "CREATE TABLE dock_followup (id {ID}, roadshow_id BIGINT NOT NULL, investor_id BIGINT NOT NULL,"
    " project_id BIGINT NOT NULL, status TEXT NOT NULL, amount_fen BIGINT, date BIGINT NOT NULL,"
    " note TEXT);"
    "CREATE INDEX dock_followup_roadshow ON dock_followup (roadshow_id);"
    "ALTER TABLE dock_event ADD COLUMN reg_deadline BIGINT;"
    "ALTER TABLE dock_event ADD COLUMN capacity BIGINT;"
    "ALTER TABLE dock_event ADD COLUMN checkin_from BIGINT;"
    "ALTER TABLE dock_event ADD COLUMN checkin_to BIGINT;"
    "ALTER TABLE dock_challenge ADD COLUMN cancelled_on BIGINT;",
    /* 3: roadshow check-in (the organiser's desk on the day) */
    "ALTER TABLE dock_roadshow_investor ADD COLUMN checked_in_at BIGINT;", NULL};

/* Column types: i integer, s text, m money (fen), d date (days), b boolean, j JSON text; an
 * upper-case letter marks a column required on insert. */
struct col {
    const char *name;
    char type;
    const char *values; /* "a|b|c": the only values allowed (text), NULL = any */
};

#define MAX_COLS 20

struct kind {
    const char *kind, *table;
    struct col cols[MAX_COLS];
};

#define STAGES "储备|孵化|辅导|上市"

static const struct kind kinds[] = {
    {"bank", "dock_bank", {{"name", 'S', NULL}, {"region", 's', NULL}, {"contact", 's', NULL}}},
    {"product",
     "dock_product",
     {{"bank_id", 'I', NULL},
      {"code", 's', NULL},
      {"name", 'S', NULL},
      {"collateral", 'S', "信用|抵押|担保|知识产权质押|保证|质押|其他"},
      {"amount_min_fen", 'm', NULL},
      {"amount_max_fen", 'm', NULL},
      {"rate_min_bp", 'i', NULL},
      {"rate_max_bp", 'i', NULL},
      {"months_min", 'i', NULL},
      {"months_max", 'i', NULL},
      {"method", 's', "等额本息|等额本金|先息后本"},
      {"rule", 's', NULL},
      {"fees", 'j', NULL},
      {"criteria", 'j', NULL},
      {"quota", 'j', NULL},
      {"published", 'b', NULL},
      {"updated_at", 'i', NULL}}},
    {"subsidy",
     "dock_subsidy",
     {{"name", 'S', NULL},
      {"policy_id", 'i', NULL},
      {"rate_bp", 'i', NULL},
      {"share", 's', NULL},
      {"cap_fen", 'm', NULL},
      {"paid_month", 'i', NULL},
      {"collateral", 'j', NULL},
      {"criteria", 'j', NULL},
      {"rule", 's', NULL}}},
    {"financing",
     "dock_financing",
     {{"uscc", 'S', NULL},
      {"enterprise", 's', NULL},
      {"region", 's', NULL},
      {"amount_fen", 'M', NULL},
      {"months", 'i', NULL},
      {"purpose", 's', NULL},
      {"posted", 'd', NULL},
      {"respond_due", 'd', NULL},
      {"contact_due", 'd', NULL},
      {"follow_due", 'd', NULL},
      {"status", 's', NULL}}},
    {"step",
     "dock_financing_step",
     {{"need_id", 'I', NULL},
      {"bank_id", 'I', NULL},
      {"step", 'S', "响应|联系|跟进|对接|授信|放款"},
      {"amount_fen", 'm', NULL},
      {"date", 'D', NULL},
      {"note", 's', NULL}}},
    {"project",
     "dock_project",
     {{"uscc", 's', NULL},
      {"name", 'S', NULL},
      {"category", 'S', "绿色发展|海洋经济|科技创新|先进制造|民营小微"},
      {"amount_fen", 'm', NULL},
      {"months", 'i', NULL},
      {"summary", 's', NULL}}},
    {"listing_firm",
     "dock_listing_firm",
     {{"uscc", 'S', NULL},
      {"name", 's', NULL},
      {"region", 's', NULL},
      {"stage", 'S', STAGES},
      {"since", 'd', NULL}}},
    {"listing_history",
     "dock_listing_history",
     {{"uscc", 'S', NULL}, {"stage", 'S', STAGES}, {"date", 'D', NULL}}},
    {"listing_target",
     "dock_listing_target",
     {{"region", 'S', NULL}, {"stage", 'S', STAGES}, {"target", 'I', NULL}}},
    {"listing_reward",
     "dock_listing_reward",
     {{"name", 'S', NULL},
      {"stage", 'S', STAGES},
      {"amount_fen", 'M', NULL},
      {"criteria", 'j', NULL}}},
    {"investor",
     "dock_investor",
     {{"name", 'S', NULL},
      {"org_id", 'i', NULL},
      {"stages", 'j', NULL},
      {"industries", 'j', NULL},
      {"regions", 'j', NULL},
      {"ticket_min_fen", 'm', NULL},
      {"ticket_max_fen", 'm', NULL},
      {"capacity", 'i', NULL}}},
    {"invest_project",
     "dock_invest_project",
     {{"uscc", 's', NULL},
      {"name", 'S', NULL},
      {"stage", 's', NULL},
      {"amount_fen", 'm', NULL},
      {"industry", 's', NULL},
      {"region", 's', NULL},
      {"summary", 's', NULL},
      {"capacity", 'i', NULL}}},
    {"rank",
     "dock_rank",
     {{"side", 'S', "project|investor"},
      {"owner_id", 'I', NULL},
      {"partner_id", 'I', NULL},
      {"rank", 'I', NULL}}},
    {"selection",
     "dock_selection",
     {{"project_id", 'I', NULL},
      {"investor_id", 'I', NULL},
      {"rank_project", 'i', NULL},
      {"rank_investor", 'i', NULL},
      {"why", 's', NULL},
      {"computed_at", 'i', NULL}}},
    {"need",
     "dock_need",
     {{"uscc", 'S', NULL},
      {"title", 's', NULL},
      {"kind", 'S', "技术难题|场景需求|采购需求"},
      {"industry", 's', NULL},
      {"region", 's', NULL},
      {"budget_fen", 'm', NULL},
      {"deadline", 'd', NULL},
      {"text", 'S', NULL},
      {"status", 's', NULL}}},
    {"capability",
     "dock_capability",
     {{"uscc", 'S', NULL},
      {"title", 's', NULL},
      {"kind", 'S', "产品|解决方案|研发团队"},
      {"industry", 's', NULL},
      {"region", 's', NULL},
      {"price_fen", 'm', NULL},
      {"text", 'S', NULL}}},
    {"challenge",
     "dock_challenge",
     {{"uscc", 'S', NULL},
      {"title", 'S', NULL},
      {"reward_fen", 'M', NULL},
      {"deadline", 'D', NULL},
      {"solver", 's', NULL},
      {"selected_on", 'd', NULL},
      {"text", 's', NULL},
      {"cancelled_on", 'd', NULL}}},
    {"application",
     "dock_application",
     {{"challenge_id", 'I', NULL},
      {"solver", 'S', NULL},
      {"date", 'D', NULL},
      {"note", 's', NULL}}},
    {"milestone",
     "dock_milestone",
     {{"challenge_id", 'I', NULL},
      {"seq", 'I', NULL},
      {"name", 'S', NULL},
      {"share", 'S', NULL},
      {"due", 'd', NULL},
      {"done", 'd', NULL}}},
    {"intent",
     "dock_intent",
     {{"need_id", 'i', NULL},
      {"event_id", 'i', NULL},
      {"from_party", 'S', NULL},
      {"to_party", 'S', NULL},
      {"about", 's', NULL},
      {"status", 'S', "联系|洽谈|签约|放弃"},
      {"outcome", 's', NULL},
      {"amount_fen", 'm', NULL},
      {"date", 'D', NULL}}},
    {"event",
     "dock_event",
     {{"name", 'S', NULL},
      {"kind", 's', "对接会|路演|金企对接|供需对接"},
      {"date", 'D', NULL},
      {"start_min", 'I', NULL},
      {"slot_min", 'I', NULL},
      {"gap_min", 'i', NULL},
      {"n_slots", 'I', NULL},
      {"n_tables", 'I', NULL},
      {"place", 's', NULL},
      {"computed_at", 'i', NULL},
      {"upper_bound", 'i', NULL},
      {"method", 's', NULL},
      {"reg_deadline", 'd', NULL},
      {"capacity", 'i', NULL},
      {"checkin_from", 'd', NULL},
      {"checkin_to", 'd', NULL}}},
    {"participant",
     "dock_participant",
     {{"event_id", 'I', NULL},
      {"name", 'S', NULL},
      {"kind", 'S', "企业|银行|投资机构|专家|其他"},
      {"uscc", 's', NULL},
      {"org_id", 'i', NULL},
      {"avail_mask", 'i', NULL},
      {"registered_on", 'd', NULL},
      {"checked_in_at", 'i', NULL}}},
    {"request",
     "dock_request",
     {{"event_id", 'I', NULL},
      {"a_id", 'I', NULL},
      {"b_id", 'I', NULL},
      {"priority", 'i', NULL},
      {"status", 'S', "待确认|已接受|已拒绝|已取消"},
      {"reason", 's', NULL}}},
    {"meeting",
     "dock_meeting",
     {{"event_id", 'I', NULL},
      {"request_id", 'I', NULL},
      {"slot", 'I', NULL},
      {"tbl", 'I', NULL},
      {"no_show", 'b', NULL}}},
    {"roadshow",
     "dock_roadshow",
     {{"name", 'S', NULL},
      {"date", 'D', NULL},
      {"start_min", 'I', NULL},
      {"minutes_per_firm", 'I', NULL},
      {"gap_min", 'i', NULL},
      {"capacity", 'i', NULL},
      {"reg_deadline", 'd', NULL},
      {"place", 's', NULL}}},
    {"roadshow_firm",
     "dock_roadshow_firm",
     {{"roadshow_id", 'I', NULL}, {"project_id", 'I', NULL}, {"seq", 'I', NULL}}},
    {"roadshow_investor",
     "dock_roadshow_investor",
     {{"roadshow_id", 'I', NULL},
      {"investor_id", 'I', NULL},
      {"registered_on", 'D', NULL},
      {"firms", 'j', NULL},
      {"checked_in_at", 'i', NULL}}},
    {"followup",
     "dock_followup",
     {{"roadshow_id", 'I', NULL},
      {"investor_id", 'I', NULL},
      {"project_id", 'I', NULL},
      {"status", 'S', "约谈|尽调|签约|放弃"},
      {"amount_fen", 'm', NULL},
      {"date", 'D', NULL},
      {"note", 's', NULL}}},
};

#define N_KINDS (sizeof kinds / sizeof *kinds)

static const struct kind *kind_of(const char *k) {
    for (size_t i = 0; k && i < N_KINDS; i++)
        if (strcmp(kinds[i].kind, k) == 0) return &kinds[i];
    return NULL;
}

bool dock_kind_is_known(const char *kind) {
    return kind_of(kind) != NULL;
}

const char *dock_kind_table(const char *kind) {
    const struct kind *k = kind_of(kind);
    return k ? k->table : NULL;
}

static const struct col *col_of(const struct kind *k, const char *name) {
    for (int i = 0; i < MAX_COLS && k->cols[i].name; i++)
        if (strcmp(k->cols[i].name, name) == 0) return &k->cols[i];
    return NULL;
}

static char lower(char t) {
    return t >= 'A' && t <= 'Z' ? (char)(t - 'A' + 'a') : t;
}

static bool in_values(const char *values, const char *s) {
    size_t n = strlen(s);
    for (const char *p = values; *p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, s, n) == 0) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

static int bad(struct error *err, const char *kind, const struct col *c, const char *what_zh,
               const char *what_en) {
    error_set(err, ERR_INVALID, "%s 的 “%s” %s", "%s \"%s\": %s", kind, c->name, what_zh, what_en);
    return error_field(err, c->name);
}

/* One JSON value as the column's argument. Text lives in o (or in tmp for JSON columns). */
static int bind_val(const char *kind, const struct col *c, json_t *v, struct store_val *out,
                    char **tmp, struct error *err) {
    char t = lower(c->type);
    *tmp = NULL;
    if (json_is_null(v)) {
        if (c->type != t) return bad(err, kind, c, "不能为空", "must not be empty");
        *out = store_val_null();
        return 0;
    }
    switch (t) {
    case 'i':
        if (!json_is_integer(v)) return bad(err, kind, c, "须为整数", "must be an integer");
        *out = store_val_int(json_integer_value(v));
        return 0;
    case 'b':
        if (!json_is_boolean(v)) return bad(err, kind, c, "须为 true/false", "must be true/false");
        *out = store_val_int(json_is_true(v));
        return 0;
    case 'm': {
        int64_t fen = 0;
        const char *s = json_string_value(v);
        if (json_is_integer(v))
            fen = json_integer_value(v);
        else if (!s || text_parse_money(s, strlen(s), &fen, err))
            return bad(err, kind, c, "须为金额（分，或如“500万元”）",
                       "must be an amount (fen, or text such as 500万元)");
        if (fen < 0) return bad(err, kind, c, "不能为负", "must not be negative");
        *out = store_val_int(fen);
        return 0;
    }
    case 'd': {
        const char *s = json_string_value(v);
        int32_t d;
        if (!s || date_parse(s, strlen(s), &d, err))
            return bad(err, kind, c, "须为日期（2026-12-01）", "must be a date (2026-12-01)");
        *out = store_val_int(d);
        return 0;
    }
    case 'j':
        *tmp = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!*tmp) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        *out = store_val_text(*tmp);
        return 0;
    default: {
        const char *s = json_string_value(v);
        if (!s) return bad(err, kind, c, "须为文本", "must be text");
        if (!utf8_is_valid(s, strlen(s), NULL))
            return bad(err, kind, c, "不是有效的 UTF-8", "is not valid UTF-8");
        if (c->values && !in_values(c->values, s)) {
            error_set(err, ERR_INVALID, "%s 的 “%s” 须为 %s 之一", "%s \"%s\" must be one of %s",
                      kind, c->name, c->values, c->values);
            return error_field(err, c->name);
        }
        *out = store_val_text(s);
        return 0;
    }
    }
}

int dock_put(struct store *s, const char *kind, json_t *o, int64_t *id, struct error *err) {
    const struct kind *k = kind_of(kind);
    if (!k) return error_set(err, ERR_INVALID, "未知记录类型 %s", "unknown record kind %s", kind);
    if (!json_is_object(o))
        return error_set(err, ERR_INVALID, "%s 须为 JSON 对象", "%s must be a JSON object", kind);
    json_t *idv = json_object_get(o, "id");
    int64_t row = json_is_integer(idv) ? json_integer_value(idv) : 0;
    if (idv && (!json_is_integer(idv) || row <= 0))
        return error_set(err, ERR_INVALID, "id 须为正整数", "id must be a positive integer");
    struct store_val args[MAX_COLS + 1];
    char *tmp[MAX_COLS + 1] = {0};
    int n = 0, rc = 0;
    struct buf sql, vals;
    buf_init(&sql), buf_init(&vals);
    buf_printf(&sql, row ? "UPDATE %s SET " : "INSERT INTO %s (", k->table);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (strcmp(key, "id") == 0) continue;
        const struct col *c = col_of(k, key);
        if (!c) {
            rc = error_set(err, ERR_INVALID, "%s 没有字段 “%s”", "%s has no field \"%s\"", kind,
                           key);
            error_field(err, key);
            break;
        }
        if ((rc = bind_val(kind, c, v, &args[n], &tmp[n], err))) break;
        if (row)
            buf_printf(&sql, "%s%s = ?", n ? ", " : "", c->name);
        else
            buf_printf(&sql, "%s%s", n ? ", " : "", c->name), buf_puts(&vals, n ? ", ?" : "?");
        n++;
    }
    for (int i = 0; !rc && !row && i < MAX_COLS && k->cols[i].name; i++)
        if (k->cols[i].type != lower(k->cols[i].type) && !json_object_get(o, k->cols[i].name))
            rc = bad(err, kind, &k->cols[i], "必填", "is required");
    if (!rc && row && n == 0) {
        buf_release(&sql), buf_release(&vals);
        return dock_get(s, kind, row, &v, err) ? err->code : (json_decref(v), *id = row, 0);
    }
    if (!rc && row) {
        buf_puts(&sql, " WHERE id = ?");
        args[n++] = store_val_int(row);
        rc = store_sql(s, buf_str(&sql), args, n, NULL, err);
        if (!rc && store_sql_changes(s) == 0)
            rc = error_set(err, ERR_NOTFOUND, "%s %lld 不存在", "%s %lld not found", kind,
                           (long long)row);
        if (!rc && id) *id = row;
    } else if (!rc) {
        buf_printf(&sql, ") VALUES (%s) RETURNING id", buf_str(&vals));
        int64_t got = 0;
        rc = store_sql_int(s, buf_str(&sql), args, n, 0, &got, err);
        if (!rc && id) *id = got;
    }
    for (int i = 0; i < n; i++)
        free(tmp[i]);
    buf_release(&sql), buf_release(&vals);
    return rc;
}

/* A row's cell as JSON, by the column's type letter. */
static json_t *cell_json(const struct store_rows *r, int row, int col, char t) {
    if (store_rows_is_null(r, row, col)) return json_null();
    char buf[16];
    switch (lower(t)) {
    case 'i':
    case 'm':
        return json_integer(store_rows_int(r, row, col));
    case 'b':
        return json_boolean(store_rows_int(r, row, col) != 0);
    case 'd':
        return json_string(date_format((int32_t)store_rows_int(r, row, col), buf, sizeof buf));
    case 'j': {
        json_t *v = json_loads(store_rows_text(r, row, col), JSON_DECODE_ANY, NULL);
        return v ? v : json_null();
    }
    default:
        return json_string(store_rows_text(r, row, col));
    }
}

int dock_query(struct store *s, const char *sql, const struct store_val *args, int n_args,
               const char *types, json_t **out, struct error *err) {
    struct store_rows *r = NULL;
    int rc = store_sql(s, sql, args, n_args, &r, err);
    if (rc) return rc;
    json_t *list = json_array();
    int nc = store_rows_columns(r), nt = (int)strlen(types);
    for (int i = 0; i < store_rows_count(r); i++) {
        json_t *o = json_object();
        for (int c = 0; c < nc; c++)
            json_object_set_new(o, store_rows_name(r, c),
                                cell_json(r, i, c, c < nt ? types[c] : 's'));
        json_array_append_new(list, o);
    }
    store_rows_free(r);
    *out = list;
    return 0;
}

/* "SELECT id, c1, c2 … FROM table" and the matching type letters. */
static void select_of(const struct kind *k, struct buf *sql, char *types) {
    buf_puts(sql, "SELECT id");
    types[0] = 'i';
    int i = 0;
    for (; i < MAX_COLS && k->cols[i].name; i++)
        buf_printf(sql, ", %s", k->cols[i].name), types[i + 1] = k->cols[i].type;
    types[i + 1] = 0;
    buf_printf(sql, " FROM %s", k->table);
}

int dock_get(struct store *s, const char *kind, int64_t id, json_t **out, struct error *err) {
    json_t *list = NULL;
    int rc = dock_list(s, kind, "id", store_val_int(id), 1, 0, &list, err);
    if (rc) return rc;
    if (json_array_size(list) == 0) {
        json_decref(list);
        return error_set(err, ERR_NOTFOUND, "%s %lld 不存在", "%s %lld not found", kind,
                         (long long)id);
    }
    *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    return 0;
}

int dock_list(struct store *s, const char *kind, const char *col, struct store_val value, int limit,
              int offset, json_t **out, struct error *err) {
    const struct kind *k = kind_of(kind);
    if (!k) return error_set(err, ERR_INVALID, "未知记录类型 %s", "unknown record kind %s", kind);
    if (col && strcmp(col, "id") != 0 && !col_of(k, col))
        return error_set(err, ERR_INVALID, "%s 没有字段 “%s”", "%s has no field \"%s\"", kind, col);
    struct buf sql;
    buf_init(&sql);
    char types[MAX_COLS + 2];
    select_of(k, &sql, types);
    if (col) buf_printf(&sql, " WHERE %s = ?", col);
    buf_printf(&sql, " ORDER BY id LIMIT %d OFFSET %d", limit > 0 ? limit : 10000,
               offset > 0 ? offset : 0);
    int rc = dock_query(s, buf_str(&sql), &value, col ? 1 : 0, types, out, err);
    buf_release(&sql);
    return rc;
}

int dock_delete(struct store *s, const char *kind, int64_t id, struct error *err) {
    const struct kind *k = kind_of(kind);
    if (!k) return error_set(err, ERR_INVALID, "未知记录类型 %s", "unknown record kind %s", kind);
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", k->table);
    struct store_val a = store_val_int(id);
    int rc = store_sql(s, sql, &a, 1, NULL, err);
    if (!rc && store_sql_changes(s) == 0)
        rc = error_set(err, ERR_NOTFOUND, "%s %lld 不存在", "%s %lld not found", kind,
                       (long long)id);
    return rc;
}
