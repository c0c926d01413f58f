/* A synthetic Qingdao for demos, tests and benchmarks: enterprises generated one at a time from
 * (seed, i) alone, so 2,000,000 of them need no store and any one can be regenerated; the demo
 * policies (data/demo/policies.json) and clauses generated from Qingdao-style templates. Uses
 * refdata (real districts, towns and GB/T 4754-2017 classes), enterprise (USCC check characters,
 * size classes) and store (writing). Knows nothing of HTTP or the index; only the demo users ask
 * match which firm makes the best showcase for the enterprise user (demo_users.c). */
#ifndef DUIJIE_DEMO_H
#define DUIJIE_DEMO_H

#include <stdint.h>

#include "enterprise/enterprise.h"
#include "store/store.h"
#include "util/error.h"
#include "workflow/workflow.h"

#define DEMO_FISCAL_YEAR 2025 /* yearly values are for 2025, with 2024 and 2023 as history */

/* Text values of one generated enterprise (the profile points into it). */
struct demo_text {
    char uscc[20];
    char name[128];
};

/* Fills p with enterprise number i (0-based) of the synthetic city `seed`: the same (seed, i)
 * always gives the same enterprise, whatever else was generated. p's text values point into t.
 * Derived fields are left to profile_derive. */
void demo_enterprise(uint64_t seed, int64_t i, struct profile *p, struct demo_text *t);

/* Loads the demo policies and their clauses (rule source included, status published) from a JSON
 * file shaped like data/demo/policies.json. Counts what was written. */
int demo_load_policies(struct store *s, const char *path, int *n_policies, int *n_clauses,
                       struct error *err);

/* Writes n clauses generated from templates (高企认定奖励, 专精特新奖励, 上市奖励, 技改补助,
 * 研发费用补助, district variants …), ten to a policy, deterministic for the seed. */
int demo_generate_clauses(struct store *s, uint64_t seed, int n, struct error *err);

#define DEMO_PASSWORD "Demo@2026"          /* every demo user's (docs/AUTH.md) */
#define DEMO_DEPARTMENT "青岛市科学技术局" /* the demo officer's: it owns demo policies */

/* One user per role, demo_<role key> ("demo_enterprise", "demo_centre" …), password
 * DEMO_PASSWORD, bound to the synthetic city `seed` of n enterprises: the enterprise user to the
 * firm of the first 市南区 enterprise's town eligible for the most open clauses one applies for
 * (none when 市南区 has no firm; the published clauses are read here), the commissioner and the
 * station to that town, the centre to 市南区, the officer to DEMO_DEPARTMENT; the others city-wide.
 * Users left by an earlier run get DEMO_PASSWORD back. Call it outside a transaction (two runs at
 * once on PostgreSQL: a conflict must not abort the other statements). */
int demo_add_users(struct store *s, uint64_t seed, int64_t n_enterprises, struct error *err);

/* The award cap written in a rule's award line ("奖励 = 20万元", "…，最高 100万元") in fen, or -1
 * when the line names none. A hint for listing; the rules module computes awards. */
int64_t demo_award_cap(const char *rule);

/* day moved forward by whole years (same month and day; 2月29日 → 2月28日 where the target year has
 * none); years <= 0 or STORE_NO_DATE leaves it. The demo's policy calendar follows the current
 * year. */
int32_t demo_shift_years(int32_t day, int years);

/* The service network (src/demo/demo_network.c): the hub, a centre per district, a station per
 * town, n_commissioners commissioners (users "zy0001" …) shared by the towns' enterprises among
 * the first n_enterprises, the policies file's department contacts and some visits; the demo
 * users demo_commissioner, demo_station and demo_centre get the units of the first 市南区
 * enterprise. Nothing when the store has network units already. */
int demo_network(struct store *s, uint64_t seed, int64_t n_enterprises, int n_commissioners,
                 const char *policies, struct error *err);

/* The docking demo (src/demo/demo_dock.c): banks with loan products, 贴息 subsidies, financing
 * needs with bank steps, projects, the listing pipeline, investors and projects, needs,
 * capabilities, a 揭榜挂帅 challenge, intents, and a matchmaking event with n_participants
 * participants and its computed schedule, for the demo city's first n_enterprises enterprises.
 * When the demo banks are already there (an earlier or a concurrent demo), writes nothing. */
int demo_dock(struct store *s, uint64_t seed, int64_t n_enterprises, int n_participants,
              struct error *err);

/* What demo_history left in the store (read back from the workflow's tables). */
struct demo_history_stats {
    bool is_skipped; /* the store had applications already: nothing was added */
    int64_t applications, by_state[WF_STATE_COUNT];
    int64_t payments, paid_fen; /* every payment row: applications and the 免申即享 batch */
    int64_t exempt_payments;    /* of which the batch's */
};

/* The demo city's past (src/demo/demo_history.c): up to 2,400 applications over the 365 days
 * before `today`, by firms among the city's first 20,000 (whatever n_enterprises beyond that) that
 * the matching engine finds eligible and the rules confirm eligible on the day they apply, for
 * clauses open that day; each replayed through workflow_create / workflow_step with backdated
 * times: the firm submits, demo_reviewer accepts, reviews, approves, returns or rejects (reasons in
 * Chinese), demo_finance pays (兑现日期 and a bank reference "QD<date>…"); steps whose time is not
 * past by `today` stay undone, so recent applications wait in the queue. The demo enterprise
 * user's firm is left without history. When the store holds at most 20,000 firms, also one
 * 免申即享 batch (workflow_exempt_create / confirm / pay) 75 days back, for the 免申即享 clause
 * with the most eligible firms up to 300. Deterministic for (seed, today). Needs the demo users
 * and the published clauses; does nothing when the store has applications already. Runs outside a
 * transaction (every step is one of the workflow's). */
int demo_history(struct store *s, uint64_t seed, int64_t n_enterprises, int32_t today,
                 struct demo_history_stats *out, struct error *err);

/* What demo_library wrote. */
struct demo_library_stats {
    bool is_skipped;                     /* the library had documents: nothing was added */
    int documents;                       /* current policy documents: one per policy */
    int series, old_versions;            /* series with earlier versions, and those versions */
    int interpretations, related, links; /* 政策解读, 申报通知, links between policies */
};

/* The demo's policy document library (src/demo/demo_library.c), through src/library's API: every
 * policy in the store as a document linked to it (its 文号, department as 发文机关, level, region,
 * a theme read from its title and clauses, issue and effective dates from its own, 有效 or, past
 * its end date on `today`, 失效; its text as the body and as a .txt original file); three series
 * with earlier versions (one with two) whose note says which award changed, the old ones 失效 or
 * 废止 and replaced by the current one; a 政策解读 for six policies and a 申报通知 for three open
 * ones, written from their clauses (who qualifies, amounts, deadlines, 免申即享) and linked to
 * them; each policy linked as related to the first policy of its theme. Deterministic for (seed,
 * today). Does nothing when the library has documents already. Runs outside a transaction (every
 * document is library_put's own). */
int demo_library(struct store *s, uint64_t seed, int32_t today, struct demo_library_stats *out,
                 struct error *err);

#endif
