/* Owns the query language: normalisation of the query, "phrases", -exclusions, amount words
 * ("50万以上", "不超过100万元") turned into filters, stop and question words dropped (their intent
 * kept), lexicon words folded to concepts, the rest as Han bigrams and Latin words. Produces a
 * query_plan; does not touch the index. */
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "search/search_internal.h"
#include "text/number.h"
#include "util/utf8.h"

#define QUERY_MAX_BYTES 4096
#define CONCEPT_WEIGHT 1.5f
#define SURFACE_WEIGHT 0.3f

struct parser {
    const struct search_lexicon *lex;
    const char *s; /* normalised query */
    size_t len;
    struct arena *a;
    struct query_plan *plan;
};

static int add_token(struct query_plan *p, int term, uint64_t key, float w) {
    for (int i = 0; i < p->n_tokens; i++)
        if (p->tokens[i].key == key && p->tokens[i].term == term) return 0;
    if (p->n_tokens >= PLAN_MAX_TOKENS) return 0; /* further tokens add little; keep the first */
    int bit = p->n_tokens;
    p->tokens[p->n_tokens++] = (struct plan_token){key, w, term};
    p->terms[term].mask |= 1ULL << bit;
    return 1;
}

static int new_term(struct parser *ps, int kind, const char *s, size_t len, int32_t concept) {
    struct query_plan *p = ps->plan;
    for (int i = 0; i < p->n_terms; i++)
        if ((int)p->terms[i].kind == kind && p->terms[i].len == len &&
            !memcmp(p->terms[i].text, s, len))
            return -1;
    if (p->n_terms >= PLAN_MAX_TERMS) return -1;
    const char *t = arena_strndup(ps->a, s, len);
    if (!t) return -1;
    struct plan_term *pt = &p->terms[p->n_terms];
    memset(pt, 0, sizeof *pt);
    pt->kind = kind;
    pt->text = t;
    pt->len = len;
    pt->concept = concept;
    pt->region = -1;
    if (kind == TERM_CONCEPT) {
        const char *name = search_concept_name(ps->lex, concept);
        struct error ignore;
        int r = name ? region_find(name, strlen(name), &ignore) : -1;
        pt->region = r >= 0 && region_at(r)->level >= REGION_CITY ? r : -1;
    }
    return p->n_terms++;
}

/* Bigrams of the Han characters in s (a unigram when there is one), and Latin words. */
static void add_text_tokens(struct query_plan *p, int term, const char *s, size_t len, float w) {
    struct search_token toks[256];
    size_t n = search_tokenize(NULL, s, len, toks, 256);
    if (n > 256) n = 256;
    size_t n_han = 0;
    for (size_t i = 0; i < n; i++)
        n_han += toks[i].kind == SEARCH_TOK_UNIGRAM;
    for (size_t i = 0; i < n; i++) {
        if (toks[i].kind == SEARCH_TOK_BIGRAM || toks[i].kind == SEARCH_TOK_WORD ||
            (toks[i].kind == SEARCH_TOK_UNIGRAM && n_han == 1))
            add_token(p, term, toks[i].key, w);
    }
}

static void add_run(struct parser *ps, const char *s, size_t len) {
    if (!len) return;
    int t = new_term(ps, TERM_RUN, s, len, -1);
    if (t >= 0) add_text_tokens(ps->plan, t, s, len, 1.0f);
}

static void add_concept(struct parser *ps, const char *s, size_t len, int32_t concept) {
    int t = new_term(ps, TERM_CONCEPT, s, len, concept);
    if (t < 0) return;
    struct query_plan *p = ps->plan;
    if (add_token(p, t, KEY_CONCEPT(concept), CONCEPT_WEIGHT))
        p->terms[t].core = 1ULL << (p->n_tokens - 1);
    add_text_tokens(p, t, s, len, SURFACE_WEIGHT);
    if (p->n_concepts < PLAN_MAX_TERMS) p->concepts[p->n_concepts++] = concept;
}

static bool at(const char *s, size_t len, size_t i, const char *w) {
    size_t n = strlen(w);
    return i + n <= len && !memcmp(s + i, w, n);
}

static bool ends_with(const char *s, size_t len, const char *w) {
    size_t n = strlen(w);
    return len >= n && !memcmp(s + len - n, w, n);
}

static const char *const min_before[] = {"不低于", "不少于", "超过", "至少",
                                         "大于",   "高于",   "多于"};
static const char *const max_before[] = {"不超过", "不高于", "低于", "少于", "小于", "最多"};
static const char *const min_after[] = {"及以上", "以上", "起"};
static const char *const max_after[] = {"及以下", "以下", "以内", "之内"};
#define N_OF(a) (sizeof(a) / sizeof *(a))

/* An amount with a comparator at s[i]: sets the plan's amount filter, trims the comparator off the
 * pending run (*run_len) and returns the bytes consumed; 0 when there is none. */
static size_t parse_amount(struct parser *ps, size_t i, const char *run, size_t *run_len) {
    struct quantity q;
    size_t n = text_parse_quantity(ps->s + i, ps->len - i, &q);
    if (!n) return 0;
    bool scaled = memmem(ps->s + i, n, "万", 3) || memmem(ps->s + i, n, "亿", 3);
    if (!(q.unit == UNIT_YUAN || (q.unit == UNIT_NONE && scaled))) return 0;
    if (q.unit == UNIT_NONE && at(ps->s, ps->len, i + n, "元")) n += 3;
    int dir = 0;
    size_t trim = 0, after = 0;
    for (size_t k = 0; k < N_OF(min_before) && !dir; k++)
        if (ends_with(run, *run_len, min_before[k])) dir = 1, trim = strlen(min_before[k]);
    for (size_t k = 0; k < N_OF(max_before) && !dir; k++)
        if (ends_with(run, *run_len, max_before[k])) dir = -1, trim = strlen(max_before[k]);
    for (size_t k = 0; k < N_OF(min_after) && !dir; k++)
        if (at(ps->s, ps->len, i + n, min_after[k])) dir = 1, after = strlen(min_after[k]);
    for (size_t k = 0; k < N_OF(max_after) && !dir; k++)
        if (at(ps->s, ps->len, i + n, max_after[k])) dir = -1, after = strlen(max_after[k]);
    if (!dir) return 0;
    struct ratio fen = q.value;
    if (fen.num > INT64_MAX / 100 || fen.num < 0) return 0;
    fen.num *= 100;
    int64_t v = ratio_floor(fen);
    if (dir > 0)
        ps->plan->amount_min_fen = v;
    else
        ps->plan->amount_max_fen = v;
    *run_len -= trim;
    return n + after;
}

static bool is_sep(int32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == ',' || cp == ';' ||
           cp == ':' || cp == '?' || cp == '!' || cp == '.' || cp == 0x3001 || cp == 0x3002 ||
           cp == '(' || cp == ')' || cp == '/' || cp == '+' || cp == '|' || cp == 0x300A ||
           cp == 0x300B || cp == '<' || cp == '>' || cp == '[' || cp == ']';
}

static int parse_phrase(struct parser *ps, size_t *i, struct error *err) {
    size_t start = *i + 1;
    const char *close = memchr(ps->s + start, '"', ps->len - start);
    if (!close) {
        error_set(err, ERR_PARSE, "引号没有闭合", "unclosed quote");
        if (err) {
            err->col = (int)utf8_count(ps->s, *i) + 1;
            err->offset = (int64_t)*i;
        }
        return ERR_PARSE;
    }
    size_t len = (size_t)(close - ps->s) - start;
    size_t tl = len;
    const char *t = utf8_trim(ps->s + start, &tl);
    if (tl) {
        int term = new_term(ps, TERM_PHRASE, t, tl, -1);
        if (term >= 0) add_text_tokens(ps->plan, term, t, tl, 1.0f);
    }
    *i = (size_t)(close - ps->s) + 1;
    return 0;
}

static void parse_exclusion(struct parser *ps, size_t *i) {
    size_t start = *i + 1, j = start;
    while (j < ps->len && ps->s[j] != ' ' && ps->s[j] != '"')
        j++;
    struct query_plan *p = ps->plan;
    if (j > start && p->n_excluded < 16) {
        p->excluded[p->n_excluded] = arena_strndup(ps->a, ps->s + start, j - start);
        p->excluded_len[p->n_excluded] = j - start;
        if (p->excluded[p->n_excluded]) p->n_excluded++;
    }
    *i = j;
}

/* A stretch of text without spaces or quotes: lexicon words, amounts, Latin words, Han runs. */
static void parse_chunk(struct parser *ps, size_t *pi) {
    struct query_plan *p = ps->plan;
    size_t i = *pi, run_start = i, run_len = 0;
    while (i < ps->len) {
        const char *q = ps->s + i;
        int32_t cp = utf8_next(&q, ps->s + ps->len);
        size_t cl = (size_t)(q - (ps->s + i));
        if (cp == ' ' || cp == '"') break;
        size_t m;
        int e = lex_match(ps->lex, ps->s + i, ps->len - i, &m);
        if (e >= 0) {
            add_run(ps, ps->s + run_start, run_len);
            const struct lex_entry *le = &ps->lex->entries[e];
            if (le->kind == LEX_CONCEPT) add_concept(ps, ps->s + i, m, le->concept);
            if (le->kind != LEX_CONCEPT) p->is_question = true;
            if (le->kind == LEX_INTENT) {
                if (!p->intent) p->intent = le->intent;
                if (le->intent != SEARCH_INTENT_AMOUNT) add_run(ps, ps->s + i, m);
            }
            i += m;
            run_start = i, run_len = 0;
            continue;
        }
        if (cp >= '0' && cp <= '9') {
            size_t used = parse_amount(ps, i, ps->s + run_start, &run_len);
            if (used) {
                add_run(ps, ps->s + run_start, run_len);
                i += used;
                run_start = i, run_len = 0;
                continue;
            }
        }
        if (search_is_han(cp)) {
            if (!run_len) run_start = i;
            run_len += cl;
            i += cl;
            continue;
        }
        add_run(ps, ps->s + run_start, run_len);
        run_len = 0;
        if (cp == '?') p->is_question = true;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            size_t j = i;
            while (j < ps->len &&
                   ((ps->s[j] >= 'a' && ps->s[j] <= 'z') || (ps->s[j] >= '0' && ps->s[j] <= '9')))
                j++;
            int t = new_term(ps, TERM_WORD, ps->s + i, j - i, -1);
            if (t >= 0) add_token(p, t, search_word_key(ps->s + i, j - i), 1.0f);
            i = j;
        } else {
            i += cl;
        }
        run_start = i;
    }
    add_run(ps, ps->s + run_start, run_len);
    *pi = i;
}

int plan_build(const struct search_lexicon *lex, const char *q, size_t len, struct arena *a,
               struct query_plan *plan, struct error *err) {
    memset(plan, 0, sizeof *plan);
    plan->amount_min_fen = plan->amount_max_fen = -1;
    if (!q) return error_set(err, ERR_PARSE, "查询为空", "empty query");
    if (len > QUERY_MAX_BYTES)
        return error_set(err, ERR_TOO_LARGE, "查询过长(上限 %d 字节)",
                         "query too long (at most %d bytes)", QUERY_MAX_BYTES);
    size_t nl;
    char *norm = search_normalize_dup(q, len, &nl, err);
    if (!norm) return err ? err->code : ERR_UTF8;
    struct parser ps = {lex, norm, nl, a, plan};
    int rc = 0;
    size_t i = 0;
    while (!rc && i < nl) {
        const char *p = norm + i;
        int32_t cp = utf8_next(&p, norm + nl);
        bool word_start = i == 0 || norm[i - 1] == ' ';
        if (cp == '"') {
            rc = parse_phrase(&ps, &i, err);
        } else if (cp == '-' && word_start && i + 1 < nl && norm[i + 1] != ' ') {
            parse_exclusion(&ps, &i);
        } else if (cp == ' ' || is_sep(cp)) {
            if (cp == '?') plan->is_question = true;
            i = (size_t)(p - norm);
        } else {
            parse_chunk(&ps, &i);
        }
    }
    free(norm);
    return rc;
}

int plan_describe(const struct search_lexicon *lex, const struct query_plan *plan, struct arena *a,
                  struct search_parsed *out, struct error *err) {
    memset(out, 0, sizeof *out);
    out->terms = arena_alloc(a, (size_t)(plan->n_terms + 1) * sizeof *out->terms);
    out->phrases = arena_alloc(a, (size_t)(plan->n_terms + 1) * sizeof *out->phrases);
    out->excluded = arena_alloc(a, (size_t)(plan->n_excluded + 1) * sizeof *out->excluded);
    if (!out->terms || !out->phrases || !out->excluded)
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int i = 0; i < plan->n_terms; i++) {
        const struct plan_term *t = &plan->terms[i];
        const char *name = t->kind == TERM_CONCEPT ? search_concept_name(lex, t->concept) : t->text;
        if (t->kind == TERM_PHRASE)
            out->phrases[out->n_phrases++] = t->text;
        else
            out->terms[out->n_terms++] = name;
    }
    for (int i = 0; i < plan->n_excluded; i++)
        out->excluded[out->n_excluded++] = plan->excluded[i];
    out->intent = plan->intent;
    out->is_question = plan->is_question;
    out->amount_min_fen = plan->amount_min_fen;
    out->amount_max_fen = plan->amount_max_fen;
    return 0;
}

int search_parse(const struct search_lexicon *lex, const char *q, struct arena *a,
                 struct search_parsed *out, struct error *err) {
    memset(out, 0, sizeof *out);
    struct query_plan *plan = arena_alloc(a, sizeof *plan);
    if (!plan) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int rc = plan_build(lex, q, q ? strlen(q) : 0, a, plan, err);
    if (rc) return rc;
    return plan_describe(lex, plan, a, out, err);
}
