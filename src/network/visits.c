/* Owns visit records (走访记录: date, commissioner, enterprise, what was discussed, outcome, next
 * step and its date), their lists per enterprise and per commissioner with overdue next steps
 * flagged, and the service statistics per commissioner and per centre. Does not own the units
 * (units.c) or who may see a visit (the caller checks the scope). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network/check.h"
#include "network/network.h"
#include "store/store.h"
#include "util/buf.h"

static int check_visit(struct network_visit *v, struct error *err) {
    char code[20];
    int rc = network_check_uscc(v->uscc, code, err);
    if (rc) return rc;
    snprintf(v->uscc, sizeof v->uscc, "%s", code);
    if (v->commissioner_id <= 0) {
        error_set(err, ERR_INVALID, "缺少专员", "the commissioner is missing");
        return error_field(err, "commissioner_id");
    }
    if (v->date == STORE_NO_DATE) {
        error_set(err, ERR_INVALID, "缺少走访日期", "the visit's date is missing");
        return error_field(err, "date");
    }
    rc = network_check_text(v->topic, "topic", true, 4000, err);
    if (!rc) rc = network_check_text(v->outcome, "outcome", false, 4000, err);
    if (!rc) rc = network_check_text(v->next_step, "next_step", false, 2000, err);
    if (!rc) rc = network_check_text(v->by, "by", false, 63, err);
    if (rc) return rc;
    if (v->next_date != STORE_NO_DATE && v->next_date < v->date) {
        error_set(err, ERR_INVALID, "下一步日期不能早于走访日期",
                  "the next step's date must not be before the visit");
        return error_field(err, "next_date");
    }
    if (v->next_date != STORE_NO_DATE && (!v->next_step || !*v->next_step)) {
        error_set(err, ERR_INVALID, "有下一步日期时须写明下一步",
                  "a next step's date needs the next step");
        return error_field(err, "next_step");
    }
    return 0;
}

static struct store_val text_or_null(const char *s) {
    return store_val_text(s && *s ? s : NULL);
}

static struct store_val date_or_null(int32_t d) {
    return d == STORE_NO_DATE ? store_val_null() : store_val_int(d);
}

int network_put_visit(struct store *s, struct network_visit *v, struct error *err) {
    error_clear(err);
    int rc = check_visit(v, err);
    if (rc) return rc;
    struct store_val args[] = {store_val_text(v->uscc),    store_val_int(v->commissioner_id),
                               store_val_int(v->date),     store_val_text(v->topic),
                               text_or_null(v->outcome),   text_or_null(v->next_step),
                               date_or_null(v->next_date), store_val_int(v->is_done),
                               text_or_null(v->by),        store_val_int(v->at),
                               store_val_int(v->id)};
    if (!v->id)
        return store_sql_int(s,
                             "INSERT INTO network_visits (uscc, commissioner_id, visit_date, "
                             "topic, outcome, next_step, next_date, is_done, by_user, at) VALUES "
                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                             args, 10, 0, &v->id, err);
    rc = store_sql(s,
                   "UPDATE network_visits SET uscc = ?, commissioner_id = ?, visit_date = ?, "
                   "topic = ?, outcome = ?, next_step = ?, next_date = ?, is_done = ?, "
                   "by_user = ?, at = ? WHERE id = ?",
                   args, 11, NULL, err);
    if (!rc && store_sql_changes(s) == 0)
        rc =
            error_set(err, ERR_NOTFOUND, "走访记录 %lld 不存在", "no visit %lld", (long long)v->id);
    return rc;
}

#define VISIT_COLUMNS                                                                              \
    "id, uscc, commissioner_id, visit_date, topic, outcome, next_step, next_date, is_done, "       \
    "by_user, at"

static void read_visit(const struct store_rows *r, int i, int32_t today, struct arena *a,
                       struct network_visit *v) {
    memset(v, 0, sizeof *v);
    v->id = store_rows_int(r, i, 0);
    snprintf(v->uscc, sizeof v->uscc, "%s", store_rows_text(r, i, 1));
    v->commissioner_id = store_rows_int(r, i, 2);
    v->date = (int32_t)store_rows_int(r, i, 3);
    v->topic = arena_strdup(a, store_rows_text(r, i, 4));
    v->outcome = store_rows_is_null(r, i, 5) ? NULL : arena_strdup(a, store_rows_text(r, i, 5));
    v->next_step = store_rows_is_null(r, i, 6) ? NULL : arena_strdup(a, store_rows_text(r, i, 6));
    v->next_date = store_rows_is_null(r, i, 7) ? STORE_NO_DATE : (int32_t)store_rows_int(r, i, 7);
    v->is_done = store_rows_int(r, i, 8) != 0;
    v->by = store_rows_is_null(r, i, 9) ? NULL : arena_strdup(a, store_rows_text(r, i, 9));
    v->at = store_rows_int(r, i, 10);
    v->is_overdue = !v->is_done && v->next_date != STORE_NO_DATE && v->next_date < today;
}

int network_get_visit(struct store *s, int64_t id, int32_t today, struct network_visit *v,
                      struct arena *a, struct error *err) {
    struct store_val arg = store_val_int(id);
    struct store_rows *r;
    int rc =
        store_sql(s, "SELECT " VISIT_COLUMNS " FROM network_visits WHERE id = ?", &arg, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) == 0)
        rc = error_set(err, ERR_NOTFOUND, "走访记录 %lld 不存在", "no visit %lld", (long long)id);
    else
        read_visit(r, 0, today, a, v);
    store_rows_free(r);
    return rc;
}

int network_delete_visit(struct store *s, int64_t id, struct error *err) {
    struct store_val arg = store_val_int(id);
    int rc = store_sql(s, "DELETE FROM network_visits WHERE id = ?", &arg, 1, NULL, err);
    if (!rc && store_sql_changes(s) == 0)
        rc = error_set(err, ERR_NOTFOUND, "走访记录 %lld 不存在", "no visit %lld", (long long)id);
    return rc;
}

/* The WHERE clause and its arguments for a visit query. */
static int visit_where(const struct network_visit_query *q, int32_t today, struct buf *sql,
                       struct store_val *args) {
    int n = 0;
    buf_puts(sql, " WHERE 1 = 1");
    if (q->uscc) {
        buf_puts(sql, " AND uscc = ?");
        args[n++] = store_val_text(q->uscc);
    }
    if (q->commissioner_id) {
        buf_puts(sql, " AND commissioner_id = ?");
        args[n++] = store_val_int(q->commissioner_id);
    }
    if (q->is_overdue_only) {
        buf_puts(sql, " AND is_done = 0 AND next_date IS NOT NULL AND next_date < ?");
        args[n++] = store_val_int(today);
    }
    return n;
}

int network_list_visits(struct store *s, const struct network_visit_query *q, int32_t today,
                        struct arena *a, struct network_visit **out, int *n_out, int64_t *total,
                        struct error *err) {
    *out = NULL;
    *n_out = 0;
    if (q->page < 1 || q->page_size < 1 || q->page_size > 500)
        return error_set(err, ERR_INVALID, "页码或每页条数无效", "bad page or page size");
    struct store_val args[6];
    struct buf where, sql;
    buf_init(&where);
    buf_init(&sql);
    int n = visit_where(q, today, &where, args);
    buf_printf(&sql, "SELECT COUNT(*) FROM network_visits%s", buf_str(&where));
    int rc = store_sql_int(s, buf_str(&sql), args, n, 0, total, err);
    buf_clear(&sql);
    buf_printf(&sql,
               "SELECT " VISIT_COLUMNS " FROM network_visits%s ORDER BY visit_date DESC, id DESC "
               "LIMIT ? OFFSET ?",
               buf_str(&where));
    args[n] = store_val_int(q->page_size);
    args[n + 1] = store_val_int((int64_t)(q->page - 1) * q->page_size);
    struct store_rows *r = NULL;
    if (!rc) rc = store_sql(s, buf_str(&sql), args, n + 2, &r, err);
    buf_release(&where);
    buf_release(&sql);
    if (rc) return rc;
    int rows = store_rows_count(r);
    struct network_visit *v = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *v);
    for (int i = 0; v && i < rows; i++)
        read_visit(r, i, today, a, &v[i]);
    store_rows_free(r);
    if (!v) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    *out = v;
    *n_out = rows;
    return 0;
}

/* ---- statistics ---- */

/* The unit a commissioner's figures go to: itself, or its centre (by_centre). */
static int64_t bucket(const struct network *n, int64_t commissioner, bool by_centre) {
    if (!by_centre) return commissioner;
    for (int64_t id = commissioner; id;) {
        const struct network_unit *u = network_unit(n, id);
        if (!u) return 0;
        if (u->kind == NETWORK_CENTRE) return u->id;
        id = u->parent_id;
    }
    return 0;
}

static struct network_stat *stat_of(struct network_stat *out, int *n_out, int64_t unit) {
    for (int i = 0; i < *n_out; i++)
        if (out[i].unit_id == unit) return &out[i];
    out[*n_out] = (struct network_stat){.unit_id = unit};
    return &out[(*n_out)++];
}

int network_stats(struct store *s, const struct network *n, int64_t under, bool by_centre,
                  int32_t from, int32_t to, int32_t today, struct network_stat *out, int *n_out,
                  struct error *err) {
    *n_out = 0;
    /* the units first, so every commissioner (or centre) in scope has a row, visits or not */
    for (int i = 0; i < n->n_units; i++) {
        const struct network_unit *u = &n->units[i];
        int want = by_centre ? NETWORK_CENTRE : NETWORK_COMMISSIONER;
        if (u->kind == want && (!under || network_is_under(n, u->id, under) ||
                                (by_centre && network_is_under(n, under, u->id))))
            stat_of(out, n_out, u->id);
    }
    struct store_val args[] = {store_val_int(today), store_val_int(from), store_val_int(to)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT commissioner_id, COUNT(*), COUNT(DISTINCT uscc), SUM(CASE WHEN "
                       "is_done = 0 AND next_date IS NOT NULL AND next_date < ? THEN 1 ELSE 0 "
                       "END) FROM network_visits WHERE visit_date >= ? AND visit_date <= ? "
                       "GROUP BY commissioner_id ORDER BY commissioner_id",
                       args, 3, &r, err);
    if (rc) return rc;
    for (int i = 0; i < store_rows_count(r); i++) {
        int64_t c = store_rows_int(r, i, 0);
        if (under && !network_is_under(n, c, under)) continue;
        int64_t b = bucket(n, c, by_centre);
        if (!b) continue;
        struct network_stat *st = stat_of(out, n_out, b);
        st->visits += store_rows_int(r, i, 1);
        /* distinct per commissioner: an enterprise seen by two of a centre's commissioners counts
         * twice in the centre's figure (served twice) */
        st->enterprises_served += store_rows_int(r, i, 2);
        st->overdue += store_rows_int(r, i, 3);
    }
    store_rows_free(r);
    return 0;
}
