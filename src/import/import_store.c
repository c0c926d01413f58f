/* Owns the binding of the importer to the store: a sink whose begin/put/commit/rollback are the
 * store's transaction and store_put_enterprise (insert or update by USCC), and the entry points
 * the CLI and the HTTP upload call. A load into an empty store, or a large one, uses the store's
 * bulk transaction (indexes rebuilt at commit). Knows no SQL. */
#include <sys/stat.h>

#include "import/import.h"
#include "store/store.h"

struct store_sink {
    struct store *s;
    bool is_bulk;
};

static int sink_begin(void *ctx, struct error *err) {
    struct store_sink *k = ctx;
    return k->is_bulk ? store_begin_bulk(k->s, err) : store_begin(k->s, err);
}

static int sink_put(void *ctx, const struct profile *p, struct error *err) {
    return store_put_enterprise(((struct store_sink *)ctx)->s, p, NULL, err);
}

static int sink_commit(void *ctx, struct error *err) {
    return store_commit(((struct store_sink *)ctx)->s, err);
}

static void sink_rollback(void *ctx) {
    store_rollback(((struct store_sink *)ctx)->s);
}

static int64_t sink_count(void *ctx) {
    return store_count_enterprises(((struct store_sink *)ctx)->s);
}

/* Inputs of this size or more (about 60,000 rows) also load in bulk into a store that has rows:
 * rebuilding the enterprise table's two indexes once costs a few seconds at 2,000,000 rows, far
 * less than keeping them up to date row by row. */
#define BULK_BYTES ((size_t)16 << 20)

static void sink_init(struct store_sink *k, struct import_sink *sink, struct store *s,
                      size_t input_bytes) {
    k->s = s;
    k->is_bulk = s && (input_bytes >= BULK_BYTES || store_count_enterprises(s) == 0);
    *sink = (struct import_sink){k, sink_begin, sink_put, sink_commit, sink_rollback, sink_count};
}

int import_file(struct store *s, const char *path, const struct import_options *o,
                struct import_result *r, struct error *err) {
    struct store_sink k;
    struct import_sink sink;
    struct stat st;
    sink_init(&k, &sink, s, stat(path, &st) == 0 ? (size_t)st.st_size : 0);
    return import_run_file(path, o, s ? &sink : NULL, r, err);
}

int import_buffer(struct store *s, const char *data, size_t len, const char *filename,
                  const struct import_options *o, struct import_result *r, struct error *err) {
    struct store_sink k;
    struct import_sink sink;
    sink_init(&k, &sink, s, len);
    return import_run_buffer(data, len, filename, o, s ? &sink : NULL, r, err);
}
