/* The append-only audit log (module table "audit"): every state change of the service modules
 * (applications, 免申即享 batches, payments, users …) is one entry — who (user id and role), when
 * (unix seconds), what (action, object type and id), before and after (JSON) — chained by SHA-256:
 *     hash = SHA-256(prev_hash ‖ seq ‖ at ‖ actor_id ‖ actor_role ‖ action ‖ object_type ‖
 *                    object_id ‖ before ‖ after)
 * each field written as "<decimal byte length>:<bytes>" so no two field lists hash alike; the first
 * entry's prev_hash is 64 zeros. The head (last seq and hash) is kept in a one-row table updated
 * in the same transaction, which also orders concurrent appenders (a row lock on PostgreSQL).
 * audit_verify walks the chain and names the first edited, removed or reordered entry.
 *
 * A chain without an outside anchor stops edits by hand, not a forger who rewrites every later
 * hash: record the head that `duijie audit verify` prints somewhere else (docs/WORKFLOW.md). */
#ifndef DUIJIE_AUDIT_H
#define DUIJIE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "util/error.h"
#include "util/hash.h"

struct store;
struct actor;

/* Appends one entry inside the caller's transaction (store_begin … store_commit), so the change
 * and its entry commit or vanish together. who may be NULL (a system action: user 0, role
 * "system"). before/after may be NULL (JSON null); they are stored in canonical form (compact,
 * keys sorted). *seq (may be NULL) gets the entry's number. */
int audit_append(struct store *s, const struct actor *who, const char *action,
                 const char *object_type, int64_t object_id, const json_t *before,
                 const json_t *after, int64_t *seq, struct error *err);

enum audit_problem {
    AUDIT_OK = 0,
    AUDIT_EDITED,    /* the entry's fields no longer give its hash */
    AUDIT_REMOVED,   /* an entry is missing (a gap in seq, or the last ones against the head) */
    AUDIT_REORDERED, /* the entry does not follow the one before it (moved or swapped) */
};

struct audit_report {
    int64_t n_entries;
    enum audit_problem problem;
    int64_t bad_seq; /* the first entry with a problem; 0 when none */
    int64_t head_seq;
    char head_hash[HASH_SHA256_HEX + 1];
    char zh[200], en[200]; /* what was found */
};

/* Walks the whole chain in seq order (in pages, constant memory). Returns 0 when the walk ran
 * (report->problem says what it found) or a negative code when the store failed. */
int audit_verify(struct store *s, struct audit_report *report, struct error *err);

/* "edited" / "removed" / "reordered" / "ok". */
const char *audit_problem_name(enum audit_problem p);

/* Entries for an object (object_type NULL = any; object_id 0 = any), newest first, as a JSON
 * array of {seq, at, actor_id, actor_role, action, object_type, object_id, before, after,
 * prev_hash, hash}; *total gets the count of all matching. */
int audit_list(struct store *s, const char *object_type, int64_t object_id, int64_t offset,
               int limit, json_t **out, int64_t *total, struct error *err);

#endif
