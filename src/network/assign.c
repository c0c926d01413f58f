/* Owns the assignment of enterprises to commissioners: computed on read from the enterprise's
 * town and the town's commissioners (rendezvous hashing of the USCC, so no row per enterprise is
 * stored and 2,000,000 enterprises cost nothing to "assign"), manual reassignments stored as
 * overrides with their history, and the link to the workflow module's applications. Does not own
 * the units (units.c) or the queue (queue.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network/check.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/utf8.h"

/* splitmix64's finaliser: a well-mixed 64-bit score from the USCC's hash and a unit id. */
static uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

int64_t network_assigned_auto(const struct network *n, const char *uscc, int region) {
    if (region < 0 || region >= region_count() || region_at(region)->level < REGION_COUNTY)
        return 0;
    int first = n->town_first[region], last = n->town_first[region + 1];
    if (first == last) return 0;
    /* the FNV-style hash of strmap, so the same USCC scores the same on every machine */
    uint64_t h = strmap_hash(uscc, strlen(uscc));
    uint64_t best = 0;
    int64_t best_id = 0;
    for (int k = first; k < last; k++) {
        int64_t id = n->units[n->town_units[k]].id;
        uint64_t score = mix(h ^ ((uint64_t)id * 0x9e3779b97f4a7c15ULL));
        if (!best_id || score > best || (score == best && id < best_id)) {
            best = score;
            best_id = id;
        }
    }
    return best_id;
}

int64_t network_assigned(const struct network *n, const char *uscc, int region) {
    int64_t id;
    if (n->n_overrides && strmap_get(&n->overrides, uscc, strlen(uscc), &id)) return id;
    return network_assigned_auto(n, uscc, region);
}

int network_reassign(struct store *s, const struct network *n, const char *uscc, int region,
                     int64_t to_id, const char *by, const char *reason, int64_t at,
                     struct error *err) {
    error_clear(err);
    char code[20];
    int rc = network_check_uscc(uscc, code, err);
    if (rc) return rc;
    if (!reason || !*reason || !utf8_is_valid(reason, strlen(reason), NULL) ||
        strlen(reason) > 1000) {
        error_set(err, ERR_INVALID, "请写明改派原因（有效文本，最多 1000 字节）",
                  "a reason is required (valid text, at most 1000 bytes)");
        return error_field(err, "reason");
    }
    if (!by || !*by || !utf8_is_valid(by, strlen(by), NULL)) {
        error_set(err, ERR_INVALID, "缺少操作人", "who reassigns is missing");
        return error_field(err, "by");
    }
    const struct network_unit *to = to_id ? network_unit(n, to_id) : NULL;
    if (to_id && (!to || to->kind != NETWORK_COMMISSIONER || !to->is_active)) {
        error_set(err, ERR_INVALID, "%lld 不是在岗的政策服务专员",
                  "%lld is not an active commissioner", (long long)to_id);
        return error_field(err, "to");
    }
    int64_t from_id = network_assigned(n, code, region);
    if (from_id == to_id || (!to_id && from_id == network_assigned_auto(n, code, region)))
        return error_set(err, ERR_CONFLICT, "该企业已由这位专员负责",
                         "the enterprise is already assigned so");
    if ((rc = store_begin(s, err))) return rc;
    struct store_val key = store_val_text(code);
    if (to_id) {
        struct store_val args[] = {key, store_val_int(to_id), store_val_int(at)};
        rc = store_sql(s,
                       "INSERT INTO network_overrides (uscc, commissioner_id, since) VALUES (?, ?, "
                       "?) ON CONFLICT (uscc) DO UPDATE SET commissioner_id = "
                       "excluded.commissioner_id, since = excluded.since",
                       args, 3, NULL, err);
    } else {
        rc = store_sql(s, "DELETE FROM network_overrides WHERE uscc = ?", &key, 1, NULL, err);
    }
    if (!rc) {
        struct store_val args[] = {key,
                                   store_val_int(from_id),
                                   store_val_int(to_id),
                                   store_val_text(by),
                                   store_val_int(at),
                                   store_val_text(reason)};
        rc = store_sql(s,
                       "INSERT INTO network_reassignments (uscc, from_id, to_id, by_user, at, "
                       "reason) VALUES (?, ?, ?, ?, ?, ?)",
                       args, 6, NULL, err);
    }
    if (rc) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}

int network_history(struct store *s, const char *uscc, struct arena *a,
                    struct network_reassignment **out, int *n_out, struct error *err) {
    *out = NULL;
    *n_out = 0;
    char code[20];
    int rc = network_check_uscc(uscc, code, err);
    if (rc) return rc;
    struct store_val key = store_val_text(code);
    struct store_rows *r;
    rc = store_sql(s,
                   "SELECT id, uscc, from_id, to_id, by_user, at, reason FROM "
                   "network_reassignments WHERE uscc = ? ORDER BY id",
                   &key, 1, &r, err);
    if (rc) return rc;
    int n = store_rows_count(r);
    struct network_reassignment *h = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *h);
    for (int i = 0; h && i < n; i++) {
        h[i].id = store_rows_int(r, i, 0);
        snprintf(h[i].uscc, sizeof h[i].uscc, "%s", store_rows_text(r, i, 1));
        h[i].from_id = store_rows_int(r, i, 2);
        h[i].to_id = store_rows_int(r, i, 3);
        h[i].by = arena_strdup(a, store_rows_text(r, i, 4));
        h[i].at = store_rows_int(r, i, 5);
        h[i].reason = arena_strdup(a, store_rows_text(r, i, 6));
    }
    store_rows_free(r);
    if (!h) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    *out = h;
    *n_out = n;
    return 0;
}

/* ---- applications (the workflow module's) ---- */

/* The (USCC, clause) pairs applied for, as "USCC:clause" keys. */
struct applied_set {
    struct strmap pairs;
};

static bool applied_in_set(void *ctx, const char *uscc, int64_t clause_id) {
    const struct applied_set *a = ctx;
    char key[48];
    int len = snprintf(key, sizeof key, "%s:%lld", uscc, (long long)clause_id);
    int64_t v;
    return len > 0 && strmap_get(&a->pairs, key, (size_t)len, &v);
}

int network_applied_from_store(struct store *s, struct network_applied *out, struct error *err) {
    *out = (struct network_applied){0};
    struct store_val name = store_val_text("workflow");
    int64_t v = 0;
    int rc =
        store_sql_int(s, "SELECT version FROM module_version WHERE name = ?", &name, 1, 0, &v, err);
    if (rc && rc != ERR_NOTFOUND) return rc;
    error_clear(err);
    if (!v) {
        out->note = "申请模块（workflow）尚未安装：未排除已申请的条款 / the applications module "
                    "(workflow) is not installed: clauses already applied for are not left out";
        return 0;
    }
    /* every application not rejected counts as applied (a rejected one may be made again) */
    struct store_rows *r;
    if ((rc = store_sql(s,
                        "SELECT uscc, clause_id FROM application WHERE state <> 'rejected' "
                        "UNION SELECT uscc, clause_id FROM payment",
                        NULL, 0, &r, err)))
        return rc;
    struct applied_set *a = calloc(1, sizeof *a);
    if (!a) {
        store_rows_free(r);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    strmap_init(&a->pairs);
    for (int i = 0; i < store_rows_count(r); i++) {
        char key[48];
        int len = snprintf(key, sizeof key, "%s:%lld", store_rows_text(r, i, 0),
                           (long long)store_rows_int(r, i, 1));
        if (len > 0 && len < (int)sizeof key) strmap_put(&a->pairs, key, (size_t)len, 1);
    }
    store_rows_free(r);
    out->fn = applied_in_set;
    out->ctx = a;
    return 0;
}

void network_applied_release(struct network_applied *a) {
    if (a->fn == applied_in_set && a->ctx) {
        struct applied_set *set = a->ctx;
        strmap_release(&set->pairs);
        free(set);
    }
    *a = (struct network_applied){0};
}
