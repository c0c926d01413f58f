/* Owns the money totals: every payment (application or 免申即享 entry) is one row of the payment
 * table with its clause, policy, department, district, industry section, year and month copied at
 * payment time, so each grouping is one GROUP BY summing int64 fen — exact, and the groups of
 * any grouping add up to the same total. Counts of applications by state come along. Does not
 * own payments themselves (workflow.c, exempt.c). */
#include <string.h>

#include "util/date.h"

#include "refdata/refdata.h"
#include "store/store.h"
#include "util/buf.h"
#include "workflow/internal.h"

static const struct {
    const char *by, *column;
} groupings[] = {
    {"clause", "clause_id"},      {"policy", "policy_id"},
    {"department", "department"}, {"district", "district_code"},
    {"industry", "section"},      {"year", "year"},
    {"month", "month"},
};

static json_t *label_of(struct store *s, const char *by, const struct store_rows *r, int i) {
    if (strcmp(by, "clause") == 0) return json_string(store_rows_text(r, i, 1));
    if (strcmp(by, "policy") == 0) {
        struct arena a;
        arena_init(&a, 1024);
        struct policy p;
        struct error err;
        json_t *v = store_get_policy(s, store_rows_int(r, i, 0), &p, &a, &err) == 0 && p.title
                        ? json_string(p.title)
                        : json_string("");
        arena_release(&a);
        return v;
    }
    if (strcmp(by, "district") == 0) {
        int idx = wf_region_index(store_rows_int(r, i, 0));
        return json_string(idx >= 0 ? region_at(idx)->name : "未知区市");
    }
    if (strcmp(by, "industry") == 0) {
        const char *code = store_rows_text(r, i, 0);
        struct error err;
        int idx = code[0] ? industry_find(code, strlen(code), NULL, &err) : -1;
        return json_string(idx >= 0 ? industry_at(idx)->name : "未知行业");
    }
    return json_string(store_rows_text(r, i, 0));
}

static int groups(struct store *s, const char *by, const char *col, const char *where,
                  const struct store_val *args, int n, json_t *out, struct error *err) {
    struct buf q;
    buf_init(&q);
    buf_printf(&q,
               "SELECT %s, MAX(clause_title), SUM(amount_fen), COUNT(*) FROM payment WHERE 1 = 1%s "
               "GROUP BY %s ORDER BY %s",
               col, where, col, col);
    struct store_rows *r = NULL;
    int rc = store_sql(s, buf_str(&q), args, n, &r, err);
    buf_release(&q);
    if (rc) return rc;
    json_t *a = json_array();
    int64_t total = 0, count = 0;
    for (int i = 0; i < store_rows_count(r); i++) {
        json_t *key = strcmp(col, "department") == 0 || strcmp(col, "section") == 0
                          ? json_string(store_rows_text(r, i, 0))
                          : json_integer((json_int_t)store_rows_int(r, i, 0));
        json_array_append_new(a, json_pack("{s:o,s:o,s:I,s:I}", "key", key, "label",
                                           label_of(s, by, r, i), "paid_fen",
                                           (json_int_t)store_rows_int(r, i, 2), "payments",
                                           (json_int_t)store_rows_int(r, i, 3)));
        total += store_rows_int(r, i, 2);
        count += store_rows_int(r, i, 3);
    }
    store_rows_free(r);
    json_object_set_new(out, "groups", a);
    json_object_set_new(out, "paid_fen", json_integer(total));
    json_object_set_new(out, "payments", json_integer(count));
    return 0;
}

static int by_state(struct store *s, const char *where, const struct store_val *args, int n,
                    json_t *out, struct error *err) {
    struct buf q;
    buf_init(&q);
    buf_printf(&q, "SELECT state, COUNT(*) FROM application WHERE 1 = 1%s GROUP BY state", where);
    struct store_rows *r = NULL;
    int rc = store_sql(s, buf_str(&q), args, n, &r, err);
    json_t *o = json_object();
    for (int st = 0; st < WF_STATE_COUNT; st++)
        json_object_set_new(o, workflow_state_key(st), json_integer(0));
    for (int i = 0; !rc && i < store_rows_count(r); i++)
        json_object_set_new(o, store_rows_text(r, i, 0),
                            json_integer((json_int_t)store_rows_int(r, i, 1)));
    store_rows_free(r);
    json_object_set_new(out, "applications", o);
    int64_t unpaid = 0;
    buf_clear(&q);
    buf_printf(&q,
               "SELECT COALESCE(SUM(amount_fen), 0) FROM application WHERE state = 'approved'%s",
               where);
    if (!rc) rc = store_sql_int(s, buf_str(&q), args, n, 0, &unpaid, err);
    json_object_set_new(out, "approved_unpaid_fen", json_integer(unpaid));
    buf_release(&q);
    return rc;
}

int workflow_stats(struct store *s, const struct actor *who, const char *by, json_t **out,
                   struct error *err) {
    *out = NULL;
    const char *col = NULL;
    for (size_t i = 0; by && i < sizeof groupings / sizeof *groupings; i++)
        if (strcmp(groupings[i].by, by) == 0) col = groupings[i].column;
    if (!col) {
        error_set(err, ERR_INVALID,
                  "by 应为 clause、policy、department、district、industry、year 或 month",
                  "by must be clause, policy, department, district, industry, year or month");
        return error_field(err, "by");
    }
    if (!workflow_may_list(who))
        return error_set(err, ERR_FORBIDDEN, "无权查看兑现统计", "you may not see payment totals");
    int rc = refdata_load(err);
    if (rc) return rc;
    struct store_val args[4];
    int n = 0;
    struct buf where;
    buf_init(&where);
    wf_scope_sql(who, &where, args, &n);
    json_t *o = json_pack("{s:s}", "by", by);
    rc = groups(s, by, col, buf_str(&where), args, n, o, err);
    if (!rc) rc = by_state(s, buf_str(&where), args, n, o, err);
    buf_release(&where);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

int workflow_payments(struct store *s, const struct actor *who, int64_t clause_id, int64_t offset,
                      int limit, json_t **rows, int64_t *total, struct error *err) {
    *rows = NULL;
    *total = 0;
    if (!workflow_may_list(who))
        return error_set(err, ERR_FORBIDDEN, "无权查看兑现记录", "you may not see payments");
    if (limit < 1 || limit > 10000 || offset < 0)
        return error_set(err, ERR_RANGE, "分页参数超出范围", "paging out of range");
    struct store_val args[8];
    int n = 0;
    struct buf w, q;
    buf_init(&w);
    buf_init(&q);
    buf_puts(&w, " FROM payment WHERE 1 = 1");
    wf_scope_sql(who, &w, args, &n);
    if (clause_id) {
        buf_puts(&w, " AND clause_id = ?");
        args[n++] = store_val_int(clause_id);
    }
    buf_printf(&q, "SELECT COUNT(*)%s", buf_str(&w));
    int rc = store_sql_int(s, buf_str(&q), args, n, 0, total, err);
    buf_clear(&q);
    buf_printf(&q,
               "SELECT id, source, source_id, clause_id, clause_title, department, uscc, "
               "district_code, section, amount_fen, paid_on, payment_ref, (SELECT e.name FROM "
               "enterprise e WHERE e.uscc = payment.uscc)%s ORDER BY id DESC LIMIT ? OFFSET ?",
               buf_str(&w));
    args[n++] = store_val_int(limit);
    args[n++] = store_val_int(offset);
    struct store_rows *r = NULL;
    if (!rc) rc = store_sql(s, buf_str(&q), args, n, &r, err);
    buf_release(&w);
    buf_release(&q);
    if (rc) return rc;
    json_t *a = json_array();
    char d[16];
    for (int i = 0; i < store_rows_count(r); i++)
        json_array_append_new(
            a,
            json_pack("{s:I,s:s,s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:s,s:s}", "id",
                      (json_int_t)store_rows_int(r, i, 0), "source", store_rows_text(r, i, 1),
                      "source_id", (json_int_t)store_rows_int(r, i, 2), "clause_id",
                      (json_int_t)store_rows_int(r, i, 3), "clause_title", store_rows_text(r, i, 4),
                      "department", store_rows_text(r, i, 5), "uscc", store_rows_text(r, i, 6),
                      "enterprise_name", store_rows_text(r, i, 12), "district_code",
                      (json_int_t)store_rows_int(r, i, 7), "section", store_rows_text(r, i, 8),
                      "amount_fen", (json_int_t)store_rows_int(r, i, 9), "paid_on",
                      date_format((int32_t)store_rows_int(r, i, 10), d, sizeof d), "payment_ref",
                      store_rows_text(r, i, 11)));
    store_rows_free(r);
    *rows = a;
    return 0;
}
