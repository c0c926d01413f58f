/* The service network (1+10+N): the city hub (市级枢纽), one service centre per district
 * (区(市)服务中心), service stations (服务站) for towns and streets, and the policy service
 * commissioners (政策服务专员) who visit enterprises. Owns the units and their areas, the
 * assignment of every enterprise to a commissioner (computed from the enterprise's town, with
 * manual reassignments stored and their history kept), a commissioner's queue (which enterprises
 * to visit first, from the in-memory matching engine), visit records, the 服务包 (service
 * package: the clauses to bring to one enterprise) and service statistics. docs/NETWORK.md.
 *
 * Tables are this module's own (store_sql, module "network"). Users are the auth module's: a
 * commissioner carries its user's name as text only. Applications are the workflow module's: the
 * queue asks through network_applied (which tolerates its absence). Knows nothing of HTTP. */
#ifndef DUIJIE_NETWORK_H
#define DUIJIE_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/auth.h"
#include "enterprise/enterprise.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/tri.h"

struct store;
struct index_gen;
struct match_catalog;

/* ---- units ---- */

enum network_kind {
    NETWORK_HUB = 0,      /* 市级枢纽: the whole city, one */
    NETWORK_CENTRE,       /* 区(市)服务中心: one district */
    NETWORK_STATION,      /* 服务站: towns/streets of its centre's district */
    NETWORK_COMMISSIONER, /* 政策服务专员: towns of its station */
    NETWORK_KIND_COUNT
};

/* "hub", "centre", "station", "commissioner"; NULL past the end. */
const char *network_kind_key(enum network_kind k);
/* 市级枢纽, 区(市)服务中心, 服务站, 政策服务专员. */
const char *network_kind_label(enum network_kind k);
/* The kind for a key, -1 when unknown. */
int network_kind_from_key(const char *key);

#define NETWORK_MAX_TOWNS 64

/* One unit. Strings are borrowed on put and live in the network's (or caller's) arena on read. */
struct network_unit {
    int64_t id;        /* 0 on put = new; the row id after */
    int kind;          /* enum network_kind */
    int64_t parent_id; /* the unit above (0 for the hub) */
    const char *name;  /* 崂山区服务中心, 沙子口街道服务站, 王丽 */
    const char *contact, *phone, *address; /* may be NULL */
    const char *user_ref; /* commissioner (and managers): the auth user's name; NULL = none */
    int region;           /* refdata index: hub the city, centre its district; stations and
                             commissioners: their district (from their towns); -1 = none */
    int towns[NETWORK_MAX_TOWNS]; /* refdata town indexes: stations and commissioners */
    int n_towns;
    bool is_active; /* an inactive commissioner gets no new enterprises */
};

/* Inserts (id 0) or updates a unit and replaces its towns, in one transaction of its own (or the
 * caller's, when one is open). Checks: the parent has the kind just above; a centre's region is a
 * district of the city; a station's towns lie in its centre's district; a commissioner's towns
 * are among its station's; names are valid UTF-8 and not empty. ERR_INVALID otherwise. */
int network_put_unit(struct store *s, struct network_unit *u, struct error *err);

/* ---- the network in memory (a snapshot: immutable once loaded, any thread may read) ---- */

struct network {
    struct arena arena;         /* strings of the units */
    struct network_unit *units; /* id order (owned) */
    int n_units;
    int *town_first;           /* per refdata region index r: commissioners of r are    */
    int *town_units;           /* town_units[town_first[r] .. town_first[r + 1]) (owned) */
    struct strmap overrides;   /* USCC → commissioner id of a manual reassignment */
    char (*override_uscc)[20]; /* the same as a list (owned) */
    int64_t *override_to;      /* (owned) */
    int n_overrides;
    struct strmap by_user; /* user_ref → unit index */
};

int network_load(struct store *s, struct network **out, struct error *err);
void network_free(struct network *n);
/* A unit by id; NULL when none. */
const struct network_unit *network_unit(const struct network *n, int64_t id);
/* The unit a user manages or is (by user_ref); NULL when none. */
const struct network_unit *network_unit_of_user(const struct network *n, const char *user_ref);
/* Whether unit id lies under (or is) unit ancestor. */
bool network_is_under(const struct network *n, int64_t id, int64_t ancestor);

/* ---- assignment ---- */

/* The commissioner an enterprise is assigned to, or 0 when none: a manual reassignment if there
 * is one, else the enterprise's town's active commissioners chosen by rendezvous hashing of the
 * USCC (deterministic; balanced; a commissioner added to a town takes about 1/n of its enterprises
 * and moves no other). region is the enterprise's refdata region index (its town); an enterprise
 * known only to its district is shared among every commissioner of the district; one in a town
 * no commissioner covers is unassigned. */
int64_t network_assigned(const struct network *n, const char *uscc, int region);
/* The same without the manual reassignments (what the town alone gives). */
int64_t network_assigned_auto(const struct network *n, const char *uscc, int region);

struct network_reassignment {
    int64_t id;
    char uscc[20];
    int64_t from_id, to_id; /* commissioners; from 0 = unassigned; to 0 = back to the town's */
    const char *by;         /* who did it (a user name) */
    int64_t at;             /* seconds since 1970 */
    const char *reason;
};

/* Reassigns an enterprise (one transaction: the override and a history row). to_id 0 returns
 * it to its town's commissioner. from_id is what n says now. reason must not be empty. */
int network_reassign(struct store *s, const struct network *n, const char *uscc, int region,
                     int64_t to_id, const char *by, const char *reason, int64_t at,
                     struct error *err);
/* The reassignments of one enterprise, oldest first, in arena a. */
int network_history(struct store *s, const char *uscc, struct arena *a,
                    struct network_reassignment **out, int *n_out, struct error *err);

/* ---- who has applied (the workflow module's applications) ---- */

/* Whether the enterprise has applied for the clause already. */
typedef bool (*network_applied_fn)(void *ctx, const char *uscc, int64_t clause_id);

struct network_applied {
    network_applied_fn fn; /* NULL = applications unknown: nothing is filtered */
    void *ctx;
    const char *note; /* why nothing is filtered, for the reply; NULL when fn is set */
};

/* The filter the store can give: when the workflow module's tables are there (module_version
 * "workflow"), its applications that are not rejected and its payments (read once here); else
 * none, with a note saying so. Release it with network_applied_release. */
int network_applied_from_store(struct store *s, struct network_applied *out, struct error *err);
void network_applied_release(struct network_applied *a);

/* ---- the service package (服务包): what to bring to one enterprise ---- */

enum network_fit {
    NETWORK_QUALIFIES = 0, /* every condition holds */
    NETWORK_MIGHT,         /* no condition fails; some are unknown (missing values) */
    NETWORK_NEARLY,        /* exactly one condition of the rule's AND fails, the rest hold */
};

const char *network_fit_key(enum network_fit f);   /* "qualifies", "might", "nearly" */
const char *network_fit_label(enum network_fit f); /* 符合, 可能符合, 差一项 */

struct network_pack_item {
    int clause;        /* index into the catalog's in[] */
    int64_t clause_id; /* the store's id */
    enum network_fit fit;
    bool has_award;
    int64_t award_fen; /* estimated (for nearly: what it would be with the condition met) */
    int32_t deadline;  /* INT32_MAX when none */
};

/* Every published clause the enterprise qualifies for, might qualify for or nearly qualifies for,
 * whose deadline (if any) is not before today, and has not applied for; ranked qualifies, might,
 * nearly, then award (largest first), deadline (soonest first), id. items must hold the catalog's
 * n_in entries; *n_items gets the count. p is derived for the catalog's date. */
int network_pack(const struct match_catalog *cat, const struct profile *p, int32_t today,
                 const struct network_applied *applied, struct network_pack_item *items,
                 int *n_items);

/* The package as JSON: the enterprise, and per clause its policy, department and contact
 * (network_contacts), fit, award (fen and text), deadline, the evaluator's explanation (why),
 * what is missing (nearly: the failing condition; might: the unknown fields). */
json_t *network_pack_json(struct store *s, const struct match_catalog *cat, const struct profile *p,
                          const struct network_pack_item *items, int n_items, int32_t today,
                          struct arena *a);

/* A department's contact line for the package ("市科技局高新技术处 0532-85911736"). */
int network_put_contact(struct store *s, const char *department, const char *contact,
                        struct error *err);
/* NULL when none is recorded; in arena a. */
const char *network_contact(struct store *s, const char *department, struct arena *a);

/* ---- a commissioner's queue ---- */

struct network_queue_item {
    uint32_t row; /* the index generation's row */
    char uscc[20];
    int region;
    int n_qualifies, n_might, n_nearly;
    int64_t stake_fen;     /* money at stake: estimated awards of the clauses it qualifies or
                              might qualify for */
    int64_t qualifies_fen; /* of which qualifies */
    int64_t nearly_fen;    /* what the clauses missed by one condition would bring */
    int32_t deadline;      /* the soonest deadline among the listed clauses; INT32_MAX none */
};

struct network_queue {
    struct network_queue_item *items; /* this page (owned) */
    int n;
    int64_t total;      /* enterprises with at least one clause to bring */
    int64_t n_assigned; /* enterprises assigned to the commissioner */
    int64_t stake_fen;  /* over every page */
};

/* The enterprises assigned to a commissioner that have a clause to bring, ranked by money at
 * stake (exact fen, largest first), then soonest deadline, then what nearly-met clauses would
 * bring, then USCC; one page (1-based). Reads
 * the rows of the commissioner's towns from the index (bitmaps) and evaluates them with the
 * matching engine; no SQL per enterprise. page_size up to 100,000 (an export). */
int network_queue(const struct network *n, const struct index_gen *g,
                  const struct match_catalog *cat, int64_t commissioner,
                  const struct network_applied *applied, int page, int page_size,
                  struct network_queue *out, struct error *err);
void network_queue_release(struct network_queue *q);

/* ---- visits ---- */

struct network_visit {
    int64_t id; /* 0 on add */
    char uscc[20];
    int64_t commissioner_id;
    int32_t date;          /* the visit's day */
    const char *topic;     /* what was discussed (required) */
    const char *outcome;   /* may be NULL */
    const char *next_step; /* may be NULL */
    int32_t next_date;     /* STORE_NO_DATE when none */
    bool is_done;          /* the next step was done */
    const char *by;        /* who recorded it */
    int64_t at;            /* when recorded, seconds */
    bool is_overdue;       /* on read: next step not done and its date before today */
};

/* Adds (id 0) or updates a visit. Checks the USCC, text lengths and UTF-8, next_date not before
 * date. */
int network_put_visit(struct store *s, struct network_visit *v, struct error *err);
int network_get_visit(struct store *s, int64_t id, int32_t today, struct network_visit *v,
                      struct arena *a, struct error *err);
int network_delete_visit(struct store *s, int64_t id, struct error *err);

struct network_visit_query {
    const char *uscc;        /* NULL = any */
    int64_t commissioner_id; /* 0 = any */
    bool is_overdue_only;
    int page, page_size;
};

/* Newest first. */
int network_list_visits(struct store *s, const struct network_visit_query *q, int32_t today,
                        struct arena *a, struct network_visit **out, int *n_out, int64_t *total,
                        struct error *err);

/* ---- statistics ---- */

struct network_stat {
    int64_t unit_id; /* a commissioner or a centre */
    int64_t visits;
    int64_t enterprises_served; /* distinct enterprises visited */
    int64_t overdue;            /* next steps past their date, not done */
    bool has_stake;             /* network_stats_stake filled the three below */
    int64_t assigned;           /* enterprises assigned */
    int64_t queue;              /* of them, with a clause to bring */
    int64_t stake_fen;          /* money at stake over the queue */
};

/* Per commissioner under unit `under` (or per centre when by_centre), visits from `from` to `to`
 * (inclusive days). out holds n->n_units entries. */
int network_stats(struct store *s, const struct network *n, int64_t under, bool by_centre,
                  int32_t from, int32_t to, int32_t today, struct network_stat *out, int *n_out,
                  struct error *err);

/* Adds the queue figures (assigned, queue, stake) to stats made by network_stats, from one pass
 * over the index's live rows (the engine per enterprise assigned to a unit of out). */
int network_stats_stake(const struct network *n, const struct index_gen *g,
                        const struct match_catalog *cat, const struct network_applied *applied,
                        bool by_centre, struct network_stat *out, int n_out, struct error *err);

/* ---- JSON (the CLI's and the API's shapes) ---- */

json_t *network_unit_json(const struct network *n, const struct network_unit *u);
/* root and its units below, max_depth levels deep (0 = root alone), with commissioner counts. */
json_t *network_tree_json(const struct network *n, const struct network_unit *root, int max_depth);
/* A queue page with the enterprises' names (read from the store for this page only). */
json_t *network_queue_json(struct store *s, const struct network *n,
                           const struct network_unit *commissioner, const struct network_queue *q,
                           int page, int page_size, int32_t today, const char *note,
                           struct arena *a);
json_t *network_visit_json(const struct network *n, const struct network_visit *v);
json_t *network_reassignment_json(const struct network *n, const struct network_reassignment *r);
json_t *network_stat_json(const struct network *n, const struct network_stat *st);

/* ---- scope ---- */

/* The unit an actor acts for: hub for hub and admin roles; the unit of org_id or of the user's
 * name for network roles; NULL for others (they see no network data). */
const struct network_unit *network_actor_unit(const struct network *n, const struct actor *a);
/* Whether the actor may see (and, for its own work, act on) an enterprise: a commissioner the
 * enterprises assigned to it, a station those assigned to its commissioners, a centre its
 * district's, the hub and administrators all; other roles as auth_sees_enterprise says. */
bool network_sees_enterprise(const struct network *n, const struct actor *a, const char *uscc,
                             int region);
/* Whether the actor may see a unit (its own unit and the units under it; the hub all). */
bool network_sees_unit(const struct network *n, const struct actor *a, int64_t unit_id);

#endif
