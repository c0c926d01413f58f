/* Owns a stored roadshow's (常态化资本路演) programme and outcome: each firm's time slot from the
 * line-up order, the start time and the minutes per firm, exactly in whole minutes; how many
 * registered investors asked for each firm; and the follow-up funnel (firms presented → firms with
 * a follow-up → 尽调 → 签约; investors registered → checked in, and who followed up) as exact
 * fractions. Does not own the
 * demand-ordered agenda of `duijie roadshow` (events.c), storage or who may see what. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "util/num.h"

static const char *const stages[] = {"约谈", "尽调", "签约", "放弃"};
enum { FU_TALK, FU_DILIGENCE, FU_SIGNED, FU_DROPPED, N_FU };

int roadshow_followup_stage(const char *status) {
    for (int k = 0; status && k < N_FU; k++)
        if (strcmp(status, stages[k]) == 0) return k;
    return -1;
}

static json_t *fraction(int64_t num, int64_t den) {
    char pct[48];
    ratio_format_percent((struct ratio){num, den > 0 ? den : 1}, pct, sizeof pct);
    return json_pack("{s:I, s:I, s:s}", "num", (json_int_t)num, "den", (json_int_t)den, "percent",
                     den > 0 ? pct : "—");
}

static int int_in(json_t *in, const char *key, int lo, int hi, int def, int *out,
                  struct error *err) {
    json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v)) {
        *out = def;
        if (def >= lo) return 0;
    } else if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi) {
        *out = (int)json_integer_value(v);
        return 0;
    }
    error_set(err, ERR_INVALID, "%s 须为 %d–%d 的整数", "%s must be an integer %d-%d", key, lo, hi);
    return error_field(err, key);
}

static void hhmm(int m, char *buf, size_t n) {
    snprintf(buf, n, "%02d:%02d", m / 60, m % 60);
}

/* The index of project id in the line-up, or −1. */
static int firm_at(json_t *firms, json_int_t id) {
    size_t i;
    json_t *f;
    json_array_foreach(firms, i, f) {
        if (json_integer_value(json_object_get(f, "project_id")) == id) return (int)i;
    }
    return -1;
}

static json_t *agenda_of(json_t *firms, json_t *regs, int start, int per, int gap) {
    json_t *agenda = json_array(), *f;
    size_t i;
    json_array_foreach(firms, i, f) {
        json_t *e = json_deep_copy(f);
        int t0 = start + (int)i * (per + gap), asked = 0;
        char a[24], b[24];
        hhmm(t0, a, sizeof a), hhmm(t0 + per, b, sizeof b);
        json_t *r, *id;
        size_t k, q;
        json_int_t pid = json_integer_value(json_object_get(f, "project_id"));
        json_array_foreach(regs, k, r) {
            json_array_foreach(json_object_get(r, "firms"), q, id) {
                if (json_integer_value(id) == pid) {
                    asked++;
                    break;
                }
            }
        }
        json_object_set_new(e, "order", json_integer((json_int_t)i + 1));
        json_object_set_new(e, "start_min", json_integer(t0));
        json_object_set_new(e, "end_min", json_integer(t0 + per));
        json_object_set_new(e, "start", json_string(a));
        json_object_set_new(e, "end", json_string(b));
        json_object_set_new(e, "investors_asking", json_integer(asked));
        json_array_append_new(agenda, e);
    }
    return agenda;
}

/* The furthest stage each firm reached (−1 none; 放弃 counts as contact only) and who followed
 * up; fills the counts. */
static int funnel_of(json_t *firms, json_t *regs, json_t *fus, json_t **out, struct error *err) {
    size_t n = json_array_size(firms), i;
    int *best = malloc((n + 1) * sizeof *best);
    if (!best) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (i = 0; i < n; i++)
        best[i] = -1;
    int by[N_FU] = {0}, n_inv_fu = 0;
    int64_t signed_fen = 0;
    json_t *inv_seen = json_object(), *x;
    json_array_foreach(fus, i, x) {
        int st = roadshow_followup_stage(json_string_value(json_object_get(x, "status")));
        int fi = firm_at(firms, json_integer_value(json_object_get(x, "project_id")));
        if (st < 0) {
            free(best), json_decref(inv_seen);
            error_set(err, ERR_INVALID, "第 %zu 条跟进的状态须为 约谈/尽调/签约/放弃",
                      "follow-up %zu: status must be 约谈/尽调/签约/放弃", i + 1);
            return error_field(err, "status");
        }
        by[st]++;
        if (st == FU_SIGNED) signed_fen += json_integer_value(json_object_get(x, "amount_fen"));
        if (fi >= 0) {
            int rank = st == FU_DROPPED ? FU_TALK : st;
            if (rank > best[fi]) best[fi] = rank;
        }
        char k[24];
        snprintf(k, sizeof k, "%lld",
                 (long long)json_integer_value(json_object_get(x, "investor_id")));
        if (!json_object_get(inv_seen, k))
            json_object_set_new(inv_seen, k, json_true()), n_inv_fu++;
    }
    int reached[N_FU] = {0};
    for (i = 0; i < n; i++)
        for (int s = 0; s <= best[i] && s < FU_DROPPED; s++)
            reached[s]++;
    free(best);
    json_decref(inv_seen);
    json_t *st = json_object();
    for (int k = 0; k < N_FU; k++)
        json_object_set_new(st, stages[k], json_integer(by[k]));
    int64_t n_regs = (int64_t)json_array_size(regs), n_in = 0;
    json_array_foreach(regs, i, x) {
        if (json_is_integer(json_object_get(x, "checked_in_at"))) n_in++;
    }
    *out = json_pack("{s:I, s:i, s:i, s:i, s:o, s:o, s:o, s:I, s:I, s:o, s:i, s:o, s:o, s:I}",
                     "firms", (json_int_t)n, "firms_followed_up", reached[FU_TALK],
                     "firms_diligence", reached[FU_DILIGENCE], "firms_signed", reached[FU_SIGNED],
                     "followup_rate", fraction(reached[FU_TALK], (int64_t)n), "diligence_rate",
                     fraction(reached[FU_DILIGENCE], (int64_t)n), "signed_rate",
                     fraction(reached[FU_SIGNED], (int64_t)n), "investors", (json_int_t)n_regs,
                     "investors_checked_in", (json_int_t)n_in, "attendance_rate",
                     fraction(n_in, n_regs), "investors_following_up", n_inv_fu, "investor_rate",
                     fraction(n_inv_fu, n_regs), "by_status", st, "signed_amount_fen",
                     (json_int_t)signed_fen);
    return 0;
}

json_t *roadshow_report(json_t *in, struct error *err) {
    json_t *firms = json_object_get(in, "firms"), *regs = json_object_get(in, "registrations");
    json_t *fus = json_object_get(in, "followups");
    int start, per, gap;
    if (int_in(in, "start_min", 0, 1439, -1, &start, err) ||
        int_in(in, "minutes_per_firm", 1, 240, -1, &per, err) ||
        int_in(in, "gap_min", 0, 240, 0, &gap, err))
        return NULL;
    if (!json_is_array(firms) || json_array_size(firms) > 1000 || (regs && !json_is_array(regs)) ||
        (fus && !json_is_array(fus))) {
        error_set(err, ERR_INVALID, "firms（至多 1000）、registrations 与 followups 须为数组",
                  "firms (at most 1000), registrations and followups must be arrays");
        return NULL;
    }
    size_t n = json_array_size(firms);
    int end = n ? start + (int)n * per + (int)(n - 1) * gap : start;
    if (end > 1440) {
        error_set(err, ERR_RANGE, "%zu 家企业每家 %d 分钟、间隔 %d 分钟，路演到 %d:%02d 仍未结束",
                  "%zu firms of %d minutes with %d-minute gaps run past midnight (%d:%02d)", n, per,
                  gap, end / 60, end % 60);
        error_field(err, "minutes_per_firm");
        return NULL;
    }
    json_t *empty = json_array(), *funnel = NULL;
    if (funnel_of(firms, regs ? regs : empty, fus ? fus : empty, &funnel, err)) {
        json_decref(empty);
        return NULL;
    }
    char e[24];
    hhmm(end, e, sizeof e);
    json_t *agenda = agenda_of(firms, regs ? regs : empty, start, per, gap);
    json_decref(empty);
    return json_pack("{s:o, s:i, s:s, s:o}", "agenda", agenda, "end_min", end, "end", e, "funnel",
                     funnel);
}
