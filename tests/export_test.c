/* Tests for src/export: a table of every cell type (Chinese text with commas, quotes, line breaks
 * and a would-be formula; integers; money from 0 to the largest fen; dates) is written to CSV and
 * XLSX, on disk and in memory, and read back with src/import's readers: every cell must come back
 * as the exact text (money compared in fen, parsed from the decimal without floating point). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/export.h"
#include "import/import.h"
#include "test.h"
#include "util/date.h"
#include "util/num.h"

#define MAX_ROWS 16
#define MAX_COLS 4

struct grid {
    char cell[MAX_ROWS][MAX_COLS][128];
    int n_rows;
};

static int grid_row(void *ctx, const struct import_row *row) {
    struct grid *g = ctx;
    if (row->bad || row->row < 1 || row->row > MAX_ROWS) return 0;
    if (row->row > g->n_rows) g->n_rows = row->row;
    for (int k = 0; k < row->n; k++) {
        const struct import_cell *c = &row->cells[k];
        if (c->col < MAX_COLS && c->len < 128) {
            memcpy(g->cell[row->row - 1][c->col], c->s, c->len);
            g->cell[row->row - 1][c->col][c->len] = 0;
        }
    }
    return 0;
}

/* "12345.6" → 1234560 exactly; false when it is not a decimal of at most 2 places. */
static bool yuan_to_fen(const char *s, int64_t *fen) {
    bool neg = *s == '-';
    if (neg) s++;
    int64_t v = 0;
    int places = -1;
    if (!*s) return false;
    for (; *s; s++) {
        if (*s == '.' && places < 0) {
            places = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || places == 2) return false;
        v = v * 10 + (*s - '0');
        if (places >= 0) places++;
    }
    for (int p = places < 0 ? 0 : places; p < 2; p++)
        v *= 10;
    *fen = neg ? -v : v;
    return true;
}

static const struct export_column cols[] = {
    {"name", "企业名称", EXPORT_TEXT},
    {"n", "件数", EXPORT_INT},
    {"amount", "金额(元)", EXPORT_MONEY},
    {"day", "日期", EXPORT_DATE},
};

static const char *const names[] = {"青岛海尔,股份\"有限\"公司", "第一行\n第二行", "=1+1", "",
                                    "普通"};
static const int64_t amounts[] = {0, 1, -1, 1234567, 99999999999999, 123456789012345678, INT64_MAX};

static void build(struct export_cell *cells, int *n_rows) {
    int n = 7;
    for (int r = 0; r < n; r++) {
        struct export_cell *x = &cells[r * 4];
        x[0] = (struct export_cell){.s = names[r % 5]};
        x[1] = (struct export_cell){.i = r == 6 ? ((int64_t)1 << 60) : r * 1000 - 3};
        x[2] = (struct export_cell){.i = amounts[r]};
        x[3] = r == 3 ? (struct export_cell){.is_null = true}
                      : (struct export_cell){.i = date_from_ymd(2025, 1 + r, 28)};
    }
    *n_rows = n;
}

static void check_grid(const struct grid *g, const struct export_cell *cells, int n_rows,
                       bool is_xlsx) {
    CHECK_INT(g->n_rows, n_rows + 1);
    CHECK_STR(g->cell[0][0], "企业名称");
    CHECK_STR(g->cell[0][2], "金额(元)");
    for (int r = 0; r < n_rows; r++) {
        const struct export_cell *x = &cells[r * 4];
        const char(*got)[128] = g->cell[r + 1];
        if (!is_xlsx && x[0].s[0] == '=') {
            CHECK_STR(got[0], "'=1+1"); /* a formula is defused in CSV */
        } else {
            CHECK_STR(got[0], x[0].s);
        }
        char want[32];
        snprintf(want, sizeof want, "%lld", (long long)x[1].i);
        CHECK_STR(got[1], want);
        int64_t fen = -42;
        CHECK(yuan_to_fen(got[2], &fen));
        CHECK_INT(fen, x[2].i);
        if (x[3].is_null)
            CHECK_STR(got[3], "");
        else
            CHECK_STR(got[3], date_format((int32_t)x[3].i, want, sizeof want));
    }
}

static void roundtrip(enum export_format f) {
    struct export_cell cells[7 * 4];
    int n_rows;
    build(cells, &n_rows);
    struct export_table t = {"导出", cols, 4, cells, n_rows};
    char dir[] = "/tmp/duijie-export-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/t.%s", dir, export_extension(f));
    struct error err = {0};
    CHECK_INT(export_write_file(&t, f, path, &err), 0);
    error_clear(&err); /* the readers return err's code when one is left set */
    struct grid g = {0};
    struct import_reader_opts o = {.on_row = grid_row, .ctx = &g};
    size_t len;
    char *data = test_read_file(path, &len);
    CHECK(data != NULL);
    if (f == EXPORT_CSV) {
        CHECK(len > 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0);
        CHECK_INT(import_read_csv(data, len, &o, &err), 0);
    } else {
        CHECK_INT(import_read_xlsx_file(path, &o, &err), 0);
    }
    check_grid(&g, cells, n_rows, f == EXPORT_XLSX);

    /* the buffer is the same export (XLSX zip timestamps aside: read it back too) */
    char *buf;
    size_t blen;
    CHECK_INT(export_write_buffer(&t, f, &buf, &blen, &err), 0);
    error_clear(&err);
    struct grid g2 = {0};
    o.ctx = &g2;
    if (f == EXPORT_CSV) {
        CHECK(blen == len && memcmp(buf, data, len) == 0);
        CHECK_INT(import_read_csv(buf, blen, &o, &err), 0);
    } else {
        CHECK_INT(import_read_xlsx(buf, blen, &o, &err), 0);
    }
    check_grid(&g2, cells, n_rows, f == EXPORT_XLSX);
    free(buf);
    free(data);
    unlink(path);
    rmdir(dir);
}

TEST(export_csv_roundtrip) {
    roundtrip(EXPORT_CSV);
}
TEST(export_xlsx_roundtrip) {
    roundtrip(EXPORT_XLSX);
}

TEST(export_rejects_bad_input) {
    struct export_cell bad[4] = {{.s = "\xff\xfe"}, {.i = 1}, {.i = 1}, {.i = 1}};
    struct export_table t = {NULL, cols, 4, bad, 1};
    char *buf;
    size_t len;
    struct error err;
    CHECK_INT(export_write_buffer(&t, EXPORT_CSV, &buf, &len, &err), ERR_UTF8);
    CHECK_STR(err.field, "name");
    CHECK_INT(export_write_buffer(&t, EXPORT_XLSX, &buf, &len, &err), ERR_UTF8);
    t.n_cols = 0;
    CHECK_INT(export_write_buffer(&t, EXPORT_CSV, &buf, &len, &err), ERR_INVALID);
    CHECK_INT(export_format_from_name("xlsx"), EXPORT_XLSX);
    CHECK_INT(export_format_from_name("csv"), EXPORT_CSV);
    CHECK_INT(export_format_from_name("pdf"), -1);
}

TEST(export_from_json) {
    json_error_t je;
    json_t *rows = json_loads("[{\"name\":\"甲\",\"n\":3,\"amount\":250,\"day\":\"2025-03-01\"},"
                              "{\"name\":7,\"amount\":null},{\"name\":[1]}]",
                              0, &je);
    struct arena a;
    arena_init(&a, 1024);
    struct export_cell *cells;
    int n;
    struct error err;
    CHECK_INT(export_cells_from_json(cols, 4, rows, &a, &cells, &n, &err), ERR_INVALID);
    CHECK_STR(err.field, "name");
    json_array_remove(rows, 2);
    CHECK_INT(export_cells_from_json(cols, 4, rows, &a, &cells, &n, &err), 0);
    CHECK_INT(n, 2);
    CHECK_STR(cells[0].s, "甲");
    CHECK_INT(cells[2].i, 250);
    CHECK_INT(cells[3].i, date_from_ymd(2025, 3, 1));
    CHECK_STR(cells[4].s, "7");
    CHECK(cells[6].is_null && cells[7].is_null);
    char *buf;
    size_t len;
    struct export_table t = {NULL, cols, 4, cells, n};
    CHECK_INT(export_write_buffer(&t, EXPORT_CSV, &buf, &len, &err), 0);
    CHECK_STR(buf, "\xEF\xBB\xBF企业名称,件数,金额(元),日期\n甲,3,2.50,2025-03-01\n7,,,\n");
    free(buf);
    free(cells);
    arena_release(&a);
    json_decref(rows);
}
