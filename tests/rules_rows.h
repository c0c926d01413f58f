/* Test and bench support for the rule language (header-only, static): the enterprise tables of
 * docs/STORE.md created in SQLite or PostgreSQL, one profile written as a row, and random
 * demo-like profiles. The real store (src/store) owns production writes; this copy exists so the
 * rules tests can check rules_sql against rules_eval_cond on their own. */
#ifndef DUIJIE_TESTS_RULES_ROWS_H
#define DUIJIE_TESTS_RULES_ROWS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "enterprise/enterprise.h"
#include "refdata/refdata.h"

#define ROWS_N_COLS 27

static const char *const rows_cols[ROWS_N_COLS] = {
    "id",
    "region_code",
    "region_county",
    "region_city",
    "tax_region_code",
    "industry",
    "industry_section",
    "industry_division",
    "established",
    "ownership",
    "employees",
    "revenue",
    "assets",
    "liabilities",
    "rd_expense",
    "rd_staff",
    "tax_paid",
    "equipment_investment",
    "invention_patents",
    "qualifications",
    "tax_credit",
    "listing_stage",
    "dishonest",
    "size",
    "revenue_prev",
    "rd_expense_3y",
    "revenue_3y",
};

/* CREATE TABLE statements; int_type is "INTEGER" for SQLite, "BIGINT" for PostgreSQL. */
static void rows_ddl(char *out, size_t n, const char *int_type) {
    size_t k = (size_t)snprintf(out, n, "CREATE TABLE enterprise (id %s PRIMARY KEY", int_type);
    for (int i = 1; i < ROWS_N_COLS && k < n; i++) {
        bool text = i >= 5 && i <= 7;
        k += (size_t)snprintf(out + k, n - k, ", %s %s", rows_cols[i], text ? "TEXT" : int_type);
    }
    if (k < n)
        snprintf(out + k, n - k,
                 "); CREATE TABLE enterprise_qualification (qualification %s, enterprise_id %s, "
                 "PRIMARY KEY (qualification, enterprise_id)); "
                 "CREATE INDEX e_county ON enterprise(region_county); "
                 "CREATE INDEX e_city ON enterprise(region_city); "
                 "CREATE INDEX e_sec ON enterprise(industry_section); "
                 "CREATE INDEX e_div ON enterprise(industry_division); "
                 "CREATE INDEX e_ind ON enterprise(industry); "
                 "CREATE INDEX e_rev ON enterprise(revenue); "
                 "CREATE INDEX e_emp ON enterprise(employees); "
                 "CREATE INDEX e_est ON enterprise(established);",
                 int_type, int_type);
}

/* One row as text cells (NULL = missing), in rows_cols order. cells must hold ROWS_N_COLS
 * pointers into store (ROWS_N_COLS × 24 bytes). */
static void rows_cells(int64_t id, const struct profile *p, const char **cells, char *store) {
    char(*s)[24] = (char(*)[24])store;
    for (int i = 0; i < ROWS_N_COLS; i++)
        cells[i] = NULL;
#define SETI(col, val) (snprintf(s[col], 24, "%lld", (long long)(val)), cells[col] = s[col])
#define SETS(col, str) (snprintf(s[col], 24, "%s", (str)), cells[col] = s[col])
    SETI(0, id);
    if (p->v[F_REGION].has) {
        int r = (int)p->v[F_REGION].i;
        SETI(1, region_at(r)->code);
        int c = region_ancestor(r, REGION_COUNTY), ci = region_ancestor(r, REGION_CITY);
        if (c >= 0) SETI(2, region_at(c)->code);
        if (ci >= 0) SETI(3, region_at(ci)->code);
    }
    if (p->v[F_TAX_REGION].has) SETI(4, region_at((int)p->v[F_TAX_REGION].i)->code);
    if (p->v[F_INDUSTRY].has) {
        int x = (int)p->v[F_INDUSTRY].i;
        SETS(5, industry_at(x)->code);
        SETS(6, industry_at(industry_at(x)->section)->code);
        int d = industry_ancestor(x, INDUSTRY_DIVISION);
        if (d >= 0) SETS(7, industry_at(d)->code);
    }
    static const enum field_id plain[] = {F_ESTABLISHED,
                                          F_OWNERSHIP,
                                          F_EMPLOYEES,
                                          F_REVENUE,
                                          F_ASSETS,
                                          F_LIABILITIES,
                                          F_RD_EXPENSE,
                                          F_RD_STAFF,
                                          F_TAX_PAID,
                                          F_EQUIPMENT_INVESTMENT,
                                          F_INVENTION_PATENTS,
                                          F_QUALIFICATIONS,
                                          F_TAX_CREDIT,
                                          F_LISTING_STAGE,
                                          F_DISHONEST,
                                          F_SIZE};
    for (int i = 0; i < 16; i++)
        if (p->v[plain[i]].has) SETI(8 + i, p->v[plain[i]].i);
    if (p->hist[0][F_REVENUE].has) SETI(24, p->hist[0][F_REVENUE].i);
    if (p->v[F_RD_EXPENSE_3Y].has) SETI(25, p->v[F_RD_EXPENSE_3Y].i);
    if (p->v[F_REVENUE_3Y].has) SETI(26, p->v[F_REVENUE_3Y].i);
#undef SETI
#undef SETS
}

/* The INSERT with $1..$27 (PostgreSQL) or ?1..?27 (SQLite) placeholders. */
static void rows_insert_sql(char *out, size_t n, char mark) {
    size_t k = (size_t)snprintf(out, n, "INSERT INTO enterprise (");
    for (int i = 0; i < ROWS_N_COLS; i++)
        k += (size_t)snprintf(out + k, n - k, "%s%s", i ? ", " : "", rows_cols[i]);
    k += (size_t)snprintf(out + k, n - k, ") VALUES (");
    for (int i = 0; i < ROWS_N_COLS; i++)
        k += (size_t)snprintf(out + k, n - k, "%s%c%d", i ? ", " : "", mark, i + 1);
    snprintf(out + k, n - k, ")");
}

/* ---- random demo-like profiles ---- */

static uint64_t rows_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int rows_pick(uint64_t *s, int n) {
    return (int)(rows_rand(s) % (uint64_t)n);
}

static bool rows_missing(uint64_t *s, int pct) {
    return rows_pick(s, 100) < pct;
}

static int64_t rows_money(uint64_t *s) {
    static const int64_t wan[] = {0,    50,   100,  300,   500,   800,  1000,
                                  2000, 5000, 8000, 10000, 20000, 30000};
    if (rows_pick(s, 4) == 0) return (int64_t)(rows_rand(s) % 5000000000LL); /* any fen */
    return wan[rows_pick(s, 13)] * 1000000;
}

/* Regions biased to Qingdao (city, districts, towns) with the province now and then. */
static int rows_region(uint64_t *s) {
    int n = region_count();
    for (int tries = 0; tries < 50; tries++) {
        int r = rows_pick(s, n);
        int city = region_ancestor(r, REGION_CITY);
        bool qd = city >= 0 && region_at(city)->code == 370200;
        if (qd || rows_pick(s, 6) == 0 || region_at(r)->level <= REGION_CITY) return r;
    }
    return rows_pick(s, n);
}

static void rows_random_profile(uint64_t *s, struct profile *p, int32_t today) {
    profile_clear(p);
    p->fiscal_year = 2025;
#define MAYBE(f, expr)                                                                             \
    do {                                                                                           \
        if (!rows_missing(s, 12)) {                                                                \
            p->v[f].has = true;                                                                    \
            p->v[f].i = (expr);                                                                    \
        }                                                                                          \
    } while (0)
    MAYBE(F_REGION, rows_region(s));
    MAYBE(F_TAX_REGION, rows_region(s));
    MAYBE(F_INDUSTRY, rows_pick(s, industry_count()));
    MAYBE(F_ESTABLISHED, today - rows_pick(s, 365 * 25) + 30);
    MAYBE(F_OWNERSHIP, rows_pick(s, 6));
    static const int emp[] = {0, 5, 19, 20, 100, 300, 499, 500, 501, 1000, 3000};
    MAYBE(F_EMPLOYEES, emp[rows_pick(s, 11)]);
    MAYBE(F_REVENUE, rows_money(s));
    MAYBE(F_ASSETS, rows_money(s));
    MAYBE(F_LIABILITIES, rows_money(s));
    MAYBE(F_RD_EXPENSE, rows_money(s) / (1 + rows_pick(s, 20)));
    MAYBE(F_RD_STAFF, rows_pick(s, 120));
    MAYBE(F_TAX_PAID, rows_money(s) / (1 + rows_pick(s, 10)));
    MAYBE(F_EQUIPMENT_INVESTMENT, rows_money(s));
    MAYBE(F_INVENTION_PATENTS, rows_pick(s, 6));
    MAYBE(F_QUALIFICATIONS, (int64_t)(rows_rand(s) & rows_rand(s) & rows_rand(s) & 0x3FFFF));
    MAYBE(F_TAX_CREDIT, rows_pick(s, 5));
    MAYBE(F_LISTING_STAGE, rows_pick(s, 4));
    MAYBE(F_DISHONEST, rows_pick(s, 8) == 0);
    for (int k = 0; k < PROFILE_HISTORY; k++) {
        if (rows_missing(s, 25)) continue;
        p->hist[k][F_REVENUE].has = true;
        p->hist[k][F_REVENUE].i = rows_money(s);
        if (rows_missing(s, 25)) continue;
        p->hist[k][F_RD_EXPENSE].has = true;
        p->hist[k][F_RD_EXPENSE].i = rows_money(s) / 10;
    }
#undef MAYBE
    profile_derive(p, today, NULL);
}

#endif
