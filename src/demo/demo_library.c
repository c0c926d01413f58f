/* Owns the demo's policy document library (政策文件库): every demo policy as a library document
 * linked to it (文号, 发文机关, level, region, a theme read from its title and clauses, issue and
 * effective dates and validity from its own dates, its text kept as the original .txt file), a
 * few series with earlier versions (失效 or 废止, replaced by the current one, the note saying
 * which award changed), and 政策解读 and 申报通知 written from the policy's own clauses (who
 * qualifies, amounts, deadlines, 免申即享), linked to it. Writes through src/library's API only,
 * each document in library_put's own transaction; owns no table, computes no hash (the library
 * does) and feeds no search index (the server reads the library's current versions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "demo/demo.h"
#include "demo/rng.h"
#include "library/library.h"
#include "refdata/refdata.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/num.h"
#include "util/strmap.h"

#define LIBRARY_SALT 0x6C696272ULL /* "libr": a random stream apart from the city's */
#define LIBRARY_SERIES 3           /* policies with earlier versions */
#define LIBRARY_INTERPRETATIONS 6  /* policies with a 政策解读 */
#define LIBRARY_NOTICES 3          /* policies with a 申报通知 */
#define WAN 1000000                /* fen in 1万元 */
#define MIME_TXT "text/plain; charset=utf-8"

/* One policy with what its documents are written from. */
struct lib_policy {
    const struct policy *p;
    const struct clause **cs; /* its clauses, in seq order (pointers into the clause list) */
    int n_cs;
    const char *theme;
    const char *series;
    char authority[160];
    char doc_no[96];
    int32_t effective, expires; /* expires: STORE_NO_DATE when open-ended */
    int64_t doc_id;             /* its current document */
};

struct lib {
    struct store *s;
    uint64_t seed;
    int32_t today;
    struct arena a;
    struct policy *ps;
    struct clause *cs;
    int n_ps, n_cs;
    struct lib_policy *lp;
    const struct clause **refs; /* the policies' clause lists, end to end */
    struct strmap doc_nos;      /* 文号 used so far: each document has its own */
    struct demo_library_stats *st;
};

/* ---- facts read from the policy ---- */

static const struct {
    const char *word, *theme;
} theme_words[] = {
    /* in order of precedence: 科技型中小企业 is 科技创新, 专精特新中小企业 is 产业 */
    {"上市", "金融"},         {"金融", "金融"},         {"融资", "金融"},
    {"贷款", "金融"},         {"贴息", "金融"},         {"稳岗", "稳岗就业"},
    {"就业", "稳岗就业"},     {"人才", "人才"},         {"外贸", "外贸"},
    {"进出口", "外贸"},       {"跨境", "外贸"},         {"软件", "数字经济"},
    {"信息技术", "数字经济"}, {"数字", "数字经济"},     {"海洋", "海洋经济"},
    {"商贸", "商贸流通"},     {"流通", "商贸流通"},     {"专精特新", "产业"},
    {"民营", "中小企业"},     {"高新技术", "科技创新"}, {"高企", "科技创新"},
    {"科技", "科技创新"},     {"研发", "科技创新"},     {"创新", "科技创新"},
    {"瞪羚", "科技创新"},     {"中小企业", "中小企业"}, {"技术改造", "产业"},
    {"技改", "产业"},         {"装备", "产业"},         {"工业", "产业"},
    {"升规", "产业"},         {"制造", "产业"},
};
#define N_THEME_WORDS ((int)(sizeof theme_words / sizeof *theme_words))

static int theme_of_text(const char *s) {
    for (int k = 0; s && k < N_THEME_WORDS; k++)
        if (strstr(s, theme_words[k].word)) return k;
    return -1;
}

/* The title's theme; a title that names none (the template policies) takes the one most of its
 * clause titles name, 产业 when they name none either. */
static const char *theme_of(const struct lib_policy *lp) {
    int k = theme_of_text(lp->p->title);
    if (k >= 0) return theme_words[k].theme;
    int votes[N_THEME_WORDS] = {0}, best = -1;
    for (int i = 0; i < lp->n_cs; i++) {
        int c = theme_of_text(lp->cs[i]->title);
        if (c < 0) continue;
        for (int j = 0; j < N_THEME_WORDS; j++) /* count by theme, not by word */
            votes[j] += strcmp(theme_words[j].theme, theme_words[c].theme) == 0;
        if (best < 0 || votes[c] > votes[best]) best = c;
    }
    return best >= 0 ? theme_words[best].theme : "产业";
}

static bool starts_with(const char *s, const char *prefix) {
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Effective from the first day a clause is valid, not before the policy was issued; expires with
 * the policy's own end date, else with its last clause. */
static void dates_of(struct lib_policy *lp) {
    int32_t from = STORE_NO_DATE, to = lp->p->deadline;
    for (int i = 0; i < lp->n_cs; i++) {
        const struct clause *c = lp->cs[i];
        if (c->valid_from != STORE_NO_DATE && (from == STORE_NO_DATE || c->valid_from < from))
            from = c->valid_from;
        if (lp->p->deadline == STORE_NO_DATE && c->valid_to != STORE_NO_DATE &&
            (to == STORE_NO_DATE || c->valid_to > to))
            to = c->valid_to;
    }
    int32_t issued = lp->p->published;
    lp->effective =
        from == STORE_NO_DATE || (issued != STORE_NO_DATE && from < issued) ? issued : from;
    lp->expires = to;
}

static const char *validity_of(const struct lib *l, const struct lib_policy *lp) {
    return lp->expires != STORE_NO_DATE && lp->expires < l->today ? "失效" : "有效";
}

static const char *zh_date(int32_t day, char *out, size_t n) {
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    snprintf(out, n, "%d年%d月%d日", y, m, d);
    return out;
}

/* Amounts as a policy writes them: whole 万元, else the exact 元. */
static const char *wan(int64_t fen, char *out, size_t n) {
    if (fen % WAN == 0) {
        snprintf(out, n, "%lld万元", (long long)(fen / WAN));
        return out;
    }
    return money_format(fen, out, n);
}

static const char *zh_number(int k, char *out, size_t n) {
    static const char *const digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (k < 1 || k > 99)
        snprintf(out, n, "%d", k);
    else if (k < 10)
        snprintf(out, n, "%s", digits[k]);
    else
        snprintf(out, n, "%s十%s", k >= 20 ? digits[k / 10] : "", digits[k % 10]);
    return out;
}

/* ---- 文号 ---- */

static bool doc_no_take(struct lib *l, const char *doc_no) {
    int64_t v;
    if (!*doc_no || strmap_get(&l->doc_nos, doc_no, strlen(doc_no), &v)) return false;
    strmap_put(&l->doc_nos, doc_no, strlen(doc_no), 1);
    return true;
}

/* A 文号 "青科规〔2025〕3号" split into its issuer's prefix and year; false when not that shape. */
static bool doc_no_split(const char *doc_no, char *prefix, size_t n, int *year) {
    const char *open = strstr(doc_no, "〔");
    if (!open || open == doc_no) return false;
    *year = atoi(open + strlen("〔"));
    snprintf(prefix, n, "%.*s", (int)(open - doc_no), doc_no);
    return *year >= 1000 && *year <= 9999;
}

/* A 文号 of prefix's issuer in year no other document has: numbers drawn from r. */
static void doc_no_new(struct lib *l, struct rng *r, const char *prefix, int year, char *out,
                       size_t n) {
    for (int tries = 0;; tries++) {
        snprintf(out, n, "%s〔%d〕%lld号", prefix, year,
                 (long long)(tries < 50 ? between(r, 1, 40) : 40 + tries));
        if (doc_no_take(l, out)) return;
    }
}

/* The policy's own 文号, or one in its issuer's style when it has none or another document holds
 * it. */
static void doc_no_of(struct lib *l, struct lib_policy *lp) {
    const char *own = lp->p->doc_no ? lp->p->doc_no : "";
    snprintf(lp->doc_no, sizeof lp->doc_no, "%s", own);
    if (doc_no_take(l, lp->doc_no)) return;
    char prefix[64];
    int year;
    if (!doc_no_split(own, prefix, sizeof prefix, &year)) {
        int y, m, d;
        date_to_ymd(lp->p->published != STORE_NO_DATE ? lp->p->published : l->today, &y, &m, &d);
        snprintf(prefix, sizeof prefix, "%s", "青政字");
        year = y;
    }
    struct rng r = rng_for(l->seed ^ LIBRARY_SALT, lp->p->id);
    doc_no_new(l, &r, prefix, year, lp->doc_no, sizeof lp->doc_no);
}

/* ---- texts ---- */

/* The policy's text: as published when the store has it, else its title, 文号 and clauses. */
static void policy_text(const struct lib_policy *lp, struct buf *b) {
    if (lp->p->source && *lp->p->source) {
        buf_puts(b, lp->p->source);
    } else {
        buf_printf(b, "%s\n%s\n", lp->p->title, lp->doc_no);
        for (int i = 0; i < lp->n_cs; i++) {
            char no[16];
            buf_printf(b, "%s、%s\n", zh_number(i + 1, no, sizeof no),
                       lp->cs[i]->text ? lp->cs[i]->text : "");
        }
    }
}

/* The closing lines of a document: who issued it and when. */
static void sign_off(struct buf *b, const char *authority, int32_t day) {
    char d[32];
    if (b->len && b->data[b->len - 1] != '\n') buf_putc(b, '\n');
    buf_printf(b, "\n%s\n%s\n", authority, day != STORE_NO_DATE ? zh_date(day, d, sizeof d) : "");
}

static bool all_exclude_dishonest(const struct lib_policy *lp) {
    for (int i = 0; i < lp->n_cs; i++)
        if (!lp->cs[i]->rule || !strstr(lp->cs[i]->rule, "非 失信")) return false;
    return lp->n_cs > 0;
}

static void interpretation_text(const struct lib_policy *lp, struct buf *b) {
    char d1[32], d2[32], no[16], amount[48];
    buf_printf(b, "《%s》政策解读\n\n一、出台背景\n", lp->p->title);
    buf_printf(b, "为加大%s方面的支持力度，%s印发了《%s》（%s，以下简称《政策》），", lp->theme,
               lp->authority, lp->p->title, lp->doc_no);
    buf_printf(b, "自%s起施行", zh_date(lp->effective, d1, sizeof d1));
    if (lp->expires != STORE_NO_DATE)
        buf_printf(b, "，有效期至%s", zh_date(lp->expires, d2, sizeof d2));
    buf_printf(b, "。\n\n二、支持对象和标准\n《政策》共%d条扶持措施：\n", lp->n_cs);
    int best = -1;
    for (int i = 0; i < lp->n_cs; i++) {
        const struct clause *c = lp->cs[i];
        buf_printf(b, "（%s）%s。%s", zh_number(i + 1, no, sizeof no), c->title ? c->title : "",
                   c->text ? c->text : "");
        if (c->deadline != STORE_NO_DATE)
            buf_printf(b, "申报截止日期为%s。", zh_date(c->deadline, d1, sizeof d1));
        if (c->is_exempt)
            buf_puts(b, "本条实行“免申即享”，符合条件的企业无需申请，经数据比对后直接兑现。");
        buf_putc(b, '\n');
        if (c->award_cap_fen > 0 && (best < 0 || c->award_cap_fen > lp->cs[best]->award_cap_fen))
            best = i;
    }
    if (best >= 0)
        buf_printf(b, "\n三、支持额度\n各项措施中，单项支持最高为%s（%s）。\n",
                   wan(lp->cs[best]->award_cap_fen, amount, sizeof amount), lp->cs[best]->title);
    buf_printf(b, "\n%s、如何申请\n", best >= 0 ? "四" : "三");
    buf_puts(b,
             "企业可登录青岛惠企政策精准匹配平台，在“我的政策”中查看本企业符合的条款并在线申报。");
    if (all_exclude_dishonest(lp)) buf_puts(b, "列入失信名单的企业不享受本政策支持。");
    buf_putc(b, '\n');
}

/* A clause one applies for (not 免申即享) whose deadline is not past on today. */
static bool is_open(const struct clause *c, int32_t today) {
    return !c->is_exempt && (c->deadline == STORE_NO_DATE || c->deadline >= today);
}

static bool has_open_clause(const struct lib_policy *lp, int32_t today) {
    for (int i = 0; i < lp->n_cs; i++)
        if (is_open(lp->cs[i], today)) return true;
    return false;
}

/* A 申报通知 for the clauses still open on `today`; false when none is. */
static bool notice_text(const struct lib_policy *lp, int32_t today, struct buf *b) {
    char d[32], no[16];
    int n = 0;
    for (int i = 0; i < lp->n_cs; i++) {
        const struct clause *c = lp->cs[i];
        if (!is_open(c, today)) continue;
        if (!n++) {
            buf_printf(b, "关于做好《%s》申报工作的通知\n\n各有关企业：\n", lp->p->title);
            buf_printf(b, "为落实《%s》（%s），现将申报工作有关事项通知如下。\n\n一、申报事项\n",
                       lp->p->title, lp->doc_no);
        }
        buf_printf(b, "（%s）%s：%s", zh_number(n, no, sizeof no), c->title ? c->title : "",
                   c->text ? c->text : "");
        if (c->deadline != STORE_NO_DATE)
            buf_printf(b, "截止日期：%s。", zh_date(c->deadline, d, sizeof d));
        buf_putc(b, '\n');
    }
    if (n)
        buf_puts(b, "\n二、申报方式\n符合条件的企业登录青岛惠企政策精准匹配平台，在“我的政策”中查看"
                    "并在线提交申请，逾期不予受理。\n");
    return n > 0;
}

/* ---- writing ---- */

/* Puts d with body as its text and its original file (name.txt). */
static int put_text(struct lib *l, struct library_doc *d, const struct buf *body, const char *name,
                    struct error *err) {
    if (body->is_oom) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    char file_name[200];
    snprintf(file_name, sizeof file_name, "%s.txt", name);
    d->file_name = file_name;
    d->file_mime = MIME_TXT;
    d->body = buf_str(body);
    /* created: the day it was issued, so that a seed gives the same library every time */
    int64_t created = (d->issued != STORE_NO_DATE ? d->issued : l->today) * (int64_t)86400;
    return library_put(l->s, d, body->data, body->len, created, err);
}

static struct library_doc doc_for(const struct lib_policy *lp, const char *kind) {
    return (struct library_doc){.series = lp->series,
                                .title = lp->p->title,
                                .doc_no = lp->doc_no,
                                .authority = lp->authority,
                                .level = lp->p->level,
                                .region = lp->p->region,
                                .theme = lp->theme,
                                .kind = kind,
                                .issued = lp->p->published,
                                .effective = lp->effective,
                                .policy_id = lp->p->id};
}

/* A clause whose award is written in its text ("给予一次性奖励20万元", "…最高500万元"), and where
 * (the last place the amount is written: a threshold of the same amount comes before the award);
 * -1 none. */
static int changed_clause(const struct lib_policy *lp, const char **at, int64_t *award_wan) {
    for (int i = 0; i < lp->n_cs; i++) {
        const struct clause *c = lp->cs[i];
        /* from 4万元 up: two earlier amounts a quarter apart stay whole and above zero */
        if (c->award_cap_fen < 4 * WAN || c->award_cap_fen % WAN || !c->text) continue;
        char needle[32];
        snprintf(needle, sizeof needle, "%lld万元", (long long)(c->award_cap_fen / WAN));
        *at = NULL;
        for (const char *p = strstr(c->text, needle); p; p = strstr(p + 1, needle))
            if (p == c->text || p[-1] < '0' || p[-1] > '9') *at = p;
        if (*at) {
            *award_wan = c->award_cap_fen / WAN;
            return i;
        }
    }
    return -1;
}

/* The policy's text with one clause's award replaced by an earlier amount. */
static void earlier_text(const struct lib_policy *lp, int ci, const char *at, int64_t award,
                         int64_t earlier, struct buf *b) {
    const struct clause *c = lp->cs[ci];
    struct buf cur, old;
    buf_init(&cur);
    buf_init(&old);
    policy_text(lp, &cur);
    char from[32];
    snprintf(from, sizeof from, "%lld万元", (long long)award);
    buf_append(&old, c->text, (size_t)(at - c->text));
    buf_printf(&old, "%lld万元%s", (long long)earlier, at + strlen(from));
    const char *where = cur.data ? strstr(cur.data, c->text) : NULL;
    if (where) {
        buf_append(b, cur.data, (size_t)(where - cur.data));
        buf_puts(b, buf_str(&old));
        buf_puts(b, where + strlen(c->text));
    } else {
        buf_puts(b, buf_str(&cur));
    }
    if (old.is_oom || cur.is_oom) b->is_oom = true;
    buf_release(&cur);
    buf_release(&old);
}

static int32_t years_back(int32_t day, int years) {
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (m == 2 && d == 29 && !date_is_valid_ymd(y - years, 2, 29)) d = 28;
    return date_from_ymd(y - years, m, d);
}

/* Earlier versions of lp (n_old of them, two years apart, each with the clause's award lower),
 * put before the current one so that it becomes the series' current version; *ids gets theirs
 * (oldest first) and note the current version's note. */
static int put_earlier(struct lib *l, struct lib_policy *lp, int n_old, const char *validity,
                       int64_t *ids, char *note, size_t n_note, struct error *err) {
    const char *at;
    int64_t award;
    int ci = changed_clause(lp, &at, &award);
    if (ci < 0 || lp->p->published == STORE_NO_DATE) return 0;
    char prefix[64], no[16];
    int year;
    if (!doc_no_split(lp->doc_no, prefix, sizeof prefix, &year)) return 0;
    struct rng r = rng_for(l->seed ^ LIBRARY_SALT, -lp->p->id);
    int64_t step = award / 4 > 0 ? award / 4 : 1, prev = 0;
    int rc = 0;
    for (int g = n_old; !rc && g >= 1; g--) {
        int64_t amount = award - step * g;
        char doc_no[96], why[300];
        doc_no_new(l, &r, prefix, year - 2 * g, doc_no, sizeof doc_no);
        struct library_doc d = doc_for(lp, "policy");
        d.doc_no = doc_no;
        d.issued = d.effective = years_back(lp->p->published, 2 * g);
        d.validity = validity;
        d.policy_id = 0; /* the clause store holds the current version's clauses only */
        if (prev)
            snprintf(why, sizeof why, "修订：第%s条“%s”由%lld万元调整为%lld万元",
                     zh_number(ci + 1, no, sizeof no), lp->cs[ci]->title, (long long)prev,
                     (long long)amount);
        d.note = prev ? why : "首次发布";
        struct buf body;
        buf_init(&body);
        earlier_text(lp, ci, at, award, amount, &body);
        sign_off(&body, lp->authority, d.issued);
        rc = put_text(l, &d, &body, doc_no, err);
        buf_release(&body);
        ids[n_old - g] = d.id;
        prev = amount;
    }
    snprintf(note, n_note, "修订：第%s条“%s”由%lld万元调整为%lld万元",
             zh_number(ci + 1, no, sizeof no), lp->cs[ci]->title, (long long)prev,
             (long long)award);
    return rc ? rc : n_old;
}

/* The policy's current document, after its earlier versions when it has some (n_old). */
static int put_policy(struct lib *l, struct lib_policy *lp, int n_old, struct error *err) {
    int64_t old_ids[2];
    char note[300];
    const char *validity = l->st->series % 2 ? "废止" : "失效";
    int made = n_old ? put_earlier(l, lp, n_old, validity, old_ids, note, sizeof note, err) : 0;
    if (made < 0) return made;
    struct library_doc d = doc_for(lp, "policy");
    d.validity = validity_of(l, lp);
    d.note = made ? note : NULL;
    struct buf body;
    buf_init(&body);
    policy_text(lp, &body);
    sign_off(&body, lp->authority, lp->p->published);
    int rc = put_text(l, &d, &body, lp->doc_no, err);
    buf_release(&body);
    lp->doc_id = d.id;
    for (int k = 0; !rc && k < made; k++)
        rc = library_set_validity(l->s, old_ids[k], validity, d.id, err);
    if (!rc) {
        l->st->documents++;
        l->st->old_versions += made;
        l->st->series += made > 0;
    }
    return rc;
}

static int put_interpretation(struct lib *l, struct lib_policy *lp, struct error *err) {
    char title[600], series[220];
    snprintf(title, sizeof title, "《%s》政策解读", lp->p->title);
    snprintf(series, sizeof series, "%s/解读", lp->series);
    struct library_doc d = doc_for(lp, "interpretation");
    d.series = series;
    d.title = title;
    d.doc_no = NULL;
    d.policy_id = 0; /* the clauses are the policy document's; the link leads there */
    d.validity = validity_of(l, lp);
    struct buf body;
    buf_init(&body);
    interpretation_text(lp, &body);
    sign_off(&body, lp->authority, d.issued);
    int rc = put_text(l, &d, &body, "政策解读", err);
    buf_release(&body);
    if (!rc) rc = library_link(l->s, lp->doc_id, d.id, "interpretation", err);
    if (!rc) l->st->interpretations++;
    return rc;
}

static int put_notice(struct lib *l, struct lib_policy *lp, struct error *err) {
    struct buf body;
    buf_init(&body);
    if (!notice_text(lp, l->today, &body)) {
        buf_release(&body);
        return 0;
    }
    char title[600], series[220];
    snprintf(title, sizeof title, "关于做好《%s》申报工作的通知", lp->p->title);
    snprintf(series, sizeof series, "%s/申报通知", lp->series);
    struct library_doc d = doc_for(lp, "related");
    d.series = series;
    d.title = title;
    d.doc_no = NULL;
    d.policy_id = 0;
    /* issued two weeks after the policy took effect, or today when that is still ahead */
    d.issued = d.effective = lp->effective + 14 < l->today ? lp->effective + 14 : l->today;
    sign_off(&body, lp->authority, d.issued);
    int rc = put_text(l, &d, &body, "申报通知", err);
    buf_release(&body);
    if (!rc) rc = library_link(l->s, lp->doc_id, d.id, "related", err);
    if (!rc) l->st->related++;
    return rc;
}

/* Policies of one theme are related documents: each links to the first of its theme (the one
 * listed earliest: the city's own before the districts' in the demo file). */
static int link_related(struct lib *l, struct error *err) {
    int rc = 0;
    for (int i = 1; !rc && i < l->n_ps; i++) {
        const struct lib_policy *a = &l->lp[i];
        for (int j = 0; j < i; j++) {
            const struct lib_policy *b = &l->lp[j];
            if (strcmp(a->theme, b->theme) != 0) continue;
            rc = library_link(l->s, a->doc_id, b->doc_id, "related", err);
            if (!rc) l->st->links++;
            break;
        }
    }
    return rc;
}

/* ---- the whole library ---- */

static int is_library_empty(struct store *s, bool *is_empty, struct error *err) {
    struct library_query q = {.region = -1, .page = 1, .page_size = 1};
    char *json = NULL;
    int rc = library_browse_json(s, &q, &json, err);
    if (rc) return rc;
    json_t *o = json_loads(json, 0, NULL);
    *is_empty = o && json_integer_value(json_object_get(o, "total")) == 0;
    json_decref(o);
    free(json);
    return 0;
}

static int by_seq(const void *a, const void *b) {
    const struct clause *x = *(const struct clause *const *)a,
                        *y = *(const struct clause *const *)b;
    return x->seq != y->seq ? (x->seq > y->seq) - (x->seq < y->seq)
                            : (x->id > y->id) - (x->id < y->id);
}

static int policy_index(const struct lib *l, int64_t id) {
    int lo = 0, hi = l->n_ps - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (l->ps[mid].id == id) return mid;
        if (l->ps[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Each policy with its clauses (policies and clauses come in id order) and what is read off them.
 */
static int prepare(struct lib *l, struct error *err) {
    int rc = store_list_policies(l->s, -1, &l->a, &l->ps, &l->n_ps, err);
    if (!rc) rc = store_list_clauses(l->s, 0, -1, &l->a, &l->cs, &l->n_cs, err);
    if (rc) return rc;
    l->lp = calloc((size_t)l->n_ps + 1, sizeof *l->lp);
    const struct clause **refs = l->refs = calloc((size_t)l->n_cs + 1, sizeof *refs);
    int *at = calloc((size_t)l->n_ps + 1, sizeof *at);
    if (!l->lp || !refs || !at) {
        free(at);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int k = 0; k < l->n_cs; k++) {
        int i = policy_index(l, l->cs[k].policy_id);
        if (i >= 0) l->lp[i].n_cs++;
    }
    for (int i = 0, sum = 0; i < l->n_ps; i++) {
        l->lp[i].cs = refs + sum;
        at[i] = sum;
        sum += l->lp[i].n_cs;
    }
    for (int k = 0; k < l->n_cs; k++) {
        int i = policy_index(l, l->cs[k].policy_id);
        if (i >= 0) refs[at[i]++] = &l->cs[k];
    }
    free(at);
    for (int i = 0; i < l->n_ps; i++) {
        struct lib_policy *lp = &l->lp[i];
        lp->p = &l->ps[i];
        qsort(lp->cs, (size_t)lp->n_cs, sizeof *lp->cs, by_seq);
        lp->theme = theme_of(lp);
        const char *dept = lp->p->department ? lp->p->department : "";
        /* the template policies name the office alone: 人民政府办公室 of their region */
        bool is_bare = starts_with(dept, "人民政府") || !*dept;
        snprintf(lp->authority, sizeof lp->authority, "%s%s",
                 is_bare && lp->p->region >= 0 ? region_at(lp->p->region)->name : "",
                 *dept ? dept : "人民政府");
        doc_no_of(l, lp);
        lp->series = lp->p->code && *lp->p->code ? lp->p->code : lp->doc_no;
        dates_of(lp);
    }
    return 0;
}

static void shuffle(struct rng *r, int *order, int n) {
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)below(r, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* Which policies get earlier versions (n_old per policy, 0 none), a 政策解读, a 申报通知. */
static int choose(const struct lib *l, int *n_old, bool *has_interp, bool *has_notice,
                  struct error *err) {
    int *order = malloc(((size_t)l->n_ps + 1) * sizeof *order);
    if (!order) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    struct rng r = rng_for(l->seed ^ LIBRARY_SALT, INT64_MAX);
    shuffle(&r, order, l->n_ps);
    int n_series = 0, n_interp = 0, n_notice = 0;
    for (int k = 0; k < l->n_ps; k++) {
        int i = order[k];
        const char *at;
        int64_t award;
        char prefix[64];
        int year;
        const struct lib_policy *lp = &l->lp[i];
        if (n_series < LIBRARY_SERIES && changed_clause(lp, &at, &award) >= 0 &&
            lp->p->published != STORE_NO_DATE &&
            doc_no_split(lp->doc_no, prefix, sizeof prefix, &year))
            n_old[i] = n_series++ == 0 ? 2 : 1; /* the first with two: a chain of three */
        if (n_interp < LIBRARY_INTERPRETATIONS && lp->n_cs > 0) {
            has_interp[i] = true;
            n_interp++;
        }
        if (n_notice < LIBRARY_NOTICES && strcmp(validity_of(l, lp), "有效") == 0 &&
            has_open_clause(lp, l->today)) {
            has_notice[i] = true;
            n_notice++;
        }
    }
    free(order);
    return 0;
}

static int write_all(struct lib *l, struct error *err) {
    int rc = prepare(l, err);
    if (rc) return rc;
    int *n_old = calloc((size_t)l->n_ps + 1, sizeof *n_old);
    bool *has_interp = calloc((size_t)l->n_ps + 1, sizeof *has_interp);
    bool *has_notice = calloc((size_t)l->n_ps + 1, sizeof *has_notice);
    if (!n_old || !has_interp || !has_notice)
        rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc) rc = choose(l, n_old, has_interp, has_notice, err);
    for (int i = 0; !rc && i < l->n_ps; i++)
        rc = put_policy(l, &l->lp[i], n_old[i], err);
    for (int i = 0; !rc && i < l->n_ps; i++)
        if (has_interp[i]) rc = put_interpretation(l, &l->lp[i], err);
    for (int i = 0; !rc && i < l->n_ps; i++)
        if (has_notice[i]) rc = put_notice(l, &l->lp[i], err);
    if (!rc) rc = link_related(l, err);
    free(n_old);
    free(has_interp);
    free(has_notice);
    return rc;
}

int demo_library(struct store *s, uint64_t seed, int32_t today, struct demo_library_stats *out,
                 struct error *err) {
    *out = (struct demo_library_stats){0};
    bool is_empty = false;
    int rc = is_library_empty(s, &is_empty, err);
    if (rc || !is_empty) {
        out->is_skipped = !rc;
        return rc;
    }
    struct lib l = {.s = s, .seed = seed, .today = today, .st = out};
    arena_init(&l.a, 1 << 16);
    strmap_init(&l.doc_nos);
    rc = write_all(&l, err);
    free(l.refs);
    free(l.lp);
    strmap_release(&l.doc_nos);
    arena_release(&l.a);
    return rc;
}
