/* Owns what the two stores share of the policy and clause tables and the enterprise list (see
 * bind.h): one SQL text per statement, the values bound in column order, reading rows through a
 * driver's column reader, the list's text filter and the region cache. Does not own the drivers'
 * calls (store_sqlite.c, store_pg.c) or the enterprise row's layout (row.c). */
#include <stdio.h>
#include <string.h>

#include "refdata/refdata.h"
#include "store/bind.h"

#define POLICY_COLS                                                                                \
    "code, doc_no, title, department, level, region_code, published, deadline, status, source"
#define CLAUSE_COLS                                                                                \
    "policy_id, seq, version, title, text, rule, kind, is_exempt, valid_from, valid_to, "          \
    "deadline, status, award_cap"

/* The casts give PostgreSQL one type for a parameter used twice; SQLite takes them as they are. */
const char *const store_pc_sql[PC_COUNT] = {
    [PC_PUT_POLICY] = "INSERT INTO policy (" POLICY_COLS ", updated_at) VALUES (?1, ?2, ?3, ?4, "
                      "?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (code) DO UPDATE SET (" POLICY_COLS
                      ", updated_at) = (excluded.code, excluded.doc_no, excluded.title, "
                      "excluded.department, excluded.level, excluded.region_code, "
                      "excluded.published, excluded.deadline, excluded.status, excluded.source, "
                      "excluded.updated_at) RETURNING id",
    [PC_GET_POLICY] = "SELECT id, " POLICY_COLS " FROM policy WHERE id = ?1",
    [PC_LIST_POLICIES] = "SELECT id, " POLICY_COLS " FROM policy WHERE CAST(?1 AS INTEGER) < 0 "
                         "OR status = CAST(?1 AS INTEGER) ORDER BY id",
    [PC_SET_POLICY_STATUS] = "UPDATE policy SET status = ?2, updated_at = ?3 WHERE id = ?1",
    [PC_INSERT_CLAUSE] =
        "INSERT INTO clause (" CLAUSE_COLS ", updated_at) VALUES (?1, ?2, ?3, ?4, "
        "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT (policy_id, seq, "
        "version) DO UPDATE SET (title, text, rule, kind, is_exempt, valid_from, "
        "valid_to, deadline, status, award_cap, updated_at) = (excluded.title, "
        "excluded.text, excluded.rule, excluded.kind, excluded.is_exempt, "
        "excluded.valid_from, excluded.valid_to, excluded.deadline, "
        "excluded.status, excluded.award_cap, excluded.updated_at) RETURNING id",
    [PC_UPDATE_CLAUSE] = "UPDATE clause SET (" CLAUSE_COLS ", updated_at) = (?1, ?2, ?3, ?4, ?5, "
                         "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) WHERE id = ?15",
    [PC_GET_CLAUSE] = "SELECT id, " CLAUSE_COLS " FROM clause WHERE id = ?1",
    [PC_LIST_CLAUSES] = "SELECT id, " CLAUSE_COLS " FROM clause WHERE (CAST(?1 AS BIGINT) = 0 OR "
                        "policy_id = CAST(?1 AS BIGINT)) AND (CAST(?2 AS INTEGER) < 0 OR status = "
                        "CAST(?2 AS INTEGER)) ORDER BY id",
    [PC_SET_CLAUSE_STATUS] = "UPDATE clause SET status = ?2, updated_at = ?3 WHERE id = ?1",
    [PC_COUNT_CLAUSES] = "SELECT count(*) FROM clause",
};

static struct store_val opt_int(bool has, int64_t v) {
    return has ? store_val_int(v) : store_val_null();
}

static struct store_val date_val(int32_t d) {
    return opt_int(d != STORE_NO_DATE, d);
}

void store_policy_vals(const struct policy *p, int64_t now, struct store_val v[STORE_POLICY_VALS]) {
    bool has_region = p->region >= 0 && p->region < region_count();
    v[0] = store_val_text(p->code);
    v[1] = store_val_text(p->doc_no);
    v[2] = store_val_text(p->title);
    v[3] = store_val_text(p->department);
    v[4] = store_val_text(p->level);
    v[5] = opt_int(has_region, has_region ? region_at(p->region)->code : 0);
    v[6] = date_val(p->published);
    v[7] = date_val(p->deadline);
    v[8] = store_val_int(p->status);
    v[9] = store_val_text(p->source);
    v[10] = store_val_int(now);
}

void store_clause_vals(const struct clause *c, int64_t now, struct store_val v[STORE_CLAUSE_VALS]) {
    v[0] = store_val_int(c->policy_id);
    v[1] = store_val_int(c->seq);
    v[2] = store_val_int(c->version);
    v[3] = store_val_text(c->title);
    v[4] = store_val_text(c->text);
    v[5] = store_val_text(c->rule);
    v[6] = store_val_text(c->kind);
    v[7] = store_val_int(c->is_exempt);
    v[8] = date_val(c->valid_from);
    v[9] = date_val(c->valid_to);
    v[10] = date_val(c->deadline);
    v[11] = store_val_int(c->status);
    v[12] = opt_int(c->award_cap_fen >= 0, c->award_cap_fen);
    v[13] = store_val_int(now);
}

static const char *text_copy(const struct store_cols *c, int col, struct arena *a) {
    const char *t = c->text(c, col);
    return t ? arena_strdup(a, t) : NULL;
}

static int32_t date_at(const struct store_cols *c, int col) {
    return c->is_null(c, col) ? STORE_NO_DATE : (int32_t)c->int_at(c, col);
}

void store_read_policy(const struct store_cols *c, struct policy *p, struct arena *a) {
    p->id = c->int_at(c, 0);
    p->code = text_copy(c, 1, a);
    p->doc_no = text_copy(c, 2, a);
    p->title = text_copy(c, 3, a);
    p->department = text_copy(c, 4, a);
    p->level = text_copy(c, 5, a);
    p->region = c->is_null(c, 6) ? -1 : region_by_code(c->int_at(c, 6));
    p->published = date_at(c, 7);
    p->deadline = date_at(c, 8);
    p->status = (int)c->int_at(c, 9);
    p->source = text_copy(c, 10, a);
}

void store_read_clause(const struct store_cols *c, struct clause *cl, struct arena *a) {
    cl->id = c->int_at(c, 0);
    cl->policy_id = c->int_at(c, 1);
    cl->seq = (int)c->int_at(c, 2);
    cl->version = (int)c->int_at(c, 3);
    cl->title = text_copy(c, 4, a);
    cl->text = text_copy(c, 5, a);
    cl->rule = text_copy(c, 6, a);
    cl->kind = text_copy(c, 7, a);
    cl->is_exempt = c->int_at(c, 8) != 0;
    cl->valid_from = date_at(c, 9);
    cl->valid_to = date_at(c, 10);
    cl->deadline = date_at(c, 11);
    cl->status = (int)c->int_at(c, 12);
    cl->award_cap_fen = c->is_null(c, 13) ? -1 : c->int_at(c, 13);
}

/* Upper-cases q into out when it reads as the start of a USCC (a digit, then only USCC
 * characters): such a query is answered from the uscc index alone. */
static bool uscc_prefix(const char *q, char *out, size_t cap) {
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    size_t n = strlen(q);
    if (n == 0 || n >= cap || n > 18 || q[0] < '0' || q[0] > '9') return false;
    for (size_t i = 0; i < n; i++) {
        char c = q[i] >= 'a' && q[i] <= 'z' ? (char)(q[i] - 32) : q[i];
        if (!strchr(alphabet, c)) return false;
        out[i] = c;
    }
    out[n] = 0;
    return true;
}

bool store_q_patterns(const char *q, char lo[256], char hi[256]) {
    if (uscc_prefix(q, lo, 256)) {
        snprintf(hi, 256, "%s", lo);
        hi[strlen(hi) - 1]++; /* every code starting with lo sorts in [lo, hi) */
        return true;
    }
    char esc[120];
    size_t k = 0;
    for (const char *c = q; *c && k + 2 < sizeof esc; c++) {
        if (*c == '%' || *c == '_' || *c == '\\') esc[k++] = '\\';
        esc[k++] = *c;
    }
    esc[k] = 0;
    snprintf(lo, 256, "%%%s%%", esc);
    snprintf(hi, 256, "%s%%", esc);
    return false;
}

int store_region_cached(struct store_region_cache *c, int64_t code) {
    size_t i = (size_t)((uint64_t)code % STORE_REGION_CACHE);
    if (c->slot[i].code != code) {
        c->slot[i].code = code;
        c->slot[i].idx = region_by_code(code);
    }
    return c->slot[i].idx;
}
