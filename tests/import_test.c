/* Tests for src/import. Data-driven: every tests/data/import/NAME.csv runs through the importer
 * (both from the file, streamed, and from memory) into a sink that keeps the profiles, and is
 * compared with NAME.expect.json (counts, each error's row/column/field, stored values). XLSX
 * workbooks are built here with libxlsxwriter (shared and inline strings, numbers, dates under
 * built-in and custom formats, booleans); the template must import cleanly. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <unicode/ucnv.h>
#include <zip.h>

#include "import/import.h"
#include "refdata/refdata.h"
#include "test.h"
#include "text/number.h"
#include "util/buf.h"
#include "util/date.h"

/* ---- a sink that keeps what it is given ---- */

struct mem_sink {
    struct profile *rows;
    int n, cap;
    struct arena a;
    int n_begin, n_commit, n_rollback;
    int fail_at; /* put number (1-based) that fails, 0 = never */
};

static int mem_begin(void *ctx, struct error *err) {
    (void)err;
    ((struct mem_sink *)ctx)->n_begin++;
    return 0;
}

static int mem_put(void *ctx, const struct profile *p, struct error *err) {
    struct mem_sink *m = ctx;
    if (m->fail_at && m->n + 1 == m->fail_at)
        return error_set(err, ERR_DB, "写入失败(测试)", "put failed (test)");
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->rows = realloc(m->rows, (size_t)m->cap * sizeof *m->rows);
    }
    struct profile *q = &m->rows[m->n++];
    *q = *p;
    for (int f = 0; f < F_COUNT; f++) {
        if (q->v[f].s) q->v[f].s = arena_strdup(&m->a, q->v[f].s);
        for (int k = 0; k < PROFILE_HISTORY; k++)
            if (q->hist[k][f].s) q->hist[k][f].s = arena_strdup(&m->a, q->hist[k][f].s);
    }
    return 0;
}

static int mem_commit(void *ctx, struct error *err) {
    (void)err;
    ((struct mem_sink *)ctx)->n_commit++;
    return 0;
}

static void mem_rollback(void *ctx) {
    ((struct mem_sink *)ctx)->n_rollback++;
}

static void mem_init(struct mem_sink *m, struct import_sink *s) {
    memset(m, 0, sizeof *m);
    arena_init(&m->a, 4096);
    *s = (struct import_sink){m, mem_begin, mem_put, mem_commit, mem_rollback, NULL};
}

static void mem_release(struct mem_sink *m) {
    free(m->rows);
    arena_release(&m->a);
}

/* ---- comparing with NAME.expect.json ---- */

static void check_value(const char *what, const struct value *v, const struct field_def *f,
                        json_t *want) {
    char buf[256];
    if (json_is_null(want)) {
        if (v->has) test_failf(__FILE__, __LINE__, "%s: expected missing", what);
        return;
    }
    if (!v->has) {
        test_failf(__FILE__, __LINE__, "%s: missing, expected a value", what);
        return;
    }
    if (json_is_integer(want)) {
        if (v->i != json_integer_value(want))
            test_failf(__FILE__, __LINE__, "%s: got %lld, expected %lld", what, (long long)v->i,
                       (long long)json_integer_value(want));
        return;
    }
    const char *got = f->type == FT_TEXT ? v->s : schema_format_value(f, v, buf, sizeof buf);
    if (!got || strcmp(got, json_string_value(want)) != 0)
        test_failf(__FILE__, __LINE__, "%s: got \"%s\", expected \"%s\"", what,
                   got ? got : "(null)", json_string_value(want));
}

static void check_values(const char *prefix, const struct value *vals, json_t *want) {
    const char *key;
    json_t *val;
    json_object_foreach(want, key, val) {
        if (strcmp(key, "history") == 0 || strcmp(key, "fiscal_year") == 0) continue;
        const struct field_def *f = schema_find(key, strlen(key));
        if (!CHECK(f != NULL)) continue;
        char what[128];
        snprintf(what, sizeof what, "%s.%s", prefix, key);
        check_value(what, &vals[f->id], f, val);
    }
}

static void check_stored(const struct mem_sink *m, json_t *stored) {
    CHECK_INT(m->n, json_array_size(stored));
    for (size_t i = 0; i < json_array_size(stored) && (int)i < m->n; i++) {
        json_t *want = json_array_get(stored, i);
        const struct profile *p = &m->rows[i];
        char prefix[64];
        snprintf(prefix, sizeof prefix, "stored[%zu]", i);
        check_values(prefix, p->v, want);
        json_t *fy = json_object_get(want, "fiscal_year");
        if (fy) CHECK_INT(p->fiscal_year, json_integer_value(fy));
        json_t *hist = json_object_get(want, "history");
        const char *year;
        json_t *yv;
        json_object_foreach(hist, year, yv) {
            int k = p->fiscal_year - 1 - atoi(year);
            if (!CHECK(k >= 0 && k < PROFILE_HISTORY)) continue;
            snprintf(prefix, sizeof prefix, "stored[%zu].%s", i, year);
            check_values(prefix, p->hist[k], yv);
        }
    }
}

static void check_issues(const struct import_issue *got, int n_got, json_t *want) {
    CHECK_INT(n_got, json_array_size(want));
    for (size_t i = 0; i < json_array_size(want) && (int)i < n_got; i++) {
        json_t *w = json_array_get(want, i);
        json_t *row = json_object_get(w, "row"), *line = json_object_get(w, "line");
        json_t *col = json_object_get(w, "column"), *field = json_object_get(w, "field");
        if (row) CHECK_INT(got[i].row, json_integer_value(row));
        if (line) CHECK_INT(got[i].line, json_integer_value(line));
        if (col) CHECK_STR(got[i].column, json_is_null(col) ? "" : json_string_value(col));
        if (field) CHECK_STR(got[i].field, json_string_value(field));
        CHECK(got[i].zh[0] != 0 && got[i].en[0] != 0);
    }
}

static void check_result(int rc, const struct error *err, const struct import_result *r,
                         const struct mem_sink *m, json_t *want) {
    json_t *fatal = json_object_get(want, "fatal");
    if (fatal) {
        CHECK_STR(error_code_name(rc), json_string_value(fatal));
        CHECK(err->zh[0] != 0 && err->en[0] != 0);
        CHECK_INT(m->n_commit, 0);
    } else {
        if (rc) test_failf(__FILE__, __LINE__, "import failed: %s / %s", err->zh, err->en);
        CHECK_INT(m->n_begin, 1);
        CHECK_INT(m->n_commit, 1);
    }
    json_t *v;
    if ((v = json_object_get(want, "encoding"))) CHECK_STR(r->info.encoding, json_string_value(v));
    if ((v = json_object_get(want, "delimiter")))
        CHECK_INT(r->info.delimiter, strcmp(json_string_value(v), "tab") == 0 ? '\t' : ',');
    if ((v = json_object_get(want, "rows_read"))) CHECK_INT(r->rows_read, json_integer_value(v));
    if ((v = json_object_get(want, "valid"))) CHECK_INT(r->rows_valid, json_integer_value(v));
    if ((v = json_object_get(want, "valid")) && !fatal) CHECK_INT(r->rows_stored, r->rows_valid);
    if ((v = json_object_get(want, "rejected"))) CHECK_INT(r->rows_rejected, json_integer_value(v));
    if ((v = json_object_get(want, "fiscal_year")))
        CHECK_INT(r->fiscal_year, json_integer_value(v));
    if ((v = json_object_get(want, "n_warnings"))) CHECK_INT(r->n_warnings, json_integer_value(v));
    if ((v = json_object_get(want, "errors"))) check_issues(r->errors, r->n_issues_kept, v);
    if ((v = json_object_get(want, "warnings"))) check_issues(r->warnings, r->n_warnings_kept, v);
    if ((v = json_object_get(want, "stored"))) check_stored(m, v);
}

static int run_case(const char *path, const char *data, size_t len, json_t *want) {
    struct mem_sink m;
    struct import_sink sink;
    mem_init(&m, &sink);
    struct import_options o = {0};
    struct import_result r;
    import_result_init(&r);
    struct error err;
    error_clear(&err);
    int rc = data ? import_run_buffer(data, len, path, &o, &sink, &r, &err)
                  : import_run_file(path, &o, &sink, &r, &err);
    check_result(rc, &err, &r, &m, want);
    import_result_release(&r);
    mem_release(&m);
    return rc;
}

static bool has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

TEST(import_data_cases) {
    char dir[256];
    snprintf(dir, sizeof dir, "%s/import", test_data_dir());
    DIR *d = opendir(dir);
    if (!CHECK(d != NULL)) return;
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        if (!has_suffix(de->d_name, ".csv") && !has_suffix(de->d_name, ".xlsx")) continue;
        char path[512], expect[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(expect, sizeof expect, "%s/%.*s.expect.json", dir,
                 (int)(strrchr(de->d_name, '.') - de->d_name), de->d_name);
        json_error_t je;
        json_t *want = json_load_file(expect, 0, &je);
        char name[300];
        snprintf(name, sizeof name, "%s (file)", de->d_name);
        test_case(name);
        if (!CHECK(want != NULL)) continue;
        run_case(path, NULL, 0, want);
        size_t len;
        char *data = test_read_file(path, &len);
        snprintf(name, sizeof name, "%s (memory)", de->d_name);
        test_case(name);
        if (CHECK(data != NULL)) run_case(de->d_name, data, len, want);
        free(data);
        json_decref(want);
        n++;
    }
    closedir(d);
    test_case("count");
    CHECK(n >= 10);
}

/* ---- readers on their own ---- */

struct collect {
    char text[4096];
    int n_rows, n_bad;
    char last[64]; /* the last row's first cell */
};

static int collect_row(void *ctx, const struct import_row *row) {
    struct collect *c = ctx;
    size_t o = strlen(c->text);
    if (row->bad) {
        c->n_bad++;
        snprintf(c->text + o, sizeof c->text - o, "[%d:bad@%d:%d]", row->row, row->bad->line,
                 row->bad->col);
        return 0;
    }
    c->n_rows++;
    if (row->n) snprintf(c->last, sizeof c->last, "%.*s", (int)row->cells[0].len, row->cells[0].s);
    o += (size_t)snprintf(c->text + o, sizeof c->text - o, "[%d:%d", row->row, row->line);
    for (int i = 0; i < row->n && o < sizeof c->text; i++)
        o += (size_t)snprintf(c->text + o, sizeof c->text - o, "|%d=%.*s", row->cells[i].col,
                              (int)row->cells[i].len, row->cells[i].s);
    if (o < sizeof c->text) snprintf(c->text + o, sizeof c->text - o, "]");
    return 0;
}

static void csv_expect(const char *in, const char *want) {
    struct collect c = {{0}, 0, 0, {0}};
    struct import_reader_opts o = {collect_row, NULL, &c, NULL};
    struct error err;
    error_clear(&err);
    test_case(in);
    CHECK_INT(import_read_csv(in, strlen(in), &o, &err), 0);
    CHECK_STR(c.text, want);
}

TEST(import_csv_reader) {
    csv_expect("a,b\n1,2\n", "[1:1|0=a|1=b][2:2|0=1|1=2]");
    csv_expect("a,b\r\n1,2", "[1:1|0=a|1=b][2:2|0=1|1=2]");
    csv_expect("a,b\r1,2\r", "[1:1|0=a|1=b][2:2|0=1|1=2]");
    csv_expect("a,\"b\"\"c\"\n\"x\ny\",\n", "[1:1|0=a|1=b\"c][2:2|0=x\ny|1=]");
    csv_expect("a\n\nb\n", "[1:1|0=a][3:3|0=b]");
    csv_expect("x\n\"\"\n,\n", "[1:1|0=x][3:3|0=|1=]");
    csv_expect("a\n\"open\nb\nc\n", "[1:1|0=a][2:bad@2:1][3:3|0=b][4:4|0=c]");
    csv_expect("a\n\"x\"y,z\nq\n", "[1:1|0=a][2:bad@2:1][3:3|0=q]");
    csv_expect("a\tb\tc,d\n1\t2,3\t\n", "[1:1|0=a|1=b|2=c,d][2:2|0=1|1=2,3|2=]");
    csv_expect("x\n\"a\"\"\n\"\"b\"\n", "[1:1|0=x][2:2|0=a\"\n\"b]");
    /* 中 split across two fields: each alone is bad UTF-8 though the record's bytes are valid */
    csv_expect("统一社会信用代码,企业名称\n\xe4\xb8,\xad\n",
               "[1:1|0=统一社会信用代码|1=企业名称][2:bad@2:1]");
}

TEST(import_csv_large_record) {
    /* an unterminated quote followed by more than the record limit: the row is broken and the
     * reader resumes on the next line, in bounded memory */
    size_t n = (2u << 20) + 100;
    char *big = malloc(n + 64);
    if (!CHECK(big != NULL)) return;
    strcpy(big, "h\n\"");
    size_t o = strlen(big);
    for (size_t i = 0; o < n; i++)
        big[o++] = (i % 50 == 49) ? '\n' : 'x';
    strcpy(big + o, "\nlast\n");
    struct collect c = {{0}, 0, 0, {0}};
    struct import_reader_opts ro = {collect_row, NULL, &c, NULL};
    CHECK_INT(import_read_csv(big, strlen(big), &ro, NULL), 0);
    CHECK(c.n_bad >= 1);
    CHECK_STR(c.last, "last");
    free(big);
}

TEST(import_column_letters) {
    char b[8];
    CHECK_STR(import_col_letters(0, b, sizeof b), "A");
    CHECK_STR(import_col_letters(25, b, sizeof b), "Z");
    CHECK_STR(import_col_letters(26, b, sizeof b), "AA");
    CHECK_STR(import_col_letters(701, b, sizeof b), "ZZ");
    CHECK_STR(import_col_letters(702, b, sizeof b), "AAA");
}

/* ---- XLSX built with libxlsxwriter ---- */

static void tmp_path(char *buf, size_t n, const char *name) {
    snprintf(buf, n, "/tmp/duijie-import-test-%d-%s", (int)getpid(), name);
}

/* Writes a workbook with a header and rows exercising every cell kind the reader knows. */
static bool write_workbook(const char *path, bool is_constant_memory) {
    lxw_workbook_options opt = {.constant_memory = is_constant_memory ? LXW_TRUE : LXW_FALSE,
                                .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) return false;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "企业");
    lxw_format *builtin_date = workbook_add_format(wb);
    format_set_num_format_index(builtin_date, 14);
    lxw_format *custom_date = workbook_add_format(wb);
    format_set_num_format(custom_date, "yyyy\"年\"m\"月\"d\"日\"");
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00");
    const char *heads[] = {"统一社会信用代码", "企业名称", "成立日期", "营业收入",
                           "从业人员",         "失信",     "注册地"};
    for (int i = 0; i < 7; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, heads[i], NULL);
    lxw_datetime d1 = {2015, 3, 1, 0, 0, 0}, d2 = {1999, 12, 31, 0, 0, 0};
    /* row 2: numbers, builtin date, boolean */
    worksheet_write_string(ws, 1, 0, "91370212MA3C000013", NULL);
    worksheet_write_string(ws, 1, 1, "青岛海岸智能科技有限公司", NULL);
    worksheet_write_datetime(ws, 1, 2, &d1, builtin_date);
    worksheet_write_number(ws, 1, 3, 32000000.5, money);
    worksheet_write_number(ws, 1, 4, 120, NULL);
    worksheet_write_boolean(ws, 1, 5, 0, NULL);
    worksheet_write_string(ws, 1, 6, "崂山区", NULL);
    /* row 3: custom date format, amount with a unit as text, a gap in column G */
    worksheet_write_string(ws, 2, 0, "91370212MA3C000026", NULL);
    worksheet_write_string(ws, 2, 1, "乙", NULL);
    worksheet_write_datetime(ws, 2, 2, &d2, custom_date);
    worksheet_write_string(ws, 2, 3, "1.5亿", NULL);
    worksheet_write_number(ws, 2, 4, 1e3, NULL);
    worksheet_write_boolean(ws, 2, 5, 1, NULL);
    /* row 4: a bad amount in column D and a bad USCC in column A */
    worksheet_write_string(ws, 3, 0, "91370212MA3C000027", NULL);
    worksheet_write_string(ws, 3, 3, "很多", NULL);
    /* row 6 (row 5 empty): a fraction of a fen in a number cell */
    worksheet_write_string(ws, 5, 0, "91370211MA3C00003T", NULL);
    worksheet_write_number(ws, 5, 3, 0.001, NULL);
    return workbook_close(wb) == LXW_NO_ERROR;
}

static void check_workbook(const char *path) {
    struct mem_sink m;
    struct import_sink sink;
    mem_init(&m, &sink);
    struct import_options o = {0};
    struct import_result r;
    import_result_init(&r);
    struct error err;
    error_clear(&err);
    CHECK_INT(import_run_file(path, &o, &sink, &r, &err), 0);
    CHECK_STR(r.format, "xlsx");
    CHECK_STR(r.info.sheet, "企业");
    CHECK_INT(r.rows_read, 4);
    CHECK_INT(r.rows_valid, 2);
    CHECK_INT(r.rows_rejected, 2);
    CHECK_INT(m.n, 2);
    if (m.n == 2) {
        char buf[64];
        CHECK_STR(date_format((int32_t)m.rows[0].v[F_ESTABLISHED].i, buf, sizeof buf),
                  "2015-03-01");
        CHECK_INT(m.rows[0].v[F_REVENUE].i, 3200000050);
        CHECK_INT(m.rows[0].v[F_EMPLOYEES].i, 120);
        CHECK_INT(m.rows[0].v[F_DISHONEST].i, 0);
        CHECK_STR(m.rows[0].v[F_NAME].s, "青岛海岸智能科技有限公司");
        CHECK_STR(date_format((int32_t)m.rows[1].v[F_ESTABLISHED].i, buf, sizeof buf),
                  "1999-12-31");
        CHECK_INT(m.rows[1].v[F_REVENUE].i, 15000000000);
        CHECK_INT(m.rows[1].v[F_EMPLOYEES].i, 1000);
        CHECK_INT(m.rows[1].v[F_DISHONEST].i, 1);
        CHECK(!m.rows[1].v[F_REGION].has);
    }
    CHECK_INT(r.n_issues_kept, 3);
    if (r.n_issues_kept == 3) {
        CHECK_INT(r.errors[0].row, 4);
        CHECK_STR(r.errors[0].column, "A");
        CHECK_STR(r.errors[0].field, "uscc");
        CHECK_STR(r.errors[1].column, "D");
        CHECK_STR(r.errors[1].field, "revenue");
        CHECK_INT(r.errors[2].row, 6);
        CHECK_STR(r.errors[2].column, "D");
    }
    import_result_release(&r);
    mem_release(&m);
}

TEST(import_xlsx_shared_strings) {
    char path[256];
    tmp_path(path, sizeof path, "shared.xlsx");
    if (!CHECK(write_workbook(path, false))) return;
    check_workbook(path);
    unlink(path);
}

TEST(import_xlsx_inline_strings) {
    char path[256];
    tmp_path(path, sizeof path, "inline.xlsx");
    if (!CHECK(write_workbook(path, true))) return; /* constant memory: inline strings */
    check_workbook(path);
    /* the same bytes from memory, named without .xlsx: detected by content */
    size_t len;
    char *data = test_read_file(path, &len);
    if (CHECK(data != NULL)) {
        struct import_options o = {.is_dry_run = true};
        struct import_result r;
        import_result_init(&r);
        CHECK_INT(import_run_buffer(data, len, "upload.bin", &o, NULL, &r, NULL), 0);
        CHECK_STR(r.format, "xlsx");
        CHECK_INT(r.rows_valid, 2);
        CHECK_INT(r.rows_stored, 0);
        import_result_release(&r);
    }
    free(data);
    unlink(path);
}

TEST(import_xlsx_not_a_zip) {
    const char junk[] = "PK\x03\x04 this is not really a zip file";
    struct import_options o = {.is_dry_run = true};
    struct import_result r;
    import_result_init(&r);
    struct error err;
    error_clear(&err);
    CHECK(import_run_buffer(junk, sizeof junk - 1, "x.xlsx", &o, NULL, &r, &err) < 0);
    CHECK(err.zh[0] != 0 && err.en[0] != 0);
    import_result_release(&r);
    const char xls[] = "\xD0\xCF\x11\xE0 old excel";
    import_result_init(&r);
    CHECK_INT(import_run_buffer(xls, sizeof xls - 1, "x.xls", &o, NULL, &r, &err), ERR_UNSUPPORTED);
    import_result_release(&r);
}

TEST(import_template_round_trip) {
    char path[256];
    tmp_path(path, sizeof path, "template.xlsx");
    struct error err;
    error_clear(&err);
    int trc = import_write_template(path, &err);
    CHECK_INT(trc, 0);
    if (trc) return;
    struct mem_sink m;
    struct import_sink sink;
    mem_init(&m, &sink);
    struct import_options o = {0};
    struct import_result r;
    import_result_init(&r);
    CHECK_INT(import_run_file(path, &o, &sink, &r, &err), 0);
    CHECK_INT(r.rows_valid, 1);
    CHECK_INT(r.n_errors, 0);
    CHECK_INT(r.n_warnings, 0);
    int importable = 0;
    for (int f = 0; f < F_COUNT; f++)
        if (!schema_field((enum field_id)f)->is_derived) importable++;
    CHECK_INT(r.n_mapped, importable);
    if (m.n == 1)
        for (int f = 0; f < F_COUNT; f++) {
            if (schema_field((enum field_id)f)->is_derived) continue;
            test_case(schema_field((enum field_id)f)->key);
            CHECK(m.rows[0].v[f].has);
        }
    import_result_release(&r);
    mem_release(&m);
    unlink(path);
}

/* ---- the transaction ---- */

static const char tx_csv[] = "uscc,name\n91370212MA3C000013,a\nbad,b\n91370212MA3C000026,c\n";

TEST(import_sink_failure_rolls_back) {
    struct mem_sink m;
    struct import_sink sink;
    mem_init(&m, &sink);
    m.fail_at = 2;
    struct import_options o = {0};
    struct import_result r;
    import_result_init(&r);
    struct error err;
    error_clear(&err);
    CHECK_INT(import_run_buffer(tx_csv, sizeof tx_csv - 1, "t.csv", &o, &sink, &r, &err), ERR_DB);
    CHECK_INT(m.n_begin, 1);
    CHECK_INT(m.n_commit, 0);
    CHECK_INT(m.n_rollback, 1);
    CHECK_INT(r.rows_stored, 0);
    import_result_release(&r);
    mem_release(&m);
}

TEST(import_dry_run_stores_nothing) {
    struct mem_sink m;
    struct import_sink sink;
    mem_init(&m, &sink);
    struct import_options o = {.is_dry_run = true};
    struct import_result r;
    import_result_init(&r);
    CHECK_INT(import_run_buffer(tx_csv, sizeof tx_csv - 1, "t.csv", &o, &sink, &r, NULL), 0);
    CHECK_INT(m.n_begin, 0);
    CHECK_INT(m.n, 0);
    CHECK_INT(r.rows_valid, 2);
    CHECK_INT(r.rows_rejected, 1);
    json_t *j = import_result_to_json(&r);
    CHECK_INT(json_integer_value(json_object_get(j, "rejected")), 1);
    json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
    CHECK_INT(json_integer_value(json_object_get(e0, "row")), 3);
    CHECK_STR(json_string_value(json_object_get(e0, "column")), "1");
    CHECK_STR(json_string_value(json_object_get(e0, "field")), "uscc");
    json_decref(j);
    import_result_release(&r);
    mem_release(&m);
}

static void count_issue(void *ctx, const struct import_issue *e, bool is_warning) {
    (void)e;
    if (!is_warning) (*(int *)ctx)++;
}

TEST(import_issue_limit_and_callback) {
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "uscc,employees\n");
    for (int i = 0; i < 250; i++)
        buf_puts(&b, "91370212MA3C000013,很多\n");
    int seen = 0;
    struct import_options o = {
        .is_dry_run = true, .max_issues = 100, .on_issue = count_issue, .ctx = &seen};
    struct import_result r;
    import_result_init(&r);
    CHECK_INT(import_run_buffer(b.data, b.len, "n.csv", &o, NULL, &r, NULL), 0);
    CHECK_INT(r.n_errors, 250);
    CHECK_INT(r.n_issues_kept, 100);
    CHECK_INT(seen, 250);
    import_result_release(&r);
    buf_release(&b);
}

/* Inputs `make fuzz` (fuzz/amount.c) found overflowing int64 in src/text/number.c; under the
 * sanitizer build these failed as undefined behaviour. Each must now be a clean error. */
TEST(import_amount_overflow_regressions) {
    static const char *bad[] = {"九千九百万亿亿亿亿元", "一千亿亿亿", "百分之1.0000000000000000001",
                                "1.00000000000000001%"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        test_case(bad[i]);
        int64_t fen = 0;
        struct error err;
        error_clear(&err);
        CHECK(text_parse_money(bad[i], strlen(bad[i]), &fen, &err) != 0);
        struct ratio r;
        text_parse_ratio(bad[i], strlen(bad[i]), &r, NULL);
    }
    int64_t fen = 0;
    test_case("largest");
    CHECK_INT(text_parse_money("92233720368547758元", strlen("92233720368547758元"), &fen, NULL),
              0);
    CHECK_INT(fen, 9223372036854775800);
}

/* ---- XLSX written by hand: what other producers (Excel, WPS) put in a package ---- */

static bool write_package(const char *path, const char *const *parts) {
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z) return false;
    for (int i = 0; parts[i]; i += 2) {
        zip_source_t *src = zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0);
        if (!src || zip_file_add(z, parts[i], src, ZIP_FL_ENC_UTF_8) < 0) {
            zip_source_free(src);
            zip_discard(z);
            return false;
        }
    }
    return zip_close(z) == 0;
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* A 1904-dated workbook whose first sheet sits at an absolute, unusual path under an unusual
 * relationship prefix; rich text with phonetic runs; inline, formula and ISO date strings; a
 * number in E notation and one with binary noise; a cellStyleXfs list that must not count; cells
 * without references; an error cell. */
static const char *const hand_parts[] = {
    "_rels/.rels",
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"" NS_REL "/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>",
    "xl/workbook.xml",
    "<?xml version=\"1.0\"?><workbook xmlns=\"" NS_MAIN "\" xmlns:rel=\"" NS_REL "\">"
    "<workbookPr date1904=\"1\"/><sheets><sheet name=\"名单\" sheetId=\"3\" rel:id=\"rId7\"/>"
    "<sheet name=\"other\" sheetId=\"1\" rel:id=\"rId1\"/></sheets></workbook>",
    "xl/_rels/workbook.xml.rels",
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId7\" Type=\"" NS_REL "/worksheet\" "
    "Target=\"/xl/data/list.xml\"/></Relationships>",
    "xl/sharedStrings.xml",
    "<?xml version=\"1.0\"?><sst xmlns=\"" NS_MAIN "\"><si><r><t>青岛</t></r><r><rPr/><t "
    "xml:space=\"preserve\">海岸</t></r><rPh sb=\"0\" eb=\"2\"><t>チンタオ</t></rPh></si></sst>",
    "xl/styles.xml",
    "<?xml version=\"1.0\"?><styleSheet xmlns=\"" NS_MAIN "\"><numFmts>"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d;@\"/><numFmt numFmtId=\"165\" "
    "formatCode=\"#,##0.00&quot;元&quot;\"/></numFmts><cellStyleXfs><xf numFmtId=\"14\"/>"
    "<xf numFmtId=\"14\"/></cellStyleXfs><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
    "<xf numFmtId=\"165\"/></cellXfs></styleSheet>",
    "xl/worksheets/sheet1.xml",
    "<?xml version=\"1.0\"?><worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" "
    "t=\"inlineStr\"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>",
    "xl/data/list.xml",
    "<?xml version=\"1.0\"?><worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>统一社会信用代码</t></is></c>"
    "<c r=\"B1\" t=\"inlineStr\"><is><t>企业名称</t></is></c><c r=\"C1\" t=\"inlineStr\"><is>"
    "<t>成立日期</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>营业收入</t></is></c>"
    "<c r=\"E1\" t=\"inlineStr\"><is><t>从业人员</t></is></c><c r=\"F1\" t=\"inlineStr\"><is>"
    "<t>失信</t></is></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>91370212MA3C000013</t></is></c>"
    "<c r=\"B2\" t=\"s\"><v>0</v></c><c r=\"C2\" s=\"1\"><v>366</v></c>"
    "<c r=\"D2\" s=\"2\"><v>1.5E7</v></c><c r=\"E2\"><v>12</v></c><c r=\"F2\" t=\"b\"><v>0</v>"
    "</c></row>"
    "<row r=\"3\"><c t=\"inlineStr\"><is><t>91370212MA3C000026</t></is></c>"
    "<c t=\"str\"><f>\"乙\"</f><v>乙</v></c><c t=\"d\"><v>2020-05-06T00:00:00</v></c>"
    "<c><v>0.30000000000000004</v></c><c s=\"2\"><v>7</v></c><c t=\"b\"><v>1</v></c></row>"
    "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>91370211MA3C00003T</t></is></c>"
    "<c r=\"D5\" t=\"e\"><v>#N/A</v></c></row>"
    "</sheetData></worksheet>",
    NULL};

TEST(import_xlsx_by_hand) {
    char path[256];
    tmp_path(path, sizeof path, "hand.xlsx");
    if (!CHECK(write_package(path, hand_parts))) return;
    struct mem_sink m;
    struct import_sink sink;
    mem_init(&m, &sink);
    struct import_options o = {0};
    struct import_result r;
    import_result_init(&r);
    struct error err;
    error_clear(&err);
    CHECK_INT(import_run_file(path, &o, &sink, &r, &err), 0);
    CHECK_STR(r.info.sheet, "名单");
    CHECK_INT(r.rows_read, 3);
    CHECK_INT(r.rows_valid, 2);
    CHECK_INT(m.n, 2);
    char buf[32];
    if (m.n == 2) {
        CHECK_STR(m.rows[0].v[F_NAME].s, "青岛海岸");
        CHECK_STR(date_format((int32_t)m.rows[0].v[F_ESTABLISHED].i, buf, sizeof buf),
                  "1905-01-01");
        CHECK_INT(m.rows[0].v[F_REVENUE].i, 1500000000);
        CHECK_INT(m.rows[0].v[F_EMPLOYEES].i, 12);
        CHECK_INT(m.rows[0].v[F_DISHONEST].i, 0);
        CHECK_STR(m.rows[1].v[F_NAME].s, "乙");
        CHECK_STR(date_format((int32_t)m.rows[1].v[F_ESTABLISHED].i, buf, sizeof buf),
                  "2020-05-06");
        CHECK_INT(m.rows[1].v[F_REVENUE].i, 30);
        CHECK_INT(m.rows[1].v[F_EMPLOYEES].i, 7);
        CHECK_INT(m.rows[1].v[F_DISHONEST].i, 1);
    }
    CHECK_INT(r.n_issues_kept, 1);
    if (r.n_issues_kept == 1) {
        CHECK_INT(r.errors[0].row, 5);
        CHECK_STR(r.errors[0].column, "D");
        CHECK_STR(r.errors[0].field, "revenue");
    }
    import_result_release(&r);
    mem_release(&m);
    unlink(path);
}

TEST(import_xlsx_broken_packages) {
    char path[256];
    tmp_path(path, sizeof path, "broken.xlsx");
    /* no workbook; a sheet with bad XML; a workbook without sheets */
    const char *const no_workbook[] = {"xl/styles.xml", "<styleSheet/>", NULL};
    const char *const bad_xml[] = {
        hand_parts[0], hand_parts[1], hand_parts[2],      hand_parts[3],
        hand_parts[4], hand_parts[5], "xl/data/list.xml", "<worksheet><sheetData><row r=\"1\"><c>",
        NULL};
    const char *const no_sheet[] = {"xl/workbook.xml", "<workbook><sheets/></workbook>", NULL};
    const char *const *cases[] = {no_workbook, bad_xml, no_sheet};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char name[16];
        snprintf(name, sizeof name, "case %zu", i);
        test_case(name);
        if (!CHECK(write_package(path, cases[i]))) continue;
        struct import_options o = {.is_dry_run = true};
        struct import_result r;
        import_result_init(&r);
        struct error err;
        error_clear(&err);
        CHECK(import_run_file(path, &o, NULL, &r, &err) < 0);
        CHECK(err.zh[0] != 0 && err.en[0] != 0);
        import_result_release(&r);
    }
    unlink(path);
}

/* A GB18030 file many decoding chunks long: characters cut at chunk edges must come out whole. */
TEST(import_gb18030_large) {
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "统一社会信用代码,企业名称,注册地\r\n");
    static const char CH[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    int n = 6000;
    for (int i = 0; i < n; i++) {
        char code[32];
        snprintf(code, sizeof code, "91370212MA%07d", i);
        int t = 0, w = 1;
        for (int k = 0; k < 17; k++, w = w * 3 % 31)
            t += (int)(strchr(CH, code[k]) - CH) * w;
        int c = 31 - t % 31;
        buf_printf(&b, "%s%c,青岛第%d号测试企业（崂山）有限公司,崂山区\r\n", code,
                   CH[c == 31 ? 0 : c], i);
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t cap = (int32_t)b.len * 2;
    char *gb = malloc((size_t)cap);
    int32_t gb_len = ucnv_convert("GB18030", "UTF-8", gb, cap, b.data, (int32_t)b.len, &st);
    if (!CHECK(U_SUCCESS(st))) return;
    CHECK(gb_len > 4 * 65536);
    struct mem_sink m;
    struct import_sink sink;
    mem_init(&m, &sink);
    struct import_options o = {0};
    struct import_result r;
    import_result_init(&r);
    CHECK_INT(import_run_buffer(gb, (size_t)gb_len, "gb.csv", &o, &sink, &r, NULL), 0);
    CHECK_STR(r.info.encoding, "GB18030");
    CHECK_INT(r.rows_valid, n);
    CHECK_INT(r.n_errors, 0);
    if (m.n == n) {
        CHECK_STR(m.rows[0].v[F_NAME].s, "青岛第0号测试企业（崂山）有限公司");
        CHECK_STR(m.rows[n - 1].v[F_NAME].s, "青岛第5999号测试企业（崂山）有限公司");
    }
    import_result_release(&r);
    mem_release(&m);
    free(gb);
    buf_release(&b);
}
