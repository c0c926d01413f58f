/* Owns the demo city's past: about a year of applications, reviews and payments before `today`, so
 * the dashboard, the review queue and the payment pages of a fresh demo look like a platform in
 * service. Which firm applies for which clause comes from the matching engine and the rules (a firm
 * eligible on the day it applies, never invented); every application then goes through the real
 * state machine (workflow_create / workflow_step) with backdated times and the actor of each step,
 * so the amounts, the payments and the audit trail are what the platform itself records. Does not
 * own the state machine, the awards or the money totals (src/workflow, src/rules). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "demo/demo.h"
#include "demo/rng.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "util/date.h"
#include "workflow/workflow.h"

#define HISTORY_SCAN 20000     /* firms looked at, whatever the city's size */
#define HISTORY_MAX 2400       /* applications at most */
#define HISTORY_PER_CLAUSE 450 /* so that several policies show up, not one popular clause */
#define HISTORY_DAYS 365
#define HISTORY_SALT 0x68697374ULL /* "hist": a random stream apart from the city's */
#define HISTORY_BATCH_MAX 300      /* firms in the 免申即享 batch, at most */
#define HISTORY_BATCH_AGO 75       /* days before today the batch was drawn up */

/* One application to replay: firm i applies for clause k of the catalog on day. */
struct plan {
    uint64_t key; /* random order (the selection) and the seed of its timeline */
    int64_t i;
    int clause; /* index into cat->clauses */
    int32_t day;
    char uscc[20];
};

struct window {
    int32_t lo, hi; /* days a firm could apply (lo > hi: none) */
};

struct history {
    struct store *s;
    uint64_t seed;
    int32_t today;
    int64_t until; /* unix time every step happens before: the start of `today` (UTC+8) */
    struct match_catalog *cat;
    struct window *win; /* per catalog clause */
    struct actor reviewer, finance;
    char showcase[20]; /* the demo enterprise user's firm: left without history */
    struct plan *plans;
    int n_plans, cap_plans;
    int *n_exempt; /* per catalog clause: firms eligible today (免申即享 clauses) */
};

static const char *const review_comments[] = {
    "材料齐全，经审核符合申报条件。",
    "经核查，企业各项指标符合政策要求，同意上报。",
    "已核实相关证明材料，建议予以支持。",
    "经现场核查，项目真实，数据与税务、统计口径一致。",
};

static const char *const return_reasons[] = {
    "请补充上传研发费用专项审计报告。",
    "营业执照副本扫描件不清晰，请重新上传。",
    "请补充设备购置合同及发票复印件。",
    "申报表未加盖企业公章，请补正后重新提交。",
};

static const char *const reject_reasons[] = {
    "经核查，申报材料中的研发费用与税务申报数据不一致，不予通过。",
    "同一项目已获得市级同类财政资金支持，不得重复申报。",
    "设备购置发票日期不在政策支持期内，不予通过。",
    "企业存在未整改完毕的行政处罚记录，暂不予支持。",
};

#define PICK(r, a) (a[below(r, (int64_t)(sizeof a / sizeof *a))])

/* Unix time of a day's start in China (UTC+8). */
static int64_t day_start(int32_t day) {
    return (int64_t)day * 86400 - 8 * 3600;
}

/* ---- which firm applies for what, and when ---- */

static int32_t later(int32_t a, int32_t b) {
    return a == STORE_NO_DATE ? b : b == STORE_NO_DATE ? a : a > b ? a : b;
}

static int32_t sooner(int32_t a, int32_t b) {
    return a == STORE_NO_DATE ? b : b == STORE_NO_DATE ? a : a < b ? a : b;
}

/* Days within the last HISTORY_DAYS when the clause took applications: published, in force,
 * deadline not passed; 免申即享 clauses take none. */
static struct window window_of(const struct clause *c, int32_t today) {
    struct window w = {1, 0};
    if (c->is_exempt || c->status != POLICY_PUBLISHED) return w;
    w.lo = later(today - HISTORY_DAYS, c->valid_from);
    w.hi = sooner(sooner(today - 1, c->deadline), c->valid_to);
    return w;
}

/* Whether firm p (freshly generated, underived) is eligible for the clause on `day`, and had been
 * founded by then: the rules module's verdict on the profile derived for that day. */
static bool is_eligible_on(struct history *h, int clause, struct profile *p, int32_t day) {
    const struct rule *rule = h->cat->rules[clause];
    const struct rule_version *v = rule ? rules_version_at(rule, day) : NULL;
    if (!v) return false;
    if (p->v[F_ESTABLISHED].has && p->v[F_ESTABLISHED].i > day) return false;
    profile_derive(p, day, NULL);
    static _Thread_local struct rule_eval ev;
    struct error err;
    return rules_eval(v, p, &ev, &err) == 0 && ev.result == TRI_TRUE && ev.has_award;
}

static int add_plan(struct history *h, const struct plan *pl, struct error *err) {
    if (h->n_plans == h->cap_plans) {
        int cap = h->cap_plans ? h->cap_plans * 2 : 1024;
        struct plan *a = realloc(h->plans, (size_t)cap * sizeof *a);
        if (!a) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        h->plans = a;
        h->cap_plans = cap;
    }
    h->plans[h->n_plans++] = *pl;
    return 0;
}

/* The clauses firm i is eligible for today (the matching engine), each checked again by the rules
 * on the day it applies. */
static int plan_firm(struct history *h, int64_t i, struct profile *p, struct match_hit *hits,
                     struct error *err) {
    struct demo_text t;
    profile_clear(p);
    demo_enterprise(h->seed, i, p, &t);
    if (strcmp(t.uscc, h->showcase) == 0) return 0;
    profile_derive(p, h->today, NULL);
    if (match_enterprise(h->cat->set, p, hits))
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int k = 0; k < h->cat->n_in; k++) {
        if (hits[k].result != TRI_TRUE) break; /* ranked: eligible ones first */
        int clause = h->cat->clause_of[hits[k].clause];
        h->n_exempt[clause] += h->cat->clauses[clause].is_exempt;
        struct window w = h->win[clause];
        if (w.lo > w.hi) continue;
        struct rng r =
            rng_for(h->seed ^ HISTORY_SALT ^ (uint64_t)h->cat->clauses[clause].id << 32, i);
        struct plan pl = {.key = next(&r), .i = i, .clause = clause};
        pl.day = w.lo + (int32_t)below(&r, w.hi - w.lo + 1);
        profile_clear(p);
        demo_enterprise(h->seed, i, p, &t);
        if (!is_eligible_on(h, clause, p, pl.day)) continue;
        memcpy(pl.uscc, t.uscc, sizeof pl.uscc);
        int rc = add_plan(h, &pl, err);
        if (rc) return rc;
    }
    return 0;
}

static int by_key(const void *a, const void *b) {
    const struct plan *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

static int by_day(const void *a, const void *b) {
    const struct plan *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return by_key(a, b);
}

/* The share (per mille) of a clause's eligible firms that apply: 70–100%, so the coverage charts
 * have clauses some firms miss out on. */
static int64_t uptake(const struct history *h, int clause) {
    struct rng r = rng_for(h->seed ^ HISTORY_SALT, -1 - h->cat->clauses[clause].id);
    return between(&r, 700, 1000);
}

/* Keeps a random HISTORY_MAX of the candidates, at most HISTORY_PER_CLAUSE per clause and each
 * clause's uptake, in the order they were created. */
static void choose(struct history *h) {
    qsort(h->plans, (size_t)h->n_plans, sizeof *h->plans, by_key);
    int *per = calloc((size_t)h->cat->n_clauses, sizeof *per);
    int n = 0;
    for (int k = 0; per && k < h->n_plans && n < HISTORY_MAX; k++) {
        const struct plan *pl = &h->plans[k];
        if ((int64_t)(pl->key % 1000) >= uptake(h, pl->clause)) continue;
        if (per[pl->clause]++ < HISTORY_PER_CLAUSE) h->plans[n++] = *pl;
    }
    free(per);
    h->n_plans = n;
    qsort(h->plans, (size_t)n, sizeof *h->plans, by_day);
}

static int plan_all(struct history *h, int64_t n_enterprises, struct error *err) {
    struct profile *p = malloc(sizeof *p);
    struct match_hit *hits = malloc((size_t)(h->cat->n_in ? h->cat->n_in : 1) * sizeof *hits);
    int rc = p && hits ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int64_t n = n_enterprises < HISTORY_SCAN ? n_enterprises : HISTORY_SCAN;
    for (int64_t i = 0; !rc && h->cat->n_in && i < n; i++)
        rc = plan_firm(h, i, p, hits, err);
    free(hits);
    free(p);
    if (!rc) choose(h);
    return rc;
}

/* ---- replaying one application through the workflow ---- */

/* The next moment of the timeline: days later, in office hours (9:00–17:00 China time). */
static int64_t after_days(struct rng *r, int64_t t, int64_t lo, int64_t hi) {
    int32_t day = (int32_t)((t + 8 * 3600) / 86400) + (int32_t)between(r, lo, hi);
    int64_t next_t = day_start(day) + between(r, 9 * 3600, 17 * 3600);
    return next_t > t ? next_t : t + 600;
}

struct replay {
    struct history *h;
    const struct plan *pl;
    struct rng r;
    int64_t id, t;
    struct demo_history_stats *out;
};

/* One step by `who` at the replay's time; false (nothing done) when that time is not yet past. */
static int step(struct replay *x, const struct actor *who, const struct workflow_step *st,
                bool *is_done, struct error *err) {
    *is_done = x->t < x->h->until;
    if (!*is_done) return 0;
    return workflow_step(x->h->s, who, x->id, st, x->t, err);
}

static int pay(struct replay *x, bool *is_done, struct error *err) {
    x->t = after_days(&x->r, x->t, 10, 60);
    int32_t paid_on = (int32_t)((x->t + 8 * 3600) / 86400);
    int y, m, d;
    date_to_ymd(paid_on, &y, &m, &d);
    char ref[40];
    snprintf(ref, sizeof ref, "QD%04d%02d%02d%06lld", y, m, d, (long long)(x->id % 1000000));
    struct workflow_step st = {.action = WF_PAY, .paid_on = paid_on, .payment_ref = ref};
    return step(x, &x->h->finance, &st, is_done, err);
}

/* Grants (补助, 贴息) with a deadline are reviewed in one round after it (集中评审); awards for a
 * qualification (奖励) as they come. 0 = no round. */
static int64_t review_round(struct replay *x) {
    const struct clause *c = &x->h->cat->clauses[x->pl->clause];
    bool is_grant = c->kind && (strcmp(c->kind, "补助") == 0 || strcmp(c->kind, "贴息") == 0);
    if (!is_grant || c->deadline == STORE_NO_DATE) return 0;
    return after_days(&x->r, day_start(c->deadline), 10, 45);
}

/* From submitted: accepted, reviewed, approved, paid; or returned (perhaps resubmitted) or
 * rejected on the way. Stops at the first step whose time has not come. */
static int review(struct replay *x, const struct actor *firm, struct error *err) {
    const struct actor *rv = &x->h->reviewer;
    int64_t fate = below(&x->r, 100);
    bool is_done = true;
    int rc = 0;
    if (fate < 12) { /* returned for correction */
        x->t = after_days(&x->r, x->t, 1, 5);
        struct workflow_step st = {.action = WF_RETURN, .reason = PICK(&x->r, return_reasons)};
        rc = step(x, rv, &st, &is_done, err);
        if (rc || !is_done || fate < 3) return rc; /* some firms never come back */
        x->t = after_days(&x->r, x->t, 1, 10);
        st = (struct workflow_step){.action = WF_RESUBMIT};
        rc = step(x, firm, &st, &is_done, err);
        if (rc || !is_done) return rc;
    }
    x->t = after_days(&x->r, x->t, 1, 5);
    struct workflow_step st = {.action = WF_ACCEPT};
    rc = step(x, rv, &st, &is_done, err);
    if (rc || !is_done) return rc;
    x->t = after_days(&x->r, x->t, 5, 40); /* 评审: expert review takes weeks */
    int64_t round = review_round(x);
    if (round > x->t) x->t = round;
    if (fate >= 12 && fate < 19) {
        st = (struct workflow_step){.action = WF_REJECT, .reason = PICK(&x->r, reject_reasons)};
        return step(x, rv, &st, &is_done, err);
    }
    st = (struct workflow_step){.action = WF_REVIEW, .comment = PICK(&x->r, review_comments)};
    rc = step(x, rv, &st, &is_done, err);
    if (rc || !is_done) return rc;
    x->t = after_days(&x->r, x->t, 7, 20); /* after the 公示 (public notice) */
    st = (struct workflow_step){.action = WF_APPROVE};
    rc = step(x, rv, &st, &is_done, err);
    if (rc || !is_done) return rc;
    return pay(x, &is_done, err);
}

static int replay_one(struct history *h, const struct plan *pl, struct error *err) {
    const struct clause *c = &h->cat->clauses[pl->clause];
    struct replay x = {.h = h, .pl = pl};
    x.r = rng_for(h->seed ^ HISTORY_SALT, (int64_t)(pl->key >> 1));
    struct actor firm = {.role = ROLE_ENTERPRISE, .region = -1};
    snprintf(firm.username, sizeof firm.username, "%s", pl->uscc);
    memcpy(firm.uscc, pl->uscc, sizeof firm.uscc);
    x.t = day_start(pl->day) + between(&x.r, 9 * 3600, 17 * 3600);
    int rc = workflow_create(h->s, &firm, c->id, NULL, x.t, &x.id, err);
    if (rc) return rc;
    /* submitted the same day or a day or two later, never after the deadline */
    int64_t submit = after_days(&x.r, x.t, 0, 2);
    int32_t last = sooner(c->deadline, c->valid_to);
    if (last != STORE_NO_DATE && (submit + 8 * 3600) / 86400 > last) submit = x.t + 1800;
    x.t = submit;
    bool is_done;
    struct workflow_step st = {.action = WF_SUBMIT};
    rc = step(&x, &firm, &st, &is_done, err);
    if (rc || !is_done) return rc;
    return review(&x, &firm, err);
}

/* ---- one 免申即享 batch ---- */

/* The 免申即享 clause with the most eligible firms up to HISTORY_BATCH_MAX, in force on `day`;
 * -1 when none. */
static int batch_clause(const struct history *h, int32_t day) {
    int best = -1;
    for (int k = 0; k < h->cat->n_clauses; k++) {
        const struct clause *c = &h->cat->clauses[k];
        bool is_open = c->status == POLICY_PUBLISHED && later(c->valid_from, day) == day &&
                       sooner(sooner(c->deadline, c->valid_to), day) == day;
        int n = h->n_exempt[k];
        if (c->is_exempt && is_open && n > 0 && n <= HISTORY_BATCH_MAX &&
            (best < 0 || n > h->n_exempt[best]))
            best = k;
    }
    return best;
}

/* The reviewer draws up a batch HISTORY_BATCH_AGO days ago (the workflow finds the eligible firms
 * on that day), confirms it within a week, finance pays it within a month. Only when the store is
 * small enough for the workflow's whole-store evaluation to stay cheap. */
static int exempt_batch(struct history *h, struct error *err) {
    if (store_count_enterprises(h->s) > HISTORY_SCAN) return 0;
    int32_t day = h->today - HISTORY_BATCH_AGO;
    int k = batch_clause(h, day);
    if (k < 0) return 0;
    struct rng r = rng_for(h->seed ^ HISTORY_SALT, -1000000 - h->cat->clauses[k].id);
    int64_t t = day_start(day) + between(&r, 9 * 3600, 17 * 3600), id = 0;
    int rc =
        workflow_exempt_create(h->s, &h->reviewer, h->cat->clauses[k].id, NULL, day, t, &id, err);
    t = after_days(&r, t, 2, 7);
    if (!rc) rc = workflow_exempt_confirm(h->s, &h->reviewer, id, t, err);
    t = after_days(&r, t, 15, 30);
    int32_t paid_on = (int32_t)((t + 8 * 3600) / 86400);
    int y, m, d;
    date_to_ymd(paid_on, &y, &m, &d);
    char ref[40];
    snprintf(ref, sizeof ref, "QD%04d%02d%02dMS%04lld", y, m, d, (long long)id);
    if (!rc) rc = workflow_exempt_pay(h->s, &h->finance, id, paid_on, ref, t, err);
    return rc;
}

/* ---- the whole history ---- */

static int load_actor(struct store *s, const char *username, struct actor *a, struct error *err) {
    int rc = auth_user_get(s, username, a, NULL, err);
    if (rc == ERR_NOTFOUND)
        return error_set(err, ERR_NOTFOUND, "缺少演示用户 %s（先创建演示用户）",
                         "the demo user %s is missing (add the demo users first)", username);
    return rc;
}

static int prepare(struct history *h, struct error *err) {
    int rc = refdata_load(err);
    if (!rc) rc = load_actor(h->s, "demo_reviewer", &h->reviewer, err);
    if (!rc) rc = load_actor(h->s, "demo_finance", &h->finance, err);
    struct actor e;
    if (!rc && auth_user_get(h->s, "demo_enterprise", &e, NULL, err) == 0)
        memcpy(h->showcase, e.uscc, sizeof h->showcase);
    if (!rc) rc = match_catalog_load(h->s, h->today, &h->cat, err);
    if (rc) return rc;
    size_t n = (size_t)(h->cat->n_clauses ? h->cat->n_clauses : 1);
    h->win = malloc(n * sizeof *h->win);
    h->n_exempt = calloc(n, sizeof *h->n_exempt);
    if (!h->win || !h->n_exempt) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int k = 0; k < h->cat->n_clauses; k++)
        h->win[k] = window_of(&h->cat->clauses[k], h->today);
    return 0;
}

/* The final tallies, read back from the workflow's own tables. */
static int tally(struct store *s, struct demo_history_stats *out, struct error *err) {
    struct store_rows *r = NULL;
    int rc =
        store_sql(s, "SELECT state, COUNT(*) FROM application GROUP BY state", NULL, 0, &r, err);
    for (int i = 0; !rc && i < store_rows_count(r); i++) {
        int st = workflow_state_from_key(store_rows_text(r, i, 0));
        if (st >= 0) out->by_state[st] = store_rows_int(r, i, 1);
        out->applications += store_rows_int(r, i, 1);
    }
    store_rows_free(r);
    if (!rc)
        rc = store_sql_int(s, "SELECT COUNT(*) FROM payment WHERE source = 'exempt'", NULL, 0, 0,
                           &out->exempt_payments, err);
    if (!rc) rc = store_sql_int(s, "SELECT COUNT(*) FROM payment", NULL, 0, 0, &out->payments, err);
    if (!rc)
        rc = store_sql_int(s, "SELECT SUM(amount_fen) FROM payment", NULL, 0, 0, &out->paid_fen,
                           err);
    /* the rules said eligible on each creation day; the workflow judged again from the store */
    int64_t odd = 0;
    if (!rc)
        rc = store_sql_int(s, "SELECT COUNT(*) FROM application WHERE eligibility <> 'eligible'",
                           NULL, 0, 0, &odd, err);
    if (!rc && odd)
        rc = error_set(err, ERR_DB, "%lld 份演示申请的企业不符合条件",
                       "%lld demo applications are by firms the workflow found not eligible",
                       (long long)odd);
    return rc;
}

int demo_history(struct store *s, uint64_t seed, int64_t n_enterprises, int32_t today,
                 struct demo_history_stats *out, struct error *err) {
    memset(out, 0, sizeof *out);
    int64_t existing = 0;
    int rc = store_sql_int(s, "SELECT COUNT(*) FROM application", NULL, 0, 0, &existing, err);
    if (rc || existing) { /* an earlier run's history, or a platform in use: leave it */
        out->is_skipped = !rc;
        return rc;
    }
    struct history h = {.s = s, .seed = seed, .today = today, .until = day_start(today)};
    rc = prepare(&h, err);
    if (!rc) rc = plan_all(&h, n_enterprises, err);
    for (int k = 0; !rc && k < h.n_plans; k++)
        rc = replay_one(&h, &h.plans[k], err);
    if (!rc) rc = exempt_batch(&h, err);
    if (!rc) rc = tally(s, out, err);
    free(h.plans);
    free(h.win);
    free(h.n_exempt);
    match_catalog_free(h.cat);
    return rc;
}
