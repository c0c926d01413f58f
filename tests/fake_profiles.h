/* Random derived profiles for the index and match tests: every field type, values missing at
 * random, regions and industries at every level, values drawn from small pools so equality is
 * exercised. Not the demo generator (src/demo): these tests must not depend on its distribution. */
#ifndef DUIJIE_TESTS_FAKE_PROFILES_H
#define DUIJIE_TESTS_FAKE_PROFILES_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "enterprise/enterprise.h"
#include "refdata/refdata.h"
#include "util/date.h"

static inline uint64_t fake_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static inline int64_t fake_below(uint64_t *s, int64_t n) {
    return n <= 0 ? 0 : (int64_t)(fake_rand(s) % (uint64_t)n);
}

/* A region in Qingdao (city, district or town) or, now and then, elsewhere in Shandong. */
static inline int fake_region(uint64_t *s) {
    int qd = region_by_code(370200);
    for (int tries = 0; tries < 1000; tries++) {
        int r = (int)fake_below(s, region_count());
        if (fake_below(s, 10) == 0 || region_is_within(r, qd)) return r;
    }
    return qd;
}

static inline void fake_profile(struct profile *p, uint64_t *s, int i, int32_t today,
                                char uscc[19]) {
    profile_clear(p);
    snprintf(uscc, 19, "9137%014d", i);
    p->v[F_USCC] = (struct value){.has = true, .s = uscc, .r = {0, 1}};
    for (int f = 0; f < F_COUNT; f++) {
        const struct field_def *d = schema_field((enum field_id)f);
        struct value *v = &p->v[f];
        if (d->is_derived || d->type == FT_TEXT) continue;
        if (fake_below(s, 8) == 0) continue; /* missing */
        v->has = true;
        switch (d->type) {
        case FT_INT:
            v->i = fake_below(s, 4) == 0 ? fake_below(s, 5) : fake_below(s, 2000);
            break;
        case FT_MONEY:
            v->i = fake_below(s, 3) == 0 ? fake_below(s, 50) * 1000000 : fake_below(s, 5000000000);
            break;
        case FT_DATE:
            v->i = today - fake_below(s, 40 * 366);
            break;
        case FT_ENUM:
            v->i = fake_below(s, schema_value_count(d));
            break;
        case FT_SET:
            v->i = (int64_t)(fake_rand(s) & fake_rand(s) &
                             ((UINT64_C(1) << schema_value_count(d)) - 1));
            break;
        case FT_BOOL:
            v->i = fake_below(s, 2);
            break;
        case FT_REGION:
            v->i = fake_region(s);
            break;
        case FT_INDUSTRY:
            v->i = fake_below(s, industry_count());
            break;
        default:
            v->has = false;
        }
    }
    /* a year before so revenue_growth and 3-year sums exist sometimes */
    for (int k = 0; k < PROFILE_HISTORY; k++) {
        if (fake_below(s, 3) == 0) continue;
        p->hist[k][F_REVENUE] =
            (struct value){.has = true, .i = fake_below(s, 5000000000), .r = {0, 1}};
        p->hist[k][F_RD_EXPENSE] =
            (struct value){.has = true, .i = fake_below(s, 500000000), .r = {0, 1}};
    }
    profile_derive(p, today, NULL);
}

#endif
