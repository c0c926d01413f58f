/* The docking records in the store (module "dock", tables through store_sql): banks and their
 * loan products, 贴息 subsidies, financing needs with each bank's steps, the 项目库, the listing
 * pipeline, investors and financing projects, two-way selection rankings and results, needs,
 * capabilities and 揭榜挂帅 challenges, intents, and matchmaking events (participants, requests,
 * the stored schedule). dock.h stays storage-free; this header is what the HTTP API, the demo and
 * the tests use to keep its inputs and results.
 *
 * Records travel as JSON objects whose keys are the column names: integers, money as integer fen
 * (a text amount such as "500万元" is accepted on input), dates "2026-12-01" (days in the table),
 * booleans, and JSON columns (criteria, quota formulas, reasons) as JSON. Tables: docs/DOCK.md. */
#ifndef DUIJIE_DOCK_STORE_H
#define DUIJIE_DOCK_STORE_H

#include <stdint.h>

#include <jansson.h>

#include "enterprise/enterprise.h"
#include "store/store.h"
#include "util/error.h"

/* The kinds of record: "bank", "product", "subsidy", "financing", "step", "project",
 * "listing_firm", "listing_history", "listing_target", "listing_reward", "investor",
 * "invest_project", "rank", "selection", "need", "capability", "challenge", "application",
 * "milestone", "intent", "event", "participant", "request", "meeting". */
bool dock_kind_is_known(const char *kind);
/* The table a kind is kept in ("dock_bank" …), NULL when unknown. */
const char *dock_kind_table(const char *kind);

/* Inserts (no "id" in o) or updates the keys present in o (PATCH semantics) of the record "id".
 * Keys that are not columns are errors, as are values of the wrong type, a missing required
 * column on insert, and values outside a column's list (category, stage, step, status …). *id
 * gets the row id. */
int dock_put(struct store *s, const char *kind, json_t *o, int64_t *id, struct error *err);
/* One record by id (ERR_NOTFOUND when absent); the caller owns *out. */
int dock_get(struct store *s, const char *kind, int64_t id, json_t **out, struct error *err);
/* Records where `col = value` (col NULL = all), in id order, at most limit (0 = 10000) from
 * offset. col must be a column of the kind. */
int dock_list(struct store *s, const char *kind, const char *col, struct store_val value, int limit,
              int offset, json_t **out, struct error *err);
int dock_delete(struct store *s, const char *kind, int64_t id, struct error *err);
/* Rows of any SELECT as JSON objects: types is one letter per column: i integer, s text, d date,
 * b boolean, j JSON text. */
int dock_query(struct store *s, const char *sql, const struct store_val *args, int n_args,
               const char *types, json_t **out, struct error *err);

/* ---- workflows (each one transaction) ---- */

/* Opens a transaction unless one is open already (*is_mine says which); dock_tx_end commits or,
 * when rc is an error, rolls back the transaction that dock_tx_begin opened, and returns rc. */
int dock_tx_begin(struct store *s, bool *is_mine, struct error *err);
int dock_tx_end(struct store *s, bool is_mine, int rc, struct error *err);

/* Posts a financing need: sets posted (today when absent) and the three response deadlines
 * (respond_due, contact_due, follow_due: 1, 3 and 7 days after posting unless given), and links
 * every bank with at least one published product the enterprise (profile p, may be NULL = every
 * bank) may qualify for (eligible or unknown) in dock_financing_bank. */
int dock_financing_post(struct store *s, json_t *need, const struct profile *p, int32_t today,
                        int64_t *id, struct error *err);
/* Records one bank step (响应, 联系, 跟进, 对接, 授信, 放款) on a need; the need's whole history
 * is checked with financing_report (order, credit before loan, loans within credit, dates) and a
 * step that breaks it is refused. */
int dock_financing_step(struct store *s, int64_t need_id, json_t *step, int32_t today, int64_t *id,
                        struct error *err);
/* financing_report's input for the needs the bank is linked to (bank_id 0 = all, uscc NULL = any
 * enterprise): {"date", "needs": [{id, enterprise, region, amount, months, purpose, posted,
 * events}]}. */
int dock_financing_input(struct store *s, int64_t bank_id, const char *uscc, int32_t today,
                         json_t **out, struct error *err);

/* loan_compare's products and subsidies from the published loan products and the subsidies:
 * {"products": [...], "subsidies": [...]} (caller adds enterprise, request, date). */
int dock_compare_input(struct store *s, json_t **out, struct error *err);

/* Moves a listing firm to a stage (储备/孵化/辅导/上市) on date, recording the history. */
int dock_listing_move(struct store *s, const char *uscc, const char *name, const char *stage,
                      int32_t date, struct error *err);

/* ---- events ---- */

/* Registers a participant (by name, unique in the event); *id gets its id. */
int dock_register(struct store *s, int64_t event_id, json_t *participant, int32_t today,
                  int64_t *id, struct error *err);
/* Check-in at time t (seconds since 1970); ERR_NOTFOUND for an unknown participant. */
int dock_check_in(struct store *s, int64_t event_id, int64_t participant_id, int64_t t,
                  struct error *err);
/* Marks the participant's meetings (all, or only with `other` when other > 0) as no-shows. */
int dock_no_show(struct store *s, int64_t event_id, int64_t participant_id, int64_t other,
                 bool is_no_show, struct error *err);

/* The same changes on behalf of who (NULL = the system), each with its audit entry in the same
 * transaction (store_event_audit.c): "event_register" on "dock_participant" (after = the row as
 * stored), "event_checkin" (before/after {event_id, checked_in_at}), "event_noshow" (before/after
 * {event_id, with, meetings: [{request_id, no_show}]}). */
struct actor;
int dock_register_as(struct store *s, int64_t event_id, json_t *participant, int32_t today,
                     const struct actor *who, int64_t *id, struct error *err);
int dock_check_in_as(struct store *s, int64_t event_id, int64_t participant_id, int64_t t,
                     const struct actor *who, struct error *err);
int dock_no_show_as(struct store *s, int64_t event_id, int64_t participant_id, int64_t other,
                    bool is_no_show, const struct actor *who, struct error *err);
/* Stores a meeting request (a dock_request row, checked by the caller) and its audit entry
 * "event_request_send" on "dock_request" (after = the row as stored). */
int dock_request_send_as(struct store *s, json_t *request, const struct actor *who, int64_t *id,
                         struct error *err);
/* Stores a follow-up intent after an event (a dock_intent row) and its audit entry "event_intent"
 * on "dock_intent" (after = the row as stored). */
int dock_intent_add_as(struct store *s, json_t *intent, const struct actor *who, int64_t *id,
                       struct error *err);
/* Sets request rid of the event to status (待确认|已接受|已拒绝|已取消; any but 已接受 drops its
 * meeting) with its audit entry on "dock_request": "event_request_accept", "_decline", "_cancel"
 * (or "event_request_status"), before/after {event_id, status, slot, table, no_show} (the meeting's
 * columns null when it has none). ERR_NOTFOUND for another event's request; ERR_INVALID on
 * "status" for an unknown one. */
int dock_request_status_as(struct store *s, int64_t event_id, int64_t rid, const char *status,
                           const struct actor *who, struct error *err);

/* A participant's availability (store_avail.c), as avail_describe gives it plus "event_id",
 * "participant_id" and "meetings_outside" (its scheduled meetings in slots it cannot attend, which
 * the organiser's repair moves). ERR_NOTFOUND for another event's participant. */
int dock_availability(struct store *s, int64_t event_id, int64_t pid, json_t **out,
                      struct error *err);
/* Sets it from the stretches the participant is free (avail_from_ranges; NULL = all day) and
 * answers as dock_availability. Refused after the event's day (ERR_CONFLICT on "date"). The change
 * and its audit entry ("event_availability" on "dock_participant", before and after
 * {"avail_mask"}, on behalf of who, NULL = the system) commit together. */
int dock_set_availability(struct store *s, int64_t event_id, int64_t pid, json_t *ranges,
                          int32_t today, const struct actor *who, json_t **out, struct error *err);

/* The organiser's view of the event's availability (store_avail.c), for one screen:
 * {"event_id", "hours", "slot_min", "slots": [{slot, start, end}], "participants", "not_set",
 * "with_conflicts", "meetings", "conflicts": [...], "items": [{"id", "name", "kind",
 * "checked_in", "set" (said when it is free, all day included: an availability audit entry or a
 * stored mask), "all_day", "available_slots", "ranges": [{from, to}], "meetings": [{request_id,
 * slot, table, start, end, with, with_id, no_show}] in slot order, "conflicts": [...]}]}. A
 * conflict is {"kind": "outside" (a meeting in a slot the participant cannot attend) | "overlap"
 * (two or more of its meetings in one slot), participant_id, participant, slot, start, end,
 * "with": [names], request_ids, "text": the Chinese sentence naming them}. */
int dock_event_availability(struct store *s, int64_t event_id, json_t **out, struct error *err);

struct dock_schedule_stats {
    int n_requests; /* accepted requests considered */
    int n_placed, upper_bound, n_covered, n_wanting, n_moved;
    bool is_optimal;
    const char *method;
};

/* Computes the schedule of the event's accepted requests (sched_solve) and stores it, replacing
 * the previous one; with is_repair the previous meetings stay where they are unless moving one
 * lets a new request in (sched_repair). Unplaced requests keep their reason in dock_request. */
int dock_schedule(struct store *s, int64_t event_id, bool is_repair, struct dock_schedule_stats *st,
                  struct error *err);
/* dock_schedule on behalf of who (NULL = the system) with its audit entry in the same
 * transaction (store_event_audit.c): "event_schedule" or "event_schedule_repair" on "dock_event",
 * before {event_id, meetings: [[request_id, slot, table], …]}, after the same plus repair,
 * requests, placed, moved, method. */
int dock_schedule_as(struct store *s, int64_t event_id, bool is_repair, const struct actor *who,
                     struct dock_schedule_stats *st, struct error *err);
/* The stored schedule as [{"a", "b", "slot", "table", "request_id", "a_id", "b_id", "no_show"}]. */
int dock_meetings(struct store *s, int64_t event_id, json_t **out, struct error *err);

/* ---- roadshows (常态化资本路演, store_roadshow.c) ---- */

/* Replaces the roadshow's line-up with the financing projects (dock_invest_project ids) in
 * presentation order; an unknown or repeated project is an error on "projects". */
int dock_roadshow_lineup(struct store *s, int64_t roadshow_id, json_t *project_ids,
                         struct error *err);
/* Registers an investor (dock_investor id) for the roadshow on day today, with the firms
 * (project ids of the line-up) it wants to hear. Refused with ERR_CONFLICT naming the field: on
 * or after the roadshow's day ("date"), after its registration deadline ("reg_deadline"), a
 * second time ("investor_id"), when the seats are taken ("capacity"); a firm not in the line-up
 * is ERR_INVALID on "firms". */
int dock_roadshow_register(struct store *s, int64_t roadshow_id, int64_t investor_id, json_t *firms,
                           int32_t today, int64_t *id, struct error *err);
/* dock_roadshow_register on behalf of who (NULL = the system, as dock_roadshow_register does):
 * the registration and its audit entry ("roadshow_register" on "roadshow_registration", the row
 * as stored in after) commit together or not at all. */
int dock_roadshow_register_as(struct store *s, int64_t roadshow_id, int64_t investor_id,
                              json_t *firms, int32_t today, const struct actor *who, int64_t *id,
                              struct error *err);
/* Withdraws registration reg_id of the roadshow and records it in the audit log (who, before).
 * investor_id > 0: the investor itself, only its own (ERR_FORBIDDEN), through the deadline day
 * ("reg_deadline") or the roadshow's day ("date"), not once checked in ("checked_in_at"), all
 * ERR_CONFLICT naming the field; 0: an organiser removing any. Either way a registration with
 * follow-ups recorded stays (ERR_CONFLICT on "followups"). The seat is free once it commits. */
int dock_roadshow_withdraw(struct store *s, int64_t roadshow_id, int64_t reg_id,
                           int64_t investor_id, int32_t today, const struct actor *who,
                           struct error *err);
/* Checks registration reg_id in at time t (seconds since 1970): only on the roadshow's day in
 * China (UTC+8), else ERR_CONFLICT on "date"; ERR_NOTFOUND for another roadshow's. */
int dock_roadshow_check_in(struct store *s, int64_t roadshow_id, int64_t reg_id, int64_t t,
                           struct error *err);
/* Records a follow-up after the roadshow: {"investor_id", "project_id", "status":
 * 约谈|尽调|签约|放弃, "amount_fen", "date" (default today), "note"}. The investor must have
 * registered and the project be in the line-up; the date may not be before the roadshow. */
int dock_roadshow_followup(struct store *s, int64_t roadshow_id, json_t *followup, int32_t today,
                           int64_t *id, struct error *err);
/* roadshow_report's input for a stored roadshow: the roadshow's columns, "firms" (project_id,
 * name, uscc, stage, industry, amount_fen, in line-up order), "registrations" (id, investor_id,
 * investor, org_id, registered_on, firms, checked_in_at) and "followups" (with the investor's and
 * firm's names). */
int dock_roadshow_input(struct store *s, int64_t roadshow_id, json_t **out, struct error *err);

#endif
