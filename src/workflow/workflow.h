/* Applications and payment (module tables "workflow"): an enterprise applies to a published clause
 * (the form pre-filled from its profile with the fields the clause's rule reads), attaches files
 * (stored in the database with their SHA-256), and the application moves through
 *     draft → submitted → accepted (受理) → reviewed (审核) → approved (amount) → paid (兑现)
 * or returned (for correction, then resubmitted) or rejected, each step allowed to one role
 * (workflow_transitions) and each step one transaction with its audit entry (src/audit).
 * 免申即享 batches pay a clause's eligible enterprises (the matching engine's set) without an
 * application. Every payment is one row of the payment table, so money totals per clause, policy,
 * department, district, industry, year and month are one GROUP BY over exact int64 fen
 * (workflow_stats). See docs/WORKFLOW.md. */
#ifndef DUIJIE_WORKFLOW_H
#define DUIJIE_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/auth.h"
#include "util/error.h"

struct store;
struct index_gen;

enum workflow_state {
    WF_DRAFT,
    WF_SUBMITTED,
    WF_ACCEPTED, /* 受理 */
    WF_REVIEWED, /* 审核 */
    WF_APPROVED,
    WF_PAID, /* 兑现 */
    WF_RETURNED,
    WF_REJECTED,
    WF_STATE_COUNT
};

enum workflow_action {
    WF_SUBMIT,
    WF_RESUBMIT,
    WF_ACCEPT,
    WF_REVIEW,
    WF_APPROVE,
    WF_RETURN,
    WF_REJECT,
    WF_PAY,
    WF_ACTION_COUNT
};

/* One row of the table of allowed transitions: `action` by `role` moves an application from any
 * state in from_mask (bit per state) to `to`. Every other (state, action, role) is refused. */
struct workflow_transition {
    enum workflow_action action;
    unsigned from_mask;
    enum workflow_state to;
    enum role role;
};

const struct workflow_transition *workflow_transitions(int *n);
/* "draft", "submitted", …; NULL past the end. */
const char *workflow_state_key(enum workflow_state s);
/* 草稿, 已提交, 已受理, … */
const char *workflow_state_label(enum workflow_state s);
/* -1 when unknown. */
int workflow_state_from_key(const char *key);
const char *workflow_action_key(enum workflow_action a);
int workflow_action_from_key(const char *key);
/* Days an application may stay in a state before lists flag it overdue; 0 = never. */
int workflow_state_limit_days(enum workflow_state s);

/* Attachments: at most this many bytes each and this many per application; types by content. */
#define WORKFLOW_FILE_MAX ((size_t)10 << 20)
#define WORKFLOW_FILES_MAX 20

/* ---- applications ---- */

/* What one step carries: review comments, a reason (return, reject), the approved amount, the
 * payment date and reference. */
struct workflow_step {
    enum workflow_action action;
    const char *comment;     /* review: 审核意见 (required); others optional */
    const char *reason;      /* return, reject: required */
    bool has_amount;         /* approve: false = the computed award */
    int64_t amount_fen;      /* approve: never above the clause's award_cap_fen */
    int32_t paid_on;         /* pay: 兑现日期 (days) */
    const char *payment_ref; /* pay: bank reference (required) */
};

/* Creates a draft for the actor's enterprise (an enterprise user: its own USCC; an administrator
 * or commissioner may name one) on a published clause, the form pre-filled from the profile and
 * the award computed by the rule engine for `today`. ERR_CONFLICT when the enterprise already
 * has an application for the clause that is not rejected. now: unix seconds. */
/* Roles that see applications and the money in them at all (within their scope); the rest (banks,
 * investors) see none. */
bool workflow_may_list(const struct actor *who);
/* Whether the actor's scope holds the applications of a policy of `department` at all (a
 * department's officer, reviewer or finance user sees only its own department's; the scope's
 * other cuts are by area and firm). A caller that counts applications per clause says "unknown",
 * not 0, where this is false. */
bool workflow_sees_department(const struct actor *who, const char *department);

int workflow_create(struct store *s, const struct actor *who, int64_t clause_id, const char *uscc,
                    int64_t now, int64_t *id, struct error *err);
/* Replaces declared form values (a JSON object key → text; keys must be the form's fields, each
 * value must parse as the field) while the application is a draft or returned. */
int workflow_update_form(struct store *s, const struct actor *who, int64_t id, const json_t *values,
                         int64_t now, struct error *err);
/* One step of the state machine in one transaction with its audit entry. ERR_FORBIDDEN when the
 * role may not take the action or the application is outside the actor's scope; ERR_CONFLICT
 * when the state does not allow it (the message names both states) or the clause's deadline has
 * passed (submit); ERR_INVALID for a missing comment, reason or reference, or an amount above the
 * cap. */
int workflow_step(struct store *s, const struct actor *who, int64_t id,
                  const struct workflow_step *step, int64_t now, struct error *err);
/* The application with its form, files (without content) and audit history. */
int workflow_get(struct store *s, const struct actor *who, int64_t id, int64_t now, json_t **out,
                 struct error *err);

struct workflow_query {
    int state;         /* enum workflow_state; -1 = any */
    int64_t clause_id; /* 0 = any */
    const char *uscc;  /* NULL = any */
    bool is_overdue;   /* only overdue ones */
    int64_t offset;    /* rows to skip */
    int limit;         /* rows (1..10000) */
};

/* Applications the actor may see, newest first: JSON objects with id, clause, enterprise, state,
 * amounts (fen), dates and the overdue flag; *total = all matching rows. */
int workflow_list(struct store *s, const struct actor *who, const struct workflow_query *q,
                  int64_t now, json_t **rows, int64_t *total, struct error *err);

/* Stores an attachment (enterprise, draft or returned): name, declared type, bytes. The content
 * must be what the type says (PDF, PNG, JPEG, XLSX/DOCX zip, plain UTF-8 text); size and count
 * limits above. *file_id gets its id. */
int workflow_attach(struct store *s, const struct actor *who, int64_t id, const char *name,
                    const char *content_type, const void *data, size_t len, int64_t now,
                    int64_t *file_id, struct error *err);
/* An attachment's bytes (malloc'd), name and type (in the JSON *meta). */
int workflow_file(struct store *s, const struct actor *who, int64_t id, int64_t file_id,
                  char **data, size_t *len, json_t **meta, struct error *err);

/* ---- 免申即享 ---- */

/* A batch for an is_exempt published clause: every enterprise the matching engine finds eligible
 * on `today` (g, or the store loaded into a generation when g is NULL) that has not been paid for
 * the clause, with its computed award capped at award_cap_fen. Reviewer or administrator. One
 * open batch per clause (ERR_CONFLICT). */
int workflow_exempt_create(struct store *s, const struct actor *who, int64_t clause_id,
                           const struct index_gen *g, int32_t today, int64_t now, int64_t *batch_id,
                           struct error *err);
/* Reviewer: removes (or puts back) one entry of a proposed batch. */
int workflow_exempt_remove(struct store *s, const struct actor *who, int64_t batch_id,
                           const char *uscc, bool is_removed, const char *reason, int64_t now,
                           struct error *err);
/* Reviewer: proposed → confirmed. */
int workflow_exempt_confirm(struct store *s, const struct actor *who, int64_t batch_id, int64_t now,
                            struct error *err);
/* Finance: confirmed → paid; every entry not removed is paid (one payment row each). */
int workflow_exempt_pay(struct store *s, const struct actor *who, int64_t batch_id, int32_t paid_on,
                        const char *payment_ref, int64_t now, struct error *err);
/* The batch with totals and entries (offset/limit over entries). */
int workflow_exempt_get(struct store *s, const struct actor *who, int64_t batch_id, int64_t offset,
                        int limit, json_t **out, struct error *err);
int workflow_exempt_list(struct store *s, const struct actor *who, json_t **out, struct error *err);

/* Who applied: the distinct (clause, enterprise) pairs with an application past draft or a
 * 免申即享 payment (the firm needed no application), within the actor's scope, ordered by clause
 * (clause_id 0 = every clause). *out is malloc'ed (free it); the dashboard's coverage and the push
 * list's "missed" firms (eligible, never applied) are counted from it. */
struct workflow_applicant {
    int64_t clause_id;
    char uscc[24];
};
int workflow_applicants(struct store *s, const struct actor *who, int64_t clause_id,
                        struct workflow_applicant **out, int64_t *n, struct error *err);

/* ---- money ---- */

/* Paid totals grouped by "clause", "policy", "department", "district", "industry" (section),
 * "year" or "month" within the actor's scope: {"by", "groups": [{key, label, paid_fen, payments}],
 * "paid_fen", "payments", "approved_unpaid_fen", "applications": {state: count}}. */
int workflow_stats(struct store *s, const struct actor *who, const char *by, json_t **out,
                   struct error *err);

/* Payments within the actor's scope (clause_id 0 = any), newest first: {id, source (application
 * / exempt), source_id, clause_id, clause_title, department, uscc, enterprise_name (the firm's
 * name in the store now; "" when it is gone), district_code, section, amount_fen, paid_on,
 * payment_ref}; *total = all matching rows. */
int workflow_payments(struct store *s, const struct actor *who, int64_t clause_id, int64_t offset,
                      int limit, json_t **rows, int64_t *total, struct error *err);

#endif
