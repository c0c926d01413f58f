/* Owns `duijie uscc`, `duijie derive` and `duijie fields`: thin shells over the enterprise and
 * schema modules with the JSON-lines contracts of the foundation issue. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "enterprise/enterprise.h"
#include "refdata/refdata.h"
#include "util/date.h"

static json_t *uscc_json(const struct uscc_result *r) {
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(r->code));
    json_object_set_new(o, "valid", json_boolean(r->is_valid));
    if (r->is_valid) {
        json_object_set_new(o, "error", json_null());
    } else {
        char buf[400];
        snprintf(buf, sizeof buf, "%s / %s", r->error_zh, r->error_en);
        json_object_set_new(o, "error", json_string(buf));
    }
    json_t *w = json_array();
    for (int i = 0; i < r->n_warnings; i++)
        json_array_append_new(w, json_string(r->warnings[i]));
    json_object_set_new(o, "warnings", w);
    return o;
}

int cli_uscc(int argc, char **argv) {
    if (argc < 1) {
        fprintf(stderr, "usage: duijie uscc CODE...\n");
        return 2;
    }
    int all_valid = 1;
    for (int i = 0; i < argc; i++) {
        struct uscc_result r;
        uscc_check(argv[i], strlen(argv[i]), &r);
        if (!r.is_valid) all_valid = 0;
        json_t *o = uscc_json(&r);
        cli_print_json(o);
        json_decref(o);
    }
    return all_valid ? 0 : 1;
}

/* The flat JSON object `duijie derive` prints for one profile. */
static json_t *derive_json(const struct profile *p, const struct derive_explain *ex,
                           const struct field_errors *errs) {
    json_t *o = json_object();
    const struct value *u = &p->v[F_USCC];
    if (u->has) {
        struct uscc_result r;
        uscc_check(u->s, strlen(u->s), &r);
        json_object_set_new(o, "uscc", json_string(r.code));
        json_object_set_new(o, "uscc_valid", json_boolean(r.is_valid));
        if (!r.is_valid) {
            char buf[400];
            snprintf(buf, sizeof buf, "%s / %s", r.error_zh, r.error_en);
            json_object_set_new(o, "uscc_error", json_string(buf));
        }
    } else {
        json_object_set_new(o, "uscc", json_null());
        json_object_set_new(o, "uscc_valid", json_false());
        json_object_set_new(o, "uscc_error", json_string("缺少统一社会信用代码 / uscc missing"));
    }
    const struct field_def *sz = schema_field(F_SIZE);
    json_object_set_new(o, "size",
                        p->v[F_SIZE].has ? json_string(sz->values[p->v[F_SIZE].i]) : json_null());
    json_object_set_new(o, "size_reason", json_string(ex->text[F_SIZE]));
    json_t *full = profile_to_json(p, ex);
    json_t *fields = json_object_get(full, "fields");
    json_t *explain = json_object();
    for (int f = 0; f < F_COUNT; f++) {
        const struct field_def *d = schema_field((enum field_id)f);
        if (!d->is_derived || f == F_SIZE) continue;
        json_t *fo = json_object_get(fields, d->key);
        json_t *val = fo ? json_object_get(fo, "value") : NULL;
        json_object_set(o, d->key, val ? val : json_null());
        json_object_set_new(explain, d->key, json_string(ex->text[f]));
    }
    json_object_set_new(o, "explain", explain);
    json_object_set(o, "fields", fields);
    json_decref(full);
    json_t *earr = json_array();
    for (int i = 0; errs && i < errs->n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "field", json_string(errs->items[i].field));
        json_object_set_new(e, "zh", json_string(errs->items[i].zh));
        json_object_set_new(e, "en", json_string(errs->items[i].en));
        json_array_append_new(earr, e);
    }
    json_object_set_new(o, "errors", earr);
    return o;
}

int cli_derive(int argc, char **argv) {
    int32_t today = date_today();
    const char *ds = cli_option(argc, argv, "--date");
    struct error err;
    error_clear(&err);
    if (ds && date_parse(ds, strlen(ds), &today, &err)) {
        cli_print_error("duijie derive", &err);
        return 2;
    }
    if (refdata_load(&err)) {
        cli_print_error("duijie derive", &err);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    long n;
    long lineno = 0;
    while ((n = cli_read_line(stdin, &line, &cap)) >= 0) {
        lineno++;
        if (n == 0) continue;
        struct arena a;
        arena_init(&a, 4096);
        struct profile p;
        profile_clear(&p);
        struct field_errors errs;
        memset(&errs, 0, sizeof errs);
        json_error_t jerr;
        json_t *obj = json_loadb(line, (size_t)n, JSON_DECODE_ANY, &jerr);
        json_t *out;
        if (!obj || !json_is_object(obj)) {
            out = json_object();
            json_object_set_new(out, "uscc", json_null());
            json_object_set_new(out, "uscc_valid", json_false());
            json_object_set_new(out, "size", json_null());
            json_object_set_new(out, "size_reason", json_null());
            json_t *e = json_object();
            char zh[300], en[300];
            snprintf(zh, sizeof zh, "第 %ld 行不是 JSON 对象(第 %d 列):%s", lineno, jerr.column,
                     obj ? "不是对象" : jerr.text);
            snprintf(en, sizeof en, "line %ld is not a JSON object (column %d): %s", lineno,
                     jerr.column, obj ? "not an object" : jerr.text);
            json_object_set_new(e, "field", json_string(""));
            json_object_set_new(e, "zh", json_string(zh));
            json_object_set_new(e, "en", json_string(en));
            json_t *arr = json_array();
            json_array_append_new(arr, e);
            json_object_set_new(out, "errors", arr);
        } else {
            profile_from_json(&p, obj, &a, &errs);
            struct derive_explain *ex = malloc(sizeof *ex);
            if (!ex) return 2;
            profile_derive(&p, today, ex);
            out = derive_json(&p, ex, &errs);
            free(ex);
        }
        cli_print_json(out);
        json_decref(out);
        json_decref(obj);
        arena_release(&a);
    }
    free(line);
    return 0;
}

static void print_values(const struct field_def *f) {
    for (int i = 0; f->values && f->values[i]; i++)
        printf("%s%s", i ? "、" : "", f->values[i]);
}

int cli_fields(int argc, char **argv) {
    if (cli_flag(argc, argv, "--markdown")) {
        printf("# The field dictionary\n\nGenerated by `build/duijie fields --markdown` from "
               "src/schema/schema.c; do not edit.\n\n"
               "| key | 中文 | aliases | type | unit | derived | per year | values / notes |\n"
               "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < F_COUNT; i++) {
            const struct field_def *f = schema_field((enum field_id)i);
            printf("| `%s` | %s | %s | %s | %s | %s | %s | ", f->key, f->label, f->aliases,
                   schema_type_name(f->type), f->unit, f->is_derived ? "yes" : "",
                   f->is_yearly ? "yes" : "");
            if (f->values)
                print_values(f);
            else
                printf("%s", f->doc);
            printf(" |\n");
        }
        printf("\n## Values per year\n\n"
               "Fields marked *per year* describe one fiscal year. A profile holds the fiscal "
               "year's value\n"
               "(`fiscal_year`, default: the year before the evaluation date) and the two years "
               "before it;\n"
               "the store keeps every year in `enterprise_year`. In JSON input, earlier years go "
               "under\n"
               "`\"history\": {\"2024\": {\"revenue\": \"4000万元\"}, \"2023\": {...}}`. Derived "
               "fields that span years\n"
               "(近三年研发费用, 近三年营业收入, 近三年研发费用占比, 营业收入增长率) are computed "
               "from them and are\n"
               "missing — never guessed — when a year is missing.\n\n"
               "## Input conventions\n\n"
               "Money: a number of yuan (`12345.67`) or text with a unit (`2000万元`, `1.5亿`, "
               "`300,000元`, `二十万元`);\n"
               "stored exactly as fen. Ratios: `5%%`, `0.05`, `百分之五`. Dates: `2025-01-01`, "
               "`2025年1月1日`.\n"
               "Regions: code or name (`370212`, `崂山区`, `西海岸新区`). Industries: GB/T "
               "4754-2017 code at any\n"
               "level (`C`, `39`, `391`, `3911`, `C3911`) or exact name. Sets: a JSON array or "
               "text separated by\n"
               "`、`, `,` or `;`. Booleans: true/false, 是/否.\n");
        return 0;
    }
    json_t *arr = json_array();
    for (int i = 0; i < F_COUNT; i++) {
        const struct field_def *f = schema_field((enum field_id)i);
        json_t *o = json_object();
        json_object_set_new(o, "key", json_string(f->key));
        json_object_set_new(o, "label", json_string(f->label));
        json_object_set_new(o, "type", json_string(schema_type_name(f->type)));
        json_object_set_new(o, "unit", json_string(f->unit));
        json_object_set_new(o, "derived", json_boolean(f->is_derived));
        json_object_set_new(o, "yearly", json_boolean(f->is_yearly));
        if (f->values) {
            json_t *vals = json_array();
            for (int k = 0; f->values[k]; k++)
                json_array_append_new(vals, json_string(f->values[k]));
            json_object_set_new(o, "values", vals);
        }
        json_array_append_new(arr, o);
    }
    cli_print_json(arr);
    json_decref(arr);
    return 0;
}
