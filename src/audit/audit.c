/* The audit log's table, appends (inside the caller's transaction), the chain walk of
 * `duijie audit verify` and the listing for the API. Owns the hash format documented in audit.h
 * and docs/WORKFLOW.md; does not decide what is audited (the modules that change state do). */
#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "store/store.h"
#include "util/buf.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

const char *const store_module_audit[] = {
    "CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor_id BIGINT NOT NULL, "
    "actor_role TEXT NOT NULL, action TEXT NOT NULL, object_type TEXT NOT NULL, "
    "object_id BIGINT NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL, "
    "prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE INDEX audit_log_object ON audit_log (object_type, object_id, seq);"
    "CREATE TABLE audit_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);"
    "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" ZERO_HASH "')",
    NULL};

struct entry {
    int64_t seq, at, actor_id, object_id;
    const char *actor_role, *action, *object_type, *before, *after, *prev_hash, *hash;
};

static void put_field(struct hash_sha256 *h, const char *s) {
    char len[24];
    int n = snprintf(len, sizeof len, "%zu:", strlen(s));
    hash_sha256_update(h, len, (size_t)n);
    hash_sha256_update(h, s, strlen(s));
}

static void put_int(struct hash_sha256 *h, int64_t v) {
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)v);
    put_field(h, s);
}

static void entry_hash(const struct entry *e, char out[HASH_SHA256_HEX + 1]) {
    struct hash_sha256 h;
    hash_sha256_init(&h);
    put_field(&h, e->prev_hash);
    put_int(&h, e->seq);
    put_int(&h, e->at);
    put_int(&h, e->actor_id);
    put_field(&h, e->actor_role);
    put_field(&h, e->action);
    put_field(&h, e->object_type);
    put_int(&h, e->object_id);
    put_field(&h, e->before);
    put_field(&h, e->after);
    hash_sha256_final(&h, out);
}

static char *canonical(const json_t *v) {
    if (!v) return strdup("null");
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

int audit_append(struct store *s, const struct actor *who, const char *action,
                 const char *object_type, int64_t object_id, const json_t *before,
                 const json_t *after, int64_t *seq, struct error *err) {
    struct store_rows *r = NULL;
    /* the head's row lock orders appenders until the caller's transaction ends */
    int rc = store_sql(s, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
                       NULL, 0, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return error_set(err, ERR_DB, "审计日志头缺失", "the audit log's head row is missing");
    }
    char prev[HASH_SHA256_HEX + 1], hash[HASH_SHA256_HEX + 1];
    snprintf(prev, sizeof prev, "%s", store_rows_text(r, 0, 1));
    struct entry e = {
        .seq = store_rows_int(r, 0, 0),
        .at = (int64_t)time(NULL),
        .actor_id = who ? who->user_id : 0,
        .object_id = object_id,
        .actor_role = who ? role_key(who->role) : "system",
        .action = action,
        .object_type = object_type,
        .prev_hash = prev,
    };
    store_rows_free(r);
    char *b = canonical(before), *a = canonical(after);
    if (!b || !a) {
        free(b), free(a);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    e.before = b, e.after = a;
    if (!e.actor_role) e.actor_role = "unknown";
    entry_hash(&e, hash);
    struct store_val args[] = {
        store_val_int(e.seq),         store_val_int(e.at),    store_val_int(e.actor_id),
        store_val_text(e.actor_role), store_val_text(action), store_val_text(object_type),
        store_val_int(object_id),     store_val_text(b),      store_val_text(a),
        store_val_text(prev),         store_val_text(hash),
    };
    rc = store_sql(s,
                   "INSERT INTO audit_log (seq, at, actor_id, actor_role, action, object_type, "
                   "object_id, before_json, after_json, prev_hash, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   args, 11, NULL, err);
    free(b), free(a);
    if (rc) return rc;
    struct store_val hv[] = {store_val_text(hash)};
    rc = store_sql(s, "UPDATE audit_head SET hash = ? WHERE id = 1", hv, 1, NULL, err);
    if (rc) return rc;
    if (seq) *seq = e.seq;
    return 0;
}

const char *audit_problem_name(enum audit_problem p) {
    switch (p) {
    case AUDIT_OK:
        return "ok";
    case AUDIT_EDITED:
        return "edited";
    case AUDIT_REMOVED:
        return "removed";
    case AUDIT_REORDERED:
        return "reordered";
    }
    return "?";
}

static void found(struct audit_report *rep, enum audit_problem p, int64_t seq) {
    rep->problem = p;
    rep->bad_seq = seq;
    static const char *const zh[] = {"", "第 %lld 条记录被修改", "第 %lld 条记录被删除",
                                     "第 %lld 条记录的顺序被改变"};
    static const char *const en[] = {"", "entry %lld was edited", "entry %lld was removed",
                                     "entry %lld is out of order (moved or swapped)"};
    snprintf(rep->zh, sizeof rep->zh, zh[p], (long long)seq);
    snprintf(rep->en, sizeof rep->en, en[p], (long long)seq);
}

#define VERIFY_PAGE 1000

/* Checks one page of entries after *last_seq; returns the rows read, or a negative code. */
static int verify_page(struct store *s, int64_t *last_seq, char prev[HASH_SHA256_HEX + 1],
                       struct audit_report *rep, struct error *err) {
    struct store_val args[] = {store_val_int(*last_seq)};
    struct store_rows *r = NULL;
    int rc = store_sql(s,
                       "SELECT seq, at, actor_id, actor_role, action, object_type, object_id, "
                       "before_json, after_json, prev_hash, hash FROM audit_log WHERE seq > ? "
                       "ORDER BY seq LIMIT 1000",
                       args, 1, &r, err);
    if (rc) return rc;
    int n = store_rows_count(r);
    for (int i = 0; i < n && rep->problem == AUDIT_OK; i++) {
        struct entry e = {
            store_rows_int(r, i, 0),  store_rows_int(r, i, 1),  store_rows_int(r, i, 2),
            store_rows_int(r, i, 6),  store_rows_text(r, i, 3), store_rows_text(r, i, 4),
            store_rows_text(r, i, 5), store_rows_text(r, i, 7), store_rows_text(r, i, 8),
            store_rows_text(r, i, 9), store_rows_text(r, i, 10)};
        char h[HASH_SHA256_HEX + 1];
        entry_hash(&e, h);
        bool is_linked = strcmp(e.prev_hash, prev) == 0, is_intact = strcmp(h, e.hash) == 0;
        if (e.seq != *last_seq + 1)
            found(rep, AUDIT_REMOVED, *last_seq + 1);
        else if (!is_linked)
            found(rep, AUDIT_REORDERED, e.seq);
        else if (!is_intact)
            found(rep, AUDIT_EDITED, e.seq);
        rep->n_entries++;
        *last_seq = e.seq;
        snprintf(prev, HASH_SHA256_HEX + 1, "%s", e.hash);
    }
    store_rows_free(r);
    return n;
}

int audit_verify(struct store *s, struct audit_report *rep, struct error *err) {
    memset(rep, 0, sizeof *rep);
    struct store_rows *r = NULL;
    int rc = store_sql(s, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, 0, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) == 1) {
        rep->head_seq = store_rows_int(r, 0, 0);
        snprintf(rep->head_hash, sizeof rep->head_hash, "%s", store_rows_text(r, 0, 1));
    }
    store_rows_free(r);
    int64_t last = 0;
    char prev[HASH_SHA256_HEX + 1] = ZERO_HASH;
    for (;;) {
        int n = verify_page(s, &last, prev, rep, err);
        if (n < 0) return n;
        if (n < VERIFY_PAGE || rep->problem != AUDIT_OK) break;
    }
    if (rep->problem != AUDIT_OK) return 0;
    /* the head names the last entry: fewer entries means the last ones were removed */
    if (rep->head_seq > last)
        found(rep, AUDIT_REMOVED, last + 1);
    else if (rep->head_seq < last)
        found(rep, AUDIT_EDITED, rep->head_seq + 1);
    else if (strcmp(rep->head_hash, prev) != 0)
        found(rep, AUDIT_EDITED, last);
    else {
        snprintf(rep->zh, sizeof rep->zh, "审计链完整: %lld 条", (long long)rep->n_entries);
        snprintf(rep->en, sizeof rep->en, "audit chain intact: %lld entries",
                 (long long)rep->n_entries);
    }
    return 0;
}

static json_t *parsed(const char *text) {
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    return v ? v : json_string(text);
}

int audit_list(struct store *s, const char *object_type, int64_t object_id, int64_t offset,
               int limit, json_t **out, int64_t *total, struct error *err) {
    *out = NULL;
    struct store_val args[4];
    int n = 0;
    struct buf where, q;
    buf_init(&where);
    buf_init(&q);
    buf_puts(&where, " FROM audit_log WHERE 1 = 1");
    if (object_type) {
        buf_puts(&where, " AND object_type = ?");
        args[n++] = store_val_text(object_type);
    }
    if (object_id) {
        buf_puts(&where, " AND object_id = ?");
        args[n++] = store_val_int(object_id);
    }
    buf_printf(&q, "SELECT COUNT(*)%s", buf_str(&where));
    int rc = store_sql_int(s, buf_str(&q), args, n, 0, total, err);
    buf_clear(&q);
    buf_printf(&q,
               "SELECT seq, at, actor_id, actor_role, action, object_type, object_id, "
               "before_json, after_json, prev_hash, hash%s ORDER BY seq DESC LIMIT ? OFFSET ?",
               buf_str(&where));
    args[n++] = store_val_int(limit);
    args[n++] = store_val_int(offset);
    struct store_rows *r = NULL;
    if (!rc) rc = store_sql(s, buf_str(&q), args, n, &r, err);
    buf_release(&q);
    buf_release(&where);
    if (rc) return rc;
    json_t *a = json_array();
    for (int i = 0; i < store_rows_count(r); i++)
        json_array_append_new(
            a,
            json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:o,s:o,s:s,s:s}", "seq",
                      (json_int_t)store_rows_int(r, i, 0), "at",
                      (json_int_t)store_rows_int(r, i, 1), "actor_id",
                      (json_int_t)store_rows_int(r, i, 2), "actor_role", store_rows_text(r, i, 3),
                      "action", store_rows_text(r, i, 4), "object_type", store_rows_text(r, i, 5),
                      "object_id", (json_int_t)store_rows_int(r, i, 6), "before",
                      parsed(store_rows_text(r, i, 7)), "after", parsed(store_rows_text(r, i, 8)),
                      "prev_hash", store_rows_text(r, i, 9), "hash", store_rows_text(r, i, 10)));
    store_rows_free(r);
    *out = a;
    return 0;
}
