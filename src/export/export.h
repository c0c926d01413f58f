/* Export of any list (applications, payments, queues, audit entries) to XLSX (libxlsxwriter) and
 * CSV: a list of columns (key, Chinese header, type) and rows of cells. Knows nothing of where the
 * rows come from; HTTP handlers and CLI commands build the table and pick the format.
 *
 * Money is int64 fen and is never written through floating point as text:
 *   - CSV: 元 with two decimals, formatted exactly from fen ("12345.67").
 *   - XLSX: a number cell in 元 with the format "#,##0.00" when the number libxlsxwriter writes
 *     into the file is exactly that 元 text (true for every amount below 10^13 元 that was
 *     checked, and checked again for each cell); otherwise the exact 元 text as a string cell.
 *     So Excel can sum the column, and a reader of the file sees the exact decimal.
 * Dates are days since 1970: a date cell (yyyy-mm-dd) in XLSX, "YYYY-MM-DD" in CSV. Integers
 * beyond 2^53 go to XLSX as text. CSV is UTF-8 with a BOM (Excel opens it as UTF-8), RFC 4180
 * quoting, and a text cell starting with = + - @ gets a leading ' so a spreadsheet does not run it
 * as a formula. */
#ifndef DUIJIE_EXPORT_H
#define DUIJIE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/arena.h"
#include "util/error.h"

enum export_type { EXPORT_TEXT, EXPORT_INT, EXPORT_MONEY, EXPORT_DATE };
enum export_format { EXPORT_CSV, EXPORT_XLSX };

struct export_column {
    const char *key;    /* the JSON key of the value (export_table_from_json) */
    const char *header; /* the Chinese header written in the first row */
    enum export_type type;
};

/* One cell: text (EXPORT_TEXT) in s, or an integer (int, fen, days) in i. */
struct export_cell {
    bool is_null;
    int64_t i;
    const char *s;
};

struct export_table {
    const char *sheet; /* XLSX sheet name (at most 31 characters); NULL = "Sheet1" */
    const struct export_column *cols;
    int n_cols;
    const struct export_cell *cells; /* row-major: n_rows × n_cols */
    int n_rows;
};

/* "csv" or "xlsx" → the format; -1 for anything else. */
int export_format_from_name(const char *name);
/* "text/csv; charset=utf-8" or the XLSX MIME type. */
const char *export_content_type(enum export_format f);
/* "csv" / "xlsx". */
const char *export_extension(enum export_format f);

/* Writes the table to a file. ERR_IO when the file cannot be written, ERR_INVALID for bad UTF-8
 * in a text cell or a bad column type. */
int export_write_file(const struct export_table *t, enum export_format f, const char *path,
                      struct error *err);
/* The same into a malloc'd buffer (*out, *len) the caller frees. */
int export_write_buffer(const struct export_table *t, enum export_format f, char **out, size_t *len,
                        struct error *err);

/* Builds cells from a JSON array of objects: each column's key is looked up in each object;
 * EXPORT_TEXT takes strings (numbers and booleans are written as text), EXPORT_INT and
 * EXPORT_MONEY integers (fen), EXPORT_DATE integers (days) or "YYYY-MM-DD" strings; missing or null
 * values are empty cells. Strings in the cells borrow the JSON's (numbers turned into text live in
 * a). *cells is malloc'd (free it). */
int export_cells_from_json(const struct export_column *cols, int n_cols, const json_t *rows,
                           struct arena *a, struct export_cell **cells, int *n_rows,
                           struct error *err);

/* export_cells_from_json and export_write_buffer in one call: what an HTTP list handler needs for
 * ?format=xlsx|csv (send *out with export_content_type(f)). */
int export_json(const struct export_column *cols, int n_cols, const json_t *rows, const char *sheet,
                enum export_format f, char **out, size_t *len, struct error *err);

#endif
