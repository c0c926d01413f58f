/* Owns `duijie match`: `match clause RULEFILE` (who qualifies for a rule: counts by status, by
 * district/section/size, nearly-eligible groups, and the enterprises of one status) and `match
 * enterprise USCC` (every published clause for one enterprise, ranked, with explanations). The
 * index is built from the store at start; matching is src/match's. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data ? buf_detach(&b) : strdup("");
}

struct common {
    const char *db;
    int32_t today;
    bool is_json;
    int64_t limit;
};

static int parse_common(int argc, char **argv, struct common *c, struct error *err) {
    c->db = cli_option(argc, argv, "--db");
    if (!c->db) c->db = store_default_uri();
    c->is_json = cli_flag(argc, argv, "--json");
    const char *d = cli_option(argc, argv, "--date");
    c->today = date_today();
    if (d && date_parse(d, strlen(d), &c->today, err)) return ERR_INVALID;
    const char *l = cli_option(argc, argv, "--limit");
    char *end = NULL;
    c->limit = l ? strtoll(l, &end, 10) : 20;
    if ((l && *end) || c->limit < 0)
        return error_set(err, ERR_INVALID, "--limit 应为非负整数", "--limit must be a count");
    return 0;
}

/* The first argument that is not an option or an option's value. */
static const char *positional(int argc, char **argv) {
    static const char *const valued[] = {"--db", "--date", "--limit", "--status"};
    for (int i = 0; i < argc; i++) {
        bool takes_value = false;
        for (size_t k = 0; k < sizeof valued / sizeof *valued; k++)
            takes_value |= strcmp(argv[i], valued[k]) == 0;
        if (takes_value) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--", 2) != 0) return argv[i];
    }
    return NULL;
}

static json_t *row_json(struct store *s, const struct index_gen *g, uint32_t row, struct arena *a) {
    char uscc[32];
    index_row_uscc(g, row, uscc, sizeof uscc);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(index_row_id(g, row)));
    json_object_set_new(o, "uscc", json_string(uscc));
    struct profile *p = malloc(sizeof *p);
    struct error err;
    if (p && store_get_enterprise(s, uscc, p, a, NULL, &err) == 0 && p->v[F_NAME].has)
        json_object_set_new(o, "name", json_string(p->v[F_NAME].s));
    free(p);
    return o;
}

struct list_ctx {
    struct store *s;
    const struct index_gen *g;
    struct arena *a;
    json_t *out;
    const struct rule_cond *cond; /* nearly: the failing condition */
    int64_t left;
};

static bool list_row(uint32_t row, void *arg) {
    struct list_ctx *c = arg;
    if (c->left-- <= 0) return false;
    json_t *o = row_json(c->s, c->g, row, c->a);
    if (c->cond) {
        struct buf b;
        buf_init(&b);
        rules_format_cond(c->cond, &b);
        json_object_set_new(o, "failing", json_string(buf_str(&b)));
        buf_release(&b);
    }
    json_array_append_new(c->out, o);
    return true;
}

static json_t *list_status(struct store *s, const struct index_gen *g, const struct rule_cond *c,
                           const char *status, int64_t limit, struct arena *a, struct error *err) {
    json_t *out = json_array();
    struct list_ctx lc = {s, g, a, out, NULL, limit};
    if (strcmp(status, "nearly") == 0) {
        struct match_nearly nl;
        if (match_nearly(g, c, &nl, err)) return json_decref(out), NULL;
        for (int i = 0; i < nl.n_groups && lc.left > 0; i++) {
            lc.cond = nl.groups[i].cond;
            roaring_iterate(nl.groups[i].rows, list_row, &lc);
        }
        match_nearly_release(&nl);
        return out;
    }
    struct match_sets m;
    if (match_cond(g, c, &m, err)) return json_decref(out), NULL;
    roaring_iterate(strcmp(status, "unknown") == 0 ? m.unknown : m.eligible, list_row, &lc);
    match_sets_release(&m);
    return out;
}

static void print_text_clause(json_t *preview, json_t *list, const char *status) {
    json_t *c = json_object_get(preview, "counts");
    printf("符合 eligible %lld · 可能符合 unknown %lld · 不符合 ineligible %lld · 差一项 nearly "
           "%lld\n",
           (long long)json_integer_value(json_object_get(c, "eligible")),
           (long long)json_integer_value(json_object_get(c, "unknown")),
           (long long)json_integer_value(json_object_get(c, "ineligible")),
           (long long)json_integer_value(json_object_get(c, "nearly")));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(json_object_get(preview, "eligible"), "by_district"), i, x)
        printf("  %s %lld\n", json_string_value(json_object_get(x, "name")),
               (long long)json_integer_value(json_object_get(x, "count")));
    json_array_foreach(json_object_get(preview, "nearly"), i, x) printf(
        "  差 / failing only: %s — %lld\n", json_string_value(json_object_get(x, "condition")),
        (long long)json_integer_value(json_object_get(x, "count")));
    printf("%s:\n", status);
    json_array_foreach(list, i, x) {
        json_t *name = json_object_get(x, "name"), *f = json_object_get(x, "failing");
        printf("  %s  %s%s%s\n", json_string_value(json_object_get(x, "uscc")),
               name ? json_string_value(name) : "", f ? "  ✗ " : "", f ? json_string_value(f) : "");
    }
}

static int match_clause_cmd(int argc, char **argv) {
    struct error err;
    error_clear(&err);
    struct common c;
    const char *file = positional(argc, argv);
    const char *status = cli_option(argc, argv, "--status");
    if (!status) status = "eligible";
    if (parse_common(argc, argv, &c, &err) || !file ||
        (strcmp(status, "eligible") && strcmp(status, "unknown") && strcmp(status, "nearly"))) {
        if (err.code) cli_print_error("match", &err);
        fprintf(stderr, "usage: duijie match clause RULEFILE [--db PATH] [--status "
                        "eligible|unknown|nearly] [--limit N] [--date D] [--json]\n");
        return 2;
    }
    size_t len;
    char *src = read_file(file, &len);
    if (!src) {
        fprintf(stderr, "duijie: 无法读取 %s / cannot read %s\n", file, file);
        return 1;
    }
    struct rule *r = NULL;
    struct store *s = NULL;
    struct index_gen *g = NULL;
    json_t *preview = NULL, *list = NULL;
    struct arena a;
    arena_init(&a, 1 << 16);
    int rc = refdata_load(&err);
    if (!rc) rc = rules_compile(src, len, file, &r, &err);
    const struct rule_version *v = rc ? NULL : rules_version_at(r, c.today);
    if (!rc && (!v || !v->cond))
        rc = error_set(&err, ERR_NOTFOUND, "规则在 %s 没有生效的版本",
                       "the rule has no version in force", "");
    if (!rc) rc = store_open(c.db, &s, &err);
    if (!rc) rc = index_load(s, c.today, &g, &err);
    if (!rc) rc = match_preview_json(g, v->cond, &preview, &err);
    if (!rc && !(list = list_status(s, g, v->cond, status, c.limit, &a, &err))) rc = err.code;
    if (!rc) {
        if (c.is_json) {
            json_object_set_new(preview, "enterprises_total",
                                json_integer((json_int_t)index_gen_count(g)));
            json_object_set_new(preview, "status", json_string(status));
            json_object_set_new(
                preview, "index_bytes_per_enterprise",
                json_integer((json_int_t)(index_gen_bytes(g) /
                                          (index_gen_count(g) ? index_gen_count(g) : 1))));
            json_object_set_new(preview, "enterprises", list);
            list = NULL;
            cli_print_json(preview);
        } else {
            print_text_clause(preview, list, status);
            printf("(索引 index: %llu 家企业 enterprises, %.0f 字节/家 bytes each)\n",
                   (unsigned long long)index_gen_count(g),
                   (double)index_gen_bytes(g) /
                       (double)(index_gen_count(g) ? index_gen_count(g) : 1));
        }
    } else {
        cli_print_error("match", &err);
    }
    json_decref(preview);
    json_decref(list);
    if (g) index_gen_release(g);
    if (s) store_close(s);
    rules_free(r);
    arena_release(&a);
    free(src);
    return rc ? 1 : 0;
}

static int match_enterprise_cmd(int argc, char **argv) {
    struct error err;
    error_clear(&err);
    struct common c;
    const char *uscc = positional(argc, argv);
    if (parse_common(argc, argv, &c, &err) || !uscc) {
        if (err.code) cli_print_error("match", &err);
        fprintf(stderr, "usage: duijie match enterprise USCC [--db PATH] [--date D] [--json]\n");
        return 2;
    }
    struct store *s = NULL;
    struct match_catalog *cat = NULL;
    struct profile *p = malloc(sizeof *p);
    struct match_hit *hits = NULL;
    struct arena a;
    arena_init(&a, 1 << 12);
    int rc = p ? refdata_load(&err) : error_set(&err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc) rc = store_open(c.db, &s, &err);
    if (!rc) rc = store_get_enterprise(s, uscc, p, &a, NULL, &err);
    if (!rc) {
        profile_derive(p, c.today, NULL);
        rc = match_catalog_load(s, c.today, &cat, &err);
    }
    if (!rc) {
        hits = malloc((size_t)(cat->n_in ? cat->n_in : 1) * sizeof *hits);
        rc = hits ? match_enterprise(cat->set, p, hits) : ERR_NOMEM;
        if (rc) error_set(&err, rc, "内存不足", "out of memory");
    }
    if (!rc) {
        json_t *o = json_object(), *list = json_array();
        int n_e = 0, n_u = 0;
        for (int i = 0; i < cat->n_in; i++) {
            n_e += hits[i].result == TRI_TRUE;
            n_u += hits[i].result == TRI_UNKNOWN;
            if (hits[i].result != TRI_FALSE)
                json_array_append_new(list, match_hit_json(cat, &hits[i], p, true));
        }
        json_object_set_new(o, "uscc", json_string(p->v[F_USCC].s));
        json_object_set_new(o, "name",
                            p->v[F_NAME].has ? json_string(p->v[F_NAME].s) : json_null());
        json_object_set_new(o, "clauses", json_integer(cat->n_in));
        json_object_set_new(o, "eligible", json_integer(n_e));
        json_object_set_new(o, "unknown", json_integer(n_u));
        json_object_set_new(o, "matches", list);
        if (c.is_json) {
            cli_print_json(o);
        } else {
            printf("%s %s: %d 项符合 eligible, %d 项可能符合 unknown (共 %d 条政策条款)\n",
                   p->v[F_USCC].s, p->v[F_NAME].has ? p->v[F_NAME].s : "", n_e, n_u, cat->n_in);
            size_t i;
            json_t *x;
            json_array_foreach(list, i, x) {
                json_t *aw = json_object_get(x, "award");
                printf("  [%s] %s  %s\n", json_string_value(json_object_get(x, "status")),
                       json_string_value(json_object_get(x, "title")),
                       json_is_string(aw) ? json_string_value(aw) : "");
                json_t *m = json_object_get(x, "missing");
                size_t k;
                json_t *y;
                json_array_foreach(m, k, y)
                    printf("      缺少 / missing: %s\n", json_string_value(y));
            }
        }
        json_decref(o);
    } else {
        cli_print_error("match", &err);
    }
    free(hits);
    free(p);
    match_catalog_free(cat);
    if (s) store_close(s);
    arena_release(&a);
    return rc ? 1 : 0;
}

int cli_match(int argc, char **argv) {
    if (argc >= 1 && strcmp(argv[0], "clause") == 0) return match_clause_cmd(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "enterprise") == 0)
        return match_enterprise_cmd(argc - 1, argv + 1);
    fprintf(stderr, "usage: duijie match clause RULEFILE [--db PATH] [--status "
                    "eligible|unknown|nearly] [--limit N] [--json]\n"
                    "       duijie match enterprise USCC [--db PATH] [--json]\n");
    return 2;
}
