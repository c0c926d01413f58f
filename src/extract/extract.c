/* Owns extract_policy: from normalised, split text (src/text) to clauses: which sentences (and
 * which parts of a sentence) are clauses, the context a clause inherits (the region of a heading or
 * of the paragraph's topic, the department of its item, paragraph or document, the document's
 * validity and contact), and the JSON form. The grammar of amounts is benefit.c's, of conditions
 * condition.c's, the proposed rule rule.c's. */
#include <stdlib.h>
#include <string.h>

#include "extract/extract_int.h"
#include "refdata/refdata.h"
#include "text/policy_text.h"

static bool is_fn_char(int32_t cp) {
    static const char *const fn = "据由和及与向对在将的、,。:()《》“”是为了被";
    for (const char *p = fn; *p;) {
        size_t adv;
        if (xcp(p, strlen(p), 0, &adv) == cp) return true;
        p += adv;
    }
    return !xhan(cp);
}

/* A department's name ending with a dept word at s[i..i+len): its start, or i when none. */
static size_t dept_start(const char *s, size_t lo, size_t i) {
    size_t st = i, adv;
    for (int n = 0; n < 12 && st > lo; n++) {
        size_t t = xprev(s, st);
        if (is_fn_char(xcp(s, i, t, &adv))) break;
        st = t;
    }
    if (xchars(s, st, i) < 1) return i;
    int32_t c0 = xcp(s, i, st, &adv);
    bool ok = c0 == 0x7701 || c0 == 0x5E02 || c0 == 0x533A || c0 == 0x53BF || /* 省市区县 */
              region_name_at(s, st, i) > 0 || xfind(s, st, i, "市") < i ||
              xfind(s, st, i, "省") < i;
    return ok ? st : i;
}

/* The first department name in s[a..b) ("杭州市民政局和市财政局" joins), in *da..*db. */
static bool dept_name(const char *s, size_t a, size_t b, size_t *da, size_t *db) {
    size_t adv;
    for (size_t i = a; i < b; i += adv) {
        xcp(s, b, i, &adv);
        const struct lex_entry *e = lex_at(LK_DEPT, s, i, b);
        if (!e) continue;
        size_t end = i + e->len;
        int32_t nx = end < b ? xcp(s, b, end, &adv) : -1;
        adv = end > i ? 1 : adv;
        if (nx == 0x957F /* 长 */ || nx == 0x6CD5 /* 法 */ || nx == 0x7406 /* 理 */ ||
            nx == 0x516C /* 公 */ || nx == 0x5458 /* 员 */ || nx == 0x5B9A /* 定 */ ||
            nx == 0x5C40 /* 局 */) {
            xcp(s, b, i, &adv);
            continue;
        }
        size_t st = dept_start(s, a, i);
        if (st == i) {
            xcp(s, b, i, &adv);
            continue;
        }
        *da = st;
        *db = end;
        /* 和/、/及 another department */
        for (;;) {
            size_t j = *db;
            if (!(xstarts(s, j, b, "和") || xstarts(s, j, b, "、") || xstarts(s, j, b, "及")))
                break;
            j += 3;
            size_t k2, adv2;
            bool more = false;
            for (k2 = j; k2 < b && k2 < j + 40; k2 += adv2) {
                xcp(s, b, k2, &adv2);
                const struct lex_entry *e2 = lex_at(LK_DEPT, s, k2, b);
                if (e2 && dept_start(s, j, k2) == j) {
                    *db = k2 + e2->len;
                    more = true;
                    break;
                }
                if (is_fn_char(xcp(s, b, k2, &adv2))) break;
            }
            if (!more) break;
        }
        return true;
    }
    return false;
}

struct ctx {
    struct arena *ar;
    const struct text_norm *n;
    const struct text_units *u;
    const char *doc_dept, *doc_deadline, *doc_contact;
    const char **item_dept; /* per item */
    const char **line_dept; /* per paragraph */
    const char **heading_region;
    bool *item_conditions; /* per item: it lists conditions ("应同时满足以下条件:…;…;…") */
    int n_items, n_lines;
};

static const char *segment_from(struct arena *ar, const char *s, size_t a, size_t b) {
    size_t e = a, adv;
    while (e < b) {
        int32_t cp = xcp(s, b, e, &adv);
        if (cp == ',' || cp == 0x3002 || cp == ';' || cp == ')') break;
        e += adv;
    }
    return e > a ? xdup(ar, s, a, e) : NULL;
}

static const char *deadline_in(struct arena *ar, const char *s, size_t a, size_t b) {
    static const char *const words[] = {"有效期", "截止", "截至", "申报时间", "申报期限"};
    for (size_t t = 0; t < sizeof words / sizeof *words; t++) {
        size_t p = xfind(s, a, b, words[t]);
        if (p < b) return segment_from(ar, s, p, b);
    }
    size_t p = xfind(s, a, b, "起施行");
    if (p < b) {
        size_t z = xrfind(s, a, p, "自");
        if (z < p) return xdup(ar, s, z, p + strlen("起施行"));
    }
    return NULL;
}

static void scan_context(struct ctx *c) {
    const char *s = c->n->s;
    for (int k = 0; k < c->u->n; k++) {
        const struct text_unit *t = &c->u->v[k];
        size_t da, db;
        if (t->kind == TU_HEADING) {
            if (t->marker == MK_NONE && dept_name(s, t->start, t->end, &da, &db) &&
                da == t->start && db == t->end && !c->doc_dept)
                c->doc_dept = xdup(c->ar, s, da, db);
            if (t->marker != MK_NONE) {
                size_t rn = region_name_at(s, t->start, t->end);
                if (rn) c->heading_region[k] = xdup(c->ar, s, t->start, t->start + rn);
            }
        }
        if (!c->doc_contact) {
            static const char *const contacts[] = {"联系电话", "咨询电话", "联系方式", "联系人"};
            for (size_t r = 0; r < sizeof contacts / sizeof *contacts && !c->doc_contact; r++) {
                size_t p = xfind(s, t->start, t->end, contacts[r]);
                if (p < t->end) {
                    size_t e = xends(s, t->start, t->end, "。") ? t->end - 3 : t->end;
                    c->doc_contact = xdup(c->ar, s, p, e);
                }
            }
        }
        if (t->kind == TU_HEADING) continue;
        if (xfind(s, t->start, t->end, "条件") < t->end && t->item >= 0 && t->item < c->n_items)
            c->item_conditions[t->item] = true;
        static const char *const roles[] = {"责任单位", "牵头单位", "责任部门",
                                            "主管部门", "受理部门", "实施部门"};
        for (size_t r = 0; r < sizeof roles / sizeof *roles; r++) {
            size_t p = xfind(s, t->start, t->end, roles[r]);
            if (p >= t->end) continue;
            size_t colon = xfind(s, p, t->end, ":");
            if (colon >= t->end) continue;
            const char *d = segment_from(c->ar, s, colon + 1, t->end);
            if (d && t->item >= 0 && t->item < c->n_items) c->item_dept[t->item] = d;
        }
        size_t you = xfind(s, t->start, t->end, "由");
        if (you < t->end && dept_name(s, you + 3, t->end, &da, &db) && da == you + 3 &&
            t->line < c->n_lines && !c->line_dept[t->line])
            c->line_dept[t->line] = xdup(c->ar, s, da, db);
        for (size_t i = t->start; i < t->end && dept_name(s, i, t->end, &da, &db); i = db) {
            if (xstarts(s, db, t->end, "联合印发") || xstarts(s, db, t->end, "印发") ||
                xstarts(s, db, t->end, "负责") || xstarts(s, db, t->end, "发布") ||
                xstarts(s, db, t->end, "联合发布")) {
                if (!c->doc_dept) c->doc_dept = xdup(c->ar, s, da, db);
                break;
            }
        }
        if (!c->doc_deadline) c->doc_deadline = deadline_in(c->ar, s, t->start, t->end);
    }
}

static bool is_continuation(const char *s, size_t a, size_t b) {
    static const char *const words[] = {"最高", "单个",   "单户", "每家", "每个", "累计",
                                        "其中", "即",     "第",   "年度", "合计", "总额",
                                        "上限", "封顶",   "并",   "且",   "分别", "对其",
                                        "超出", "不超过", "按",   "同时", "视同"};
    for (size_t t = 0; t < sizeof words / sizeof *words; t++)
        if (xstarts(s, a, b, words[t])) return true;
    return false;
}

static bool seg_has_qty(const struct work *w, int k) {
    for (int j = 0; j < w->n_q; j++)
        if (w->q[j].seg == k) return true;
    return false;
}

/* The start of a region name that ends right at pos ("舟山市对" → 舟山市), pos when none. */
static size_t region_ending_at(const char *s, size_t lo, size_t pos) {
    size_t st = pos;
    for (int n = 0; n < 7 && st > lo; n++) {
        st = xprev(s, st);
        if (region_name_at(s, st, pos) == pos - st) return st;
    }
    return pos;
}

static bool is_valid_dui(const char *s, size_t d, size_t end) {
    size_t adv;
    int32_t nx = xcp(s, end, d + 3, &adv);
    return !(nx == 0x63A5 || nx == 0x8C61 || nx == 0x5916 || nx == 0x6BD4 || nx == 0x5176);
}

/* Trims a group of segments [k0, k1) of a sentence to the clause proper: preamble segments and
 * prose before "对…" dropped, purpose segments after the benefit dropped. */
static void trim_group(const struct work *w, int k0, int k1, size_t *ca, size_t *cb) {
    const char *s = w->s;
    int first_ben = k1;
    for (int k = k0; k < k1; k++)
        if (w->seg_benefit[k]) {
            first_ben = k;
            break;
        }
    int start = k0;
    /* a later segment opening with 对 (or 如X市对) before the benefit, after prose */
    for (int k = k0 + 1; k <= first_ben && k < k1; k++) {
        bool prose = true;
        for (int j = k0; j < k; j++) {
            size_t ja = w->segs[j].a, jb = w->segs[j].b;
            if (seg_has_qty(w, j) ||
                !(lex_at(LK_PREAMBLE, s, ja, jb) || !lex_has(LK_QUALKW, s, ja, jb) ||
                  xfind(s, ja, jb, "的") >= jb))
                prose = false;
        }
        if (!prose) break;
        size_t a = w->segs[k].a;
        size_t a2 = xstarts(s, a, w->b, "如") ? a + 3 : a;
        size_t rn = region_name_at(s, a2, w->segs[k].b);
        if ((xstarts(s, a2 + rn, w->b, "对") && is_valid_dui(s, a2 + rn, w->b)) ||
            xstarts(s, a2 + rn, w->b, "凡"))
            start = k;
    }
    while (start < first_ben && start + 1 < k1 && lex_at(LK_PREAMBLE, s, w->segs[start].a, w->b))
        start++;
    *ca = w->segs[start].a;
    /* 对 inside the first segment after a date or prose ("2023年出台对…"), or after a place */
    size_t fb = w->segs[start].b;
    for (size_t d = xfind(s, *ca, fb, "对"); d < fb; d = xfind(s, d + 3, fb, "对")) {
        if (d == *ca || !is_valid_dui(s, d, w->b)) continue;
        bool amount_before = false;
        for (int j = 0; j < w->n_q; j++)
            if (w->q[j].a >= *ca && w->q[j].a < d) amount_before = true;
        if (amount_before || xfind(s, *ca, d, "给予") < d) break;
        size_t rs = region_ending_at(s, *ca, d);
        if (rs < d) {
            if (rs >= *ca + 3 && xstarts(s, rs - 3, d, "如")) rs -= 3;
            *ca = rs;
        } else if (!lex_has(LK_QUALKW, s, *ca, d)) {
            *ca = d;
        }
        break;
    }
    int end = k1;
    int last_ben = -1;
    for (int k = k0; k < k1; k++)
        if (w->seg_benefit[k] || xfind(s, w->segs[k].a, w->segs[k].b, "给予") < w->segs[k].b ||
            xfind(s, w->segs[k].a, w->segs[k].b, "予以") < w->segs[k].b)
            last_ben = k;
    for (int k = last_ben + 1; k < k1 && last_ben >= 0; k++)
        if (lex_at(LK_STOP, s, w->segs[k].a, w->segs[k].b)) {
            end = k;
            break;
        }
    *cb = w->segs[end - 1].b;
    /* keep the sentence's closing 。 or ; with its last segment */
    if (end == w->n_segs && w->b > *cb) *cb = w->b;
}

struct emit {
    struct ctx *c;
    const struct text_unit *t;
    int unit_index;
    const char *topic, *topic_text;
    bool has_prev_rate;
    struct ratio prev_rate;
    const char *prev_basis;
    const char *prev_qual;
    struct extract_clause *v;
    int n, cap;
};

static const char *heading_region(const struct emit *e, int heading) {
    for (int h = heading; h >= 0; h = e->c->u->v[h].parent_heading)
        if (e->c->heading_region[h]) return e->c->heading_region[h];
    return NULL;
}

static bool heading_says(const struct emit *e, int heading, const char *const *words, int n) {
    const char *s = e->c->n->s;
    for (int h = heading; h >= 0; h = e->c->u->v[h].parent_heading)
        for (int k = 0; k < n; k++)
            if (xfind(s, e->c->u->v[h].start, e->c->u->v[h].end, words[k]) < e->c->u->v[h].end)
                return true;
    return false;
}

static int emit_clause(struct emit *e, size_t a, size_t b) {
    struct ctx *c = e->c;
    const char *s = c->n->s;
    struct work *w = calloc(1, sizeof *w);
    if (!w) return ERR_NOMEM;
    w->s = s;
    w->a = a;
    w->b = b;
    w->ar = c->ar;
    /* a place opening the clause is the paragraph's topic until another ("舟山市对…") */
    size_t a2 = xstarts(s, a, b, "如") ? a + 3 : a;
    size_t rn = region_name_at(s, a2, b);
    if (rn && !lex_at(LK_REGION, s, a2, b) &&
        (xstarts(s, a2 + rn, b, "对") || xstarts(s, a2 + rn, b, "凡") ||
         xstarts(s, a2 + rn, b, "把") || xstarts(s, a2 + rn, b, "建立") ||
         xstarts(s, a2 + rn, b, "将"))) {
        e->topic = xdup(c->ar, s, a2, a2 + rn);
        e->topic_text = e->topic;
    }
    const char *hr = heading_region(e, e->t->heading);
    w->region = e->topic ? e->topic : hr;
    w->region_text = e->topic ? e->topic_text : hr;
    w->has_prev_rate = e->has_prev_rate;
    w->prev_rate = e->prev_rate;
    w->prev_basis = e->prev_basis;
    w->prev_qual = e->prev_qual;
    work_segments(w);
    work_quantities(w);
    work_benefits(w);
    work_conditions(w);
    bool has_amount = false;
    for (int k = 0; k < w->n_ben; k++)
        if (w->ben[k].has_min || w->ben[k].has_max || w->ben[k].has_cap || w->ben[k].has_rate)
            has_amount = true;
    static const char *const cond_words[] = {"条件", "对象", "范围", "要求"};
    bool cue =
        has_amount || w->n_ben > 0 || xfind(s, a, b, "追回") < b ||
        (w->n_cond > 0 &&
         (heading_says(e, e->t->heading, cond_words, 4) ||
          (e->t->item >= 0 && e->t->item < c->n_items && c->item_conditions[e->t->item]) ||
          xfind(s, a, b, "适用") < b || xfind(s, a, b, "优先") < b || xfind(s, a, b, "申报") < b ||
          xfind(s, a, b, "不再重复") < b || xfind(s, a, b, "追回") < b ||
          xfind(s, a, b, "需") < b || xfind(s, a, b, "须") < b));
    if (!cue) {
        free(w);
        return 0;
    }
    if (e->n == e->cap) {
        int cap = e->cap ? e->cap * 2 : 32;
        struct extract_clause *v = realloc(e->v, (size_t)cap * sizeof *v);
        if (!v) {
            free(w);
            return ERR_NOMEM;
        }
        e->v = v;
        e->cap = cap;
    }
    struct extract_clause *cl = &e->v[e->n++];
    memset(cl, 0, sizeof *cl);
    text_norm_span(c->n, a, b, &cl->start, &cl->end);
    cl->subject = w->subj_b > w->subj_a ? xdup(c->ar, s, w->subj_a, w->subj_b) : NULL;
    cl->benefits = arena_alloc(c->ar, (size_t)(w->n_ben ? w->n_ben : 1) * sizeof *cl->benefits);
    cl->conditions =
        arena_alloc(c->ar, (size_t)(w->n_cond ? w->n_cond : 1) * sizeof *cl->conditions);
    if (!cl->benefits || !cl->conditions) {
        free(w);
        return ERR_NOMEM;
    }
    memcpy(cl->benefits, w->ben, (size_t)w->n_ben * sizeof *w->ben);
    cl->n_benefits = w->n_ben;
    memcpy(cl->conditions, w->cond, (size_t)w->n_cond * sizeof *w->cond);
    cl->n_conditions = w->n_cond;
    int item = e->t->item;
    cl->department = item >= 0 && item < c->n_items && c->item_dept[item] ? c->item_dept[item]
                     : e->t->line < c->n_lines && c->line_dept[e->t->line]
                         ? c->line_dept[e->t->line]
                         : c->doc_dept;
    const char *dl = deadline_in(c->ar, s, a, b);
    cl->deadline = dl ? dl : c->doc_deadline;
    cl->contact = c->doc_contact;
    if (w->last_qual) e->prev_qual = w->last_qual;
    for (int k = 0; k < w->n_ben; k++)
        if (w->ben[k].has_rate) {
            e->has_prev_rate = true;
            e->prev_rate = w->ben[k].rate;
            e->prev_basis = w->ben[k].basis;
        }
    free(w);
    return 0;
}

/* One sentence: split into clauses where a new subject gets its own benefit ("…给予5万元奖励,
 * 通过复审的…给予2万元奖励"), then trimmed. */
static int do_sentence(struct emit *e) {
    struct ctx *c = e->c;
    const char *s = c->n->s;
    struct work *w = calloc(1, sizeof *w);
    if (!w) return ERR_NOMEM;
    w->s = s;
    w->a = e->t->start;
    w->b = e->t->end;
    w->ar = c->ar;
    size_t a2 = xstarts(s, w->a, w->b, "如") ? w->a + 3 : w->a;
    size_t rn = region_name_at(s, a2, w->b);
    if (rn && !lex_at(LK_REGION, s, a2, w->b) &&
        (xstarts(s, a2 + rn, w->b, "对") || xstarts(s, a2 + rn, w->b, "凡") ||
         xstarts(s, a2 + rn, w->b, "把") || xstarts(s, a2 + rn, w->b, "建立") ||
         xstarts(s, a2 + rn, w->b, "将"))) {
        e->topic = xdup(c->ar, s, a2, a2 + rn);
        e->topic_text = e->topic;
    }
    work_segments(w);
    work_quantities(w);
    work_benefits(w);
    int rc = 0, k0 = 0;
    bool group_has_ben = false;
    for (int k = 0; k < w->n_segs && !rc; k++) {
        if (k > k0 && group_has_ben && !is_continuation(s, w->segs[k].a, w->segs[k].b)) {
            bool later = false, verb = false;
            for (int j = k; j < w->n_segs; j++) {
                if (w->seg_benefit[j]) later = true;
                size_t sa = w->segs[j].a, sb = w->segs[j].b;
                if (xfind(s, sa, sb, "给予") < sb || xfind(s, sa, sb, "予以") < sb ||
                    xfind(s, sa, sb, "获得") < sb || xfind(s, sa, sb, "拿到") < sb ||
                    xfind(s, sa, sb, "奖励") < sb || xfind(s, sa, sb, "补助") < sb)
                    verb = true;
                if (w->seg_benefit[j]) break;
            }
            if (later && verb) {
                size_t ca, cb;
                trim_group(w, k0, k, &ca, &cb);
                rc = emit_clause(e, ca, cb);
                k0 = k;
                group_has_ben = false;
            }
        }
        if (w->seg_benefit[k]) group_has_ben = true;
    }
    if (!rc && w->n_segs > k0) {
        size_t ca, cb;
        trim_group(w, k0, w->n_segs, &ca, &cb);
        rc = emit_clause(e, ca, cb);
    }
    free(w);
    return rc;
}

int extract_policy(const char *text, size_t len, struct extract_result *out, struct error *err) {
    memset(out, 0, sizeof *out);
    arena_init(&out->arena, 1 << 16);
    int rc = lex_load();
    if (rc)
        return error_set(err, rc, "内置政策词典有误", "the embedded policy lexicon is malformed");
    rc = refdata_load(err);
    if (rc) return rc;
    struct text_norm n;
    rc = text_normalize(text, len, &n, err);
    if (rc) return rc;
    struct text_units u;
    rc = text_split(&n, &u, err);
    if (rc) {
        text_norm_release(&n);
        return rc;
    }
    struct ctx c = {.ar = &out->arena, .n = &n, .u = &u};
    c.n_items = u.n ? u.v[u.n - 1].item + 1 : 0;
    c.n_lines = u.n ? u.v[u.n - 1].line + 1 : 0;
    c.item_dept = calloc((size_t)c.n_items + 1, sizeof *c.item_dept);
    c.line_dept = calloc((size_t)c.n_lines + 1, sizeof *c.line_dept);
    c.heading_region = calloc((size_t)u.n + 1, sizeof *c.heading_region);
    c.item_conditions = calloc((size_t)c.n_items + 1, sizeof *c.item_conditions);
    struct emit e = {.c = &c, .unit_index = 0};
    if (!c.item_dept || !c.line_dept || !c.heading_region || !c.item_conditions) {
        rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        goto done;
    }
    scan_context(&c);
    int line = -1;
    for (int k = 0; k < u.n && !rc; k++) {
        if (u.v[k].kind != TU_SENTENCE) continue;
        if (u.v[k].line != line) {
            line = u.v[k].line;
            e.topic = NULL;
        }
        e.t = &u.v[k];
        e.unit_index = k;
        rc = do_sentence(&e);
    }
    if (rc) {
        error_set(err, rc, "内存不足", "out of memory");
        goto done;
    }
    for (int k = 0; k < e.n; k++) {
        struct extract_clause *cl = &e.v[k];
        cl->text = arena_strndup(&out->arena, text + cl->start, cl->end - cl->start);
        propose_rule(&out->arena, cl);
    }
    out->clauses = e.v;
    out->n_clauses = e.n;
    e.v = NULL;
done:
    free(e.v);
    free(c.item_dept);
    free(c.line_dept);
    free(c.heading_region);
    free(c.item_conditions);
    text_units_release(&u);
    text_norm_release(&n);
    return rc;
}

void extract_result_release(struct extract_result *r) {
    free(r->clauses);
    arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}

static void json_str_or_null(struct buf *o, const char *s) {
    if (s)
        buf_json_str(o, s);
    else
        buf_puts(o, "null");
}

static void json_ratio(struct buf *o, struct ratio r) {
    char b[64];
    buf_puts(o, ratio_format(r, 6, b, sizeof b));
}

static void json_fen(struct buf *o, bool has, int64_t fen) {
    if (!has) {
        buf_puts(o, "null");
        return;
    }
    if (fen % 100 == 0)
        buf_printf(o, "%lld", (long long)(fen / 100));
    else
        buf_printf(o, "%lld.%02lld", (long long)(fen / 100), (long long)(llabs(fen) % 100));
}

void extract_clause_json(const struct extract_clause *c, struct buf *o) {
    buf_puts(o, "{\"text\":");
    buf_json_str(o, c->text);
    buf_printf(o, ",\"start\":%zu,\"end\":%zu,\"subject\":", c->start, c->end);
    json_str_or_null(o, c->subject);
    buf_puts(o, ",\"benefits\":[");
    for (int k = 0; k < c->n_benefits; k++) {
        const struct extract_benefit *b = &c->benefits[k];
        buf_puts(o, k ? ",{\"kind\":" : "{\"kind\":");
        buf_json_str(o, b->kind);
        buf_puts(o, ",\"min\":");
        json_fen(o, b->has_min, b->min_fen);
        buf_puts(o, ",\"max\":");
        json_fen(o, b->has_max, b->max_fen);
        buf_puts(o, ",\"rate\":");
        if (b->has_rate)
            json_ratio(o, b->rate);
        else
            buf_puts(o, "null");
        buf_puts(o, ",\"basis\":");
        json_str_or_null(o, b->basis);
        buf_puts(o, ",\"cap\":");
        json_fen(o, b->has_cap, b->cap_fen);
        buf_puts(o, ",\"per\":");
        json_str_or_null(o, b->per);
        buf_putc(o, '}');
    }
    buf_puts(o, "],\"conditions\":[");
    for (int k = 0; k < c->n_conditions; k++) {
        const struct extract_condition *x = &c->conditions[k];
        buf_puts(o, k ? ",{\"field\":" : "{\"field\":");
        buf_json_str(o, x->field);
        buf_puts(o, ",\"op\":");
        buf_json_str(o, x->op);
        buf_puts(o, ",\"value\":");
        switch (x->type) {
        case EV_STR:
        case EV_DATE:
            buf_json_str(o, x->str);
            break;
        case EV_LIST:
            buf_putc(o, '[');
            for (int j = 0; j < x->n_list; j++) {
                if (j) buf_putc(o, ',');
                buf_json_str(o, x->list[j]);
            }
            buf_putc(o, ']');
            break;
        case EV_NUM:
            json_ratio(o, x->num);
            break;
        }
        buf_puts(o, ",\"text\":");
        json_str_or_null(o, x->text);
        buf_putc(o, '}');
    }
    buf_puts(o, "],\"deadline\":");
    json_str_or_null(o, c->deadline);
    buf_puts(o, ",\"department\":");
    json_str_or_null(o, c->department);
    buf_puts(o, ",\"contact\":");
    json_str_or_null(o, c->contact);
    buf_puts(o, ",\"rule\":");
    buf_json_str(o, c->rule);
    buf_puts(o, ",\"rule_notes\":[");
    for (int k = 0; k < c->n_rule_notes; k++) {
        if (k) buf_putc(o, ',');
        buf_json_str(o, c->rule_notes[k]);
    }
    buf_puts(o, "]}");
}
