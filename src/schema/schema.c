/* Owns the field table and per-type value parsing and formatting. */
#include "schema/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "text/number.h"
#include "util/date.h"
#include "util/utf8.h"

static const char *const qualification_values[] = {
    "高新技术企业",
    "科技型中小企业",
    "创新型中小企业",
    "专精特新中小企业",
    "专精特新\"小巨人\"企业",
    "瞪羚企业",
    "独角兽企业",
    "制造业单项冠军",
    "隐形冠军企业",
    "技术创新示范企业",
    "企业技术中心",
    "知识产权优势企业",
    "规模以上工业企业",
    "上市企业",
    "高企培育库入库企业",
    "上市后备企业",
    "专精特新种子企业",
    "雏鹰企业",
    NULL,
};

static const char *const qualification_aliases[] = {
    "高企=高新技术企业",
    "国家高新技术企业=高新技术企业",
    "国家级高新技术企业=高新技术企业",
    "科技型中小企业入库=科技型中小企业",
    "专精特新=专精特新中小企业",
    "专精特新企业=专精特新中小企业",
    "省级专精特新中小企业=专精特新中小企业",
    "小巨人=专精特新\"小巨人\"企业",
    "小巨人企业=专精特新\"小巨人\"企业",
    "专精特新小巨人=专精特新\"小巨人\"企业",
    "专精特新小巨人企业=专精特新\"小巨人\"企业",
    "专精特新“小巨人”企业=专精特新\"小巨人\"企业",
    "国家级专精特新\"小巨人\"企业=专精特新\"小巨人\"企业",
    "国家级专精特新“小巨人”企业=专精特新\"小巨人\"企业",
    "瞪羚=瞪羚企业",
    "独角兽=独角兽企业",
    "单项冠军=制造业单项冠军",
    "单项冠军企业=制造业单项冠军",
    "制造业单项冠军企业=制造业单项冠军",
    "隐形冠军=隐形冠军企业",
    "规上企业=规模以上工业企业",
    "规上工业企业=规模以上工业企业",
    "上市公司=上市企业",
    "高企培育库=高企培育库入库企业",
    "上市培育库=上市后备企业",
    "上市后备=上市后备企业",
    NULL,
};

static const char *const ownership_values[] = {"民营企业", "国有企业", "外资企业", "港澳台资企业",
                                               "集体企业", "其他",     NULL};
static const char *const ownership_aliases[] = {"民营=民营企业", "私营企业=民营企业",
                                                "国企=国有企业", "外商投资企业=外资企业",
                                                "外资=外资企业", NULL};
static const char *const tax_credit_values[] = {"A", "B", "M", "C", "D", NULL};
static const char *const tax_credit_aliases[] = {"A级=A", "B级=B", "M级=M", "C级=C", "D级=D", NULL};
static const char *const listing_values[] = {"储备", "孵化", "辅导", "上市", NULL};
static const char *const listing_aliases[] = {"储备企业=储备",   "孵化企业=孵化", "辅导备案=辅导",
                                              "辅导(待审)=辅导", "已上市=上市",   NULL};
static const char *const size_values[] = {"大型", "中型", "小型", "微型", NULL};
static const char *const size_aliases[] = {"大型企业=大型", "中型企业=中型", "小型企业=小型",
                                           "微型企业=微型", "大=大型",       "中=中型",
                                           "小=小型",       "微=微型",       NULL};

#define BASE(id_, key_, label_, aliases_, type_, unit_, doc_)                                      \
    [id_] = {id_, key_, label_, aliases_, type_, unit_, NULL, NULL, false, false, doc_}
#define YEARLY(id_, key_, label_, aliases_, type_, unit_, doc_)                                    \
    [id_] = {id_, key_, label_, aliases_, type_, unit_, NULL, NULL, false, true, doc_}
#define DERIVED(id_, key_, label_, aliases_, type_, unit_, doc_)                                   \
    [id_] = {id_, key_, label_, aliases_, type_, unit_, NULL, NULL, true, false, doc_}

static struct field_def fields[F_COUNT] = {
    BASE(F_USCC, "uscc", "统一社会信用代码", "信用代码|社会信用代码|USCC", FT_TEXT, "",
         "18 位统一社会信用代码 (GB 32100-2015),校验码必须正确"),
    BASE(F_NAME, "name", "企业名称", "名称|公司名称|单位名称", FT_TEXT, "", "登记的企业名称"),
    BASE(F_REGION, "region", "注册地", "注册地址|所在地|所在区域|所属区市|区市|街道", FT_REGION, "",
         "注册地所在区市或街道(代码或名称;西海岸新区 = 黄岛区)"),
    BASE(F_TAX_REGION, "tax_region", "纳税地", "纳税地点|税收所在地", FT_REGION, "", "纳税所在地"),
    BASE(F_INDUSTRY, "industry", "行业", "所属行业|行业代码|国民经济行业", FT_INDUSTRY, "",
         "国民经济行业分类 GB/T 4754-2017 代码,任一层级(门类 C、大类 39、中类 391、小类 3911)"),
    BASE(F_ESTABLISHED, "established", "成立日期", "成立时间|注册日期|成立", FT_DATE, "",
         "营业执照上的成立日期"),
    BASE(F_OWNERSHIP, "ownership", "企业性质", "企业类型|所有制|登记注册类型", FT_ENUM, "",
         "民营、国有、外资、港澳台资、集体"),
    YEARLY(F_EMPLOYEES, "employees", "从业人员", "从业人数|员工人数|职工总数|职工人数|人数", FT_INT,
           "人", "期末从业人员数"),
    YEARLY(F_REVENUE, "revenue", "营业收入", "主营业务收入|销售收入|年营业收入|营收", FT_MONEY,
           "元", "最近一个完整会计年度的营业收入"),
    YEARLY(F_ASSETS, "assets", "资产总额", "资产|总资产|资产总计", FT_MONEY, "元", "年末资产总额"),
    YEARLY(F_LIABILITIES, "liabilities", "负债总额", "负债|总负债|负债合计", FT_MONEY, "元",
           "年末负债总额"),
    YEARLY(F_RD_EXPENSE, "rd_expense", "研发费用", "研发投入|研发经费|研发费用总额|研究开发费用",
           FT_MONEY, "元", "年度研究开发费用总额"),
    YEARLY(F_RD_STAFF, "rd_staff", "研发人员", "研发人数|科技人员|研究开发人员", FT_INT, "人",
           "从事研发和相关技术创新活动的科技人员"),
    YEARLY(F_TAX_PAID, "tax_paid", "纳税额", "纳税总额|年纳税额|税收|实缴税金", FT_MONEY, "元",
           "年度实际缴纳税款"),
    YEARLY(F_EQUIPMENT_INVESTMENT, "equipment_investment", "设备投资额",
           "设备投资|设备购置额|技改设备投资|设备投入", FT_MONEY, "元", "年度生产性设备投资额"),
    BASE(F_INVENTION_PATENTS, "invention_patents", "发明专利",
         "发明专利数|有效发明专利|发明专利数量", FT_INT, "项", "有效发明专利数量"),
    BASE(F_QUALIFICATIONS, "qualifications", "资质", "资格|荣誉|认定|企业资质|资质荣誉", FT_SET, "",
         "已获得的资质与称号(可多个,用顿号或逗号分隔)"),
    BASE(F_TAX_CREDIT, "tax_credit", "纳税信用等级", "纳税信用|信用等级", FT_ENUM, "",
         "税务部门评定的纳税信用等级 A/B/M/C/D"),
    BASE(F_LISTING_STAGE, "listing_stage", "上市阶段", "上市梯队|上市进程", FT_ENUM, "",
         "上市梯队所处阶段:储备、孵化、辅导、上市"),
    BASE(F_DISHONEST, "dishonest", "失信", "失信企业|严重失信|失信被执行人|列入失信名单", FT_BOOL,
         "", "是否列入严重违法失信名单"),
    DERIVED(F_AGE_YEARS, "age_years", "成立年限", "经营年限|成立年数|注册年限", FT_INT, "年",
            "成立日期到评估日的整年数"),
    DERIVED(F_RD_RATIO, "rd_ratio", "研发费用占比",
            "研发投入占比|研发费用比例|研发费用占营业收入比例|研发强度", FT_RATIO, "%",
            "研发费用 ÷ 营业收入,精确比较"),
    DERIVED(F_RD_STAFF_RATIO, "rd_staff_ratio", "研发人员占比", "科技人员占比|研发人员比例",
            FT_RATIO, "%", "研发人员 ÷ 从业人员"),
    DERIVED(F_DEBT_RATIO, "debt_ratio", "资产负债率", "负债率", FT_RATIO, "%",
            "负债总额 ÷ 资产总额"),
    DERIVED(F_REVENUE_GROWTH, "revenue_growth", "营业收入增长率", "营收增长率|收入增长率", FT_RATIO,
            "%", "(本年营业收入 − 上年营业收入) ÷ 上年营业收入"),
    DERIVED(F_RD_EXPENSE_3Y, "rd_expense_3y", "近三年研发费用", "近三年研发费用总额|近三年研发投入",
            FT_MONEY, "元", "最近三个会计年度研发费用之和(三年都有才计算)"),
    DERIVED(F_REVENUE_3Y, "revenue_3y", "近三年营业收入", "近三年销售收入|近三年营业收入总额",
            FT_MONEY, "元", "最近三个会计年度营业收入之和"),
    DERIVED(F_RD_RATIO_3Y, "rd_ratio_3y", "近三年研发费用占比",
            "近三年研发费用总额占同期销售收入总额的比例|近三年研发投入占比", FT_RATIO, "%",
            "近三年研发费用 ÷ 近三年营业收入(高新技术企业认定口径)"),
    DERIVED(F_SIZE, "size", "企业规模", "规模|企业划型|划型", FT_ENUM, "",
            "《统计上大中小微型企业划分办法(2017)》划型:大型/中型/小型/微型"),
};

static void init_values(void) {
    fields[F_QUALIFICATIONS].values = qualification_values;
    fields[F_QUALIFICATIONS].value_aliases = qualification_aliases;
    fields[F_OWNERSHIP].values = ownership_values;
    fields[F_OWNERSHIP].value_aliases = ownership_aliases;
    fields[F_TAX_CREDIT].values = tax_credit_values;
    fields[F_TAX_CREDIT].value_aliases = tax_credit_aliases;
    fields[F_LISTING_STAGE].values = listing_values;
    fields[F_LISTING_STAGE].value_aliases = listing_aliases;
    fields[F_SIZE].values = size_values;
    fields[F_SIZE].value_aliases = size_aliases;
}

__attribute__((constructor)) static void schema_init(void) {
    init_values();
}

const struct field_def *schema_field(enum field_id id) {
    return (unsigned)id < F_COUNT ? &fields[id] : NULL;
}

static bool alias_matches(const char *aliases, const char *s, size_t len) {
    for (const char *p = aliases; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == len && memcmp(p, s, len) == 0) return true;
        if (!bar) break;
        p = bar + 1;
    }
    return false;
}

const struct field_def *schema_find(const char *name, size_t len) {
    size_t tl = len;
    const char *s = utf8_trim(name, &tl);
    if (!tl) return NULL;
    for (int i = 0; i < F_COUNT; i++) {
        const struct field_def *f = &fields[i];
        if ((strlen(f->key) == tl && strncasecmp(f->key, s, tl) == 0) ||
            (strlen(f->label) == tl && memcmp(f->label, s, tl) == 0) ||
            alias_matches(f->aliases, s, tl))
            return f;
    }
    return NULL;
}

/* Edit distance over code points, small strings only. */
static int edit_distance(const char *a, size_t al, const char *b, size_t bl) {
    int32_t ca[64], cb[64];
    int na = 0, nb = 0;
    for (const char *p = a; p < a + al && na < 64;)
        ca[na++] = utf8_next(&p, a + al);
    for (const char *p = b; p < b + bl && nb < 64;)
        cb[nb++] = utf8_next(&p, b + bl);
    int row[65];
    for (int j = 0; j <= nb; j++)
        row[j] = j;
    for (int i = 1; i <= na; i++) {
        int prev = row[0];
        row[0] = i;
        for (int j = 1; j <= nb; j++) {
            int cur = row[j];
            int best = prev + (ca[i - 1] != cb[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[nb];
}

static int name_distance(const char *cand, size_t cl, const char *s, size_t len) {
    int d = edit_distance(cand, cl, s, len);
    /* One name containing the other ("研发占比" vs "研发费用占比") is closer than its edits say. */
    if (cl >= 6 && len >= 6 && (memmem(cand, cl, s, len) || memmem(s, len, cand, cl))) d = d / 2;
    return d;
}

const struct field_def *schema_suggest(const char *name, size_t len) {
    size_t tl = len;
    const char *s = utf8_trim(name, &tl);
    const struct field_def *best = NULL;
    int best_d = 1 << 30;
    size_t n_chars = utf8_count(s, tl);
    for (int i = 0; i < F_COUNT; i++) {
        const struct field_def *f = &fields[i];
        int d = name_distance(f->key, strlen(f->key), s, tl);
        int d2 = name_distance(f->label, strlen(f->label), s, tl);
        if (d2 < d) d = d2;
        for (const char *p = f->aliases; p && *p;) {
            const char *bar = strchr(p, '|');
            size_t l = bar ? (size_t)(bar - p) : strlen(p);
            int d3 = name_distance(p, l, s, tl);
            if (d3 < d) d = d3;
            if (!bar) break;
            p = bar + 1;
        }
        if (d < best_d) best_d = d, best = f;
    }
    int limit = n_chars <= 3 ? 1 : (int)(n_chars / 2);
    return best_d <= limit ? best : NULL;
}

int schema_value_count(const struct field_def *f) {
    int n = 0;
    if (f->values)
        while (f->values[n])
            n++;
    return n;
}

int schema_value_index(const struct field_def *f, const char *s, size_t len) {
    if (!f->values) return -1;
    size_t tl = len;
    const char *t = utf8_trim(s, &tl);
    for (int i = 0; f->values[i]; i++)
        if (strlen(f->values[i]) == tl && memcmp(f->values[i], t, tl) == 0) return i;
    for (int i = 0; f->value_aliases && f->value_aliases[i]; i++) {
        const char *eq = strchr(f->value_aliases[i], '=');
        if ((size_t)(eq - f->value_aliases[i]) == tl && memcmp(f->value_aliases[i], t, tl) == 0) {
            for (int j = 0; f->values[j]; j++)
                if (strcmp(f->values[j], eq + 1) == 0) return j;
        }
    }
    return -1;
}

const char *schema_type_name(enum field_type t) {
    switch (t) {
    case FT_INT:
        return "int";
    case FT_MONEY:
        return "money";
    case FT_RATIO:
        return "ratio";
    case FT_DATE:
        return "date";
    case FT_ENUM:
        return "enum";
    case FT_SET:
        return "set";
    case FT_REGION:
        return "region";
    case FT_INDUSTRY:
        return "industry";
    case FT_BOOL:
        return "bool";
    case FT_TEXT:
        return "text";
    }
    return "?";
}

static int parse_bool(const char *s, size_t len, struct value *out, struct error *err) {
    static const char *yes[] = {"是", "有", "1",   "true", "TRUE", "True",
                                "Y",  "y",  "yes", "YES",  "√"};
    static const char *no[] = {"否", "无", "0",  "false", "FALSE", "False",
                               "N",  "n",  "no", "NO",    "×"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (strlen(yes[i]) == len && memcmp(yes[i], s, len) == 0) return out->i = 1, 0;
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (strlen(no[i]) == len && memcmp(no[i], s, len) == 0) return out->i = 0, 0;
    return error_set(err, ERR_INVALID, "应为 是/否:“%.*s”", "expected yes/no (是/否): \"%.*s\"",
                     (int)(len > 40 ? 40 : len), s);
}

/* Splits a set on 、,，;；| and spaces; each item must be a known value. */
static int parse_set(const struct field_def *f, const char *s, size_t len, struct value *out,
                     struct error *err) {
    static const char *seps[] = {"、", "，", "；", ",", ";", "|", " ", "/"};
    uint64_t mask = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i, sep_len = 0;
        while (j < len) {
            for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
                size_t sl = strlen(seps[k]);
                if (j + sl <= len && memcmp(s + j, seps[k], sl) == 0) {
                    sep_len = sl;
                    break;
                }
            }
            if (sep_len) break;
            j++;
        }
        if (j > i) {
            int idx = schema_value_index(f, s + i, j - i);
            if (idx < 0)
                return error_set(err, ERR_INVALID, "未知的%s:“%.*s”", "unknown %s value: \"%.*s\"",
                                 f->label, (int)(j - i), s + i);
            mask |= 1ULL << idx;
        }
        i = j + sep_len;
    }
    out->i = (int64_t)mask;
    return 0;
}

int schema_parse_value(const struct field_def *f, const char *s, size_t len, struct arena *a,
                       struct value *out, char *warning, size_t warning_len, struct error *err) {
    memset(out, 0, sizeof *out);
    out->r.den = 1;
    if (warning && warning_len) warning[0] = 0;
    size_t bad;
    if (!utf8_is_valid(s, len, &bad)) {
        error_set(err, ERR_UTF8, "第 %zu 字节不是有效的 UTF-8", "invalid UTF-8 at byte %zu", bad);
        return error_field(err, f->key);
    }
    size_t tl = len;
    const char *t = utf8_trim(s, &tl);
    if (!tl || (tl == 1 && t[0] == '-') ||
        (tl == 3 && memcmp(t, "无", 3) == 0 && f->type != FT_BOOL))
        return 0; /* missing */
    int rc = 0;
    switch (f->type) {
    case FT_INT:
        rc = text_parse_count(t, tl, &out->i, err);
        break;
    case FT_MONEY:
        rc = text_parse_money(t, tl, &out->i, err);
        break;
    case FT_RATIO:
        rc = text_parse_ratio(t, tl, &out->r, err);
        break;
    case FT_DATE: {
        int32_t d = 0;
        rc = date_parse(t, tl, &d, err);
        out->i = d;
        break;
    }
    case FT_ENUM: {
        int idx = schema_value_index(f, t, tl);
        if (idx < 0)
            rc = error_set(err, ERR_INVALID, "未知的%s:“%.*s”", "unknown %s value: \"%.*s\"",
                           f->label, (int)(tl > 40 ? 40 : tl), t);
        out->i = idx;
        break;
    }
    case FT_SET:
        rc = parse_set(f, t, tl, out, err);
        break;
    case FT_REGION: {
        int idx = region_find(t, tl, err);
        rc = idx < 0 ? idx : 0;
        out->i = idx;
        break;
    }
    case FT_INDUSTRY: {
        bool fallback = false;
        int idx = industry_find(t, tl, &fallback, err);
        rc = idx < 0 ? idx : 0;
        out->i = idx;
        if (!rc && fallback && warning)
            snprintf(warning, warning_len,
                     "行业代码 %.*s 不在 GB/T 4754-2017 小类表中,按大类 %s 处理 / "
                     "industry class %.*s not in the list; using division %s",
                     (int)tl, t, industry_at(idx)->code, (int)tl, t, industry_at(idx)->code);
        break;
    }
    case FT_BOOL:
        rc = parse_bool(t, tl, out, err);
        break;
    case FT_TEXT:
        out->s = arena_strndup(a, t, tl);
        if (!out->s) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        break;
    }
    if (rc) {
        error_field(err, f->key);
        memset(out, 0, sizeof *out);
        out->r.den = 1;
        return rc;
    }
    out->has = true;
    return 0;
}

const char *schema_format_value(const struct field_def *f, const struct value *v, char *buf,
                                size_t n) {
    if (!v->has) {
        snprintf(buf, n, "(缺失)");
        return buf;
    }
    switch (f->type) {
    case FT_INT:
        snprintf(buf, n, "%lld%s", (long long)v->i, f->unit);
        break;
    case FT_MONEY:
        money_format(v->i, buf, n);
        break;
    case FT_RATIO:
        ratio_format_percent(v->r, buf, n);
        break;
    case FT_DATE:
        date_format((int32_t)v->i, buf, n);
        break;
    case FT_ENUM:
        snprintf(buf, n, "%s", v->i >= 0 && v->i < schema_value_count(f) ? f->values[v->i] : "?");
        break;
    case FT_SET: {
        size_t o = 0;
        buf[0] = 0;
        for (int i = 0; f->values[i]; i++) {
            if (!((uint64_t)v->i & (1ULL << i))) continue;
            int w = snprintf(buf + o, n - o, "%s%s", o ? "、" : "", f->values[i]);
            if (w < 0 || (size_t)w >= n - o) break;
            o += (size_t)w;
        }
        break;
    }
    case FT_REGION: {
        const struct region *r = region_at((int)v->i);
        snprintf(buf, n, "%s", r ? r->name : "?");
        break;
    }
    case FT_INDUSTRY: {
        const struct industry *ind = industry_at((int)v->i);
        if (ind)
            snprintf(buf, n, "%s %s", ind->code, ind->name);
        else
            snprintf(buf, n, "?");
        break;
    }
    case FT_BOOL:
        snprintf(buf, n, "%s", v->i ? "是" : "否");
        break;
    case FT_TEXT:
        snprintf(buf, n, "%s", v->s ? v->s : "");
        break;
    }
    return buf;
}
