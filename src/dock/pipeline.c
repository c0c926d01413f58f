/* Owns the listing pipeline (上市梯队): firms by stage (储备 → 孵化 → 辅导 → 上市) against the
 * district's targets, stage history, and the listing rewards (上市奖励) each firm qualifies for at
 * its stage and at the next. Does not own the criteria (criteria.c) or storage. */
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "text/number.h"
#include "util/date.h"

#define MAX_REWARDS 64

struct reward {
    const char *id, *name;
    int stage;
    int64_t amount_fen;
    struct criterion crit[16];
    int n_crit;
};

static int stage_of(const char *s) {
    const struct field_def *f = schema_field(F_LISTING_STAGE);
    return s ? schema_value_index(f, s, strlen(s)) : -1;
}

static int reward_of(json_t *o, struct reward *r, struct arena *a, struct error *err) {
    memset(r, 0, sizeof *r);
    r->id = json_string_value(json_object_get(o, "id"));
    r->name = json_string_value(json_object_get(o, "name"));
    r->stage = stage_of(json_string_value(json_object_get(o, "stage")));
    if (!r->id || r->stage < 0)
        return error_set(err, ERR_INVALID, "奖励须有 id 与有效的 stage（储备/孵化/辅导/上市）",
                         "a reward needs an id and a stage (储备/孵化/辅导/上市)");
    if (!r->name) r->name = r->id;
    const char *amt = json_string_value(json_object_get(o, "amount"));
    if (!amt || text_parse_money(amt, strlen(amt), &r->amount_fen, err)) {
        if (!amt) error_set(err, ERR_INVALID, "缺少奖励金额", "reward amount missing");
        return error_field(err, "amount");
    }
    json_t *list = json_object_get(o, "criteria"), *c;
    size_t i;
    if (list && (!json_is_array(list) || json_array_size(list) > 16))
        return error_set(err, ERR_INVALID, "criteria 须为至多 16 项的数组", "criteria: at most 16");
    json_array_foreach(list, i, c) {
        int rc = criterion_from_json(c, &r->crit[r->n_crit], a, err);
        if (rc) return rc;
        r->n_crit++;
    }
    return 0;
}

/* Rewards of stage `stage` for profile p (its 上市阶段 set to that stage). */
static json_t *rewards_at(const struct reward *rw, int n, int stage, struct profile *p,
                          int64_t *total) {
    json_t *arr = json_array();
    struct value saved = p->v[F_LISTING_STAGE];
    p->v[F_LISTING_STAGE] = (struct value){.has = true, .i = stage};
    for (int k = 0; k < n; k++) {
        if (rw[k].stage != stage) continue;
        json_t *why = json_array();
        enum tri t = TRI_TRUE;
        for (int c = 0; c < rw[k].n_crit; c++) {
            char b[600];
            t = tri_and(t, criterion_eval(&rw[k].crit[c], p, b, sizeof b));
            json_array_append_new(why, json_string(b));
        }
        if (t == TRI_TRUE && total) *total += rw[k].amount_fen;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s, s:o}", "id", rw[k].id, "name",
                                             rw[k].name, "amount_fen", (json_int_t)rw[k].amount_fen,
                                             "eligibility", tri_name(t), "reasons", why));
    }
    p->v[F_LISTING_STAGE] = saved;
    return arr;
}

/* since: the date the firm entered its current stage (the last history entry), checked ascending.
 */
static int history_of(json_t *h, int stage, int32_t *since, struct error *err) {
    *since = -1;
    int32_t prev = INT32_MIN;
    size_t i;
    json_t *e;
    json_array_foreach(h, i, e) {
        int s = stage_of(json_string_value(json_object_get(e, "stage")));
        const char *d = json_string_value(json_object_get(e, "date"));
        int32_t day;
        if (s < 0 || !d || date_parse(d, strlen(d), &day, err))
            return error_set(err, ERR_INVALID, "阶段记录第 %zu 条无效",
                             "stage history entry %zu is invalid", i + 1);
        if (day < prev)
            return error_set(err, ERR_INVALID, "阶段记录须按日期先后排列",
                             "stage history must be in date order");
        prev = day;
        if (s == stage && (i == 0 || stage_of(json_string_value(
                                         json_object_get(json_array_get(h, i - 1), "stage"))) != s))
            *since = day;
        else if (s != stage)
            *since = -1;
    }
    return 0;
}

json_t *listing_pipeline(json_t *in, struct error *err) {
    return listing_pipeline_with(in, NULL, err);
}

json_t *listing_pipeline_with(json_t *in, const struct dock_profiles *pf, struct error *err) {
    json_t *firms = json_object_get(in, "firms"), *targets = json_object_get(in, "targets");
    json_t *jr = json_object_get(in, "rewards");
    if (!json_is_array(firms) || json_array_size(jr) > MAX_REWARDS) {
        error_set(err, ERR_INVALID, "须有 firms 数组，rewards 至多 64 项",
                  "firms array needed, at most 64 rewards");
        return NULL;
    }
    int32_t today = date_today();
    const char *d = json_string_value(json_object_get(in, "date"));
    if (d && date_parse(d, strlen(d), &today, err)) return NULL;
    const struct field_def *sf = schema_field(F_LISTING_STAGE);
    int n_stages = schema_value_count(sf);
    struct arena a;
    arena_init(&a, 1 << 14);
    struct reward *rw = calloc(MAX_REWARDS, sizeof *rw);
    int n_rw = 0, rc = rw ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (size_t i = 0; !rc && i < json_array_size(jr); i++)
        if (!(rc = reward_of(json_array_get(jr, i), &rw[n_rw], &a, err))) n_rw++;
    int count[8] = {0};
    json_t *list = json_array();
    int64_t total = 0;
    size_t i;
    json_t *f;
    json_array_foreach(firms, i, f) {
        if (rc) break;
        struct profile p;
        struct field_errors fe = {0};
        profile_clear(&p);
        json_t *ent = json_object_get(f, "enterprise");
        const char *uscc = json_string_value(json_object_get(f, "uscc"));
        if (pf && uscc && !ent) {
            if (pf->get(pf->ctx, uscc, &p, &a)) profile_clear(&p);
        } else if (ent && profile_from_json(&p, ent, &a, &fe) > 0) {
            rc = error_set(err, ERR_INVALID, "第 %zu 家企业信息有误：%s", "firm %zu: %s", i + 1,
                           fe.items[0].zh);
            break;
        }
        profile_derive(&p, today, NULL);
        int stage = stage_of(json_string_value(json_object_get(f, "stage")));
        if (stage < 0 && p.v[F_LISTING_STAGE].has) stage = (int)p.v[F_LISTING_STAGE].i;
        if (stage < 0) {
            rc = error_set(err, ERR_INVALID, "第 %zu 家企业缺少有效的上市阶段",
                           "firm %zu: stage missing or unknown", i + 1);
            break;
        }
        int32_t since;
        if ((rc = history_of(json_object_get(f, "history"), stage, &since, err))) break;
        count[stage]++;
        const char *name = json_string_value(json_object_get(f, "name"));
        if (!name && p.v[F_NAME].has) name = p.v[F_NAME].s;
        char ds[16];
        json_t *o = json_pack(
            "{s:s?, s:s, s:s, s:o, s:o}", "id", json_string_value(json_object_get(f, "id")), "name",
            name ? name : "", "stage", sf->values[stage], "since",
            since >= 0 ? json_string(date_format(since, ds, sizeof ds)) : json_null(),
            "days_in_stage", since >= 0 ? json_integer(today - since) : json_null());
        json_object_set_new(o, "rewards_now", rewards_at(rw, n_rw, stage, &p, &total));
        json_object_set_new(o, "rewards_next",
                            stage + 1 < n_stages ? rewards_at(rw, n_rw, stage + 1, &p, NULL)
                                                 : json_array());
        json_array_append_new(list, o);
    }
    json_t *out = NULL;
    if (!rc) {
        json_t *stages = json_array();
        for (int s = 0; s < n_stages; s++) {
            json_t *t = json_object_get(targets, sf->values[s]);
            json_array_append_new(
                stages,
                json_pack(
                    "{s:s, s:i, s:o, s:o}", "stage", sf->values[s], "count", count[s], "target",
                    json_is_integer(t) ? json_integer(json_integer_value(t)) : json_null(), "gap",
                    json_is_integer(t) ? json_integer(json_integer_value(t) - count[s])
                                       : json_null()));
        }
        out = json_pack("{s:o, s:O, s:I}", "stages", stages, "firms", list, "rewards_now_total_fen",
                        (json_int_t)total);
    }
    json_decref(list);
    free(rw);
    arena_release(&a);
    return out;
}
