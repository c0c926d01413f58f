/* Dates as int32_t days since 1970-01-01 (proleptic Gregorian), parsing and formatting. */
#ifndef DUIJIE_UTIL_DATE_H
#define DUIJIE_UTIL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
bool date_is_valid_ymd(int y, int m, int d);
/* Parses 2025-01-01, 2025/1/1, 2025.1.1, 20250101, 2025年1月1日 (full-width digits too). */
int date_parse(const char *s, size_t len, int32_t *out, struct error *err);
/* "2025-01-01" into buf (11 bytes at least). */
const char *date_format(int32_t days, char *buf, size_t n);
/* Today in UTC+8 (China has one time zone). */
int32_t date_today(void);
/* Whole years from `from` to `to` (a birthday-style count; negative if to < from). */
int date_years_between(int32_t from, int32_t to);
/* 0 = Monday .. 6 = Sunday. */
int date_weekday(int32_t days);

#endif
