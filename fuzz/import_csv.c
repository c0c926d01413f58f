/* libFuzzer target for the CSV reader and the importer behind it: any bytes (any encoding, any
 * quoting) must give rows or row errors, never a crash, a hang or a leak. Each row's cells are
 * checked to lie inside the record and, unless the row is marked bad, to be valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "util/utf8.h"

static int check_row(void *ctx, const struct import_row *row) {
    (void)ctx;
    if (row->bad) {
        if (row->bad->line < 1 || row->bad->col < 1) abort();
        return 0;
    }
    for (int i = 0; i < row->n; i++)
        if (!utf8_is_valid(row->cells[i].s, row->cells[i].len, NULL)) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct import_reader_opts o = {check_row, NULL, NULL, NULL};
    struct error err;
    error_clear(&err);
    import_read_csv((const char *)data, size, &o, &err);
    /* the whole importer too, in dry-run mode, so header mapping and cell parsing are fuzzed */
    struct import_options io = {.is_dry_run = true, .format = IMPORT_CSV, .max_issues = 4};
    struct import_result r;
    import_result_init(&r);
    import_run_buffer((const char *)data, size, "fuzz.csv", &io, NULL, &r, &err);
    if (r.rows_valid + r.rows_rejected != r.rows_read) abort();
    import_result_release(&r);
    return 0;
}
