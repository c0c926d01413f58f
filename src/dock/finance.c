/* Owns financing needs (融资需求): the bank steps 对接 → 授信 → 放款 with amounts and dates, the
 * three response commitments (respond, contact, follow up) with deadlines and overdue flags, and
 * totals of financing facilitated by bank, district and month. Does not own storage or
 * notifications. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "refdata/refdata.h"
#include "text/number.h"
#include "util/date.h"

enum step { STEP_RESPOND, STEP_CONTACT, STEP_FOLLOW, STEP_DOCK, STEP_CREDIT, STEP_LOAN, N_STEPS };

static const char *const step_names[N_STEPS] = {"响应", "联系", "跟进", "对接", "授信", "放款"};
static const char *const step_keys[N_STEPS] = {"respond", "contact", "follow",
                                               "dock",    "credit",  "loan"};

static int step_of(const char *s) {
    for (int i = 0; s && i < N_STEPS; i++)
        if (strcmp(s, step_names[i]) == 0 || strcmp(s, step_keys[i]) == 0) return i;
    return -1;
}

static int event_error(struct error *err, const char *need, size_t k, const char *zh,
                       const char *en) {
    /* both messages take the same arguments, so the English one is written separately */
    error_set(err, ERR_INVALID, "需求 %s 第 %zu 条记录：%s", "need %s, event %zu: %s", need, k + 1,
              zh);
    snprintf(err->en, sizeof err->en, "need %s, event %zu: %s", need, k + 1, en);
    return err->code;
}

static void add_to(json_t *obj, const char *key, int64_t fen) {
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer((v ? json_integer_value(v) : 0) + fen));
}

struct per_bank {
    const char *bank;
    int64_t credit, loan;
    bool has_dock, has_credit;
};

/* One need: validates its events and fills status, overdue and totals. */
static int need_report(json_t *n, const int *due_days, int32_t today, json_t *totals, json_t *out,
                       int *n_overdue, struct error *err) {
    const char *id = json_string_value(json_object_get(n, "id"));
    const char *posted_s = json_string_value(json_object_get(n, "posted"));
    int32_t posted;
    if (!id || !posted_s || date_parse(posted_s, strlen(posted_s), &posted, err))
        return error_set(err, ERR_INVALID, "每个需求须有 id 与 posted 日期",
                         "each need needs an id and a posted date");
    int region = -1;
    const char *rs = json_string_value(json_object_get(n, "region"));
    struct error rerr;
    if (rs) region = region_find(rs, strlen(rs), &rerr);
    int district = region >= 0 ? region_ancestor(region, REGION_COUNTY) : -1;
    const char *dname = district >= 0 ? region_at(district)->name : "未知区市";
    json_t *events = json_object_get(n, "events"), *e;
    size_t ne = json_array_size(events), k;
    struct per_bank *banks = calloc(ne + 1, sizeof *banks);
    int n_banks = 0, rc = 0;
    int32_t first[N_STEPS];
    for (int s = 0; s < N_STEPS; s++)
        first[s] = INT32_MAX;
    int64_t credit = 0, loan = 0;
    if (!banks) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    json_array_foreach(events, k, e) {
        if (rc) break;
        const char *bank = json_string_value(json_object_get(e, "bank"));
        const char *ds = json_string_value(json_object_get(e, "date"));
        int step = step_of(json_string_value(json_object_get(e, "step")));
        int32_t day;
        int64_t amount = 0;
        if (!bank || step < 0 || !ds || date_parse(ds, strlen(ds), &day, err)) {
            rc = event_error(err, id, k, "须有 bank、step（响应/联系/跟进/对接/授信/放款）与 date",
                             "needs bank, step (响应/联系/跟进/对接/授信/放款) and date");
            break;
        }
        if (day < posted || day > today) {
            rc = event_error(err, id, k, "日期早于发布或晚于当前日期",
                             "dated before posting or after today");
            break;
        }
        const char *as = json_string_value(json_object_get(e, "amount"));
        if ((step == STEP_CREDIT || step == STEP_LOAN) &&
            (!as || text_parse_money(as, strlen(as), &amount, err) || amount <= 0)) {
            rc = event_error(err, id, k, "授信与放款须有正的金额",
                             "credit and loan need a positive amount");
            break;
        }
        int b = 0;
        while (b < n_banks && strcmp(banks[b].bank, bank) != 0)
            b++;
        if (b == n_banks) banks[n_banks++].bank = bank;
        struct per_bank *pb = &banks[b];
        if (step == STEP_CREDIT && !pb->has_dock)
            rc = event_error(err, id, k, "授信前须先对接", "credit before 对接");
        else if (step == STEP_LOAN && (!pb->has_credit || pb->loan + amount > pb->credit))
            rc = event_error(err, id, k, "放款须在授信之后且不超过授信额度",
                             "loan without credit or above the credit granted");
        if (rc) break;
        if (step == STEP_DOCK) pb->has_dock = true;
        if (step == STEP_CREDIT) pb->has_credit = true, pb->credit += amount, credit += amount;
        if (step == STEP_LOAN) {
            char month[8], d[16];
            pb->loan += amount, loan += amount;
            snprintf(month, sizeof month, "%.7s", date_format(day, d, sizeof d));
            add_to(json_object_get(totals, "by_bank"), bank, amount);
            add_to(json_object_get(totals, "by_district"), dname, amount);
            add_to(json_object_get(totals, "by_month"), month, amount);
            add_to(totals, "total_fen", amount);
        }
        if (day < first[step]) first[step] = day;
    }
    if (!rc) {
        json_t *overdue = json_array();
        for (int s = 0; s <= STEP_FOLLOW; s++) {
            int32_t due = posted + due_days[s];
            if (first[s] > due && today > due)
                json_array_append_new(overdue, json_string(step_names[s]));
        }
        *n_overdue += json_array_size(overdue) > 0;
        const char *status = loan                              ? "已放款"
                             : credit                          ? "已授信"
                             : first[STEP_DOCK] < INT32_MAX    ? "对接中"
                             : first[STEP_RESPOND] < INT32_MAX ? "已响应"
                                                               : "待响应";
        json_array_append_new(
            out, json_pack("{s:s, s:s?, s:s, s:s, s:o, s:I, s:I, s:i}", "id", id, "enterprise",
                           json_string_value(json_object_get(n, "enterprise")), "district", dname,
                           "status", status, "overdue", overdue, "credit_fen", (json_int_t)credit,
                           "loan_fen", (json_int_t)loan, "banks", n_banks));
    }
    free(banks);
    return rc;
}

json_t *financing_report(json_t *in, struct error *err) {
    json_t *needs = json_object_get(in, "needs"), *c = json_object_get(in, "commitments");
    if (!json_is_array(needs)) {
        error_set(err, ERR_INVALID, "须有 needs 数组", "needs array needed");
        return NULL;
    }
    int due[3] = {1, 3, 7};
    const char *keys[3] = {"respond_days", "contact_days", "follow_days"};
    for (int s = 0; s < 3; s++) {
        json_t *v = json_object_get(c, keys[s]);
        if (!v) continue;
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 365) {
            error_set(err, ERR_RANGE, "“%s” 须为 0 至 365 天", "\"%s\" must be 0 to 365 days",
                      keys[s]);
            return NULL;
        }
        due[s] = (int)json_integer_value(v);
    }
    int32_t today = date_today();
    const char *d = json_string_value(json_object_get(in, "date"));
    if (d && date_parse(d, strlen(d), &today, err)) return NULL;
    json_t *totals = json_pack("{s:I, s:{}, s:{}, s:{}}", "total_fen", (json_int_t)0, "by_bank",
                               "by_district", "by_month");
    json_t *list = json_array(), *n;
    size_t i;
    int n_overdue = 0, rc = 0;
    json_array_foreach(needs, i, n) {
        if ((rc = need_report(n, due, today, totals, list, &n_overdue, err))) break;
    }
    if (rc) {
        json_decref(totals), json_decref(list);
        return NULL;
    }
    return json_pack("{s:o, s:i, s:o}", "needs", list, "overdue_needs", n_overdue, "totals",
                     totals);
}
