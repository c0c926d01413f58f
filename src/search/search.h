/* Chinese full-text search over policies and clauses (智能问答 / 精确查找): normalisation (NFKC,
 * full-width → half-width, Traditional → Simplified), tokens (CJK bigrams and unigrams, Latin words
 * and numbers, longest-match lexicon words folded to synonym concepts), an immutable in-memory
 * inverted index with BM25 over weighted fields, queries with "phrases", -exclusions, amount words
 * ("50万以上"), filters and facets, UTF-8-safe snippets with highlights, and question answering
 * over clauses. Index generations are swapped by one pointer: readers never lock.
 *
 * The index is built from a plain list of documents (struct search_doc), so it can be fed from the
 * store or from JSON files (search_load_json). */
#ifndef DUIJIE_SEARCH_H
#define DUIJIE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"

#define SEARCH_NO_DATE INT32_MIN

/* One searchable document: a clause, or a whole policy without clauses. Strings are UTF-8 (checked
 * when the index is built) and may be NULL; the index copies what it keeps. */
struct search_doc {
    const char *id;           /* "QDKJ-2025-03.1", "001-2"; unique */
    const char *policy_id;    /* the policy it belongs to, or NULL */
    const char *title;        /* clause title (or policy title for a policy document) */
    const char *policy_title; /* the policy's title, for context */
    const char *subject;      /* who the clause is for (适用对象), or NULL */
    const char *text;         /* the clause text */
    const char *department;   /* 发布部门 */
    const char *region;       /* a region name or code understood by refdata, or NULL */
    const char *kind;         /* benefit kind: 奖励, 补助, 补贴, 贴息, … or NULL */
    const char *deadline;     /* as written ("2026-12-31", "有效期三年"), or NULL */
    const char *contact;      /* 联系方式, or NULL */
    int32_t issued;           /* days since 1970, or SEARCH_NO_DATE */
    int32_t valid_from;       /* days, or SEARCH_NO_DATE */
    int32_t valid_to;         /* days, or SEARCH_NO_DATE (no end) */
    bool is_repealed;         /* 废止: expired whatever the dates say */
    int64_t amount_fen;       /* the largest amount the clause names; -1 = scan the text for one */
    int64_t ref;              /* the store's clause id (for matching), 0 when none */
};

/* A growable list of documents whose strings live in its arena. */
struct search_doc_list {
    struct search_doc *docs; /* owned (malloc) */
    size_t n_docs;
    size_t cap;
    struct arena arena; /* owns every string of docs */
};

void search_doc_list_init(struct search_doc_list *l);
void search_doc_list_release(struct search_doc_list *l);
/* Appends a copy of d (strings copied into the list's arena). */
int search_doc_list_add(struct search_doc_list *l, const struct search_doc *d, struct error *err);
/* Loads documents from a JSON file of any of these shapes (UTF-8 checked, errors name the line):
 * - an array of policies with "clauses" (data/demo/policies.json): one document per clause;
 * - JSON lines of annotated clauses (clauses.jsonl); policy titles are read from src/NNN.txt next
 *   to the file when present;
 * - an array of plain documents {id, title, text, department, region, kind, issued, valid_from,
 *   valid_to, status, amount, deadline, contact}. */
int search_load_json(struct search_doc_list *l, const char *path, struct error *err);

struct store;
/* Adds one document per published or expired clause of the store (drafts are left out), id
 * "<policy code>.<seq>", with the policy's title, department, region and publication date. */
int search_load_store(struct search_doc_list *l, struct store *s, struct error *err);

/* ---- the lexicon: dictionary words and synonym concepts ---- */

struct search_lexicon;
/* The lexicon embedded in the binary (data/search_synonyms.txt), plus the field dictionary's
 * labels and aliases, qualification values, and Qingdao's region names. */
int search_lexicon_new(struct search_lexicon **out, struct error *err);
/* Adds the lines of a synonym file (same format as data/search_synonyms.txt) to lex. */
int search_lexicon_add_text(struct search_lexicon *lex, const char *text, size_t len,
                            struct error *err);
void search_lexicon_free(struct search_lexicon *lex);

/* ---- normalisation and tokens (exposed for tests and the bench's FTS5 comparison) ---- */

/* Normalises UTF-8 text for matching: NFKC, width folding, ASCII lower case, Traditional →
 * Simplified. Appends to out; if map is not NULL, map[i] (for each output byte i appended) gets the
 * byte offset in s of the code point it came from, so matches map back to the original. map must
 * hold 4 * len + 4 entries. ERR_UTF8 on invalid input, with err->offset set. */
int search_normalize(const char *s, size_t len, struct buf *out, uint32_t *map, struct error *err);

enum search_token_kind {
    SEARCH_TOK_BIGRAM = 1,
    SEARCH_TOK_UNIGRAM,
    SEARCH_TOK_WORD,    /* a Latin word or a number */
    SEARCH_TOK_CONCEPT, /* a lexicon word, folded to its synonym concept */
};

struct search_token {
    enum search_token_kind kind;
    uint64_t key;    /* the index key */
    uint32_t start;  /* byte offset in the normalised text */
    uint32_t len;    /* bytes */
    int32_t concept; /* SEARCH_TOK_CONCEPT: the concept id; else -1 */
};

/* Tokens of already normalised text, in text order; lex may be NULL (no concepts). Returns the
 * count (at most cap written; a larger return means the array was too small). */
size_t search_tokenize(const struct search_lexicon *lex, const char *norm, size_t len,
                       struct search_token *out, size_t cap);
/* The canonical name of a concept ("高新技术企业" for 高企). */
const char *search_concept_name(const struct search_lexicon *lex, int32_t concept);

/* ---- the index ---- */

struct search_index;
/* Builds an immutable index over docs (copied). The lexicon is shared, not owned: it must outlive
 * the index. */
int search_index_build(const struct search_lexicon *lex, const struct search_doc *docs,
                       size_t n_docs, struct search_index **out, struct error *err);
void search_index_free(struct search_index *idx);
size_t search_index_doc_count(const struct search_index *idx);
size_t search_index_bytes(const struct search_index *idx);

/* ---- queries ---- */

enum search_status { SEARCH_STATUS_ANY = 0, SEARCH_STATUS_IN_FORCE, SEARCH_STATUS_EXPIRED };

struct search_filter {
    const char *department; /* substring of the department (normalised), or NULL */
    const char *region;     /* region name or code: matches documents of that region, of regions
                               within it, and of regions containing it (a city policy applies in
                               every district); NULL = any */
    const char *kind;      /* benefit kind, folded through synonyms (补贴 = 补助); NULL = any */
    const char *policy_id; /* NULL = any */
    enum search_status status;
    int32_t issued_from, issued_to; /* SEARCH_NO_DATE = open */
    int64_t amount_min_fen;         /* -1 = none */
    int64_t amount_max_fen;         /* -1 = none */
};

void search_filter_init(struct search_filter *f);
/* Sets one filter from "key=value" text: department/部门, region/地区, kind/类别, policy,
 * status/状态 (in_force|有效|expired|失效), from/to (issue dates), amount_min/amount_max (money).
 */
int search_filter_set(struct search_filter *f, const char *kv, struct arena *a, struct error *err);

struct search_query {
    const char *q; /* the query as typed; UTF-8 */
    struct search_filter filter;
    int limit;         /* hits wanted (1..1000); 0 = 10 */
    int offset;        /* for paging */
    int32_t today;     /* for status; SEARCH_NO_DATE = date_today() */
    int snippet_chars; /* snippet length in characters; 0 = 80 */
};

enum search_intent {
    SEARCH_INTENT_NONE = 0,
    SEARCH_INTENT_AMOUNT,   /* 多少钱, 奖励多少 */
    SEARCH_INTENT_CRITERIA, /* 条件, 要求 */
    SEARCH_INTENT_DEADLINE, /* 截止, 什么时候 */
};

/* A highlighted span, in characters (code points) and bytes of the string it belongs to. */
struct search_span {
    uint32_t char_start, char_len;
    uint32_t byte_start, byte_len;
};

struct search_hit {
    const char *id, *policy_id, *title, *policy_title, *department, *region, *kind;
    const char *deadline, *contact;
    double score;
    bool is_expired;
    int64_t amount_fen; /* -1 when the clause names no amount */
    int32_t issued;
    const char *snippet;       /* a window of the text, "…" where cut; UTF-8 safe */
    struct search_span *spans; /* highlights in snippet */
    int n_spans;
    struct search_span *title_spans; /* highlights in title */
    int n_title_spans;
    int64_t ref; /* the store's clause id, 0 when none */
    int fit;     /* for a named enterprise: an enum tri set by the caller from the matching
                    engine (you qualify / might / not for you); -1 when not asked */
};

struct search_facet_value {
    const char *value;
    int count;
};

struct search_facet {
    const char *name; /* "department", "kind", "status", "region" */
    struct search_facet_value *values;
    int n_values;
};

/* The parsed query, reported back so a caller can show what was understood. */
struct search_parsed {
    const char **terms; /* the words searched for, after stop words and synonyms */
    int n_terms;
    const char **phrases;
    int n_phrases;
    const char **excluded;
    int n_excluded;
    enum search_intent intent;
    bool is_question;
    int64_t amount_min_fen, amount_max_fen; /* from amount words ("50万以上"); -1 none */
};

struct search_results {
    struct search_hit *hits; /* in the caller's arena */
    int n_hits;
    int64_t total; /* matching documents before limit/offset */
    struct search_facet facets[4];
    int n_facets;
    struct search_parsed parsed;
};

/* Runs q against idx. Everything in *res is allocated in arena a (so it outlives the index
 * generation it came from). ERR_UTF8 for invalid UTF-8, ERR_PARSE for an unclosed quote or an empty
 * query, ERR_TOO_LARGE for a query over 4 KiB. */
int search_run(const struct search_index *idx, const struct search_query *q, struct arena *a,
               struct search_results *res, struct error *err);
/* Frees the calling thread's query scratch (a thread that ran queries calls it before it ends). */
void search_thread_release(void);
/* Parses a query without running it (for the fuzz target and tests). */
int search_parse(const struct search_lexicon *lex, const char *q, struct arena *a,
                 struct search_parsed *out, struct error *err);

/* Marks each hit (by its store clause id) with the enterprise's result from the matching engine
 * on the store's published clauses for today, and orders the hits you qualify for first, then
 * might, then not, keeping the search order within each group. ERR_NOTFOUND when the store has no
 * such enterprise. */
int search_split_by_fit(struct store *s, const char *uscc, int32_t today,
                        struct search_results *res, struct error *err);

/* The snippet with highlights as HTML: text escaped, spans in <mark>…</mark>. */
void search_snippet_html(const char *snippet, const struct search_span *spans, int n_spans,
                         struct buf *out);
/* One result set as JSON (an object with hits, total, facets, parsed). */
void search_results_json(const struct search_results *res, struct buf *out);

/* ---- generations: an engine holds the current index; publishing swaps one pointer ---- */

struct search_engine;
int search_engine_new(struct search_engine **out, struct error *err);
/* Frees the engine and its current index (no reader may be running). */
void search_engine_free(struct search_engine *e);
/* Makes idx (owned from now on) the current generation; waits for the readers of the previous one
 * to finish, then frees it. Writers are serialised; readers never block. */
void search_engine_publish(struct search_engine *e, struct search_index *idx);
/* search_run on the current generation (ERR_NOTFOUND when none has been published). */
int search_engine_run(struct search_engine *e, const struct search_query *q, struct arena *a,
                      struct search_results *res, struct error *err);
/* How many generations have been published. */
uint64_t search_engine_generation(struct search_engine *e);

#endif
