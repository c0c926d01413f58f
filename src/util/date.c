/* Owns the civil-calendar arithmetic (days from civil, after H. Hinnant's algorithm). */
#include "util/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/utf8.h"

int32_t date_from_ymd(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_to_ymd(int32_t z, int *y, int *m, int *d) {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

bool date_is_valid_ymd(int y, int m, int d) {
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
    int md = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) md = 29;
    return d <= md;
}

int date_parse(const char *s, size_t len, int32_t *out, struct error *err) {
    size_t n;
    char *t = utf8_fold_width(s, len, &n);
    if (!t) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    size_t tl = n;
    const char *p = utf8_trim(t, &tl);
    int part[3] = {0, 0, 0}, np = 0, digits = 0;
    size_t i = 0;
    while (i < tl && np < 3) {
        unsigned char c = (unsigned char)p[i];
        if (c >= '0' && c <= '9') {
            if (digits > 8) break;
            part[np] = part[np] * 10 + (c - '0');
            digits++;
            i++;
            continue;
        }
        if (digits == 0) break;
        np++;
        digits = 0;
        if (c == '-' || c == '/' || c == '.') {
            i++;
        } else if (i + 3 <= tl && (memcmp(p + i, "年", 3) == 0 || memcmp(p + i, "月", 3) == 0 ||
                                   memcmp(p + i, "日", 3) == 0 || memcmp(p + i, "号", 3) == 0)) {
            i += 3;
        } else {
            break;
        }
    }
    if (digits) np++;
    int y = part[0], m = part[1], d = part[2];
    bool ok = i == tl;
    if (ok && np == 1 && y >= 18000101 && y <= 22001231) {
        d = y % 100, m = y / 100 % 100, y = y / 10000;
        np = 3;
    }
    free(t);
    if (!ok || np != 3 || !date_is_valid_ymd(y, m, d))
        return error_set(err, ERR_INVALID, "不是有效日期:“%.*s”(应如 2025-01-01)",
                         "not a valid date: \"%.*s\" (expected e.g. 2025-01-01)",
                         (int)(len > 40 ? 40 : len), s);
    *out = date_from_ymd(y, m, d);
    return 0;
}

const char *date_format(int32_t days, char *buf, size_t n) {
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
    return buf;
}

int32_t date_today(void) {
    time_t t = time(NULL) + 8 * 3600;
    return (int32_t)(t / 86400);
}

int date_years_between(int32_t from, int32_t to) {
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(from, &y1, &m1, &d1);
    date_to_ymd(to, &y2, &m2, &d2);
    int years = y2 - y1;
    if (m2 < m1 || (m2 == m1 && d2 < d1)) years--;
    return years;
}

int date_weekday(int32_t days) {
    /* 1970-01-01 was a Thursday (3 when Monday = 0). */
    int w = (int)((days % 7 + 7 + 3) % 7);
    return w;
}
