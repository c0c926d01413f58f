/* Policy text understanding (惠企政策词典): from a published policy's text to its clauses, each
 * with who it is for (subject), its conditions mapped to dictionary fields, its benefits (kind,
 * amount, range, cap, rate on a basis, per), deadline, department, contact, and a proposed rule in
 * the rule language's floor syntax with notes on what the rule could not express. The phrases it
 * knows live in data/extract-lexicon.tsv, embedded in the binary. */
#ifndef DUIJIE_EXTRACT_H
#define DUIJIE_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/number.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/num.h"

enum extract_value_type { EV_STR, EV_LIST, EV_NUM, EV_DATE };

struct extract_condition {
    const char
        *field; /* dictionary label (营业收入, 资质, 注册地, 行业 …) or the source's noun; 其他 */
    const char *op; /* "has", "=", "in", ">=", ">", "<=", "<" */
    enum extract_value_type type;
    const char *str;   /* EV_STR; EV_DATE as YYYY-MM-DD */
    const char **list; /* EV_LIST */
    int n_list;
    struct ratio
        num;        /* EV_NUM: yuan for money, a fraction for %, years for durations, else count */
    enum unit unit; /* EV_NUM's unit (UNIT_YUAN, UNIT_PERCENT, UNIT_YEAR, UNIT_DAY, …) */
    const char *text; /* the source fragment (normalised) */
    struct ratio *tiers; /* a tier list's thresholds in source order (首次超过100亿元、50亿元…); the
                            condition holds the lowest; NULL when not a tier list */
    int n_tiers;
};

struct extract_benefit {
    const char *kind; /* 奖励 补助 补贴 奖补 贴息 津贴 其他 */
    bool has_min, has_max, has_cap, has_rate;
    int64_t min_fen, max_fen, cap_fen;
    struct ratio rate; /* a fraction of basis */
    const char *basis; /* what rate multiplies; NULL when none */
    const char *per;   /* 一次性 每家 每年 每项 每人 每人每月, or NULL */
};

struct extract_clause {
    size_t start, end; /* byte span in the input: text is input[start..end) */
    const char *text;
    const char *subject, *deadline, *department, *contact; /* NULL when not found */
    struct extract_benefit *benefits;
    int n_benefits;
    struct extract_condition *conditions;
    int n_conditions;
    const char *rule;        /* proposed rule source (floor syntax); never NULL */
    const char **rule_notes; /* what the rule leaves to the officer, one line each */
    int n_rule_notes;
};

struct extract_result {
    struct arena arena; /* owns every string and array below */
    struct extract_clause *clauses;
    int n_clauses;
};

/* Extracts the clauses of one policy text (UTF-8 plain text). Invalid UTF-8 is ERR_UTF8 with
 * err->offset; inputs over 64 MiB are ERR_TOO_LARGE. out is always safe to release. */
int extract_policy(const char *text, size_t len, struct extract_result *out, struct error *err);
void extract_result_release(struct extract_result *r);
/* One clause as a JSON object (no newline): the schema of shared/data/clauses-dev plus "start",
 * "end" (byte offsets for highlighting), "rule" and "rule_notes". */
void extract_clause_json(const struct extract_clause *c, struct buf *out);
/* Number of lexicon entries loaded (for tests and the bench); negative error code if the embedded
 * lexicon is malformed. */
int extract_lexicon_size(void);

#endif
