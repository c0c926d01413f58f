/* Owns running a query against one index generation: BM25 accumulation over the plan's tokens,
 * term coverage, required phrases and exclusions checked on the normalised text, filters, facets,
 * validity and recency, top-k selection, and copying hits (with snippets) into the caller's arena.
 * Scratch arrays are per thread, so concurrent readers share nothing mutable. */
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "search/search_internal.h"
#include "text/number.h"
#include "util/date.h"

#define EXPIRED_FACTOR 0.4f
#define COMMON_SHARE 0.2

static int nomem(struct error *err) {
    return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

void search_filter_init(struct search_filter *f) {
    memset(f, 0, sizeof *f);
    f->issued_from = f->issued_to = SEARCH_NO_DATE;
    f->amount_min_fen = f->amount_max_fen = -1;
}

static bool key_is(const char *k, size_t n, const char *a, const char *b) {
    return (strlen(a) == n && !memcmp(k, a, n)) || (strlen(b) == n && !memcmp(k, b, n));
}

int search_filter_set(struct search_filter *f, const char *kv, struct arena *a, struct error *err) {
    const char *eq = strchr(kv, '=');
    if (!eq)
        return error_set(err, ERR_PARSE, "筛选条件应为 键=值:“%s”", "a filter is key=value: \"%s\"",
                         kv);
    size_t kl = (size_t)(eq - kv);
    const char *v = eq + 1;
    size_t vl = strlen(v);
    char *copy = arena_strdup(a, v);
    if (!copy) return nomem(err);
    if (key_is(kv, kl, "department", "部门")) {
        f->department = copy;
    } else if (key_is(kv, kl, "region", "地区")) {
        f->region = copy;
    } else if (key_is(kv, kl, "kind", "类别")) {
        f->kind = copy;
    } else if (key_is(kv, kl, "policy", "政策")) {
        f->policy_id = copy;
    } else if (key_is(kv, kl, "status", "状态")) {
        if (!strcmp(v, "in_force") || !strcmp(v, "有效") || !strcmp(v, "现行"))
            f->status = SEARCH_STATUS_IN_FORCE;
        else if (!strcmp(v, "expired") || !strcmp(v, "失效") || !strcmp(v, "过期"))
            f->status = SEARCH_STATUS_EXPIRED;
        else if (!strcmp(v, "any") || !strcmp(v, "全部"))
            f->status = SEARCH_STATUS_ANY;
        else
            return error_set(err, ERR_INVALID, "状态应为 有效/失效/全部:“%s”",
                             "status is in_force, expired or any: \"%s\"", v);
    } else if (key_is(kv, kl, "from", "起始")) {
        return date_parse(v, vl, &f->issued_from, err);
    } else if (key_is(kv, kl, "to", "截止")) {
        return date_parse(v, vl, &f->issued_to, err);
    } else if (key_is(kv, kl, "amount_min", "最低金额")) {
        return text_parse_money(v, vl, &f->amount_min_fen, err);
    } else if (key_is(kv, kl, "amount_max", "最高金额")) {
        return text_parse_money(v, vl, &f->amount_max_fen, err);
    } else {
        return error_set(err, ERR_INVALID, "未知筛选项“%.*s”", "unknown filter \"%.*s\"", (int)kl,
                         kv);
    }
    return 0;
}

/* A filter resolved against the index: region index, normalised department surfaces, kind. */
struct prepared {
    const struct search_filter *f;
    int region;
    const char *dept[32];
    size_t dept_len[32];
    int n_dept;
    int32_t kind_concept;
    const char *kind_norm;
    int32_t today;
};

static int prepare_text(const struct search_lexicon *lex, const char *s, struct arena *a,
                        const char **out, size_t *out_len, int32_t *concept, struct error *err) {
    size_t n;
    char *norm = search_normalize_dup(s, strlen(s), &n, err);
    if (!norm) return err ? err->code : ERR_UTF8;
    *out = arena_strndup(a, norm, n);
    *out_len = n;
    free(norm);
    if (!*out) return nomem(err);
    *concept = lex_concept_of(lex, *out, n);
    return 0;
}

static int prepare(const struct search_index *idx, const struct search_query *q, struct arena *a,
                   struct prepared *p, struct error *err) {
    memset(p, 0, sizeof *p);
    const struct search_filter *f = &q->filter;
    p->f = f;
    p->region = -1;
    p->kind_concept = -1;
    p->today = q->today == SEARCH_NO_DATE ? date_today() : q->today;
    if (f->region && *f->region) {
        p->region = region_find(f->region, strlen(f->region), err);
        if (p->region < 0) return error_field(err, "region");
    }
    if (f->department && *f->department) {
        int32_t c;
        int rc = prepare_text(idx->lex, f->department, a, &p->dept[0], &p->dept_len[0], &c, err);
        if (rc) return error_field(err, "department");
        p->n_dept = 1;
        if (c >= 0) {
            const struct lex_concept *lc = &idx->lex->concepts[c];
            for (int i = 0; i < lc->n_surfaces && p->n_dept < 32; i++, p->n_dept++) {
                p->dept[p->n_dept] = lc->surfaces[i];
                p->dept_len[p->n_dept] = strlen(lc->surfaces[i]);
            }
        }
    }
    if (f->kind && *f->kind) {
        size_t n;
        int rc = prepare_text(idx->lex, f->kind, a, &p->kind_norm, &n, &p->kind_concept, err);
        if (rc) return error_field(err, "kind");
    }
    return 0;
}

static bool is_expired(const struct doc_hot *h, int32_t today) {
    return h->is_repealed || (h->valid_to != SEARCH_NO_DATE && h->valid_to < today);
}

/* The department is the 4th line of the normalised text. */
static bool dept_matches(const struct prepared *p, const struct doc_rec *r) {
    const char *s = r->norm, *end = r->norm + r->norm_len;
    for (int line = 0; line < 3 && s; line++) {
        s = memchr(s, '\n', (size_t)(end - s));
        if (s) s++;
    }
    const char *e = s ? memchr(s, '\n', (size_t)(end - s)) : NULL;
    for (int i = 0; e && i < p->n_dept; i++)
        if (memmem(s, (size_t)(e - s), p->dept[i], p->dept_len[i])) return true;
    return false;
}

static bool passes(const struct search_index *idx, const struct prepared *p,
                   const struct query_plan *plan, uint32_t d) {
    const struct search_filter *f = p->f;
    const struct doc_hot *h = &idx->hot[d];
    if (p->region >= 0 && (h->region < 0 || !(region_is_within(p->region, h->region) ||
                                              region_is_within(h->region, p->region))))
        return false;
    if (p->kind_norm) {
        if (p->kind_concept >= 0 ? h->kind_concept != p->kind_concept
                                 : (!idx->docs[d].kind || strcmp(idx->docs[d].kind, f->kind)))
            return false;
    }
    if (f->status == SEARCH_STATUS_IN_FORCE && is_expired(h, p->today)) return false;
    if (f->status == SEARCH_STATUS_EXPIRED && !is_expired(h, p->today)) return false;
    if (f->issued_from != SEARCH_NO_DATE &&
        (h->issued == SEARCH_NO_DATE || h->issued < f->issued_from))
        return false;
    if (f->issued_to != SEARCH_NO_DATE && (h->issued == SEARCH_NO_DATE || h->issued > f->issued_to))
        return false;
    int64_t lo = f->amount_min_fen >= 0 ? f->amount_min_fen : plan->amount_min_fen;
    int64_t hi = f->amount_max_fen >= 0 ? f->amount_max_fen : plan->amount_max_fen;
    if (lo >= 0 && h->amount_fen < lo) return false;
    if (hi >= 0 && (h->amount_fen < 0 || h->amount_fen > hi)) return false;
    const struct doc_rec *r = &idx->docs[d];
    if (f->policy_id && (!r->policy_id || strcmp(f->policy_id, r->policy_id))) return false;
    if (p->n_dept && !dept_matches(p, r)) return false;
    return true;
}

/* ---- per-thread scratch ---- */

struct scratch {
    float *acc;
    uint64_t *mask;
    uint32_t *touched;
    size_t cap;
};
static _Thread_local struct scratch tls;

void search_thread_release(void) {
    free(tls.acc);
    free(tls.mask);
    free(tls.touched);
    memset(&tls, 0, sizeof tls);
}

static int scratch_ensure(size_t n) {
    if (tls.cap >= n) return 0;
    free(tls.acc);
    free(tls.mask);
    free(tls.touched);
    tls.acc = calloc(n, sizeof *tls.acc);
    tls.mask = calloc(n, sizeof *tls.mask);
    tls.touched = malloc(n * sizeof *tls.touched);
    tls.cap = tls.acc && tls.mask && tls.touched ? n : 0;
    return tls.cap ? 0 : ERR_NOMEM;
}

/* ---- top-k ---- */

struct cand {
    float score;
    uint32_t doc;
    bool is_expired;
};

static bool better(const struct cand *a, const struct cand *b) {
    if (a->score != b->score) return a->score > b->score;
    return a->doc < b->doc;
}

/* A heap with the worst candidate at the root. */
static void heap_push(struct cand *h, int *n, int k, struct cand c) {
    if (*n == k) {
        if (!better(&c, &h[0])) return;
        h[0] = c;
    } else {
        int i = (*n)++;
        h[i] = c;
        while (i > 0 && better(&h[(i - 1) / 2], &h[i])) {
            struct cand t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return;
    }
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, w = i;
        if (l < *n && better(&h[w], &h[l])) w = l;
        if (r < *n && better(&h[w], &h[r])) w = r;
        if (w == i) break;
        struct cand t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

static int cmp_cand(const void *a, const void *b) {
    return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

/* ---- scoring ---- */

static float coverage(const struct query_plan *plan, uint64_t mask) {
    float sum = 0;
    int n = 0;
    for (int t = 0; t < plan->n_terms; t++) {
        const struct plan_term *pt = &plan->terms[t];
        if (pt->kind == TERM_PHRASE || !pt->mask) continue;
        n++;
        if (pt->core && (mask & pt->core)) {
            sum += 1.0f;
            continue;
        }
        float part =
            (float)__builtin_popcountll(mask & pt->mask) / (float)__builtin_popcountll(pt->mask);
        sum += pt->core ? 0.5f * part : part;
    }
    return n ? sum / (float)n : 1.0f;
}

static bool required_ok(const struct query_plan *plan, const struct doc_rec *r, uint64_t mask) {
    for (int t = 0; t < plan->n_terms; t++) {
        const struct plan_term *pt = &plan->terms[t];
        if (pt->kind != TERM_PHRASE) continue;
        if ((mask & pt->mask) != pt->mask) return false;
        if (!memmem(r->norm, r->norm_len, pt->text, pt->len)) return false;
    }
    for (int i = 0; i < plan->n_excluded; i++)
        if (memmem(r->norm, r->norm_len, plan->excluded[i], plan->excluded_len[i])) return false;
    return true;
}

static float adjust(const struct query_plan *plan, const struct doc_hot *h, int32_t today,
                    float s) {
    if (plan->intent == SEARCH_INTENT_AMOUNT && h->amount_fen > 0) s *= 1.15f;
    if (plan->intent == SEARCH_INTENT_DEADLINE && h->has_deadline) s *= 1.1f;
    if (h->issued != SEARCH_NO_DATE) {
        float age = (float)(today - h->issued) / 365.0f;
        if (age < 0) age = 0;
        s *= 1.0f + 0.05f * (age < 5 ? (5 - age) / 5 : 0);
    }
    return s;
}

#define COV_CACHE 64

struct run_state {
    const struct search_index *idx;
    const struct query_plan *plan;
    struct prepared prep;
    struct cand *heap;
    int n_heap, k;
    int64_t total;
    int *facet_counts[3];
    int status_counts[2];
    bool has_filter, has_required, has_region_terms;
    uint64_t cov_mask[COV_CACHE]; /* coverage per token mask, memoised (few distinct masks) */
    float cov_value[COV_CACHE];
};

static float coverage_of(struct run_state *st, uint64_t mask) {
    size_t slot = (size_t)((mask * 0x9E3779B97F4A7C15ULL) >> 58);
    if (st->cov_mask[slot] == mask) return st->cov_value[slot];
    float c = coverage(st->plan, mask);
    st->cov_mask[slot] = mask;
    st->cov_value[slot] = c;
    return c;
}

static void consider(struct run_state *st, uint32_t d, float acc, uint64_t mask) {
    const struct search_index *idx = st->idx;
    const struct doc_hot *h = &idx->hot[d];
    if (st->has_filter && !passes(idx, &st->prep, st->plan, d)) return;
    if (st->has_required && !required_ok(st->plan, &idx->docs[d], mask)) return;
    /* a region word is met by a clause of that region or of one containing it (a city policy
       applies in each district) even when the text does not name it */
    for (int t = 0; st->has_region_terms && t < st->plan->n_terms; t++) {
        const struct plan_term *pt = &st->plan->terms[t];
        if (pt->region >= 0 && h->region >= 0 && !(mask & pt->core) &&
            (region_is_within(pt->region, h->region) || region_is_within(h->region, pt->region)))
            mask |= pt->core;
    }
    float s = 1.0f;
    if (st->plan->n_tokens) {
        float cov = coverage_of(st, mask);
        s = acc * (0.2f + 0.8f * cov * cov);
    }
    s = adjust(st->plan, h, st->prep.today, s);
    bool expired = is_expired(h, st->prep.today);
    /* expired after in-force clauses of similar relevance, but still found when nothing else is */
    if (expired) s *= EXPIRED_FACTOR;
    st->total++;
    if (h->dept_id >= 0) st->facet_counts[0][h->dept_id]++;
    if (h->kind_id >= 0) st->facet_counts[1][h->kind_id]++;
    if (h->region_id >= 0) st->facet_counts[2][h->region_id]++;
    st->status_counts[expired]++;
    if (st->n_heap == st->k && s < st->heap[0].score) return;
    heap_push(st->heap, &st->n_heap, st->k, (struct cand){s, d, expired});
}

/* Accumulates BM25 over every token's postings. Returns the bits of the selective tokens (found in
 * at most COMMON_SHARE of the clauses): when there are any, a clause that matches only common ones
 * (奖励, 企业 in a 100,000-clause corpus) is not a hit, which keeps broad words from turning every
 * clause into a candidate. 0 when every token is common. */
static uint64_t accumulate(struct run_state *st, size_t *n_touched) {
    const struct search_index *idx = st->idx;
    const struct query_plan *plan = st->plan;
    uint32_t common = (uint32_t)((double)idx->n_docs * COMMON_SHARE);
    uint32_t df[PLAN_MAX_TOKENS];
    for (int i = 0; i < plan->n_tokens; i++) {
        int64_t t = index_term(idx, plan->tokens[i].key);
        df[i] = t < 0 ? 0 : idx->post_off[t + 1] - idx->post_off[t];
    }
    /* a term is selective when its concept (or its rarest bigram) is */
    uint64_t selective = 0;
    for (int k = 0; k < plan->n_terms; k++) {
        const struct plan_term *pt = &plan->terms[k];
        uint32_t best = UINT32_MAX;
        for (int i = 0; i < plan->n_tokens; i++)
            if ((((pt->core ? pt->core : pt->mask) >> i) & 1) && df[i] && df[i] < best)
                best = df[i];
        if (best <= common) selective |= pt->mask;
    }
    /* selective tokens first: once they have chosen the candidates, a common token only adds to
       clauses already touched (a clause it alone would bring is not a candidate anyway) */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < plan->n_tokens; i++) {
            const struct plan_token *tok = &plan->tokens[i];
            bool is_selective = (selective >> i) & 1;
            if (is_selective != (pass == 0)) continue;
            /* a common bigram of a lexicon word only breaks ties; skip its long list */
            if (!is_selective && tok->weight < 1.0f && df[i] > common) continue;
            int64_t t = index_term(idx, tok->key);
            if (t < 0) continue;
            float w = tok->weight * idx->idf[t];
            uint64_t bit = 1ULL << i;
            const uint32_t *pd = idx->post_doc + idx->post_off[t];
            const uint16_t *pf = idx->post_tf + idx->post_off[t];
            uint32_t n = idx->post_off[t + 1] - idx->post_off[t];
            if (selective && pass == 1) {
                for (uint32_t p = 0; p < n; p++) {
                    uint32_t d = pd[p];
                    if (!tls.mask[d]) continue;
                    tls.mask[d] |= bit;
                    tls.acc[d] += w * (float)pf[p];
                }
                continue;
            }
            for (uint32_t p = 0; p < n; p++) {
                uint32_t d = pd[p];
                if (!tls.mask[d]) tls.touched[(*n_touched)++] = d;
                tls.mask[d] |= bit;
                tls.acc[d] += w * (float)pf[p];
            }
        }
    }
    return selective;
}

/* ---- results ---- */

static const char *adup(struct arena *a, const char *s) {
    return s ? arena_strdup(a, s) : NULL;
}

static int make_hit(struct run_state *st, const struct search_query *q, const struct cand *c,
                    struct arena *a, struct search_hit *h) {
    const struct doc_rec *r = &st->idx->docs[c->doc];
    memset(h, 0, sizeof *h);
    h->id = adup(a, r->id);
    h->policy_id = adup(a, r->policy_id);
    h->title = adup(a, r->title);
    h->policy_title = adup(a, r->policy_title);
    h->department = adup(a, r->department);
    h->region = adup(a, r->region_name);
    h->kind = adup(a, r->kind);
    h->deadline = adup(a, r->deadline);
    h->contact = adup(a, r->contact);
    h->score = c->score;
    h->is_expired = c->is_expired;
    h->amount_fen = r->amount_fen;
    h->issued = r->issued;
    h->ref = r->ref;
    h->fit = -1;
    size_t tl = strlen(r->text), hl = strlen(r->title);
    unsigned char *marks = calloc(tl + hl + 2, 1);
    if (!marks) return ERR_NOMEM;
    snippet_mark(st->idx, st->plan, r->text, tl, marks, st->plan->intent == SEARCH_INTENT_AMOUNT);
    int rc = snippet_make(r->text, tl, marks, q->snippet_chars > 0 ? q->snippet_chars : 80, a,
                          &h->snippet, &h->spans, &h->n_spans);
    if (!rc) {
        memset(marks, 0, hl + 1);
        snippet_mark(st->idx, st->plan, r->title, hl, marks, false);
        rc = snippet_spans(r->title, hl, marks, a, &h->title_spans, &h->n_title_spans);
    }
    free(marks);
    return rc;
}

static int cmp_facet(const void *a, const void *b) {
    const struct search_facet_value *x = a, *y = b;
    if (x->count != y->count) return y->count - x->count;
    return strcmp(x->value, y->value);
}

static int make_facets(struct run_state *st, struct arena *a, struct search_results *res) {
    static const char *const names[] = {"department", "kind", "region"};
    for (int f = 0; f < 3; f++) {
        struct search_facet *fc = &res->facets[res->n_facets++];
        fc->name = names[f];
        int n = st->idx->n_facet_values[f];
        fc->values = arena_alloc(a, (size_t)(n + 1) * sizeof *fc->values);
        if (!fc->values) return ERR_NOMEM;
        for (int i = 0; i < n; i++)
            if (st->facet_counts[f][i])
                fc->values[fc->n_values++] = (struct search_facet_value){
                    arena_strdup(a, st->idx->facet_names[f][i]), st->facet_counts[f][i]};
        qsort(fc->values, (size_t)fc->n_values, sizeof *fc->values, cmp_facet);
    }
    struct search_facet *fc = &res->facets[res->n_facets++];
    fc->name = "status";
    fc->values = arena_alloc(a, 2 * sizeof *fc->values);
    if (!fc->values) return ERR_NOMEM;
    if (st->status_counts[0])
        fc->values[fc->n_values++] = (struct search_facet_value){"有效", st->status_counts[0]};
    if (st->status_counts[1])
        fc->values[fc->n_values++] = (struct search_facet_value){"失效", st->status_counts[1]};
    return 0;
}

static int finish_results(struct run_state *st, const struct search_query *q, struct arena *a,
                          struct search_results *res, struct error *err) {
    qsort(st->heap, (size_t)st->n_heap, sizeof *st->heap, cmp_cand);
    int off = q->offset > 0 ? q->offset : 0;
    int n = st->n_heap > off ? st->n_heap - off : 0;
    res->hits = arena_alloc(a, (size_t)(n + 1) * sizeof *res->hits);
    if (!res->hits) return nomem(err);
    for (int i = 0; i < n; i++)
        if (make_hit(st, q, &st->heap[off + i], a, &res->hits[res->n_hits++])) return nomem(err);
    res->total = st->total;
    if (make_facets(st, a, res)) return nomem(err);
    return 0;
}

static int run_plan(struct run_state *st, const struct search_query *q, struct arena *a,
                    struct search_results *res, struct error *err) {
    const struct search_index *idx = st->idx;
    if (scratch_ensure(idx->n_docs + 1)) return nomem(err);
    size_t n_touched = 0;
    if (st->plan->n_tokens) {
        uint64_t selective = accumulate(st, &n_touched);
        for (size_t i = 0; i < n_touched; i++) {
            uint32_t d = tls.touched[i];
            if (!selective || (tls.mask[d] & selective)) consider(st, d, tls.acc[d], tls.mask[d]);
            tls.acc[d] = 0;
            tls.mask[d] = 0;
        }
    } else {
        for (size_t d = 0; d < idx->n_docs; d++)
            consider(st, (uint32_t)d, 0, 0);
    }
    return finish_results(st, q, a, res, err);
}

int search_run(const struct search_index *idx, const struct search_query *q, struct arena *a,
               struct search_results *res, struct error *err) {
    memset(res, 0, sizeof *res);
    struct run_state st = {.idx = idx};
    struct query_plan *plan = arena_alloc(a, sizeof *plan);
    if (!plan) return nomem(err);
    int rc = plan_build(idx->lex, q->q, q->q ? strlen(q->q) : 0, a, plan, err);
    if (rc) return rc;
    st.plan = plan;
    const struct search_filter *f = &q->filter;
    bool has_filter = f->department || f->region || f->kind || f->policy_id || f->status ||
                      f->issued_from != SEARCH_NO_DATE || f->issued_to != SEARCH_NO_DATE ||
                      f->amount_min_fen >= 0 || f->amount_max_fen >= 0 ||
                      plan->amount_min_fen >= 0 || plan->amount_max_fen >= 0;
    if (!plan->n_tokens && !has_filter)
        return error_set(err, ERR_PARSE, "查询没有可搜索的词", "the query has no words to search");
    rc = prepare(idx, q, a, &st.prep, err);
    if (rc) return rc;
    st.has_filter = has_filter;
    for (int t = 0; t < plan->n_terms; t++) {
        st.has_required |= plan->terms[t].kind == TERM_PHRASE;
        st.has_region_terms |= plan->terms[t].region >= 0;
    }
    st.has_required |= plan->n_excluded > 0; /* cov_mask 0 = empty slot: no candidate has mask 0 */
    int limit = q->limit > 0 ? q->limit : 10;
    if (limit > 1000) limit = 1000;
    if (q->offset > 10000)
        return error_set(err, ERR_RANGE, "翻页过深(偏移上限 10000)", "offset over 10000");
    st.k = limit + (q->offset > 0 ? q->offset : 0);
    st.heap = malloc((size_t)st.k * sizeof *st.heap);
    for (int f2 = 0; f2 < 3; f2++)
        st.facet_counts[f2] = calloc((size_t)idx->n_facet_values[f2] + 1, sizeof(int));
    if (!st.heap || !st.facet_counts[0] || !st.facet_counts[1] || !st.facet_counts[2])
        rc = nomem(err);
    if (!rc) rc = run_plan(&st, q, a, res, err);
    free(st.heap);
    for (int f2 = 0; f2 < 3; f2++)
        free(st.facet_counts[f2]);
    if (rc) return rc;
    return plan_describe(idx->lex, plan, a, &res->parsed, err);
}
