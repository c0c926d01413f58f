/* The enterprise row shared by store_sqlite.c and store_pg.c: column names and the values derived
 * at write time (size class, fiscal year, 3-year sums). No SQL here. */
#include "store/row.h"

#include <stdio.h>
#include <string.h>

#include "refdata/refdata.h"
#include "util/date.h"

static const char *const special_cols[EC_PLAIN] = {
    "uscc",
    "name",
    "region_code",
    "region_county",
    "region_city",
    "tax_region_code",
    "industry",
    "industry_section",
    "industry_division",
    "fiscal_year",
    "size",
    "revenue_prev",
    "rd_expense_3y",
    "revenue_3y",
    "updated_at",
};

const enum field_id store_plain_fields[N_PLAIN] = {
    F_ESTABLISHED,       F_OWNERSHIP,      F_EMPLOYEES,  F_REVENUE,       F_ASSETS,
    F_LIABILITIES,       F_RD_EXPENSE,     F_RD_STAFF,   F_TAX_PAID,      F_EQUIPMENT_INVESTMENT,
    F_INVENTION_PATENTS, F_QUALIFICATIONS, F_TAX_CREDIT, F_LISTING_STAGE, F_DISHONEST,
};

const enum field_id store_year_fields[N_YEAR] = {
    F_EMPLOYEES,  F_REVENUE,  F_ASSETS,   F_LIABILITIES,
    F_RD_EXPENSE, F_RD_STAFF, F_TAX_PAID, F_EQUIPMENT_INVESTMENT,
};

const char *store_ent_col_name(int c) {
    return c < EC_PLAIN ? special_cols[c] : schema_field(store_plain_fields[c - EC_PLAIN])->key;
}

static struct value sum3(const struct profile *p, enum field_id f) {
    struct value v = {.r = {0, 1}};
    if (!p->v[f].has || !p->hist[0][f].has || !p->hist[1][f].has) return v;
    v.has = true;
    v.i = p->v[f].i + p->hist[0][f].i + p->hist[1][f].i;
    return v;
}

void store_derive_for_write(const struct profile *p, struct ent_derived *d) {
    int y, m, day;
    date_to_ymd(date_today(), &y, &m, &day);
    d->fiscal_year = p->fiscal_year ? p->fiscal_year : y - 1;
    int size = size_class_of(p->v[F_INDUSTRY].has ? (int)p->v[F_INDUSTRY].i : -1,
                             &p->v[F_EMPLOYEES], &p->v[F_REVENUE], &p->v[F_ASSETS]);
    d->size = (struct value){.has = size >= 0, .i = size};
    if (!d->size.has && p->v[F_SIZE].has) d->size = p->v[F_SIZE]; /* given, not derivable */
    d->revenue_prev = p->hist[0][F_REVENUE];
    d->rd_expense_3y = sum3(p, F_RD_EXPENSE);
    d->revenue_3y = sum3(p, F_REVENUE);
}

bool store_year_has_any(const struct value *vals) {
    for (int k = 0; k < N_YEAR; k++)
        if (vals[store_year_fields[k]].has) return true;
    return false;
}

/* NBS codes have 6 digits down to the county and 9 for a town, so everything within a region sorts
 * in one range of 6-digit codes and one of 9-digit codes. */
int store_region_ranges(int r, int64_t lo[2], int64_t hi[2]) {
    const struct region *reg = region_at(r);
    if (reg->level == REGION_TOWN) {
        lo[0] = hi[0] = reg->code;
        return 1;
    }
    int64_t span = reg->level == REGION_PROVINCE ? 10000 : reg->level == REGION_CITY ? 100 : 1;
    lo[0] = reg->code;
    hi[0] = reg->code + span - 1;
    lo[1] = reg->code * 1000;
    hi[1] = (reg->code + span) * 1000 - 1;
    return 2;
}

/* Codes under a division or group sort in [code, code with its last digit + 1); a section's
 * divisions are consecutive numbers, so its codes sort from its first division to past its last. */
void store_industry_range(int i, char lo[8], char hi[8], const char **exact) {
    const struct industry *ind = industry_at(i);
    *exact = NULL;
    if (ind->level != INDUSTRY_SECTION) {
        snprintf(lo, 8, "%s", ind->code);
        snprintf(hi, 8, "%s", ind->code);
        hi[strlen(hi) - 1]++;
        return;
    }
    *exact = ind->code;
    lo[0] = hi[0] = 0;
    for (int k = 0; k < industry_count(); k++) {
        const struct industry *d = industry_at(k);
        if (d->level != INDUSTRY_DIVISION || d->section != i) continue;
        if (!lo[0] || strcmp(d->code, lo) < 0) snprintf(lo, 8, "%s", d->code);
        if (!hi[0] || strcmp(d->code, hi) > 0) snprintf(hi, 8, "%s", d->code);
    }
    if (hi[0]) hi[strlen(hi) - 1]++;
}
