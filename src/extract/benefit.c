/* Owns the grammar of amounts in a clause: segments (at commas outside brackets), quantities
 * (money, %, 1:X, durations, dates, ranges), whether each is a condition's threshold or a benefit,
 * and benefits (amount, range, cap, minimum, rate on a basis, kind, per). Conditions and subjects
 * are condition.c's. */
#include <stdlib.h>
#include <string.h>

#include "extract/extract_int.h"
#include "util/date.h"

char *xdup(struct arena *ar, const char *s, size_t a, size_t b) {
    return arena_strndup(ar, s + a, b > a ? b - a : 0);
}

static bool is_open(int32_t cp) {
    return cp == '(' || cp == 0x201C || cp == 0x300A || cp == '[' || cp == 0x3014;
}

static bool is_close(int32_t cp) {
    return cp == ')' || cp == 0x201D || cp == 0x300B || cp == ']' || cp == 0x3015;
}

static bool is_digit(int32_t cp) {
    return cp >= '0' && cp <= '9';
}

void work_segments(struct work *w) {
    const char *s = w->s;
    size_t adv, start = w->a;
    int depth = 0;
    w->n_segs = 0;
    for (size_t i = w->a; i < w->b; i += adv) {
        int32_t cp = xcp(s, w->b, i, &adv);
        if (is_open(cp)) depth++;
        if (is_close(cp) && depth > 0) depth--;
        bool cut = depth == 0 &&
                   (cp == ',' || cp == ';' || cp == 0x3002 || cp == '!' || cp == '?' || cp == ':');
        if (cp == ',' && xthousands(s, i, w->b)) cut = false; /* 5,000万元 */
        if (cp == ':' && i > w->a) {                          /* 1:0.5 is a ratio, not a title */
            size_t a2;
            int32_t before = xcp(s, w->b, xprev(s, i), &a2);
            int32_t after = xcp(s, w->b, i + adv, &a2);
            if (is_digit(before) && is_digit(after)) cut = false;
        }
        if (!cut) continue;
        if (i > start && w->n_segs < MAX_SEGS) w->segs[w->n_segs++] = (struct seg){start, i};
        start = i + adv;
    }
    if (w->b > start && w->n_segs < MAX_SEGS) w->segs[w->n_segs++] = (struct seg){start, w->b};
}

static int seg_of(const struct work *w, size_t pos) {
    for (int k = 0; k < w->n_segs; k++)
        if (pos >= w->segs[k].a && pos < w->segs[k].b) return k;
    return w->n_segs ? w->n_segs - 1 : 0;
}

static bool is_cn_num(int32_t cp) {
    static const int32_t d[] = {0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03,
                                0x516B, 0x4E5D, 0x5341, 0x4E24, 0x767E, 0x96F6};
    for (size_t i = 0; i < sizeof d / sizeof *d; i++)
        if (cp == d[i]) return true;
    return false;
}

/* "2014年1月1日" at s[i]: days since 1970 and the bytes consumed. */
static size_t parse_date_at(const char *s, size_t i, size_t end, int32_t *days) {
    size_t j = i;
    int part[3] = {0, 0, 0};
    static const char *const sep[3] = {"年", "月", "日"};
    for (int k = 0; k < 3; k++) {
        size_t d0 = j;
        while (j < end && s[j] >= '0' && s[j] <= '9' && j - d0 < 4)
            part[k] = part[k] * 10 + (s[j++] - '0');
        if (j == d0 || !xstarts(s, j, end, sep[k])) return 0;
        j += strlen(sep[k]);
    }
    if (part[0] < 1900 || !date_is_valid_ymd(part[0], part[1], part[2])) return 0;
    *days = date_from_ymd(part[0], part[1], part[2]);
    return j - i;
}

/* The value of the digits alone at s[i] (without 万/亿), for scaling "1000-4000万元". */
static bool bare_number(const char *s, size_t i, size_t end, struct ratio *out) {
    size_t j = i;
    while (j < end && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.'))
        j++;
    return j > i && text_parse_number(s + i, j - i, out) == j - i;
}

static size_t skip_incl(const char *s, size_t i, size_t end, bool *incl) {
    if (xstarts(s, i, end, "(含)")) {
        *incl = true;
        return i + strlen("(含)");
    }
    return i;
}

/* A range's second half after A: "-20万元", "至500万元", "到1200元". */
static void parse_range(const struct work *w, struct qty *q, size_t *j) {
    const char *s = w->s;
    size_t adv, i = skip_incl(s, *j, w->b, &q->lo_incl);
    int32_t cp = xcp(s, w->b, i, &adv);
    if (!(cp == '-' || cp == '~' || cp == 0x2014 || cp == 0x2013 || cp == 0x81F3 || cp == 0x5230 ||
          cp == 0xFF5E))
        return;
    size_t k = i + adv;
    struct quantity b;
    size_t n = text_parse_quantity(s + k, w->b - k, &b);
    if (!n || b.unit == UNIT_NONE) return;
    if (q->unit == UNIT_NONE) {
        struct ratio bare, mult;
        if (!bare_number(s, k, w->b, &bare) || !ratio_div(b.value, bare, &mult) ||
            !ratio_mul(q->v, mult, &q->v))
            return;
        q->unit = b.unit;
    } else if (q->unit != b.unit) {
        return;
    }
    q->has_hi = true;
    q->hi = b.value;
    q->hi_at = k;
    *j = skip_incl(s, k + n, w->b, &q->hi_incl);
    if (!q->hi_incl) *j = k + n;
}

static bool scan_one(struct work *w, size_t i, size_t *next) {
    const char *s = w->s;
    size_t adv;
    int32_t cp = xcp(s, w->b, i, &adv);
    int32_t before = i > w->a ? xcp(s, w->b, xprev(s, i), &adv) : -1;
    struct qty q = {0};
    q.a = i;
    if (is_digit(cp)) {
        if (is_digit(before) || before == '.' || (before >= 'A' && before <= 'z')) return false;
        int32_t days;
        size_t dn = parse_date_at(s, i, w->b, &days);
        if (dn) {
            q.is_date = true;
            q.v = (struct ratio){days, 1};
            q.b = i + dn;
            goto done;
        }
        size_t j = i;
        while (j < w->b && is_digit(s[j]))
            j++;
        if (j < w->b && s[j] == ':' && j + 1 < w->b && is_digit(s[j + 1])) {
            struct ratio x, y;
            size_t n1 = text_parse_number(s + i, j - i, &x);
            size_t n2 = text_parse_number(s + j + 1, w->b - j - 1, &y);
            if (n1 && n2 && x.num != 0 && ratio_div(y, x, &q.v)) {
                q.is_colon = true;
                q.unit = UNIT_PERCENT;
                q.b = j + 1 + n2;
                goto done;
            }
        }
    } else if (is_cn_num(cp) || xstarts(s, i, w->b, "百分之")) {
        if (is_cn_num(before) || before == 0x7B2C /* 第 */) return false;
    } else {
        return false;
    }
    struct quantity qq;
    size_t n = text_parse_quantity(s + i, w->b - i, &qq);
    if (!n) return false;
    q.v = qq.value;
    q.unit = qq.unit;
    q.b = i + n;
    if (!is_digit(cp)) { /* Chinese numerals only with a unit: 三年, 一年以上, 二十万元 */
        if (q.unit == UNIT_NONE || q.unit == UNIT_ITEM) return false;
        if (xstarts(s, q.b, w->b, "期")) return false; /* 一年期 LPR */
    }
    if (q.unit == UNIT_YEAR && q.v.den == 1 && q.v.num >= 1900) return false; /* 2017年 */
    if (q.unit == UNIT_ITEM || q.unit == UNIT_NONE || q.unit == UNIT_YUAN ||
        q.unit == UNIT_PERCENT) {
        size_t j = q.b;
        parse_range(w, &q, &j);
        q.b = j;
    }
    if (q.unit == UNIT_NONE && q.b > i && (xends(s, i, q.b, "万") || xends(s, i, q.b, "亿")))
        q.unit = UNIT_YUAN; /* "营业收入超过1亿", "投资500万以上" */
    if (q.unit == UNIT_ITEM && !lex_at(LK_CMP_POST, s, q.b, w->b)) return false;
    if (q.unit == UNIT_NONE) return false;
done:
    q.seg = seg_of(w, q.a);
    if (w->n_q < MAX_QTY) w->q[w->n_q++] = q;
    *next = q.b;
    return true;
}

void work_quantities(struct work *w) {
    size_t adv;
    w->n_q = 0;
    for (size_t i = w->a; i < w->b;) {
        size_t next;
        if (scan_one(w, i, &next) && next > i) {
            i = next;
            continue;
        }
        xcp(w->s, w->b, i, &adv);
        i += adv;
    }
}

/* True when an entry of kind lies in [a, b). */
static bool has_in(enum lex_kind kind, const struct work *w, size_t a, size_t b) {
    return a < b && lex_has(kind, w->s, a, b);
}

static bool has_word(const struct work *w, size_t a, size_t b, const char *word) {
    return a < b && xfind(w->s, a, b, word) < b;
}

/* A word of kind ending within max_chars before pos (after seg_a); its start or pos when none. */
static size_t word_before(enum lex_kind kind, const struct work *w, size_t seg_a, size_t pos,
                          int max_chars) {
    size_t i = pos;
    for (int k = 0; k <= max_chars && i > seg_a; k++) {
        i = xprev(w->s, i);
        const struct lex_entry *e = lex_at(kind, w->s, i, pos);
        if (e && i + e->len <= pos) {
            /* nothing but kind words between the word's end and pos ("最高奖励300万元") */
            size_t gap = i + e->len;
            if (gap == pos || xchars(w->s, gap, pos) <= 3) return i;
        }
    }
    return pos;
}

static bool strong_grant(const struct work *w, size_t a, size_t b) {
    return has_word(w, a, b, "给予") || has_word(w, a, b, "予以") || has_word(w, a, b, "获得") ||
           has_word(w, a, b, "拿到") || has_word(w, a, b, "奖励") || has_word(w, a, b, "补助") ||
           has_word(w, a, b, "补贴") || has_word(w, a, b, "奖补") || has_word(w, a, b, "资助");
}

static void classify(struct work *w) {
    const char *s = w->s;
    for (int k = 0; k < w->n_q; k++) {
        struct qty *q = &w->q[k];
        struct seg sg = w->segs[q->seg];
        size_t end = q->b;
        q->role = QR_NONE;
        if (q->is_date) {
            q->role = QR_COND;
            continue;
        }
        if (q->unit != UNIT_YUAN && q->unit != UNIT_PERCENT) {
            /* 近三年, 三年内未发生…: a period, not a threshold */
            bool period = q->unit == UNIT_YEAR &&
                          ((q->a > w->a && xends(s, w->a, q->a, "近")) ||
                           xstarts(s, q->b, w->b, "内未") || xstarts(s, q->b, w->b, "内无") ||
                           xstarts(s, q->b, w->b, "内没有") || xstarts(s, q->b, w->b, "内不"));
            q->role = period ? QR_NONE : QR_COND;
            continue;
        }
        bool grant_before = has_in(LK_GRANT, w, sg.a, q->a);
        const struct lex_entry *post = lex_at(LK_CMP_POST, s, end, w->b);
        bool cap_after = post && (lex_is(post, "以内") || lex_is(post, "以下")) &&
                         has_word(w, sg.a, q->a, "给予");
        if (post && !lex_is(post, "内") && !q->is_colon && !cap_after) {
            q->role = QR_COND;
            continue;
        }
        if (q->is_colon) {
            q->role = QR_BENEFIT;
            continue;
        }
        if (q->unit == UNIT_PERCENT) {
            bool by = has_word(w, sg.a, q->a, "按") || has_word(w, sg.a, q->a, "比照") ||
                      has_word(w, sg.a, q->a, "奖");
            size_t after = end;
            if (xstarts(s, after, w->b, "的比例")) after += strlen("的比例");
            bool then_grant = lex_at(LK_GRANT, s, after, w->b) != NULL ||
                              (xstarts(s, end, w->b, "的") && lex_at(LK_KIND, s, end + 3, w->b));
            /* "给予不超过项目总投资30%的补助": a grant before and no threshold wording */
            bool given = grant_before && word_before(LK_CMP_PRE, w, sg.a, q->a, 3) == q->a;
            q->role = by || then_grant || given ? QR_BENEFIT : QR_COND;
            continue;
        }
        /* money */
        size_t pre = word_before(LK_CMP_PRE, w, sg.a, q->a, 3);
        bool cap = word_before(LK_CAP, w, sg.a, q->a, 6) < q->a;
        bool cap_context = xstarts(s, sg.a, sg.b, "单个") || xstarts(s, sg.a, sg.b, "单户") ||
                           xstarts(s, sg.a, sg.b, "每家") || xstarts(s, sg.a, sg.b, "累计") ||
                           xstarts(s, sg.a, sg.b, "最高") || xstarts(s, sg.a, sg.b, "合计");
        if (pre < q->a && !grant_before && (!cap || !cap_context)) {
            q->role = QR_COND;
            continue;
        }
        if (k > 0 && w->q[k - 1].role == QR_COND && w->q[k - 1].seg == q->seg && !grant_before &&
            !cap) {
            q->role = QR_COND; /* the rest of a tier list: 超过1000亿元、500亿元 */
            continue;
        }
        if (q->has_hi && xstarts(s, end, w->b, "的") && !grant_before) {
            q->role = QR_COND;
            continue;
        }
        if (grant_before || cap || has_in(LK_GRANT, w, sg.a, sg.b) ||
            has_in(LK_KIND, w, end, sg.b) || strong_grant(w, w->a, w->b))
            q->role = QR_BENEFIT;
        else
            q->role = QR_COND;
    }
    for (int k = 0; k < w->n_segs; k++)
        w->seg_benefit[k] = false;
    for (int k = 0; k < w->n_q; k++)
        if (w->q[k].role == QR_BENEFIT) w->seg_benefit[w->q[k].seg] = true;
}

static const char *kind_for(const struct work *w, const struct qty *q) {
    struct seg sg = w->segs[q->seg];
    const struct lex_entry *e;
    size_t at = lex_find(LK_KIND, w->s, q->b, sg.b, &e);
    if (at < sg.b) return e->value;
    /* the nearest kind word before, in the segment */
    const char *best = NULL;
    for (size_t i = sg.a; i < q->a;) {
        size_t p = lex_find(LK_KIND, w->s, i, q->a, &e);
        if (p >= q->a) break;
        best = e->value;
        i = p + e->len;
    }
    if (best) return best;
    at = lex_find(LK_KIND, w->s, q->b, w->b, &e);
    if (at < w->b) return e->value;
    at = lex_find(LK_KIND, w->s, w->a, w->b, &e);
    return at < w->b ? e->value : "其他";
}

/* per from the benefit segments (and "3年内", "分三年", "连奖3年" anywhere in the clause). */
static const char *per_for(const struct work *w) {
    static const char *const order[] = {"每人每月", "每年", "一次性", "每家", "每项", "每人"};
    bool found[6] = {false};
    for (int k = 0; k < w->n_segs; k++) {
        if (!w->seg_benefit[k]) continue;
        for (size_t i = w->segs[k].a; i < w->segs[k].b;) {
            const struct lex_entry *e;
            size_t p = lex_find(LK_PER, w->s, i, w->segs[k].b, &e);
            if (p >= w->segs[k].b) break;
            bool past = p > w->segs[k].a && (xends(w->s, w->segs[k].a, p, "上") ||
                                             xends(w->s, w->segs[k].a, p, "上一"));
            for (int o = 0; o < 6 && !past; o++)
                if (strcmp(e->value, order[o]) == 0) found[o] = true;
            i = p + e->len;
        }
    }
    for (int k = 0; k < w->n_q; k++) { /* 3年内 … 分别, 分三年, 连奖3年 */
        const struct qty *q = &w->q[k];
        if (q->unit != UNIT_YEAR || q->is_date) continue;
        size_t p = xprev(w->s, q->a);
        if (xstarts(w->s, q->b, w->b, "内") || (q->a > w->a && xstarts(w->s, p, w->b, "分")))
            found[1] = true;
    }
    for (int o = 0; o < 6; o++)
        if (found[o]) return order[o];
    return NULL;
}

static bool to_fen(struct ratio yuan, int64_t *fen) {
    struct ratio f;
    return ratio_mul(yuan, (struct ratio){100, 1}, &f) && ratio_round(f, fen);
}

/* The basis of a rate: the noun after 按/按照/比照 (and 其) up to 的/给予/不超过 …. */
static const char *basis_for(struct work *w, const struct qty *q) {
    const char *s = w->s;
    size_t from = w->a;
    for (int k = q->seg; k >= 0; k--) {
        struct seg sg = w->segs[k];
        size_t lim = k == q->seg ? q->a : sg.b;
        size_t p = xrfind(s, sg.a, lim, "按");
        size_t p2 = xrfind(s, sg.a, lim, "比照");
        if (p2 < lim && (p >= lim || p2 > p)) p = p2;
        if (p < lim) {
            from = p + (xstarts(s, p, lim, "按照") || xstarts(s, p, lim, "比照") ? 6 : 3);
            size_t end = lim;
            static const char *const stops[] = {"不超过", "最高", "的",   "给予", "予以",
                                                "连奖",   "奖",   "分别", "(",    "一定"};
            for (size_t t = 0; t < sizeof stops / sizeof *stops; t++) {
                size_t x = xfind(s, from, end, stops[t]);
                if (x < end && x > from) end = x;
            }
            if (xstarts(s, from, end, "其")) from += 3;
            if (end <= from) { /* "对企业…的研发费用按照最高不超过10%" */
                size_t de = xrfind(s, sg.a, p, "的");
                if (de >= p) return NULL;
                from = de + 3;
                end = p;
            }
            return xdup(w->ar, s, from, end);
        }
    }
    return NULL;
}

static struct extract_benefit *new_benefit(struct work *w, const struct qty *q) {
    if (w->n_ben >= MAX_BEN) return NULL;
    struct extract_benefit *b = &w->ben[w->n_ben++];
    memset(b, 0, sizeof *b);
    b->kind = kind_for(w, q);
    return b;
}

void work_benefits(struct work *w) {
    classify(w);
    w->n_ben = 0;
    const char *s = w->s;
    bool later_year_parts = false; /* 分三年共给予60万元, 第一年给予30万元 … */
    for (int k = 0; k < w->n_q; k++)
        if (w->q[k].role == QR_BENEFIT && w->q[k].a >= w->a + 6 &&
            xstarts(s, w->segs[w->q[k].seg].a, w->b, "第"))
            later_year_parts = true;
    struct extract_benefit *rate_ben = NULL; /* the last rate benefit still open for a cap */
    for (int k = 0; k < w->n_q; k++) {
        struct qty *q = &w->q[k];
        if (q->role != QR_BENEFIT) continue;
        struct seg sg = w->segs[q->seg];
        if (q->unit == UNIT_PERCENT) {
            struct extract_benefit *b = new_benefit(w, q);
            if (!b) break;
            b->has_rate = true;
            b->rate = ratio_reduce(q->v);
            b->basis = basis_for(w, q);
            rate_ben = b;
            continue;
        }
        const struct lex_entry *post = lex_at(LK_CMP_POST, s, q->b, w->b);
        bool is_cap = word_before(LK_CAP, w, sg.a, q->a, 6) < q->a ||
                      (post && (lex_is(post, "以内") || lex_is(post, "以下")));
        bool is_floor = word_before(LK_FLOOR, w, sg.a, q->a, 3) < q->a;
        size_t lo3 = q->a;
        for (int c = 0; c < 3 && lo3 > sg.a; c++)
            lo3 = xprev(s, lo3);
        if (later_year_parts && xfind(s, lo3, q->a, "共") < q->a) continue;
        if (!q->has_hi && is_cap && rate_ben && !rate_ben->has_cap) {
            to_fen(q->v, &rate_ben->cap_fen);
            rate_ben->has_cap = true;
            continue;
        }
        if (!q->has_hi && rate_ben && !rate_ben->has_min && has_word(w, sg.a, q->a, "即")) {
            to_fen(q->v, &rate_ben->min_fen);
            rate_ben->max_fen = rate_ben->min_fen;
            rate_ben->has_min = rate_ben->has_max = true;
            continue;
        }
        struct extract_benefit *b = new_benefit(w, q);
        if (!b) break;
        if (q->has_hi) {
            b->has_min = to_fen(q->v, &b->min_fen);
            b->has_max = to_fen(q->hi, &b->max_fen);
        } else if (is_cap) {
            b->has_cap = to_fen(q->v, &b->cap_fen);
        } else if (is_floor) {
            b->has_min = to_fen(q->v, &b->min_fen);
        } else {
            b->has_min = b->has_max = to_fen(q->v, &b->min_fen);
            b->max_fen = b->min_fen;
        }
        if (has_word(w, w->a, w->b, "上述比例") && w->has_prev_rate && is_cap) {
            b->has_rate = true;
            b->rate = w->prev_rate;
            b->basis = w->prev_basis;
        }
        rate_ben = NULL;
    }
    if (!w->n_ben) { /* a benefit with no amount still has a kind: "给予一定比例奖补" */
        const struct lex_entry *e = NULL;
        size_t g = xfind(s, w->a, w->b, "给予");
        if (g >= w->b) g = xfind(s, w->a, w->b, "予以");
        size_t lim = g + 30 < w->b ? g + 30 : w->b;
        size_t at = g < w->b ? lex_find(LK_KIND, s, g + 6, lim, &e) : w->b;
        if (at < lim && e) {
            struct extract_benefit *b = &w->ben[w->n_ben++];
            memset(b, 0, sizeof *b);
            b->kind = e->value;
            struct qty fake = {0};
            fake.a = at;
            fake.seg = seg_of(w, at);
            size_t p = xfind(s, w->a, w->b, "按");
            if (p < w->b) {
                fake.a = at;
                b->basis = basis_for(w, &fake);
            }
        }
    }
    const char *per = per_for(w);
    for (int k = 0; k < w->n_ben; k++)
        w->ben[k].per = per;
}
