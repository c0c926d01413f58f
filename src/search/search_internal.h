/* Shared inside src/search only: the lexicon's and the index's layouts, token keys, and the
 * helpers the module's files call on one another. Not part of the public interface. */
#ifndef DUIJIE_SEARCH_INTERNAL_H
#define DUIJIE_SEARCH_INTERNAL_H

#include "search/search.h"
#include "util/strmap.h"

/* Token keys: the kind in the top 4 bits. Bigrams and unigrams are exact (code points packed);
 * words are a 60-bit hash. */
#define KEY_BIGRAM(a, b) ((1ULL << 60) | ((uint64_t)(uint32_t)(a) << 21) | (uint64_t)(uint32_t)(b))
#define KEY_UNIGRAM(a) ((2ULL << 60) | (uint64_t)(uint32_t)(a))
#define KEY_WORD(h) ((3ULL << 60) | ((h) & ((1ULL << 60) - 1)))
#define KEY_CONCEPT(c) ((4ULL << 60) | (uint64_t)(uint32_t)(c))

enum lex_kind { LEX_CONCEPT = 1, LEX_STOP, LEX_INTENT };

/* strmap values: the entry index in the low 32 bits, flags above. */
#define LEX_IS_FULL (1LL << 40)
#define LEX_IS_PREFIX (1LL << 41)

struct lex_entry {
    enum lex_kind kind;
    int32_t concept;           /* LEX_CONCEPT */
    enum search_intent intent; /* LEX_INTENT */
};

struct lex_concept {
    const char *name; /* canonical surface, in the arena */
    int32_t *broader; /* malloc'd: direct broader concepts */
    int n_broader;
    const char **surfaces; /* malloc'd: normalised surfaces */
    int n_surfaces;
};

struct search_lexicon {
    struct strmap map;         /* normalised surface (and every prefix) → entry | flags */
    struct lex_entry *entries; /* malloc'd */
    int n_entries, cap_entries;
    struct lex_concept *concepts; /* malloc'd */
    int n_concepts, cap_concepts;
    int max_chars; /* the longest surface, in code points */
    struct arena arena;
};

/* The longest lexicon entry starting at s[0..len) (normalised text): its entry index, and its
 * length in bytes in *n; -1 when none. */
int lex_match(const struct search_lexicon *lex, const char *s, size_t len, size_t *n);
/* The concepts a concept implies (itself first, then its broader ones, transitively); returns the
 * count (≤ cap). */
int lex_closure(const struct search_lexicon *lex, int32_t concept, int32_t *out, int cap);
/* The concept of a whole normalised string, -1 when it is not a lexicon concept surface. */
int32_t lex_concept_of(const struct search_lexicon *lex, const char *s, size_t len);

bool search_is_han(int32_t cp);
uint64_t search_word_key(const char *s, size_t len);
/* Normalise into a fresh malloc'd string (no offset map). NULL with err set on error. */
char *search_normalize_dup(const char *s, size_t len, size_t *out_len, struct error *err);
/* The largest money amount written in text (fen), -1 when none. */
int64_t search_scan_amount(const char *s, size_t len);

/* One document as the index keeps it. Strings are in the index arena. */
struct doc_rec {
    const char *id, *policy_id, *title, *policy_title, *subject, *text, *department, *region_name,
        *kind, *deadline, *contact;
    const char *norm; /* normalised title \n subject \n text \n department \n policy title */
    uint32_t norm_len;
    int32_t issued, valid_from, valid_to;
    int region;                      /* refdata index, -1 unknown */
    int32_t kind_concept;            /* -1 none */
    int dept_id, kind_id, region_id; /* facet value ids, -1 none */
    bool is_repealed;
    int64_t amount_fen;
    int64_t ref;
};

/* What a query reads of every candidate, packed so a scan over 100,000 clauses stays in cache. */
struct doc_hot {
    int64_t amount_fen;
    int32_t issued, valid_to, region, kind_concept;
    int16_t dept_id, kind_id, region_id;
    uint8_t is_repealed, has_deadline;
};

struct search_index {
    const struct search_lexicon *lex; /* shared, not owned */
    struct doc_rec *docs;             /* malloc'd */
    struct doc_hot *hot;              /* malloc'd, one per doc */
    size_t n_docs;
    /* term dictionary: open addressing on key; slot value = term id + 1, 0 = empty */
    uint64_t *slot_key;
    uint32_t *slot_term;
    size_t n_slots; /* a power of two */
    uint32_t n_terms;
    uint32_t *post_off;          /* n_terms + 1 */
    uint32_t *post_doc;          /* doc numbers, ascending per term */
    uint16_t *post_tf;           /* BM25 tf component, scaled to 0..65535 over 0..k1+1 */
    float *idf;                  /* per term */
    const char **facet_names[3]; /* department, kind, region names by id */
    int n_facet_values[3];
    struct arena arena; /* owns every string */
    size_t bytes;
};

/* The term id of key, -1 when absent. */
int64_t index_term(const struct search_index *idx, uint64_t key);

/* Highlights: marks the bytes of original text s (len bytes) that match the parsed query; marks
 * holds len bytes. */
struct query_plan;
void snippet_mark(const struct search_index *idx, const struct query_plan *plan, const char *s,
                  size_t len, unsigned char *marks, bool mark_amounts);
int snippet_make(const char *s, size_t len, const unsigned char *marks, int width, struct arena *a,
                 const char **snippet, struct search_span **spans, int *n_spans);
int snippet_spans(const char *s, size_t len, const unsigned char *marks, struct arena *a,
                  struct search_span **spans, int *n_spans);

/* The parsed query as the executor uses it. */
#define PLAN_MAX_TOKENS 64
#define PLAN_MAX_TERMS 32
struct plan_token {
    uint64_t key;
    float weight;
    int term; /* the term it belongs to */
};
struct plan_term {
    enum { TERM_RUN, TERM_CONCEPT, TERM_WORD, TERM_PHRASE } kind;
    const char *text; /* normalised surface, in the arena */
    size_t len;
    int32_t concept; /* TERM_CONCEPT */
    uint64_t mask;   /* the bits of its tokens */
    uint64_t core;   /* bits that mean "fully matched" (the concept token), 0 for bigram terms */
    int region;      /* a region word (崂山区): refdata index, else -1 */
};
struct query_plan {
    struct plan_token tokens[PLAN_MAX_TOKENS];
    int n_tokens;
    struct plan_term terms[PLAN_MAX_TERMS];
    int n_terms;
    const char *excluded[16]; /* normalised */
    size_t excluded_len[16];
    int n_excluded;
    int32_t concepts[PLAN_MAX_TERMS]; /* concepts to highlight */
    int n_concepts;
    enum search_intent intent;
    bool is_question;
    int64_t amount_min_fen, amount_max_fen; /* from amount words; -1 none */
};
int plan_build(const struct search_lexicon *lex, const char *q, size_t len, struct arena *a,
               struct query_plan *plan, struct error *err);
int plan_describe(const struct search_lexicon *lex, const struct query_plan *plan, struct arena *a,
                  struct search_parsed *out, struct error *err);

#endif
