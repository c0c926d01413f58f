/* Owns `duijie import`: argument parsing, the store it writes to, the JSON summary on stdout, the
 * --errors CSV, the progress bar on a terminal, the exit status (0 all stored, 1 some rejected,
 * 2 fatal) and `--template`. The work is src/import's. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "import/import.h"
#include "store/store.h"

#define PROGRESS_MIN_BYTES (8 << 20) /* smaller files finish before a bar is worth drawing */

struct cli_ctx {
    FILE *errors; /* --errors OUT.csv, or NULL */
    bool has_bar;
    int last_pct;
};

static void on_issue(void *ctx, const struct import_issue *e, bool is_warning) {
    struct cli_ctx *c = ctx;
    if (!c->errors) return;
    char row[16], line[16];
    snprintf(row, sizeof row, "%d", e->row);
    snprintf(line, sizeof line, "%d", e->line);
    import_csv_write_field(c->errors, e->row ? row : "", false);
    import_csv_write_field(c->errors, e->line ? line : "", false);
    import_csv_write_field(c->errors, e->column, false);
    import_csv_write_field(c->errors, e->field, false);
    import_csv_write_field(c->errors, is_warning ? "warning" : "error", false);
    import_csv_write_field(c->errors, e->zh, false);
    import_csv_write_field(c->errors, e->en, true);
}

static void on_progress(void *ctx, int64_t done, int64_t total) {
    struct cli_ctx *c = ctx;
    if (!c->has_bar || total <= 0) return;
    int pct = (int)(done * 100 / total);
    if (pct > 100) pct = 100;
    if (pct == c->last_pct) return;
    c->last_pct = pct;
    char bar[41];
    int fill = pct * 40 / 100;
    for (int i = 0; i < 40; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[40] = 0;
    fprintf(stderr, "\r导入中 / importing [%s] %3d%%", bar, pct);
    if (pct == 100) fputc('\n', stderr);
}

static int usage(void) {
    fprintf(stderr, "usage: duijie import FILE [--db PATH] [--dry-run] [--errors OUT.csv]\n"
                    "       duijie import --template OUT.xlsx\n");
    return 2;
}

static int write_template(const char *path) {
    struct error err;
    error_clear(&err);
    if (import_write_template(path, &err)) {
        cli_print_error("duijie import", &err);
        return 2;
    }
    json_t *o = json_object();
    json_object_set_new(o, "template", json_string(path));
    cli_print_json(o);
    json_decref(o);
    return 0;
}

/* The file argument: the first one that is not an option or an option's value. */
static const char *file_arg(int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--errors") == 0 ||
            strcmp(argv[i], "--format") == 0) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--", 2) != 0) return argv[i];
    }
    return NULL;
}

static int run_import(const char *path, int argc, char **argv, struct cli_ctx *ctx) {
    struct import_options o = {.is_dry_run = cli_flag(argc, argv, "--dry-run"),
                               .on_issue = on_issue,
                               .on_progress = on_progress,
                               .ctx = ctx};
    const char *fmt = cli_option(argc, argv, "--format");
    if (fmt) o.format = strcmp(fmt, "xlsx") == 0 ? IMPORT_XLSX : IMPORT_CSV;
    struct error err;
    error_clear(&err);
    struct store *s = NULL;
    if (!o.is_dry_run) {
        const char *db = cli_option(argc, argv, "--db");
        if (store_open(db ? db : store_default_uri(), &s, &err)) {
            cli_print_error("duijie import", &err);
            return 2;
        }
    }
    struct import_result r;
    import_result_init(&r);
    int rc = import_file(s, path, &o, &r, &err);
    if (s) store_close(s);
    json_t *j = import_result_to_json(&r);
    json_object_set_new(j, "file", json_string(path));
    json_object_set_new(j, "dry_run", json_boolean(o.is_dry_run));
    if (rc) {
        char buf[900];
        json_object_set_new(j, "fatal", json_string(error_format(&err, buf, sizeof buf)));
        json_object_set_new(j, "stored", json_integer(0));
    }
    cli_print_json(j);
    json_decref(j);
    if (rc) cli_print_error("duijie import", &err);
    int status = rc ? 2 : r.rows_rejected ? 1 : 0;
    import_result_release(&r);
    return status;
}

int cli_import(int argc, char **argv) {
    const char *tpl = cli_option(argc, argv, "--template");
    if (tpl) return write_template(tpl);
    const char *path = file_arg(argc, argv);
    if (!path) return usage();
    struct cli_ctx ctx = {.last_pct = -1};
    struct stat st;
    ctx.has_bar = isatty(2) && stat(path, &st) == 0 && st.st_size >= PROGRESS_MIN_BYTES;
    const char *errors = cli_option(argc, argv, "--errors");
    if (errors) {
        ctx.errors = fopen(errors, "w");
        if (!ctx.errors) {
            fprintf(stderr, "duijie import: 无法写入 %s / cannot write %s\n", errors, errors);
            return 2;
        }
        fputs("\xEF\xBB\xBFrow,line,column,field,level,zh,en\n", ctx.errors); /* BOM: Excel */
    }
    int status = run_import(path, argc, argv, &ctx);
    if (ctx.errors && fclose(ctx.errors) != 0) {
        fprintf(stderr, "duijie import: 写入 %s 失败 / writing %s failed\n", errors, errors);
        status = 2;
    }
    return status;
}
