/* Owns the demo's service network: the city hub, one centre per Qingdao district, one station per
 * town or street, about 500 commissioners with plausible Chinese names (shared among stations by
 * how many of the demo's enterprises each town has), the departments' contact lines from the demo
 * policies, and some visit records. Deterministic for the seed. The network's rules (what a unit
 * may be, assignment) are src/network's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "demo/demo.h"
#include "demo/rng.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "util/date.h"

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "姜", "崔", "宫", "隋", "逄", "臧", "綦", "栾", "曲", "修",
};
static const char *const given[] = {
    "伟",   "芳",   "娜",   "敏",   "静",   "丽",   "强",   "磊",   "军",   "洋",
    "勇",   "艳",   "杰",   "娟",   "涛",   "明",   "超",   "秀英", "霞",   "平",
    "刚",   "桂英", "晓东", "海燕", "建华", "志强", "文静", "晓明", "婷婷", "雪",
    "琳",   "鹏",   "宁",   "浩",   "晨",   "悦",   "欣怡", "子涵", "国庆", "红梅",
    "立新", "海波", "春燕", "振华", "玉兰", "德明", "凯",   "帅",   "蕾",   "冬梅",
};
#define N_SURNAMES ((int)(sizeof surnames / sizeof *surnames))
#define N_GIVEN ((int)(sizeof given / sizeof *given))

static const char *const topics[] = {
    "宣讲高新技术企业认定奖励政策,核对研发费用归集口径",
    "介绍专精特新中小企业培育政策,梳理企业资质材料",
    "了解企业技术改造投资计划,讲解技改补助申报条件",
    "对接企业融资需求,介绍贷款贴息和首贷续贷政策",
    "核实企业从业人数与营业收入,更新企业画像数据",
    "讲解研发费用加计扣除和研发投入补助政策",
    "协助企业登录平台查看可享政策并完善缺失数据",
};
static const char *const outcomes[] = {
    "企业有申报意向,需补充近三年财务报表", "企业已了解政策,暂无申报计划",
    "已协助企业在平台提交申请材料",        "企业反映数据有误,已记录并转交核实",
    "企业需要融资对接,已推荐合作银行",
};
static const char *const next_steps[] = {
    "回访确认财务报表补充情况",
    "陪同企业到区服务中心办理申报",
    "跟进申请受理进度",
    "组织银企对接会邀请企业参加",
};

static void person_name(struct rng *r, char *buf, size_t n) {
    snprintf(buf, n, "%s%s", surnames[below(r, N_SURNAMES)], given[below(r, N_GIVEN)]);
}

static void phone(struct rng *r, char *buf, size_t n, bool is_mobile) {
    if (is_mobile)
        snprintf(buf, n, "1%d%08lld", (int)between(r, 30, 99), (long long)below(r, 100000000));
    else
        snprintf(buf, n, "0532-%08lld", (long long)between(r, 55000000, 89999999));
}

/* The departments' contact lines from the demo policies file ("contact" per policy). */
static int put_contacts(struct store *s, const char *policies, struct error *err) {
    json_error_t je;
    json_t *root = json_load_file(policies, 0, &je);
    if (!root) return 0; /* no policies file: packages show no contact line */
    size_t i;
    json_t *p;
    int rc = 0;
    json_array_foreach(root, i, p) {
        const char *dept = json_string_value(json_object_get(p, "department"));
        const char *contact = json_string_value(json_object_get(p, "contact"));
        if (dept && contact && (rc = network_put_contact(s, dept, contact, err))) break;
    }
    json_decref(root);
    return rc;
}

struct town_load {
    int town;
    int64_t enterprises;
    int commissioners;
};

/* How many of the first enterprises each town has, and commissioners shared out by it (at least
 * one a station; largest remainders after that). */
static void share_commissioners(uint64_t seed, int64_t n_enterprises, int n_commissioners,
                                struct town_load *towns, int n_towns) {
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    int64_t sample = n_enterprises < 20000 ? n_enterprises : 20000, total = 0;
    for (int64_t i = 0; p && i < sample; i++) {
        demo_enterprise(seed, i, p, &t);
        for (int k = 0; p->v[F_REGION].has && k < n_towns; k++)
            if (towns[k].town == (int)p->v[F_REGION].i) {
                towns[k].enterprises++;
                total++;
                break;
            }
    }
    free(p);
    /* cumulative shares, so the extras add up to exactly what is left */
    int64_t left = n_commissioners > n_towns ? n_commissioners - n_towns : 0, seen = 0;
    for (int k = 0; k < n_towns; k++) {
        int64_t before = total ? seen * left / total : 0;
        seen += towns[k].enterprises;
        int64_t after = total ? seen * left / total : 0;
        towns[k].commissioners = 1 + (int)(after - before);
    }
}

struct demo_net {
    struct store *s;
    uint64_t seed;
    int n_made;
    char buf[4][128];
};

static int put(struct demo_net *d, struct network_unit *u, struct error *err) {
    u->is_active = true;
    return network_put_unit(d->s, u, err);
}

static int make_station(struct demo_net *d, int64_t centre, const struct town_load *tl,
                        struct error *err) {
    struct rng r = rng_for(d->seed ^ 0x6e6574, tl->town);
    const struct region *town = region_at(tl->town);
    snprintf(d->buf[0], sizeof d->buf[0], "%s服务站", town->name);
    person_name(&r, d->buf[1], sizeof d->buf[1]);
    phone(&r, d->buf[2], sizeof d->buf[2], false);
    snprintf(d->buf[3], sizeof d->buf[3], "%s便民服务中心", town->name);
    struct network_unit st = {.kind = NETWORK_STATION,
                              .parent_id = centre,
                              .name = d->buf[0],
                              .contact = d->buf[1],
                              .phone = d->buf[2],
                              .address = d->buf[3],
                              .n_towns = 1};
    st.towns[0] = tl->town;
    int rc = put(d, &st, err);
    for (int c = 0; !rc && c < tl->commissioners; c++) {
        char name[64], mobile[32], user[32];
        person_name(&r, name, sizeof name);
        phone(&r, mobile, sizeof mobile, true);
        snprintf(user, sizeof user, "zy%04d", ++d->n_made);
        struct network_unit cm = {.kind = NETWORK_COMMISSIONER,
                                  .parent_id = st.id,
                                  .name = name,
                                  .contact = name,
                                  .phone = mobile,
                                  .user_ref = user,
                                  .n_towns = 1};
        cm.towns[0] = tl->town;
        rc = put(d, &cm, err);
    }
    return rc;
}

static int make_units(struct demo_net *d, int64_t n_enterprises, int n_commissioners,
                      struct error *err) {
    int qd = region_by_code(370200);
    struct network_unit hub = {.kind = NETWORK_HUB,
                               .name = "青岛市惠企政策服务枢纽",
                               .contact = "市民营经济发展局服务科",
                               .phone = "0532-85912345",
                               .address = "青岛市市南区香港中路"};
    int rc = put(d, &hub, err);
    struct town_load *towns = calloc((size_t)region_count(), sizeof *towns);
    if (!towns) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int n_towns = 0;
    for (int r = 0; r < region_count(); r++)
        if (region_at(r)->level == REGION_TOWN && region_is_within(r, qd))
            towns[n_towns++].town = r;
    share_commissioners(d->seed, n_enterprises, n_commissioners, towns, n_towns);
    for (int r = 0; !rc && r < region_count(); r++) {
        const struct region *dist = region_at(r);
        if (dist->level != REGION_COUNTY || dist->parent != qd) continue;
        struct rng g = rng_for(d->seed ^ 0x63656e, r);
        snprintf(d->buf[0], sizeof d->buf[0], "%s服务中心", dist->name);
        person_name(&g, d->buf[1], sizeof d->buf[1]);
        phone(&g, d->buf[2], sizeof d->buf[2], false);
        snprintf(d->buf[3], sizeof d->buf[3], "%s政务服务中心", dist->name);
        struct network_unit ce = {.kind = NETWORK_CENTRE,
                                  .parent_id = hub.id,
                                  .name = d->buf[0],
                                  .contact = d->buf[1],
                                  .phone = d->buf[2],
                                  .address = d->buf[3],
                                  .region = r};
        rc = put(d, &ce, err);
        for (int k = 0; !rc && k < n_towns; k++)
            if (region_is_within(towns[k].town, r)) rc = make_station(d, ce.id, &towns[k], err);
    }
    free(towns);
    return rc;
}

/* Visits to some of the first enterprises by the commissioners they are assigned to. */
static int make_visits(struct demo_net *d, int64_t n_enterprises, struct error *err) {
    struct network *net;
    int rc = network_load(d->s, &net, err);
    if (rc) return rc;
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    int32_t today = date_today();
    int64_t sample = n_enterprises < 3000 ? n_enterprises : 3000;
    for (int64_t i = 0; p && !rc && i < sample; i++) {
        struct rng r = rng_for(d->seed ^ 0x766973, i);
        if (!chance(&r, 30000)) continue; /* three in ten get a visit */
        demo_enterprise(d->seed, i, p, &t);
        int64_t c = network_assigned(net, t.uscc, p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1);
        if (!c) continue;
        struct network_visit v = {.commissioner_id = c};
        memcpy(v.uscc, t.uscc, sizeof v.uscc);
        v.date = today - (int32_t)below(&r, 120);
        v.topic = topics[below(&r, (int64_t)(sizeof topics / sizeof *topics))];
        v.outcome = outcomes[below(&r, (int64_t)(sizeof outcomes / sizeof *outcomes))];
        v.next_date = STORE_NO_DATE;
        if (chance(&r, 60000)) {
            v.next_step = next_steps[below(&r, (int64_t)(sizeof next_steps / sizeof *next_steps))];
            v.next_date = v.date + (int32_t)between(&r, 7, 60);
            v.is_done = v.next_date < today && chance(&r, 50000);
        }
        v.by = "demo";
        v.at = (int64_t)v.date * 86400 + 36000;
        rc = network_put_visit(d->s, &v, err);
    }
    free(p);
    network_free(net);
    return rc;
}

/* The demo's signed-in network users (demo_users.c: demo_commissioner, demo_station, demo_centre)
 * get the units of the first demo enterprise of 市南区: its commissioner, station and centre. */
static int bind_demo_users(struct store *s, uint64_t seed, int64_t n_enterprises,
                           struct error *err) {
    struct network *net;
    int rc = network_load(s, &net, err);
    if (rc) return rc;
    int district = region_by_code(370202);
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    int64_t c = 0;
    for (int64_t i = 0; p && !c && i < n_enterprises; i++) {
        profile_clear(p);
        demo_enterprise(seed, i, p, &t);
        int r = p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
        if (r >= 0 && region_is_within(r, district)) c = network_assigned(net, t.uscc, r);
    }
    free(p);
    const struct network_unit *u = network_unit(net, c);
    const char *const users[] = {"demo_commissioner", "demo_station", "demo_centre"};
    for (int k = 0; u && !rc && k < 3; k++) {
        struct store_val args[] = {store_val_text(users[k]), store_val_int(u->id)};
        rc = store_sql(s, "UPDATE network_units SET user_ref = ? WHERE id = ?", args, 2, NULL, err);
        u = network_unit(net, u->parent_id);
    }
    network_free(net);
    return rc;
}

int demo_network(struct store *s, uint64_t seed, int64_t n_enterprises, int n_commissioners,
                 const char *policies, struct error *err) {
    struct demo_net d = {.s = s, .seed = seed};
    int64_t n_units = 0;
    int rc = refdata_load(err);
    if (!rc) rc = store_sql_int(s, "SELECT COUNT(*) FROM network_units", NULL, 0, 0, &n_units, err);
    if (rc || n_units) return rc; /* the network is there already: a second demo adds none */
    if (!rc) rc = put_contacts(s, policies, err);
    if (!rc) rc = make_units(&d, n_enterprises, n_commissioners, err);
    if (!rc) rc = make_visits(&d, n_enterprises, err);
    if (!rc) rc = bind_demo_users(s, seed, n_enterprises, err);
    return rc;
}
