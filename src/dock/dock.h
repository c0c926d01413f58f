/* Docking (对接): loans compared exactly (贷比三家), loan products and the enterprises that may
 * apply, 1:1 meeting schedules for matchmaking events (对接会), two-way selection of investors and
 * projects. Plain structs in, results out: this module knows nothing of storage, HTTP or the CLI.
 * Money is int64 fen; rates are basis points (1 bp = 0.01%); no floating point decides money. */
#ifndef DUIJIE_DOCK_H
#define DUIJIE_DOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "enterprise/enterprise.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/num.h"
#include "util/tri.h"

/* ---- loan arithmetic ---- */

enum loan_method {
    LOAN_EQUAL_INSTALMENT, /* 等额本息 */
    LOAN_EQUAL_PRINCIPAL,  /* 等额本金 */
    LOAN_INTEREST_ONLY,    /* 先息后本: interest monthly, principal with the last payment */
};

#define LOAN_MAX_MONTHS 600
#define LOAN_MAX_PRINCIPAL_FEN 100000000000000LL /* 1万亿元 */
#define LOAN_MAX_RATE_BP 10000                   /* 100% a year */

/* "equal-instalment"/"等额本息", "equal-principal"/"等额本金", "interest-only"/"先息后本". */
int loan_method_parse(const char *s, enum loan_method *out, struct error *err);
const char *loan_method_key(enum loan_method m);
const char *loan_method_label(enum loan_method m);

struct loan_terms {
    int64_t principal_fen;
    int32_t rate_bp; /* annual; the monthly rate is rate_bp / 12 / 10000 exactly */
    int32_t months;
    enum loan_method method;
};

struct loan_payment {
    int64_t payment_fen; /* principal + interest */
    int64_t principal_fen;
    int64_t interest_fen;  /* on the principal outstanding at the start of the month */
    int64_t remaining_fen; /* outstanding after this payment */
};

/* Rounding (stated once, applied everywhere): each month's interest is the outstanding principal ×
 * monthly rate rounded half up to the fen; the equal instalment itself and the equal-principal
 * share P / n are rounded half up to the fen; the last payment repays whatever principal remains,
 * so the principal parts add up to the principal exactly. */
struct loan_schedule {
    struct loan_payment *items; /* owned (malloc); n == months */
    int n;
    int64_t total_interest_fen;
    int64_t total_paid_fen;
};

int loan_schedule_compute(const struct loan_terms *t, struct loan_schedule *out, struct error *err);
void loan_schedule_release(struct loan_schedule *s);

/* Fees, all paid at drawdown (they reduce what the borrower receives). */
struct loan_fees {
    int64_t upfront_fen;       /* fixed: 评估费, 公证费 */
    int32_t upfront_bp;        /* bp of principal: 手续费, 服务费 */
    int32_t guarantee_bp_year; /* 担保费: bp of principal a year, pro rata for the term */
};

/* 贴息: an interest subsidy. Exactly one of rate_bp (percentage points of the annual rate, on the
 * principal outstanding each month, at most the loan's rate) or share (a fraction of the interest
 * paid) is set; never more than the interest paid, nor than cap_fen. */
struct loan_subsidy {
    int32_t rate_bp;
    struct ratio share; /* {0, 1} when not used */
    int64_t cap_fen;    /* 0 = no cap */
    int32_t paid_month; /* month it is received (1..months); 0 = with the last payment */
};

/* The monthly internal rate of return is bracketed in [irr_lo, irr_lo + 1] / LOAN_IRR_SCALE by
 * bisection in which every sign test is exact (big integers), so the APR text is right to 1e-7
 * percentage points. */
#define LOAN_IRR_SCALE 10000000000LL

struct loan_cost {
    int64_t fees_fen;
    int64_t subsidy_fen;
    int64_t total_interest_fen;
    int64_t net_cost_fen;   /* interest + fees − subsidy */
    int64_t received_fen;   /* principal − fees: what reaches the borrower */
    bool has_irr;           /* false when no rate in (−50%, 100%] a month balances the flows */
    int64_t irr_monthly_lo; /* see LOAN_IRR_SCALE */
    char apr_percent[40];   /* 12 × monthly IRR: the real annual cost, "4.356789" */
    char ear_percent[40];   /* (1 + monthly)^12 − 1 */
};

/* Fees and subsidy on a computed schedule; either pointer may be NULL (none). */
int loan_cost_compute(const struct loan_terms *t, const struct loan_schedule *s,
                      const struct loan_fees *fees, const struct loan_subsidy *sub,
                      struct loan_cost *out, struct error *err);

/* A loan offer from JSON: {"principal_fen": 100000000 | "principal": "100万元", "rate_bp": 435 |
 * "rate": "4.35%", "months": 12, "method": "等额本息", "fees": {"upfront_fen", "upfront_bp",
 * "guarantee_bp_year"}, "subsidy": {"rate_bp" | "share": [1, 2] | "50%", "cap_fen", "paid_month"}}.
 * fees / sub are zeroed when absent; *has_subsidy tells which. */
int loan_from_json(json_t *o, struct loan_terms *t, struct loan_fees *fees,
                   struct loan_subsidy *sub, bool *has_subsidy, struct error *err);
/* Schedule and cost as the JSON `duijie loan` prints. */
json_t *loan_to_json(const struct loan_terms *t, const struct loan_schedule *s,
                     const struct loan_cost *c);

/* ---- who may apply: criteria on an enterprise profile ---- */

/* Until the rule language (src/rules) lands, a product's or a subsidy's eligibility is a list of
 * criteria, all of which must hold (AND), evaluated in three-valued logic: a missing value gives
 * unknown, never false. */
enum crit_op {
    CRIT_IN, /* enum/region/industry: the value is (within) one of values */
    CRIT_NOT_IN,
    CRIT_HAS,   /* set: has one of values (资质 包含 …) */
    CRIT_LACKS, /* set: has none of values */
    CRIT_GE,
    CRIT_LE,
    CRIT_GT,
    CRIT_LT,
    CRIT_EQ,
};

#define CRIT_MAX_VALUES 16

struct criterion {
    enum field_id field;
    enum crit_op op;
    struct value values[CRIT_MAX_VALUES];
    int n_values;
    const char *source; /* as written, for explanations; in the caller's arena */
};

/* {"field": "纳税信用等级", "op": "in", "values": ["A", "B"]} or {"field": "成立年限", "op": ">=",
 * "value": 2}; ops: in, not-in, has, lacks, >=, <=, >, <, =. Text is copied into a. */
int criterion_from_json(json_t *o, struct criterion *c, struct arena *a, struct error *err);
/* One criterion on a derived profile; why (if not NULL) gets "纳税信用等级 A ∈ {A, B}". */
enum tri criterion_eval(const struct criterion *c, const struct profile *p, char *why, size_t n);

/* ---- 贷比三家: products an enterprise qualifies for, side by side ---- */

/* `duijie loan compare` input: {"date", "enterprise": {profile}, "request": {"amount", "months"},
 * "products": [...], "subsidies": [...]} (docs/DOCK.md). Output: every product with eligibility
 * and reasons, the quota (线上测额), the schedule's monthly payment and total interest at the
 * lowest and highest rate, fees, the best 贴息 subsidy the enterprise qualifies for and the real
 * annual cost before and after it; eligible first, then by real cost. */
json_t *loan_compare(json_t *input, struct error *err);
/* The same for an enterprise already loaded (from the store): p is copied and derived for the
 * input's date; input's "enterprise" is not read. */
json_t *loan_compare_profile(json_t *input, const struct profile *p, struct error *err);

/* Enterprise profiles by USCC from elsewhere (the store): get fills p (text in a) and returns 0, or
 * non-zero when the enterprise is unknown (its profile is then empty: every value missing). Used
 * by the *_with variants for records that name a "uscc" instead of carrying an "enterprise". */
struct dock_profiles {
    int (*get)(void *ctx, const char *uscc, struct profile *p, struct arena *a);
    void *ctx;
};

/* `duijie projects FILE`: the 项目库. {"date", "products", "subsidies", "projects": [{"id",
 * "name", "category": "绿色发展|海洋经济|科技创新|先进制造|民营小微", "enterprise": {profile},
 * "request": {"amount", "months"}}], "top": 3}. Each project's best eligible offers (loan_compare
 * on its enterprise and request), and per category the number of projects, the financing asked and
 * how many have at least one eligible product. */
json_t *project_pool(json_t *in, struct error *err);
/* The same, a project's enterprise from pf when it names a "uscc". */
json_t *project_pool_with(json_t *in, const struct dock_profiles *pf, struct error *err);

/* ---- matchmaking events (对接会): 1:1 meeting schedules ---- */

#define SCHED_MAX_SLOTS 64 /* availability is a 64-bit mask of slots */
#define SCHED_MAX_PRIORITY 9

struct sched_request {
    int a, b;     /* participant indices, 0 .. n_participants − 1 */
    int priority; /* 0 .. SCHED_MAX_PRIORITY; only breaks ties after meetings and coverage */
};

struct sched_instance {
    int n_participants;
    int n_slots;           /* 1 .. SCHED_MAX_SLOTS */
    int n_tables;          /* ≥ 1: meetings that can run in one slot */
    const uint64_t *avail; /* per participant: bit s set = can attend slot s; NULL = all */
    const struct sched_request *req;
    int n_req;
};

enum sched_reason {
    SCHED_PLACED = 0,
    SCHED_SELF,           /* a == b */
    SCHED_DUPLICATE,      /* the same pair was requested before */
    SCHED_NO_COMMON_SLOT, /* the two have no slot both can attend */
    SCHED_A_FULL,         /* a meets others in every slot a can attend */
    SCHED_B_FULL,
    SCHED_TABLES_FULL, /* every table is taken in every slot both could use */
    SCHED_NOT_CHOSEN,  /* each could still meet, but not at the same time: placing it would
                          displace more meetings than it adds (heuristic path only) */
};

const char *sched_reason_key(enum sched_reason r);
const char *sched_reason_zh(enum sched_reason r);

struct sched_result {
    int *slot;  /* owned (malloc), per request: 0 .. n_slots − 1, or −1 when not placed */
    int *table; /* owned, per request: 0 .. n_tables − 1, or −1 */
    enum sched_reason *reason; /* owned, per request */
    int n_placed;
    int n_covered; /* participants with at least one meeting */
    int n_wanting; /* participants with at least one request that could be placed */
    int64_t priority_sum;
    int upper_bound;    /* no schedule places more meetings than this */
    bool is_optimal;    /* n_placed == the optimum, and coverage is the most possible with it */
    int n_moved;        /* sched_repair: meetings of the previous schedule that moved */
    const char *method; /* "flow+edge-colouring", "flow-bound+local-search", "greedy" */
};

/* The best schedule duijie can prove or find. When the request graph is bipartite (two sides,
 * e.g. enterprises and investors) and nobody's availability is limited it is exact: a min-cost
 * max-flow picks the most meetings that fit (each participant at most n_slots, in all at most
 * n_slots × n_tables) and, among those, the most participants with at least one meeting, then the
 * highest priority sum; a bipartite edge colouring (König) balanced across slots (de Werra) turns
 * it into slots and tables. Otherwise the flow bound is reported and a local search places what
 * it can. */
int sched_solve(const struct sched_instance *in, struct sched_result *out, struct error *err);
/* The obvious alternative: first fit in request order (the baseline in bench/schedule.c). */
int sched_greedy(const struct sched_instance *in, struct sched_result *out, struct error *err);
/* Late changes: prev_slot / prev_table give each request's previous place (−1 = none, e.g. a new
 * request; set a cancelled request's pair to a == b or drop it). Keeps every previous meeting
 * where it was unless moving it lets a new one in; out->n_moved counts moves. */
int sched_repair(const struct sched_instance *in, const int *prev_slot, const int *prev_table,
                 struct sched_result *out, struct error *err);
/* Checks a result against the instance: nobody in two meetings at once, no table twice in a
 * slot, availability, counts. 0 when valid. */
int sched_check(const struct sched_instance *in, const struct sched_result *r, struct error *err);
void sched_result_release(struct sched_result *r);

/* ---- personal agendas ---- */

/* When slots happen: slot s starts at start_min + s × (slot_min + gap_min) minutes after midnight
 * of `day` (Beijing time). */
struct agenda_clock {
    int32_t day;   /* days since 1970 */
    int start_min; /* 0 .. 1439 */
    int slot_min;  /* 1 .. 600 */
    int gap_min;   /* 0 .. 600 */
};

/* Personal agendas from placed meetings ([{"a", "b", "slot", "table"}], what `duijie schedule`
 * prints): {"participant": [{"slot", "start": "2026-12-01 09:00", "end", "table", "with"}], …},
 * each participant's meetings in time order. */
json_t *agenda_build(json_t *meetings, const struct agenda_clock *c, struct error *err);
/* One participant's agenda as an iCalendar (RFC 5545) VCALENDAR with one VEVENT per meeting,
 * times in Asia/Shanghai, CRLF line ends; event is the event's name for SUMMARY. */
int agenda_ics(json_t *agenda, const char *participant, const char *event,
               const struct agenda_clock *c, struct buf *out, struct error *err);

/* ---- a participant's availability (avail.c) ---- */

/* 0 when an event of n_slots slots on clock c can carry availability (1..SCHED_MAX_SLOTS slots,
 * the clock in range); ERR_RANGE otherwise. */
int avail_check_event(const struct agenda_clock *c, int n_slots, struct error *err);
/* The mask of every slot. */
uint64_t avail_all(int n_slots);
/* The slots a participant can attend from the stretches it says it is free,
 * [{"from": "09:00", "to": "11:00"}, …] (1..64 of them): slot s is in *mask when it lies wholly
 * inside one stretch (stretches that touch join). Each stretch must be HH:MM to HH:MM, start
 * before it ends, lie inside the event's hours (the first slot's start to the last slot's end),
 * hold at least one whole slot and not overlap another; otherwise ERR_INVALID on field "ranges"
 * naming the stretch by its number, in Chinese and English. */
int avail_from_ranges(const struct agenda_clock *c, int n_slots, json_t *ranges, uint64_t *mask,
                      struct error *err);
/* The mask described: {"all_day", "available_slots", "hours": {"from", "to"}, "slot_min",
 * "slots": [{"slot", "start", "end", "available"}], "ranges": [{"from", "to"}] (runs of
 * available slots, first start to last end)}. */
json_t *avail_describe(const struct agenda_clock *c, int n_slots, uint64_t mask);
/* ---- 双向选择: two-way selection, stable with capacities ---- */

/* Side a (e.g. projects) and side b (e.g. investors) each rank the partners they accept, best
 * first, as CSR lists: a's list is pref_a[start_a[i] .. start_a[i + 1]). cap_* are how many
 * partners each may take. */
struct stable_input {
    int n_a, n_b;
    const int *cap_a, *cap_b;
    const int *pref_a, *start_a;
    const int *pref_b, *start_b;
};

struct stable_pair {
    int a, b;
    int rank_a; /* where b stands on a's list, 0 = first */
    int rank_b;
};

struct stable_result {
    struct stable_pair *pairs; /* owned (malloc), sorted by a then b */
    int n_pairs;
    int n_proposals;          /* work done, for the benchmark and the curious */
    int *n_of_a, *worst_of_a; /* owned: partners of each a, and the worst rank among them (−1) */
    int *n_of_b, *worst_of_b; /* owned: the same for each b */
};

/* Many-to-many deferred acceptance (Gale–Shapley, a proposes): the result has no blocking pair —
 * no a and b who list each other, are not matched, and would each rather have the other than
 * their worst partner (or have room). Lists naming a partner twice or out of range are errors. */
int stable_match(const struct stable_input *in, struct stable_result *out, struct error *err);
void stable_result_release(struct stable_result *r);

/* Why a and b were (not) matched, for people, naming them (NULL = "a", "b"): "双方互选：…",
 * "… 未将 … 列入意向", "… 的 2 个名额已满，均为其更靠前的意向 …", in Chinese only (people read it;
 * rows stored before 2026-12 may still carry " / English" after it, which the pages drop). */
void stable_explain(const struct stable_input *in, const struct stable_result *r, int a, int b,
                    const char *name_a, const char *name_b, char *buf, size_t n);

/* ---- investors ↔ projects, needs ↔ capabilities ---- */

/* `duijie investors FILE`: {"investors": [{"id", "name", "stages": ["天使", "A轮"],
 * "industries": ["C39", "I65"], "ticket_min", "ticket_max", "regions": ["青岛市"], "capacity"}],
 * "projects": [{"id", "enterprise", "stage", "amount", "industry", "region", "summary",
 * "capacity"}], "min_score": 40, "top": 5}. Each pair gets a score 0–100 (industry 40, stage 25,
 * amount 20, region 15) with reasons; the result lists each project's best investors and each
 * investor's best projects, and a stable two-way assignment (projects propose, both sides rank by
 * score, capacities respected) with why each listed pair was or was not formed. */
json_t *match_investors(json_t *in, struct error *err);

/* `duijie needs FILE`: {"needs": [{"id", "owner", "kind", "industry", "region", "budget",
 * "deadline", "text"}], "capabilities": [{"id", "owner", "kind", "industry", "region", "price",
 * "text"}], "date", "top": 5}. Score 0–100: text 50 (text_similarity), industry 25, region 15,
 * price within budget 10; a need past its
 * deadline or a capability owned by the need's owner is not matched. Both directions, with
 * reasons. */
json_t *match_needs(json_t *in, struct error *err);

struct search_lexicon;
/* Dice coefficient of the token multisets of two UTF-8 texts under the search module's
 * normalisation and tokens (CJK bigrams, Latin words, lexicon words folded to synonym concepts;
 * single characters left out), as an exact ratio; {0, 1} when either has none. Invalid UTF-8 is an
 * error. */
int text_similarity(const struct search_lexicon *lex, const char *x, const char *y,
                    struct ratio *out, struct error *err);

/* ---- 融资需求: financing needs, bank responses, commitments, totals ---- */

/* `duijie financing FILE`: {"date", "commitments": {"respond_days": 1, "contact_days": 3,
 * "follow_days": 7}, "needs": [{"id", "enterprise", "region", "amount", "months", "purpose",
 * "posted": "2026-11-01", "events": [{"bank", "step", "date", "amount"}]}]}. Steps: 响应 (respond),
 * 联系 (contact), 跟进 (follow up) — the three commitments, each due so many days after posting —
 * then 对接 → 授信 (credit, with amount) → 放款 (loan, with amount). Per need: status, overdue
 * commitments (late, or still missing past the deadline), credit and loans; totals of loans by
 * bank, district and month. Out-of-order steps (放款 before 授信, loans above the credit granted,
 * events before posting or after the date) are errors naming the need and the event. */
json_t *financing_report(json_t *in, struct error *err);

/* ---- roadshows and intents ---- */

/* `duijie roadshow FILE`: {"date", "start": "14:00", "minutes_per_firm": 8, "gap_minutes": 2,
 * "firms": [{"id", "name", "industry"}], "registrations": [{"investor", "firms": [ids]}]}. The
 * agenda keeps firms of one industry 门类 together (investors follow a sector as a block), blocks
 * and firms within them ordered by how many registered investors asked for them (most first, ties
 * by input order); each firm gets its start and end time, each investor the times of the firms it
 * asked for. */
json_t *roadshow_agenda(json_t *in, struct error *err);

/* A stored roadshow's programme and outcome (roadshow.c): {"start_min": 0–1439,
 * "minutes_per_firm": 1–240, "gap_min": 0–240, "firms": [{"project_id", …}] in presentation
 * order, "registrations": [{"investor_id", "firms": [project ids]}], "followups":
 * [{"investor_id", "project_id", "status": "约谈|尽调|签约|放弃", "amount_fen"}]}. Firm i
 * (from 0) presents from start + i × (minutes + gap) for minutes, exactly; a programme that runs
 * past midnight is an error on minutes_per_firm. Gives {"agenda": [the firm's keys + order,
 * start_min, end_min, start "HH:MM", end, investors_asking], "end_min", "end", "funnel": firms →
 * followed up → 尽调 → 签约 (the furthest stage any investor reached with the firm; 放弃 counts
 * as followed up), investors registered → following up, each as an exact fraction, by_status,
 * signed_amount_fen}. */
json_t *roadshow_report(json_t *in, struct error *err);
/* The stage of a follow-up status (0 约谈, 1 尽调, 2 签约, 3 放弃), −1 for anything else. */
int roadshow_followup_stage(const char *status);

/* `duijie intents FILE`: {"needs": n or [ids], "intents": [{"id", "need", "from", "to", "status":
 * "联系|洽谈|签约|放弃", "amount", "date"}]}. The funnel needs → needs with an intent → needs with
 * a deal (签约), each step as an exact fraction and a percentage, intents by status and by month,
 * and the deal amount. */
json_t *intents_funnel(json_t *in, struct error *err);

/* ---- 揭榜挂帅: open challenges ---- */

/* `duijie challenge FILE`: {"date", "challenges": [{"id", "owner", "title", "reward", "deadline",
 * "cancelled" (a date), "applications": [{"solver", "date"}], "selected": {"solver", "date"},
 * "milestones": [{"name", "share": "30%", "due", "done"}]}]}. Per challenge: the state (发榜 →
 * 揭榜中 → 已选定 → 实施中 → 已完成, or 流榜 when the deadline passed with nobody selected, or
 * 已撤榜 from the day it was cancelled unless it was done before), overdue milestones, and each
 * milestone's payment: reward × share rounded half up, the last milestone taking the remainder so
 * payments add up to the reward exactly; paid so far. Shares must add up to 100%; the solver
 * selected must have applied before the deadline. */
json_t *challenge_report(json_t *in, struct error *err);

/* A challenge's states (challenge_report's "state") and what may happen to one. */
enum challenge_state {
    CHALLENGE_OPEN,        /* 发榜: published, nobody has applied */
    CHALLENGE_APPLIED,     /* 揭榜中: at least one solver applied */
    CHALLENGE_SELECTED,    /* 已选定: the owner chose a solver */
    CHALLENGE_IN_PROGRESS, /* 实施中: some milestones done */
    CHALLENGE_DONE,        /* 已完成: every milestone done */
    CHALLENGE_LAPSED,      /* 流榜: the deadline passed with nobody selected */
    CHALLENGE_CANCELLED,   /* 已撤榜: withdrawn by its owner or the organiser */
    N_CHALLENGE_STATES
};
enum challenge_action {
    CHALLENGE_APPLY,     /* a solver applies (揭榜) */
    CHALLENGE_SELECT,    /* the owner selects a solver who applied */
    CHALLENGE_MILESTONE, /* a milestone is done */
    CHALLENGE_CANCEL,    /* withdrawn */
    N_CHALLENGE_ACTIONS
};
/* The state's Chinese name ("发榜" …) and back (−1 when unknown). */
const char *challenge_state_name(enum challenge_state s);
int challenge_state_of(const char *name);
const char *challenge_action_name(enum challenge_action a);
/* The state after the action, or ERR_CONFLICT (field "state") saying why it may not happen:
 * apply while open or applied; select only once someone applied; a milestone only after a
 * selection (is_last: it is the last one not done, which finishes the challenge); cancel any time
 * before it is done, lapsed or cancelled. */
int challenge_next(enum challenge_state from, enum challenge_action act, bool is_last,
                   enum challenge_state *to, struct error *err);

/* ---- 上市梯队: the listing pipeline ---- */

/* `duijie listing FILE`: {"date", "targets": {"储备": 100, "孵化": 16, "辅导": 5},
 * "firms": [{"id", "name", "stage", "history": [{"stage", "date"}], "enterprise": {profile}}],
 * "rewards": [{"id", "name", "stage", "amount", "criteria": [...]}]}. Counts per stage against the
 * targets and the gap, each firm's days in its stage, and the listing rewards (上市奖励) it
 * qualifies for now and at the next stage. Stages are the 上市阶段 field's values. */
json_t *listing_pipeline(json_t *in, struct error *err);
/* The same, a firm's enterprise from pf when it names a "uscc". */
json_t *listing_pipeline_with(json_t *in, const struct dock_profiles *pf, struct error *err);

#endif
