/* Owns the docking demo: a few Qingdao banks with three or more loan products each (eligibility
 * in the rule language or as criteria, 线上测额 quotas), 贴息 subsidies, financing needs with
 * bank steps, the 项目库, the listing pipeline with a district's targets, investors and financing
 * projects, two roadshows (one held, with follow-ups; the next one two weeks from today), needs
 * and capabilities, a 揭榜挂帅 challenge, intents, and one matchmaking event (对接会) with its
 * participants, accepted requests and the computed schedule. Deterministic for the seed (but
 * for the next roadshow's date, which follows today). Writes through dock_store.h only; the
 * generating of enterprises is demo.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo.h"
#include "demo/rng.h"
#include "dock/dock_store.h"
#include "refdata/refdata.h"
#include "util/date.h"

#define DEMO_DAY "2026-11-24"
/* 2026-12-08 09:00 in Qingdao: the demo event's day, when check-in is open */
#define DEMO_CHECKIN 1796691600

static const char *const banks[] = {"青岛银行", "中国建设银行青岛分行", "齐鲁银行青岛分行",
                                    "青岛农商银行"};
#define N_BANKS 4
#define DEMO_DOCK_THERE 1 /* the demo banks exist: an earlier (or concurrent) demo wrote it all */

/* Products as JSON (bank by index into banks[]): rule-language eligibility and quota, or
 * criteria; each bank has at least three. */
static const char *const products[] = {
    "{\"bank\":0,\"name\":\"科技信用贷\",\"collateral\":\"信用\",\"amount_min_fen\":\"10万元\","
    "\"amount_max_fen\":\"1000万元\",\"rate_min_bp\":345,\"rate_max_bp\":395,\"months_min\":6,"
    "\"months_max\":36,\"method\":\"等额本息\",\"rule\":\"注册地 属于 青岛市 且 纳税信用等级 属于 "
    "[A, B] 且 成立年限 >= 2 且 资质 包含 \\\"高新技术企业\\\"\\n奖励 = 纳税额 × 2 + 营业收入 × "
    "5%，最高 1000万元\"}",
    "{\"bank\":0,\"name\":\"税e贷\",\"collateral\":\"信用\",\"amount_min_fen\":\"5万元\","
    "\"amount_max_fen\":\"300万元\",\"rate_min_bp\":380,\"rate_max_bp\":430,\"months_min\":12,"
    "\"months_max\":12,\"method\":\"先息后本\",\"criteria\":[{\"field\":\"纳税信用等级\",\"op\":"
    "\"in\",\"values\":[\"A\",\"B\"]}],\"quota\":[{\"field\":\"纳税总额\",\"times\":\"3\"}]}",
    "{\"bank\":0,\"name\":\"厂房按揭贷\",\"collateral\":\"抵押\",\"amount_min_fen\":\"100万元\","
    "\"amount_max_fen\":\"5000万元\",\"rate_min_bp\":330,\"rate_max_bp\":360,\"months_min\":12,"
    "\"months_max\":120,\"method\":\"等额本金\",\"criteria\":[{\"field\":\"注册地\",\"op\":\"in\","
    "\"values\":[\"青岛市\"]}]}",
    "{\"bank\":1,\"name\":\"善新贷\",\"collateral\":\"信用\",\"amount_min_fen\":\"10万元\","
    "\"amount_max_fen\":\"2000万元\",\"rate_min_bp\":320,\"rate_max_bp\":380,\"months_min\":12,"
    "\"months_max\":36,\"method\":\"等额本息\",\"criteria\":[{\"field\":\"资质\",\"op\":\"has\","
    "\"values\":[\"高新技术企业\",\"专精特新中小企业\",\"科技型中小企业\"]}],\"quota\":[{\"field\":"
    "\"营业收入\",\"times\":\"20%\"}]}",
    "{\"bank\":1,\"name\":\"云税贷\",\"collateral\":\"信用\",\"amount_min_fen\":\"5万元\","
    "\"amount_max_fen\":\"300万元\",\"rate_min_bp\":360,\"rate_max_bp\":400,\"months_min\":12,"
    "\"months_max\":12,\"method\":\"等额本息\",\"rule\":\"纳税信用等级 属于 [A, B] 且 成立年限 >= "
    "2\\n奖励 = 纳税额 × 5，最高 300万元\"}",
    "{\"bank\":1,\"name\":\"知识产权质押贷\",\"collateral\":\"知识产权质押\",\"amount_min_fen\":"
    "\"50万元\",\"amount_max_fen\":\"3000万元\",\"rate_min_bp\":350,\"rate_max_bp\":420,"
    "\"months_min\":12,\"months_max\":36,\"method\":\"等额本金\",\"fees\":{\"upfront\":\"5000元\"},"
    "\"rule\":\"发明专利 >= 2\"}",
    "{\"bank\":2,\"name\":\"专精特新贷\",\"collateral\":\"信用\",\"amount_min_fen\":\"50万元\","
    "\"amount_max_fen\":\"1000万元\",\"rate_min_bp\":340,\"rate_max_bp\":390,\"months_min\":12,"
    "\"months_max\":24,\"method\":\"等额本息\",\"criteria\":[{\"field\":\"资质\",\"op\":\"has\","
    "\"values\":[\"专精特新中小企业\",\"专精特新小巨人\"]}]}",
    "{\"bank\":2,\"name\":\"人才贷\",\"collateral\":\"信用\",\"amount_min_fen\":\"10万元\","
    "\"amount_max_fen\":\"500万元\",\"rate_min_bp\":365,\"rate_max_bp\":365,\"months_min\":12,"
    "\"months_max\":36,\"method\":\"先息后本\",\"criteria\":[{\"field\":\"成立年限\",\"op\":\">=\","
    "\"value\":1}]}",
    "{\"bank\":2,\"name\":\"政府采购贷\",\"collateral\":\"质押\",\"amount_min_fen\":\"10万元\","
    "\"amount_max_fen\":\"800万元\",\"rate_min_bp\":390,\"rate_max_bp\":450,\"months_min\":6,"
    "\"months_max\":12,\"method\":\"先息后本\",\"fees\":{\"upfront_bp\":30}}",
    "{\"bank\":3,\"name\":\"小微快贷\",\"collateral\":\"信用\",\"amount_min_fen\":\"10万元\","
    "\"amount_max_fen\":\"300万元\",\"rate_min_bp\":420,\"rate_max_bp\":420,\"months_min\":12,"
    "\"months_max\":12,\"method\":\"先息后本\",\"rule\":\"企业规模 属于 [小型, 微型] 且 非 失信\\n"
    "奖励 = 营业收入 × 10%，最高 300万元\"}",
    "{\"bank\":3,\"name\":\"助农担保贷\",\"collateral\":\"担保\",\"amount_min_fen\":\"10万元\","
    "\"amount_max_fen\":\"1000万元\",\"rate_min_bp\":400,\"rate_max_bp\":460,\"months_min\":12,"
    "\"months_max\":36,\"method\":\"等额本息\",\"fees\":{\"guarantee_bp_year\":100},\"criteria\":"
    "[{\"field\":\"注册地\",\"op\":\"in\",\"values\":[\"青岛市\"]}]}",
    "{\"bank\":3,\"name\":\"设备更新贷\",\"collateral\":\"抵押\",\"amount_min_fen\":\"50万元\","
    "\"amount_max_fen\":\"3000万元\",\"rate_min_bp\":310,\"rate_max_bp\":350,\"months_min\":24,"
    "\"months_max\":60,\"method\":\"等额本金\",\"criteria\":[{\"field\":\"行业\",\"op\":\"in\","
    "\"values\":[\"C\"]}]}",
};

static const char *const subsidies[] = {
    "{\"name\":\"崂山区科技型企业贷款贴息\",\"share\":\"50%\",\"cap_fen\":\"10万元\","
    "\"collateral\":"
    "[\"信用\"],\"rule\":\"注册地 属于 崂山区 且 资质 包含 \\\"高新技术企业\\\"\"}",
    "{\"name\":\"青岛市普惠小微贷款贴息\",\"rate_bp\":100,\"cap_fen\":\"20万元\",\"collateral\":"
    "[\"信用\",\"担保\"],\"rule\":\"企业规模 属于 [小型, 微型]\"}",
    "{\"name\":\"知识产权质押融资贴息\",\"share\":\"30%\",\"cap_fen\":\"30万元\",\"collateral\":"
    "[\"知识产权质押\"]}",
};

static int put_text(struct store *s, const char *kind, const char *text, int64_t *id,
                    struct error *err) {
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);
    if (!o) return error_set(err, ERR_PARSE, "演示数据有误：%s", "bad demo data: %s", je.text);
    int rc = dock_put(s, kind, o, id, err);
    json_decref(o);
    return rc;
}

/* put with a ready object (stolen). */
static int put(struct store *s, const char *kind, json_t *o, int64_t *id, struct error *err) {
    if (!o) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int rc = dock_put(s, kind, o, id, err);
    json_decref(o);
    return rc;
}

static json_t *day(int32_t d) {
    char b[16];
    return json_string(date_format(d, b, sizeof b));
}

struct firm {
    struct demo_text text; /* what the profile's text values point into */
    char uscc[20];
    char name[128];
    char region[64];
    char industry[16];
};

/* Enterprise i of the demo city when it exists (i < n; p's text then points into f->text, so p
 * lives as long as f), else a name only. */
static void firm_of(uint64_t seed, int64_t n, int64_t i, struct profile *p, struct firm *f) {
    memset(f, 0, sizeof *f);
    struct demo_text *t = &f->text;
    if (i < n) {
        demo_enterprise(seed, i, p, t);
        snprintf(f->uscc, sizeof f->uscc, "%s", t->uscc);
        snprintf(f->name, sizeof f->name, "%s", t->name);
        if (p->v[F_REGION].has)
            snprintf(f->region, sizeof f->region, "%s", region_at((int)p->v[F_REGION].i)->name);
        if (p->v[F_INDUSTRY].has)
            snprintf(f->industry, sizeof f->industry, "%s",
                     industry_at((int)p->v[F_INDUSTRY].i)->code);
    } else {
        snprintf(f->uscc, sizeof f->uscc, "DEMO%014lld", (long long)i);
        snprintf(f->name, sizeof f->name, "青岛演示企业%lld号", (long long)i + 1);
        snprintf(f->region, sizeof f->region, "崂山区");
        snprintf(f->industry, sizeof f->industry, "I6513");
        /* beyond the city's enterprises p describes this firm alone (never text of an earlier one)
         */
        profile_clear(p);
        p->v[F_USCC] = (struct value){.has = true, .s = f->uscc, .r = {0, 1}};
        p->v[F_NAME] = (struct value){.has = true, .s = f->name, .r = {0, 1}};
    }
}

static int write_finance(struct store *s, uint64_t seed, int64_t n, struct profile *p,
                         int64_t *bank_ids, struct error *err) {
    /* the first bank claims the demo: a concurrent demo waits on the unique name, then finds it
     * taken (DO NOTHING returns no row, and the transaction stays usable even in bulk mode) */
    struct store_val first[] = {store_val_text(banks[0]), store_val_text("青岛市")};
    int rc = store_sql_int(s,
                           "INSERT INTO dock_bank (name, region) VALUES (?, ?) ON CONFLICT (name)"
                           " DO NOTHING RETURNING id",
                           first, 2, 0, &bank_ids[0], err);
    if (rc == ERR_NOTFOUND) return DEMO_DOCK_THERE;
    for (int b = 1; !rc && b < N_BANKS; b++)
        rc = put(s, "bank", json_pack("{s:s, s:s}", "name", banks[b], "region", "青岛市"),
                 &bank_ids[b], err);
    for (size_t k = 0; !rc && k < sizeof products / sizeof *products; k++) {
        json_t *o = json_loads(products[k], 0, NULL);
        if (!o) return error_set(err, ERR_PARSE, "演示产品有误", "bad demo product");
        int b = (int)json_integer_value(json_object_get(o, "bank"));
        json_object_set_new(o, "bank_id", json_integer(bank_ids[b]));
        json_object_del(o, "bank");
        json_object_set_new(o, "published", json_true());
        rc = put(s, "product", o, NULL, err);
    }
    for (size_t k = 0; !rc && k < sizeof subsidies / sizeof *subsidies; k++)
        rc = put_text(s, "subsidy", subsidies[k], NULL, err);
    int32_t today;
    date_parse(DEMO_DAY, strlen(DEMO_DAY), &today, NULL);
    static const char *const purposes[] = {"流动资金周转", "研发投入", "设备购置", "订单备货",
                                           "厂房建设"};
    for (int i = 0; !rc && i < 30; i++) {
        struct rng r = rng_for(seed ^ 0xF1, i);
        struct firm f;
        firm_of(seed, n, i, p, &f);
        int32_t posted = today - (int32_t)between(&r, 1, 60);
        int64_t amount = between(&r, 5, 200) * 10000 * 100;
        json_t *need = json_pack("{s:s, s:s, s:s, s:I, s:i, s:s, s:o}", "uscc", f.uscc,
                                 "enterprise", f.name, "region", f.region, "amount_fen",
                                 (json_int_t)amount, "months", (int)between(&r, 1, 3) * 12,
                                 "purpose", purposes[i % 5], "posted", day(posted));
        int64_t id = 0;
        if (i < n) profile_derive(p, today, NULL);
        rc = dock_financing_post(s, need, i < n ? p : NULL, posted, &id, err);
        json_decref(need);
        /* the first linked bank answers at some pace */
        struct store_val a = store_val_int(id);
        int64_t bank = 0;
        if (!rc &&
            store_sql_int(s, "SELECT MIN(bank_id) FROM dock_financing_bank WHERE need_id = ?", &a,
                          1, 0, &bank, err))
            rc = err->code;
        if (rc || !bank) continue;
        int stage = (int)below(&r, 7); /* 0 none … 6 loan */
        static const char *const steps[] = {"响应", "联系", "跟进", "对接", "授信", "放款"};
        int32_t d = posted;
        for (int k = 0; !rc && k < stage; k++) {
            d += (int32_t)between(&r, 0, k < 3 ? 3 : 8);
            if (d > today) break;
            json_t *st = json_pack("{s:I, s:s, s:o}", "bank_id", (json_int_t)bank, "step", steps[k],
                                   "date", day(d));
            if (k >= 4)
                json_object_set_new(st, "amount_fen", json_integer(k == 4 ? amount : amount / 2));
            rc = dock_financing_step(s, id, st, today, NULL, err);
            json_decref(st);
        }
    }
    return rc;
}

static int write_projects_listing(struct store *s, uint64_t seed, int64_t n, struct profile *p,
                                  struct error *err) {
    static const char *const cats[] = {"绿色发展", "海洋经济", "科技创新", "先进制造", "民营小微"};
    static const char *const what[] = {"光伏储能一体化项目", "海洋牧场装备升级", "工业视觉检测平台",
                                       "智能产线改造", "社区连锁门店扩张"};
    int rc = 0;
    for (int i = 0; !rc && i < 15; i++) {
        struct firm f;
        firm_of(seed, n, 100 + i, p, &f);
        rc = put(s, "project",
                 json_pack("{s:s, s:s, s:s, s:I, s:i, s:s}", "uscc", f.uscc, "name", what[i % 5],
                           "category", cats[i % 5], "amount_fen",
                           (json_int_t)(i + 1) * 3000000 * 100, "months", 36, "summary", f.name),
                 NULL, err);
    }
    static const char *const stages[] = {"储备", "孵化", "辅导", "上市"};
    static const int per_stage[] = {60, 12, 4, 2};
    int32_t today;
    date_parse(DEMO_DAY, strlen(DEMO_DAY), &today, NULL);
    int k = 0;
    for (int st = 0; !rc && st < 4; st++)
        for (int j = 0; !rc && j < per_stage[st]; j++, k++) {
            struct firm f;
            firm_of(seed, n, 200 + k, p, &f);
            int32_t d = today - 720 + k * 3;
            for (int up = 0; !rc && up <= st; up++, d += 90)
                rc = dock_listing_move(s, f.uscc, f.name, stages[up], d, err);
        }
    static const int targets[] = {100, 16, 5};
    for (int st = 0; !rc && st < 3; st++)
        rc = put(s, "listing_target",
                 json_pack("{s:s, s:s, s:i}", "region", "崂山区", "stage", stages[st], "target",
                           targets[st]),
                 NULL, err);
    if (!rc)
        rc = put_text(s, "listing_reward",
                      "{\"name\":\"辅导备案奖励\",\"stage\":\"辅导\",\"amount_fen\":\"100万元\"}",
                      NULL, err);
    if (!rc)
        rc = put_text(s, "listing_reward",
                      "{\"name\":\"首发上市奖励\",\"stage\":\"上市\",\"amount_fen\":\"500万元\"}",
                      NULL, err);
    return rc;
}

static int write_investors(struct store *s, uint64_t seed, int64_t n, struct profile *p,
                           struct error *err) {
    static const char *const inv[] = {
        "{\"name\":\"青岛科创母基金\",\"org_id\":1,\"stages\":[\"天使\",\"A轮\"],\"industries\":["
        "\"I65\","
        "\"C39\"],"
        "\"regions\":[\"青岛市\"],\"ticket_min_fen\":\"500万元\",\"ticket_max_fen\":\"3000万元\","
        "\"capacity\":3}",
        "{\"name\":\"海创汇资本\",\"stages\":[\"A轮\",\"B轮\"],\"industries\":[\"C\"],\"regions\":"
        "[\"山东省\"],\"ticket_min_fen\":\"1000万元\",\"ticket_max_fen\":\"1亿元\",\"capacity\":2}",
        "{\"name\":\"崂山区产业引导基金\",\"stages\":[\"天使\",\"A轮\",\"B轮\"],\"industries\":[],"
        "\"regions\":[\"崂山区\"],\"ticket_min_fen\":\"200万元\",\"ticket_max_fen\":\"2000万元\","
        "\"capacity\":4}",
        "{\"name\":\"蓝色海洋创投\",\"stages\":[\"天使\"],\"industries\":[\"A04\",\"C37\"],"
        "\"regions\":[\"青岛市\"],\"ticket_min_fen\":\"100万元\",\"ticket_max_fen\":\"1000万元\","
        "\"capacity\":2}",
        "{\"name\":\"青银理财直投\",\"stages\":[\"B轮\",\"Pre-IPO\"],\"industries\":[\"C35\","
        "\"C38\"],"
        "\"regions\":[\"青岛市\"],\"ticket_min_fen\":\"3000万元\",\"ticket_max_fen\":\"2亿元\","
        "\"capacity\":2}",
    };
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof inv / sizeof *inv; i++)
        rc = put_text(s, "investor", inv[i], NULL, err);
    static const char *const st[] = {"天使", "A轮", "B轮", "Pre-IPO"};
    for (int i = 0; !rc && i < 12; i++) {
        struct firm f;
        firm_of(seed, n, 300 + i, p, &f);
        rc = put(s, "invest_project",
                 json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:i}", "uscc", f.uscc, "name",
                           f.name, "stage", st[i % 4], "amount_fen",
                           (json_int_t)(500 + 700 * i) * 10000 * 100, "industry", f.industry,
                           "region", f.region, "summary", "融资用于研发与市场拓展", "capacity", 2),
                 NULL, err);
    }
    return rc;
}

static int write_needs(struct store *s, uint64_t seed, int64_t n, struct profile *p,
                       struct error *err) {
    static const char *const needs[][3] = {
        {"技术难题", "C34", "数控机床主轴热变形补偿算法，提高加工精度"},
        {"场景需求", "I65", "港口集装箱智能理货视觉识别场景开放"},
        {"采购需求", "C39", "采购工业物联网网关与边缘计算设备"},
        {"技术难题", "C27", "海洋生物医药活性成分提取纯化工艺"},
        {"场景需求", "E48", "智慧工地安全帽识别与人员定位"},
        {"采购需求", "I65", "采购企业资源计划 ERP 软件与实施服务"},
    };
    static const char *const caps[][3] = {
        {"解决方案", "I65", "工业视觉识别平台，集装箱箱号与残损智能识别"},
        {"产品", "C39", "工业物联网网关，支持边缘计算与多协议接入"},
        {"研发团队", "M73", "精密加工热误差补偿与数控机床算法研究团队"},
        {"解决方案", "I65", "ERP 企业资源计划软件，含实施与运维服务"},
        {"研发团队", "M73", "海洋生物医药活性成分提取与纯化工艺研究"},
        {"产品", "I65", "智慧工地平台：安全帽识别、人员定位与视频监控"},
    };
    int rc = 0;
    int32_t today;
    date_parse(DEMO_DAY, strlen(DEMO_DAY), &today, NULL);
    int64_t need_ids[6] = {0};
    for (int i = 0; !rc && i < 6; i++) {
        struct firm f;
        firm_of(seed, n, 400 + i, p, &f);
        rc = put(s, "need",
                 json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s}", "uscc", f.uscc, "kind",
                           needs[i][0], "industry", needs[i][1], "region", "青岛市", "title",
                           needs[i][2], "budget_fen", (json_int_t)(50 + 30 * i) * 10000 * 100,
                           "deadline", day(today + 60), "text", needs[i][2]),
                 &need_ids[i], err);
        firm_of(seed, n, 410 + i, p, &f);
        if (!rc)
            rc = put(s, "capability",
                     json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "uscc", f.uscc, "kind",
                               caps[i][0], "industry", caps[i][1], "region", "青岛市", "title",
                               caps[i][2], "price_fen", (json_int_t)(40 + 25 * i) * 10000 * 100,
                               "text", caps[i][2]),
                     NULL, err);
    }
    static const char *const status[] = {"联系", "洽谈", "签约", "放弃"};
    for (int i = 0; !rc && i < 10; i++) {
        struct firm a, b;
        firm_of(seed, n, 400 + i % 6, p, &a);
        firm_of(seed, n, 410 + (i + 1) % 6, p, &b);
        json_t *o =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "need_id", (json_int_t)need_ids[i % 6],
                      "from_party", b.name, "to_party", a.name, "about", "需求", "status",
                      status[i % 4], "date", day(today - 30 + i * 3));
        if (i % 4 == 2)
            json_object_set_new(o, "amount_fen", json_integer((int64_t)(80 + i) * 1000000));
        rc = put(s, "intent", o, NULL, err);
    }
    int64_t ch = 0;
    struct firm owner;
    firm_of(seed, n, 420, p, &owner);
    /* open for applications a month past the demo day, or past the real today when that is later
     * (so the demo's challenge can still be applied for whenever the demo is made) */
    int32_t deadline = today + 30 > date_today() + 30 ? today + 30 : date_today() + 30;
    if (!rc)
        rc = put(s, "challenge",
                 json_pack("{s:s, s:s, s:s, s:o, s:s}", "uscc", owner.uscc, "title",
                           "海水淡化反渗透膜国产化替代（揭榜挂帅）", "reward_fen", "300万元",
                           "deadline", day(deadline), "text", "反渗透膜脱盐率 ≥ 99.7%"),
                 &ch, err);
    for (int i = 0; !rc && i < 3; i++) {
        struct firm f;
        firm_of(seed, n, 421 + i, p, &f);
        rc = put(s, "application",
                 json_pack("{s:I, s:s, s:o}", "challenge_id", (json_int_t)ch, "solver", f.name,
                           "date", day(today - 10 + i)),
                 NULL, err);
    }
    static const char *const ms[][2] = {
        {"样品研制", "30%"}, {"中试验证", "30%"}, {"量产交付", "40%"}};
    for (int i = 0; !rc && i < 3; i++)
        rc =
            put(s, "milestone",
                json_pack("{s:I, s:i, s:s, s:s, s:o}", "challenge_id", (json_int_t)ch, "seq", i + 1,
                          "name", ms[i][0], "share", ms[i][1], "due", day(today + 90 * (i + 1))),
                NULL, err);
    return rc;
}

/* One event: enterprises meet banks, investors and experts; each enterprise asks for 2–6
 * meetings, popular partners more often, and most requests are accepted. */
static int write_event(struct store *s, uint64_t seed, int64_t n, struct profile *p, int n_part,
                       struct error *err) {
    int64_t ev = 0;
    int rc = put(s, "event",
                 json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:s}", "name",
                           "2026 青岛金企·投融资对接会", "kind", "对接会", "date", "2026-12-08",
                           "start_min", 9 * 60, "slot_min", 20, "gap_min", 5, "n_slots", 12,
                           "n_tables", 60, "place", "青岛国际会议中心"),
                 &ev, err);
    int n_side = n_part / 4 > 1 ? n_part / 4 : 1; /* banks, investors and experts */
    int64_t *ids = calloc((size_t)n_part + 1, sizeof *ids);
    if (!ids) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int i = 0; !rc && i < n_part; i++) {
        struct rng r = rng_for(seed ^ 0xE7, i);
        char name[160];
        const char *kind;
        struct firm f = {0};
        if (i < n_side) {
            int k = i % 3;
            kind = k == 0 ? "银行" : k == 1 ? "投资机构" : "专家";
            snprintf(name, sizeof name, "%s·%s%d",
                     k == 0   ? banks[i % N_BANKS]
                     : k == 1 ? "投资人"
                              : "专家",
                     k == 0 ? "客户经理" : "", i + 1);
        } else {
            kind = "企业";
            firm_of(seed, n, 500 + i, p, &f);
            snprintf(name, sizeof name, "%s", f.name);
        }
        json_t *o = json_pack("{s:s, s:s}", "name", name, "kind", kind);
        if (f.uscc[0]) json_object_set_new(o, "uscc", json_string(f.uscc));
        if (below(&r, 5) == 0) /* a fifth can attend only the morning or the afternoon */
            json_object_set_new(o, "avail_mask", json_integer(below(&r, 2) ? 0x3F : 0xFC0));
        int32_t today;
        date_parse(DEMO_DAY, strlen(DEMO_DAY), &today, NULL);
        rc = dock_register(s, ev, o, today, &ids[i], err);
        json_decref(o);
        if (!rc && below(&r, 10) < 8) rc = dock_check_in(s, ev, ids[i], DEMO_CHECKIN + i * 30, err);
    }
    for (int i = n_side; !rc && i < n_part; i++) {
        struct rng r = rng_for(seed ^ 0xE8, i);
        int want = (int)between(&r, 2, 6);
        int prev = -1;
        for (int k = 0; !rc && k < want; k++) {
            /* skewed: the low-numbered partners are asked for more */
            int b = (int)(below(&r, n_side) * below(&r, n_side) / n_side);
            if (b == prev) continue;
            prev = b;
            const char *st = below(&r, 100) < 85 ? "已接受" : below(&r, 2) ? "待确认" : "已拒绝";
            rc = put(s, "request",
                     json_pack("{s:I, s:I, s:I, s:i, s:s}", "event_id", (json_int_t)ev, "a_id",
                               (json_int_t)ids[i], "b_id", (json_int_t)ids[b], "priority",
                               (int)below(&r, 4), "status", st),
                     NULL, err);
        }
    }
    free(ids);
    if (!rc) rc = dock_schedule(s, ev, false, NULL, err);
    return rc;
}

/* The ids of a kind's rows in order (at most n). */
static int ids_of(struct store *s, const char *table, int64_t *ids, int n, struct error *err) {
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT id FROM %s ORDER BY id LIMIT %d", table, n);
    struct store_rows *r = NULL;
    int rc = store_sql(s, sql, NULL, 0, &r, err);
    for (int i = 0; !rc && i < n; i++)
        ids[i] = i < store_rows_count(r) ? store_rows_int(r, i, 0) : 0;
    store_rows_free(r);
    return rc;
}

/* Two roadshows (常态化资本路演): one held three weeks before the demo day, with every investor
 * registered and follow-ups recorded after (the funnel has something to count), and the next one
 * two weeks from today (the real today, so that registration stays open whenever the demo is
 * made), eight firms, the first investor not yet registered. */
static int write_roadshows(struct store *s, struct error *err) {
    int64_t inv[5], prj[12], held = 0, next = 0;
    int32_t demo_day, today = date_today();
    date_parse(DEMO_DAY, strlen(DEMO_DAY), &demo_day, NULL);
    int rc = ids_of(s, "dock_investor", inv, 5, err);
    if (!rc) rc = ids_of(s, "dock_invest_project", prj, 12, err);
    if (!rc)
        rc = put(s, "roadshow",
                 json_pack("{s:s, s:o, s:i, s:i, s:i, s:i, s:o, s:s}", "name",
                           "常态化资本路演·第11期（海洋经济）", "date", day(demo_day - 21),
                           "start_min", 14 * 60, "minutes_per_firm", 10, "gap_min", 5, "capacity",
                           60, "reg_deadline", day(demo_day - 24), "place", "青岛国际创新园"),
                 &held, err);
    if (!rc)
        rc = put(s, "roadshow",
                 json_pack("{s:s, s:o, s:i, s:i, s:i, s:i, s:o, s:s}", "name",
                           "常态化资本路演·第12期（科技创新）", "date", day(today + 14),
                           "start_min", 14 * 60, "minutes_per_firm", 8, "gap_min", 2, "capacity",
                           60, "reg_deadline", day(today + 10), "place", "崂山区金家岭金融区"),
                 &next, err);
    json_t *first = json_array(), *second = json_array();
    for (int i = 0; i < 6; i++)
        json_array_append_new(first, json_integer(prj[i]));
    for (int i = 4; i < 12; i++)
        json_array_append_new(second, json_integer(prj[i]));
    if (!rc) rc = dock_roadshow_lineup(s, held, first, err);
    if (!rc) rc = dock_roadshow_lineup(s, next, second, err);
    for (int i = 0; !rc && i < 5; i++) {
        json_t *want = json_pack("[I, I]", (json_int_t)prj[i % 6], (json_int_t)prj[(i + 2) % 6]);
        rc = dock_roadshow_register(s, held, inv[i], want, demo_day - 30, NULL, err);
        json_decref(want);
        if (!rc && i > 0) {
            want = json_pack("[I]", (json_int_t)prj[4 + i]);
            rc = dock_roadshow_register(s, next, inv[i], want, today, NULL, err);
            json_decref(want);
        }
    }
    static const char *const status[] = {"约谈", "尽调", "约谈", "签约", "放弃"};
    for (int i = 0; !rc && i < 5; i++) {
        json_t *o =
            json_pack("{s:I, s:I, s:s, s:o}", "investor_id", (json_int_t)inv[i], "project_id",
                      (json_int_t)prj[i % 6], "status", status[i], "date", day(demo_day - 14 + i));
        if (strcmp(status[i], "签约") == 0)
            json_object_set_new(o, "amount_fen", json_integer((int64_t)1500 * 10000 * 100));
        rc = dock_roadshow_followup(s, held, o, demo_day, NULL, err);
        json_decref(o);
    }
    json_decref(first), json_decref(second);
    return rc;
}

int demo_dock(struct store *s, uint64_t seed, int64_t n_enterprises, int n_participants,
              struct error *err) {
    struct profile *p = malloc(sizeof *p);
    if (!p) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int64_t bank_ids[N_BANKS];
    int rc = write_finance(s, seed, n_enterprises, p, bank_ids, err);
    if (rc == DEMO_DOCK_THERE) {
        free(p);
        error_clear(err);
        return 0;
    }
    if (!rc) rc = write_projects_listing(s, seed, n_enterprises, p, err);
    if (!rc) rc = write_investors(s, seed, n_enterprises, p, err);
    if (!rc) rc = write_roadshows(s, err);
    if (!rc) rc = write_needs(s, seed, n_enterprises, p, err);
    if (!rc) rc = write_event(s, seed, n_enterprises, p, n_participants, err);
    free(p);
    return rc;
}
