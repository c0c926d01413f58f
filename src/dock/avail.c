/* Owns a matchmaking-event participant's availability as people say it — "free 09:00–11:00 and
 * 14:00–15:00" — turned into the slot mask the scheduler takes (a slot counts when it lies wholly
 * inside one free stretch), and the mask described back as slots with clock times and as
 * stretches. Checks each stretch (HH:MM, from before to, inside the event's hours, holding a whole
 * slot, not overlapping another). Does not own storage (store_avail.c) nor scheduling
 * (schedule.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"

enum { MAX_RANGES = SCHED_MAX_SLOTS, DAY_MIN = 24 * 60 };

struct stretch {
    int from, to; /* minutes after midnight; to ≤ 1440 */
    int n;        /* the range's number as given, 1-based */
};

static int slot_start(const struct agenda_clock *c, int s) {
    return c->start_min + s * (c->slot_min + c->gap_min);
}

static void hhmm(int m, char *buf, size_t n) {
    snprintf(buf, n, "%02d:%02d", m / 60, m % 60);
}

/* "9:00", "09:00" or "24:00" (an end) into minutes after midnight; -1 when not a clock time. */
static int parse_hhmm(const char *s) {
    if (!s) return -1;
    int h = 0, m = 0, i = 0, nh = 0;
    while (s[i] >= '0' && s[i] <= '9' && nh < 2)
        h = h * 10 + (s[i++] - '0'), nh++;
    if (!nh || s[i++] != ':') return -1;
    for (int k = 0; k < 2; k++, i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        m = m * 10 + (s[i] - '0');
    }
    if (s[i] || m > 59 || h > 24 || (h == 24 && m)) return -1;
    return h * 60 + m;
}

static int by_from(const void *x, const void *y) {
    const struct stretch *a = x, *b = y;
    return a->from != b->from ? (a->from < b->from ? -1 : 1) : (a->n < b->n ? -1 : a->n > b->n);
}

int avail_check_event(const struct agenda_clock *c, int n_slots, struct error *err) {
    if (n_slots < 1 || n_slots > SCHED_MAX_SLOTS)
        return error_set(err, ERR_RANGE, "活动时段数须为 1–%d", "an event has 1 to %d slots",
                         SCHED_MAX_SLOTS);
    if (c->start_min < 0 || c->start_min >= DAY_MIN || c->slot_min < 1 || c->slot_min > 600 ||
        c->gap_min < 0 || c->gap_min > 600)
        return error_set(err, ERR_RANGE,
                         "活动时间设置超出范围（开始 0–1439 分，每场 1–600 分，间隔 0–600 分）",
                         "event clock out of range (start 0-1439 min, slot 1-600, gap 0-600)");
    return 0;
}

uint64_t avail_all(int n_slots) {
    return n_slots >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n_slots) - 1;
}

int avail_from_ranges(const struct agenda_clock *c, int n_slots, json_t *ranges, uint64_t *mask,
                      struct error *err) {
    *mask = 0;
    int rc = avail_check_event(c, n_slots, err);
    if (rc) return rc;
    if (!json_is_array(ranges) || json_array_size(ranges) == 0 ||
        json_array_size(ranges) > MAX_RANGES) {
        error_set(err, ERR_INVALID,
                  "ranges 须为 1–%d 个时间段 [{\"from\": \"09:00\", \"to\": "
                  "\"11:00\"}]；全天可参加请选全天",
                  "ranges must be 1 to %d time ranges [{\"from\": \"09:00\", \"to\": \"11:00\"}];"
                  " for the whole day choose all day",
                  MAX_RANGES);
        return error_field(err, "ranges");
    }
    int open = c->start_min, close = slot_start(c, n_slots - 1) + c->slot_min;
    char ho[24], hc[24];
    hhmm(open % DAY_MIN, ho, sizeof ho), hhmm(close > DAY_MIN ? DAY_MIN : close, hc, sizeof hc);
    struct stretch st[MAX_RANGES];
    size_t n = json_array_size(ranges);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(ranges, i);
        const char *f = json_string_value(json_object_get(r, "from"));
        const char *t = json_string_value(json_object_get(r, "to"));
        int a = parse_hhmm(f), b = parse_hhmm(t), k = (int)i + 1;
        if (!json_is_object(r) || a < 0 || b < 0 || a == DAY_MIN) {
            error_set(err, ERR_INVALID,
                      "第 %d 段须写成 {\"from\": \"09:00\", \"to\": \"11:00\"}（时:分）",
                      "range %d must be {\"from\": \"09:00\", \"to\": \"11:00\"} (hours:minutes)",
                      k);
            return error_field(err, "ranges");
        }
        if (a >= b) {
            error_set(err, ERR_INVALID, "第 %d 段 %s–%s：开始须早于结束",
                      "range %d (%s-%s): the start must come before the end", k, f, t);
            return error_field(err, "ranges");
        }
        if (a < open || b > close) {
            error_set(err, ERR_INVALID, "第 %d 段 %s–%s 超出活动时间 %s–%s",
                      "range %d (%s-%s) is outside the event's hours %s-%s", k, f, t, ho, hc);
            return error_field(err, "ranges");
        }
        st[i] = (struct stretch){a, b, k};
    }
    qsort(st, n, sizeof *st, by_from);
    for (size_t i = 1; i < n; i++)
        if (st[i].from < st[i - 1].to) {
            int p = st[i - 1].n < st[i].n ? st[i - 1].n : st[i].n;
            int q = st[i - 1].n < st[i].n ? st[i].n : st[i - 1].n;
            error_set(err, ERR_INVALID, "第 %d 段与第 %d 段时间重叠，请合并为一段",
                      "ranges %d and %d overlap; join them into one", p, q);
            return error_field(err, "ranges");
        }
    /* each range must hold a whole slot; stretches that touch count as one for the mask */
    for (size_t i = 0; i < n; i++) {
        bool holds = false;
        for (int s = 0; s < n_slots && !holds; s++)
            holds = slot_start(c, s) >= st[i].from && slot_start(c, s) + c->slot_min <= st[i].to;
        if (!holds) {
            char a[24], b[24];
            hhmm(st[i].from, a, sizeof a), hhmm(st[i].to, b, sizeof b);
            error_set(err, ERR_INVALID, "第 %d 段 %s–%s 容不下一场完整的洽谈（每场 %d 分钟）",
                      "range %d (%s-%s) holds no whole meeting (%d minutes each)", st[i].n, a, b,
                      c->slot_min);
            return error_field(err, "ranges");
        }
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && st[j + 1].from == st[j].to)
            j++;
        for (int s = 0; s < n_slots; s++)
            if (slot_start(c, s) >= st[i].from && slot_start(c, s) + c->slot_min <= st[j].to)
                *mask |= UINT64_C(1) << s;
        i = j + 1;
    }
    return 0;
}

json_t *avail_describe(const struct agenda_clock *c, int n_slots, uint64_t mask) {
    uint64_t all = avail_all(n_slots);
    mask &= all;
    json_t *slots = json_array(), *runs = json_array();
    char a[24], b[24];
    int run_from = -1;
    for (int s = 0; s <= n_slots; s++) {
        bool is_on = s < n_slots && (mask >> s & 1);
        if (s < n_slots) {
            hhmm(slot_start(c, s) % DAY_MIN, a, sizeof a);
            hhmm((slot_start(c, s) + c->slot_min) % DAY_MIN, b, sizeof b);
            json_array_append_new(slots, json_pack("{s:i, s:s, s:s, s:b}", "slot", s, "start", a,
                                                   "end", b, "available", is_on));
        }
        if (is_on && run_from < 0) run_from = s;
        if (!is_on && run_from >= 0) {
            hhmm(slot_start(c, run_from) % DAY_MIN, a, sizeof a);
            hhmm((slot_start(c, s - 1) + c->slot_min) % DAY_MIN, b, sizeof b);
            json_array_append_new(runs, json_pack("{s:s, s:s}", "from", a, "to", b));
            run_from = -1;
        }
    }
    hhmm(c->start_min % DAY_MIN, a, sizeof a);
    hhmm((slot_start(c, n_slots - 1) + c->slot_min) % DAY_MIN, b, sizeof b);
    return json_pack("{s:b, s:i, s:{s:s, s:s}, s:i, s:o, s:o}", "all_day", mask == all,
                     "available_slots", __builtin_popcountll(mask), "hours", "from", a, "to", b,
                     "slot_min", c->slot_min, "slots", slots, "ranges", runs);
}
