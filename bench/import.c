/* Benchmark of `duijie import`: writes a BENCH_N-row CSV of demo enterprises as a person's
 * spreadsheet would have them (Chinese headers, amounts like "4,200万元", district and town names,
 * industry codes, qualifications joined by 、, two earlier years in "2024年营业收入" columns), then
 * times the import into a fresh SQLite store (parse, check every cell and USCC, one transaction),
 * a re-import of the same file (every row an update by USCC), and a dry run (reading and checking
 * only). The alternative is sqlite3's own `.import --csv` of the same file into a plain table of
 * text columns (no parsing, no checks), run as a separate process. Figures go to
 * bench/tmp/import.json. BENCH_IMPORT_CSV=PATH only writes the CSV there (to try by hand). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "demo/demo.h"
#include "import/import.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "clock.h"

static void die(const char *what, const struct error *e) {
    char buf[900];
    fprintf(stderr, "bench import: %s: %s\n", what, e ? error_format(e, buf, sizeof buf) : "");
    exit(1);
}

/* A value as a person types it; "" when missing. */
static const char *cell(enum field_id id, const struct value *v, char *buf, size_t n) {
    const struct field_def *f = schema_field(id);
    if (!v->has) return "";
    if (f->type == FT_INDUSTRY) return industry_at((int)v->i)->code;
    if (f->type == FT_REGION) {
        const struct region *r = region_at((int)v->i);
        if (r->level != REGION_TOWN) return r->name;
        snprintf(buf, n, "%s%s", region_at(r->parent)->name, r->name);
        return buf;
    }
    if (f->type == FT_SET && v->i == 0) return "无";
    return schema_format_value(f, v, buf, n);
}

static const enum field_id yearly_back[] = {F_REVENUE, F_RD_EXPENSE};

static int64_t write_csv(const char *path, int64_t n) {
    FILE *f = fopen(path, "w");
    if (!f) die("cannot write the CSV", NULL);
    char buf[512];
    for (int id = 0; id < F_COUNT; id++)
        if (!schema_field((enum field_id)id)->is_derived)
            import_csv_write_field(f, schema_field(id)->label, false);
    for (int k = 0; k < PROFILE_HISTORY; k++)
        for (size_t j = 0; j < 2; j++) {
            snprintf(buf, sizeof buf, "%d年%s", DEMO_FISCAL_YEAR - 1 - k,
                     schema_field(yearly_back[j])->label);
            import_csv_write_field(f, buf, k == PROFILE_HISTORY - 1 && j == 1);
        }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    for (int64_t i = 0; i < n; i++) {
        demo_enterprise(7, i, p, &t);
        for (int id = 0; id < F_COUNT; id++)
            if (!schema_field((enum field_id)id)->is_derived)
                import_csv_write_field(f, cell((enum field_id)id, &p->v[id], buf, sizeof buf),
                                       false);
        for (int k = 0; k < PROFILE_HISTORY; k++)
            for (size_t j = 0; j < 2; j++)
                import_csv_write_field(
                    f, cell(yearly_back[j], &p->hist[k][yearly_back[j]], buf, sizeof buf),
                    k == PROFILE_HISTORY - 1 && j == 1);
    }
    free(p);
    int64_t size = ftell(f);
    if (fclose(f) != 0) die("writing the CSV failed", NULL);
    return size;
}

static double run_import(const char *db, const char *csv, bool is_dry_run, int64_t n,
                         int64_t *inserted, double *cpu) {
    struct store *s = NULL;
    struct error err;
    error_clear(&err);
    if (!is_dry_run && store_open(db, &s, &err)) die("open", &err);
    struct import_options o = {.is_dry_run = is_dry_run};
    struct import_result r;
    import_result_init(&r);
    double t0 = now_ms(), c0 = proc_cpu_ms();
    if (import_file(s, csv, &o, &r, &err)) die("import", &err);
    double ms = now_ms() - t0;
    *cpu = proc_cpu_ms() - c0;
    if (r.rows_valid != n || r.n_errors) {
        fprintf(stderr, "bench import: %lld of %lld rows valid, %lld errors; first: row %d %s %s\n",
                (long long)r.rows_valid, (long long)n, (long long)r.n_errors,
                r.n_issues_kept ? r.errors[0].row : 0, r.n_issues_kept ? r.errors[0].field : "",
                r.n_issues_kept ? r.errors[0].en : "");
        exit(1);
    }
    if (!is_dry_run && (r.rows_stored != n || store_count_enterprises(s) != n))
        die("not every row was stored", NULL);
    *inserted = r.inserted;
    import_result_release(&r);
    if (s) store_close(s);
    return ms;
}

static double sqlite_import(const char *dir, const char *csv, int64_t n) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sqlite3 %s/plain.db \".import --csv %s plain\"", dir, csv);
    double t0 = now_ms();
    if (system(cmd) != 0) die("sqlite3 .import failed (is the sqlite3 shell installed?)", NULL);
    double ms = now_ms() - t0;
    snprintf(cmd, sizeof cmd, "sqlite3 %s/plain.db \"SELECT count(*) FROM plain\"", dir);
    FILE *p = popen(cmd, "r");
    long long got = -1;
    if (!p || fscanf(p, "%lld", &got) != 1 || got != n) die("sqlite3 .import row count", NULL);
    pclose(p);
    return ms;
}

static void figure(FILE *f, bool is_first, const char *name, double ms, double cpu,
                   double sqlite_ms, int64_t n) {
    printf("%-20s duijie %9.1f ms (cpu %9.1f ms, %8.0f rows/s)   sqlite3 .import %9.1f ms   "
           "ratio %5.2fx\n",
           name, ms, cpu, (double)n / ms * 1e3, sqlite_ms, sqlite_ms / ms);
    fprintf(f,
            "%s{\"name\": \"%s\", \"duijie_ms\": %.1f, \"duijie_cpu_ms\": %.1f, \"sqlite_ms\": "
            "%.1f, \"ratio\": %.3f, \"rows_per_s\": %.0f}",
            is_first ? "" : ", ", name, ms, cpu, sqlite_ms, sqlite_ms / ms, (double)n / ms * 1e3);
}

int main(void) {
    const char *env = getenv("BENCH_N");
    int64_t n = env ? atoll(env) : 200000;
    if (n < 1000) n = 1000;
    struct error err;
    if (refdata_load(&err)) die("refdata", &err);
    const char *keep = getenv("BENCH_IMPORT_CSV");
    if (keep) {
        write_csv(keep, n);
        return 0;
    }
    char dir[] = "/tmp/duijie-bench-import-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char csv[300], db[300];
    snprintf(csv, sizeof csv, "%s/enterprises.csv", dir);
    snprintf(db, sizeof db, "%s/duijie.db", dir);
    double t0 = now_ms();
    int64_t size = write_csv(csv, n);
    printf("wrote %lld rows, %.1f MiB of CSV in %.0f ms\n", (long long)n, (double)size / 1048576.0,
           now_ms() - t0);
    int64_t inserted = 0, updated_ins = 0, dry = 0;
    double sqlite_ms = sqlite_import(dir, csv, n);
    double import_cpu, reimport_cpu, dry_cpu;
    double import_ms = run_import(db, csv, false, n, &inserted, &import_cpu);
    if (inserted != n) die("first import did not insert every row", NULL);
    double reimport_ms = run_import(db, csv, false, n, &updated_ins, &reimport_cpu);
    if (updated_ins != 0) die("re-import inserted rows", NULL);
    double dry_ms = run_import(db, csv, true, n, &dry, &dry_cpu);
    mkdir("bench/tmp", 0755);
    FILE *f = fopen("bench/tmp/import.json", "w");
    if (!f) return 1;
    fprintf(f, "{\"import_n\": %lld, \"import_csv_bytes\": %lld, \"figures\": [", (long long)n,
            (long long)size);
    figure(f, true, "import_csv_new", import_ms, import_cpu, sqlite_ms, n);
    figure(f, false, "import_csv_update", reimport_ms, reimport_cpu, sqlite_ms, n);
    figure(f, false, "import_csv_dry_run", dry_ms, dry_cpu, sqlite_ms, n);
    fprintf(f, "]}\n");
    fclose(f);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
