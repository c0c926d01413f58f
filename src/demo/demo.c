/* Owns the synthetic enterprises of a demo city: the shares of districts and industries, sizes
 * and the yearly figures that go with them, qualifications at realistic rates, valid USCCs and
 * plausible names. Integer arithmetic only, so a seed gives the same city on every machine. Does
 * not write to the store (demo_policy.c and the CLI do). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "demo/demo.h"
#include "demo/rng.h"
#include "refdata/refdata.h"
#include "util/date.h"

/* ---- the city: districts and industries with their shares ---- */

struct district_share {
    int64_t code;
    int permille; /* share of enterprises registered there */
};

static const struct district_share districts[] = {
    {370211, 220}, /* 黄岛区 (西海岸新区) */
    {370214, 140}, /* 城阳区 */
    {370215, 120}, /* 即墨区 */
    {370203, 100}, /* 市北区 */
    {370281, 90},  /* 胶州市 */
    {370212, 80},  /* 崂山区 */
    {370202, 80},  /* 市南区 */
    {370213, 70},  /* 李沧区 */
    {370283, 60},  /* 平度市 */
    {370285, 40},  /* 莱西市 */
};
#define N_DISTRICTS ((int)(sizeof districts / sizeof *districts))

/* A GB/T 4754 division with its share of enterprises, its revenue per employee (万元) and the
 * words a company name uses for it. */
struct division_share {
    const char *code;
    int weight;
    int revenue_per_staff;
    const char *words; /* '|'-separated */
};

static const struct division_share divisions[] = {
    {"13", 10, 120, "食品|农副产品"},
    {"14", 8, 80, "食品|食品科技"},
    {"17", 6, 60, "纺织"},
    {"18", 10, 40, "服饰|服装"},
    {"21", 5, 50, "家具"},
    {"22", 3, 70, "纸业|包装"},
    {"23", 5, 40, "印刷|包装印刷"},
    {"26", 10, 150, "化工|新材料"},
    {"27", 5, 120, "生物医药|制药"},
    {"29", 12, 70, "橡胶|塑料制品|橡塑"},
    {"30", 8, 80, "建材|新型建材"},
    {"33", 15, 60, "金属制品|五金"},
    {"34", 18, 70, "机械|机械制造|通用设备"},
    {"35", 15, 70, "装备|专用设备|智能装备"},
    {"36", 10, 120, "汽车零部件|汽车配件"},
    {"37", 8, 100, "船舶装备|海洋装备|轨道交通装备"},
    {"38", 12, 90, "电气|电器|电气设备"},
    {"39", 10, 100, "电子|电子科技|智能科技"},
    {"40", 5, 60, "仪器仪表|精密仪器"},
    {"41", 2, 40, "制品"},
    {"43", 3, 40, "设备维修"},
    {"51", 200, 300, "商贸|贸易|进出口|国际贸易|供应链管理"},
    {"52", 130, 60, "百货|超市|商店|便利店|医药连锁"},
    {"71", 10, 80, "租赁|设备租赁"},
    {"72", 100, 40, "企业管理咨询|商务服务|人力资源|广告|会展服务"},
    {"73", 15, 35, "科技|生物科技|新材料科技"},
    {"74", 40, 40, "检测技术|工程设计|技术服务"},
    {"75", 25, 35, "科技|科技发展|技术开发"},
    {"63", 3, 60, "通信技术|通信"},
    {"64", 12, 50, "网络科技|互联网科技"},
    {"65", 45, 45, "软件|信息技术|数字科技|智能科技"},
    {"47", 15, 80, "建设工程|建筑工程"},
    {"48", 10, 90, "市政工程|路桥工程"},
    {"49", 10, 60, "安装工程|机电安装"},
    {"50", 15, 50, "装饰工程|装饰设计"},
    {"54", 20, 50, "运输|汽车运输"},
    {"58", 12, 100, "国际物流|货运代理|供应链"},
    {"59", 8, 60, "仓储|物流"},
    {"61", 8, 25, "酒店管理|酒店"},
    {"62", 30, 20, "餐饮管理|餐饮|食府"},
    {"80", 15, 15, "家政服务|生活服务"},
    {"81", 10, 20, "汽车维修|维修服务"},
    {"82", 5, 15, "服务"},
    {"70", 25, 200, "置业|房地产开发|物业管理"},
    {"01", 8, 30, "农业发展|生态农业"},
    {"03", 4, 40, "畜牧"},
    {"04", 6, 50, "海洋渔业|水产"},
    {"05", 2, 30, "农业科技"},
    {"77", 8, 40, "环保科技|环境工程"},
    {"78", 2, 30, "园林绿化"},
    {"86", 3, 40, "文化传媒"},
    {"87", 4, 50, "影视文化|传媒"},
    {"88", 4, 30, "文化艺术"},
    {"89", 4, 30, "体育发展"},
    {"83", 4, 20, "教育科技|培训"},
    {"84", 3, 30, "医疗管理|健康管理"},
    {"69", 3, 200, "投资管理|金融服务"},
    {"44", 3, 300, "能源|热电"},
    {"46", 1, 80, "水务"},
    {"10", 2, 100, "矿业"},
};
#define N_DIVISIONS ((int)(sizeof divisions / sizeof *divisions))

/* Indexes into refdata, built once. */
struct city {
    int county[N_DISTRICTS];
    int towns[N_DISTRICTS][64]; /* towns of each district */
    int n_towns[N_DISTRICTS];
    int classes[N_DIVISIONS][128]; /* industry classes of each division */
    int n_classes[N_DIVISIONS];
    int division_total;
};

static struct city city;
static pthread_once_t city_once = PTHREAD_ONCE_INIT;

static void add_town(int r) {
    for (int d = 0; d < N_DISTRICTS; d++)
        if (region_at(r)->parent == city.county[d] && city.n_towns[d] < 64)
            city.towns[d][city.n_towns[d]++] = r;
}

static void add_class(int i) {
    int div = industry_ancestor(i, INDUSTRY_DIVISION);
    for (int d = 0; div >= 0 && d < N_DIVISIONS; d++)
        if (strcmp(industry_at(div)->code, divisions[d].code) == 0 && city.n_classes[d] < 128)
            city.classes[d][city.n_classes[d]++] = i;
}

static void city_build(void) {
    refdata_load(NULL);
    for (int d = 0; d < N_DISTRICTS; d++)
        city.county[d] = region_by_code(districts[d].code);
    for (int r = 0; r < region_count(); r++)
        if (region_at(r)->level == REGION_TOWN) add_town(r);
    for (int i = 0; i < industry_count(); i++)
        if (industry_at(i)->level == INDUSTRY_CLASS) add_class(i);
    for (int d = 0; d < N_DIVISIONS; d++)
        city.division_total += divisions[d].weight;
}

/* ---- one enterprise ---- */

enum { TIER_LARGE, TIER_MEDIUM, TIER_SMALL, TIER_MICRO };

struct draft {
    int district, division, tier;
    bool is_tech; /* 科技型: research and technology divisions and manufacturing */
    int64_t employees, revenue_wan;
};

static int pick_district(struct rng *r) {
    int64_t x = below(r, 1000);
    for (int d = 0; d < N_DISTRICTS; d++) {
        x -= districts[d].permille;
        if (x < 0) return d;
    }
    return 0;
}

static int pick_division(struct rng *r) {
    int64_t x = below(r, city.division_total);
    for (int d = 0; d < N_DIVISIONS; d++) {
        x -= divisions[d].weight;
        if (x < 0) return d;
    }
    return 0;
}

/* 微 72%, 小 21%, 中 5.5%, 大 1.5%: the shape of a Chinese city's register. */
static int pick_tier(struct rng *r) {
    int64_t x = below(r, 1000);
    return x < 15 ? TIER_LARGE : x < 70 ? TIER_MEDIUM : x < 280 ? TIER_SMALL : TIER_MICRO;
}

/* Head counts inside each tier's band of the 2017 办法 (lower bounds of 小, 中, 大): 工业 and
 * 交通运输 20/300/1000, 批发 5/20/200, 零售 10/50/300, the other rows 10/100/300. */
static int64_t pick_employees(struct rng *r, int tier, const char *division) {
    static const int64_t bands[4][3] = {
        {20, 300, 1000}, {5, 20, 200}, {10, 50, 300}, {10, 100, 300}};
    bool is_industry = strcmp(division, "06") >= 0 && strcmp(division, "46") <= 0;
    bool is_transport = strcmp(division, "53") >= 0 && strcmp(division, "58") <= 0;
    const int64_t *b = is_industry || is_transport   ? bands[0]
                       : strcmp(division, "51") == 0 ? bands[1]
                       : strcmp(division, "52") == 0 ? bands[2]
                                                     : bands[3];
    switch (tier) {
    case TIER_MICRO:
        return between(r, 1, b[0] - 1);
    case TIER_SMALL:
        return between(r, b[0], b[1] - 1);
    case TIER_MEDIUM:
        return between(r, b[1], b[2] - 1);
    default:
        return between(r, b[2], b[2] * 8);
    }
}

static bool is_tech_division(const char *code) {
    return code[0] >= '2' && code[0] <= '4'
               ? strcmp(code, "44") != 0 && strcmp(code, "46") != 0
               : strcmp(code, "63") == 0 || strcmp(code, "64") == 0 || strcmp(code, "65") == 0 ||
                     strcmp(code, "73") == 0 || strcmp(code, "74") == 0 || strcmp(code, "75") == 0;
}

static bool is_manufacturing(const char *code) {
    return strcmp(code, "13") >= 0 && strcmp(code, "43") <= 0;
}

static void set_int(struct value *v, int64_t x) {
    v->has = true;
    v->i = x;
}

/* Leaves a value missing with probability per_100k, as real registers have gaps. */
static void set_maybe(struct rng *r, struct value *v, int64_t x, int per_100k) {
    if (!chance(r, per_100k)) set_int(v, x);
}

static const int64_t WAN = 1000000; /* fen in 1万元 */

static void place(struct rng *r, const struct draft *d, struct profile *p) {
    int town = city.n_towns[d->district] && !chance(r, 5000)
                   ? city.towns[d->district][below(r, city.n_towns[d->district])]
                   : city.county[d->district];
    set_int(&p->v[F_REGION], town);
    int tax = chance(r, 3000) ? city.county[pick_district(r)] : town;
    set_maybe(r, &p->v[F_TAX_REGION], tax, 2000);
    int n = city.n_classes[d->division];
    if (n) set_maybe(r, &p->v[F_INDUSTRY], city.classes[d->division][below(r, n)], 1000);
}

/* Established: most enterprises are young, bigger ones older. Fixed calendar, not today. */
static void establish(struct rng *r, const struct draft *d, struct profile *p) {
    static const int lo[] = {0, 3, 6, 11, 21}, hi[] = {2, 5, 10, 20, 35};
    int64_t x = below(r, 100);
    int band = x < 30 ? 0 : x < 55 ? 1 : x < 80 ? 2 : x < 95 ? 3 : 4;
    int years = (int)between(r, lo[band], hi[band]) + (TIER_MICRO - d->tier) * 2;
    int32_t day = date_from_ymd(2025, 12, 31) - years * 365 - (int32_t)below(r, 365);
    set_maybe(r, &p->v[F_ESTABLISHED], day, 1000);
}

static int established_year(const struct profile *p) {
    int y = 0, m, dd;
    if (p->v[F_ESTABLISHED].has) date_to_ymd((int32_t)p->v[F_ESTABLISHED].i, &y, &m, &dd);
    return y;
}

/* Scales x by a per-mille factor in [lo, hi]. */
static int64_t scale(struct rng *r, int64_t x, int lo, int hi) {
    return x * between(r, lo, hi) / 1000;
}

static void finances(struct rng *r, const struct draft *d, struct value *v, bool is_rd) {
    int64_t revenue = d->revenue_wan * WAN;
    int64_t assets = scale(r, revenue, 300, 1500);
    set_maybe(r, &v[F_EMPLOYEES], d->employees, 2000);
    set_maybe(r, &v[F_REVENUE], revenue, 3000);
    set_maybe(r, &v[F_ASSETS], assets, 3000);
    set_maybe(r, &v[F_LIABILITIES], scale(r, assets, 100, 800), 5000);
    set_maybe(r, &v[F_TAX_PAID], chance(r, 8000) ? 0 : scale(r, revenue, 10, 60), 3000);
    int64_t rd = is_rd              ? scale(r, revenue, 30, 120)
                 : chance(r, 70000) ? 0
                                    : scale(r, revenue, 5, 30);
    set_maybe(r, &v[F_RD_EXPENSE], rd, 4000);
    int64_t rd_staff = is_rd ? scale(r, d->employees, 100, 400) : rd ? d->employees / 20 : 0;
    set_maybe(r, &v[F_RD_STAFF], rd_staff, 4000);
    bool is_mfg = is_manufacturing(divisions[d->division].code);
    int64_t equip = is_mfg ? (chance(r, 40000) ? 0 : scale(r, assets, 0, 200))
                           : (chance(r, 85000) ? 0 : scale(r, assets, 0, 50));
    set_maybe(r, &v[F_EQUIPMENT_INVESTMENT], equip, 4000);
}

/* Earlier years: the same enterprise a little smaller (or larger) each year back; nothing before
 * it was founded. */
static void history(struct rng *r, const struct draft *d, struct profile *p, bool is_rd) {
    int founded = established_year(p);
    struct draft prev = *d;
    for (int k = 0; k < PROFILE_HISTORY; k++) {
        int year = DEMO_FISCAL_YEAR - 1 - k;
        if (founded && year < founded) break;
        int64_t growth = between(r, -150, 350); /* per mille */
        prev.revenue_wan = prev.revenue_wan * 1000 / (1000 + growth);
        prev.employees = scale(r, prev.employees, 850, 1100);
        if (prev.employees < 1) prev.employees = 1;
        finances(r, &prev, p->hist[k], is_rd);
    }
}

enum qual {
    Q_HIGH_TECH = 0,
    Q_TECH_SME,
    Q_INNOVATIVE_SME,
    Q_SPECIALISED,
    Q_LITTLE_GIANT,
    Q_GAZELLE,
    Q_UNICORN,
    Q_CHAMPION,
    Q_HIDDEN_CHAMPION,
    Q_INNOVATION_DEMO,
    Q_TECH_CENTRE,
    Q_IP_ADVANTAGE,
    Q_ABOVE_SCALE,
    Q_LISTED,
    Q_HIGH_TECH_POOL,
    Q_LISTING_RESERVE,
    Q_SPECIALISED_SEED,
    Q_EAGLET,
};

/* Rates per 100,000 by tier (大, 中, 小, 微), for technology enterprises and the rest. */
static int rate(const struct draft *d, const int tech[4], const int other[4]) {
    return d->is_tech ? tech[d->tier] : other[d->tier];
}

static uint64_t innovation_quals(struct rng *r, const struct draft *d) {
    static const int ht_t[] = {35000, 25000, 10000, 3000}, ht_o[] = {3000, 1500, 500, 200};
    static const int ts_t[] = {0, 15000, 8000, 4000}, ts_o[] = {0, 1000, 500, 200};
    static const int sp_t[] = {0, 6000, 3000, 300}, sp_o[] = {0, 500, 200, 20};
    uint64_t q = 0;
    if (chance(r, rate(d, ht_t, ht_o))) q |= 1u << Q_HIGH_TECH;
    if (chance(r, rate(d, ts_t, ts_o)) || (q && d->tier != TIER_LARGE && chance(r, 60000)))
        q |= 1u << Q_TECH_SME;
    if (d->is_tech && d->tier != TIER_LARGE && chance(r, 1500)) q |= 1u << Q_INNOVATIVE_SME;
    if (chance(r, rate(d, sp_t, sp_o))) q |= 1u << Q_SPECIALISED | 1u << Q_INNOVATIVE_SME;
    if ((q >> Q_SPECIALISED & 1) && chance(r, 6000)) q |= 1u << Q_LITTLE_GIANT;
    if ((q >> Q_HIGH_TECH & 1) && chance(r, 8000)) q |= 1u << Q_GAZELLE;
    if (d->is_tech && d->tier <= TIER_MEDIUM && chance(r, 200)) q |= 1u << Q_UNICORN;
    if (d->is_tech && !(q & 1) && chance(r, 2000)) q |= 1u << Q_HIGH_TECH_POOL;
    if ((q >> Q_SPECIALISED & 1) == 0 && d->is_tech && chance(r, 500))
        q |= 1u << Q_SPECIALISED_SEED;
    if (d->is_tech && d->tier == TIER_MICRO && chance(r, 300)) q |= 1u << Q_EAGLET;
    return q;
}

static uint64_t scale_quals(struct rng *r, const struct draft *d) {
    bool is_mfg = is_manufacturing(divisions[d->division].code);
    bool is_big = d->tier <= TIER_MEDIUM;
    uint64_t q = 0;
    if (is_mfg && d->revenue_wan >= 2000) q |= 1u << Q_ABOVE_SCALE; /* 规上: 2000万元 */
    if (is_mfg && is_big && chance(r, 1000)) q |= 1u << Q_CHAMPION;
    if (is_mfg && is_big && chance(r, 1500)) q |= 1u << Q_HIDDEN_CHAMPION;
    if (is_mfg && is_big && chance(r, 5000)) q |= 1u << Q_TECH_CENTRE;
    if (d->is_tech && is_big && chance(r, 1000)) q |= 1u << Q_INNOVATION_DEMO;
    if (d->is_tech && chance(r, 300)) q |= 1u << Q_IP_ADVANTAGE;
    return q;
}

/* Listing: 上市 for a few large ones, 辅导/储备 for some medium and large ones. */
static void listing(struct rng *r, const struct draft *d, struct profile *p, uint64_t *q) {
    static const int listed[] = {3000, 300, 5, 0}, reserve[] = {4000, 2000, 100, 0};
    if (chance(r, listed[d->tier])) {
        *q |= 1u << Q_LISTED;
        set_int(&p->v[F_LISTING_STAGE], 3);
    } else if (chance(r, reserve[d->tier])) {
        *q |= 1u << Q_LISTING_RESERVE;
        set_int(&p->v[F_LISTING_STAGE], between(r, 0, 2));
    }
}

static void qualifications(struct rng *r, const struct draft *d, struct profile *p) {
    uint64_t q = innovation_quals(r, d) | scale_quals(r, d);
    listing(r, d, p, &q);
    set_maybe(r, &p->v[F_QUALIFICATIONS], (int64_t)q, 1000);
    int64_t patents = q & 1             ? between(r, 1, 40)
                      : q & 2           ? between(r, 0, 5)
                      : chance(r, 3000) ? between(r, 1, 3)
                                        : 0;
    set_maybe(r, &p->v[F_INVENTION_PATENTS], patents, 3000);
}

static void standing(struct rng *r, struct profile *p) {
    static const int own[] = {90000, 92500, 96000, 98500, 99000, 100000};
    int64_t x = below(r, 100000);
    int o = 0;
    while (o < 5 && x >= own[o])
        o++;
    set_maybe(r, &p->v[F_OWNERSHIP], o, 2000);
    bool is_dishonest = chance(r, 400);
    set_maybe(r, &p->v[F_DISHONEST], is_dishonest, 1000);
    x = below(r, 100);
    int credit = is_dishonest ? 4 : x < 25 ? 0 : x < 80 ? 1 : x < 95 ? 2 : x < 99 ? 3 : 4;
    set_maybe(r, &p->v[F_TAX_CREDIT], credit, 5000);
}

/* ---- USCC and name ---- */

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 11714 check character of an 8-character organisation code body. */
static char org_check(const char *body) {
    static const int w[] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int k = 0; k < 8; k++)
        sum += (body[k] <= '9' ? body[k] - '0' : body[k] - 'A' + 10) * w[k];
    int c = 11 - sum % 11;
    return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/* "91" (an enterprise registered by market regulation) + the district's code + "MA" and six
 * characters that are a bijection of i (so codes never collide within a seed) + both checks. */
static void make_uscc(uint64_t seed, int64_t i, int64_t county_code, char out[20]) {
    const uint64_t space = 887503681ULL; /* 31^6 */
    uint64_t x = ((uint64_t)i * 1000003ULL + seed % space) % space;
    char body[9] = "MA";
    for (int k = 7; k >= 2; k--, x /= 31)
        body[k] = uscc_alphabet[x % 31];
    snprintf(out, 20, "91%06lld%.8s%c", (long long)county_code, body, org_check(body));
    out[17] = uscc_check_char(out);
    out[18] = 0;
}

static const char *const trade_chars[] = {
    "海", "瑞", "华", "鑫", "诚", "泰", "德", "盛", "源", "恒", "达", "康", "宏", "信", "丰",
    "安", "联", "通", "利", "佳", "新", "兴", "创", "合", "力", "金", "宝", "东", "方", "远",
    "博", "正", "和", "顺", "成", "益", "晟", "昊", "润", "腾", "凯", "蓝", "港", "湾", "青",
    "明", "光", "天", "启", "航", "智", "卓", "越", "嘉", "禾", "元", "中", "美", "威", "鼎",
};
#define N_TRADE ((int)(sizeof trade_chars / sizeof *trade_chars))

/* The n-th '|'-separated word of words into out. */
static void nth_word(const char *words, int64_t n, char *out, size_t cap) {
    const char *p = words;
    for (; n > 0 && strchr(p, '|'); n--)
        p = strchr(p, '|') + 1;
    size_t len = strchr(p, '|') ? (size_t)(strchr(p, '|') - p) : strlen(p);
    snprintf(out, cap, "%.*s", (int)(len < cap ? len : cap - 1), p);
}

static void make_name(struct rng *r, const struct draft *d, char *out, size_t cap) {
    const char *words = divisions[d->division].words;
    int n_words = 1;
    for (const char *c = words; *c; c++)
        n_words += *c == '|';
    char word[64];
    nth_word(words, below(r, n_words), word, sizeof word);
    const char *form = d->tier <= TIER_MEDIUM && chance(r, 40000) ? "股份有限公司"
                       : chance(r, 8000)                          ? "有限责任公司"
                                                                  : "有限公司";
    snprintf(out, cap, "青岛%s%s%s%s", trade_chars[below(r, N_TRADE)],
             trade_chars[below(r, N_TRADE)], word, form);
}

void demo_enterprise(uint64_t seed, int64_t i, struct profile *p, struct demo_text *t) {
    pthread_once(&city_once, city_build);
    struct rng r = rng_for(seed, i);
    struct draft d;
    d.district = pick_district(&r);
    d.division = pick_division(&r);
    d.tier = pick_tier(&r);
    d.is_tech = is_tech_division(divisions[d.division].code);
    d.employees = pick_employees(&r, d.tier, divisions[d.division].code);
    d.revenue_wan = scale(&r, d.employees * divisions[d.division].revenue_per_staff, 400, 1600);
    profile_clear(p);
    p->fiscal_year = DEMO_FISCAL_YEAR;
    make_uscc(seed, i, districts[d.district].code, t->uscc);
    make_name(&r, &d, t->name, sizeof t->name);
    p->v[F_USCC] = (struct value){.has = true, .s = t->uscc, .r = {0, 1}};
    p->v[F_NAME] = (struct value){.has = true, .s = t->name, .r = {0, 1}};
    place(&r, &d, p);
    establish(&r, &d, p);
    qualifications(&r, &d, p);
    uint64_t q = p->v[F_QUALIFICATIONS].has ? (uint64_t)p->v[F_QUALIFICATIONS].i : 0;
    bool is_rd = (q & ((1u << Q_HIGH_TECH) | (1u << Q_TECH_SME))) != 0;
    finances(&r, &d, p->v, is_rd);
    history(&r, &d, p, is_rd);
    standing(&r, p);
}
