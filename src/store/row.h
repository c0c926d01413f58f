/* Private to src/store: the enterprise row as both implementations lay it out — which column
 * holds what, the per-year fields, and the values derived at write time. Dialect-free; the SQL text
 * and the binding live in store_sqlite.c and store_pg.c. */
#ifndef DUIJIE_STORE_ROW_H
#define DUIJIE_STORE_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "enterprise/enterprise.h"

enum ent_col {
    EC_USCC,
    EC_NAME,
    EC_REGION_CODE,
    EC_REGION_COUNTY,
    EC_REGION_CITY,
    EC_TAX_REGION,
    EC_INDUSTRY,
    EC_INDUSTRY_SECTION,
    EC_INDUSTRY_DIVISION,
    EC_FISCAL_YEAR,
    EC_SIZE,
    EC_REVENUE_PREV,
    EC_RD_EXPENSE_3Y,
    EC_REVENUE_3Y,
    EC_UPDATED_AT,
    EC_PLAIN /* from here on: one integer field each, in store_plain_fields order */
};

#define N_PLAIN 15 /* fields stored as one INTEGER column named by the field's key */
#define N_ENT_COLS (EC_PLAIN + N_PLAIN)
#define N_YEAR 8 /* fields kept per year in enterprise_year, in column order */

extern const enum field_id store_plain_fields[N_PLAIN];
extern const enum field_id store_year_fields[N_YEAR];

/* The column name of enum ent_col c (or EC_PLAIN + k). */
const char *store_ent_col_name(int c);

/* Values the row stores besides the profile's own. */
struct ent_derived {
    int fiscal_year;
    struct value size, revenue_prev, rd_expense_3y, revenue_3y;
};

void store_derive_for_write(const struct profile *p, struct ent_derived *d);

/* Whether one year's values (indexed by field) hold any per-year field. */
bool store_year_has_any(const struct value *vals);

/* The region_code ranges [lo[k], hi[k]] holding region r and every region within it; returns how
 * many (1 for a town, 2 above: the 6-digit and the 9-digit codes). So one index on region_code
 * serves a filter on a region of any level. */
int store_region_ranges(int r, int64_t lo[2], int64_t hi[2]);
/* The industry codes within industry i: [lo, hi), plus *exact (a section's own letter) or NULL. An
 * empty lo means none (a section without divisions). One index on industry serves every level. */
void store_industry_range(int i, char lo[8], char hi[8], const char **exact);

#endif
