/* Owns personal agendas for matchmaking events: each participant's meetings in time order with
 * clock times, and the iCalendar export. Does not own scheduling (schedule.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "util/date.h"

static int check_clock(const struct agenda_clock *c, struct error *err) {
    if (c->start_min < 0 || c->start_min > 1439 || c->slot_min < 1 || c->slot_min > 600 ||
        c->gap_min < 0 || c->gap_min > 600)
        return error_set(err, ERR_RANGE,
                         "时间设置超出范围（开始 0–1439 分，每场 1–600 分，间隔 0–600 分）",
                         "clock out of range (start 0-1439 min, slot 1-600, gap 0-600)");
    return 0;
}

/* Start (or end) of slot s as days + minutes. */
static void slot_time(const struct agenda_clock *c, int s, bool is_end, int32_t *day, int *min) {
    int64_t m = c->start_min + (int64_t)s * (c->slot_min + c->gap_min) + (is_end ? c->slot_min : 0);
    *day = c->day + (int32_t)(m / 1440);
    *min = (int)(m % 1440);
}

static void fmt_time(const struct agenda_clock *c, int s, bool is_end, char *buf, size_t n) {
    int32_t day;
    int min;
    char d[16];
    slot_time(c, s, is_end, &day, &min);
    snprintf(buf, n, "%s %02d:%02d", date_format(day, d, sizeof d), min / 60, min % 60);
}

static int slot_cmp(const void *x, const void *y) {
    json_t *const *a = x, *const *b = y;
    json_int_t p = json_integer_value(json_object_get(*a, "slot"));
    json_int_t q = json_integer_value(json_object_get(*b, "slot"));
    return p < q ? -1 : p > q;
}

static void add_entry(json_t *out, const char *who, const char *with, json_int_t slot,
                      json_int_t table, const struct agenda_clock *c) {
    json_t *list = json_object_get(out, who);
    if (!list) json_object_set_new(out, who, list = json_array());
    char st[32], en[32];
    fmt_time(c, (int)slot, false, st, sizeof st);
    fmt_time(c, (int)slot, true, en, sizeof en);
    json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:I, s:s}", "slot", slot, "start", st,
                                          "end", en, "table", table, "with", with));
}

json_t *agenda_build(json_t *meetings, const struct agenda_clock *c, struct error *err) {
    if (check_clock(c, err)) return NULL;
    if (!json_is_array(meetings)) {
        error_set(err, ERR_INVALID, "会谈须为数组", "meetings must be an array");
        return NULL;
    }
    json_t *out = json_object(), *m;
    size_t i;
    json_array_foreach(meetings, i, m) {
        const char *a = json_string_value(json_object_get(m, "a"));
        const char *b = json_string_value(json_object_get(m, "b"));
        json_t *s = json_object_get(m, "slot"), *t = json_object_get(m, "table");
        if (json_object_get(m, "unplaced")) continue;
        if (!a || !b || !json_is_integer(s) || !json_is_integer(t) || json_integer_value(s) < 0 ||
            json_integer_value(s) > 100000) {
            json_decref(out);
            error_set(err, ERR_INVALID, "第 %zu 场会谈须有 a、b、slot、table",
                      "meeting %zu needs a, b, slot and table", i + 1);
            return NULL;
        }
        add_entry(out, a, b, json_integer_value(s), json_integer_value(t), c);
        add_entry(out, b, a, json_integer_value(s), json_integer_value(t), c);
    }
    const char *key;
    json_t *list;
    json_object_foreach(out, key, list) {
        size_t n = json_array_size(list);
        json_t **items = malloc((n + 1) * sizeof *items);
        if (!items) continue;
        for (size_t k = 0; k < n; k++)
            items[k] = json_incref(json_array_get(list, k));
        qsort(items, n, sizeof *items, slot_cmp);
        json_array_clear(list);
        for (size_t k = 0; k < n; k++)
            json_array_append_new(list, items[k]);
        free(items);
    }
    return out;
}

/* RFC 5545 text escaping: backslash, semicolon, comma, newline. */
static void ics_text(struct buf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '\\' || *s == ';' || *s == ',')
            buf_putc(b, '\\'), buf_putc(b, *s);
        else if (*s == '\n')
            buf_puts(b, "\\n");
        else if (*s != '\r')
            buf_putc(b, *s);
    }
}

static void ics_time(struct buf *b, const char *name, const struct agenda_clock *c, int s,
                     bool is_end) {
    int32_t day;
    int min, y, mo, d;
    slot_time(c, s, is_end, &day, &min);
    date_to_ymd(day, &y, &mo, &d);
    buf_printf(b, "%s;TZID=Asia/Shanghai:%04d%02d%02dT%02d%02d00\r\n", name, y, mo, d, min / 60,
               min % 60);
}

static int agenda_ics_raw(json_t *agenda, const char *participant, const char *event,
                          const struct agenda_clock *c, struct buf *out, struct error *err);

/* RFC 5545 §3.1: content lines longer than 75 octets are folded (CRLF + space), never inside a
 * UTF-8 sequence. */
static void fold_lines(const char *s, struct buf *out) {
    while (*s) {
        const char *eol = strstr(s, "\r\n");
        size_t len = eol ? (size_t)(eol - s) : strlen(s), col = 0;
        for (size_t i = 0; i < len;) {
            size_t n = 1;
            while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
                n++;
            if (col + n > 75) buf_puts(out, "\r\n "), col = 1;
            buf_append(out, s + i, n);
            col += n, i += n;
        }
        buf_puts(out, "\r\n");
        s += len + (eol ? 2 : 0);
    }
}

int agenda_ics(json_t *agenda, const char *participant, const char *event,
               const struct agenda_clock *c, struct buf *final, struct error *err) {
    int rc = check_clock(c, err);
    if (rc) return rc;
    struct buf raw;
    buf_init(&raw);
    rc = agenda_ics_raw(agenda, participant, event, c, &raw, err);
    if (!rc) fold_lines(buf_str(&raw), final);
    buf_release(&raw);
    return rc ? rc : final->is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory") : 0;
}

static int agenda_ics_raw(json_t *agenda, const char *participant, const char *event,
                          const struct agenda_clock *c, struct buf *out, struct error *err) {
    json_t *list = json_object_get(agenda, participant), *m;
    if (!list)
        return error_set(err, ERR_NOTFOUND, "“%s” 没有会谈", "\"%s\" has no meetings", participant);
    buf_puts(
        out,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//duijie//agenda//ZH\r\nCALSCALE:GREGORIAN\r\n"
        "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\nEND:STANDARD\r\nEND:"
        "VTIMEZONE\r\n");
    size_t i;
    json_array_foreach(list, i, m) {
        int s = (int)json_integer_value(json_object_get(m, "slot"));
        buf_printf(out, "BEGIN:VEVENT\r\nUID:duijie-%d-%lld-", s,
                   (long long)json_integer_value(json_object_get(m, "table")));
        ics_text(out, participant);
        buf_puts(out, "\r\nDTSTAMP:19700101T000000Z\r\n");
        ics_time(out, "DTSTART", c, s, false);
        ics_time(out, "DTEND", c, s, true);
        buf_puts(out, "SUMMARY:");
        ics_text(out, event ? event : "对接会");
        buf_puts(out, " · ");
        ics_text(out, json_string_value(json_object_get(m, "with")));
        buf_printf(out, "\r\nLOCATION:%lld 号桌\r\nEND:VEVENT\r\n",
                   (long long)json_integer_value(json_object_get(m, "table")) + 1);
    }
    buf_puts(out, "END:VCALENDAR\r\n");
    return out->is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory") : 0;
}
