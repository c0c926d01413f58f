/* Owns the size classification of 《统计上大中小微型企业划分办法（2017）》 (国统字〔2017〕213号):
 * the threshold table, the GB/T 4754-2017 → 划型行业 mapping, and the combining rule (each
 * indicator gets a tier; the enterprise takes the smallest size any indicator falls into). */
#include "enterprise/enterprise.h"

#include <stdio.h>
#include <string.h>

#include "refdata/refdata.h"

enum indicator { IND_X, IND_Y, IND_Z }; /* 从业人员 (人), 营业收入 (万元), 资产总额 (万元) */

struct threshold {
    enum indicator ind;
    int64_t large, medium, small; /* lower bounds, inclusive; below small is 微型 */
};

struct size_row {
    const char *name;
    int n;
    struct threshold t[2];
};

enum {
    ROW_AGRI,
    ROW_INDUSTRY,
    ROW_CONSTRUCTION,
    ROW_WHOLESALE,
    ROW_RETAIL,
    ROW_TRANSPORT,
    ROW_WAREHOUSE,
    ROW_POST,
    ROW_HOTEL,
    ROW_CATERING,
    ROW_INFO,
    ROW_SOFTWARE,
    ROW_REALESTATE,
    ROW_PROPERTY,
    ROW_LEASING,
    ROW_OTHER,
    ROW_COUNT,
    ROW_NOT_COVERED = -1,
    ROW_UNDECIDED = -2
};

static const struct size_row rows[ROW_COUNT] = {
    [ROW_AGRI] = {"农、林、牧、渔业", 1, {{IND_Y, 20000, 500, 50}}},
    [ROW_INDUSTRY] = {"工业", 2, {{IND_X, 1000, 300, 20}, {IND_Y, 40000, 2000, 300}}},
    [ROW_CONSTRUCTION] = {"建筑业", 2, {{IND_Y, 80000, 6000, 300}, {IND_Z, 80000, 5000, 300}}},
    [ROW_WHOLESALE] = {"批发业", 2, {{IND_X, 200, 20, 5}, {IND_Y, 40000, 5000, 1000}}},
    [ROW_RETAIL] = {"零售业", 2, {{IND_X, 300, 50, 10}, {IND_Y, 20000, 500, 100}}},
    [ROW_TRANSPORT] = {"交通运输业", 2, {{IND_X, 1000, 300, 20}, {IND_Y, 30000, 3000, 200}}},
    [ROW_WAREHOUSE] = {"仓储业", 2, {{IND_X, 200, 100, 20}, {IND_Y, 30000, 1000, 100}}},
    [ROW_POST] = {"邮政业", 2, {{IND_X, 1000, 300, 20}, {IND_Y, 30000, 2000, 100}}},
    [ROW_HOTEL] = {"住宿业", 2, {{IND_X, 300, 100, 10}, {IND_Y, 10000, 2000, 100}}},
    [ROW_CATERING] = {"餐饮业", 2, {{IND_X, 300, 100, 10}, {IND_Y, 10000, 2000, 100}}},
    [ROW_INFO] = {"信息传输业", 2, {{IND_X, 2000, 100, 10}, {IND_Y, 100000, 1000, 100}}},
    [ROW_SOFTWARE] = {"软件和信息技术服务业", 2, {{IND_X, 300, 100, 10}, {IND_Y, 10000, 1000, 50}}},
    [ROW_REALESTATE] = {"房地产开发经营",
                        2,
                        {{IND_Y, 200000, 1000, 100}, {IND_Z, 10000, 5000, 2000}}},
    [ROW_PROPERTY] = {"物业管理", 2, {{IND_X, 1000, 300, 100}, {IND_Y, 5000, 1000, 500}}},
    [ROW_LEASING] = {"租赁和商务服务业", 2, {{IND_X, 300, 100, 10}, {IND_Z, 120000, 8000, 100}}},
    [ROW_OTHER] = {"其他未列明行业", 1, {{IND_X, 300, 100, 10}}},
};

static const char *const tier_names[] = {"大型", "中型", "小型", "微型"};

/* The 划型行业 row of an industry, ROW_NOT_COVERED, or ROW_UNDECIDED when the code is too coarse.
 */
static int row_of(int idx, char *why, size_t n) {
    const struct industry *ind = industry_at(idx);
    const struct industry *sec = industry_at(ind->section);
    char s = sec->code[0];
    int div =
        ind->level >= INDUSTRY_DIVISION ? (ind->code[0] - '0') * 10 + (ind->code[1] - '0') : -1;
    int grp = ind->level >= INDUSTRY_GROUP ? div * 10 + (ind->code[2] - '0') : -1;
    why[0] = 0;
    switch (s) {
    case 'A':
        return ROW_AGRI;
    case 'B':
    case 'C':
    case 'D':
        return ROW_INDUSTRY;
    case 'E':
        return ROW_CONSTRUCTION;
    case 'L':
        return ROW_LEASING;
    case 'M':
    case 'N':
    case 'O':
    case 'R':
        return ROW_OTHER;
    case 'J':
    case 'P':
    case 'S':
    case 'T':
        snprintf(why, n, "%s %s 不在《统计上大中小微型企业划分办法(2017)》适用范围内", sec->code,
                 sec->name);
        return ROW_NOT_COVERED;
    default:
        break;
    }
    if (div < 0) {
        snprintf(why, n, "行业只知门类 %s %s,不足以确定划型行业(需大类或更细)", sec->code,
                 sec->name);
        return ROW_UNDECIDED;
    }
    switch (div) {
    case 51:
        return ROW_WHOLESALE;
    case 52:
        return ROW_RETAIL;
    case 53:
        snprintf(why, n, "53 铁路运输业不在《统计上大中小微型企业划分办法(2017)》适用范围内");
        return ROW_NOT_COVERED;
    case 54:
    case 55:
    case 56:
    case 57:
    case 58:
        return ROW_TRANSPORT;
    case 60:
        return ROW_POST;
    case 61:
        return ROW_HOTEL;
    case 62:
        return ROW_CATERING;
    case 63:
    case 64:
        return ROW_INFO;
    case 65:
        return ROW_SOFTWARE;
    case 84:
        snprintf(why, n, "84 卫生不在《统计上大中小微型企业划分办法(2017)》适用范围内");
        return ROW_NOT_COVERED;
    case 85:
        return ROW_OTHER;
    default:
        break;
    }
    if (div == 59 || div == 70) {
        if (grp < 0) {
            snprintf(why, n, "行业只知大类 %02d %s,划型需要中类(%s)", div, ind->name,
                     div == 59 ? "591 装卸搬运属交通运输业,592–599 属仓储业"
                               : "701/702/703/709 划型不同");
            return ROW_UNDECIDED;
        }
        if (grp == 591) return ROW_TRANSPORT;
        if (div == 59) return ROW_WAREHOUSE;
        if (grp == 701) return ROW_REALESTATE;
        if (grp == 702) return ROW_PROPERTY;
        if (grp == 703 || grp == 709) return ROW_OTHER;
        snprintf(why, n, "704 房地产租赁经营(自有房地产经营活动)不在划分办法适用范围内");
        return ROW_NOT_COVERED;
    }
    snprintf(why, n, "%s %s 不在《统计上大中小微型企业划分办法(2017)》适用范围内", ind->code,
             ind->name);
    return ROW_NOT_COVERED;
}

static int tier_of(const struct threshold *t, int64_t v) {
    if (v >= t->large) return 0;
    if (v >= t->medium) return 1;
    if (v >= t->small) return 2;
    return 3;
}

static void append(char *buf, size_t n, const char *fmt, const char *a, const char *b,
                   const char *c) {
    size_t l = strlen(buf);
    if (l < n) snprintf(buf + l, n - l, fmt, a, b, c);
}

/* The size and, when is_explained, the reason (formatting it costs more than deciding: a load of
 * millions of rows asks only for the size). */
static void classify(int industry, const struct value *employees, const struct value *revenue,
                     const struct value *assets, struct size_result *out, bool is_explained) {
    out->size = -1;
    out->group = NULL;
    out->reason[0] = 0;
    out->size = -1;
    if (industry < 0 || !industry_at(industry)) {
        out->is_covered = true;
        snprintf(out->reason, sizeof out->reason, "缺少行业,无法划型");
        return;
    }
    char why[200];
    int row = row_of(industry, why, sizeof why);
    out->is_covered = row != ROW_NOT_COVERED;
    if (row < 0) {
        snprintf(out->reason, sizeof out->reason, "%s", why);
        return;
    }
    const struct size_row *r = &rows[row];
    out->group = r->name;
    snprintf(out->reason, sizeof out->reason, "%s:", r->name);
    int worst = 0;
    bool any_missing = false;
    for (int i = 0; i < r->n; i++) {
        const struct threshold *t = &r->t[i];
        const struct value *v = t->ind == IND_X ? employees : t->ind == IND_Y ? revenue : assets;
        const char *label = t->ind == IND_X   ? "从业人员"
                            : t->ind == IND_Y ? "营业收入"
                                              : "资产总额";
        char val[64];
        if (!v || !v->has) {
            any_missing = true;
            if (is_explained)
                append(out->reason, sizeof out->reason, "%s%s 缺失%s", i ? "; " : " ", label, "");
            continue;
        }
        /* X is in persons; Y and Z thresholds are in 万元 = 1,000,000 fen. */
        int tier;
        if (t->ind == IND_X) {
            tier = tier_of(t, v->i);
            if (is_explained) snprintf(val, sizeof val, "%lld人", (long long)v->i);
        } else {
            struct threshold fen = {t->ind, t->large * 1000000, t->medium * 1000000,
                                    t->small * 1000000};
            tier = tier_of(&fen, v->i);
            if (is_explained) money_format(v->i, val, sizeof val);
        }
        if (tier > worst) worst = tier;
        if (!is_explained) continue;
        char seg[96];
        snprintf(seg, sizeof seg, "%s %s → %s", label, val, tier_names[tier]);
        append(out->reason, sizeof out->reason, "%s%s%s", i ? "; " : " ", seg, "");
    }
    /* 微型 needs only one indicator in its band, so a micro indicator decides even if another is
     * missing; any other size needs every indicator. */
    if (any_missing && worst < 3) {
        append(out->reason, sizeof out->reason, "%s%s%s", "; 指标不全,无法划型", "", "");
        return;
    }
    out->size = worst;
    append(out->reason, sizeof out->reason, "%s%s%s", r->n > 1 ? "; 取较小者 → " : " → ",
           tier_names[worst], "");
}

void size_classify(int industry, const struct value *employees, const struct value *revenue,
                   const struct value *assets, struct size_result *out) {
    memset(out, 0, sizeof *out);
    classify(industry, employees, revenue, assets, out, true);
}

int size_class_of(int industry, const struct value *employees, const struct value *revenue,
                  const struct value *assets) {
    struct size_result r;
    r.is_covered = false;
    classify(industry, employees, revenue, assets, &r, false);
    return r.size;
}
