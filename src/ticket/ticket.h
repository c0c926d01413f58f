/* Requests (诉求) from enterprises and the public: a question about a policy, a request for
 * government information (依申请公开, 20 working days by law), a problem (停水停电, 审批卡点 …).
 * Routed by topic and region to a department or commissioner, with a service-level deadline in
 * working days on a holiday calendar (法定节假日 and 调休 working weekends, kept by the
 * administrator); states received → assigned → in progress → answered → closed (with a
 * satisfaction rating) or transferred; overdue requests escalate one level up the service
 * network (commissioner → station → centre → hub). An answer to a policy question can become an
 * FAQ entry linked to a clause, which search indexes. Statistics by topic, department and region.
 * Tables are this module's (store_sql); messages to the requester go through src/notify. */
#ifndef DUIJIE_TICKET_H
#define DUIJIE_TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct store;
struct search_doc_list;

/* ---- the working-day calendar ---- */

/* The days that differ from "Monday to Friday work": holidays on weekdays and working weekends. */
struct ticket_calendar {
    int32_t *holidays; /* sorted, owned */
    int n_holidays;
    int32_t *workdays; /* sorted, owned: 调休 weekend days that are worked */
    int n_workdays;
};

void ticket_calendar_release(struct ticket_calendar *c);
/* Parses the calendar's TSV (data/holidays-cn.tsv: date, holiday|workday, name; '#' comments).
 * Errors name the line. */
int ticket_calendar_parse(const char *text, size_t len, struct ticket_calendar *out,
                          struct error *err);
/* The calendar from the store's table; the first time (an empty table) it is filled from the
 * calendar shipped in the binary (2025 and 2026). */
int ticket_calendar_load(struct store *s, struct ticket_calendar *out, struct error *err);
/* The administrator's edits: kind "holiday" or "workday"; NULL kind deletes the day. */
int ticket_calendar_set(struct store *s, int32_t day, const char *kind, const char *name,
                        struct error *err);
/* Adds every day of a calendar TSV (as ticket_calendar_parse reads it) to the store's table, in
 * one transaction; *n_holidays and *n_workdays (either may be NULL) get how many. */
int ticket_calendar_import(struct store *s, const char *text, size_t len, int *n_holidays,
                           int *n_workdays, struct error *err);

bool ticket_is_workday(const struct ticket_calendar *c, int32_t day);
/* The n-th working day after `from` (from itself does not count; n ≥ 0, 0 gives from). */
int32_t ticket_add_workdays(const struct ticket_calendar *c, int32_t from, int n);
/* Working days in (from, to]; negative when to < from. */
int ticket_workdays_between(const struct ticket_calendar *c, int32_t from, int32_t to);

/* ---- requests ---- */

enum ticket_kind { TICKET_QUESTION = 0, TICKET_DISCLOSURE, TICKET_PROBLEM, TICKET_KIND_COUNT };

/* "question", "disclosure", "problem"; NULL past the end. */
const char *ticket_kind_key(enum ticket_kind k);
int ticket_kind_from_key(const char *key); /* -1 when unknown */

/* Service-network levels, low to high. */
enum ticket_level { LEVEL_COMMISSIONER = 0, LEVEL_STATION, LEVEL_CENTRE, LEVEL_HUB };

struct ticket_new {
    enum ticket_kind kind;
    const char *topic;     /* "policy", "water", "approval", … (routing key) */
    int region;            /* refdata region index of the matter; -1 = the city */
    const char *requester; /* USCC or "u:<id>" */
    const char *title;
    const char *body;
    int64_t clause_id; /* the clause a question is about, 0 none */
};

struct ticket {
    int64_t id;
    char kind[16], topic[32], state[16], requester[64], dept[96];
    int region, level;
    int64_t assignee, clause_id;
    int32_t filed, due, answered; /* days; answered STORE_NO_DATE-like INT32_MIN when not */
    int satisfaction;             /* 1..5, 0 none */
    int escalations;
    const char *title, *body, *answer; /* in the arena given */
};

/* Files a request on `today`: routed (a route for its topic and region at the commissioner level,
 * else the next level up; none: it waits 'received' for the hub), due after the SLA's working
 * days, and the requester told. *id gets its number. */
int ticket_file(struct store *s, const struct ticket_calendar *cal, const struct ticket_new *t,
                int32_t today, int64_t now, int64_t *id, struct error *err);

/* Moves a request on: "in_progress" (from assigned), "answered" (needs answer text),
 * "closed" (from answered, by the requester, satisfaction 1..5), "transferred" (to dept, with a
 * note; then 'assigned' to that department). ERR_CONFLICT for a move the state does not allow.
 * by: who acts, for the history ("u:12"). */
int ticket_move(struct store *s, int64_t id, const char *to_state, const char *by, const char *text,
                int satisfaction, const char *dept, int32_t today, int64_t now, struct error *err);

/* One request; strings in the arena. */
struct arena;
int ticket_get(struct store *s, int64_t id, struct arena *a, struct ticket *out, struct error *err);

/* Escalates every open request past its deadline (and past its last escalation's grace of 2
 * working days) one level up, to that level's route; *n gets how many moved. */
int ticket_escalate_overdue(struct store *s, const struct ticket_calendar *cal, int32_t today,
                            int64_t now, int64_t *n, struct error *err);

/* A route: requests of topic ("*" = any) in region (-1 = any; else that region and within it) at
 * a level go to dept (and the assignee, a user id, 0 = the department's queue). sla_days 0 = the
 * kind's default (question 5, problem 3, disclosure 20; disclosure never more than 20). */
int ticket_route_put(struct store *s, const char *topic, int region, int level, const char *dept,
                     int64_t assignee, int sla_days, struct error *err);

/* Publishes an answered question as an FAQ entry linked to its clause (or clause_id when given). */
int ticket_publish_faq(struct store *s, int64_t id, int64_t clause_id, int64_t now, int64_t *faq_id,
                       struct error *err);
/* Adds the published FAQ entries to a search document list (id "faq-<n>", linked clause as ref). */
int ticket_faq_search_docs(struct store *s, struct search_doc_list *l, struct error *err);

/* Which requests a list shows. */
struct ticket_query {
    const char *requester; /* only this requester's; NULL = any */
    const char *dept;      /* only this department's; NULL = any */
    int region;            /* only within this region (refdata index); -1 = any */
    const char *state;     /* NULL = any; "open" = received, assigned or in progress */
    int page, page_size;
};
/* A page of requests (newest first) as JSON text (malloc'd): {"total", "tickets": [...]}; each
 * with its deadline and whether it is overdue on `today`. */
int ticket_list_json(struct store *s, const struct ticket_query *q, int32_t today, char **out,
                     struct error *err);
/* One request with its history as JSON text (malloc'd). */
int ticket_json(struct store *s, int64_t id, int32_t today, char **out, struct error *err);
/* The FAQ entries of a clause as JSON text (malloc'd). */
int ticket_faq_json(struct store *s, int64_t clause_id, char **out, struct error *err);

/* Statistics as JSON text into *out (malloc'd): by topic, department and region — count, open,
 * answered, on time, on-time rate (per mille), satisfaction (count and average in hundredths). */
int ticket_stats_json(struct store *s, int32_t today, char **out, struct error *err);

#endif
