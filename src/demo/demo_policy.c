/* Owns the demo's policies and clauses: loading data/demo/policies.json into the clause store and
 * generating clauses from Qingdao-style templates (rule text in the rule language's floor syntax;
 * this file only writes the text, the rules module compiles it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "demo/demo.h"
#include "demo/rng.h"
#include "refdata/refdata.h"
#include "text/number.h"
#include "util/buf.h"
#include "util/date.h"

int64_t demo_award_cap(const char *rule) {
    const char *line = rule ? strstr(rule, "奖励") : NULL;
    while (line && line != rule && line[-1] != '\n')
        line = strstr(line + 1, "奖励");
    if (!line) return -1;
    const char *eq = strchr(line, '=');
    if (!eq) return -1;
    const char *from = strstr(eq, "最高");
    from = from ? from + strlen("最高") : eq + 1;
    size_t len = strcspn(from, "\n");
    while (len && from[0] == ' ')
        from++, len--;
    while (len && from[len - 1] == ' ')
        len--;
    int64_t fen;
    return text_parse_money(from, len, &fen, NULL) == 0 ? fen : -1;
}

/* ---- data/demo/policies.json ---- */

static const char *jstr(json_t *o, const char *key) {
    return json_string_value(json_object_get(o, key));
}

/* The policies file is written for the year DEMO_POLICY_YEAR. A demo created in a later year moves
 * every date of it forward by whole years (same month and day; 2月29日 becomes 2月28日), so that a
 * fresh demo always has clauses open for application, as the file had when it was written. */
#define DEMO_POLICY_YEAR 2026

int32_t demo_shift_years(int32_t day, int years) {
    if (years <= 0 || day == STORE_NO_DATE) return day;
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (m == 2 && d == 29 && !date_is_valid_ymd(y + years, 2, 29)) d = 28;
    return date_from_ymd(y + years, m, d);
}

static int shift_years(void) {
    int y, m, d;
    date_to_ymd(date_today(), &y, &m, &d);
    return y > DEMO_POLICY_YEAR ? y - DEMO_POLICY_YEAR : 0;
}

static int32_t jdate(json_t *o, const char *key) {
    const char *s = jstr(o, key);
    int32_t d;
    if (!s || date_parse(s, strlen(s), &d, NULL) != 0) return STORE_NO_DATE;
    return demo_shift_years(d, shift_years());
}

/* A clause is valid while its policy is in force (effective_from … effective_to). */
static int put_json_clause(struct store *s, const struct policy *p, json_t *jp, json_t *jc, int seq,
                           struct error *err) {
    struct clause c = {
        .policy_id = p->id,
        .seq = seq,
        .title = jstr(jc, "title"),
        .text = jstr(jc, "text"),
        .rule = jstr(jc, "rule"),
        .kind = jstr(jc, "kind"),
        .is_exempt = json_is_true(json_object_get(jc, "exempt")),
        .version = 1,
        .valid_from = jdate(jp, "effective_from"),
        .valid_to = jdate(jp, "effective_to"),
        .deadline = jdate(jc, "deadline"),
        .status = POLICY_PUBLISHED,
        .award_cap_fen = demo_award_cap(jstr(jc, "rule")),
    };
    return store_put_clause(s, &c, err);
}

/* The policy's text as published: its title and each clause with its number. */
static char *policy_source(json_t *jp) {
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s\n%s\n", jstr(jp, "title"), jstr(jp, "doc_no") ? jstr(jp, "doc_no") : "");
    size_t k;
    json_t *jc;
    json_array_foreach(json_object_get(jp, "clauses"), k, jc) {
        const char *no = jstr(jc, "no"), *text = jstr(jc, "text");
        buf_printf(&b, "%s%s%s\n", no ? no : "", no ? "、" : "", text ? text : "");
    }
    return buf_detach(&b);
}

static int put_json_policy(struct store *s, json_t *jp, int *n_clauses, struct error *err) {
    const char *region = jstr(jp, "region");
    char *source = policy_source(jp);
    struct policy p = {
        .code = jstr(jp, "id"),
        .doc_no = jstr(jp, "doc_no"),
        .title = jstr(jp, "title"),
        .department = jstr(jp, "department"),
        .level = jstr(jp, "level"),
        .region = region ? region_find(region, strlen(region), NULL) : -1,
        .published = jdate(jp, "issued"),
        .deadline = jdate(jp, "effective_to"),
        .status = POLICY_PUBLISHED,
        .source = source,
    };
    if (p.region < 0) p.region = -1;
    int rc = store_put_policy(s, &p, err);
    free(source);
    size_t k;
    json_t *jc;
    json_array_foreach(json_object_get(jp, "clauses"), k, jc) {
        if (rc) break;
        rc = put_json_clause(s, &p, jp, jc, (int)k + 1, err);
        if (!rc) (*n_clauses)++;
    }
    return rc;
}

int demo_load_policies(struct store *s, const char *path, int *n_policies, int *n_clauses,
                       struct error *err) {
    *n_policies = *n_clauses = 0;
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        error_set(err, ERR_PARSE, "无法读取政策文件 %s:%s", "cannot read policies from %s: %s",
                  path, je.text);
        if (err && je.line > 0) error_at(err, je.line, je.column);
        return ERR_PARSE;
    }
    int rc = json_is_array(root) ? 0
                                 : error_set(err, ERR_PARSE, "政策文件应为数组:%s",
                                             "the policies file must hold an array: %s", path);
    size_t k;
    json_t *jp;
    json_array_foreach(root, k, jp) {
        if (rc) break;
        rc = put_json_policy(s, jp, n_clauses, err);
        if (!rc) (*n_policies)++;
    }
    json_decref(root);
    return rc;
}

/* ---- clauses from templates ---- */

/* A clause template. In text and rule, {R} is the region, {A} the award in 万元, {T} a threshold
 * in 万元, {P} a percentage, {N} a head count, {Y} years, {D} an industry division, {Q} a
 * qualification. Each letter's range is below. */
struct clause_template {
    const char *title, *department, *kind;
    bool is_exempt;
    const char *text, *rule;
    int a_lo, a_hi, t_lo, t_hi, p_lo, p_hi;
};

#define NOT_DISHONEST " 且 非 失信"

static const struct clause_template templates[] = {
    {"高企认定奖励", "科学技术局", "奖励", true,
     "对注册在{R}、首次通过认定的高新技术企业,给予一次性奖励{A}万元。",
     "注册地 属于 {R} 且 资质 包含 \"高新技术企业\"" NOT_DISHONEST "\n奖励 = {A}万元", 5, 50, 0, 0,
     0, 0},
    {"专精特新中小企业奖励", "工业和信息化局", "奖励", true,
     "对新认定的省级专精特新中小企业,给予一次性奖励{A}万元。",
     "注册地 属于 {R} 且 资质 包含 \"专精特新中小企业\"" NOT_DISHONEST "\n奖励 = {A}万元", 10, 50,
     0, 0, 0, 0},
    {"专精特新“小巨人”企业奖励", "工业和信息化局", "奖励", true,
     "对新认定的国家级专精特新“小巨人”企业,给予一次性奖励{A}万元。",
     "注册地 属于 {R} 且 资质 包含 \"专精特新\\\"小巨人\\\"企业\"" NOT_DISHONEST "\n奖励 = {A}万元",
     50, 200, 0, 0, 0, 0},
    {"上市奖励", "地方金融监督管理局", "奖励", false,
     "对在境内外证券交易所首发上市的企业,给予奖励{A}万元。",
     "注册地 属于 {R} 且 上市阶段 = \"上市\"" NOT_DISHONEST "\n奖励 = {A}万元", 100, 500, 0, 0, 0,
     0},
    {"技改补助", "工业和信息化局", "补助", false,
     "对制造业企业年度设备投资额达到{T}万元以上的技术改造项目,按设备投资额的{P}%给予补助,最高{A}"
     "万元。",
     "注册地 属于 {R} 且 行业 属于 制造业 且 设备投资额 >= {T}万元" NOT_DISHONEST
     "\n奖励 = 设备投资额 × {P}%，最高 {A}万元",
     100, 500, 100, 1000, 5, 15},
    {"研发费用补助", "科学技术局", "补助", false,
     "对年度研发费用{T}万元以上、研发费用占营业收入比例不低于{Y}%的企业,按研发费用的{P}%给予补助,"
     "最高{A}万元。",
     "注册地 属于 {R} 且 研发费用 >= {T}万元 且 研发费用占比 >= {Y}%" NOT_DISHONEST
     "\n奖励 = 研发费用 × {P}%，最高 {A}万元",
     50, 300, 100, 1000, 5, 20},
    {"科技型中小企业补助", "科学技术局", "补助", true,
     "对入库的科技型中小企业,从业人员不超过500人、营业收入不超过2亿元的,给予补助{A}万元。",
     "注册地 属于 {R} 且 资质 包含 \"科技型中小企业\" 且 从业人员 <= 500人 且 营业收入 <= "
     "2亿元" NOT_DISHONEST "\n奖励 = {A}万元",
     2, 20, 0, 0, 0, 0},
    {"纳税贡献奖励", "财政局", "奖励", false,
     "对年度纳税额{T}万元以上的企业,按纳税额的{P}%给予奖励,最高{A}万元。",
     "注册地 属于 {R} 且 纳税额 >= {T}万元" NOT_DISHONEST "\n奖励 = 纳税额 × {P}%，最高 {A}万元",
     50, 300, 500, 5000, 1, 5},
    {"重点行业营收奖励", "发展和改革局", "奖励", false,
     "对{D}类企业年度营业收入首次达到{T}万元的,给予一次性奖励{A}万元。",
     "注册地 属于 {R} 且 行业 属于 \"{D}\" 且 营业收入 >= {T}万元" NOT_DISHONEST "\n奖励 = {A}万元",
     10, 100, 1000, 50000, 0, 0},
    {"小微企业吸纳就业补贴", "人力资源和社会保障局", "补贴", true,
     "对吸纳就业{N}人以上的小型微型企业,给予一次性补贴{A}万元。",
     "注册地 属于 {R} 且 企业规模 属于 [\"小型\", \"微型\"] 且 从业人员 >= {N}人" NOT_DISHONEST
     "\n奖励 = {A}万元",
     1, 5, 0, 0, 0, 0},
    {"瞪羚企业奖励", "科学技术局", "奖励", true, "对新认定的瞪羚企业,给予一次性奖励{A}万元。",
     "注册地 属于 {R} 且 资质 包含 \"瞪羚企业\"" NOT_DISHONEST "\n奖励 = {A}万元", 10, 50, 0, 0, 0,
     0},
    {"重点企业综合扶持", "工业和信息化局", "奖励", false,
     "对{D}类、具有{Q}资质、年营业收入{T}万元以上、从业人员{N}人以上、成立{Y}年以上的企业,给予奖励{"
     "A}万元。",
     "注册地 属于 {R} 且 行业 属于 \"{D}\" 且 资质 包含 \"{Q}\" 且 营业收入 >= {T}万元 且 "
     "从业人员 >= {N}人 且 成立年限 >= {Y}年" NOT_DISHONEST "\n奖励 = {A}万元",
     20, 200, 500, 20000, 0, 0},
    {"初创科技企业补助", "科学技术局", "补助", false,
     "对成立不满{Y}年、研发费用{T}万元以上的科技型中小企业,给予补助{A}万元。",
     "注册地 属于 {R} 且 成立年限 <= {Y}年 且 资质 包含 \"科技型中小企业\" 且 研发费用 >= "
     "{T}万元" NOT_DISHONEST "\n奖励 = {A}万元",
     5, 30, 20, 200, 0, 0},
    {"首次升规奖励", "工业和信息化局", "奖励", true,
     "对首次纳入规模以上工业企业统计、成立不满{Y}年的企业,给予一次性奖励{A}万元。",
     "注册地 属于 {R} 且 资质 包含 \"规模以上工业企业\" 且 成立年限 <= {Y}年" NOT_DISHONEST
     "\n奖励 = {A}万元",
     5, 30, 0, 0, 0, 0},
};
#define N_TEMPLATES ((int)(sizeof templates / sizeof *templates))

static const char *const template_regions[] = {
    "青岛市",     "青岛市", "青岛市", "市南区", "市北区", "李沧区", "崂山区",
    "西海岸新区", "城阳区", "即墨区", "胶州市", "平度市", "莱西市",
};
static const char *const template_divisions[] = {"65", "39", "37", "34", "35", "36", "38",
                                                 "26", "29", "51", "52", "72", "74", "75"};
static const char *const template_quals[] = {"高新技术企业",     "科技型中小企业",
                                             "专精特新中小企业", "创新型中小企业",
                                             "瞪羚企业",         "规模以上工业企业"};

#define PICK(r, arr) (arr[below(r, (int64_t)(sizeof arr / sizeof *arr))])

struct fill {
    const char *region, *division, *qual;
    int64_t a, t, p, n, y;
};

/* Writes tpl into b with the placeholders filled. */
static void expand(struct buf *b, const char *tpl, const struct fill *f) {
    for (const char *c = tpl; *c; c++) {
        if (*c != '{' || !c[1] || c[2] != '}') {
            buf_putc(b, *c);
            continue;
        }
        switch (c[1]) {
        case 'R':
            buf_puts(b, f->region);
            break;
        case 'D':
            buf_puts(b, f->division);
            break;
        case 'Q':
            buf_puts(b, f->qual);
            break;
        case 'A':
            buf_printf(b, "%lld", (long long)f->a);
            break;
        case 'T':
            buf_printf(b, "%lld", (long long)f->t);
            break;
        case 'P':
            buf_printf(b, "%lld", (long long)f->p);
            break;
        case 'N':
            buf_printf(b, "%lld", (long long)f->n);
            break;
        case 'Y':
            buf_printf(b, "%lld", (long long)f->y);
            break;
        default:
            buf_append(b, c, 3);
        }
        c += 2;
    }
}

static void fill_for(struct rng *r, const struct clause_template *t, const char *region,
                     struct fill *f) {
    f->region = region;
    f->division = PICK(r, template_divisions);
    f->qual = PICK(r, template_quals);
    /* awards and thresholds in steps people write: whole 万元, thresholds in tens */
    f->a = between(r, t->a_lo, t->a_hi);
    f->t = t->t_hi ? between(r, t->t_lo / 10, t->t_hi / 10) * 10 : 0;
    f->p = t->p_hi ? between(r, t->p_lo, t->p_hi) : 0;
    f->n = between(r, 2, 10) * 5;
    f->y = between(r, 2, 8);
}

/* The 文号 prefix of a government's own documents: 青政发 for the city, 崂政发 for 崂山区 … */
static const char *doc_prefix(const char *region) {
    static const char *const prefixes[][2] = {
        {"青岛市", "青政发"}, {"市南区", "南政发"},   {"市北区", "北政发"},
        {"李沧区", "李政发"}, {"崂山区", "崂政发"},   {"西海岸新区", "青西新管发"},
        {"城阳区", "城政发"}, {"即墨区", "即政发"},   {"胶州市", "胶政发"},
        {"平度市", "平政发"}, {"莱西市", "莱西政发"},
    };
    for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
        if (strcmp(region, prefixes[k][0]) == 0) return prefixes[k][1];
    return "青政发";
}

/* Policy k of the generated set, issued by `region` ("青岛市" or a district). The 文号 numbers
 * start at 101, clear of the demo file's own. */
static int put_generated_policy(struct store *s, uint64_t seed, int k, const char *region,
                                int64_t *id, struct error *err) {
    char code[32], title[160], doc_no[80];
    snprintf(code, sizeof code, "DEMO-%llu-%05d", (unsigned long long)seed, k + 1);
    snprintf(title, sizeof title, "%s支持企业高质量发展的若干政策措施(第%d号)", region, k + 1);
    snprintf(doc_no, sizeof doc_no, "%s〔2025〕%d号", doc_prefix(region), k + 101);
    int idx = region_find(region, strlen(region), NULL);
    struct policy p = {0,
                       code,
                       doc_no,
                       title,
                       "人民政府办公室",
                       strcmp(region, "青岛市") == 0 ? "市" : "区",
                       idx >= 0 ? idx : -1,
                       date_from_ymd(2025, 1, 1) + k % 300,
                       date_from_ymd(2026, 12, 31),
                       POLICY_PUBLISHED,
                       NULL};
    int rc = store_put_policy(s, &p, err);
    *id = p.id;
    return rc;
}

static int put_generated_clause(struct store *s, struct rng *r, int64_t policy_id,
                                const char *region, int seq, struct error *err) {
    const struct clause_template *t = &templates[below(r, N_TEMPLATES)];
    struct fill f;
    fill_for(r, t, region, &f);
    struct buf title, text, rule;
    buf_init(&title);
    buf_init(&text);
    buf_init(&rule);
    buf_printf(&title, "%s%s", strcmp(region, "青岛市") ? region : "", t->title);
    expand(&text, t->text, &f);
    expand(&rule, t->rule, &f);
    struct clause c = {0,
                       policy_id,
                       seq,
                       buf_str(&title),
                       buf_str(&text),
                       buf_str(&rule),
                       t->kind,
                       t->is_exempt,
                       1,
                       date_from_ymd(2025, 1, 1),
                       date_from_ymd(2027, 12, 31),
                       date_from_ymd(2026, 12, 31),
                       POLICY_PUBLISHED,
                       f.a * 1000000};
    int rc = title.is_oom || text.is_oom || rule.is_oom
                 ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
                 : store_put_clause(s, &c, err);
    buf_release(&title);
    buf_release(&text);
    buf_release(&rule);
    return rc;
}

int demo_generate_clauses(struct store *s, uint64_t seed, int n, struct error *err) {
    int rc = 0;
    int64_t policy_id = 0;
    const char *region = NULL;
    for (int i = 0; !rc && i < n; i++) {
        if (i % 10 == 0) {
            struct rng pr = rng_for(seed ^ 0x9011C1E5ULL, i / 10);
            region = PICK(&pr, template_regions);
            rc = put_generated_policy(s, seed, i / 10, region, &policy_id, err);
        }
        struct rng r = rng_for(seed ^ 0x5CA1AB1EULL, i);
        if (!rc) rc = put_generated_clause(s, &r, policy_id, region, i % 10 + 1, err);
    }
    return rc;
}
