/* Owns the network's tables (module "network" of store_sql), the units (hub → centres → stations
 * → commissioners) with their towns, loading the network into memory, and who may see what (the
 * scope of the network roles). Assignment, queue, visits and the service package are the other
 * files'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network/check.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "store/store.h"

const char *const store_module_network[] = {
    "CREATE TABLE network_units ("
    " id {ID}, kind BIGINT NOT NULL, parent_id BIGINT, name TEXT NOT NULL, contact TEXT,"
    " phone TEXT, address TEXT, user_ref TEXT, region BIGINT, is_active BIGINT NOT NULL);"
    "CREATE INDEX network_units_parent ON network_units (parent_id);"
    "CREATE UNIQUE INDEX network_units_user ON network_units (user_ref);"
    "CREATE TABLE network_unit_towns (unit_id BIGINT NOT NULL, town BIGINT NOT NULL,"
    " PRIMARY KEY (unit_id, town));"
    "CREATE INDEX network_unit_towns_town ON network_unit_towns (town);"
    "CREATE TABLE network_overrides (uscc TEXT PRIMARY KEY, commissioner_id BIGINT NOT NULL,"
    " since BIGINT NOT NULL);"
    "CREATE TABLE network_reassignments (id {ID}, uscc TEXT NOT NULL, from_id BIGINT NOT NULL,"
    " to_id BIGINT NOT NULL, by_user TEXT NOT NULL, at BIGINT NOT NULL, reason TEXT NOT NULL);"
    "CREATE INDEX network_reassignments_uscc ON network_reassignments (uscc, id);"
    "CREATE TABLE network_visits (id {ID}, uscc TEXT NOT NULL, commissioner_id BIGINT NOT NULL,"
    " visit_date BIGINT NOT NULL, topic TEXT NOT NULL, outcome TEXT, next_step TEXT,"
    " next_date BIGINT, is_done BIGINT NOT NULL, by_user TEXT, at BIGINT NOT NULL);"
    "CREATE INDEX network_visits_uscc ON network_visits (uscc, visit_date);"
    "CREATE INDEX network_visits_commissioner ON network_visits (commissioner_id, visit_date);"
    "CREATE TABLE network_contacts (department TEXT PRIMARY KEY, contact TEXT NOT NULL);",
    NULL,
};

static const struct {
    const char *key, *label;
} kinds[NETWORK_KIND_COUNT] = {
    [NETWORK_HUB] = {"hub", "市级枢纽"},
    [NETWORK_CENTRE] = {"centre", "区（市）服务中心"},
    [NETWORK_STATION] = {"station", "服务站"},
    [NETWORK_COMMISSIONER] = {"commissioner", "政策服务专员"},
};

const char *network_kind_key(enum network_kind k) {
    return k >= 0 && k < NETWORK_KIND_COUNT ? kinds[k].key : NULL;
}

const char *network_kind_label(enum network_kind k) {
    return k >= 0 && k < NETWORK_KIND_COUNT ? kinds[k].label : NULL;
}

int network_kind_from_key(const char *key) {
    for (int k = 0; key && k < NETWORK_KIND_COUNT; k++)
        if (strcmp(kinds[k].key, key) == 0) return k;
    return -1;
}

/* ---- writing a unit ---- */

static int qingdao(void) {
    return region_by_code(370200);
}

/* The parent's kind and towns (refdata indexes) and region. */
static int read_parent(struct store *s, int64_t id, int *kind, int *region, int *towns,
                       int *n_towns, struct error *err) {
    struct store_val arg = store_val_int(id);
    struct store_rows *r;
    int rc = store_sql(s, "SELECT kind, region FROM network_units WHERE id = ?", &arg, 1, &r, err);
    if (rc) return rc;
    if (store_rows_count(r) == 0) {
        store_rows_free(r);
        error_set(err, ERR_INVALID, "上级单位 %lld 不存在", "the parent unit %lld does not exist",
                  (long long)id);
        return error_field(err, "parent_id");
    }
    *kind = (int)store_rows_int(r, 0, 0);
    *region = store_rows_is_null(r, 0, 1) ? -1 : region_by_code(store_rows_int(r, 0, 1));
    store_rows_free(r);
    rc = store_sql(s, "SELECT town FROM network_unit_towns WHERE unit_id = ? ORDER BY town", &arg,
                   1, &r, err);
    if (rc) return rc;
    *n_towns = 0;
    for (int i = 0; i < store_rows_count(r) && *n_towns < NETWORK_MAX_TOWNS; i++)
        towns[(*n_towns)++] = region_by_code(store_rows_int(r, i, 0));
    store_rows_free(r);
    return 0;
}

static int bad(struct error *err, const char *field, const char *zh, const char *en) {
    error_set_text(err, ERR_INVALID, zh, en);
    return error_field(err, field);
}

static bool has_town(const int *towns, int n, int t) {
    for (int i = 0; i < n; i++)
        if (towns[i] == t) return true;
    return false;
}

/* Checks u against its parent and fills u->region. */
static int check_unit(struct store *s, struct network_unit *u, struct error *err) {
    if (u->kind < 0 || u->kind >= NETWORK_KIND_COUNT)
        return bad(err, "kind", "单位类型应为 hub、centre、station 或 commissioner",
                   "kind must be hub, centre, station or commissioner");
    int rc = network_check_text(u->name, "name", true, 200, err);
    if (!rc) rc = network_check_text(u->contact, "contact", false, 200, err);
    if (!rc) rc = network_check_text(u->phone, "phone", false, 64, err);
    if (!rc) rc = network_check_text(u->address, "address", false, 400, err);
    if (!rc) rc = network_check_text(u->user_ref, "user", false, 63, err);
    if (rc) return rc;
    if (u->n_towns < 0 || u->n_towns > NETWORK_MAX_TOWNS)
        return bad(err, "towns", "镇街过多", "too many towns");
    for (int i = 0; i < u->n_towns; i++)
        if (u->towns[i] < 0 || u->towns[i] >= region_count() ||
            region_at(u->towns[i])->level != REGION_TOWN ||
            !region_is_within(u->towns[i], qingdao()))
            return bad(err, "towns", "镇街应为青岛市的街道或镇", "towns must be Qingdao towns");
    if (u->kind == NETWORK_HUB) {
        if (u->parent_id) return bad(err, "parent_id", "市级枢纽没有上级", "the hub has no parent");
        struct store_val arg = store_val_int(u->id);
        int64_t n;
        if ((rc = store_sql_int(s, "SELECT COUNT(*) FROM network_units WHERE kind = 0 AND id <> ?",
                                &arg, 1, 0, &n, err)))
            return rc;
        if (n) return bad(err, "kind", "市级枢纽只能有一个", "there is one hub only");
        u->region = qingdao();
        u->n_towns = 0;
        return 0;
    }
    int pkind = -1, pregion = -1, ptowns[NETWORK_MAX_TOWNS], n_ptowns = 0;
    if ((rc = read_parent(s, u->parent_id, &pkind, &pregion, ptowns, &n_ptowns, err))) return rc;
    if (pkind != u->kind - 1)
        return bad(err, "parent_id", "上级单位的类型不对（枢纽→中心→服务站→专员）",
                   "the parent is of the wrong kind (hub → centre → station → commissioner)");
    if (u->kind == NETWORK_CENTRE) {
        if (u->region < 0 || u->region >= region_count() ||
            region_at(u->region)->level != REGION_COUNTY ||
            region_at(u->region)->parent != qingdao())
            return bad(err, "region", "服务中心的区域应为青岛市的一个区（市）",
                       "a centre's region must be a district of Qingdao");
        u->n_towns = 0;
        return 0;
    }
    if (u->n_towns == 0)
        return bad(err, "towns", "应至少有一个镇街", "at least one town is needed");
    for (int i = 0; i < u->n_towns; i++) {
        bool is_ok = u->kind == NETWORK_STATION ? region_is_within(u->towns[i], pregion)
                                                : has_town(ptowns, n_ptowns, u->towns[i]);
        if (!is_ok)
            return bad(err, "towns",
                       u->kind == NETWORK_STATION ? "服务站的镇街应在其服务中心的区（市）内"
                                                  : "专员的镇街应属于其服务站",
                       u->kind == NETWORK_STATION ? "a station's towns must lie in its centre's "
                                                    "district"
                                                  : "a commissioner's towns must be its station's");
    }
    u->region = region_ancestor(u->towns[0], REGION_COUNTY);
    return 0;
}

static int write_unit(struct store *s, struct network_unit *u, struct error *err) {
    struct store_val args[] = {
        store_val_int(u->kind),
        u->parent_id ? store_val_int(u->parent_id) : store_val_null(),
        store_val_text(u->name),
        store_val_text(u->contact && *u->contact ? u->contact : NULL),
        store_val_text(u->phone && *u->phone ? u->phone : NULL),
        store_val_text(u->address && *u->address ? u->address : NULL),
        store_val_text(u->user_ref && *u->user_ref ? u->user_ref : NULL),
        u->region >= 0 ? store_val_int(region_at(u->region)->code) : store_val_null(),
        store_val_int(u->is_active),
        store_val_int(u->id),
    };
    int rc;
    if (u->id) {
        rc = store_sql(s,
                       "UPDATE network_units SET kind = ?, parent_id = ?, name = ?, contact = ?, "
                       "phone = ?, address = ?, user_ref = ?, region = ?, is_active = ? "
                       "WHERE id = ?",
                       args, 10, NULL, err);
        if (!rc && store_sql_changes(s) == 0)
            rc = error_set(err, ERR_NOTFOUND, "单位 %lld 不存在", "no unit %lld", (long long)u->id);
    } else {
        rc = store_sql_int(s,
                           "INSERT INTO network_units (kind, parent_id, name, contact, phone, "
                           "address, user_ref, region, is_active) VALUES (?, ?, ?, ?, ?, ?, ?, "
                           "?, ?) RETURNING id",
                           args, 9, 0, &u->id, err);
    }
    if (rc == ERR_CONFLICT)
        return bad(err, "user", "该用户已属于另一个单位", "the user already belongs to a unit");
    if (rc) return rc;
    struct store_val id = store_val_int(u->id);
    rc = store_sql(s, "DELETE FROM network_unit_towns WHERE unit_id = ?", &id, 1, NULL, err);
    for (int i = 0; !rc && i < u->n_towns; i++) {
        struct store_val t[] = {id, store_val_int(region_at(u->towns[i])->code)};
        rc = store_sql(s,
                       "INSERT INTO network_unit_towns (unit_id, town) VALUES (?, ?) "
                       "ON CONFLICT DO NOTHING",
                       t, 2, NULL, err);
    }
    return rc;
}

int network_put_unit(struct store *s, struct network_unit *u, struct error *err) {
    int rc = store_begin(s, err);
    bool is_own = rc == 0;
    if (rc && rc != ERR_CONFLICT) return rc;
    error_clear(err);
    int64_t id0 = u->id;
    rc = check_unit(s, u, err);
    if (!rc) rc = write_unit(s, u, err);
    if (!is_own) return rc;
    if (rc) {
        store_rollback(s);
        u->id = id0;
        return rc;
    }
    return store_commit(s, err);
}

/* ---- the network in memory ---- */

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static char *dup_or_null(struct arena *a, const struct store_rows *r, int row, int col) {
    return store_rows_is_null(r, row, col) ? NULL : arena_strdup(a, store_rows_text(r, row, col));
}

static int load_units(struct store *s, struct network *n, struct error *err) {
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT id, kind, parent_id, name, contact, phone, address, user_ref, "
                       "region, is_active FROM network_units ORDER BY id",
                       NULL, 0, &r, err);
    if (rc) return rc;
    n->n_units = store_rows_count(r);
    n->units = calloc((size_t)(n->n_units ? n->n_units : 1), sizeof *n->units);
    if (!n->units) {
        store_rows_free(r);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; i < n->n_units; i++) {
        struct network_unit *u = &n->units[i];
        u->id = store_rows_int(r, i, 0);
        u->kind = (int)store_rows_int(r, i, 1);
        u->parent_id = store_rows_int(r, i, 2);
        u->name = arena_strdup(&n->arena, store_rows_text(r, i, 3));
        u->contact = dup_or_null(&n->arena, r, i, 4);
        u->phone = dup_or_null(&n->arena, r, i, 5);
        u->address = dup_or_null(&n->arena, r, i, 6);
        u->user_ref = dup_or_null(&n->arena, r, i, 7);
        u->region = store_rows_is_null(r, i, 8) ? -1 : region_by_code(store_rows_int(r, i, 8));
        u->is_active = store_rows_int(r, i, 9) != 0;
        if (u->user_ref) strmap_put(&n->by_user, u->user_ref, strlen(u->user_ref), i);
    }
    store_rows_free(r);
    return 0;
}

static int load_towns(struct store *s, struct network *n, struct error *err) {
    struct store_rows *r;
    int rc = store_sql(s, "SELECT unit_id, town FROM network_unit_towns ORDER BY unit_id, town",
                       NULL, 0, &r, err);
    if (rc) return rc;
    int n_regions = region_count();
    n->town_first = calloc((size_t)n_regions + 1, sizeof *n->town_first);
    int rows = store_rows_count(r);
    n->town_units = malloc((size_t)(rows ? 2 * rows : 1) * sizeof *n->town_units);
    int *count = calloc((size_t)n_regions + 1, sizeof *count);
    if (!n->town_first || !n->town_units || !count) {
        free(count);
        store_rows_free(r);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    /* two passes: count commissioners per town, then place them (in id order within a town).
     * A district's list holds every commissioner with a town in it (once), for the enterprises
     * known only to their district. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < rows; i++) {
            const struct network_unit *u = network_unit(n, store_rows_int(r, i, 0));
            int t = region_by_code(store_rows_int(r, i, 1));
            if (!u || t < 0) continue;
            struct network_unit *w = (struct network_unit *)u;
            if (pass == 0 && w->n_towns < NETWORK_MAX_TOWNS) w->towns[w->n_towns++] = t;
            if (u->kind != NETWORK_COMMISSIONER || !u->is_active) continue;
            int d = region_ancestor(t, REGION_COUNTY);
            bool is_first_in_district = true; /* rows are in town order within a unit */
            for (int k = i - 1; k >= 0 && d >= 0 && store_rows_int(r, k, 0) == u->id; k--)
                if (region_ancestor(region_by_code(store_rows_int(r, k, 1)), REGION_COUNTY) == d)
                    is_first_in_district = false;
            int slots[2] = {t, is_first_in_district ? d : -1};
            for (int k = 0; k < 2; k++) {
                if (slots[k] < 0) continue;
                if (pass == 0)
                    count[slots[k]]++;
                else
                    n->town_units[n->town_first[slots[k]] + count[slots[k]]++] =
                        (int)(u - n->units);
            }
        }
        if (pass == 0) {
            for (int t = 0; t < n_regions; t++)
                n->town_first[t + 1] = n->town_first[t] + count[t];
            memset(count, 0, ((size_t)n_regions + 1) * sizeof *count);
        }
    }
    free(count);
    store_rows_free(r);
    for (int i = 0; i < n->n_units; i++)
        qsort(n->units[i].towns, (size_t)n->units[i].n_towns, sizeof(int), cmp_int);
    return 0;
}

static int load_overrides(struct store *s, struct network *n, struct error *err) {
    struct store_rows *r;
    int rc = store_sql(s, "SELECT uscc, commissioner_id FROM network_overrides", NULL, 0, &r, err);
    if (rc) return rc;
    int rows = store_rows_count(r);
    n->override_uscc = malloc((size_t)(rows ? rows : 1) * sizeof *n->override_uscc);
    n->override_to = malloc((size_t)(rows ? rows : 1) * sizeof *n->override_to);
    if (!n->override_uscc || !n->override_to) {
        store_rows_free(r);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; i < rows; i++) {
        const char *u = store_rows_text(r, i, 0);
        snprintf(n->override_uscc[i], sizeof n->override_uscc[i], "%s", u);
        n->override_to[i] = store_rows_int(r, i, 1);
        n->n_overrides = i + 1;
        if (!strmap_put(&n->overrides, u, strlen(u), n->override_to[i])) {
            store_rows_free(r);
            return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        }
    }
    store_rows_free(r);
    return 0;
}

int network_load(struct store *s, struct network **out, struct error *err) {
    *out = NULL;
    struct network *n = calloc(1, sizeof *n);
    if (!n) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    arena_init(&n->arena, 1 << 14);
    strmap_init(&n->overrides);
    strmap_init(&n->by_user);
    int rc = refdata_load(err);
    if (!rc) rc = load_units(s, n, err);
    if (!rc) rc = load_towns(s, n, err);
    if (!rc) rc = load_overrides(s, n, err);
    if (rc) {
        network_free(n);
        return rc;
    }
    *out = n;
    return 0;
}

void network_free(struct network *n) {
    if (!n) return;
    arena_release(&n->arena);
    free(n->units);
    free(n->town_first);
    free(n->town_units);
    free(n->override_uscc);
    free(n->override_to);
    strmap_release(&n->overrides);
    strmap_release(&n->by_user);
    free(n);
}

const struct network_unit *network_unit(const struct network *n, int64_t id) {
    int lo = 0, hi = n->n_units - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (n->units[mid].id == id) return &n->units[mid];
        if (n->units[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

const struct network_unit *network_unit_of_user(const struct network *n, const char *user_ref) {
    int64_t i;
    if (!user_ref || !*user_ref || !strmap_get(&n->by_user, user_ref, strlen(user_ref), &i))
        return NULL;
    return &n->units[i];
}

bool network_is_under(const struct network *n, int64_t id, int64_t ancestor) {
    for (int depth = 0; id && depth < NETWORK_KIND_COUNT; depth++) {
        if (id == ancestor) return true;
        const struct network_unit *u = network_unit(n, id);
        if (!u) return false;
        id = u->parent_id;
    }
    return false;
}

/* ---- scope ---- */

static const struct network_unit *hub(const struct network *n) {
    for (int i = 0; i < n->n_units; i++)
        if (n->units[i].kind == NETWORK_HUB) return &n->units[i];
    return NULL;
}

const struct network_unit *network_actor_unit(const struct network *n, const struct actor *a) {
    int want;
    switch (a->role) {
    case ROLE_HUB:
    case ROLE_ADMIN:
        return hub(n);
    case ROLE_CENTRE:
        want = NETWORK_CENTRE;
        break;
    case ROLE_STATION:
        want = NETWORK_STATION;
        break;
    case ROLE_COMMISSIONER:
        want = NETWORK_COMMISSIONER;
        break;
    default:
        return NULL;
    }
    const struct network_unit *u = a->org_id ? network_unit(n, a->org_id) : NULL;
    if (!u) u = network_unit_of_user(n, a->username);
    return u && u->kind == want ? u : NULL;
}

bool network_sees_enterprise(const struct network *n, const struct actor *a, const char *uscc,
                             int region) {
    const struct network_unit *u = network_actor_unit(n, a);
    switch (a->role) {
    case ROLE_HUB:
    case ROLE_ADMIN:
        return true;
    case ROLE_CENTRE:
        if (u) return region >= 0 && region_is_within(region, u->region);
        return a->region >= 0 && auth_sees_enterprise(a, uscc, region);
    case ROLE_STATION:
    case ROLE_COMMISSIONER: {
        if (!u) return false;
        int64_t c = network_assigned(n, uscc, region);
        return c && network_is_under(n, c, u->id);
    }
    default:
        return auth_sees_enterprise(a, uscc, region);
    }
}

bool network_sees_unit(const struct network *n, const struct actor *a, int64_t unit_id) {
    const struct network_unit *u = network_actor_unit(n, a);
    return u && network_is_under(n, unit_id, u->id);
}
