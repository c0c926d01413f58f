/* Export of a table of typed cells to XLSX (libxlsxwriter, through a temporary file) and CSV
 * (UTF-8 with BOM, RFC 4180 quoting via import_csv_write_field). Owns the money and date cell
 * rules described in export.h; does not know what the rows mean or where they come from. */
#include "export/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "import/import.h"
#include "util/date.h"
#include "util/num.h"
#include "util/utf8.h"

#define XLSX_MAX_ROWS 1048576
#define XLSX_MAX_STRING 32767
#define EXACT_INT_MAX ((int64_t)1 << 53)

int export_format_from_name(const char *name) {
    if (!name) return -1;
    if (strcmp(name, "csv") == 0) return EXPORT_CSV;
    if (strcmp(name, "xlsx") == 0) return EXPORT_XLSX;
    return -1;
}

const char *export_content_type(enum export_format f) {
    return f == EXPORT_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            : "text/csv; charset=utf-8";
}

const char *export_extension(enum export_format f) {
    return f == EXPORT_XLSX ? "xlsx" : "csv";
}

static int check_table(const struct export_table *t, struct error *err) {
    for (int c = 0; c < t->n_cols; c++) {
        if (t->cols[c].type < EXPORT_TEXT || t->cols[c].type > EXPORT_DATE)
            return error_set(err, ERR_INVALID, "导出列 %s 的类型无效", "export column %s: bad type",
                             t->cols[c].key);
        if (!t->cols[c].header ||
            !utf8_is_valid(t->cols[c].header, strlen(t->cols[c].header), NULL))
            return error_set(err, ERR_UTF8, "导出列 %s 的表头不是有效的 UTF-8",
                             "export column %s: header is not valid UTF-8", t->cols[c].key);
    }
    for (int r = 0; r < t->n_rows; r++)
        for (int c = 0; c < t->n_cols; c++) {
            const struct export_cell *x = &t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c];
            if (t->cols[c].type != EXPORT_TEXT || x->is_null || !x->s) continue;
            if (!utf8_is_valid(x->s, strlen(x->s), NULL)) {
                error_set(err, ERR_UTF8, "第 %d 行 %s 列不是有效的 UTF-8",
                          "row %d, column %s: not valid UTF-8", r + 1, t->cols[c].key);
                return error_field(err, t->cols[c].key);
            }
        }
    return 0;
}

/* The text of a non-text cell as CSV writes it (and as an XLSX reader must read it back). */
static const char *cell_text(enum export_type type, const struct export_cell *x, char *buf,
                             size_t n) {
    if (x->is_null) return "";
    switch (type) {
    case EXPORT_TEXT:
        return x->s ? x->s : "";
    case EXPORT_INT:
        snprintf(buf, n, "%lld", (long long)x->i);
        return buf;
    case EXPORT_MONEY:
        return money_format_yuan(x->i, buf, n);
    case EXPORT_DATE:
        if (x->i < INT32_MIN || x->i > INT32_MAX) return "";
        return date_format((int32_t)x->i, buf, n);
    }
    return "";
}

/* ---- CSV ---- */

static void csv_text(FILE *f, const char *s, bool is_last) {
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
        size_t n = strlen(s);
        char *q = malloc(n + 2);
        if (q) {
            q[0] = '\'';
            memcpy(q + 1, s, n + 1);
            import_csv_write_field(f, q, is_last);
            free(q);
            return;
        }
    }
    import_csv_write_field(f, s, is_last);
}

static int write_csv(const struct export_table *t, FILE *f) {
    fputs("\xEF\xBB\xBF", f);
    for (int c = 0; c < t->n_cols; c++)
        csv_text(f, t->cols[c].header, c == t->n_cols - 1);
    char buf[64];
    for (int r = 0; r < t->n_rows; r++)
        for (int c = 0; c < t->n_cols; c++) {
            const struct export_cell *x = &t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c];
            bool is_last = c == t->n_cols - 1;
            if (t->cols[c].type == EXPORT_TEXT)
                csv_text(f, x->is_null || !x->s ? "" : x->s, is_last);
            else
                import_csv_write_field(f, cell_text(t->cols[c].type, x, buf, sizeof buf), is_last);
        }
    return ferror(f) ? ERR_IO : 0;
}

/* ---- XLSX ---- */

struct xlsx_formats {
    lxw_format *header, *money, *date;
};

/* Writes money as a number of 元 only when the number text libxlsxwriter puts in the file is the
 * exact 元 text; the double is the nearest to that decimal, and the check proves the file holds
 * exactly the decimal (as "%.16G" prints it, trailing zeros dropped). */
static lxw_error write_money(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t fen,
                             lxw_format *fmt) {
    char exact[32], wrote[64], want[32];
    money_format_yuan(fen, exact, sizeof exact);
    double d = strtod(exact, NULL);
    snprintf(wrote, sizeof wrote, "%.16G", d);
    /* the exact text with trailing zeros of the decimals (and a bare point) dropped */
    snprintf(want, sizeof want, "%s", exact);
    size_t n = strlen(want);
    while (n > 0 && want[n - 1] == '0')
        want[--n] = 0;
    if (n > 0 && want[n - 1] == '.') want[--n] = 0;
    if (strcmp(want, "-0") == 0) snprintf(want, sizeof want, "0");
    if (strcmp(wrote, want) == 0) return worksheet_write_number(ws, row, col, d, fmt);
    return worksheet_write_string(ws, row, col, exact, NULL);
}

static lxw_error write_xlsx_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                 enum export_type type, const struct export_cell *x,
                                 const struct xlsx_formats *fm) {
    char buf[32];
    if (x->is_null) return LXW_NO_ERROR;
    switch (type) {
    case EXPORT_TEXT:
        if (!x->s || !x->s[0]) return LXW_NO_ERROR;
        return worksheet_write_string(ws, row, col, x->s, NULL);
    case EXPORT_INT:
        if (x->i > -EXACT_INT_MAX && x->i < EXACT_INT_MAX)
            return worksheet_write_number(ws, row, col, (double)x->i, NULL);
        return worksheet_write_string(ws, row, col, cell_text(type, x, buf, sizeof buf), NULL);
    case EXPORT_MONEY:
        return write_money(ws, row, col, x->i, fm->money);
    case EXPORT_DATE: {
        if (x->i < INT32_MIN || x->i > INT32_MAX) return LXW_NO_ERROR;
        int y, m, d;
        date_to_ymd((int32_t)x->i, &y, &m, &d);
        if (y < 1900 || y > 9999)
            return worksheet_write_string(ws, row, col, cell_text(type, x, buf, sizeof buf), NULL);
        lxw_datetime dt = {.year = y, .month = m, .day = d};
        return worksheet_write_datetime(ws, row, col, &dt, fm->date);
    }
    }
    return LXW_NO_ERROR;
}

static int write_xlsx(const struct export_table *t, const char *path, struct error *err) {
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) return error_set(err, ERR_IO, "无法创建 %s", "cannot create %s", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet ? t->sheet : NULL);
    struct xlsx_formats fm = {workbook_add_format(wb), workbook_add_format(wb),
                              workbook_add_format(wb)};
    format_set_bold(fm.header);
    format_set_num_format(fm.money, "#,##0.00");
    format_set_num_format(fm.date, "yyyy-mm-dd");
    lxw_error e = ws ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    for (int c = 0; c < t->n_cols && !e; c++) {
        e = worksheet_write_string(ws, 0, (lxw_col_t)c, t->cols[c].header, fm.header);
        if (!e) e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 16, NULL);
    }
    int bad_row = 0, bad_col = 0;
    for (int r = 0; r < t->n_rows && !e; r++)
        for (int c = 0; c < t->n_cols && !e; c++) {
            e = write_xlsx_cell(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, t->cols[c].type,
                                &t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c], &fm);
            bad_row = r + 1, bad_col = c;
        }
    lxw_error ce = workbook_close(wb);
    if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
        error_set(err, ERR_TOO_LARGE, "第 %d 行 %s 列超过 Excel 单元格的 32767 个字符",
                  "row %d, column %s: longer than an Excel cell's 32767 characters", bad_row,
                  t->cols[bad_col].key);
        return error_field(err, t->cols[bad_col].key);
    }
    if (e || ce)
        return error_set(err, ERR_IO, "写入 XLSX 失败: %s", "writing the XLSX failed: %s",
                         lxw_strerror(e ? e : ce));
    return 0;
}

static int check_size(const struct export_table *t, enum export_format f, struct error *err) {
    if (t->n_cols <= 0 || t->n_rows < 0)
        return error_set(err, ERR_INVALID, "导出表没有列", "the export has no columns");
    if (f == EXPORT_XLSX && (t->n_rows + 1 > XLSX_MAX_ROWS || t->n_cols > 16384))
        return error_set(err, ERR_TOO_LARGE, "%d 行超过 Excel 的行数上限，请导出 CSV",
                         "%d rows are more than Excel holds; export CSV instead", t->n_rows);
    return check_table(t, err);
}

int export_write_file(const struct export_table *t, enum export_format f, const char *path,
                      struct error *err) {
    int rc = check_size(t, f, err);
    if (rc) return rc;
    if (f == EXPORT_XLSX) return write_xlsx(t, path, err);
    FILE *fp = fopen(path, "wb");
    if (!fp) return error_set(err, ERR_IO, "无法创建 %s", "cannot create %s", path);
    rc = write_csv(t, fp);
    if (fclose(fp) != 0 || rc) {
        unlink(path);
        return error_set(err, ERR_IO, "写入 %s 失败", "writing %s failed", path);
    }
    return 0;
}

static int read_whole(const char *path, char **out, size_t *len, struct error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return error_set(err, ERR_IO, "无法读取 %s", "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        fclose(f);
        return error_set(err, ERR_IO, "无法读取 %s", "cannot read %s", path);
    }
    fclose(f);
    *out = p;
    *len = (size_t)n;
    return 0;
}

int export_write_buffer(const struct export_table *t, enum export_format f, char **out, size_t *len,
                        struct error *err) {
    *out = NULL;
    *len = 0;
    int rc = check_size(t, f, err);
    if (rc) return rc;
    if (f == EXPORT_CSV) {
        FILE *mf = open_memstream(out, len);
        if (!mf) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        rc = write_csv(t, mf);
        if (fclose(mf) != 0 || rc) {
            free(*out);
            *out = NULL;
            return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        }
        return 0;
    }
    /* libxlsxwriter 1.1.4 writes only to files: a private temporary file, read back whole */
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/duijie-export-XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) return error_set(err, ERR_IO, "无法创建临时文件", "cannot create a temporary file");
    close(fd);
    rc = write_xlsx(t, path, err);
    if (!rc) rc = read_whole(path, out, len, err);
    unlink(path);
    return rc;
}

/* ---- from JSON ---- */

static int json_cell(const struct export_column *col, const json_t *v, struct export_cell *x,
                     int row, struct arena *a, struct error *err) {
    x->is_null = !v || json_is_null(v);
    if (x->is_null) return 0;
    if (col->type == EXPORT_TEXT) {
        char buf[32];
        if (json_is_string(v))
            x->s = json_string_value(v);
        else if (json_is_integer(v))
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v)), x->s = buf;
        else if (json_is_boolean(v))
            x->s = json_is_true(v) ? "是" : "否";
        else
            goto bad;
        if (x->s == buf && !(x->s = arena_strdup(a, buf)))
            return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        return 0;
    }
    if (json_is_integer(v)) {
        x->i = json_integer_value(v);
        return 0;
    }
    if (col->type == EXPORT_DATE && json_is_string(v)) {
        int32_t d;
        const char *s = json_string_value(v);
        if (!s[0]) {
            x->is_null = true;
            return 0;
        }
        if (date_parse(s, strlen(s), &d, err)) goto bad;
        x->i = d;
        return 0;
    }
bad:
    error_set(err, ERR_INVALID, "第 %d 行 %s 的值类型不对", "row %d, %s: wrong type of value", row,
              col->key);
    return error_field(err, col->key);
}

int export_cells_from_json(const struct export_column *cols, int n_cols, const json_t *rows,
                           struct arena *a, struct export_cell **cells, int *n_rows,
                           struct error *err) {
    *cells = NULL;
    *n_rows = 0;
    if (!json_is_array(rows))
        return error_set(err, ERR_INVALID, "导出的行必须是数组", "export rows must be an array");
    size_t n = json_array_size(rows);
    struct export_cell *x = calloc(n * (size_t)n_cols + 1, sizeof *x);
    if (!x) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (size_t r = 0; r < n; r++) {
        const json_t *o = json_array_get(rows, r);
        for (int c = 0; c < n_cols; c++) {
            const json_t *v = json_is_object(o) ? json_object_get(o, cols[c].key) : NULL;
            struct export_cell *cell = &x[r * (size_t)n_cols + (size_t)c];
            int rc = json_cell(&cols[c], v, cell, (int)r + 1, a, err);
            if (rc) {
                free(x);
                return rc;
            }
        }
    }
    *cells = x;
    *n_rows = (int)n;
    return 0;
}

int export_json(const struct export_column *cols, int n_cols, const json_t *rows, const char *sheet,
                enum export_format f, char **out, size_t *len, struct error *err) {
    struct arena a;
    arena_init(&a, 4096);
    struct export_cell *cells = NULL;
    int n = 0;
    int rc = export_cells_from_json(cols, n_cols, rows, &a, &cells, &n, err);
    if (!rc) {
        struct export_table t = {sheet, cols, n_cols, cells, n};
        rc = export_write_buffer(&t, f, out, len, err);
    }
    free(cells);
    arena_release(&a);
    return rc;
}
