/* Owns the grammar of who a clause is for: the subject (对X, 凡X, X将…, 适用于X), places (注册地,
 * 纳税地), qualifications with how they were obtained (新认定, 首次通过…认定, 重新认定), lists
 * distributed over levels (国家级、省级X), industries (X、Y等产业领域), numeric thresholds with
 * comparators and units (超过, 达到, 以上, 以内, 至, tier lists), dates, requirements (拥有/具有/
 * 持有…), negations (未发生…, 除X外, 不再重复享受). Amounts are benefit.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract_int.h"
#include "refdata/refdata.h"
#include "schema/schema.h"
#include "util/date.h"

static bool is_open(int32_t cp) {
    return cp == '(' || cp == 0x201C || cp == 0x300A || cp == '[';
}

static bool is_close(int32_t cp) {
    return cp == ')' || cp == 0x201D || cp == 0x300B || cp == ']';
}

static bool has_word(const struct work *w, size_t a, size_t b, const char *word) {
    return a < b && xfind(w->s, a, b, word) < b;
}

static size_t skip_word(const char *s, size_t a, size_t b, const char *word) {
    return xstarts(s, a, b, word) ? a + strlen(word) : a;
}

/* True when the name at s[i] opens with a known place ("济南高新区", "青岛自贸片区"). */
static bool known_place_prefix(const char *s, size_t i, size_t end) {
    size_t adv, j = i;
    struct error err;
    for (int n = 0; n < 3 && j < end; n++) {
        xcp(s, end, j, &adv);
        j += adv;
        if (n >= 1 && region_find(s + i, j - i, &err) >= 0) return true;
    }
    return false;
}

size_t region_name_at(const char *s, size_t i, size_t end) {
    const struct lex_entry *e = lex_at(LK_REGION, s, i, end);
    if (e) return e->len;
    size_t adv, j = i;
    int n = 0;
    int32_t first = xcp(s, end, i, &adv);
    static const char *const no_start =
        "对在由经如凡于向和与的及或并且将把为新首其各全本该每按据除自从往到至使";
    for (const char *p = no_start; *p;) {
        size_t a2;
        if (xcp(p, strlen(p), 0, &a2) == first) return 0;
        p += a2;
    }
    while (j < end && n < 7) {
        int32_t cp = xcp(s, end, j, &adv);
        if (!xhan(cp) || cp == 0x7684 /* 的 */) return 0;
        n++;
        j += adv;
        if (n >= 3 && (cp == 0x5E02 || cp == 0x533A || cp == 0x53BF || cp == 0x5DDE)) {
            if (n >= 5 && !known_place_prefix(s, i, end)) return 0;
            /* 市 区 县 州 */
            size_t a2;
            int32_t nx = xcp(s, end, j, &a2);
            if (nx == 0x7EA7 /* 级 */ || nx == 0x573A /* 场 */ || nx == 0x6C11 /* 民 */ ||
                nx == 0x57DF /* 域 */ || nx == 0x59D4 /* 委 */ || nx == 0x5C40 /* 局 */)
                return 0;
            const struct lex_entry *nr = lex_ending(LK_NOTREGION, s, i, j);
            if (nr && (nr->len == j - i || strcmp(nr->value, "") == 0) &&
                (nr->len == j - i || xends(s, i, j, "上市") || xends(s, i, j, "城市") ||
                 xends(s, i, j, "园区") || xends(s, i, j, "社区") || xends(s, i, j, "地市")))
                return 0;
            return j - i;
        }
    }
    return 0;
}

static struct extract_condition *add_cond(struct work *w, const char *field, const char *op,
                                          size_t ta, size_t tb) {
    if (w->n_cond >= MAX_COND) return NULL;
    struct extract_condition *c = &w->cond[w->n_cond++];
    memset(c, 0, sizeof *c);
    c->field = field;
    c->op = op;
    c->text = xdup(w->ar, w->s, ta, tb);
    return c;
}

static void add_str(struct work *w, const char *field, const char *op, const char *value, size_t ta,
                    size_t tb) {
    for (int k = 0; k < w->n_cond; k++) { /* once per field and value; the fuller one wins */
        struct extract_condition *c = &w->cond[k];
        if (strcmp(c->field, field) != 0 || c->type != EV_STR) continue;
        if (strstr(c->str, value)) return;
        if (strstr(value, c->str)) {
            c->str = value;
            c->op = op;
            c->text = xdup(w->ar, w->s, ta, tb);
            return;
        }
    }
    struct extract_condition *c = add_cond(w, field, op, ta, tb);
    if (!c) return;
    c->type = EV_STR;
    c->str = value;
}

/* A negated phrase (未…, 无…, 没有…, 不得…): 失信 = 否 when it names 失信 (no record of
 * dishonesty), otherwise the phrase kept whole under 其他 for a person to read. */
static void add_negated(struct work *w, const char *s, size_t a, size_t b) {
    if (has_word(w, a, b, "失信")) {
        struct extract_condition *c = add_cond(w, "失信", "=", a, b);
        if (c) {
            c->type = EV_STR;
            c->str = "否";
        }
        return;
    }
    add_str(w, "其他", "=", xdup(w->ar, s, a, b), a, b);
}

static bool has_field(const struct work *w, const char *field) {
    for (int k = 0; k < w->n_cond; k++)
        if (strcmp(w->cond[k].field, field) == 0) return true;
    return false;
}

/* ---- the subject ---- */

static bool valid_dui(const char *s, size_t i, size_t end, size_t start) {
    size_t adv;
    int32_t nx = xcp(s, end, i + 3, &adv);
    int32_t pv = i > start ? xcp(s, end, xprev(s, i), &adv) : -1;
    static const int32_t bad_next[] = {0x63A5, 0x8C61, 0x5916, 0x6BD4, 0x7167,
                                       0x6807, 0x53E3, 0x5176, 0x5E94, 0x8BDD};
    static const int32_t bad_prev[] = {0x9488, 0x76F8, 0x9762, 0x5E94, 0x6838, 0x7EDD, 0x6BD4};
    for (size_t k = 0; k < sizeof bad_next / sizeof *bad_next; k++)
        if (nx == bad_next[k]) return false;
    for (size_t k = 0; k < sizeof bad_prev / sizeof *bad_prev; k++)
        if (pv == bad_prev[k]) return false;
    return true;
}

static size_t first_benefit_seg_end(const struct work *w) {
    for (int k = 0; k < w->n_segs; k++)
        if (w->seg_benefit[k]) return w->segs[k].b;
    return w->b;
}

static int seg_index(const struct work *w, size_t pos) {
    for (int k = 0; k < w->n_segs; k++)
        if (pos >= w->segs[k].a && pos < w->segs[k].b) return k;
    return -1;
}

static bool in_brackets(const char *s, size_t a, size_t pos) {
    int depth = 0;
    size_t adv;
    for (size_t i = a; i < pos; i += adv) {
        int32_t cp = xcp(s, pos, i, &adv);
        if (is_open(cp)) depth++;
        if (is_close(cp) && depth > 0) depth--;
    }
    return depth > 0;
}

/* Where the subject that starts at a ends. */
static size_t subject_end(const struct work *w, size_t a) {
    const char *s = w->s;
    int k = seg_index(w, a);
    size_t end = k >= 0 ? w->segs[k].b : w->b;
    /* "除X外," continues the subject into the next segment */
    if (k >= 0 && k + 1 < w->n_segs && xends(s, a, end, "外") && has_word(w, a, end, "除"))
        end = w->segs[k + 1].b;
    static const char *const cuts[] = {
        "给予", "予以", "按照", "按",   "分别", "一次性", "每家", "每户", "将",   "需",   "须",
        "应",   "可",   "有望", "享受", "由",   "参照",   "根据", "奖励", "补助", "不再", "在申报"};
    for (size_t t = 0; t < sizeof cuts / sizeof *cuts; t++) {
        size_t x = xfind(s, a, end, cuts[t]);
        if (x < end && x > a) end = x;
    }
    for (int q = 0; q < w->n_q; q++)
        if (w->q[q].role == QR_BENEFIT && w->q[q].a > a && w->q[q].a < end) end = w->q[q].a;
    const struct lex_entry *ke;
    size_t kw = lex_find(LK_KIND, s, a, end, &ke);
    if (kw > a && kw < end && lex_at(LK_CAP, s, kw + ke->len, w->b)) end = kw; /* 年贴息上限 */
    if (kw > a && kw == end && xends(s, a, end, "年") && xchars(s, a, end) > 2) end -= 3;
    /* 企业 followed by what it does: "企业在…", "企业实施…", "企业2017年…" */
    for (size_t x = xfind(s, a, end, "企业"); x < end; x = xfind(s, x + 1, end, "企业")) {
        size_t after = x + strlen("企业"), adv;
        int32_t cp = xcp(s, end, after, &adv);
        if (after < end && ((cp >= '0' && cp <= '9') || xstarts(s, after, end, "在") ||
                            xstarts(s, after, end, "实施") || xstarts(s, after, end, "通过") ||
                            xstarts(s, after, end, "开展") || xstarts(s, after, end, "研发") ||
                            xstarts(s, after, end, "信用") || xstarts(s, after, end, "拥有"))) {
            end = after;
            break;
        }
    }
    return end;
}

/* A subject names someone: a noun phrase with 的, a qualification, or a who-word at its end. */
static bool nominal_subject(const struct work *w, size_t a, size_t b) {
    static const char *const who[] = {"企业", "单位", "机构", "对象", "人才", "人员", "员",
                                      "者",   "项目", "个人", "团队", "主体", "公司"};
    if (b <= a) return false;
    if (has_word(w, a, b, "的") || lex_has(LK_QUALKW, w->s, a, b)) return true;
    for (size_t t = 0; t < sizeof who / sizeof *who; t++)
        if (xends(w->s, a, b, who[t])) return true;
    return false;
}

static void find_subject(struct work *w) {
    const char *s = w->s;
    w->subj_a = w->subj_b = w->a;
    /* 给予培育机构奖励: the beneficiary is named in the grant */
    size_t g = xfind(s, w->a, w->b, "给予");
    while (g < w->b) {
        size_t x = g + strlen("给予"), e = x, adv;
        int n = 0;
        while (e < w->b && n < 12 && xhan(xcp(s, w->b, e, &adv)))
            e += adv, n++;
        static const char *const who[] = {"机构", "单位", "个人", "团队"};
        for (size_t t = 0; t < sizeof who / sizeof *who; t++) {
            size_t p = xfind(s, x, e, who[t]);
            if (p < e && p > x && lex_at(LK_KIND, s, p + strlen(who[t]), w->b)) {
                w->subj_a = x;
                w->subj_b = p + strlen(who[t]);
                w->subject_is_beneficiary = true;
                return;
            }
        }
        g = xfind(s, g + 1, w->b, "给予");
    }
    size_t p = xfind(s, w->a, w->b, "适用于");
    if (p < w->b) {
        w->subj_a = p + strlen("适用于");
        w->subj_b = xends(s, w->a, w->b, "。") ? w->b - 3 : w->b;
        return;
    }
    size_t limit = first_benefit_seg_end(w);
    size_t grant = lex_find(LK_GRANT, s, w->a, limit, NULL);
    for (size_t d = xfind(s, w->a, limit, "对"); d < limit; d = xfind(s, d + 3, limit, "对")) {
        if (d > grant) break;
        if (!valid_dui(s, d, w->b, w->a) || in_brackets(s, w->a, d)) continue;
        bool named_before = false; /* "纳入…库的科技型中小企业,对有成长性的入库企业": the first */
        for (int k = 0; k < w->n_segs && w->segs[k].b <= d; k++)
            if (lex_has(LK_QUALKW, s, w->segs[k].a, w->segs[k].b) &&
                has_word(w, w->segs[k].a, w->segs[k].b, "的") &&
                !lex_at(LK_PREAMBLE, s, w->segs[k].a, w->segs[k].b))
                named_before = true;
        if (named_before) break;
        size_t a = d + 3;
        a = skip_word(s, a, w->b, "于");
        w->subj_a = a;
        w->subj_b = subject_end(w, a);
        goto refine;
    }
    {
        size_t a = w->a;
        /* skip opening segments that introduce ("加上省市奖励", "其中") or act ("X县建立…库") */
        for (int k = 0; k + 1 < w->n_segs && !w->seg_benefit[k]; k++) {
            size_t sa = w->segs[k].a, sb = w->segs[k].b;
            size_t t = sa + region_name_at(s, sa, sb);
            bool intro = lex_at(LK_PREAMBLE, s, sa, sb) || xstarts(s, sa, sb, "加上") ||
                         xstarts(s, t, sb, "建立") || xstarts(s, t, sb, "实施");
            if (!intro) break;
            a = w->segs[k + 1].a;
        }
        size_t r = region_name_at(s, skip_word(s, a, w->b, "如"), w->b);
        if (r && xstarts(s, skip_word(s, a, w->b, "如") + r, w->b, "凡"))
            a = skip_word(s, a, w->b, "如") + r;
        a = skip_word(s, a, w->b, "凡");
        w->subj_a = a;
        w->subj_b = subject_end(w, a);
    }
    if (!nominal_subject(w, w->subj_a, w->subj_b)) w->subj_b = w->subj_a; /* "成立满2年;" */
refine:
    if (w->subj_b <= w->subj_a) {
        w->subj_b = w->subj_a;
        return;
    }
    /* "除X外,其他…企业": the subject is who remains */
    size_t wai = xfind(s, w->subj_a, w->subj_b, "外,");
    if (wai < w->subj_b && has_word(w, w->subj_a, wai, "除")) w->subj_a = wai + 4;
    /* a tier list in the subject: the subject is the head after the last 的 */
    int n_money = 0;
    for (int k = 0; k < w->n_q; k++)
        if (w->q[k].a >= w->subj_a && w->q[k].b <= w->subj_b && w->q[k].unit == UNIT_YUAN)
            n_money++;
    size_t de = xrfind(s, w->subj_a, w->subj_b, "的");
    if (n_money >= 2 && de < w->subj_b) w->subj_a = de + 3;
    /* "新一代信息技术、…等产业领域实施…的企业": the list is the industry, not the subject */
    size_t ly = xfind(s, w->subj_a, w->subj_b, "领域");
    if (ly < w->subj_b && !has_word(w, w->subj_a, ly, "属于") && ly + 6 < w->subj_b)
        w->subj_a = ly + 6;
}

/* ---- qualifications ---- */

struct np_item {
    size_t a, b;
    const char *mod; /* modifier note, NULL when none */
};

static const char *canonical_qual(struct work *w, size_t a, size_t b) {
    const char *s = w->s;
    /* strip quotes around a whole item: “独角兽”企业 keeps them; "世界500强" from “世界500强” */
    for (size_t i = a; i < b; i++) {
        const struct lex_entry *e = lex_at(LK_QUAL, s, i, b);
        if (!e) continue;
        bool whole = i == a && e->len == b - a;
        bool suffix = i + e->len == b && xchars(e->phrase, 0, e->len) >= 4 &&
                      strncmp(e->value, "国家", strlen("国家")) != 0;
        if (whole || suffix) {
            size_t n = (i - a) + strlen(e->value);
            char *out = arena_alloc(w->ar, n + 1);
            if (!out) return NULL;
            memcpy(out, s + a, i - a);
            memcpy(out + (i - a), e->value, strlen(e->value));
            out[n] = 0;
            return out;
        }
    }
    return xdup(w->ar, s, a, b);
}

static const char *with_mod(struct work *w, const char *q, const char *mod) {
    if (!mod || !q) return q;
    size_t n = strlen(q) + strlen(mod) + 3;
    char *out = arena_alloc(w->ar, n);
    if (out) snprintf(out, n, "%s(%s)", q, mod);
    return out;
}

/* Leading modifiers of an item: "首次被认定为高新技术企业" → 首次认定 + 高新技术企业. */
static size_t strip_mod(const struct work *w, size_t a, size_t b, const char **mod) {
    const struct lex_entry *e = lex_at(LK_MODIFIER, w->s, a, b);
    if (!e) return a;
    *mod = e->value;
    a += e->len;
    a = skip_word(w->s, a, b, "的");
    return a;
}

static bool is_level_only(const struct work *w, size_t a, size_t b) {
    const struct lex_entry *e = lex_at(LK_LEVEL, w->s, a, b);
    return e && e->len == b - a;
}

/* Splits s[a..b) at top-level 、 (and 和/或/及 when the right side is a full item). */
static int split_items(const struct work *w, size_t a, size_t b, struct seg *out, int max) {
    const char *s = w->s;
    int n = 0, depth = 0;
    size_t start = a, adv;
    for (size_t i = a; i < b; i += adv) {
        int32_t cp = xcp(s, b, i, &adv);
        if (is_open(cp)) depth++;
        if (is_close(cp) && depth > 0) depth--;
        if (depth) continue;
        bool cut = cp == 0x3001;
        if (!cut && (cp == 0x548C || cp == 0x6216 || cp == 0x53CA)) { /* 和 或 及 */
            size_t r = i + adv;
            const char *m = NULL;
            cut = lex_at(LK_LEVEL, s, r, b) || strip_mod(w, r, b, &m) > r ||
                  (lex_has(LK_QUALKW, s, r, b) && lex_has(LK_QUALKW, s, start, i) &&
                   xchars(s, r, b) >= 4 && !xstarts(s, r, b, "创新"));
        }
        if (cut && n < max && i > start) {
            out[n++] = (struct seg){start, i};
            start = i + adv;
        }
    }
    if (b > start && n < max) out[n++] = (struct seg){start, b};
    return n;
}

/* The quoted strings of s[a..b) when it is a run of two or more: “世界500强”“中国500强”. */
static int quoted_items(const struct work *w, size_t a, size_t b, struct seg *out, int max) {
    int n = 0;
    for (size_t i = xfind(w->s, a, b, "“"); i < b && n < max;) {
        size_t e = xfind(w->s, i, b, "”");
        if (e >= b) break;
        out[n++] = (struct seg){i + strlen("“"), e};
        i = xfind(w->s, e, b, "“");
    }
    return n >= 2 ? n : 0;
}

static const char *trim_industry_item(struct work *w, size_t a, size_t b) {
    if (xends(w->s, a, b, "等")) b -= 3;
    return xdup(w->ar, w->s, a, b);
}

/* "属于集成电路、氢能领域", "新一代信息技术、…、高端化工等产业领域" → 行业 in [...]; returns the
 * end of the list phrase (a when none). */
static size_t industry_list(struct work *w, size_t a, size_t b) {
    const char *s = w->s;
    size_t ly = xfind(s, a, b, "领域");
    if (ly < b && xfind(s, a, ly, "《") < ly)
        ly = b; /* 《国家重点支持的高新技术领域》 is a title */
    size_t sh0 = xfind(s, a, b, "属于");
    if (sh0 < b && xfind(s, sh0, b, "《") < b) sh0 = b;
    if (ly >= b && sh0 < b) { /* 属于制造业、软件和信息技术服务业 */
        size_t e = xfind(s, sh0, b, "且");
        size_t e2 = xfind(s, sh0, e, "的");
        if (e2 < e) e = e2;
        bool fb;
        struct error err;
        size_t x = sh0 + strlen("属于");
        if (xends(s, x, e, "行业")) e -= strlen("行业");
        struct seg it[16];
        int n = split_items(w, x, e, it, 16);
        bool any = false;
        for (int k = 0; k < n; k++)
            if (lex_has(LK_INDUSTRY, s, it[k].a, it[k].b) ||
                industry_find(s + it[k].a, it[k].b - it[k].a, &fb, &err) >= 0)
                any = true;
        if (!any || n < 1) return a;
        struct extract_condition *c = add_cond(w, "行业", n > 1 ? "in" : "=", sh0, e);
        if (!c) return a;
        if (n == 1) {
            c->type = EV_STR;
            c->str = xdup(w->ar, s, it[0].a, it[0].b);
        } else {
            c->type = EV_LIST;
            c->list = arena_alloc(w->ar, (size_t)n * sizeof *c->list);
            if (!c->list) return a;
            for (int k = 0; k < n; k++)
                c->list[k] = xdup(w->ar, s, it[k].a, it[k].b);
            c->n_list = n;
        }
        return e;
    }
    if (ly >= b) return a;
    size_t la = a, le = ly;
    size_t sh = xrfind(s, a, ly, "属于");
    if (sh < ly) la = sh + strlen("属于");
    for (const char *suf = "产业"; xends(s, la, le, suf);)
        le -= strlen(suf);
    if (xends(s, la, le, "等")) le -= 3;
    struct seg items[16];
    int n = split_items(w, la, le, items, 16);
    if (n < 1) return a;
    struct extract_condition *c = add_cond(w, "行业", n > 1 ? "in" : "=", a, ly + 6);
    if (!c) return a;
    if (n == 1) {
        c->type = EV_STR;
        c->str = trim_industry_item(w, items[0].a, items[0].b);
    } else {
        c->type = EV_LIST;
        c->list = arena_alloc(w->ar, (size_t)n * sizeof *c->list);
        if (!c->list) return a;
        for (int k = 0; k < n; k++)
            c->list[k] = trim_industry_item(w, items[k].a, items[k].b);
        c->n_list = n;
    }
    return ly + 6;
}

static bool in_cond_qty(const struct work *w, size_t a, size_t b) {
    for (int k = 0; k < w->n_q; k++)
        if (w->q[k].a >= a && w->q[k].b <= b && w->q[k].role == QR_COND) return true;
    return false;
}

/* One requirement, negation or qualification phrase (a piece of a subject's modifiers or of a
 * condition segment). Modifiers found are returned for the head noun. */
static void analyze_piece(struct work *w, size_t a, size_t b, const char **mods, int *n_mods,
                          const char **level) {
    const char *s = w->s;
    a = skip_word(s, a, b, "且");
    if (!xstarts(s, a, b, "并购")) a = skip_word(s, a, b, "并");
    a = skip_word(s, a, b, "同时");
    a = skip_word(s, a, b, "其他");
    a = skip_word(s, a, b, "申报企业");
    a = skip_word(s, a, b, "申报单位");
    a = skip_word(s, a, b, "企业");
    static const char *const must[] = {"必须", "应当", "须", "需", "应"};
    for (size_t t = 0; t < sizeof must / sizeof *must; t++)
        a = skip_word(s, a, b, must[t]);
    if (xends(s, a, b, "后")) b -= 3;
    if (xends(s, a, b, "的")) b -= 3;
    if (b <= a || xchars(s, a, b) < 2) return;
    if (in_cond_qty(w, a, b)) return; /* a threshold: numeric_conditions */
    if (has_word(w, a, b, "注册") &&
        (xstarts(s, a, b, "在") || has_word(w, a, b, "登记") || xstarts(s, a, b, "注册地")))
        return; /* a place: region_conditions */
    if (xstarts(s, a, b, "符合") || xstarts(s, a, b, "申请") || xstarts(s, a, b, "可") ||
        xstarts(s, a, b, "依法纳税") || xstarts(s, a, b, "按") || xstarts(s, a, b, "参照") ||
        xstarts(s, a, b, "根据") || xstarts(s, a, b, "将") || xstarts(s, a, b, "建立") ||
        xstarts(s, a, b, "在申报") || has_word(w, a, b, "优先") || has_word(w, a, b, "方式") ||
        has_word(w, a, b, "享受") || has_word(w, a, b, "奖励") || has_word(w, a, b, "补助") ||
        has_word(w, a, b, "补贴") || has_word(w, a, b, "奖补") || has_word(w, a, b, "贴息") ||
        has_word(w, a, b, "扶持"))
        return; /* procedure, basis or the benefit itself, not a condition */
    /* an enumerated field's value: 纳税信用等级为A级, 企业规模为中型或小型 */
    size_t wei = xfind(s, a, b, "为");
    const struct field_def *ef = wei < b ? schema_find(s + a, wei - a) : NULL;
    if (ef && (ef->type == FT_ENUM) && ef->values) {
        struct seg vs[8];
        int nv = 0;
        size_t st = wei + 3, adv;
        for (size_t i = st; i <= b && nv < 8; i += adv) {
            int32_t cp = i < b ? xcp(s, b, i, &adv) : -1;
            if (i == b) adv = 1;
            if (cp < 0 || cp == 0x6216 || cp == 0x3001) {
                if (i > st) vs[nv++] = (struct seg){st, i};
                st = i + adv;
            }
        }
        const char *vals[8];
        int ok = 0;
        for (int k = 0; k < nv; k++) {
            int idx = schema_value_index(ef, s + vs[k].a, vs[k].b - vs[k].a);
            if (idx >= 0) vals[ok++] = ef->values[idx];
        }
        if (ok == nv && ok > 0) {
            struct extract_condition *c = add_cond(w, ef->label, ok > 1 ? "in" : "=", a, b);
            if (!c) return;
            if (ok == 1) {
                c->type = EV_STR;
                c->str = vals[0];
            } else {
                c->type = EV_LIST;
                c->list = arena_alloc(w->ar, (size_t)ok * sizeof *c->list);
                if (c->list) memcpy(c->list, vals, (size_t)ok * sizeof *vals);
                c->n_list = c->list ? ok : 0;
            }
            return;
        }
    }
    /* 信用良好 */
    if (has_word(w, a, b, "信用") && has_word(w, a, b, "良好")) {
        add_str(w, "信用", "=", "良好", a, b);
        return;
    }
    /* negations, also after a period: 近三年内未发生… */
    static const char *const periods[] = {"近三年内", "近三年", "近两年内", "近两年",   "三年内",
                                          "两年内",   "申报前", "上年度",   "近一年内", "近一年"};
    for (size_t t = 0; t < sizeof periods / sizeof *periods; t++)
        if (xstarts(s, a, b, periods[t])) {
            size_t r2 = a + strlen(periods[t]);
            if (xstarts(s, r2, b, "未") || xstarts(s, r2, b, "无") || xstarts(s, r2, b, "没有")) {
                add_negated(w, s, a, b);
                return;
            }
            break;
        }
    /* 获得X称号, 被认定为X, 入选X */
    static const char *const gets[] = {"获得",   "取得", "被认定为", "认定为",
                                       "被评为", "评为", "入选"};
    for (size_t t = 0; t < sizeof gets / sizeof *gets; t++) {
        if (!xstarts(s, a, b, gets[t])) continue;
        size_t qa = a + strlen(gets[t]), qe = b;
        static const char *const ends[] = {"称号", "荣誉", "资格", "认定", "资质"};
        for (size_t u = 0; u < sizeof ends / sizeof *ends; u++)
            if (xends(s, qa, qe, ends[u])) qe -= strlen(ends[u]);
        if (qe > qa && lex_has(LK_QUALKW, s, qa, qe)) {
            add_str(w, "资质", "has", canonical_qual(w, qa, qe), a, b);
            return;
        }
    }
    if (xstarts(s, a, b, "未") || xstarts(s, a, b, "无") || xstarts(s, a, b, "没有") ||
        xstarts(s, a, b, "不得") || xstarts(s, a, b, "不存在")) {
        add_negated(w, s, a, b);
        return;
    }
    /* modifiers alone or on a qualification: 新认定和重新认定, 首次通过高企认定, 通过复审 */
    const char *m = NULL;
    size_t r = strip_mod(w, a, b, &m);
    if (m) {
        if (r >= b || xstarts(s, r, b, "和") || xstarts(s, r, b, "或")) {
            if (*n_mods < 4) mods[(*n_mods)++] = m;
            while (r < b) {
                size_t r2 = r;
                r2 = skip_word(s, r2, b, "和");
                r2 = skip_word(s, r2, b, "或");
                const char *m2 = NULL;
                size_t r3 = strip_mod(w, r2, b, &m2);
                if (!m2) break;
                if (*n_mods < 4) mods[(*n_mods)++] = m2;
                r = r3;
            }
            return;
        }
        size_t qe = b;
        if (xends(s, r, qe, "认定")) qe -= strlen("认定");
        if (xends(s, r, qe, "复审")) qe -= strlen("复审");
        if (qe > r && lex_has(LK_QUALKW, s, r, qe)) {
            add_str(w, "资质", "has", with_mod(w, canonical_qual(w, r, qe), m), a, b);
            return;
        }
        if (*n_mods < 4) mods[(*n_mods)++] = m;
        return;
    }
    /* 通过高新技术企业复审, 通过X认定 */
    if (xstarts(s, a, b, "通过") && (xends(s, a, b, "复审") || xends(s, a, b, "认定"))) {
        size_t qa = a + strlen("通过"), qe = b - strlen("复审");
        if (qe > qa && lex_has(LK_QUALKW, s, qa, qe)) {
            const char *mod2 = xends(s, a, b, "复审") ? "复审通过" : NULL;
            add_str(w, "资质", "has", with_mod(w, canonical_qual(w, qa, qe), mod2), a, b);
            return;
        }
    }
    /* 经山东省认定: a level for the head */
    if (xstarts(s, a, b, "经") && xends(s, a, b, "认定")) {
        *level = xdup(w->ar, s, a + 3, b - strlen("认定"));
        return;
    }
    /* 纳入/进入/列入 X库 */
    if (xstarts(s, a, b, "纳入") || xstarts(s, a, b, "进入") || xstarts(s, a, b, "列入")) {
        if (xends(s, a, b, "库")) {
            size_t n = (b - a - 6) + strlen("入库企业");
            char *v = arena_alloc(w->ar, n + 1);
            if (v) {
                memcpy(v, s + a + 6, b - a - 6);
                memcpy(v + (b - a - 6), "入库企业", strlen("入库企业") + 1);
                add_str(w, "资质", "has", v, a, b);
            }
        }
        return;
    }
    /* quoted lists: 首次入选“世界500强”“中国500强” */
    struct seg qi[16];
    int nq = quoted_items(w, a, b, qi, 16);
    if (nq) {
        struct extract_condition *c = add_cond(w, "资质", "in", a, b);
        if (!c) return;
        c->type = EV_LIST;
        c->list = arena_alloc(w->ar, (size_t)nq * sizeof *c->list);
        if (!c->list) return;
        for (int k = 0; k < nq; k++)
            c->list[k] = xdup(w->ar, s, qi[k].a, qi[k].b);
        c->n_list = nq;
        return;
    }
    /* requirements: 拥有独立法人资格, 有健全的财务制度, 持有…证书, 签订合同 */
    static const char *const verbs[] = {"拥有", "具有", "具备", "持有", "实行", "建立", "有"};
    for (size_t t = 0; t < sizeof verbs / sizeof *verbs; t++) {
        if (!xstarts(s, a, b, verbs[t])) continue;
        size_t o = a + strlen(verbs[t]);
        bool is_qual = xends(s, o, b, "资格") || xends(s, o, b, "证书") || xends(s, o, b, "资质") ||
                       xends(s, o, b, "认证");
        size_t qe = b;
        if (xends(s, o, qe, "资格") || xends(s, o, qe, "资质")) qe -= 6;
        if (is_qual && qe > o && lex_has(LK_QUALKW, s, o, qe)) { /* 具有高新技术企业资格 */
            add_str(w, "资质", "has", canonical_qual(w, o, qe), a, b);
            return;
        }
        add_str(w, is_qual ? "资质" : "其他", "has", xdup(w->ar, s, o, b), a, b);
        return;
    }
    /* "确认高企资格继续有效": the qualification with what is said of it */
    size_t zg = xfind(s, a, b, "资格");
    const struct lex_entry *qk = zg < b ? lex_ending(LK_QUALKW, s, a, zg) : NULL;
    if (qk && zg + strlen("资格") < b) {
        const char *q = canonical_qual(w, zg - qk->len, zg);
        size_t n = strlen(q) + (b - zg) + 3;
        char *v = arena_alloc(w->ar, n);
        if (v) {
            snprintf(v, n, "%s(%.*s)", q, (int)(b - zg), s + zg);
            add_str(w, "资质", "has", v, a, b);
        }
        return;
    }
    bool is_act = xstarts(s, a, b, "在") || has_word(w, a, b, "实现") || xends(s, a, b, "挂牌") ||
                  xends(s, a, b, "上市") || xends(s, a, b, "转板");
    if (lex_has(LK_QUALKW, s, a, b) && !has_word(w, a, b, "申报") && !is_act) {
        add_str(w, "资质", "has", canonical_qual(w, a, b), a, b);
        return;
    }
    add_str(w, "其他", "has", xdup(w->ar, s, a, b), a, b);
}

/* The head of a noun phrase: items with levels and shared stems distributed, each a
 * qualification (资质) or an industry (制造业企业 → 行业 制造业). */
static void analyze_head(struct work *w, size_t a, size_t b, const char **mods, int n_mods,
                         const char *level, size_t ta, size_t tb) {
    const char *s = w->s;
    const char *lead = NULL;
    a = strip_mod(w, a, b, &lead);
    if (lead && n_mods == 0) {
        mods[0] = lead;
        n_mods = 1;
    }
    struct seg items[16];
    int n = split_items(w, a, b, items, 16);
    const char *vals[32];
    int nv = 0;
    for (int k = 0; k < n; k++) {
        size_t ia = items[k].a, ib = items[k].b;
        const char *m = NULL;
        ia = strip_mod(w, ia, ib, &m);
        const char *v = NULL;
        if (is_level_only(w, ia, ib) && k + 1 < n) { /* 国家级、省级X: X from the last item */
            const struct seg *last = &items[n - 1];
            const struct lex_entry *le = lex_at(LK_LEVEL, s, last->a, last->b);
            size_t stem = le ? last->a + le->len : last->a;
            bool add_ji = xchars(s, ia, ib) == 1 && (!le || xends(le->phrase, 0, le->len, "级"));
            size_t n1 = (ib - ia) + (add_ji ? 3 : 0) + (last->b - stem);
            char *out = arena_alloc(w->ar, n1 + 1);
            if (!out) return;
            memcpy(out, s + ia, ib - ia);
            if (add_ji) memcpy(out + (ib - ia), "级", 3);
            memcpy(out + (ib - ia) + (add_ji ? 3 : 0), s + stem, last->b - stem);
            out[n1] = 0;
            v = out;
        } else if (!lex_has(LK_QUALKW, s, ia, ib) && k > 0 && xends(s, ia, ib, "企业") &&
                   xchars(s, ia, ib) <= 4) {
            /* 单项冠军示范企业、培育企业: the stem of the previous item */
            const struct seg *pv = &items[k - 1];
            size_t cut = pv->b;
            for (int c = 0; c < xchars(s, ia, ib) && cut > pv->a; c++)
                cut = xprev(s, cut);
            size_t n1 = (cut - pv->a) + (ib - ia);
            char *out = arena_alloc(w->ar, n1 + 1);
            if (!out) return;
            memcpy(out, s + pv->a, cut - pv->a);
            memcpy(out + (cut - pv->a), s + ia, ib - ia);
            out[n1] = 0;
            v = out;
        } else if (lex_has(LK_QUALKW, s, ia, ib)) {
            v = canonical_qual(w, ia, ib);
        } else if (xends(s, ia, ib, "企业")) {
            const struct lex_entry *e;
            size_t at = lex_find(LK_INDUSTRY, s, ia, ib, &e);
            if (at < ib && !has_field(w, "行业")) {
                struct extract_condition *c = add_cond(w, "行业", "=", ia, ib);
                if (c) {
                    c->type = EV_STR;
                    c->str = xdup(w->ar, s, at, at + e->len);
                }
            }
            continue;
        } else {
            continue;
        }
        if (!v) continue;
        w->last_qual = v;
        if (level) {
            size_t n1 = strlen(level) + strlen(v) + 1;
            char *out = arena_alloc(w->ar, n1);
            if (out) snprintf(out, n1, "%s%s", level, v);
            v = out;
        }
        if (m) {
            if (nv < 32) vals[nv++] = with_mod(w, v, m);
        } else if (n_mods == 0) {
            if (nv < 32) vals[nv++] = v;
        } else {
            for (int j = 0; j < n_mods && nv < 32; j++)
                vals[nv++] = with_mod(w, v, mods[j]);
        }
    }
    /* drop a head already named more fully by a modifier (入库企业 after 青岛市高企培育库入库企业)
     */
    int keep = 0;
    for (int k = 0; k < nv; k++) {
        bool dup = false;
        for (int c = 0; c < w->n_cond && vals[k]; c++)
            if (strcmp(w->cond[c].field, "资质") == 0 && w->cond[c].type == EV_STR &&
                strstr(w->cond[c].str, vals[k]))
                dup = true;
        if (!dup && vals[k]) vals[keep++] = vals[k];
    }
    nv = keep;
    if (nv == 1) {
        add_str(w, "资质", "has", vals[0], ta, tb);
    } else if (nv > 1) {
        struct extract_condition *c = add_cond(w, "资质", "in", ta, tb);
        if (!c) return;
        c->type = EV_LIST;
        c->list = arena_alloc(w->ar, (size_t)nv * sizeof *c->list);
        if (!c->list) return;
        memcpy(c->list, vals, (size_t)nv * sizeof *vals);
        c->n_list = nv;
    }
}

/* "实现新三板挂牌、沪深交易所或境外主要交易所上市", "拟在国内主板、创业板、科创板上市": the
 * alternatives, each with the verb. */
static bool listing_list(struct work *w, size_t a, size_t b) {
    const char *s = w->s;
    static const char *const verbs[] = {"上市", "挂牌"};
    const char *verb = NULL;
    for (size_t t = 0; t < 2; t++)
        if (xends(s, a, b, verbs[t])) verb = verbs[t];
    size_t la = a;
    static const char *const opens[] = {"实现", "拟在", "拟", "在"};
    for (size_t t = 0; t < 4; t++)
        if (xstarts(s, la, b, opens[t])) {
            la += strlen(opens[t]);
            break;
        }
    if (!verb || la == a) return false;
    struct seg items[16];
    int n = split_items(w, la, b, items, 16);
    if (n < 2) { /* 或 splits too: 沪深交易所或境外主要交易所 */
        return false;
    }
    struct seg all[32];
    int m = 0;
    for (int k = 0; k < n; k++) {
        size_t o = xfind(s, items[k].a, items[k].b, "或");
        if (o < items[k].b && m + 2 <= 32) {
            all[m++] = (struct seg){items[k].a, o};
            all[m++] = (struct seg){o + 3, items[k].b};
        } else if (m < 32) {
            all[m++] = items[k];
        }
    }
    struct extract_condition *c = add_cond(w, "其他", "in", a, b);
    if (!c) return true;
    c->type = EV_LIST;
    c->list = arena_alloc(w->ar, (size_t)m * sizeof *c->list);
    if (!c->list) return true;
    for (int k = 0; k < m; k++) {
        bool has_verb =
            xends(s, all[k].a, all[k].b, "上市") || xends(s, all[k].a, all[k].b, "挂牌");
        size_t n1 = (all[k].b - all[k].a) + (has_verb ? 0 : strlen(verb));
        char *v = arena_alloc(w->ar, n1 + 1);
        if (!v) return true;
        memcpy(v, s + all[k].a, all[k].b - all[k].a);
        if (!has_verb) memcpy(v + (all[k].b - all[k].a), verb, strlen(verb));
        v[n1] = 0;
        c->list[k] = v;
    }
    c->n_list = m;
    return true;
}

static void analyze_np1(struct work *w, size_t a, size_t b);

/* A noun phrase: "新认定的X和重新认定的X" is two, merged into one list of qualifications. */
static void analyze_np(struct work *w, size_t a, size_t b) {
    const char *s = w->s;
    int depth = 0;
    size_t adv, cut = b;
    for (size_t i = a; i < b; i += adv) {
        int32_t cp = xcp(s, b, i, &adv);
        if (is_open(cp)) depth++;
        if (is_close(cp) && depth > 0) depth--;
        if (!depth && (cp == 0x548C || cp == 0x6216) && has_word(w, a, i, "的") &&
            has_word(w, i, b, "的") && lex_has(LK_QUALKW, s, a, i) && lex_has(LK_QUALKW, s, i, b)) {
            cut = i;
            break;
        }
    }
    if (cut == b) {
        analyze_np1(w, a, b);
        return;
    }
    int before = w->n_cond;
    analyze_np1(w, a, cut);
    analyze_np1(w, cut + 3, b);
    const char *vals[16];
    int nv = 0, keep = before;
    for (int k = before; k < w->n_cond; k++) {
        struct extract_condition *c = &w->cond[k];
        if (strcmp(c->field, "资质") == 0 && c->type == EV_STR && nv < 16)
            vals[nv++] = c->str;
        else
            w->cond[keep++] = *c;
    }
    w->n_cond = keep;
    struct extract_condition *c = add_cond(w, "资质", nv > 1 ? "in" : "has", a, b);
    if (!c) return;
    if (nv == 1) {
        c->type = EV_STR;
        c->str = vals[0];
        return;
    }
    c->type = EV_LIST;
    c->list = arena_alloc(w->ar, (size_t)(nv ? nv : 1) * sizeof *c->list);
    if (!c->list || !nv) {
        w->n_cond--;
        return;
    }
    memcpy(c->list, vals, (size_t)nv * sizeof *vals);
    c->n_list = nv;
}

/* A noun phrase (a subject or a condition segment): modifiers before the last 的, head after. */
static void analyze_np1(struct work *w, size_t a, size_t b) {
    const char *s = w->s;
    if (b <= a) return;
    if (xfind(s, a, b, "等方式") < b || xends(s, a, b, "方式"))
        return; /* the means, not a condition */
    static const char *const negs[] = {"未发生", "未出现", "未被列入", "未列入", "没有发生",
                                       "不存在", "无重大", "无不良",   "无违法"};
    for (size_t t = 0; t < sizeof negs / sizeof *negs; t++) {
        size_t p = xfind(s, a, b, negs[t]);
        if (p >= b) continue;
        size_t na = skip_word(s, a, b, "申报企业");
        na = skip_word(s, na, b, "企业");
        static const char *const must[] = {"必须", "应当", "须", "需", "应"};
        for (size_t m = 0; m < sizeof must / sizeof *must; m++)
            na = skip_word(s, na, b, must[m]);
        if (has_word(w, na, b, "失信")) {
            struct extract_condition *c = add_cond(w, "失信", "=", na, b);
            if (c) {
                c->type = EV_STR;
                c->str = "否";
            }
        } else {
            add_str(w, "其他", "=", xdup(w->ar, s, na, b), na, b);
        }
        return;
    }
    static const char *const reqs[] = {"拥有", "具有",     "具备",   "持有", "获得",
                                       "取得", "被认定为", "被评为", "入选", "经"};
    for (size_t t = 0; t < sizeof reqs / sizeof *reqs; t++)
        if (xstarts(s, a, b, reqs[t]) && !has_word(w, a, b, "的")) {
            const char *m0[4];
            int nm0 = 0;
            const char *lv0 = NULL;
            analyze_piece(w, a, b, m0, &nm0, &lv0);
            return;
        }
    a = skip_word(s, a, b, "对");
    size_t rn = region_name_at(s, a, b);
    if (rn) a += rn; /* the place itself is region_conditions' */
    /* 除X外: the clause is for those that are not X */
    size_t ch = xfind(s, a, b, "除");
    if (ch < b) {
        size_t wai = xfind(s, ch, b, "外");
        if (wai < b) {
            size_t de = xrfind(s, ch, wai, "的");
            size_t ha = de < wai ? de + 3 : ch + 3;
            size_t n = strlen("非") + (wai - ha);
            char *v = arena_alloc(w->ar, n + 1);
            if (v) {
                memcpy(v, "非", strlen("非"));
                memcpy(v + strlen("非"), s + ha, wai - ha);
                v[n] = 0;
                struct extract_condition *c = add_cond(w, "其他", "=", ch, wai + 3);
                if (c) {
                    c->type = EV_STR;
                    c->str = v;
                }
            }
            a = wai + 3;
            a = skip_word(s, a, b, ",");
            a = skip_word(s, a, b, "其他");
        }
    }
    if (listing_list(w, a, xends(s, a, b, "的") ? b - 3 : b)) return;
    size_t il = industry_list(w, a, b);
    if (il > a) {
        a = il;
        a = skip_word(s, a, b, "且");
        a = skip_word(s, a, b, "并");
    }
    /* split at the last top-level 的 */
    int depth = 0;
    size_t de = b, adv;
    for (size_t i = a; i < b; i += adv) {
        int32_t cp = xcp(s, b, i, &adv);
        if (is_open(cp)) depth++;
        if (is_close(cp) && depth > 0) depth--;
        if (!depth && cp == 0x7684) de = i;
    }
    const char *mods[4];
    int n_mods = 0;
    const char *level = NULL;
    size_t ha = a;
    bool is_head = lex_has(LK_QUALKW, s, a, b) || xends(s, a, b, "企业");
    if (de < b && !lex_has(LK_QUALKW, s, de, b) && !xends(s, de, b, "企业") &&
        !lex_has(LK_QUALKW, s, a, de) && xchars(s, de, b) >= 3) {
        /* "实施科技创新活动实际发生的银行贷款利息支出": one requirement, not a modified head */
        const char *m0[4];
        int nm0 = 0;
        const char *lv0 = NULL;
        analyze_piece(w, a, b, m0, &nm0, &lv0);
        return;
    }
    if (de < b && listing_list(w, a, de)) {
        ha = de + 3;
    } else if (de < b || !is_head) {
        /* modifier pieces at top-level 且 并 、 , */
        size_t start = a;
        depth = 0;
        for (size_t i = a; i <= de; i += adv) {
            int32_t cp = i < de ? xcp(s, b, i, &adv) : -1;
            if (i >= de) i = de;
            if (i == de) adv = 1;
            if (is_open(cp)) depth++;
            if (is_close(cp) && depth > 0) depth--;
            bool cut =
                i == de ||
                (!depth && (cp == 0x3001 || (cp == ',' && !xthousands(s, i, b)) || cp == 0x4E14));
            if (!cut) continue;
            if (i > start) analyze_piece(w, start, i, mods, &n_mods, &level);
            start = i + adv;
            if (i == de) break;
        }
        ha = de < b ? de + 3 : b;
    }
    if (ha < b) {
        analyze_head(w, ha, b, mods, n_mods, level, a, b);
    } else if (n_mods && w->prev_qual) { /* "重新认定的": the qualification of the clause before */
        for (int k = 0; k < n_mods; k++)
            add_str(w, "资质", "has", with_mod(w, w->prev_qual, mods[k]), a, b);
    }
}

/* ---- places ---- */

static void region_conditions(struct work *w) {
    const char *s = w->s;
    /* 在X(内)(登记)注册(并依法纳税) */
    for (size_t z = xfind(s, w->a, w->b, "注册"); z < w->b; z = xfind(s, z + 1, w->b, "注册")) {
        size_t lo = z > w->a + 60 ? z - 60 : w->a;
        while (lo > w->a && ((unsigned char)s[lo] & 0xC0) == 0x80)
            lo++;
        size_t zai = xrfind(s, lo, z, "在");
        if (zai >= z) continue;
        size_t rn = region_name_at(s, zai + 3, z);
        if (!rn) continue;
        const char *place = xdup(w->ar, s, zai + 3, zai + 3 + rn);
        size_t te = z + strlen("注册");
        add_str(w, "注册地", "=", place, zai, te);
        size_t ns = xfind(s, te, w->b < te + 30 ? w->b : te + 30, "纳税");
        if (ns < w->b && ns < te + 30) add_str(w, "纳税地", "=", place, te, ns + strlen("纳税"));
        return;
    }
    static const char *const at[] = {"注册地在", "注册地址在", "注册地位于", "注册地为", "注册在"};
    for (size_t t = 0; t < sizeof at / sizeof *at; t++) {
        size_t p = xfind(s, w->a, w->b, at[t]);
        if (p >= w->b) continue;
        size_t x = p + strlen(at[t]);
        size_t rn = region_name_at(s, x, w->b);
        if (!rn) continue;
        add_str(w, "注册地", "=", xdup(w->ar, s, x, x + rn), p, x + rn);
        return;
    }
    size_t zc = xfind(s, w->a, w->b, "注册地");
    if (zc < w->b) { /* 注册地和税收户管地均在崂山区 */
        size_t lim = zc + 60 < w->b ? zc + 60 : w->b;
        size_t zai = xfind(s, zc, lim, "在");
        size_t rn = zai < lim ? region_name_at(s, zai + 3, w->b) : 0;
        if (rn) {
            const char *place = xdup(w->ar, s, zai + 3, zai + 3 + rn);
            add_str(w, "注册地", "=", place, zc, zai + 3 + rn);
            if (has_word(w, zc, zai, "税")) add_str(w, "纳税地", "=", place, zc, zai + 3 + rn);
            return;
        }
    }
    if (w->subj_b > w->subj_a) {
        size_t rn = region_name_at(s, w->subj_a, w->subj_b);
        if (rn && !xstarts(s, w->subj_a + rn, w->b, "外")) {
            add_str(w, "注册地", "=", xdup(w->ar, s, w->subj_a, w->subj_a + rn), w->subj_a,
                    w->subj_a + rn);
            return;
        }
    }
    size_t d = xfind(s, w->a, w->subj_a, "对");
    if (d < w->subj_a && d + 3 <= w->subj_a) {
        size_t rn = region_name_at(s, d + 3, w->b);
        if (rn) {
            add_str(w, "注册地", "=", xdup(w->ar, s, d + 3, d + 3 + rn), d + 3, d + 3 + rn);
            return;
        }
    }
    if (w->region)
        add_str(w, "注册地", "=", w->region, 0, 0), w->cond[w->n_cond - 1].text = w->region_text;
}

/* ---- thresholds ---- */

static bool is_noun_stop(int32_t cp) {
    static const int32_t stops[] = {0x7684, 0x3001, ',',    0x4E14, 0x5E76, 0x548C, 0x6216,
                                    0x5BF9, 0x4E8E, 0x4E3A, 0x53CA, 0x4E0E, '(',    ')',
                                    0x201C, 0x201D, ':',    0x3002, ';',    0x7B26};
    for (size_t k = 0; k < sizeof stops / sizeof *stops; k++)
        if (cp == stops[k]) return true;
    return !xhan(cp);
}

static const char *field_for(struct work *w, size_t na, size_t nb, enum unit unit) {
    const char *s = w->s;
    size_t rn = lex_at(LK_REGION, s, na, nb) ? lex_at(LK_REGION, s, na, nb)->len : 0;
    na += rn;
    na = skip_word(s, na, nb, "企业");
    static const char *const verbs[] = {"拥有", "具有", "持有", "获得"};
    for (size_t t = 0; t < sizeof verbs / sizeof *verbs; t++)
        na = skip_word(s, na, nb, verbs[t]);
    if (xends(s, na, nb, "首次")) nb -= strlen("首次");
    static const char *const tails[] = {"在", "为", "均", "需", "须", "应"};
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++)
        if (xends(s, na, nb, tails[t]) && nb - na > strlen(tails[t])) nb -= strlen(tails[t]);
    size_t zhan = xfind(s, na, nb, "占");
    if (zhan < nb && (xends(s, na, nb, "比例") || xends(s, na, nb, "比重"))) {
        for (size_t i = na; i < nb; i++) { /* the whole phrase may be in the lexicon */
            const struct lex_entry *e = lex_at(LK_FIELD, s, i, nb);
            if (e && i == na && e->len == nb - na) return e->value;
        }
        const char *x = field_for(w, na, zhan, UNIT_NONE);
        if (!x) return NULL;
        size_t n = strlen(x) + strlen("占比") + 1;
        char *v = arena_alloc(w->ar, n);
        if (!v) return NULL;
        snprintf(v, n, "%s占比", x);
        if (strcmp(v, "研发投入占比") == 0 || strcmp(v, "研发费用占比") == 0) return "研发投入占比";
        return v;
    }
    if (xends(s, na, nb, "累计") && xchars(s, na, nb) > 2) nb -= strlen("累计");
    if (nb <= na) return NULL;
    if (xends(s, na, nb, "增长")) {
        size_t n = (nb - na - 6) + strlen("增长率");
        char *v = arena_alloc(w->ar, n + 1);
        if (!v) return NULL;
        memcpy(v, s + na, nb - na - 6);
        memcpy(v + nb - na - 6, "增长率", strlen("增长率") + 1);
        return v;
    }
    /* a dictionary field covering at least half the noun (time words aside) */
    size_t ta = na;
    static const char *const times[] = {"年度内", "年度", "当年", "上年度", "上年", "年"};
    for (size_t t = 0; t < sizeof times / sizeof *times; t++)
        if (xstarts(s, ta, nb, times[t])) {
            ta += strlen(times[t]);
            break;
        }
    for (size_t i = ta; i < nb; i++) {
        const struct lex_entry *e = lex_at(LK_FIELD, s, i, nb);
        if (e && xchars(e->phrase, 0, e->len) * 2 >= xchars(s, ta, nb)) return e->value;
        /* "申请认定时须注册成立": what comes before the field is a clause, not a modifier */
        if (e && i + e->len == nb &&
            (has_word(w, ta, i, "时") || has_word(w, ta, i, "须") || has_word(w, ta, i, "需") ||
             has_word(w, ta, i, "应") || has_word(w, ta, i, "前") || has_word(w, ta, i, "后")))
            return e->value;
    }
    const char *noun = xdup(w->ar, s, na, nb);
    const char *suffix = unit == UNIT_YEAR || unit == UNIT_MONTH ? "年限"
                         : unit == UNIT_DAY                      ? "天数"
                         : unit == UNIT_PERSON                   ? "人数"
                                                                 : "";
    if (!*suffix || !noun) return noun;
    size_t n = strlen(noun) + strlen(suffix) + 1;
    char *v = arena_alloc(w->ar, n);
    if (v) snprintf(v, n, "%s%s", noun, suffix);
    return v;
}

static struct ratio in_years(const struct qty *q, struct ratio v) {
    struct ratio r = v;
    if (q->unit == UNIT_MONTH) ratio_div(v, (struct ratio){12, 1}, &r);
    return ratio_reduce(r);
}

static void add_num(struct work *w, const char *field, const char *op, const struct qty *q,
                    struct ratio v, size_t ta, size_t tb) {
    struct extract_condition *c = add_cond(w, field, op, ta, tb);
    if (!c) return;
    c->type = EV_NUM;
    c->num = in_years(q, v);
    c->unit = q->unit == UNIT_MONTH ? UNIT_YEAR : q->unit;
}

static void numeric_conditions(struct work *w, size_t lim) {
    const char *s = w->s;
    for (int k = 0; k < w->n_q; k++) {
        struct qty *q = &w->q[k];
        if (q->role != QR_COND || q->a >= lim) continue;
        struct seg sg = w->segs[q->seg];
        if (q->is_date) {
            size_t e = q->b;
            const char *op = NULL;
            if (xstarts(s, e, w->b, "后") || xstarts(s, e, w->b, "以后") ||
                xstarts(s, e, w->b, "之后"))
                op = ">";
            else if (xstarts(s, e, w->b, "前") || xstarts(s, e, w->b, "以前") ||
                     xstarts(s, e, w->b, "之前"))
                op = "<";
            if (!op || !(has_word(w, e, sg.b, "成立") || has_word(w, sg.a, q->a, "成立") ||
                         has_word(w, sg.a, q->a, "注册")))
                continue;
            struct extract_condition *c = add_cond(w, "成立日期", op, q->a, sg.b);
            if (!c) continue;
            char buf[16];
            c->type = EV_DATE;
            c->str = arena_strdup(w->ar, date_format((int32_t)q->v.num, buf, sizeof buf));
            continue;
        }
        /* a tier list: the lowest tier is the condition */
        struct ratio v = q->v;
        int last = k;
        while (last + 1 < w->n_q && w->q[last + 1].role == QR_COND &&
               w->q[last + 1].seg == q->seg && w->q[last + 1].unit == q->unit &&
               xstarts(s, w->q[last].b, w->b, "、") &&
               w->q[last + 1].a == w->q[last].b + strlen("、")) {
            last++;
            if (ratio_cmp(w->q[last].v, v) < 0) v = w->q[last].v;
        }
        size_t end = w->q[last].b;
        /* the comparator before, then the noun before it */
        size_t p = q->a;
        const char *op = NULL;
        size_t op_at = q->a;
        for (int c = 0; c < 4 && p > sg.a; c++) { /* the longest: 不低于 over 低于 */
            size_t t = xprev(s, p);
            const struct lex_entry *e = lex_at(LK_CMP_PRE, s, t, q->a);
            if (e && t + e->len == q->a) {
                op = e->value;
                op_at = t;
            }
            p = t;
        }
        p = op_at;
        size_t na = p;
        size_t adv;
        for (int c = 0; c < 30 && na > sg.a; c++) {
            size_t t = xprev(s, na);
            int32_t cp = xcp(s, w->b, t, &adv);
            /* "研发人员占职工总数的比例": the ratio's whole name */
            bool ratio_de = cp == 0x7684 && (xends(s, na, p, "比例") || xends(s, na, p, "比重")) &&
                            xchars(s, na, p) <= 2;
            bool in_ratio = has_word(w, na, p, "占") && (cp == '(' || cp == ')');
            if ((is_noun_stop(cp) && !ratio_de && !in_ratio) ||
                (c >= 14 && !has_word(w, na, p, "占")))
                break;
            na = t;
        }
        size_t post_at = q->has_hi ? end : end;
        const struct lex_entry *post = lex_at(LK_CMP_POST, s, post_at, w->b);
        if (xfind(s, na, p, "起") < p) continue; /* 从认定之年起3年内: a period, not a threshold */
        const char *field = field_for(w, na, p, q->unit);
        if (!field) continue;
        size_t tb = post ? post_at + post->len : end;
        if (q->has_hi && last == k) {
            add_num(w, field, q->lo_incl || !op ? ">=" : op, q, q->v, na, q->hi_at);
            add_num(w, field, q->hi_incl ? "<=" : "<", q, q->hi, q->hi_at, tb);
        } else if (post && op && lex_is(post, "(含)") && (!strcmp(op, "<") || !strcmp(op, ">"))) {
            add_num(w, field, op[0] == '<' ? "<=" : ">=", q, v, na, tb); /* 小于5000万元(含) */
        } else if (post && (!op || strcmp(post->value, op) == 0 || !lex_is(post, "(含)"))) {
            add_num(w, field, post->value, q, v, na, tb);
        } else if (op) {
            add_num(w, field, op, q, v, na, tb);
        }
        if (last > k && w->n_cond > 0) { /* keep the tiers for the award (分档) */
            struct extract_condition *c = &w->cond[w->n_cond - 1];
            c->tiers = arena_alloc(w->ar, (size_t)(last - k + 1) * sizeof *c->tiers);
            if (c->tiers) {
                for (int j = k; j <= last; j++)
                    c->tiers[j - k] = in_years(&w->q[j], w->q[j].v);
                c->n_tiers = last - k + 1;
            }
        }
        k = last;
    }
}

static void repeat_conditions(struct work *w) {
    const char *s = w->s;
    size_t p = xfind(s, w->a, w->b, "不再重复享受");
    if (p >= w->b) p = xfind(s, w->a, w->b, "不重复享受");
    if (p >= w->b) return;
    size_t y = xfind(s, w->a, p, "已");
    if (y >= p) return;
    size_t de = xrfind(s, y, p, "的");
    size_t e = de < p ? de : p;
    size_t n = strlen("未") + (e - y - 3);
    char *v = arena_alloc(w->ar, n + 1);
    if (!v) return;
    memcpy(v, "未", 3);
    memcpy(v + 3, s + y + 3, e - y - 3);
    v[n] = 0;
    struct extract_condition *c = add_cond(w, "其他", "=", y, p + strlen("不再重复享受"));
    if (c) {
        c->type = EV_STR;
        c->str = v;
    }
}

void work_conditions(struct work *w) {
    w->n_cond = 0;
    find_subject(w);
    size_t lim = w->b;
    for (int k = 0; k < w->n_segs; k++)
        if (w->seg_benefit[k]) {
            lim = w->segs[k].a;
            break;
        }
    if (w->subj_b > lim) lim = w->subj_b;
    w->cond_end = lim;
    region_conditions(w);
    numeric_conditions(w, lim > w->subj_b ? lim : w->subj_b);
    if (w->subj_a > w->a) industry_list(w, w->a, w->subj_a);
    bool generic = xchars(w->s, w->subj_a, w->subj_b) <= 4 &&
                   !lex_has(LK_QUALKW, w->s, w->subj_a, w->subj_b) &&
                   !lex_has(LK_MODIFIER, w->s, w->subj_a, w->subj_b);
    if (w->subj_b > w->subj_a && !w->subject_is_beneficiary && !generic &&
        !has_word(w, w->subj_a, w->b, "不再重复享受"))
        analyze_np(w, w->subj_a, w->subj_b);
    /* the other condition segments before the benefit (or all, when there is none) */
    for (int k = 0; k < w->n_segs; k++) {
        struct seg sg = w->segs[k];
        if (sg.a >= lim) break;
        size_t a = sg.a, b = sg.b;
        if (w->seg_benefit[k] || (b <= w->subj_b && a >= w->subj_a)) continue;
        if (a < w->subj_b && b > w->subj_a) { /* the subject's segment: what follows it */
            if (w->subj_b >= b) continue;
            a = w->subj_b;
        }
        if ((a == sg.a && lex_at(LK_PREAMBLE, w->s, a, b)) || lex_at(LK_STOP, w->s, a, b)) continue;
        if (xstarts(w->s, b, w->b, ":")) continue; /* a title: "注册直接补助:" */
        size_t t0 = a + region_name_at(w->s, a, b);
        if (xstarts(w->s, t0, b, "建立") || xstarts(w->s, a, b, "在申报") ||
            has_word(w, a, b, "优先"))
            continue; /* what the government does, or the non-monetary benefit */
        if (w->subject_is_beneficiary && xstarts(w->s, a, b, "经")) continue;
        if (has_word(w, a, b, "不再重复享受")) continue;
        if (xstarts(w->s, a, b, "需") || xstarts(w->s, a, b, "应")) a += 3;
        analyze_np(w, a, b);
    }
    repeat_conditions(w);
}
