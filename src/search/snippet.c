/* Owns highlights and snippets: which characters of an original (un-normalised) string match the
 * query (bigrams, words, synonym concepts, amounts), a window around the densest matches cut on
 * code point boundaries, spans in characters and bytes, HTML rendering and results as JSON. */
#include <stdlib.h>
#include <string.h>

#include "search/search_internal.h"
#include "text/number.h"
#include "util/num.h"
#include "util/utf8.h"

static bool plan_has(const struct query_plan *plan, uint64_t key) {
    for (int i = 0; i < plan->n_tokens; i++)
        if (plan->tokens[i].key == key) return true;
    return false;
}

static bool plan_has_concept(const struct search_lexicon *lex, const struct query_plan *plan,
                             int32_t concept) {
    int32_t cs[16];
    int n = lex_closure(lex, concept, cs, 16);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < plan->n_concepts; k++)
            if (plan->concepts[k] == cs[i]) return true;
    return false;
}

static void mark_range(unsigned char *marks, const uint32_t *map, size_t from, size_t to) {
    for (size_t i = from; i < to; i++)
        marks[map[i]] = 1;
}

void snippet_mark(const struct search_index *idx, const struct query_plan *plan, const char *s,
                  size_t len, unsigned char *marks, bool mark_amounts) {
    struct buf nb;
    buf_init(&nb);
    uint32_t *map = malloc((4 * len + 4) * sizeof *map);
    if (!map || search_normalize(s, len, &nb, map, NULL) || !nb.data) {
        free(map);
        buf_release(&nb);
        return;
    }
    size_t cap = 4 * nb.len + 16; /* a code point gives at most a unigram, a bigram, a word and
                                     concepts; the count is checked below anyway */
    struct search_token *toks = malloc(cap * sizeof *toks);
    size_t n = toks ? search_tokenize(idx->lex, nb.data, nb.len, toks, cap) : 0;
    if (n > cap) n = cap;
    for (size_t i = 0; i < n; i++) {
        const struct search_token *t = &toks[i];
        bool hit = t->kind == SEARCH_TOK_CONCEPT ? plan_has_concept(idx->lex, plan, t->concept)
                                                 : plan_has(plan, t->key);
        if (hit) mark_range(marks, map, t->start, t->start + t->len);
    }
    for (size_t i = 0; mark_amounts && i < nb.len; i++) {
        if (nb.data[i] < '1' || nb.data[i] > '9' ||
            (i && nb.data[i - 1] >= '0' && nb.data[i - 1] <= '9'))
            continue;
        struct quantity q;
        size_t m = text_parse_quantity(nb.data + i, nb.len - i, &q);
        bool scaled = m && (memmem(nb.data + i, m, "万", 3) || memmem(nb.data + i, m, "亿", 3));
        if (m && (q.unit == UNIT_YUAN || (q.unit == UNIT_NONE && scaled))) {
            size_t e = i + m;
            if (q.unit == UNIT_NONE && e + 3 <= nb.len && !memcmp(nb.data + e, "元", 3)) e += 3;
            mark_range(marks, map, i, e);
            i = e - 1;
        }
    }
    free(toks);
    free(map);
    buf_release(&nb);
}

/* Offsets of each code point in s, and the count. */
static uint32_t *cp_offsets(const char *s, size_t len, size_t *n) {
    uint32_t *off = malloc((len + 2) * sizeof *off);
    if (!off) return NULL;
    size_t k = 0;
    const char *p = s, *end = s + len;
    while (p < end) {
        off[k++] = (uint32_t)(p - s);
        utf8_next(&p, end);
    }
    off[k] = (uint32_t)len;
    *n = k;
    return off;
}

/* Spans of marked characters in s[off[from]..off[to]), shifted by (chars, bytes). */
static int collect_spans(const char *s, const uint32_t *off, size_t from, size_t to,
                         const unsigned char *marks, uint32_t shift_chars, uint32_t shift_bytes,
                         struct arena *a, struct search_span **spans, int *n_spans) {
    (void)s;
    int n = 0;
    for (size_t i = from; i < to; i++)
        if (marks[off[i]] && (i == from || !marks[off[i - 1]])) n++;
    *spans = arena_alloc(a, (size_t)(n + 1) * sizeof **spans);
    *n_spans = 0;
    if (!*spans) return ERR_NOMEM;
    for (size_t i = from; i < to;) {
        if (!marks[off[i]]) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < to && marks[off[j]])
            j++;
        (*spans)[(*n_spans)++] =
            (struct search_span){(uint32_t)(i - from) + shift_chars, (uint32_t)(j - i),
                                 off[i] - off[from] + shift_bytes, off[j] - off[i]};
        i = j;
    }
    return 0;
}

int snippet_spans(const char *s, size_t len, const unsigned char *marks, struct arena *a,
                  struct search_span **spans, int *n_spans) {
    size_t n;
    uint32_t *off = cp_offsets(s, len, &n);
    if (!off) return ERR_NOMEM;
    int rc = collect_spans(s, off, 0, n, marks, 0, 0, a, spans, n_spans);
    free(off);
    return rc;
}

int snippet_make(const char *s, size_t len, const unsigned char *marks, int width, struct arena *a,
                 const char **snippet, struct search_span **spans, int *n_spans) {
    size_t n;
    uint32_t *off = cp_offsets(s, len, &n);
    if (!off) return ERR_NOMEM;
    size_t w = (size_t)width, start = 0;
    if (n > w) {
        /* the window with the most marked characters; a little context before the first */
        size_t best = 0, cur = 0;
        for (size_t i = 0; i < w; i++)
            cur += marks[off[i]];
        best = cur;
        for (size_t i = w; i < n; i++) {
            cur += marks[off[i]];
            cur -= marks[off[i - w]];
            if (cur > best) best = cur, start = i - w + 1;
        }
        size_t back = w / 8;
        start = start > back ? start - back : 0;
        if (start + w > n) start = n - w;
    }
    size_t end = start + w < n ? start + w : n;
    bool pre = start > 0, post = end < n;
    size_t bytes = off[end] - off[start];
    char *out = arena_alloc(a, bytes + 7);
    if (!out) {
        free(off);
        return ERR_NOMEM;
    }
    size_t k = 0;
    if (pre) memcpy(out, "…", 3), k = 3;
    memcpy(out + k, s + off[start], bytes);
    k += bytes;
    if (post) memcpy(out + k, "…", 3), k += 3;
    out[k] = 0;
    *snippet = out;
    int rc = collect_spans(s, off, start, end, marks, pre ? 1 : 0, pre ? 3 : 0, a, spans, n_spans);
    free(off);
    return rc;
}

static void html_escape(struct buf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            buf_puts(out, "&amp;");
            break;
        case '<':
            buf_puts(out, "&lt;");
            break;
        case '>':
            buf_puts(out, "&gt;");
            break;
        case '"':
            buf_puts(out, "&quot;");
            break;
        case '\'':
            buf_puts(out, "&#39;");
            break;
        default:
            buf_putc(out, s[i]);
        }
    }
}

void search_snippet_html(const char *snippet, const struct search_span *spans, int n_spans,
                         struct buf *out) {
    size_t len = strlen(snippet), at = 0;
    for (int i = 0; i < n_spans; i++) {
        size_t b = spans[i].byte_start, e = b + spans[i].byte_len;
        if (b < at || e > len) continue;
        html_escape(out, snippet + at, b - at);
        buf_puts(out, "<mark>");
        html_escape(out, snippet + b, e - b);
        buf_puts(out, "</mark>");
        at = e;
    }
    html_escape(out, snippet + at, len - at);
}

static void json_key_str(struct buf *b, const char *key, const char *v) {
    buf_printf(b, ",\"%s\":", key);
    if (v)
        buf_json_str(b, v);
    else
        buf_puts(b, "null");
}

static void json_spans(struct buf *b, const struct search_span *s, int n) {
    buf_putc(b, '[');
    for (int i = 0; i < n; i++)
        buf_printf(b, "%s[%u,%u]", i ? "," : "", s[i].char_start, s[i].char_len);
    buf_putc(b, ']');
}

static void json_hit(struct buf *b, const struct search_hit *h) {
    buf_puts(b, "{\"id\":");
    buf_json_str(b, h->id);
    json_key_str(b, "policy_id", h->policy_id);
    json_key_str(b, "title", h->title);
    json_key_str(b, "policy_title", h->policy_title);
    json_key_str(b, "department", h->department);
    json_key_str(b, "region", h->region);
    json_key_str(b, "kind", h->kind);
    if (h->amount_fen >= 0) {
        char m[64];
        buf_printf(b, ",\"amount_fen\":%lld", (long long)h->amount_fen);
        json_key_str(b, "amount", money_format(h->amount_fen, m, sizeof m));
    } else {
        buf_puts(b, ",\"amount_fen\":null,\"amount\":null");
    }
    json_key_str(b, "deadline", h->deadline);
    json_key_str(b, "contact", h->contact);
    buf_printf(b, ",\"expired\":%s,\"score\":%.4f", h->is_expired ? "true" : "false", h->score);
    if (h->ref) buf_printf(b, ",\"clause_id\":%lld", (long long)h->ref);
    if (h->fit >= 0)
        buf_printf(b, ",\"fit\":\"%s\"",
                   h->fit == 1   ? "eligible"
                   : h->fit == 0 ? "ineligible"
                                 : "unknown");
    json_key_str(b, "snippet", h->snippet);
    buf_puts(b, ",\"highlights\":");
    json_spans(b, h->spans, h->n_spans);
    buf_puts(b, ",\"title_highlights\":");
    json_spans(b, h->title_spans, h->n_title_spans);
    struct buf html;
    buf_init(&html);
    search_snippet_html(h->snippet, h->spans, h->n_spans, &html);
    json_key_str(b, "snippet_html", buf_str(&html));
    buf_release(&html);
    buf_putc(b, '}');
}

static void json_strings(struct buf *b, const char *key, const char **v, int n) {
    buf_printf(b, ",\"%s\":[", key);
    for (int i = 0; i < n; i++) {
        if (i) buf_putc(b, ',');
        buf_json_str(b, v[i]);
    }
    buf_putc(b, ']');
}

void search_results_json(const struct search_results *res, struct buf *b) {
    static const char *const intents[] = {"none", "amount", "criteria", "deadline"};
    buf_printf(b, "{\"total\":%lld,\"hits\":[", (long long)res->total);
    for (int i = 0; i < res->n_hits; i++) {
        if (i) buf_putc(b, ',');
        json_hit(b, &res->hits[i]);
    }
    buf_puts(b, "],\"facets\":{");
    for (int f = 0; f < res->n_facets; f++) {
        const struct search_facet *fc = &res->facets[f];
        buf_printf(b, "%s\"%s\":[", f ? "," : "", fc->name);
        for (int i = 0; i < fc->n_values; i++) {
            buf_puts(b, i ? ",{\"value\":" : "{\"value\":");
            buf_json_str(b, fc->values[i].value);
            buf_printf(b, ",\"count\":%d}", fc->values[i].count);
        }
        buf_putc(b, ']');
    }
    const struct search_parsed *p = &res->parsed;
    buf_printf(b, "},\"parsed\":{\"question\":%s,\"intent\":\"%s\"",
               p->is_question ? "true" : "false", intents[p->intent]);
    json_strings(b, "terms", p->terms, p->n_terms);
    json_strings(b, "phrases", p->phrases, p->n_phrases);
    json_strings(b, "excluded", p->excluded, p->n_excluded);
    buf_printf(b, ",\"amount_min_fen\":%lld,\"amount_max_fen\":%lld}}",
               (long long)p->amount_min_fen, (long long)p->amount_max_fen);
}
