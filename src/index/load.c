/* Owns loading a generation from the store: one id-order scan, each profile derived for the
 * evaluation date and added to a builder. Does not own the columns (build.c). */
#include <stdlib.h>
#include <string.h>

#include "index/index.h"
#include "store/store.h"

struct load_ctx {
    struct index_builder *b;
    int32_t today;
    struct profile *p; /* scratch: the scan's profile is const and shared */
    struct error *err;
    int rc; /* the builder's failure: the scan stops on it but reports success */
};

static int load_one(void *arg, int64_t id, const struct profile *p) {
    struct load_ctx *c = arg;
    memcpy(c->p, p, sizeof *p);
    profile_derive(c->p, c->today, NULL);
    c->rc = index_builder_add(c->b, id, c->p, c->err);
    return c->rc;
}

int index_load(struct store *s, int32_t today, struct index_gen **out, struct error *err) {
    struct load_ctx c = {NULL, today, malloc(sizeof(struct profile)), err, 0};
    if (!c.p) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    int rc = index_builder_new(today, &c.b, err);
    int64_t n = store_count_enterprises(s);
    if (!rc && n > 0 && n < UINT32_MAX && (rc = index_builder_reserve(c.b, (uint32_t)n, err)))
        index_builder_free(c.b);
    if (!rc) {
        rc = store_scan_enterprises(s, load_one, &c, err);
        if (!rc) rc = c.rc;
        if (rc)
            index_builder_free(c.b);
        else
            rc = index_builder_finish(c.b, out, err);
    }
    free(c.p);
    return rc;
}
