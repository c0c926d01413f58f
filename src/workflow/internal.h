/* Shared between the workflow module's files: the day of a unix time, the audit object names,
 * and the enterprise facts (region, district, section) copied onto applications and payments. */
#ifndef DUIJIE_WORKFLOW_INTERNAL_H
#define DUIJIE_WORKFLOW_INTERNAL_H

#include "enterprise/enterprise.h"
#include "workflow/workflow.h"

/* The day (UTC+8, China's one time zone) of a unix time. */
static inline int32_t wf_day(int64_t now) {
    return (int32_t)((now + 8 * 3600) / 86400);
}

/* Where an enterprise sits, as stable codes (refdata indexes may move between builds). */
struct wf_place {
    int64_t region_code;   /* NBS code of its registered region; 0 unknown */
    int64_t district_code; /* its 区(市); 0 unknown */
    char section[8];       /* GB/T 4754 门类 letter; "" unknown */
    int region;            /* refdata index, -1 unknown (for auth_sees_enterprise) */
};

void wf_place_of(const struct profile *p, struct wf_place *out);
/* refdata index of a region code, -1 when 0 or unknown. */
int wf_region_index(int64_t code);
/* Rolls back and returns rc (for `return wf_fail(s, rc)` after store_begin). */
int wf_fail(struct store *s, int rc);
/* The actor's department and region filters appended to an SQL WHERE (" AND …") with args. */
struct store_val;
void wf_scope_sql(const struct actor *who, struct buf *where, struct store_val *args, int *n);

#endif
