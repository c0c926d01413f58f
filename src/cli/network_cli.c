/* Owns `duijie network` for administrators: the units tree, which commissioner an enterprise is
 * assigned to, reassignment (with who and why) and its history, a commissioner's queue, one
 * enterprise's service package, statistics, and the assignment's balance over every enterprise
 * (with its time). The network itself is src/network's. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "index/index.h"
#include "match/match.h"
#include "network/network.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"

static const char *const usage_text =
    "usage: duijie network units [--depth N]\n"
    "       duijie network assign USCC\n"
    "       duijie network reassign USCC --to COMMISSIONER_ID|0 --by USER --reason TEXT\n"
    "       duijie network history USCC\n"
    "       duijie network queue COMMISSIONER_ID [--page N] [--page-size N]\n"
    "       duijie network pack USCC\n"
    "       duijie network stats [--under UNIT_ID] [--by-centre] [--stake]\n"
    "       duijie network balance\n"
    "  common: [--db PATH] [--date YYYY-MM-DD]; output is JSON\n";

struct ctx {
    struct store *s;
    struct network *n;
    int32_t today;
    struct error err;
};

static int64_t int_option(int argc, char **argv, const char *name, int64_t def, bool *is_bad) {
    const char *v = cli_option(argc, argv, name);
    if (!v) return def;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (*end || end == v) *is_bad = true;
    return x;
}

/* The enterprise's region from the store (for assignment). */
static int enterprise_region(struct ctx *c, const char *uscc, struct profile *p, struct arena *a,
                             int *region) {
    int rc = store_get_enterprise(c->s, uscc, p, a, NULL, &c->err);
    if (rc) return rc;
    *region = p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
    return 0;
}

static int cmd_assign(struct ctx *c, const char *uscc) {
    struct profile *p = malloc(sizeof *p);
    struct arena a;
    arena_init(&a, 4096);
    int region, rc = p ? enterprise_region(c, uscc, p, &a, &region) : ERR_NOMEM;
    if (!rc) {
        const char *code = p->v[F_USCC].s;
        int64_t id = network_assigned(c->n, code, region),
                auto_id = network_assigned_auto(c->n, code, region);
        const struct network_unit *u = network_unit(c->n, id);
        json_t *o = json_object();
        json_object_set_new(o, "uscc", json_string(code));
        json_object_set_new(o, "commissioner", u ? network_unit_json(c->n, u) : json_null());
        json_object_set_new(o, "is_manual", json_boolean(id != auto_id));
        cli_print_json(o);
        json_decref(o);
    }
    arena_release(&a);
    free(p);
    return rc;
}

static int cmd_reassign(struct ctx *c, const char *uscc, int argc, char **argv) {
    bool is_bad = false;
    int64_t to = int_option(argc, argv, "--to", -1, &is_bad);
    const char *by = cli_option(argc, argv, "--by"), *reason = cli_option(argc, argv, "--reason");
    if (is_bad || to < 0)
        return error_set(&c->err, ERR_INVALID, "--to 应为专员编号(0 = 恢复按属地分配)",
                         "--to must be a commissioner id (0 = back to the town's)");
    struct profile *p = malloc(sizeof *p);
    struct arena a;
    arena_init(&a, 4096);
    int region, rc = p ? enterprise_region(c, uscc, p, &a, &region) : ERR_NOMEM;
    if (!rc)
        rc = network_reassign(c->s, c->n, p->v[F_USCC].s, region, to, by, reason,
                              (int64_t)time(NULL), &c->err);
    if (!rc) printf("{\"uscc\":\"%s\",\"to\":%lld}\n", p->v[F_USCC].s, (long long)to);
    arena_release(&a);
    free(p);
    return rc;
}

static int cmd_history(struct ctx *c, const char *uscc) {
    struct arena a;
    arena_init(&a, 4096);
    struct network_reassignment *h;
    int n;
    int rc = network_history(c->s, uscc, &a, &h, &n, &c->err);
    if (!rc) {
        json_t *list = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(list, network_reassignment_json(c->n, &h[i]));
        cli_print_json(list);
        json_decref(list);
    }
    arena_release(&a);
    return rc;
}

/* The index and catalog of the whole store (what the queue and packages need). */
static int load_engine(struct ctx *c, struct index_gen **g, struct match_catalog **cat) {
    int rc = index_load(c->s, c->today, g, &c->err);
    if (!rc && (rc = match_catalog_load(c->s, c->today, cat, &c->err))) index_gen_release(*g);
    return rc;
}

static int cmd_queue(struct ctx *c, const char *id_text, int argc, char **argv) {
    bool is_bad = false;
    int64_t page = int_option(argc, argv, "--page", 1, &is_bad);
    int64_t size = int_option(argc, argv, "--page-size", 20, &is_bad);
    char *end;
    int64_t id = strtoll(id_text, &end, 10);
    if (is_bad || *end || page < 1 || page > 1000000 || size < 1 || size > 1000)
        return error_set(&c->err, ERR_INVALID, "专员编号、--page 或 --page-size 无效",
                         "bad commissioner id, --page or --page-size");
    struct index_gen *g;
    struct match_catalog *cat;
    int rc = load_engine(c, &g, &cat);
    if (rc) return rc;
    struct network_applied ap;
    struct network_queue q;
    struct arena a;
    arena_init(&a, 1 << 14);
    rc = network_applied_from_store(c->s, &ap, &c->err);
    if (!rc) rc = network_queue(c->n, g, cat, id, &ap, (int)page, (int)size, &q, &c->err);
    if (!rc) {
        json_t *o = network_queue_json(c->s, c->n, network_unit(c->n, id), &q, (int)page, (int)size,
                                       c->today, ap.note, &a);
        cli_print_json(o);
        json_decref(o);
        network_queue_release(&q);
    }
    network_applied_release(&ap);
    arena_release(&a);
    match_catalog_free(cat);
    index_gen_release(g);
    return rc;
}

static int cmd_pack(struct ctx *c, const char *uscc) {
    struct index_gen *g;
    struct match_catalog *cat;
    int rc = load_engine(c, &g, &cat);
    if (rc) return rc;
    index_gen_release(g); /* the package needs the catalog only */
    struct profile *p = malloc(sizeof *p);
    struct network_pack_item *items = malloc((size_t)(cat->n_in ? cat->n_in : 1) * sizeof *items);
    struct arena a;
    arena_init(&a, 1 << 14);
    struct network_applied ap = {0};
    int region, n_items;
    rc = p && items ? enterprise_region(c, uscc, p, &a, &region) : ERR_NOMEM;
    if (!rc) rc = network_applied_from_store(c->s, &ap, &c->err);
    if (!rc) {
        profile_derive(p, c->today, NULL);
        rc = network_pack(cat, p, c->today, &ap, items, &n_items);
    }
    if (!rc) {
        json_t *o = network_pack_json(c->s, cat, p, items, n_items, c->today, &a);
        const struct network_unit *u =
            network_unit(c->n, network_assigned(c->n, p->v[F_USCC].s, region));
        json_object_set_new(o, "commissioner", u ? network_unit_json(c->n, u) : json_null());
        cli_print_json(o);
        json_decref(o);
    }
    network_applied_release(&ap);
    arena_release(&a);
    free(items);
    free(p);
    match_catalog_free(cat);
    return rc;
}

static int cmd_stats(struct ctx *c, int argc, char **argv) {
    bool is_bad = false;
    int64_t under = int_option(argc, argv, "--under", 0, &is_bad);
    bool by_centre = cli_flag(argc, argv, "--by-centre");
    if (is_bad) return error_set(&c->err, ERR_INVALID, "--under 无效", "bad --under");
    struct network_stat *st = malloc((size_t)(c->n->n_units ? c->n->n_units : 1) * sizeof *st);
    int n_st = 0;
    int rc = st ? network_stats(c->s, c->n, under, by_centre, INT32_MIN + 1, c->today, c->today, st,
                                &n_st, &c->err)
                : ERR_NOMEM;
    if (!rc && cli_flag(argc, argv, "--stake")) {
        struct index_gen *g;
        struct match_catalog *cat;
        struct network_applied ap;
        if (!(rc = load_engine(c, &g, &cat))) {
            if (!(rc = network_applied_from_store(c->s, &ap, &c->err)))
                rc = network_stats_stake(c->n, g, cat, &ap, by_centre, st, n_st, &c->err);
            match_catalog_free(cat);
            index_gen_release(g);
        }
    }
    if (!rc) {
        json_t *list = json_array();
        for (int i = 0; i < n_st; i++)
            json_array_append_new(list, network_stat_json(c->n, &st[i]));
        cli_print_json(list);
        json_decref(list);
    }
    free(st);
    return rc;
}

static double seconds(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Every enterprise's commissioner from the index: counts per commissioner, and the time. */
static int cmd_balance(struct ctx *c) {
    struct index_gen *g;
    int rc = index_load(c->s, c->today, &g, &c->err);
    if (rc) return rc;
    int64_t *count = calloc((size_t)(c->n->n_units ? c->n->n_units : 1), sizeof *count);
    int64_t unassigned = 0, total = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint32_t row = 0; count && row < index_gen_rows(g); row++) {
        char uscc[20];
        struct value reg;
        index_row_uscc(g, row, uscc, sizeof uscc);
        index_row_value(g, row, F_REGION, &reg);
        const struct network_unit *u =
            network_unit(c->n, network_assigned(c->n, uscc, reg.has ? (int)reg.i : -1));
        total++;
        if (u)
            count[u - c->n->units]++;
        else
            unassigned++;
    }
    double secs = seconds(&t0);
    int64_t lo = INT64_MAX, hi = 0, n_comm = 0;
    for (int i = 0; count && i < c->n->n_units; i++) {
        if (c->n->units[i].kind != NETWORK_COMMISSIONER || !c->n->units[i].is_active) continue;
        n_comm++;
        if (count[i] < lo) lo = count[i];
        if (count[i] > hi) hi = count[i];
    }
    printf("{\"enterprises\":%lld,\"assigned\":%lld,\"unassigned\":%lld,\"commissioners\":%lld,"
           "\"min\":%lld,\"max\":%lld,\"seconds\":%.3f}\n",
           (long long)total, (long long)(total - unassigned), (long long)unassigned,
           (long long)n_comm, (long long)(n_comm ? lo : 0), (long long)hi, secs);
    free(count);
    index_gen_release(g);
    return count ? 0 : ERR_NOMEM;
}

static int cmd_units(struct ctx *c, int argc, char **argv) {
    bool is_bad = false;
    int64_t depth = int_option(argc, argv, "--depth", 3, &is_bad);
    const struct network_unit *hub = NULL;
    for (int i = 0; i < c->n->n_units && !hub; i++)
        if (c->n->units[i].kind == NETWORK_HUB) hub = &c->n->units[i];
    if (is_bad || depth < 0) return error_set(&c->err, ERR_INVALID, "--depth 无效", "bad --depth");
    if (!hub)
        return error_set(&c->err, ERR_NOTFOUND, "还没有服务网络(先运行 duijie demo)",
                         "there is no service network yet (run duijie demo)");
    json_t *o = network_tree_json(c->n, hub, (int)depth);
    cli_print_json(o);
    json_decref(o);
    return 0;
}

static int dispatch(struct ctx *c, int argc, char **argv) {
    const char *cmd = argv[0], *arg = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
    if (strcmp(cmd, "units") == 0) return cmd_units(c, argc, argv);
    if (strcmp(cmd, "stats") == 0) return cmd_stats(c, argc, argv);
    if (strcmp(cmd, "balance") == 0) return cmd_balance(c);
    if (!arg) return 2;
    if (strcmp(cmd, "assign") == 0) return cmd_assign(c, arg);
    if (strcmp(cmd, "reassign") == 0) return cmd_reassign(c, arg, argc, argv);
    if (strcmp(cmd, "history") == 0) return cmd_history(c, arg);
    if (strcmp(cmd, "queue") == 0) return cmd_queue(c, arg, argc, argv);
    if (strcmp(cmd, "pack") == 0) return cmd_pack(c, arg);
    return 2;
}

int cli_network(int argc, char **argv) {
    if (argc < 1) {
        fputs(usage_text, stderr);
        return 2;
    }
    struct ctx c = {0};
    error_clear(&c.err);
    const char *db = cli_option(argc, argv, "--db");
    const char *d = cli_option(argc, argv, "--date");
    c.today = date_today();
    if (d && date_parse(d, strlen(d), &c.today, &c.err)) {
        cli_print_error("duijie network", &c.err);
        return 2;
    }
    int rc = refdata_load(&c.err);
    if (!rc) rc = store_open(db ? db : store_default_uri(), &c.s, &c.err);
    if (!rc) rc = network_load(c.s, &c.n, &c.err);
    if (!rc) rc = dispatch(&c, argc, argv);
    if (rc == 2)
        fputs(usage_text, stderr);
    else if (rc)
        cli_print_error("duijie network", &c.err);
    network_free(c.n);
    if (c.s) store_close(c.s);
    return rc == 2 ? 2 : rc ? 1 : 0;
}
