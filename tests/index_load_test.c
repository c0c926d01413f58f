/* index_load on two threads (the scan handing batches of profiles to a thread that derives and
 * stages them) builds the same generation as on one: the same rows in the same order, with the
 * same store ids, USCCs and every indexed value. TSAN_TEST: tsan_index_load_* run under
 * ThreadSanitizer too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "index/index.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "test.h"
#include "util/date.h"

static bool same_value(const struct value *a, const struct value *b) {
    return a->has == b->has &&
           (!a->has || (a->i == b->i && a->r.num == b->r.num && a->r.den == b->r.den));
}

TEST(tsan_index_load_two_threads_equals_one) {
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    char path[128];
    snprintf(path, sizeof path, "/tmp/duijie_index_load_%d.db", (int)getpid());
    unlink(path);
    struct store *s;
    CHECK_INT(store_open(path, &s, &err), 0);
    struct profile *p = malloc(sizeof *p);
    struct demo_text t;
    int n = 1800; /* seven batches and a part */
    CHECK_INT(store_begin_bulk(s, &err), 0);
    for (int i = 0; i < n; i++) {
        demo_enterprise(29, i, p, &t);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    CHECK_INT(store_commit(s, &err), 0);
    int32_t today = date_from_ymd(2026, 7, 1);
    struct index_gen *one, *two;
    index_set_load_pipeline_min(UINT32_MAX);
    CHECK_INT(index_load(s, today, &one, &err), 0);
    index_set_load_pipeline_min(1);
    CHECK_INT(index_load(s, today, &two, &err), 0);
    index_set_load_pipeline_min(50000);
    CHECK_INT(index_gen_count(one), n);
    CHECK_INT(index_gen_count(two), n);
    CHECK_INT(index_gen_rows(two), index_gen_rows(one));
    CHECK_INT(index_gen_bytes(two), index_gen_bytes(one));
    struct profile *q = malloc(sizeof *q);
    int bad = 0;
    for (uint32_t row = 0; row < index_gen_rows(one); row++) {
        char u1[32], u2[32];
        bad += index_row_id(one, row) != index_row_id(two, row);
        bad += strcmp(index_row_uscc(one, row, u1, sizeof u1),
                      index_row_uscc(two, row, u2, sizeof u2)) != 0;
        index_row_profile(one, row, p);
        index_row_profile(two, row, q);
        for (int f = 0; f < F_COUNT; f++)
            bad += f != F_USCC && !same_value(&p->v[f], &q->v[f]);
    }
    CHECK_INT(bad, 0);
    /* and a USCC is found in both */
    char u[32];
    uint32_t row;
    index_row_uscc(one, 1234, u, sizeof u);
    CHECK_INT(index_find_uscc(two, u, &row), 0);
    CHECK_INT(row, 1234);
    free(p);
    free(q);
    index_gen_release(one);
    index_gen_release(two);
    store_close(s);
    unlink(path);
}
