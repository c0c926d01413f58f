/* Import of enterprise records from spreadsheets: CSV (UTF-8 with or without BOM, or GB18030;
 * comma or tab; RFC 4180 quotes) and XLSX (first sheet). Readers stream rows to a callback; the
 * importer maps headers to dictionary fields (key, Chinese label, alias, year-tagged yearly
 * columns such as "2024年营业收入"), parses every cell into a profile, reports each bad cell or row
 * with row, column, field and a reason in Chinese and English, and hands good profiles to a sink
 * inside one transaction (import_store.c binds the sink to the store). */
#ifndef DUIJIE_IMPORT_H
#define DUIJIE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "enterprise/enterprise.h"
#include "util/error.h"

struct store;

/* ---- readers: rows of text cells ---- */

struct import_cell {
    const char *s; /* UTF-8 text (not NUL-terminated); valid until the row callback returns */
    size_t len;
    int col; /* 0-based column */
};

struct import_row {
    int row;  /* 1-based: CSV record number (blank records counted), XLSX sheet row number */
    int line; /* CSV: the physical line the record starts on; 0 for XLSX */
    int n;    /* cells, in column order; XLSX rows may skip columns */
    const struct import_cell *cells;
    const struct error *bad; /* non-NULL: the row could not be read (position and reason in it) */
};

/* A non-zero return stops the reader, which returns that value. */
typedef int (*import_row_fn)(void *ctx, const struct import_row *row);
/* bytes of the input consumed so far, out of total (0 when unknown). */
typedef void (*import_progress_fn)(void *ctx, int64_t done, int64_t total);

struct import_read_info {
    char encoding[16]; /* "UTF-8", "UTF-8 BOM", "GB18030", "xlsx" */
    char delimiter;    /* ',' or '\t' for CSV, 0 for XLSX */
    char sheet[64];    /* XLSX: the sheet's name */
};

struct import_reader_opts {
    import_row_fn on_row;
    import_progress_fn on_progress; /* may be NULL */
    void *ctx;
    struct import_read_info *info; /* may be NULL; filled once the input has been sniffed */
};

/* CSV from memory or a stream. Memory is constant (a record over 1 MiB is a broken row). Returns 0,
 * a callback's non-zero value, or a negative code for a fatal error (unreadable input, UTF-16). */
int import_read_csv(const char *data, size_t len, const struct import_reader_opts *o,
                    struct error *err);
int import_read_csv_stream(FILE *f, int64_t total, const struct import_reader_opts *o,
                           struct error *err);
/* The first sheet of an XLSX workbook, from memory or a file. Cells come as text: numbers in
 * plain decimal, booleans as 是/否, date-formatted numbers as YYYY-MM-DD. */
/* Writes one CSV field to f (RFC 4180: quoted when it holds a comma, quote or line break), then a
 * comma, or a newline when is_last. The error file and test data are written with it. */
void import_csv_write_field(FILE *f, const char *s, bool is_last);

int import_read_xlsx(const char *data, size_t len, const struct import_reader_opts *o,
                     struct error *err);
int import_read_xlsx_file(const char *path, const struct import_reader_opts *o, struct error *err);
/* "A", "B", …, "Z", "AA" for a 0-based column into buf (8 bytes). */
const char *import_col_letters(int col, char *buf, size_t n);

/* ---- the importer ---- */

enum import_format { IMPORT_AUTO = 0, IMPORT_CSV, IMPORT_XLSX };

struct import_issue {
    int row;         /* as in struct import_row; 0 for the header or the whole file */
    int line;        /* CSV physical line, else 0 */
    char column[12]; /* CSV: "3" (1-based number); XLSX: "C"; "" when none */
    char field[64];  /* the field's key, or the header text when it names no field */
    char zh[320];
    char en[320];
};

/* Receives every error (is_warning false) or warning; the CLI writes them to --errors. */
typedef void (*import_issue_fn)(void *ctx, const struct import_issue *e, bool is_warning);

/* Where good rows go. begin before the first row, put for each, commit at the end; rollback
 * when anything failed after begin. */
struct import_sink {
    void *ctx;
    int (*begin)(void *ctx, struct error *err);
    int (*put)(void *ctx, const struct profile *p, struct error *err);
    int (*commit)(void *ctx, struct error *err);
    void (*rollback)(void *ctx);
    int64_t (*count)(void *ctx); /* records held, for inserted vs updated; NULL or -1: unknown */
};

struct import_options {
    enum import_format format; /* IMPORT_AUTO: by file name (.xlsx) and by content (PK zip) */
    bool is_dry_run;           /* parse and check everything, store nothing */
    int max_issues;            /* errors and warnings kept in the result (default 100 each) */
    import_issue_fn on_issue;
    import_progress_fn on_progress;
    void *ctx; /* for on_issue and on_progress */
};

struct import_result {
    int64_t rows_read;     /* data rows (header and blank rows not counted) */
    int64_t rows_stored;   /* handed to the sink and committed (0 on dry run) */
    int64_t rows_valid;    /* rows that passed every check (stored unless dry run) */
    int64_t rows_rejected; /* rows with at least one error */
    int64_t inserted;      /* -1 when the sink cannot tell */
    int64_t updated;       /* -1 when the sink cannot tell */
    int64_t n_errors;      /* errors in all */
    int64_t n_warnings;
    int n_issues_kept, n_warnings_kept;
    struct import_issue *errors;   /* owned: the first max_issues errors */
    struct import_issue *warnings; /* owned: the first max_issues warnings */
    struct import_read_info info;
    char format[8];  /* "csv" / "xlsx" */
    int fiscal_year; /* from year-tagged headers, 0 when none */
    int n_columns;   /* header cells */
    int n_mapped;    /* header cells mapped to a field */
};

void import_result_init(struct import_result *r);
void import_result_release(struct import_result *r);
/* The summary printed by `duijie import` and returned by the HTTP upload. */
json_t *import_result_to_json(const struct import_result *r);

/* Reads a file or buffer, checks every row and, unless dry run, hands the good ones to sink
 * inside one transaction. Bad rows are reported and skipped. Returns 0 when the import ran (even
 * with rejected rows) or a negative code for a fatal error (unreadable file, no USCC column, the
 * sink failed), in which case the sink was rolled back. */
int import_run_file(const char *path, const struct import_options *o,
                    const struct import_sink *sink, struct import_result *r, struct error *err);
int import_run_buffer(const char *data, size_t len, const char *filename,
                      const struct import_options *o, const struct import_sink *sink,
                      struct import_result *r, struct error *err);

/* The same into the store (s may be NULL only for a dry run): one transaction, insert or update
 * by USCC, inserted vs updated counted. For the CLI and for HTTP uploads (import_buffer). */
int import_file(struct store *s, const char *path, const struct import_options *o,
                struct import_result *r, struct error *err);
int import_buffer(struct store *s, const char *data, size_t len, const char *filename,
                  const struct import_options *o, struct import_result *r, struct error *err);

/* Writes an Excel template: one column per importable field with its Chinese label as the header
 * (a comment on each header gives the key, type and unit) and one example row that imports. */
int import_write_template(const char *path, struct error *err);

#endif
