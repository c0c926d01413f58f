/* A test store of demo enterprises: tdemo_store writes n of the demo city's enterprises (seed as in
 * demo_enterprise) into a fresh SQLite file /tmp/duijie_<name>_<pid>.db in one bulk transaction,
 * and leaves the file's path in path (to unlink afterwards, or to give a server). */
#ifndef DUIJIE_TESTS_TDEMO_H
#define DUIJIE_TESTS_TDEMO_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "demo/demo.h"
#include "store/store.h"
#include "test.h"

/* The store, or NULL (the failure reported) when it cannot be opened. */
static inline struct store *tdemo_store(char *path, size_t path_size, const char *name,
                                        uint64_t seed, int n) {
    struct error err;
    snprintf(path, path_size, "/tmp/duijie_%s_%d.db", name, (int)getpid());
    unlink(path);
    struct store *s;
    if (store_open(path, &s, &err)) {
        test_failf(__FILE__, __LINE__, "store %s: %s", path, err.en);
        return NULL;
    }
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    CHECK_INT(store_begin_bulk(s, &err), 0);
    for (int i = 0; p && i < n; i++) {
        demo_enterprise(seed, i, p, &t);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    CHECK_INT(store_commit(s, &err), 0);
    free(p);
    return s;
}

#endif
