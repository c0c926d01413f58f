/* The rule language: a policy clause's eligibility condition and award formula, written so a
 * policy officer can read it and compiled so a machine decides exactly. This header is the
 * module's whole public face: the compiled tree (for src/match and src/index to walk), evaluation
 * of one enterprise with explanations (three-valued, money in fen), canonical formatting, and SQL
 * generation (SQLite and PostgreSQL) over the tables of docs/STORE.md. The language itself is
 * described in docs/RULES.md.
 *
 * A compiled rule owns one arena; every node below lives in it and dies with rules_free(). A
 * compiled rule is immutable, so any number of threads may evaluate it at once.
 *
 * Walking a condition for a bitmap engine: RC_AND / RC_OR / RC_NOT combine with Kleene logic;
 * RC_CMP with is_simple is (field op k), k exact in the field's representation; RC_IN over a
 * region or industry field holds when the value lies within one of values[] (unknown when the
 * value is coarser than all of those it could lie in), over an enum when it equals one; RC_HAS
 * needs every value in values[]; RC_BOOL is the field being true. Anything else (an RC_CMP that
 * is not simple: arithmetic over fields) can be decided row by row with rules_eval_cond on that
 * atom. Tiers inside conditions are already lowered to plain atoms by the compiler. */
#ifndef DUIJIE_RULES_H
#define DUIJIE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enterprise/enterprise.h"
#include "schema/schema.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/num.h"
#include "util/tri.h"

/* The most atoms (leaf conditions) one rule version may hold; more is a compile error. */
#define RULES_MAX_ATOMS 128

/* ---- the compiled tree ---- */

/* What a number means. Every constant and every expression has one; comparisons and arithmetic
 * are checked with it (money with money, dates with dates). */
enum rule_dim {
    RD_NUM,   /* a plain number: counts, ratios, percentages, years (a struct ratio) */
    RD_MONEY, /* fen (a struct ratio whose value is in fen; constants are whole fen) */
    RD_DATE,  /* days since 1970-01-01 */
};

enum rule_op { RO_EQ, RO_NE, RO_LT, RO_LE, RO_GT, RO_GE };

/* Whether a comparison result (<0, 0, >0 as from ratio_cmp) satisfies op. */
bool rules_op_holds(enum rule_op op, int cmp);

enum rule_expr_kind {
    RE_CONST,  /* k */
    RE_FIELD,  /* the enterprise's value of field (numeric, money or date fields) */
    RE_ADD,    /* a + b */
    RE_SUB,    /* a - b */
    RE_MUL,    /* a × b */
    RE_DIV,    /* a ÷ b (b = 0 gives no value) */
    RE_MIN,    /* min(a, b) */
    RE_MAX,    /* max(a, b) */
    RE_CAP,    /* a，最高 b: min(a, b), explained as a cap */
    RE_TIER,   /* 分档(subject; op k: amount; …; 否则 amount): the first bracket that holds */
    RE_CHOICE, /* 分别(资质; "v": amount; …): the amount of the first listed value held */
};

struct rule_expr;

/* One bracket of a RE_TIER: `op bound : amount`, or `否则 amount` (is_else). */
struct rule_tier {
    bool is_else;
    enum rule_op op;
    struct ratio bound; /* in the subject's dim (fen for money) */
    struct rule_expr *amount;
};

/* One entry of a RE_CHOICE: the value index in the field's values, and the amount. */
struct rule_choice {
    int value;
    struct rule_expr *amount;
};

struct rule_expr {
    enum rule_expr_kind kind;
    enum rule_dim dim;
    int line, col;           /* where it starts in the source */
    struct ratio k;          /* RE_CONST: exact value in dim's base unit */
    bool is_percent;         /* RE_CONST: written as a percentage (kept for formatting) */
    enum field_id field;     /* RE_FIELD, RE_CHOICE (an FT_SET or FT_ENUM field) */
    struct rule_expr *a;     /* operands (RE_ADD … RE_CAP); RE_TIER: the subject */
    struct rule_expr *b;     /* second operand; NULL for RE_CONST/RE_FIELD/RE_TIER/RE_CHOICE */
    struct rule_tier *tiers; /* RE_TIER brackets in order, n_tiers of them */
    int n_tiers;
    struct rule_choice *choices; /* RE_CHOICE entries in order, n_choices of them */
    int n_choices;
};

enum rule_cond_kind {
    RC_AND,  /* kids[0..n_kids) all hold */
    RC_OR,   /* one of kids holds */
    RC_NOT,  /* kids[0] does not hold */
    RC_CMP,  /* lhs op rhs over numbers, money or dates */
    RC_IN,   /* field's value is (within) one of values[]: FT_REGION, FT_INDUSTRY, FT_ENUM */
    RC_HAS,  /* the set field holds every one of values[] (FT_SET) */
    RC_BOOL, /* the bool field is true (失信) */
    RC_TRUE, /* always holds (an empty condition: `奖励` lines alone) */
};

struct rule_cond {
    enum rule_cond_kind kind;
    int line, col;    /* the atom's first token */
    int atom;         /* atoms: index in rule_version.atoms; -1 for and/or/not */
    const char *text; /* atoms: canonical text ("营业收入 >= 2,000万元"), made once at compile */

    struct rule_cond **kids; /* RC_AND, RC_OR (n_kids ≥ 2), RC_NOT (1) */
    int n_kids;

    /* RC_CMP. When lhs is a single field and rhs a constant (the common, indexable case),
     * field/k are filled too and is_simple is true; otherwise field is F_COUNT. */
    enum rule_op op;
    struct rule_expr *lhs, *rhs;
    bool is_simple;
    enum field_id field; /* RC_CMP (simple), RC_IN, RC_HAS, RC_BOOL */
    struct ratio k;      /* RC_CMP simple: the constant in the field's representation: fen for
                            FT_MONEY, days for FT_DATE, count for FT_INT, exact for FT_RATIO */

    /* RC_IN, RC_HAS: refdata region / industry indexes, or enum / set value indexes. */
    int *values;
    int n_values;
};

/* Where an award comes from: `奖励 = expr`. NULL award means the clause has none. */
struct rule_award {
    struct rule_expr *expr; /* dim RD_MONEY */
    int line, col;
};

/* One version of a rule: the condition and award in force from `from` to `to` (inclusive). */
struct rule_version {
    char name[64]; /* "2022" from `版本 "2022"`; "" when the file has no version header */
    int32_t from;  /* INT32_MIN when open */
    int32_t to;    /* INT32_MAX when open */
    struct rule_cond *cond;
    struct rule_award *award; /* NULL when there is no award line */
    struct rule_cond **atoms; /* the leaf conditions in source order (RC_CMP/IN/HAS/BOOL) */
    int n_atoms;
};

struct rule {
    struct arena arena;            /* owns every node, string and array below */
    const char *name;              /* the file name given to rules_compile (for messages) */
    struct rule_version *versions; /* in source order; validity ranges do not overlap */
    int n_versions;
};

/* ---- compiling ---- */

/* Parses and type-checks a rule source (UTF-8). On success *out is a new rule (rules_free it).
 * On error *out is NULL, err carries code, line, col (in characters) and a message in Chinese and
 * English that says what was expected and, for a misspelt field, which one was probably meant.
 * name is used in messages only (may be NULL). Never half-loads. */
int rules_compile(const char *src, size_t len, const char *name, struct rule **out,
                  struct error *err);
void rules_free(struct rule *r);

/* The version in force on `date`; NULL when none is. A rule without version headers is always in
 * force. */
const struct rule_version *rules_version_at(const struct rule *r, int32_t date);

/* ---- evaluating one enterprise ---- */

/* The outcome of one atom for one enterprise (the explanation's unit). Texts too long for their
 * arrays end in "…" (cut at a character). An atom under 非 is
 * reported as the condition the clause actually asks for: in `… 且 非 失信` an honest firm's atom
 * 失信 has truth FALSE but outcome TRUE (the condition 失信：否 is satisfied). */
struct rule_atom_result {
    const struct rule_cond *atom;
    enum tri outcome;      /* does this condition help the clause hold: the atom's truth through
                              every 非 above it (TRUE satisfied, FALSE not, UNKNOWN) */
    enum tri truth;        /* the atom's own value, ignoring any 非 above it */
    bool is_negated;       /* under an odd number of 非 */
    bool is_decisive;      /* one of the atoms that decided the rule's result */
    enum field_id missing; /* the field whose absence made it unknown, F_COUNT when none */
    char rule[320];        /* the atom as written canonically: "营业收入 >= 2,000万元" */
    char condition[320]; /* the condition for people, 非 applied: "营业收入 不低于 2,000万元",
                            "失信：否" */
    char text[640]; /* with the value and verdict: "营业收入 1,800万元，低于 2,000万元
                       （不满足）" / "缺少“研发费用”，无法判断是否满足“…”" */
};

struct rule_eval {
    enum tri result;
    bool has_award;       /* false when the rule has no award or it cannot be computed */
    int64_t award_fen;    /* rounded half away from zero to the fen, never negative; computed for
                             eligible and unknown (what it would be) results, not for ineligible */
    char award_text[400]; /* "设备投资额 4,200万元 × 10% = 420万元（最高 500万元）" */
    struct rule_atom_result atoms[RULES_MAX_ATOMS];
    int n_atoms;
    enum field_id missing[F_COUNT]; /* distinct fields missing in unknown atoms, source order */
    int n_missing;
};

/* Three-valued value of a condition for one profile (derived fields already computed with
 * profile_derive for the evaluation date). No explanation; no allocation; thread-safe. */
enum tri rules_eval_cond(const struct rule_cond *c, const struct profile *p);
/* Full evaluation of one version: result, award (when eligible or unknown with a computable
 * award, has_award says), per-atom explanation. Returns 0, or a negative code only on an
 * internal overflow (then err says so). */
int rules_eval(const struct rule_version *v, const struct profile *p, struct rule_eval *out,
               struct error *err);
/* The award alone, exact: *fen, rounded to the fen; false when a value it needs is missing or
 * the arithmetic overflows. text (may be NULL) gets the arithmetic explained. */
bool rules_award(const struct rule_award *a, const struct profile *p, int64_t *fen, char *text,
                 size_t text_len);

/* ---- formatting ---- */

/* The rule in canonical form (Chinese keywords, one condition line, then the award line);
 * fmt(fmt(x)) == fmt(x) and the meaning is unchanged. Appends to out. */
void rules_format(const struct rule *r, struct buf *out);
/* One condition or expression in canonical form (for explanations and the index's plans). */
void rules_format_cond(const struct rule_cond *c, struct buf *out);
/* One condition in words for people: relations as 不低于 / 属于 市南区、市北区, full-width
 * punctuation, every 非 pushed down to the atoms (非 营业收入 >= 100万元 → 营业收入 低于 100万元).
 * is_negated spells the condition's negation (for one found under 非). Not parseable. */
void rules_describe_cond(const struct rule_cond *c, bool is_negated, struct buf *out);
void rules_format_expr(const struct rule_expr *e, struct buf *out);

/* ---- SQL ---- */

enum rules_dialect { RULES_SQLITE, RULES_POSTGRES };

/* The three WHERE clauses of a condition over table `enterprise` (docs/STORE.md), for the
 * evaluation date `today` (age_years depends on it). Each is two-valued (never NULL in effect:
 * a row is selected or not) and uses indexable forms (column op constant, IN over the
 * enterprise_qualification table), and exactly one of the three selects each row:
 * eligible ⇔ rules_eval_cond == TRI_TRUE, unknown ⇔ TRI_UNKNOWN, ineligible ⇔ TRI_FALSE.
 * Appends to the buffers (any may be NULL). ERR_UNSUPPORTED when the condition uses arithmetic
 * SQL cannot do exactly (division by a field). */
int rules_sql(const struct rule_cond *c, enum rules_dialect d, int32_t today, struct buf *eligible,
              struct buf *unknown, struct buf *ineligible, struct error *err);

#endif
