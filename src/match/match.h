/* Matching: a compiled rule's condition run as a bitmap plan over one index generation (clause →
 * enterprises: eligible, unknown, ineligible, and "nearly eligible" grouped by the one condition
 * that fails), counts by district, industry section and size from bitmap cardinalities, and one
 * enterprise against every published clause (enterprise → clauses, ranked by estimated award).
 *
 * Walks the rules module's public tree (rules.h) and asks the index for atoms; an atom the index
 * cannot answer (arithmetic over fields) is evaluated row by row with the rules evaluator, so every
 * answer is the evaluator's answer. Reads the store only to load the published clauses (catalog);
 * knows nothing of HTTP. */
#ifndef DUIJIE_MATCH_H
#define DUIJIE_MATCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <roaring/roaring.h>

#include "enterprise/enterprise.h"
#include "index/index.h"
#include "rules/rules.h"
#include "util/error.h"
#include "util/tri.h"

/* ---- clause → enterprises ---- */

/* The three-way split of the live rows of a generation; each bitmap owned. */
struct match_sets {
    roaring_bitmap_t *eligible;
    roaring_bitmap_t *unknown;
    roaring_bitmap_t *ineligible;
};

int match_cond(const struct index_gen *g, const struct rule_cond *c, struct match_sets *out,
               struct error *err);
/* The same on the rows of scope only (a subset of the live rows, e.g. one district's; NULL = every
 * live row): the three sets partition scope. */
int match_cond_within(const struct index_gen *g, const struct rule_cond *c,
                      const roaring_bitmap_t *scope, struct match_sets *out, struct error *err);
void match_sets_release(struct match_sets *s);

/* The eligible rows alone (a push list): cheaper than match_cond, because under AND each condition
 * only runs on the rows still TRUE. The bitmap is the caller's. */
int match_eligible(const struct index_gen *g, const struct rule_cond *c, roaring_bitmap_t **out,
                   struct error *err);

/* Nearly eligible: rows for which exactly one top-level condition (a conjunct of the rule's AND,
 * or the whole condition when it is not an AND) is FALSE and every other one is TRUE. */
struct match_near_group {
    const struct rule_cond *cond; /* the failing conjunct (in the rule's tree) */
    roaring_bitmap_t *rows;       /* owned */
};

struct match_nearly {
    struct match_near_group *groups; /* one per conjunct, in source order (owned) */
    int n_groups;
};

int match_nearly(const struct index_gen *g, const struct rule_cond *c, struct match_nearly *out,
                 struct error *err);
/* The same on the rows of scope only (NULL = every live row). */
int match_nearly_within(const struct index_gen *g, const struct rule_cond *c,
                        const roaring_bitmap_t *scope, struct match_nearly *out, struct error *err);
void match_nearly_release(struct match_nearly *n);

/* ---- counts for dashboards ---- */

struct match_count {
    int value; /* refdata region index (a district), industry index (a section), or size class */
    uint64_t n;
};

/* |set| by Qingdao district (区市), industry section (门类) and size class, from bitmap
 * cardinalities; only non-zero counts, in refdata / value order. */
struct match_breakdown {
    uint64_t total;
    struct match_count district[32];
    int n_district;
    struct match_count section[32];
    int n_section;
    struct match_count size[4];
    int n_size;
};

void match_breakdown(const struct index_gen *g, const roaring_bitmap_t *set,
                     struct match_breakdown *out);

/* ---- enterprise → clauses ---- */

/* One published clause to match against. The rule version must outlive the clause set. */
struct match_clause_in {
    int64_t id;                      /* the clause's id in the store */
    const struct rule_version *rule; /* the version in force */
    int32_t deadline;                /* application deadline (days); INT32_MAX when none */
};

struct match_clauses; /* the clauses compiled to a flat form: shared atoms, postfix programs */

int match_clauses_new(const struct match_clause_in *in, int n, struct match_clauses **out,
                      struct error *err);
void match_clauses_free(struct match_clauses *cs);
int match_clauses_count(const struct match_clauses *cs);
/* Distinct atoms after sharing equal ones between clauses. */
int match_clauses_atoms(const struct match_clauses *cs);

struct match_hit {
    int clause;      /* index into the array given to match_clauses_new */
    int64_t id;      /* its id */
    enum tri result; /* eligible, unknown or ineligible */
    bool has_award;
    int64_t award_fen; /* estimated award (eligible and unknown only) */
    int32_t deadline;
};

/* Every clause for one derived profile, ranked: eligible first, then unknown, then ineligible;
 * within each by estimated award (largest first), then deadline (soonest first), then id. hits
 * must hold match_clauses_count(cs) entries. Thread-safe. ERR_NOMEM when scratch space fails. */
int match_enterprise(const struct match_clauses *cs, const struct profile *p,
                     struct match_hit *hits);
/* The rules evaluator's full explanation of one hit (per-condition outcome and award text). */
int match_explain(const struct match_clauses *cs, int clause, const struct profile *p,
                  struct rule_eval *out, struct error *err);

/* ---- the published clauses of a store ---- */

struct store;
struct clause;

struct match_catalog {
    struct arena arena;     /* the clause rows (titles, rule sources) */
    struct clause *clauses; /* published clauses in id order (in arena) */
    int n_clauses;
    struct rule **rules;        /* per clause: compiled, NULL when it does not compile (owned) */
    int n_failed;               /* clauses whose rule did not compile */
    struct match_clause_in *in; /* the clauses with a version in force on `today` (owned) */
    int *clause_of;             /* in[k] is clauses[clause_of[k]] (owned) */
    int n_in;
    struct match_clauses *set; /* in, compiled (owned) */
    uint64_t serial; /* unique in the process (a catalog's address may be reused once freed): what
                        caches of answers over this catalog are keyed by */
};

/* ---- JSON for the CLI and the API ---- */

/* {"total": n, "by_district": [{"code", "name", "count"}], "by_section": [...], "by_size": [...]}
 */
json_t *match_breakdown_json(const struct match_breakdown *b);
/* {"counts": {"eligible", "unknown", "ineligible", "nearly"}, "eligible": breakdown, "unknown":
 * breakdown, "nearly": [{"condition", "count"}]} for a condition over g. */
int match_preview_json(const struct index_gen *g, const struct rule_cond *c, json_t **out,
                       struct error *err);
/* The same counted on the rows of scope only (NULL = every live row): what a district-scoped role
 * sees of a rule. */
int match_preview_json_within(const struct index_gen *g, const struct rule_cond *c,
                              const roaring_bitmap_t *scope, json_t **out, struct error *err);
/* The evaluator's explanation as JSON, one object per condition: condition (for people, 非
 * applied), outcome (eligible / ineligible / unknown: does the condition help the clause hold),
 * text (with the enterprise's value), decisive (one of the conditions that decided the clause's
 * status), rule (the atom as the rule writes it) and truth (true / false / unknown: the atom's own
 * value, ignoring 非). */
json_t *match_explanation_json(const struct rule_eval *ev);
/* One hit for an enterprise: clause id, title, status, award (fen and text), deadline, and the
 * evaluator's explanation when explain is set. */
json_t *match_hit_json(const struct match_catalog *cat, const struct match_hit *h,
                       const struct profile *p, bool explain);

/* ---- coverage: every clause in force counted on a scope (the dashboard) ---- */

/* Each published clause with a version in force on the generation's date, counted on the rows
 * of one scope. Immutable and shared once made; give it back with match_coverage_release. */
struct match_coverage {
    atomic_int refs;
    uint64_t rows;      /* rows counted: the scope's, or every live row */
    int n;              /* clauses in force, in catalog order */
    int *clause;        /* clause[k]: index into the catalog's clauses (owned) */
    int64_t *clause_id; /* its id, ascending (owned) */
    uint64_t *rule_key; /* its rule source's key (SHA-256, 64 bits): the same key and id, the same
                           counts on the same generation, under another catalog (owned) */
    uint64_t *eligible; /* per k (owned) */
    uint64_t *unknown;  /* per k (owned) */
    int n_none;         /* clauses no row of the scope is eligible for */
};

/* The coverage of cat on g for the rows registered within region (a refdata region index, the
 * caller's area; -1: the whole city). Cached on g (index_gen_extra) by (cat->serial, region):
 * the first call for a key computes, later ones on the same generation and catalog look it up;
 * a first call for a new catalog (a clause published, changed or withdrawn) copies the counts of
 * the clauses whose rule did not change from the previous catalog's answer and counts the rest.
 * The answer is match_coverage_compute's. */
int match_coverage(const struct index_gen *g, const struct match_catalog *cat, int region,
                   const struct match_coverage **out, struct error *err);
/* The same, computed now (the cache's fill, and what tests compare it with). */
int match_coverage_compute(const struct index_gen *g, const struct match_catalog *cat, int region,
                           const struct match_coverage **out, struct error *err);
void match_coverage_release(const struct match_coverage *c);
/* After an edit of one enterprise (added, changed or removed: uscc) made g_new from g_old, moves
 * g_old's cached answers for cat over to g_new: each clause's counts shifted by that enterprise's
 * outcome on g_old and on g_new (two evaluations of every clause in force, ~0.3 ms at 10,000
 * clauses) instead of a recount of every row (seconds at a city's size). Answers g_new already has
 * are kept; an answer that does not fit (another catalog, another day) is not carried. Returns how
 * many were carried. */
int match_coverage_carry(const struct index_gen *g_old, const struct index_gen *g_new,
                         const struct match_catalog *cat, const char *uscc);
/* How many clauses have been counted on an index (not copied from a cached answer) since the
 * process started: what tests and the bench read to see that a cache spared the work. */
uint64_t match_coverage_counted(void);
/* The cache's slots per generation: scopes beyond it evict the least recently used. */
#define MATCH_COVERAGE_SCOPES 16

/* Loads and compiles every published clause. */
int match_catalog_load(struct store *s, int32_t today, struct match_catalog **out,
                       struct error *err);
void match_catalog_free(struct match_catalog *c);

#endif
