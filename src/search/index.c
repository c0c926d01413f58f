/* Owns building the immutable inverted index: per-document normalised text, tokens weighted by
 * field (title > subject > text = department > policy title), BM25 tf components precomputed per
 * posting, idf per term, facet value ids. Does not parse queries (query.c) or publish generations
 * (engine.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "search/search_internal.h"

#define BM25_K1 1.2f
#define BM25_B 0.75f
#define TF_SCALE (65535.0f / (BM25_K1 + 1.0f))

enum { FIELD_TITLE, FIELD_SUBJECT, FIELD_TEXT, FIELD_DEPARTMENT, FIELD_POLICY, N_FIELDS };
static const float field_weight[N_FIELDS] = {3.0f, 2.0f, 1.0f, 1.0f, 0.5f};

static int nomem(struct error *err) {
    return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

struct build {
    struct search_index *idx;
    struct search_token *toks;
    size_t cap_toks;
    struct tw {
        uint64_t key;
        float w;
    } * tw;
    size_t cap_tw;
    uint32_t *p_term; /* temporary postings in doc order */
    float *p_tf;
    size_t n_post, cap_post;
    uint32_t *doc_start; /* n_docs + 1 */
    float *doc_len;
    struct strmap facet_map[3];
};

static uint64_t mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

int64_t index_term(const struct search_index *idx, uint64_t key) {
    size_t mask = idx->n_slots - 1;
    for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
        if (!idx->slot_term[i]) return -1;
        if (idx->slot_key[i] == key) return (int64_t)idx->slot_term[i] - 1;
    }
}

static int grow_dict(struct search_index *idx) {
    size_t n = idx->n_slots ? idx->n_slots * 2 : 1 << 16;
    uint64_t *k = calloc(n, sizeof *k);
    uint32_t *t = calloc(n, sizeof *t);
    if (!k || !t) {
        free(k);
        free(t);
        return ERR_NOMEM;
    }
    for (size_t i = 0; i < idx->n_slots; i++) {
        if (!idx->slot_term[i]) continue;
        size_t j = mix(idx->slot_key[i]) & (n - 1);
        while (t[j])
            j = (j + 1) & (n - 1);
        k[j] = idx->slot_key[i];
        t[j] = idx->slot_term[i];
    }
    free(idx->slot_key);
    free(idx->slot_term);
    idx->slot_key = k;
    idx->slot_term = t;
    idx->n_slots = n;
    return 0;
}

static int64_t term_add(struct search_index *idx, uint64_t key) {
    if ((size_t)idx->n_terms * 2 >= idx->n_slots && grow_dict(idx)) return -1;
    size_t mask = idx->n_slots - 1;
    for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
        if (!idx->slot_term[i]) {
            idx->slot_key[i] = key;
            idx->slot_term[i] = ++idx->n_terms;
            return idx->n_terms - 1;
        }
        if (idx->slot_key[i] == key) return (int64_t)idx->slot_term[i] - 1;
    }
}

static int cmp_tw(const void *a, const void *b) {
    uint64_t x = ((const struct tw *)a)->key, y = ((const struct tw *)b)->key;
    return x < y ? -1 : x > y;
}

static const char *dup(struct arena *a, const char *s) {
    return s ? arena_strdup(a, s) : NULL;
}

static int facet_id(struct build *b, int facet, const char *value) {
    if (!value || !*value) return -1;
    struct search_index *idx = b->idx;
    int64_t v;
    if (strmap_get(&b->facet_map[facet], value, strlen(value), &v)) return (int)v;
    int n = idx->n_facet_values[facet];
    if (n >= INT16_MAX) return -1; /* more distinct values than a facet shows: not counted */
    const char **names = realloc(idx->facet_names[facet], (size_t)(n + 1) * sizeof *names);
    if (!names) return -2;
    idx->facet_names[facet] = names;
    names[n] = value;
    idx->n_facet_values[facet] = n + 1;
    if (!strmap_put(&b->facet_map[facet], value, strlen(value), n)) return -2;
    return n;
}

/* Copies d into the index's record: strings, region, kind concept, amount, facet ids. */
static int copy_doc(struct build *b, const struct search_doc *d, struct doc_rec *r,
                    struct error *err) {
    struct search_index *idx = b->idx;
    struct arena *a = &idx->arena;
    r->id = dup(a, d->id);
    r->policy_id = dup(a, d->policy_id);
    r->title = dup(a, d->title ? d->title : "");
    r->policy_title = dup(a, d->policy_title);
    r->subject = dup(a, d->subject);
    r->text = dup(a, d->text ? d->text : "");
    r->department = dup(a, d->department);
    r->region_name = dup(a, d->region);
    r->kind = dup(a, d->kind);
    r->deadline = dup(a, d->deadline);
    r->contact = dup(a, d->contact);
    if (!r->id || !r->title || !r->text) return nomem(err);
    r->issued = d->issued;
    r->valid_from = d->valid_from;
    r->valid_to = d->valid_to;
    r->is_repealed = d->is_repealed;
    r->ref = d->ref;
    r->region = -1;
    if (d->region && *d->region) {
        struct error ignore;
        int ri = region_find(d->region, strlen(d->region), &ignore);
        if (ri >= 0) {
            r->region = ri;
            r->region_name = region_at(ri)->name;
        }
    }
    r->kind_concept = -1;
    if (d->kind && *d->kind) {
        size_t n;
        char *k = search_normalize_dup(d->kind, strlen(d->kind), &n, err);
        if (!k) return error_field(err, "kind");
        r->kind_concept = lex_concept_of(idx->lex, k, n);
        free(k);
    }
    r->amount_fen = d->amount_fen;
    if (r->amount_fen < 0) {
        size_t n;
        char *t = search_normalize_dup(r->text, strlen(r->text), &n, err);
        if (!t) return error_field(err, "text");
        r->amount_fen = search_scan_amount(t, n); /* 30萬元 reads as 30万元 */
        free(t);
    }
    r->dept_id = facet_id(b, 0, r->department);
    r->kind_id = facet_id(b, 1, r->kind);
    r->region_id = facet_id(b, 2, r->region_name);
    if (r->dept_id < -1 || r->kind_id < -1 || r->region_id < -1) return nomem(err);
    return 0;
}

static int ensure(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *x = realloc(*p, n * size);
    if (!x) return ERR_NOMEM;
    *p = x;
    *cap = n;
    return 0;
}

static int grow_postings(struct build *b) {
    if (b->n_post < b->cap_post) return 0;
    size_t cap = b->cap_post ? b->cap_post * 2 : 1 << 16;
    uint32_t *t = realloc(b->p_term, cap * sizeof *t);
    if (!t) return ERR_NOMEM;
    b->p_term = t;
    float *f = realloc(b->p_tf, cap * sizeof *f);
    if (!f) return ERR_NOMEM;
    b->p_tf = f;
    b->cap_post = cap;
    return 0;
}

/* Normalises the fields into one string (title \n subject \n text \n department \n policy title),
 * tokenises it, and appends the document's (term, weighted tf) postings. */
static int index_doc(struct build *b, size_t di, struct error *err) {
    struct search_index *idx = b->idx;
    struct doc_rec *r = &idx->docs[di];
    const char *fields[N_FIELDS] = {r->title, r->subject, r->text, r->department, r->policy_title};
    static const char *const names[N_FIELDS] = {"title", "subject", "text", "department",
                                                "policy_title"};
    size_t bounds[N_FIELDS + 1];
    struct buf nb;
    buf_init(&nb);
    for (int f = 0; f < N_FIELDS; f++) {
        bounds[f] = nb.len;
        if (fields[f] && search_normalize(fields[f], strlen(fields[f]), &nb, NULL, err)) {
            buf_release(&nb);
            error_field(err, names[f]);
            return err ? err->code : ERR_UTF8;
        }
        buf_putc(&nb, '\n');
    }
    bounds[N_FIELDS] = nb.len;
    if (nb.is_oom) {
        buf_release(&nb);
        return nomem(err);
    }
    r->norm = arena_strndup(&idx->arena, nb.data, nb.len);
    r->norm_len = (uint32_t)nb.len;
    buf_release(&nb);
    if (!r->norm) return nomem(err);
    size_t n = search_tokenize(idx->lex, r->norm, r->norm_len, b->toks, b->cap_toks);
    if (n > b->cap_toks) {
        if (ensure((void **)&b->toks, &b->cap_toks, n, sizeof *b->toks)) return nomem(err);
        n = search_tokenize(idx->lex, r->norm, r->norm_len, b->toks, b->cap_toks);
    }
    if (ensure((void **)&b->tw, &b->cap_tw, n + 1, sizeof *b->tw)) return nomem(err);
    float dl = 0;
    int f = 0;
    for (size_t i = 0; i < n; i++) {
        const struct search_token *t = &b->toks[i];
        f = 0;
        while (f + 1 < N_FIELDS && t->start >= bounds[f + 1])
            f++;
        b->tw[i] = (struct tw){t->key, field_weight[f]};
        if (t->kind == SEARCH_TOK_UNIGRAM || t->kind == SEARCH_TOK_WORD) dl += field_weight[f];
    }
    qsort(b->tw, n, sizeof *b->tw, cmp_tw);
    b->doc_len[di] = dl;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        float w = 0;
        while (j < n && b->tw[j].key == b->tw[i].key)
            w += b->tw[j++].w;
        int64_t term = term_add(idx, b->tw[i].key);
        if (term < 0 || grow_postings(b)) return nomem(err);
        b->p_term[b->n_post] = (uint32_t)term;
        b->p_tf[b->n_post++] = w;
        i = j;
    }
    b->doc_start[di + 1] = (uint32_t)b->n_post;
    return 0;
}

/* The temporary postings, in doc order, become per-term lists with BM25 tf components. */
static int finish(struct build *b, struct error *err) {
    struct search_index *idx = b->idx;
    size_t nt = idx->n_terms;
    idx->post_off = calloc(nt + 1, sizeof *idx->post_off);
    idx->post_doc = malloc((b->n_post + 1) * sizeof *idx->post_doc);
    idx->post_tf = malloc((b->n_post + 1) * sizeof *idx->post_tf);
    idx->idf = malloc((nt + 1) * sizeof *idx->idf);
    if (!idx->post_off || !idx->post_doc || !idx->post_tf || !idx->idf) return nomem(err);
    for (size_t i = 0; i < b->n_post; i++)
        idx->post_off[b->p_term[i] + 1]++;
    for (size_t t = 0; t < nt; t++)
        idx->post_off[t + 1] += idx->post_off[t];
    double total = 0;
    for (size_t d = 0; d < idx->n_docs; d++)
        total += b->doc_len[d];
    float avg = idx->n_docs && total > 0 ? (float)(total / (double)idx->n_docs) : 1.0f;
    uint32_t *fill = malloc((nt + 1) * sizeof *fill);
    if (!fill) return nomem(err);
    memcpy(fill, idx->post_off, nt * sizeof *fill);
    for (size_t d = 0; d < idx->n_docs; d++) {
        float norm = BM25_K1 * (1.0f - BM25_B + BM25_B * b->doc_len[d] / avg);
        for (uint32_t i = b->doc_start[d]; i < b->doc_start[d + 1]; i++) {
            float tf = b->p_tf[i];
            float c = tf * (BM25_K1 + 1.0f) / (tf + norm);
            uint32_t at = fill[b->p_term[i]]++;
            idx->post_doc[at] = (uint32_t)d;
            idx->post_tf[at] = (uint16_t)lrintf(c * TF_SCALE);
        }
    }
    free(fill);
    idx->hot = calloc(idx->n_docs + 1, sizeof *idx->hot);
    if (!idx->hot) return nomem(err);
    for (size_t d = 0; d < idx->n_docs; d++) {
        const struct doc_rec *r = &idx->docs[d];
        idx->hot[d] = (struct doc_hot){
            r->amount_fen,   r->issued,           r->valid_to,         r->region,
            r->kind_concept, (int16_t)r->dept_id, (int16_t)r->kind_id, (int16_t)r->region_id,
            r->is_repealed,  r->deadline != NULL};
    }
    double n = (double)idx->n_docs;
    for (size_t t = 0; t < nt; t++) {
        double df = idx->post_off[t + 1] - idx->post_off[t];
        idx->idf[t] = (float)log(1.0 + (n - df + 0.5) / (df + 0.5)) / TF_SCALE;
    }
    idx->bytes = b->n_post * 6 + nt * 8 + idx->n_slots * 12 + arena_bytes(&idx->arena) +
                 idx->n_docs * (sizeof *idx->docs + sizeof *idx->hot);
    return 0;
}

static void build_release(struct build *b) {
    free(b->toks);
    free(b->tw);
    free(b->p_term);
    free(b->p_tf);
    free(b->doc_start);
    free(b->doc_len);
    for (int i = 0; i < 3; i++)
        strmap_release(&b->facet_map[i]);
}

int search_index_build(const struct search_lexicon *lex, const struct search_doc *docs,
                       size_t n_docs, struct search_index **out, struct error *err) {
    *out = NULL;
    if (n_docs > UINT32_MAX / 2)
        return error_set(err, ERR_TOO_LARGE, "文档过多", "too many documents");
    struct search_index *idx = calloc(1, sizeof *idx);
    struct build b = {.idx = idx};
    for (int i = 0; i < 3; i++)
        strmap_init(&b.facet_map[i]);
    if (!idx) return nomem(err);
    idx->lex = lex;
    arena_init(&idx->arena, 1 << 20);
    idx->n_docs = n_docs;
    idx->docs = calloc(n_docs + 1, sizeof *idx->docs);
    b.doc_start = calloc(n_docs + 1, sizeof *b.doc_start);
    b.doc_len = calloc(n_docs + 1, sizeof *b.doc_len);
    int rc = (!idx->docs || !b.doc_start || !b.doc_len || grow_dict(idx)) ? nomem(err) : 0;
    struct strmap ids;
    strmap_init(&ids);
    for (size_t d = 0; !rc && d < n_docs; d++) {
        if (!docs[d].id || !*docs[d].id) {
            rc = error_set(err, ERR_INVALID, "第 %zu 个文档缺少 id", "document %zu has no id",
                           d + 1);
        } else if (strmap_get(&ids, docs[d].id, strlen(docs[d].id), &(int64_t){0})) {
            rc = error_set(err, ERR_CONFLICT, "文档 id 重复:%s", "duplicate document id: %s",
                           docs[d].id);
        } else if (!strmap_put(&ids, docs[d].id, strlen(docs[d].id), (int64_t)d)) {
            rc = nomem(err);
        } else {
            rc = copy_doc(&b, &docs[d], &idx->docs[d], err);
            if (!rc) rc = index_doc(&b, d, err);
            if (rc && err && !err->field[0]) error_field(err, docs[d].id);
        }
    }
    strmap_release(&ids);
    if (!rc) rc = finish(&b, err);
    build_release(&b);
    if (rc) {
        search_index_free(idx);
        return rc;
    }
    *out = idx;
    return 0;
}

void search_index_free(struct search_index *idx) {
    if (!idx) return;
    free(idx->docs);
    free(idx->hot);
    free(idx->slot_key);
    free(idx->slot_term);
    free(idx->post_off);
    free(idx->post_doc);
    free(idx->post_tf);
    free(idx->idf);
    for (int i = 0; i < 3; i++)
        free(idx->facet_names[i]);
    arena_release(&idx->arena);
    free(idx);
}

size_t search_index_doc_count(const struct search_index *idx) {
    return idx ? idx->n_docs : 0;
}
size_t search_index_bytes(const struct search_index *idx) {
    return idx ? idx->bytes : 0;
}
