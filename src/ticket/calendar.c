/* Owns the working-day calendar: which days are worked (Monday to Friday, less the statutory
 * holidays, plus the 调休 weekend days that are worked), its table, the copy of the 2025 and 2026
 * calendar shipped in the binary (data/holidays-cn.tsv) and the arithmetic of deadlines in
 * working days. */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "ticket/ticket.h"
#include "util/date.h"

extern const char ticket_holidays_tsv[]; /* calendar_data.S */

void ticket_calendar_release(struct ticket_calendar *c) {
    free(c->holidays);
    free(c->workdays);
    memset(c, 0, sizeof *c);
}

static int cmp_day(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static bool has_day(const int32_t *days, int n, int32_t d) {
    return n && bsearch(&d, days, (size_t)n, sizeof *days, cmp_day) != NULL;
}

static int push(int32_t **v, int *n, int32_t d) {
    int32_t *nv = realloc(*v, ((size_t)*n + 1) * sizeof **v);
    if (!nv) return ERR_NOMEM;
    nv[(*n)++] = d;
    *v = nv;
    return 0;
}

static void finish(struct ticket_calendar *c) {
    if (c->n_holidays) qsort(c->holidays, (size_t)c->n_holidays, sizeof(int32_t), cmp_day);
    if (c->n_workdays) qsort(c->workdays, (size_t)c->n_workdays, sizeof(int32_t), cmp_day);
}

static int add_kind(struct ticket_calendar *c, int32_t day, const char *kind, size_t klen,
                    struct error *err) {
    if (klen == 7 && memcmp(kind, "holiday", 7) == 0)
        return push(&c->holidays, &c->n_holidays, day);
    if (klen == 7 && memcmp(kind, "workday", 7) == 0)
        return push(&c->workdays, &c->n_workdays, day);
    return error_set(err, ERR_INVALID, "类别应为 holiday 或 workday",
                     "kind must be holiday or workday");
}

int ticket_calendar_parse(const char *text, size_t len, struct ticket_calendar *out,
                          struct error *err) {
    memset(out, 0, sizeof *out);
    const char *p = text, *end = text + len;
    int line = 0, rc = 0;
    while (!rc && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        if (e > p && *p != '#') {
            const char *t1 = memchr(p, '\t', (size_t)(e - p));
            const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(e - t1 - 1)) : NULL;
            const char *kend = t2 ? t2 : e;
            int32_t day;
            if (!t1) {
                rc = error_set(err, ERR_PARSE, "应为 日期<TAB>类别<TAB>名称",
                               "expected date<TAB>kind<TAB>name");
            } else if ((rc = date_parse(p, (size_t)(t1 - p), &day, err)) == 0) {
                size_t klen = (size_t)(kend - t1 - 1);
                if (klen && t1[klen] == '\r') klen--;
                rc = add_kind(out, day, t1 + 1, klen, err);
                if (rc == ERR_NOMEM) error_set(err, rc, "内存不足", "out of memory");
            }
            if (rc) error_at(err, line, 1);
        }
        p = e + 1;
    }
    if (rc) {
        ticket_calendar_release(out);
        return rc;
    }
    finish(out);
    return 0;
}

int ticket_calendar_import(struct store *s, const char *text, size_t len, int *n_holidays,
                           int *n_workdays, struct error *err) {
    struct ticket_calendar c;
    int rc = ticket_calendar_parse(text, len, &c, err);
    if (rc) return rc;
    rc = store_begin(s, err);
    for (int i = 0; !rc && i < c.n_holidays; i++)
        rc = ticket_calendar_set(s, c.holidays[i], "holiday", NULL, err);
    for (int i = 0; !rc && i < c.n_workdays; i++)
        rc = ticket_calendar_set(s, c.workdays[i], "workday", NULL, err);
    if (!rc) rc = store_commit(s, err);
    if (rc) store_rollback(s);
    if (n_holidays) *n_holidays = c.n_holidays;
    if (n_workdays) *n_workdays = c.n_workdays;
    ticket_calendar_release(&c);
    return rc;
}

static int seed(struct store *s, struct error *err) {
    return ticket_calendar_import(s, ticket_holidays_tsv, strlen(ticket_holidays_tsv), NULL, NULL,
                                  err);
}

int ticket_calendar_load(struct store *s, struct ticket_calendar *out, struct error *err) {
    memset(out, 0, sizeof *out);
    int64_t n = 0;
    int rc = store_sql_int(s, "SELECT COUNT(*) FROM ticket_calendar", NULL, 0, 0, &n, err);
    if (!rc && n == 0) rc = seed(s, err);
    struct store_rows *r = NULL;
    if (!rc) rc = store_sql(s, "SELECT day, kind FROM ticket_calendar", NULL, 0, &r, err);
    for (int i = 0; !rc && i < store_rows_count(r); i++) {
        const char *k = store_rows_text(r, i, 1);
        rc = add_kind(out, (int32_t)store_rows_int(r, i, 0), k, strlen(k), err);
    }
    store_rows_free(r);
    if (rc) {
        ticket_calendar_release(out);
        return rc;
    }
    finish(out);
    return 0;
}

int ticket_calendar_set(struct store *s, int32_t day, const char *kind, const char *name,
                        struct error *err) {
    struct store_val d[] = {store_val_int(day)};
    if (!kind) return store_sql(s, "DELETE FROM ticket_calendar WHERE day = ?", d, 1, NULL, err);
    if (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0) {
        error_set(err, ERR_INVALID, "类别应为 holiday 或 workday",
                  "kind must be holiday or workday");
        return error_field(err, "kind");
    }
    struct store_val a[] = {store_val_int(day), store_val_text(kind), store_val_text(name)};
    return store_sql(s,
                     "INSERT INTO ticket_calendar (day, kind, name) VALUES (?, ?, ?) ON CONFLICT "
                     "(day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
                     a, 3, NULL, err);
}

bool ticket_is_workday(const struct ticket_calendar *c, int32_t day) {
    if (has_day(c->workdays, c->n_workdays, day)) return true;
    if (date_weekday(day) >= 5) return false;
    return !has_day(c->holidays, c->n_holidays, day);
}

int32_t ticket_add_workdays(const struct ticket_calendar *c, int32_t from, int n) {
    int32_t d = from;
    for (int k = 0; k < n;)
        if (ticket_is_workday(c, ++d)) k++;
    return d;
}

int ticket_workdays_between(const struct ticket_calendar *c, int32_t from, int32_t to) {
    int sign = 1;
    if (to < from) {
        int32_t t = from;
        from = to;
        to = t;
        sign = -1;
    }
    int n = 0;
    for (int32_t d = from + 1; d <= to; d++)
        n += ticket_is_workday(c, d);
    return sign * n;
}
