/* Owns `duijie check`, `duijie eval` and `duijie fmt`: thin shells over src/rules with the
 * contracts of the rule-language issue (exit 2 on a rule that does not compile, JSON lines out). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "enterprise/enterprise.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "util/date.h"

/* Reads and compiles one rule file; prints "file:line:col: zh / en" on failure. */
static struct rule *load_rule(const char *path) {
    FILE *f = fopen(path, "rb");
    struct error err;
    error_clear(&err);
    if (!f) {
        fprintf(stderr, "%s: 无法打开文件 / cannot open file\n", path);
        return NULL;
    }
    struct buf b;
    buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    struct rule *r = NULL;
    if (rules_compile(b.data ? b.data : "", b.len, path, &r, &err)) {
        char msg[900];
        fprintf(stderr, "%s:%s\n", path, error_format(&err, msg, sizeof msg));
        r = NULL;
    }
    buf_release(&b);
    return r;
}

static int parse_date_opt(int argc, char **argv, int32_t *date) {
    *date = date_today();
    const char *ds = cli_option(argc, argv, "--date");
    struct error err;
    error_clear(&err);
    if (ds && date_parse(ds, strlen(ds), date, &err)) {
        cli_print_error("duijie", &err);
        return -1;
    }
    return 0;
}

static void print_sql(const struct rule *r, bool pg, int32_t date) {
    for (int i = 0; i < r->n_versions; i++) {
        const struct rule_version *v = &r->versions[i];
        struct buf el, un, in;
        buf_init(&el);
        buf_init(&un);
        buf_init(&in);
        struct error err;
        error_clear(&err);
        if (v->name[0]) printf("-- version %s\n", v->name);
        if (rules_sql(v->cond, pg ? RULES_POSTGRES : RULES_SQLITE, date, &el, &un, &in, &err)) {
            char msg[900];
            printf("-- %s\n", error_format(&err, msg, sizeof msg));
        } else {
            printf("-- eligible\nSELECT id FROM enterprise WHERE %s;\n", buf_str(&el));
            printf("-- unknown\nSELECT id FROM enterprise WHERE %s;\n", buf_str(&un));
            printf("-- ineligible\nSELECT id FROM enterprise WHERE %s;\n", buf_str(&in));
        }
        buf_release(&el);
        buf_release(&un);
        buf_release(&in);
    }
}

int cli_check(int argc, char **argv) {
    bool sql = cli_flag(argc, argv, "--sql"), pg = cli_flag(argc, argv, "--postgres");
    int32_t date;
    if (parse_date_opt(argc, argv, &date)) return 2;
    int bad = 0, files = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--date") == 0) {
            i++;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] == '-') continue;
        files++;
        struct rule *r = load_rule(argv[i]);
        if (!r) {
            bad++;
            continue;
        }
        if (sql) print_sql(r, pg, date);
        rules_free(r);
    }
    if (!files) {
        fprintf(stderr, "usage: duijie check [--sql [--postgres]] [--date D] RULEFILE...\n");
        return 2;
    }
    return bad ? 2 : 0;
}

int cli_fmt(int argc, char **argv) {
    if (argc < 1) {
        fprintf(stderr, "usage: duijie fmt RULEFILE\n");
        return 2;
    }
    struct rule *r = load_rule(argv[0]);
    if (!r) return 2;
    struct buf b;
    buf_init(&b);
    rules_format(r, &b);
    fputs(buf_str(&b), stdout);
    buf_release(&b);
    rules_free(r);
    return 0;
}

static json_t *eval_json(const struct rule_version *v, const struct profile *p) {
    json_t *o = json_object();
    if (!v) {
        json_t *ex = json_array(), *miss = json_array();
        json_object_set_new(o, "result", json_string("ineligible"));
        json_object_set_new(o, "award_fen", json_null());
        json_array_append_new(ex, json_string("评估日没有生效的版本 / no version in force on "
                                              "the evaluation date"));
        json_object_set_new(o, "explain", ex);
        json_object_set_new(o, "missing", miss);
        return o;
    }
    struct rule_eval *e = malloc(sizeof *e);
    struct error err;
    error_clear(&err);
    if (!e) return o;
    json_t *ex = json_array(), *miss = json_array();
    rules_eval(v, p, e, &err);
    json_object_set_new(o, "result", json_string(tri_name(e->result)));
    json_object_set_new(o, "award_fen", e->has_award ? json_integer(e->award_fen) : json_null());
    for (int i = 0; i < e->n_atoms; i++) {
        const struct rule_atom_result *a = &e->atoms[i];
        json_t *x = json_object();
        json_object_set_new(x, "condition", json_string(a->condition));
        json_object_set_new(x, "rule", json_string(a->rule));
        json_object_set_new(x, "outcome",
                            json_string(a->outcome == TRI_TRUE    ? "true"
                                        : a->outcome == TRI_FALSE ? "false"
                                                                  : "unknown"));
        json_object_set_new(x, "truth",
                            json_string(a->truth == TRI_TRUE    ? "true"
                                        : a->truth == TRI_FALSE ? "false"
                                                                : "unknown"));
        json_object_set_new(x, "decisive", json_boolean(a->is_decisive));
        json_object_set_new(x, "text", json_string(a->text));
        json_array_append_new(ex, x);
    }
    if (e->award_text[0]) {
        json_t *x = json_object();
        json_object_set_new(x, "award", json_string(e->award_text));
        json_array_append_new(ex, x);
    }
    for (int i = 0; i < e->n_missing; i++)
        json_array_append_new(miss, json_string(schema_field(e->missing[i])->key));
    json_object_set_new(o, "explain", ex);
    json_object_set_new(o, "missing", miss);
    free(e);
    return o;
}

int cli_eval(int argc, char **argv) {
    if (argc < 1) {
        fprintf(stderr, "usage: duijie eval RULEFILE [--date YYYY-MM-DD] < enterprises.jsonl\n");
        return 2;
    }
    int32_t date;
    if (parse_date_opt(argc, argv, &date)) return 2;
    struct rule *r = load_rule(argv[0]);
    if (!r) return 2;
    const struct rule_version *v = rules_version_at(r, date);
    char *line = NULL;
    size_t cap = 0;
    long n, lineno = 0;
    while ((n = cli_read_line(stdin, &line, &cap)) >= 0) {
        lineno++;
        if (n == 0) continue;
        json_error_t jerr;
        json_t *obj = json_loadb(line, (size_t)n, 0, &jerr);
        json_t *out;
        struct arena a;
        arena_init(&a, 4096);
        if (!obj || !json_is_object(obj)) {
            out = json_object();
            char msg[400];
            snprintf(msg, sizeof msg, "第 %ld 行不是 JSON 对象 / line %ld is not a JSON object",
                     lineno, lineno);
            json_object_set_new(out, "result", json_null());
            json_object_set_new(out, "award_fen", json_null());
            json_object_set_new(out, "explain", json_array());
            json_object_set_new(out, "missing", json_array());
            json_object_set_new(out, "error", json_string(msg));
        } else {
            struct profile *p = malloc(sizeof *p);
            struct field_errors errs;
            memset(&errs, 0, sizeof errs);
            if (!p) return 2;
            profile_clear(p);
            profile_from_json(p, obj, &a, &errs);
            profile_derive(p, date, NULL);
            out = eval_json(v, p);
            if (errs.n_total) {
                json_t *ea = json_array();
                for (int i = 0; i < errs.n; i++) {
                    char msg[600];
                    snprintf(msg, sizeof msg, "%s: %s / %s", errs.items[i].field, errs.items[i].zh,
                             errs.items[i].en);
                    json_array_append_new(ea, json_string(msg));
                }
                json_object_set_new(out, "input_errors", ea);
            }
            free(p);
        }
        cli_print_json(out);
        json_decref(out);
        json_decref(obj);
        arena_release(&a);
    }
    free(line);
    rules_free(r);
    return 0;
}
